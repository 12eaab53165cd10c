// <slo-backtest> and <slo-report> reading a real Prometheus (the example history backfilled
// by tests/backtest/history_server.py, CORS allowed for the test page's origin only):
// nothing is sent until the reader presses "Read from Prometheus"; then the page asks
// exactly the core's split of the range and computes what `slo backtest --prometheus` and
// `slo report --prometheus` compute from the same server. A refused query, a refused origin
// and a bad URL are messages by the field, never exceptions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, open, requireBuilt, pageAt, screenshot, axeViolations, ROOT } from '../lib/harness.mjs';

const PYTHON = join(ROOT, '.venv/bin/python');
const HISTORY = join(ROOT, 'examples/history/checkout-90d.csv');
const SPEC = join(ROOT, 'examples/checkout.json');
const SLO = 'checkout-availability';
const TARGETS = '99,99.5,99.9,99.95';
const INCIDENTS = '1786371000..1786372800,1790010300..1790011020';
// What a reader types for the filter's counter of that SLO: events per one-minute step.
const GOOD = `sum(increase(slo_requests_total{slo="${SLO}",outcome="good"}[1m]))`;
const TOTAL = `sum(increase(slo_requests_total{slo="${SLO}"}[1m]))`;
// 90 days of minutes, 11,000 points per call: 12 calls for each query.
const CALLS = 24;

const rows = readFileSync(HISTORY, 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
const START = rows[0];
const END = rows.at(-1) + 60;

const esc = (text) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
const source = (prometheus) => `prometheus="${prometheus}" prometheus-events="${esc(GOOD)}" prometheus-total="${esc(TOTAL)}" prometheus-start="${START}" prometheus-end="${END}"`;
const page = (prometheus) => `<!doctype html><html lang="en"><head><title>backtest from Prometheus</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-backtest.js"></script></head>
<body><main><slo-backtest id="bt" targets="${TARGETS}" window="30d" incidents="${INCIDENTS}" ${source(prometheus)}></slo-backtest></main></body></html>`;
const reportPage = (prometheus) => `<!doctype html><html lang="en"><head><title>report from Prometheus</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-report.js"></script></head>
<body><main><h1>Checkout</h1><h2>Compliance</h2><slo-report id="rp" target="99.9" window="30d" ${source(prometheus)}></slo-report></main></body></html>`;

const freePort = () => new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
});

