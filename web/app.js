// forcemap map page: wires the map, the data for the selected date, the panel, the tools and
// the permalink together.

import * as maplibregl from 'maplibre-gl';
import { Protocol } from 'pmtiles';
import { items, url } from './js/api.js';
import {
  today, addYears, overlaps, covers, monthIndex, dayOfMonthIndex, formatDate, formatInterval, parts, isDay,
} from './js/dates.js';
import { lineage, statusAt, intervals, STATUS_COLOR, STATUS_LABEL } from './js/membership.js';
import {
  mapStyle, outlineLayers, outlineFilters, THEATER_COLORS, GROUPING_COLORS, PICKABLE,
} from './js/style.js';
import { addIcons, addMissingImage, shapeFor, INSTALLATION_SHAPES, EVENT_SHAPES } from './js/icons.js';
import { circle, bbox } from './js/geo.js';
import { describe, h, isApproximate, PRECISION } from './js/describe.js';
import {
  LAYER_GROUPS, DEFAULT_LAYERS, setupTabs, renderLayerList, syncLayerList, renderLegend,
} from './js/panel.js';
import { renderTimeline } from './js/timeline.js';
import { parseHash, formatHash } from './js/permalink.js';
import { createTools } from './js/tools.js';
import { downloadGeojson, exportPng, featuresInView } from './js/export.js';

const REGION = [[40, 30], [90, 60]]; // CSTO region: lon 40–90, lat 30–60
// Labels and symbols grow on wide screens and projectors (1 up to 1280 px, at most 1.6).
const LABEL_SCALE = Math.min(1.6, Math.max(1, window.innerWidth / 1280));
const COLLECTIONS = ['installations', 'forces', 'events', 'routes'];

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- state and stores

export const state = {
  date: today(),
  org: 'csto',
  layers: new Set(DEFAULT_LAYERS),
  view: null,
  tool: null,
  tab: 'layers',
};

const store = {
  countryNames: new Map(), // ISO3 → name
  groupings: new Map(), // id → feature (membership history; every grouping ever seen)
  active: null, // Map id → active_members at state.date, or null when the server gives none
  dated: new Set(), // grouping ids returned for state.date
  installations: [],
  forces: [],
  events: [],
  routes: [],
  borders: [],
  byUid: new Map(), // "collection/id" → { feature, collection }
  byId: new Map(), // id → uid (first seen)
};

let pending = 0;
const idleWaiters = [];
function busy(delta) {
  pending += delta;
  document.body.toggleAttribute('data-loading', pending > 0);
  if (pending === 0) {
    while (idleWaiters.length) idleWaiters.shift()();
  }
}
async function tracked(promise) {
  busy(1);
  try {
    return await promise;
  } finally {
    busy(-1);
  }
}

export function countryName(iso3) {
  return store.countryNames.get(iso3) || iso3;
}
function groupingName(id) {
  const g = store.groupings.get(id);
  const p = g?.properties;
  return p ? (p.short_name && p.short_name !== p.name ? `${p.name} (${p.short_name})` : p.name) : id;
}
const ctx = { countryName, groupingName };
function shortName(id) {
  const p = store.groupings.get(id)?.properties;
  return p?.name || id;
}

// ---------------------------------------------------------------- map

maplibregl.addProtocol('pmtiles', new Protocol().tile);

/**
 * The basemap's TileJSON, which names its layers and so the style to draw it with. The server
 * builds the built-in archive at start-up and answers 503 until it is ready: wait for it
 * (saying so), so that the map does not start without its basemap. Null when there is no
 * TileJSON to be had (a static copy of the page), which means the built-in archive.
 */
async function basemapTileJson() {
  for (let attempt = 0; attempt < 90; attempt += 1) {
    let res;
    try {
      res = await fetch(url('basemap.json'), { headers: { Accept: 'application/json' } });
    } catch {
      return null;
    }
    if (res.status !== 503) {
      reportError(null);
      return res.ok ? res.json().catch(() => null) : null;
    }
    reportError('Preparing the basemap…');
    await new Promise((r) => setTimeout(r, 2000));
  }
  return null;
}
const basemap = await basemapTileJson();

