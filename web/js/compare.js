// Compare two dates: a second map at date B laid over the main map (date A) and cut by a
// draggable swipe line, both moving together, plus the list of what changed between A and B
// from /analysis/changes. (Written here: the swipe plugins on offer are built for other map
// libraries' versions.)

import * as maplibregl from 'maplibre-gl';
import { analysis } from './api.js';
import { addIcons, addMissingImage } from './icons.js';
import { createLayers } from './layers.js';
import { describeChanges } from './changes.js';
import { formatDate, isDay, addYears } from './dates.js';
import { h } from './describe.js';

const $ = (id) => document.getElementById(id);

/** app: { map, store, style, state, tracked, milsymbol, LABEL_SCALE, onChange() }. */
export function createCompare(app) {
  const { map, store, state } = app;
  let other = null; // the second map
  let otherLayers = null;
  let dateB = null;
  let split = 0.5; // share of the width left of the swipe line
  let syncing = false;
  let ready = Promise.resolve();
  const box = $('compare');
  const handle = $('compare-handle');

  function place() {
    const w = map.getContainer().clientWidth;
    const x = Math.round(w * split);
    $('compare-map').style.clipPath = `inset(0 0 0 ${x}px)`;
    handle.style.left = `${x}px`;
    handle.setAttribute('aria-valuenow', String(Math.round(split * 100)));
  }

  function sync(from, to) {
    if (syncing) return;
    syncing = true;
    to.jumpTo({ center: from.getCenter(), zoom: from.getZoom(), bearing: from.getBearing(), pitch: from.getPitch() });
    syncing = false;
  }

  function drawB() {
    if (!otherLayers || !dateB) return;
    otherLayers.apply(store.at(dateB), { org: state.org, visible: state.layers });
    $('compare-b').value = dateB;
    $('compare-label-b').textContent = formatDate(dateB);
  }

  function labels() {
    $('compare-label-a').textContent = formatDate(state.date);
  }

  async function loadChanges() {
    const list = $('changes');
    const [from, to] = [state.date, dateB].sort();
    $('changes-title').textContent = `What changed between ${formatDate(from)} and ${formatDate(to)}`;
    list.replaceChildren(h('li', { class: 'hint' }, 'Looking…'));
    try {
      const answer = await app.tracked(analysis('changes', { from, to }));
      const rows = describeChanges(answer, { name: store.countryName, groupingName: (id) => store.groupings.get(id)?.properties?.short_name || store.groupingName(id) });
      list.replaceChildren(...rows.map((r) => {
        const body = [h('span', { class: 'change-date' }, r.when), h('span', { class: `change-text change-${r.change}` }, r.text)];
        if (!r.uid) return h('li', { 'data-change': r.change }, ...body);
        const b = h('button', { type: 'button', class: 'result change', 'data-uid': r.uid }, ...body);
        b.addEventListener('click', () => window.forcemap.select(r.uid, { fly: true }));
        return h('li', { 'data-change': r.change }, b);
      }));
      if (!rows.length) list.replaceChildren(h('li', { class: 'hint' }, 'Nothing recorded changed in this period.'));
    } catch (e) {
      list.replaceChildren(h('li', { class: 'hint' }, `The change list is not available: ${e.message}`));
    }
  }

  async function open(b) {
    dateB = isDay(b) ? b : addYears(state.date, 6);
    if (dateB === state.date) dateB = addYears(state.date, -6);
    box.hidden = false;
    document.body.classList.add('comparing');
    if (!other) {
      const style = structuredClone(app.style);
      other = new maplibregl.Map({
        container: 'compare-map', style, center: map.getCenter(), zoom: map.getZoom(),
        attributionControl: false, interactive: true, maxZoom: 12, minZoom: 1, fadeDuration: 0,
        canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
      });
      other.on('styleimagemissing', (e) => addMissingImage(other, e.id));
      ready = new Promise((resolve) => other.on('load', resolve)).then(() => {
        addIcons(other);
        otherLayers = createLayers(other, { store, style, milsymbol: app.milsymbol });
        otherLayers.whenSymbols(() => drawB());
      });
      map.on('move', () => sync(map, other));
      other.on('move', () => sync(other, map));
    }
    other.resize();
    sync(map, other);
    place();
    labels();
    await ready;
    drawB();
    await loadChanges();
    app.onChange();
  }

  function close() {
    box.hidden = true;
    document.body.classList.remove('comparing');
    app.onChange();
  }

  // the swipe line: drag it, or focus it and use the arrow keys
  let dragging = false;
  handle.addEventListener('pointerdown', (e) => { dragging = true; handle.setPointerCapture(e.pointerId); });
  handle.addEventListener('pointermove', (e) => {
    if (!dragging) return;
    const r = map.getContainer().getBoundingClientRect();
    split = Math.max(0.02, Math.min(0.98, (e.clientX - r.left) / r.width));
    place();
  });
  handle.addEventListener('pointerup', () => { dragging = false; });
  handle.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowLeft' ? -0.05 : e.key === 'ArrowRight' ? 0.05 : 0;
    if (!step) return;
    e.preventDefault();
    split = Math.max(0.02, Math.min(0.98, split + step));
    place();
  });
  $('compare-b').addEventListener('change', (e) => {
    if (!isDay(e.target.value)) return;
    dateB = e.target.value;
    drawB();
    app.tracked(loadChanges());
    app.onChange();
  });
  $('compare-close').addEventListener('click', close);
  $('btn-compare').addEventListener('click', () => (box.hidden ? app.tracked(open(null)) : close()));
  window.addEventListener('resize', () => { if (!box.hidden) { other?.resize(); place(); } });

  return {
    open,
    close,
    /** Called after the main map's date changes. */
    onDate() {
      if (box.hidden) return;
      labels();
      app.tracked(loadChanges());
    },
    isOpen: () => !box.hidden,
    map: () => other,
    layers: () => otherLayers,
    dateB: () => (box.hidden ? null : dateB),
    /** Resolves when the second map (if shown) has drawn everything. */
    async idle() {
      if (!other || box.hidden) return;
      await ready;
      if (!other.loaded() || !other.areTilesLoaded()) await new Promise((r) => other.once('idle', r));
    },
  };
}
