// Loading the core's WebAssembly modules. There are three, and an element loads only the one
// it computes with: `core` (crates/slo-web) for the calculators, `backtestCore`
// (crates/slo-web-backtest) for <slo-backtest> and <slo-report>, `editorCore`
// (crates/slo-web-editor) for <slo-editor>; <slo-live> needs none. Each glue module is
// imported when its loader is first called, so that importing this file fetches nothing;
// a page's entry module names the glue it will need (slo-elements.js does) so that the
// browser fetches it with the rest of the module graph.
//
// Defined once: an element's module awaits its loader at the top level before it defines
// the element (`await core().catch(() => {})`). Each element then computes its first result
// as it connects, and the page is laid out once, with results. Defined earlier, the empty
// forms were laid out first and the core's instantiation waited behind that layout (45-58 ms
// on the benchmark's machine). A failed load still defines them, to say why.

/**
 * A loader of one wasm-bindgen module: `glue()` imports its glue, `binary` is the wasm
 * file's URL. The module is instantiated once per page however many elements ask for it;
 * the loader resolves to the glue's exports.
 */
export function loader(glue, binary) {
  let ready;
  return () => {
    ready ??= glue().then(async (module) => {
      await module.default({ module_or_path: binary });
      return module;
    });
    return ready;
  };
}

/** The calculators' core: budget, alerts, what-if, composite and the charts' words. */
export const core = loader(() => import('../../pkg/slo_web.js'), new URL('../../pkg/slo_web_bg.wasm', import.meta.url));
/** The backtest's module: history readers, replay, compliance report. */
export const backtestCore = loader(() => import('../../pkg/slo_web_backtest.js'), new URL('../../pkg/slo_web_backtest_bg.wasm', import.meta.url));
/** The editor's module: spec readers and generators. */
export const editorCore = loader(() => import('../../pkg/slo_web_editor.js'), new URL('../../pkg/slo_web_editor_bg.wasm', import.meta.url));
