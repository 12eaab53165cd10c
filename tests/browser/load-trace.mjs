// Where the demo page's first results spend their time (not a test, not the benchmark): loads
// the page cold N times in Debian's headless Chromium and prints, per step, the median time
// after navigation, from marks taken in the page itself: elements defined, DOMContentLoaded,
// WebAssembly instantiated, each element's first result; and the main-thread time spent in
// each element's methods (compute = the core's call, render = the DOM, renderChart = its chart).
// Build first (tests/browser/run.sh or www/build.sh --no-hugo), then:
//   node tests/browser/load-trace.mjs [loads]
import { loadavg } from 'node:os';
import { serve, launch, open, requireBuilt, STATUS_PATH } from './lib/harness.mjs';

const LOADS = Number(process.argv[2] ?? 7);
const ELEMENTS = ['budget', 'alerts', 'whatif', 'composite', 'live'];
const STEPS = ['elements defined', 'DOMContentLoaded', 'wasm instantiate called', 'wasm instantiated',
  ...ELEMENTS.map((id) => `first result: ${id}`)];

/** Runs in the page before its scripts: marks each step, times each element method. */
function instrument(count) {
  const marks = (window.__marks = {});
  const spent = (window.__spent = {});
  const mark = (step) => { if (!(step in marks)) marks[step] = performance.now(); };
  const instantiate = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (...args) => {
    mark('wasm instantiate called');
    const result = await instantiate(...args);
    mark('wasm instantiated');
    return result;
  };
  document.addEventListener('DOMContentLoaded', () => mark('DOMContentLoaded'));
  document.addEventListener('change', (e) => {
    if (!e.target.id) return;
    mark(`first result: ${e.target.id}`);
    if (Object.keys(marks).filter((k) => k.startsWith('first result')).length === count) console.debug('trace: done');
  });
  const define = customElements.define.bind(customElements);
  customElements.define = (name, cls) => {
    mark('elements defined');
    for (const method of ['connectedCallback', 'compute', 'render', 'renderChart']) {
      const original = cls.prototype[method];
      if (typeof original !== 'function') continue;
      cls.prototype[method] = function (...args) {
        const t0 = performance.now();
        try { return original.apply(this, args); } finally {
          spent[`${name}.${method}`] = (spent[`${name}.${method}`] ?? 0) + performance.now() - t0;
        }
      };
    }
    return define(name, cls);
  };
}

requireBuilt();
const server = await serve();
const browser = await launch();
const runs = [];
try {
  for (let i = 0; i < LOADS; i++) {
    const { page, context } = await open(browser, null);
    await page.addInitScript(instrument, ELEMENTS.length);
    const done = page.waitForEvent('console', { predicate: (m) => m.text() === 'trace: done', timeout: 10000 });
    await page.goto(`${server.url}/index.html?live=${STATUS_PATH}`, { waitUntil: 'commit' });
    await done;
    runs.push(await page.evaluate(() => ({ marks: window.__marks, spent: window.__spent })));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${LOADS} cold loads of the demo page; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end.\n`);
console.log('| step | median ms after navigation | fastest load |\n| --- | ---: | ---: |');
for (const step of STEPS) {
  const xs = runs.map((r) => r.marks[step]).filter((x) => x !== undefined);
  if (xs.length) console.log(`| ${step} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} |`);
}
console.log('\n| element method | median ms of main thread per load |\n| --- | ---: |');
for (const key of Object.keys(runs[0].spent).sort()) console.log(`| ${key} | ${median(runs.map((r) => r.spent[key] ?? 0)).toFixed(1)} |`);
