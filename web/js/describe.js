// Plain-language descriptions of features for popups and the details panel.

import { formatDate, formatInterval } from './dates.js';

/** Creates an element: h('p', {class: 'x'}, 'text', child, …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    // through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style attributes
    else if (k === 'style') el.style.cssText = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const PRECISION = {
  site: { label: 'exact site', radiusKm: 0 },
  town: { label: 'placed at the town or city named by the sources', radiusKm: 8 },
  region: { label: 'placed within the region named by the sources', radiusKm: 45 },
  country: { label: 'only the country is known', radiusKm: 150 },
  unknown: { label: 'the location is not known', radiusKm: 250 },
};

export function isApproximate(p) {
  return p && p.location_precision && p.location_precision !== 'site';
}

/** "military-base" → "military base". */
export function words(s) {
  return s ? String(s).replace(/[-_]+/g, ' ') : '';
}

export function capital(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : '';
}

const COLLECTION_NOUN = {
  installations: 'installation', forces: 'force', events: 'event', routes: 'route',
  borders: 'border', countries: 'country', groupings: 'grouping',
};

export function collectionNoun(c) {
  return COLLECTION_NOUN[c] || words(c);
}

/**
 * Context: { countryName(iso3) → string, groupingName(id) → string, sideAdjective? }.
 * Returns a DOM node describing `feature` (a GeoJSON feature with its original properties).
 */
export function describe(feature, collection, ctx, { compact = false } = {}) {
  const p = feature.properties || {};
  const country = (c) => (c ? `${ctx.countryName(c)}` : '');
  const rows = [];
  const row = (label, ...value) => {
    if (value.some((v) => v !== '' && v !== null && v !== undefined)) {
      rows.push(h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, ...value)));
    }
  };

  const kind = p.kind ? capital(words(p.kind)) : capital(collectionNoun(collection));
  const title = p.name || (collection === 'borders' && Array.isArray(p.countries)
    ? `Border of ${p.countries.map(country).join(' and ')}` : feature.id) || 'Feature';

  if (p.distance_km !== undefined && p.distance_km !== null) {
    const side = p.side ? ` — ${country(p.side)} side` : '';
    row('Distance', `${formatKm(p.distance_km)}${side}`);
  }
  if (collection === 'borders' && p.length_km) row('Length', formatKm(p.length_km));
  if (p.country && collection !== 'countries') row('Country', country(p.country));
  if (p.operator) row('Operated by', country(p.operator));
  if (p.contributor) row('Contributed by', country(p.contributor));
  if (Array.isArray(p.groupings) && p.groupings.length) {
    row('Part of', p.groupings.map((g) => ctx.groupingName(g)).join(', '));
  }
  if (collection === 'events') {
    row('When', formatInterval(p.valid_from, p.valid_to, { open: 'from' }));
  } else if (p.valid_from || p.valid_to) {
    row(collection === 'groupings' ? 'Existed' : 'In place', formatInterval(p.valid_from, p.valid_to));
  }
  if (p.strength && typeof p.strength === 'object') {
    const s = p.strength;
    const parts = [];
    if (Number.isFinite(s.personnel)) parts.push(`${s.personnel.toLocaleString('en')} personnel`);
    if (Number.isFinite(s.units)) parts.push(`${s.units} units`);
    if (parts.length) {
      const asOf = s.as_of ? ` (as of ${formatDate(s.as_of)})` : '';
      const src = Number.isInteger(s.source) && p.sources?.[s.source]
        ? ` — source ${s.source + 1}` : (typeof s.source === 'string' ? ` — ${s.source}` : '');
      row('Strength', parts.join(', ') + asOf + src);
    } else {
      row('Strength', 'not given by the sources');
    }
  }
  if (p.location_precision) {
    const prec = PRECISION[p.location_precision] || PRECISION.unknown;
    if (isApproximate(p)) {
      row('Location', h('span', { class: 'approx' }, compact
        ? `Approximate (${p.location_precision}): dotted ring`
        : `Approximate: ${prec.label}. The dotted grey ring on the map shows the uncertainty.`));
    } else {
      row('Location', 'Exact site');
    }
  } else if (!feature.geometry && !['groupings', 'countries'].includes(collection)) {
    row('Location', 'Not on the map: the sources give no place.');
  }
  if (p.schematic) row('Drawing', 'Schematic: the line shows the general direction, not the exact path.');
  if (collection === 'groupings') {
    if (Array.isArray(p.active_members)) {
      row('Members at this date', p.active_members.length
        ? p.active_members.map(country).join(', ') : 'none');
    }
    if (!compact && Array.isArray(p.members) && p.members.length) {
      row('Membership history', h('ul', { class: 'plain' }, p.members.map((m) => h('li', {},
        `${country(m.country)}: ${words(m.status || 'member')} ${formatInterval(m.joined, m.left, { open: 'since' })}`))));
    }
  }
  if (p.role === 'zone') row('Shows', 'the analysis zone');

  const node = h('article', { class: 'feature' },
    h('p', { class: 'kind' }, kind),
    h('h3', { class: 'name' }, title),
    p.summary ? h('p', { class: 'summary' }, p.summary) : null,
    rows.length ? h('dl', {}, rows) : null,
    sourcesNode(p.sources, compact));
  return node;
}

export function formatKm(km) {
  const n = Number(km);
  if (!Number.isFinite(n)) return '';
  return `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en')} km`;
}

function sourcesNode(sources, compact) {
  if (!Array.isArray(sources) || !sources.length) return null;
  const list = sources.slice(0, compact ? 1 : sources.length).map((s, i) => {
    if (typeof s === 'string') return h('li', {}, s);
    const bits = [];
    if (s.publisher) bits.push(s.publisher);
    if (s.date) bits.push(formatDate(s.date));
    const title = s.url
      ? h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, s.title || s.url)
      : h('cite', {}, s.title || s.ref || `Source ${i + 1}`);
    return h('li', {}, title, bits.length ? `, ${bits.join(', ')}` : '',
      s.ref ? h('span', { class: 'ref' }, ` [${s.ref}]`) : '');
  });
  const more = compact && sources.length > 1 ? h('p', { class: 'hint' }, `and ${sources.length - 1} more in Details`) : null;
  return h('section', { class: 'sources' }, h('h4', {}, sources.length > 1 ? 'Sources' : 'Source'),
    h('ol', {}, list), more);
}
