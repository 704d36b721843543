// The map style: a basemap (the built-in archive, a Protomaps archive or any other vector
// archive, see basemaps.js) under the country colours and the overlays that app.js fills.
// No font server and no sprite: labels use the browser's local fonts and icons are drawn on a
// canvas (icons.js).

import { COLORS, FONT } from './palette.js';
import { baseLayersFor } from './basemaps.js';
import { allSlots, slotOffset } from './fan.js';
import { STATUSES } from './membership.js';

/** The membership colour of a country from its `status` feature state (none: transparent). */
export function membershipColor() {
  const expr = ['match', ['to-string', ['feature-state', 'status']]];
  for (const s of STATUSES) expr.push(s.key, s.color);
  expr.push('rgba(0,0,0,0)');
  return expr;
}

/** Feature-state key of a country that belongs to grouping `id` at the date. */
export const memberKey = (id) => `in:${id}`;
/** Feature-state key of a boundary or coast on the outer edge of grouping `id` at the date. */
export const edgeKey = (id) => `edge:${id}`;

/**
 * Whether a boundary "AAA-BBB" lies on the outer edge of a set of countries (exactly one side
 * in it), or a coast "AAA" belongs to a member.
 */
export function onEdge(id, members) {
  const [a, b] = String(id).split('-');
  return b === undefined ? members.has(a) : members.has(a) !== members.has(b);
}

export { COLORS, THEATER_COLORS, GROUPING_COLORS, FONT, FONT_BOLD } from './palette.js';

const emptyFc = () => ({ type: 'FeatureCollection', features: [] });

/**
 * The fanned-out offset of a symbol (see fan.js) as a style expression: `[dx, dy]` pixels
 * scaled by `k` and shifted by `base`, for `icon-offset` (pixels) or `text-offset` (ems of
 * `emPx` pixels).
 */
export function fanOffset({ k = 1, base = [0, 0], emPx = 0 } = {}) {
  const at = (key) => {
    const [dx, dy] = slotOffset(key);
    const f = emPx ? 1 / emPx : 1;
    return ['literal', [Math.round((base[0] + dx * k * f) * 100) / 100, Math.round((base[1] + dy * k * f) * 100) / 100]];
  };
  const expr = ['match', ['get', '_slot']];
  for (const key of allSlots()) expr.push(key, at(key));
  expr.push(['literal', base]);
  return expr;
}

/**
 * Multiplies a size (a number, or the outputs of an `interpolate` or `case` expression) by k,
 * so that labels and symbols grow on large screens and projectors.
 */
export function scaleSize(v, k) {
  if (typeof v === 'number') return Math.round(v * k * 10) / 10;
  if (!Array.isArray(v)) return v;
  if (v[0] === 'interpolate') return v.map((x, i) => (i >= 4 && i % 2 === 0 ? scaleSize(x, k) : x));
  if (v[0] === 'case') return v.map((x, i) => (i > 0 && (i % 2 === 0 || i === v.length - 1) ? scaleSize(x, k) : x));
  return v;
}

/**
 * The whole style for a basemap described by its TileJSON (`/basemap.json`): the basemap's own
 * layers, the country colours and theater outlines on the country polygons, and the overlays.
 * `k` scales labels and symbols (projectors, large screens). The style's metadata says which
 * source carries the countries (`forcemap:countries`), which layer the theater and grouping
 * outlines go under (`forcemap:outlines-before`) and which basemap layers are place labels
 * (`forcemap:labels`, toggled with the "Place names" layer), and the colour of uncoloured land
 * (`forcemap:land`).
 */
export function mapStyle({ basemapUrl, thematicUrl, tilejson }, k = 1) {
  const style = styleAt1({ basemapUrl, thematicUrl, tilejson });
  if (k !== 1) {
    for (const layer of style.layers) {
      for (const prop of ['text-size', 'icon-size']) {
        if (layer.layout?.[prop] !== undefined) layer.layout[prop] = scaleSize(layer.layout[prop], k);
      }
    }
  }
  return style;
}

