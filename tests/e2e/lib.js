// Helpers for the end-to-end tests: browser start-up, request and console recording, PNG pixels.

import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const OUTPUT = path.resolve(here, '..', 'output');
export const DOCS = path.resolve(here, '..', '..', 'docs');
fs.mkdirSync(OUTPUT, { recursive: true });

export const BASE = (process.env.FORCEMAP_URL || '').replace(/\/?$/, '/');
if (!process.env.FORCEMAP_URL) {
  throw new Error('FORCEMAP_URL is not set: run the tests through tests/e2e/run.sh');
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A new page that records every request it makes and every console error.
 * Returns { page, requests: [url], errors: [text] }.
 */
export async function openPage(browser, { width = 1280, height = 800, hash = '' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    // requests the page cancels on purpose (a newer date superseding an older one) are fine
    if (!/ERR_ABORTED/.test(why)) errors.push(`request failed: ${r.url()} ${why}`);
  });
  await page.goto(BASE + hash);
  await ready(page);
  return { page, context, requests, errors };
}

/** Waits until the page has loaded its data and the map has rendered it. */
export async function ready(page) {
  await page.waitForFunction(() => window.forcemap && window.forcemap.map, null, { timeout: 30000 });
  await page.evaluate(() => window.forcemap.idle());
}

/** Screenshot of the page, saved under tests/output, decoded. */
export async function shot(page, name) {
  const file = path.join(OUTPUT, `${name}.png`);
  const buf = await page.screenshot({ path: file });
  return { file, png: PNG.sync.read(buf) };
}

export function pixel(png, x, y) {
  const i = (Math.round(y) * png.width + Math.round(x)) * 4;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

export function hex(c) {
  const n = parseInt(c.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function distance(a, b) {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Mixes colour `top` at `alpha` over `bottom`, as the map does for translucent fills. */
export function blend(top, bottom, alpha) {
  return top.map((t, i) => Math.round(t * alpha + bottom[i] * (1 - alpha)));
}

/** Share of the pixels in a rectangle that lie within `tol` of `color`. */
export function share(png, color, tol, rect = [0, 0, png.width, png.height]) {
  let hit = 0;
  let all = 0;
  for (let y = rect[1]; y < rect[3]; y += 2) {
    for (let x = rect[0]; x < rect[2]; x += 2) {
      all += 1;
      if (distance(pixel(png, x, y), color) <= tol) hit += 1;
    }
  }
  return hit / all;
}

/** Mean colour of a small square around (x, y). */
export function meanColor(png, x, y, r = 3) {
  const sum = [0, 0, 0];
  let n = 0;
  for (let dy = -r; dy <= r; dy += 1) {
    for (let dx = -r; dx <= r; dx += 1) {
      const c = pixel(png, x + dx, y + dy);
      sum[0] += c[0]; sum[1] += c[1]; sum[2] += c[2];
      n += 1;
    }
  }
  return sum.map((s) => Math.round(s / n));
}

/** True when every recorded request went to the page's own host on the loopback address. */
export function foreignRequests(requests) {
  return requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    const { hostname } = new URL(u);
    return hostname !== '127.0.0.1';
  });
}
