// Drawing one date's data on a map: membership colours, theater and grouping outlines (added
// once their groupings are known), the point and line overlays with co-located symbols fanned
// out, the APP-6 or plain symbols, approximate-location rings and layer visibility. Used for
// the main map and for the second map of the compare view.

import { lineage } from './membership.js';
import { STATUS_COLOR } from './membership.js';
import { outlineLayers, outlineFilters, THEATER_COLORS, GROUPING_COLORS } from './style.js';
import { LAYER_GROUPS } from './panel.js';
import { fanOut } from './fan.js';
import { circle } from './geo.js';
import { isApproximate, PRECISION } from './describe.js';
import { affiliationOf, sidcFor, addSymbolImages } from './symbols.js';

const fc = (features) => ({ type: 'FeatureCollection', features });

/** Dash patterns of the grouping outlines, different so that coinciding outlines interleave. */
const GROUPING_DASHES = [[2, 1.5], [4, 3], [1, 2], [6, 2, 1, 2], [3, 5]];

/** Statuses drawn on the membership layer, in legend order. */
const PAINTED = ['member', 'participation-frozen', 'suspended', 'observer', 'former'];

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
  let ms = null;
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
      map.addLayer({
        id: `theater-fill-${id}`, type: 'fill', source: COUNTRIES, 'source-layer': 'countries',
        metadata, filter: ['in', ['get', 'id'], ['literal', []]],
        paint: { 'fill-color': color, 'fill-opacity': 0.04 },
      }, BEFORE);
      const offset = (i - (theaters.length - 1) / 2) * spread;
      const lines = outlineLayers(`theater-line-${id}`, COUNTRIES, {
        metadata,
        paint: {
          'line-color': color, 'line-opacity': 0.95, 'line-width': width(2.6),
          'line-offset': ['interpolate', ['linear'], ['zoom'], 2, offset * 0.8, 6, offset * 1.3],
        },
      });
      for (const l of lines) map.addLayer(l, BEFORE);
      dynamic.theaters.push({ id, fill: `theater-fill-${id}`, lines: lines.map((l) => l.id), color });
    });
    groupings.forEach((g, i) => {
      const id = String(g.id);
      if (map.getLayer(`grouping-line-${id}-borders`)) return;
      const color = GROUPING_COLORS[i % GROUPING_COLORS.length];
      const lines = outlineLayers(`grouping-line-${id}`, COUNTRIES, {
        metadata: { group: 'groupings', grouping: id, color },
        layout: { 'line-cap': 'butt' },
        paint: { 'line-color': color, 'line-dasharray': GROUPING_DASHES[i % GROUPING_DASHES.length], 'line-width': width(1.6) },
      });
      for (const l of lines) map.addLayer(l, BEFORE);
      dynamic.groupings.push({ id, lines: lines.map((l) => l.id), color });
    });
  }

  function membershipPaint(org, date) {
    const byStatus = {};
    for (const [c, s] of store.membership(org, date)) (byStatus[s] ||= []).push(c);
    const expr = ['match', ['get', 'id']];
    for (const key of PAINTED) if (byStatus[key]?.length) expr.push(byStatus[key].sort(), STATUS_COLOR[key]);
    if (expr.length === 2) return 'rgba(0,0,0,0)';
    expr.push('rgba(0,0,0,0)');
    return expr;
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
    map.getSource('approx').setData(fc(halos));
  }

  function visibility(visible) {
    const set = (layer, on) => {
      if (map.getLayer(layer)) map.setLayoutProperty(layer, 'visibility', on ? 'visible' : 'none');
    };
    for (const g of LAYER_GROUPS) for (const l of g.layers) set(l, visible.has(g.key));
    for (const l of LABELS) set(l, visible.has('places'));
    for (const g of dynamic.theaters) for (const l of [g.fill, ...g.lines]) set(l, visible.has('theaters'));
    for (const g of dynamic.groupings) for (const l of g.lines) set(l, visible.has('groupings'));
    const app6 = visible.has('app6') && !!ms;
    set('forces', visible.has('forces') && !app6);
    set('forces-symbols', visible.has('forces') && app6);
    map.setLayoutProperty('installations', 'icon-image', app6
      ? ['concat', 'ms-', ['get', '_sym']]
      : ['concat', 'inst-', ['get', '_icon'], ['case', ['==', ['get', '_undated'], 1], '-undated', '']]);
  }

  return {
    dynamic,
    /** Draws `snap` (from store.at) for organization `org` with the `visible` layer groups. */
    apply(snap, { org, visible }) {
      snapshot = snap;
      ensureDynamic();
      map.setPaintProperty('membership', 'fill-color', membershipPaint(org, snap.date));
      for (const group of [...dynamic.theaters, ...dynamic.groupings]) {
        const members = store.membersAt(group.id, snap.date);
        if (group.fill) map.setFilter(group.fill, ['in', ['get', 'id'], ['literal', members]]);
        outlineFilters(members).forEach((filter, i) => map.setFilter(group.lines[i], filter));
      }
      fanOut([...snap.installations, ...snap.forces]);
      symbolize(snap, org);
      const located = (list) => list.filter((f) => f.geometry);
      for (const c of ['installations', 'forces', 'events', 'routes']) map.getSource(c).setData(fc(located(snap[c])));
      drawApprox(visible);
      visibility(visible);
    },
    /** Redraws with other layers or another organization, same date. */
    refresh({ org, visible }) {
      if (snapshot) this.apply(snapshot, { org, visible });
    },
    visibility,
    /** The drawn point features of the visible layers, for picking. */
    pickable(visible) {
      if (!snapshot) return [];
      return ['installations', 'forces', 'events'].filter((c) => visible.has(c))
        .flatMap((c) => snapshot[c].filter((f) => f.geometry?.type === 'Point'));
    },
    snapshot: () => snapshot,
    /** Calls back once milsymbol is ready (or failed), to redraw with the symbols. */
    whenSymbols: (fn) => milsymbol?.then(fn, fn),
  };
}
