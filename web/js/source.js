// Where the page's data comes from: the forcemap server's API, or the files of a static copy
// made by `forcemap export`, whose manifest names each document by its role. Both answer the
// same questions, so the store and the stories do not know which one they read.

import { ALL_TIME } from './dates.js';

/** The server: OGC API items requests and its other documents. */
export function serverSource({ items, getJson }) {
  return {
    isStatic: false,
    landing: () => getJson('./', { f: 'json' }),
    collections: () => getJson('collections', { f: 'json' }),
    countries: () => items('countries', { skipGeometry: 'true' }),
    borders: () => items('borders', { skipGeometry: 'true' }),
    groupings: () => items('groupings', { skipGeometry: 'true', datetime: ALL_TIME })
      .catch(() => items('groupings', { skipGeometry: 'true' })),
    collection: (c) => items(c, { datetime: ALL_TIME }),
    stories: () => getJson('stories'),
    story: (id) => getJson(`stories/${encodeURIComponent(id)}`),
  };
}

/**
 * A static copy: the files `manifest.documents` names, every address relative to the page.
 * A document the manifest does not name is refused, as a server would answer 404.
 */
export function staticSource(manifest, getJson) {
  const docs = manifest?.documents || {};
  const file = (path) => (typeof path === 'string' && path
    ? getJson(path)
    : Promise.reject(new Error('this static copy does not hold that document')));
  return {
    isStatic: true,
    landing: () => file(docs.landing),
    // the copy holds every collection whole: no size tells the page to draw one from tiles
    collections: () => Promise.resolve({ collections: [] }),
    countries: () => file(docs.countries),
    borders: () => file(docs.borders),
    groupings: () => file(docs.groupings),
    collection: (c) => file(docs.collections?.[c]),
    stories: () => file(docs.stories),
    story: (id) => file(typeof docs.story === 'string' ? docs.story.replace('{id}', encodeURIComponent(id)) : null),
  };
}
