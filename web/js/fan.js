// Co-located symbols fanned out: features that share a point (a base and its garrison, a
// headquarters and the force it hosts) are drawn on a small circle around it, so that each
// symbol stays visible and clickable at every zoom. The offsets are in pixels at icon size 1.

/** Largest group fanned out; larger groups share the last slots (the chooser lists them). */
export const MAX_FAN = 8;

/** Radius of the fan, in pixels at icon size 1. */
export const FAN_RADIUS = 20;

/** Slot key of member `i` of a group of `n`: "n:i" ("" when alone). */
export const slotKey = (n, i) => (n > 1 ? `${Math.min(n, MAX_FAN)}:${Math.min(i, MAX_FAN - 1)}` : '');

/**
 * Pixel offset [dx, dy] of a slot: the first member above the point, the rest clockwise, on a
 * circle that widens for groups of more than four.
 */
export function slotOffset(key, base = FAN_RADIUS) {
  if (!key) return [0, 0];
  const [n, i] = key.split(':').map(Number);
  const radius = base * Math.max(1, n / 4);
  const a = -Math.PI / 2 + (i * 2 * Math.PI) / n;
  return [Math.round(radius * Math.cos(a) * 10) / 10, Math.round(radius * Math.sin(a) * 10) / 10];
}

/** Every slot key, for the style's match expressions. */
export function allSlots() {
  const out = [];
  for (let n = 2; n <= MAX_FAN; n += 1) for (let i = 0; i < n; i += 1) out.push(slotKey(n, i));
  return out;
}

/**
 * Sets `_slot`, `_fx` and `_fy` on point features (display copies, changed in place) so that
 * those within about 100 m of each other are fanned out. Features are ordered by uid inside a
 * group, so a feature keeps its slot from one render to the next.
 */
export function fanOut(features) {
  const groups = new Map();
  for (const f of features) {
    f.properties._slot = '';
    f.properties._fx = 0;
    f.properties._fy = 0;
    if (f.geometry?.type !== 'Point') continue;
    const [lon, lat] = f.geometry.coordinates;
    const key = `${lon.toFixed(3)},${lat.toFixed(3)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => String(a.properties._uid).localeCompare(String(b.properties._uid)));
    group.forEach((f, i) => {
      const key = slotKey(group.length, i);
      const [dx, dy] = slotOffset(key);
      Object.assign(f.properties, { _slot: key, _fx: dx, _fy: dy });
    });
  }
  return features;
}
