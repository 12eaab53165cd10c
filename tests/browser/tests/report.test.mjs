// <slo-report> on the example history: the CSV and Markdown the reader downloads are byte
// for byte what `slo report` prints for the same history, target and window; nothing is
// requested beyond the page, its modules and the history it names; a bad file or attribute
// gets a message naming the line or field, never an exception. Screenshots at 1280 and
// 390 px, light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, open, ready, requireBuilt, pageAt, screenshot, ROOT, axeViolations } from '../lib/harness.mjs';
import { assertDocumented } from '../lib/results-doc.mjs';

const HISTORY = join(ROOT, 'examples/history/checkout-90d.csv');
const HISTORY_URL = '/test/history/checkout-90d.csv';
const page = (attrs) => `<!doctype html><html lang="en"><head><title>report</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-report.js"></script></head>
<body><main><h1>Checkout</h1><h2>Compliance</h2><slo-report id="r" ${attrs}></slo-report></main></body></html>`;

let server, browser;
before(async () => {
  requireBuilt();
  const csv = readFileSync(HISTORY);
  const pages = [
    pageAt('/test/report.html', page(`src="${HISTORY_URL}" target="99.9" window="30d"`)),
    pageAt('/test/report-month.html', page(`src="${HISTORY_URL}" target="99.95" window="month"`)),
    pageAt('/test/report-bad.html', page(`src="${HISTORY_URL}" target="101" window="30x"`)),
  ];
  server = await serve(undefined, (req, res) => {
    if (req.url === HISTORY_URL) {
      res.writeHead(200, { 'content-type': 'text/csv' }).end(csv);
      return true;
    }
    return pages.some((p) => p(req, res));
  });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

/** What `slo report` prints for the example history. */
const cli = (...args) => execFileSync('cargo', ['run', '--quiet', '-p', 'slo-cli', '--', 'report', HISTORY, ...args],
  { cwd: ROOT, encoding: 'utf8' });

/** Clicks a download button (or presses Enter on it) and returns the saved file. */
async function download(page, button, { keyboard = false } = {}) {
  const saved = page.waitForEvent('download');
  if (keyboard) {
    await button.focus();
    await page.keyboard.press('Enter');
  } else {
    await button.click();
  }
  const file = await saved;
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

/** Only the page, its modules, the backtest's wasm and the history the page names: nothing else. */
function assertOnlyOwnFiles(requests, pagePath) {
  for (const url of requests) {
    const { origin, pathname } = new URL(url);
    assert.equal(origin, server.url, `request to another origin: ${url}`);
    assert.ok(pathname === pagePath || pathname === HISTORY_URL || /^\/(elements\/(lib\/)?[\w-]+\.js|pkg\/slo_web_backtest(_bg\.wasm|\.js))$/.test(pathname),
      `unexpected request: ${url}`);
  }
}

for (const [path, args] of [['/test/report.html', ['--target', '99.9', '--window', '30d']],
  ['/test/report-month.html', ['--target', '99.95', '--window', 'month']]]) {
  test(`the downloads are byte for byte what \`slo report ${args.join(' ')}\` prints`, async () => {
    const { page, problems, requests } = await open(browser, `${server.url}${path}`);
    const el = await ready(page, '#r');
    const csv = await download(page, el.getByRole('button', { name: 'Download CSV' }));
    assert.equal(csv.text, cli(...args, '--format', 'csv'));
    assert.match(csv.name, /^checkout-90d-99\.95?-(30d|month)-compliance\.csv$/);
    // The keyboard reaches the buttons: Enter on a focused button saves too.
    const md = await download(page, el.getByRole('button', { name: 'Download Markdown' }), { keyboard: true });
    assert.equal(md.text, cli(...args));
    assert.match(md.name, /\.md$/);
    // Copy Markdown puts the same bytes on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await el.getByRole('button', { name: 'Copy Markdown' }).click();
    await page.waitForFunction((node) => /copied/.test(node.shadowRoot.querySelector('.done').textContent), await el.elementHandle());
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), md.text);
    // The element's result is the documented one, and its bytes are what it saved.
    const last = await el.evaluate((node) => node.last);
    assertDocumented('compliance', [last.report]);
    assert.deepEqual([last.csv, last.markdown], [csv.text, md.text]);
    // The table the reader sees holds one row per window, with the core's words.
    const rows = el.locator('table.windows tbody tr');
    assert.equal(await rows.count(), md.text.split('\n').filter((l) => /^\| \d{4}-/.test(l)).length);
    assert.match(await el.locator('.verdict').textContent(), args[3] === '30d' ? /met in 3 of 3 full windows/ : /1 partial window/);
    assert.match(md.text, new RegExp(`- Gaps: ${last.report.gaps_text}\n`));
    assert.match(await el.locator('.header').textContent(), new RegExp(`Gaps${last.report.gaps_text}`));
    assertOnlyOwnFiles(requests, path);
    assert.deepEqual(problems, []);
  });
}

test('a blown window reads "missed" and a partial one says so', async () => {
  const { page, problems } = await open(browser, `${server.url}/test/report-month.html`);
  const el = await ready(page, '#r');
  const october = el.locator('tr[data-start="2026-10-01T00:00:00Z"]');
  assert.match(await october.textContent(), /partial: 29 d of 31 d/);
  assert.equal(await el.locator('tr[data-start="2026-08-01T00:00:00Z"] [data-value="verdict"]').textContent(), 'missed');
  assert.deepEqual(problems, []);
});

test('a bad history line and bad attributes are named, never thrown', async () => {
  const { page, problems, requests } = await open(browser, `${server.url}/test/report-bad.html`);
  const el = page.locator('#r');
  const message = (name) => el.locator(`[name="${name}"] ~ .error`);
  // The element is defined once its wasm is instantiated: until then it has no shadow root.
  await page.waitForFunction((node) => Boolean(node.shadowRoot?.querySelector('[name="window"] ~ .error')?.textContent), await el.elementHandle());
  assert.match(await message('target').textContent(), /101/);
  assert.match(await message('window').textContent(), /30x/);
  assert.equal(await el.locator('[name="target"]').getAttribute('aria-invalid'), 'true');
  // Good attributes, then rows with a word for a count on line 3.
  await el.locator('[name="target"]').fill('99.9');
  await el.locator('[name="window"]').fill('30d');
  await ready(page, '#r');
  await el.locator('[name="history"]').fill('timestamp,good,bad\n1785542400,100,0\n1785542460,ten,0\n');
  await page.waitForFunction((node) => node.shadowRoot.querySelector('[name="history"] ~ .error').textContent !== '', await el.elementHandle());
  assert.match(await message('history').textContent(), /line 3, good: .ten. is not a count/);
  assert.equal(await el.getAttribute('data-stale'), 'true');
  // The stale report cannot be saved: the file would not be what the fields say.
  assert.equal(await el.getByRole('button', { name: 'Download CSV' }).isDisabled(), true);
  // A file the reader chooses is reported under its name: read in the page, no request.
  const before = requests.length;
  await el.locator('[name="history"]').fill('');
  await el.locator('input[type="file"]').setInputFiles({ name: 'mine.csv', mimeType: 'text/csv',
    buffer: Buffer.from(Array.from({ length: 60 * 24 * 3 }, (_, m) => `${1785542400 + 60 * m},1000,${m < 30 ? 10 : 0}`).join('\n')) });
  await page.waitForFunction((node) => node.dataset.stale !== 'true' && /mine\.csv/.test(node.shadowRoot.querySelector('.header').textContent), await el.elementHandle());
  assert.match(await el.locator('.verdict').textContent(), /no full window in the history; 1 partial window/);
  assert.equal(await el.getByRole('button', { name: 'Download CSV' }).isDisabled(), false);
  assert.equal(requests.length, before, `requests after the paste: ${requests.slice(before).join(', ')}`);
  assert.deepEqual(problems, []);
});

test('screenshots at 1280 and 390 px, light and dark, with no axe violation', async () => {
  for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [390, 'light'], [390, 'dark']]) {
    const { page, context, problems } = await open(browser, null, { viewport: { width, height: 900 } });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${server.url}/test/report-month.html`);
    const el = await ready(page, '#r');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the ${width} px screen`);
    await screenshot(el, `report-${width}-${scheme}`);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
