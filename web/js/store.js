// The page's data: every collection fetched once at start-up, indexed by uid ("collection/id")
// and by id, and cut to a date in the page itself, so that moving through time needs no
// request; large collections are not fetched but drawn from their tiles (tiled.js). Also the date the page opens at (inside the data's declared coverage, else the
// latest dated fact) and the entries the search box looks through.

import { covers, overlaps, addYears, startOf, today } from './dates.js';
import { shapeFor, INSTALLATION_SHAPES, EVENT_SHAPES } from './icons.js';
import { lineage, statusAt } from './membership.js';
import { collectionSizes, isLarge } from './tiled.js';
import { serverSource } from './source.js';

/** Collections drawn as points or lines, fetched whole and cut to the date here (unless large). */
export const DATED = ['installations', 'forces', 'events', 'routes'];

/**
 * A store over a `source` (`source.js`: the server or a static copy), or over `items(collection,
 * params)` (the OGC API items request) and `getJson(path, params)` for the server; injected so
 * that the store runs in Node in the unit tests.
 */
export function createStore({ items, getJson, source = serverSource({ items, getJson }) }) {
  const store = {
    source,
    countryNames: new Map(), // ISO3 → name
    groupings: new Map(), // id → feature with its whole membership history
    borders: [],
    all: Object.fromEntries(DATED.map((c) => [c, []])), // display features of every date
    byUid: new Map(), // uid → { feature, collection } as the server sent it (`partial`: from a tile)
    byId: new Map(), // id → uid (first seen)
    coverage: null, // { interval: [start, end], collections } when the data declares it
    tiled: new Set(), // dated collections too large to fetch, drawn from their tiles
  };

  /** Fetches everything the page draws, once. */
  store.load = async () => {
    const none = () => ({ features: [] });
    const sizes = collectionSizes(source.collections);
    const fetchDated = (c) => sizes.then((s) => {
      if (!isLarge(s.get(c))) return source.collection(c);
      store.tiled.add(c);
      return none();
    });
    const [landing, countries, borders, groupings, ...dated] = await Promise.all([
      source.landing().catch(() => null),
      source.countries().catch(none),
      source.borders().catch(none),
      source.groupings(),
      ...DATED.map(fetchDated),
    ]);
    store.coverage = validCoverage(landing?.coverage);
    for (const f of countries.features) store.countryNames.set(String(f.id), f.properties?.name || String(f.id));
    store.borders = store.prepare('borders', borders.features);
    for (const g of groupings.features) {
      // members at the date are worked out here from the whole history; the server's
      // `active_members` hold for the reference day of the request (today), not for the page's
      if (g.properties) delete g.properties.active_members;
      store.groupings.set(String(g.id), g);
    }
    DATED.forEach((c, i) => { store.all[c] = store.prepare(c, dated[i].features); });
  };

  /**
   * Display copies of features: flat properties (style expressions cannot read nested
   * values; the stored original keeps them) plus `_uid`, `_label`, `_icon` and `_undated`
   * (no known start: drawn as "dates unknown").
   */
  store.prepare = (collection, features) => (features || []).map((f) => {
    const p = { ...(f.properties || {}) };
    const uid = `${collection}/${f.id}`;
    p._uid = uid;
    p._label = p.name || '';
    p._undated = collection !== 'borders' && !p.valid_from ? 1 : 0;
    if (collection === 'installations') p._icon = shapeFor(INSTALLATION_SHAPES, p.kind);
    if (collection === 'events') p._icon = shapeFor(EVENT_SHAPES, p.kind);
    if (collection === 'forces') {
      const n = Number(p.strength?.personnel);
      p._personnel = Number.isFinite(n) && n > 0 ? n : 0;
    }
    for (const [k, v] of Object.entries(p)) if (v && typeof v === 'object') delete p[k];
    store.byUid.set(uid, { feature: f, collection });
    if (!store.byId.has(String(f.id))) store.byId.set(String(f.id), uid);
    return { type: 'Feature', id: f.id, geometry: f.geometry, properties: p };
  });

  /**
   * What is in place at `date`: { date, installations, forces, events, routes }. Events within
   * a year either side, faded when the date lies outside them; features with no known start
   * are kept (they may be in place) and carry `_undated`.
   */
  store.at = (date) => {
    const snap = { date };
    for (const c of ['installations', 'forces', 'routes']) {
      snap[c] = store.all[c].filter((f) => covers(f.properties.valid_from, f.properties.valid_to, date));
    }
    const [from, to] = [addYears(date, -1), addYears(date, 1)];
    snap.events = store.all.events
      .filter((f) => overlaps(f.properties.valid_from, f.properties.valid_to, from, to))
      .map((f) => ({
        ...f,
        properties: { ...f.properties, _fade: covers(f.properties.valid_from, f.properties.valid_to, date) ? 1 : 0.6 },
      }));
    return snap;
  };

  /** Members (ISO3) of grouping `id` at `date`. */
  store.membersAt = (id, date) => {
    const g = store.groupings.get(id);
    if (!g) return [];
    return [...statusAt([g], date)].filter(([, s]) => s === 'member').map(([c]) => c);
  };

  /** Status of every country in organization `org` (with its forerunners) at `date`. */
  store.membership = (org, date) => statusAt(lineage(org, store.groupings), date);

  store.countryName = (iso3) => store.countryNames.get(iso3) || iso3;

  store.groupingName = (id) => {
    const p = store.groupings.get(id)?.properties;
    if (!p) return id;
    return p.short_name && p.short_name !== p.name ? `${p.name} (${p.short_name})` : p.name;
  };

  /** The date the page opens at, when the permalink names none. */
  store.defaultDate = () => defaultDate(store);

  return store;
}

/** The landing page's `coverage`, when it is well formed; else null. */
export function validCoverage(c) {
  const iv = c?.interval;
  if (!Array.isArray(iv) || iv.length !== 2 || (!startOf(iv[0]) && !startOf(iv[1]))) return null;
  return c;
}

/**
 * Every date the data states, sorted: starts and ends of features and of membership spells,
 * or with `startsOnly` the features' starts alone.
 */
export function statedDates(store, { startsOnly = false } = {}) {
  const out = [];
  const add = (d) => { if (startOf(d)) out.push(startOf(d)); };
  for (const c of DATED) {
    for (const f of store.all[c]) {
      add(f.properties.valid_from);
      if (!startsOnly) add(f.properties.valid_to);
    }
  }
  if (!startsOnly) {
    for (const g of store.groupings.values()) {
      for (const m of g.properties?.members || []) { add(m.joined); add(m.left); }
    }
  }
  return out.sort();
}

/**
 * The end of the declared coverage (not after today), else the start of the latest dated
 * feature, else today.
 */
export function defaultDate(store, now = today()) {
  const end = store.coverage?.interval?.[1];
  if (startOf(end)) return startOf(end) < now ? startOf(end) : now;
  const dates = statedDates(store, { startsOnly: true }).filter((d) => d <= now);
  return dates.length ? dates[dates.length - 1] : now;
}

/** The covered period [start, end] as days, from the coverage or from the stated dates. */
export function coveredPeriod(store, now = today()) {
  const iv = store.coverage?.interval;
  if (iv) return [startOf(iv[0]) || '1992-01-01', startOf(iv[1]) || now];
  const dates = statedDates(store).filter((d) => d <= now);
  return dates.length ? [dates[0], dates[dates.length - 1]] : null;
}
