// Unit tests of the page's browser-independent modules (dates, membership, permalink, the map
// style for each kind of basemap), run in Node: they need neither the server nor the browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDate, formatInterval, startOf, endOf, covers, overlaps, addYears, monthIndex, dayOfMonthIndex,
} from '../../web/js/dates.js';
import { statusAt, lineage, intervals } from '../../web/js/membership.js';
import { parseHash, formatHash } from '../../web/js/permalink.js';
import { schemaOf } from '../../web/js/basemaps.js';
import { mapStyle, outlineFilters } from '../../web/js/style.js';

test('dates are said with the precision the source gives', () => {
  assert.equal(formatDate('2003'), '2003');
  assert.equal(formatDate('2003-09'), 'September 2003');
  assert.equal(formatDate('2003-09-24'), '24 September 2003');
  assert.equal(formatInterval('1992-05-15', '1999-04'), '15 May 1992 – April 1999');
  assert.equal(formatInterval('2004-10', null), 'since October 2004');
  assert.equal(formatInterval('2005', '2005'), '2005');
});

test('reduced-precision dates cover their whole period', () => {
  assert.equal(startOf('2003-09'), '2003-09-01');
  assert.equal(endOf('2003-09'), '2003-09-30');
  assert.equal(endOf('2004-02'), '2004-02-29');
  assert.equal(endOf('2003'), '2003-12-31');
  assert.ok(covers('2003-09', '2003-09', '2003-09-30'));
  assert.ok(!covers('2003-09', '2003-09', '2003-10-01'));
  assert.ok(covers(null, null, '1995-01-01'));
  assert.ok(overlaps('2005', '2005', '2004-06-01', '2006-06-01'));
  assert.ok(!overlaps('2002-05-14', null, '1999-01-01', '2001-01-01'));
  assert.equal(addYears('2004-02-29', 1), '2005-02-28');
  assert.equal(dayOfMonthIndex(monthIndex('2000-06-17'), 17), '2000-06-17');
});

const cst = {
  id: 'cst',
  properties: {
    kind: 'organization', valid_from: '1992-05-15', valid_to: '2002-10-07',
    members: [
      { country: 'UZB', joined: '1992-05-15', left: '1999-04', status: 'member' },
      { country: 'TJK', joined: '1992-05-15', left: null, status: 'member' },
    ],
  },
};
const csto = {
  id: 'csto',
  properties: {
    kind: 'organization', valid_from: '2002-10-07', valid_to: null,
    members: [
      { country: 'TJK', joined: '2002-10-07', left: null, status: 'member' },
      { country: 'UZB', joined: '2006-08-16', left: '2012-06-28', status: 'member' },
      { country: 'UZB', joined: '2012-06-28', left: null, status: 'suspended' },
    ],
  },
};
const byId = new Map([['cst', cst], ['csto', csto]]);

test('the CSTO carries the membership of the 1992 Treaty', () => {
  assert.deepEqual(lineage('csto', byId).map((g) => g.id), ['csto', 'cst']);
  const at = (day) => Object.fromEntries(statusAt(lineage('csto', byId), day));
  assert.equal(at('1995-06-01').UZB, 'member');
  assert.equal(at('2000-06-01').UZB, 'former');
  assert.equal(at('2008-01-01').UZB, 'member');
  assert.equal(at('2015-01-01').UZB, 'suspended');
  assert.equal(at('1995-06-01').TJK, 'member');
  assert.equal(at('2005-06-01').TJK, 'member');
});

test("the server's active_members decide who is a member", () => {
  const withActive = (g, active) => ({ ...g, properties: { ...g.properties, active_members: active } });
  const s = statusAt([withActive(csto, ['TJK']), withActive(cst, [])], '2005-06-01');
  assert.equal(s.get('TJK'), 'member');
  assert.equal(s.get('UZB'), 'former');
});

test('timeline spells end with their grouping', () => {
  const tjk = intervals([cst]).filter((i) => i.country === 'TJK');
  assert.deepEqual(tjk.map((i) => [i.from, i.to]), [['1992-05-15', '2002-10-07']]);
});

test('the permalink round-trips the state', () => {
  const state = {
    date: '2005-06-01',
    view: { center: [69.3, 38.2], zoom: 5.5 },
    org: 'csto',
    layers: new Set(['membership', 'installations']),
    tab: 'tools',
    tool: { name: 'border-zone', countries: ['TJK', 'AFG'], km: 50 },
  };
  const hash = formatHash(state);
  assert.match(hash, /countries=TJK,AFG/);
  const back = parseHash(hash);
  assert.equal(back.date, '2005-06-01');
  assert.deepEqual(back.view, { center: [69.3, 38.2], zoom: 5.5 });
  assert.equal(back.org, 'csto');
  assert.deepEqual(back.layers, ['membership', 'installations']);
  assert.equal(back.tab, 'tools');
  assert.deepEqual(back.tool, state.tool);
  const range = parseHash(formatHash({ ...state, tool: { name: 'range', from: 'kant-air-base', km: 300 } }));
  assert.deepEqual(range.tool, { name: 'range', from: 'kant-air-base', km: 300 });
  assert.deepEqual(parseHash('#date=nonsense&map=1/2').date, undefined);
});

