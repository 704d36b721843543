// forcemap map page: wiring. Builds the map and hands it to the modules that own each job:
// the store (data), the layers (drawing a date), the selection (clicks and popups), the date
// control, the search box, the tools, the panel and legend, the permalink, export and print.

import * as maplibregl from 'maplibre-gl';
import { Protocol } from 'pmtiles';
import { dataSource, url, STATIC_MANIFEST, NEEDS_SERVER } from './js/api.js';
import { today, formatDate } from './js/dates.js';
import { lineage, intervals, STATUS_LABEL } from './js/membership.js';
import { mapStyle } from './js/style.js';
import { addIcons, addMissingImage } from './js/icons.js';
import { h, capital, words, collectionNoun } from './js/describe.js';
import { DEFAULT_LAYERS, setupTabs, renderLayerList, syncLayerList, renderLegend } from './js/panel.js';
import { renderTimeline } from './js/timeline.js';
import { parseHash, formatHash } from './js/permalink.js';
import { createTools } from './js/tools.js';
import { downloadGeojson, exportPng, featuresInView } from './js/export.js';
import { createStore, coveredPeriod } from './js/store.js';
import { createLayers } from './js/layers.js';
import { completeFeature, findTiledFeature, searchTiled } from './js/tiled.js';
import { createSelection } from './js/selection.js';
import { createDateControl } from './js/datecontrol.js';
import { createTracker } from './js/busy.js';
import { buildIndex, setupSearch } from './js/search.js';
import { loadMilsymbol, symbolCanvas, AFFILIATIONS } from './js/symbols.js';
import { legendInfo, legendSymbols } from './js/legendinfo.js';
import { setupPrint } from './js/print.js';
import { setupEmbed, setupEmbedButton, isEmbed } from './js/embed.js';
import { createStories } from './js/stories.js';
import { createCompare } from './js/compare.js';

/** Views that hold every member state, Belarus to Tajikistan, on a wide screen; Central Asia on a phone. */
const REGION = [[23.0, 36.4], [87.5, 56.6]];
const PHONE_REGION = [[46.5, 35.5], [81.0, 50.5]];
const PHONE = window.matchMedia('(max-width: 700px)').matches;
// Labels and symbols grow on wide screens and projectors (1 up to 1280 px, at most 1.6).
const LABEL_SCALE = Math.min(1.6, Math.max(1, window.innerWidth / 1280));

const $ = (id) => document.getElementById(id);

export const state = {
  date: today(),
  org: 'csto',
  layers: new Set(DEFAULT_LAYERS),
  view: null,
  tool: null,
  tab: 'layers',
  feature: null,
};

const tracker = createTracker((on) => document.body.toggleAttribute('data-loading', on));
const { tracked } = tracker;
const store = createStore({ source: await dataSource() });
const embed = isEmbed(location.search);

function reportError(message) {
  const t = $('toast');
  t.textContent = message || '';
  t.classList.toggle('show', !!message);
}

// ---------------------------------------------------------------- map

maplibregl.addProtocol('pmtiles', new Protocol().tile);

/**
 * The basemap's TileJSON, which names its layers and so the style to draw it with. The server
 * builds the built-in archive at start-up and answers 503 until it is ready: wait for it
 * (saying so). Null when there is no TileJSON to be had (a static copy of the page).
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
// the data and the basemap's description are fetched together
const dataLoaded = tracked(store.load()).catch((e) => reportError(`Could not load the data: ${e.message}`));
const basemap = await basemapTileJson();

const hashState = parseHash(location.hash);
for (const k of ['date', 'org', 'tab', 'view', 'feature']) if (hashState[k] !== undefined) state[k] = hashState[k];
if (hashState.layers) state.layers = new Set(hashState.layers);
if ('tool' in hashState) state.tool = hashState.tool;

const style = mapStyle({ basemapUrl: url('basemap.pmtiles'), thematicUrl: url('thematic.pmtiles'), tilejson: basemap }, LABEL_SCALE);
/** What the basemap credits, for the exported picture. */
const BASEMAP_CREDIT = (basemap?.attribution || 'Natural Earth').replace(/<[^>]*>/g, '').trim();

if (embed) setupEmbed();
if (PHONE && !hashState.tab && !embed) {
  $('panel').classList.add('closed');
  $('btn-panel').setAttribute('aria-expanded', 'false');
}