const hashState = parseHash(location.hash);
Object.assign(state, pick(hashState, ['date', 'org', 'tab', 'view']));
if (hashState.layers) state.layers = new Set(hashState.layers);
if ('tool' in hashState) state.tool = hashState.tool;

const style = mapStyle({ basemapUrl: url('basemap.pmtiles'), thematicUrl: url('thematic.pmtiles'), tilejson: basemap }, LABEL_SCALE);
/** The source whose `countries` layer carries the country polygons with ISO3 ids. */
const COUNTRIES_SOURCE = style.metadata['forcemap:countries'];
/** The layer that theater and grouping outlines go under. */
const OUTLINES_BEFORE = style.metadata['forcemap:outlines-before'];
/** The basemap's place labels, shown with the "Place names" layer. */
const BASE_LABELS = style.metadata['forcemap:labels'];
/** What the basemap credits, for the exported picture. */
const BASEMAP_CREDIT = (basemap?.attribution || 'Natural Earth').replace(/<[^>]*>/g, '').trim();

export const map = new maplibregl.Map({
  container: 'map',
  style,
  bounds: state.view ? undefined : REGION,
  center: state.view?.center,
  zoom: state.view?.zoom,
  maxZoom: 12,
  minZoom: 1,
  attributionControl: { compact: true },
  canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
  locale: {
    'NavigationControl.ZoomIn': 'Zoom in',
    'NavigationControl.ZoomOut': 'Zoom out',
  },
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
map.getCanvas().setAttribute('aria-label', 'Map. Use the arrow keys to pan and plus or minus to zoom.');

const styleLoaded = new Promise((resolve) => map.on('load', resolve));
// Images the style names and nobody added yet (a foreign basemap's sprite names, see icons.js).
map.on('styleimagemissing', (e) => addMissingImage(map, e.id));


function pick(obj, keys) {
  return Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]]));
}

// ---------------------------------------------------------------- loading

let loadController = null;
let staticLoaded = false;

async function loadStatic() {
  const [countries, borders, groupingsAll] = await Promise.all([
    items('countries', { skipGeometry: 'true' }).catch(() => ({ features: [] })),
    items('borders', { skipGeometry: 'true' }).catch(() => ({ features: [] })),
    items('groupings', { skipGeometry: 'true', datetime: '1900-01-01/..' })
      .catch(() => items('groupings', { skipGeometry: 'true' }))
      .catch(() => ({ features: [] })),
  ]);
  for (const f of countries.features) store.countryNames.set(String(f.id), f.properties?.name || String(f.id));
  store.borders = prepare('borders', borders.features);
  for (const g of groupingsAll.features) store.groupings.set(String(g.id), g);
  staticLoaded = true;
  if (state.layers.has('borders')) loadBorderLines();
}

/** The border lines are large, so they are fetched only when the layer is first shown. */
let borderLines = null;
function loadBorderLines() {
  borderLines ||= tracked(items('borders').then((answer) => {
    store.borders = prepare('borders', answer.features);
    map.getSource('borders')?.setData(fc(store.borders.filter((f) => f.geometry)));
  }).catch((e) => {
    borderLines = null;
    reportError(`Could not load the borders: ${e.message}`);
  }));
  return borderLines;
}

