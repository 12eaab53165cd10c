// <slo-fleet prometheus="http://127.0.0.1:9090" [live] [interval="60"] [at="2026-09-21T17:05Z"]
//   [backtest-page="/backtest/"] [report-page="/report/"]>
// Every SLO a Prometheus server (or Thanos, Mimir: the same API) evaluates `slo rules` for:
// service, objective, window, SLI over the window, budget left as a bar, burn per tier with
// the firing tiers marked, and a sparkline of the budget over the window; sorted and
// filtered by service, label and state; a detail view per SLO (budget, burn per tier
// window, good and bad events per step, the alerts that fired) with links into
// <slo-backtest> and <slo-report> on the same series. One SLO's stopped sources show as
// missing data, not as a good SLO. The core names every query (one per kind of series, whatever the number of
// SLOs) and computes every figure and word; this element only fetches and lays them out.
// Nothing is sent until the reader presses "Read from Prometheus", or the page sets `live`
// (then it reads at once and every `interval` seconds). `at` reads the fleet as it was at
// that instant (UTC, or Unix seconds) instead of now. The server must allow the page's
// origin (CORS: prometheus --web.cors.origin). Not part of slo-elements.js: it loads the
// backtest's wasm module (the Prometheus answer readers), as <slo-backtest> does.
import { chart, legendHTML, roundTicks, timeAxis } from './lib/chart.js';
import { esc, regionLabel, titleHTML } from './lib/html.js';
import { whyPrometheusUnread } from './lib/net.js';
import { adoptStyles, color } from './lib/style.js';
import { backtestCore } from './lib/wasm.js';

/** The sparkline's width in points: the core picks the step that fills it. */
const SPARK_POINTS = 120;
/** Rows drawn before the reader asks for the rest (sorting and filtering see them all). */
const ROWS_AT_FIRST = 100;
const SORTS = {
  state: ['most urgent first', (a, b) => a.state_rank - b.state_rank || budgetOrder(a, b)],
  budget: ['least budget left first', (a, b) => budgetOrder(a, b) || a.state_rank - b.state_rank],
  sli: ['lowest SLI first', (a, b) => (a.sli_ratio ?? -Infinity) - (b.sli_ratio ?? -Infinity)],
  name: ['service and name', () => 0],
};
const budgetOrder = (a, b) => (a.error_budget_remaining_ratio ?? -Infinity) - (b.error_budget_remaining_ratio ?? -Infinity);
const STATE_WORDS = { no_data: 'no data', partial_data: 'partial data', page: 'page firing', ticket: 'ticket firing', ok: 'ok' };

const CSS = `.state { margin: 0 0 .5rem; } .state.error { color: ${color('error')}; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; margin: 0 0 .6rem; }
.controls label { display: flex; flex-direction: column; font-size: .85em; gap: .15rem; }
.fleet { width: 100%; }
.fleet td, .fleet th { vertical-align: top; }
.who .service { display: block; color: ${color('muted')}; font-size: .85em; }
.who .labels { display: block; color: ${color('muted')}; font-size: .8em; }
.badge { white-space: nowrap; font-size: .85em; font-weight: 600; padding: .05rem .5rem; border-radius: 999px; border: 2px solid var(--c); }
.badge.page { --c: ${color('page')}; background: var(--c); color: ${color('bg')}; }
.badge.ticket { --c: ${color('ticket')}; color: ${color('fg')}; }
.badge.ok { --c: ${color('ok')}; color: ${color('fg')}; font-weight: 400; }
.badge.no_data, .badge.partial_data { --c: ${color('exhausted')}; color: ${color('fg')}; border-style: dashed; }
.data { display: block; font-size: .8em; color: ${color('muted')}; }
meter { width: 7rem; height: .9rem; display: block; }
.tiers { list-style: none; margin: 0; padding: 0; font-size: .85em; }
.tiers li.firing { color: ${color('error')}; font-weight: 600; }
.tiers li.pending { font-style: italic; }
.spark svg { width: 7.5rem; height: 1.6rem; display: block; }
.spark polyline { fill: none; stroke: ${color('accent')}; stroke-width: 1.5; }
button.link { background: none; border: 0; padding: 0; color: ${color('accent')}; font-weight: 700; text-decoration: underline; text-align: left; }
.detail { border-top: 2px solid ${color('border-strong')}; margin-top: .8rem; padding-top: .4rem; }
.detail h4 { margin: .6rem 0 .2rem; }
.detail svg text { font-size: 11px; }
.alerts-list { margin: .2rem 0; padding-left: 1.2rem; }
.queries code { word-break: break-all; }`;