export const map = new maplibregl.Map({
  container: 'map',
  style,
  bounds: state.view ? undefined : (PHONE ? PHONE_REGION : REGION),
  fitBoundsOptions: { padding: PHONE ? 8 : 16 },
  center: state.view?.center,
  zoom: state.view?.zoom,
  maxZoom: 12,
  minZoom: 1,
  // symbols appear at once: a fade costs frames, and frames are dear on software rendering
  fadeDuration: 0,
  attributionControl: { compact: true },
  canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
  locale: { 'NavigationControl.ZoomIn': 'Zoom in', 'NavigationControl.ZoomOut': 'Zoom out' },
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
map.getCanvas().setAttribute('aria-label', 'Map. Use the arrow keys to pan and plus or minus to zoom.');
const styleLoaded = new Promise((resolve) => map.on('load', resolve));
map.on('styleimagemissing', (e) => addMissingImage(map, e.id));

const milsymbol = loadMilsymbol(url('assets/vendor/milsymbol.js'));
const layers = createLayers(map, { store, style, milsymbol });

// ---------------------------------------------------------------- names

const orgName = () => {
  const g = store.groupings.get(state.org);
  return g ? (g.properties.short_name || g.properties.name) : state.org;
};
const ctx = { countryName: store.countryName, groupingName: store.groupingName };

// ---------------------------------------------------------------- drawing a date

let started = false;
function draw() {
  if (!started) return;
  layers.apply(store.at(state.date), { org: state.org, visible: state.layers });
  renderOrgSelect();
  renderSide();
  tools.onData();
  compare.onDate();
}

function redraw() {
  if (!started) return;
  layers.refresh({ org: state.org, visible: state.layers });
  renderSide();
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
  redraw();
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

function setOrg(org) {
  if (!org || org === state.org) return;
  state.org = org;
  renderOrgSelect();
  redraw();
  writeHash();
}
$('org').addEventListener('change', (e) => setOrg(e.target.value));

function renderSide() {
  renderLegendNow();
  if (state.tab === 'timeline') renderChart();
  if (state.tab === 'details') renderInView();
}

/** A keyboard-friendly list of the point features in view (Details tab). */
function renderInView() {
  const list = $('inview');
  const feats = featuresInView({ map, state, store: { ...store, ...layers.snapshot() }, tools })
    .filter((f) => ['installations', 'forces', 'events'].includes(f.properties.collection))
    .sort((a, b) => String(a.properties.name).localeCompare(String(b.properties.name)))
    .slice(0, 200);
  list.replaceChildren(...feats.map((f) => {
    const uid = `${f.properties.collection}/${f.id}`;
    const btn = h('button', { type: 'button', class: 'result', 'data-uid': uid },
      h('span', { class: 'result-name' }, f.properties.name || String(f.id)),
      h('span', { class: 'result-meta' }, capital(words(f.properties.kind)) || capital(collectionNoun(f.properties.collection))));
    btn.addEventListener('click', () => selection.select(uid));
    return h('li', {}, btn);
  }));
  if (!feats.length) list.replaceChildren(h('li', { class: 'hint' }, 'No installations, forces or events in view.'));
}
map.on('moveend', () => { if (state.tab === 'details') renderInView(); });

function currentLegend() {
  return legendInfo({
    store, state, layers, style, orgName: orgName(), analysis: tools.legendLabel(),
    symbols: state.layers.has('app6') && window.ms ? legendSymbols(window.ms, symbolCanvas, layers.snapshot()) : [],
  });
}

function renderLegendNow() {
  const info = currentLegend();
  renderLegend($('legend'), info);
  const mini = $('mini-legend');
  if (mini && embed) renderLegend(mini, { ...info, compact: true });
}

function renderChart() {
  const lin = lineage(state.org, store.groupings);
  $('timeline-title').textContent = `${orgName()}: membership over time`;
  renderTimeline($('timeline'), {
    intervals: intervals(lin),
    name: store.countryName,
    date: state.date,
    title: `${orgName()} membership by country and year`,
    onPick: (year) => dates.setDate(`${year}-${state.date.slice(5)}`.replace('-02-29', '-02-28')),
  });
}

// ---------------------------------------------------------------- date

const dates = createDateControl({ state, tracker, onDate: () => draw(), onChange: () => writeHash() });
export const setDate = dates.setDate;

// ---------------------------------------------------------------- selection

const selection = createSelection({
  map, store, state, layers, ctx, iconScale: LABEL_SCALE, selectTab, orgName,
  complete: (uid) => tracked(completeFeature(store, uid)),
  onSelect: (uid) => {
    state.feature = uid && !uid.startsWith('countries/') ? uid.split('/').slice(1).join('/') : null;
    tools.onSelect(uid);
    writeHash();
  },
});

map.on('click', (e) => {
  if (state.tool?.name === 'here') { tools.locate([e.lngLat.lng, e.lngLat.lat]); return; }
  if (state.tool?.name === 'range' && tools.pickingCentre()) { tools.setCentre([e.lngLat.lng, e.lngLat.lat]); return; }
  selection.openAt(e.point, e.lngLat);
});
map.on('mousemove', (e) => {
  const hit = selection.pickAt(e.point);
  map.getCanvas().style.cursor = hit.length || state.tool?.name === 'here' ? 'pointer' : '';
  tools.onHover(hit.length === 1 ? hit[0] : null);
});
map.getCanvas().addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && state.tool?.name === 'here') {
    const c = map.getCenter();
    tools.locate([c.lng, c.lat]);
  }
});

