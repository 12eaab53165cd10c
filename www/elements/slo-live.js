// <slo-live src="http://127.0.0.1:10000/slo/status" interval="5" token="">
// Polls the Envoy filter's status endpoint and shows each SLO's budget left, burn rates
// and firing alerts. The only element that touches the network, and only its `src` URL.
// The endpoint sends the core's status result (docs/results.md), words included, so this
// element needs no WebAssembly: it only lays the words out.
import { adoptStyles, esc, titleHTML } from './slo-common.js';

const CSS = `.state { margin: 0 0 .5rem; } .state.error { color: var(--slo-error, #b91c1c); }
.firing { color: var(--slo-error, #b91c1c); font-weight: 600; }`;

export class SloLive extends HTMLElement {
  static observedAttributes = ['src', 'interval', 'token'];

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.last = null;
  }

  connectedCallback() {
    adoptStyles(this.shadowRoot, CSS);
    this.shadowRoot.innerHTML = `${titleHTML(this, 'Live SLO status')}
<p class="state" role="status" aria-live="polite"></p>
<div class="results" role="region" aria-live="polite" aria-label="Live SLO status"></div>
<p class="hint">Source: <code class="src"></code></p>`;
    this.start();
  }

  disconnectedCallback() {
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  attributeChangedCallback() {
    if (this.isConnected && this.shadowRoot.firstChild) this.start();
  }

  start() {
    clearTimeout(this.timer);
    this.controller?.abort();
    this.shadowRoot.querySelector('.src').textContent = this.getAttribute('src') ?? '(none)';
    this.poll();
  }

  /** Seconds between polls; at least one. */
  get interval() {
    const n = Number(this.getAttribute('interval') ?? 5);
    return Number.isFinite(n) && n >= 1 ? n : 5;
  }

  async poll() {
    const src = this.getAttribute('src');
    if (!src) {
      this.showError('No status URL: set the src attribute to the filter\'s status endpoint.');
      return;
    }
    this.controller = new AbortController();
    const timeout = setTimeout(() => this.controller.abort(), 4000);
    try {
      const token = this.getAttribute('token');
      const response = await fetch(src, {
        cache: 'no-store',
        credentials: 'omit',
        priority: 'high',
        signal: this.controller.signal,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (!response.ok) throw new Error(`the endpoint answered HTTP ${response.status}`);
      const body = await response.json();
      if (!Array.isArray(body?.slos)) throw new Error('the answer has no "slos" list');
      this.render(body);
    } catch (error) {
      if (!this.isConnected) return;
      const why = error.name === 'AbortError' ? 'no answer within 4 s' : error.message;
      this.showError(`Cannot read ${src}: ${why}.${this.last ? ' Showing the last status received.' : ''}`);
    } finally {
      clearTimeout(timeout);
    }
    if (this.isConnected) this.timer = setTimeout(() => this.poll(), this.interval * 1000);
  }

  showError(message) {
    const state = this.shadowRoot.querySelector('.state');
    state.className = 'state error';
    state.textContent = message;
    this.dataset.state = 'error';
  }

  render(status) {
    const slos = status.slos;
    // The answer comes from the network: a field it lacks shows as '?', never as an error.
    const list = (v) => (Array.isArray(v) ? v : []);
    const rows = slos.map((s) => {
      const rates = list(s.burn_rates).map((b) => `${esc(b?.window ?? '?')}: ${esc(b?.burn_rate_text ?? '?')}`).join(', ');
      const firing = list(s.tiers).filter((t) => t?.active).map((t) => `${t.name} (${t.severity})`);
      return `<tr data-slo="${esc(s.slo)}"><th scope="row">${esc(s.slo ?? '?')}</th>` +
        `<td class="num">${esc(s.target_text ?? '?')}</td><td>${esc(s.window ?? '')}</td>` +
        `<td class="num">${esc(s.good ?? '?')} / ${esc(s.bad ?? '?')}</td>` +
        `<td class="num" data-value="remaining">${esc(s.error_budget_remaining_ratio_text ?? '?')}</td>` +
        `<td>${rates || '-'}</td>` +
        `<td class="${firing.length ? 'firing' : ''}">${firing.length ? esc(firing.join(', ')) : 'none'}</td></tr>`;
    });
    this.shadowRoot.querySelector('.results').innerHTML = slos.length === 0 ? '<p>The endpoint reports no SLOs.</p>'
      : `<div class="scroll" tabindex="0" role="region" aria-label="SLO status table"><table><caption>SLOs seen by the filter</caption><thead><tr><th scope="col">SLO</th><th scope="col" class="num">Target</th><th scope="col">Window</th><th scope="col" class="num">Good / bad requests</th>` +
      `<th scope="col" class="num">Budget left</th><th scope="col">Burn rates</th><th scope="col">Alerts firing</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
    const state = this.shadowRoot.querySelector('.state');
    state.className = 'state';
    state.textContent = `Updated ${new Date().toLocaleTimeString()}; refreshes every ${this.interval} s.`;
    this.last = status;
    this.dataset.state = 'ok';
    this.dataset.ready = 'true';
    this.dispatchEvent(new CustomEvent('change', { detail: status, bubbles: true }));
  }
}

customElements.get('slo-live') || customElements.define('slo-live', SloLive);
