// Walks the whole Hugo workshop as a reader would: every page, found by following the
// site's own links from its home page (and checked against the built files), in light and
// dark, at 1280 and 390 px (the Reference's pages in light; two of them, standing for all,
// in dark too). On each page every element shows a result, nothing is logged, axe finds
// nothing, and the page is photographed to tests/artifacts/browser/workshop/ (of the
// Reference, those two). The sidebar and the previous/next links resolve and agree on one
// reading order (the chapters, then the Reference mounted from docs/); the phone menu opens
// and closes from the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { serve, launch, open, requireBuilt, statusFixture, screenshot, WWW } from '../lib/harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PUBLIC = join(WWW, 'hugo/public');
const BASE = '/hugo/public/';
const AXE_PATH = '/test/axe.min.js';

/** What each element shows once it has a result from the core (or, live, its state). */
const RESULT = {
  'slo-budget': '[data-value="downtime"]',
  'slo-alerts': '[data-value="burn-rate"]',
  'slo-what-if': '[data-value="consumed"]',
  'slo-composite': '[data-value="availability"]',
  'slo-backtest': '[data-value="recommended"]',
  'slo-report': '[data-value="verdict"]',
};
const ELEMENTS = [...Object.keys(RESULT), 'slo-live', 'slo-fleet'];

let server, envoy, gone, browser;
before(async () => {
  requireBuilt();
  if (!existsSync(join(PUBLIC, 'index.html'))) throw new Error('www/hugo/public is not built: run tests/browser/run.sh');
  // axe is served by the site's own server, so the pages' CSP admits it unchanged: the
  // walk sees every violation of it (a blocked inline style is a console error).
  server = await serve(undefined, (req, res) => {
    if (req.url !== AXE_PATH) return false;
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(AXE));
    return true;
  });
  // Stands in for the lab's Envoy: another origin answering like the filter's status endpoint.
  envoy = await serve(undefined, (req, res) => statusFixture(req, res));
  // A port that was just free: the live view's offline state, whatever else runs here.
  gone = await serve();
  await gone.close();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); await envoy?.close(); });

const offline = () => `${gone.url}/slo/status`;
const pathOf = (href) => new URL(href, server.url).pathname;

/** The site's pages: every link under the site's root, followed from its home page. */
async function discover() {
  const { page, context } = await open(browser);
  const found = [BASE];
  for (let i = 0; i < found.length; i += 1) {
    await page.goto(`${server.url}${found[i]}`);
    const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
    for (const href of links) {
      const path = pathOf(href);
      if (path.startsWith(BASE) && path.endsWith('/') && !found.includes(path)) found.push(path);
    }
  }
  await context.close();
  return found;
}

/** The pages Hugo wrote: every index.html but the elements' own folder. */
function built(dir = PUBLIC) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'slo' && dir === PUBLIC ? [] : built(path);
    return entry.name === 'index.html' ? [`${BASE}${relative(PUBLIC, dir)}${dir === PUBLIC ? '' : '/'}`] : [];
  });
}

let pages;
test('the workshop\'s links reach every page it built, and nothing else', async () => {
  pages = await discover();
  assert.deepEqual([...pages].sort(), built().sort());
  assert.ok(pages.length >= 8, pages.join(', '));
});

/** The dated benchmark runs: reached from the benchmarks page, not listed in the sidebar. */
const isRun = (path) => path.startsWith(`${BASE}reference/benchmarks/runs/`);

