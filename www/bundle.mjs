// Joins the wasm-bindgen glue of the calculators, the shared modules (elements/lib/) and
// the five elements of slo-elements.js into one module, elements/slo-elements.bundle.js,
// so that a page fetches one script instead of a dozen. Run by www/build.sh after
// wasm-bindgen. The sources keep working as separate modules.
//   node www/bundle.mjs
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = dirname(fileURLToPath(import.meta.url));
const read = (path) => readFileSync(join(www, path), 'utf8');
const fail = (why) => { throw new Error(`www/bundle.mjs: ${why}`); };

/** The shared modules, each after those it imports; then the elements. */
const LIB = ['html', 'style', 'net', 'element', 'chart', 'wasm'].map((name) => `lib/${name}.js`);
// <slo-live> first: it needs no wasm, so it is defined, and starts reading its status, before
// the bundle awaits the calculators' module.
const ELEMENTS = ['slo-live', 'slo-budget', 'slo-alerts', 'slo-what-if', 'slo-composite'].map((name) => `${name}.js`);
/** The calculators' wait for their module (lib/wasm.js, "Defined once"). */
const AWAIT_CORE = /^\/\/ Defined once[^\n]*\nawait core\(\)\.catch\(\(\) => \{\}\);\n/m;
const BUNDLED = new Set([...LIB, ...ELEMENTS]);

const unexport = (text) => text.replace(/^export (function|class|const|async function) /gm, '$1 ');

/** A module's text without its imports, which must all be of bundled modules. */
function withoutImports(file) {
  const text = read(`elements/${file}`).replace(/^import \{[^}\n]*\} from '\.\/([\w/.-]+)';\n/gm, (line, from) => {
    const target = join(dirname(file), from);
    if (!BUNDLED.has(target)) fail(`${file} imports ${from}, which the bundle does not hold`);
    if (!LIB.includes(target) && !ELEMENTS.includes(target)) fail(`${file} imports ${from}`);
    return '';
  });
  return unexport(text);
}

// The glue becomes a namespace object, as `import * as wasm` gave.
let glue = read('pkg/slo_web.js');
const names = [...glue.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
const tail = /^export \{ initSync, __wbg_init as default \};$/m;
if (names.length === 0 || !tail.test(glue)) fail('the wasm-bindgen glue has an unexpected shape');
glue = unexport(glue).replace(tail, '');

const parts = [...LIB, ...ELEMENTS].map((file) => {
  let text = withoutImports(file);
  if (file === 'lib/wasm.js') {
    // The bundle holds the calculators' glue only: its loader reads the namespace above,
    // and the wasm file is next to pkg/ as seen from elements/.
    const loaders = /^const \w+ = loader\(\(\) => import\([^\n]*\n/gm;
    if ((text.match(loaders) ?? []).length !== 3) fail('lib/wasm.js no longer defines three loaders on one line each');
    text = `${text.replace(loaders, '')}const core = loader(async () => wasm, new URL('../pkg/slo_web_bg.wasm', import.meta.url));\n`;
  }
  if (/slo-(alerts|what-if|composite)/.test(file)) {
    // The bundle awaits the module once, before <slo-budget>: the other calculators are then
    // defined in the same turn, so that their first results render in one pass (their charts
    // measured by one layout: lib/element.js, chartDrawn).
    if (!AWAIT_CORE.test(text)) fail(`${file} no longer awaits its module as lib/wasm.js says`);
    text = text.replace(AWAIT_CORE, '');
  }
  if (/^(import|export) /m.test(text)) fail(`${file} has imports or exports the bundler does not know`);
  return `// ---- ${file}\n${text}`;
});

const out = `// Built by www/bundle.mjs from pkg/slo_web.js and elements/*.js: do not edit.
const wasm = (() => {
${glue}
return { ${names.join(', ')}, initSync, default: __wbg_init };
})();
${parts.join('\n')}
export { SloBudget, SloAlerts, SloWhatIf, SloComposite, SloLive };
`;
const bundle = join(www, 'elements/slo-elements.bundle.js');
// Unchanged bytes are left alone and new ones renamed into place, so a page being served
// (a suite running beside a build) never loads half a bundle.
if (!existsSync(bundle) || readFileSync(bundle, 'utf8') !== out) {
  writeFileSync(`${bundle}.tmp`, out);
  renameSync(`${bundle}.tmp`, bundle);
}
