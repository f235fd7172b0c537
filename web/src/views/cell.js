// Cell: for admins, the organisations, sharing groups, tokens and audit log
// that the API exposes. Parts whose endpoint this server does not have say so.
import { h, fmtInt } from '../dom.js';
import { api, session } from '../api.js';
import { setTitle } from '../main.js';
import { empty } from './common.js';

export async function render(main, ctx) {
  setTitle('Cell');
  const v = session.who;
  main.append(h('h1', 'Cell administration'));
  if (!v || (v.role !== 'admin' && v.role !== 'cell-admin')) {
    main.append(h('p.error', { role: 'alert' }, `Your role (${v ? v.role : 'none'}) does not administer the cell or an organisation.`));
    ctx.ready();
    return;
  }
  main.append(h('dl.kv', h('dt', 'Organisation'), h('dd', v.org), h('dt', 'Role'), h('dd', v.role),
    h('dt', 'Token id'), h('dd', h('code', v.token_id || '—')), h('dt', 'Groups'), h('dd', (v.groups || []).join(', ') || 'none')));
  const sections = [
    ['Sharing groups', '/groups', (r) => r.groups, (g) => [g.name, (g.orgs || []).join(', ')], ['Group', 'Member organisations']],
    ['Organisations', '/orgs', (r) => r.orgs, (o) => [o.name, o.created || ''], ['Organisation', 'Created']],
    ['Tokens', '/tokens', (r) => r.tokens, (t) => [t.id, t.org, t.role, t.last_used || 'never', t.revoked ? `revoked ${t.revoked}` : 'active'], ['Id', 'Organisation', 'Role', 'Last used', 'State']],
    ['Audit log', '/audit', (r) => r.entries || [], (a) => [a.time || '', [a.org || '—', a.role ? ` (${a.role})` : '', a.via && a.via !== 'api' ? ` via ${a.via}` : ''].join(''),
      a.action || '', [a.target, a.object].filter(Boolean).join(' '), a.detail || '', a.status || ''], ['Time', 'Who', 'Action', 'Target', 'Detail', 'Status']],
  ];
  ctx.ready();
  for (const [title, path, pick, row, heads] of sections) {
    const sec = h('section', h('h2', title), h('p.muted', 'Loading…'));
    main.append(sec);
    api(path).then((r) => {
      const items = pick(r) || [];
      sec.lastChild.remove();
      if (!items.length) { sec.append(empty('Nothing here.')); return; }
      sec.append(h('div.tablewrap', h('table', h('thead', h('tr', heads.map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', items.map((it) => h('tr', row(it).map((c) => h('td', String(c)))))))), h('p.small.muted', `${fmtInt(items.length)} shown`));
    }).catch((e) => {
      sec.lastChild.remove();
      sec.append(e.status === 404 || e.status === 405
        ? empty(`This server does not offer ${title.toLowerCase()} over the API yet; use the intelcell CLI (org, group, token commands).`)
        : h('p.error', e.status === 403 ? `Your role may not see ${title.toLowerCase()}.` : e.message));
    });
  }
}
