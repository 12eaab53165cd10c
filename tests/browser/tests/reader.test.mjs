// What a reader sees: a result never stands for a value nobody settled on (stale results
// look stale and say what they are for; the URL holds settled values only); "1e6" is a
// million; <slo-what-if> applies nothing the page does not show; the reader's dark scheme is
// followed; and a 390 px phone gets a usable page. Expected figures are worked out by hand
// here. Screenshots at 1280 and 390 px, light and dark, go to tests/artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, ready, requireBuilt, demoPage, pageAt, screenshot, WWW } from '../lib/harness.mjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

let server, browser;
before(async () => {
  requireBuilt();
  if (!existsSync(join(WWW, 'hugo/public/why-slos/index.html'))) throw new Error('www/hugo/public is not built: run tests/browser/run.sh');
  server = await serve(undefined, pageAt('/what-if-bare.html', `<!doctype html><html lang="en"><head><title>what-if</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-elements.js"></script></head>
<body><main><slo-what-if id="w" target="99.9" window="30d" rps="50" incidents="3d 20m 25%; 12d6h 4h 1%"></slo-what-if></main></body></html>`));
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

const words = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();
const ELEMENTS = ['budget', 'alerts', 'whatif', 'composite', 'live'];

/** Records every text `selector` shows inside element `id`'s shadow root from now on. */
const watch = (page, id, selector) => page.evaluate(([id, selector]) => {
  const el = document.getElementById(id);
  window.__seen = [];
  new MutationObserver(() => window.__seen.push(el.shadowRoot.querySelector(selector).textContent))
    .observe(el.shadowRoot, { childList: true, characterData: true, subtree: true });
}, [id, selector]);

test('typing "100" never shows 10%, marks the kept result stale and keeps it out of the URL', async () => {
  const { page, problems } = await open(browser, null);
  // The page's timers run on a clock the test moves: keystrokes come as fast as a typist's,
  // however slow this machine is at the moment.
  await page.clock.install();
  await page.goto(demoPage(server));
  const el = await ready(page, '#budget');
  const target = el.locator('[name="target"]');
  await watch(page, 'budget', '.headline');
  await target.click();
  await target.press('Control+A');
  await target.press('1');
  // Mid-typing, the result on screen is marked as not (yet) the answer.
  assert.equal(await el.getAttribute('data-stale'), 'true');
  assert.match(await words(el.locator('.stale')), /Waiting for you to finish typing\. The result below is still for target “99\.9”/);
  await page.clock.runFor(100);
  await target.press('0');
  await page.clock.runFor(100);
  await target.press('0');
  // The reader stops typing: the value is computed.
  await page.clock.runFor(400);
  await page.waitForFunction(() => document.getElementById('budget').shadowRoot.querySelector('[aria-invalid="true"]'));
  // "1" and "10" were keystrokes on the way: no result was ever computed for them.
  assert.ok((await page.evaluate(() => window.__seen)).every((h) => !/^(1|10)% over/.test(h.trim())), 'a result for 1% or 10% was shown');
  // The kept result (99.9%) is marked stale, greyed, and says which value it is for.
  assert.match(await words(el.locator('.stale')), /^An input is not valid\. The result below is still for target “99\.9”\.$/);
  assert.equal(await el.locator('.results').evaluate((r) => r.classList.contains('is-stale')), true);
  const grey = await el.locator('.headline strong').evaluate((s) => getComputedStyle(s).color);
  const muted = await el.locator('.hint').first().evaluate((s) => getComputedStyle(s).color);
  assert.equal(grey, muted, 'the stale figure is drawn in the muted colour');
  // Leaving the field settles it, but an invalid value never reaches the URL.
  await page.keyboard.press('Tab');
  await page.clock.runFor(400);
  assert.doesNotMatch(page.url(), /budget\.target=10/);
  // A valid value, once the reader leaves the field, is in the URL; the result is fresh.
  await target.click();
  await target.press('Control+A');
  await target.pressSequentially('99.5');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => location.hash.includes('budget.target=99.5'));
  assert.equal(await el.getAttribute('data-stale'), null);
  // By hand: 0.5% of 30 days is 3 h 36 min.
  assert.equal(await words(el.locator('[data-value="downtime"]')), '3 h 36 min');
  assert.deepEqual(problems, []);
});

test('"1e6" requests is a million, while typing and after', async () => {
  const { page, problems } = await open(browser, null);
  await page.clock.install();
  await page.goto(demoPage(server));
  const el = await ready(page, '#budget');
  const requests = el.locator('[name="requests"]');
  await watch(page, 'budget', '.bad-requests');
  await requests.click();
  await requests.press('Control+A');
  for (const key of '1e6') {
    await requests.press(key);
    await page.clock.runFor(100);
  }
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => location.hash.includes('budget.requests=1e6'));
  // The URL and the result settle on the same blur, in either order: wait for the figure.
  await el.locator('.bad-requests', { hasText: 'Of 1000000 requests' }).waitFor();
  // By hand: 0.1% of 1,000,000 requests is 1,000.
  assert.equal(await words(el.locator('.bad-requests')), 'Of 1000000 requests in the window, 1000 may fail.');
  assert.ok((await page.evaluate(() => window.__seen)).every((t) => !/^Of 1 requests/.test(t)), 'showed "Of 1 requests"');
  // A count that is not whole is refused, saying what is allowed.
  await requests.fill('1.5e0');
  await page.waitForFunction(() => document.getElementById('budget').shadowRoot.querySelector('[name="requests"][aria-invalid="true"]'));
  assert.match(await words(el.locator(`[id="${await requests.getAttribute('id')}-msg"]`)), /^“1\.5e0” is not a count; allowed: a whole number, 0 or more, such as 1000000 or 1e6$/);
  assert.deepEqual(problems, []);
});

