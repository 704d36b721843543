// End-to-end tests of the map page over a large synthetic dataset (`forcemap synth --features
// 100000`, served by run.sh): the large collections are drawn from their vector tiles, cut to
// the date by a map filter, picked and searched through the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, ready, checkClean } from './lib.js';

const TILED = ['installations', 'forces', 'events'];
const FIRST = '2005-06-01';
const SECOND = '1996-06-01';

let browser;
let session;
let forceName = null; // of a force drawn at the first date, for the search
before(async () => {
  browser = await launch();
  session = await openPage(browser, { hash: `#date=${FIRST}` });
});
after(async () => {
  await browser?.close();
});

const path = (u) => new URL(u).pathname;
const tileRequests = (requests, collection) => requests.filter((u) => path(u).includes(`/tiles/${collection}/`) && path(u).endsWith('.mvt'));
/** Requests for a whole list of items of `collection` (not one feature, not a search). */
const listRequests = (requests, collection) => requests.filter((u) => path(u).endsWith(`/collections/${collection}/items`)
  && !new URL(u).searchParams.has('filter'));

/** Ids and validity days of the features drawn by the tiled layers of `collection`. */
function rendered(page, collection) {
  return page.evaluate((c) => {
    const { map } = window.forcemap;
    const layers = window.forcemap.layers.tiledLayers().filter((id) => map.getLayer(id)?.sourceLayer === c);
    return map.queryRenderedFeatures({ layers }).map((f) => ({
      id: f.properties.id, name: f.properties.name, from: f.properties.valid_from_day ?? null, to: f.properties.valid_to_day ?? null,
    }));
  }, collection);
}

const epochDay = (day) => Date.parse(`${day}T00:00:00Z`) / 86400000;
const inPlace = (f, day) => (f.from === null || f.from <= epochDay(day)) && (f.to === null || epochDay(day) <= f.to);

test('the large collections are drawn from vector tiles, not downloaded', async () => {
  const { page, requests } = session;
  const tiled = await page.evaluate(() => [...window.forcemap.store.tiled].sort());
  for (const c of TILED) assert.ok(tiled.includes(c), `${c} is drawn from tiles (${tiled})`);
  const small = await page.evaluate(() => window.forcemap.store.all.installations.length);
  assert.equal(small, 0, 'no installation is held in the page');
  for (const c of TILED) {
    assert.ok(requests.some((u) => path(u).endsWith(`/tiles/${c}.json`)), `TileJSON of ${c} asked`);
    assert.ok(tileRequests(requests, c).length > 0, `tiles of ${c} asked`);
    assert.deepEqual(listRequests(requests, c), [], `no list of ${c} downloaded`);
  }
  // the tiles are asked relative to the page, where the TileJSON says
  assert.ok(tileRequests(requests, 'installations').every((u) => u.startsWith(new URL('tiles/', page.url()).href)));
});

test('tiled features are rendered, those in place at the date only', async () => {
  const { page } = session;
  const installations = await rendered(page, 'installations');
  assert.ok(installations.length > 100, `installations drawn: ${installations.length}`);
  assert.ok(installations.every((f) => inPlace(f, FIRST)), 'every drawn installation is in place');
  const forces = await rendered(page, 'forces');
  assert.ok(forces.length > 0, 'forces drawn');
  assert.ok(forces.every((f) => inPlace(f, FIRST)), 'every drawn force is in place');
  forceName = forces.find((f) => f.name?.startsWith('Synthetic'))?.name;
});

test('the layer switcher hides and shows the tiled layers', async () => {
  const { page } = session;
  const drawn = (await rendered(page, 'installations')).length;
  await page.locator('#layer-installations').uncheck();
  await ready(page);
  assert.equal((await rendered(page, 'installations')).length, 0, 'hidden with the GeoJSON ones');
  await page.locator('#layer-installations').check();
  await ready(page);
  assert.equal((await rendered(page, 'installations')).length, drawn, 'shown again');
});

