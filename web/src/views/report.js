// Report: the text with every mention, event, quote and place highlighted,
// from the Document's UTF-8 byte offsets; the events beside it; the release
// policy and sources. All of it is put in as text nodes.
import { h, clear, actorLink, actorLabel, utf8Index, eventSummary, safeHref, QUAD } from '../dom.js';
import { api, NOT_VISIBLE } from '../api.js';
import { setTitle } from '../main.js';
import { placeText, casualties, quadBadge, cameoCell, CAMEO_ROOTS, empty } from './common.js';

const KINDS = [
  ['mention', 'Actor mention'],
  ['place', 'Place'],
  ['quote', 'Quote'],
  ['event', 'Event evidence'],
  ['trigger', 'Event trigger (verb or noun)'],
];

export async function render(main, ctx) {
  const id = ctx.route.arg;
  setTitle('Report');
  let timer = null;
  const load = async () => {
    let rep;
    try {
      rep = await api(`/reports/${encodeURIComponent(id)}`);
    } catch (e) {
      if (ctx.stale()) return;
      clear(main);
      main.append(h('h1', 'Report'), h('p.error', { role: 'alert' }, e.status === 404 ? NOT_VISIBLE : `Could not load the report: ${e.message}`),
        h('p', h('a', { href: '#/overview' }, 'Back to the overview')));
      ctx.ready();
      return;
    }
    if (ctx.stale()) return;
    clear(main);
    draw(main, rep, ctx.route.query.get('quote'));
    ctx.ready();
    if (rep.status === 'queued' || rep.status === 'processing') timer = setTimeout(load, 1000);
  };
  await load();
  return () => clearTimeout(timer);
}

