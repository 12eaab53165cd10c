// The dashboards `slo dashboards` writes, checked against Grafana's published dashboard
// schema. Grafana publishes it as TypeScript types generated from its CUE schema (npm
// @grafana/schema, pinned in package.json); neither it nor Grafana's foundation SDK ships
// a JSON Schema file. So each dashboard becomes a TypeScript object literal typed with
// those types and the TypeScript compiler checks it, strict: a missing required field, a
// field of the wrong type, a value outside an enumeration or a field the type does not
// have (excess property check) is an error. Each panel's options and custom field config
// are checked against its panel plugin's own types (stat, table, time series) too.
//
// Every example spec is checked, and specs generated here to cover each kind of SLO the
// rules read differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const slo = process.env.SLO_BIN ?? join(root, 'target/debug/slo');
// The TypeScript files checked: next to node_modules, so the types resolve from there.
const generated = join(here, '.generated');
mkdirSync(generated, { recursive: true });

// Each panel type's own types in @grafana/schema: its options and, for those that have
// one, its custom field config.
const PLUGINS = {
  stat: { path: 'stat/panelcfg/x/StatPanelCfg_types.gen', custom: false },
  table: { path: 'table/panelcfg/x/TablePanelCfg_types.gen', custom: true },
  timeseries: { path: 'timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen', custom: true },
};

// The schema's enumerations are TypeScript enums, which a JSON string or number can
// only match by value: `Json<T>` is T with each enum replaced by its values.
const PRELUDE = `
import type { Dashboard } from '@grafana/schema';
${Object.entries(PLUGINS).map(([type, { path, custom }]) =>
  `import type { Options as ${type}Options${custom ? `, FieldConfig as ${type}Custom` : ''} } from '@grafana/schema/dist/esm/raw/composable/${path}';`).join('\n')}
type Json<T> = T extends string ? \`\${T}\` : T extends number | boolean | null | undefined ? T
  : T extends Array<infer U> ? Array<Json<U>> : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
`;

function dashboard(spec, which) {
  return execFileSync(slo, ['dashboards', spec, '--dashboard', which], { encoding: 'utf8' });
}

// The TypeScript source checking one dashboard's JSON text.
function source(text) {
  const board = JSON.parse(text);
  assert.ok(board.panels.length > 0);
  const lines = [PRELUDE, `const dashboard: Json<Dashboard> = ${text};`];
  for (const panel of board.panels) {
    assert.ok(PLUGINS[panel.type], `panel type ${panel.type} has no options type listed here`);
    lines.push(`const options${panel.id}: Json<${panel.type}Options> = ${JSON.stringify(panel.options)};`);
    const custom = panel.fieldConfig.defaults.custom;
    assert.ok(!custom || PLUGINS[panel.type].custom, `${panel.type} panels have no custom field config`);
    if (custom) lines.push(`const custom${panel.id}: Json<${panel.type}Custom> = ${JSON.stringify(custom)};`);
  }
  return lines.join('\n');
}