const BUILT_IN = { vector_layers: ['countries', 'boundaries', 'coasts', 'country_labels', 'places'].map((id) => ({ id })) };
const PROTOMAPS = { vector_layers: ['boundaries', 'buildings', 'earth', 'landcover', 'landuse', 'places', 'pois', 'roads', 'water'].map((id) => ({ id })) };
const OTHER = {
  attribution: 'Someone else',
  vector_layers: [{ id: 'land', fields: {} }, { id: 'towns', fields: { name: 'String' } }],
};
const URLS = { basemapUrl: 'http://127.0.0.1:1/basemap.pmtiles', thematicUrl: 'http://127.0.0.1:1/thematic.pmtiles' };

test('the basemap style family follows the archive\'s layers', () => {
  assert.equal(schemaOf(BUILT_IN), 'forcemap');
  assert.equal(schemaOf(null), 'forcemap', 'no TileJSON: the built-in archive');
  assert.equal(schemaOf(PROTOMAPS), 'protomaps');
  assert.equal(schemaOf(OTHER), 'other');
  assert.equal(schemaOf({ vector_layers: [] }), 'other');
});

test('every style has unique layer ids, known sources, and no font or sprite server', () => {
  for (const [name, tilejson] of [['forcemap', BUILT_IN], ['protomaps', PROTOMAPS], ['other', OTHER]]) {
    const style = mapStyle({ ...URLS, tilejson }, 1.3);
    const ids = style.layers.map((l) => l.id);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], `${name}: duplicate ids`);
    for (const l of style.layers) {
      if (l.type !== 'background') assert.ok(style.sources[l.source], `${name}: ${l.id} draws ${l.source}`);
    }
    assert.equal(style.glyphs, undefined);
    assert.equal(style.sprite, undefined);
    assert.equal(style.metadata['forcemap:schema'], name);
    assert.ok(ids.includes(style.metadata['forcemap:outlines-before']));
    const countries = style.metadata['forcemap:countries'];
    assert.equal(style.sources[countries].url, `pmtiles://${name === 'forcemap' ? URLS.basemapUrl : URLS.thematicUrl}`);
    const membership = style.layers.find((l) => l.id === 'membership');
    assert.equal(membership.source, countries);
    // the country colours lie under the overlays and the labels
    assert.ok(ids.indexOf('membership') < ids.indexOf('routes'));
    assert.ok(ids.indexOf('membership') < ids.indexOf('installations'));
    for (const label of style.metadata['forcemap:labels']) {
      assert.ok(ids.indexOf(label) > ids.indexOf('membership'), `${name}: ${label} over the colours`);
    }
  }
});

test('a Protomaps archive gets the Protomaps layers, an unknown one each of its layers plainly', () => {
  const pm = mapStyle({ ...URLS, tilejson: PROTOMAPS });
  const fromBasemap = pm.layers.filter((l) => l.source === 'basemap');
  assert.ok(fromBasemap.length > 40, 'the full Protomaps style');
  assert.ok(fromBasemap.every((l) => l.id.startsWith('base-')));
  assert.deepEqual([...new Set(fromBasemap.map((l) => l['source-layer']).filter(Boolean))].sort(),
    ['boundaries', 'buildings', 'earth', 'landcover', 'landuse', 'places', 'pois', 'roads', 'water']);
  assert.ok(pm.metadata['forcemap:labels'].length > 5);
  assert.notEqual(pm.metadata['forcemap:land'], mapStyle({ ...URLS, tilejson: BUILT_IN }).metadata['forcemap:land']);

  const other = mapStyle({ ...URLS, tilejson: OTHER }, 1);
  assert.equal(other.sources.basemap.attribution, 'Someone else');
  const layersOf = (src) => other.layers.filter((l) => l.source === 'basemap' && l['source-layer'] === src).map((l) => l.type);
  assert.deepEqual(layersOf('land'), ['fill', 'line', 'circle']);
  assert.deepEqual(layersOf('towns'), ['fill', 'line', 'circle', 'symbol'], 'a name field gets labels');
  assert.equal(other.layers.find((l) => l.id === 'land').source, 'thematic', 'land from the built-in countries');
});

test('an outline keeps the borders with one side in the set, and the members\' coasts', () => {
  // the filters are MapLibre expressions; evaluate the few operators they use
  const evaluate = (e, props) => {
    if (!Array.isArray(e)) return e;
    const [op, ...a] = e;
    const v = (x) => evaluate(x, props);
    switch (op) {
      case 'get': return props[a[0]];
      case 'literal': return a[0];
      case 'index-of': return v(a[1]).indexOf(v(a[0]));
      case 'slice': return v(a[0]).slice(v(a[1]), a.length > 2 ? v(a[2]) : undefined);
      case '+': return v(a[0]) + v(a[1]);
      case 'in': return v(a[1]).includes(v(a[0]));
      case '!=': return v(a[0]) !== v(a[1]);
      default: throw new Error(`operator ${op}`);
    }
  };
  const [borders, coasts] = outlineFilters(['KAZ', 'KGZ', 'RUS', 'TJK']);
  const kept = ['AFG-TJK', 'KAZ-RUS', 'CHN-KAZ', 'KGZ-TJK', 'AFG-PAK', 'KAZ-UZB']
    .filter((id) => evaluate(borders, { id }));
  assert.deepEqual(kept, ['AFG-TJK', 'CHN-KAZ', 'KAZ-UZB']);
  assert.deepEqual(['KAZ', 'TKM', 'RUS'].filter((id) => evaluate(coasts, { id })), ['KAZ', 'RUS']);
});
