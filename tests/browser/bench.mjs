// Benchmark (not a test) of the SLO elements in Debian's headless Chromium:
//   - navigation -> first rendered result of every element on the demo page (budget 200 ms),
//     and, as the machine's floor in the same run, the first paint of the demo page's prose
//     alone (its elements and scripts taken out), loaded in turn with it,
//   - recomputing the 30-day what-if after an input change (budget 16 ms),
//   - <slo-backtest> on the 90-day example history: reading the CSV and replaying 4 targets
//     in the page (budget 100 ms),
//   - <slo-editor> with a 30-SLO spec: re-validation and re-generation per keystroke (budget
//     16 ms), and its own wasm module's size (budget 320 KB gzipped: 300 KB until the two
//     Grafana dashboards joined its downloads, +17 KB),
//   - <slo-fleet> with 500 SLOs (a stand-in server's answers, tests/browser/lib/fleet-answers.mjs):
//     press -> list in the DOM (ten queries, the core's reading, 500 rows), and a sort,
//   - gzipped size of the wasm plus the JS of all elements (budget 100 KB; <slo-backtest>,
//     <slo-fleet> and <slo-editor>, which load wasm modules of their own, counted apart).
// Build first (tests/browser/run.sh or www/build.sh --no-hugo), then: node tests/browser/bench.mjs
// Prints Markdown table rows; exits 1 if a budget is exceeded.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadavg, cpus } from 'node:os';
import { serve, launch, open, requireBuilt, pageAt, firstResults, firstPaint, demoPage, WWW, ROOT } from './lib/harness.mjs';
import { generatedSpec } from './lib/specs.mjs';
import { fleetAnswer } from './lib/fleet-answers.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const EDITS = Number(process.env.BENCH_EDITS ?? 40);
const BACKTESTS = Number(process.env.BENCH_BACKTESTS ?? 10);
const FLEET_SLOS = 500;
const FLEET_PAGE = `<!doctype html><html lang="en"><head><title>fleet</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-fleet.js"></script></head><body><slo-fleet id="fleet" prometheus="/bench/prom"></slo-fleet></body></html>`;
const HISTORY = readFileSync(join(ROOT, 'examples/history/checkout-90d.csv'));
const BACKTEST_PAGE = `<!doctype html><html lang="en"><head><title>backtest</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-backtest.js"></script></head>
<body><slo-backtest id="bt" src="/bench/history.csv" targets="99, 99.5, 99.9, 99.95" window="30d"></slo-backtest></body></html>`;
const EDITOR_PAGE = `<!doctype html><html lang="en"><head><title>editor</title><link rel="icon" href="data:,">
<script type="module" src="/elements/slo-editor.js"></script></head><body><slo-editor id="ed"></slo-editor></body></html>`;
const ELEMENTS = ['budget', 'alerts', 'whatif', 'composite', 'live'];
const KB = 1024;
/** The demo page without its elements and scripts: what the browser does before any of ours. */
const PROSE_PAGE = readFileSync(join(WWW, 'index.html'), 'utf8')
  .replace(/<slo-[\w-]+ id="\w+"[^>]*><\/slo-[\w-]+>/g, '')
  .replace(/<script [^>]*><\/script>|<link rel="preload"[^>]*>/g, '');
if (/<slo-[\w-]+ id=|<script /.test(PROSE_PAGE)) throw new Error('www/index.html: the prose-only page kept an element or a script');

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), max: s.at(-1) };
};
const ms = (x) => `${x.toFixed(1)} ms`;

/** The elements that read a history: their own wasm module, loaded by no other page. */
const HISTORY_ELEMENTS = ['slo-history.js', 'slo-backtest.js', 'slo-report.js', 'slo-fleet.js'];
/** The editor: its own wasm module too. */
const EDITOR_ELEMENTS = ['slo-editor.js', 'slo-editor-templates.js', 'slo-editor-draft.js'];