test('<slo-what-if> applies no baseline and no latency buckets the page does not show', async () => {
  const { page, problems } = await open(browser, `${server.url}/what-if-bare.html`);
  const el = await ready(page, '#w');
  assert.equal(await el.locator('[name="baseline_error_ratio"]').inputValue(), '0');
  assert.equal(await el.locator('[name="latency.buckets"]').inputValue(), '');
  assert.equal(await words(el.locator('.latency')), '');
  // By hand: 50 req/s for 20 min at 25% and 4 h at 1% is 15,000 + 7,200 = 22,200 bad requests;
  // 30 days at 50 req/s allow 0.1% of 129,600,000 = 129,600; 22,200 / 129,600 = 17.1296%.
  const spent = (50 * 20 * 60 * 0.25 + 50 * 4 * 3600 * 0.01) / (50 * 30 * 86400 * 0.001);
  assert.equal(await words(el.locator('[data-value="consumed"]')), `${Number((spent * 100).toFixed(4))}%`);
  assert.equal(await words(el.locator('[data-value="remaining"]')), `${Number(((1 - spent) * 100).toFixed(4))}%`);
  assert.deepEqual(problems, []);
});

test('charts: one lane per tier, the legend names only what is drawn, exhaustion apart in colour and shape', async () => {
  const { page, problems } = await open(browser, `${server.url}/what-if-bare.html`);
  const el = await ready(page, '#w');
  // No exhaustion here: the legend has no exhaustion entry; tiers that fired have one each.
  assert.equal(await el.locator('svg g.exhausted').count(), 0);
  assert.doesNotMatch(await words(el.locator('.legend')), /exhausted/);
  const drawn = await el.locator('svg rect.span').evaluateAll((rs) => [...new Set(rs.map((r) => r.classList.contains('page') ? 'page' : 'ticket'))]);
  for (const severity of ['page', 'ticket']) {
    assert.equal((await words(el.locator('.legend'))).includes(`${severity} tier firing`), drawn.includes(severity), severity);
  }
  // A day-long full outage: exhausted early in the window, drawn as a diamond whose label
  // stays inside the chart, in a colour other than the page tiers'.
  await el.locator('[name="incidents[0].start"]').fill('1d');
  await el.locator('[name="incidents[0].duration"]').fill('1d');
  await el.locator('[name="incidents[0].error_ratio"]').fill('100%');
  await page.waitForFunction(() => document.getElementById('w').shadowRoot.querySelector('svg g.exhausted'));
  const look = await el.evaluate((host) => {
    const svg = host.shadowRoot.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const label = svg.querySelector('text.exhausted-label').getBoundingClientRect();
    const colour = (sel) => getComputedStyle(svg.querySelector(sel)).fill;
    return { inside: label.left >= box.left && label.right <= box.right, diamond: colour('.exhausted-point'), page: colour('rect.span.page') };
  });
  assert.ok(look.inside, 'the exhaustion label is inside the chart');
  assert.notEqual(look.diamond, look.page);
  assert.match(await words(el.locator('.legend')), /budget exhausted \(diamond\)/);
  assert.deepEqual(problems, []);
});

/** Background colour of each element on the page, as computed. */
const backgrounds = (page) => page.evaluate((ids) => ids.map((id) => getComputedStyle(document.getElementById(id)).backgroundColor), ELEMENTS);

