// One import defines every SLO element:
//   <script type="module" src="/slo/elements/slo-elements.js"></script>
// The shared module and the wasm glue are named here too, so that the browser fetches the
// whole module graph in one round instead of one level at a time.
import './slo-common.js';
import '../pkg/slo_web.js';
export { SloBudget } from './slo-budget.js';
export { SloAlerts } from './slo-alerts.js';
export { SloWhatIf } from './slo-what-if.js';
export { SloComposite } from './slo-composite.js';
export { SloLive } from './slo-live.js';
