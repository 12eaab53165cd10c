// One import defines every SLO element:
//   <script type="module" src="/slo/elements/slo-elements.js"></script>
export { SloBudget } from './slo-budget.js';
export { SloAlerts } from './slo-alerts.js';
export { SloWhatIf } from './slo-what-if.js';
export { SloComposite } from './slo-composite.js';
export { SloLive } from './slo-live.js';
