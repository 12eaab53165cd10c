// Shared plumbing of the SLO custom elements: loading the core (WebAssembly), fields with
// inline messages, state in the URL fragment, and inline SVG charts.
//
// No SLO math happens here: every figure comes from the core through ../pkg/slo_web.js.
// The only arithmetic in this file places points on a chart (pixels).
import init, * as wasm from '../pkg/slo_web.js';

let ready;
/** The core, loaded once per page. */
export function core() {
  ready ??= init({ module_or_path: new URL('../pkg/slo_web_bg.wasm', import.meta.url) }).then(() => wasm);
  return ready;
}

/**
 * The element's title: its `heading` attribute, or `fallback`; none when `heading=""`
 * (for pages that title the element themselves). An h3, to sit under a page's sections.
 */
export function titleHTML(element, fallback) {
  const text = element.getAttribute('heading') ?? fallback;
  return text ? `<h3 class="title">${esc(text)}</h3>` : '';
}

/** Why the WebAssembly core did not load, in words a page author can act on. */
export function loadErrorText(error) {
  const csp = /Content Security Policy|wasm-unsafe-eval|CompileError.*(eval|CSP)/i.test(String(error));
  return `The calculator could not load its WebAssembly core (${error?.message ?? error}).` +
    (csp ? " The page's Content Security Policy must allow 'wasm-unsafe-eval' in script-src." : '');
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made safe for HTML. */
export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Theme: every colour, font and size is a CSS custom property with a default. */
export const BASE_CSS = `
:host { display: block; font: var(--slo-font, 15px/1.45 system-ui, sans-serif);
  color: var(--slo-fg, #1f2937); background: var(--slo-bg, #fff);
  border: 1px solid var(--slo-border, #cbd5e1); border-radius: var(--slo-radius, 8px);
  padding: var(--slo-padding, 1rem); margin: 1rem 0; max-width: var(--slo-max-width, 52rem); }
:host([hidden]) { display: none; }
h3.title { font-size: 1.1em; margin: 0 0 .6em; }
form { display: flex; flex-wrap: wrap; gap: .8rem 1.2rem; align-items: flex-start; margin-bottom: .8rem; }
.field { display: flex; flex-direction: column; gap: .2rem; min-width: 9rem; flex: 1 1 9rem; }
.field.wide { flex-basis: 100%; }
label { font-weight: 600; font-size: .9em; }
.hint { color: var(--slo-muted, #475569); font-size: .8em; }
input, textarea, select { font: inherit; padding: .3rem .45rem; color: inherit;
  background: var(--slo-input-bg, #fff); border: 1px solid var(--slo-border-strong, #64748b);
  border-radius: calc(var(--slo-radius, 8px) / 2); }
input:focus-visible, textarea:focus-visible, button:focus-visible, select:focus-visible, a:focus-visible {
  outline: 3px solid var(--slo-focus, #1d4ed8); outline-offset: 1px; }
[aria-invalid="true"] { border-color: var(--slo-error, #b91c1c); border-width: 2px; }
.error { color: var(--slo-error, #b91c1c); font-size: .85em; margin: 0; }
.error:empty { display: none; }
button { font: inherit; cursor: pointer; padding: .3rem .7rem; color: var(--slo-button-fg, #fff);
  background: var(--slo-accent, #1d4ed8); border: 0; border-radius: calc(var(--slo-radius, 8px) / 2); }
button.secondary { color: var(--slo-accent, #1d4ed8); background: transparent; border: 1px solid currentColor; }
.stale { color: var(--slo-muted, #475569); font-size: .85em; font-style: italic; margin: 0 0 .4rem; }
.stale:empty { display: none; }
.headline { font-size: 1.25em; margin: .2rem 0 .6rem; }
.headline strong { color: var(--slo-accent, #1d4ed8); }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; margin-bottom: .3rem; }
th, td { text-align: left; padding: .25rem .7rem .25rem 0; border-bottom: 1px solid var(--slo-border, #cbd5e1); }
td.num, th.num { text-align: right; }
td.num, th[scope="row"] { white-space: nowrap; }
tr.current { background: var(--slo-highlight, #eff6ff); }
.warning { color: var(--slo-warning, #92400e); background: var(--slo-warning-bg, #fffbeb);
  border-left: 4px solid currentColor; padding: .3rem .6rem; margin: .4rem 0; }
.scroll { overflow-x: auto; }
svg { max-width: 100%; height: auto; display: block; }
svg text { fill: var(--slo-fg, #1f2937); font-size: 11px; }
svg .axis { stroke: var(--slo-muted, #475569); }
svg .grid { stroke: var(--slo-grid, #e2e8f0); }
svg .line { fill: none; stroke: var(--slo-accent, #1d4ed8); stroke-width: 2; }
.series-1 { --c: var(--slo-series-1, #1d4ed8); } .series-2 { --c: var(--slo-series-2, #7c3aed); }
.series-3 { --c: var(--slo-series-3, #0f766e); } .series-4 { --c: var(--slo-series-4, #c2410c); }
.page { --c: var(--slo-page, #b91c1c); } .ticket { --c: var(--slo-ticket, #a16207); }
svg .series-1, svg .series-2, svg .series-3, svg .series-4, svg .page, svg .ticket { stroke: var(--c); }
svg .series-2, svg .series-3 { stroke-dasharray: 7 4; } .swatch.series-2, .swatch.series-3 { border-top-style: dashed; }
svg .marker { stroke-width: 1.5; }
svg .reset { stroke-dasharray: 4 3; }
svg .exhausted { stroke: var(--slo-error, #b91c1c); stroke-width: 2; }
svg .zero { stroke: var(--slo-muted, #475569); stroke-dasharray: 2 2; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .85em; margin: 0; padding: 0; list-style: none; }
.swatch.budget { --c: var(--slo-accent, #1d4ed8); } .swatch.exhausted { --c: var(--slo-error, #b91c1c); }
.swatch { display: inline-block; width: 1.2em; height: 0; border-top: 3px solid var(--c, currentColor); vertical-align: middle; margin-right: .3em; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

const sheets = new Map();
/**
 * Gives a shadow root the shared theme plus `extra`, as constructed style sheets: parsed
 * once per page however many elements there are, and outside the reach of a CSP that
 * forbids inline styles.
 */
export function adoptStyles(root, extra = '') {
  for (const text of [BASE_CSS, extra]) {
    if (text && !sheets.has(text)) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      sheets.set(text, sheet);
    }
  }
  root.adoptedStyleSheets = [BASE_CSS, extra].filter(Boolean).map((text) => sheets.get(text));
}

let uid = 0;

/**
 * Base of the calculators. A subclass declares `static fields` ({ name, label, attr, value,
 * hint }), renders its form with `fieldHTML`, and implements `compute(core, values)` (the core's
 * `{ errors, result }`) and `render(result)`. The base wires inputs, messages, the fragment
 * state and the `change` event.
 */
export class SloElement extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.uid = `s${++uid}`;
    this.last = null;
  }

  static get observedAttributes() {
    return this.fields.map((f) => f.attr).filter(Boolean);
  }

  connectedCallback() {
    this.onHash ??= () => this.restoreFragment() && this.update(false);
    window.addEventListener('hashchange', this.onHash);
    // Moved in the document: the shadow DOM and its listeners are still there.
    if (this.built) return;
    this.built = true;
    adoptStyles(this.shadowRoot, this.constructor.css);
    this.shadowRoot.innerHTML = this.template();
    this.restoreFragment();
    this.shadowRoot.addEventListener('input', () => this.update(true));
    this.shadowRoot.addEventListener('submit', (event) => event.preventDefault());
    this.update(false);
  }

  disconnectedCallback() {
    window.removeEventListener('hashchange', this.onHash);
  }

  attributeChangedCallback(name, old, value) {
    if (!this.built || old === value) return;
    const field = this.constructor.fields.find((f) => f.attr === name);
    const input = field && this.input(field.name);
    if (input) input.value = value ?? field.value ?? '';
    this.update(false);
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

  async update(fromUser) {
    let lib;
    try {
      lib = await core();
    } catch (error) {
      this.showLoadError(error);
      return;
    }
    let answer;
    try {
      answer = this.compute(lib, this.values());
    } catch (error) {
      // The core answers bad input with messages; anything thrown is a bug, shown, not raised.
      answer = { errors: { '': `Internal error: ${error}` }, result: null };
    }
    const ok = this.showErrors(answer.errors) && answer.result;
    const stale = this.shadowRoot.querySelector('.stale');
    if (!ok) {
      if (stale && this.last) stale.textContent = 'Showing the last valid result until the input is fixed.';
      return;
    }
    if (stale) stale.textContent = '';
    this.last = answer.result;
    this.render(answer.result, lib);
    if (fromUser) this.saveFragment();
    this.dataset.ready = 'true';
    this.dispatchEvent(new CustomEvent('change', { detail: answer.result, bubbles: true }));
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
      this.update(true);
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

/**
 * An SVG line chart with axes, tick labels, axis titles with units, and vertical markers.
 * x/y: { min, max, log, ticks: [[value, label]], title }; series: [{ points: [[x, y]], cls }];
 * markers: [{ x, cls, label, seconds }].
 */
export function chart({ width = 640, height = 280, x, y, series = [], markers = [], title, desc }) {
  for (const axis of [x, y]) {
    // A single value still needs a span to draw in.
    if (!(axis.max > axis.min)) [axis.min, axis.max] = axis.log ? [axis.min / 10, axis.max * 10] : [axis.min - 1, axis.max + 1];
  }
  const pad = { left: 64, right: 16, top: 14, bottom: 46 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const frac = (axis, v) => (axis.log ? (Math.log(v) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min))
    : (v - axis.min) / (axis.max - axis.min));
  const px = (v) => (pad.left + frac(x, v) * w).toFixed(1);
  const py = (v) => (pad.top + (1 - frac(y, v)) * h).toFixed(1);
  const parts = [];
  for (const [v, label] of y.ticks) {
    parts.push(`<line class="grid" x1="${pad.left}" x2="${pad.left + w}" y1="${py(v)}" y2="${py(v)}"/>`,
      `<text x="${pad.left - 6}" y="${py(v)}" dy="4" text-anchor="end">${esc(label)}</text>`);
  }
  for (const [v, label] of x.ticks) {
    parts.push(`<line class="axis" x1="${px(v)}" x2="${px(v)}" y1="${pad.top + h}" y2="${pad.top + h + 4}"/>`,
      `<text x="${px(v)}" y="${pad.top + h + 16}" text-anchor="middle">${esc(label)}</text>`);
  }
  parts.push(`<line class="axis" x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + h}"/>`,
    `<line class="axis" x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}"/>`,
    `<text x="${pad.left + w / 2}" y="${height - 6}" text-anchor="middle">${esc(x.title)}</text>`,
    `<text transform="translate(14 ${pad.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(y.title)}</text>`);
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([a, b], i) => `${i ? 'L' : 'M'}${px(a)} ${py(b)}`).join('');
    parts.push(`<path class="line ${s.cls ?? ''}" d="${d}"><title>${esc(s.label ?? '')}</title></path>`);
  }
  for (const m of markers) {
    parts.push(`<line class="marker ${m.cls ?? ''}" data-seconds="${m.seconds ?? ''}" x1="${px(m.x)}" x2="${px(m.x)}" y1="${pad.top}" y2="${pad.top + h}"><title>${esc(m.label)}</title></line>`);
  }
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${esc(title.id)}-t ${esc(title.id)}-d">` +
    `<title id="${esc(title.id)}-t">${esc(title.text)}</title><desc id="${esc(title.id)}-d">${esc(desc)}</desc>${parts.join('')}</svg>`;
}

/** Tick candidates, in seconds, for time axes. */
export const TIME_TICKS = [1, 10, 60, 600, 3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400];
/** Tick candidates for ratio axes. */
export const RATIO_TICKS = [0.00001, 0.0001, 0.001, 0.01, 0.1, 1];

/** The core's flat [x0, y0, x1, y1, ...] curves as [[x0, y0], [x1, y1], ...]. */
export function pairs(flat) {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** Candidates that fall inside [min, max], forgiving float noise at the ends. */
export const within = (candidates, min, max) => {
  const slack = 1e-9 * Math.max(Math.abs(min), Math.abs(max));
  return candidates.filter((v) => v >= min - slack && v <= max + slack);
};
