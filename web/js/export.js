// "Download what I see" (GeoJSON of the features in view) and the PNG export of the map.

import { bbox, bboxIntersects } from './geo.js';

function save(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** The features currently in view, as they came from the server, each tagged with its collection. */
export function featuresInView({ map, state, store, tools }) {
  const b = map.getBounds();
  const view = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  const out = [];
  const seen = new Set();
  const add = (uid) => {
    if (seen.has(uid)) return;
    const entry = store.byUid.get(uid);
    if (!entry) return;
    const { feature, collection } = entry;
    if (!bboxIntersects(bbox(feature.geometry), view)) return;
    seen.add(uid);
    out.push({
      type: 'Feature',
      id: feature.id,
      geometry: feature.geometry,
      properties: { collection, ...feature.properties },
    });
  };
  for (const collection of ['installations', 'forces', 'events', 'routes', 'borders']) {
    if (!state.layers.has(collection)) continue;
    for (const f of store[collection]) add(f.properties._uid);
  }
  for (const r of tools.results()) add(r.uid);
  return out;
}

export function downloadGeojson(app) {
  const features = featuresInView(app);
  const { state } = app;
  const doc = {
    type: 'FeatureCollection',
    features,
    forcemap: {
      date: state.date,
      organization: state.org,
      bbox: app.map.getBounds().toArray().flat(),
      view: window.location.href,
    },
  };
  save(new Blob([JSON.stringify(doc, null, 1)], { type: 'application/geo+json' }), `forcemap-${state.date}.geojson`);
  return doc;
}

/** Renders the current map with a caption into a PNG data URL (and saves it unless told not to). */
export async function exportPng({ map, title, credit = 'Natural Earth' }, { download = true } = {}) {
  await new Promise((resolve) => {
    map.once('render', resolve);
    map.triggerRepaint();
  });
  const src = map.getCanvas();
  const ratio = src.width / src.clientWidth || 1;
  const caption = Math.round(34 * ratio);
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height + caption;
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(src, 0, 0);
  ctx.fillStyle = '#1f2328';
  ctx.font = `600 ${Math.round(15 * ratio)}px sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(title, 10 * ratio, src.height + caption / 2);
  ctx.font = `${Math.round(11 * ratio)}px sans-serif`;
  ctx.textAlign = 'right';
  ctx.fillStyle = '#555';
  ctx.fillText(`forcemap · basemap: ${credit}`, out.width - 10 * ratio, src.height + caption / 2);
  const dataUrl = out.toDataURL('image/png');
  if (download) {
    const blob = await new Promise((r) => out.toBlob(r, 'image/png'));
    save(blob, `forcemap-${title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}.png`);
  }
  return dataUrl;
}
