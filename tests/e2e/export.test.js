// End-to-end tests of the static export (`forcemap export`) served by nginx from the sub-path
// /courses/csto/, with no forcemap server running (see run.sh): the page renders, reads the
// basemap with HTTP range requests, cuts the data by date itself, and says plainly that the
// analysis tools need the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, ready, shot, share, blend, hex, distance, mapRect, setYear, readCountry,
} from './lib.js';

const LAND = hex('#f3f0e8');
const MEMBER = hex('#2f6fb5');
const UZBEKISTAN = [63.3, 41.0]; // Kyzylkum, inside Uzbekistan, away from towns
const ORIGIN = new URL(BASE).origin;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/**
 * Opens the exported page and records every request with its `Range` header and the status
 * it got, and every console error.
 */
async function openStatic(hash = '') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('response', (r) => {
    const q = r.request();
    requests.push({ url: q.url(), range: q.headers().range || null, status: r.status() });
  });
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    if (!/ERR_ABORTED/.test(why)) errors.push(`request failed: ${r.url()} ${why}`);
  });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(BASE + hash);
  await ready(page);
  return { page, context, requests, errors };
}

/** Nothing left the nginx origin, nothing asked for the server's API, nothing failed. */
function checkStatic({ requests, errors }) {
  const web = requests.filter((r) => !r.url.startsWith('data:') && !r.url.startsWith('blob:'));
  assert.ok(web.length > 0, 'the page made requests');
  assert.deepEqual(web.filter((r) => new URL(r.url).origin !== ORIGIN).map((r) => r.url), [],
    'every request goes to the nginx origin');
  assert.deepEqual(web.filter((r) => !r.url.startsWith(BASE)).map((r) => r.url), [],
    'every request stays under the sub-path');
  assert.deepEqual(web.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.url}`), [],
    'no request failed');
  assert.deepEqual(errors, [], 'no console errors');
}

test('the exported page renders the map from the sub-path, reading the basemap by ranges', async (t) => {
  const session = await openStatic();
  const { page, requests } = session;
  assert.equal(await page.evaluate(() => window.forcemap.store.source.isStatic), true, 'the page knows it is static');

  const { png } = await shot(page, 'export-map');
  const rect = await mapRect(page);
  const landShare = share(png, LAND, 18, rect);
  const memberShare = share(png, blend(MEMBER, LAND, 0.78), 40, rect);
  t.diagnostic(`land ${landShare.toFixed(3)}, member ${memberShare.toFixed(3)}`);
  assert.ok(landShare > 0.03, 'basemap land pixels');
  assert.ok(memberShare > 0.05, 'member-state pixels');

  const installations = await page.evaluate(() => window.forcemap.layers.snapshot().installations.length);
  assert.ok(installations > 0, 'installations drawn from the exported GeoJSON');

  const archive = requests.filter((r) => new URL(r.url).pathname.endsWith('/basemap.pmtiles'));
  t.diagnostic(`basemap requests: ${archive.map((r) => `${r.range} → ${r.status}`).join('; ')}`);
  assert.ok(archive.length >= 2, 'the header and at least one tile read');
  for (const r of archive) {
    assert.match(r.range || '', /^bytes=\d+-\d+$/, `a Range header on ${r.url}`);
    assert.equal(r.status, 206, 'nginx answers each range with 206');
  }
  const read = requests.map((r) => new URL(r.url).pathname.slice(new URL(BASE).pathname.length));
  for (const file of ['manifest.json', 'landing.json', 'basemap.json', 'page/groupings.json', 'collections/installations.geojson']) {
    assert.ok(read.includes(file), `${file} read`);
  }
  assert.ok(!read.some((p) => p.startsWith('collections/') && p.includes('/items')), 'no API request');
  checkStatic(session);
  await session.context.close();
});

test("moving the date from 2000 to 2010 changes Uzbekistan's fill colour, on the client", async (t) => {
  const session = await openStatic();
  const { page, requests } = session;
  await page.locator('#layer-places').uncheck();

  await setYear(page, 2000);
  const in2000 = await readCountry(page, 'UZB', UZBEKISTAN, 'export-uzbekistan-2000');
  const before2010 = requests.filter((r) => /\.(json|geojson)$/.test(new URL(r.url).pathname)).length;
  await setYear(page, 2010);
  const in2010 = await readCountry(page, 'UZB', UZBEKISTAN, 'export-uzbekistan-2010');
  t.diagnostic(`2000: ${in2000.status} ${in2000.color}; 2010: ${in2010.status} ${in2010.color}`);

  // Uzbekistan left the CSTO in 1999 and rejoined in 2006
  assert.notEqual(in2000.status, 'member');
  assert.equal(in2010.status, 'member');
  assert.notEqual(in2000.paint, in2010.paint, 'the status the map paints changes');
  assert.ok(distance(in2010.color, blend(MEMBER, LAND, 0.78)) < 30, `member colour in 2010: ${in2010.color}`);
  assert.ok(distance(in2000.color, in2010.color) > 30, 'the rendered colour changes');
  const after2010 = requests.filter((r) => /\.(json|geojson)$/.test(new URL(r.url).pathname)).length;
  assert.equal(after2010, before2010, 'no document fetched for the new date');
  checkStatic(session);
  await session.context.close();
});

test('the analysis tools say plainly that they need the server', async () => {
  const session = await openStatic('#tab=tools');
  const { page } = session;
  const note = page.locator('#static-note');
  await note.waitFor({ state: 'visible' });
  assert.match(await note.textContent(), /static copy/);
  assert.match(await note.textContent(), /forcemap server/);
  for (const tool of ['border-zone', 'range', 'here']) {
    assert.equal(await page.locator(`input[name="tool"][value="${tool}"]`).isDisabled(), true, `${tool} is offered not`);
  }

  // the change list of the comparison view says the same instead of failing
  await page.locator('#btn-compare').click();
  const changes = page.locator('#changes li').first();
  await page.waitForFunction(() => !/Looking/.test(document.querySelector('#changes')?.textContent || 'Looking'));
  assert.match(await changes.textContent(), /static copy/);
  checkStatic(session);
  await session.context.close();
});

test('the stories are read from the exported files', async () => {
  const session = await openStatic();
  const { page } = session;
  await page.locator('#btn-stories').waitFor({ state: 'visible' });
  await page.locator('#btn-stories summary').click();
  const first = page.locator('#story-list [data-story]').first();
  const id = await first.getAttribute('data-story');
  await first.click();
  await page.locator('#story').waitFor({ state: 'visible' });
  await ready(page);
  assert.ok((await page.locator('#story-title').textContent()).length > 0, 'a story title');
  assert.ok(session.requests.some((r) => r.url === `${BASE}stories/${id}.json` && r.status === 200), 'the story file read');
  checkStatic(session);
  await session.context.close();
});
