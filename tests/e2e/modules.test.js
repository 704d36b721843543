// Unit tests of the page's data and interaction modules (store, picking, fan-out, search,
// stories, change list, APP-6 codes, permalink additions), run in Node without the server or
// the browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, defaultDate, coveredPeriod } from '../../web/js/store.js';
import { staticSource } from '../../web/js/source.js';
import { fanOut, slotOffset, FAN_RADIUS } from '../../web/js/fan.js';
import { nearby, decide } from '../../web/js/picking.js';
import { buildIndex, search } from '../../web/js/search.js';
import { storyProblems, stepAfter } from '../../web/js/stories.js';
import { describeChanges } from '../../web/js/changes.js';
import { sidcFor, affiliationOf } from '../../web/js/symbols.js';
import { parseHash, formatHash } from '../../web/js/permalink.js';
import { statusAt } from '../../web/js/membership.js';
import { embedSnippet, isEmbed } from '../../web/js/embed.js';
import { TILE_THRESHOLD, epochDay, likeLiteral, shapeExpression } from '../../web/js/tiled.js';
import { INSTALLATION_SHAPES } from '../../web/js/icons.js';

const point = (lon, lat) => ({ type: 'Point', coordinates: [lon, lat] });
const feature = (id, props, geometry = point(74.85, 42.89)) => ({ type: 'Feature', id, geometry, properties: props });

/** A store over canned answers; records the requests it makes. */
function cannedStore(answers, coverage = undefined) {
  const asked = [];
  const items = async (collection, params) => {
    asked.push([collection, params]);
    return { features: answers[collection] || [] };
  };
  const getJson = async () => (coverage ? { coverage } : {});
  return { store: createStore({ items, getJson }), asked };
}

const DATA = {
  countries: [{ id: 'KGZ', properties: { name: 'Kyrgyzstan' } }, { id: 'UZB', properties: { name: 'Uzbekistan' } }],
  installations: [
    feature('kant-air-base', { name: 'Kant air base', kind: 'air-base', operator: 'RUS', valid_from: '2003-10-23', valid_to: null }),
    feature('old-site', { name: 'Old site', kind: 'radar-station', valid_from: '1994-12', valid_to: '2001-06' }),
    feature('undated-site', { name: 'Undated site', kind: 'test-range', valid_from: null, valid_to: null }, point(73.7, 46.0)),
  ],
  forces: [feature('kant-air-group', { name: 'Kant air group', kind: 'air-group', valid_from: '2003-10-23', strength: { personnel: 500 } })],
  events: [feature('ex-2005', { name: 'Exercise', kind: 'exercise', valid_from: '2005-04', valid_to: '2005-04' }, point(70, 40))],
  routes: [],
  groupings: [{
    id: 'cst', properties: {
      kind: 'organization', name: 'Collective Security Treaty', valid_from: '1992-05-15',
      active_members: ['KGZ'], // as the server says for today
      members: [{ country: 'UZB', joined: '1994-04-20', left: '1999-04-02' }, { country: 'KGZ', joined: '1994-04-20' }],
    },
  }],
};

test('the store fetches each collection once, for every date, and cuts it to a date itself', async () => {
  const { store, asked } = cannedStore(DATA);
  await store.load();
  const dated = asked.filter(([c]) => ['installations', 'forces', 'events', 'routes'].includes(c));
  assert.equal(dated.length, 4, 'one request per dated collection');
  assert.ok(dated.every(([, p]) => p.datetime === '1900-01-01/..'), 'asked for every date');

  const in2000 = store.at('2000-06-01');
  assert.deepEqual(in2000.installations.map((f) => f.id).sort(), ['old-site', 'undated-site']);
  const in2005 = store.at('2005-06-01');
  assert.deepEqual(in2005.installations.map((f) => f.id).sort(), ['kant-air-base', 'undated-site']);
  assert.deepEqual(in2005.forces.map((f) => f.id), ['kant-air-group']);
  assert.equal(in2005.events.length, 1, 'an event within a year is shown');
  assert.equal(in2005.events[0].properties._fade, 0.6, 'and faded when the date is outside it');
  assert.equal(store.at('2007-06-01').events.length, 0);

  const undated = in2005.installations.find((f) => f.id === 'undated-site');
  assert.equal(undated.properties._undated, 1, 'no known start: marked as dates unknown');
  assert.equal(in2005.installations.find((f) => f.id === 'kant-air-base').properties._undated, 0);
  assert.equal(in2005.forces[0].properties._personnel, 500);
  assert.equal(in2005.forces[0].properties.strength, undefined, 'nested values left to the stored original');
  assert.equal(store.byUid.get('forces/kant-air-group').feature.properties.strength.personnel, 500);
  assert.equal(store.byId.get('kant-air-base'), 'installations/kant-air-base');
  assert.equal(store.countryName('KGZ'), 'Kyrgyzstan');
  assert.deepEqual(store.membersAt('cst', '1995-01-01').sort(), ['KGZ', 'UZB'], 'members at the date, not today');
  assert.equal(store.membership('cst', '1995-01-01').get('UZB'), 'member');
  assert.equal(store.membership('cst', '2000-01-01').get('UZB'), 'former');
  assert.deepEqual(store.membersAt('cst', '2000-01-01'), ['KGZ']);
});

