// The base element of the calculators and of the history elements: a form whose fields
// the core checks, inline messages, the typing pause, stale results, state in the URL
// fragment and a chart that follows its box's width. No SLO math happens here.
import { adoptStyles } from './style.js';
import { esc } from './html.js';
import { loadErrorText } from './net.js';

let uid = 0;

/**
 * Elements whose chart waits for its box's width, drawn together by `drawWaitingCharts`.
 * At page load no ResizeObserver has reported a width yet, and measuring a box forces a
 * layout of the whole page: measured as each element rendered, that was one layout per
 * chart (11 ms each at load on the benchmark's machine). Elements rendering in the same turn
 * write their figures first; then one layout measures every box, and the charts are drawn.
 */
let waitingCharts = null;

function drawWaitingCharts() {
  const waiting = waitingCharts;
  waitingCharts = null;
  // Every box measured before any chart is drawn: the reads share one layout.
  const widths = [...waiting.keys()].map((el) => el.boxWidth ?? el.shadowRoot.querySelector('.chart').clientWidth);
  [...waiting].forEach(([el, settle], i) => {
    el.boxWidth ??= widths[i];
    // One element's failure is its own update's, as when it draws alone.
    try {
      el.renderChart(el.last, el.lib);
      settle();
    } catch (error) {
      settle(error);
    }
  });
}

/**
 * The width to draw a chart at in a box `width` px wide: the box's, within limits. Here,
 * not in chart.js, so that elements without a chart (and <slo-editor>, which imports the
 * typing pause from here) do not load the chart module.
 */
export const chartWidthFor = (width) => (width > 0 ? Math.round(Math.min(Math.max(width, 280), 760)) : 640);

/**
 * How long typing must pause before a keystroke's value is computed: "100" passes through
 * "10", and a reader who types it should never be shown 27 days of downtime for a value
 * they never meant. Pasted, picked or scripted values are computed at once.
 */
export const TYPING_PAUSE_MS = 350;
/** Keystroke edits (typing, deleting), as opposed to a paste, a drop or a script. */
export const isKeystroke = (event) => /^(insert(Text|CompositionText|LineBreak)|delete)/.test(event.inputType ?? '');

/**
 * Base of the calculators and the history elements. A subclass declares `static fields`
 * ({ name, label, attr, value, hint }) and `static wasm` (its module's loader, from
 * lib/wasm.js), renders its form with `fieldHTML`, and implements `compute(module, values)`
 * (the core's `{ errors, result }`) and `render(result, module)`. The base wires inputs, messages, the fragment
 * state and the `change` event.
 */
