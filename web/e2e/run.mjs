// e2e/run.mjs — the console's end-to-end test in a real browser: Debian's
// chromium driven by playwright-core against a running intelcell server.
// Started by web/e2e_test.go (go test ./web), which builds the binary, starts
// it on loopback with a temporary data dir and two orgs, and passes:
//   BASE_URL, TOKEN_A (org alpha, admin), TOKEN_B (org beta, analyst),
//   SEED (a report file, optional), ARTIFACTS (screenshot directory),
//   CHROMIUM (default /usr/bin/chromium).
// Exit status 0 when every check passed. Prints the first-content time of
// every view (a measurement, not an assertion).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const base = process.env.BASE_URL;
const tokA = process.env.TOKEN_A;
const tokB = process.env.TOKEN_B;
const artifacts = process.env.ARTIFACTS || 'test-artifacts';
fs.mkdirSync(artifacts, { recursive: true });
const seedText = process.env.SEED && fs.existsSync(process.env.SEED)
  ? fs.readFileSync(process.env.SEED, 'utf8')
  : 'Iraqi forces launched an offensive against Islamic State militants near Mosul on Sunday, the defence ministry said. ' +
    'U.S. Secretary of State John Kerry met Russian Foreign Minister Sergei Lavrov in Geneva to discuss the war in Syria. ' +
    '"We will not stop until the city is free," said Prime Minister Haider al-Abadi.';

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};
const step = (s) => console.log(`\n== ${s}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});

// watch records page errors, CSP violations and any request that leaves the server.
function watch(page, label) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${label} page error: ${e.message} ${(e.stack || '').split('\n').slice(1, 4).join(' ')} at ${page.url()}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 404|status of 401|status of 403/.test(m.text())) problems.push(`${label} console: ${m.text().slice(0, 90)} at ${m.location().url}:${m.location().lineNumber} (${page.url()})`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push(`${label} external request: ${u}`);
  });
  return problems;
}

const timings = [];
// open navigates to a hash route and waits for the view's first content;
// the time is measured by the console itself (route start → first content).
async function open(page, hash, label) {
  const before = await page.evaluate(() => window.__consoleTimings ? window.__consoleTimings.length : 0).catch(() => 0);
  const t0 = Date.now();
  await page.evaluate((hh) => {
    if (location.hash === hh) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = hh;
  }, hash);
  await page.waitForFunction((n) => window.__consoleTimings && window.__consoleTimings.length > n, before, { timeout: 15000 });
  const t = await page.evaluate(() => window.__consoleTimings[window.__consoleTimings.length - 1]);
  timings.push({ view: label || t.view, ms: t.ms, wall: Date.now() - t0 });
  return t;
}
const shot = (page, name, full = true) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: full });
const sum = (counts) => counts.reduce((n, c) => n + c.count, 0);

// overviewFigures reads the overview as the page shows it and as the API
// gives it (for the same window), with the events API's count for comparison.
async function overviewFigures(page, query = '') {
  return page.evaluate(async (qs) => {
    const H = { headers: { Authorization: `Bearer ${sessionStorage.getItem('intelcell.token')}` } };
    const o = await fetch(`/api/v1/overview${qs}`, H).then((r) => r.json());
    const facets = await fetch(`/api/v1/events/facets?from=${o.from}&to=${o.to}`, H).then((r) => r.json());
    const num = (id) => Number(document.getElementById(id).textContent.replace(/,/g, ''));
    return {
      o, facets,
      shown: {
        reports: num('ov-reports'), events: num('ov-events'), actors: num('ov-actors'),
        actorsListed: document.querySelectorAll('#top-actors li').length, dyadsListed: document.querySelectorAll('#top-dyads li').length,
      },
    };
  }, query);
}

try {
  // ---------------------------------------------------------------- alpha
  step('sign in (org alpha)');
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await ctxA.newPage();
  const problemsA = watch(page, 'alpha');
  const resp = await page.goto(base + '/#/events');
  const csp = resp.headers()['content-security-policy'] || '';
  check(/default-src 'self'/.test(csp) && !/unsafe-inline|unsafe-eval/.test(csp), `strict CSP on the page: ${csp.slice(0, 60)}…`);
  await page.waitForSelector('form.signin');
  await shot(page, '01-signin');
  await page.fill('#token', 'not-a-token');
  await page.click('form.signin button');
  await page.waitForSelector('form.signin .error:not([hidden])');
  check(/not valid/.test(await page.textContent('form.signin .error')), 'a bad token is refused with a clear message');
  await page.fill('#token', tokA);
  await page.click('form.signin button');
  await page.waitForSelector('table.events, .status .empty');
  check(page.url().includes('#/events'), 'after sign-in the console goes to the page asked for');
  const who = await page.textContent('#who');
  check(who.includes('alpha') && who.includes('admin'), `org and role visible: "${who.trim()}"`);
  const stor = await page.evaluate(() => ({ s: sessionStorage.getItem('intelcell.token'), l: JSON.stringify(localStorage), c: document.cookie }));
  check(stor.s === tokA && stor.l === '{}' && stor.c === '', 'token in sessionStorage only (not localStorage, not cookies)');
  check(!page.url().includes(tokA), 'token not in the URL');

  step('submit the seed report (org only)');
  await open(page, '#/submit');
  await page.fill('#s-title', 'Seed article for the console test');
  await page.fill('#s-date', '2015-09-28');
  await page.fill('#s-source', 'e2e seed');
  await page.fill('#s-text', seedText);
  check(await page.isChecked('#aud-org') && (await page.inputValue('#s-tlp')) === 'amber+strict', 'the default release (org, TLP:AMBER+STRICT) is preselected');
  await shot(page, '02-submit');
  const tSubmit = Date.now();
  await page.click('form.submit button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#submit-status')?.textContent === 'done', null, { timeout: 60000 });
  console.log(`     processed in ${Date.now() - tSubmit} ms`);
  await shot(page, '03-submit-done');
  const seedHref = await page.getAttribute('.result a[href^="#/report/"]', 'href');
  const seedId = decodeURIComponent(seedHref.split('/').pop());
  check(!!seedId, `seed report id ${seedId}`);

  step('submit a hostile report (org only)');
  const hostile = 'Café owners in Baghdad 😀 said Iraq’s government condemned Syria on Monday. <script>window.__xss=1</script> ' +
    '<img src=x onerror="window.__xss=2"> <a href="javascript:window.__xss=3">click me</a> ' +
    '"We reject this," said the Iraqi foreign ministry. <style>body{display:none}</style> <iframe src="javascript:window.__xss=5"></iframe>';
  await open(page, '#/submit');
  await page.fill('#s-title', 'Hostile <b onmouseover="window.__xss=4">title</b>');
  await page.fill('#s-text', hostile);
  await page.click('form.submit button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#submit-status')?.textContent === 'done', null, { timeout: 60000 });
  const hostileId = decodeURIComponent((await page.getAttribute('.result a[href^="#/report/"]', 'href')).split('/').pop());

  step('the seed report: highlights');
  let t = await open(page, `#/report/${encodeURIComponent(seedId)}`, 'report');
  await page.waitForSelector('#doctext span.hl-mention');
  const counts = await page.evaluate(() => Object.fromEntries(['mention', 'place', 'quote', 'event', 'trigger']
    .map((k) => [k, document.querySelectorAll(`#doctext .hl-${k}`).length])));
  console.log('     highlighted pieces:', JSON.stringify(counts));
  check(counts.mention > 0 && counts.event > 0 && counts.place > 0 && counts.trigger > 0, 'mentions, events, triggers and places are highlighted');
  // Every highlight covers exactly the bytes of its span (UTF-8 offsets → JS indexes).
  const spanCheck = await page.evaluate(async (id) => {
    const r = await fetch(`/api/v1/reports/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${sessionStorage.getItem('intelcell.token')}` } }).then((x) => x.json());
    const bad = [];
    const textOf = (key) => [...document.querySelectorAll('#doctext span[data-ann]')].filter((s) => s.dataset.ann.split(' ').includes(key)).map((s) => s.textContent).join('');
    r.document.mentions.forEach((m, i) => { if (textOf(`mention:${i}`) !== m.text) bad.push(`mention ${i} "${m.text}" shown as "${textOf(`mention:${i}`)}"`); });
    r.document.places.forEach((p, i) => { if (textOf(`place:${i}`) !== p.text) bad.push(`place ${i} "${p.text}"`); });
    return { n: r.document.mentions.length + r.document.places.length, bad, events: r.document.events.length };
  }, seedId);
  check(spanCheck.bad.length === 0, `all ${spanCheck.n} mention and place highlights match their text exactly ${spanCheck.bad.slice(0, 3).join('; ')}`);
  const title = await page.getAttribute('#doctext span.hl-mention', 'title');
  check(/[A-Z]{3}/.test(title || ''), `hovering a mention shows its code and actor: "${title}"`);
  const nEv = await page.locator('.evlist li').count();
  check(nEv === spanCheck.events && nEv > 0, `the ${nEv} events are listed beside the text`);
  await page.click('.evlist li button.evitem');
  check(await page.locator('#doctext .selected').count() > 0, 'choosing an event selects its evidence in the text');
  check((await page.textContent('#release-audience')).startsWith('org'), 'release policy shown');
  await page.mouse.move(10, 10);
  await shot(page, '04-report');

  step('the hostile report renders harmlessly');
  await open(page, `#/report/${encodeURIComponent(hostileId)}`, 'report');
  await page.waitForSelector('#doctext');
  await page.hover('#doctext');
  const xss = await page.evaluate(() => ({
    flag: window.__xss, imgs: document.querySelectorAll('main img').length, scripts: document.querySelectorAll('main script, main iframe, main style').length,
    links: [...document.querySelectorAll('main a')].filter((a) => a.getAttribute('href').startsWith('javascript')).length,
    text: document.querySelector('#doctext').textContent, title: document.querySelector('h1').textContent, bodyShown: getComputedStyle(document.body).display,
  }));
  check(xss.flag === undefined, 'no injected script ran');
  check(xss.imgs === 0 && xss.scripts === 0 && xss.links === 0, 'no img, script, iframe, style or javascript: link was created from report text');
  check(xss.text.includes('<script>window.__xss=1</script>') && xss.title.includes('<b onmouseover'), 'the markup is shown as text');
  check(xss.bodyShown !== 'none', 'an injected <style> had no effect');
  const hostileSpans = await page.evaluate(async (id) => {
    const r = await fetch(`/api/v1/reports/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${sessionStorage.getItem('intelcell.token')}` } }).then((x) => x.json());
    const textOf = (key) => [...document.querySelectorAll('#doctext span[data-ann]')].filter((s) => s.dataset.ann.split(' ').includes(key)).map((s) => s.textContent).join('');
    return r.document.mentions.map((m, i) => [m.text, textOf(`mention:${i}`)]);
  }, hostileId);
  check(hostileSpans.length > 0 && hostileSpans.every(([a, b]) => a === b), `offsets after multi-byte characters (é, ’, 😀) land on the right words: ${JSON.stringify(hostileSpans)}`);
  await shot(page, '05-report-hostile');

  step('events: filter, sort, page, export');
  t = await open(page, '#/events', 'events');
  await page.waitForSelector('table.events tbody tr');
  await shot(page, '06-events');
  const actorHref = await page.getAttribute('table.events tbody tr td:nth-child(2) a', 'href');
  const actorId = decodeURIComponent(actorHref.split('/').pop());
  await page.fill('#f-actor', actorId);
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction((a) => location.hash.includes('actor=') && document.querySelector('main')?.dataset.ready, actorId);
  await page.waitForSelector('table.events tbody tr');
  const rowsOk = await page.evaluate((a) => [...document.querySelectorAll('table.events tbody tr')].every((tr) =>
    [...tr.querySelectorAll('a[href^="#/actor/"]')].some((x) => decodeURIComponent(x.getAttribute('href').split('/').pop()) === a)), actorId);
  check(rowsOk, `filtering by actor ${actorId}: every row involves it`);
  check(page.url().includes(`actor=${encodeURIComponent(actorId)}`), 'the filter is in the shareable URL');
  await page.click('th button.sort >> text=Date');
  await page.waitForSelector('th[aria-sort=descending]');
  await page.click('th button.sort >> text=Date');
  await page.waitForSelector('th[aria-sort=ascending]');
  const dates = await page.$$eval('table.events tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
  check(dates.join() === [...dates].sort().join(), 'sorting by date ascending works');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const csvPath = path.join(artifacts, 'events-shown.csv');
  await download.saveAs(csvPath);
  const csv = fs.readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  const shownRows = await page.locator('table.events tbody tr').count();
  check(csv.length - 1 === shownRows && csv[1].startsWith(dates[0]), `CSV export has exactly the ${shownRows} rows shown, in the order shown`);
  await shot(page, '07-events-filtered');
  // Paging on the unfiltered table with a small page.
  await open(page, '#/events?limit=25', 'events');
  const next = page.locator('.pager button:has-text("Next")');
  if (await next.isEnabled()) {
    const first = await page.textContent('table.events tbody tr');
    await next.click();
    await page.waitForFunction(() => location.hash.includes('cursor='));
    await page.waitForSelector('.pager span:has-text("Page 2")');
    check((await page.textContent('table.events tbody tr')) !== first, 'the next page shows other events');
    await page.click('.pager button:has-text("Previous")');
    await page.waitForSelector('.pager span:has-text("Page 1")');
  }

  step('actor: chart, graph, map');
  await open(page, `#/actor/${encodeURIComponent(actorId)}`, 'actor');
  await page.waitForSelector('#actor-graph.graph-drawn canvas', { timeout: 15000 });
  await page.waitForSelector('#actor-map.map-drawn path', { state: 'attached', timeout: 15000 });
  await page.waitForSelector('#actor-chart.chart-drawn canvas, #actor-chart .empty', { timeout: 15000 });
  const g = await page.evaluate(() => ({ n: document.querySelector('#actor-graph').dataset.nodes, e: document.querySelector('#actor-graph').dataset.edges, paths: document.querySelectorAll('#actor-map path').length }));
  console.log(`     graph: ${g.n} nodes, ${g.e} edges; map: ${g.paths} paths`);
  check(Number(g.n) >= 1 && g.paths > 100, 'the network graph and the world map are drawn');
  await page.waitForTimeout(300);
  await shot(page, '08-actor');

  step('actor: quotes, each linked to its place in its report');
  const quoted = await page.evaluate(async (id) => {
    const H = { headers: { Authorization: `Bearer ${sessionStorage.getItem('intelcell.token')}` } };
    const r = await fetch(`/api/v1/reports/${encodeURIComponent(id)}`, H).then((x) => x.json());
    const q = (r.document.quotes || []).find((x) => x.speaker && (x.speaker.id || x.speaker.code));
    return q ? { speaker: q.speaker.id || q.speaker.code, text: q.text, span: q.span } : null;
  }, seedId);
  if (!quoted) console.log('     (the seed report has no quote with a known speaker: skipped)');
  else {
    await open(page, `#/actor/${encodeURIComponent(quoted.speaker)}`, 'actor');
    await page.waitForSelector('#actor-quotes li, #actor-quotes .empty, #actor-quotes .error', { timeout: 15000 });
    const qtexts = await page.$$eval('#actor-quotes li blockquote', (bs) => bs.map((b) => b.textContent));
    check(qtexts.some((t) => t.includes(quoted.text)), `the actor view of ${quoted.speaker} lists its quote "${quoted.text.slice(0, 40)}…" (${qtexts.length} quotes)`);
    const qlink = page.locator(`#actor-quotes a[href="#/report/${encodeURIComponent(seedId)}?quote=${quoted.span.start}-${quoted.span.end}"]`);
    check(await qlink.count() === 1, 'the quote links to its report');
    await shot(page, '08b-actor-quotes');
    await qlink.click();
    await page.waitForSelector('#doctext .selected', { timeout: 15000 });
    const sel = await page.$$eval('#doctext .selected', (ss) => ({ quote: ss.every((s) => s.classList.contains('hl-quote')), text: ss.map((s) => s.textContent).join('') }));
    check(sel.quote && sel.text.includes(quoted.text.slice(0, 20)), 'following the link selects the quote in the report text');
  }

  step('map');
  await open(page, '#/map', 'map');
  await page.waitForSelector('#world-map.map-drawn');
  const clusters = await page.locator('#world-map path.cluster').count();
  check(clusters > 0, `events drawn on the world map in ${clusters} clusters`);
  await page.locator('#world-map path.cluster').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('.maplist h2');
  await shot(page, '09-map');
  await page.click('.maplist a:has-text("Open these")');
  await page.waitForSelector('table.events tbody tr, .status .empty');
  check(page.url().includes('bbox='), 'a cluster opens its events in the table');

  step('overview: the server\'s figures');
  await open(page, '#/overview', 'overview');
  await page.waitForSelector('#overview-chart.chart-drawn canvas', { timeout: 15000 });
  await page.waitForSelector('.cards .card');
  await page.waitForSelector('ul.latest li, section .empty');
  const ovA = await overviewFigures(page);
  console.log(`     ${ovA.o.from}..${ovA.o.to}: ${ovA.o.reports} reports, ${ovA.o.events} events, ${ovA.o.actors} actors; top actor ${ovA.o.top_actors[0] ? ovA.o.top_actors[0].actor.name + ' ' + ovA.o.top_actors[0].count : '-'}`);
  check(ovA.shown.reports === ovA.o.reports && ovA.shown.events === ovA.o.events && ovA.shown.actors === ovA.o.actors,
    `the cards show the server's totals (${JSON.stringify(ovA.shown)})`);
  check(ovA.o.events === ovA.facets.count, `the window's event total equals the events API's count for the same dates (${ovA.o.events} / ${ovA.facets.count})`);
  check(sum(ovA.o.events_per_day) === ovA.o.events && sum(ovA.o.by_root) === ovA.o.events && sum(ovA.o.reports_per_day) === ovA.o.reports,
    'per-day and per-root counts add up to the totals');
  check(JSON.stringify(Object.fromEntries(ovA.o.by_root.map((c) => [c.key, c.count]))) === JSON.stringify(Object.fromEntries(ovA.facets.by_root.map((c) => [c.key, c.count]))),
    'the CAMEO roots equal the events API\'s facets for the window');
  check(ovA.shown.actorsListed === ovA.o.top_actors.length && ovA.shown.dyadsListed === ovA.o.top_dyads.length && ovA.o.top_actors.length <= 10,
    `the top ${ovA.o.top_actors.length} actors and ${ovA.o.top_dyads.length} dyads are listed`);
  if (ovA.o.top_actors.length > 1) check(ovA.o.top_actors.every((a, i) => !i || ovA.o.top_actors[i - 1].count >= a.count), 'actors ranked by events');
  await shot(page, '10-overview');
  // The seed's month: alpha's org-only seed report is counted for alpha.
  const seedWindow = '?from=2015-09-01&to=2015-10-31';
  await open(page, `#/overview${seedWindow}`, 'overview');
  await page.waitForSelector('#ov-reports');
  const ovSeedA = await overviewFigures(page, seedWindow);
  check(ovSeedA.shown.reports === ovSeedA.o.reports && ovSeedA.o.from === '2015-09-01' && ovSeedA.o.reports >= 1, `a chosen window (${ovSeedA.o.from}..${ovSeedA.o.to}) counts alpha's seed report: ${ovSeedA.o.reports} reports, ${ovSeedA.o.events} events`);
  const seedEvents = await page.evaluate(async (id) => {
    const r = await fetch(`/api/v1/reports/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${sessionStorage.getItem('intelcell.token')}` } }).then((x) => x.json());
    return r.document.events.filter((e) => e.date >= '2015-09-01' && e.date <= '2015-10-31').length;
  }, seedId);

  step('cell: create a token, use it, revoke it');
  await open(page, '#/cell', 'cell');
  await page.waitForSelector('table.tokens tbody tr');
  await page.waitForSelector('table.audit tbody tr');
  const nTokens = await page.locator('table.tokens tbody tr').count();
  const tokName = 'e2e laptop <i>x</i>';
  await page.fill('#tok-name', tokName);
  await page.selectOption('#tok-role', 'reader');
  check(!(await page.locator('#tok-role option[value="cell-admin"]').count()), 'an org admin is not offered the cell-admin role');
  await page.click('form.tokform button[type=submit]');
  await page.waitForSelector('#new-secret');
  const newSecret = await page.inputValue('#new-secret');
  check(/^icl_[A-Za-z0-9_-]{40,}$/.test(newSecret), 'the new token\'s secret is shown once');
  await page.waitForFunction((n) => document.querySelectorAll('table.tokens tbody tr').length === n + 1, nTokens);
  const newRow = page.locator('table.tokens tbody tr', { hasText: tokName });
  check(await newRow.count() === 1 && await newRow.locator('i').count() === 0, 'the new token is listed by name, its name shown as text');
  const newID = await newRow.getAttribute('data-token');
  const kept = await page.evaluate((sec) => ({ s: JSON.stringify(sessionStorage), l: JSON.stringify(localStorage), c: document.cookie, u: location.href, t: document.querySelector('table.tokens').textContent }), newSecret);
  check(![kept.s, kept.l, kept.c, kept.u, kept.t].some((x) => x.includes(newSecret)), 'the secret is in no URL, storage, cookie or list');
  const whoNew = await page.evaluate(async (sec) => {
    const r = await fetch('/api/v1/whoami', { headers: { Authorization: `Bearer ${sec}` } });
    return { status: r.status, body: await r.json() };
  }, newSecret);
  check(whoNew.status === 200 && whoNew.body.org === 'alpha' && whoNew.body.role === 'reader', `the new token works: ${JSON.stringify(whoNew.body).slice(0, 80)}`);
  await page.mouse.move(10, 10);
  await shot(page, '11-cell');
  await newRow.locator('button:has-text("Revoke")').click();
  await newRow.locator('button:has-text("Confirm revoke")').click();
  await page.waitForSelector(`table.tokens tr[data-token="${newID}"] >> text=/revoked/`);
  const whoRevoked = await page.evaluate(async (sec) => (await fetch('/api/v1/whoami', { headers: { Authorization: `Bearer ${sec}` } })).status, newSecret);
  check(whoRevoked === 401, 'after revoking it in the Cell view the token is refused');
  await open(page, '#/cell', 'cell');
  await page.waitForSelector('table.audit tbody tr');
  const auditText = await page.textContent('table.audit');
  check(auditText.includes(`token ${newID}`) && /create/.test(auditText) && /change/.test(auditText), 'the audit log shows the token\'s creation and revocation');
  check(!auditText.includes(newSecret), 'the audit log never shows a secret');
  await shot(page, '11b-cell-after');

  step('narrow screen');
  await page.setViewportSize({ width: 400, height: 850 });
  await open(page, `#/report/${encodeURIComponent(seedId)}`, 'report');
  await page.waitForSelector('#doctext span.hl-mention');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 2, `no horizontal scrolling at 400 px (overflow ${overflow} px)`);
  await shot(page, '12-report-narrow');
  await open(page, '#/events', 'events');
  await shot(page, '13-events-narrow');
  for (const [hash, name, sel] of [['#/overview', 'overview', '#overview-chart.chart-drawn'], ['#/cell', 'cell', 'table.audit tbody tr']]) {
    await open(page, hash, name);
    await page.waitForSelector(sel, { timeout: 15000 });
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(over <= 2, `${name}: no horizontal scrolling at 400 px (overflow ${over} px)`);
    await shot(page, `13-${name}-narrow`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  step('sign out');
  await page.click('#who button');
  await page.waitForSelector('form.signin');
  check(await page.evaluate(() => sessionStorage.getItem('intelcell.token')) === null, 'signing out forgets the token');
  check(problemsA.length === 0, `no page errors, CSP violations or external requests ${problemsA.slice(0, 5).join(' | ')}`);

  // ----------------------------------------------------------------- beta
  step('org beta does not see alpha\'s org-only reports');
  const ctxB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const pb = await ctxB.newPage();
  const problemsB = watch(pb, 'beta');
  await pb.goto(base + '/#/signin');
  await pb.fill('#token', tokB);
  await pb.click('form.signin button');
  await pb.waitForFunction(() => document.querySelector('#who')?.textContent.includes('beta'));
  const leaks = [];
  const scan = async (label) => {
    const html = await pb.content();
    if (html.includes(seedId) || html.includes(hostileId)) leaks.push(label);
    if (html.includes('Seed article for the console test') || html.includes('Hostile')) leaks.push(label + ' (title)');
  };
  await open(pb, `#/report/${encodeURIComponent(seedId)}`, 'report');
  const msg = await pb.textContent('main .error');
  check(/does not exist or is not shared with you/.test(msg), `beta opening alpha's report: "${msg}"`);
  await shot(pb, '14-beta-report-denied');
  await open(pb, '#/overview', 'overview');
  await pb.waitForTimeout(500);
  await scan('overview');
  await shot(pb, '15-beta-overview');
  await open(pb, `#/overview${seedWindow}`, 'overview');
  await pb.waitForSelector('#ov-reports');
  const ovSeedB = await overviewFigures(pb, seedWindow);
  check(ovSeedB.shown.reports === ovSeedB.o.reports && ovSeedB.shown.events === ovSeedB.o.events, 'beta\'s overview cards show beta\'s own figures');
  check(ovSeedA.o.reports - ovSeedB.o.reports === 1 && ovSeedA.o.events - ovSeedB.o.events === seedEvents,
    `beta's overview of the seed's months counts nothing of alpha's org-only seed report (alpha ${ovSeedA.o.reports} reports / ${ovSeedA.o.events} events, beta ${ovSeedB.o.reports} / ${ovSeedB.o.events}, the seed ${seedEvents} events)`);
  check(!JSON.stringify(ovSeedB.o).includes(seedId), 'beta\'s overview names nothing of the seed report');
  await scan('overview of the seed\'s months');
  for (const hash of ['#/events?limit=250', '#/events?q=Seed', `#/events?actor=${encodeURIComponent(actorId)}&limit=250`, '#/events?q=Baghdad']) {
    await open(pb, hash, 'events');
    await scan(hash);
  }
  await shot(pb, '16-beta-events');
  await open(pb, `#/actor/${encodeURIComponent(actorId)}`, 'actor');
  await pb.waitForTimeout(800);
  await scan('actor');
  await open(pb, '#/map', 'map');
  await pb.waitForTimeout(500);
  const cl = pb.locator('#world-map path.cluster');
  for (let i = 0; i < Math.min(await cl.count(), 5); i++) { await cl.nth(i).focus(); await pb.keyboard.press('Enter'); await scan(`map cluster ${i}`); }
  await shot(pb, '17-beta-map');
  const api = await pb.evaluate(async (ids) => {
    const H = { headers: { Authorization: `Bearer ${sessionStorage.getItem('intelcell.token')}` } };
    const ev = await Promise.all(ids.map((id) => fetch(`/api/v1/events?report=${id}`, H).then((r) => r.json())));
    const s = await fetch('/api/v1/search?q=Baghdad', H).then((r) => r.json());
    return { events: ev.map((e) => e.events.length), search: s.reports.map((r) => r.id) };
  }, [seedId, hostileId]);
  check(api.events.every((n) => n === 0) && !api.search.includes(hostileId), 'the API gives beta none of their events or search hits');
  check(leaks.length === 0, `no view shows beta alpha's reports ${leaks.join(', ')}`);
  check(problemsB.length === 0, `no page errors for beta ${problemsB.slice(0, 5).join(' | ')}`);

  // Cold load of a page (a fresh tab: HTML, scripts, API) for one more figure.
  const cold = await ctxB.newPage();
  const t1 = Date.now();
  await cold.goto(base + '/#/events');
  await cold.waitForSelector('main[data-ready]');
  timings.push({ view: 'events (cold page load)', ms: Date.now() - t1, wall: Date.now() - t1 });
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures++;
  // What each open page showed when the step failed, for the report.
  let i = 0;
  for (const c of browser.contexts()) {
    for (const p of c.pages()) {
      i++;
      const text = await p.evaluate(() => document.querySelector('main')?.innerText || '').catch(() => '');
      console.log(`     page ${i} at ${p.url()}: ${text.replace(/\s+/g, ' ').slice(0, 400)}`);
      await shot(p, `failed-${i}`).catch(() => {});
    }
  }
} finally {
  await browser.close();
}

console.log('\n== first content per view (ms, measured in the page from the route change; wall = as seen by the test)');
const byView = new Map();
for (const t of timings) {
  if (!byView.has(t.view)) byView.set(t.view, []);
  byView.get(t.view).push(t);
}
for (const [v, ts] of byView) {
  const ms = ts.map((x) => x.ms);
  console.log(`  ${v.padEnd(26)} n=${ts.length}  max ${Math.max(...ms)} ms  median ${ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]} ms  ${Math.max(...ms) <= 1000 ? '(within 1 s)' : '(OVER 1 s)'}`);
}
console.log(failures ? `\n${failures} check(s) failed` : '\nall checks passed');
process.exit(failures ? 1 : 0);
