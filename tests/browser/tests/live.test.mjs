// <slo-live> as an on-call engineer reads it: per SLO a budget bar (and, over-spent, how many
// budgets), burn rates against each tier's threshold, firing tiers as badges, a sparkline of
// the polls; a failed fetch says why (HTTP 401, CORS, the page's connect-src); and one
// polling loop however the attributes change. Figures are checked against hand arithmetic
// on the counts the stand-in endpoint reports (core_values' status: 863,400 good and 600 bad
// in 30 days at 99.9%; and a day at 10% errors: 86,400 bad).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, ready, requireBuilt, status, coreValues, STATUS_PATH, OVERSPENT_PATH, pageAt, screenshot } from '../lib/harness.mjs';

let site, browser;
before(async () => { requireBuilt(); site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

const words = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();
/** A percentage as format::percent writes this one: four decimals, trailing zeros trimmed. */
const percent4 = (ratio) => `${Number((ratio * 100).toFixed(4))}%`;

test('<slo-live>: budget bar, spent budget, burn rates against thresholds, firing badges, sparkline', async () => {
  const { page, problems } = await open(browser, `${site.url}/index.html?live=${STATUS_PATH}`);
  await page.locator('#live').evaluate((el) => el.setAttribute('interval', '1'));
  const live = await ready(page, '#live');
  const card = live.locator('section[data-slo="checkout-availability"]');
  // By hand: a 99.9% budget over 30 days of 864,000 requests allows 864 bad; 600 were bad.
  const slo = status().slos[0];
  assert.equal(slo.good + slo.bad, 864000);
  const spent = slo.bad / (0.001 * 864000);
  assert.equal(await words(card.locator('[data-value="left"]')), `${percent4(1 - spent)} left`);
  assert.equal(await words(card.locator('[data-value="spent"]')), `${percent4(spent)} of the budget spent`);
  const fill = Number(await card.locator('svg.bar rect.fill').getAttribute('width'));
  assert.ok(Math.abs(fill - (1 - spent) * 100) < 0.1, `bar filled to ${fill}`);
  // Each tier: its threshold and both windows' burn rates (bad ratio / 0.1%).
  for (const t of slo.tiers) {
    const row = card.locator(`tr[data-tier="${t.name}"]`);
    assert.equal(await words(row.locator('[data-value="threshold"]')), t.burn_rate_threshold_text);
    const shown = await words(row);
    assert.ok(shown.includes(`${t.long_window}: ${t.long_burn_rate_text}`) && shown.includes(`${t.short_window}: ${t.short_burn_rate_text}`), shown);
  }
  // The short window: every minute of it at 60 of 600 bad, 10% / 0.1% = 100x. The hour: the
  // window reads 61 one-minute buckets (its far edge cuts one), 600 bad of 36,600.
  const fast = slo.tiers.find((t) => t.name === 'page-fast');
  assert.equal(fast.short_burn_rate_text, '100x');
  assert.equal(fast.long_burn_rate_text, `${Number((600 / 36600 / 0.001).toFixed(3))}x`);
  // Firing tiers are badges, one line each (never broken at the hyphen).
  const badges = card.locator('[data-firing]');
  assert.deepEqual(await badges.allTextContents(), slo.tiers.filter((t) => t.active).map((t) => `${t.name} (${t.severity})`));
  for (const box of await badges.evaluateAll((bs) => bs.map((b) => b.getClientRects().length))) assert.equal(box, 1);
  assert.equal(await live.locator('section[data-slo="checkout-latency"] .badge.quiet').count(), 1);
  // The sparkline appears with the second poll and names the polls it draws.
  await page.waitForFunction(() => document.getElementById('live').shadowRoot.querySelector('.spark svg'));
  assert.match(await words(card.locator('.spark')), /^Budget left over the last \d+ polls: from 30\.5556% to 30\.5556%$/);
  assert.deepEqual(problems, []);
});

test('<slo-live>: an over-spent budget says how many budgets were spent, never a huge negative percentage', async () => {
  const { page, problems } = await open(browser, `${site.url}/index.html?live=${OVERSPENT_PATH}`);
  const live = await ready(page, '#live');
  const card = live.locator('section[data-slo="checkout-availability"]');
  // By hand: 10% of 864,000 requests bad, against 864 allowed: 100 budgets.
  const slo = coreValues().status_overspent.slos[0];
  assert.equal(slo.bad, 86400);
  assert.equal(await words(card.locator('[data-value="spent"]')), `${86400 / 864} budgets spent`);
  assert.equal(await words(card.locator('[data-value="left"]')), 'none left');
  assert.equal(Number(await card.locator('svg.bar rect.fill').getAttribute('width')), 0);
  assert.doesNotMatch(await words(live), /-\d/);
  assert.deepEqual(problems, []);
});

test('<slo-live> at 390 px: no sideways scroll, no tall empty rows, tier names on one line', async () => {
  const { page, problems } = await open(browser, `${site.url}/index.html?live=${STATUS_PATH}`, { viewport: { width: 390, height: 844 } });
  const live = await ready(page, '#live');
  const fits = await live.evaluate((el) => {
    const root = el.shadowRoot;
    const right = el.getBoundingClientRect().right;
    // Column headings are visually hidden in the narrow layout (each cell says its column).
    const overflow = [...root.querySelectorAll('*')].filter((n) => !n.closest('thead, .sr-only'))
      .filter((n) => n.getBoundingClientRect().right > right + 0.5).map((n) => n.className || n.localName);
    const rows = [...root.querySelectorAll('tr')].map((tr) => tr.getBoundingClientRect().height);
    const names = [...root.querySelectorAll('th[scope="row"], .badge')].map((n) => n.getClientRects().length);
    return { overflow, tallest: Math.max(...rows), names, line: parseFloat(getComputedStyle(el).lineHeight) };
  });
  await screenshot(live, 'slo-live-390');
  assert.deepEqual(fits.overflow, []);
  assert.ok(fits.names.every((n) => n === 1), JSON.stringify(fits.names));
  // A tier row is two short lines (name and severity; rate and gauge).
  assert.ok(fits.tallest <= 3 * fits.line, `tallest row ${fits.tallest} px, line ${fits.line} px`);
  assert.deepEqual(problems, []);
});

test('<slo-live>: a failed fetch says why: HTTP 401, CORS, the page\'s connect-src', async () => {
  // Another origin that wants a token.
  const locked = await serve(undefined, (req, res) => {
    res.writeHead(401, { 'access-control-allow-origin': '*' }).end();
    return true;
  });
  // Another origin that answers, but without CORS headers.
  const closed = await serve(undefined, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
    return true;
  });
  const cspPage = `<!doctype html><html lang="en"><head><title>csp</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-elements.js"></script></head>
<body><slo-live id="l" src="${closed.url}/slo/status"></slo-live></body></html>`;
  const strict = await serve(undefined, pageAt('/csp.html', cspPage, {
    'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'",
  }));
  try {
    const { page } = await open(browser, `${site.url}/index.html?live=${encodeURIComponent(`${locked.url}/slo/status`)}`);
    const state = page.locator('#live .state');
    await page.locator('#live[data-state="error"]').waitFor();
    assert.match(await state.textContent(), /HTTP 401 \(it wants a token: set the token attribute\)/);

    await page.locator('#live').evaluate((el, src) => el.setAttribute('src', src), `${closed.url}/slo/status`);
    await page.waitForFunction(() => /CORS/.test(document.getElementById('live').shadowRoot.querySelector('.state').textContent));
    assert.match(await state.textContent(), new RegExp(`must allow the origin ${site.url.replace(/[.]/g, '\\.')} \\(CORS, Access-Control-Allow-Origin\\)`));

    const other = await open(browser, `${strict.url}/csp.html`);
    await other.page.locator('#l[data-state="error"]').waitFor();
    assert.match(await other.page.locator('#l .state').textContent(), /Content Security Policy does not allow it: add its origin to connect-src/);
  } finally {
    await Promise.all([locked.close(), closed.close(), strict.close()]);
  }
});

test('<slo-live>: an attribute changed during a fetch leaves one polling loop, and no timeout message', async () => {
  // An endpoint that takes 600 ms to answer, and notes when each request arrives.
  const arrivals = [];
  const slow = await serve(undefined, (req, res) => {
    arrivals.push(Date.now());
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(status()));
    }, 600);
    return true;
  });
  try {
    const { page, problems } = await open(browser, `${site.url}/index.html?live=${encodeURIComponent(`${slow.url}/slo/status`)}`);
    await page.locator('#live').evaluate((el) => {
      el.setAttribute('interval', '1');
      window.__states = [];
      const state = el.shadowRoot.querySelector('.state');
      new MutationObserver(() => window.__states.push(state.textContent)).observe(state, { childList: true, characterData: true, subtree: true });
    });
    await ready(page, '#live');
    // Change an attribute while a fetch is under way (200 ms into its 600).
    const pending = arrivals.length;
    while (arrivals.length === pending) await new Promise((ok) => setTimeout(ok, 20));
    await new Promise((ok) => setTimeout(ok, 200));
    const changedAt = Date.now();
    await page.locator('#live').evaluate((el) => el.setAttribute('interval', '1.0'));
    await new Promise((ok) => setTimeout(ok, 5000));
    // One loop: after the restart's own poll, each poll starts a second after the previous
    // answer, so arrivals are at least 1.6 s apart; two loops would interleave.
    const after = arrivals.filter((t) => t > changedAt);
    assert.ok(after.length >= 2, `${after.length} polls after the change`);
    for (let i = 1; i < after.length; i++) assert.ok(after[i] - after[i - 1] >= 1500, `polls ${after[i] - after[i - 1]} ms apart`);
    const states = await page.evaluate(() => window.__states);
    assert.ok(states.every((s) => !/no answer within/.test(s)), states.join(' | '));
    assert.deepEqual(problems, []);
  } finally {
    await slow.close();
  }
});