function styleAt1({ basemapUrl, thematicUrl, tilejson }) {
  const geojson = (extra = {}) => ({ type: 'geojson', data: emptyFc(), ...extra });
  const base = baseLayersFor(tilejson, { basemapUrl, thematicUrl });
  const countries = base.countriesSource;
  // Country ids (ISO3, and "AAA-BBB" for boundaries) become feature ids, so that the page
  // colours countries and outlines through feature state: a date change then updates paint
  // only, never the tiles' layout.
  base.sources[countries].promoteId = { countries: 'id', boundaries: 'id', coasts: 'id' };
  const countryLayers = [
    {
      id: 'membership', type: 'fill', source: countries, 'source-layer': 'countries',
      metadata: { group: 'membership' },
      paint: { 'fill-color': membershipColor(), 'fill-opacity': 0.78 },
    },
    // Invisible, always shown: what a click on a country finds, whatever layers are on.
    {
      id: 'country-pick', type: 'fill', source: countries, 'source-layer': 'countries',
      paint: { 'fill-color': '#000000', 'fill-opacity': 0 },
    },
  ];
  const overlayLines = [
      {
        id: 'analysis-zone', type: 'fill', source: 'analysis', metadata: { group: 'analysis' },
        filter: ['==', ['get', 'role'], 'zone'],
        paint: { 'fill-color': COLORS.zone, 'fill-opacity': 0.18 },
      },
      {
        id: 'analysis-zone-line', type: 'line', source: 'analysis', metadata: { group: 'analysis' },
        filter: ['in', ['get', 'role'], ['literal', ['zone', 'ring']]],
        paint: { 'line-color': COLORS.zone, 'line-width': 1.5 },
      },
      {
        id: 'borders', type: 'line', source: 'borders', metadata: { group: 'borders' },
        paint: {
          'line-color': COLORS.border,
          'line-width': ['interpolate', ['linear'], ['zoom'], 2, 1, 8, 2.5],
          'line-opacity': 0.55,
        },
      },
      {
        id: 'analysis-border', type: 'line', source: 'analysis', metadata: { group: 'analysis' },
        filter: ['==', ['get', 'role'], 'border'],
        paint: { 'line-color': COLORS.border, 'line-width': 4 },
      },
      {
        id: 'routes', type: 'line', source: 'routes', metadata: { group: 'routes' },
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': COLORS.route, 'line-width': 2.5, 'line-dasharray': [3, 2] },
      },
  ];
  const overlayPoints = [
      {
        id: 'routes-label', type: 'symbol', source: 'routes', metadata: { group: 'routes' },
        layout: {
          'symbol-placement': 'line',
          'text-field': ['concat', ['get', '_label'], ' (schematic)'],
          'text-font': FONT,
          'text-size': 13,
          'text-offset': [0, -0.8],
          'symbol-spacing': 350,
        },
        paint: { 'text-color': COLORS.route, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5 },
      },
      {
        // approximate locations: a faint grey haze with a dotted edge, unlike the solid orange
        // shapes of an analysis
        id: 'approx-fill', type: 'fill', source: 'approx', metadata: { group: 'approx' },
        paint: { 'fill-color': '#78909c', 'fill-opacity': 0.06 },
      },
      {
        id: 'approx-line', type: 'line', source: 'approx', metadata: { group: 'approx' },
        layout: { 'line-cap': 'round' },
        paint: {
          'line-color': ['get', '_color'],
          'line-width': 1.6,
          'line-dasharray': [0.1, 2.4],
          'line-opacity': 0.75,
        },
      },
      {
        id: 'events', type: 'symbol', source: 'events', metadata: { group: 'events' },
        layout: {
          'icon-image': ['concat', 'event-', ['get', '_icon']],
          'icon-allow-overlap': true,
          'icon-size': 1,
          'text-field': ['get', '_label'],
          'text-font': FONT,
          'text-size': 13,
          'text-anchor': 'top',
          'text-offset': [0, 1.1],
          'text-optional': true,
        },
        paint: {
          'text-color': COLORS.event, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.4,
          'icon-opacity': ['get', '_fade'],
          'text-opacity': ['get', '_fade'],
        },
      },
      {
        id: 'forces', type: 'circle', source: 'forces', metadata: { group: 'forces' },
        paint: {
          'circle-radius': ['case', ['>', ['get', '_personnel'], 0],
            ['interpolate', ['linear'], ['sqrt', ['get', '_personnel']], 0, 5, 30, 9, 100, 20, 200, 30],
            6],
          'circle-color': COLORS.force,
          'circle-opacity': ['case', ['==', ['get', '_undated'], 1], 0,
            ['>', ['get', '_personnel'], 0], 0.35, 0.15],
          'circle-stroke-color': COLORS.force,
          'circle-stroke-width': 1.6,
        },
      },
      {
        id: 'forces-symbols', type: 'symbol', source: 'forces', metadata: { group: 'forces' },
        layout: {
          'icon-image': ['concat', 'ms-', ['get', '_sym']],
          'icon-allow-overlap': true,
          'icon-size': 1,
          'icon-offset': fanOffset(),
          visibility: 'none',
        },
      },
      {
        id: 'forces-label', type: 'symbol', source: 'forces', metadata: { group: 'forces' },
        minzoom: 4,
        layout: {
          'text-field': ['get', '_label'],
          'text-font': FONT,
          'text-size': 13,
          'text-anchor': 'bottom',
          'text-offset': fanOffset({ base: [0, -1.4], emPx: 13 }),
          'text-optional': true,
          'text-max-width': 12,
        },
        paint: { 'text-color': COLORS.force, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.4 },
      },
      {
        id: 'installations', type: 'symbol', source: 'installations', metadata: { group: 'installations' },
        layout: {
          'icon-image': ['concat', 'inst-', ['get', '_icon']],
          'icon-allow-overlap': true,
          'icon-ignore-placement': false,
          'icon-size': 1,
          'icon-offset': fanOffset(),
          'text-field': ['get', '_label'],
          'text-font': FONT,
          'text-size': ['interpolate', ['linear'], ['zoom'], 3, 13, 8, 15],
          'text-anchor': 'left',
          'text-offset': fanOffset({ base: [1.2, 0], emPx: 14 }),
          'text-optional': true,
          'text-max-width': 12,
        },
        paint: { 'text-color': COLORS.installation, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5 },
      },
      {
        id: 'analysis-hit', type: 'circle', source: 'analysis', metadata: { group: 'analysis' },
        filter: ['all', ['==', ['geometry-type'], 'Point'], ['!', ['has', 'role']]],
        paint: {
          'circle-radius': 11,
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-color': COLORS.zone,
          'circle-stroke-width': 2.5,
        },
      },
      {
        id: 'highlight-line', type: 'line', source: 'highlight',
        filter: ['!=', ['geometry-type'], 'Point'],
        paint: { 'line-color': COLORS.highlight, 'line-width': 6, 'line-opacity': 0.8 },
      },
      {
        id: 'highlight', type: 'circle', source: 'highlight',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: {
          'circle-radius': 16,
          'circle-color': 'rgba(255,214,0,0.35)',
          'circle-stroke-color': '#000000',
          'circle-stroke-width': 2.5,
        },
      },
      {
        id: 'here', type: 'circle', source: 'here', metadata: { group: 'analysis' },
        paint: {
          'circle-radius': 7,
          'circle-color': COLORS.here,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      },
  ];
  // theater and grouping outlines are inserted by app.js under the first layer after the
  // country layers: the basemap's boundaries, or the first overlay
  const after = [...base.boundaries, ...overlayLines];
  return {
    version: 8,
    name: 'forcemap',
    metadata: {
      'forcemap:schema': base.schema,
      'forcemap:countries': countries,
      'forcemap:outlines-before': after[0].id,
      'forcemap:labels': base.labels.map((l) => l.id),
      'forcemap:land': base.land,
    },
    sources: {
      ...base.sources,
      borders: geojson(),
      routes: geojson(),
      approx: geojson(),
      events: geojson(),
      forces: geojson(),
      installations: geojson(),
      analysis: geojson(),
      here: geojson(),
      highlight: geojson(),
    },
    layers: [...base.under, ...countryLayers, ...after, ...base.labels, ...overlayPoints],
  };
}

/** Layers a click can pick, top first, with the collection each shows. */
export const PICKABLE = [
  ['analysis-hit', null],
  ['installations', 'installations'],
  ['forces-symbols', 'forces'],
  ['forces', 'forces'],
  ['events', 'events'],
  ['routes', 'routes'],
  ['borders', 'borders'],
];

/** Line layers a click picks by what is drawn under the pointer (points are picked by distance). */
export const PICKABLE_LINES = ['routes', 'borders'];

/**
 * Line layers that outline a set of countries (a theater, a grouping) from the built-in
 * archive's `boundaries` and `coasts`: the borders with exactly one side in the set, and the
 * coasts of its members. So the outline is the set's outer edge, with no border inside it and
 * none of the tile edges that outlining the polygons would draw. Set the members with
 * [outlineFilters], in the same order as the layers.
 */
export function outlineLayers(idPrefix, source, { metadata, paint, layout = {} }) {
  const common = { type: 'line', source, metadata, layout: { 'line-join': 'round', 'line-cap': 'round', ...layout }, paint };
  return [
    { id: `${idPrefix}-borders`, 'source-layer': 'boundaries', filter: outlineFilters([])[0], ...common },
    { id: `${idPrefix}-coasts`, 'source-layer': 'coasts', filter: outlineFilters([])[1], ...common },
  ];
}

/**
 * Filters that keep the boundaries and coasts of `countries` (every country a grouping ever
 * had), for outline layers shown or hidden line by line through feature state.
 */
export function reachFilters(countries) {
  const list = ['literal', countries];
  const id = ['get', 'id'];
  const dash = ['index-of', '-', id];
  return [
    ['any', ['in', ['slice', id, 0, dash], list], ['in', ['slice', id, ['+', dash, 1]], list]],
    ['in', id, list],
  ];
}

/** The filters of [outlineLayers] for the member countries `members` (ISO3 codes). */
export function outlineFilters(members) {
  const list = ['literal', members];
  const id = ['get', 'id'];
  const dash = ['index-of', '-', id];
  const first = ['slice', id, 0, dash];
  const second = ['slice', id, ['+', dash, 1]];
  return [
    ['!=', ['in', first, list], ['in', second, list]],
    ['in', id, list],
  ];
}
