// The Hugo workshop site (built by www/build.sh with Debian's hugo) shows working
// calculators: the shortcodes' attributes reach the elements, and the core answers.
// workshop.test.mjs walks every page; this file checks the figures on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, open, ready, type, requireBuilt, coreValues, WWW } from '../lib/harness.mjs';

const PUBLIC = join(WWW, 'hugo/public');
let server, browser;
before(async () => {
  requireBuilt();
  if (!existsSync(join(PUBLIC, 'why-slos/index.html'))) throw new Error('www/hugo/public is not built: run tests/browser/run.sh');
  server = await serve();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

test('"Why Service Level Objectives?" is chapter 2 and its shortcodes became elements', () => {
  const html = readFileSync(join(PUBLIC, 'why-slos/index.html'), 'utf8');
  assert.match(html, /Chapter 2/);
  assert.match(html, /<h1>Why Service Level Objectives\?<\/h1>/);
  assert.match(html, /<slo-budget heading="What a target allows" id="expectations" requests="1000000" target="99.9" window="30d"><\/slo-budget>/);
  assert.match(html, /<slo-alerts error-ratio="5%" heading="[^"]+" target="99.9" window="30d"><\/slo-alerts>/);
  for (const tag of ['slo-composite', 'slo-what-if', 'slo-backtest', 'slo-live']) assert.match(html, new RegExp(`<${tag} `), tag);
  // Each element kind's own module, once however many elements of the kind: a page loads
  // only the wasm its elements use.
  for (const tag of ['slo-budget', 'slo-alerts', 'slo-composite', 'slo-what-if', 'slo-backtest', 'slo-live']) {
    assert.equal(html.match(new RegExp(`src="[^"]*/slo/elements/${tag}\\.js"`, 'g'))?.length, 1, `${tag}'s module, once`);
  }
  assert.doesNotMatch(html, /slo-elements\.js/);
  assert.match(html, /'wasm-unsafe-eval'/);
  // Only a page with a live view may connect to another port of this machine.
  assert.match(html, /connect-src 'self' http:\/\/127\.0\.0\.1:\*/);
  assert.match(readFileSync(join(PUBLIC, 'basics/error-budget/index.html'), 'utf8'), /connect-src 'self';/);
});

test('the workshop pages compute with the core in the browser', async () => {
  const core = coreValues();
  const { page, problems, requests } = await open(browser, `${server.url}/hugo/public/basics/error-budget/`);
  const budget = await ready(page, 'slo-budget');
  assert.equal((await budget.locator('[data-value="downtime"]').textContent()).trim(), '43 min 12 s');
  assert.equal((await budget.locator('[data-value="allowed-bad"]').textContent()).trim(), String(core.budget_999_30d_1m.allowed_bad_requests));
  await type(budget.getByLabel('Target (%)'), '99.95');
  await type(budget.getByLabel('Window', { exact: true }), '28d');
  await page.waitForFunction(() => document.querySelector('slo-budget').shadowRoot.querySelector('.headline').textContent.includes('28d'));
  assert.equal((await budget.locator('[data-value="downtime"]').textContent()).trim(), core.budget_9995_28d.allowed_downtime_text);

  const chapter = await open(browser, `${server.url}/hugo/public/why-slos/`);
  const alerts = await ready(chapter.page, 'slo-alerts');
  assert.equal(await alerts.locator('tbody tr').count(), 4);
  const whatif = await ready(chapter.page, '#incidents');
  assert.ok(await whatif.locator('svg rect.span').count() > 0);
  await ready(chapter.page, 'slo-composite');
  // Everything came from the Hugo site's own files, but for the live view's one address.
  const live = 'http://127.0.0.1:10000/slo/status';
  for (const url of [...requests, ...chapter.requests]) assert.ok(url.startsWith(`${server.url}/hugo/public/`) || url === live, url);
  assert.deepEqual([...problems, ...chapter.problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p))], []);
});
