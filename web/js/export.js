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
  // the features in view and the shapes of the active analysis (zone, ring, border)
  const features = [...featuresInView(app), ...app.tools.shapes()];
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

/** Height of the caption band under the map in an exported picture, in pixels. */
const CAPTION = 44;

/**
 * Renders the map into a PNG data URL with the title, the date, the legend, a scale bar, the
 * active analysis and the credits, and saves it unless told not to. `size` {width, height}
 * gives the picture's size in pixels (the map is drawn at that size for the moment); without
 * it, the window's size. `idle()` resolves once the map has finished drawing.
 */
export async function exportPng({ map, size, idle, title, legend, credit = 'Natural Earth' }, { download = true } = {}) {
  const width = Math.round(size?.width || window.innerWidth);
  const height = Math.round(size?.height || window.innerHeight);
  const container = map.getContainer();
  // through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style attributes
  const saved = container.style.cssText;
  container.style.cssText = `position:fixed;left:0;top:0;width:${width}px;height:${height - CAPTION}px;z-index:-1;flex:none`;
  map.resize();
  try {
    if (idle) await idle();
    await new Promise((resolve) => {
      map.once('render', resolve);
      map.triggerRepaint();
    });
    const src = map.getCanvas();
    const out = document.createElement('canvas');
    out.width = width;
    out.height = height;
    const ctx = out.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(src, 0, 0, width, height - CAPTION);
    const k = Math.max(1, Math.min(1.6, width / 1280));
    if (legend) drawLegend(ctx, legend, { right: width - 10, top: 10, k, maxHeight: height - CAPTION - 60 });
    drawScaleBar(ctx, map, { left: 12, bottom: height - CAPTION - 14, k });
    ctx.fillStyle = '#1f2328';
    ctx.font = `600 ${Math.round(17 * k)}px sans-serif`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillText(title, 12, height - CAPTION / 2);
    ctx.font = `${Math.round(12 * k)}px sans-serif`;
    ctx.textAlign = 'right';
    ctx.fillStyle = '#555';
    ctx.fillText(`forcemap · sources in each feature · basemap: ${credit}`, width - 12, height - CAPTION / 2);
    const dataUrl = out.toDataURL('image/png');
    if (download) {
      const blob = await new Promise((r) => out.toBlob(r, 'image/png'));
      save(blob, `forcemap-${title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}-${width}x${height}.png`);
    }
    return dataUrl;
  } finally {
    container.style.cssText = saved;
    map.resize();
  }
}

/** The legend rows of a legend description (see legendinfo.js) as [{ kind, color, label, image }]. */
export function legendRows(info) {
  const rows = [];
  const v = info.visible;
  const head = (label) => rows.push({ kind: 'head', label });
  if (v.has('membership')) {
    head(info.orgLabel);
    for (const s of info.statusList || []) rows.push({ kind: 'fill', color: s.color, label: s.label });
  }
  if (v.has('theaters') && info.theaters.length) {
    head('Regional theaters');
    for (const t of info.theaters) rows.push({ kind: 'outline', color: t.color, label: t.name });
  }
  if (v.has('groupings') && info.groupings.length) {
    head('Force groupings');
    for (const t of info.groupings) rows.push({ kind: 'dashed', color: t.color, label: t.name });
  }
  if (info.symbols?.length) {
    head('Military symbols (APP-6)');
    for (const r of info.symbols) rows.push({ kind: 'image', image: r.node, label: r.label });
  }
  if (info.undated) rows.push({ kind: 'dashed', color: '#263238', label: 'Dates unknown' });
  if (info.analysis) {
    head('Analysis');
    rows.push({ kind: 'outline', color: '#ff8f00', label: info.analysis });
  }
  return rows;
}

function drawLegend(ctx, info, { right, top, k, maxHeight }) {
  const rows = legendRows(info);
  if (!rows.length) return;
  const line = Math.round(20 * k);
  const font = `${Math.round(13 * k)}px sans-serif`;
  const bold = `600 ${Math.round(13 * k)}px sans-serif`;
  ctx.font = bold;
  const textW = Math.max(...rows.map((r) => { ctx.font = r.kind === 'head' ? bold : font; return ctx.measureText(r.label).width; }));
  const w = Math.min(textW + 40 * k, ctx.canvas.width * 0.45);
  const shown = rows.slice(0, Math.max(1, Math.floor((maxHeight - 12) / line)));
  const hgt = shown.length * line + 12;
  const left = right - w;
  ctx.fillStyle = 'rgba(255,255,255,0.92)';
  ctx.strokeStyle = '#c9ccd1';
  ctx.lineWidth = 1;
  ctx.fillRect(left, top, w, hgt);
  ctx.strokeRect(left + 0.5, top + 0.5, w - 1, hgt - 1);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  shown.forEach((r, i) => {
    const y = top + 6 + i * line + line / 2;
    const sx = left + 8;
    const sw = 22 * k;
    const sh = 12 * k;
    ctx.setLineDash([]);
    if (r.kind === 'fill') {
      ctx.fillStyle = r.color;
      ctx.fillRect(sx, y - sh / 2, sw, sh);
    } else if (r.kind === 'outline' || r.kind === 'dashed') {
      if (r.kind === 'dashed') ctx.setLineDash([4 * k, 3 * k]);
      ctx.strokeStyle = r.color;
      ctx.lineWidth = 2.5 * k;
      ctx.strokeRect(sx, y - sh / 2, sw, sh);
      ctx.setLineDash([]);
    } else if (r.kind === 'image' && r.image) {
      const ih = sh * 1.6;
      const iw = (r.image.width / r.image.height) * ih;
      ctx.drawImage(r.image, sx + (sw - Math.min(iw, sw)) / 2, y - ih / 2, Math.min(iw, sw), ih);
    }
    ctx.fillStyle = '#1f2328';
    ctx.font = r.kind === 'head' ? bold : font;
    ctx.fillText(r.label, r.kind === 'head' ? sx : sx + sw + 8, y, w - (r.kind === 'head' ? 16 : sw + 24));
  });
}

/** A scale bar for the map's centre latitude, in round kilometres. */
function drawScaleBar(ctx, map, { left, bottom, k }) {
  const lat = map.getCenter().lat;
  const canvasScale = ctx.canvas.width / map.getContainer().clientWidth || 1;
  const metresPerPixel = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom()) / canvasScale;
  const maxKm = (160 * k * metresPerPixel) / 1000;
  const steps = [1, 2, 5];
  let km = 1;
  for (let p = 1; p < 1e5; p *= 10) for (const s of steps) if (s * p <= maxKm) km = s * p;
  const px = (km * 1000) / metresPerPixel;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(left - 4, bottom - 22 * k, px + 8 + 60 * k, 26 * k);
  ctx.strokeStyle = '#1f2328';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(left, bottom - 8 * k); ctx.lineTo(left, bottom); ctx.lineTo(left + px, bottom); ctx.lineTo(left + px, bottom - 8 * k);
  ctx.stroke();
  ctx.fillStyle = '#1f2328';
  ctx.font = `${Math.round(12 * k)}px sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(`${km.toLocaleString('en')} km`, left + px + 6, bottom);
}