test("a static copy's store reads the files its manifest names, and nothing else", async () => {
  const documents = {
    landing: 'landing.json',
    countries: 'page/countries.json',
    borders: 'page/borders.json',
    groupings: 'page/groupings.json',
    collections: Object.fromEntries(['installations', 'forces', 'events', 'routes'].map((c) => [c, `collections/${c}.geojson`])),
    stories: 'stories.json',
    story: 'stories/{id}.json',
  };
  const files = {
    'landing.json': { coverage: { interval: ['1992-05-15', '2010-12-31'] } },
    'page/countries.json': { features: DATA.countries },
    'page/borders.json': { features: [] },
    'page/groupings.json': { features: DATA.groupings },
    'stories.json': { stories: [{ id: 'csto', title: 'The CSTO' }] },
    'stories/csto.json': { id: 'csto', steps: [] },
  };
  for (const c of ['installations', 'forces', 'events', 'routes']) files[`collections/${c}.geojson`] = { features: DATA[c] };
  const read = [];
  const getJson = async (path, params) => {
    read.push(path);
    assert.equal(params, undefined, 'a file takes no query parameters');
    if (!(path in files)) throw new Error(`404 ${path}`);
    return structuredClone(files[path]);
  };
  const source = staticSource({ documents }, getJson);
  const store = createStore({ source });
  await store.load();
  assert.equal(source.isStatic, true);
  assert.deepEqual([...read].sort(), Object.keys(files).filter((f) => !f.startsWith('stories')).sort());
  assert.deepEqual(store.at('2005-06-01').installations.map((f) => f.id).sort(), ['kant-air-base', 'undated-site']);
  assert.equal(store.membership('cst', '2000-01-01').get('UZB'), 'former');
  assert.deepEqual(store.coverage.interval, ['1992-05-15', '2010-12-31']);
  assert.equal((await source.story('csto')).id, 'csto');
  assert.equal((await source.stories()).stories[0].id, 'csto');
  // a document the manifest does not name is refused, not guessed
  await assert.rejects(staticSource({}, getJson).collection('installations'), /does not hold/);
  await assert.rejects(source.collection('unknown'), /does not hold/);
});

test('the page opens at the latest dated feature, or inside the declared coverage', async () => {
  const { store } = cannedStore(DATA);
  await store.load();
  assert.equal(defaultDate(store, '2026-01-01'), '2005-04-01', 'the latest start of a feature');
  assert.deepEqual(coveredPeriod(store, '2026-01-01'), ['1994-04-20', '2005-04-01']);
  const declared = cannedStore(DATA, { interval: ['1992-05-15', '2013-12-31'], collections: {} }).store;
  await declared.load();
  assert.equal(defaultDate(declared, '2026-01-01'), '2013-12-31');
  assert.deepEqual(coveredPeriod(declared, '2026-01-01'), ['1992-05-15', '2013-12-31']);
  assert.equal(defaultDate(declared, '2010-01-01'), '2010-01-01', 'never after today');
  const malformed = cannedStore(DATA, { interval: 'soon' }).store;
  await malformed.load();
  assert.equal(malformed.coverage, null, 'a malformed coverage is ignored');
});