/** Gzipped sizes of what a page loads: the wasm plus either the separate modules or the bundle. */
function sizes() {
  const size = (f) => {
    const raw = readFileSync(join(WWW, f));
    return { file: f, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  };
  const wasm = size('pkg/slo_web_bg.wasm');
  const lib = (names) => names.map((n) => size(`elements/lib/${n}.js`));
  const modules = [size('pkg/slo_web.js'), ...lib(['wasm', 'html', 'style', 'net', 'element', 'chart']), ...readdirSync(join(WWW, 'elements'))
    .filter((f) => f.endsWith('.js') && !f.includes('.bundle.') && ![...HISTORY_ELEMENTS, ...EDITOR_ELEMENTS].includes(f)).map((f) => size(join('elements', f)))];
  const bundle = size('elements/slo-elements.bundle.js');
  // A page with <slo-backtest> alone: the backtest's wasm module and glue, the shared modules and its own.
  const backtest = [size('pkg/slo_web_backtest_bg.wasm'), size('pkg/slo_web_backtest.js'), size('elements/slo-history.js'), size('elements/slo-backtest.js'),
    ...lib(['wasm', 'html', 'style', 'net', 'element', 'chart'])];
  // The editor draws no chart: it loads the shared modules but chart.js.
  const editor = [size('pkg/slo_web_editor_bg.wasm'), size('pkg/slo_web_editor.js'), ...EDITOR_ELEMENTS.map((f) => size(join('elements', f))),
    ...lib(['wasm', 'html', 'style', 'net', 'element'])];
  return { wasm, modules, bundle, backtest, editor };
}

requireBuilt();
const backtestPage = pageAt('/bench/backtest.html', BACKTEST_PAGE);
const editorPage = pageAt('/bench/editor.html', EDITOR_PAGE);
const fleetPage = pageAt('/bench/fleet.html', FLEET_PAGE);
// Next to index.html, so that its stylesheet resolves as the demo page's does.
const prosePage = pageAt('/prose.html', PROSE_PAGE);
const server = await serve(undefined, (req, res) => {
  if (prosePage(req, res)) return true;
  if (req.url === '/bench/editor.html') return editorPage(req, res);
  if (req.url === '/bench/fleet.html') return fleetPage(req, res);
  if (req.url.startsWith('/bench/prom/api/v1/')) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(fleetAnswer(FLEET_SLOS, new URL(req.url, 'http://x').searchParams));
    return true;
  }
  if (req.url !== '/bench/history.csv') return backtestPage(req, res);
  res.writeHead(200, { 'content-type': 'text/csv' }).end(HISTORY);
  return true;
});
const browser = await launch();
const rows = [];
let over = false;
try {
  // First result of each element, measured from navigation start by the page's own clock.
  const firsts = Object.fromEntries(ELEMENTS.map((id) => [id, []]));
  const all = [];
  const prose = [];
  for (let run = 0; run < RUNS; run++) {
    // In turn, the order alternating, so that both see the machine as it is in this run.
    if (run % 2) prose.push(await firstPaint(browser, `${server.url}/prose.html`));
    const first = await firstResults(browser, demoPage(server), ELEMENTS);
    if (run % 2 === 0) prose.push(await firstPaint(browser, `${server.url}/prose.html`));
    for (const id of ELEMENTS) firsts[id].push(first[id]);
    all.push(Math.max(...ELEMENTS.map((id) => first[id])));
  }
  const floor = stats(prose);
  rows.push(`| first paint of the demo page's prose alone (no elements, no scripts): the floor | ${ms(floor.median)} | ${ms(floor.p90)} | ${ms(floor.max)} | |`);
  for (const id of ELEMENTS) {
    const s = stats(firsts[id]);
    rows.push(`| first result of <${id === 'whatif' ? 'slo-what-if' : `slo-${id}`}> after navigation | ${ms(s.median)} | ${ms(s.p90)} | ${ms(s.max)} | |`);
  }
  const calculators = stats(firsts.budget.map((_, run) => Math.max(...['budget', 'alerts', 'whatif', 'composite'].map((id) => firsts[id][run]))));
  rows.push(`| first result of the four calculators after navigation | ${ms(calculators.median)} | ${ms(calculators.p90)} | ${ms(calculators.max)} | |`);
  const allStats = stats(all);
  over ||= allStats.median > 200;
  rows.push(`| first result of all five elements after navigation | ${ms(allStats.median)} | ${ms(allStats.p90)} | ${ms(allStats.max)} | 200 ms (median) ${allStats.median <= 200 ? 'met' : 'MISSED'} |`);
  const beyond = stats(all.map((t, run) => t - prose[run]));
  rows.push(`| first result of all five, minus the prose's first paint of the same run | ${ms(beyond.median)} | ${ms(beyond.p90)} | ${ms(beyond.max)} | |`);

  // A 30-day what-if recomputed after an input change: input event -> result in the DOM
  // (the element's change event), and -> the next frame.
  const { page, context } = await open(browser, demoPage(server));
  await page.locator('#whatif[data-ready="true"]').waitFor();
  const timings = await page.evaluate(async (edits) => {
    const el = document.getElementById('whatif');
    const input = el.shadowRoot.querySelector('[name="target"]');
    const toResult = [];
    const toFrame = [];
    const core = [];
    // The bundle holds its own instance: load the module's own for timing the core alone.
    const lib = await import('./pkg/slo_web.js');
    await lib.default();
    for (let i = 0; i < edits; i++) {
      const value = i % 2 ? '99.9' : '99.95';
      const done = new Promise((ok) => el.addEventListener('change', () => ok(performance.now()), { once: true }));
      const start = performance.now();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      toResult.push((await done) - start);
      await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      toFrame.push(performance.now() - start);
      const t0 = performance.now();
      lib.what_if(value, '30d', '50', '0.02%', ['3d', '20m', '25%', '12d6h', '4h', '1%', '21d', '2d', '0.2%'], '50:7000, 100:2500, 250:450, 500:45, +Inf:5', '500');
      core.push(performance.now() - t0);
    }
    return { toResult, toFrame, core };
  }, EDITS);
  await context.close();
  const r = stats(timings.toResult);
  const f = stats(timings.toFrame);
  const c = stats(timings.core);
  over ||= r.median > 16;
  rows.push(`| 30-day what-if: core simulation alone (wasm call, 43,200 minutes) | ${ms(c.median)} | ${ms(c.p90)} | ${ms(c.max)} | |`);
  rows.push(`| 30-day what-if: input change -> result and chart in the DOM | ${ms(r.median)} | ${ms(r.p90)} | ${ms(r.max)} | 16 ms (median) ${r.median <= 16 ? 'met' : 'MISSED'} |`);
  rows.push(`| 30-day what-if: input change -> next frame | ${ms(f.median)} | ${ms(f.p90)} | ${ms(f.max)} | |`);

  // <slo-backtest>: the core reading the 90-day CSV and replaying 4 targets (one wasm
  // call), and the history handed to the element -> result and charts in the DOM.
  const bt = await open(browser, `${server.url}/bench/backtest.html`);
  await bt.page.locator('#bt[data-ready="true"]').waitFor();
  const backtests = await bt.page.evaluate(async (runs) => {
    const el = document.getElementById('bt');
    const lib = await import('/pkg/slo_web_backtest.js');
    await lib.default();
    const text = el.history.text;
    const core = [];
    const toResult = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      lib.backtest(text, '99, 99.5, 99.9, 99.95', '30d', '', '2');
      core.push(performance.now() - t0);
      const done = new Promise((ok) => el.addEventListener('change', () => ok(performance.now()), { once: true }));
      const start = performance.now();
      el.useHistory(text, 'history.csv');
      toResult.push((await done) - start);
    }
    return { core, toResult };
  }, BACKTESTS);
  await bt.context.close();
  const bc = stats(backtests.core);
  const br = stats(backtests.toResult);
  over ||= br.median > 100;
  rows.push(`| <slo-backtest>, 90 days at 1 min (2.2 MB CSV), 4 targets: core read + replay alone (wasm call) | ${ms(bc.median)} | ${ms(bc.p90)} | ${ms(bc.max)} | |`);
  rows.push(`| <slo-backtest>, the same: history in -> result and charts in the DOM | ${ms(br.median)} | ${ms(br.p90)} | ${ms(br.max)} | 100 ms (median) ${br.median <= 100 ? 'met' : 'MISSED'} |`);

  // <slo-editor> with 30 SLOs: one keystroke's work in the core (reading the draft and
  // generating the previewed file, one wasm call), and an edit -> report, table and
  // preview in the DOM (a paste: no typing pause).
  const ed = await open(browser, `${server.url}/bench/editor.html`);
  await ed.page.locator('#ed[data-ready="true"]').waitFor();
  const edits = await ed.page.evaluate(async ([runs, spec]) => {
    const el = document.getElementById('ed');
    const lib = await import('/pkg/slo_web_editor.js');
    await lib.default();
    const draft = el.shadowRoot.querySelector('textarea.draft');
    const core = [];
    const toResult = [];
    for (let i = 0; i < runs; i++) {
      const text = spec.replace('"target": 0.999', `"target": 0.99${i % 2 ? 9 : 8}`);
      const t0 = performance.now();
      lib.edit_draft(text, 'envoy-wasm');
      core.push(performance.now() - t0);
      const done = new Promise((ok) => el.addEventListener('change', () => ok(performance.now()), { once: true }));
      const start = performance.now();
      draft.value = text;
      draft.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertFromPaste' }));
      toResult.push((await done) - start);
    }
    return { core, toResult };
  }, [EDITS, generatedSpec()]);
  await ed.context.close();
  const ec = stats(edits.core);
  const er = stats(edits.toResult);
  over ||= er.median > 16;
  rows.push(`| <slo-editor>, 30 SLOs: core re-validation + re-generation per edit (one wasm call) | ${ms(ec.median)} | ${ms(ec.p90)} | ${ms(ec.max)} | |`);
  rows.push(`| <slo-editor>, 30 SLOs: edit -> report, table and preview in the DOM | ${ms(er.median)} | ${ms(er.p90)} | ${ms(er.max)} | 16 ms (median) ${er.median <= 16 ? 'met' : 'MISSED'} |`);

  // <slo-fleet> with 500 SLOs: the reader's press -> the list in the DOM (the element's
  // change event: ten queries to a local stand-in, the core's reading twice, 500 rows),
  // then a re-sort (synchronous: the select's change -> the next frame).
  const fl = await open(browser, `${server.url}/bench/fleet.html`);
  await fl.page.locator('#fleet .state').filter({ hasText: /Nothing read yet/ }).waitFor();
  const fleet = await fl.page.evaluate(async (runs) => {
    const el = document.getElementById('fleet');
    const sort = el.shadowRoot.querySelector('select[name="sort"]');
    const toList = [];
    const toSorted = [];
    for (let i = 0; i < runs; i++) {
      const done = new Promise((ok) => el.addEventListener('change', () => ok(performance.now()), { once: true }));
      const start = performance.now();
      el.shadowRoot.querySelector('.read').click();
      toList.push((await done) - start);
      const t0 = performance.now();
      sort.value = i % 2 ? 'state' : 'budget';
      sort.dispatchEvent(new Event('change'));
      await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      toSorted.push(performance.now() - t0);
    }
    return { toList, toSorted, slos: el.read.fleet.slos.length, rows: el.shadowRoot.querySelectorAll('tbody tr').length };
  }, BACKTESTS);
  await fl.context.close();
  if (fleet.slos !== FLEET_SLOS) throw new Error(`<slo-fleet> read ${fleet.slos} SLOs of ${FLEET_SLOS}`);
  const fr = stats(fleet.toList);
  const fs = stats(fleet.toSorted);
  rows.push(`| <slo-fleet>, ${FLEET_SLOS} SLOs: press -> list in the DOM (10 queries to a local stand-in, core reading, rows) | ${ms(fr.median)} | ${ms(fr.p90)} | ${ms(fr.max)} | |`);
  rows.push(`| <slo-fleet>, ${FLEET_SLOS} SLOs: sort changed -> next frame (all sorted, the first ${fleet.rows} rows drawn) | ${ms(fs.median)} | ${ms(fs.p90)} | ${ms(fs.max)} | |`);
} finally {
  await browser.close();
  await server.close();
}

