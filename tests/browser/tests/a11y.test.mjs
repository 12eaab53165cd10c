// axe-core finds no violations on the demo page (light and dark theme, and with every
// element showing an error), the page works from the keyboard alone, and each element is
// photographed into tests/artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, ready, requireBuilt, demoPage, screenshot, axeViolations } from '../lib/harness.mjs';

const ELEMENTS = ['budget', 'alerts', 'whatif', 'composite', 'live'];

let server, browser;
before(async () => { requireBuilt(); server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function allReady(page) {
  for (const id of ELEMENTS) await ready(page, `#${id}`);
}

test('axe-core: no violations on the demo page, light and dark', async () => {
  // The page's CSP allows scripts from itself only; the test lets axe in.
  const { page, problems } = await open(browser, demoPage(server), { bypassCSP: true });
  await allReady(page);
  assert.deepEqual(await axeViolations(page), []);
  await page.getByLabel('Theme').selectOption('dark');
  assert.deepEqual(await axeViolations(page), [], 'dark theme');
  await screenshot(page.locator('#budget'), 'slo-budget-dark');
  // Control: axe does look inside the elements' shadow roots, so an unlabelled input there
  // is found.
  await page.locator('#budget').evaluate((el) => el.shadowRoot.querySelector('form').append(document.createElement('input')));
  assert.ok((await axeViolations(page)).some((v) => v.startsWith('label')), 'axe sees into the shadow DOM');
  assert.deepEqual(problems, []);
});

test('axe-core: no violations while fields show their messages', async () => {
  const { page, problems } = await open(browser, demoPage(server), { bypassCSP: true });
  await allReady(page);
  await page.locator('#budget [name="target"]').fill('abc');
  await page.locator('#alerts [name="window"]').fill('0d');
  await page.locator('#whatif [name="incidents[0].duration"]').fill('-5m');
  await page.locator('#composite [name="dependencies[0].availability"]').fill('100.5');
  await page.waitForFunction(() => document.getElementById('composite').shadowRoot.querySelector('[aria-invalid="true"]'));
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page.locator('#budget'), 'slo-budget-error');
  assert.deepEqual(problems, []);
});

test('every element is photographed', async () => {
  const { page, problems } = await open(browser, demoPage(server));
  await allReady(page);
  for (const [id, name] of [['budget', 'slo-budget'], ['alerts', 'slo-alerts'], ['whatif', 'slo-what-if'], ['composite', 'slo-composite'], ['live', 'slo-live']]) {
    await page.locator(`#${id}`).evaluate((el) => el.shadowRoot.querySelector('details')?.setAttribute('open', ''));
    const file = await screenshot(page.locator(`#${id}`), name);
    assert.ok(file.endsWith('.png'));
  }
  assert.deepEqual(problems, []);
});

test('keyboard only: tab to a field, type, and the result follows', async () => {
  const { page, problems } = await open(browser, demoPage(server));
  await allReady(page);
  await page.getByLabel('Theme').focus();
  // The next stops are the budget element's fields, in order.
  await page.keyboard.press('Tab');
  const focused = () => page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('name') ?? el?.tagName;
  });
  assert.equal(await focused(), 'target');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('99.99');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'window');
  await page.waitForFunction(() => document.getElementById('budget').shadowRoot.querySelector('[data-value="downtime"]').textContent === '4 min 19.2 s');
  // Buttons answer Enter and Space.
  const whatif = page.locator('#whatif');
  await whatif.getByRole('button', { name: 'Remove incident 1' }).focus();
  await page.keyboard.press('Space');
  assert.equal(await whatif.getByRole('group', { name: /^Incident \d$/ }).count(), 2);
  assert.deepEqual(problems, []);
});