async function loadDate() {
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  const { signal } = controller;
  const date = state.date;
  const events = items('events', { datetime: `${addYears(date, -1)}/${addYears(date, 1)}` }, { signal })
    .catch((e) => (e.name === 'AbortError' ? Promise.reject(e) : items('events', {}, { signal })));
  try {
    const [groupings, installations, forces, evs, routes] = await Promise.all([
      items('groupings', { skipGeometry: 'true', datetime: date }, { signal }),
      items('installations', { datetime: date }, { signal }),
      items('forces', { datetime: date }, { signal }),
      events,
      items('routes', { datetime: date }, { signal }),
    ]);
    if (signal.aborted) return;
    store.dated = new Set();
    let serverSaid = false;
    const active = new Map();
    for (const g of groupings.features) {
      const id = String(g.id);
      store.dated.add(id);
      const known = store.groupings.get(id);
      // keep the richest member history we have seen
      if (!known || (g.properties?.members?.length || 0) >= (known.properties?.members?.length || 0)) {
        store.groupings.set(id, g);
      }
      if (Array.isArray(g.properties?.active_members)) {
        serverSaid = true;
        active.set(id, g.properties.active_members);
      }
    }
    store.active = serverSaid ? active : null;
    store.installations = prepare('installations', installations.features);
    store.forces = prepare('forces', forces.features);
    store.events = prepare('events', evs.features)
      .filter((f) => overlaps(f.properties.valid_from, f.properties.valid_to, addYears(date, -1), addYears(date, 1)));
    store.routes = prepare('routes', routes.features);
    reportError(null);
  } catch (e) {
    if (e.name === 'AbortError') return;
    reportError(`Could not load the data for ${formatDate(date)}: ${e.message}`);
  } finally {
    if (loadController === controller) loadController = null;
  }
  applyData();
}

/** Adds the display properties (prefixed "_") and indexes features by uid. */
function prepare(collection, features) {
  return (features || []).map((f) => {
    const p = { ...(f.properties || {}) };
    const uid = `${collection}/${f.id}`;
    p._uid = uid;
    p._label = p.name || '';
    if (collection === 'installations') p._icon = shapeFor(INSTALLATION_SHAPES, p.kind);
    if (collection === 'events') {
      p._icon = shapeFor(EVENT_SHAPES, p.kind);
      p._fade = covers(p.valid_from, p.valid_to, state.date) ? 1 : 0.6;
    }
    if (collection === 'forces') {
      const n = Number(p.strength?.personnel);
      p._personnel = Number.isFinite(n) && n > 0 ? n : 0;
    }
    // nested values cannot be read by style expressions; the original feature keeps them
    for (const [k, v] of Object.entries(p)) if (v && typeof v === 'object') delete p[k];
    const display = { type: 'Feature', id: f.id, geometry: f.geometry, properties: p };
    store.byUid.set(uid, { feature: f, collection });
    if (!store.byId.has(String(f.id))) store.byId.set(String(f.id), uid);
    return display;
  });
}

const fc = (features) => ({ type: 'FeatureCollection', features });

function reportError(message) {
  const t = $('toast');
  t.textContent = message || '';
  t.classList.toggle('show', !!message);
}

// ---------------------------------------------------------------- drawing

const dynamicLayers = { theaters: [], groupings: [] };

function membersAt(id) {
  if (store.active) return store.dated.has(id) ? (store.active.get(id) || []) : [];
  const g = store.groupings.get(id);
  if (!g) return [];
  return [...statusAt([g], state.date)].filter(([, s]) => s === 'member').map(([c]) => c);
}

/** The groupings behind the chosen organization, with active_members for the date. */
function orgGroupings() {
  return lineage(state.org, store.groupings).map((g) => {
    const id = String(g.id);
    if (!store.active) return g;
    return { ...g, properties: { ...g.properties, active_members: membersAt(id) } };
  });
}

export function membership() {
  return statusAt(orgGroupings(), state.date);
}

function membershipPaint() {
  const status = membership();
  const byStatus = {};
  for (const [c, s] of status) (byStatus[s] ||= []).push(c);
  const expr = ['match', ['get', 'id']];
  for (const key of ['member', 'suspended', 'observer', 'former']) {
    if (byStatus[key]?.length) expr.push(byStatus[key].sort(), STATUS_COLOR[key]);
  }
  if (expr.length === 2) return 'rgba(0,0,0,0)';
  expr.push('rgba(0,0,0,0)');
  return expr;
}

