// Selection: what a click on the map opens (the nearest feature, or a chooser when several
// overlap), the popup and the Details tab of the selected feature or country, the highlight,
// and Escape to close.

import * as maplibregl from 'maplibre-gl';
import { describe, h, capital, words, collectionNoun } from './describe.js';
import { nearby, decide } from './picking.js';
import { PICKABLE_LINES } from './style.js';
import { formatDate, formatInterval } from './dates.js';
import { lineage, STATUS_LABEL } from './membership.js';
import { bbox } from './geo.js';

const $ = (id) => document.getElementById(id);
const fc = (features) => ({ type: 'FeatureCollection', features });

/** Popup width: 320 px, or the screen less a margin on phones. */
const popupWidth = () => `${Math.min(320, window.innerWidth - 28)}px`;

/**
 * app: { map, store, state, layers, ctx, iconScale, selectTab(key), onSelect(uid|null),
 * orgName(), complete(uid) (fetches the full feature of one picked from a tile) }.
 */
export function createSelection(app) {
  const { map, store, state } = app;
  let popup = null;
  let selected = null;

  function openPopup(at, body) {
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: popupWidth(), focusAfterOpen: false, className: 'fm-popup' })
      .setLngLat(at).setDOMContent(body).addTo(map);
    return popup;
  }

  function select(uid, { fly = false, popupAt = null } = {}) {
    const entry = store.byUid.get(uid);
    if (!entry) return;
    if (entry.partial) {
      // picked from a tile: open once the full feature is here, unless another was chosen
      selected = uid;
      app.complete(uid).then(() => { if (selected === uid) select(uid, { fly, popupAt }); });
      return;
    }
    const { feature, collection } = entry;
    selected = uid;
    const hl = feature.geometry ? [{ type: 'Feature', geometry: feature.geometry, properties: {} }] : [];
    map.getSource('highlight').setData(fc(hl));
    $('details').replaceChildren(describe(feature, collection, app.ctx));
    app.onSelect(uid);
    const at = popupAt || (feature.geometry?.type === 'Point' ? feature.geometry.coordinates : null);
    if (at) {
      const body = describe(feature, collection, app.ctx, { compact: true });
      const more = h('button', { type: 'button', class: 'link' }, 'More in Details');
      more.addEventListener('click', () => app.selectTab('details'));
      body.append(more);
      openPopup(at, body);
    } else {
      popup?.remove();
    }
    if (fly && feature.geometry) {
      const b = bbox(feature.geometry);
      if (feature.geometry.type === 'Point') map.easeTo({ center: feature.geometry.coordinates, zoom: Math.max(map.getZoom(), 6) });
      else if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 8 });
    }
  }

  function clear() {
    popup?.remove();
    popup = null;
    selected = null;
    map.getSource('highlight')?.setData(fc([]));
    app.onSelect(null);
  }

  /** A keyboard-usable list of the features under the pointer. */
  function chooser(uids, at) {
    const items = uids.map((uid) => {
      const { feature, collection } = store.byUid.get(uid);
      const p = feature.properties || {};
      const btn = h('button', { type: 'button', class: 'choice', 'data-uid': uid },
        h('span', { class: 'result-name' }, p.name || String(feature.id)),
        h('span', { class: 'result-meta' }, capital(words(p.kind)) || capital(collectionNoun(collection))));
      btn.addEventListener('click', () => select(uid, { popupAt: at }));
      return h('li', {}, btn);
    });
    const list = h('ul', { class: 'chooser', role: 'list', 'aria-label': `${uids.length} features here` }, ...items);
    const body = h('div', { class: 'chooser-box' }, h('p', { class: 'kind' }, `${uids.length} features here`), list);
    list.addEventListener('keydown', (e) => {
      const buttons = [...list.querySelectorAll('button')];
      const i = buttons.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const j = (i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length;
        buttons[j].focus();
      }
    });
    openPopup(at, body);
    list.querySelector('button')?.focus({ preventScroll: true });
  }

  /** Uids under map point `point`: point features by distance, lines by what is drawn there. */
  function pickAt(point) {
    const tolerance = 12 + 6 * app.iconScale;
    const points = nearby(app.layers.pickable(state.layers, { point, tolerance }), point, {
      project: (ll) => map.project(ll), iconScale: app.iconScale, tolerance,
    });
    const hits = decide(points);
    if (hits.length) return hits;
    if (map.getLayer('analysis-hit')) {
      const ring = map.queryRenderedFeatures([[point.x - 6, point.y - 6], [point.x + 6, point.y + 6]], { layers: ['analysis-hit'] })[0];
      if (ring?.properties?._uid) return [ring.properties._uid];
    }
    const layers = PICKABLE_LINES.filter((l) => map.getLayer(l) && map.getLayoutProperty(l, 'visibility') !== 'none');
    const box = [[point.x - 5, point.y - 5], [point.x + 5, point.y + 5]];
    const line = map.queryRenderedFeatures(box, { layers }).find((f) => f.properties._uid);
    if (line) return [line.properties._uid];
    const tiledLine = app.layers.tiledLineAt(state.layers, point);
    return tiledLine ? [tiledLine] : [];
  }

  /** Opens what lies at a click: a feature, a chooser, or the country. */
  function openAt(point, lngLat) {
    const at = [lngLat.lng, lngLat.lat];
    const uids = pickAt(point);
    if (uids.length === 1) { select(uids[0], { popupAt: at }); return; }
    if (uids.length > 1) { chooser(uids, at); return; }
    clear();
    const country = map.queryRenderedFeatures(point, { layers: ['country-pick'] })[0];
    if (country?.properties?.id) showCountry(String(country.properties.id), at);
  }

  /** Popup for a country: its membership of the chosen organization, with the sources. */
  function showCountry(iso3, at) {
    const status = store.membership(state.org, state.date).get(iso3) || 'never';
    const history = [];
    const sources = [];
    for (const g of lineage(state.org, store.groupings)) {
      for (const m of (g.properties?.members || []).filter((x) => x.country === iso3)) {
        const refs = (m.sources || []).map((i) => g.properties.sources?.[i]).filter(Boolean);
        refs.forEach((r) => { if (!sources.includes(r)) sources.push(r); });
        const org = g.properties.short_name || g.properties.name;
        const what = !m.status || m.status === 'member' ? `Member of the ${org}`
          : m.status === 'suspended' ? `Membership of the ${org} suspended`
            : `${capital(words(m.status))} in the ${org}`;
        history.push(`${what}, ${formatInterval(m.joined, m.left)}`);
      }
    }
    const label = status === 'future' ? STATUS_LABEL.never : (STATUS_LABEL[status] || status);
    const feature = {
      type: 'Feature', id: iso3, geometry: null,
      properties: {
        name: store.countryName(iso3),
        kind: `${app.orgName()}: ${label.toLowerCase()} on ${formatDate(state.date)}`,
        summary: history.length ? `${history.join('. ')}.` : `Never a member of the ${app.orgName()}.`,
        sources,
      },
    };
    $('details').replaceChildren(describe(feature, 'countries', app.ctx));
    if (at) openPopup(at, describe(feature, 'countries', app.ctx, { compact: true }));
  }

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && popup) {
      popup.remove();
      popup = null;
      map.getCanvas().focus({ preventScroll: true });
    }
  });

  return {
    select, clear, chooser, pickAt, openAt, showCountry,
    selected: () => selected,
    popupOpen: () => !!popup?.isOpen(),
  };
}
