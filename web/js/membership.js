// Membership of an organization at a date: member, participation frozen, suspended, observer,
// former member, never.

import { startOf } from './dates.js';

export const STATUSES = [
  { key: 'member', label: 'Member', color: '#2f6fb5' },
  { key: 'participation-frozen', label: 'Participation frozen', color: '#c2574a' },
  { key: 'suspended', label: 'Membership suspended', color: '#e0a31b' },
  { key: 'observer', label: 'Observer', color: '#8fc1e3' },
  { key: 'former', label: 'Former member', color: '#a58cb8' },
];

export const STATUS_COLOR = Object.fromEntries(STATUSES.map((s) => [s.key, s.color]));
export const STATUS_LABEL = Object.fromEntries(STATUSES.map((s) => [s.key, s.label]));
STATUS_LABEL.never = 'Never a member';

/**
 * Groupings whose membership continues another one: the CSTO grew out of the Collective
 * Security Treaty of 1992, so "CSTO" on the map also shows the Treaty's members before 2002.
 * A grouping may also name its forerunner in a `predecessor` property.
 */
const KNOWN_PREDECESSORS = { csto: ['cst'] };

export function lineage(id, groupingsById) {
  const out = [];
  const seen = new Set();
  const walk = (gid) => {
    if (!gid || seen.has(gid)) return;
    seen.add(gid);
    const g = groupingsById.get(gid);
    if (!g) return;
    out.push(g);
    const p = g.properties || {};
    const pred = [].concat(p.predecessor || [], KNOWN_PREDECESSORS[gid] || []);
    pred.forEach(walk);
  };
  walk(id);
  return out;
}

/** Does the interval [joined, left) hold `day`? Reduced-precision ends count from their start. */
function holds(m, day) {
  const a = m.joined ? startOf(m.joined) : null;
  const b = m.left ? startOf(m.left) : null;
  return (!a || a <= day) && (!b || day < b);
}

/**
 * Status of every country that ever had an interval in the given groupings, at `day`.
 * `active_members` from the server (members at the requested date) wins for "member".
 * Returns Map ISO3 → 'member' | 'participation-frozen' | 'suspended' | 'observer' | 'former' |
 * 'future'.
 */
export function statusAt(groupings, day) {
  const status = new Map();
  const active = new Set();
  let serverSaid = false;
  for (const g of groupings) {
    const p = g.properties || {};
    if (Array.isArray(p.active_members)) {
      serverSaid = true;
      p.active_members.forEach((c) => active.add(c));
    }
  }
  const members = groupings.flatMap(spells);
  const rank = { member: 5, 'participation-frozen': 4, suspended: 3, observer: 2, former: 1, future: 0 };
  const set = (c, s) => {
    if (!status.has(c) || rank[s] > rank[status.get(c)]) status.set(c, s);
  };
  for (const m of members) {
    if (!m || !m.country) continue;
    const st = m.status || 'member';
    if (holds(m, day)) {
      if (st === 'member') {
        if (!serverSaid) set(m.country, 'member');
        else if (!active.has(m.country)) set(m.country, 'former');
      } else set(m.country, st);
    } else if (m.joined && startOf(m.joined) <= day) {
      set(m.country, 'former');
    } else {
      set(m.country, 'future');
    }
  }
  for (const c of active) set(c, 'member');
  return status;
}

/**
 * Member spells cut to the life of their grouping: a spell with no end in a grouping that was
 * dissolved or succeeded ends with it. Returns [{country, joined, left, status, grouping}].
 */
function spells(g) {
  const p = g.properties || {};
  const gFrom = p.valid_from ? startOf(p.valid_from) : null;
  const gTo = p.valid_to ? startOf(p.valid_to) : null;
  return (p.members || []).filter((m) => m && m.country).map((m) => {
    let joined = m.joined ? startOf(m.joined) : gFrom;
    let left = m.left ? startOf(m.left) : gTo;
    if (gFrom && joined && joined < gFrom) joined = gFrom;
    if (gTo && (!left || left > gTo)) left = gTo;
    return { country: m.country, joined, left, status: m.status || 'member', grouping: String(g.id) };
  }).filter((m) => !m.joined || !m.left || m.joined < m.left);
}

/** Intervals per country for the timeline chart: [{country, from, to, status}]. */
export function intervals(groupings) {
  return groupings.flatMap((g) => spells(g).map((m) => ({
    country: m.country, from: m.joined, to: m.left, status: m.status, grouping: m.grouping,
  })));
}
