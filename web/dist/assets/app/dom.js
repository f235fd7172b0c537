// dom.js — building the page without HTML strings. Every text from the API
// goes in through textContent (h's string children) or a DOM property, never
// innerHTML, so report text can contain <script> or onerror= and stay text.

// h('div.cls#id', {attrs}, ...children): an element. Children may be strings
// (text nodes), nodes, arrays, null/false (skipped). Attributes: on* keys
// that are functions become listeners; 'class', 'for' and plain attributes go
// through setAttribute; href is checked to be a relative or http(s) link.
export function h(tag, attrs, ...children) {
  const [name, ...rest] = tag.split(/(?=[.#])/);
  const el = document.createElement(name || 'div');
  for (const r of rest) {
    if (r[0] === '.') el.classList.add(r.slice(1));
    else el.id = r.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'href') el.setAttribute('href', safeHref(v));
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// safeHref allows in-app hash links, same-origin paths and http(s) URLs only:
// a "javascript:" or "data:" link from a report becomes inert.
export function safeHref(v) {
  const s = String(v).trim();
  if (s.startsWith('#') || (s.startsWith('/') && !s.startsWith('//'))) return s;
  try {
    const u = new URL(s);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
  } catch { /* not a URL */ }
  return '#';
}

export function clear(el) { el.replaceChildren(); return el; }

export const fmtInt = (n) => (n == null ? '–' : Number(n).toLocaleString('en'));

export function actorLabel(a) {
  if (!a) return '—';
  return a.name ? `${a.name} (${a.code})` : a.code;
}

export function actorLink(a) {
  if (!a) return h('span.muted', '—');
  const id = a.id || a.code;
  return h('a', { href: `#/actor/${encodeURIComponent(id)}`, title: `${a.code} · ${a.kind || ''}${a.country ? ' · ' + a.country : ''}` }, a.name || a.code);
}

// Utf8Index maps UTF-8 byte offsets (the Document's spans) to JavaScript
// string indexes (UTF-16 code units). An offset inside a character maps to
// that character's start; one past the end maps to text.length.
export function utf8Index(text) {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  const map = new Int32Array(bytes + 1);
  let b = 0;
  let u = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let i = 0; i < n; i++) map[b + i] = u;
    b += n;
    u += ch.length;
  }
  map[bytes] = u;
  return (off) => map[Math.max(0, Math.min(bytes, off | 0))];
}

// Quad classes (CAMEO): 1 verbal cooperation, 2 material cooperation,
// 3 verbal conflict, 4 material conflict.
export const QUAD = { 1: 'verbal cooperation', 2: 'material cooperation', 3: 'verbal conflict', 4: 'material conflict' };
export const QUAD_COLOR = { 1: '#2b8a3e', 2: '#1864ab', 3: '#e67700', 4: '#c92a2a' };

export function eventSummary(e) {
  return `${e.source ? e.source.name || e.source.code : '?'} → ${e.target ? e.target.name || e.target.code : '?'} · ${e.cameo} ${e.plover}${e.negated ? ' (negated)' : ''}`;
}

// loadScript loads one of our vendored library builds once (classic script,
// same origin, so the CSP allows it).
const loaded = new Map();
export function loadScript(src) {
  if (!loaded.has(src)) {
    loaded.set(src, new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(s);
    }));
  }
  return loaded.get(src);
}

export function loadCSS(href) {
  if (!document.querySelector(`link[href="${href}"]`)) {
    document.head.append(h('link', { rel: 'stylesheet', href }));
  }
}

export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { download: name });
  a.href = url; // a blob: URL made here, not from data
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
