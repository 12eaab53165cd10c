// <slo-budget target="99.9" window="30d" requests="1000000">: allowed downtime per day,
// week, 30-day month, 90-day quarter, 365-day year and the window; allowed bad requests;
// the nines table.
import { SloElement } from './lib/element.js';
import { esc, titleHTML, regionLabel } from './lib/html.js';
import { core } from './lib/wasm.js';

export class SloBudget extends SloElement {
  static wasm = core;

  static fields = [
    { name: 'target', attr: 'target', value: '99.9' },
    { name: 'window', attr: 'window', value: '30d' },
    { name: 'requests', attr: 'requests', value: '' },
  ];

  template() {
    const [target, window, requests] = SloBudget.fields.map((f) => this.initial(f));
    return `${titleHTML(this, 'Error budget')}
<form novalidate>
  ${this.fieldHTML('target', 'Target (%)', target, { hint: 'e.g. 99.9 or 0.999', inputmode: 'decimal' })}
  ${this.fieldHTML('window', 'Window', window, { hint: 'e.g. 30d, 28d, 4w, or month' })}
  ${this.fieldHTML('requests', 'Requests in the window (optional)', requests, { hint: 'a whole number, e.g. 1000000 or 1e6' })}
</form>
<div class="results" role="region" aria-live="polite" aria-label="${regionLabel(this, 'Error budget results')}">
  <p class="stale"></p>
  <p class="headline" part="headline"></p>
  <table class="periods"><caption>Allowed downtime</caption>
    <thead><tr><th scope="col">Period</th><th scope="col" class="num">Allowed downtime</th></tr></thead><tbody></tbody></table>
  <p class="bad-requests"></p>
</div>
<details class="nines"><summary>The nines table</summary><p class="hint scroll-hint">Scroll the table sideways for longer periods.</p><div class="nines-table scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'The nines table')}"></div></details>`;
  }

  compute(lib, v) {
    return lib.budget(v.target, v.window, v.requests);
  }

  render(r, lib) {
    const root = this.shadowRoot;
    root.querySelector('.headline').innerHTML =
      `${esc(r.target_text)} over ${esc(r.window_text)} allows <strong data-value="downtime">${esc(r.allowed_downtime_text)}</strong> of downtime (error budget ${esc(r.error_budget_ratio_text)}).`;
    const rows = r.periods.map((p) =>
      `<tr data-period="${esc(p.period)}"><th scope="row">per ${esc(p.period)}</th><td class="num">${esc(p.allowed_downtime_text)}</td></tr>`);
    rows.push(`<tr data-period="window"><th scope="row">per window (${esc(r.window_text)})</th><td class="num">${esc(r.allowed_downtime_text)}</td></tr>`);
    root.querySelector('.periods tbody').innerHTML = rows.join('');
    root.querySelector('.bad-requests').innerHTML = r.requests === null ? ''
      : `Of ${esc(r.requests)} requests in the window, <strong data-value="allowed-bad">${esc(r.allowed_bad_requests)}</strong> may fail.`;
    this.renderNines(lib, r.target_text);
  }

  renderNines(lib, current) {
    this.nines ??= lib.nines();
    const { periods, rows } = this.nines;
    const head = periods.map((p) => `<th scope="col" class="num">per ${esc(p)}</th>`).join('');
    const body = rows.map((row) =>
      `<tr${row.target === current ? ' class="current" aria-current="true"' : ''}><th scope="row">${esc(row.target)}</th>` +
      row.downtime.map((d) => `<td class="num">${esc(d)}</td>`).join('') + '</tr>').join('');
    this.shadowRoot.querySelector('.nines-table').innerHTML =
      `<table><caption>Allowed downtime by target</caption><thead><tr><th scope="col">Target</th>${head}</tr></thead><tbody>${body}</tbody></table>`;
  }
}

// Defined once its module is instantiated (or failed): see "Defined once" in lib/wasm.js.
await core().catch(() => {});

customElements.get('slo-budget') || customElements.define('slo-budget', SloBudget);
