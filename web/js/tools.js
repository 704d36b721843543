// Analysis tools: border zone, range ring (from an installation or from any clicked point),
// "what is here" (the areas covering a point and the facilities near it). Each draws on the
// map's `analysis` source and lists its results; the list and the map stay in sync.

import { analysis } from './api.js';
import { h, formatKm, collectionNoun, capital, words } from './describe.js';
import { formatDate } from './dates.js';
import { bbox } from './geo.js';

const $ = (id) => document.getElementById(id);

export function createTools(app) {
  const { map, state, store, ctx, fc } = app;
  let results = []; // [{uid, feature, collection}]
  let lastKey = '';
  let controller = null;
  let fitNext = false;
  let legend = '';
  let shapes = []; // the drawn analysis shapes (zone, ring, border), for the GeoJSON export
  let pickingCentre = false;

  const radios = [...document.querySelectorAll('input[name="tool"]')];
  const forms = [...document.querySelectorAll('.tool[data-tool]')];
  const status = $('tool-status');
  const list = $('results');

  function showForm(name) {
    for (const r of radios) r.checked = r.value === (name || '');
    for (const f of forms) f.hidden = f.dataset.tool !== name;
  }

  function clear() {
    controller?.abort();
    results = [];
    lastKey = '';
    legend = '';
    shapes = [];
    statusLine = null;
    list.replaceChildren();
    status.textContent = '';
    map.getSource('analysis')?.setData(fc([]));
    map.getSource('here')?.setData(fc([]));
  }

  for (const r of radios) {
    r.addEventListener('change', () => {
      if (!r.checked) return;
      clear();
      const name = r.value || null;
      if (name === 'border-zone') state.tool = { name, countries: currentPair(), km: Number($('bz-km').value) || 50 };
      else if (name === 'range') state.tool = { name, from: $('rg-from').value, km: Number($('rg-km').value) || 300 };
      else if (name === 'here') state.tool = { name, at: null };
      else state.tool = null;
      showForm(name);
      if (name === 'here') status.textContent = 'Click the map to see what covers that point.';
      app.onChange();
    });
  }

  // ------------------------------------------------------------ border zone form

  const selA = $('bz-a');
  const selB = $('bz-b');
  let neighbours = new Map(); // ISO3 → Set ISO3

  function fillCountries() {
    neighbours = new Map();
    for (const b of store.borders) {
      const cs = Array.isArray(b.properties?.countries) && b.properties.countries.length === 2
        ? b.properties.countries : String(b.id).split('-');
      if (cs.length !== 2) continue;
      const [x, y] = cs;
      if (!neighbours.has(x)) neighbours.set(x, new Set());
      if (!neighbours.has(y)) neighbours.set(y, new Set());
      neighbours.get(x).add(y);
      neighbours.get(y).add(x);
    }
    const byName = (a, b) => ctx.countryName(a).localeCompare(ctx.countryName(b));
    const keep = selA.value || 'TJK';
    selA.replaceChildren(...[...neighbours.keys()].sort(byName)
      .map((c) => h('option', { value: c }, ctx.countryName(c))));
    if (neighbours.has(keep)) selA.value = keep;
    fillNeighbours();
  }

  function fillNeighbours(prefer) {
    const set = neighbours.get(selA.value) || new Set();
    const keep = prefer || selB.value || 'AFG';
    selB.replaceChildren(...[...set].sort((a, b) => ctx.countryName(a).localeCompare(ctx.countryName(b)))
      .map((c) => h('option', { value: c }, ctx.countryName(c))));
    if (set.has(keep)) selB.value = keep;
  }

  function currentPair() {
    return selA.value && selB.value ? [selA.value, selB.value] : [];
  }

  selA.addEventListener('change', () => fillNeighbours());
  $('form-border').addEventListener('submit', (e) => {
    e.preventDefault();
    state.tool = { name: 'border-zone', countries: currentPair(), km: clampKm($('bz-km').value, 50) };
    fitNext = true;
    run();
    app.onChange();
  });

  // ------------------------------------------------------------ range form

  const selFrom = $('rg-from');
  function fillInstallations() {
    const keep = state.tool?.name === 'range' ? state.tool.from : selFrom.value;
    const options = app.installations().filter((f) => f.geometry)
      .sort((a, b) => a.properties._label.localeCompare(b.properties._label))
      .map((f) => h('option', { value: String(f.id) }, f.properties._label || String(f.id)));
    if (keep && !options.some((o) => o.value === keep)) {
      options.unshift(h('option', { value: keep }, `${keep} (not in place at this date)`));
    }
    selFrom.replaceChildren(...options);
    if (keep) selFrom.value = keep;
  }
  $('rg-pick').addEventListener('click', () => {
    pickingCentre = true;
    status.textContent = 'Click the map where the ring should start.';
    map.getCanvas().focus({ preventScroll: true });
  });
  $('form-range').addEventListener('submit', (e) => {
    e.preventDefault();
    state.tool = { name: 'range', from: selFrom.value, km: clampKm($('rg-km').value, 300) };
    fitNext = true;
    run();
    app.onChange();
  });

  function clampKm(v, dflt) {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? Math.min(n, 5000) : dflt;
  }

  // ------------------------------------------------------------ running

  function key() {
    return JSON.stringify([state.tool, state.date]);
  }

  async function run() {
    const t = state.tool;
    if (!t) return;
    const k = key();
    if (k === lastKey) return;
    lastKey = k;
    statusLine = null;
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    let params;
    let describeRun;
    if (t.name === 'border-zone') {
      if (t.countries?.length !== 2) { status.textContent = 'Choose two neighbouring countries.'; return; }
      params = {
        countries: t.countries.join(','), distance_km: t.km, datetime: state.date, include: 'zone',
        collections: 'installations,forces,events',
      };
      describeRun = () => `within ${formatKm(t.km)} of the ${t.countries.map(ctx.countryName).join('–')} border`;
    } else if (t.name === 'range' && t.at) {
      params = { lon: t.at[0].toFixed(5), lat: t.at[1].toFixed(5), radius_km: t.km, datetime: state.date, include: 'zone' };
      describeRun = () => `within ${formatKm(t.km)} of ${t.at[1].toFixed(2)}° N, ${t.at[0].toFixed(2)}° E`;
    } else if (t.name === 'range') {
      if (!t.from) { status.textContent = 'Choose an installation.'; return; }
      params = { from: t.from, radius_km: t.km, datetime: state.date, include: 'zone' };
      describeRun = () => `within ${formatKm(t.km)} of ${store.byUid.get(`installations/${t.from}`)?.feature.properties?.name || t.from}`;
    } else if (t.name === 'here') {
      if (t.at) await locate(t.at, { fromState: true });
      return;
    } else return;

    status.textContent = 'Working…';
    list.replaceChildren();
    try {
      const question = t.name === 'range' && t.at ? 'near' : t.name;
      const answer = await app.tracked(analysis(question, params, { signal }));
      if (signal.aborted) return;
      show(answer, describeRun);
    } catch (e) {
      if (e.name === 'AbortError') return;
      lastKey = '';
      status.textContent = `The analysis failed: ${e.message}`;
      map.getSource('analysis').setData(fc([]));
    }
  }

  function collectionOf(f) {
    const p = f.properties || {};
    if (p.collection) return p.collection;
    const uid = store.byId.get(String(f.id));
    return uid ? uid.split('/')[0] : 'features';
  }

  let statusLine = null;
  function refreshStatus() {
    if (statusLine) status.textContent = statusLine();
  }

  function show(answer, describeRunFn) {
    const describeRun = describeRunFn();
    legend = `${state.tool.name === 'range' ? 'Range' : 'Zone'} ${describeRun}`;
    const features = answer.features || [];
    shapes = features.filter((f) => f.properties?.role)
      .map((f) => ({ ...f, properties: { ...f.properties, collection: 'analysis', analysis: legend } }));
    const hits = features.filter((f) => !f.properties?.role);
    results = hits.map((f) => {
      const collection = collectionOf(f);
      const uid = `${collection}/${f.id}`;
      const prior = store.byUid.get(uid)?.feature;
      // keep the analysis answer (distance, side) but fall back on the fuller stored feature
      const feature = { ...f, properties: { ...(prior?.properties || {}), ...f.properties } };
      store.byUid.set(uid, { feature, collection });
      return { uid, feature, collection };
    });
    results.sort((a, b) => (a.feature.properties.distance_km ?? Infinity) - (b.feature.properties.distance_km ?? Infinity));
    const drawn = [
      ...shapes.map((f) => ({ ...f, properties: { role: f.properties.role } })),
      ...results.filter((r) => r.feature.geometry).map((r) => ({
        type: 'Feature', geometry: r.feature.geometry, properties: { _uid: r.uid },
      })),
    ];
    map.getSource('analysis').setData(fc(drawn));

    const s = answer.summary || {};
    let extra = Number.isFinite(s.border_length_km) ? ` The border is ${formatKm(s.border_length_km)} long.` : '';
    if (state.tool.name === 'range' && Array.isArray(s.countries) && s.countries.length) {
      extra += ` The ring reaches ${s.countries.map((c) => ctx.countryName(typeof c === 'string' ? c : c.id || c.country)).join(', ')}.`;
    }
    const unlocated = Array.isArray(s.unlocated_in_scope) ? s.unlocated_in_scope.length : Number(s.unlocated_in_scope);
    if (unlocated > 0) {
      extra += ` ${unlocated} ${unlocated === 1 ? 'feature' : 'features'} of these kinds ${unlocated === 1 ? 'has' : 'have'} no known location and ${unlocated === 1 ? 'is' : 'are'} left out.`;
    }
    const n = results.length;
    const day = state.date;
    statusLine = () => `${n} ${n === 1 ? 'feature' : 'features'} ${describeRunFn()}, ${formatDate(day)}.${extra}`;
    refreshStatus();
    list.replaceChildren(...results.map(row));
    if (fitNext) {
      fitNext = false;
      const zone = shapes.find((f) => f.properties.role === 'zone') || shapes[0];
      const b = zone && bbox(zone.geometry);
      if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, maxZoom: 9 });
    }
    app.onChange();
  }

  function row(r) {
    const p = r.feature.properties;
    const meta = [capital(words(p.kind)) || capital(collectionNoun(r.collection))];
    if (p.side) meta.push(`${ctx.countryName(p.side)} side`);
    if (!r.feature.geometry) meta.push('no location');
    if (p.certainty === 'possible') meta.push('possibly (location uncertain)');
    const btn = h('button', { type: 'button', class: 'result', 'data-uid': r.uid },
      h('span', { class: 'result-name' }, p.name || String(r.feature.id)),
      h('span', { class: 'result-meta' }, meta.join(' · ')),
      p.distance_km !== undefined ? h('span', { class: 'result-km' }, distanceText(p)) : '');
    btn.addEventListener('mouseenter', () => hover(r.uid));
    btn.addEventListener('focus', () => hover(r.uid));
    btn.addEventListener('mouseleave', () => hover(null));
    btn.addEventListener('click', () => app.select(r.uid, { fly: true }));
    return h('li', {}, btn);
  }

  /** "42 km", or "42 km (30–55 km)" when the answer gives the range the location allows. */
  function distanceText(p) {
    const range = Number.isFinite(p.distance_km_min) && Number.isFinite(p.distance_km_max)
      && (p.distance_km_min !== p.distance_km || p.distance_km_max !== p.distance_km)
      ? ` (${formatKm(p.distance_km_min)}–${formatKm(p.distance_km_max)})` : '';
    return `${formatKm(p.distance_km)}${range}`;
  }

  function hover(uid) {
    for (const b of list.querySelectorAll('.result')) b.classList.toggle('hover', b.dataset.uid === uid);
    const r = results.find((x) => x.uid === uid);
    const hl = r?.feature.geometry ? [{ type: 'Feature', geometry: r.feature.geometry, properties: {} }] : [];
    if (uid || hl.length === 0) map.getSource('highlight')?.setData(fc(hl));
  }

  // ------------------------------------------------------------ what is here

  async function locate([lon, lat], { fromState = false } = {}) {
    state.tool = { name: 'here', at: [lon, lat] };
    if (!fromState) app.onChange();
    lastKey = key();
    map.getSource('here').setData(fc([{ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: {} }]));
    status.textContent = 'Looking…';
    try {
      const answer = await app.tracked(analysis('locate', { lon: lon.toFixed(5), lat: lat.toFixed(5), datetime: state.date }));
      const feats = answer.features || [];
      const country = feats.find((f) => collectionOf(f) === 'countries' || /^[A-Z]{3}$/.test(String(f.id)));
      const others = feats.filter((f) => f !== country);
      const where = `${Math.abs(lat).toFixed(3)}° ${lat >= 0 ? 'N' : 'S'}, ${Math.abs(lon).toFixed(3)}° ${lon >= 0 ? 'E' : 'W'}`;
      status.textContent = country
        ? `${where} is in ${country.properties?.name || ctx.countryName(String(country.id))} on ${formatDate(state.date)}.`
        : `${where}: no country here (sea or outside the data).`;
      results = [];
      list.replaceChildren(...others.map((f) => {
        const p = f.properties || {};
        const g = store.groupings.get(String(f.id));
        const kind = p.kind || g?.properties?.kind;
        return h('li', {}, h('div', { class: 'result static' },
          h('span', { class: 'result-name' }, p.name || ctx.groupingName(String(f.id))),
          h('span', { class: 'result-meta' }, capital(words(kind || collectionOf(f))))));
      }));
      if (!others.length && country) list.replaceChildren(h('li', { class: 'hint' }, 'No organization or theater covers this point at this date.'));
      await nearbyFacilities([lon, lat]);
    } catch (e) {
      status.textContent = `Could not look up the point: ${e.message}`;
    }
  }

  /** The installations and forces nearest a point, listed under the areas covering it. */
  async function nearbyFacilities([lon, lat]) {
    try {
      const answer = await app.tracked(analysis('nearest', {
        lon: lon.toFixed(5), lat: lat.toFixed(5), k: 5, collections: 'installations,forces', datetime: state.date,
      }));
      const hits = (answer.features || []).filter((f) => f.geometry);
      results = hits.map((f) => {
        const collection = collectionOf(f);
        const uid = `${collection}/${f.id}`;
        const prior = store.byUid.get(uid)?.feature;
        return { uid, feature: { ...f, properties: { ...(prior?.properties || {}), ...f.properties } }, collection };
      });
      if (!results.length) return;
      list.append(h('li', { class: 'results-head' }, 'Nearest installations and forces'), ...results.map(row));
      map.getSource('analysis').setData(fc(results.map((r) => ({ type: 'Feature', geometry: r.feature.geometry, properties: { _uid: r.uid } }))));
    } catch (e) {
      list.append(h('li', { class: 'hint' }, `Could not list the facilities nearby: ${e.message}`));
    }
  }

  // ------------------------------------------------------------ public

  return {
    init() {
      fillCountries();
      fillInstallations();
    },
    /** Applies state.tool (from the permalink) to the forms and runs it. */
    restore() {
      const t = state.tool;
      clear();
      showForm(t?.name || '');
      if (!t) { app.onChange(); return; }
      if (t.name === 'border-zone') {
        if (t.countries?.length === 2) {
          selA.value = t.countries[0];
          fillNeighbours(t.countries[1]);
        }
        $('bz-km').value = String(t.km);
      } else if (t.name === 'range') {
        fillInstallations();
        if (t.from) selFrom.value = t.from;
        $('rg-km').value = String(t.km);
      }
      run();
    },
    onData() {
      if (!selA.options.length && store.borders.length) fillCountries();
      fillInstallations();
      if (state.tool) run();
      refreshStatus();
    },
    onSelect(uid) {
      for (const b of list.querySelectorAll('.result')) {
        const on = b.dataset.uid === uid;
        b.classList.toggle('selected', on);
        b.setAttribute('aria-current', on ? 'true' : 'false');
        if (on) b.scrollIntoView({ block: 'nearest' });
      }
    },
    onHover(uid) {
      const inList = results.some((r) => r.uid === uid);
      for (const b of list.querySelectorAll('.result')) b.classList.toggle('hover', inList && b.dataset.uid === uid);
    },
    locate,
    pickingCentre: () => pickingCentre,
    /** Starts the range ring at a clicked point. */
    setCentre(at) {
      pickingCentre = false;
      state.tool = { name: 'range', at, km: clampKm($('rg-km').value, 300) };
      fitNext = true;
      run();
      app.onChange();
    },
    shapes: () => shapes,
    legendLabel: () => (state.tool && state.tool.name !== 'here' ? legend : ''),
    results: () => results,
  };
}