const { wasm, modules, bundle, backtest, editor } = sizes();
const sum = (files, key) => files.reduce((a, f) => a + f[key], 0);
const asModules = [wasm, ...modules];
const asBundle = [wasm, bundle];
const verdict = (files) => {
  const gz = sum(files, 'gzip');
  over ||= gz > 100 * KB;
  return `${gz} (${(gz / KB).toFixed(1)} KB of the 100 KB budget: ${gz <= 100 * KB ? 'met' : 'MISSED'})`;
};
console.log(`Chromium headless, ${RUNS} page loads (cold cache each), ${EDITS} what-if edits; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end.\n`);
console.log('| measure | median | p90 | max | budget |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log('\n| file | bytes | gzipped |');
console.log('| --- | --- | --- |');
for (const f of [wasm, ...modules, bundle]) console.log(`| www/${f.file} | ${f.raw} | ${f.gzip} |`);
console.log(`| **total, separate modules: wasm + glue + elements** | ${sum(asModules, 'raw')} | ${verdict(asModules)} |`);
console.log(`| **total, bundle: wasm + slo-elements.bundle.js** (the demo page) | ${sum(asBundle, 'raw')} | ${verdict(asBundle)} |`);
console.log(`| www/pkg/slo_web_backtest_bg.wasm + slo_web_backtest.js + elements/slo-history.js + slo-backtest.js (what only history pages load; a fleet page loads the same wasm module) | ${sum(backtest.slice(0, 4), 'raw')} | ${sum(backtest.slice(0, 4), 'gzip')} |`);
console.log(`| total, a page with <slo-backtest> alone (the backtest's wasm module only, elements/lib/ included; no budget) | ${sum(backtest, 'raw')} | ${sum(backtest, 'gzip')} |`);
const editorGzip = sum(editor, 'gzip');
const EDITOR_BUDGET_KB = 320;
over ||= editorGzip > EDITOR_BUDGET_KB * KB;
console.log(`| a page with <slo-editor> alone: slo_web_editor_bg.wasm + slo_web_editor.js + elements/slo-editor*.js + elements/lib/ | ${sum(editor, 'raw')} | ${editorGzip} (${(editorGzip / KB).toFixed(1)} KB of the ${EDITOR_BUDGET_KB} KB budget: ${editorGzip <= EDITOR_BUDGET_KB * KB ? 'met' : 'MISSED'}) |`);
process.exit(over ? 1 : 0);
