// Large collections drawn from the server's vector tiles (`tiles/{id}.json`) instead of being
// downloaded whole: which collections are large, their layers (copies of the GeoJSON layers
// that read the tiles' own properties), the date as a MapLibre filter on `valid_from_day` and
// `valid_to_day` (so a date change fetches no tile), picking from the rendered tiles, the full
// feature of a picked one, and search through the items API.

import { url, getJson } from './api.js';
import { addYears, ALL_TIME } from './dates.js';
import { INSTALLATION_SHAPES, EVENT_SHAPES } from './icons.js';

/**
 * Collections with more features than this are drawn from tiles. A collection is downloaded as
 * one GeoJSON page (at most 10,000 features) and every date change cuts it and hands it to the
 * map again, which costs time in proportion to its size; 5,000 points are still a few
 * megabytes and a quick redraw, while the full features keep everything the page does with
 * them (APP-6 symbols, fanned-out positions, exports, the in-view list). Beyond that, tiles
 * bring only what is in view, and a date change is a filter on tiles already loaded.
 */
export const TILE_THRESHOLD = 5000;

/**
 * Zoom from which tiled features are named. Below it a tile holds thousands of features whose
 * names could not be placed anyway, and shaping them all costs seconds a tile on every date.
 */
export const LABEL_ZOOM = 7;

/** Features the tiled search finds, at most, per collection. */
const SEARCH_LIMIT = 8;

/** Whether a collection of `count` features is drawn from its tiles. */
export const isLarge = (count) => Number.isFinite(count) && count > TILE_THRESHOLD;

/**
 * The feature counts of every collection (`featureCount` in `/collections`), one request for
 * all; an empty map when they cannot be had, so that every collection is downloaded as before.
 */
export async function collectionSizes(getCollections) {
  try {
    const body = await getCollections();
    return new Map((body?.collections || [])
      .filter((c) => Number.isFinite(c?.featureCount))
      .map((c) => [String(c.id), c.featureCount]));
  } catch {
    return new Map();
  }
}

/** Days since 1970-01-01 of a day `YYYY-MM-DD`, as the tiles count them. */
export function epochDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / 86400000);
}

// A feature's first and last day of validity in the tiles; a missing end means no bound.
const FROM = ['coalesce', ['get', 'valid_from_day'], -1e9];
const TO = ['coalesce', ['get', 'valid_to_day'], 1e9];
// an event with no end lasts its first day, as for the downloaded ones
const EVENT_TO = ['coalesce', ['get', 'valid_to_day'], ['get', 'valid_from_day'], 1e9];

/** Filter of the features in place on day number `day` (those with no known start are kept). */
export const validOn = (day) => ['all', ['<=', FROM, day], ['>=', TO, day]];

/** Filter of the events that meet days `from` to `to`. */
const eventsMeet = (from, to) => ['all', ['<=', FROM, to], ['>=', EVENT_TO, from]];

/**
 * A style expression giving the shape key of `kind` from the shape list (icons.js), read from
 * the same patterns: each is a `|`-list of words, `^` anchoring a word at the start.
 */
export function shapeExpression(shapes, kind = ['downcase', ['to-string', ['coalesce', ['get', 'kind'], '']]]) {
  const expr = ['case'];
  for (const s of shapes.slice(0, -1)) {
    const tests = s.match.source.split('|').map((word) => (word.startsWith('^')
      ? ['==', ['index-of', word.slice(1), kind], 0]
      : ['>=', ['index-of', word, kind], 0]));
    expr.push(['any', ...tests], s.key);
  }
  expr.push(shapes[shapes.length - 1].key);
  return expr;
}

/** Personnel of a force from its `strength`, which the tiles carry as JSON text; else 0. */
const PERSONNEL = (() => {
  const text = ['to-string', ['coalesce', ['get', 'strength'], '']];
  const key = '"personnel":';
  const at = ['index-of', key, text];
  const start = ['+', at, key.length];
  const stop = (ch) => ['index-of', ch, text, start];
  const end = ['case', ['>=', stop(','), 0], ['min', stop(','), stop('}')], stop('}')];
  return ['case', ['all', ['>=', at, 0], ['>', stop('}'), 0]],
    ['max', 0, ['to-number', ['slice', text, start, end], 0]], 0];
})();