test('features sharing a point are fanned out on a circle, each in its own slot', () => {
  const fs = [
    feature('b', { _uid: 'installations/b' }, point(68.779, 38.5358)),
    feature('a', { _uid: 'installations/a' }, point(68.779, 38.5358)),
    feature('c', { _uid: 'forces/c' }, point(68.7791, 38.5358)),
    feature('d', { _uid: 'installations/d' }, point(69.78, 37.91)),
  ];
  fanOut(fs);
  const off = Object.fromEntries(fs.map((f) => [f.id, [f.properties._fx, f.properties._fy]]));
  assert.deepEqual(off.d, [0, 0], 'a lone feature stays on its point');
  const offsets = [off.a, off.b, off.c];
  for (const [x, y] of offsets) assert.ok(Math.abs(Math.hypot(x, y) - FAN_RADIUS) < 0.2, 'on the fan circle');
  assert.equal(new Set(offsets.map(String)).size, 3, 'each in its own place');
  assert.deepEqual(off.c, slotOffset('3:0'), 'ordered by uid');
  assert.deepEqual(slotOffset('3:0'), [0, -FAN_RADIUS], 'the first above the point');
});

test('a click picks the nearest symbol, or offers a choice when several are as near', () => {
  const project = ([x, y]) => ({ x, y }); // map pixels = coordinates here
  const f = (uid, x, y, fx = 0, fy = 0) => ({ type: 'Feature', geometry: point(x, y), properties: { _uid: uid, _fx: fx, _fy: fy } });
  const features = [f('a', 100, 100), f('b', 112, 100), f('c', 300, 300, 10, 0), f('d', 300, 300, -10, 0)];
  assert.deepEqual(decide(nearby(features, { x: 101, y: 100 }, { project })), ['a'], 'nearest wins when clearly nearer');
  assert.deepEqual(decide(nearby(features, { x: 106, y: 100 }, { project })).sort(), ['a', 'b'], 'halfway: both offered');
  assert.deepEqual(decide(nearby(features, { x: 300, y: 300 }, { project })).sort(), ['c', 'd'], 'a shared point: all its symbols');
  assert.deepEqual(decide(nearby(features, { x: 310, y: 300 }, { project })), ['c'], 'a fanned symbol where it is drawn');
  assert.deepEqual(decide(nearby([f('e', 300, 320, 0, -20), f('g', 300, 306)], { x: 300, y: 320 }, { project })), ['e'], 'or at its own point');
  assert.deepEqual(decide(nearby(features, { x: 320, y: 300 }, { project, iconScale: 2 })), ['c'], 'offsets grow with the icons');
  assert.deepEqual(decide(nearby(features, { x: 200, y: 200 }, { project })), [], 'nothing within the tolerance');
});

test('search finds features by name, other names and id, and countries', () => {
  const index = buildIndex({
    features: [
      { uid: 'installations/kant-air-base', properties: { name: 'Kant air base' }, kind: 'Air base' },
      { uid: 'installations/kara-balta', properties: { name: 'Kara-Balta communications centre', alt_names: ['Chaldovar'] } },
      { uid: 'groupings/csto', properties: { name: 'Collective Security Treaty Organization', short_name: 'CSTO' } },
    ],
    countries: [{ iso3: 'KGZ', name: 'Kyrgyzstan' }],
  });
  assert.equal(search(index, 'Kant')[0].key, 'installations/kant-air-base');
  assert.equal(search(index, 'kant')[0].key, 'installations/kant-air-base', 'any case');
  assert.equal(search(index, 'balta')[0].key, 'installations/kara-balta', 'a word inside the name');
  assert.equal(search(index, 'chaldovar')[0].key, 'installations/kara-balta', 'another name');
  assert.equal(search(index, 'csto')[0].key, 'groupings/csto', 'a short name');
  assert.equal(search(index, 'kara-balta')[0].key, 'installations/kara-balta', 'an id');
  assert.equal(search(index, 'kgz')[0].key, 'countries/KGZ', 'a country code');
  assert.deepEqual(search(index, 'zzz'), []);
  assert.deepEqual(search(index, '  '), []);
  assert.equal(search(index, 'K').length, 3, 'prefixes match several');
});