// draw shows the report; quote ("start-end", the byte span of one of its
// quotes, from the actor view's links) is selected in the text.
function draw(main, rep, quote) {
  setTitle(rep.title || 'Report');
  const doc = rep.document;
  const text = rep.title ? rep.title + '\n' + rep.text : rep.text; // what was analysed (see CONTRACT.md)
  main.append(h('h1.report-title', rep.title || 'Untitled report'));
  const meta = h('p.meta',
    h(`span.status.s-${rep.status}`, { id: 'report-status' }, rep.status), ' · dated ', rep.date,
    rep.org ? [' · from ', h('strong', rep.org)] : ' · partner not attributed',
    ' · id ', h('code', rep.id));
  main.append(meta);
  if (rep.status === 'failed') main.append(h('p.error', { role: 'alert' }, `Processing failed: ${rep.error || 'no reason given'}`));
  if (rep.status === 'queued' || rep.status === 'processing') main.append(h('p.notice', { 'aria-live': 'polite' }, 'This report is waiting to be processed; this page updates by itself.'));
  if (doc && doc.truncated) main.append(h('p.notice', 'Only the beginning of this very long report was analysed.'));

  const details = h('div.details', { 'aria-live': 'polite' }, h('p.muted', 'Hover over a highlight for its code and actor; click it (or choose an event on the right) for details.'));
  const textEl = h('div.doctext', { id: 'doctext', lang: 'en' });
  const side = h('aside.side', { 'aria-label': 'About this report' });
  main.append(h('div.report', h('section.textcol', { 'aria-label': 'Report text' },
    h('ul.legend', { 'aria-label': 'Highlight colours' }, KINDS.map(([k, label]) => h('li', h(`span.hl-${k}.swatch`, label)))),
    textEl, details), side));

  const anns = doc ? annotations(doc, text) : [];
  renderText(textEl, text, anns, rep.title ? rep.title.length : 0, (list) => showDetails(details, list));

  // Beside the text: events, quotes, release, sources.
  const evs = doc ? doc.events || [] : [];
  side.append(h('h2', `Events (${evs.length})`));
  if (!doc) side.append(empty('No Document yet.'));
  else if (!evs.length) side.append(empty('No events were coded from this report.'));
  else {
    side.append(h('ol.evlist', evs.map((e, i) => h('li',
      h('button.evitem', {
        type: 'button', 'data-ev': i,
        onclick: () => selectAnnotation(textEl, details, anns, `event:${i}`),
      }, quadBadge(e), ' ', h('span', eventSummary(e))),
      h('div.small', e.date, e.place ? ` · ${placeText(e.place)}` : '', casualties(e) ? ` · ${casualties(e)}` : ''),
      h('div.small', 'Source ', actorLink(e.source), ' · target ', actorLink(e.target))))));
  }
  const quotes = doc ? doc.quotes || [] : [];
  if (quotes.length) {
    side.append(h('h2', `Quotes (${quotes.length})`), h('ol.qlist', quotes.map((q, i) => h('li',
      h('button.evitem', { type: 'button', onclick: () => selectAnnotation(textEl, details, anns, `quote:${i}`) },
        q.speaker ? (q.speaker.name || q.speaker.code) : 'unknown speaker', q.direct ? ' (direct)' : ' (reported)'),
      h('blockquote', q.text)))));
  }
  const rel = rep.release || {};
  side.append(h('h2', 'Release policy'), h('dl.kv',
    h('dt', 'Audience'), h('dd', { id: 'release-audience' }, rel.audience || '?', rel.groups && rel.groups.length ? `: ${rel.groups.join(', ')}` : ''),
    h('dt', 'TLP'), h('dd', h(`span.tlp.tlp-${String(rel.tlp || '').replace('+', '-')}`, `TLP:${String(rel.tlp || '?').toUpperCase()}`)),
    h('dt', 'Attribution'), h('dd', rel.attribution ? 'other partners may learn who sent it' : 'the sender is not disclosed to others')));
  const sources = (rep.sources && rep.sources.length) ? rep.sources : (rep.source || rep.url ? [{ source: rep.source, url: rep.url }] : []);
  side.append(h('h2', 'Sources'));
  if (!sources.length) side.append(empty('No source was given.'));
  else {
    side.append(h('ul.sources', sources.map((s) => h('li', s.source || 'source',
      s.url ? [' · ', h('a', { href: safeHref(s.url), rel: 'noopener noreferrer nofollow', target: '_blank' }, s.url)] : ''))));
  }
  if (quote && doc) {
    const [qs, qe] = quote.split('-').map(Number);
    const i = quotes.findIndex((q) => q.span && q.span.start === qs && q.span.end === qe);
    if (i >= 0) requestAnimationFrame(() => selectAnnotation(textEl, details, anns, `quote:${i}`));
  }
  if (doc) {
    side.append(h('h2', 'Counts'), h('p.small', `${(doc.mentions || []).length} mentions · ${(doc.places || []).length} places · ${evs.length} events · ${quotes.length} quotes`,
      doc.extractor ? ` · extractor ${doc.extractor}` : ''));
  }
}

// annotations flattens a Document into highlight spans with string indexes.
function annotations(doc, text) {
  const at = utf8Index(text);
  const out = [];
  const add = (kind, key, span, title, data) => {
    if (!span || span.end <= span.start) return;
    const s = at(span.start); const e = at(span.end);
    if (e > s) out.push({ kind, key, s, e, title, data });
  };
  (doc.mentions || []).forEach((m, i) => add('mention', `mention:${i}`, m,
    `${m.actor.name} — ${m.actor.code}${m.actor.role ? ', ' + m.actor.role : ''} (${m.actor.kind})`, m));
  (doc.places || []).forEach((p, i) => add('place', `place:${i}`, p,
    `Place: ${p.name}${p.country ? ', ' + p.country : ''} (${Number(p.lat).toFixed(2)}, ${Number(p.lon).toFixed(2)})`, p));
  (doc.quotes || []).forEach((q, i) => add('quote', `quote:${i}`, q.span,
    `Quote by ${q.speaker ? actorLabel(q.speaker) : 'unknown speaker'}${q.direct ? '' : ' (reported speech)'}`, q));
  (doc.events || []).forEach((e, i) => {
    const t = `Event ${e.cameo} ${CAMEO_ROOTS[(e.cameo || '').slice(0, 2)] || ''} / ${e.plover}: ${actorLabel(e.source)} → ${actorLabel(e.target)}${e.negated ? ' (negated)' : ''}; ${QUAD[e.quad_class] || ''}, Goldstein ${e.goldstein}`;
    add('event', `event:${i}`, e.span, t, e);
    if (e.trigger && e.trigger.end > e.trigger.start) add('trigger', `event:${i}`, e.trigger, t, e);
  });
  return out;
}