// ---------------------------------------------------------------- search

function openSearchResult(entry) {
  if (entry.key.startsWith('countries/')) {
    const iso3 = entry.key.slice('countries/'.length);
    const feature = [...map.querySourceFeatures(style.metadata['forcemap:countries'], { sourceLayer: 'countries' })]
      .find((f) => f.properties.id === iso3);
    selection.showCountry(iso3, null);
    if (feature) {
      const b = new maplibregl.LngLatBounds();
      const walk = (c) => (typeof c[0] === 'number' ? b.extend(c) : c.forEach(walk));
      walk(feature.geometry.coordinates);
      map.fitBounds(b, { padding: 60, maxZoom: 6 });
    }
    selectTab('details');
    return;
  }
  selection.select(entry.key, { fly: true });
}
setupSearch($('search'), $('search-list'), {
  entries: () => searchIndex,
  onPick: openSearchResult,
  more: async (query, signal) => buildIndex({
    features: (await tracked(searchTiled(store, query, { signal }))).map(({ uid, properties, collection }) => ({
      uid, properties, kind: capital(words(properties.kind)) || capital(collectionNoun(collection)),
    })),
    countries: [],
  }),
});
let searchIndex = [];
function buildSearch() {
  const features = [...store.byUid.entries()]
    .filter(([uid]) => !uid.startsWith('borders/'))
    .map(([uid, { feature, collection }]) => ({
      uid,
      properties: feature.properties,
      kind: capital(words(feature.properties?.kind)) || capital(collectionNoun(collection)),
    }));
  for (const g of store.groupings.values()) {
    features.push({ uid: `groupings/${g.id}`, properties: g.properties, kind: capital(words(g.properties?.kind)) });
    store.byUid.set(`groupings/${g.id}`, { feature: g, collection: 'groupings' });
  }
  const countries = [...store.countryNames.entries()].map(([iso3, name]) => ({ iso3, name }));
  searchIndex = buildIndex({ features, countries });
}

// ---------------------------------------------------------------- tools

const tools = createTools({
  map, state, store, ctx, select: (uid, o) => selection.select(uid, o), clearSelection: () => selection.clear(),
  tracked, selectTab, fc: (features) => ({ type: 'FeatureCollection', features }),
  installations: () => layers.snapshot()?.installations || [],
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
    const next = formatHash({ ...state, story: stories.current(), compare: compare.dateB() });
    if (next !== location.hash) {
      writtenHash = next;
      history.replaceState(null, '', `${location.pathname}${location.search}${next}`);
    }
  }, 150);
}
map.on('moveend', writeHash);

async function applyHash() {
  if (location.hash === writtenHash) return;
  const s = parseHash(location.hash);
  if (s.story) { await stories.open(s.story.id, s.story.step); writtenHash = location.hash; return; }
  if (s.view) map.jumpTo({ center: s.view.center, zoom: s.view.zoom });
  if (s.org && s.org !== state.org) setOrg(s.org);
  if (s.layers) {
    state.layers = new Set(s.layers);
    syncLayerList($('layer-list'), state.layers);
    redraw();
  }
  if (s.tab) selectTab(s.tab);
  if ('tool' in s) {
    state.tool = s.tool;
    tools.restore();
  }
  if (s.date && s.date !== state.date) await dates.setDate(s.date, { immediate: true });
  else renderSide();
  if (s.feature) openFeature(s.feature);
  writtenHash = location.hash;
}
window.addEventListener('hashchange', () => tracked(applyHash()));