export class SloFleet extends HTMLElement {
  static observedAttributes = ['prometheus', 'live', 'interval', 'at', 'backtest-page', 'report-page'];

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    /** The read: { base, at, answers (their text, for the detail), fleet }. */
    this.read = null;
    this.generation = 0;
  }

  connectedCallback() {
    if (!this.shadowRoot.firstChild) this.build();
    this.start();
  }

  disconnectedCallback() {
    this.generation += 1;
    clearTimeout(this.timer);
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.shadowRoot.firstChild) return;
    if (name === 'prometheus') this.shadowRoot.querySelector('.src').textContent = value ?? '(none)';
    if (!name.endsWith('-page')) this.start();
  }

  build() {
    adoptStyles(this.shadowRoot, CSS);
    const id = (name) => `f-${name}`;
    const select = (name, label, options) => `<label for="${id(name)}">${label}<select id="${id(name)}" name="${name}">${options}</select></label>`;
    this.shadowRoot.innerHTML = `${titleHTML(this, 'SLOs of the fleet')}
<div class="controls">
  <button type="button" class="read">Read from Prometheus</button>
  ${select('service', 'Service', '<option value="">all</option>')}
  ${select('label', 'Label', '<option value="">all</option>')}
  ${select('state', 'State', `<option value="">all</option>${Object.entries(STATE_WORDS).map(([v, w]) => `<option value="${v}">${w}</option>`).join('')}`)}
  ${select('sort', 'Sort by', Object.entries(SORTS).map(([v, [w]]) => `<option value="${v}">${w}</option>`).join(''))}
</div>
<p class="state" role="status" aria-live="polite"></p>
<div class="results" role="region" aria-label="${regionLabel(this, 'SLOs of the fleet')}">
  <p class="summary"></p>
  <div class="scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'SLO table')}"><table class="fleet stack" hidden><caption>Every SLO, as the server's recorded series say</caption>
    <thead><tr><th scope="col">SLO</th><th scope="col">State</th><th scope="col" class="num">SLI</th>
    <th scope="col">Budget left</th><th scope="col">Burn per tier (long · short window)</th><th scope="col">Budget over the window</th></tr></thead>
    <tbody></tbody></table></div>
  <button type="button" class="secondary more" hidden></button>
  <section class="detail" hidden aria-live="polite"></section>
</div>
<p class="hint">Source: <code class="src">${esc(this.getAttribute('prometheus') ?? '(none)')}</code>. Its queries go to that server and nowhere else.</p>`;
    const root = this.shadowRoot;
    root.querySelector('.read').addEventListener('click', () => this.load());
    root.querySelector('.more').addEventListener('click', () => { this.limit = Infinity; this.renderRows(); });
    for (const name of ['service', 'label', 'state', 'sort']) root.getElementById(id(name)).addEventListener('change', () => this.renderRows());
    root.querySelector('tbody').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-detail]');
      if (button) this.openDetail(button.dataset.service, button.dataset.detail);
    });
  }

  /** Reads now if the page asked for live data; otherwise says what the button does. */
  start() {
    this.generation += 1;
    clearTimeout(this.timer);
    if (this.hasAttribute('live')) {
      this.load();
    } else if (!this.read) {
      this.say(`Nothing read yet: press “Read from Prometheus” to ask ${this.getAttribute('prometheus') || '(no server: set the prometheus attribute)'} for every SLO's recorded series.`);
    }
  }

  get interval() {
    const n = Number(this.getAttribute('interval') ?? 60);
    return Number.isFinite(n) && n >= 5 ? n : 60;
  }

  say(text, error = false) {
    const state = this.shadowRoot.querySelector('.state');
    state.className = error ? 'state error' : 'state';
    state.textContent = text;
    if (error) this.dataset.state = 'error';
  }

  /** The server's base URL, or a message saying why the attribute is not one. */
  base() {
    const text = (this.getAttribute('prometheus') ?? '').trim();
    try {
      // Relative to the page: a same-origin path (a proxy to the server) needs no CORS.
      const url = new URL(text, location.href);
      if (!/^https?:$/.test(url.protocol)) throw new Error(`${url.protocol} is not http: or https:`);
      return url.href.replace(/\/$/, '');
    } catch (error) {
      throw new ReadError(`The prometheus attribute “${text}” is not a server's address (${error.message}); allowed: an http:// or https:// URL such as http://127.0.0.1:9090, or a path on this site such as /prometheus.`);
    }
  }

  /** Fetches every path at once (the queries are independent); their texts in order. */
  async fetchAll(base, backtest, paths) {
    return Promise.all(paths.map(async ({ name, path }) => {
      const url = base + path;
      let response, body;
      try {
        response = await fetch(url, { cache: 'no-store', credentials: 'omit' });
        body = await response.text();
      } catch (error) {
        throw new ReadError(`Cannot read ${new URL(base).origin}: ${await whyPrometheusUnread(error, url)}.`);
      }
      const refused = backtest.prometheus_answer_error(body);
      if (refused) throw new ReadError(`Prometheus refused the ${name} query (HTTP ${response.status}): ${refused}.`);
      if (!response.ok) throw new ReadError(`${url.split('?')[0]} answered HTTP ${response.status}; allowed: the base URL of a Prometheus server (its /api/v1 answers).`);
      return body;
    }));
  }

  /** One read of the fleet: the core's instant queries, then the sparklines' ranges. */
  async load() {
    const generation = this.generation;
    const button = this.shadowRoot.querySelector('.read');
    button.disabled = true;
    try {
      const backtest = await backtestCore();
      const base = this.base();
      const instant = backtest.fleet_instant(this.getAttribute('at') ?? '', Date.now() / 1000);
      if (!instant.result) throw new ReadError(`The at attribute: ${instant.errors.at}`);
      const { at } = instant.result;
      const queries = backtest.fleet_queries(at);
      this.say(`Reading ${queries.length} queries from ${new URL(base).host}…`);
      const answers = (await this.fetchAll(base, backtest, queries)).join('\n');
      let read = backtest.fleet_read(answers, at, SPARK_POINTS, '');
      if (!read.result) throw new ReadError(Object.values(read.errors).join(' '));
      const sparklines = read.result.sparklines;
      if (sparklines.length) {
        read = backtest.fleet_read(answers, at, SPARK_POINTS, (await this.fetchAll(base, backtest, sparklines)).join('\n'));
        if (!read.result) throw new ReadError(Object.values(read.errors).join(' '));
      }
      if (generation !== this.generation) return;
      this.read = { base, at, answers, fleet: read.result.fleet, backtest };
      this.dataset.at = String(at);
      this.say(`Read ${queries.length + sparklines.length} answers from ${new URL(base).host} for ${read.result.fleet.at_text}` +
        (this.hasAttribute('live') ? `; refreshes every ${this.interval} s.` : '.'));
      this.renderFilters();
      this.renderRows();
      this.dataset.state = 'ok';
      this.dataset.ready = 'true';
      this.dispatchEvent(new CustomEvent('change', { detail: read.result.fleet, bubbles: true }));
    } catch (error) {
      if (generation !== this.generation) return;
      this.say(error instanceof ReadError ? error.message : `Could not read: ${error}`, true);
    } finally {
      button.disabled = false;
      if (generation === this.generation && this.hasAttribute('live')) this.timer = setTimeout(() => this.load(), this.interval * 1000);
    }
  }

  /** The filters' options: the services, labels and states there are. */
  renderFilters() {
    const slos = this.read.fleet.slos;
    const fill = (name, values) => {
      const el = this.shadowRoot.getElementById(`f-${name}`);
      const kept = el.value;
      el.innerHTML = `<option value="">all</option>${values.map((v) => `<option${v === kept ? ' selected' : ''}>${esc(v)}</option>`).join('')}`;
    };
    fill('service', [...new Set(slos.map((s) => s.service))].sort());
    fill('label', [...new Set(slos.flatMap((s) => s.labels.map((l) => `${l.name}=${l.value}`)))].sort());
  }

  /** The rows the filters keep, in the chosen order (the core's numbers, compared). */
  renderRows() {
    if (!this.read) return;
    const root = this.shadowRoot;
    const pick = (name) => root.getElementById(`f-${name}`).value;
    const [service, label, state, sort] = ['service', 'label', 'state', 'sort'].map(pick);
    const slos = this.read.fleet.slos.filter((s) => (!service || s.service === service) && (!state || s.state === state) &&
      (!label || s.labels.some((l) => `${l.name}=${l.value}` === label)));
    // The core lists them by service and name: a stable sort keeps that order within ties.
    slos.sort(SORTS[sort][1]);
    const fleet = this.read.fleet;
    root.querySelector('.summary').textContent = fleet.summary_text + (slos.length === fleet.slos.length ? '' : `; ${slos.length} shown`);
    const table = root.querySelector('.fleet');
    table.hidden = fleet.slos.length === 0;
    // Each read's rows are parsed once; a sort or a filter only puts them in another order.
    if (this.rowsOf !== fleet) {
      this.rowsOf = fleet;
      table.tBodies[0].innerHTML = fleet.slos.map(rowHTML).join('');
      const heads = [...table.tHead.rows[0].cells].map((th) => th.textContent.trim());
      this.rows = new Map([...table.tBodies[0].rows].map((row) => {
        [...row.cells].forEach((cell, i) => { if (cell.localName === 'td' && heads[i]) cell.dataset.label = heads[i]; });
        return [row.dataset.slo, row];
      }));
    }
    // A page of rows at first: laying out 500 rows takes a few hundred ms at each sort.
    const shown = slos.slice(0, this.limit ?? ROWS_AT_FIRST);
    table.tBodies[0].replaceChildren(...shown.map((s) => this.rows.get(`${s.service}/${s.slo}`)));
    const more = root.querySelector('.more');
    more.hidden = shown.length === slos.length;
    more.textContent = `Show the other ${slos.length - shown.length} SLOs`;
  }

  /** The detail of one SLO: the core's five query_range calls, drawn as wide as the box. */
  async openDetail(service, slo) {
    const { base, at, answers, backtest } = this.read;
    const box = this.shadowRoot.querySelector('.detail');
    box.hidden = false;
    const width = Math.round(Math.min(Math.max(box.clientWidth || 640, 280), 760));
    box.innerHTML = `<h4>${esc(service)} / ${esc(slo)}</h4><p>Reading its history…</p>`;
    try {
      const planned = backtest.fleet_detail(answers, at, service, slo, width, '');
      if (!planned.result) throw new ReadError(Object.values(planned.errors).join(' '));
      const texts = await this.fetchAll(base, backtest, planned.result.plans);
      const read = backtest.fleet_detail(answers, at, service, slo, width, texts.join('\n'));
      if (!read.result) throw new ReadError(Object.values(read.errors).join(' '));
      const entry = this.read.fleet.slos.find((s) => s.service === service && s.slo === slo);
      /** The detail shown: the core's result, for scripts (and the test against PromQL). */
      this.detail = read.result.detail;
      box.innerHTML = detailHTML(read.result.detail, entry, width, backtest, this.seriesLinks(read.result.detail, entry));
      box.dataset.slo = `${service}/${slo}`;
      box.querySelector('h4').focus?.();
    } catch (error) {
      box.innerHTML = `<p class="state error">${esc(error instanceof ReadError ? error.message : String(error))}</p>`;
    }
  }

  /**
   * Links to the pages' <slo-backtest> and <slo-report> (`backtest-page`, `report-page`) with
   * the same series filled in (their fragment state), and the queries themselves.
   */
  seriesLinks(detail, slo) {
    if (!detail.backtest_events) return '<p class="hint">The rules record no events per step for this SLO: there is no series to backtest.</p>';
    const series = { prom_url: this.read.base, prom_counts: detail.backtest_counts, prom_events: detail.backtest_events,
      prom_total: detail.backtest_total, prom_step: '1m', window: slo.window };
    const links = [
      ['backtest-page', 'slo-backtest', { targets: slo.objective_text }, 'backtest-link', 'Backtest other targets on these series'],
      ['report-page', 'slo-report', { target: slo.objective_text }, 'report-link', `Compliance report of ${slo.objective_text} on these series`],
    ].filter(([attr]) => this.getAttribute(attr)).map(([attr, element, target, cls, text]) => {
      const params = new URLSearchParams(Object.entries({ ...series, ...target }).map(([k, v]) => [`${element}.${k}`, v]));
      return `<a class="${cls}" href="${esc(`${this.getAttribute(attr)}#${params}`)}">${esc(text)}</a> (opens &lt;${element}&gt; with them filled in)`;
    });
    const queries = `<p class="queries hint">Events query: <code>${esc(detail.backtest_events)}</code> (counts ${esc(detail.backtest_counts)} events); total query: <code>${esc(detail.backtest_total)}</code>, step 1m.</p>`;
    return `${links.map((link) => `<p>${link}</p>`).join('')}${queries}`;
  }
}

