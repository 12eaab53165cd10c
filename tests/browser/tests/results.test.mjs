// Every element's `change` event carries the core's result exactly as docs/results.md
// defines it: the same fields as `slo ... --json` and the filter's status endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, ready, type, requireBuilt, demoPage } from '../lib/harness.mjs';
import { assertDocumented } from '../lib/results-doc.mjs';

let server, browser;
before(async () => { requireBuilt(); server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Records every change event's detail by element id, typed arrays as they arrive. */
function record() {
  window.__details = {};
  document.addEventListener('change', (e) => {
    if (!e.target.id) return;
    const typed = new Set();
    const plain = JSON.parse(JSON.stringify(e.detail, (key, v) => (v instanceof Float64Array ? (typed.add(key), [...v]) : v)));
    (window.__details[e.target.id] ??= []).push({ detail: plain, typed: [...typed] });
  });
}

const details = (page, id) => page.evaluate((el) => window.__details[el] ?? [], id);

test('each element fires its result with exactly the documented fields', async () => {
  const { page, problems } = await open(browser, null);
  await page.addInitScript(record);
  await page.goto(demoPage(server));
  const elements = {};
  for (const id of ['budget', 'alerts', 'whatif', 'composite', 'live']) elements[id] = await ready(page, `#${id}`);

  // Inputs that reach every field: null requests and error ratio, a tier that cannot fire,
  // a tier still firing at the window's end (errors at the budget's rate), no latency.
  await type(elements.budget.getByLabel('Requests in the window (optional)'), '');
  await type(elements.alerts.getByLabel('Incident error ratio (optional)'), '');
  await type(elements.alerts.getByLabel('Target (%)'), '90');
  await type(elements.whatif.getByLabel('Baseline error ratio'), '0.1%');
  await type(elements.whatif.getByLabel('Threshold (ms)'), '');
  // The last event of each carries the last input.
  const last = (id, field, value) => page.waitForFunction(([el, key, want]) => window.__details[el]?.at(-1)?.detail[key] === want, [id, field, value]);
  await Promise.all([last('budget', 'requests', null), last('alerts', 'target', 0.9), last('whatif', 'latency_error_ratio', null)]);

  const results = { budget: 'budget', alerts: 'alerts', whatif: 'whatif', composite: 'composite', live: 'status' };
  for (const [id, result] of Object.entries(results)) {
    const seen = await details(page, id);
    assertDocumented(result, seen.map((s) => s.detail));
    // Series and curves reach the page as Float64Arrays, as documented.
    const series = { whatif: 'budget_remaining_series', alerts: 'detection_curve' }[id];
    if (series) assert.ok(seen.every((s) => s.typed.includes(series)), `${id}: ${series} is a Float64Array`);
  }
  assert.deepEqual(problems, []);
});
