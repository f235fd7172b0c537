// Overview: totals, reports and events per day, the most active actors and
// dyads, the latest events, the processing queue.
import { h, clear, fmtInt, eventSummary, actorLink, QUAD_COLOR } from '../dom.js';
import { api, session } from '../api.js';
import { setTitle } from '../main.js';
import { CAMEO_ROOTS, quadBadge, placeText, empty } from './common.js';
import { countChart } from './charts.js';
import { mySubmissions } from './submit.js';

const SAMPLE = 1000;

export async function render(main, ctx) {
  setTitle('Overview');
  const totals = h('div.cards');
  const latest = h('section', h('h2', 'Latest events'));
  const chart = h('div.chart#overview-chart');
  const actors = h('section', h('h2', 'Most active actors'));
  const dyads = h('section', h('h2', 'Most active dyads'));
  const roots = h('section', h('h2', 'Events by CAMEO root'));
  const queue = h('section', h('h2', 'Processing queue'));
  main.append(h('h1', 'Overview'), totals,
    h('div.grid2', h('section', h('h2', 'Reports and events per day'), h('p.small.muted#sample-note', ''), chart), latest),
    h('div.grid3', actors, dyads, roots), queue);

  const facets = api('/events/facets').catch(() => null);
  let res;
  try {
    res = await api('/events', { query: { limit: SAMPLE } });
  } catch (e) {
    latest.append(h('p.error', { role: 'alert' }, `Could not load events: ${e.message}`));
    ctx.ready();
    return;
  }
  if (ctx.stale()) return;
  const evs = res.events;
  // Latest events first: that is the first content.
  if (!evs.length) {
    latest.append(empty('No events are visible to you yet. ', h('a', { href: '#/submit' }, 'Submit a report'), ' and it will appear here once processed.'));
  } else {
    latest.append(h('ul.plain.latest', evs.slice(0, 12).map((e) => h('li', quadBadge(e), ' ', h('span.nowrap', e.date), ' ',
      actorLink(e.source), ` —${e.plover}${e.negated ? ' (not)' : ''}→ `, actorLink(e.target), e.place ? ` · ${placeText(e.place)}` : '', ' ',
      (e.report_ids || [])[0] ? h('a', { href: `#/report/${encodeURIComponent(e.report_ids[0])}` }, 'report') : ''))),
    h('p', h('a', { href: '#/events' }, 'All events →')));
  }
  ctx.ready();

  const reportsSeen = new Set();
  const evPerDay = new Map(); const repPerDay = new Map();
  const actorCount = new Map(); const dyadCount = new Map();
  for (const e of evs) {
    evPerDay.set(e.date, (evPerDay.get(e.date) || 0) + 1);
    for (const id of e.report_ids || []) {
      if (reportsSeen.has(id)) continue;
      reportsSeen.add(id);
      const d = e.added || e.date;
      repPerDay.set(d, (repPerDay.get(d) || 0) + 1);
    }
    for (const a of [e.source, e.target]) {
      if (!a) continue;
      const k = a.id || a.code;
      const c = actorCount.get(k) || { actor: a, n: 0 };
      c.n++; actorCount.set(k, c);
    }
    if (e.source && e.target) {
      const k = `${e.source.id || e.source.code}|${e.target.id || e.target.code}`;
      const c = dyadCount.get(k) || { s: e.source, t: e.target, n: 0, g: 0 };
      c.n++; c.g += Number(e.goldstein) || 0; dyadCount.set(k, c);
    }
  }
  document.getElementById('sample-note').textContent = res.next
    ? `From the newest ${fmtInt(SAMPLE)} events visible to you; reports by the day they were stored.`
    : 'All events visible to you; reports by the day they were stored, events by the day they happened.';
  const top = (m) => [...m.values()].sort((a, b) => b.n - a.n).slice(0, 10);
  actors.append(actorCount.size ? h('ol.plain', top(actorCount).map((c) => h('li', actorLink(c.actor), ` ${c.n}`))) : empty('None yet.'));
  dyads.append(dyadCount.size ? h('ol.plain', top(dyadCount).map((c) => h('li', h('span.dot', { 'data-color': c.g / c.n < 0 ? 'conf' : 'coop' }), ' ', actorLink(c.s), ' → ', actorLink(c.t), ` ${c.n}`))) : empty('None yet.'));
  if (evs.length) {
    countChart(chart, [
      { label: 'events (by event date)', color: QUAD_COLOR[4], data: evPerDay },
      { label: 'reports (by day stored)', color: QUAD_COLOR[2], data: repPerDay },
    ]).catch((e) => chart.append(h('p.error', e.message)));
  } else chart.append(empty('Nothing to chart yet.'));

  facets.then((f) => {
    if (ctx.stale()) return;
    totals.append(h('div.card', h('div.big', fmtInt(f ? f.count : null)), h('div', 'events visible to you')),
      h('div.card', h('div.big', fmtInt(reportsSeen.size)), h('div', res.next ? 'reports among the newest events' : 'reports with events')),
      h('div.card', h('div.big', fmtInt(actorCount.size)), h('div', 'actors in them')));
    if (f && f.by_root && f.by_root.length) {
      const max = Math.max(...f.by_root.map((c) => c.count));
      roots.append(h('ul.bars', f.by_root.map((c) => h('li', h('a', { href: `#/events?cameo=${c.key}` }, `${c.key} ${CAMEO_ROOTS[c.key] || ''}`),
        h('meter', { min: 0, max, value: c.count, 'aria-label': `${c.count} events` }), ` ${fmtInt(c.count)}`))));
    } else roots.append(empty('None yet.'));
  });

  // The queue: this tab's submissions with their live status; cell admins
  // also see the cell-wide job counts.
  const mine = mySubmissions().slice(0, 10);
  if (!mine.length) queue.append(empty('You have submitted nothing from this tab. ', h('a', { href: '#/submit' }, 'Submit a report')));
  else {
    const rows = mine.map((m) => {
      const st = h('span.status', '…'); const why = h('span.small');
      api(`/reports/${encodeURIComponent(m.id)}`).then((r) => {
        st.textContent = r.status; st.classList.add(`s-${r.status}`);
        if (r.error) why.textContent = ` ${r.error}`;
      }).catch((e) => { st.textContent = e.status === 404 ? 'not visible' : 'unknown'; });
      return h('li', st, ' ', h('a', { href: `#/report/${encodeURIComponent(m.id)}` }, m.title || m.id), why);
    });
    queue.append(h('p.small.muted', 'Reports submitted from this browser tab:'), h('ul.plain', rows));
  }
  if (session.who && session.who.role === 'cell-admin') {
    api('/../../metrics', { raw: true }).then((text) => {
      const counts = [...text.matchAll(/^intelcell_jobs\{state="([^"]+)"\} (\S+)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
      queue.append(h('p.small', 'Cell-wide: ', counts.join(' · ') || 'no jobs'));
    }).catch(() => {});
  }
}
