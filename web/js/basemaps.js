// The basemaps the page can draw on. The server's TileJSON for `/basemap.pmtiles` lists the
// archive's layers, and from them the page picks a style family:
// - `forcemap`: the built-in archive (`countries`, `boundaries`, `coasts`, `country_labels`,
//   `places`), styled here;
// - `protomaps`: the Protomaps basemap schema (`earth`, `water`, `roads`, `boundaries`,
//   `places`, …), styled by @protomaps/basemaps;
// - `other`: any other vector archive, each of its layers drawn plainly by geometry type.
// Membership colours and theater outlines need country polygons with ISO3 ids. The built-in
// archive has them; under a foreign basemap they come from the built-in archive all the same,
// which the server always serves as `/thematic.pmtiles`.

import { layers as protomapsLayers, namedFlavor } from '@protomaps/basemaps';
import { COLORS, FONT } from './palette.js';

/** The style family for an archive's TileJSON (or `forcemap` when there is none). */
export function schemaOf(tilejson) {
  const ids = new Set((tilejson?.vector_layers || []).map((l) => l.id));
  if (!tilejson || (ids.has('countries') && ids.has('boundaries'))) return 'forcemap';
  if (ids.has('earth') && (ids.has('water') || ids.has('places') || ids.has('roads'))) return 'protomaps';
  return 'other';
}

/**
 * The basemap part of the style: `sources`, the layers under the country colours (`under`),
 * the boundary lines over them (`boundaries`), the place labels (`labels`), the id of the
 * source whose `countries` layer the country colours use (`countriesSource`), and the colour
 * of land that no colour covers (`land`, for the legend).
 */
export function baseLayersFor(tilejson, { basemapUrl, thematicUrl }) {
  const schema = schemaOf(tilejson);
  const basemap = {
    type: 'vector',
    url: `pmtiles://${basemapUrl}`,
    attribution: tilejson?.attribution || 'Natural Earth',
  };
  if (schema === 'forcemap') {
    return { schema, sources: { basemap }, countriesSource: 'basemap', land: COLORS.land, ...forcemapLayers('basemap') };
  }
  const sources = {
    basemap,
    thematic: { type: 'vector', url: `pmtiles://${thematicUrl}`, attribution: 'Natural Earth' },
  };
  const parts = schema === 'protomaps' ? protomapsParts() : plainParts(tilejson.vector_layers || []);
  return { schema, sources, countriesSource: 'thematic', land: COLORS.land, ...parts };
}

/** The built-in archive's layers, from `source`. */
function forcemapLayers(source) {
  return {
    under: [
      { id: 'bg', type: 'background', paint: { 'background-color': COLORS.sea } },
      {
        id: 'land', type: 'fill', source, 'source-layer': 'countries',
        paint: { 'fill-color': COLORS.land, 'fill-antialias': true },
      },
    ],
    boundaries: [
      {
        id: 'boundaries', type: 'line', source, 'source-layer': 'boundaries',
        paint: {
          'line-color': COLORS.boundary,
          'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.7, 6, 1.4, 10, 2.2],
        },
      },
    ],
    labels: [
      {
        id: 'country-labels', type: 'symbol', source, 'source-layer': 'country_labels',
        metadata: { group: 'places' },
        minzoom: 3,
        layout: {
          'text-field': ['get', 'name'],
          'text-font': FONT,
          'text-size': ['interpolate', ['linear'], ['zoom'], 3, 13, 7, 16],
          'text-transform': 'uppercase',
          'text-letter-spacing': 0.08,
          'text-max-width': 7,
          'symbol-sort-key': ['-', 0, ['coalesce', ['get', 'area_km2'], 0]],
        },
        paint: { 'text-color': '#5b5650', 'text-halo-color': COLORS.halo, 'text-halo-width': 1.4 },
      },
      {
        id: 'places', type: 'circle', source, 'source-layer': 'places',
        metadata: { group: 'places' },
        filter: ['any', ['to-boolean', ['get', 'capital']], ['<=', ['coalesce', ['get', 'rank'], 10], ['zoom']]],
        paint: {
          'circle-radius': ['case', ['to-boolean', ['get', 'capital']], 3.5, 2.5],
          'circle-color': '#ffffff',
          'circle-stroke-color': '#333333',
          'circle-stroke-width': 1.2,
        },
      },
      {
        id: 'places-label', type: 'symbol', source, 'source-layer': 'places',
        metadata: { group: 'places' },
        filter: ['any', ['to-boolean', ['get', 'capital']], ['<=', ['coalesce', ['get', 'rank'], 10], ['zoom']]],
        layout: {
          'text-field': ['get', 'name'],
          'text-font': FONT,
          'text-size': ['case', ['to-boolean', ['get', 'capital']], 14, 13],
          'text-anchor': 'left',
          'text-offset': [0.6, 0],
          'text-optional': true,
          'symbol-sort-key': ['-', ['coalesce', ['get', 'rank'], 10], ['case', ['to-boolean', ['get', 'capital']], 5, 0]],
        },
        paint: { 'text-color': '#333333', 'text-halo-color': COLORS.halo, 'text-halo-width': 1.2 },
      },
    ],
  };
}