let site, other, prometheus, prometheusUrl, dir, browser;
before(async () => {
  requireBuilt();
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run scripts/setup.sh (it makes the Python venv)`);
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  const backtestPage = pageAt('/test/backtest-prometheus.html', page(prometheusUrl));
  const compliancePage = pageAt('/test/report-prometheus.html', reportPage(prometheusUrl));
  site = await serve(undefined, (req, res) => backtestPage(req, res) || compliancePage(req, res));
  // Another origin serving the same page: Prometheus does not allow it.
  other = await serve(undefined, pageAt('/test/backtest-prometheus.html', page(prometheusUrl)));
  dir = mkdtempSync(join(tmpdir(), 'slo-backtest-prometheus-'));
  const origin = site.url.replaceAll('.', '\\.');
  let log = '';
  prometheus = spawn(PYTHON, [join(ROOT, 'tests/backtest/history_server.py'), dir, String(port), origin], { stdio: ['ignore', 'pipe', 'pipe'] });
  prometheus.stdout.on('data', (d) => { log += d; });
  prometheus.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (prometheus.exitCode !== null) throw new Error(`the backfilled Prometheus exited:\n${log.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`Prometheus was not ready in 180 s:\n${log.slice(-3000)}`);
    try {
      if ((await fetch(`${prometheusUrl}/-/ready`)).ok) break;
    } catch { /* not listening yet: promtool is still backfilling */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
  await other?.close();
  prometheus?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** query_range calls the server has answered, from its own metrics (one line per status code). */
async function queryRangeCalls() {
  const text = await (await fetch(`${prometheusUrl}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith('prometheus_http_requests_total{') && l.includes('handler="/api/v1/query_range"'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

const lastResult = (el) => el.evaluate((node) => JSON.parse(JSON.stringify(node.last,
  (_, value) => (ArrayBuffer.isView(value) ? Array.from(value) : value))));

/** Waits until the element says something under `field` (its inline message). */
async function messageOf(el, field) {
  const message = el.locator(`[name="${field}"] ~ .error`);
  await message.filter({ hasText: /\S/ }).waitFor({ timeout: 30000 });
  return message.textContent();
}

test('nothing is sent until the reader asks; then the page computes what `slo backtest --prometheus` does', async (t) => {
  const { page: tab, problems, requests } = await open(browser, `${site.url}/test/backtest-prometheus.html`);
  const el = tab.locator('#bt');
  // The element is up and waiting for a history, with the server's URL and queries filled in.
  assert.match(await messageOf(el, 'history'), /No history yet/);
  assert.equal(await el.locator('[name="prom_url"]').inputValue(), prometheusUrl);
  await tab.waitForTimeout(500);
  assert.equal(await queryRangeCalls(), 0, 'the page queried Prometheus before the reader asked');
  assert.ok(requests.every((url) => url.startsWith(`${site.url}/`)), requests.join(', '));

  // The reader presses the button from the keyboard.
  await el.locator('.read-prometheus').focus();
  const pressed = Date.now();
  await tab.keyboard.press('Enter');
  await tab.locator('#bt[data-ready="true"]').waitFor({ timeout: 60000 });
  t.diagnostic(`90 days read from Prometheus (${CALLS} calls) and backtested in the page in ${Date.now() - pressed} ms`);
  const calls = requests.filter((url) => url.startsWith(`${prometheusUrl}/`));
  assert.equal(calls.length, CALLS, calls.join('\n'));
  assert.ok(calls.every((url) => new URL(url).pathname === '/api/v1/query_range'), calls.join('\n'));
  assert.equal(await queryRangeCalls(), CALLS);
  assert.match(await el.locator('.source').textContent(), new RegExp(`${CALLS} query_range answers from 127\\.0\\.0\\.1:\\d+, read in this page`));

  const cli = JSON.parse(execFileSync('cargo', ['run', '--quiet', '-p', 'slo-cli', '--', 'backtest', '--prometheus', prometheusUrl,
    '--spec', SPEC, '--slo', SLO, '--start', String(START), '--end', String(END), '--targets', TARGETS, '--incidents', INCIDENTS, '--json'],
  { cwd: ROOT, encoding: 'utf8' }));
  assert.deepEqual(await lastResult(el), cli);
  // And so the CSV's figures (tests/backtest proves the CLI's equal): 99.5% is recommended.
  assert.match(await el.locator('.recommendation').textContent(), /^Recommended: 99\.5%/);
  assert.equal(cli.gap_seconds, 5400);
  await screenshot(el, 'backtest-prometheus-read');
  assert.deepEqual(problems, []);
});

test('<slo-report> read from Prometheus gives the bytes `slo report --prometheus` prints', async () => {
  const { page: tab, problems, requests } = await open(browser, `${site.url}/test/report-prometheus.html`);
  const el = tab.locator('#rp');
  assert.match(await messageOf(el, 'history'), /No history yet: .* or read it from a Prometheus server/);
  const before = await queryRangeCalls();
  await el.locator('.read-prometheus').click();
  await tab.locator('#rp[data-ready="true"]').waitFor({ timeout: 60000 });
  assert.equal(requests.filter((url) => url.startsWith(`${prometheusUrl}/`)).length, CALLS);
  assert.equal(await queryRangeCalls() - before, CALLS);
  const cli = (format) => execFileSync('cargo', ['run', '--quiet', '-p', 'slo-cli', '--', 'report', '--prometheus', prometheusUrl,
    '--spec', SPEC, '--slo', SLO, '--target', '99.9', '--start', String(START), '--end', String(END), '--format', format],
  { cwd: ROOT, encoding: 'utf8' });
  const saved = await el.evaluate((node) => ({ csv: node.last.csv, markdown: node.last.markdown }));
  assert.equal(saved.csv, cli('csv'));
  // The command names the SLO of its --spec; the page reads the queries the reader gave.
  const markdown = cli('markdown');
  assert.match(markdown, /^- SLO: /m);
  assert.equal(saved.markdown, markdown.replace(/^- SLO: .*\n/m, ''));
  assert.match(saved.markdown, new RegExp(`^- Input: ${prometheusUrl.replaceAll('.', '\\.')}$`, 'm'));
  assert.equal(await el.locator('tbody tr').first().locator('[data-value="verdict"]').textContent(), 'met');
  await screenshot(el, 'report-prometheus-read');
  assert.deepEqual(await axeViolations(tab), []);
  assert.deepEqual(problems, []);

  // Its Prometheus source on a phone, dark: within the screen's width, and axe-clean.
  const phone = await open(browser, `${site.url}/test/report-prometheus.html`, { viewport: { width: 390, height: 900 }, colorScheme: 'dark' });
  const form = phone.page.locator('#rp');
  await messageOf(form, 'history');
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
  assert.deepEqual(await axeViolations(phone.page), [], '390 px, dark');
  await screenshot(form.locator('form'), 'report-prometheus-390-dark');
  await phone.context.close();
});

test('a refused query, a refused origin and a bad URL are messages by their field', async () => {
  const { page: tab, problems } = await open(browser, `${site.url}/test/backtest-prometheus.html`);
  const el = tab.locator('#bt');
  await messageOf(el, 'history');
  await el.locator('[name="prom_total"]').fill('sum(no_such_function(slo_requests_total[1m]))');
  await el.locator('.read-prometheus').click();
  assert.match(await messageOf(el, 'prom_total'), /^Prometheus refused this query \(HTTP 400\): bad_data: .*no_such_function/);

  await el.locator('[name="prom_url"]').fill('127.0.0.1:9090');
  await el.locator('.read-prometheus').click();
  assert.match(await messageOf(el, 'prom_url'), /^“127\.0\.0\.1:9090” is not a server's address .*allowed: an http:\/\/ or https:\/\/ URL/);

  await el.locator('[name="prom_url"]').fill(prometheusUrl);
  await el.locator('[name="prom_start"]').fill('yesterday');
  await el.locator('.read-prometheus').click();
  assert.match(await messageOf(el, 'prom_start'), /“yesterday” is not a time/);

  // Nothing listens there.
  await el.locator('[name="prom_start"]').fill(String(START));
  await el.locator('[name="prom_url"]').fill(`http://127.0.0.1:${await freePort()}`);
  await el.locator('.read-prometheus').click();
  assert.match(await messageOf(el, 'prom_url'), /^Cannot read http:\/\/127\.0\.0\.1:\d+: no connection \(is the server running/);
  // Rows pasted after a failed read are the history now (two minutes: no incident in them).
  await el.locator('[name="incidents"]').fill('');
  await el.locator('[name="history"]').fill('1785542400,100,0\n1785542460,99,1\n');
  await tab.locator('#bt[data-ready="true"]').waitFor();
  assert.equal(await el.locator('[name="prom_url"] ~ .error').textContent(), '');
  // The browser itself logs the refused query's 400 and the refused connection; nothing else may appear.
  assert.deepEqual(problems.filter((p) => !/status of 400 \(Bad Request\)|ERR_CONNECTION_REFUSED/.test(p)), []);

  // The same page on an origin Prometheus does not allow: the browser withholds the answer.
  const elsewhere = await open(browser, `${other.url}/test/backtest-prometheus.html`);
  const el2 = elsewhere.page.locator('#bt');
  await messageOf(el2, 'history');
  await el2.locator('.read-prometheus').click();
  assert.match(await messageOf(el2, 'prom_url'), /^Cannot read http:\/\/127\.0\.0\.1:\d+: the server answers, but not to this page: it must allow the origin http:\/\/127\.0\.0\.1:\d+ \(start Prometheus with --web\.cors\.origin\)\.$/);
  assert.equal(await el2.getAttribute('data-ready'), null);
  await screenshot(el2.locator('.drop'), 'backtest-prometheus-refused-origin');
  // The browser itself logs the CORS refusal; nothing else may appear.
  assert.deepEqual(elsewhere.problems.filter((p) => !/CORS|ERR_FAILED/.test(p)), []);
});
