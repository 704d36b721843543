// The side panel: tabs, the layer switcher and the legend.

import { h } from './describe.js';
import { STATUSES, STATUS_LABEL } from './membership.js';
import { INSTALLATION_SHAPES, EVENT_SHAPES, iconCanvas } from './icons.js';
import { COLORS } from './palette.js';

export const LAYER_GROUPS = [
  { key: 'membership', label: 'Membership colours', layers: ['membership'] },
  { key: 'theaters', label: 'Regional theaters', layers: [] },
  { key: 'groupings', label: 'Force groupings', layers: [] },
  { key: 'installations', label: 'Installations', layers: ['installations'] },
  { key: 'forces', label: 'Forces', layers: ['forces', 'forces-label'] },
  { key: 'events', label: 'Events (within a year)', layers: ['events'] },
  { key: 'routes', label: 'Routes (schematic)', layers: ['routes', 'routes-label'] },
  { key: 'borders', label: 'Shared borders', layers: ['borders'] },
  { key: 'places', label: 'Place names', layers: ['places', 'places-label', 'country-labels'] },
  { key: 'app6', label: 'Military symbols (APP-6)', layers: [] },
];

export const DEFAULT_LAYERS = ['membership', 'theaters', 'groupings', 'installations', 'forces',
  'events', 'routes', 'places', 'app6'];

/** Accessible tabs: click or arrow keys. onChange(key) with key = 'layers' | 'tools' | …. */
export function setupTabs(onChange) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab, focus) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
    onChange(tab.id.replace('tab-', ''));
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(t, false));
    t.addEventListener('keydown', (e) => {
      let j = null;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') j = (i + 1) % tabs.length;
      if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') j = (i - 1 + tabs.length) % tabs.length;
      if (e.key === 'Home') j = 0;
      if (e.key === 'End') j = tabs.length - 1;
      if (j !== null) { e.preventDefault(); select(tabs[j], true); }
    });
  });
  return (key) => {
    const tab = document.getElementById(`tab-${key}`);
    if (tab) select(tab, false);
  };
}

export function renderLayerList(container, visible, onToggle) {
  container.replaceChildren(...LAYER_GROUPS.map((g) => {
    const input = h('input', { type: 'checkbox', id: `layer-${g.key}`, 'data-layer': g.key });
    input.checked = visible.has(g.key);
    input.addEventListener('change', () => onToggle(g.key, input.checked));
    return h('label', { class: 'check', for: `layer-${g.key}` }, input, g.label);
  }));
}

export function syncLayerList(container, visible) {
  for (const input of container.querySelectorAll('input[data-layer]')) {
    input.checked = visible.has(input.dataset.layer);
  }
}

const swatch = (style) => h('span', { class: 'swatch', style, 'aria-hidden': 'true' });

/**
 * Legend for what the map shows now. info: { orgLabel, theaters: [{name, color}],
 * groupings: [{name, color}], installationKinds: Set, eventKinds: Set, visible: Set,
 * landColor }.
 */
export function renderLegend(container, info) {
  const items = [];
  const section = (title, rows) => {
    if (rows.length) items.push(h('div', { class: 'legend-group' }, h('h3', {}, title), h('ul', {}, rows)));
  };
  const v = info.visible;
  if (v.has('membership')) {
    const shown = info.statuses || new Set(['member']);
    section(info.orgLabel, [
      ...STATUSES.filter((s) => s.key === 'member' || shown.has(s.key))
        .map((s) => h('li', {}, swatch(`background:${s.color}`), s.label)),
      h('li', {}, swatch(`background:${info.landColor || COLORS.land};border:1px solid #bbb`), STATUS_LABEL.never),
    ]);
  }
  if (v.has('theaters')) {
    section('Regional theaters', info.theaters.map((t) => h('li', {},
      swatch(`background:${t.color}33;border:3px solid ${t.color}`), t.name)));
  }
  if (v.has('groupings')) {
    section('Force groupings', info.groupings.map((t) => h('li', {},
      swatch(`border:2px dashed ${t.color};background:transparent`), t.name)));
  }
  if (info.symbols?.length && (v.has('installations') || v.has('forces'))) {
    section('Military symbols (APP-6)', info.symbols.map((r) => h('li', {}, r.node, r.label)));
  } else {
    if (v.has('installations')) {
      section('Installations', INSTALLATION_SHAPES.filter((s) => info.installationShapes.has(s.key))
        .map((s) => h('li', {}, iconCanvas(s.key, COLORS.installation), s.label)));
    }
    if (v.has('forces')) {
      section('Forces', [
        h('li', {}, swatch(`border-radius:50%;width:12px;height:12px;border:2px solid ${COLORS.force};background:${COLORS.force}55`), 'Circle size: personnel'),
        h('li', {}, swatch(`border-radius:50%;width:10px;height:10px;border:2px solid ${COLORS.force};background:${COLORS.force}22`), 'Strength not known'),
      ]);
    }
  }
  if (v.has('installations') || v.has('forces')) {
    const rows = [
      h('li', { class: 'legend-approx' }, swatch(`border-radius:50%;border:2px dotted ${COLORS.installation};background:#78909c10`),
        'Approximate location (larger ring = less precise)'),
    ];
    if (info.undated) {
      rows.push(h('li', { class: 'legend-undated' }, info.symbols?.length
        ? swatch(`border:2px dashed ${COLORS.installation};background:#fff`)
        : iconCanvas('base', COLORS.installation, 2, true), 'Dates unknown (dashed outline): may not be in place at this date'));
    }
    section('Location and dates', rows);
  }
  if (v.has('events')) {
    section('Events within a year of the date', EVENT_SHAPES.filter((s) => info.eventShapes.has(s.key))
      .map((s) => h('li', {}, iconCanvas(s.key, COLORS.event), s.label)));
  }
  if (v.has('routes')) {
    section('Routes', [h('li', {}, swatch(`border-top:3px dashed ${COLORS.route};height:0;margin-top:8px`), 'Route, drawn schematically')]);
  }
  if (v.has('borders')) {
    section('Borders', [h('li', {}, swatch(`border-top:3px solid ${COLORS.border};height:0;margin-top:8px;opacity:.6`), 'Shared border of two countries')]);
  }
  if (info.analysis) {
    section('Analysis', [
      h('li', {}, swatch(`background:${COLORS.zone}33;border:2px solid ${COLORS.zone}`), info.analysis),
    ]);
  }
  container.replaceChildren(...items);
}
