// The date control: the slider (months since 1992, with year ticks and the period the data
// covers marked on it), the exact-date field, the date label, play through the years, and
// setDate, which batches quick changes and resolves when the new date is drawn.

import { today, addYears, monthIndex, dayOfMonthIndex, formatDate, parts, isDay, FIRST_YEAR } from './dates.js';
import { h } from './describe.js';

const $ = (id) => document.getElementById(id);

/**
 * `state` holds the date; `onDate(day)` draws it (may return a promise); `tracker` counts the
 * wait; `onChange()` after each change (permalink).
 */
export function createDateControl({ state, onDate, tracker, onChange }) {
  const slider = $('slider');
  const dateInput = $('date-input');
  const last = today();
  slider.min = '0';
  slider.max = String(monthIndex(last));
  dateInput.max = last;
  let covered = null;

  function drawTicks() {
    const ticks = $('slider-ticks');
    if (!ticks) return;
    const max = Number(slider.max);
    const rows = [];
    for (let y = FIRST_YEAR; y <= Number(last.slice(0, 4)); y += 1) {
      const at = ((y - FIRST_YEAR) * 12) / max;
      const major = y % 5 === 0;
      rows.push(h('span', { class: major ? 'tick major' : 'tick', style: `left:${(at * 100).toFixed(2)}%` },
        major ? h('span', { class: 'tick-label' }, String(y)) : ''));
    }
    if (covered) {
      const a = monthIndex(covered[0]) / max;
      const b = monthIndex(covered[1]) / max;
      rows.unshift(h('span', {
        class: 'covered', style: `left:${(a * 100).toFixed(2)}%;width:${Math.max(0.5, (b - a) * 100).toFixed(2)}%`,
        title: `Period the data covers: ${formatDate(covered[0])} – ${formatDate(covered[1])}`,
      }));
    }
    ticks.replaceChildren(...rows);
  }

  function show() {
    slider.value = String(monthIndex(state.date));
    const label = formatDate(state.date);
    slider.setAttribute('aria-valuetext', label);
    $('date-label').textContent = label;
    dateInput.value = state.date;
    const note = $('date-note');
    if (note) {
      const outside = covered && (state.date < covered[0] || state.date > covered[1]);
      note.textContent = outside
        ? `Outside the period the data covers (${covered[0].slice(0, 4)}–${covered[1].slice(0, 4)}): the map may be incomplete.`
        : '';
      note.hidden = !outside;
    }
  }

  let timer = null;
  let waiting = false;
  const resolvers = [];
  function setDate(day, { immediate = false } = {}) {
    if (!isDay(day)) return Promise.resolve();
    if (day > last) day = last;
    if (day < `${FIRST_YEAR}-01-01`) day = `${FIRST_YEAR}-01-01`;
    state.date = day;
    show();
    onChange();
    clearTimeout(timer);
    if (!waiting) {
      waiting = true;
      tracker.busy(1); // counts as loading from now, so that waiting for idle waits for the date
    }
    return new Promise((resolve) => {
      resolvers.push(resolve);
      timer = setTimeout(() => {
        const done = tracker.tracked(Promise.resolve(onDate(state.date)));
        waiting = false;
        tracker.busy(-1);
        const batch = resolvers.splice(0);
        done.then(() => batch.forEach((r) => r()), () => batch.forEach((r) => r()));
      }, immediate ? 0 : 60);
    });
  }

  slider.addEventListener('input', () => {
    const keep = parts(state.date).d || 1;
    setDate(dayOfMonthIndex(Number(slider.value), keep));
  });
  dateInput.addEventListener('change', () => {
    if (isDay(dateInput.value)) setDate(dateInput.value);
  });

  let playing = false;
  async function play() {
    playing = !playing;
    const btn = $('play');
    btn.setAttribute('aria-pressed', String(playing));
    btn.textContent = playing ? '❚❚' : '▶';
    btn.setAttribute('aria-label', playing ? 'Pause' : 'Play through the years');
    if (playing && state.date.slice(0, 4) === last.slice(0, 4)) await setDate(`${FIRST_YEAR}-06-01`, { immediate: true });
    while (playing) {
      const started = performance.now();
      const next = addYears(state.date, 1);
      if (next > last) {
        if (playing) play();
        break;
      }
      await setDate(next, { immediate: true });
      const wait = 900 - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  $('play').addEventListener('click', play);

  return {
    setDate,
    show,
    /** Marks the period [start, end] (days) the data covers. */
    setCovered(period) {
      covered = period;
      drawTicks();
      show();
    },
    drawTicks,
  };
}
