// Each element on the demo page, driven as a user would, checked against the core's answers
// (computed natively by `cargo run -p slo-web --example core_values`) and published figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, ready, type, coreValues, requireBuilt, demoPage } from '../lib/harness.mjs';

let server, browser;
before(async () => { requireBuilt(); server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();

test('<slo-budget>: 99.9% over 30 days allows 43 min 12 s; every period states its length', async () => {
  const core = coreValues();
  const { page, problems } = await open(browser, demoPage(server));
  const el = await ready(page, '#budget');
  assert.equal(await text(el.locator('[data-value="downtime"]')), '43 min 12 s');
  assert.equal(core.budget_999_30d_1m.allowed_downtime_text, '43 min 12 s');
  const rows = el.locator('.periods tbody tr');
  const expected = core.budget_999_30d_1m.periods.map((p) => `per ${p.period} ${p.allowed_downtime_text}`);
  expected.push('per window (30d) 43 min 12 s');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim()).join(' '))), expected);
  assert.equal(await text(rows.nth(2).locator('th')), 'per 30-day month');
  assert.equal(await text(rows.nth(2).locator('td')), '43 min 12 s');
  assert.equal(await text(el.locator('[data-value="allowed-bad"]')), String(core.budget_999_30d_1m.allowed_bad_requests));
  assert.equal(core.budget_999_30d_1m.allowed_bad_requests, 1000);

  // The user changes target and window; the change event carries the same figures.
  const events = page.evaluate(() => new Promise((ok) => {
    const seen = [];
    document.getElementById('budget').addEventListener('change', (e) => { seen.push(e.detail); if (e.detail.window === '28d' && e.detail.requests === null) ok(seen.at(-1)); });
  }));
  await type(el.getByLabel('Target (%)'), '99.95');
  await type(el.getByLabel('Window', { exact: true }), '28d');
  await type(el.getByLabel('Requests in the window (optional)'), '');
  const detail = await events;
  assert.deepEqual(detail, core.budget_9995_28d, 'the event carries the core result itself');
  assert.equal(await text(el.locator('[data-value="downtime"]')), core.budget_9995_28d.allowed_downtime_text);
  assert.equal(await el.locator('[data-value="allowed-bad"]').count(), 0);
  assert.equal(await el.locator('.nines tr.current th').textContent(), '99.95%');

  // A calendar month says how long it is taken to be.
  await type(el.getByLabel('Target (%)'), '99.9');
  await type(el.getByLabel('Window', { exact: true }), 'month');
  await page.waitForFunction(() => document.getElementById('budget').shadowRoot.querySelector('.headline').textContent.includes('calendar month'));
  assert.match(await text(el.locator('.headline')), /over a calendar month \(taken as 30d\) allows 43 min 12 s/);

  // The state is in the fragment once the reader leaves the field: a new page with this
  // address shows the same.
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => location.hash.includes('budget.window=month'));
  const shared = page.url();
  assert.match(shared, /#.*budget\.window=month/);
  const again = await open(browser, shared);
  const el2 = await ready(again.page, '#budget');
  assert.equal(await el2.getByLabel('Window', { exact: true }).inputValue(), 'month');
  assert.match(await text(el2.locator('.headline')), /calendar month/);
  assert.deepEqual([...problems, ...again.problems], []);
});

test('<slo-alerts>: thresholds, detection times and the never-fires warning match the core', async () => {
  const core = coreValues();
  const { page, problems } = await open(browser, demoPage(server));
  const el = await ready(page, '#alerts');
  for (const tier of core.alerts_999_30d_2pct.tiers) {
    const row = el.locator(`tr[data-tier="${tier.name}"]`);
    assert.equal(await text(row.locator('[data-value="burn-rate"]')), tier.burn_rate_text);
    assert.equal(await text(row.locator('[data-value="error-ratio"]')), tier.error_ratio_threshold_text);
    assert.equal(await text(row.locator('[data-value="detects"]')), tier.detection_text);
  }
  // The SRE Workbook's thresholds for 30 days.
  assert.deepEqual(core.alerts_999_30d_2pct.tiers.map((t) => t.burn_rate_text), ['14.4x', '6x', '3x', '1x']);
  assert.equal(await el.locator('svg path.line').count(), 4);
  assert.ok(await el.locator('svg').getByText('Time to fire (log scale)').count());
  assert.equal(await el.locator('.warning').count(), 0);

  await type(el.getByLabel('Target (%)'), '90');
  await page.waitForFunction(() => document.getElementById('alerts').shadowRoot.querySelectorAll('.warning').length > 0);
  const cannot = core.alerts_90_30d.tiers.filter((t) => !t.can_fire);
  assert.deepEqual(cannot.map((t) => t.name), ['page-fast']);
  assert.equal(await text(el.locator('.warning')), cannot[0].warning);
  assert.match(cannot[0].warning, /page-fast can never fire: at 90% it needs an error ratio of 144%/);
  assert.equal(await el.locator('svg path.line').count(), 3, 'a tier that cannot fire has no curve');

  await type(el.getByLabel('Target (%)'), '99');
  await type(el.getByLabel('Window', { exact: true }), '7d');
  await type(el.getByLabel('Incident error ratio (optional)'), '');
  await page.waitForFunction(() => document.getElementById('alerts').shadowRoot.querySelector('caption').textContent.endsWith('over 7d'));
  for (const tier of core.alerts_99_7d.tiers) {
    assert.equal(await text(el.locator(`tr[data-tier="${tier.name}"] [data-value="burn-rate"]`)), tier.burn_rate_text);
  }
  assert.deepEqual(problems, []);
});

