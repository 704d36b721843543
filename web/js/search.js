// The search box: type-ahead over the names, alternative names and ids of every feature,
// grouping and country, and over what the server finds in collections the page has not
// downloaded; arrow keys move through the suggestions, Enter opens one.

import { h } from './describe.js';

/** Properties that hold other names of a feature. */
const OTHER_NAMES = ['short_name', 'alt_names', 'alternate_names', 'aliases', 'other_names', 'name_local'];

/** Lower case without accents, for matching "Kant" and "kant", "Bokhtar" and "Bokhtar". */
export const fold = (s) => String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * The search entries: [{ key, name, hint, terms }] from features [{ uid, properties }] and
 * countries [{ iso3, name }]; `key` is the feature's uid or "countries/ISO3".
 */
export function buildIndex({ features, countries }) {
  const entries = [];
  for (const { uid, properties: p = {}, kind } of features) {
    const others = OTHER_NAMES.flatMap((k) => [].concat(p[k] || [])).filter((x) => typeof x === 'string');
    const id = uid.split('/').slice(1).join('/');
    entries.push({ key: uid, name: p.name || id, hint: kind || '', terms: [p.name, ...others, id].filter(Boolean).map(fold) });
  }
  for (const { iso3, name } of countries) {
    entries.push({ key: `countries/${iso3}`, name, hint: 'Country', terms: [fold(name), fold(iso3)] });
  }
  return entries;
}

/**
 * Entries matching `query`, best first: a term that starts with the query, then a word of a
 * term that does, then a term that holds it anywhere; ties by name.
 */
export function search(entries, query, limit = 8) {
  const q = fold(query).trim();
  if (!q) return [];
  const scored = [];
  for (const e of entries) {
    let best = 0;
    for (const t of e.terms) {
      if (t === q) best = Math.max(best, 4);
      else if (t.startsWith(q)) best = Math.max(best, 3);
      else if (t.split(/[\s\-–(),/]+/).some((w) => w.startsWith(q))) best = Math.max(best, 2);
      else if (t.includes(q)) best = Math.max(best, 1);
    }
    if (best) scored.push([best, e]);
  }
  scored.sort((a, b) => b[0] - a[0] || a[1].name.localeCompare(b[1].name));
  return scored.slice(0, limit).map(([, e]) => e);
}

/** Pause in typing before the server is asked, in milliseconds. */
const ASK_AFTER = 200;

/**
 * Wires the combobox `input` and its listbox `list`; `entries()` gives the current index,
 * `more(query, signal)` (optional) promises further entries from the server for a query, and
 * `onPick(entry)` opens a result.
 */
export function setupSearch(input, list, { entries, onPick, more }) {
  let shown = [];
  let active = -1;
  let found = { query: null, entries: [] }; // the server's entries for the last query asked
  let asking = null;
  let timer = null;
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const mark = () => {
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === active)));
    if (active >= 0) input.setAttribute('aria-activedescendant', `search-opt-${active}`);
  };
  const pick = (e) => {
    close();
    input.value = e.name;
    onPick(e);
  };
  const ask = (query) => {
    asking?.abort();
    clearTimeout(timer);
    if (!more || !query.trim()) return;
    asking = new AbortController();
    const { signal } = asking;
    timer = setTimeout(() => more(query, signal).then((extra) => {
      // a late answer updates the list only while it is open for the same query
      if (signal.aborted || input.value !== query || document.activeElement !== input) return;
      found = { query, entries: extra };
      if (extra.length) render({ keep: true });
    }).catch(() => {}), ASK_AFTER);
  };
  const render = ({ keep = false } = {}) => {
    const extra = found.query === input.value ? found.entries : [];
    const before = keep ? shown[active]?.key : undefined;
    shown = search([...entries(), ...extra], input.value);
    // the suggestion moved to with the arrow keys stays chosen when more arrive
    active = Math.max(shown.findIndex((e) => e.key === before), shown.length ? 0 : -1);
    list.replaceChildren(...shown.map((e, i) => {
      const li = h('li', { role: 'option', id: `search-opt-${i}`, class: 'search-opt' },
        h('span', { class: 'search-name' }, e.name), h('span', { class: 'search-hint' }, e.hint));
      li.addEventListener('mousedown', (ev) => { ev.preventDefault(); pick(e); });
      return li;
    }));
    if (!shown.length && input.value.trim()) list.replaceChildren(h('li', { class: 'search-none' }, 'Nothing found'));
    list.hidden = !input.value.trim();
    input.setAttribute('aria-expanded', String(!list.hidden));
    mark();
  };
  input.addEventListener('input', () => {
    render();
    ask(input.value);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!shown.length) return;
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      mark();
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (shown[active]) pick(shown[active]);
    } else if (ev.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
}
