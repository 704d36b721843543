// Drawing one date's data on a map: membership colours, theater and grouping outlines (added
// once their groupings are known), the point and line overlays with co-located symbols fanned
// out, the APP-6 or plain symbols, approximate-location rings and layer visibility. Used for
// the main map and for the second map of the compare view. Large collections come from their
// vector tiles (tiled.js) and are filtered to the date there.

import { lineage, intervals } from './membership.js';
import {
  outlineLayers, reachFilters, onEdge, memberKey, edgeKey, THEATER_COLORS, GROUPING_COLORS,
} from './style.js';
import { LAYER_GROUPS } from './panel.js';
import { fanOut } from './fan.js';
import { circle } from './geo.js';
import { isApproximate, PRECISION } from './describe.js';
import { affiliationOf, sidcFor, addSymbolImages } from './symbols.js';
import { createTiled } from './tiled.js';

const fc = (features) => ({ type: 'FeatureCollection', features });

/** Dash patterns of the grouping outlines, different so that coinciding outlines interleave. */
const GROUPING_DASHES = [[2, 1.5], [4, 3], [1, 2], [6, 2, 1, 2], [3, 5]];

/**
 * Layers of `map` drawn from `store`. `style` is the style the map was made with (its metadata
 * names the countries source), `milsymbol` a promise of the milsymbol library (or null when
 * it could not load).
 */