// Compiles the files; the diagnostics, as text, one per line.
function compile(files) {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    noUnusedLocals: false,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
    typeRoots: [join(here, 'node_modules/@types')],
    baseUrl: here,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

// Specs covering every reading of the rules: request SLOs recorded per step, timeslices
// and ratio timeslices, Prometheus SLIs as selectors, histograms and grouped expressions;
// rolling and calendar windows; default, custom, partly and wholly disabled tiers; a
// renamed alert; several services.
function generatedSpecs() {
  const kinds = [
    { sli: { bad: { status: ['5xx'] } } },
    { sli: { latency: { threshold_ms: 250 } }, alerts: { name: 'Slow', disable: ['ticket-slow'] } },
    { sli: { bad: { status: ['5xx'] } }, budgeting: { method: 'timeslices', slice: '5m', slice_good_ratio: 0.9 } },
    { sli: { bad: { status: ['5xx'] } }, budgeting: { method: 'ratio_timeslices', slice: '1m' } },
    { sli: { prometheus: { bad: 'errors_total{job="a"}', total: 'requests_total{job="a"}' } } },
    { sli: { prometheus: { latency: { histogram: 'latency_seconds', selector: '{job="a"}', le: '0.5', bounds: ['0.1', '0.5', '1'] } } } },
    { sli: { prometheus: { good: 'sum by (route) (rate(ok_total[{{window}}]))', total: 'sum by (route) (rate(all_total[{{window}}]))', grouping: ['route'] } } },
    { sli: { bad: { status: ['5xx'] } }, alerts: { disable: ['page-fast', 'page-slow', 'ticket-fast', 'ticket-slow'] } },
    { sli: { bad: { status: ['5xx'] } }, alerts: { tiers: [{ name: 'only', severity: 'page', burn_rate: 10, long_window: '2h', short_window: '10m' }] } },
  ];
  const windows = ['30d', '28d', 'week', 'month', 'quarter', '7d'];
  const specs = [];
  // One spec with every kind, and one per kind alone, each in another window.
  specs.push({ services: [{ name: 'all', slos: kinds.map((k, i) => ({ name: `slo-${i}`, target: 0.99, window: '30d', ...k })) }] });
  kinds.forEach((kind, i) => specs.push({
    services: [{ name: `svc-${i}`, slos: [{ name: `only-${i}`, target: 0.995, window: windows[i % windows.length], ...kind }] }],
  }));
  specs.push({ services: [1, 2, 3].map((s) => ({ name: `team-${s}`, slos: [{ name: `api-${s}`, target: 0.999, window: '30d', ...kinds[0] }] })) });
  return specs;
}

test('both dashboards of every example spec and of generated specs type-check against @grafana/schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-dashboards-'));
  // The example specs (the other JSON files there are what-if scenarios).
  const specs = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json'))
    .map((f) => join(root, 'examples', f))
    .filter((f) => 'services' in JSON.parse(readFileSync(f, 'utf8')));
  generatedSpecs().forEach((spec, i) => {
    const path = join(dir, `generated-${i}.json`);
    writeFileSync(path, JSON.stringify(spec));
    specs.push(path);
  });
  const files = [];
  for (const [i, spec] of specs.entries()) {
    for (const which of ['overview', 'detail']) {
      const file = join(generated, `check-${i}-${which}.ts`);
      writeFileSync(file, source(dashboard(spec, which)));
      files.push(file);
    }
  }
  const errors = compile(files);
  assert.deepEqual(errors, [], `${errors.length} schema errors`);
  assert.ok(files.length >= 2 * (3 + 11), `${files.length} dashboards`);
});

test('the check refuses what the schema does not allow', () => {
  const text = dashboard(join(root, 'examples/checkout.json'), 'detail');
  const board = JSON.parse(text);
  const stat = board.panels[0];
  // Each broken dashboard, and what the compiler's complaint must name.
  const broken = [
    [{ ...board, schemaVersion: '41' }, "'string' is not assignable to type 'number'"],
    [{ ...board, panels: [{ ...stat, gridPos: { x: 0, y: 0, w: 6 } }] }, "Property 'h' is missing"],
    [{ ...board, refreshEvery: '1m' }, 'refreshEvery'],
    [{ ...board, graphTooltip: 7 }, 'DashboardCursorSync'],
    [{ ...board, panels: [{ ...stat, options: { ...stat.options, colorMode: 'rainbow' } }] }, '"rainbow"'],
  ];
  for (const [i, [dashboard, complaint]] of broken.entries()) {
    const file = join(generated, `broken-${i}.ts`);
    writeFileSync(file, source(JSON.stringify(dashboard)));
    const errors = compile([file]);
    assert.equal(errors.length, 1, `${file}: ${errors.join('\n')}`);
    assert.ok(errors[0].includes(complaint), `${file}: ${errors[0]}`);
  }
});
