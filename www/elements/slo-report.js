// <slo-report src="history.csv" target="99.9" window="30d">
// A per-window compliance report of one target over a real history (CSV rows
// timestamp,good,bad): SLI achieved, budget spent, time out of SLO and alerts fired in each
// window, computed by the core from the backtest's figures. The reader saves it as CSV or
// Markdown (the core's bytes, the very ones `slo report` prints) or copies the Markdown
// into a ticket; nothing is sent anywhere. `src` (fetched once, from where the page
// says) is optional: the reader can drop, choose or paste a file instead, or read the
// history from a Prometheus server (slo-history.js).
// Like <slo-backtest>, not part of slo-elements.js: it loads the backtest's wasm module.
import { SloElement } from './lib/element.js';
import { esc, labelCells, saveText, titleHTML, regionLabel } from './lib/html.js';
import { HISTORY_CSS, PROMETHEUS_FIELDS, withHistory } from './slo-history.js';

export class SloReport extends withHistory(SloElement) {
  static fields = [
    { name: 'target', attr: 'target', value: '99.9' },
    { name: 'window', attr: 'window', value: '30d' },
    ...PROMETHEUS_FIELDS,
  ];

  static css = `${HISTORY_CSS}
.verdict { font-size: 1.1em; margin: .2rem 0 .6rem; }
.header { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: 0 0 .6rem; font-size: .9em; }
.header dt { font-weight: 600; }
.header dd { margin: 0; overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .2rem 0 .6rem; }
.actions .done { font-size: .85em; }
.actions button:disabled { opacity: .45; cursor: not-allowed; }
.actions[hidden] { display: none; }
td.missed { color: var(--slo-error, light-dark(#b91c1c, #fca5a5)); font-weight: 600; }
td .first { display: block; }
td time { white-space: nowrap; }`;

  template() {
    const v = Object.fromEntries(SloReport.fields.map((f) => [f.name, this.initial(f)]));
    return `${titleHTML(this, 'Compliance report')}
<form novalidate>
  ${this.historyHTML()}
  ${this.prometheusHTML(v)}
  ${this.fieldHTML('target', 'Target (%)', v.target, { inputmode: 'decimal', hint: 'e.g. 99.9' })}
  ${this.fieldHTML('window', 'Window', v.window, { hint: 'e.g. 30d, 28d or month' })}
  <p class="error form-error" aria-live="polite"></p>
</form>
<div class="results" role="region" aria-live="polite" aria-label="${regionLabel(this, 'Compliance report')}">
  <p class="stale"></p>
  <p class="verdict"></p>
  <dl class="header"></dl>
  <div class="actions" hidden>
    <button type="button" data-save="csv" disabled>Download CSV</button>
    <button type="button" data-save="markdown" disabled>Download Markdown</button>
    <button type="button" class="secondary copy" disabled>Copy Markdown</button>
    <span class="done hint" role="status"></span>
  </div>
  <div class="scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'Windows table')}" hidden><table class="windows stack"><caption></caption>
    <thead><tr><th scope="col">Window (UTC)</th><th scope="col">Coverage</th><th scope="col" class="num">Good</th>
    <th scope="col" class="num">Bad</th><th scope="col" class="num">SLI</th><th scope="col">Result</th><th scope="col" class="num">Budget spent</th>
    <th scope="col" class="num">Out of SLO</th></tr></thead><tbody></tbody></table></div>
  <div class="scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'Alerts table')}" hidden><table class="alerts stack"><caption>Alerts that began firing in each window, per tier</caption>
    <thead></thead><tbody></tbody></table></div>
</div>`;
  }

  connectedCallback() {
    const first = !this.built;
    super.connectedCallback();
    if (!first) return;
    this.wireHistory(this.getAttribute('src'));
    const root = this.shadowRoot;
    for (const button of root.querySelectorAll('[data-save]')) {
      button.addEventListener('click', () => this.save(button.dataset.save));
    }
    root.querySelector('.copy').addEventListener('click', () => this.copy());
  }

  compute(lib, v) {
    const source = this.historyName(v);
    return this.fromHistory(v, {
      csv: (text) => lib.report(text, source, v.target, v.window),
      prometheus: (read) => lib.report_prometheus(read.counts, read.events, read.total, source, v.target, v.window),
    });
  }