/** What the display properties of the downloaded features are, read from a tile feature. */
const FROM_TILE = {
  _label: () => ['to-string', ['coalesce', ['get', 'name'], '']],
  _undated: () => ['case', ['has', 'valid_from_day'], 0, 1],
  _personnel: () => PERSONNEL,
  // symbols of tiled features are not fanned out: the default offset of `fanOffset`
  _slot: () => '',
  _icon: (collection) => shapeExpression(collection === 'events' ? EVENT_SHAPES : INSTALLATION_SHAPES),
};

/**
 * A copy of `value` (a layer's layout, paint or filter) with every `["get", "_display"]`
 * replaced by what the tiles hold instead.
 */
function fromTile(value, collection) {
  if (Array.isArray(value)) {
    if (value[0] === 'get' && value.length === 2 && FROM_TILE[value[1]]) return FROM_TILE[value[1]](collection);
    return value.map((v) => fromTile(v, collection));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromTile(v, collection)]));
  }
  return value;
}

/** True when a layer reads `_sym` (the APP-6 code worked out per feature, not in the tiles). */
const readsSymbol = (layer) => JSON.stringify(layer).includes('"_sym"');

/** Source id of a tiled collection. */
const sourceId = (collection) => `tiles-${collection}`;

/**
 * The tiled layers of `map`: for every collection in `store.tiled`, a vector source and a copy
 * of each GeoJSON layer of that collection in `style` (the style the map was made with, before
 * any change of symbols), placed just under it and reading the tiles. `apply(date)` sets the
 * date filters.
 */
export function createTiled(map, { store, style }) {
  const layers = []; // { id, collection, group, filter, fades }
  let day = null;

  /** The filter and the faded opacity of tiled layer `l` at `date`. */
  function at(l, date) {
    const d = epochDay(date);
    const when = l.collection === 'events'
      ? eventsMeet(epochDay(addYears(date, -1)), epochDay(addYears(date, 1)))
      : validOn(d);
    return { filter: l.filter ? ['all', l.filter, when] : when, fade: ['case', validOn(d), 1, 0.6] };
  }

  /** Adds the sources and layers, filtered to `date` from the start (no tile is laid out twice). */
  function ensure(date) {
    if (layers.length || !store.tiled?.size) return;
    for (const collection of store.tiled) {
      const originals = style.layers.filter((l) => l.source === collection && !readsSymbol(l));
      if (!originals.length) continue;
      map.addSource(sourceId(collection), { type: 'vector', url: url(`tiles/${encodeURIComponent(collection)}.json`) });
      for (const l of originals) {
        const { id, source, filter, metadata, ...rest } = l;
        const copy = {
          ...fromTile(rest, collection),
          id: `tiled-${id}`,
          source: sourceId(collection),
          'source-layer': collection,
          metadata: { ...metadata, tiled: collection },
        };
        if (copy.layout?.['text-field'] !== undefined) {
          copy.layout['text-field'] = ['step', ['zoom'], '', LABEL_ZOOM, copy.layout['text-field']];
        }
        // opacities that fade events outside the date are set with the date
        const fades = Object.keys(copy.paint || {}).filter((k) => JSON.stringify(l.paint[k]).includes('"_fade"'));
        const layer = { id: copy.id, collection, group: metadata?.group, filter: fromTile(filter, collection), fades };
        const now = at(layer, date);
        copy.filter = now.filter;
        for (const k of fades) copy.paint[k] = now.fade;
        map.addLayer(copy, id);
        layers.push(layer);
      }
    }
  }

  /** Shows what is in place at `date` (YYYY-MM-DD), events within a year either side. */
  function apply(date) {
    const d = epochDay(date);
    if (d === day) return;
    const added = !layers.length;
    ensure(date);
    day = d;
    if (added) return;
    for (const l of layers) {
      const now = at(l, date);
      map.setFilter(l.id, now.filter);
      for (const k of l.fades) map.setPaintProperty(l.id, k, now.fade);
    }
  }

  /** [layer id, layer group] of every tiled layer, for the layer switcher. */
  const groups = () => layers.map((l) => [l.id, l.group]);

  /** The tiled features of the shown layers of `type` within `tolerance` pixels of `point`. */
  function drawnNear(visible, point, tolerance, type) {
    const ids = layers.filter((l) => visible.has(l.group) && map.getLayer(l.id)?.type === type
      && map.getLayoutProperty(l.id, 'visibility') !== 'none').map((l) => l.id);
    if (!ids.length) return [];
    const box = [[point.x - tolerance, point.y - tolerance], [point.x + tolerance, point.y + tolerance]];
    return map.queryRenderedFeatures(box, { layers: ids }).filter((f) => f.properties?.id !== undefined);
  }

  /** The uid of a tile feature, known to the store from then on (with the tile's properties). */
  function known(f) {
    const uid = `${f.sourceLayer}/${f.properties.id}`;
    if (!store.byUid.has(uid)) {
      const { valid_from_day: _from, valid_to_day: _to, ...properties } = f.properties;
      const feature = { type: 'Feature', id: String(f.properties.id), geometry: f.geometry, properties };
      store.byUid.set(uid, { feature, collection: f.sourceLayer, partial: true });
    }
    return uid;
  }

  /**
   * Point features of the visible tiled layers drawn within `tolerance` pixels of `point`, as
   * display features ({ geometry, properties: { _uid } }) for picking.
   */
  const pickable = (visible, { point, tolerance }) => ['symbol', 'circle']
    .flatMap((type) => drawnNear(visible, point, tolerance, type))
    .filter((f) => f.geometry?.type === 'Point')
    .map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { _uid: known(f) } }));

  /** The uid of a tiled line (a route) drawn within a few pixels of `point`, or null. */
  const lineAt = (visible, point) => {
    const f = drawnNear(visible, point, 5, 'line')[0];
    return f ? known(f) : null;
  };

  return { apply, groups, pickable, lineAt, layerIds: () => layers.map((l) => l.id) };
}

