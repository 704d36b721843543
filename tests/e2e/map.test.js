// End-to-end tests of the map page against a running forcemap server (see run.sh).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  launch, openPage, ready, shot, pixel, hex, distance, blend, share, meanColor, toPage, checkClean,
  mapRect, setYear, readCountry, OUTPUT, DOCS,
} from './lib.js';

const LAND = hex('#f3f0e8');
const SEA = hex('#d7e4ee');
const MEMBER = hex('#2f6fb5');
const INSTALLATION = hex('#263238');
const UZBEKISTAN = [63.3, 41.0]; // Kyzylkum, inside Uzbekistan, away from towns

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the map renders the basemap and the features, offline and without errors', async (t) => {
  const session = await openPage(browser);
  const { page } = session;
  const view = await page.evaluate(() => {
    const b = window.forcemap.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  });
  // every member state, Belarus to Tajikistan, is in view on first load: Minsk and Dushanbe
  const inView = ([lon, lat]) => lon >= view[0] && lon <= view[2] && lat >= view[1] && lat <= view[3];
  assert.ok(inView([27.5667, 53.9]), `Minsk in view ${view}`);
  assert.ok(inView([68.78, 38.56]), `Dushanbe in view ${view}`);
  assert.ok(inView([44.51, 40.18]), `Yerevan in view ${view}`);

  // the plain symbols, whose colour the pixel check below knows
  await page.locator('#layer-app6').uncheck();
  await ready(page);
  const { png } = await shot(page, 'map');
  const rect = await mapRect(page);
  const landShare = share(png, LAND, 18, rect);
  const seaShare = share(png, SEA, 18, rect);
  const memberShare = share(png, blend(MEMBER, LAND, 0.78), 40, rect);
  t.diagnostic(`land ${landShare.toFixed(3)}, sea ${seaShare.toFixed(3)}, member ${memberShare.toFixed(3)}`);
  assert.ok(landShare > 0.03, 'basemap land pixels');
  assert.ok(seaShare > 0.005, 'basemap sea pixels');
  assert.ok(memberShare > 0.05, 'member-state pixels');

  // an installation symbol is drawn where the data puts one
  const inst = await page.evaluate(() => window.forcemap.layers.snapshot().installations
    .filter((f) => f.geometry?.type === 'Point').map((f) => f.geometry.coordinates));
  assert.ok(inst.length > 0, 'installations loaded');
  let found = false;
  for (const ll of inst) {
    const [x, y] = await toPage(page, ll);
    if (x < rect[0] || y < rect[1] || x >= rect[2] || y >= rect[3]) continue;
    for (let dy = -6; dy <= 6 && !found; dy += 1) {
      for (let dx = -6; dx <= 6 && !found; dx += 1) {
        if (distance(pixel(png, x + dx, y + dy), INSTALLATION) < 40) found = true;
      }
    }
    if (found) break;
  }
  assert.ok(found, 'installation symbol pixels at an installation');

  // each country is named once, however many tiles it spans
  const names = await page.evaluate(() => window.forcemap.map
    .queryRenderedFeatures({ layers: ['country-labels'] }).map((f) => f.properties.name));
  t.diagnostic(`country labels: ${names.join(', ')}`);
  assert.ok(names.includes('Kazakhstan'), 'Kazakhstan is named');
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], 'no country named twice');

  // the style asks no font server and the page loads nothing from elsewhere
  const style = await page.evaluate(() => window.forcemap.map.getStyle());
  assert.equal(style.glyphs, undefined);
  assert.equal(style.sprite, undefined);
  assert.ok(session.requests.some((u) => u.includes('basemap.pmtiles')), 'basemap requested');
  checkClean(session);
  await session.context.close();
});