class ReadError extends Error {}

/** One SLO's row: the core's words, with its numbers in data-* for scripts and tests. */
function rowHTML(s) {
  // Compact for the table; the tier's sentence (the core's) is what a screen reader hears.
  const tiers = s.tiers.map((t) => `<li class="${t.alert_state}" data-tier="${esc(t.name)}" data-alert="${t.alert_state}"><span class="sr-only">${esc(t.text)}</span>` +
    `<span aria-hidden="true">${esc(t.name)}: <span data-value="long" title="over ${esc(t.long_window)}">${esc(t.long_burn_rate_text)}</span> · ` +
    `<span data-value="short" title="over ${esc(t.short_window)}">${esc(t.short_burn_rate_text)}</span> / ${esc(t.burn_rate_threshold_text)}` +
    `${t.alert_state === 'inactive' ? '' : ` <strong>${t.alert_state}</strong>`}</span></li>`).join('');
  const labels = s.labels.map((l) => `${l.name}=${l.value}`).join(', ');
  const budget = s.error_budget_remaining_ratio;
  const meter = budget === null ? '' : `<meter min="0" max="1" low="0.25" high="0.5" optimum="1" value="${Math.max(0, Math.min(1, budget))}" aria-label="Error budget left: ${esc(s.error_budget_remaining_ratio_text)}"></meter>`;
  return `<tr data-slo="${esc(s.service)}/${esc(s.slo)}" data-state="${s.state}">
<th scope="row" class="who"><button type="button" class="link" data-service="${esc(s.service)}" data-detail="${esc(s.slo)}" aria-label="${esc(s.slo)}: details">${esc(s.slo)}</button>
<span class="service">${esc(s.service)} · <span data-value="objective">${esc(s.objective_text)} over ${esc(s.window)}</span></span>${labels ? `<span class="labels">${esc(labels)}</span>` : ''}</th>
<td><span class="badge ${s.state}" data-value="state">${esc(s.state_text)}</span><span class="data" data-value="data">${esc(s.data_text)}</span></td>
<td class="num" data-value="sli">${esc(s.sli_text)}</td>
<td>${meter}<span data-value="budget">${esc(s.error_budget_remaining_ratio_text)}</span>${budget === null ? '' : ' left'}<span class="data">${esc(s.error_budget_spent_text)}</span></td>
<td><ul class="tiers">${tiers || '<li>no alert tiers</li>'}</ul></td>
<td class="spark">${sparkHTML(s)}</td></tr>`;
}

