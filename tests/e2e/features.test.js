// End-to-end tests of the map's reading and presenting features: picking, search, the default
// date and view, APP-6 symbols, PNG export, print, readability, phones, embedding, stories and
// the compare view. Page loads are shared between checks to keep the run short.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { launch, openPage, ready, shot, toPage, checkClean, mapRect, BASE } from './lib.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const decode = (dataUrl) => PNG.sync.read(Buffer.from(dataUrl.split(',')[1], 'base64'));

test('default view and date, every installation reachable by a click, search, symbols, PNG, print', async (t) => {
  const session = await openPage(browser, { width: 1280, height: 800 });
  const { page } = session;

  // --- the default date lies inside the data, not at today's far end of the slider
  const { date, max, value, ticks } = await page.evaluate(() => ({
    date: window.forcemap.state.date,
    max: Number(document.getElementById('slider').max),
    value: Number(document.getElementById('slider').value),
    ticks: document.querySelectorAll('#slider-ticks .tick').length,
  }));
  t.diagnostic(`default date ${date}`);
  const thisYear = new Date().getFullYear();
  assert.ok(Number(date.slice(0, 4)) < thisYear, `default date ${date} is not this year`);
  assert.ok(value < max, 'the slider is not at its far end');
  assert.ok(ticks >= thisYear - 1992, `a tick per year (${ticks})`);
  assert.ok(await page.locator('#slider-ticks .covered').count() === 1, 'the covered period is marked');

  // --- Minsk and Dushanbe in view at 1280×800
  for (const [name, ll] of [['Minsk', [27.5667, 53.9]], ['Dushanbe', [68.78, 38.56]]]) {
    const [x, y] = await toPage(page, ll);
    const rect = await mapRect(page);
    assert.ok(x > rect[0] && x < rect[2] && y > rect[1] && y < rect[3], `${name} on the map (${x}, ${y})`);
  }

  // --- APP-6 symbols drawn by milsymbol
  const symbols = await page.evaluate(() => {
    const { map } = window.forcemap;
    const drawn = map.queryRenderedFeatures({ layers: ['installations', 'forces-symbols'] });
    return {
      images: map.listImages().filter((i) => i.startsWith('ms-')),
      icon: JSON.stringify(map.getLayoutProperty('installations', 'icon-image')),
      forcesShown: map.getLayoutProperty('forces-symbols', 'visibility'),
      sidcs: drawn.map((f) => f.properties._sym).filter(Boolean),
    };
  });
  t.diagnostic(`APP-6 images: ${symbols.images.length}`);
  assert.ok(symbols.images.length >= 3, 'symbol images added');
  assert.match(symbols.icon, /ms-/, 'installations drawn with the APP-6 images');
  assert.equal(symbols.forcesShown, 'visible');
  assert.ok(symbols.sidcs.length > 0 && symbols.sidcs.every((s) => /^S[FNU]G[PA].{11}$/.test(s)), 'valid codes');
  assert.ok(await page.locator('#legend .legend-group', { hasText: 'APP-6' }).count() === 1, 'the legend shows the symbols');

  // --- a click at each installation's position opens it, or a chooser that lists it
  const targets = await page.evaluate(() => window.forcemap.layers.snapshot().installations
    .filter((f) => f.geometry?.type === 'Point').map((f) => ({ uid: f.properties._uid, name: f.properties.name, ll: f.geometry.coordinates })));
  const rect = await mapRect(page);
  let checked = 0;
  const misses = [];
  for (const target of targets) {
    const [x, y] = await toPage(page, target.ll);
    if (x < rect[0] + 20 || x > rect[2] - 20 || y < rect[1] + 20 || y > rect[3] - 20) continue;
    await page.mouse.click(x, y);
    const opened = await page.evaluate(() => ({
      selected: window.forcemap.selection.selected(),
      choices: [...document.querySelectorAll('.maplibregl-popup .choice')].map((b) => b.dataset.uid),
    }));
    if (opened.selected !== target.uid && !opened.choices.includes(target.uid)) misses.push(`${target.name}: ${JSON.stringify(opened)}`);
    checked += 1;
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.maplibregl-popup'));
  }
  t.diagnostic(`${checked} installations clicked`);
  assert.ok(checked >= 10, `${checked} installations on screen`);
  assert.deepEqual(misses, [], 'every click opens its installation or lists it');

  // features sharing a point (the Joint Staff and the Secretariat in Moscow) both reachable
  const moscow = await toPage(page, [37.6156, 55.7522]);
  await page.mouse.click(moscow[0], moscow[1]);
  const choices = await page.locator('.maplibregl-popup .choice').evaluateAll((bs) => bs.map((b) => b.dataset.uid));
  assert.ok(choices.includes('installations/csto-secretariat-moscow') && choices.includes('installations/csto-joint-staff-moscow'), `chooser: ${choices}`);
  // the chooser works from the keyboard
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement?.dataset.uid);
  await page.keyboard.press('Enter');
  await page.waitForFunction((u) => window.forcemap.selection.selected() === u, focused);
  await page.keyboard.press('Escape');

  // --- search for "Kant" opens Kant air base
  await page.locator('#search').fill('Kant');
  await page.locator('#search-list .search-opt').first().waitFor();
  assert.match(await page.locator('#search-list .search-opt').first().textContent(), /Kant air base/);
  await page.keyboard.press('Enter');
  await page.locator('.maplibregl-popup', { hasText: 'Kant air base' }).waitFor();
  await page.waitForFunction(() => location.hash.includes('feature=kant-air-base'));
  const link = await page.evaluate(() => location.hash);
  await ready(page);

  // --- the exported PNG has the requested size and carries the legend
  const slide = decode(await page.evaluate(() => window.forcemap.exportPng({ width: 1920, height: 1080 })));
  assert.equal(slide.width, 1920);
  assert.equal(slide.height, 1080);
  const windowSize = decode(await page.evaluate(() => window.forcemap.exportPng(null)));
  assert.deepEqual([windowSize.width, windowSize.height], [1280, 800]);
  const mapSize = await page.evaluate(() => [window.forcemap.map.getCanvas().clientWidth, window.forcemap.map.getCanvas().clientHeight]);
  assert.ok(mapSize[0] < 1280, 'the map is back in its place after the export');

  // --- print: the legend and no tool forms, the map as a finished picture
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => {
    const img = document.getElementById('print-map');
    img.src = window.forcemap.map.getCanvas().toDataURL('image/png');
  });
  const printed = await page.evaluate(() => ({
    legend: getComputedStyle(document.getElementById('legend')).display !== 'none' && document.getElementById('legend').offsetHeight > 0,
    tools: document.getElementById('sec-tools').offsetHeight,
    picture: document.getElementById('print-map').offsetWidth,
  }));
  assert.ok(printed.legend, 'legend printed');
  assert.equal(printed.tools, 0, 'no tool forms printed');
  assert.ok(printed.picture > 0, 'the map printed as a picture');
  await page.emulateMedia({ media: 'screen' });
  checkClean(session);
  await session.context.close();

  // --- the permalink with the feature opens it
  const again = await openPage(browser, { hash: link });
  await again.page.locator('.maplibregl-popup', { hasText: 'Kant air base' }).waitFor();
  checkClean(again);
  await again.context.close();
});

