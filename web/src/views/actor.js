// Actor: names, events over time, the network of partners and opponents,
// a map of where it acts.
import { h, clear, fmtInt, eventSummary, QUAD_COLOR } from '../dom.js';
import { api } from '../api.js';
import { setTitle } from '../main.js';
import { CAMEO_ROOTS, placeText, empty, quadBadge } from './common.js';
import { timeChart, actorGraph, worldMap, clusterLayer, eventPoints } from './charts.js';

export async function render(main, ctx) {
  const id = ctx.route.arg;
  setTitle('Actor');
  let p;
  try {
    p = await api(`/actors/${encodeURIComponent(id)}`);
  } catch (e) {
    main.append(h('h1', 'Actor'), h('p.error', { role: 'alert' }, e.status === 404
      ? 'No report shared with you mentions this actor.' : `Could not load the actor: ${e.message}`));
    ctx.ready();
    return;
  }
  if (ctx.stale()) return;
  const a = p.actor;
  setTitle(a.name || a.code);
  const evLink = `#/events?actor=${encodeURIComponent(a.id || a.code)}`;
  main.append(
    h('h1', a.name || a.code, ' ', h('code.small', a.code)),
    h('p.meta', `${a.kind}${a.country ? ' · ' + a.country : ''}${a.role ? ' · ' + a.role : ''} · ${fmtInt(p.mentions)} mentions in ${fmtInt(p.report_count)} reports · source of ${fmtInt(p.as_source)} events, target of ${fmtInt(p.as_target)} · `,
      h('a', { href: evLink }, 'all its events')),
    h('p', h('strong', 'Names in the reports: '), (p.names || []).join(' · ') || '—'),
  );
  if ((p.by_root || []).length) {
    const max = Math.max(...p.by_root.map((c) => c.count));
    main.append(h('details.roots', { open: true }, h('summary', 'Events by CAMEO root'),
      h('ul.bars', p.by_root.map((c) => h('li', h('a', { href: `${evLink}&cameo=${c.key}` }, `${c.key} ${CAMEO_ROOTS[c.key] || ''}`),
        h('meter', { min: 0, max, value: c.count, 'aria-label': `${c.count} events` }), ` ${c.count}`)))));
  }
  const chartEl = h('div.chart#actor-chart');
  const graphEl = h('div.graph#actor-graph', { role: 'img', 'aria-label': 'Network of partners and opponents' });
  const mapEl = h('div.map.small-map#actor-map', { role: 'region', 'aria-label': 'Map of where it acts' });
  const partnersEl = h('div.partners');
  const latest = h('div');
  const quotesEl = h('div#actor-quotes', h('p.muted', 'Loading…'));
  main.append(h('div.grid2',
    h('section', h('h2', 'Events over time'), chartEl),
    h('section', h('h2', 'Partners and opponents'), h('p.small.legend-line', h('span.swatch-line.coop'), ' cooperation (mean Goldstein ≥ 0)  ', h('span.swatch-line.conf'), ' conflict; width = number of events'), graphEl, partnersEl)),
  h('section', h('h2', 'Where it acts'), mapEl),
  h('div.grid2', h('section', h('h2', 'Latest events'), latest), h('section', h('h2', 'Quotes'), quotesEl)));
  ctx.ready();
  quotes(quotesEl, a, ctx);

  let res;
  try {
    res = await api('/events', { query: { actor: a.id || a.code, limit: 1000 } });
  } catch (e) {
    chartEl.append(h('p.error', e.message));
    return;
  }
  if (ctx.stale()) return;
  const evs = res.events;
  if (!evs.length) {
    chartEl.append(empty('No events involve this actor in the reports shared with you.'));
  }
  latest.append(evs.length ? h('ul.plain', evs.slice(0, 15).map((e) => h('li', quadBadge(e), ' ', e.date, ' ', eventSummary(e), ' ',
    (e.report_ids || [])[0] ? h('a', { href: `#/report/${encodeURIComponent(e.report_ids[0])}` }, 'report') : ''))) : empty('No events.'));
  const cleanups = [];
  await Promise.all([
    evs.length ? timeChart(chartEl, evs).then((pl) => cleanups.push(() => pl.destroy())).catch((e) => chartEl.append(h('p.error', e.message))) : null,
    actorGraph(graphEl, a, evs, (oid) => ctx.go(`#/actor/${encodeURIComponent(oid)}`)).then(({ cy, partners }) => {
      cleanups.push(() => cy.destroy());
      if (!partners.length) graphEl.append(h('p.empty.overlay', 'No partners or opponents yet.'));
      partners.sort((x, y) => y.n - x.n);
      partnersEl.append(h('ul.plain.small', partners.slice(0, 12).map((e) => h('li',
        h('span.dot', { 'data-color': e.g / e.n < 0 ? 'conf' : 'coop' }), ' ',
        h('a', { href: `#/actor/${encodeURIComponent(e.target)}` }, e.label), ` — ${e.n} event${e.n > 1 ? 's' : ''}, mean Goldstein ${(e.g / e.n).toFixed(1)}`))));
    }).catch((e) => graphEl.append(h('p.error', e.message))),
    worldMap(mapEl).then((map) => {
      cleanups.push(() => map.remove());
      const pts = eventPoints(evs);
      if (!pts.length) mapEl.after(empty('None of its events has a known place.'));
      clusterLayer(map, pts, (sel) => ctx.go(`#/events?actor=${encodeURIComponent(a.id || a.code)}&bbox=${bboxOf(sel)}`));
    }).catch((e) => mapEl.append(h('p.error', e.message))),
  ]);
  return () => cleanups.forEach((f) => f());
}

export function bboxOf(points) {
  const lons = points.map((p) => p.lon); const lats = points.map((p) => p.lat);
  const pad = 0.05;
  return [Math.min(...lons) - pad, Math.min(...lats) - pad, Math.max(...lons) + pad, Math.max(...lats) + pad].map((x) => x.toFixed(3)).join(',');
}

// quotes lists what the actor said in the reports shared with you, newest
// report first, each linked to its place in its report. (The actor's full
// profile has them too, but reads up to 20,000 events: seconds for a busy
// actor of a big cell.)
async function quotes(el, a, ctx) {
  let p;
  try {
    p = await api(`/actors/${encodeURIComponent(a.id || a.code)}/quotes`, { query: { limit: 50 } });
  } catch (e) {
    if (!ctx.stale()) el.replaceChildren(h('p.error', `Could not load the quotes: ${e.message}`));
    return;
  }
  if (ctx.stale()) return;
  const qs = p.quotes || [];
  if (!qs.length) { el.replaceChildren(empty('No quotes of this actor in the reports shared with you.')); return; }
  el.replaceChildren(h('ul.plain.quotes', qs.map((q) => h('li',
    h('blockquote', q.direct ? `“${q.text}”` : q.text),
    h('div.small.muted', q.direct ? 'direct' : 'reported speech', ` · report of ${q.date} · `,
      h('a', { href: `#/report/${encodeURIComponent(q.report_id)}?quote=${q.span.start}-${q.span.end}` }, 'in its report'))))),
  p.quotes.length >= 50 ? h('p.small.muted', 'The 50 newest quotes.') : '');
}
