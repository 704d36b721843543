// Reduced-precision ISO 8601 dates ("2003", "2003-09", "2003-09-24"): parsing, comparing,
// and saying them in plain language with the precision the source gives.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

export const FIRST_YEAR = 1992;

/** Every instant, for collections that would otherwise answer for today only. */
export const ALL_TIME = '1900-01-01/..';

/** Today as YYYY-MM-DD (local calendar). */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function pad(n) {
  return String(n).padStart(2, '0');
}

/** Splits a reduced-precision date into numbers; null when it is not one. */
export function parts(s) {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(s.trim());
  if (!m) return null;
  return { y: +m[1], m: m[2] ? +m[2] : null, d: m[3] ? +m[3] : null };
}

/** The first day a reduced-precision date covers, as YYYY-MM-DD. */
export function startOf(s) {
  const p = parts(s);
  if (!p) return null;
  return `${p.y}-${pad(p.m ?? 1)}-${pad(p.d ?? 1)}`;
}

/** The last day a reduced-precision date covers, as YYYY-MM-DD. */
export function endOf(s) {
  const p = parts(s);
  if (!p) return null;
  if (p.d) return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
  if (p.m) return `${p.y}-${pad(p.m)}-${pad(daysInMonth(p.y, p.m))}`;
  return `${p.y}-12-31`;
}

function daysInMonth(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** "2003" → "2003", "2003-09" → "September 2003", "2003-09-24" → "24 September 2003". */
export function formatDate(s) {
  const p = parts(s);
  if (!p) return s == null ? '' : String(s);
  if (p.d) return `${p.d} ${MONTHS[p.m - 1]} ${p.y}`;
  if (p.m) return `${MONTHS[p.m - 1]} ${p.y}`;
  return String(p.y);
}

/** "from September 2003", "1992 – April 1999", "since 1992". */
export function formatInterval(from, to, { open = 'since' } = {}) {
  if (from && to) {
    return from === to ? formatDate(from) : `${formatDate(from)} – ${formatDate(to)}`;
  }
  if (from) return `${open} ${formatDate(from)}`;
  if (to) return `until ${formatDate(to)}`;
  return 'dates unknown';
}

/** True when the interval [from, to] (reduced precision, open ends allowed) holds `day`. */
export function covers(from, to, day) {
  const a = from ? startOf(from) : null;
  const b = to ? endOf(to) : null;
  return (!a || a <= day) && (!b || day <= b);
}

/** True when [from, to] overlaps [dayA, dayB]. */
export function overlaps(from, to, dayA, dayB) {
  const a = from ? startOf(from) : null;
  const b = to ? endOf(to) : (from ? endOf(from) : null);
  return (!a || a <= dayB) && (!b || dayA <= b);
}

/** Shifts YYYY-MM-DD by whole years (29 February becomes 28 February). */
export function addYears(day, n) {
  const p = parts(day);
  const d = Math.min(p.d ?? 1, daysInMonth(p.y + n, p.m ?? 1));
  return `${p.y + n}-${pad(p.m ?? 1)}-${pad(d)}`;
}

/** Months since January of FIRST_YEAR, for the slider. */
export function monthIndex(day) {
  const p = parts(day);
  return (p.y - FIRST_YEAR) * 12 + ((p.m ?? 1) - 1);
}

/** Inverse of monthIndex: the first of that month, or `keepDay` of it when valid. */
export function dayOfMonthIndex(i, keepDay = 1) {
  const y = FIRST_YEAR + Math.floor(i / 12);
  const m = (i % 12) + 1;
  return `${y}-${pad(m)}-${pad(Math.min(keepDay, daysInMonth(y, m)))}`;
}

/** Fractional year of a YYYY-MM-DD, for charts. */
export function yearFraction(day) {
  const p = parts(day);
  if (!p) return null;
  const start = Date.UTC(p.y, 0, 1);
  const end = Date.UTC(p.y + 1, 0, 1);
  const t = Date.UTC(p.y, (p.m ?? 1) - 1, p.d ?? 1);
  return p.y + (t - start) / (end - start);
}

export function isDay(s) {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
}