/** Prefix of the ids of layers taken from a foreign style, so that none clashes with ours. */
export const BASE_PREFIX = 'base-';

/**
 * The Protomaps "light" style over the `basemap` source, English names first. Its fills and
 * lines up to the first boundary go under the country colours, the rest over them, and its
 * labels over the overlay lines, as in the built-in style.
 */
function protomapsParts() {
  const flavor = namedFlavor('light');
  const all = protomapsLayers('basemap', flavor, { lang: 'en' })
    .map((l) => ({ ...l, id: `${BASE_PREFIX}${l.id}` }));
  const labels = all.filter((l) => l.type === 'symbol').map((l) => ({ ...l, metadata: { group: 'places' } }));
  const shapes = all.filter((l) => l.type !== 'symbol');
  let cut = shapes.findIndex((l) => l['source-layer'] === 'boundaries');
  if (cut < 0) cut = shapes.length;
  return { under: shapes.slice(0, cut), boundaries: shapes.slice(cut), labels, land: flavor.earth };
}

/**
 * Any other vector archive: the built-in countries as land, then each of the archive's layers
 * in quiet greys by geometry type, and a label for point features that have a `name`.
 */
function plainParts(vectorLayers) {
  const under = [
    { id: 'bg', type: 'background', paint: { 'background-color': COLORS.sea } },
    {
      id: 'land', type: 'fill', source: 'thematic', 'source-layer': 'countries',
      paint: { 'fill-color': COLORS.land },
    },
  ];
  const boundaries = [];
  const labels = [];
  for (const layer of vectorLayers) {
    const id = `${BASE_PREFIX}${layer.id}`;
    const common = { source: 'basemap', 'source-layer': layer.id };
    under.push({
      id: `${id}-fill`, type: 'fill', ...common,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#cfc8b8', 'fill-opacity': 0.35, 'fill-outline-color': '#a39d90' },
    });
    boundaries.push({
      id: `${id}-line`, type: 'line', ...common,
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: { 'line-color': '#8d877b', 'line-width': 0.8 },
    });
    labels.push({
      id: `${id}-point`, type: 'circle', ...common, metadata: { group: 'places' },
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 2.2, 'circle-color': '#ffffff', 'circle-stroke-color': '#55514a', 'circle-stroke-width': 1 },
    });
    if (layer.fields && 'name' in layer.fields) {
      labels.push({
        id: `${id}-label`, type: 'symbol', ...common, metadata: { group: 'places' },
        filter: ['==', ['geometry-type'], 'Point'],
        layout: {
          'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 13,
          'text-anchor': 'left', 'text-offset': [0.5, 0], 'text-optional': true,
        },
        paint: { 'text-color': '#333333', 'text-halo-color': COLORS.halo, 'text-halo-width': 1.2 },
      });
    }
  }
  return { under, boundaries, labels };
}
