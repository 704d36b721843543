// End-to-end tests of the map page over a basemap in the Protomaps schema: run.sh starts the
// server with `--basemap` and an archive that fixtures/protomaps_archive.py wrote with
// Python's pmtiles and mapbox-vector-tile, so neither the archive nor its reader is forcemap's.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, shot, hex, distance, blend, share, toPage, checkClean, mapRect, setYear,
  readCountry,
} from './lib.js';

const BUILT_IN_LAND = hex('#f3f0e8');
const MEMBER = hex('#2f6fb5');
const UZBEKISTAN = [63.3, 41.0]; // Kyzylkum, inside Uzbekistan, away from towns
const KAZAKHSTAN = [68.0, 48.5]; // the steppe, away from towns
const IRAN = [55.0, 33.0]; // the Dasht-e Kavir, never a member of the CSTO

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A paint colour of a layer as the page's style has it, as RGB. */
async function paintColor(page, layer, property) {
  const css = await page.evaluate(([l, p]) => window.forcemap.map.getPaintProperty(l, p), [layer, property]);
  assert.equal(typeof css, 'string', `${layer} ${property} is a plain colour`);
  if (css.startsWith('#')) return hex(css);
  const m = css.match(/rgba?\(([^)]+)\)/);
  assert.ok(m, `a colour: ${css}`);
  return m[1].split(',').slice(0, 3).map((v) => Math.round(Number(v)));
}

test('a Protomaps archive is drawn with the Protomaps style, countries coloured from the built-in archive', async (t) => {
  const session = await openPage(browser);
  const { page } = session;
  const style = await page.evaluate(() => {
    const s = window.forcemap.map.getStyle();
    return {
      metadata: s.metadata,
      glyphs: s.glyphs,
      sprite: s.sprite,
      sources: Object.fromEntries(Object.entries(s.sources).filter(([, v]) => v.type === 'vector').map(([k, v]) => [k, v.url])),
      layers: s.layers.map((l) => ({ id: l.id, source: l.source, sourceLayer: l['source-layer'], type: l.type })),
    };
  });
  assert.equal(style.metadata['forcemap:schema'], 'protomaps');
  assert.equal(style.glyphs, undefined, 'no font server');
  assert.equal(style.sprite, undefined, 'no sprite');
  assert.match(style.sources.basemap, /^pmtiles:\/\/http:\/\/127\.0\.0\.1:\d+\/basemap\.pmtiles$/);
  assert.match(style.sources.thematic, /^pmtiles:\/\/http:\/\/127\.0\.0\.1:\d+\/thematic\.pmtiles$/);
  const from = (sourceLayer) => style.layers.filter((l) => l.source === 'basemap' && l.sourceLayer === sourceLayer);
  for (const layer of ['earth', 'water', 'boundaries', 'places']) {
    assert.ok(from(layer).length > 0, `a style layer draws the basemap's ${layer}`);
  }
  assert.ok(from('roads').length > 0, 'the Protomaps style has its road layers, for extracts that have roads');
  assert.equal(from('countries').length, 0, 'the basemap is not read as the built-in schema');
  const membership = style.layers.find((l) => l.id === 'membership');
  assert.deepEqual([membership.source, membership.sourceLayer], ['thematic', 'countries']);
  const ids = style.layers.map((l) => l.id);
  assert.ok(ids.indexOf('base-earth') < ids.indexOf('membership'), 'country colours over the land');
  assert.ok(ids.indexOf('membership') < ids.indexOf('base-boundaries_country'), 'boundaries over the colours');
  assert.ok(ids.indexOf('base-places_locality') < ids.indexOf('installations'), 'our symbols over the labels');
  assert.ok(session.requests.some((u) => u.endsWith('/basemap.json')), 'TileJSON read');
  assert.ok(session.requests.some((u) => u.includes('/basemap.pmtiles')), 'basemap archive read');
  assert.ok(session.requests.some((u) => u.includes('/thematic.pmtiles')), 'built-in countries read');

  // the pixels: Protomaps land and water, and member states over them
  const earth = await paintColor(page, 'base-earth', 'fill-color');
  const water = await paintColor(page, 'base-water', 'fill-color');
  assert.ok(distance(earth, BUILT_IN_LAND) > 10, 'the Protomaps land colour is not the built-in one');
  const { png } = await shot(page, 'protomaps-map');
  const rect = await mapRect(page);
  const earthShare = share(png, earth, 12, rect);
  const waterShare = share(png, water, 12, rect);
  const memberShare = share(png, blend(MEMBER, earth, 0.78), 40, rect);
  t.diagnostic(`earth ${earthShare.toFixed(3)}, water ${waterShare.toFixed(3)}, member ${memberShare.toFixed(3)}`);
  assert.ok(earthShare > 0.03, 'Protomaps earth pixels');
  assert.ok(waterShare > 0.005, 'Protomaps water pixels');
  assert.ok(memberShare > 0.05, 'member-state pixels over the Protomaps land');

  // the credit names the archive's own attribution
  const credit = await page.locator('.maplibregl-ctrl-attrib').textContent();
  assert.match(credit, /Protomaps basemap schema/);
  checkClean(session);
  await session.context.close();
});

test("over the Protomaps basemap, moving the slider to 2000 changes Uzbekistan's colour", async (t) => {
  const session = await openPage(browser);
  const { page } = session;
  await page.locator('#layer-places').uncheck();
  const labels = await page.evaluate(() => window.forcemap.map.getStyle().layers
    .filter((l) => l.metadata?.group === 'places').map((l) => l.layout?.visibility));
  assert.ok(labels.length > 0 && labels.every((v) => v === 'none'), 'the Protomaps labels follow "Place names"');

  await setYear(page, 1995);
  const in1995 = await readCountry(page, 'UZB', UZBEKISTAN, 'protomaps-uzbekistan-1995');
  await setYear(page, 2000);
  const in2000 = await readCountry(page, 'UZB', UZBEKISTAN, 'protomaps-uzbekistan-2000');
  t.diagnostic(`1995: ${in1995.status} ${in1995.color}; 2000: ${in2000.status} ${in2000.color}`);
  const earth = await paintColor(page, 'base-earth', 'fill-color');
  assert.equal(in1995.status, 'member');
  assert.notEqual(in2000.status, 'member');
  assert.ok(distance(in1995.color, blend(MEMBER, earth, 0.78)) < 30, `member colour in 1995: ${in1995.color}`);
  assert.ok(distance(in1995.color, in2000.color) > 30, 'the rendered colour changes');
  const iran = await readCountry(page, 'IRN', IRAN, 'protomaps-iran');
  assert.equal(iran.status, 'never');
  assert.ok(distance(iran.color, earth) < 25, `Iran, never a member, shows the Protomaps land: ${iran.color}`);
  checkClean(session);
  await session.context.close();
});

test('over the Protomaps basemap, clicking a country tells its membership', async () => {
  const session = await openPage(browser, { hash: '#date=2005-06-01' });
  const { page } = session;
  const [x, y] = await toPage(page, KAZAKHSTAN);
  await page.mouse.click(x, y);
  const popup = page.locator('.maplibregl-popup', { hasText: 'Kazakhstan' });
  await popup.waitFor({ timeout: 10000 });
  assert.match(await popup.textContent(), /member/i);
  checkClean(session);
  await session.context.close();
});
