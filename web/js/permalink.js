// The permalink: the URL hash holds the date, the view, the organization, the visible layers
// and the open tool with its parameters, e.g.
//   #date=2005-06-01&map=5.00/38.60/69.10&org=csto&layers=membership,theaters,installations
//    &tool=border-zone&countries=AFG,TJK&km=50

import { isDay } from './dates.js';

const num = (s) => (s === null || s === '' || s === undefined ? NaN : Number(s));

/** Reads a hash ("#a=b&…") into a partial state; unknown or malformed parts are left out. */
export function parseHash(hash) {
  const q = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const out = {};
  const date = q.get('date');
  if (isDay(date)) out.date = date;
  const m = (q.get('map') || '').split('/').map(num);
  if (m.length === 3 && m.every(Number.isFinite) && Math.abs(m[1]) <= 90) {
    out.view = { zoom: m[0], center: [m[2], m[1]] };
  }
  if (q.get('org')) out.org = q.get('org');
  if (q.has('layers')) out.layers = q.get('layers').split(',').filter(Boolean);
  if (q.get('tab')) out.tab = q.get('tab');
  const tool = q.get('tool');
  if (tool === 'border-zone') {
    const cs = (q.get('countries') || '').split(',').filter((c) => /^[A-Z]{3}$/.test(c));
    const km = num(q.get('km'));
    out.tool = { name: tool, countries: cs.length === 2 ? cs : [], km: Number.isFinite(km) ? km : 50 };
  } else if (tool === 'range') {
    const km = num(q.get('km'));
    out.tool = { name: tool, from: q.get('from') || '', km: Number.isFinite(km) ? km : 300 };
  } else if (tool === 'here') {
    const at = (q.get('at') || '').split(',').map(num);
    out.tool = { name: tool, at: at.length === 2 && at.every(Number.isFinite) ? at : null };
  } else if (q.has('tool')) {
    out.tool = null;
  }
  return out;
}

/** Writes the state as a hash string (with the leading "#"). */
export function formatHash(state) {
  const q = new URLSearchParams();
  q.set('date', state.date);
  if (state.view) {
    const { zoom, center } = state.view;
    q.set('map', `${zoom.toFixed(2)}/${center[1].toFixed(4)}/${center[0].toFixed(4)}`);
  }
  q.set('org', state.org);
  q.set('layers', [...state.layers].join(','));
  if (state.tab && state.tab !== 'layers') q.set('tab', state.tab);
  const t = state.tool;
  if (t) {
    q.set('tool', t.name);
    if (t.name === 'border-zone') {
      if (t.countries?.length === 2) q.set('countries', t.countries.join(','));
      q.set('km', String(t.km));
    } else if (t.name === 'range') {
      if (t.from) q.set('from', t.from);
      q.set('km', String(t.km));
    } else if (t.name === 'here' && t.at) {
      q.set('at', `${t.at[0].toFixed(4)},${t.at[1].toFixed(4)}`);
    }
  }
  // Commas and slashes read better unescaped and are safe in a fragment.
  return `#${q.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/')}`;
}