export class SloElement extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.uid = `s${++uid}`;
    this.last = null;
    /** Field name -> text of the inputs the shown result was computed from. */
    this.shownFor = null;
  }

  static get observedAttributes() {
    return this.fields.map((f) => f.attr).filter(Boolean);
  }

  connectedCallback() {
    this.onHash ??= () => this.restoreFragment() && this.update();
    window.addEventListener('hashchange', this.onHash);
    // Moved in the document: the shadow DOM and its listeners are still there.
    if (this.built) return;
    this.built = true;
    adoptStyles(this.shadowRoot, this.constructor.css);
    this.shadowRoot.innerHTML = this.template();
    this.watchChartWidth();
    this.restoreFragment();
    this.shadowRoot.addEventListener('input', (event) => this.onInput(event));
    // The URL holds what the reader settled on: a field's value once they leave it or press
    // Enter (its change event), never a keystroke on the way. Leaving the field is also
    // what any reader does before copying the address.
    this.shadowRoot.addEventListener('change', () => this.settle());
    this.shadowRoot.addEventListener('submit', (event) => { event.preventDefault(); this.settle(); });
    this.update();
  }

  onInput(event) {
    clearTimeout(this.typing);
    if (!isKeystroke(event)) {
      this.update();
      return;
    }
    this.showStale('Waiting for you to finish typing.');
    this.typing = setTimeout(() => this.update(), TYPING_PAUSE_MS);
  }

  /** Computes now (no typing pause) and, if every field is valid, writes the URL. */
  async settle() {
    if (await this.update()) this.saveFragment();
  }

  /**
   * Marks the shown result stale: greyed, with `why` and the field values it was computed
   * from where they differ from what the fields say now.
   */
  showStale(why) {
    const slot = this.shadowRoot.querySelector('.stale');
    if (!slot || !this.last) return;
    const now = this.values();
    const changed = Object.entries(this.shownFor ?? {}).filter(([name, text]) => now[name] !== text)
      .map(([name, text]) => `${this.labelOf(name)} “${text}”`);
    slot.textContent = `${why} The result below is ${changed.length ? `still for ${changed.join(', ')}` : 'for the values before this edit'}.`;
    slot.closest('.results')?.classList.add('is-stale');
    this.dataset.stale = 'true';
  }

  clearStale() {
    const slot = this.shadowRoot.querySelector('.stale');
    if (slot) slot.textContent = '';
    slot?.closest('.results')?.classList.remove('is-stale');
    delete this.dataset.stale;
  }

  /** A field's label as the reader sees it (its legend too, for rows such as "Incident 2"). */
  labelOf(name) {
    const input = this.input(name);
    const label = input && this.shadowRoot.querySelector(`label[for="${input.id}"]`)?.textContent;
    const group = input?.closest('fieldset')?.querySelector('legend')?.textContent;
    // "Target (%)" reads "target": the unit is in the value.
    return [group, (label ?? name).replace(/\s*\(.*\)$/, '')].filter(Boolean).join(' ').toLowerCase();
  }

  disconnectedCallback() {
    window.removeEventListener('hashchange', this.onHash);
  }

  attributeChangedCallback(name, old, value) {
    if (!this.built || old === value) return;
    const field = this.constructor.fields.find((f) => f.attr === name);
    const input = field && this.input(field.name);
    if (input) input.value = value ?? field.value ?? '';
    this.update();
  }

  /** Initial value of a field: its attribute, else its default. */
  initial(field) {
    return this.getAttribute(field.attr) ?? field.value ?? '';
  }

  /** The id of a field's input inside the shadow root. */
  idOf(name) {
    return `${this.uid}-${name.replace(/[^A-Za-z0-9]+/g, '-')}`;
  }

  input(name) {
    return this.shadowRoot.getElementById(this.idOf(name));
  }

  /** A labelled input with its hint and its inline message. */
  fieldHTML(name, label, value, { hint = '', wide = false, multiline = false, inputmode = '' } = {}) {
    const id = this.idOf(name);
    const described = `${id}-msg${hint ? ` ${id}-hint` : ''}`;
    const common = `id="${id}" name="${esc(name)}" aria-describedby="${described}" spellcheck="false" autocomplete="off"`;
    const control = multiline
      ? `<textarea ${common} rows="2">${esc(value)}</textarea>`
      : `<input ${common} type="text" value="${esc(value)}"${inputmode ? ` inputmode="${inputmode}"` : ''}>`;
    return `<div class="field${wide ? ' wide' : ''}"><label for="${id}">${esc(label)}</label>${control}` +
      (hint ? `<span class="hint" id="${id}-hint">${esc(hint)}</span>` : '') +
      `<p class="error" id="${id}-msg" aria-live="polite"></p></div>`;
  }

  /** Field name -> current text of every input in the form. */
  values() {
    const out = {};
    for (const el of this.shadowRoot.querySelectorAll('input[name], textarea[name], select[name]')) out[el.name] = el.value;
    return out;
  }

  /** Puts each of the core's messages next to its field; clears the others. */
  showErrors(errors) {
    const names = Object.keys(errors);
    for (const el of this.shadowRoot.querySelectorAll('input[name], textarea[name], select[name]')) {
      const message = errors[el.name];
      el.setAttribute('aria-invalid', message ? 'true' : 'false');
      this.shadowRoot.getElementById(`${el.id}-msg`).textContent = message ?? '';
    }
    // A message for no single field (e.g. "dependencies") goes to the form's own slot.
    const general = this.shadowRoot.querySelector('.form-error');
    if (general) general.textContent = names.filter((n) => !this.input(n)).map((n) => errors[n]).join(' ');
    return names.length === 0;
  }

  /** Computes the fields as they are now; true if every field was valid. */
  async update() {
    clearTimeout(this.typing);
    let lib;
    try {
      lib = await this.constructor.wasm();
    } catch (error) {
      this.showLoadError(error);
      return false;
    }
    let answer;
    try {
      answer = this.compute(lib, this.values());
    } catch (error) {
      // The core answers bad input with messages; anything thrown is a bug, shown, not raised.
      answer = { errors: { '': `Internal error: ${error}` }, result: null };
    }
    const ok = this.showErrors(answer.errors) && answer.result;
    if (!ok) {
      this.showStale('An input is not valid.');
      return false;
    }
    this.clearStale();
    this.last = answer.result;
    this.lib = lib;
    this.shownFor = this.values();
    this.render(answer.result, lib);
    if (this.renderChart) {
      await this.chartDrawn();
      // A later update (in the same turn: a script setting attributes) shows its own result.
      if (this.last !== answer.result) return false;
    }
    this.dataset.ready = 'true';
    this.dispatchEvent(new CustomEvent('change', { detail: answer.result, bubbles: true }));
    return true;
  }

  /**
   * Draws the shown result's chart (a subclass with a chart implements `renderChart(result,
   * lib)` and draws into its `.chart` box) once its box's width is known; resolves when it is
   * drawn. The width comes from a ResizeObserver, which reports it after each layout; before
   * its first report (page load), the chart waits in `waitingCharts` for the other elements
   * rendering in this turn, so that one layout measures them all.
   */
  chartDrawn() {
    if (this.boxWidth !== undefined) {
      this.renderChart(this.last, this.lib);
      return Promise.resolve();
    }
    if (!waitingCharts) {
      waitingCharts = new Map();
      queueMicrotask(drawWaitingCharts);
    }
    return new Promise((drawn, failed) => {
      const earlier = waitingCharts.get(this);
      waitingCharts.set(this, (error) => {
        earlier?.(error);
        if (error) failed(error);
        else drawn();
      });
    });
  }

  /** The width to draw the chart at: its box's, so that 11 px labels are 11 px on screen. */
  chartWidth() {
    this.drawnWidth = chartWidthFor(this.boxWidth);
    return this.drawnWidth;
  }

  /**
   * Follows the width of the chart's box from the start, and redraws the shown result when it
   * changes (a phone turned, a sidebar collapsed) so that the labels keep their size.
   */
  watchChartWidth() {
    const box = this.shadowRoot.querySelector('.chart');
    if (!box) return;
    new ResizeObserver(([entry]) => {
      this.boxWidth = entry.contentRect.width;
      if (this.last && this.drawnWidth !== undefined && chartWidthFor(this.boxWidth) !== this.drawnWidth) this.renderChart(this.last, this.lib);
    }).observe(box);
  }

  /**
   * Wires the form's "Add" button and its rows' "Remove" buttons (data-remove="index"):
   * `get()` the rows as typed, `set(rows)` keep them, `render()` redraw them, `blank(n)` a
   * new row, `focusName(i)` the field to focus in new row i.
   */
  wireList({ get, set, render, blank, focusName }) {
    const root = this.shadowRoot;
    const add = root.querySelector('.add');
    const edit = (change, focus) => {
      const rows = get();
      change(rows);
      set(rows);
      render();
      focus(rows).focus();
      this.settle();
    };
    add.addEventListener('click', () => edit((rows) => rows.push(blank(rows.length)), (rows) => this.input(focusName(rows.length - 1))));
    root.querySelector('form').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-remove]');
      if (button) edit((rows) => rows.splice(Number(button.dataset.remove), 1), () => add);
    });
  }

  /** Says, in place of the results, why the core could not be loaded. */
  showLoadError(error) {
    const slot = this.shadowRoot.querySelector('.stale') ?? this.shadowRoot.querySelector('.state');
    if (!slot) return;
    slot.textContent = loadErrorText(error);
    slot.classList.add('error');
    this.dataset.state = 'error';
  }

  /** The key prefix of this element's state in the URL fragment. */
  get stateKey() {
    return this.id || this.localName;
  }

  /** State for the fragment: field name -> text. Subclasses with lists override both. */
  state() {
    return this.values();
  }

  setState(state) {
    for (const [name, value] of Object.entries(state)) {
      const input = this.input(name);
      if (input) input.value = value;
    }
  }

  saveFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const prefix = `${this.stateKey}.`;
    for (const key of [...params.keys()]) if (key.startsWith(prefix)) params.delete(key);
    for (const [name, value] of Object.entries(this.state())) params.set(prefix + name, value);
    history.replaceState(null, '', `#${params}`);
  }

  /** Reads this element's keys from the fragment; true if there were any. */
  restoreFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const prefix = `${this.stateKey}.`;
    const state = {};
    for (const [key, value] of params) if (key.startsWith(prefix)) state[key.slice(prefix.length)] = value;
    if (Object.keys(state).length === 0) return false;
    this.setState(state);
    return true;
  }
}
