// <slo-what-if target="99.9" window="30d" rps="50" baseline="0.02%"
//   incidents="3d 20m 25%; 12d6h 4h 1%" buckets="50:7000, 100:2500, +Inf:5" threshold-ms="">
// Replays a window minute by minute in the core's simulator: the budget burning down, when
// each alert tier fires and resets, and when the budget runs out. What the page does not
// set is off: no baseline errors (0) and no latency scenario, so every figure comes from
// values the reader sees in the form.
import { SloElement } from './lib/element.js';
import { esc, labelCells, titleHTML, regionLabel } from './lib/html.js';
import { chart, budgetAxis, firingSpans, laneLegend, legendHTML, pairs, timeAxis } from './lib/chart.js';
import { core } from './lib/wasm.js';

const BUDGET_TICKS = [1, 0.75, 0.5, 0.25, 0, -0.25, -0.5, -0.75, -1, -2, -5, -10, -20, -50, -100];

/** "3d 20m 25%; 12d6h 4h 1%" -> [["3d", "20m", "25%"], ...] */
export function parseIncidents(text) {
  return String(text ?? '').split(';').map((s) => s.trim()).filter(Boolean)
    .map((s) => { const [start = '', duration = '', ratio = ''] = s.split(/\s+/); return [start, duration, ratio]; });
}

export class SloWhatIf extends SloElement {
  static wasm = core;

  static fields = [
    { name: 'target', attr: 'target', value: '99.9' },
    { name: 'window', attr: 'window', value: '30d' },
    { name: 'requests_per_second', attr: 'rps', value: '50' },
    { name: 'baseline_error_ratio', attr: 'baseline', value: '0' },
    { name: 'incidents', attr: 'incidents', value: '3d 20m 25%; 12d6h 4h 1%' },
    { name: 'latency.threshold_ms', attr: 'threshold-ms', value: '' },
    { name: 'latency.buckets', attr: 'buckets', value: '' },
  ];

  static css = `
fieldset { border: 1px solid var(--slo-border, #cbd5e1); border-radius: calc(var(--slo-radius, 8px) / 2);
  display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: flex-start; margin: 0 0 .6rem; padding: .5rem .8rem; flex: 1 1 100%; }
legend { font-weight: 600; font-size: .9em; }
button[data-remove] { margin-top: 1.55rem; }
.incidents { flex: 1 1 100%; }
fieldset .field { min-width: 7rem; }`;

  template() {
    const v = Object.fromEntries(SloWhatIf.fields.map((f) => [f.name, this.initial(f)]));
    this.incidents = parseIncidents(v.incidents);
    return `${titleHTML(this, 'What if?')}
<form novalidate>
  ${this.fieldHTML('target', 'Target (%)', v.target, { hint: 'e.g. 99.9 or 0.999', inputmode: 'decimal' })}
  ${this.fieldHTML('window', 'Window', v.window, { hint: 'e.g. 30d or 4w' })}
  ${this.fieldHTML('requests_per_second', 'Traffic (requests/s)', v.requests_per_second, { inputmode: 'decimal' })}
  ${this.fieldHTML('baseline_error_ratio', 'Baseline error ratio', v.baseline_error_ratio, { hint: 'errors outside incidents, e.g. 0.02%; 0 for none' })}
  <div class="incidents">${this.incidentsHTML()}</div>
  <p><button type="button" class="secondary add">Add incident</button></p>
  <fieldset><legend>Latency threshold from a histogram (optional)</legend>
    ${this.fieldHTML('latency.threshold_ms', 'Threshold (ms)', v['latency.threshold_ms'], { hint: 'slower requests count as bad', inputmode: 'decimal' })}
    ${this.fieldHTML('latency.buckets', 'Histogram buckets (upper ms:count)', v['latency.buckets'], { wide: true, multiline: true, hint: 'e.g. 100:900, 250:90, +Inf:10' })}
  </fieldset>
  <p class="error form-error" aria-live="polite"></p>
</form>
<div class="results" role="region" aria-live="polite" aria-label="${regionLabel(this, 'What-if results')}">
  <p class="stale"></p>
  <p class="headline"></p>
  <p class="latency"></p>
  <div class="chart"></div>
  <ul class="legend"></ul>
  <div class="scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'Alert timeline table')}"><table class="timeline stack"><caption>When each alert tier fires and resets (time since the window started)</caption>
    <thead><tr><th scope="col">Tier</th><th scope="col">Severity</th><th scope="col" class="num">Burn rate</th><th scope="col">Fires and resets</th></tr></thead><tbody></tbody></table></div>
</div>`;
  }

  connectedCallback() {
    const first = !this.built;
    super.connectedCallback();
    if (!first) return;
    this.wireList({
      get: () => this.currentIncidents(),
      set: (rows) => { this.incidents = rows; },
      render: () => this.renderIncidents(),
      blank: () => ['', '1h', '10%'],
      focusName: (i) => `incidents[${i}].start`,
    });
  }

  attributeChangedCallback(name, old, value) {
    if (name === 'incidents' && this.built && old !== value) {
      this.incidents = parseIncidents(value);
      this.renderIncidents();
    }
    super.attributeChangedCallback(name, old, value);
  }

