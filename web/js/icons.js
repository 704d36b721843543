// Map symbols drawn on a canvas at start-up (no sprite file): one shape per kind of
// installation and of event. The same drawings appear in the legend.

import { COLORS } from './palette.js';

export const INSTALLATION_SHAPES = [
  { key: 'air', label: 'Air base', match: /air|aviation|airfield/ },
  { key: 'naval', label: 'Naval base', match: /^naval-base|port|fleet/ },
  { key: 'hq', label: 'Headquarters or staff', match: /head|staff|command/ },
  { key: 'radar', label: 'Radar, space, test or signals site', match: /radar|space|missile|test|warning|communication/ },
  { key: 'training', label: 'Training ground or range', match: /train|range|polygon|ground/ },
  { key: 'border', label: 'Border post', match: /border|guard|post/ },
  { key: 'base', label: 'Military base or garrison', match: /./ },
];

export const EVENT_SHAPES = [
  { key: 'exercise', label: 'Exercise', match: /exercise|drill|manoeuv|maneuv/ },
  { key: 'operation', label: 'Operation', match: /operation|mission|deploy/ },
  { key: 'summit', label: 'Summit or meeting', match: /summit|meeting|session|council/ },
  { key: 'agreement', label: 'Agreement or treaty', match: /agree|treaty|accord|decision|protocol/ },
  { key: 'other', label: 'Statement or other event', match: /./ },
];

export function shapeFor(list, kind) {
  const k = String(kind || '').toLowerCase();
  return (list.find((s) => s.match.test(k)) || list[list.length - 1]).key;
}

const SIZE = 22;

/**
 * Draws shape `key` in `color`; `hollow` draws it as a dashed outline on white, the mark of a
 * feature whose dates are not known.
 */
function draw(ctx, key, color, hollow = false) {
  const s = SIZE;
  const c = s / 2;
  ctx.lineWidth = 2;
  ctx.strokeStyle = hollow ? color : '#ffffff';
  ctx.fillStyle = hollow ? '#ffffff' : color;
  if (hollow) ctx.setLineDash([3, 2]);
  ctx.lineJoin = 'round';
  ctx.beginPath();
  switch (key) {
    case 'air': // upward triangle with wings
      ctx.moveTo(c, 2); ctx.lineTo(s - 3, s - 4); ctx.lineTo(c, s - 8); ctx.lineTo(3, s - 4); ctx.closePath();
      break;
    case 'naval': // circle with a bar
      ctx.arc(c, c, 7.5, 0, Math.PI * 2);
      break;
    case 'hq': case 'summit': { // star
      for (let i = 0; i < 10; i += 1) {
        const r = i % 2 ? 4 : 9.5;
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const x = c + r * Math.cos(a);
        const y = c + 1 + r * Math.sin(a);
        if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      }
      ctx.closePath();
      break;
    }
    case 'radar': case 'operation': // diamond
      ctx.moveTo(c, 2); ctx.lineTo(s - 2, c); ctx.lineTo(c, s - 2); ctx.lineTo(2, c); ctx.closePath();
      break;
    case 'training': case 'exercise': // triangle
      ctx.moveTo(c, 3); ctx.lineTo(s - 2.5, s - 4); ctx.lineTo(2.5, s - 4); ctx.closePath();
      break;
    case 'border': // downward triangle
      ctx.moveTo(3, 4); ctx.lineTo(s - 3, 4); ctx.lineTo(c, s - 3); ctx.closePath();
      break;
    case 'agreement': // document
      ctx.rect(5, 3, s - 10, s - 6);
      break;
    case 'other':
      ctx.arc(c, c, 6, 0, Math.PI * 2);
      break;
    default: // base: square
      ctx.rect(4, 4, s - 8, s - 8);
  }
  if (hollow) {
    ctx.fill();
    ctx.stroke();
    ctx.setLineDash([]);
  } else {
    ctx.stroke();
    ctx.fill();
  }
  if (key === 'naval') {
    ctx.strokeStyle = hollow ? color : '#ffffff';
    ctx.beginPath(); ctx.moveTo(c, 5); ctx.lineTo(c, s - 5); ctx.moveTo(6, c); ctx.lineTo(s - 6, c); ctx.stroke();
  }
  if (key === 'agreement') {
    ctx.strokeStyle = '#ffffff'; ctx.lineWidth = 1.2;
    ctx.beginPath();
    for (const y of [8, 11, 14]) { ctx.moveTo(8, y); ctx.lineTo(s - 8, y); }
    ctx.stroke();
  }
}

/** A canvas with the symbol, for the legend. */
export function iconCanvas(key, color, ratio = 2, hollow = false) {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE * ratio;
  canvas.height = SIZE * ratio;
  canvas.style.width = `${SIZE}px`;
  canvas.style.height = `${SIZE}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  draw(ctx, key, color, hollow);
  canvas.setAttribute('aria-hidden', 'true');
  return canvas;
}

export function addIcons(map) {
  const ratio = 2;
  const add = (name, key, color, hollow = false) => {
    const canvas = iconCanvas(key, color, ratio, hollow);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    if (!map.hasImage(name)) {
      map.addImage(name, { width: canvas.width, height: canvas.height, data: data.data }, { pixelRatio: ratio });
    }
  };
  for (const s of INSTALLATION_SHAPES) {
    add(`inst-${s.key}`, s.key, COLORS.installation);
    add(`inst-${s.key}-undated`, s.key, COLORS.installation, true);
  }
  for (const s of EVENT_SHAPES) add(`event-${s.key}`, s.key, COLORS.event);
}

/**
 * Supplies an image the style asked for and nobody added: ours are drawn at once; a foreign
 * basemap style's sprite names (forcemap ships no sprite) get a stand-in: a dot for towns, a
 * ringed dot for capitals, and an empty image for the rest, so that their labels still show.
 */
export function addMissingImage(map, id) {
  if (map.hasImage(id)) return;
  if (/^(inst|event)-/.test(id)) {
    addIcons(map);
    return;
  }
  const ratio = 2;
  const size = { capital: 12, townspot: 8 }[id] || 1;
  const canvas = document.createElement('canvas');
  canvas.width = size * ratio;
  canvas.height = size * ratio;
  const ctx = canvas.getContext('2d');
  if (size > 1) {
    const c = (size * ratio) / 2;
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = '#4a4a4a';
    ctx.lineWidth = ratio;
    ctx.beginPath();
    ctx.arc(c, c, c - ratio, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
    if (id === 'capital') {
      ctx.fillStyle = '#4a4a4a';
      ctx.beginPath();
      ctx.arc(c, c, c / 2.6, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
  map.addImage(id, { width: canvas.width, height: canvas.height, data: data.data }, { pixelRatio: ratio });
}
