// <slo-live src="http://127.0.0.1:10000/slo/status" interval="5" token="">
// Polls the Envoy filter's status endpoint and shows, per SLO, what an on-call engineer
// needs at a glance: the budget left as a bar (and, once over-spent, how many budgets were
// spent), each tier's burn rates against its threshold, the firing tiers as badges, and a
// sparkline of the budget over the polls seen. The only element that touches the network,
// and only its `src` URL. The endpoint sends the core's status result (docs/results.md),
// words included, so this element needs no WebAssembly: it only lays the words out.
import { adoptStyles, color } from './lib/style.js';
import { esc, titleHTML, regionLabel } from './lib/html.js';
import { fetchRefusal } from './lib/net.js';

const TIMEOUT_MS = 4000;
/** Polls the sparkline remembers per SLO. */
const HISTORY = 60;

const CSS = `.state { margin: 0 0 .5rem; } .state.error { color: ${color('error')}; }
.slo { border-top: 1px solid ${color('border')}; padding: .6rem 0 .2rem; }
.slo-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .3rem .8rem; }
.slo-head .name { font-size: 1.05em; }
.meta { color: ${color('muted')}; font-size: .9em; }
.badges { display: flex; flex-wrap: wrap; gap: .3rem; margin-left: auto; }
.badge { white-space: nowrap; font-size: .85em; font-weight: 600; padding: .05rem .5rem; border-radius: 999px; border: 2px solid var(--c); }
.badge.page { --c: ${color('page')}; background: var(--c); color: ${color('bg')}; }
.badge.ticket { --c: ${color('ticket')}; color: ${color('fg')}; }
.badge.quiet { --c: ${color('ok')}; color: ${color('fg')}; font-weight: 400; }
.budget { display: grid; grid-template-columns: minmax(6rem, 16rem) auto; gap: .2rem .8rem; align-items: center; margin: .5rem 0; }
.bar { width: 100%; height: .9rem; border-radius: 4px; }
.bar .track, .gauge .track { fill: ${color('track')}; } .bar .fill { fill: ${color('ok')}; }
.bar.over { outline: 2px solid ${color('error')}; }
.budget-words { font-variant-numeric: tabular-nums; }
.budget-words strong.over { color: ${color('error')}; }
.spark { display: flex; align-items: center; gap: .5rem; color: ${color('muted')}; font-size: .85em; }
.spark svg { width: 8rem; height: 1.6rem; }
.spark polyline { fill: none; stroke: ${color('accent')}; stroke-width: 1.5; }
table.tiers { width: 100%; }
table.tiers th, table.tiers td { padding-right: .5rem; }
th[scope="row"] { white-space: nowrap; }
.gauge { display: block; width: 100%; max-width: 8rem; height: .4rem; margin-top: .15rem; }
td, th { vertical-align: top; }
.severity { display: block; font-size: .8em; color: ${color('muted')}; font-weight: 400; }
tr.firing th[scope="row"] { color: ${color('error')}; }
@container (max-width: 34rem) { .budget { grid-template-columns: 1fr; } }
.gauge .fill { fill: ${color('muted')}; } .gauge.reached .fill { fill: ${color('error')}; }`;