test('a date change redraws the tiled features without asking for a tile', async () => {
  const { page, requests } = session;
  const before = await rendered(page, 'installations');
  const tilesBefore = requests.filter((u) => path(u).endsWith('.mvt')).length;
  await page.evaluate((d) => window.forcemap.setDate(d, { immediate: true }), SECOND);
  await ready(page);
  const after = await rendered(page, 'installations');
  assert.equal(requests.filter((u) => path(u).endsWith('.mvt')).length, tilesBefore, 'no tile asked');
  assert.ok(after.length > 0, 'installations drawn at the second date');
  assert.ok(after.length < before.length, `fewer installations in ${SECOND} (${after.length}) than in ${FIRST} (${before.length})`);
  assert.ok(after.every((f) => inPlace(f, SECOND)), 'every drawn installation is in place at the second date');
  const forces = await rendered(page, 'forces');
  assert.ok(forces.every((f) => inPlace(f, SECOND)), 'no force drawn before its start');
  await page.evaluate((d) => window.forcemap.setDate(d, { immediate: true }), FIRST);
  await ready(page);
  assert.equal((await rendered(page, 'installations')).length, before.length, 'the first date draws the same again');
});

test('clicking a tiled feature shows its details, fetched from the items API', async () => {
  const { page, requests } = session;
  // close in on one drawn installation, so that the click is not among hundreds
  const target = await page.evaluate(() => {
    const { map } = window.forcemap;
    const layer = window.forcemap.layers.tiledLayers().find((id) => map.getLayer(id)?.sourceLayer === 'installations');
    const f = map.queryRenderedFeatures({ layers: [layer] }).find((x) => x.geometry.type === 'Point');
    return { layer, id: f.properties.id, at: f.geometry.coordinates };
  });
  await page.evaluate((at) => window.forcemap.map.jumpTo({ center: at, zoom: 12 }), target.at);
  await ready(page);
  const box = await page.evaluate(() => window.forcemap.map.getContainer().getBoundingClientRect().toJSON());
  const pick = await page.evaluate((at) => {
    const { map } = window.forcemap;
    const p = map.project(at);
    return { x: p.x, y: p.y, uids: window.forcemap.selection.pickAt(p) };
  }, target.at);
  assert.ok(pick.uids.includes(`installations/${target.id}`), `the installation is under the pointer (${pick.uids})`);
  await page.mouse.click(box.left + pick.x, box.top + pick.y);
  if (pick.uids.length > 1) {
    await page.locator(`.chooser button[data-uid="installations/${target.id}"]`).click();
  }
  await ready(page);
  await page.waitForFunction((id) => window.forcemap.state.feature === id, target.id);
  const fetched = `/collections/installations/items/${encodeURIComponent(target.id)}`;
  assert.ok(requests.some((u) => path(u) === fetched), 'the full feature was fetched');
  const full = await page.evaluate((id) => window.forcemap.store.byUid.get(`installations/${id}`), target.id);
  assert.ok(!full.partial && Array.isArray(full.feature.properties.sources), 'the store holds the full feature');
  const popup = await page.locator('.fm-popup').innerText();
  assert.ok(popup.includes(full.feature.properties.name), `the popup names it: ${popup}`);
  const details = await page.locator('#details').innerText();
  assert.ok(details.includes(full.feature.properties.name), 'the Details tab names it');
});

test('search finds features of tiled collections through the items API', async () => {
  const { page, requests } = session;
  const name = forceName;
  assert.ok(name, 'a force name to look for');
  await page.locator('#search').fill(name);
  const option = page.locator('#search-list .search-opt', { hasText: name }).first();
  await option.waitFor({ timeout: 15000 });
  assert.ok(requests.some((u) => path(u).endsWith('/collections/forces/items') && new URL(u).searchParams.get('filter')),
    'the server was asked with a filter');
  await page.locator('#search').press('Enter');
  await ready(page);
  const details = await page.locator('#details').innerText();
  assert.ok(details.includes(name), `the Details tab shows ${name}`);
  // its permalink opens it again: the page looks the id up in the tiled collections
  const id = await page.evaluate(() => window.forcemap.state.feature);
  await page.waitForFunction((f) => location.hash.includes(`feature=${f}`), id);
  const again = await openPage(browser, { hash: new URL(page.url()).hash });
  await again.page.waitForFunction((f) => window.forcemap.state.feature === f, id);
  await ready(again.page);
  assert.ok((await again.page.locator('#details').innerText()).includes(name), 'the permalink opens it');
  checkClean(again);
  await again.context.close();
});

test('the page stays clean: loopback only, no console errors', () => {
  checkClean(session);
});
