// Requests to the forcemap server. Every address is relative to the page, so the page works
// wherever the service (or a static export of it) is mounted. A static copy (`forcemap
// export`) is told by a marker in its `index.html` naming its manifest; it has files, not the
// server, and the analysis questions say so.

import { serverSource, staticSource } from './source.js';

/** The manifest's address when this page is a static copy, else null. */
export const STATIC_MANIFEST = typeof document === 'undefined'
  ? null
  : document.querySelector('meta[name="forcemap-export"]')?.getAttribute('content') || null;

/** What a tool that needs the server says in a static copy. */
export const NEEDS_SERVER = 'this is a static copy of the map: the border zone, range ring, '
  + '"what is here" and the list of changes are answered by the forcemap server, which is not '
  + 'behind this copy. Moving through time, searching, the layers and "download what I see" '
  + 'work as usual.';

export class ApiError extends Error {
  constructor(status, code, description) {
    super(description || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

/** Absolute address of a path relative to the page. */
export function url(path, params = {}) {
  const u = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, v);
  }
  return u.href;
}

export async function getJson(path, params, { signal } = {}) {
  const res = await fetch(url(path, params), {
    headers: { Accept: 'application/geo+json, application/json' },
    signal,
  });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    throw new ApiError(res.status, body?.code, body?.description || text.slice(0, 200));
  }
  if (!body) throw new ApiError(res.status, 'InvalidResponse', 'The server sent no JSON');
  return body;
}

/** All items of a collection (one page of up to 10,000). */
export function items(collection, params = {}, opts) {
  return getJson(`collections/${encodeURIComponent(collection)}/items`, { limit: 10000, ...params }, opts);
}

export function analysis(name, params, opts) {
  if (STATIC_MANIFEST) return Promise.reject(new ApiError(0, 'StaticCopy', NEEDS_SERVER));
  return getJson(`analysis/${name}`, params, opts);
}

/** Where the page's data comes from: the static copy's files, or the server. */
export async function dataSource() {
  if (!STATIC_MANIFEST) return serverSource({ items, getJson });
  // without its manifest the copy holds nothing the page can name: every document is refused
  // and the page reports that the data could not be loaded
  return staticSource(await getJson(STATIC_MANIFEST).catch(() => null), getJson);
}
