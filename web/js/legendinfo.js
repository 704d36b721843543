// What the legend shows for the map as drawn: the statuses in use, the theaters and groupings
// with members at the date, the symbols of the features in view, whether some dates are
// unknown. The same description feeds the side panel, the embedded map and the PNG export.

import { AFFILIATIONS } from './symbols.js';
import { formatDate } from './dates.js';
import { STATUSES, STATUS_LABEL } from './membership.js';

/** The legend description for renderLegend (panel.js) and the PNG export. */
export function legendInfo({ store, state, layers, style, orgName, analysis, symbols = [] }) {
  const snap = layers.snapshot() || { installations: [], forces: [], events: [] };
  const named = (list) => list.filter((t) => store.membersAt(t.id, state.date).length)
    .map((t) => ({ name: store.groupings.get(t.id)?.properties?.name || t.id, color: t.color }));
  const statuses = new Set(store.membership(state.org, state.date).values());
  return {
    statusList: [
      ...STATUSES.filter((s) => s.key === 'member' || statuses.has(s.key)),
      { key: 'never', label: STATUS_LABEL.never, color: style.metadata['forcemap:land'] || '#f3f0e8' },
    ],
    orgLabel: `${orgName} membership, ${formatDate(state.date)}`,
    statuses,
    theaters: named(layers.dynamic.theaters),
    groupings: named(layers.dynamic.groupings),
    installationShapes: new Set(snap.installations.map((f) => f.properties._icon)),
    eventShapes: new Set(snap.events.map((f) => f.properties._icon)),
    undated: [...snap.installations, ...snap.forces].some((f) => f.properties._undated),
    visible: state.layers,
    landColor: style.metadata['forcemap:land'],
    analysis,
    symbols,
  };
}

/**
 * Legend rows for the APP-6 symbols drawn now: one per distinct symbol of the visible
 * forces and installations, described by kind and affiliation.
 */
export function legendSymbols(ms, symbolCanvas, snap) {
  if (!snap) return [];
  const rows = new Map();
  for (const [collection, list] of [['installations', snap.installations], ['forces', snap.forces]]) {
    for (const f of list) {
      const sidc = f.properties._sym;
      if (!sidc || rows.has(sidc)) continue;
      const affiliation = Object.entries(AFFILIATIONS).find(([, a]) => a.letter === sidc[1]);
      const what = String(f.properties.kind || collection).replace(/-/g, ' ');
      const canvas = symbolCanvas(ms, sidc, 20, 2);
      canvas.style.width = `${canvas.width / 2}px`;
      canvas.style.height = `${canvas.height / 2}px`;
      canvas.setAttribute('aria-hidden', 'true');
      rows.set(sidc, {
        node: canvas,
        label: `${what.charAt(0).toUpperCase()}${what.slice(1)}${sidc[3] === 'A' ? ', dates unknown' : ''} — ${affiliation?.[0] || 'unknown'}`,
        sidc,
      });
    }
  }
  return [...rows.values()].sort((a, b) => a.label.localeCompare(b.label));
}