test('sidebar: numbered chapters with their pages, then the Reference, the page being read marked; previous/next follow it', async () => {
  pages ??= await discover();
  const { page, context } = await open(browser);
  await page.goto(`${server.url}${BASE}`);
  const chapters = await page.locator('.chapters > li > a').allTextContents();
  assert.deepEqual(chapters.map((t) => t.trim().split('.')[0]), ['1', '2', '3']);
  assert.match(chapters[1], /^2\. Why Service Level Objectives\?$/);
  assert.equal((await page.locator('.sidebar .reference a').textContent()).trim(), 'Reference');
  // Reading order: the home page, then each chapter and its pages, then the Reference and
  // its pages, as the sidebar lists them.
  const order = [BASE, ...(await page.locator('.menu a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname)))];
  assert.deepEqual([...order].sort(), pages.filter((p) => !isRun(p)).sort(), 'the sidebar lists every page but the benchmark runs');
  assert.ok(pages.some(isRun), 'the benchmark runs are reached from the benchmarks page');
  for (const [i, path] of order.entries()) {
    await page.goto(`${server.url}${path}`);
    const current = await page.locator('.sidebar [aria-current="page"]').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    assert.deepEqual(current, [path], `${path}: the sidebar marks it, and only it`);
    const prev = await page.locator('.prev-next a[rel="prev"]').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    const next = await page.locator('.prev-next a[rel="next"]').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    assert.deepEqual(prev, i > 0 ? [order[i - 1]] : [], `${path}: previous`);
    assert.deepEqual(next, i < order.length - 1 ? [order[i + 1]] : [], `${path}: next`);
    // Every link on the page that stays on this server answers.
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
    for (const href of hrefs.filter((h) => h.startsWith(server.url))) {
      const answer = await fetch(href.split('#')[0]);
      assert.equal(answer.status, 200, `${path} links to ${href}`);
    }
  }
  await context.close();
});

async function axe(page) {
  await page.addScriptTag({ url: AXE_PATH });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Waits until every element on the page shows its result; returns how many of each. */
async function results(page, path) {
  const counts = {};
  for (const tag of ELEMENTS) {
    const elements = page.locator(tag);
    counts[tag] = await elements.count();
    for (let i = 0; i < counts[tag]; i += 1) {
      const element = elements.nth(i);
      if (tag === 'slo-fleet') {
        // It asks its server nothing until the reader presses its button: it says so.
        await element.locator('.state').filter({ hasText: /^Nothing read yet: press “Read from Prometheus”/ }).waitFor({ timeout: 10000 });
      } else if (tag === 'slo-live') {
        await page.locator('slo-live[data-state="error"]').nth(i).waitFor({ timeout: 10000 });
        assert.match(await element.locator('.state').textContent(), /Cannot read .*: no connection/, `${path}: the live view's offline state`);
      } else {
        await page.locator(`${tag}[data-ready="true"]`).nth(i).waitFor({ timeout: 15000 });
        assert.notEqual((await element.locator(RESULT[tag]).first().textContent()).trim(), '', `${path}: ${tag} shows a result`);
      }
    }
  }
  return counts;
}

// The reference pages (docs/, mounted) share one layout and style sheet: the index and the
// spec (tables, code, lists) stand for all of them in dark and in the photographs; in light,
// every one is walked and checked.
const REPRESENTATIVE_REFERENCE = [`${BASE}reference/`, `${BASE}reference/spec/`];
const representative = (path) => !path.startsWith(`${BASE}reference/`) || REPRESENTATIVE_REFERENCE.includes(path);
const walked = (path, colorScheme) => colorScheme === 'light' || representative(path);

const slug = (path) => path.slice(BASE.length).replace(/\/$/, '').replaceAll('/', '-') || 'home';

test('every page, 1280 and 390 px, light and dark (the reference: two pages in dark and photographed): every element shows a result, no errors, axe clean, photographed', async () => {
  pages ??= await discover();
  const seen = Object.fromEntries(ELEMENTS.map((tag) => [tag, 0]));
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    for (const colorScheme of ['light', 'dark']) {
      for (const path of pages.filter((p) => walked(p, colorScheme))) {
        const { page, context, problems, requests } = await open(browser, null, { viewport: { width, height }, colorScheme });
        await page.goto(`${server.url}${path}?live=${encodeURIComponent(offline())}`);
        const counts = await results(page, path);
        for (const [tag, n] of Object.entries(counts)) seen[tag] += n;
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, `${path} at ${width} px: nothing scrolls sideways`);
        assert.deepEqual(await axe(page), [], `${path} at ${width} px, ${colorScheme}`);
        if (representative(path)) await screenshot(page, `workshop/${slug(path)}-${width}-${colorScheme}`, { fullPage: true });
        // Nothing but the site's files, and the live view's one address.
        for (const url of requests) assert.ok(url.startsWith(`${server.url}${BASE}`) || url === offline() || url === `${server.url}${AXE_PATH}`, `${path}: ${url}`);
        // The browser itself logs the live view's refused connection; nothing else may appear.
        assert.deepEqual(problems.filter((p) => !(counts['slo-live'] && /ERR_CONNECTION_REFUSED/.test(p))), [], path);
        await context.close();
      }
    }
  }
  // The walk met every kind of element (four times: two widths, two schemes).
  for (const tag of ELEMENTS) assert.ok(seen[tag] >= 4, `${tag}: seen ${seen[tag]} times`);
});

test('the live views read a running Envoy named by ?live= (another origin, allowed by the page)', async () => {
  const { page, problems, requests } = await open(browser);
  const live = `${envoy.url}/slo/status`;
  for (const path of [`${BASE}why-slos/`, `${BASE}lab/traffic/`]) {
    await page.goto(`${server.url}${path}?live=${encodeURIComponent(live)}`);
    const view = page.locator('slo-live[data-state="ok"]');
    await view.waitFor({ timeout: 10000 });
    assert.notEqual((await view.locator('[data-value="left"]').first().textContent()).trim(), '');
  }
  assert.ok(requests.includes(live));
  assert.ok(!requests.some((u) => u.includes(':10000/')), 'the default address is never asked when ?live= names another');
  assert.deepEqual(problems, []);
});

test('phone: the chapters fold behind a menu button that opens and closes from the keyboard', async () => {
  const { page, problems } = await open(browser, `${server.url}${BASE}basics/`, { viewport: { width: 390, height: 844 } });
  const menu = page.locator('.sidebar summary');
  const chapter = page.locator('.chapters a').first();
  assert.equal(await chapter.isVisible(), false, 'closed at first');
  // Tab from the top: the skip link, the site's title, then the menu button.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await menu.evaluate((s) => s === document.activeElement), true, 'the menu button takes focus');
  assert.equal(await page.locator('.sidebar details').evaluate((d) => d.open), false);
  await page.keyboard.press('Enter');
  assert.equal(await chapter.isVisible(), true, 'Enter opens it');
  assert.equal(await page.locator('.sidebar details').evaluate((d) => d.open), true);
  // The next Tab reaches the first chapter.
  await page.keyboard.press('Tab');
  assert.equal(await chapter.evaluate((a) => a === document.activeElement), true);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Space');
  assert.equal(await chapter.isVisible(), false, 'Space closes it');
  // On a wide screen there is no button: the sidebar is always open.
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.equal(await menu.isVisible(), false);
  assert.equal(await chapter.isVisible(), true);
  assert.deepEqual(problems, []);
});
