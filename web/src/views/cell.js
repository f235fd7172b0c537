// Cell: for admins, the organisations, sharing groups and tokens they
// administer (a cell admin all of them, an org admin its own org's) — with
// creating and revoking tokens — and the audit log. A new token's secret is
// shown once, on this page only, and kept nowhere else.
import { h, clear, fmtInt } from '../dom.js';
import { api, session } from '../api.js';
import { setTitle, signOut } from '../main.js';
import { empty } from './common.js';

const ROLES = ['reader', 'analyst', 'admin', 'cell-admin'];

export async function render(main, ctx) {
  setTitle('Cell');
  const v = session.who;
  main.append(h('h1', 'Cell administration'));
  if (!v || (v.role !== 'admin' && v.role !== 'cell-admin')) {
    main.append(h('p.error', { role: 'alert' }, `Your role (${v ? v.role : 'none'}) does not administer the cell or an organisation.`));
    ctx.ready();
    return;
  }
  const cellAdmin = v.role === 'cell-admin';
  main.append(h('p.meta', cellAdmin ? 'You administer the whole cell: every organisation and token.' : `You administer ${v.org}: its tokens.`),
    h('dl.kv', h('dt', 'Organisation'), h('dd', v.org), h('dt', 'Role'), h('dd', v.role),
      h('dt', 'Your token'), h('dd', h('code', v.token_id || '—')), h('dt', 'Groups'), h('dd', (v.groups || []).join(', ') || 'none')));

  const orgsSec = h('section#cell-orgs', h('h2', 'Organisations'), h('p.muted', 'Loading…'));
  const groupsSec = h('section#cell-groups', h('h2', 'Sharing groups'), h('p.muted', 'Loading…'));
  const tokensSec = h('section#cell-tokens', h('h2', 'Tokens'));
  const auditSec = h('section#cell-audit', h('h2', 'Audit log'), h('p.muted', 'Loading…'));
  main.append(h('div.grid2', orgsSec, groupsSec), tokensSec, auditSec);

  // The first content is the organisations or the tokens, whichever comes first.
  const orgsP = api('/orgs').then((r) => r.orgs || []);
  orgsP.then((orgs) => {
    if (ctx.stale()) return;
    table(orgsSec, orgs, ['Organisation', 'Created', 'Default release'],
      (o) => [o.name, day(o.created), releaseText(o.default_release)]);
    ctx.ready();
  }).catch((e) => { failed(orgsSec, e); ctx.ready(); });
  api('/groups').then((r) => {
    if (ctx.stale()) return;
    table(groupsSec, r.groups || [], ['Group', 'Member organisations'], (g) => [g.name, (g.orgs || []).join(', ')],
      cellAdmin ? 'No sharing groups yet (intelcell group create).' : 'Your organisation is in no sharing group.');
  }).catch((e) => failed(groupsSec, e));
  tokens(tokensSec, v, cellAdmin, orgsP, ctx);
  audit(auditSec, ctx);
}

// tokens: the list with revoke buttons, and the form that creates one.
function tokens(sec, v, cellAdmin, orgsP, ctx) {
  const list = h('div', h('p.muted', 'Loading…'));
  const result = h('div', { 'aria-live': 'polite' });
  const name = h('input#tok-name', { name: 'name', maxlength: 100, placeholder: 'who or what uses it, e.g. Ana’s laptop', size: 30 });
  const allowed = ROLES.slice(0, cellAdmin ? 4 : 3);
  const role = h('select#tok-role', { name: 'role' }, allowed.map((r) => h('option', { value: r, selected: r === 'analyst' }, r)));
  const org = h('select#tok-org', { name: 'org', disabled: !cellAdmin }, h('option', { value: v.org }, v.org));
  if (cellAdmin) {
    orgsP.then((orgs) => {
      clear(org);
      for (const o of orgs) org.append(h('option', { value: o.name, selected: o.name === v.org }, o.name));
    }).catch(() => {});
  }
  const button = h('button', { type: 'submit' }, 'Create token');
  const form = h('form.filters.tokform', {
    'aria-label': 'Create a token',
    onsubmit: async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      clear(result);
      try {
        const r = await api('/tokens', { method: 'POST', body: { org: org.value, role: role.value, name: name.value.trim() } });
        if (ctx.stale()) return;
        name.value = '';
        result.append(secretBox(r.token, r.secret));
        await load();
      } catch (e) {
        result.append(h('p.error', { role: 'alert' }, `Could not create the token: ${e.message}`));
      } finally {
        button.disabled = false;
      }
    },
  },
  h('div.field', h('label', { for: 'tok-name' }, 'Name'), name),
  h('div.field', h('label', { for: 'tok-org' }, 'Organisation'), org),
  h('div.field', h('label', { for: 'tok-role' }, 'Role'), role),
  h('div.field.buttons', button));
  sec.append(h('p.small.muted', cellAdmin ? 'Every token of the cell.' : `The tokens of ${v.org}. You may create and revoke tokens up to your own role.`),
    form, result, list);

  const load = async () => {
    let r;
    try {
      r = await api('/tokens');
    } catch (e) {
      if (!ctx.stale()) { failed(list, e); ctx.ready(); }
      return;
    }
    if (ctx.stale()) return;
    clear(list);
    ctx.ready();
    const toks = r.tokens || [];
    const active = toks.filter((t) => !t.revoked).length;
    list.append(h('div.tablewrap', h('table.tokens.stack', h('thead', h('tr', ['Name', 'Id', 'Organisation', 'Role', 'Created', 'Last used', 'State', ''].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', toks.map((t) => h('tr', { 'data-token': t.id },
        td('Name', t.name || h('span.muted', '—')), td('Id', h('code', t.id)), td('Organisation', t.org), td('Role', t.role), td('Created', day(t.created)),
        td('Last used', t.last_used ? when(t.last_used) : 'never'),
        td('State', t.revoked ? h('span.muted', `revoked ${day(t.revoked)}`) : t.id === v.token_id ? h('strong', 'active (you)') : 'active'),
        td('', t.revoked || (!cellAdmin && t.role === 'cell-admin') ? '' : revokeButton(t, t.id === v.token_id, load))))))),
    h('p.small.muted', `${fmtInt(toks.length)} tokens, ${fmtInt(active)} active`));
  };
  load();
}

