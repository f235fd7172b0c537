// Overview: what the reports shared with you say over a window of days —
// totals, reports and events per day, the most active actors and dyads,
// events by CAMEO root — all computed by the server from the reports you may
// see (GET /api/v1/overview); then the latest events and the processing queue.
import { h, fmtInt, actorLink, QUAD_COLOR } from '../dom.js';
import { api, session } from '../api.js';
import { setTitle } from '../main.js';
import { CAMEO_ROOTS, quadBadge, placeText, empty, filterQuery } from './common.js';
import { countChart } from './charts.js';
import { mySubmissions } from './submit.js';

export async function render(main, ctx) {
  setTitle('Overview');
  const q = ctx.route.query;
  const win = { from: q.get('from') || '', to: q.get('to') || '' };
  const windowLine = h('p.meta#overview-window', 'Loading…');
  const totals = h('div.cards');
  const chart = h('div.chart#overview-chart');
  const latest = h('section', h('h2', 'Latest events ', h('span.count', 'any date')));
  const actors = h('section#top-actors', h('h2', 'Most active actors'));
  const dyads = h('section#top-dyads', h('h2', 'Most active dyads'));
  const roots = h('section#by-root', h('h2', 'Events by CAMEO root'));
  const queue = h('section', h('h2', 'Processing queue'));
  main.append(h('h1', 'Overview'), windowForm(win, ctx), windowLine, totals,
    h('div.grid2', h('section', h('h2', 'Reports and events per day'), chart), latest),
    h('div.grid3', actors, dyads, roots), queue);

  let o;
  try {
    o = await api('/overview', { query: win });
  } catch (e) {
    if (ctx.stale()) return;
    windowLine.replaceWith(h('p.error', { role: 'alert' }, `Could not load the overview: ${e.message}`));
    ctx.ready();
    return;
  }
  if (ctx.stale()) return;

  // The figures first: that is the first content.
  const inWindow = filterQuery({ from: o.from, to: o.to });
  document.getElementById('ov-from').value = o.from;
  document.getElementById('ov-to').value = o.to;
  windowLine.replaceChildren(`From ${o.from} to ${o.to}`, win.from || win.to ? '' : ' (the 90 days up to the newest event or report shared with you)',
    ' · counted by the server from the reports shared with you · ', h('a', { href: `#/events${inWindow}` }, 'these events'));
  totals.append(
    card('ov-reports', o.reports, 'reports in this window (by report date)'),
    card('ov-events', o.events, 'events in this window (by event date)'),
    card('ov-actors', o.actors, 'actors in them'));
  actors.append(o.top_actors.length ? h('ol.plain.ranked', o.top_actors.map((c) => h('li',
    goldsteinDot(c.goldstein), ' ', actorLink(c.actor), ' ', h('code.small.muted', c.actor.code), ' ',
    h('span.figures', `${fmtInt(c.count)} event${c.count === 1 ? '' : 's'} · mean Goldstein ${fmtG(c.goldstein)}`)))) : empty('None in this window.'));
  dyads.append(o.top_dyads.length ? h('ol.plain.ranked', o.top_dyads.map((c) => h('li',
    goldsteinDot(c.goldstein), ' ', actorLink(c.source), ' → ', actorLink(c.target), ' ',
    h('span.figures', `${fmtInt(c.count)} event${c.count === 1 ? '' : 's'} · mean Goldstein ${fmtG(c.goldstein)}`)))) : empty('None in this window.'));
  if (o.by_root.length) {
    const max = Math.max(...o.by_root.map((c) => c.count));
    roots.append(h('ul.bars', o.by_root.map((c) => h('li', h('a', { href: `#/events${filterQuery({ cameo: c.key, from: o.from, to: o.to })}` }, `${c.key} ${CAMEO_ROOTS[c.key] || ''}`),
      h('meter', { min: 0, max, value: c.count, 'aria-label': `${c.count} events` }), ` ${fmtInt(c.count)}`))));
  } else roots.append(empty('None in this window.'));
  ctx.ready();

  if (o.events_per_day.length || o.reports_per_day.length) {
    const series = (list) => new Map(list.map((c) => [c.key, c.count]));
    countChart(chart, [
      { label: 'events (by event date)', color: QUAD_COLOR[4], data: series(o.events_per_day) },
      { label: 'reports (by report date)', color: QUAD_COLOR[2], data: series(o.reports_per_day) },
    ], [o.from, o.to]).catch((e) => chart.append(h('p.error', e.message)));
  } else chart.append(empty('Nothing to chart in this window.'));

  // Asked only now, so as not to slow the figures down.
  api('/events', { query: { limit: 12 } }).then((res) => {
    if (ctx.stale()) return;
    const evs = res.events;
    if (!evs.length) {
      latest.append(empty('No events are visible to you yet. ', h('a', { href: '#/submit' }, 'Submit a report'), ' and it will appear here once processed.'));
      return;
    }
    latest.append(h('ul.plain.latest', evs.map((e) => h('li', quadBadge(e), ' ', h('span.nowrap', e.date), ' ',
      actorLink(e.source), ` —${e.plover}${e.negated ? ' (not)' : ''}→ `, actorLink(e.target), e.place ? ` · ${placeText(e.place)}` : '', ' ',
      (e.report_ids || [])[0] ? h('a', { href: `#/report/${encodeURIComponent(e.report_ids[0])}` }, 'report') : ''))),
    h('p', h('a', { href: '#/events' }, 'All events →')));
  }).catch((e) => latest.append(h('p.error', `Could not load events: ${e.message}`)));

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

function card(id, n, label) {
  return h('div.card', h('div.big', { id }, fmtInt(n)), h('div', label));
}

const fmtG = (g) => (g > 0 ? '+' : '') + Number(g).toFixed(1);

// goldsteinDot: blue for a cooperative mean (≥ 0), red for a conflictual one.
function goldsteinDot(g) {
  return h('span.dot', { 'data-color': g < 0 ? 'conf' : 'coop', title: `mean Goldstein ${fmtG(g)}` });
}

// windowForm: the days the overview covers; empty fields are the default
// window. The choice goes into the shareable URL.
function windowForm(win, ctx) {
  const from = h('input#ov-from', { type: 'date', name: 'from', value: win.from });
  const to = h('input#ov-to', { type: 'date', name: 'to', value: win.to });
  return h('form.filters.window', {
    'aria-label': 'Days covered',
    onsubmit: (ev) => {
      ev.preventDefault();
      ctx.go(`#/overview${filterQuery({ from: from.value, to: to.value })}`);
    },
  },
  h('div.field', h('label', { for: 'ov-from' }, 'From'), from),
  h('div.field', h('label', { for: 'ov-to' }, 'To'), to),
  h('div.field.buttons', h('button', { type: 'submit' }, 'Show'),
    h('button.secondary', { type: 'button', onclick: () => ctx.go('#/overview') }, 'Last 90 days')));
}