/**
 * The theater and grouping layers, once their groupings are known. Theaters are tinted and
 * outlined in solid lines, groupings outlined in dashes on top. Outlines that run along the
 * same border are stacked, widest at the bottom, so that each stays visible beside the others.
 */
function ensureDynamicLayers() {
  const theaters = [...store.groupings.values()].filter((g) => g.properties?.kind === 'theater');
  const groupings = [...store.groupings.values()].filter((g) => g.properties?.kind === 'force-grouping');
  const width = (w) => ['interpolate', ['linear'], ['zoom'], 2, w * 0.7, 6, w * 1.2];
  theaters.forEach((g, i) => {
    const id = String(g.id);
    if (map.getLayer(`theater-fill-${id}`)) return;
    const color = THEATER_COLORS[i % THEATER_COLORS.length];
    const metadata = { group: 'theaters', grouping: id, color };
    map.addLayer({
      id: `theater-fill-${id}`, type: 'fill', source: COUNTRIES_SOURCE, 'source-layer': 'countries',
      metadata,
      filter: ['in', ['get', 'id'], ['literal', []]],
      paint: { 'fill-color': color, 'fill-opacity': 0.04 },
    }, OUTLINES_BEFORE);
    const lines = outlineLayers(`theater-line-${id}`, COUNTRIES_SOURCE, {
      metadata,
      paint: { 'line-color': color, 'line-opacity': 0.9, 'line-width': width(2.8 + 2.4 * (theaters.length - 1 - i)) },
    });
    for (const l of lines) map.addLayer(l, OUTLINES_BEFORE);
    dynamicLayers.theaters.push({ id, fill: `theater-fill-${id}`, lines: lines.map((l) => l.id), color });
  });
  groupings.forEach((g, i) => {
    const id = String(g.id);
    if (map.getLayer(`grouping-line-${id}-borders`)) return;
    const color = GROUPING_COLORS[i % GROUPING_COLORS.length];
    const lines = outlineLayers(`grouping-line-${id}`, COUNTRIES_SOURCE, {
      metadata: { group: 'groupings', grouping: id, color },
      layout: { 'line-cap': 'butt' },
      paint: {
        'line-color': color,
        'line-dasharray': GROUPING_DASHES[i % GROUPING_DASHES.length],
        'line-width': width(1.6),
      },
    });
    for (const l of lines) map.addLayer(l, OUTLINES_BEFORE);
    dynamicLayers.groupings.push({ id, lines: lines.map((l) => l.id), color });
  });
}

/** Dash patterns of the grouping outlines, different so that coinciding outlines interleave. */
const GROUPING_DASHES = [[2, 1.5], [4, 3], [1, 2], [6, 2, 1, 2], [3, 5]];

function applyData() {
  if (!map.isStyleLoaded() && !map.getSource('installations')) return;
  ensureDynamicLayers();
  map.setPaintProperty('membership', 'fill-color', membershipPaint());
  for (const group of [...dynamicLayers.theaters, ...dynamicLayers.groupings]) {
    const members = membersAt(group.id);
    if (group.fill) map.setFilter(group.fill, ['in', ['get', 'id'], ['literal', members]]);
    outlineFilters(members).forEach((filter, i) => map.setFilter(group.lines[i], filter));
  }
  const withGeom = (list) => list.filter((f) => f.geometry);
  map.getSource('installations').setData(fc(withGeom(store.installations)));
  map.getSource('forces').setData(fc(withGeom(store.forces)));
  map.getSource('events').setData(fc(withGeom(store.events)));
  map.getSource('routes').setData(fc(withGeom(store.routes)));
  drawApprox();
  applyVisibility();
  renderOrgSelect();
  renderSide();
  tools.onData();
}

function drawApprox() {
  const halos = [];
  const add = (list, color, group) => {
    if (!state.layers.has(group)) return;
    for (const f of list) {
      if (f.geometry?.type !== 'Point' || !isApproximate(f.properties)) continue;
      const km = (PRECISION[f.properties.location_precision] || PRECISION.unknown).radiusKm;
      halos.push({ type: 'Feature', geometry: circle(f.geometry.coordinates, km), properties: { _color: color, _uid: f.properties._uid } });
    }
  };
  add(store.installations, '#263238', 'installations');
  add(store.forces, '#b71c1c', 'forces');
  map.getSource('approx').setData(fc(halos));
}