test('projector size: popup and timeline text at least 14 px, theater outlines apart', async () => {
  const session = await openPage(browser, { width: 1920, height: 1080, hash: '#date=2005-06-01&tab=timeline' });
  const { page } = session;
  const timeline = await page.evaluate(() => [...document.querySelectorAll('#timeline svg text')]
    .map((e) => e.getBoundingClientRect().height));
  const tsize = await page.evaluate(() => Math.min(...[...document.querySelectorAll('#timeline svg text')]
    .map((e) => parseFloat(getComputedStyle(e).fontSize) * (e.ownerSVGElement.getBoundingClientRect().width / e.ownerSVGElement.viewBox.baseVal.width))));
  assert.ok(timeline.length > 5);
  assert.ok(tsize >= 14, `timeline text ${tsize}px`);
  await page.evaluate(() => window.forcemap.select('installations/kant-air-base'));
  const popupSize = await page.evaluate(() => Math.min(...[...document.querySelectorAll('.maplibregl-popup-content *')]
    .filter((e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
    .map((e) => parseFloat(getComputedStyle(e).fontSize))));
  assert.ok(popupSize >= 14, `popup text ${popupSize}px`);
  // coinciding theater outlines are drawn side by side, each offset by its own amount
  const offsets = await page.evaluate(() => window.forcemap.map.getStyle().layers
    .filter((l) => /^theater-line-.*-borders$/.test(l.id)).map((l) => JSON.stringify(l.paint['line-offset'])));
  assert.ok(offsets.length >= 2);
  assert.equal(new Set(offsets).size, offsets.length, 'each theater outline has its own offset');
  // approximate locations are dotted grey, analysis shapes solid orange
  const approx = await page.evaluate(() => window.forcemap.map.getPaintProperty('approx-line', 'line-dasharray'));
  const zone = await page.evaluate(() => window.forcemap.map.getPaintProperty('analysis-zone-line', 'line-dasharray'));
  assert.ok(approx && !zone, 'approximate rings dashed, analysis outlines solid');
  checkClean(session);
  await session.context.close();
});

test('analyst tools: a range ring from a clicked point, facilities near a point, the shape in the GeoJSON', async () => {
  const session = await openPage(browser, { hash: '#date=2005-06-01&tab=tools' });
  const { page } = session;
  await page.locator('input[name="tool"][value="range"]').check();
  await page.locator('#rg-km').fill('60');
  await page.locator('#rg-pick').click();
  const [x, y] = await toPage(page, [74.59, 42.87]); // Bishkek
  await page.mouse.click(x, y);
  await page.locator('#results .result', { hasText: 'Kant air base' }).first().waitFor({ timeout: 20000 });
  await ready(page);
  const tool = await page.evaluate(() => window.forcemap.state.tool);
  assert.equal(tool.name, 'range');
  assert.ok(Math.abs(tool.at[0] - 74.59) < 0.2 && Math.abs(tool.at[1] - 42.87) < 0.2, `centre ${tool.at}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#btn-geojson').click()]);
  const doc = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  assert.ok(doc.features.some((f) => f.properties.collection === 'analysis' && f.properties.role), 'the ring is in the export');

  await page.locator('input[name="tool"][value="here"]').check();
  await page.mouse.click(x, y);
  await page.locator('#results .results-head', { hasText: 'Nearest' }).waitFor({ timeout: 20000 });
  const near = await page.locator('#results .result').allTextContents();
  assert.ok(near.some((r) => /Kant air base|Collective Rapid Deployment Force/.test(r)), `near Bishkek: ${near.join(' | ')}`);
  checkClean(session);
  await session.context.close();
});

test('phone: popups fit the screen, Link and PNG stay reachable, a Central Asian view', async () => {
  const session = await openPage(browser, { width: 390, height: 844 });
  const { page } = session;
  assert.ok(await page.locator('#btn-link').isVisible(), 'Link visible');
  assert.ok(await page.locator('#btn-png summary').isVisible(), 'PNG visible');
  const center = await page.evaluate(() => window.forcemap.map.getCenter().toArray());
  assert.ok(center[0] > 50 && center[0] < 80 && center[1] > 35 && center[1] < 50, `centre ${center}`);
  await page.evaluate(() => window.forcemap.select('installations/kant-air-base'));
  const box = await page.locator('.maplibregl-popup').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `popup within the screen: ${JSON.stringify(box)}`);
  await shot(page, 'phone-popup');
  checkClean(session);
  await session.context.close();
});

test('unknown page parameters are ignored; ?embed=1 gives the compact map and the Embed button its snippet', async () => {
  const session = await openPage(browser, { hash: '?embed=1&fbclid=abc&utm_source=x#date=2005-06-01' });
  const { page } = session;
  assert.equal(await page.locator('#panel').isVisible(), false, 'no side panel');
  assert.equal(await page.locator('#mini-legend').isVisible(), true, 'a small legend');
  assert.match(await page.locator('#date-label').textContent(), /2005/, 'the date');
  await shot(page, 'embed');
  checkClean(session);
  await session.context.close();

  const full = await openPage(browser, { hash: '#date=2005-06-01' });
  await full.page.locator('#btn-embed').click();
  const code = await full.page.locator('#embed-code').inputValue();
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1#date=2005-06-01/);
  checkClean(full);
  await full.context.close();
});

test('a story runs through all its steps by PageDown, each step at another date', async (t) => {
  const res = await fetch(new URL('stories', BASE));
  assert.equal(res.status, 200, '/stories answers');
  const { stories } = await res.json();
  const story = stories.find((s) => s.id === 'csto-1992-2013') || stories[0];
  assert.ok(story.steps >= 10, `${story.steps} steps`);
  const session = await openPage(browser, { hash: `#story=${story.id}&step=1` });
  const { page } = session;
  await page.locator('#story').waitFor();
  const dates = [await page.evaluate(() => window.forcemap.state.date)];
  for (let i = 1; i < story.steps; i += 1) {
    await page.keyboard.press('PageDown');
    await page.waitForFunction((n) => window.forcemap.stories.current()?.step === n, i);
    await ready(page);
    dates.push(await page.evaluate(() => window.forcemap.state.date));
  }
  t.diagnostic(dates.join(' '));
  for (let i = 1; i < dates.length; i += 1) assert.notEqual(dates[i], dates[i - 1], `step ${i + 1} changes the date`);
  assert.match(await page.locator('#story-count').textContent(), new RegExp(`${story.steps} of ${story.steps}`));
  assert.ok(await page.locator('#story-sources li').count() > 0, 'the step names its sources');
  await page.waitForFunction((n) => location.hash.includes(`step=${n}`), story.steps);
  await page.keyboard.press('PageUp');
  await page.waitForFunction((n) => window.forcemap.stories.current()?.step === n - 2, story.steps);
  checkClean(session);
  await session.context.close();
});

test('compare: two dates side by side and what changed between them', async () => {
  const session = await openPage(browser, { hash: '#date=1995-06-01&compare=2001-06-01' });
  const { page } = session;
  await page.locator('#compare').waitFor();
  await page.locator('#changes li', { hasText: 'Uzbekistan' }).first().waitFor({ timeout: 20000 });
  await ready(page);
  assert.match(await page.locator('#compare-label-a').textContent(), /1995/);
  assert.match(await page.locator('#compare-label-b').textContent(), /2001/);
  const changes = await page.locator('#changes li').allTextContents();
  assert.ok(changes.some((c) => /1999/.test(c) && /Uzbekistan left/.test(c)), `changes: ${changes.join(' | ')}`);
  // the second map draws 2001 (Uzbekistan out), the main map 1995 (Uzbekistan in)
  const painted = await page.evaluate(() => [window.forcemap.layers, window.forcemap.compare.layers()].map((l) => l.statusOf('UZB')));
  assert.deepEqual(painted, ['member', 'former'], 'each map paints Uzbekistan as at its own date');
  await shot(page, 'compare');
  checkClean(session);
  await session.context.close();
});
