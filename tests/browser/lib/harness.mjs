// Shared by the browser tests and the benchmark: a static server on loopback, Debian's
// headless Chromium through playwright-core, the page's errors and requests, and the
// core's own answers (computed natively by the slo-web example `core_values`).
import { createServer } from 'node:http';
import { readFile, stat, mkdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const WWW = join(ROOT, 'www');
export const ARTIFACTS = join(ROOT, 'tests/artifacts/browser');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** Serves `root` on 127.0.0.1 at a free port. `extra(req, res)` may answer first (return true). */
export async function serve(root = WWW, extra = null) {
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url);
    if (extra && (await extra(req, res))) return;
    if (req.url === STATUS_PATH) return statusFixture(req, res);
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (!file.startsWith(root)) throw new Error('outside the root');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
  };
}

/** Where every test server answers like the filter's status endpoint, from a fixture. */
export const STATUS_PATH = '/test/slo/status';
export const STATUS = JSON.parse(readFileSync(new URL('../fixtures/status.json', import.meta.url), 'utf8'));

/** Answers like the filter's status endpoint: JSON, no caching, CORS for any origin. */
export function statusFixture(req, res) {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': req.headers.origin ?? '*' });
  res.end(JSON.stringify(STATUS));
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
export async function open(browser, url, { viewport = { width: 1100, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  if (url) await page.goto(url);
  return { page, context, problems, requests };
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

export async function screenshot(locator, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await locator.screenshot({ path });
  return path;
}
