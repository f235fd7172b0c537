// e2e/timing.mjs — measures how long each view of the console takes to show
// its first content, in Debian's chromium (playwright-core), against a
// running server with real data: "every view shows its first content within
// 1 s". It changes nothing on the server (the Submit view is only opened).
//
//   BASE_URL=http://127.0.0.1:8080 TOKEN=icl_… node e2e/timing.mjs
//
// Environment:
//   BASE_URL   the server (required)
//   TOKEN      an API token (required; an admin's, so that the Cell view has
//              something to show). It goes into the tab's sessionStorage
//              through the sign-in form, never into a URL.
//   REPORT_ID, ACTOR_ID  the report and actor to open (default: the report of
//              the newest visible event, and the most active actor of the
//              overview's window: the actor view's heaviest case)
//   REPEAT     how many times each view is opened (default 5)
//   CHROMIUM   the browser (default /usr/bin/chromium)
//   LIMIT_MS   the figure to compare with (default 1000)
//
// For each view it prints two figures:
//   nav   opening the view from another view (a hash change): from the route
//         change to the view's first content, as the console measures it
//         (window.__consoleTimings, set by ctx.ready());
//   load  opening the view in a freshly loaded page (HTML, scripts, whoami,
//         the view's API calls): from the page's navigation start to first
//         content, by the page's clock (performance.now(); the browser's own
//         cost of starting a page is not counted).
// "First content" is what each view calls ready on: the overview's figures,
// the events table's first page, the report text, the actor's profile, the
// map's outlines, the submit form, the cell page's frame.
// The exit status is 0 when every median is within LIMIT_MS, 1 otherwise.
import { chromium } from 'playwright-core';

const base = (process.env.BASE_URL || '').replace(/\/$/, '');
const token = process.env.TOKEN;
const repeat = Math.max(1, Number(process.env.REPEAT || 5));
const limit = Number(process.env.LIMIT_MS || 1000);
if (!base || !token) {
  console.error('usage: BASE_URL=http://host:port TOKEN=icl_… [REPORT_ID=… ACTOR_ID=… REPEAT=5] node e2e/timing.mjs');
  process.exit(2);
}

// Pick a report and an actor through the API (the token in the
// Authorization header).
async function get(path) {
  const res = await fetch(`${base}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /api/v1${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
async function pick() {
  let report = process.env.REPORT_ID;
  let actor = process.env.ACTOR_ID;
  if (!report) {
    const e = (await get('/events?limit=1')).events[0];
    if (!e) throw new Error('no event is visible with this token: give REPORT_ID');
    report = e.report_ids[0];
  }
  if (!actor) {
    const top = (await get('/overview')).top_actors[0];
    if (!top) throw new Error('no actor in the overview: give ACTOR_ID');
    actor = top.actor.id || top.actor.code;
  }
  return { report, actor };
}

const { report, actor } = await pick();
const views = [
  ['overview', '#/overview'],
  ['events', '#/events'],
  ['report', `#/report/${encodeURIComponent(report)}`],
  ['actor', `#/actor/${encodeURIComponent(actor)}`],
  ['map', '#/map'],
  ['submit', '#/submit'],
  ['cell', '#/cell'],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const results = new Map(views.map(([v]) => [v, { nav: [], load: [] }]));
let errors = 0;
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { errors++; console.log(`page error: ${e.message}`); });
  await page.goto(`${base}/#/signin`);
  await page.fill('#token', token);
  await page.click('form.signin button');
  await page.waitForSelector('#who .org', { timeout: 15000 });
  const who = `${await page.textContent('#who .org')} (${await page.textContent('#who .role')})`;

  // Requests in flight: each view is opened once the previous one has
  // finished loading (its charts, graph, quotes…), so that each figure is
  // the view's own and not the previous view's leftovers.
  let inFlight = 0;
  page.on('request', () => { inFlight++; });
  for (const ev of ['requestfinished', 'requestfailed']) page.on(ev, () => { inFlight--; });
  const settle = async () => {
    const until = Date.now() + 60000;
    let quiet = 0;
    while (Date.now() < until && quiet < 3) {
      await page.waitForTimeout(100);
      quiet = inFlight > 0 ? 0 : quiet + 1;
    }
  };

  // nav: each view opened from another one, REPEAT rounds (the first round
  // also warms the browser's cache of scripts and map outlines).
  const nav = async (hash) => {
    const n = await page.evaluate(() => window.__consoleTimings.length);
    await page.evaluate((hh) => {
      if (location.hash === hh) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = hh;
    }, hash);
    await page.waitForFunction((k) => window.__consoleTimings.length > k, n, { timeout: 60000 });
    return page.evaluate(() => window.__consoleTimings[window.__consoleTimings.length - 1].ms);
  };
  for (let i = 0; i < repeat; i++) {
    for (const [v, hash] of views) {
      results.get(v).nav.push(await nav(hash));
      await settle();
    }
  }
  // load: a fresh page load of each view in this tab (sessionStorage keeps the sign-in).
  for (let i = 0; i < repeat; i++) {
    for (const [v, hash] of views) {
      await settle();
      await page.goto('about:blank');
      await page.goto(`${base}/${hash}`);
      await page.waitForSelector('main[data-ready]', { timeout: 60000 });
      results.get(v).load.push(await page.evaluate(() => window.__consoleTimings[window.__consoleTimings.length - 1].at));
    }
  }
  await ctx.close();

  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`first content per view at ${base} as ${who}, ${repeat} runs each (ms; median / max)`);
  console.log(`report ${report}, actor ${actor}`);
  console.log(`${'view'.padEnd(10)} ${'nav median'.padStart(10)} ${'nav max'.padStart(8)}   ${'load median'.padStart(11)} ${'load max'.padStart(8)}`);
  let over = 0;
  for (const [v] of views) {
    const r = results.get(v);
    const ok = med(r.nav) <= limit && med(r.load) <= limit;
    if (!ok) over++;
    console.log(`${v.padEnd(10)} ${String(med(r.nav)).padStart(10)} ${String(Math.max(...r.nav)).padStart(8)}   ${String(med(r.load)).padStart(11)} ${String(Math.max(...r.load)).padStart(8)}   ${ok ? `within ${limit} ms` : `OVER ${limit} ms`}`);
  }
  if (errors) console.log(`${errors} page errors`);
  process.exitCode = over || errors ? 1 : 0;
} finally {
  await browser.close();
}