test('dark scheme: the elements, the demo page and the Hugo site follow prefers-color-scheme; authors can override', async () => {
  const { page, context, problems } = await open(browser, demoPage(server));
  for (const id of ELEMENTS) await ready(page, `#${id}`);
  assert.deepEqual(await backgrounds(page), ELEMENTS.map(() => 'rgb(255, 255, 255)'));
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await backgrounds(page), ELEMENTS.map(() => 'rgb(17, 24, 39)'));
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(15, 23, 42)');
  // Text inside the shadow roots turns light too.
  assert.equal(await page.locator('#budget [data-value="downtime"]').evaluate((s) => getComputedStyle(s).color), 'rgb(147, 197, 253)');
  // An author's custom property still wins, in either scheme; and the scheme can be pinned.
  await page.evaluate(() => document.getElementById('budget').style.setProperty('--slo-bg', 'rgb(1, 2, 3)'));
  assert.equal((await backgrounds(page))[0], 'rgb(1, 2, 3)');
  await page.getByLabel('Theme').selectOption('light');
  assert.equal((await backgrounds(page))[1], 'rgb(255, 255, 255)', '--slo-color-scheme: light pins light');
  await context.close();

  const hugo = await open(browser, `${server.url}/hugo/public/basics/error-budget/`);
  await hugo.page.emulateMedia({ colorScheme: 'dark' });
  await ready(hugo.page, 'slo-budget');
  assert.equal(await hugo.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(15, 23, 42)');
  assert.equal(await hugo.page.locator('slo-budget').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(17, 24, 39)');
  assert.deepEqual([...problems, ...hugo.problems], []);
});

/** Text of every SVG chart, at its size on screen in CSS pixels. */
const chartTextSizes = (page) => page.evaluate(() => {
  const hosts = [...document.querySelectorAll('slo-alerts, slo-what-if')];
  return hosts.flatMap((h) => [...h.shadowRoot.querySelectorAll('svg[viewBox]')].flatMap((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  }));
});

test('390 px phone: the Hugo sidebar folds into a menu, nothing scrolls sideways, tables stack, chart text >= 11 px', async () => {
  const phone = { viewport: { width: 390, height: 844 } };
  // Chapter 2 holds every calculator (its live view has no Envoy to read: the browser logs
  // the refused connection, the page nothing else).
  const { page, problems } = await open(browser, `${server.url}/hugo/public/why-slos/`, phone);
  await ready(page, 'slo-budget');
  await ready(page, 'slo-alerts');
  await ready(page, '#incidents');
  await ready(page, '#release');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'the page lays out 390 px wide');
  // The chapters are a closed menu above the page; opened, they are there.
  const layout = await page.evaluate(() => ({ nav: document.querySelector('nav').getBoundingClientRect(), main: document.querySelector('main').getBoundingClientRect() }));
  assert.ok(layout.nav.bottom <= layout.main.top + 1 && layout.main.width >= 360, JSON.stringify(layout));
  const chapter = page.getByRole('link', { name: 'Basics' });
  assert.equal(await chapter.isVisible(), false);
  await page.getByText('Chapters', { exact: true }).click();
  assert.equal(await chapter.isVisible(), true);
  // The alert tiers table: each row a card whose cells say their column, all in view.
  const alerts = page.locator('slo-alerts');
  const cells = await alerts.evaluate((el) => {
    const right = el.getBoundingClientRect().right;
    return [...el.shadowRoot.querySelectorAll('.tiers tbody td')].map((td) => ({ label: td.dataset.label, fits: td.getBoundingClientRect().right <= right, display: getComputedStyle(td).display, before: getComputedStyle(td, '::before').content }));
  });
  assert.ok(cells.length > 0 && cells.every((c) => c.label && c.fits && c.display === 'block' && c.before === `"${c.label}: "`), JSON.stringify(cells.slice(0, 3)));
  const sizes = await chartTextSizes(page);
  assert.ok(sizes.length > 0 && Math.min(...sizes) >= 11 - 1e-6, `smallest chart text ${Math.min(...sizes).toFixed(2)} px`);
  // The nines table scrolls sideways with its targets in view, and says so.
  const budget = page.locator('slo-budget');
  await budget.locator('summary').first().click();
  assert.equal(await budget.locator('.scroll-hint').isVisible(), true);
  assert.equal(await budget.locator('.nines-table th[scope="row"]').first().evaluate((th) => getComputedStyle(th).position), 'sticky');

  assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p)), []);
});

test('the workshop pages each have their own chapter label', async () => {
  const labels = [];
  for (const path of ['basics/', 'basics/error-budget/', 'why-slos/', 'why-slos/choosing-a-target/']) {
    const { page, context } = await open(browser, `${server.url}/hugo/public/${path}`);
    labels.push(await page.locator('.chapter-label').textContent());
    await context.close();
  }
  assert.deepEqual(labels, ['Chapter 1', 'Chapter 1.1', 'Chapter 2', 'Chapter 2.1']);
});

// Every workshop page is photographed by workshop.test.mjs.
test('screenshots: the demo page at 1280 and 390 px, light and dark', async () => {
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    for (const scheme of ['light', 'dark']) {
      const { page, context, problems } = await open(browser, demoPage(server), { viewport: { width, height } });
      await page.emulateMedia({ colorScheme: scheme });
      for (const id of ELEMENTS) await ready(page, `#${id}`);
      await screenshot(page, `demo-${width}-${scheme}`, { fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
    }
  }
});
