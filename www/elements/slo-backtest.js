// <slo-backtest src="history.csv" targets="99.5, 99.9, 99.95" window="30d"
//   incidents="2026-09-21T17:05Z..2026-09-21T17:17Z" max-pages="2">
// Replays a real history (CSV rows timestamp,good,bad) against candidate targets in the
// core: budget burn-down per target, when the alerts would have paged, which known
// incidents they caught, and the recommendation with its evidence. The file is read in the
// page and never uploaded; `src` (fetched once, from where the page says) is optional.
// Opt-in, a Prometheus server (slo-history.js): only the reader's press of "Read from
// Prometheus" sends the queries, from this page to that server; nothing else is sent anywhere.
// Not part of slo-elements.js: it loads a wasm module of its own (the history reader and
// the replay), which pages without it should not pay for. Import this module to use it.
import { SloElement } from './lib/element.js';
import { esc, labelCells, titleHTML, regionLabel } from './lib/html.js';
import { chart, budgetAxis, firingSpans, laneLegend, legendHTML, pairs, timeAxis } from './lib/chart.js';
import { HISTORY_CSS, PROMETHEUS_FIELDS, withHistory } from './slo-history.js';

const BUDGET_TICKS = [1, 0.5, 0, -0.5, -1, -2, -5, -10, -20, -50, -100];
/** Line styles the theme defines; more targets reuse them in turn. */
const SERIES = ['series-1', 'series-2', 'series-3', 'series-4'];

export class SloBacktest extends withHistory(SloElement) {
  static fields = [
    { name: 'targets', attr: 'targets', value: '99.5, 99.9, 99.95' },
    { name: 'window', attr: 'window', value: '30d' },
    { name: 'incidents', attr: 'incidents', value: '' },
    { name: 'max_pages', attr: 'max-pages', value: '2' },
    ...PROMETHEUS_FIELDS,
  ];

  static css = `${HISTORY_CSS}
.incident { --c: var(--slo-exhausted, light-dark(#6d28d9, #c4b5fd)); }
svg .span.incident { fill: var(--c); stroke: var(--c); opacity: .55; }
.swatch.bar.incident { background: var(--c); }
.recommendation { font-size: 1.15em; margin: .2rem 0 .6rem; }
.recommendation strong { color: var(--slo-accent, light-dark(#1d4ed8, #93c5fd)); }
.bars { list-style: none; padding: 0; margin: .2rem 0 .8rem; display: grid; grid-template-columns: max-content 1fr max-content; gap: .25rem .6rem; align-items: center; }
.bars li { display: contents; }
.bar { display: block; height: .8em; background: var(--slo-page, light-dark(#b91c1c, #fca5a5)); border-radius: 2px; min-width: 2px; }
.bar-track { background: var(--slo-track, light-dark(#e2e8f0, #334155)); border-radius: 2px; }`;

  template() {
    const v = Object.fromEntries(SloBacktest.fields.map((f) => [f.name, this.initial(f)]));
    return `${titleHTML(this, 'Backtest targets on your history')}
<form novalidate>
  ${this.historyHTML()}
  ${this.prometheusHTML(v)}
  ${this.fieldHTML('targets', 'Candidate targets (%)', v.targets, { hint: 'comma-separated, e.g. 99.5, 99.9, 99.95' })}
  ${this.fieldHTML('window', 'Window', v.window, { hint: 'e.g. 30d, 28d or month' })}
  ${this.fieldHTML('max_pages', 'Pages per 30 days you accept', v.max_pages, { inputmode: 'decimal', hint: 'the recommendation keeps to it' })}
  ${this.fieldHTML('incidents', 'Known incidents (optional)', v.incidents, { wide: true, hint: 'START..END in UTC, comma-separated, e.g. 2026-09-21T17:05Z..2026-09-21T17:17Z' })}
  <p class="error form-error" aria-live="polite"></p>
</form>
<div class="results" role="region" aria-live="polite" aria-label="${regionLabel(this, 'Backtest results')}">
  <p class="stale"></p>
  <p class="recommendation"></p>
  <p class="summary"></p>
  <div class="scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'Targets table')}"><table class="targets stack"><caption>Each candidate target over the history</caption>
    <thead><tr><th scope="col">Target</th><th scope="col" class="num">SLI</th><th scope="col">Met in every window</th><th scope="col" class="num">Worst window</th>
    <th scope="col" class="num">Budget left (end)</th><th scope="col" class="num">Lowest (when)</th><th scope="col" class="num">Out of SLO</th>
    <th scope="col" class="num">Pages /30 d</th><th scope="col" class="num">Tickets /30 d</th></tr></thead><tbody></tbody></table></div>
  <div class="chart burn"></div>
  <ul class="legend burn-legend"></ul>
  <h4>Pages per 30 days</h4>
  <ul class="bars"></ul>
  <div class="chart timeline"></div>
  <ul class="legend timeline-legend"></ul>
  <div class="scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'Known incidents table')}"><table class="incidents stack"><caption>Known incidents: the first alert that fired for each</caption>
    <thead></thead><tbody></tbody></table></div>
</div>`;
  }

  connectedCallback() {
    const first = !this.built;
    super.connectedCallback();
    if (!first) return;
    this.wireHistory(this.getAttribute('src'));
  }

  compute(lib, v) {
    return this.fromHistory(v, {
      csv: (text) => lib.backtest(text, v.targets, v.window, v.incidents, v.max_pages),
      prometheus: (read) => lib.backtest_prometheus(read.counts, read.events, read.total, v.targets, v.window, v.incidents, v.max_pages),
    });
  }

