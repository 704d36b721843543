// Times the map page in headless Chromium: from navigation to a settled map (data loaded, every
// tile and symbol drawn) and from a date change to the new date drawn. Prints the median and the
// spread of N runs. Not a test: numbers depend on the machine (see BENCHMARKS.md).
//
//   node tests/e2e/bench.mjs http://127.0.0.1:8080/ [runs]

import { chromium } from 'playwright-core';

const base = process.argv[2];
const runs = Number(process.argv[3] || 5);
if (!base) {
  console.error('usage: node bench.mjs URL [runs]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const load = [];
const change = [];
for (let i = 0; i < runs; i += 1) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(`${base}#date=2005-06-01`);
  await page.waitForFunction(() => window.forcemap && window.forcemap.map, null, { timeout: 60000 });
  await page.evaluate(() => window.forcemap.idle());
  load.push(Date.now() - t0);
  change.push(await page.evaluate(async () => {
    const started = performance.now();
    await window.forcemap.setDate('1999-06-01', { immediate: true });
    await window.forcemap.idle();
    return Math.round(performance.now() - started);
  }));
  await context.close();
}
await browser.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const say = (name, xs) => console.log(`${name}: median ${median(xs)} ms (min ${Math.min(...xs)}, max ${Math.max(...xs)}, ${xs.length} runs)`);
say('settled map', load);
say('settled date change', change);
