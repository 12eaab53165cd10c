// The workshop's computed figures, from the core at build time. Each run is one `slo`
// command (its `--json` result is the core's, docs/results.md); www/build.sh runs them all
// and writes data/figures.json: run name -> field path (`tiers.0.detection_text`) -> value.
// The prose prints one with {{< slo-figure "budget_999_30d" "allowed_downtime_text" >}};
// the Hugo build fails on a run or field that is not here. A run's arguments are the only
// numbers the prose may state itself (they are inputs the reader chose, not results):
// tests/browser/tests/workshop-figures.test.mjs holds the prose to that.
//   node www/hugo/figures.mjs SLO_BIN OUT.json
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HISTORY = 'examples/history/checkout-90d.csv';

export const RUNS = {
  // Chapter 1 and 2: what a target means in time and in requests.
  budget_999_30d: ['budget', '--target', '99.9', '--window', '30d', '--requests', '1000000'],
  budget_9995_30d: ['budget', '--target', '99.95', '--window', '30d', '--requests', '1000000'],
  budget_99_30d: ['budget', '--target', '99', '--window', '30d', '--requests', '1000000'],
  // Burn rates and the default tiers, at a few error ratios.
  alerts_999_30d_5pct: ['alerts', '--target', '99.9', '--window', '30d', '--error-ratio', '5%'],
  alerts_999_30d_02pct: ['alerts', '--target', '99.9', '--window', '30d', '--error-ratio', '0.2%'],
  // One incident, and a service that is a little worse than its target all month.
  whatif_outage_1h: ['whatif', '--target', '99.9', '--window', '30d', '--error-ratio', '5%', '--duration', '1h', '--rps', '50'],
  whatif_release_15m: ['whatif', '--target', '99.9', '--window', '30d', '--error-ratio', '10%', '--duration', '15m', '--rps', '50'],
  whatif_baseline_015pct: ['whatif', '--target', '99.9', '--window', '30d', '--error-ratio', '0%', '--duration', '1m', '--baseline', '0.15%', '--rps', '50'],
  // The checkout service's example history against four candidate targets.
  backtest_checkout: ['backtest', HISTORY, '--targets', '99,99.5,99.9,99.95', '--window', '30d'],
};

/** Every scalar in a result, by its path; long series (charts' data) are left out. */
function flatten(value, path, into) {
  if (Array.isArray(value) || value instanceof Object) {
    const entries = Array.isArray(value) ? (value.length > 16 ? [] : value.entries()) : Object.entries(value);
    for (const [key, item] of entries) flatten(item, path ? `${path}.${key}` : String(key), into);
  } else if (value !== null) {
    into[path] = value;
  }
  return into;
}

export function compute(slo) {
  const figures = {};
  for (const [name, args] of Object.entries(RUNS)) {
    const json = execFileSync(slo, [...args, '--json'], { cwd: ROOT, encoding: 'utf8' });
    figures[name] = flatten(JSON.parse(json), '', {});
  }
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [slo, out] = process.argv.slice(2);
  if (!slo || !out) throw new Error('usage: node www/hugo/figures.mjs SLO_BIN OUT.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(compute(slo), null, 1)}\n`);
}
