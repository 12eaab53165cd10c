// The Hugo workshop site (built by www/build.sh with Debian's hugo) shows working
// calculators: the shortcodes' attributes reach the elements, and the core answers.
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

test('the "Why SLOs" chapter is chapter 2 and its shortcodes became elements', () => {
  const html = readFileSync(join(PUBLIC, 'why-slos/index.html'), 'utf8');
  assert.match(html, /Chapter 2/);
  assert.match(html, /<slo-budget requests="1000000" target="99.9" window="30d"><\/slo-budget>/);
  assert.match(html, /<slo-alerts target="99.9" window="30d"><\/slo-alerts>/);
  assert.equal(html.match(/slo-elements\.js/g).length, 1, 'one module script per page, however many elements');
  assert.match(html, /'wasm-unsafe-eval'/);
});

test('the workshop pages compute with the core in the browser', async () => {
  const core = coreValues();
  const { page, problems, requests } = await open(browser, `${server.url}/hugo/public/why-slos/`);
  const budget = await ready(page, 'slo-budget');
  assert.equal((await budget.locator('[data-value="downtime"]').textContent()).trim(), '43 min 12 s');
  assert.equal((await budget.locator('[data-value="allowed-bad"]').textContent()).trim(), String(core.budget_999_30d_1m.allowed_bad_requests));
  await type(budget.getByLabel('Target (%)'), '99.95');
  await type(budget.getByLabel('Window', { exact: true }), '28d');
  await page.waitForFunction(() => document.querySelector('slo-budget').shadowRoot.querySelector('.headline').textContent.includes('28d'));
  assert.equal((await budget.locator('[data-value="downtime"]').textContent()).trim(), core.budget_9995_28d.allowed_downtime_text);
  const alerts = await ready(page, 'slo-alerts');
  assert.equal(await alerts.locator('tbody tr').count(), 4);

  const next = await open(browser, `${server.url}/hugo/public/why-slos/what-if/`);
  const whatif = await ready(next.page, 'slo-what-if');
  const fires = await whatif.locator('svg rect.span').count();
  assert.ok(fires > 0);
  await ready(next.page, 'slo-composite');
  // Everything came from the Hugo site's own files.
  for (const url of [...requests, ...next.requests]) assert.ok(url.startsWith(`${server.url}/hugo/public/`), url);
  assert.deepEqual([...problems, ...next.problems], []);
});
