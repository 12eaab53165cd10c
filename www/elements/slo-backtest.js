// <slo-backtest src="history.csv" targets="99.5, 99.9, 99.95" window="30d"
//   incidents="2026-09-21T17:05Z..2026-09-21T17:17Z" max-pages="2">
// Replays a real history (CSV rows timestamp,good,bad) against candidate targets in the
// core: budget burn-down per target, when the alerts would have paged, which known
// incidents they caught, and the recommendation with its evidence. The file is read in the
// page and never uploaded; `src` (fetched once, from where the page says) is optional.
// Opt-in, a Prometheus server that allows the page's origin (CORS): the reader gives its URL
// and the events and total queries (or the page does, with the prometheus-* attributes),
// and only their press of "Read from Prometheus" sends the queries, in the core's split of
// the range, from this page to that server; nothing else is sent anywhere.
// Not part of slo-elements.js: it loads a wasm module of its own (the history reader and
// the replay), which pages without it should not pay for. Import this module to use it.
import { SloElement } from './lib/element.js';
import { esc, labelCells, titleHTML, regionLabel } from './lib/html.js';
import { chart, budgetAxis, firingSpans, laneLegend, legendHTML, pairs, timeAxis } from './lib/chart.js';
import { fetchRefusal } from './lib/net.js';
import { HISTORY_CSS, withHistory } from './slo-history.js';

/** How long the check of an unreadable server waits for any answer at all. */
const PROMETHEUS_TIMEOUT_MS = 4000;
const BUDGET_TICKS = [1, 0.5, 0, -0.5, -1, -2, -5, -10, -20, -50, -100];
/** Line styles the theme defines; more targets reuse them in turn. */
const SERIES = ['series-1', 'series-2', 'series-3', 'series-4'];

export class SloBacktest extends withHistory(SloElement) {
  static noHistory = 'No history yet: drop, choose or paste a CSV file of timestamp,good,bad rows, or read it from a Prometheus server.';
  static fields = [
    { name: 'targets', attr: 'targets', value: '99.5, 99.9, 99.95' },
    { name: 'window', attr: 'window', value: '30d' },
    { name: 'incidents', attr: 'incidents', value: '' },
    { name: 'max_pages', attr: 'max-pages', value: '2' },
    { name: 'prom_url', attr: 'prometheus', value: '' },
    { name: 'prom_counts', attr: 'prometheus-counts', value: 'good' },
    { name: 'prom_events', attr: 'prometheus-events', value: '' },
    { name: 'prom_total', attr: 'prometheus-total', value: '' },
    { name: 'prom_start', attr: 'prometheus-start', value: '' },
    { name: 'prom_end', attr: 'prometheus-end', value: '' },
    { name: 'prom_step', attr: 'prometheus-step', value: '1m' },
  ];

