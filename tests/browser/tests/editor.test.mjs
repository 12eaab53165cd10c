// <slo-editor>: what a reader downloads is byte for byte what the `slo` command writes for
// the same spec (the examples and a generated 30-SLO spec), the Envoy configuration passes
// `envoy --mode validate` and the rules `promtool check rules`; every problem of a broken
// draft is listed on its line; a shared link carries the draft; the page works from the
// keyboard, passes axe, and fetches nothing but its own files. Screenshots at 1280 and
// 390 px, light and dark, with errors and valid, go to tests/artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, open, ready, requireBuilt, pageAt, screenshot, ROOT, axeViolations } from '../lib/harness.mjs';
import { generatedSpec } from '../lib/specs.mjs';

const SLO = join(ROOT, 'target/debug/slo');
const ENVOY = join(ROOT, '.venv/bin/envoy');
const FILTER = process.env.SLO_FILTER_WASM ?? join(ROOT, 'target/wasm32-wasip1/release-filter/slo_filter.wasm');
const work = mkdtempSync(join(tmpdir(), 'slo-editor-'));

const PAGE = `<!doctype html><html lang="en"><head><title>editor</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-editor.js"></script></head>
<body><main><h1>Editor</h1><h2>Your SLO</h2><slo-editor id="editor" heading="Write your SLO"></slo-editor></main></body></html>`;

let server, browser;
before(async () => {
  requireBuilt();
  for (const [path, what] of [[SLO, 'the slo command (www/build.sh builds it)'], [ENVOY, 'Envoy in .venv (scripts/setup.sh)'],
    [FILTER, 'the filter (tests/browser/run.sh builds it)']]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: ${what}`);
  }
  server = await serve(undefined, pageAt('/editor.html', PAGE));
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

/** `slo ARGS...`: its stdout, or its stderr when it fails. */
function slo(...args) {
  const done = spawnSync(SLO, args, { encoding: 'utf8' });
  return done.status === 0 ? { text: done.stdout } : { error: done.stderr };
}

async function editorPage(options = {}) {
  const opened = await open(browser, `${server.url}/editor.html`, options);
  const el = await ready(opened.page, '#editor');
  return { ...opened, el };
}

/** Puts `text` into the draft as a paste does (checked at once) and waits for the verdict. */
async function setDraft(page, el, text) {
  await el.evaluate((e) => { e.dataset.ready = 'false'; });
  await el.locator('textarea.draft').fill(text);
  await page.locator('#editor[data-ready="true"]').waitFor();
}

/** Clicks the download and reads the file the browser saved; null when none came. */
async function download(page, el, artifact) {
  const button = el.locator(`button[data-artifact="${artifact}"]`);
  const [saved] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }).catch(() => null), button.click()]);
  return saved && { name: saved.suggestedFilename(), text: readFileSync(await saved.path(), 'utf8') };
}

const COMMANDS = {
  'envoy-wasm': (f) => slo('envoy-config', f),
  'envoy-native': (f) => slo('envoy-config', f, '--counting', 'native'),
  'rule-file': (f) => slo('rules', f),
  'prometheus-rule': (f) => slo('rules', f, '--format', 'prometheus-rule'),
  openslo: (f) => slo('openslo', 'export', f),
  'grafana-overview': (f) => slo('dashboards', f, '--dashboard', 'overview'),
  'grafana-detail': (f) => slo('dashboards', f, '--dashboard', 'detail'),
};

test("every download is the command's bytes, for the examples and a generated 30-SLO spec", async () => {
  const { page, el, problems, requests } = await editorPage();
  const generated = join(work, 'generated.json');
  writeFileSync(generated, generatedSpec());
  const specs = ['examples/checkout.json', 'examples/prometheus.json', 'examples/demo.json'].map((f) => join(ROOT, f)).concat(generated);
  let compared = 0;
  for (const file of specs) {
    await setDraft(page, el, readFileSync(file, 'utf8'));
    assert.equal(await el.getAttribute('data-valid'), 'true', file);
    for (const [artifact, command] of Object.entries(COMMANDS)) {
      const expected = command(file);
      if (expected.error) {
        // What the command refuses (native counting of a Prometheus SLI) the editor refuses too.
        assert.equal(await download(page, el, artifact), null, `${file} ${artifact}: the command refused it`);
        assert.match(await el.locator('.said').textContent(), /cannot|not|refus/i, `${file} ${artifact}`);
        continue;
      }
      const saved = await download(page, el, artifact);
      assert.ok(saved, `${file} ${artifact}: no download`);
      assert.ok(saved.text === expected.text, `${file} ${artifact}: the download differs from the command's output`);
      compared += 1;
      if (file === generated && artifact.startsWith('envoy')) validateEnvoy(saved.text, artifact);
      if (artifact === 'rule-file') promtoolCheck(saved.text, file);
    }
    // The JSON spec reads back to the same spec (the command's check).
    const spec = await download(page, el, 'spec');
    const path = join(work, 'spec.json');
    writeFileSync(path, spec.text);
    assert.equal(spec.name, 'slo-spec.json');
    assert.deepEqual(slo('openslo', 'export', path), slo('openslo', 'export', file));
  }
  assert.ok(compared >= 16, `only ${compared} files compared`);
  // The OpenSLO and Sloth readers: the spec downloaded is the import commands'.
  for (const [file, command] of [['examples/openslo/checkout-latency.yaml', ['openslo', 'import']],
    ['crates/slo-core/tests/fixtures/sloth/getting-started.yml', ['import', 'sloth']]]) {
    await setDraft(page, el, readFileSync(join(ROOT, file), 'utf8'));
    assert.equal(await el.getAttribute('data-valid'), 'true', `${file}: ${await el.locator('.problems').textContent()}`);
    assert.equal((await download(page, el, 'spec')).text, slo(...command, join(ROOT, file)).text, file);
  }
  const origin = new URL(server.url).origin;
  assert.deepEqual(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')), []);
  assert.deepEqual(problems, []);
});