/** The path of one feature in the items API. */
const featurePath = (collection, id) => `collections/${encodeURIComponent(collection)}/items/${encodeURIComponent(id)}`;

/**
 * Replaces the store's entry for `uid` (from a tile) by the full feature from the items API.
 * When that fails the tile's properties stay, no longer marked as partial.
 */
export async function completeFeature(store, uid) {
  const entry = store.byUid.get(uid);
  if (!entry?.partial) return entry;
  const id = uid.split('/').slice(1).join('/');
  try {
    const feature = await getJson(featurePath(entry.collection, id));
    store.byUid.set(uid, { feature, collection: entry.collection });
  } catch {
    store.byUid.set(uid, { feature: entry.feature, collection: entry.collection });
  }
  return store.byUid.get(uid);
}

/** Features of a tiled collection matching a CQL2 `filter`, for every date. */
const matching = (collection, filter, { limit, signal } = {}) => getJson(
  `collections/${encodeURIComponent(collection)}/items`,
  { filter, 'filter-lang': 'cql2-text', limit, datetime: ALL_TIME },
  { signal },
).then((body) => body.features || []).catch(() => []);

/**
 * Finds a feature of a tiled collection by id (a permalink) and makes it known to the store;
 * its uid, or null. Asked of every tiled collection at once with a filter, which answers an
 * empty list where the id is not (a missing feature would be a 404).
 */
export async function findTiledFeature(store, id) {
  const tiled = [...(store.tiled || [])];
  const found = await Promise.all(tiled.map((c) => matching(c, `id = '${id.replace(/'/g, "''")}'`, { limit: 1 })));
  const i = found.findIndex((features) => features.length);
  if (i < 0) return null;
  const uid = `${tiled[i]}/${id}`;
  store.byUid.set(uid, { feature: found[i][0], collection: tiled[i] });
  return uid;
}

/** `text` as a CQL2 string literal inside a LIKE pattern: quotes doubled, wildcards escaped. */
export const likeLiteral = (text) => text.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/'/g, "''");

/**
 * Features of the tiled collections whose name or id holds `query` (any case, any accents),
 * asked of the items API with a CQL2 filter: [{ uid, properties, collection }], each made
 * known to the store.
 */
export async function searchTiled(store, query, { signal } = {}) {
  const q = query.trim();
  if (!q || !store.tiled?.size) return [];
  const pattern = `'%${likeLiteral(q)}%'`;
  const filter = `ACCENTI(CASEI(name)) LIKE ACCENTI(CASEI(${pattern})) OR CASEI(id) LIKE CASEI(${pattern})`;
  const answers = await Promise.all([...store.tiled].map((collection) => matching(collection, filter, { limit: SEARCH_LIMIT, signal })
    .then((features) => ({ collection, features }))));
  const out = [];
  for (const { collection, features } of answers) {
    for (const feature of features) {
      const uid = `${collection}/${feature.id}`;
      store.byUid.set(uid, { feature, collection });
      out.push({ uid, properties: feature.properties || {}, collection });
    }
  }
  return out;
}
