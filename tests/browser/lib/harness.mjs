// Shared by the browser tests and the benchmark: a static server on loopback, Debian's
// headless Chromium through playwright-core, the page's errors and requests, and the
// core's own answers (computed natively by the slo-web example `core_values`).
import { mkdir } from 'node:fs/promises';
import { serve as serveStatic } from '../../../www/serve.mjs';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const WWW = join(ROOT, 'www');
export const ARTIFACTS = join(ROOT, 'tests/artifacts/browser');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Serves `root` (default www/) on 127.0.0.1 at a free port; every server also answers
 * STATUS_PATH like the filter's status endpoint. */
export async function serve(root = WWW, extra = null) {
  // The status comes from a native run of the core: had first, so no request waits on it.
  status();
  return serveStatic(root, {
    extra: async (req, res) => (extra && (await extra(req, res))) || (req.url === STATUS_PATH && statusFixture(req, res))
      || (req.url === OVERSPENT_PATH && statusFixture(req, res, coreValues().status_overspent)),
  });
}

/** Where every test server answers like the filter's status endpoint. */
export const STATUS_PATH = '/test/slo/status';
/** The same, after a day of errors that spent the first SLO's budget 100 times over. */
export const OVERSPENT_PATH = '/test/slo/status-overspent';

/** The status the test endpoint answers: the core's, for examples/checkout.json with a
 * burst of errors (see the slo-web example core_values). */
export const status = () => coreValues().status;

/** Answers like the filter's status endpoint: JSON, no caching, CORS for any origin. */
export function statusFixture(req, res, body = status()) {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': req.headers.origin ?? '*' });
  res.end(JSON.stringify(body));
  return true;
}

/** The demo page with <slo-live> reading the fixture on the same server. */
export const demoPage = (server) => `${server.url}/index.html?live=${STATUS_PATH}`;

/** Checks that the bundle is built; a clear message instead of a cryptic 404 later. */
export function requireBuilt() {
  for (const file of ['pkg/slo_web.js', 'pkg/slo_web_bg.wasm']) {
    if (!existsSync(join(WWW, file))) throw new Error(`www/${file} is missing: run tests/browser/run.sh (it builds the bundle)`);
  }
}

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-gpu', '--disable-quic'],
  });
}

/** A fresh page that records console errors, page errors and every request it makes. */
export async function open(browser, url, { viewport = { width: 1100, height: 900 }, bypassCSP = false, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, bypassCSP, colorScheme });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  if (url) await page.goto(url);
  return { page, context, problems, requests };
}

/**
 * One cold load of `url` in a fresh context: the first result (first change event) of each
 * element whose id is in `ids`, in ms after navigation by the page's own clock. The page
 * says when all have answered on its console: waiting with page.waitForFunction would
 * inject Playwright's utility script (~60 ms of main thread in a trace) into the page
 * while it is being measured.
 */
export async function firstResults(browser, url, ids) {
  const { page, context } = await open(browser, null);
  await page.addInitScript((wanted) => {
    const first = (window.__first = {});
    document.addEventListener('change', (event) => {
      const id = event.target.id;
      if (!wanted.includes(id) || id in first) return;
      first[id] = performance.now();
      if (wanted.every((k) => k in first)) console.debug('first results: every element answered');
    });
  }, ids);
  const answered = page.waitForEvent('console', { predicate: (m) => m.text() === 'first results: every element answered', timeout: 10000 });
  await page.goto(url, { waitUntil: 'commit' });
  await answered;
  const first = await page.evaluate(() => window.__first);
  await context.close();
  return first;
}

/** One cold load of `url` in a fresh context: its first contentful paint, in ms after navigation. */
export async function firstPaint(browser, url) {
  const { page, context } = await open(browser, null);
  await page.addInitScript(() => {
    new PerformanceObserver((list) => {
      const paint = list.getEntriesByName('first-contentful-paint')[0];
      if (paint) console.debug(`first contentful paint: ${paint.startTime}`);
    }).observe({ type: 'paint', buffered: true });
  });
  const painted = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('first contentful paint: '), timeout: 10000 });
  await page.goto(url, { waitUntil: 'commit' });
  const at = Number((await painted).text().split(': ')[1]);
  await context.close();
  return at;
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/**
 * axe-core's violations on the page, one line each: rule (impact): help at where. The page
 * must let the script in (a context with `bypassCSP` where its CSP would not).
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Waits until the element has rendered a result from the core. */
export async function ready(page, selector) {
  await page.locator(`${selector}[data-ready="true"]`).waitFor({ timeout: 10000 });
  return page.locator(selector);
}

/** Replaces a field's text the way a user does: select all, type, and let input events fire. */
export async function type(field, text) {
  await field.click();
  await field.press('Control+A');
  if (text === '') await field.press('Delete');
  else await field.pressSequentially(text);
}

let oracle;
/** The core's answers for the tests' inputs, computed natively. */
export function coreValues() {
  if (oracle) return oracle;
  const file = process.env.SLO_CORE_VALUES;
  const text = file && existsSync(file) ? readFileSync(file, 'utf8')
    : execFileSync('cargo', ['run', '--quiet', '-p', 'slo-web', '--example', 'core_values'], { cwd: ROOT, encoding: 'utf8' });
  oracle = JSON.parse(text);
  return oracle;
}

export async function screenshot(locator, name, options = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await locator.screenshot({ path, ...options });
  return path;
}

/** Serves one HTML page at `path` (tests that need a page of their own). */
export const pageAt = (path, html, headers = {}) => (req, res) => {
  if (req.url !== path) return false;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(html);
  return true;
};