  renderIncidents() {
    this.shadowRoot.querySelector('.incidents').innerHTML = this.incidentsHTML();
  }

  incidentsHTML() {
    return this.incidents.map(([start, duration, ratio], i) =>
      `<fieldset><legend>Incident ${i + 1}</legend>
        ${this.fieldHTML(`incidents[${i}].start`, 'Starts after', start, { hint: 'e.g. 3d or 12d6h' })}
        ${this.fieldHTML(`incidents[${i}].duration`, 'Lasts', duration, { hint: 'e.g. 20m' })}
        ${this.fieldHTML(`incidents[${i}].error_ratio`, 'Error ratio', ratio, { hint: 'e.g. 25% or 0.25' })}
        <button type="button" class="secondary" data-remove="${i}" aria-label="Remove incident ${i + 1}">Remove</button>
      </fieldset>`).join('');
  }

  /** The incident rows as typed. */
  currentIncidents() {
    const v = this.values();
    return this.incidents.map((_, i) => ['start', 'duration', 'error_ratio'].map((k) => v[`incidents[${i}].${k}`] ?? ''));
  }

  compute(lib, v) {
    return lib.what_if(v.target, v.window, v.requests_per_second, v.baseline_error_ratio,
      this.currentIncidents().flat(), v['latency.buckets'], v['latency.threshold_ms']);
  }

  state() {
    const v = this.values();
    const out = {};
    for (const f of SloWhatIf.fields) if (f.name !== 'incidents') out[f.name] = v[f.name];
    out.incidents = this.currentIncidents().map((row) => row.join(' ')).join('; ');
    return out;
  }

  setState(state) {
    if ('incidents' in state) {
      this.incidents = parseIncidents(state.incidents);
      this.renderIncidents();
    }
    super.setState(state);
  }

  render(r) {
    const root = this.shadowRoot;
    root.querySelector('.headline').innerHTML = `At ${esc(r.target_text)}, this window spends <strong data-value="consumed">${esc(r.budget_consumed_text)}</strong> of its error budget ` +
      `(<span data-value="remaining">${esc(r.budget_remaining_text)}</span> left); the budget runs out <strong data-value="exhausted">${esc(r.exhausted_text)}</strong>.`;
    root.querySelector('.latency').textContent = r.latency_error_ratio === null ? ''
      : `Requests slower than the threshold add an error ratio of ${r.latency_error_ratio_text}.`;
    root.querySelector('.timeline tbody').innerHTML = r.tiers.map((t) =>
      `<tr data-tier="${esc(t.name)}"><th scope="row">${esc(t.name)}</th><td>${esc(t.severity)}</td><td class="num">${esc(t.burn_rate_threshold_text)}</td><td>` +
      (t.firings.length === 0 ? `fires ${esc(t.fires_at_text)}`
        : t.firings.map((f) => `fires <span data-fires="${f.fires_at_seconds}">${esc(f.fires_at_text)}</span>, resets ${esc(f.resets_at_text)}`).join('; ')) +
      '</td></tr>').join('');
    labelCells(root.querySelector('.timeline'));
  }

  renderChart(r, lib) {
    const box = this.shadowRoot.querySelector('.chart');
    const width = this.chartWidth();
    const series = [{ points: pairs(r.budget_remaining_series), cls: 'budget', label: 'error budget left' }];
    // One lane per tier: firings of different tiers around one incident stay apart.
    const lanes = r.tiers.map((t) => ({ label: t.name, cls: t.severity, spans: firingSpans(t.firings, `${t.name} (${t.severity})`) }));
    const exhausted = r.exhausted_at_seconds === null ? null
      : { x: r.exhausted_at_seconds, y: 0, seconds: r.exhausted_at_seconds, label: `budget exhausted ${r.exhausted_at_text}` };
    box.innerHTML = chart({
      width,
      height: 280 + lanes.length * 18,
      // On a phone the title keeps to what fits; the ticks say their units (3 d, 12 h).
      x: timeAxis(r.window_seconds, width, lib.humanize, `Time since the window started${width >= 480 ? ' (d = days, h = hours)' : ''}`),
      y: budgetAxis(series, BUDGET_TICKS, lib.percent),
      series,
      lanes,
      exhausted,
      title: { id: `${this.uid}-chart`, text: 'Error budget burn-down' },
      desc: `Budget left falls to ${r.budget_remaining_text} by the end of the window; exhausted ${r.exhausted_at_text}. ` +
        `${r.firings_text} in one lane per tier above the plot; the table below lists them.`,
    });
    // The legend names what is drawn, and nothing else.
    this.shadowRoot.querySelector('.legend').innerHTML = legendHTML([
      ['budget', 'budget left'],
      ...laneLegend(lanes),
      exhausted && ['diamond exhausted', 'budget exhausted (diamond)'],
    ]);
  }
}

// Defined once its module is instantiated (or failed): see "Defined once" in lib/wasm.js.
await core().catch(() => {});

customElements.get('slo-what-if') || customElements.define('slo-what-if', SloWhatIf);