function applyVisibility() {
  if (state.layers.has('borders') && staticLoaded) loadBorderLines();
  const set = (layer, on) => {
    if (map.getLayer(layer)) map.setLayoutProperty(layer, 'visibility', on ? 'visible' : 'none');
  };
  for (const g of LAYER_GROUPS) for (const l of g.layers) set(l, state.layers.has(g.key));
  for (const l of BASE_LABELS) set(l, state.layers.has('places'));
  for (const g of dynamicLayers.theaters) for (const l of [g.fill, ...g.lines]) set(l, state.layers.has('theaters'));
  for (const g of dynamicLayers.groupings) for (const l of g.lines) set(l, state.layers.has('groupings'));
}

// ---------------------------------------------------------------- panel

const selectTab = setupTabs((key) => {
  state.tab = key;
  writeHash();
  if (key === 'timeline') renderChart();
  if (key === 'details') renderInView();
});

renderLayerList($('layer-list'), state.layers, (key, on) => {
  if (on) state.layers.add(key); else state.layers.delete(key);
  applyVisibility();
  drawApprox();
  renderLegendNow();
  writeHash();
});

function orgLabel(g) {
  const p = g.properties || {};
  const base = p.short_name ? `${p.short_name} — ${p.name}` : p.name || g.id;
  const lin = lineage(String(g.id), store.groupings);
  return lin.length > 1 ? `${base} (with ${lin.slice(1).map((x) => x.properties?.short_name || x.id).join(', ')})` : base;
}

function renderOrgSelect() {
  const sel = $('org');
  const orgs = [...store.groupings.values()].filter((g) => g.properties?.kind === 'organization')
    .sort((a, b) => (a.properties.short_name || a.properties.name).localeCompare(b.properties.short_name || b.properties.name));
  const ids = orgs.map((g) => String(g.id));
  if (sel.dataset.ids !== ids.join(',')) {
    sel.replaceChildren(...orgs.map((g) => h('option', { value: String(g.id) }, orgLabel(g))));
    sel.dataset.ids = ids.join(',');
  }
  if (ids.length && !ids.includes(state.org)) state.org = ids.includes('csto') ? 'csto' : ids[0];
  sel.value = state.org;
}

$('org').addEventListener('change', (e) => {
  state.org = e.target.value;
  map.setPaintProperty('membership', 'fill-color', membershipPaint());
  renderSide();
  writeHash();
});

function renderSide() {
  renderLegendNow();
  if (state.tab === 'timeline') renderChart();
  if (state.tab === 'details') renderInView();
}

/** A keyboard-friendly list of the point features in view (Details tab). */
function renderInView() {
  const list = $('inview');
  const feats = featuresInView({ map, state, store, tools })
    .filter((f) => ['installations', 'forces', 'events'].includes(f.properties.collection))
    .sort((a, b) => String(a.properties.name).localeCompare(String(b.properties.name)))
    .slice(0, 200);
  list.replaceChildren(...feats.map((f) => {
    const uid = `${f.properties.collection}/${f.id}`;
    const btn = h('button', { type: 'button', class: 'result', 'data-uid': uid },
      h('span', { class: 'result-name' }, f.properties.name || String(f.id)),
      h('span', { class: 'result-meta' }, capitalize(String(f.properties.kind || f.properties.collection).replace(/-/g, ' '))));
    btn.addEventListener('click', () => select(uid));
    return h('li', {}, btn);
  }));
  if (!feats.length) list.replaceChildren(h('li', { class: 'hint' }, 'No installations, forces or events in view.'));
}
map.on('moveend', () => { if (state.tab === 'details') renderInView(); });

function orgName() {
  const g = store.groupings.get(state.org);
  return g ? (g.properties.short_name || g.properties.name) : state.org;
}