test("moving the slider to 2000 changes Uzbekistan's membership colour", async (t) => {
  const session = await openPage(browser);
  const { page } = session;
  // labels off, so that the pixel read is the country fill
  await page.locator('#layer-places').uncheck();

  await setYear(page, 1995);
  const in1995 = await readCountry(page, 'UZB', UZBEKISTAN, 'uzbekistan-1995');
  await setYear(page, 2000);
  const in2000 = await readCountry(page, 'UZB', UZBEKISTAN, 'uzbekistan-2000');
  t.diagnostic(`1995: ${in1995.status} ${in1995.color}; 2000: ${in2000.status} ${in2000.color}`);

  assert.equal(in1995.status, 'member');
  assert.notEqual(in2000.status, 'member');
  assert.notEqual(in1995.paint, in2000.paint, 'the status the map paints changes');
  assert.ok(distance(in1995.color, blend(MEMBER, LAND, 0.78)) < 30, `member colour in 1995: ${in1995.color}`);
  assert.ok(distance(in1995.color, in2000.color) > 30, 'the rendered colour changes');
  assert.match(await page.locator('#date-label').textContent(), /June 2000/);
  checkClean(session);
  await session.context.close();
});

test('theater and grouping outlines follow the outer borders, not the tile edges', async (t) => {
  // Russia is a member of every theater, so inside it no outline belongs; the meridians 45°E
  // and 90°E are tile edges at this zoom, where outlining tiled polygons would draw lines.
  const session = await openPage(browser, { hash: '#date=2005-06-01&layers=membership,theaters,groupings' });
  const { page } = session;
  const outlines = await page.evaluate(() => window.forcemap.map.getStyle().layers
    .filter((l) => /^(theater|grouping)-line-/.test(l.id)).map((l) => l['source-layer']));
  assert.ok(outlines.length >= 6, 'outline layers');
  assert.deepEqual([...new Set(outlines)].sort(), ['boundaries', 'coasts']);
  const { png } = await shot(page, 'outlines');
  const inside = blend(MEMBER, LAND, 0.78);
  const rect = await mapRect(page);
  let worst = 0;
  let sampled = 0;
  for (const lon of [45, 90]) {
    for (let lat = 52; lat <= 62; lat += 0.25) {
      const [x, y] = await toPage(page, [lon, lat]);
      if (x < rect[0] + 1 || x > rect[2] - 2 || y < rect[1] || y > rect[3] - 1) continue;
      for (const dx of [-1, 0, 1]) worst = Math.max(worst, distance(pixel(png, x + dx, y), inside));
      sampled += 1;
    }
  }
  assert.ok(sampled > 20, `${sampled} points sampled`);
  t.diagnostic(`largest colour difference inside Russia along the tile edges: ${worst.toFixed(1)}`);
  assert.ok(worst < 40, 'only the member colour inside Russia');

  // and the outlines are drawn: the Central Asian theater's edge runs along the Tajik-Afghan
  // border (the layer holds every border of a country ever in the theater; the feature state
  // says which of them are its edge at the date and so drawn)
  const drawn = await page.evaluate(() => window.forcemap.map
    .queryRenderedFeatures({ layers: ['theater-line-central-asian-region-borders'] })
    .filter((f) => f.state?.['edge:central-asian-region'])
    .map((f) => f.properties.id));
  assert.ok(drawn.includes('AFG-TJK'), `Central Asian outline borders: ${[...new Set(drawn)].join(', ')}`);
  assert.ok(!drawn.includes('KAZ-RUS'), 'no outline between two members');
  checkClean(session);
  await session.context.close();
});

