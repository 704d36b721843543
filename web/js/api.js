// Requests to the forcemap server. Every address is relative to the page, so the page works
// wherever the service (or a static export of it) is mounted.

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
  return getJson(`analysis/${name}`, params, opts);
}