// renderText cuts the text at every annotation boundary (a sweep over
// sorted starts and ends) and wraps each piece covered by annotations in one
// span carrying all their classes.
function renderText(el, text, anns, titleLen, onPick) {
  const cuts = new Set([0, text.length, titleLen]);
  const starts = new Map(); const ends = new Map();
  anns.forEach((a, i) => {
    cuts.add(a.s); cuts.add(a.e);
    if (!starts.has(a.s)) starts.set(a.s, []);
    starts.get(a.s).push(i);
    if (!ends.has(a.e)) ends.set(a.e, []);
    ends.get(a.e).push(i);
  });
  const points = [...cuts].filter((x) => x >= 0 && x <= text.length).sort((a, b) => a - b);
  const active = new Set();
  const frag = document.createDocumentFragment();
  for (let k = 0; k < points.length - 1; k++) {
    const p = points[k];
    for (const i of ends.get(p) || []) active.delete(i);
    for (const i of starts.get(p) || []) active.add(i);
    const piece = text.slice(p, points[k + 1]);
    if (!piece) continue;
    const inTitle = p < titleLen;
    if (!active.size && !inTitle) { frag.append(document.createTextNode(piece)); continue; }
    const span = document.createElement('span');
    span.textContent = piece;
    if (inTitle) span.classList.add('doc-title');
    if (active.size) {
      const list = [...active].map((i) => anns[i]);
      for (const a of list) span.classList.add(`hl-${a.kind}`);
      span.dataset.ann = [...new Set(list.map((a) => a.key))].join(' ');
      span.title = [...new Set(list.map((a) => a.title))].join('\n');
      span.addEventListener('click', () => onPick(list));
    }
    frag.append(span);
  }
  el.replaceChildren(frag);
}

function selectAnnotation(textEl, details, anns, key) {
  for (const s of textEl.querySelectorAll('.selected')) s.classList.remove('selected');
  const spans = [...textEl.querySelectorAll('span[data-ann]')].filter((s) => s.dataset.ann.split(' ').includes(key));
  for (const s of spans) s.classList.add('selected');
  if (spans[0]) spans[0].scrollIntoView({ block: 'center', behavior: 'smooth' });
  showDetails(details, anns.filter((a) => a.key === key));
}

function showDetails(details, list) {
  clear(details);
  const seen = new Set();
  for (const a of list) {
    if (seen.has(a.key)) continue;
    seen.add(a.key);
    const d = a.data;
    if (a.kind === 'mention') details.append(h('p', h('span.hl-mention', d.text), ' → ', actorLink(d.actor), ` ${d.actor.code} · ${d.actor.kind}${d.actor.role ? ' · ' + d.actor.role : ''}`));
    else if (a.kind === 'place') details.append(h('p', h('span.hl-place', d.text), ` → ${d.name}${d.country ? ', ' + d.country : ''} (${Number(d.lat).toFixed(3)}, ${Number(d.lon).toFixed(3)})`));
    else if (a.kind === 'quote') details.append(h('p', h('span.hl-quote', 'Quote'), ' by ', d.speaker ? actorLink(d.speaker) : 'unknown speaker', d.direct ? ' (direct)' : ' (reported)'));
    else details.append(h('p', h('span.hl-event', 'Event'), ' ', cameoCell(d), ': ', actorLink(d.source), ' → ', actorLink(d.target), ' · ', quadBadge(d), ` · ${d.date}`, d.place ? ` · ${placeText(d.place)}` : ''));
  }
}
