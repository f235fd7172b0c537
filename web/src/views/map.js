// Map: events on the world map (Natural Earth outlines, no tiles), clustered,
// filtered by the same filters as Events; choosing a cluster lists its events.
import { h, clear, eventSummary, actorLink } from '../dom.js';
import { api } from '../api.js';
import { setTitle } from '../main.js';
import { filterForm, filtersFrom, filterQuery, placeText, quadBadge, empty } from './common.js';
import { worldMap, clusterLayer, eventPoints } from './charts.js';
import { bboxOf } from './actor.js';

export async function render(main, ctx) {
  setTitle('Map');
  const filters = filtersFrom(ctx.route.query);
  const status = h('p.status', { 'aria-live': 'polite' }, 'Loading events…');
  const mapEl = h('div.map#world-map', { role: 'region', 'aria-label': 'World map of events' });
  const list = h('div.maplist', { 'aria-live': 'polite' }, h('p.muted', 'Choose a circle (click, or Tab to it and press Enter) to list its events.'));
  main.append(h('h1', 'Map'), filterForm(filters, (f) => ctx.go('#/map' + filterQuery(f))), status,
    h('div.mapwrap', mapEl, list));
  let map;
  const [res] = await Promise.all([
    api('/events', { query: { ...filters, limit: 1000 } }).catch((e) => ({ error: e })),
    worldMap(mapEl).then((m) => { map = m; }).catch((e) => { mapEl.append(h('p.error', e.message)); }),
  ]);
  if (ctx.stale()) { if (map) map.remove(); return; }
  if (res.error) {
    status.replaceChildren(h('span.error', { role: 'alert' }, `Could not load events: ${res.error.message}`));
    ctx.ready();
    return () => map && map.remove();
  }
  const pts = eventPoints(res.events);
  status.textContent = `${pts.length} of ${res.events.length} events${res.next ? ' (the newest 1,000)' : ''} have a place.`;
  if (!pts.length) status.append(' ', empty(Object.keys(filters).length ? 'No located events match these filters.' : 'No located events yet.'));
  if (map) {
    clusterLayer(map, pts, (sel) => {
      clear(list);
      const box = bboxOf(sel);
      list.append(h('h2', `${sel.length} event${sel.length > 1 ? 's' : ''}`),
        h('p', h('a', { href: '#/events' + filterQuery(filters, { bbox: box }) }, 'Open these in the events table')),
        h('ul.plain', sel.slice(0, 50).map((p) => h('li', quadBadge(p.event), ' ', p.event.date, ' ', eventSummary(p.event), ' · ', placeText(p.event.place), ' ',
          (p.event.report_ids || [])[0] ? h('a', { href: `#/report/${encodeURIComponent(p.event.report_ids[0])}` }, 'report') : ''))));
    });
  }
  ctx.ready();
  return () => map && map.remove();
}
