// Compares the demo page's first results between two builds of www/ (not a test): cold loads
// of each build's page, taken in turn (A, B, A, B, ...) so that both see the same machine,
// each element's first result after navigation as the benchmark measures it, and per element
// B's median minus A's with the spread of that difference over the pairs. A single run of
// bench.mjs moves by 20 ms from one run to the next on a 2-core machine; the pairs do not.
//   cp -a www /tmp/www-before    # then change and rebuild www/ (www/build.sh --no-hugo)
//   node tests/browser/load-ab.mjs /tmp/www-before www [pairs]
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { serve, launch, firstResults, demoPage } from './lib/harness.mjs';

const [rootA, rootB, pairsArg = '15'] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error('usage: node tests/browser/load-ab.mjs WWW_A WWW_B [pairs]');
for (const root of [rootA, rootB]) {
  if (!existsSync(resolve(root, 'index.html'))) throw new Error(`${root} has no index.html: give two built www/ folders`);
}
const PAIRS = Number(pairsArg);
if (!Number.isInteger(PAIRS) || PAIRS < 1) throw new Error(`pairs: "${pairsArg}" is not a whole number of at least 1`);
const ELEMENTS = ['budget', 'alerts', 'whatif', 'composite', 'live'];

/** One cold load: each element's first result after navigation, and the last of them. */
async function load(browser, server) {
  const first = await firstResults(browser, demoPage(server), ELEMENTS);
  return { ...first, all: Math.max(...ELEMENTS.map((id) => first[id])) };
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const servers = [await serve(resolve(rootA)), await serve(resolve(rootB))];
const browser = await launch();
const runs = [[], []];
try {
  for (let i = 0; i < PAIRS; i++) {
    // Alternating which goes first cancels a pair's order.
    const order = i % 2 ? [1, 0] : [0, 1];
    for (const k of order) runs[k].push(await load(browser, servers[k]));
  }
} finally {
  await browser.close();
  for (const server of servers) await server.close();
}
console.log(`${PAIRS} pairs of cold loads of the demo page, A = ${rootA}, B = ${rootB}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end.\n`);
console.log('| first result of | A median ms | B median ms | B - A, median of the pairs (10th-90th percentile) |');
console.log('| --- | ---: | ---: | ---: |');
for (const key of [...ELEMENTS, 'all']) {
  const a = runs[0].map((r) => r[key]);
  const b = runs[1].map((r) => r[key]);
  const differences = b.map((x, i) => x - a[i]);
  const name = key === 'all' ? 'all five' : key === 'whatif' ? '`<slo-what-if>`' : `\`<slo-${key}>\``;
  console.log(`| ${name} | ${median(a).toFixed(1)} | ${median(b).toFixed(1)} | ${median(differences).toFixed(1)} (${quantile(differences, 0.1).toFixed(1)} to ${quantile(differences, 0.9).toFixed(1)}) |`);
}
