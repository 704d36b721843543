// Unit tests of the page's browser-independent modules (dates, membership, permalink), run in
// Node: they need neither the server nor the browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDate, formatInterval, startOf, endOf, covers, overlaps, addYears, monthIndex, dayOfMonthIndex,
} from '../../web/js/dates.js';
import { statusAt, lineage, intervals } from '../../web/js/membership.js';
import { parseHash, formatHash } from '../../web/js/permalink.js';

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
