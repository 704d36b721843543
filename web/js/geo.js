// Small geodesy helpers for drawing (distances and zones themselves come from the server).

const R = 6371.0088; // mean Earth radius, km
const RAD = Math.PI / 180;

/** Polygon ring approximating a geodesic circle of `km` around [lon, lat]. */
export function circle([lon, lat], km, steps = 64) {
  const d = km / R;
  const p1 = lat * RAD;
  const l1 = lon * RAD;
  const ring = [];
  for (let i = 0; i <= steps; i += 1) {
    const b = (i / steps) * 2 * Math.PI;
    const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
    const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    ring.push([((l2 / RAD + 540) % 360) - 180, p2 / RAD]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

/** [minLon, minLat, maxLon, maxLat] of a geometry, or null. */
export function bbox(geometry) {
  if (!geometry) return null;
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(visit);
  };
  if (geometry.type === 'GeometryCollection') geometry.geometries.forEach((g) => visit(g.coordinates));
  else visit(geometry.coordinates);
  return Number.isFinite(b[0]) ? b : null;
}

export function bboxIntersects(a, b) {
  return a && b && a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** A representative point of a geometry, for flying to and highlighting. */
export function anchor(geometry) {
  if (!geometry) return null;
  if (geometry.type === 'Point') return geometry.coordinates;
  const b = bbox(geometry);
  return b ? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] : null;
}