function renderLegendNow() {
  renderLegend($('legend'), {
    orgLabel: `${orgName()} membership, ${formatDate(state.date)}`,
    hasObservers: [...membership().values()].includes('observer'),
    theaters: dynamicLayers.theaters.filter((t) => membersAt(t.id).length)
      .map((t) => ({ name: shortName(t.id), color: t.color })),
    groupings: dynamicLayers.groupings.filter((t) => membersAt(t.id).length)
      .map((t) => ({ name: shortName(t.id), color: t.color })),
    installationShapes: new Set(store.installations.map((f) => f.properties._icon)),
    eventShapes: new Set(store.events.map((f) => f.properties._icon)),
    visible: state.layers,
    landColor: style.metadata['forcemap:land'],
    analysis: tools.legendLabel(),
  });
}

function renderChart() {
  const lin = lineage(state.org, store.groupings);
  $('timeline-title').textContent = `${orgName()}: membership over time`;
  renderTimeline($('timeline'), {
    intervals: intervals(lin),
    name: countryName,
    date: state.date,
    title: `${orgName()} membership by country and year`,
    onPick: (year) => setDate(`${year}-${state.date.slice(5)}`.replace('-02-29', '-02-28')),
  });
}

// ---------------------------------------------------------------- date and slider

const slider = $('slider');
const dateInput = $('date-input');
slider.max = String(monthIndex(today()));
dateInput.max = today();

function showDate() {
  slider.value = String(monthIndex(state.date));
  const label = formatDate(state.date);
  slider.setAttribute('aria-valuetext', label);
  $('date-label').textContent = label;
  dateInput.value = state.date;
}

let dateTimer = null;
let dateWaiting = false;
const dateResolvers = [];
export function setDate(day, { immediate = false } = {}) {
  if (!isDay(day)) return Promise.resolve();
  if (day > today()) day = today();
  if (day < '1992-01-01') day = '1992-01-01';
  state.date = day;
  showDate();
  writeHash();
  clearTimeout(dateTimer);
  if (!dateWaiting) {
    dateWaiting = true;
    busy(1); // counts as loading from now, so that idle() waits for the new date's data
  }
  return new Promise((resolve) => {
    dateResolvers.push(resolve);
    dateTimer = setTimeout(() => {
      const done = tracked(loadDate());
      dateWaiting = false;
      busy(-1);
      const waiting = dateResolvers.splice(0);
      done.then(() => waiting.forEach((r) => r()), () => waiting.forEach((r) => r()));
    }, immediate ? 0 : 120);
  });
}

slider.addEventListener('input', () => {
  const keep = parts(state.date).d || 1;
  setDate(dayOfMonthIndex(Number(slider.value), keep));
});
dateInput.addEventListener('change', () => {
  if (isDay(dateInput.value)) setDate(dateInput.value);
});

let playing = false;
async function play() {
  playing = !playing;
  const btn = $('play');
  btn.setAttribute('aria-pressed', String(playing));
  btn.textContent = playing ? '❚❚' : '▶';
  btn.setAttribute('aria-label', playing ? 'Pause' : 'Play through the years');
  if (playing && state.date.slice(0, 4) === today().slice(0, 4)) await setDate('1992-06-01', { immediate: true });
  while (playing) {
    const started = performance.now();
    const next = addYears(state.date, 1);
    if (next > today()) {
      if (playing) play();
      break;
    }
    await setDate(next, { immediate: true });
    const wait = 900 - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
$('play').addEventListener('click', play);

// ---------------------------------------------------------------- selection, popups, details

let popup = null;

export function select(uid, { fly = false, popupAt = null } = {}) {
  const entry = store.byUid.get(uid);
  if (!entry) return;
  const { feature, collection } = entry;
  const hl = [];
  if (feature.geometry) hl.push({ type: 'Feature', geometry: feature.geometry, properties: {} });
  map.getSource('highlight').setData(fc(hl));
  const details = $('details');
  details.replaceChildren(describe(feature, collection, ctx));
  tools.onSelect(uid);
  const at = popupAt || (feature.geometry?.type === 'Point' ? feature.geometry.coordinates : null);
  popup?.remove();
  if (at) {
    const body = describe(feature, collection, ctx, { compact: true });
    const more = h('button', { type: 'button', class: 'link' }, 'More in Details');
    more.addEventListener('click', () => selectTab('details'));
    body.append(more);
    popup = new maplibregl.Popup({ maxWidth: '320px', focusAfterOpen: false }).setLngLat(at).setDOMContent(body).addTo(map);
  }
  if (fly && feature.geometry) {
    const b = bbox(feature.geometry);
    if (feature.geometry.type === 'Point') map.easeTo({ center: feature.geometry.coordinates, zoom: Math.max(map.getZoom(), 6) });
    else if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 8 });
  }
}

