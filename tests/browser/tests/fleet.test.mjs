// <slo-fleet> against a real fleet (tests/prometheus/fleet_fixture.py): two Envoys with the
// filter and the demo app with its own counter, scraped by Debian's prometheus evaluating
// `slo rules` (short tiers), its API open to this test page's origin only. Nothing is sent
// until the reader presses the button; every figure shown equals the PromQL answer for the
// same instant, asked by this test itself; an incident shows the page tier firing; a
// stopped Envoy shows as partial data and an SLO without series as no data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, open, requireBuilt, screenshot, ROOT, axeViolations } from '../lib/harness.mjs';

const PYTHON = join(ROOT, '.venv/bin/python');
const PAGE = '/test/fleet.html';
const page = (prometheus) => `<!doctype html><html lang="en"><head><title>fleet</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-fleet.js"></script></head>
<body><main><h1>Fleet</h1><h2>Every SLO</h2><slo-fleet id="fleet" prometheus="${prometheus}" backtest-page="/backtest.html" report-page="/report.html"></slo-fleet></main></body></html>`;

let site, other, fixture, lines, prometheusUrl, dir, browser;
before(async () => {
  requireBuilt();
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run scripts/setup.sh (it makes the Python venv)`);
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error("prometheus is missing: install Debian's prometheus (scripts/setup.sh does)");
  }
  const fleetPage = (req, res) => {
    if (req.url !== PAGE) return false;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(prometheusUrl));
    return true;
  };
  site = await serve(undefined, fleetPage);
  // Another origin serving the same page: Prometheus does not allow it.
  other = await serve(undefined, fleetPage);
  dir = mkdtempSync(join(tmpdir(), 'slo-fleet-'));
  fixture = spawn(PYTHON, [join(ROOT, 'tests/prometheus/fleet_fixture.py'), dir, site.url.replaceAll('.', '\\.')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  fixture.stderr.on('data', (d) => { log += d; });
  lines = createInterface({ input: fixture.stdout })[Symbol.asyncIterator]();
  const first = await Promise.race([lines.next(), new Promise((_, no) => fixture.on('exit', () => no(new Error(`the fleet fixture exited:\n${log.slice(-3000)}`))))]);
  prometheusUrl = JSON.parse(first.value).prometheus;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
  await other?.close();
  if (fixture && fixture.exitCode === null) {
    fixture.stdin.end('quit\n');
    await new Promise((done) => { fixture.on('exit', done); setTimeout(() => { fixture.kill('SIGTERM'); done(); }, 30000); });
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Tells the fixture to do something and waits until it is done. */
async function command(what) {
  fixture.stdin.write(`${what}\n`);
  const answer = JSON.parse((await lines.next()).value);
  assert.deepEqual(answer, { done: what });
}

/** A PromQL instant query at `at`, straight to the server: {`service/slo`: value}. */
async function promql(query, at) {
  const url = `${prometheusUrl}/api/v1/query?${new URLSearchParams({ query, time: String(at) })}`;
  const answer = await (await fetch(url)).json();
  assert.equal(answer.status, 'success', JSON.stringify(answer));
  return Object.fromEntries(answer.data.result.map((r) => [`${r.metric.service ?? ''}/${r.metric.slo ?? ''}`, Number(r.value[1])]));
}

/**
 * A PromQL range query straight to the server, which must answer one series: its points as
 * [step index from `start`, value].
 */
async function promqlRange(query, start, end, step) {
  const url = `${prometheusUrl}/api/v1/query_range?${new URLSearchParams({ query, start, end, step })}`;
  const answer = await (await fetch(url)).json();
  assert.equal(answer.status, 'success', JSON.stringify(answer));
  assert.equal(answer.data.result.length, 1, `${query}: ${JSON.stringify(answer)}`);
  return answer.data.result[0].values.map(([t, v]) => [(t - start) / step, Number(v)]);
}

/** A drawn series (by step index, NaN where nothing is drawn) holds PromQL's points and no others. */
function assertPointsArePromQL(name, drawn, points) {
  assert.ok(points.length > 0, name);
  for (const [i, value] of points) assert.ok(Math.abs(drawn[i] - value) <= 1e-9 * Math.max(1, Math.abs(value)), `${name} at step ${i}: drawn ${drawn[i]}, PromQL ${value}`);
  assert.equal(drawn.filter(Number.isFinite).length, points.length, `${name}: points PromQL does not have`);
}

async function until(check, what, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** API calls the server has answered, by handler, from its own metrics. */
async function apiCalls(handler) {
  const text = await (await fetch(`${prometheusUrl}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith('prometheus_http_requests_total{') && l.includes(`handler="${handler}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** Opens the page, reads the fleet as it was at `at` by pressing the button, and waits. */
async function readAt(at, options = {}) {
  const opened = await open(browser, `${site.url}${PAGE}`, options);
  const el = opened.page.locator('#fleet');
  await el.locator('.state').filter({ hasText: /\S/ }).waitFor();
  await el.evaluate((node, value) => node.setAttribute('at', value), String(at));
  await el.locator('.read').click();
  await opened.page.locator(`#fleet[data-ready="true"][data-at="${at}"]`).waitFor({ timeout: 30000 });
  return { ...opened, el };
}

/** A figure shown as text (`99.9876%`, `30.5x`) and its decimals. */
function shown(text) {
  const m = /^(-?[\d.]+)(%|x)$/.exec(text.trim());
  assert.ok(m, `not a figure: ${text}`);
  return { value: Number(m[1]), decimals: (m[1].split('.')[1] ?? '').length };
}

/** The text shows `exact` (a ratio for %, a rate for x) to its last decimal: rounded, or cut. */
function assertShows(text, exact, what, { cut = false } = {}) {
  const { value, decimals } = shown(text);
  const expected = text.trim().endsWith('%') ? exact * 100 : exact;
  const unit = 10 ** -decimals;
  const off = expected - value;
  const ok = cut ? off > -1e-9 && off < unit + 1e-9 : Math.abs(off) <= unit / 2 + 1e-9;
  assert.ok(ok, `${what}: shows ${text}, PromQL says ${expected}`);
}

/** Compares one row's figures with PromQL's answers at the same instant. */
async function assertRowIsPromQL(el, at, key) {
  const row = el.locator(`tr[data-slo="${key}"]`);
  const q = async (query) => (await promql(query, at))[key];
  const objective = await q('slo:objective:ratio');
  assertShows((await row.locator('[data-value="objective"]').textContent()).split(' over ')[0], objective, `${key} objective`);
  assertShows(await row.locator('[data-value="sli"]').textContent(), 1 - await q('slo:error_ratio:rate1d'), `${key} SLI over the day`, { cut: true });
  assertShows(await row.locator('[data-value="budget"]').textContent(), await q('slo:error_budget_remaining:ratio'), `${key} budget left`);
  const tier = row.locator('li[data-tier="page"]');
  const [long, short] = [await tier.locator('[data-value="long"]').textContent(), await tier.locator('[data-value="short"]').textContent()];
  assert.match(await tier.locator('.sr-only').textContent(), /^page \(page\): \S+ over 1m30s, \S+ over 1m; fires above 25x/);
  const burn = (window) => q(`slo:error_ratio:rate${window} / on (service, slo) (1 - slo:objective:ratio)`);
  assertShows(long, await burn('1m30s'), `${key} burn over 1m30s`);
  assertShows(short, await burn('1m'), `${key} burn over 1m`);
  const firing = await q('ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing",slo_tier="page"}');
  assert.equal(await tier.getAttribute('data-alert') === 'firing', firing === 1, `${key}: ${await tier.textContent()}`);
}

test('nothing is sent until the reader asks; every figure shown is PromQL\'s at the same instant', async () => {
  const { page: tab, problems, requests } = await open(browser, `${site.url}${PAGE}`);
  const el = tab.locator('#fleet');
  await el.locator('.state').filter({ hasText: /Nothing read yet/ }).waitFor();
  const before = await apiCalls('/api/v1/query');
  await tab.waitForTimeout(500);
  assert.ok(requests.every((url) => url.startsWith(`${site.url}/`)), requests.join(', '));
  assert.equal(await apiCalls('/api/v1/query'), before);

  // The day's SLI and budget read the events recorded once a minute: wait for the first.
  // The instant is a few seconds back, so that every scrape and evaluation up to it has
  // landed before either the page or this test asks.
  const at = await until(async () => {
    const instant = Math.floor(Date.now() / 1000) - 5;
    return Object.keys(await promql('slo:error_budget_remaining:ratio', instant)).length === 2 && instant;
  }, 'recorded budgets', 150);
  await el.evaluate((node, value) => node.setAttribute('at', value), String(at));
  await el.locator('.read').focus();
  await tab.keyboard.press('Enter');
  await tab.locator(`#fleet[data-ready="true"][data-at="${at}"]`).waitFor({ timeout: 30000 });
  const calls = requests.filter((url) => url.startsWith(`${prometheusUrl}/`)).map((url) => new URL(url).pathname);
  // One query per kind of series and one range query for the sparklines of the 1d window.
  assert.deepEqual(calls.sort(), [...Array(9).fill('/api/v1/query'), '/api/v1/query_range']);

  for (const key of ['shop/checkout', 'shop/app-availability']) await assertRowIsPromQL(el, at, key);
  // Each sparkline is the SLO's recorded budget over its window, point for point, at the
  // range and step the page asked for: the test's own query, one SLO at a time.
  const asked = new URL(requests.find((url) => url.startsWith(`${prometheusUrl}/api/v1/query_range`)));
  const [start, end, step] = ['start', 'end', 'step'].map((name) => Number(asked.searchParams.get(name)));
  const sparklines = await el.evaluate((node) => Object.fromEntries(node.read.fleet.slos.map((s) => [`${s.service}/${s.slo}`, [...s.budget_series]])));
  for (const key of ['shop/checkout', 'shop/app-availability']) {
    const [service, slo] = key.split('/');
    const points = await promqlRange(`slo:error_budget_remaining:ratio{service="${service}",slo="${slo}"}`, start, end, step);
    assertPointsArePromQL(`${key}'s sparkline`, sparklines[key], points);
  }
  const checkout = el.locator('tr[data-slo="shop/checkout"]');
  assert.equal(await checkout.getAttribute('data-state'), 'ok');
  const envoysUp = (await promql('count(up{job="envoy"} == 1)', at))['/'];
  assert.equal(await checkout.locator('[data-value="data"]').textContent(), `${envoysUp} sources reporting`);
  // The SLO whose source has no series at all is not a good SLO.
  const ghost = el.locator('tr[data-slo="shop/ghost"]');
  assert.equal(await ghost.getAttribute('data-state'), 'no_data');
  assert.equal(await ghost.locator('[data-value="sli"]').textContent(), 'no data');
  assert.equal(await ghost.locator('[data-value="data"]').textContent(), 'no recorded SLI over its window');
  assert.deepEqual(await promql('slo:error_ratio:rate1d{slo="ghost"}', at).then(Object.keys), []);
  assert.match(await el.locator('.summary').textContent(), /^3 SLOs: 1 no data, 2 ok/);
  // Sorted by state, the SLO without data comes first; filtered, only it is left.
  assert.equal(await el.locator('tbody tr').first().getAttribute('data-slo'), 'shop/ghost');
  await el.locator('select[name="state"]').selectOption('ok');
  assert.deepEqual(await el.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.slo)), ['shop/app-availability', 'shop/checkout']);
  assert.deepEqual(problems, []);

  for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [390, 'light'], [390, 'dark']]) {
    const shot = await readAt(at, { viewport: { width, height: 900 }, colorScheme: scheme });
    assert.deepEqual(await axeViolations(shot.page), [], `${width} px, ${scheme}`);
    await screenshot(shot.el, `fleet-${width}-${scheme}`);
    assert.deepEqual(shot.problems, []);
    await shot.context.close();
  }
});

