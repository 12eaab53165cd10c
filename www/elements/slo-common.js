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

/**
 * A results region's accessible name, told apart from its twin's on a page with two
 * elements of a kind (landmarks must be unique): the element's heading, else its id,
 * follows the name. Escaped for an attribute.
 */
export function regionLabel(element, name) {
  const which = element.getAttribute('heading') || element.id;
  return esc(which ? `${name}: ${which}` : name);
}

/** Why the WebAssembly core did not load, in words a page author can act on. */
export function loadErrorText(error) {
  const csp = /Content Security Policy|wasm-unsafe-eval|CompileError.*(eval|CSP)/i.test(String(error));
  return `The calculator could not load its WebAssembly core (${error?.message ?? error}).` +
    (csp ? " The page's Content Security Policy must allow 'wasm-unsafe-eval' in script-src." : '');
}

/** Saves `text` as a file named `name`, from memory (a Blob): nothing goes over the network. */
export function saveText(text, type, name) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  Object.assign(document.createElement('a'), { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made safe for HTML. */
export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * The palette: each colour is a custom property an author may set (`--slo-fg`, ...); unset,
 * it takes the light or the dark default after the element's color-scheme, which follows the
 * reader's `prefers-color-scheme` unless the page sets `--slo-color-scheme: light` (or dark).
 */
export const PALETTE = {
  fg: ['#1f2937', '#e5e7eb'], bg: ['#fff', '#111827'], border: ['#cbd5e1', '#475569'],
  'border-strong': ['#64748b', '#94a3b8'], muted: ['#475569', '#cbd5e1'], 'input-bg': ['#fff', '#1f2937'],
  accent: ['#1d4ed8', '#93c5fd'], 'button-fg': ['#fff', '#0f172a'], error: ['#b91c1c', '#fca5a5'],
  grid: ['#e2e8f0', '#334155'], highlight: ['#eff6ff', '#1e3a8a'], warning: ['#92400e', '#fde68a'],
  'warning-bg': ['#fffbeb', '#422006'], focus: ['#1d4ed8', '#fbbf24'], 'stale-bg': ['#f1f5f9', '#1e293b'],
  page: ['#b91c1c', '#fca5a5'], ticket: ['#a16207', '#fcd34d'], exhausted: ['#6d28d9', '#c4b5fd'],
  ok: ['#15803d', '#86efac'], track: ['#e2e8f0', '#334155'],
  'series-1': ['#1d4ed8', '#93c5fd'], 'series-2': ['#7c3aed', '#c4b5fd'],
  'series-3': ['#0f766e', '#5eead4'], 'series-4': ['#c2410c', '#fdba74'],
};
/** A palette colour as CSS: the author's custom property, else the scheme's default. */
export const color = (name) => `var(--slo-${name}, light-dark(${PALETTE[name][0]}, ${PALETTE[name][1]}))`;
const c = color;

/** Theme: every colour, font and size is a CSS custom property with a default. */
export const BASE_CSS = `
:host { display: block; font: var(--slo-font, 15px/1.45 system-ui, sans-serif);
  color-scheme: var(--slo-color-scheme, light dark); container-type: inline-size;
  color: ${c('fg')}; background: ${c('bg')};
  border: 1px solid ${c('border')}; border-radius: var(--slo-radius, 8px);
  padding: var(--slo-padding, 1rem); margin: 1rem 0; max-width: var(--slo-max-width, 52rem); }
:host([hidden]) { display: none; }
h3.title { font-size: 1.1em; margin: 0 0 .6em; }
form { display: flex; flex-wrap: wrap; gap: .8rem 1.2rem; align-items: flex-start; margin-bottom: .8rem; }
.field { display: flex; flex-direction: column; gap: .2rem; min-width: 9rem; flex: 1 1 9rem; }
.field.wide { flex-basis: 100%; }
label { font-weight: 600; font-size: .9em; }
.hint { color: ${c('muted')}; font-size: .8em; }
input, textarea, select { font: inherit; padding: .3rem .45rem; color: inherit;
  background: ${c('input-bg')}; border: 1px solid ${c('border-strong')};
  border-radius: calc(var(--slo-radius, 8px) / 2); }
input:focus-visible, textarea:focus-visible, button:focus-visible, select:focus-visible, a:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid ${c('focus')}; outline-offset: 1px; }
[aria-invalid="true"] { border-color: ${c('error')}; border-width: 2px; }
.error { color: ${c('error')}; font-size: .85em; margin: 0; }
.error:empty { display: none; }
button { font: inherit; cursor: pointer; padding: .3rem .7rem; color: ${c('button-fg')};
  background: ${c('accent')}; border: 0; border-radius: calc(var(--slo-radius, 8px) / 2); }
button.secondary { color: ${c('accent')}; background: transparent; border: 1px solid currentColor; }
.stale { font-size: .9em; margin: 0 0 .5rem; padding: .3rem .6rem; background: ${c('stale-bg')};
  border-left: 4px solid ${c('border-strong')}; }
.stale::before { content: "Stale: "; font-weight: 700; }
.stale:empty { display: none; }
/* A stale result is greyed (text stays readable) and its chart faded, so nobody takes it
   for the answer to what the fields now say. */
.results.is-stale > :not(.stale), .results.is-stale strong { color: ${c('muted')}; }
.results.is-stale svg { opacity: .35; }
.headline { font-size: 1.25em; margin: .2rem 0 .6rem; }
.headline strong { color: ${c('accent')}; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; margin-bottom: .3rem; }
th, td { text-align: left; padding: .25rem .7rem .25rem 0; border-bottom: 1px solid ${c('border')}; }
td.num, th.num { text-align: right; }
td.num, th[scope="row"] { white-space: nowrap; }
tr.current { background: ${c('highlight')}; }
.warning { color: ${c('warning')}; background: ${c('warning-bg')};
  border-left: 4px solid currentColor; padding: .3rem .6rem; margin: .4rem 0; }
.scroll { overflow-x: auto; }
/* A wide table keeps its row names in view while it scrolls, and says it scrolls. */
.scroll th[scope="row"] { position: sticky; left: 0; background: ${c('bg')}; }
.scroll-hint { display: none; }
svg { max-width: 100%; height: auto; display: block; }
svg text { fill: ${c('fg')}; font-size: 11px; }
svg .axis { stroke: ${c('muted')}; }
svg .grid { stroke: ${c('grid')}; }
svg .line { fill: none; stroke: ${c('accent')}; stroke-width: 2; }
.series-1 { --c: ${c('series-1')}; } .series-2 { --c: ${c('series-2')}; }
.series-3 { --c: ${c('series-3')}; } .series-4 { --c: ${c('series-4')}; }
.page { --c: ${c('page')}; } .ticket { --c: ${c('ticket')}; } .exhausted { --c: ${c('exhausted')}; }
svg .series-1, svg .series-2, svg .series-3, svg .series-4 { stroke: var(--c); }
svg .series-2, svg .series-3 { stroke-dasharray: 7 4; } .swatch.series-2, .swatch.series-3 { border-top-style: dashed; }
/* Alert lanes: a page tier's firing is a solid bar, a ticket tier's a hollow one. */
svg .span.page { fill: var(--c); stroke: var(--c); }
svg .span.ticket { fill: ${c('bg')}; stroke: var(--c); stroke-width: 2; }
svg .lane-track { stroke: ${c('grid')}; }
svg .exhausted { stroke: var(--c); stroke-width: 2; stroke-dasharray: 2 3; }
svg .exhausted-point { fill: var(--c); stroke: ${c('bg')}; stroke-width: 1.5; stroke-dasharray: none; }
svg text.exhausted-label { fill: var(--c); stroke: none; font-weight: 600; }
svg .zero { stroke: ${c('muted')}; stroke-dasharray: 2 2; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .85em; margin: 0; padding: 0; list-style: none; }
.swatch.budget { --c: ${c('accent')}; }
.swatch { display: inline-block; width: 1.2em; height: 0; border-top: 3px solid var(--c, currentColor); vertical-align: middle; margin-right: .3em; }
.swatch.bar { height: .7em; border: 2px solid var(--c); box-sizing: border-box; }
.swatch.bar.page { background: var(--c); }
.swatch.diamond { width: .7em; height: .7em; border: 0; background: var(--c); transform: rotate(45deg); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* Narrow (a phone): each row of a wide table becomes a card of "column: value" lines, so
   no column hides behind a sideways scroll. */
@container (max-width: 34rem) {
  table.stack, table.stack caption, table.stack tbody, table.stack tr, table.stack th[scope="row"], table.stack td { display: block; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack tr { border-bottom: 1px solid ${c('border')}; padding: .3rem 0; }
  table.stack th[scope="row"] { border: 0; position: static; }
  table.stack td { border: 0; padding: .1rem 0; text-align: left; white-space: normal; }
  table.stack td::before { content: attr(data-label) ": "; color: ${c('muted')}; }
  .scroll-hint { display: block; }
}
`;

/** Copies each column's heading onto its cells (data-label), for the narrow card layout. */
export function labelCells(table) {
  const heads = [...(table.tHead?.rows[0]?.cells ?? [])].map((th) => th.textContent.trim());
  for (const row of table.tBodies[0]?.rows ?? []) {
    [...row.cells].forEach((cell, i) => { if (cell.localName === 'td' && heads[i]) cell.dataset.label = heads[i]; });
  }
}

/** The width to draw a chart at in a box `width` px wide: the box's, within limits. */
const chartWidthFor = (width) => (width > 0 ? Math.round(Math.min(Math.max(width, 280), 760)) : 640);

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
 * How long typing must pause before a keystroke's value is computed: "100" passes through
 * "10", and a reader who types it should never be shown 27 days of downtime for a value
 * they never meant. Pasted, picked or scripted values are computed at once.
 */
/** URLs the page's Content Security Policy refused to connect to, from its violation reports. */
const blockedByCsp = new Set();
document.addEventListener('securitypolicyviolation', (event) => {
  if (event.effectiveDirective === 'connect-src') blockedByCsp.add(event.blockedURI);
});

/**
 * Why a fetch of `url` that threw `error` failed, as far as a page can tell: the browser reports
 * a refused connection, a CORS refusal and a CSP refusal alike (a TypeError), so the CSP's own
 * report is checked, then whether the server answers at all without CORS. 'csp', 'unreachable'
 * or 'cors'; null for any other error.
 */
export async function fetchRefusal(error, url, timeoutMs) {
  if (!(error instanceof TypeError)) return null;
  const href = new URL(url, location.href).href;
  // The violation report is queued as a task: let it arrive.
  await new Promise((ok) => setTimeout(ok, 0));
  if ([...blockedByCsp].some((b) => href.startsWith(b) || b.startsWith(href))) return 'csp';
  try {
    await fetch(url, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return 'unreachable';
  }
  return 'cors';
}

export const TYPING_PAUSE_MS = 350;
/** Keystroke edits (typing, deleting), as opposed to a paste, a drop or a script. */
const isKeystroke = (event) => /^(insert(Text|CompositionText|LineBreak)|delete)/.test(event.inputType ?? '');

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
      lib = await core();
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
    this.dataset.ready = 'true';
    this.dispatchEvent(new CustomEvent('change', { detail: answer.result, bubbles: true }));
    return true;
  }

  /**
   * The width to draw the chart in `box` at: the box's, so that 11 px labels are 11 px on
   * screen. The width comes from a ResizeObserver, which reports it after each layout: reading
   * it from the box instead would force a layout of the whole page in the middle of rendering
   * (tens of ms at page load). Only a box not laid out yet is measured.
   */
  chartWidth(box) {
    this.drawnWidth = chartWidthFor(this.boxWidth ?? box.clientWidth);
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
      if (this.last && chartWidthFor(this.boxWidth) !== this.drawnWidth) this.render(this.last, this.lib);
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

/**
 * An SVG line chart with axes, tick labels, axis titles with units, alert lanes and an
 * exhaustion point. x/y: { min, max, log, ticks: [[value, label]], title };
 * series: [{ points: [[x, y]], cls }]; lanes (one row each above the plot, so that no
 * tier hides under another): [{ label, cls, spans: [{ from, to, label }] }] with `to` null
 * for "still firing"; exhausted: { x, y, label, seconds } drawn as a labelled diamond.
 * Draw it `width` CSS pixels wide (SloElement.chartWidth) so that its 11 px text stays 11 px.
 */
export function chart({ width = 640, height = 280, x, y, series = [], lanes = [], exhausted = null, title, desc }) {
  for (const axis of [x, y]) {
    // A single value still needs a span to draw in.
    if (!(axis.max > axis.min)) [axis.min, axis.max] = axis.log ? [axis.min / 10, axis.max * 10] : [axis.min - 1, axis.max + 1];
  }
  const LANE = 18;
  const lanesHeight = lanes.length ? lanes.length * LANE + 8 : 0;
  // Lane labels sit left of the plot: room for the longest (11 px text, ~6.5 px a glyph).
  const laneLabel = Math.max(0, ...lanes.map((lane) => String(lane.label).length));
  const pad = { left: lanes.length ? Math.max(84, 14 + Math.ceil(laneLabel * 6.5)) : 64, right: 16, top: 14 + lanesHeight, bottom: 46 };
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
  lanes.forEach((lane, i) => {
    const top = 10 + i * LANE;
    parts.push(`<text x="${pad.left - 6}" y="${top + 11}" text-anchor="end">${esc(lane.label)}</text>`,
      `<line class="lane-track" x1="${pad.left}" x2="${pad.left + w}" y1="${top + 7}" y2="${top + 7}"/>`);
    for (const span of lane.spans) {
      // A firing shorter than a few pixels still shows, as a 4 px bar.
      const from = Number(px(span.from));
      const to = Math.min(pad.left + w, Math.max(Number(px(span.to ?? x.max)), from + 4));
      parts.push(`<rect class="span ${lane.cls}" data-lane="${esc(lane.label)}" data-fires="${span.from}" data-resets="${span.to ?? ''}" x="${from.toFixed(1)}" y="${top + 2}" width="${(to - from).toFixed(1)}" height="10" rx="2"><title>${esc(span.label)}</title></rect>`);
    }
  });
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([a, b], i) => `${i ? 'L' : 'M'}${px(a)} ${py(b)}`).join('');
    parts.push(`<path class="line ${s.cls ?? ''}" d="${d}"><title>${esc(s.label ?? '')}</title></path>`);
  }
  if (exhausted) {
    const [ex, ey] = [Number(px(exhausted.x)), Number(py(exhausted.y))];
    // The label reads away from the nearer edge, so it never runs off the chart.
    const right = ex < pad.left + w * 0.6;
    parts.push(`<g class="exhausted" data-seconds="${exhausted.seconds}"><title>${esc(exhausted.label)}</title>` +
      `<line class="exhausted" x1="${ex}" x2="${ex}" y1="${pad.top}" y2="${pad.top + h}"/>` +
      `<path class="exhausted-point" d="M${ex} ${ey - 6}L${ex + 6} ${ey}L${ex} ${ey + 6}L${ex - 6} ${ey}Z"/>` +
      `<text class="exhausted-label" x="${right ? ex + 9 : ex - 9}" y="${ey - 8}" text-anchor="${right ? 'start' : 'end'}">budget exhausted</text></g>`);
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

// The modules that import this one (the elements) are evaluated, and so define their
// elements, once the core is instantiated or has failed to load. Each element then computes
// its first result as it connects, and the page is laid out once, with results. Defined
// earlier, the elements' empty forms were laid out first, and the core's instantiation
// waited behind that layout (45-58 ms on the benchmark's machine).
await core().catch(() => {});