const STORY = {
  id: 'csto-1992-2013', title: 'The CSTO',
  sources: [{ title: 'Treaty', ref: '001.txt' }],
  steps: [
    { date: '1992-05-15', title: 'Tashkent', caption: 'Signed.', view: { bbox: [40, 35, 90, 56] }, highlight: ['cst'], sources: [0] },
    { date: '2009-06', caption: 'Rapid reaction.', sources: [0] },
  ],
};

test('a story is checked for dates, views, sources and highlighted ids', () => {
  assert.deepEqual(storyProblems(STORY, (id) => id === 'cst'), []);
  const broken = structuredClone(STORY);
  broken.steps[0].date = 'May 1992';
  broken.steps[0].view.bbox = [90, 35, 40, 56];
  broken.steps[0].highlight = ['nowhere'];
  broken.steps[1].sources = [3];
  delete broken.steps[1].caption;
  const problems = storyProblems(broken, (id) => id === 'cst');
  for (const want of ['steps[0].date', 'steps[0].view.bbox', 'steps[0].highlight: unknown id nowhere', 'steps[1].sources: no source 3', 'steps[1].caption']) {
    assert.ok(problems.some((p) => p.startsWith(want)), `${want} in ${problems.join('; ')}`);
  }
  assert.deepEqual(storyProblems({ id: 'x', title: 'x', steps: [] }), ['steps: none']);
  assert.equal(stepAfter(0, -1, 10), 0, 'no step before the first');
  assert.equal(stepAfter(9, 1, 10), 9, 'none after the last');
  assert.equal(stepAfter(3, 1, 10), 4);
});

test('the change list says each change in words, in date order', () => {
  const answer = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: null, properties: { change: 'left', date: '1999-04-02', collection: 'groupings', id: 'cst', grouping: 'cst', country: 'UZB' } },
      { type: 'Feature', geometry: point(74.85, 42.89), properties: { change: 'opened', date: '1997', collection: 'installations', id: 'kara-balta', name: 'Kara-Balta' } },
      { type: 'Feature', geometry: null, properties: { change: 'status-changed', date: '2012-06-28', collection: 'groupings', id: 'csto', grouping: 'csto', country: 'UZB', status_from: 'member', status_to: 'suspended' } },
    ],
  };
  const rows = describeChanges(answer, { name: (c) => ({ UZB: 'Uzbekistan' })[c] || c, groupingName: (g) => g.toUpperCase() });
  assert.deepEqual(rows.map((r) => r.text), [
    'Kara-Balta in place',
    'Uzbekistan left the CST',
    'Uzbekistan in the CSTO: member → suspended',
  ]);
  assert.equal(rows[1].when, '2 April 1999');
  assert.equal(rows[0].uid, 'installations/kara-balta', 'features open on the map');
  assert.equal(rows[1].uid, null, 'membership changes have no feature to open');
  assert.deepEqual(describeChanges(null), []);
});

test('APP-6 codes: affiliation from the operator, echelon from the kind, dashed when undated', () => {
  assert.equal(affiliationOf('RUS', 'csto', ['RUS', 'KGZ']), 'friend');
  assert.equal(affiliationOf('CSTO', 'csto', []), 'friend', 'the organization itself');
  assert.equal(affiliationOf('USA', 'csto', ['RUS']), 'neutral');
  assert.equal(affiliationOf(null, 'csto', ['RUS']), 'unknown');
  const air = sidcFor('installations', { kind: 'air-base' }, 'friend');
  assert.equal(air, 'SFGPIBA---H----');
  assert.equal(air.length, 15);
  assert.equal(sidcFor('installations', { kind: 'air-base', _undated: 1 }, 'neutral')[3], 'A', 'planned/dashed frame');
  assert.equal(sidcFor('installations', { kind: 'air-base' }, 'neutral')[1], 'N');
  assert.equal(sidcFor('forces', { kind: 'division' }, 'friend')[11], 'I', 'division echelon');
  assert.equal(sidcFor('forces', { kind: 'brigade' }, 'friend')[11], 'H', 'brigade echelon');
  assert.equal(sidcFor('forces', { kind: 'battalion' }, 'friend')[11], 'F', 'battalion echelon');
  assert.equal(sidcFor('forces', { kind: 'division', name: '98th Guards Airborne Division' }, 'friend').slice(4, 10), 'UCIA--', 'airborne');
  assert.equal(sidcFor('installations', { kind: 'headquarters' }, 'friend').slice(4, 11), 'UH----A', 'a headquarters');
});