test('an incident shows the page tier firing, with its alert in the detail; a stopped Envoy is partial data', async () => {
  await command('incident');
  const firing = 'ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing",slo="checkout",slo_tier="page"}';
  const at = await until(async () => {
    const instant = Math.floor(Date.now() / 1000) - 2;
    return Object.keys(await promql(firing, instant)).length === 1 && instant;
  }, 'page alert of checkout', 180);
  const { page: tab, el, problems, requests } = await readAt(at);
  await assertRowIsPromQL(el, at, 'shop/checkout');
  const checkout = el.locator('tr[data-slo="shop/checkout"]');
  assert.equal(await checkout.getAttribute('data-state'), 'page');
  assert.equal(await checkout.locator('[data-value="state"]').textContent(), 'page firing: page');
  assert.equal(await checkout.locator('li[data-tier="page"]').getAttribute('data-alert'), 'firing');

  // The detail: five range queries, the alert that fires, and the same series to backtest and report on.
  const ranges = await apiCalls('/api/v1/query_range');
  await checkout.locator('button[data-detail]').click();
  await tab.locator('#fleet').locator('.detail[data-slo="shop/checkout"]').waitFor({ timeout: 30000 });
  assert.equal(await apiCalls('/api/v1/query_range') - ranges, 5);
  const detail = el.locator('.detail');
  assert.match(await detail.locator('li[data-alert="page"]').textContent(), /^SloErrorBudgetBurn page: firing since \d{4}-\d\d-\d\dT/);
  const href = await detail.locator('a.backtest-link').getAttribute('href');
  const fields = new URLSearchParams(href.split('#')[1]);
  assert.equal(fields.get('slo-backtest.prom_url'), prometheusUrl);
  assert.equal(fields.get('slo-backtest.prom_events'), 'sum(slo:bad_events:increase1m{service="shop",slo="checkout"})');
  assert.equal(fields.get('slo-backtest.targets'), '99%');
  const report = new URLSearchParams((await detail.locator('a.report-link').getAttribute('href')).split('#')[1]);
  assert.deepEqual(Object.fromEntries(report), {
    ...Object.fromEntries([...fields].filter(([k]) => k !== 'slo-backtest.targets').map(([k, v]) => [k.replace('slo-backtest.', 'slo-report.'), v])),
    'slo-report.target': '99%',
  });
  await screenshot(detail, 'fleet-detail-1280-light');
  // The charts' points are PromQL's over the same range and step.
  const drawn = await el.evaluate((node) => {
    const d = node.detail;
    return { start: d.start_seconds, end: d.end_seconds, step: d.step_seconds, budget: [...d.budget_remaining], good: [...d.good_events],
      bad: [...d.bad_events], burn: Object.fromEntries(d.burn_rates.map((b) => [b.window, [...b.burn_rates]])) };
  });
  const range = (query) => promqlRange(query, drawn.start, drawn.end, drawn.step);
  const id = 'service="shop",slo="checkout"';
  const step = `${drawn.step / 60}m`;
  const bad = await range(`sum_over_time(slo:bad_events:increase1m{${id}}[${step}])`);
  const all = new Map(await range(`sum_over_time(slo:events:increase1m{${id}}[${step}])`));
  const expected = {
    budget: await range(`slo:error_budget_remaining:ratio{${id}}`),
    bad,
    good: bad.map(([i, b]) => [i, Math.max(0, all.get(i) - b)]),
    'burn 1m30s': await range(`slo:error_ratio:rate1m30s{${id}} / on (service, slo) (1 - slo:objective:ratio)`),
    'burn 1m': await range(`slo:error_ratio:rate1m{${id}} / on (service, slo) (1 - slo:objective:ratio)`),
  };
  const series = { budget: drawn.budget, bad: drawn.bad, good: drawn.good, 'burn 1m30s': drawn.burn['1m30s'], 'burn 1m': drawn.burn['1m'] };
  for (const [name, points] of Object.entries(expected)) assertPointsArePromQL(name, series[name], points);
  assert.ok(requests.every((url) => url.startsWith(`${site.url}/`) || url.startsWith(`${prometheusUrl}/api/v1/`)), requests.join('\n'));
  assert.deepEqual(problems, []);

  // The same detail on a phone, dark: within the screen's width, and axe-clean.
  const phone = await readAt(at, { viewport: { width: 390, height: 900 }, colorScheme: 'dark' });
  await phone.el.locator('tr[data-slo="shop/checkout"] button[data-detail]').click();
  const phoneDetail = phone.el.locator('.detail[data-slo="shop/checkout"]');
  await phoneDetail.waitFor({ timeout: 30000 });
  assert.deepEqual(await axeViolations(phone.page), [], 'the detail at 390 px, dark');
  assert.equal(await phone.page.evaluate(() => document.documentElement.scrollWidth), 390, 'the page scrolls sideways');
  await screenshot(phoneDetail, 'fleet-detail-390-dark');
  assert.deepEqual(phone.problems, []);
  await phone.context.close();

  await command('stop-envoy');
  const down = 'count by (slo) (group by (slo, job, instance) (last_over_time(slo_requests_total[1h])) and on (job, instance) (up == 0))';
  const since = await until(async () => {
    const now = Math.floor(Date.now() / 1000) - 2;
    return (await promql(down, now))['/checkout'] === 1 && now;
  }, 'a stopped Envoy in up', 30);
  const stopped = await readAt(since);
  const row = stopped.el.locator('tr[data-slo="shop/checkout"]');
  assert.equal(await row.getAttribute('data-state'), 'partial_data');
  assert.equal(await row.locator('[data-value="state"]').textContent(), 'partial data');
  const reporting = (await promql('count(up{job="envoy"} == 1)', since))['/'];
  assert.equal(await row.locator('[data-value="data"]').textContent(), `1 of 2 sources down: the figures count only the ${reporting} reporting`);
  await screenshot(stopped.el, 'fleet-partial-1280-light');
  assert.deepEqual(stopped.problems, []);

  // A page that asks for live data: read at once, no button pressed, and again later.
  const live = await open(browser, `${site.url}${PAGE}`);
  const liveEl = live.page.locator('#fleet');
  await liveEl.locator('.state').filter({ hasText: /Nothing read yet/ }).waitFor();
  await liveEl.evaluate((node, value) => { node.setAttribute('at', value); node.setAttribute('live', ''); }, String(since));
  await live.page.locator(`#fleet[data-ready="true"][data-at="${since}"]`).waitFor({ timeout: 30000 });
  assert.match(await liveEl.locator('.state').textContent(), /; refreshes every 60 s\.$/);
  assert.equal(await liveEl.locator('tr[data-slo="shop/checkout"]').getAttribute('data-state'), 'partial_data');
  assert.deepEqual(live.problems, []);
});