  render(r) {
    const root = this.shadowRoot;
    root.querySelector('.recommendation').innerHTML = r.recommended_target_text === null
      ? `No recommendation: ${esc(r.recommendation_text)}.`
      : `Recommended: <strong data-value="recommended">${esc(r.recommended_target_text)}</strong>, because ${esc(r.recommendation_text)}.`;
    root.querySelector('.summary').textContent = r.summary_text;
    this.showSamples(r.samples_text);
    root.querySelector('.targets tbody').innerHTML = r.targets.map((t) =>
      `<tr data-target="${esc(t.target_text)}"><th scope="row">${esc(t.target_text)}</th><td class="num">${esc(t.sli_text ?? '-')}</td>` +
      `<td data-value="met">${esc(t.met_every_full_window_text)}</td><td class="num">${esc(t.worst_full_window_sli_text ?? '-')}</td>` +
      `<td class="num">${esc(t.budget_remaining_text)}</td><td class="num">${esc(t.budget_remaining_min_text)}<br><span class="hint">at ${esc(t.budget_remaining_min_at_text)}</span></td>` +
      `<td class="num">${esc(t.out_of_slo_text)}</td><td class="num" data-value="pages">${esc(t.pages_per_30d_text)}</td><td class="num">${esc(t.tickets_per_30d_text)}</td></tr>`).join('');
    labelCells(root.querySelector('.targets'));
    const most = Math.max(...r.targets.map((t) => t.pages_per_30d), r.max_pages_per_30d, 1e-9);
    const bars = root.querySelector('.bars');
    bars.innerHTML = r.targets.map((t) =>
      `<li><span>${esc(t.target_text)}</span><span class="bar-track"><span class="bar"></span></span>` +
      `<span>${esc(t.pages_per_30d_text)}${t.pages_over_max_text ? ` (${esc(t.pages_over_max_text)})` : ''}</span></li>`).join('');
    // Set through the CSSOM, which a CSP without 'unsafe-inline' styles still allows: bar
    // lengths are pixels of figures the core computed, against the most pages shown.
    bars.querySelectorAll('.bar').forEach((bar, i) => { bar.style.width = `${(100 * r.targets[i].pages_per_30d / most).toFixed(1)}%`; });
    this.renderIncidents(r);
  }

  renderIncidents(r) {
    const table = this.shadowRoot.querySelector('.incidents');
    const incidents = r.targets[0]?.incidents ?? [];
    table.hidden = incidents.length === 0;
    table.tHead.innerHTML = `<tr><th scope="col">Incident</th>${r.targets.map((t) => `<th scope="col">At ${esc(t.target_text)}</th>`).join('')}</tr>`;
    table.tBodies[0].innerHTML = incidents.map((incident, i) => `<tr><th scope="row">${esc(incident.text)}</th>` +
      r.targets.map((t) => {
        const d = t.incidents[i];
        return `<td data-value="caught">${d.caught_by ? `${esc(d.caught_by)} (${esc(d.severity)}) ${esc(d.detection_text)}` : esc(d.detection_text)}</td>`;
      }).join('') + '</tr>').join('');
    labelCells(table);
  }

  renderChart(r, lib) {
    const root = this.shadowRoot;
    const box = root.querySelector('.chart.burn');
    const width = this.chartWidth();
    const x = timeAxis(r.history_seconds, width, lib.humanize, 'Time since the history starts');
    const series = r.targets.map((t, i) => ({ points: pairs(t.budget_remaining_series), cls: SERIES[i % SERIES.length], label: `${t.target_text}: budget left` }));
    box.innerHTML = chart({
      width, height: 300, x, y: budgetAxis(series, BUDGET_TICKS, lib.percent), series,
      title: { id: `${this.uid}-burn`, text: 'Error budget left over the window, per target' },
      desc: r.targets.map((t) => `${t.target_text}: lowest ${t.budget_remaining_min_text} at ${t.budget_remaining_min_at_text}, ${t.budget_remaining_text} at the end`).join('; '),
    });
    root.querySelector('.burn-legend').innerHTML = legendHTML(series.map((s) => [s.cls, s.label]));

    // One lane per target and severity, and one for the incidents the reader named.
    const lanes = [];
    const incidents = r.targets[0]?.incidents ?? [];
    if (incidents.length) lanes.push({ label: 'incidents', cls: 'incident', spans: incidents.map((d) => ({ from: d.start_seconds, to: d.end_seconds, label: `incident ${d.text}` })) });
    for (const t of r.targets) {
      for (const severity of ['page', 'ticket']) {
        const spans = t.alerts.filter((a) => a.severity === severity).flatMap((a) => firingSpans(a.firings, `${t.target_text} ${a.name}`));
        lanes.push({ label: `${t.target_text} ${severity}s`, cls: severity, spans });
      }
    }
    const timeline = root.querySelector('.chart.timeline');
    timeline.innerHTML = chart({
      width, height: 70 + lanes.length * 18, x, y: { min: 0, max: 1, ticks: [], title: '' }, lanes,
      title: { id: `${this.uid}-alerts`, text: 'When the alerts would have fired, per target' },
      desc: r.targets.map((t) => `${t.target_text}: ${t.alerts_text}`).join('; '),
    });
    root.querySelector('.timeline-legend').innerHTML = legendHTML([
      lanes.some((l) => l.cls === 'incident' && l.spans.length > 0) && ['bar incident', 'known incident'],
      ...laneLegend(lanes),
    ]);
  }
}

customElements.get('slo-backtest') || customElements.define('slo-backtest', SloBacktest);