/** The chart's firing bars (one lane per tier): their times and pixel positions. */
async function spans(el) {
  return el.locator('svg rect.span').evaluateAll((rects) => rects.map((r) => ({
    cls: r.getAttribute('class'), lane: r.dataset.lane, fires: Number(r.dataset.fires), resets: r.dataset.resets === '' ? null : Number(r.dataset.resets),
    x: Number(r.getAttribute('x')), y: Number(r.getAttribute('y')),
  })));
}
const numbers = (xs) => [...xs].sort((a, b) => a - b);

test('<slo-what-if>: burn-down, fire/reset markers and exhaustion match the core simulation', async () => {
  const core = coreValues();
  const { page, problems } = await open(browser, demoPage(server));
  const el = await ready(page, '#whatif');
  const demo = core.whatif_demo;
  assert.equal(await text(el.locator('[data-value="consumed"]')), demo.budget_consumed_text);
  assert.equal(await text(el.locator('[data-value="remaining"]')), demo.budget_remaining_text);
  // Times to the minute the simulation resolves, never its seconds.
  assert.equal(await text(el.locator('[data-value="exhausted"]')), demo.exhausted_text);
  assert.equal(demo.exhausted_text, `at ${demo.exhausted_at_text}`);
  assert.match(demo.exhausted_at_text, /^\+\d+ d \d+ h \d+ min$/);
  const fires = demo.tiers.flatMap((t) => t.firings.map((f) => f.fires_at_seconds));
  assert.ok(fires.length > 0, 'the demo incidents fire alerts');
  let seen = await spans(el);
  assert.deepEqual(numbers(seen.map((s) => s.fires)), numbers(fires));
  const resets = demo.tiers.flatMap((t) => t.firings.map((f) => f.resets_at_seconds).filter((r) => r !== null));
  assert.deepEqual(numbers(seen.map((s) => s.resets).filter((r) => r !== null)), numbers(resets));
  // Each tier has its own lane: its bars share one row, and no other tier's bars are in it.
  const rows = new Map();
  for (const s of seen) rows.set(s.lane, new Set([...(rows.get(s.lane) ?? []), s.y]));
  assert.deepEqual([...rows.keys()].sort(), demo.tiers.filter((t) => t.firings.length > 0).map((t) => t.name).sort());
  assert.ok([...rows.values()].every((ys) => ys.size === 1));
  assert.equal(new Set([...rows.values()].map((ys) => [...ys][0])).size, rows.size);
  for (const t of demo.tiers) {
    assert.deepEqual(numbers(seen.filter((s) => s.lane === t.name).map((s) => s.fires)), numbers(t.firings.map((f) => f.fires_at_seconds)));
  }
  for (const t of demo.tiers) {
    const cells = await el.locator(`tr[data-tier="${t.name}"] [data-fires]`).evaluateAll((s) => s.map((x) => Number(x.dataset.fires)));
    assert.deepEqual(cells, t.firings.map((f) => f.fires_at_seconds));
  }
  // Bars start where their time is: x grows with the seconds.
  const sorted = [...seen].sort((a, b) => a.fires - b.fires);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].x >= sorted[i - 1].x);
  assert.ok(await el.locator('svg').getByText('Error budget left (%)').count());
  assert.ok(await el.locator('svg').getByText(/Time since the window started/).count());

  // A two-hour full outage on day 1 exhausts the budget; the marker is where the core says.
  await el.getByRole('button', { name: 'Remove incident 3' }).click();
  await el.getByRole('button', { name: 'Remove incident 2' }).click();
  await type(el.getByLabel('Starts after'), '1d');
  await type(el.getByLabel('Lasts'), '2h');
  await type(el.getByLabel('Error ratio', { exact: true }), '100%');
  const outage = core.whatif_outage;
  assert.ok(outage.exhausted_at_seconds > 86400);
  // (The demo's own incidents exhaust the budget too: wait for the outage's result.)
  await page.waitForFunction((want) => document.getElementById('whatif').shadowRoot.querySelector('[data-value="exhausted"]').textContent === want,
    outage.exhausted_text);
  const exhausted = Number(await el.locator('svg g.exhausted').getAttribute('data-seconds'));
  assert.ok(Math.abs(exhausted - outage.exhausted_at_seconds) < 1e-6, `${exhausted} vs ${outage.exhausted_at_seconds}`);
  assert.equal(await text(el.locator('[data-value="exhausted"]')), outage.exhausted_text);
  seen = await spans(el);
  assert.deepEqual(numbers(seen.map((s) => s.fires)), numbers(outage.tiers.flatMap((t) => t.firings.map((f) => f.fires_at_seconds))));

  // Adding an incident back with the keyboard only.
  await el.getByRole('button', { name: 'Add incident' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await el.getByRole('group', { name: 'Incident 2' }).count(), 1);
  assert.deepEqual(problems, []);
});

