// Submit: paste text or HTML or upload a file, choose the release policy,
// watch the status until processed.
import { h, clear } from '../dom.js';
import { api, session } from '../api.js';
import { setTitle } from '../main.js';

const TLP_FOR = { org: 'amber+strict', groups: 'amber', cell: 'green', public: 'clear' };
const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];
const MINE = 'intelcell.submitted';

// The reports submitted from this tab (ids and titles only), for the overview.
export function mySubmissions() {
  try { return JSON.parse(sessionStorage.getItem(MINE) || '[]'); } catch { return []; }
}
function remember(item) {
  const list = mySubmissions().filter((x) => x.id !== item.id);
  list.unshift(item);
  sessionStorage.setItem(MINE, JSON.stringify(list.slice(0, 50)));
}

export async function render(main, ctx) {
  setTitle('Submit a report');
  if (session.who && session.who.role === 'reader') {
    main.append(h('h1', 'Submit a report'), h('p.error', 'Your role (reader) may not submit reports.'));
    ctx.ready();
    return;
  }
  const today = new Date().toISOString().slice(0, 10);
  const f = {
    title: h('input#s-title', { name: 'title', maxlength: 500 }),
    date: h('input#s-date', { type: 'date', name: 'date', value: today }),
    source: h('input#s-source', { name: 'source', placeholder: 'e.g. Reuters, field team B' }),
    url: h('input#s-url', { type: 'url', name: 'url', placeholder: 'https://…' }),
    format: h('select#s-format', { name: 'format' }, h('option', { value: 'text' }, 'plain text'), h('option', { value: 'html' }, 'HTML (reduced to its article text)')),
    text: h('textarea#s-text', { name: 'text', rows: 12, placeholder: 'Paste the report here…' }),
    file: h('input#s-file', { type: 'file', accept: '.txt,.text,.md,.html,.htm,text/plain,text/html' }),
    tlp: h('select#s-tlp', { name: 'tlp' }, TLPS.map((t) => h('option', { value: t, selected: t === 'amber+strict' }, `TLP:${t.toUpperCase()}`))),
    attribution: h('input#s-attr', { type: 'checkbox', name: 'attribution', checked: true }),
  };
  const audiences = [['org', 'My organisation only'], ['groups', 'Sharing groups'], ['cell', 'The whole cell'], ['public', 'Public']];
  const audInputs = audiences.map(([v, label]) => {
    const r = h('input', { type: 'radio', name: 'audience', value: v, id: `aud-${v}`, checked: v === 'org' });
    r.addEventListener('change', () => { f.tlp.value = TLP_FOR[v]; groupsBox.hidden = v !== 'groups'; });
    return h('label.radio', { for: `aud-${v}` }, r, ' ', label);
  });
  const groupsBox = h('fieldset.groups', { hidden: true }, h('legend', 'Groups (any of them may see it)'), h('span.muted', 'Loading your groups…'));
  const out = h('div.result', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit' }, 'Submit report');

  f.file.addEventListener('change', async () => {
    const file = f.file.files[0];
    if (!file) return;
    if (file.size > 8 << 20) { out.replaceChildren(h('p.error', 'That file is larger than 8 MB.')); return; }
    f.text.value = await file.text();
    f.format.value = /\.html?$/i.test(file.name) || file.type === 'text/html' ? 'html' : 'text';
    if (!f.title.value) f.title.value = file.name.replace(/\.[^.]+$/, '');
  });

  const form = h('form.submit', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      const audience = form.querySelector('input[name=audience]:checked').value;
      const groups = [...groupsBox.querySelectorAll('input:checked')].map((c) => c.value);
      if (!f.text.value.trim()) { out.replaceChildren(h('p.error', { role: 'alert' }, 'The report is empty: paste text or choose a file.')); f.text.focus(); return; }
      if (audience === 'groups' && !groups.length) { out.replaceChildren(h('p.error', { role: 'alert' }, 'Choose at least one group.')); return; }
      const body = {
        title: f.title.value.trim(), date: f.date.value, source: f.source.value.trim(), url: f.url.value.trim(),
        release: { audience, groups: audience === 'groups' ? groups : [], tlp: f.tlp.value, attribution: f.attribution.checked },
      };
      body[f.format.value === 'html' ? 'html' : 'text'] = f.text.value;
      btn.disabled = true;
      out.replaceChildren(h('p', 'Sending…'));
      try {
        const r = await api('/reports', { method: 'POST', body });
        remember({ id: r.id, title: body.title || body.text.slice(0, 60), at: new Date().toISOString() });
        watch(r, out, ctx);
      } catch (e) {
        out.replaceChildren(h('p.error', { role: 'alert' }, `Not submitted: ${e.message}`));
      } finally { btn.disabled = false; }
    },
  },
  h('h1', 'Submit a report'),
  h('div.grid2',
    h('div.field', h('label', { for: 's-title' }, 'Title'), f.title),
    h('div.field', h('label', { for: 's-date' }, 'Date of the report'), f.date),
    h('div.field', h('label', { for: 's-source' }, 'Source'), f.source),
    h('div.field', h('label', { for: 's-url' }, 'URL'), f.url)),
  h('div.field', h('label', { for: 's-file' }, 'Upload a file (text or HTML)'), f.file),
  h('div.field', h('label', { for: 's-format' }, 'The text below is'), f.format),
  h('div.field', h('label', { for: 's-text' }, 'Report'), f.text),
  h('fieldset', h('legend', 'Release policy'),
    h('div.radios', { role: 'radiogroup', 'aria-label': 'Audience' }, audInputs),
    groupsBox,
    h('div.field.inline', h('label', { for: 's-tlp' }, 'TLP marking'), f.tlp),
    h('div.field.inline', f.attribution, h('label', { for: 's-attr' }, ' Attributed: other partners may learn that my organisation sent it')),
    h('p.muted', 'Preselected: your organisation\'s default release (unless set, the most restrictive: your organisation only, TLP:AMBER+STRICT). The TLP may only narrow the audience.')),
  btn, out);
  main.append(form);
  ctx.ready();

  // Preselect the org's default release (GET /whoami carries it).
  const def = session.who && session.who.default_release;
  if (def && def.audience) {
    const radio = form.querySelector(`#aud-${def.audience}`);
    if (radio) radio.checked = true;
    groupsBox.hidden = def.audience !== 'groups';
    if (def.tlp) f.tlp.value = def.tlp;
    f.attribution.checked = !!def.attribution;
  }
  const defGroups = new Set((def && def.groups) || []);

  api('/groups').then((r) => {
    clear(groupsBox).append(h('legend', 'Groups (any of them may see it)'));
    if (!r.groups.length) groupsBox.append(h('p.empty', 'Your organisation is in no sharing group.'));
    for (const g of r.groups) {
      groupsBox.append(h('label.check', h('input', { type: 'checkbox', value: g.name, checked: defGroups.has(g.name) }), ` ${g.name} `, h('span.muted', `(${(g.orgs || []).join(', ')})`)));
    }
  }).catch((e) => { clear(groupsBox).append(h('p.error', `Could not load groups: ${e.message}`)); });
}

function watch(r, out, ctx) {
  const link = h('a', { href: `#/report/${encodeURIComponent(r.id)}` }, 'Open the report');
  const status = h('strong#submit-status', r.status);
  out.replaceChildren(h('p', r.duplicate ? 'Your organisation already had this report; this source was added to it. ' : 'Stored. ', 'Status: ', status, '. ', link));
  const poll = async () => {
    if (ctx.stale()) return;
    try {
      const rep = await api(`/reports/${encodeURIComponent(r.id)}`);
      status.textContent = rep.status;
      if (rep.status === 'done') {
        const d = rep.document || {};
        out.append(h('p', `Processed: ${(d.events || []).length} events, ${(d.mentions || []).length} mentions, ${(d.quotes || []).length} quotes, ${(d.places || []).length} places.`));
        return;
      }
      if (rep.status === 'failed') { out.append(h('p.error', `Processing failed: ${rep.error || ''}`)); return; }
    } catch (e) { status.textContent = `unknown (${e.message})`; }
    setTimeout(poll, 700);
  };
  setTimeout(poll, 300);
}