export function clearSelection() {
  popup?.remove();
  popup = null;
  map.getSource('highlight')?.setData(fc([]));
}

function pickAt(point) {
  const layers = PICKABLE.map(([l]) => l).filter((l) => map.getLayer(l) && map.getLayoutProperty(l, 'visibility') !== 'none');
  const box = [[point.x - 5, point.y - 5], [point.x + 5, point.y + 5]];
  const hits = map.queryRenderedFeatures(box, { layers });
  for (const [layer] of PICKABLE) {
    const f = hits.find((x) => x.layer.id === layer);
    if (f) return { uid: f.properties._uid, layer };
  }
  return null;
}

map.on('click', (e) => {
  if (state.tool?.name === 'here') {
    tools.locate([e.lngLat.lng, e.lngLat.lat]);
    return;
  }
  const hit = pickAt(e.point);
  if (hit?.uid) {
    select(hit.uid, { popupAt: [e.lngLat.lng, e.lngLat.lat] });
    return;
  }
  clearSelection();
  const country = map.queryRenderedFeatures(e.point, { layers: ['country-pick'] })[0];
  if (country?.properties?.id) showCountry(String(country.properties.id), [e.lngLat.lng, e.lngLat.lat]);
});

/** Popup for a country: its membership of the chosen organization, with the sources. */
function showCountry(iso3, at) {
  const status = membership().get(iso3) || 'never';
  const lin = lineage(state.org, store.groupings);
  const history = [];
  const sources = [];
  for (const g of lin) {
    for (const m of (g.properties?.members || []).filter((x) => x.country === iso3)) {
      const refs = (m.sources || []).map((i) => g.properties.sources?.[i]).filter(Boolean);
      refs.forEach((r) => { if (!sources.includes(r)) sources.push(r); });
      const org = g.properties.short_name || g.properties.name;
      const what = !m.status || m.status === 'member' ? `Member of the ${org}`
        : m.status === 'suspended' ? `Membership of the ${org} suspended` : `${capitalize(m.status)} in the ${org}`;
      history.push(`${what}, ${formatInterval(m.joined, m.left)}`);
    }
  }
  const label = status === 'future' ? STATUS_LABEL.never : (STATUS_LABEL[status] || status);
  const feature = {
    type: 'Feature', id: iso3, geometry: null,
    properties: {
      name: countryName(iso3),
      kind: `${orgName()}: ${label.toLowerCase()} on ${formatDate(state.date)}`,
      summary: history.length ? history.join('. ') + '.' : `Never a member of the ${orgName()}.`,
      sources,
    },
  };
  const body = describe(feature, 'countries', ctx, { compact: true });
  $('details').replaceChildren(describe(feature, 'countries', ctx));
  popup?.remove();
  popup = new maplibregl.Popup({ maxWidth: '320px', focusAfterOpen: false }).setLngLat(at).setDOMContent(body).addTo(map);
}
const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);
map.on('mousemove', (e) => {
  const hit = pickAt(e.point);
  map.getCanvas().style.cursor = hit || state.tool?.name === 'here' ? 'pointer' : '';
  tools.onHover(hit?.uid || null);
});
map.getCanvas().addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && state.tool?.name === 'here') {
    const c = map.getCenter();
    tools.locate([c.lng, c.lat]);
  }
});

