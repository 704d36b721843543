// Story mode: a guided tour of dated map states served at /stories. Each step sets a date, a
// view, an organization and highlighted features, with a caption and its sources; next and
// previous by the buttons, the arrow keys and PageUp/PageDown (what presentation clickers
// send); the permalink names the story and the step.

import { startOf, formatDate } from './dates.js';
import { h } from './describe.js';

const $ = (id) => document.getElementById(id);

/**
 * Problems with a story document, as "field: problem" strings (none for a good story):
 * every step has a date, a caption, a bbox view that makes sense, sources that point into the
 * story's sources, and highlights that name known ids (`known(id)`).
 */
export function storyProblems(doc, known = () => true) {
  const out = [];
  if (!doc || typeof doc !== 'object') return ['story: not an object'];
  if (!doc.id) out.push('id: missing');
  if (!doc.title) out.push('title: missing');
  const sources = Array.isArray(doc.sources) ? doc.sources : [];
  if (!Array.isArray(doc.steps) || !doc.steps.length) out.push('steps: none');
  (doc.steps || []).forEach((s, i) => {
    const at = `steps[${i}]`;
    if (!startOf(s.date)) out.push(`${at}.date: not a date: ${JSON.stringify(s.date)}`);
    if (!s.caption) out.push(`${at}.caption: missing`);
    const b = s.view?.bbox;
    if (b !== undefined) {
      const ok = Array.isArray(b) && b.length === 4 && b.every(Number.isFinite)
        && b[0] < b[2] && b[1] < b[3] && b[1] >= -90 && b[3] <= 90;
      if (!ok) out.push(`${at}.view.bbox: not [west, south, east, north]`);
    }
    const refs = Array.isArray(s.sources) ? s.sources : [];
    if (!refs.length) out.push(`${at}.sources: none`);
    for (const r of refs) if (!Number.isInteger(r) || !sources[r]) out.push(`${at}.sources: no source ${r}`);
    for (const id of s.highlight || []) if (!known(id)) out.push(`${at}.highlight: unknown id ${id}`);
  });
  return out;
}

/** Index of the step after moving `delta` from `index` in a story of `n` steps (clamped). */
export const stepAfter = (index, delta, n) => Math.max(0, Math.min(n - 1, index + delta));

/**
 * app: { map, store, state, setDate(day), setOrg(id), highlight(uids), tracked, onChange() }.
 */
export function createStories(app) {
  const { map, store } = app;
  let story = null;
  let index = 0;
  const card = $('story');
  const cache = new Map();

  async function fetchStory(id) {
    if (!cache.has(id)) cache.set(id, store.source.story(id).catch((e) => { cache.delete(id); throw e; }));
    return cache.get(id);
  }

  /** Fills the Stories menu from /stories; hides it when the server has none. */
  async function list() {
    const menu = $('story-list');
    const button = $('btn-stories');
    try {
      const answer = await store.source.stories();
      const all = answer.stories || [];
      menu.replaceChildren(...all.map((s) => {
        const b = h('button', { type: 'button', class: 'menu-item', 'data-story': s.id },
          h('span', { class: 'result-name' }, s.title),
          h('span', { class: 'result-meta' }, `${s.steps} steps`));
        b.addEventListener('click', () => {
          b.closest('details')?.removeAttribute('open');
          app.tracked(open(s.id, 0));
        });
        return b;
      }));
      button.hidden = !all.length;
    } catch {
      button.hidden = true;
    }
  }

  async function show(i) {
    index = stepAfter(i, 0, story.steps.length);
    const step = story.steps[index];
    const sources = (step.sources || []).map((r) => story.sources?.[r]).filter(Boolean);
    $('story-title').textContent = story.title;
    $('story-count').textContent = `Step ${index + 1} of ${story.steps.length}`;
    $('story-step-title').textContent = step.title || formatDate(step.date);
    $('story-date').textContent = formatDate(step.date);
    $('story-caption').textContent = step.caption || '';
    $('story-sources').replaceChildren(...sources.map((s) => h('li', {},
      [s.title, s.publisher, s.date && formatDate(s.date)].filter(Boolean).join(', '),
      s.ref ? h('span', { class: 'ref' }, ` [${s.ref}]`) : '')));
    $('story-prev').disabled = index === 0;
    $('story-next').disabled = index === story.steps.length - 1;
    card.hidden = false;
    document.body.classList.add('story-open');
    if (step.org) app.setOrg(step.org);
    const b = step.view?.bbox;
    if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: { top: 30, bottom: 30, left: 30, right: 30 }, duration: 0, maxZoom: 8 });
    const uids = (step.highlight || []).map((id) => store.byId.get(id)).filter(Boolean);
    await app.setDate(startOf(step.date));
    app.highlight(uids);
    app.onChange();
  }

  async function open(id, step = 0) {
    try {
      story = await fetchStory(id);
    } catch (e) {
      story = null;
      $('toast').textContent = `Could not open the story: ${e.message}`;
      return;
    }
    await show(step);
  }

  function close() {
    story = null;
    card.hidden = true;
    document.body.classList.remove('story-open');
    app.highlight([]);
    app.onChange();
  }

  const go = (delta) => { if (story) app.tracked(show(stepAfter(index, delta, story.steps.length))); };
  $('story-prev').addEventListener('click', () => go(-1));
  $('story-next').addEventListener('click', () => go(1));
  $('story-close').addEventListener('click', close);
  document.addEventListener('keydown', (e) => {
    if (!story || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    if (t instanceof HTMLElement && (/^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName) || t.isContentEditable)) return;
    const forward = ['PageDown', 'ArrowRight', ' '].includes(e.key);
    const back = ['PageUp', 'ArrowLeft'].includes(e.key);
    if (!forward && !back) return;
    if (t === map.getCanvas() && e.key.startsWith('Arrow')) return; // arrows on the map pan it
    e.preventDefault();
    go(forward ? 1 : -1);
  });

  return {
    list,
    open,
    close,
    next: () => go(1),
    previous: () => go(-1),
    /** { id, step } of the open story, for the permalink, or null. */
    current: () => (story ? { id: story.id, step: index } : null),
    step: () => (story ? story.steps[index] : null),
  };
}