function validateEnvoy(text, artifact) {
  const dir = mkdtempSync(join(work, `${artifact}-`));
  writeFileSync(join(dir, 'envoy.yaml'), text);
  copyFileSync(FILTER, join(dir, 'slo_filter.wasm'));
  const done = spawnSync(ENVOY, ['--mode', 'validate', '-c', 'envoy.yaml'], { cwd: dir, encoding: 'utf8', timeout: 60000 });
  assert.match(`${done.stdout}${done.stderr}`, /configuration '?envoy.yaml'? OK/, `${artifact}: envoy --mode validate\n${done.stderr.slice(-2000)}`);
}

function promtoolCheck(text, file) {
  const path = join(work, 'rules.yaml');
  writeFileSync(path, text);
  const out = execFileSync('promtool', ['check', 'rules', path], { encoding: 'utf8' });
  assert.match(out, /SUCCESS/, file);
}

test('each template is a valid spec of its kind', async () => {
  const { page, el, problems } = await editorPage();
  const names = await el.locator('select.template option').evaluateAll((options) => options.map((o) => o.value));
  assert.ok(names.length >= 7, names.join());
  for (const name of names) {
    await el.evaluate((e) => { e.dataset.ready = 'false'; });
    await el.locator('select.template').selectOption(name);
    await el.locator('button.use').click();
    await page.locator('#editor[data-ready="true"]').waitFor();
    assert.equal(await el.getAttribute('data-valid'), 'true', `${name}: ${await el.locator('.problems').textContent()}`);
  }
  assert.deepEqual(problems, []);
});

const BROKEN = `{
  "services": [{
    "name": "shop",
    "slos": [{
      "name": "Checkout",
      "target": 1.5,
      "window": "30d",
      "sli": {"latency": {"threshold_ms": 0}}
    }]
  }]
}
`;

test('a broken draft lists every problem on its line, and a line button puts the caret there', async () => {
  const { page, el, problems } = await editorPage();
  await setDraft(page, el, BROKEN);
  assert.equal(await el.getAttribute('data-valid'), 'false');
  const listed = await el.locator('.problems li').allTextContents();
  // By hand: the name is on line 5, the target on 6, the threshold on 8.
  assert.deepEqual(listed.map((l) => l.match(/^line (\d+)/)?.[1]), ['5', '6', '8'], listed.join('\n'));
  assert.match(listed[1], /services\[0\]\.slos\[0\]\.target: /);
  // The verdict is the core's words, counts included.
  assert.equal(await el.locator('.verdict').textContent(), '3 problems (read as spec); nothing to download until they are fixed.');
  assert.equal(await el.locator('.verdict').textContent(), await el.evaluate((e) => e.report.verdict_text));
  assert.equal(await el.locator('button[data-artifact]:disabled').count(), 8, 'nothing to download');
  await el.locator('.problems button[data-line="6"]').click();
  const caret = await el.locator('textarea.draft').evaluate((t) => t.value.slice(0, t.selectionStart).split('\n').length);
  assert.equal(caret, 6);
  // OpenSLO: placed on the document's field.
  await setDraft(page, el, 'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: x\nspec:\n  service: s\n  objectives:\n    - target: 7\n');
  assert.match((await el.locator('.problems').textContent()), /line \d+/);
  assert.deepEqual(problems, []);
});

test('a shared link opens the same draft; the keyboard alone picks a template and downloads', async () => {
  const { page, el, context, problems } = await editorPage();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await setDraft(page, el, BROKEN.replace('1.5', '0.995').replace('"Checkout"', '"checkout"').replace('"threshold_ms": 0', '"threshold_ms": 250'));
  assert.equal(await el.getAttribute('data-valid'), 'true');
  assert.equal(await el.locator('.verdict').textContent(), 'Valid (spec): 1 SLO.');
  await el.locator('button.share').click();
  await page.waitForFunction(() => location.hash.includes('editor.draft='));
  const reviewer = await open(browser, page.url());
  const theirs = await ready(reviewer.page, '#editor');
  assert.equal(await theirs.locator('textarea.draft').inputValue(), await el.locator('textarea.draft').inputValue());
  // Keyboard: from the page's top, Tab to the template list, pick one, press the button,
  // reach a download.
  await page.locator('h1').click();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.className), 'template');
  await page.keyboard.press('End');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('#editor[data-ready="true"][data-valid="true"]').waitFor();
  assert.match(await el.locator('textarea.draft').inputValue(), /prometheus\/v1/, 'the last template (Sloth) is in the draft');
  const button = el.locator('button[data-artifact="rule-file"]');
  await button.focus();
  const [saved] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(saved.suggestedFilename(), 'slo-rules.yaml');
  assert.deepEqual([...problems, ...reviewer.problems], []);
});

test('axe finds nothing, with errors and valid; screenshots at 1280 and 390 px, light and dark', async () => {
  for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [390, 'light'], [390, 'dark']]) {
    const { page, el, problems } = await editorPage({ viewport: { width, height: 1400 }, colorScheme: scheme, bypassCSP: true });
    assert.deepEqual(await axeViolations(page), [], `${width} ${scheme} valid`);
    await screenshot(el, `slo-editor-valid-${width}-${scheme}`);
    await setDraft(page, el, BROKEN);
    assert.deepEqual(await axeViolations(page), [], `${width} ${scheme} errors`);
    await screenshot(el, `slo-editor-errors-${width}-${scheme}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${width} px: the page scrolls sideways by ${overflow} px`);
    assert.deepEqual(problems, []);
  }
});
