// <slo-alerts target="99.9" window="30d" error-ratio="">: the multiwindow, multi-burn-rate
// alert tiers for a target and window, a chart of detection time against error ratio, and
// a warning for tiers that can never fire.
import { SloElement } from './lib/element.js';
import { esc, labelCells, titleHTML, regionLabel } from './lib/html.js';
import { chart, legendHTML, pairs, within, TIME_TICKS, RATIO_TICKS } from './lib/chart.js';
import { core } from './lib/wasm.js';

export class SloAlerts extends SloElement {
  static wasm = core;

  static fields = [
    { name: 'target', attr: 'target', value: '99.9' },
    { name: 'window', attr: 'window', value: '30d' },
    { name: 'error_ratio', attr: 'error-ratio', value: '' },
  ];

  // Each detection curve narrower than the one drawn before it (see renderChart).
  static css = 'svg .series-4 { stroke-width: 6; } svg .series-3 { stroke-width: 3.5; } svg .series-2 { stroke-width: 3; } svg .series-1 { stroke-width: 2; }';

  template() {
    const [target, window, errorRatio] = SloAlerts.fields.map((f) => this.initial(f));
    return `${titleHTML(this, 'Burn-rate alerts')}
<form novalidate>
  ${this.fieldHTML('target', 'Target (%)', target, { hint: 'e.g. 99.9 or 0.999', inputmode: 'decimal' })}
  ${this.fieldHTML('window', 'Window', window, { hint: 'e.g. 30d, 28d, 4w, or month' })}
  ${this.fieldHTML('error_ratio', 'Incident error ratio (optional)', errorRatio, { hint: 'e.g. 5% or 0.05: when would each tier fire?' })}
</form>
<div class="results" role="region" aria-live="polite" aria-label="${regionLabel(this, 'Alert tier results')}">
  <p class="stale"></p>
  <div class="warnings"></div>
  <div class="scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'Alert tiers table')}"><table class="tiers stack"><caption></caption><thead></thead><tbody></tbody></table></div>
  <div class="chart"></div>
  <ul class="legend"></ul>
</div>`;
  }

  compute(lib, v) {
    return lib.alerts(v.target, v.window, v.error_ratio);
  }

  render(r) {
    const root = this.shadowRoot;
    const withRatio = r.error_ratio !== null;
    root.querySelector('.warnings').innerHTML = r.tiers.filter((t) => t.warning)
      .map((t) => `<p class="warning" role="note">${esc(t.warning)}</p>`).join('');
    root.querySelector('.tiers caption').textContent = `Alert tiers for ${r.target_text} over ${r.window_text}` +
      (withRatio ? `, at an error ratio of ${r.error_ratio_text}` : '');
    root.querySelector('.tiers thead').innerHTML = '<tr><th scope="col">Tier</th><th scope="col">Severity</th>' +
      '<th scope="col">Long / short window</th><th scope="col" class="num">Burn rate</th>' +
      '<th scope="col" class="num">Error ratio</th><th scope="col" class="num">Budget spent when it fires</th>' +
      (withRatio ? '<th scope="col" class="num">Fires after</th><th scope="col" class="num">Resets after errors stop</th>' : '') + '</tr>';
    root.querySelector('.tiers tbody').innerHTML = r.tiers.map((t) =>
      `<tr data-tier="${esc(t.name)}"><th scope="row">${esc(t.name)}</th><td>${esc(t.severity)}</td>` +
      `<td>${esc(t.long_window)} / ${esc(t.short_window)}</td><td class="num" data-value="burn-rate">${esc(t.burn_rate_text)}</td>` +
      `<td class="num" data-value="error-ratio">${esc(t.error_ratio_threshold_text)}</td>` +
      `<td class="num">${esc(t.budget_consumed_text)}</td>` +
      (withRatio ? `<td class="num" data-value="detects">${esc(t.detection_text)}</td><td class="num">${esc(t.reset_text ?? '-')}</td>` : '') +
      '</tr>').join('');
    labelCells(root.querySelector('.tiers'));
  }

  renderChart(r, lib) {
    const curves = r.tiers.map((t, i) => ({ tier: t, cls: `series-${i + 1}`, points: pairs(t.detection_curve) }))
      .filter((c) => c.points.length > 0);
    const box = this.shadowRoot.querySelector('.chart');
    const legend = this.shadowRoot.querySelector('.legend');
    if (curves.length === 0) {
      box.innerHTML = '<p>No tier can fire at this target, so there is nothing to chart.</p>';
      legend.innerHTML = '';
      return;
    }
    // Axis ranges span the core's curve points; ticks are fixed round values inside them.
    const xs = curves.flatMap((c) => c.points.map((p) => p[0]));
    const ys = curves.flatMap((c) => c.points.map((p) => p[1]));
    const width = this.chartWidth();
    // On a phone the axis title keeps to what fits.
    const x = { min: Math.min(...xs), max: 1, log: true, title: width >= 480 ? 'Error ratio during the incident (% of requests, log scale)' : 'Error ratio (% of requests, log scale)' };
    const y = { min: Math.min(...ys), max: Math.max(...ys), log: true, title: 'Time to fire (log scale)' };
    x.ticks = within(RATIO_TICKS, x.min, x.max).map((v) => [v, lib.percent(v)]);
    y.ticks = within(TIME_TICKS, y.min, y.max).map((v) => [v, lib.humanize(v)]);
    box.innerHTML = chart({
      width,
      x, y,
      // Drawn slowest tier first, each line narrower than the one under it, so that where
      // lines coincide (ticket-fast and ticket-slow detect alike) the lower one shows on both
      // sides of the one on top.
      series: curves.map((c) => ({ points: c.points, cls: c.cls, label: c.tier.name })).reverse(),
      title: { id: `${this.uid}-chart`, text: 'Detection time against error ratio' },
      desc: `For each alert tier, how long a steady error ratio takes to fire it: ` +
        curves.map((c) => `${c.tier.name} from ${c.tier.error_ratio_threshold_text} errors`).join('; ') + '.',
    });
    legend.innerHTML = legendHTML(curves.map((c) => [c.cls, `${c.tier.name} (${c.tier.burn_rate_text})`]));
  }
}

// Defined once its module is instantiated (or failed): see "Defined once" in lib/wasm.js.
await core().catch(() => {});

customElements.get('slo-alerts') || customElements.define('slo-alerts', SloAlerts);