  /** The file name a download gets: the history's, the target and the window. */
  fileName(extension) {
    const r = this.last.report;
    const stem = (r.source.replace(/\.[^.]*$/, '') || 'history').replace(/[^A-Za-z0-9._-]+/g, '-');
    return `${stem}-${r.target_text.replace('%', '')}-${r.window}-compliance.${extension}`;
  }

  /** Saves the core's bytes from memory (a Blob): nothing goes over the network. */
  save(format) {
    if (!this.last) return;
    const [text, type, extension] = format === 'csv'
      ? [this.last.csv, 'text/csv;charset=utf-8', 'csv'] : [this.last.markdown, 'text/markdown;charset=utf-8', 'md'];
    const name = this.fileName(extension);
    saveText(text, type, name);
    this.said(`Saved ${name}.`);
  }

  async copy() {
    if (!this.last) return;
    try {
      await navigator.clipboard.writeText(this.last.markdown);
      this.said('Markdown copied: paste it into a ticket.');
    } catch (error) {
      this.said(`Could not copy (${error.message}): use Download Markdown instead.`);
    }
  }

  /** A stale report (an input is being typed, or is not valid) cannot be saved: the file
   * would not be what the fields say. */
  showStale(why) {
    super.showStale(why);
    this.allowSaving(false);
  }

  clearStale() {
    super.clearStale();
    this.allowSaving(true);
  }

  allowSaving(allowed) {
    for (const button of this.shadowRoot.querySelectorAll('.actions button')) button.disabled = !allowed;
  }

  said(text) {
    this.shadowRoot.querySelector('.done').textContent = text;
  }

  render(answer) {
    const r = answer.report;
    const root = this.shadowRoot;
    this.said('');
    this.showSamples(r.samples_text);
    // Shown from the first report on (before it, an empty table says nothing).
    for (const part of root.querySelectorAll('.actions, .results .scroll')) part.hidden = false;
    root.querySelector('.verdict').textContent = `${r.target_text} over ${r.window_text}: ${r.summary_text}.`;
    const header = [
      ...(r.slo === null ? [] : [['SLO', r.slo]]),
      ['Windows', r.windows_text],
      ['History', `${r.start_text} to ${r.end_text} (${r.history_text} of ${r.step} steps)`],
      ['Gaps', r.gaps_text],
      ['Input', r.source],
    ];
    root.querySelector('.header').innerHTML = header.map(([name, value]) => `<dt>${esc(name)}</dt><dd>${esc(value)}</dd>`).join('');
    const windowCell = (w) => `<th scope="row">${esc(w.start_text)}<br><span class="hint">to ${esc(w.end_text)}</span></th>`;
    const table = root.querySelector('.windows');
    table.caption.textContent = `Per ${r.window} window: ${r.target_text} met or missed, and the budget spent`;
    table.tBodies[0].innerHTML = r.windows.map((w) => `<tr data-start="${esc(w.start_text)}">${windowCell(w)}` +
      `<td>${esc(w.coverage_text)}${w.no_data_seconds > 0 ? `<span class="first hint">no data for ${esc(w.no_data_text)}</span>` : ''}</td>` +
      `<td class="num">${esc(w.good_text)}</td><td class="num">${esc(w.bad_text)}</td>` +
      `<td class="num">${esc(w.sli_text ?? '-')}</td><td data-value="verdict" class="${w.verdict === 'missed' ? 'missed' : ''}">${esc(w.verdict)}</td>` +
      `<td class="num">${esc(w.budget_spent_text)}</td><td class="num">${esc(w.out_of_slo_text)}</td></tr>`).join('');
    labelCells(table);
    // The alerts in a table of their own: a column per tier beside the figures above would
    // push them past the width of most pages.
    const alerts = root.querySelector('table.alerts');
    alerts.parentElement.hidden = r.tiers.length === 0;
    alerts.tHead.innerHTML = `<tr><th scope="col">Window (UTC)</th>${r.tiers.map((t) => `<th scope="col">${esc(t.name)} (${esc(t.severity)})</th>`).join('')}</tr>`;
    alerts.tBodies[0].innerHTML = r.windows.map((w) => `<tr>${windowCell(w)}` +
      w.alerts.map((a) => `<td>${a.fired === 0 ? '0' : `${a.fired}<span class="first hint">first <time>${esc(a.first_fired_text)}</time></span>`}</td>`).join('') +
      '</tr>').join('');
    labelCells(alerts);
  }
}

customElements.get('slo-report') || customElements.define('slo-report', SloReport);
