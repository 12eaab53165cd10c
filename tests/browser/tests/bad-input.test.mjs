// Every kind of bad input gives an inline message next to its field, marks the field
// invalid, keeps the last good result on screen, and raises no console or page error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, ready, type, requireBuilt, demoPage } from '../lib/harness.mjs';

let server, browser;
before(async () => { requireBuilt(); server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const TARGETS = ['', 'abc', '-5', '0', '100', '100.5'];
const WINDOWS = ['', 'abc', '-5d', '0d', '0', '30', '30x'];
const RATIOS = ['', 'abc', '-5', '100', '100.5%'];

/** Types each bad value into `name`, checks the message and the kept result, then restores. */
async function rejects(page, selector, name, values, resultSelector) {
  const el = page.locator(selector);
  const input = el.locator(`[name="${name}"]`);
  const good = await input.inputValue();
  const result = el.locator(resultSelector);
  const shown = await result.textContent();
  assert.ok(shown.trim().length > 0, `${selector} shows a result before the bad input`);
  const messageId = (await input.getAttribute('aria-describedby')).split(' ')[0];
  const message = el.locator(`[id="${messageId}"]`);
  for (const value of values) {
    // Pasted in one go: typing character by character passes through valid values ("10").
    await input.fill(value);
    // A typed value is computed once typing pauses; until then the result says it waits.
    await page.waitForFunction(([sel, id]) => document.querySelector(sel).shadowRoot.getElementById(id).textContent.length > 0
      && document.querySelector(sel).shadowRoot.querySelector('.stale').textContent.startsWith('An input is not valid'),
    [selector, messageId], { timeout: 3000 }).catch(() => {
      throw new Error(`${selector} ${name}=${JSON.stringify(value)}: no inline message`);
    });
    assert.equal(await input.getAttribute('aria-invalid'), 'true', `${name}=${JSON.stringify(value)}`);
    assert.ok(await message.isVisible(), `the message for ${name} is visible`);
    // The message sits in the field's own box, right under its input.
    assert.equal(await message.evaluate((m) => m.parentElement.contains(m.getRootNode().getElementById(m.id.replace(/-msg$/, '')))), true);
    assert.equal(await result.textContent(), shown, `${name}=${JSON.stringify(value)} keeps the last good result`);
    // The kept result is marked stale, saying which value it is still for.
    assert.match(await el.locator('.stale').textContent(), /^An input is not valid\. The result below is still for .*“/);
    assert.equal(await el.locator('.results').evaluate((r) => r.classList.contains('is-stale')), true);
  }
  await input.fill(good);
  await page.waitForFunction(([sel, id]) => document.querySelector(sel).shadowRoot.getElementById(id).textContent === '', [selector, messageId]);
  assert.equal(await input.getAttribute('aria-invalid'), 'false');
  assert.equal(await el.locator('.stale').textContent(), '');
  assert.equal(await el.locator('.results').evaluate((r) => r.classList.contains('is-stale')), false);
}

test('<slo-budget> rejects bad target, window and request volume inline', async () => {
  const { page, problems } = await open(browser, demoPage(server));
  await ready(page, '#budget');
  await rejects(page, '#budget', 'target', TARGETS, '.headline');
  await rejects(page, '#budget', 'window', WINDOWS, '.headline');
  await rejects(page, '#budget', 'requests', ['abc', '-5', '100.5'], '.bad-requests');
  const msg = await page.locator('#budget').locator('.error').first();
  await type(page.locator('#budget [name="target"]'), '100');  // typed by hand this time
  await page.waitForFunction(() => document.getElementById('budget').shadowRoot.querySelector('.error').textContent.includes('100% leaves no error budget'));
  assert.ok(await msg.isVisible());
  assert.deepEqual(problems, []);
});

test('<slo-alerts> rejects bad target, window and error ratio inline', async () => {
  const { page, problems } = await open(browser, demoPage(server));
  await ready(page, '#alerts');
  await rejects(page, '#alerts', 'target', TARGETS, '.tiers tbody');
  await rejects(page, '#alerts', 'window', WINDOWS, '.tiers tbody');
  await rejects(page, '#alerts', 'error_ratio', RATIOS.slice(1), '.tiers tbody');
  assert.deepEqual(problems, []);
});

test('<slo-what-if> rejects bad traffic, incidents and latency inline', async () => {
  const { page, problems } = await open(browser, demoPage(server));
  await ready(page, '#whatif');
  const result = '.headline';
  await rejects(page, '#whatif', 'target', TARGETS, result);
  await rejects(page, '#whatif', 'window', [...WINDOWS, '1000w', '99999999w'], result);
  await rejects(page, '#whatif', 'requests_per_second', ['', 'abc', '-5'], result);
  await rejects(page, '#whatif', 'baseline_error_ratio', RATIOS, result);
  await rejects(page, '#whatif', 'incidents[0].start', ['', 'abc', '-5m', '31d'], result);
  await rejects(page, '#whatif', 'incidents[0].duration', ['', 'abc', '0m', '-5m'], result);
  await rejects(page, '#whatif', 'incidents[1].error_ratio', RATIOS, result);
  await rejects(page, '#whatif', 'latency.threshold_ms', ['abc', '-5', '0'], result);
  await rejects(page, '#whatif', 'latency.buckets', ['', 'abc', '100', '100:abc'], result);
  assert.deepEqual(problems, []);
});

test('<slo-composite> rejects bad availabilities and replica counts inline', async () => {
  const { page, problems } = await open(browser, demoPage(server));
  await ready(page, '#composite');
  await rejects(page, '#composite', 'dependencies[1].availability', ['', 'abc', '-5', '2', '100', '100.5%'], '.headline');
  await rejects(page, '#composite', 'dependencies[2].replicas', ['', 'abc', '-5', '100.5', '0', '1000'], '.headline');
  assert.deepEqual(problems, []);
});

test('a page whose CSP forbids WebAssembly gets a message saying so (but the live status still shows), and no exception', async () => {
  const page_ = `<!doctype html><html lang="en"><head><title>no wasm</title><link rel="icon" href="data:,">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'">
<script type="module" src="/elements/slo-elements.js"></script></head>
<body><slo-budget id="b"></slo-budget><slo-live id="l" src="/test/slo/status"></slo-live></body></html>`;
  const strict = await serve(undefined, (req, res) => {
    if (req.url !== '/strict.html') return false;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page_);
    return true;
  });
  try {
    const { page, problems } = await open(browser, `${strict.url}/strict.html`);
    await page.locator('#b[data-state="error"]').waitFor();
    assert.match(await page.locator('#b .stale').textContent(), /could not load its WebAssembly core.*'wasm-unsafe-eval'/);
    // <slo-live> needs no WebAssembly: the endpoint sends the core's words.
    await page.locator('#l[data-state="ok"]').waitFor();
    // The browser reports the CSP refusal itself; nothing else may appear.
    assert.deepEqual(problems.filter((p) => !/Content Security Policy|wasm-unsafe-eval/.test(p)), []);
  } finally {
    await strict.close();
  }
});