/** Opens a feature named by id in the permalink (looked up in the tiled collections if need be). */
function openFeature(id) {
  const uid = store.byId.get(id);
  if (uid) selection.select(uid);
  else tracked(findTiledFeature(store, id)).then((found) => { if (found) selection.select(found); });
}

// A static copy has no server to answer the analysis tools: say so, and offer none of them.
if (STATIC_MANIFEST) {
  const note = $('static-note');
  note.textContent = NEEDS_SERVER[0].toUpperCase() + NEEDS_SERVER.slice(1);
  note.hidden = false;
  for (const r of document.querySelectorAll('input[name="tool"]')) if (r.value) r.disabled = true;
}

// ---------------------------------------------------------------- stories and compare

const stories = createStories({
  map, store, state, selectTab, tracked,
  setDate: (d) => dates.setDate(d, { immediate: true }),
  setOrg,
  highlight: (uids) => {
    const features = uids.map((u) => store.byUid.get(u)?.feature).filter((f) => f?.geometry)
      .map((f) => ({ type: 'Feature', geometry: f.geometry, properties: {} }));
    map.getSource('highlight').setData({ type: 'FeatureCollection', features });
  },
  onChange: () => writeHash(),
});

const compare = createCompare({
  map, store, style, state, tracked, milsymbol, LABEL_SCALE,
  onChange: () => writeHash(),
});

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
$('btn-geojson').addEventListener('click', () => downloadGeojson({ map, state, store: { ...store, ...layers.snapshot() }, tools }));

/** The PNG of the map with title, date, legend, scale bar, analysis and credits. */
async function savePng(size, { download = true } = {}) {
  return exportPng({
    map, size, idle,
    title: `${orgName()} — ${formatDate(state.date)}`,
    legend: currentLegend(),
    credit: BASEMAP_CREDIT,
  }, { download });
}
for (const b of document.querySelectorAll('[data-png]')) {
  b.addEventListener('click', () => {
    b.closest('details')?.removeAttribute('open');
    const [w, hgt] = b.dataset.png.split('x').map(Number);
    tracked(savePng(w ? { width: w, height: hgt } : null));
  });
}
setupPrint({ map, idle, caption: () => `${orgName()}, ${formatDate(state.date)}` });
setupEmbedButton();
$('btn-panel').addEventListener('click', () => {
  const panel = $('panel');
  const open = panel.classList.toggle('closed') === false;
  $('btn-panel').setAttribute('aria-expanded', String(open));
  setTimeout(() => map.resize(), 220);
});

let toastTimer = null;
function toast(message, ms = 2500) {
  const t = $('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), ms);
}

// ---------------------------------------------------------------- start

dates.show();
const ready = tracked((async () => {
  await styleLoaded;
  addIcons(map);
  await dataLoaded;
  if (!hashState.date) state.date = store.defaultDate();
  dates.setCovered(coveredPeriod(store));
  renderOrgSelect();
  started = true;
  tools.init();
  selectTab(state.tab || 'layers');
  draw();
  tools.restore();
  buildSearch();
  layers.whenSymbols(() => redraw());
  if (hashState.story) await stories.open(hashState.story.id, hashState.story.step);
  else if (state.feature) openFeature(state.feature);
  if (hashState.compare) await compare.open(hashState.compare);
  writtenHash = formatHash({ ...state, story: stories.current(), compare: compare.dateB() });
  stories.list();
})()).catch((e) => reportError(`The map could not start: ${e.message}`));

/** Resolves when no work is pending and the map has rendered everything. */
async function idle() {
  await ready;
  for (;;) {
    await tracker.settled();
    if (!map.loaded() || !map.areTilesLoaded()) await new Promise((r) => map.once('idle', r));
    await compare.idle();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    if (tracker.pending() === 0 && map.loaded()) return;
  }
}

/** For the end-to-end tests and for curious users in the console. */
window.forcemap = {
  map,
  state,
  store,
  layers,
  ready,
  basemap,
  membership: () => Object.fromEntries(store.membership(state.org, state.date)),
  statusLabel: STATUS_LABEL,
  affiliations: AFFILIATIONS,
  setDate,
  select: (uid, o) => selection.select(uid, o),
  selection,
  stories,
  compare,
  exportPng: (size) => savePng(size, { download: false }),
  idle,
};