  static css = `${HISTORY_CSS}
.prometheus summary { cursor: pointer; }
.prometheus .prom-fields { display: flex; flex-wrap: wrap; gap: .4rem .8rem; margin-top: .4rem; align-items: flex-end; }
.prometheus select { font: inherit; }
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
  <details class="prometheus"${v.prom_url ? ' open' : ''}>
    <summary>Or read the history from a Prometheus server (your queries go to that server, nowhere else)</summary>
    <div class="prom-fields">
      ${this.fieldHTML('prom_url', 'Prometheus API URL', v.prom_url, { wide: true, hint: 'e.g. http://127.0.0.1:9090; it must allow this page\'s origin (CORS: prometheus --web.cors.origin)' })}
      <div class="field"><label for="${this.idOf('prom_counts')}">The events query counts</label>
        <select id="${this.idOf('prom_counts')}" name="prom_counts" aria-describedby="${this.idOf('prom_counts')}-msg">
          <option value="good"${v.prom_counts === 'bad' ? '' : ' selected'}>good events</option><option value="bad"${v.prom_counts === 'bad' ? ' selected' : ''}>bad events</option>
        </select><p class="error" id="${this.idOf('prom_counts')}-msg" aria-live="polite"></p></div>
      ${this.fieldHTML('prom_events', 'Events query (PromQL, events per step)', v.prom_events, { wide: true, hint: 'e.g. sum(increase(http_requests_total{code!~"5.."}[1m])), its range the step' })}
      ${this.fieldHTML('prom_total', 'Total query (PromQL, all events per step)', v.prom_total, { wide: true, hint: 'e.g. sum(increase(http_requests_total[1m]))' })}
      ${this.fieldHTML('prom_start', 'From', v.prom_start, { hint: 'UTC such as 2026-08-01T00:00Z, or Unix seconds; empty: 90 days before the end' })}
      ${this.fieldHTML('prom_end', 'To', v.prom_end, { hint: 'empty: now' })}
      ${this.fieldHTML('prom_step', 'Step', v.prom_step, { hint: 'e.g. 1m' })}
      <button type="button" class="read-prometheus">Read from Prometheus</button>
    </div>
  </details>
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
    this.shadowRoot.querySelector('.read-prometheus').addEventListener('click', () => this.readPrometheus());
  }

  /**
   * The reader pressed "Read from Prometheus": the core splits the range into query_range
   * calls, this page sends them to the server the reader named and hands the answers to the
   * core's reader. A failure is a message under the field it concerns, never an exception.
   */
  async readPrometheus() {
    const v = this.values();
    const source = this.shadowRoot.querySelector('.source');
    const button = this.shadowRoot.querySelector('.read-prometheus');
    const fail = (errors) => {
      this.readErrors = errors;
      source.textContent = 'Could not read from Prometheus: see the message by the field.';
      source.classList.add('error');
      this.update();
    };
    let backtest, base;
    try {
      backtest = await SloBacktest.wasm();
    } catch (error) {
      this.showLoadError(error);
      return;
    }
    try {
      base = new URL(v.prom_url.trim());
      if (!/^https?:$/.test(base.protocol)) throw new Error(`${base.protocol} is not http: or https:`);
    } catch (error) {
      fail({ prom_url: `“${v.prom_url}” is not a server's address (${error.message}); allowed: an http:// or https:// URL such as http://127.0.0.1:9090` });
      return;
    }
    const plan = backtest.prometheus_requests(v.prom_events, v.prom_total, v.prom_start, v.prom_end, v.prom_step, Date.now() / 1000);
    if (!plan.result) {
      fail(plan.errors);
      return;
    }
    button.disabled = true;
    source.classList.remove('error');
    source.textContent = `Reading ${plan.result.answers_text} from ${base.host}…`;
    try {
      const answers = {};
      for (const [field, paths] of [['prom_events', plan.result.events], ['prom_total', plan.result.total]]) {
        const texts = [];
        for (const path of paths) {
          const url = base.href.replace(/\/$/, '') + path;
          let response, body;
          try {
            response = await fetch(url);
            body = await response.text();
          } catch (error) {
            fail({ prom_url: `Cannot read ${base.origin}: ${await this.whyNot(error, url)}.` });
            return;
          }
          const refused = backtest.prometheus_answer_error(body);
          if (refused) {
            fail({ [field]: `Prometheus refused this query (HTTP ${response.status}): ${refused}` });
            return;
          }
          if (!response.ok) {
            fail({ prom_url: `${url.split('?')[0]} answered HTTP ${response.status}; allowed: the base URL of a Prometheus server (its /api/v1/query_range answers)` });
            return;
          }
          texts.push(body);
        }
        answers[field] = texts.join('\n');
      }
      this.readErrors = null;
      this.history = { prometheus: { counts: v.prom_counts, events: answers.prom_events, total: answers.prom_total } };
      this.input('history').value = '';
      source.textContent = `${plan.result.answers_text} from ${base.host}, read in this page.`;
      this.settle();
    } finally {
      button.disabled = false;
    }
  }

  /** Why the server could not be read, in words: what the reader can change. */
  async whyNot(error, url) {
    switch (await fetchRefusal(error, url, PROMETHEUS_TIMEOUT_MS)) {
      case 'csp': return "this page's Content Security Policy does not allow connecting to it (connect-src)";
      case 'unreachable': return 'no connection (is the server running, and is the address right?)';
      case 'cors': return `the server answers, but not to this page: it must allow the origin ${location.origin} (start Prometheus with --web.cors.origin)`;
      default: return error.message;
    }
  }

  compute(lib, v) {
    // Pasted rows win over a failed or finished read: the reader typed them last.
    const pasted = v.history.trim() !== '';
    if (this.readErrors && !pasted) return { errors: this.readErrors, result: null };
    const read = this.history.prometheus;
    if (read && !pasted) {
      return lib.backtest_prometheus(read.counts, read.events, read.total, v.targets, v.window, v.incidents, v.max_pages);
    }
    return this.explainNoHistory(v, lib.backtest(this.historyText(v), v.targets, v.window, v.incidents, v.max_pages));
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