export function createLayers(map, { store, style, milsymbol }) {
  const COUNTRIES = style.metadata['forcemap:countries'];
  const BEFORE = style.metadata['forcemap:outlines-before'];
  const LABELS = style.metadata['forcemap:labels'];
  const dynamic = { theaters: [], groupings: [] };
  let snapshot = null;
  const states = new Map(); // "sourceLayer/id" → the feature state last set, to set only changes
  const drawn = {}; // source → uids last drawn
  let iconMode = false; // installations drawn with the APP-6 images
  let ms = null;
  const tiled = createTiled(map, { store, style });
  milsymbol?.then((lib) => { ms = lib; }).catch(() => { ms = null; });

  function ensureDynamic() {
    const theaters = [...store.groupings.values()].filter((g) => g.properties?.kind === 'theater');
    const groupings = [...store.groupings.values()].filter((g) => g.properties?.kind === 'force-grouping');
    const width = (w) => ['interpolate', ['linear'], ['zoom'], 2, w * 0.8, 6, w * 1.3];
    // Theaters share borders (Russia belongs to all of them): each outline is drawn beside the
    // others, offset by its own amount, so that every colour stays visible and matches the legend.
    const spread = 3.2;
    theaters.forEach((g, i) => {
      const id = String(g.id);
      if (map.getLayer(`theater-fill-${id}`)) return;
      const color = THEATER_COLORS[i % THEATER_COLORS.length];
      const metadata = { group: 'theaters', grouping: id, color };
      const reach = reachFilters(everMembers(id));
      map.addLayer({
        id: `theater-fill-${id}`, type: 'fill', source: COUNTRIES, 'source-layer': 'countries',
        metadata, filter: reach[1],
        paint: { 'fill-color': color, 'fill-opacity': shown(memberKey(id), 0.04) },
      }, BEFORE);
      const offset = (i - (theaters.length - 1) / 2) * spread;
      const lines = outlineLayers(`theater-line-${id}`, COUNTRIES, {
        metadata,
        paint: {
          'line-color': color, 'line-opacity': shown(edgeKey(id), 0.95), 'line-width': width(2.6),
          'line-offset': ['interpolate', ['linear'], ['zoom'], 2, offset * 0.8, 6, offset * 1.3],
        },
      });
      lines.forEach((l, k) => map.addLayer({ ...l, filter: reach[k] }, BEFORE));
      dynamic.theaters.push({ id, fill: `theater-fill-${id}`, lines: lines.map((l) => l.id), color });
    });
    groupings.forEach((g, i) => {
      const id = String(g.id);
      if (map.getLayer(`grouping-line-${id}-borders`)) return;
      const color = GROUPING_COLORS[i % GROUPING_COLORS.length];
      const reach = reachFilters(everMembers(id));
      const lines = outlineLayers(`grouping-line-${id}`, COUNTRIES, {
        metadata: { group: 'groupings', grouping: id, color },
        layout: { 'line-cap': 'butt' },
        paint: {
          'line-color': color, 'line-opacity': shown(edgeKey(id), 1),
          'line-dasharray': GROUPING_DASHES[i % GROUPING_DASHES.length], 'line-width': width(1.6),
        },
      });
      lines.forEach((l, k) => map.addLayer({ ...l, filter: reach[k] }, BEFORE));
      dynamic.groupings.push({ id, lines: lines.map((l) => l.id), color });
    });
  }

  /** Every country that was ever in grouping `id`. */
  function everMembers(id) {
    const g = store.groupings.get(id);
    return [...new Set(g ? intervals([g]).map((m) => m.country) : [])].sort();
  }

  /** `value` where the feature state `key` is true, else 0. */
  function shown(key, value) {
    return ['case', ['boolean', ['feature-state', key], false], value, 0];
  }

  /** Sets the feature state of a country, boundary or coast, when it changes. */
  function setState(sourceLayer, id, next) {
    const k = `${sourceLayer}/${id}`;
    const prev = states.get(k) || {};
    const changed = Object.keys(next).some((key) => (prev[key] ?? null) !== (next[key] ?? null));
    if (!changed) return;
    states.set(k, { ...prev, ...next });
    map.setFeatureState({ source: COUNTRIES, sourceLayer, id }, next);
  }

  /**
   * The membership colours and the theater and grouping outlines at `date`, as feature state
   * of the countries, boundaries and coasts (paint only: the tiles are not laid out again).
   */
  function paintCountries(org, date) {
    const status = store.membership(org, date);
    const countries = new Map(); // ISO3 → state
    const touch = (c) => { if (!countries.has(c)) countries.set(c, { status: null }); return countries.get(c); };
    for (const k of states.keys()) if (k.startsWith('countries/')) touch(k.slice('countries/'.length));
    for (const [c, s] of status) touch(c).status = s === 'future' ? null : s;
    const boundaries = new Map();
    for (const b of store.borders) boundaries.set(String(b.id), {});
    for (const group of [...dynamic.theaters, ...dynamic.groupings]) {
      const members = new Set(store.membersAt(group.id, date));
      for (const c of everMembers(group.id)) touch(c)[memberKey(group.id)] = members.has(c);
      for (const [id, st] of boundaries) st[edgeKey(group.id)] = onEdge(id, members);
      group.coasts = members;
    }
    for (const [c, st] of countries) {
      setState('countries', c, st);
      const coast = {};
      for (const group of [...dynamic.theaters, ...dynamic.groupings]) coast[edgeKey(group.id)] = group.coasts.has(c);
      setState('coasts', c, coast);
    }
    for (const [id, st] of boundaries) setState('boundaries', id, st);
  }

  /** Replaces a source's data, unless the same features are drawn already. */
  function setData(source, features) {
    const key = features.map((f) => `${f.properties._uid}:${f.properties._fade ?? ''}:${f.properties._sym ?? ''}:${f.properties._slot}`).join('|');
    if (drawn[source] === key) return;
    drawn[source] = key;
    map.getSource(source).setData(fc(features));
  }

  /** Members of the organization (and its forerunners) at the date, for affiliations. */
  function orgMembers(org, date) {
    return [...new Set(lineage(org, store.groupings).flatMap((g) => store.membersAt(String(g.id), date)))];
  }

  /** Sets `_sym` (the SIDC) on forces and installations, and adds their images. */
  function symbolize(snap, org) {
    const members = orgMembers(org, snap.date);
    const sidcs = new Set();
    for (const c of ['installations', 'forces']) {
      for (const f of snap[c]) {
        const p = f.properties;
        const full = store.byUid.get(p._uid)?.feature.properties || {};
        const operator = p.operator || full.contributor || p.country || null;
        p._sym = sidcFor(c, p, affiliationOf(operator, org, members));
        sidcs.add(p._sym);
      }
    }
    if (ms) addSymbolImages(map, ms, sidcs);
  }

  function drawApprox(visible) {
    const halos = [];
    const add = (list, color, group) => {
      if (!visible.has(group)) return;
      for (const f of list) {
        if (f.geometry?.type !== 'Point' || !isApproximate(f.properties)) continue;
        const km = (PRECISION[f.properties.location_precision] || PRECISION.unknown).radiusKm;
        halos.push({ type: 'Feature', geometry: circle(f.geometry.coordinates, km), properties: { _color: color, _uid: f.properties._uid } });
      }
    };
    add(snapshot.installations, '#263238', 'installations');
    add(snapshot.forces, '#b71c1c', 'forces');
    setData('approx', halos);
  }

  function visibility(visible) {
    // the wanted visibility of every layer first, then only real changes: each change makes
    // the map lay its symbols out again
    const want = new Map();
    for (const g of LAYER_GROUPS) for (const l of g.layers) want.set(l, visible.has(g.key));
    for (const l of LABELS) want.set(l, visible.has('places'));
    for (const g of dynamic.theaters) for (const l of [g.fill, ...g.lines]) want.set(l, visible.has('theaters'));
    for (const g of dynamic.groupings) for (const l of g.lines) want.set(l, visible.has('groupings'));
    for (const [l, group] of tiled.groups()) want.set(l, visible.has(group));
    const app6 = visible.has('app6') && !!ms;
    want.set('forces', visible.has('forces') && !app6);
    want.set('forces-symbols', visible.has('forces') && app6);
    for (const [layer, on] of want) {
      if (!map.getLayer(layer)) continue;
      const v = on ? 'visible' : 'none';
      if ((map.getLayoutProperty(layer, 'visibility') || 'visible') !== v) map.setLayoutProperty(layer, 'visibility', v);
    }
    if (iconMode !== app6) {
      iconMode = app6;
      map.setLayoutProperty('installations', 'icon-image', app6
        ? ['concat', 'ms-', ['get', '_sym']]
        : ['concat', 'inst-', ['get', '_icon'], ['case', ['==', ['get', '_undated'], 1], '-undated', '']]);
    }
  }

  return {
    dynamic,
    /** Draws `snap` (from store.at) for organization `org` with the `visible` layer groups. */
    apply(snap, { org, visible }) {
      snapshot = snap;
      ensureDynamic();
      paintCountries(org, snap.date);
      fanOut([...snap.installations, ...snap.forces]);
      symbolize(snap, org);
      const located = (list) => list.filter((f) => f.geometry);
      for (const c of ['installations', 'forces', 'events', 'routes']) setData(c, located(snap[c]));
      tiled.apply(snap.date);
      drawApprox(visible);
      visibility(visible);
    },
    /** Redraws with other layers or another organization, same date. */
    refresh({ org, visible }) {
      if (snapshot) this.apply(snapshot, { org, visible });
    },
    visibility,
    /**
     * The drawn point features of the visible layers, for picking; with `near` ({ point,
     * tolerance }) also those of tiled collections drawn there.
     */
    pickable(visible, near) {
      if (!snapshot) return [];
      return ['installations', 'forces', 'events'].filter((c) => visible.has(c))
        .flatMap((c) => snapshot[c].filter((f) => f.geometry?.type === 'Point'))
        .concat(near ? tiled.pickable(visible, near) : []);
    },
    /** The uid of a tiled line drawn at `point` (map pixels), or null. */
    tiledLineAt: (visible, point) => tiled.lineAt(visible, point),
    /** Ids of the layers drawn from tiles. */
    tiledLayers: () => tiled.layerIds(),
    snapshot: () => snapshot,
    /** The membership status drawn for a country (its feature state). */
    statusOf: (iso3) => states.get(`countries/${iso3}`)?.status ?? null,
    /** Calls back once milsymbol is ready (or failed), to redraw with the symbols. */
    whenSymbols: (fn) => milsymbol?.then(fn, fn),
  };
}