test('border zone Tajikistan–Afghanistan at 50 km lists the Kulob garrison, list and map in sync', async (t) => {
  const session = await openPage(browser, { hash: '#date=2005-06-01' });
  const { page } = session;
  await page.locator('#tab-tools').click();
  await page.locator('input[name="tool"][value="border-zone"]').check();
  await page.locator('#bz-a').selectOption('TJK');
  await page.locator('#bz-b').selectOption('AFG');
  await page.locator('#bz-km').fill('50');
  await page.locator('#form-border button[type="submit"]').click();
  const kulob = page.locator('#results .result', { hasText: 'Kulob' }).first();
  await kulob.waitFor({ timeout: 20000 });
  await ready(page);

  const rows = await page.locator('#results .result').evaluateAll((els) => els.map((e) => ({
    text: e.textContent, km: parseFloat(e.querySelector('.result-km')?.textContent || 'NaN'),
  })));
  t.diagnostic(rows.map((r) => r.text).join(' | '));
  const kms = rows.map((r) => r.km).filter(Number.isFinite);
  assert.deepEqual(kms, [...kms].sort((a, b) => a - b), 'rows sorted by distance');
  // A row beyond 50 km is a feature whose location is known only roughly: it must say that it
  // is only possibly inside, and its nearest possible distance must be within the zone.
  for (const r of rows) {
    if (r.km > 50.5) {
      const nearest = parseFloat((r.text.match(/\(([\d.]+) km–/) || [])[1]);
      assert.ok(/possibly/.test(r.text) && nearest <= 50.5, `beyond 50 km only as possibly inside: ${r.text}`);
    }
  }
  assert.ok(rows.some((r) => r.km <= 50.5 && !/possibly/.test(r.text)), 'a row certainly inside');
  const zone = await page.evaluate(() => window.forcemap.map.querySourceFeatures('analysis')
    .filter((f) => f.properties.role).map((f) => f.properties.role));
  assert.ok(zone.includes('zone'), 'zone drawn');
  assert.ok(zone.includes('border'), 'border drawn');
  await shot(page, 'border-zone');

  // list → map: hovering a row highlights its feature
  await kulob.hover();
  const highlighted = await page.evaluate(() => window.forcemap.map.getSource('highlight').getData());
  assert.equal(highlighted.features.length, 1, 'hovered row highlighted on the map');

  // list → map: clicking a row opens its popup
  await kulob.click();
  await page.locator('.maplibregl-popup', { hasText: 'Kulob' }).waitFor();
  assert.equal(await kulob.getAttribute('aria-current'), 'true');

  // map → list: clicking the feature on the map selects its row
  await page.evaluate(() => document.querySelector('.maplibregl-popup')?.remove());
  const uid = await kulob.getAttribute('data-uid');
  const coords = await page.evaluate((u) => window.forcemap.store.byUid.get(u).feature.geometry.coordinates, uid);
  await page.locator('#results .result').last().click(); // select another row first
  await page.evaluate(() => window.forcemap.idle());
  await page.evaluate((ll) => window.forcemap.map.jumpTo({ center: ll, zoom: 9 }), coords);
  await ready(page);
  const [x, y] = await toPage(page, coords);
  await page.mouse.click(x, y);
  await page.waitForFunction((u) => document.querySelector(`.result[data-uid="${u}"]`)?.classList.contains('selected'), uid);
  checkClean(session);
  await session.context.close();
});

test('a permalink restores the date, the view, the organization, the layers and the tool', async (t) => {
  const first = await openPage(browser, {
    hash: '#date=2005-06-01&map=5.5/38.2/69.3&tool=border-zone&countries=TJK,AFG&km=50&tab=tools',
  });
  await first.page.locator('#results .result', { hasText: 'Kulob' }).first().waitFor({ timeout: 20000 });
  await first.page.locator('#tab-layers').click();
  await first.page.locator('#layer-routes').uncheck();
  await first.page.locator('#tab-tools').click();
  await first.page.waitForFunction(() => !location.hash.includes('routes') && location.hash.includes('tab=tools'));
  const link = await first.page.evaluate(() => location.href);
  const before = await first.page.evaluate(() => {
    const { state, map } = window.forcemap;
    return { date: state.date, org: state.org, layers: [...state.layers].sort(), tool: state.tool, center: map.getCenter().toArray(), zoom: map.getZoom() };
  });
  t.diagnostic(link);
  await shot(first.page, 'permalink-before');
  checkClean(first);
  await first.context.close();

  const second = await openPage(browser, { hash: new URL(link).hash });
  const { page } = second;
  await page.locator('#results .result', { hasText: 'Kulob' }).first().waitFor({ timeout: 20000 });
  const after_ = await page.evaluate(() => {
    const { state, map } = window.forcemap;
    return { date: state.date, org: state.org, layers: [...state.layers].sort(), tool: state.tool, center: map.getCenter().toArray(), zoom: map.getZoom() };
  });
  assert.equal(after_.date, '2005-06-01');
  assert.equal(after_.date, before.date);
  assert.equal(after_.org, before.org);
  assert.deepEqual(after_.layers, before.layers);
  assert.ok(!after_.layers.includes('routes'));
  assert.deepEqual(after_.tool, before.tool);
  assert.ok(Math.abs(after_.zoom - before.zoom) < 0.05, 'zoom');
  assert.ok(Math.abs(after_.center[0] - before.center[0]) < 0.01 && Math.abs(after_.center[1] - before.center[1]) < 0.01, 'center');
  assert.equal(await page.locator('#slider').inputValue(), String((2005 - 1992) * 12 + 5));
  assert.equal(await page.locator('#tab-tools').getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('#bz-a').inputValue(), 'TJK');
  assert.equal(await page.locator('#bz-b').inputValue(), 'AFG');
  assert.equal(await page.locator('#layer-routes').isChecked(), false);
  await shot(page, 'permalink-after');

  // a hash change in the same page moves to the new state
  await page.evaluate(() => { location.hash = '#date=1995-06-01&map=4/41/64&org=csto&layers=membership,installations'; });
  await page.waitForFunction(() => window.forcemap.state.date === '1995-06-01');
  await ready(page);
  const moved = await page.evaluate(() => ({ zoom: window.forcemap.map.getZoom(), tool: window.forcemap.state.tool, uzb: window.forcemap.membership().UZB }));
  assert.ok(Math.abs(moved.zoom - 4) < 0.05);
  assert.equal(moved.uzb, 'member');
  checkClean(second);
  await second.context.close();
});

test('educator tools: timeline chart, GeoJSON of the view, PNG export', async (t) => {
  const session = await openPage(browser, { hash: '#date=2005-06-01' });
  const { page } = session;
  await page.locator('#tab-timeline').click();
  const labels = await page.locator('#timeline svg text.country').allTextContents();
  t.diagnostic(labels.join(', '));
  assert.ok(labels.length >= 5, 'one row per member');
  assert.ok(labels.some((l) => /Uzbekistan/.test(l)), 'Uzbekistan in the chart');
  assert.ok(await page.locator('#timeline svg rect.tl-bar').count() >= labels.length);
  // clicking a year moves the map there
  await page.locator('#timeline svg rect.year-hit[data-year="1999"]').dispatchEvent('click');
  await page.waitForFunction(() => window.forcemap.state.date.startsWith('1999'));
  await ready(page);

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#btn-geojson').click()]);
  const file = path.join(OUTPUT, download.suggestedFilename());
  await download.saveAs(file);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(doc.type, 'FeatureCollection');
  assert.ok(doc.features.length > 0, 'features in view');
  assert.ok(doc.features.every((f) => f.properties.collection), 'each feature says its collection');

  const dataUrl = await page.evaluate(async () => {
    const { exportPng } = await import(new URL('assets/js/export.js', document.baseURI).href);
    return exportPng({ map: window.forcemap.map, title: 'test' }, { download: false });
  });
  assert.ok(dataUrl.startsWith('data:image/png;base64,'));
  assert.ok(dataUrl.length > 20000, 'the PNG holds the map');
  checkClean(session);
  await session.context.close();
});

test('phone-sized screen: the panel folds away and the controls stay reachable', async (t) => {
  const session = await openPage(browser, { width: 390, height: 780 });
  const { page } = session;
  assert.equal(await page.locator('#btn-panel').isVisible(), true);
  assert.equal(await page.locator('#btn-panel').getAttribute('aria-expanded'), 'false');
  await page.locator('#btn-panel').click();
  await page.locator('#tab-layers').waitFor({ state: 'visible' });
  // keyboard: tab through to the slider and move it with the arrow keys
  await page.locator('#slider').focus();
  const before = await page.evaluate(() => window.forcemap.state.date);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((d) => window.forcemap.state.date !== d, before);
  await ready(page);
  await shot(page, 'phone');
  checkClean(session);
  await session.context.close();
});

test('a picture of the page for the README', async () => {
  const session = await openPage(browser, {
    width: 1400,
    height: 860,
    hash: '#date=2005-06-01&map=3.70/44.0000/64.0000&tab=timeline',
  });
  await ready(session.page);
  const { file } = await shot(session.page, 'readme');
  if (process.env.UPDATE_DOCS === '1') {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS, 'screenshot.png'));
  }
  await session.context.close();
});
