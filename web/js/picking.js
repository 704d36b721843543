// What a click means: the point features nearest the pointer within a tolerance, measured to
// where each symbol is drawn (its fanned-out position) or to its own point, whichever is
// nearer. One clear nearest feature opens; features at about the same distance (overlapping,
// or sharing a point) go to a chooser.

/** How much nearer than the next one a feature must be to open on its own, in pixels. */
export const CLEAR_MARGIN = 6;

/**
 * Candidates near `point` ({x, y} in map pixels): [{uid, distance}], nearest first.
 * `features` are display features with `_uid` and optional `_fx`/`_fy` (pixels at icon size
 * 1), `project([lon, lat])` gives map pixels, `iconScale` the drawn icon size, `tolerance` the
 * pick radius in pixels.
 */
export function nearby(features, point, { project, iconScale = 1, tolerance = 16 }) {
  const out = [];
  const seen = new Set();
  for (const f of features) {
    if (f.geometry?.type !== 'Point') continue;
    const uid = f.properties._uid;
    if (seen.has(uid)) continue;
    const p = project(f.geometry.coordinates);
    const x = p.x + (f.properties._fx || 0) * iconScale;
    const y = p.y + (f.properties._fy || 0) * iconScale;
    const d = Math.min(Math.hypot(x - point.x, y - point.y), Math.hypot(p.x - point.x, p.y - point.y));
    if (d <= tolerance) {
      seen.add(uid);
      out.push({ uid, distance: d });
    }
  }
  return out.sort((a, b) => a.distance - b.distance || a.uid.localeCompare(b.uid));
}

/**
 * What to open from the candidates: [] for nothing, [one] to open it, or several for the
 * chooser (those within CLEAR_MARGIN of the nearest).
 */
export function decide(candidates) {
  if (!candidates.length) return [];
  const first = candidates[0].distance;
  const close = candidates.filter((c) => c.distance - first <= CLEAR_MARGIN);
  return close.length === 1 ? [close[0].uid] : close.map((c) => c.uid);
}