test('<slo-what-if>: a changed target recomputes from the core', async () => {
  const core = coreValues();
  const { page, problems } = await open(browser, demoPage(server));
  const el = await ready(page, '#whatif');
  await type(el.getByLabel('Target (%)'), '99.95');
  await page.waitForFunction(() => document.getElementById('whatif').shadowRoot.querySelector('.headline').textContent.startsWith('At 99.95%'));
  const result = core.whatif_demo_9995;
  assert.equal(await text(el.locator('[data-value="consumed"]')), result.budget_consumed_text);
  assert.equal(await text(el.locator('[data-value="exhausted"]')), `${result.exhausted_at_seconds === null ? '' : 'at '}${result.exhausted_at_text}`);
  assert.deepEqual(problems, []);
});

test('<slo-composite>: serial and redundant availability come from the core', async () => {
  const core = coreValues();
  const { page, problems } = await open(browser, demoPage(server));
  const el = await ready(page, '#composite');
  assert.equal(await text(el.locator('[data-value="availability"]')), core.composite_demo.availability_text);
  // 99.98997%: cut, never rounded up across a nine to 99.99%.
  assert.equal(core.composite_demo.availability_text, '99.9899%');
  assert.equal(await text(el.locator('[data-value="downtime"]')), core.composite_demo.expected_downtime_text);
  assert.deepEqual(await el.locator('.parts tbody tr td:last-child').allTextContents(), core.composite_demo.dependencies.map((d) => d.expected_downtime_text));
  // Two 99.9% dependencies in series: 99.8001%.
  await el.getByRole('button', { name: 'Remove dependency 3' }).click();
  await type(el.locator('input[name="dependencies[0].availability"]'), '99.9%');
  await type(el.locator('input[name="dependencies[1].replicas"]'), '1');
  await page.waitForFunction((want) => document.getElementById('composite').shadowRoot.querySelector('[data-value="availability"]').textContent === want,
    core.composite_two_serial.availability_text);
  assert.equal(core.composite_two_serial.availability_text, '99.8001%');
  assert.match(await text(el.locator('.headline')), /per 30-day month/);
  // One dependency is not "all 1 dependencies".
  await el.getByRole('button', { name: 'Remove dependency 2' }).click();
  await page.waitForFunction(() => document.getElementById('composite').shadowRoot.querySelector('.headline').textContent.startsWith('Needing its one dependency,'));
  assert.deepEqual(problems, []);
});

test('attributes are the API: setting one re-renders and fires change', async () => {
  const { page, problems } = await open(browser, demoPage(server));
  await ready(page, '#budget');
  const detail = await page.evaluate(() => new Promise((ok) => {
    const el = document.getElementById('budget');
    el.addEventListener('change', (e) => ok(e.detail), { once: true });
    el.setAttribute('target', '99.99');
  }));
  assert.equal(detail.target_text, '99.99%');
  assert.equal(detail.periods[2].period, '30-day month');
  assert.equal(detail.periods[2].allowed_downtime_text, '4 min 19.2 s');
  assert.deepEqual(problems, []);
});

test('an element moved in the page keeps its state and answers each input once', async () => {
  const { page, problems } = await open(browser, demoPage(server));
  const el = await ready(page, '#budget');
  await page.evaluate(() => {
    const budget = document.getElementById('budget');
    document.querySelector('footer').append(budget);
    window.__changes = 0;
    budget.addEventListener('change', () => { window.__changes += 1; });
  });
  await el.locator('[name="target"]').fill('99.5');
  await page.waitForFunction(() => window.__changes > 0);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__changes), 1);
  assert.equal((await el.locator('[data-value="downtime"]').textContent()).trim(), '3 h 36 min');
  assert.deepEqual(problems, []);
});
