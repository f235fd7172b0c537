// Events: the API's filters, sorting, paging and CSV export of exactly what
// the table shows.
import { h, clear, actorLink, download, fmtInt } from '../dom.js';
import { api } from '../api.js';
import { setTitle } from '../main.js';
import { filterForm, filtersFrom, filterQuery, placeText, casualties, quadBadge, cameoCell, reportLinks, empty } from './common.js';

const COLUMNS = [
  // key, heading, sort value, csv value
  ['date', 'Date', (e) => e.date, (e) => e.date],
  ['source', 'Source', (e) => (e.source ? e.source.name || e.source.code : ''), (e) => (e.source ? e.source.code : '')],
  ['event', 'Event', (e) => e.cameo, (e) => `${e.cameo} ${e.plover}${e.negated ? ' (negated)' : ''}`],
  ['target', 'Target', (e) => (e.target ? e.target.name || e.target.code : ''), (e) => (e.target ? e.target.code : '')],
  ['goldstein', 'Goldstein', (e) => e.goldstein, (e) => String(e.goldstein)],
  ['place', 'Place', (e) => placeText(e.place), (e) => placeText(e.place)],
  ['casualties', 'Casualties', (e) => (e.killed || 0) * 1000 + (e.wounded || 0), casualties],
  ['report', 'Report', (e) => (e.report_ids || [])[0] || '', (e) => (e.report_ids || []).join(' ')],
];

const PAGE_SIZES = [25, 50, 100, 250];
let cursorStack = []; // cursors of the pages before this one (memory only)
let lastKey = '';

export async function render(main, ctx) {
  setTitle('Events');
  const q = ctx.route.query;
  const filters = filtersFrom(q);
  const sort = q.get('sort') || '';
  const dir = q.get('dir') === 'asc' ? 'asc' : 'desc';
  const limit = PAGE_SIZES.includes(Number(q.get('limit'))) ? Number(q.get('limit')) : 50;
  const cursor = q.get('cursor') || '';
  const key = filterQuery(filters, { limit });
  if (key !== lastKey || !cursor) { cursorStack = []; lastKey = key; }

  const nav = (extra) => ctx.go('#/events' + filterQuery(filters, { sort, dir: sort ? dir : '', limit: limit === 50 ? '' : limit, ...extra }));
  const status = h('p.status', { 'aria-live': 'polite' }, 'Loading events…');
  const count = h('span.count');
  const tableWrap = h('div.tablewrap');
  main.append(
    h('h1', 'Events ', count),
    filterForm(filters, (f) => { cursorStack = []; ctx.go('#/events' + filterQuery(f, { limit: limit === 50 ? '' : limit })); }),
    status, tableWrap,
  );

  api('/events/facets', { query: filters }).then((r) => {
    if (!ctx.stale()) count.textContent = `(${fmtInt(r.count)} matching)`;
  }).catch(() => {});

  let res;
  try {
    res = await api('/events', { query: { ...filters, limit, cursor } });
  } catch (e) {
    status.textContent = '';
    status.append(h('span.error', { role: 'alert' }, `Could not load events: ${e.message}`));
    ctx.ready();
    return;
  }
  if (ctx.stale()) return;
  const rows = res.events.slice();
  if (sort) {
    const col = COLUMNS.find((c) => c[0] === sort);
    if (col) {
      rows.sort((a, b) => {
        const x = col[2](a); const y = col[2](b);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return dir === 'asc' ? c : -c;
      });
    }
  }
  clear(status);
  if (!rows.length) {
    status.append(empty(Object.keys(filters).length ? 'No events match these filters.' : 'No events yet: submit a report, or wait until it is processed.'));
    ctx.ready();
    return;
  }
  const page = cursorStack.length + 1;
  status.append(`Page ${page}: ${rows.length} event${rows.length === 1 ? '' : 's'}${sort ? `, this page sorted by ${sort} (${dir === 'asc' ? 'ascending' : 'descending'})` : ', newest first'}. `);

  const head = h('tr', COLUMNS.map(([k, label]) => {
    const active = sort === k;
    const next = active && dir === 'desc' ? 'asc' : 'desc';
    return h('th', { scope: 'col', 'aria-sort': active ? (dir === 'asc' ? 'ascending' : 'descending') : null },
      h('button.sort', { type: 'button', title: `Sort this page by ${label}`, onclick: () => nav({ sort: k, dir: next, cursor }) },
        label, active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''));
  }));
  const body = rows.map((e) => h('tr', { 'data-event': e.id },
    h('td.nowrap', e.date),
    h('td', actorLink(e.source)),
    h('td', cameoCell(e)),
    h('td', actorLink(e.target)),
    h('td.num', quadBadge(e)),
    h('td', placeText(e.place)),
    h('td', casualties(e)),
    h('td', reportLinks(e))));
  const table = h('table.events', h('caption.sr', 'Events matching the filters'), h('thead', head), h('tbody', body));

  const exportCSV = () => {
    const esc = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = [COLUMNS.map((c) => c[1]).join(',')];
    for (const e of rows) lines.push(COLUMNS.map((c) => esc(String(c[3](e) ?? ''))).join(','));
    download(`events-page${page}.csv`, lines.join('\r\n') + '\r\n', 'text/csv;charset=utf-8');
  };
  const exportAll = async (btn) => {
    btn.disabled = true;
    try {
      const text = await api('/events', { query: { ...filters, format: 'csv' }, raw: true });
      download('events-all.csv', text, 'text/csv;charset=utf-8');
    } catch (e) {
      status.append(h('span.error', { role: 'alert' }, `Export failed: ${e.message}`));
    } finally { btn.disabled = false; }
  };
  const pager = h('div.pager',
    h('button', { type: 'button', disabled: page === 1, onclick: () => { const prev = cursorStack.pop(); nav({ cursor: prev || '' }); } }, '← Previous'),
    h('span', ` Page ${page} `),
    h('button', { type: 'button', disabled: !res.next, onclick: () => { cursorStack.push(cursor); nav({ cursor: res.next }); } }, 'Next →'),
    h('label', { for: 'pagesize' }, ' Rows per page '),
    h('select#pagesize', { onchange: (ev) => { cursorStack = []; ctx.go('#/events' + filterQuery(filters, { sort, dir: sort ? dir : '', limit: ev.target.value })); } },
      PAGE_SIZES.map((n) => h('option', { value: n, selected: n === limit }, String(n)))),
    h('span.spacer'),
    h('button#export-csv', { type: 'button', onclick: exportCSV, title: 'The rows and columns shown, in the order shown' }, 'Export CSV (shown)'),
    h('button.secondary', { type: 'button', onclick: (ev) => exportAll(ev.currentTarget), title: 'Every matching event, GDELT 2.0 columns' }, 'Export all matching (GDELT CSV)'),
    h('a.secondary', { href: '#/map' + filterQuery(filters) }, 'Show on map'),
  );
  tableWrap.append(table);
  main.append(pager);
  ctx.ready();
}
