// main.js — the console's shell: hash routes (each view has a URL you can
// share; no token ever goes into one), sign-in state, the header showing the
// partner's org and role.
import { api, session, APIError } from './api.js';
import { h, clear } from './dom.js';
import * as signin from './views/signin.js';
import * as overview from './views/overview.js';
import * as events from './views/events.js';
import * as report from './views/report.js';
import * as actor from './views/actor.js';
import * as mapview from './views/map.js';
import * as submit from './views/submit.js';
import * as cell from './views/cell.js';

const views = { signin, overview, events, report, actor, map: mapview, submit, cell };
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let cleanup = null;
let wanted = null; // the route asked for before signing in
let generation = 0;

// Timings of each view's first content, for the end-to-end measurement.
window.__consoleTimings = [];

export function parseRoute(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [p, qs] = raw.split('?');
  const parts = p.split('/').filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] || 'overview', arg: parts[1] || '', query: new URLSearchParams(qs || '') };
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function showWho() {
  clear(who);
  const v = session.who;
  nav.hidden = !v;
  if (!v) return;
  who.append(
    h('span.org', { title: 'Your organisation' }, v.org),
    h('span.role', { title: 'Your role' }, v.role),
    h('button.link', { type: 'button', onclick: signOut }, 'Sign out'),
  );
  const canSubmit = v.role !== 'reader';
  const admin = v.role === 'admin' || v.role === 'cell-admin';
  nav.querySelector('[data-view=submit]').hidden = !canSubmit;
  nav.querySelector('[data-view=cell]').hidden = !admin;
}

export function signOut() {
  session.token = '';
  session.who = null;
  showWho();
  go('#/signin');
}

export async function signIn(token) {
  session.token = token;
  try {
    session.who = await api('/whoami');
  } catch (e) {
    session.token = '';
    session.who = null;
    throw e;
  }
  showWho();
  const next = wanted && !wanted.startsWith('#/signin') ? wanted : '#/overview';
  wanted = null;
  go(next);
}

async function route() {
  const gen = ++generation;
  const r = parseRoute(location.hash);
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  if (!session.who && session.token) {
    try { session.who = await api('/whoami'); } catch (e) {
      if (e instanceof APIError && e.status === 401) session.token = '';
    }
    showWho();
  }
  if (!session.who && r.view !== 'signin') {
    wanted = location.hash;
    r.view = 'signin';
  }
  const view = views[r.view];
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.view === r.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  clear(main);
  document.body.dataset.view = view ? r.view : 'missing';
  if (!view) {
    main.append(h('h1', 'Not found'), h('p.empty', 'There is no such page. '), h('a', { href: '#/overview' }, 'Back to the overview'));
    return;
  }
  const start = performance.now();
  const ctx = {
    route: r,
    go,
    stale: () => gen !== generation,
    // ready is called by a view when its first content is on screen.
    ready: () => {
      if (gen !== generation || main.dataset.ready === String(gen)) return;
      main.dataset.ready = String(gen);
      // ms: from the route change; at: from the page's navigation start.
      window.__consoleTimings.push({ view: r.view, ms: Math.round(performance.now() - start), at: Math.round(performance.now()) });
    },
  };
  delete main.dataset.ready;
  try {
    cleanup = (await view.render(main, ctx)) || null;
  } catch (e) {
    if (gen !== generation) return;
    if (e instanceof APIError && e.status === 401) { signOut(); return; }
    main.append(h('p.error', { role: 'alert' }, e.message || String(e)));
    ctx.ready();
  }
  if (gen === generation && !['events', 'map'].includes(r.view)) {
    const h1 = main.querySelector('h1');
    if (h1 && document.activeElement === document.body) h1.setAttribute('tabindex', '-1');
  }
}

export function setTitle(t) { document.title = t ? `${t} · intelcell` : 'intelcell console'; }

window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (ev) => {
  if (ev.reason instanceof APIError && ev.reason.status === 401) signOut();
});
route();
