// Joins the wasm-bindgen glue, slo-common.js and the five elements into one module,
// elements/slo-elements.bundle.js, so that a page fetches one script instead of eight.
// Run by www/build.sh after wasm-bindgen. The sources keep working as separate modules.
//   node www/bundle.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = dirname(fileURLToPath(import.meta.url));
const read = (path) => readFileSync(join(www, path), 'utf8');
const fail = (why) => { throw new Error(`www/bundle.mjs: ${why}`); };

/** Drops the one import line a file is expected to have, or fails. */
function dropImport(text, from, file) {
  const pattern = new RegExp(`^import [^\\n]* from '${from.replace(/[.]/g, '\\.')}';\\n`, 'm');
  if (!pattern.test(text)) fail(`${file} no longer imports ${from} on one line`);
  return text.replace(pattern, '');
}

const unexport = (text) => text.replace(/^export (function|class|const|async function) /gm, '$1 ');

// The glue becomes a namespace object, as `import * as wasm` gave.
let glue = read('pkg/slo_web.js');
const names = [...glue.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
const tail = /^export \{ initSync, __wbg_init as default \};$/m;
if (names.length === 0 || !tail.test(glue)) fail('the wasm-bindgen glue has an unexpected shape');
glue = unexport(glue).replace(tail, '');

let common = dropImport(read('elements/slo-common.js'), '../pkg/slo_web.js', 'slo-common.js');
common = unexport(common);

const elements = ['slo-budget', 'slo-alerts', 'slo-what-if', 'slo-composite', 'slo-live'].map((name) => {
  const text = unexport(dropImport(read(`elements/${name}.js`), './slo-common.js', `${name}.js`));
  if (/^(import|export) /m.test(text)) fail(`${name}.js has imports or exports the bundler does not know`);
  return `// ---- ${name}.js\n${text}`;
});
if (/^(import|export) /m.test(common)) fail('slo-common.js has imports or exports the bundler does not know');

const out = `// Built by www/bundle.mjs from pkg/slo_web.js and elements/*.js: do not edit.
const wasm = (() => {
${glue}
return { ${names.join(', ')}, initSync, default: __wbg_init };
})();
const init = wasm.default;
// ---- slo-common.js
${common}
${elements.join('\n')}
export { SloBudget, SloAlerts, SloWhatIf, SloComposite, SloLive };
`;
writeFileSync(join(www, 'elements/slo-elements.bundle.js'), out);