test('a page whose origin the server does not allow is told so, and so is a bad address', async () => {
  const { page: tab, problems } = await open(browser, `${other.url}${PAGE}`);
  const el = tab.locator('#fleet');
  await el.locator('.state').filter({ hasText: /Nothing read yet/ }).waitFor();
  await el.locator('.read').click();
  const state = el.locator('.state.error');
  await state.waitFor({ timeout: 15000 });
  assert.match(await state.textContent(), new RegExp(`^Cannot read http://127\\.0\\.0\\.1:\\d+: the server answers, but not to this page: it must allow the origin ${other.url.replaceAll('.', '\\.')} \\(start Prometheus with --web\\.cors\\.origin\\)\\.$`));
  await el.evaluate((node) => node.setAttribute('prometheus', 'ftp://127.0.0.1:9090'));
  await el.locator('.read').click();
  await state.filter({ hasText: /ftp:/ }).waitFor();
  assert.match(await state.textContent(), /^The prometheus attribute “ftp:\/\/127\.0\.0\.1:9090” is not a server's address \(ftp: is not http: or https:\); allowed:/);
  // The browser's own CORS report is the only console error.
  assert.ok(problems.every((p) => /CORS|Failed to load resource|ERR_FAILED/.test(p)), problems.join('\n'));
});