// revokeButton asks once more before revoking.
function revokeButton(t, self, reload) {
  const cell = h('span.revoke');
  const ask = () => {
    clear(cell);
    cell.append(h('span.small', self ? 'This is your own token: you will be signed out. ' : ''),
      h('button.danger', {
        type: 'button', 'aria-label': `Confirm revoking token ${t.name || t.id}`,
        onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            await api(`/tokens/${encodeURIComponent(t.id)}`, { method: 'DELETE' });
            if (self) { signOut(); return; }
            await reload();
          } catch (e) {
            clear(cell);
            cell.append(h('span.error', e.message));
          }
        },
      }, 'Confirm revoke'), ' ',
      h('button.secondary', { type: 'button', onclick: idle }, 'Cancel'));
    cell.querySelector('button').focus();
  };
  const idle = () => {
    clear(cell);
    cell.append(h('button.secondary', { type: 'button', 'aria-label': `Revoke token ${t.name || t.id}`, onclick: ask }, 'Revoke'));
  };
  idle();
  return cell;
}

// secretBox shows a new token's secret, once: it is in this page's memory
// only until the page changes.
function secretBox(t, secret) {
  const out = h('input#new-secret', { type: 'text', readonly: true, value: secret, size: 50, 'aria-label': 'The new token', spellcheck: 'false', autocomplete: 'off' });
  const copied = h('span.small', { 'aria-live': 'polite' });
  return h('div.notice.secret', { role: 'status' },
    h('p', h('strong', `Token ${t.name ? `“${t.name}” ` : ''}created for ${t.org} (${t.role}).`),
      ' Copy it now and give it to its user over a safe channel: it is shown only this once and cannot be recovered.'),
    h('div.secretline', out, ' ', h('button.secondary', {
      type: 'button',
      onclick: async () => {
        out.select();
        try { await navigator.clipboard.writeText(secret); copied.textContent = ' Copied.'; } catch { copied.textContent = ' Select the text and copy it.'; }
      },
    }, 'Copy'), copied));
}

// audit: the log, newest first, as far as the caller may read it; "More"
// fetches the next page.
function audit(sec, ctx) {
  const body = h('tbody');
  const more = h('button.secondary', { type: 'button', hidden: true }, 'More');
  let cursor = null;
  let shown = 0;
  const count = h('p.small.muted');
  const page = async () => {
    more.disabled = true;
    let r;
    try {
      r = await api('/audit', { query: { limit: matchMedia('(max-width: 600px)').matches ? 20 : 50, cursor } });
    } catch (e) {
      if (!ctx.stale()) failed(sec, e);
      return;
    }
    if (ctx.stale()) return;
    if (sec.querySelector('p.muted')) sec.querySelector('p.muted').remove();
    for (const a of r.entries || []) {
      body.append(h('tr', td('Time', when(a.time)),
        td('Who', a.org || '—', a.role ? ` (${a.role})` : '', a.via && a.via !== 'api' ? ` via ${a.via}` : ''),
        td('Action', a.action || ''), td('Target', [a.target, a.object].filter(Boolean).join(' ')), td('Detail', a.detail || ''), td('Status', a.status ? String(a.status) : '')));
      shown++;
    }
    cursor = r.next;
    more.hidden = !cursor;
    more.disabled = false;
    count.textContent = `${fmtInt(shown)} entries shown${cursor ? '' : ' (all)'}`;
  };
  more.addEventListener('click', page);
  sec.append(h('div.tablewrap', h('table.audit.stack', h('thead', h('tr', ['Time', 'Who', 'Action', 'Target', 'Detail', 'Status'].map((x) => h('th', { scope: 'col' }, x)))), body)),
    h('div.pager', count, more));
  page();
}

// td is a table cell that names its column, so that narrow screens can show
// each row as a list of labelled fields (app.css, table.stack).
function td(label, ...children) {
  return h('td', { 'data-label': label }, ...children.filter((c) => c !== ''));
}

function table(sec, items, heads, row, none = 'Nothing here.') {
  if (sec.querySelector('p.muted')) sec.querySelector('p.muted').remove();
  if (!items.length) { sec.append(empty(none)); return; }
  sec.append(h('div.tablewrap', h('table', h('thead', h('tr', heads.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', items.map((it) => h('tr', row(it).map((c) => h('td', c))))))));
}

function failed(sec, e) {
  const m = sec.querySelector('p.muted');
  if (m) m.remove();
  sec.append(e.status === 403 ? h('p.error', 'Your role may not see this.') : h('p.error', e.message));
}

function releaseText(r) {
  if (!r) return '—';
  return `${r.audience}${r.groups && r.groups.length ? ': ' + r.groups.join(', ') : ''} · TLP:${String(r.tlp).toUpperCase()}${r.attribution ? ' · attributed' : ''}`;
}

const day = (t) => (t ? String(t).slice(0, 10) : '—');
const when = (t) => (t ? String(t).slice(0, 16).replace('T', ' ') : '—');
