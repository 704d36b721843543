// The "what changed between two dates" list: the answer of /analysis/changes (joins, exits,
// status changes, installations and forces opened or closed, events) said in plain words.

import { formatDate, startOf } from './dates.js';

/** Kinds of change, in the order the filter shows them, with their labels. */
export const CHANGE_KINDS = [
  { key: 'joined', label: 'Joined' },
  { key: 'left', label: 'Left' },
  { key: 'status-changed', label: 'Status changed' },
  { key: 'opened', label: 'Opened or set up' },
  { key: 'closed', label: 'Closed or withdrawn' },
  { key: 'event', label: 'Event' },
];

const words = (s) => String(s || '').replace(/-/g, ' ');

/**
 * One sentence per change: [{ key, date, when, text, change, uid }], sorted by date. `name`
 * gives countries' names (ISO3 → name) and `groupingName` groupings' (id → name).
 */
export function describeChanges(answer, { name = (x) => x, groupingName = (x) => x } = {}) {
  const rows = (answer?.features || []).map((f, i) => {
    const p = f.properties || {};
    const who = p.country ? name(p.country) : p.name || p.id;
    const org = p.grouping ? groupingName(p.grouping) : '';
    let text;
    switch (p.change) {
      case 'joined': text = `${who} joined the ${org}`; break;
      case 'left': text = `${who} left the ${org}`; break;
      case 'status-changed':
        text = `${who} in the ${org}: ${words(p.status_from || 'member')} → ${words(p.status_to || 'member')}`;
        break;
      case 'opened': text = `${p.name || p.id} in place`; break;
      case 'closed': text = `${p.name || p.id} closed or withdrawn`; break;
      case 'event': text = p.name || p.id; break;
      default: text = `${p.name || p.id}: ${words(p.change)}`;
    }
    const uid = p.collection && p.id && !['groupings', 'countries'].includes(p.collection) ? `${p.collection}/${p.id}` : null;
    return { key: `${i}`, date: p.date || '', when: formatDate(p.date), text, change: p.change, uid, geometry: f.geometry };
  });
  return rows.sort((a, b) => (startOf(a.date) || '').localeCompare(startOf(b.date) || ''));
}