// ---------------------------------------------------------------- tools

const tools = createTools({
  map, state, store, ctx, fc, select, clearSelection, tracked, selectTab,
  onChange: () => { writeHash(); renderLegendNow(); },
  showDetails: (node) => $('details').replaceChildren(node),
});

// ---------------------------------------------------------------- permalink

let writtenHash = '';
let hashTimer = null;
function writeHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => {
    const c = map.getCenter();
    state.view = { center: [c.lng, c.lat], zoom: map.getZoom() };
    const next = formatHash(state);
    if (next !== location.hash) {
      writtenHash = next;
      history.replaceState(null, '', next);
    }
  }, 150);
}
map.on('moveend', writeHash);

async function applyHash() {
  if (location.hash === writtenHash) return;
  const s = parseHash(location.hash);
  if (s.view) map.jumpTo({ center: s.view.center, zoom: s.view.zoom });
  if (s.org && s.org !== state.org) {
    state.org = s.org;
    renderOrgSelect();
    map.setPaintProperty('membership', 'fill-color', membershipPaint());
  }
  if (s.layers) {
    state.layers = new Set(s.layers);
    syncLayerList($('layer-list'), state.layers);
    applyVisibility();
    drawApprox();
  }
  if (s.tab) selectTab(s.tab);
  if ('tool' in s) {
    state.tool = s.tool;
    tools.restore();
  }
  if (s.date && s.date !== state.date) await setDate(s.date, { immediate: true });
  else renderSide();
  writtenHash = location.hash;
}
window.addEventListener('hashchange', () => tracked(applyHash()));

// ---------------------------------------------------------------- header buttons

$('btn-link').addEventListener('click', async () => {
  writeHash();
  await new Promise((r) => setTimeout(r, 200));
  const link = location.href;
  try {
    await navigator.clipboard.writeText(link);
    toast('Link to this view copied.');
  } catch {
    toast(`Link to this view: ${link}`, 8000);
  }
});
$('btn-geojson').addEventListener('click', () => downloadGeojson({ map, state, store, tools }));
$('btn-png').addEventListener('click', () => exportPng({ map, title: `${orgName()} — ${formatDate(state.date)}`, credit: BASEMAP_CREDIT }));
$('btn-print').addEventListener('click', () => window.print());
$('btn-panel').addEventListener('click', () => {
  const panel = $('panel');
  const open = panel.classList.toggle('closed') === false;
  $('btn-panel').setAttribute('aria-expanded', String(open));
  setTimeout(() => map.resize(), 220);
});
if (window.matchMedia('(max-width: 700px)').matches && !hashState.tab) {
  $('panel').classList.add('closed');
  $('btn-panel').setAttribute('aria-expanded', 'false');
}

let toastTimer = null;
function toast(message, ms = 2500) {
  const t = $('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), ms);
}

// ---------------------------------------------------------------- start

showDate();
const ready = tracked((async () => {
  await styleLoaded;
  addIcons(map);
  await loadStatic();
  renderOrgSelect();
  tools.init();
  selectTab(state.tab || 'layers');
  tools.restore();
  await loadDate();
  writtenHash = formatHash(state);
})()).catch((e) => reportError(`The map could not start: ${e.message}`));

/** For the end-to-end tests and for curious users in the console. */
window.forcemap = {
  map,
  state,
  store,
  ready,
  basemap,
  membership: () => Object.fromEntries(membership()),
  statusLabel: STATUS_LABEL,
  setDate,
  select,
  /** Resolves when no request is pending and the map has rendered everything. */
  idle: async () => {
    await ready;
    for (;;) {
      if (pending > 0) await new Promise((r) => idleWaiters.push(r));
      if (!map.loaded() || !map.areTilesLoaded()) await new Promise((r) => map.once('idle', r));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      if (pending === 0 && map.loaded()) return;
    }
  },
};