/** The budget over the window as a small line; a gap where Prometheus has no point. */
function sparkHTML(s) {
  const values = Array.from(s.budget_series);
  const known = values.filter(Number.isFinite);
  if (known.length < 2) return `<span class="data">${esc(s.budget_series_text)}</span>`;
  const lo = Math.min(0, ...known);
  const hi = Math.max(1, ...known);
  const step = 120 / Math.max(1, values.length - 1);
  const runs = [[]];
  values.forEach((v, i) => {
    if (Number.isFinite(v)) runs.at(-1).push(`${(i * step).toFixed(1)},${(26 - ((v - lo) / (hi - lo)) * 24).toFixed(1)}`);
    else if (runs.at(-1).length) runs.push([]);
  });
  return `<svg viewBox="0 0 120 28" role="img" aria-label="${esc(s.budget_series_text)}">${runs.filter((r) => r.length).map((r) => `<polyline points="${r.join(' ')}"/>`).join('')}</svg>`;
}

/** The detail view: budget, burn per window, events per step, alerts, and the backtest link. */
/** `words`: the backtest module, whose `humanize`, `percent`, `burn_rate` and `whole` label the axes. */
function detailHTML(d, s, width, words, link) {
  const span = d.end_seconds - d.start_seconds;
  const x = timeAxis(span, width, words.humanize, `The ${s.window} window, ${d.step_text}`,
    (t) => (t === span ? 'now' : `-${words.humanize(span - t)}`));
  const points = (values) => Array.from(values).map((v, i) => [i * d.step_seconds, v]).filter(([, v]) => Number.isFinite(v));
  const id = `fleet-${d.service}-${d.slo}`.replace(/[^A-Za-z0-9-]/g, '-');
  // Budgets span 100% down to below zero; rates and counts start at zero.
  const lineChart = (name, title, series, yTitle, format, desc, floor = 0) => {
    const all = series.flatMap((e) => e.points.map((p) => p[1]));
    const lo = Math.min(0, ...all);
    const hi = Math.max(floor, ...all);
    return chart({ width, height: 220, x, y: { min: lo, max: hi, ticks: roundTicks(lo, hi).map((v) => [v, format(v)]), title: yTitle },
      series, title: { id: `${id}-${name}`, text: title }, desc });
  };
  const burn = d.burn_rates.map((b, i) => ({ points: points(b.burn_rates), cls: `series-${(i % 4) + 1}`, label: `burn over ${b.window}` }));
  const events = [{ points: points(d.good_events), cls: 'series-3', label: 'good events per step' }, { points: points(d.bad_events), cls: 'series-4', label: 'bad events per step' }];
  const lanes = ['page', 'ticket'].map((severity) => ({ label: `${severity}s`, cls: severity,
    spans: d.alerts.filter((a) => a.severity === severity).map((a) => ({ from: a.start_seconds - d.start_seconds, to: a.still_firing ? null : a.end_seconds - d.start_seconds, label: a.text })) }));
  const legend = (series) => `<ul class="legend">${legendHTML(series.map((e) => [e.cls, e.label]))}</ul>`;
  return `<h4 tabindex="-1">${esc(d.service)} / ${esc(d.slo)}: ${esc(s.objective_text)} over ${esc(s.window)}</h4>
${lineChart('budget', 'Error budget left over the window', [{ points: points(d.budget_remaining), cls: 'series-1', label: 'budget left' }], 'Budget left', words.percent, `now ${s.error_budget_remaining_ratio_text}`, 1)}
${lineChart('burn', 'Burn rate over each tier window', burn, 'Burn rate (x)', words.burn_rate, s.tiers.map((t) => t.text).join('; '))}${legend(burn)}
${d.good_events.length ? `${lineChart('events', 'Good and bad events per step', events, 'Events per step', words.whole, d.step_text)}${legend(events)}` : '<p class="hint">The rules record no events per step for this SLO.</p>'}
${chart({ width, height: 70 + lanes.length * 18, x, y: { min: 0, max: 1, ticks: [], title: '' }, lanes, title: { id: `${id}-alerts`, text: 'When its alerts fired' }, desc: d.alerts_text })}
<p data-value="alerts">${esc(d.alerts_text)}</p>
<ul class="alerts-list">${d.alerts.map((a) => `<li data-alert="${esc(a.tier ?? a.alertname)}">${esc(a.text)}</li>`).join('')}</ul>
${link}`;
}

customElements.get('slo-fleet') || customElements.define('slo-fleet', SloFleet);
