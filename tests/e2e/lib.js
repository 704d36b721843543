// Helpers for the end-to-end tests: browser start-up, request and console recording, PNG pixels.

import assert from 'node:assert/strict';
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

/** Page coordinates of a longitude/latitude on the map. */
export function toPage(page, lngLat) {
  return page.evaluate((ll) => {
    const { map } = window.forcemap;
    const p = map.project(ll);
    const r = map.getContainer().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
  }, lngLat);
}

export function checkClean({ requests, errors }) {
  assert.ok(requests.length > 0, 'the page made no request');
  assert.deepEqual(foreignRequests(requests), [], 'every request goes to 127.0.0.1');
  assert.deepEqual(errors, [], 'no console errors');
}


/** The map's rectangle on the page, `[left, top, right, bottom]` in whole pixels. */
export function mapRect(page) {
  return page.evaluate(() => {
    const r = window.forcemap.map.getContainer().getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom].map(Math.round);
  });
}

/** Moves the time slider to June of `year` and waits until the page has taken the date. */
export async function setYear(page, year) {
  const value = (year - 1992) * 12 + 5;
  await page.locator('#slider').fill(String(value));
  await page.waitForFunction((y) => window.forcemap.state.date.startsWith(`${y}-06`), year);
}

/**
 * What the page shows of a country once it has settled: its membership status for the chosen
 * organization, the status the map paints it with, and the mean colour drawn at `lngLat` (in a
 * screenshot saved as `name`).
 */
export async function readCountry(page, iso3, lngLat, name) {
  await ready(page);
  const status = await page.evaluate((c) => window.forcemap.membership()[c] || 'never', iso3);
  const paint = await page.evaluate((c) => window.forcemap.layers.statusOf(c), iso3);
  const { png } = await shot(page, name);
  const [x, y] = await toPage(page, lngLat);
  return { status, paint, color: meanColor(png, x, y) };
}