export class SloLive extends HTMLElement {
  static observedAttributes = ['src', 'interval', 'token'];

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.last = null;
    /** Bumped by every (re)start: a poll of an older generation ends without a trace. */
    this.generation = 0;
    /** SLO name -> the last polls' budget left, for the sparklines. */
    this.history = new Map();
  }

  connectedCallback() {
    if (!this.shadowRoot.firstChild) {
      adoptStyles(this.shadowRoot, CSS);
      this.shadowRoot.innerHTML = `${titleHTML(this, 'Live SLO status')}
<p class="state" role="status" aria-live="polite"></p>
<div class="results" role="region" aria-label="${regionLabel(this, 'Live SLO status')}"></div>
<p class="hint">Source: <code class="src"></code></p>`;
    }
    this.start();
  }

  disconnectedCallback() {
    this.stop();
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.isConnected || !this.shadowRoot.firstChild) return;
    if (name === 'src') this.history.clear();
    this.start();
  }

  stop() {
    this.generation += 1;
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  /** Ends any poll under way (it will show nothing) and starts one polling loop. */
  start() {
    this.stop();
    this.shadowRoot.querySelector('.src').textContent = this.getAttribute('src') ?? '(none)';
    this.poll(this.generation);
  }

  /** Seconds between polls; at least one. */
  get interval() {
    const n = Number(this.getAttribute('interval') ?? 5);
    return Number.isFinite(n) && n >= 1 ? n : 5;
  }

  async poll(generation) {
    const src = this.getAttribute('src');
    if (!src) {
      this.showError('No status URL: set the src attribute to the filter\'s status endpoint.');
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    let timedOut = false;
    const timeout = setTimeout(() => { timedOut = true; controller.abort(); }, TIMEOUT_MS);
    const token = this.getAttribute('token');
    try {
      const response = await fetch(src, {
        cache: 'no-store',
        credentials: 'omit',
        priority: 'high',
        signal: controller.signal,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (!response.ok) throw new HttpError(response.status, token);
      const body = await response.json();
      if (!Array.isArray(body?.slos)) throw new Error('the answer has no "slos" list');
      if (generation === this.generation) this.render(body);
    } catch (error) {
      if (generation !== this.generation) return;
      const why = timedOut ? `no answer within ${TIMEOUT_MS / 1000} s` : await this.explain(error, src, token);
      if (generation !== this.generation) return;
      this.showError(`Cannot read ${src}: ${why}.${this.last ? ' Showing the last status received.' : ''}`);
    } finally {
      clearTimeout(timeout);
    }
    if (generation === this.generation) this.timer = setTimeout(() => this.poll(generation), this.interval * 1000);
  }

  /** Why a fetch failed, as far as a page can tell (`fetchRefusal`), in words. */
  async explain(error, src, token) {
    switch (await fetchRefusal(error, src, TIMEOUT_MS)) {
      case 'csp': return "the page's Content Security Policy does not allow it: add its origin to connect-src";
      case 'unreachable': return 'no connection (is the proxy running, and is the address right?)';
      case 'cors': return `the endpoint answers, but not to this page: it must allow the origin ${location.origin} (CORS, Access-Control-Allow-Origin)` +
        (token ? ' and the Authorization header (Access-Control-Allow-Headers)' : '');
      default: return error.message;
    }
  }

  showError(message) {
    const state = this.shadowRoot.querySelector('.state');
    state.className = 'state error';
    state.textContent = message;
    this.dataset.state = 'error';
  }

  remember(slo) {
    const seen = this.history.get(slo.slo) ?? [];
    seen.push({ ratio: slo.error_budget_remaining_ratio, text: slo.error_budget_remaining_ratio_text });
    if (seen.length > HISTORY) seen.shift();
    this.history.set(slo.slo, seen);
    return seen;
  }

  render(status) {
    const slos = status.slos;
    const results = this.shadowRoot.querySelector('.results');
    results.innerHTML = slos.length === 0 ? '<p>The endpoint reports no SLOs.</p>'
      : slos.map((s) => this.sloHTML(s, this.remember(s))).join('');
    const state = this.shadowRoot.querySelector('.state');
    state.className = 'state';
    state.textContent = `Updated ${clockTime(new Date())} (your clock); refreshes every ${this.interval} s.`;
    this.last = status;
    this.dataset.state = 'ok';
    this.dataset.ready = 'true';
    this.dispatchEvent(new CustomEvent('change', { detail: status, bubbles: true }));
  }

  /** One SLO's card. The answer comes from the network: a field it lacks shows as '?'. */
  sloHTML(s, seen) {
    const list = (v) => (Array.isArray(v) ? v : []);
    const tiers = list(s.tiers);
    const firing = tiers.filter((t) => t?.active);
    const remaining = s.error_budget_remaining_ratio;
    const over = remaining === null || remaining < 0;
    // The bar is the budget left, from full to empty; an over-spent budget is an empty bar.
    const fill = over ? 0 : Math.min(1, remaining);
    const left = over ? 'none left' : `${esc(s.error_budget_remaining_ratio_text ?? '?')} left`;
    const badges = firing.length
      ? firing.map((t) => `<span class="badge ${t.severity === 'page' ? 'page' : 'ticket'}" data-firing="${esc(t.name)}">${esc(t.name)} (${esc(t.severity)})</span>`).join('')
      : '<span class="badge quiet">no alert firing</span>';
    // Four short columns, so that the table fits a phone as it is.
    const rows = tiers.map((t) => `<tr data-tier="${esc(t?.name)}"${t?.active ? ' class="firing"' : ''}><th scope="row">${esc(t?.name ?? '?')}` +
      `<span class="severity">${esc(t?.severity ?? '?')}${t?.active ? ', firing' : ''}</span></th>` +
      `<td class="num" data-value="threshold">${esc(t?.burn_rate_threshold_text ?? '?')}</td>` +
      rateCell(t?.long_window, t?.long_burn_rate, t?.long_burn_rate_text, t?.burn_rate_threshold) +
      rateCell(t?.short_window, t?.short_burn_rate, t?.short_burn_rate_text, t?.burn_rate_threshold) + '</tr>').join('');
    return `<section class="slo" data-slo="${esc(s.slo)}" aria-label="SLO ${esc(s.slo ?? '?')}">
  <div class="slo-head"><strong class="name">${esc(s.slo ?? '?')}</strong><span class="meta">${esc(s.target_text ?? '?')} over ${esc(s.window ?? '?')}; ${esc(s.good ?? '?')} good, ${esc(s.bad ?? '?')} bad</span>
    <span class="badges">${badges}</span></div>
  <div class="budget">${barSVG(`bar${over ? ' over' : ''}`, fill, `role="img" aria-label="Error budget: ${left}"`)}
    <span class="budget-words">Budget <strong class="${over ? 'over' : ''}" data-value="left">${left}</strong>; <span data-value="spent">${esc(s.error_budget_spent_text ?? '?')}</span></span></div>
  ${sparkHTML(seen)}
  <table class="tiers"><caption class="sr-only">Burn rates of ${esc(s.slo ?? '?')} against each tier's threshold</caption>
    <thead><tr><th scope="col">Tier</th><th scope="col" class="num">Threshold</th><th scope="col">Long window</th><th scope="col">Short window</th></tr></thead>
    <tbody>${rows}</tbody></table>
</section>`;
  }
}

/**
 * HH:MM:SS on the reader's clock. Not toLocaleTimeString: its first call loads the
 * locale's date formats (tens of ms, measured at page load), for a time of day.
 */
const clockTime = (date) => [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');

/** A failed HTTP answer, with what the reader can do about it. */
class HttpError extends Error {
  constructor(status, token) {
    const advice = {
      401: token ? 'the token was not accepted' : 'it wants a token: set the token attribute',
      403: 'it refuses this client or token',
      404: 'nothing there: is the path the filter\'s status path?',
    }[status];
    super(`the endpoint answered HTTP ${status}${advice ? ` (${advice})` : ''}`);
  }
}

/**
 * One window's burn rate with a gauge of how near it is to the tier's threshold (full at
 * the threshold). The words are the endpoint's.
 */
function rateCell(window, rate, text, threshold) {
  const share = threshold > 0 && Number.isFinite(rate) ? Math.min(1, Math.max(0, rate / threshold)) : 0;
  return `<td class="rate">${esc(window ?? '?')}: ${esc(text ?? '?')}${barSVG(`gauge${share >= 1 ? ' reached' : ''}`, share, 'aria-hidden="true"')}</td>`;
}

/**
 * A bar filled to `share` (0 to 1), drawn in SVG: sizes in attributes, not inline styles,
 * which a page's Content Security Policy may forbid.
 */
function barSVG(cls, share, attrs) {
  return `<svg class="${cls}" viewBox="0 0 100 10" preserveAspectRatio="none" ${attrs}>` +
    `<rect class="track" width="100" height="10"/><rect class="fill" width="${(share * 100).toFixed(1)}" height="10"/></svg>`;
}

/** The budget left over the polls seen, as a small line. */
function sparkHTML(seen) {
  const ratios = seen.map((p) => p.ratio).filter(Number.isFinite);
  if (ratios.length < 2) return `<p class="spark">Trend: from the next poll on.</p>`;
  const [lo, hi] = [Math.min(...ratios), Math.max(...ratios)];
  const y = (r) => (hi > lo ? 26 - ((r - lo) / (hi - lo)) * 24 : 14).toFixed(1);
  const step = 120 / (HISTORY - 1);
  const points = seen.filter((p) => Number.isFinite(p.ratio)).map((p, i) => `${(i * step).toFixed(1)},${y(p.ratio)}`).join(' ');
  const label = `Budget left over the last ${seen.length} polls: from ${seen[0].text} to ${seen.at(-1).text}`;
  return `<p class="spark"><svg viewBox="0 0 120 28" role="img" aria-label="${esc(label)}"><polyline points="${points}"/></svg><span>${esc(label)}</span></p>`;
}

customElements.get('slo-live') || customElements.define('slo-live', SloLive);
