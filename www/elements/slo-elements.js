// One import defines every SLO calculator and <slo-live>:
//   <script type="module" src="/slo/elements/slo-elements.js"></script>
// The calculators' wasm glue is named here too, so that the browser fetches it with the
// rest of the module graph instead of after it (lib/wasm.js imports it when first asked).
// <slo-live> alone needs no wasm: a page with only it imports slo-live.js instead.
// <slo-backtest>, <slo-report> and <slo-editor> load wasm modules of their own: import
// their modules on the pages that use them.
import '../pkg/slo_web.js';
export { SloBudget } from './slo-budget.js';
export { SloAlerts } from './slo-alerts.js';
export { SloWhatIf } from './slo-what-if.js';
export { SloComposite } from './slo-composite.js';
export { SloLive } from './slo-live.js';
