// Membership timeline: one row per member country, one column per year, bars coloured by
// status, a line at the selected date. Plain SVG.

import { FIRST_YEAR, yearFraction, today } from './dates.js';
import { STATUS_COLOR, STATUS_LABEL } from './membership.js';

const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * intervals: [{country, from, to, status}] (from/to YYYY-MM-DD or null);
 * name(iso3) → display name; date: selected YYYY-MM-DD; onPick(year).
 */
export function renderTimeline(container, { intervals, name, date, title, onPick }) {
  container.replaceChildren();
  const lastYear = Number(today().slice(0, 4));
  const years = lastYear - FIRST_YEAR + 1;
  const countries = [...new Set(intervals.map((i) => i.country))]
    .sort((a, b) => name(a).localeCompare(name(b)));
  if (!countries.length) {
    container.textContent = 'No membership data for this organization.';
    return;
  }
  // drawn at the container's own width, one unit a pixel, so that the text keeps its CSS size
  const width = Math.max(280, container.clientWidth || 320);
  const labelW = 112;
  const colW = (width - labelW - 16) / years;
  const rowH = 22;
  const top = 30;
  const labelEvery = colW * 5 >= 38 ? 5 : 10;
  const height = top + countries.length * rowH + 6;
  const x = (yf) => labelW + (yf - FIRST_YEAR) * colW;
  const endX = x(yearFraction(today()));

  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height), role: 'img',
    'aria-labelledby': 'timeline-svg-title', class: 'timeline-svg',
  });
  svg.append(el('title', { id: 'timeline-svg-title' }, title));

  for (let y = FIRST_YEAR; y <= lastYear; y += 1) {
    const cx = x(y);
    svg.append(el('line', { x1: cx, x2: cx, y1: top - 4, y2: height - 4, class: y % 5 === 0 ? 'grid major' : 'grid' }));
    if (y % labelEvery === 0) {
      svg.append(el('text', { x: cx + 1, y: top - 9, class: 'year' }, String(y)));
    }
    const hit = el('rect', {
      x: cx, y: top - 22, width: colW, height: height - top + 18, class: 'year-hit',
      tabindex: '-1', 'data-year': y,
    });
    hit.append(el('title', {}, `Go to ${y}`));
    hit.addEventListener('click', () => onPick(y));
    svg.append(hit);
  }

  countries.forEach((c, row) => {
    const ry = top + row * rowH;
    const label = el('text', { x: labelW - 6, y: ry + rowH * 0.68, class: 'country', 'text-anchor': 'end' }, name(c));
    svg.append(label);
    for (const iv of intervals.filter((i) => i.country === c)) {
      const x0 = iv.from ? Math.max(x(yearFraction(iv.from)), labelW) : labelW;
      const x1 = iv.to ? x(yearFraction(iv.to)) : endX;
      if (x1 <= x0) continue;
      const status = iv.status === 'member' ? 'member' : iv.status;
      const bar = el('rect', {
        x: x0, y: ry + 3, width: Math.max(1.5, x1 - x0), height: rowH - 6, rx: 2,
        fill: STATUS_COLOR[status] || '#888', class: 'tl-bar',
      });
      bar.append(el('title', {}, `${name(c)}: ${STATUS_LABEL[status] || status}, ${iv.from || '…'} – ${iv.to || 'now'}`));
      svg.append(bar);
    }
  });

  const nx = x(yearFraction(date));
  svg.append(el('line', { x1: nx, x2: nx, y1: top - 6, y2: height, class: 'now' }));
  container.append(svg);

  // A text equivalent for screen readers and for copying into lesson notes.
  const list = document.createElement('ul');
  list.className = 'visually-hidden';
  for (const c of countries) {
    const li = document.createElement('li');
    li.textContent = `${name(c)}: ${intervals.filter((i) => i.country === c)
      .map((i) => `${STATUS_LABEL[i.status] || i.status} ${i.from || '…'} to ${i.to || 'now'}`).join('; ')}`;
    list.append(li);
  }
  container.append(list);
}
