// No request leaves the page except the module's own files and <slo-live>'s URL; the live
// element reads a cross-origin status endpoint, and shows an error state when it cannot
// (tests/browser/tests/live.test.mjs checks what it shows).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, ready, requireBuilt, statusFixture, pageAt, STATUS_PATH } from '../lib/harness.mjs';

let site, envoy, browser;
before(async () => {
  requireBuilt();
  site = await serve(undefined, (req, res) => ONE_KIND.some(([tag]) => pageAt(`/only-${tag}.html`, onlyPage(tag))(req, res)));
  // Stands in for the demo Envoy: another origin, answering like the filter's status endpoint.
  envoy = await serve(undefined, (req, res) => {
    if (req.url === '/slo/status') return statusFixture(req, res);
    res.writeHead(404).end();
    return true;
  });
  browser = await launch();
});
after(async () => { await browser?.close(); await site?.close(); await envoy?.close(); });

const OWN = ['/index.html', '/demo.css', '/demo.js', '/elements/', '/pkg/slo_web.js', '/pkg/slo_web_bg.wasm'];

test('only the page, the elements, the wasm bundle and the live URL are requested', async () => {
  const live = `${envoy.url}/slo/status`;
  const { page, problems, requests } = await open(browser, `${site.url}/index.html?live=${encodeURIComponent(live)}`);
  for (const id of ['budget', 'alerts', 'whatif', 'composite', 'live']) await ready(page, `#${id}`);
  // Use every element, then wait for a second poll of the live endpoint.
  await page.locator('#budget [name="target"]').fill('99.5');
  await page.locator('#whatif [name="window"]').fill('28d');
  await page.locator('#alerts [name="error_ratio"]').fill('10%');
  await page.locator('#composite [name="dependencies[0].replicas"]').fill('2');
  await page.locator('#live').evaluate((el) => el.setAttribute('interval', '1'));
  await page.waitForTimeout(1500);
  assert.ok(requests.some((u) => u === live), 'the live element read its URL');
  for (const url of requests) {
    if (url === live) continue;
    assert.ok(url.startsWith(`${site.url}/`), `request to another origin: ${url}`);
    const path = new URL(url).pathname;
    assert.ok(OWN.some((own) => path === own || (own.endsWith('/') && path.startsWith(own))), `unexpected request: ${path}`);
  }
  // The other server saw nothing but the status endpoint (and CORS needs no preflight here).
  assert.ok(envoy.requests.every((u) => u === '/slo/status'), envoy.requests.join(', '));
  assert.deepEqual(problems, []);
});

test('<slo-live> with an unreachable endpoint shows an error state and throws nothing', async () => {
  // A port that was just free: nothing listens there.
  const gone = await serve();
  const url = `${gone.url}/slo/status`;
  await gone.close();
  const { page, problems } = await open(browser, `${site.url}/index.html?live=${encodeURIComponent(url)}`);
  const live = page.locator('#live[data-state="error"]');
  await live.waitFor();
  assert.match(await live.locator('.state').textContent(), /Cannot read .*slo\/status/);
  assert.equal(await live.locator('.state').getAttribute('role'), 'status');
  // The browser itself logs the refused connection; nothing else may appear.
  assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p)), []);

  // An answer that is not a status document is an error state too.
  const bad = await serve(undefined, (req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end('{"nope": 1}'); return true; });
  await page.locator('#live').evaluate((el, src) => el.setAttribute('src', src), `${bad.url}/slo/status`);
  await page.waitForFunction(() => /no "slos" list/.test(document.getElementById('live').shadowRoot.querySelector('.state').textContent));
  await bad.close();
  assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p)), []);
});

/** Each element kind, alone on a page, and the wasm glue it may load (lib/wasm.js). */
const ONE_KIND = [
  ['slo-live', []],
  ['slo-budget', ['slo_web']],
  ['slo-alerts', ['slo_web']],
  ['slo-what-if', ['slo_web']],
  ['slo-composite', ['slo_web']],
  ['slo-backtest', ['slo_web_backtest']],
  ['slo-report', ['slo_web_backtest']],
  ['slo-editor', ['slo_web_editor']],
  // It loads the backtest's module when the reader asks it to read Prometheus, not before.
  ['slo-fleet', []],
];
/** The kinds that draw no chart. */
const CHARTLESS = ['slo-live', 'slo-budget', 'slo-composite', 'slo-editor'];
const onlyPage = (tag) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${tag}</title>
<link rel="icon" href="data:,"><script type="module" src="/elements/${tag}.js"></script></head>
<body><${tag}${tag === 'slo-live' ? ` src="${STATUS_PATH}"` : ''}></${tag}></body></html>`;

for (const [tag, modules] of ONE_KIND) {
  test(`a page with only <${tag}> loads ${modules.length ? `only the ${modules.join(', ')} module` : 'no WebAssembly'}`, async () => {
    const { page, problems, requests, context } = await open(browser, `${site.url}/only-${tag}.html`);
    await page.waitForFunction((name) => customElements.get(name) !== undefined, tag);
    // The element is defined once its module is instantiated: by then its wasm was fetched.
    if (tag === 'slo-live') await ready(page, tag);
    await page.waitForLoadState('networkidle');
    const pkg = requests.map((u) => new URL(u).pathname).filter((p) => p.startsWith('/pkg/')).sort();
    assert.deepEqual(pkg, modules.flatMap((m) => [`/pkg/${m}.js`, `/pkg/${m}_bg.wasm`]).sort());
    // Nor the shared code it has no use for: the chart module where nothing is charted, the
    // loaders and the base element where nothing computes.
    const lib = requests.map((u) => new URL(u).pathname).filter((p) => p.startsWith('/elements/lib/'));
    if (CHARTLESS.includes(tag)) assert.ok(!lib.includes('/elements/lib/chart.js'), lib.join(', '));
    if (tag === 'slo-live') assert.deepEqual(lib.sort(), ['html', 'net', 'style'].map((m) => `/elements/lib/${m}.js`));
    assert.deepEqual(problems, []);
    await context.close();
  });
}
