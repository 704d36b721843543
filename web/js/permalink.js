// The permalink: the URL hash holds the date, the view, the organization, the visible layers,
// the open tool with its parameters, the selected feature, the story step and the second date
// of the compare view, e.g.
//   #date=2005-06-01&map=5.00/38.60/69.10&org=csto&layers=membership,theaters,installations
//    &tool=border-zone&countries=AFG,TJK&km=50&feature=kant-air-base
//   #story=csto-1992-2013&step=3        #date=1995-06-01&compare=2001-06-01

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
  if (q.get('feature')) out.feature = q.get('feature');
  if (q.get('story')) {
    const step = Number(q.get('step'));
    out.story = { id: q.get('story'), step: Number.isInteger(step) && step >= 1 ? step - 1 : 0 };
  }
  if (isDay(q.get('compare'))) out.compare = q.get('compare');
  const tool = q.get('tool');
  if (tool === 'border-zone') {
    const cs = (q.get('countries') || '').split(',').filter((c) => /^[A-Z]{3}$/.test(c));
    const km = num(q.get('km'));
    out.tool = { name: tool, countries: cs.length === 2 ? cs : [], km: Number.isFinite(km) ? km : 50 };
  } else if (tool === 'range') {
    const km = num(q.get('km'));
    const at = (q.get('at') || '').split(',').map(num);
    out.tool = at.length === 2 && at.every(Number.isFinite)
      ? { name: tool, at, km: Number.isFinite(km) ? km : 300 }
      : { name: tool, from: q.get('from') || '', km: Number.isFinite(km) ? km : 300 };
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
  if (state.story) {
    // a story step says everything about the map itself
    q.set('story', state.story.id);
    q.set('step', String(state.story.step + 1));
    return `#${q.toString()}`;
  }
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
      if (t.at) q.set('at', `${t.at[0].toFixed(4)},${t.at[1].toFixed(4)}`);
      else if (t.from) q.set('from', t.from);
      q.set('km', String(t.km));
    } else if (t.name === 'here' && t.at) {
      q.set('at', `${t.at[0].toFixed(4)},${t.at[1].toFixed(4)}`);
    }
  }
  if (state.feature) q.set('feature', state.feature);
  if (state.compare) q.set('compare', state.compare);
  // Commas and slashes read better unescaped and are safe in a fragment.
  return `#${q.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/')}`;
}
