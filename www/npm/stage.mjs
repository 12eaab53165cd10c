// Stages the npm package of the SLO elements into a folder for `npm pack`: the prebuilt
// wasm and glue (pkg/), the bundle and the separate modules (elements/), the Hugo module
// (config.toml, layouts/), the docs, integrity.json (sha384 of every file a page loads)
// and README.md from README.template.md with the version and hashes filled in.
// Reads `cargo metadata --format-version 1` on stdin: the version is the crates' own.
//   cargo metadata --no-deps --format-version 1 | node www/npm/stage.mjs OUT_DIR
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const www = resolve(here, '..');
const root = resolve(www, '..');
const fail = (why) => { console.error(`www/npm/stage.mjs: ${why}`); process.exit(1); };

const out = process.argv[2] ?? fail('usage: node www/npm/stage.mjs OUT_DIR (cargo metadata on stdin)');
const crate = JSON.parse(readFileSync(0, 'utf8')).packages.find((p) => p.name === 'slo-web');
if (!crate) fail('cargo metadata on stdin names no slo-web crate');

const copy = (from, to) => {
  if (!existsSync(from)) fail(`${from} is missing: run www/build.sh`);
  cpSync(from, join(out, to), { recursive: true });
};
mkdirSync(out, { recursive: true });
// What a page loads: the modules, the one-file bundle, the glue and the wasm.
copy(join(www, 'elements'), 'elements');
copy(join(www, 'pkg/slo_web.js'), 'pkg/slo_web.js');
copy(join(www, 'pkg/slo_web_bg.wasm'), 'pkg/slo_web_bg.wasm');
// The backtest's own module, loaded only by pages with <slo-backtest> or <slo-report>.
copy(join(www, 'pkg/slo_web_backtest.js'), 'pkg/slo_web_backtest.js');
copy(join(www, 'pkg/slo_web_backtest_bg.wasm'), 'pkg/slo_web_backtest_bg.wasm');
// The editor's own module (spec readers and generators), loaded only by <slo-editor>.
copy(join(www, 'pkg/slo_web_editor.js'), 'pkg/slo_web_editor.js');
copy(join(www, 'pkg/slo_web_editor_bg.wasm'), 'pkg/slo_web_editor_bg.wasm');
// The Hugo module: the shortcodes and their partial; config.toml mounts the files above
// into the site's static/slo/, where the partial loads them from.
// One per element: the workshop's own slo-figure reads the workshop's build data.
for (const name of readdirSync(join(www, 'hugo/layouts/shortcodes')).filter((n) => n !== 'slo-figure.html')) {
  copy(join(www, 'hugo/layouts/shortcodes', name), `layouts/shortcodes/${name}`);
}
copy(join(www, 'hugo/layouts/partials/slo-element.html'), 'layouts/partials/slo-element.html');
copy(join(here, 'hugo.toml'), 'config.toml');
copy(join(www, 'docs/embedding.md'), 'docs/embedding.md');
// Of the repository's docs/ the package ships these pages. www/README.md links into docs/:
// a link to another page becomes its name, to look up in the toolkit's source.
const shippedDocs = ['results.md'];
for (const page of shippedDocs) copy(join(root, 'docs', page), join('docs', page));
writeFileSync(join(out, 'docs/elements.md'), readFileSync(join(www, 'README.md'), 'utf8')
  .replace(/\[([^\]]+)\]\(\.\.\/docs\/([\w-]+\.md)(#[^)]*)?\)/g,
    (link, text, page) => (shippedDocs.includes(page) ? link : `${text} (\`docs/${page}\` in the toolkit's source)`)));
// Apache-2.0 asks that a copy of the licence go with every redistribution.
copy(join(root, 'LICENSE'), 'LICENSE');

// Every file below elements/ and pkg/ (elements/lib/ holds the modules the elements share).
const served = ['elements', 'pkg'].flatMap((dir) => readdirSync(join(out, dir), { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile()).map((entry) => relative(out, join(entry.parentPath, entry.name))).sort());
const sri = (file) => `sha384-${createHash('sha384').update(readFileSync(join(out, file))).digest('base64')}`;
const files = Object.fromEntries(served.map((file) => [file, sri(file)]));
writeFileSync(join(out, 'integrity.json'), `${JSON.stringify({ version: crate.version, algorithm: 'sha384', files }, null, 2)}\n`);

const readme = readFileSync(join(here, 'README.template.md'), 'utf8').replace(/\{\{(version|sri:([^}]+))\}\}/g, (_, what, file) => {
  if (what === 'version') return crate.version;
  return files[file] ?? fail(`README.template.md asks for the hash of ${file}, which the package does not ship`);
});
writeFileSync(join(out, 'README.md'), readme);

const pkg = {
  name: 'slo-elements',
  version: crate.version,
  description: 'SLO calculators as custom elements (error budget, burn-rate alerts, what-if, composite, live status, backtest, compliance report, fleet view of a Prometheus server) and a spec editor; every figure from the Rust SLO core compiled to WebAssembly',
  license: crate.license,
  type: 'module',
  exports: {
    '.': './elements/slo-elements.js',
    './bundle': './elements/slo-elements.bundle.js',
    './elements/*': './elements/*',
    './pkg/*': './pkg/*',
    './integrity.json': './integrity.json',
  },
  files: ['elements/', 'pkg/', 'layouts/', 'config.toml', 'docs/', 'integrity.json', 'LICENSE'],
  keywords: ['slo', 'error-budget', 'burn-rate', 'custom-elements', 'webassembly', 'hugo'],
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
