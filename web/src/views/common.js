// common.js — pieces shared by several views: the event filters form, the
// events table, CAMEO/PLOVER names.
import { h, actorLink, QUAD, fmtInt } from '../dom.js';

export const PLOVER = ['AGREE', 'CONSULT', 'SUPPORT', 'CONCEDE', 'COOPERATE', 'AID', 'RETREAT', 'REQUEST',
  'ACCUSE', 'REJECT', 'THREATEN', 'PROTEST', 'SANCTION', 'MOBILIZE', 'COERCE', 'ASSAULT'];

export const CAMEO_ROOTS = {
  '01': 'Make public statement', '02': 'Appeal', '03': 'Express intent to cooperate', '04': 'Consult',
  '05': 'Engage in diplomatic cooperation', '06': 'Engage in material cooperation', '07': 'Provide aid',
  '08': 'Yield', '09': 'Investigate', '10': 'Demand', '11': 'Disapprove', '12': 'Reject', '13': 'Threaten',
  '14': 'Protest', '15': 'Exhibit force posture', '16': 'Reduce relations', '17': 'Coerce', '18': 'Assault',
  '19': 'Fight', '20': 'Use unconventional mass violence',
};

// The API's event filters, in the order the form shows them.
export const FILTERS = [
  ['q', 'Words', 'words of the report, e.g. airstrike'],
  ['actor', 'Actor', 'actor id or code, e.g. IRQGOV'],
  ['country', 'Country', 'ISO alpha-3, e.g. SYR'],
  ['cameo', 'CAMEO', 'code or root, e.g. 19'],
  ['plover', 'PLOVER', ''],
  ['from', 'From', ''],
  ['to', 'To', ''],
  ['bbox', 'Place (box)', 'min_lon,min_lat,max_lon,max_lat'],
];

export function filtersFrom(query) {
  const f = {};
  for (const [k] of FILTERS) if (query.get(k)) f[k] = query.get(k);
  return f;
}

export function filterQuery(f, extra = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v != null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// filterForm(values, onApply): the filters as a form; onApply gets the new values.
export function filterForm(values, onApply) {
  const inputs = {};
  const fields = FILTERS.map(([k, label, ph]) => {
    let input;
    if (k === 'plover') {
      input = h('select', { id: `f-${k}`, name: k }, h('option', { value: '' }, 'any'),
        PLOVER.map((p) => h('option', { value: p, selected: values[k] === p }, p)));
    } else if (k === 'cameo') {
      input = h('input', { id: `f-${k}`, name: k, value: values[k] || '', placeholder: ph, list: 'cameo-roots', inputmode: 'numeric', size: 6 });
    } else {
      input = h('input', { id: `f-${k}`, name: k, value: values[k] || '', placeholder: ph, type: k === 'from' || k === 'to' ? 'date' : 'text' });
    }
    inputs[k] = input;
    return h('div.field', h('label', { for: `f-${k}` }, label), input);
  });
  const form = h('form.filters', {
    role: 'search',
    'aria-label': 'Event filters',
    onsubmit: (ev) => {
      ev.preventDefault();
      const f = {};
      for (const [k, el] of Object.entries(inputs)) if (el.value.trim()) f[k] = el.value.trim();
      onApply(f);
    },
  },
  h('datalist#cameo-roots', Object.entries(CAMEO_ROOTS).map(([c, n]) => h('option', { value: c }, `${c} ${n}`))),
  fields,
  h('div.field.buttons', h('button', { type: 'submit' }, 'Apply'),
    h('button.secondary', { type: 'button', onclick: () => onApply({}) }, 'Clear')));
  return form;
}

export function placeText(p) {
  if (!p) return '';
  return p.name + (p.country ? ` (${p.country})` : '');
}

export function casualties(e) {
  const parts = [];
  if (e.killed != null) parts.push(`${fmtInt(e.killed)} killed`);
  if (e.wounded != null) parts.push(`${fmtInt(e.wounded)} wounded`);
  return parts.join(', ');
}

export function quadBadge(e) {
  return h(`span.quad.q${e.quad_class || 0}`, { title: `${QUAD[e.quad_class] || 'unclassified'}, Goldstein ${e.goldstein}` },
    (e.goldstein > 0 ? '+' : '') + Number(e.goldstein || 0).toFixed(1));
}

export function cameoCell(e) {
  return h('span', { title: CAMEO_ROOTS[(e.cameo || '').slice(0, 2)] || '' },
    h('code', e.cameo), ' ', e.plover, e.negated ? h('span.tag.neg', 'negated') : null, e.intent ? h('span.tag', 'intent') : null);
}

export function reportLinks(e) {
  const ids = e.report_ids || [];
  return ids.slice(0, 3).map((id, i) => [i ? ' ' : '', h('a', { href: `#/report/${encodeURIComponent(id)}`, title: `report ${id}` }, ids.length > 1 ? `#${i + 1}` : 'report')]);
}

export function empty(text, ...more) { return h('p.empty', text, ...more); }