test('the permalink names the feature, the story step and the compared date', () => {
  const state = { date: '2005-06-01', org: 'csto', layers: new Set(['membership']), feature: 'kant-air-base', compare: '2001-06-01' };
  const back = parseHash(formatHash(state));
  assert.equal(back.feature, 'kant-air-base');
  assert.equal(back.compare, '2001-06-01');
  const story = parseHash(formatHash({ ...state, story: { id: 'csto-1992-2013', step: 3 } }));
  assert.deepEqual(story.story, { id: 'csto-1992-2013', step: 3 });
  assert.equal(parseHash('#story=x&step=0').story.step, 0, 'a bad step number means the first');
  assert.equal(parseHash('#compare=soon').compare, undefined);
  const ring = parseHash(formatHash({ ...state, tool: { name: 'range', at: [74.5, 42.8], km: 200 } }));
  assert.deepEqual(ring.tool, { name: 'range', at: [74.5, 42.8], km: 200 }, 'a range ring from a clicked point');
});

test('participation frozen is its own status, distinct from suspended', () => {
  const g = { id: 'csto', properties: { members: [
    { country: 'ARM', joined: '2002-10-07', left: '2024-02', status: 'member' },
    { country: 'ARM', joined: '2024-02', status: 'participation-frozen' },
  ] } };
  assert.equal(statusAt([g], '2025-01-01').get('ARM'), 'participation-frozen');
  assert.equal(statusAt([g], '2020-01-01').get('ARM'), 'member');
});

test('embedding: ?embed=1 and the iframe snippet', () => {
  assert.equal(isEmbed('?embed=1&fbclid=x'), true);
  assert.equal(isEmbed('?utm_source=x'), false);
  const code = embedSnippet('http://127.0.0.1:8080/#date=2005-06-01&org=csto');
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:8080\/\?embed=1#date=2005-06-01&amp;org=csto"/);
  assert.match(code, /width="800" height="500"/);
});

test('collections above the threshold are left to their tiles, the others fetched whole', async () => {
  const asked = [];
  const items = async (collection, params) => {
    asked.push(collection);
    return { features: DATA[collection] || [] };
  };
  const counts = { installations: TILE_THRESHOLD + 1, forces: TILE_THRESHOLD, events: 1, routes: 0 };
  const getJson = async (path) => (path === 'collections'
    ? { collections: Object.entries(counts).map(([id, featureCount]) => ({ id, featureCount })) }
    : {});
  const store = createStore({ items, getJson });
  await store.load();
  assert.deepEqual([...store.tiled], ['installations']);
  assert.ok(!asked.includes('installations'), 'the large collection is not asked for');
  assert.ok(['forces', 'events', 'routes'].every((c) => asked.includes(c)), 'the others are');
  assert.deepEqual(store.at('2005-06-01').installations, []);
  assert.deepEqual(store.at('2005-06-01').forces.map((f) => f.id), ['kant-air-group']);
});

test('tile filters count days as the tiles do, and search text is a safe LIKE literal', () => {
  assert.equal(epochDay('1970-01-01'), 0);
  assert.equal(epochDay('2000-01-01'), 10957);
  assert.equal(epochDay('1969-12-31'), -1);
  assert.equal(likeLiteral("O'Hare 100%_x\\"), "O''Hare 100\\%\\_x\\\\");
  // the shape expression tests the same words as the patterns, the last shape its fallback
  const expr = shapeExpression(INSTALLATION_SHAPES, 'K');
  assert.equal(expr[0], 'case');
  assert.equal(expr[expr.length - 1], 'base');
  assert.deepEqual(expr[1], ['any', ['>=', ['index-of', 'air', 'K'], 0], ['>=', ['index-of', 'aviation', 'K'], 0], ['>=', ['index-of', 'airfield', 'K'], 0]]);
  assert.deepEqual(expr[3], ['any', ['==', ['index-of', 'naval-base', 'K'], 0], ['>=', ['index-of', 'port', 'K'], 0], ['>=', ['index-of', 'fleet', 'K'], 0]]);
});
