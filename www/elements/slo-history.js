// What the elements that read a service's history share (<slo-backtest>, <slo-report>):
// the backtest's own wasm module (lib/wasm.js), and the history input: a drop
// zone with a file picker and a paste field, plus the page's own history file, fetched
// once because the page names it. The file the reader gives is read in the page and never
// uploaded.
import { backtestCore } from './lib/wasm.js';

export const HISTORY_CSS = `
.drop { box-sizing: border-box; min-width: 0; max-width: 100%; border: 2px dashed var(--slo-border-strong, light-dark(#64748b, #94a3b8)); border-radius: calc(var(--slo-radius, 8px) / 2);
  padding: .6rem .8rem; flex: 1 1 100%; display: flex; flex-direction: column; gap: .4rem; }
.drop.over { background: var(--slo-highlight, light-dark(#eff6ff, #1e3a8a)); }
.drop .source { margin: 0; font-size: .9em; }
.drop input[type=file] { max-width: 100%; }
.drop .field { min-width: 0; }`;

/**
 * Gives an SloElement subclass the history input. Its template places `historyHTML()` in
 * the form; its `connectedCallback` calls `wireHistory(url)` once built; `compute` reads
 * `historyText(values)`, calls the backtest's module (its first argument), and passes the
 * answer through `explainNoHistory`.
 */
export const withHistory = (Base) => class extends Base {
  /** The backtest's module is the one these elements compute with. */
  static wasm = backtestCore;

  /** What the element says before it has a history: where one can come from. */
  static noHistory = 'No history yet: drop, choose or paste a CSV file of timestamp,good,bad rows.';

  historyHTML() {
    this.history = { text: '', name: '' };
    return `<div class="drop">
    <label for="${this.idOf('file')}">History: a CSV file of <code>timestamp,good,bad</code> rows (Unix seconds, events in each step)</label>
    <input id="${this.idOf('file')}" type="file" accept=".csv,text/csv,text/plain">
    <p class="source hint" aria-live="polite">Drop a file here, choose one, or paste rows below. It is read in this page and never uploaded.</p>
    ${this.fieldHTML('history', 'Or paste CSV rows', '', { wide: true, multiline: true, hint: 'e.g. 1785542400,5990,10 (one row per step)' })}
  </div>`;
  }

  /** Wires the drop zone and the file picker; loads `url` (the page's own file) if given. */
  wireHistory(url) {
    const root = this.shadowRoot;
    const drop = root.querySelector('.drop');
    root.getElementById(this.idOf('file')).addEventListener('change', (event) => {
      const file = event.target.files?.[0];
      if (file) this.readFile(file);
    });
    drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (event) => {
      event.preventDefault();
      drop.classList.remove('over');
      const file = event.dataTransfer?.files?.[0];
      if (file) this.readFile(file);
    });
    if (url) this.load(url);
  }

  /** A file the reader chose or dropped: read here, never sent anywhere. */
  async readFile(file) {
    this.useHistory(await file.text(), file.name);
  }

  /** The page's own history file: fetched because the page asks for it. */
  async load(url) {
    const source = this.shadowRoot.querySelector('.source');
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.useHistory(await response.text(), url.split('/').pop());
    } catch (error) {
      source.textContent = `Could not load ${url} (${error.message}): drop or choose the file instead.`;
      source.classList.add('error');
    }
  }

  useHistory(text, name) {
    this.history = { text, name };
    this.readErrors = null;
    this.input('history').value = '';
    const source = this.shadowRoot.querySelector('.source');
    source.classList.remove('error');
    source.textContent = `${name}: read in this page (nothing is uploaded).`;
    this.settle();
  }

  /**
   * Says how much of the file was read, in the core's words, once the core has read it
   * (a pasted history or a Prometheus read says where it came from instead).
   */
  showSamples(samplesText) {
    if (this.history.text && !this.input('history').value.trim()) {
      this.shadowRoot.querySelector('.source').textContent = `${this.history.name}: ${samplesText}, read in this page (nothing is uploaded).`;
    }
  }

  /** Pasted rows win over a file: the reader typed them last. */
  historyText(v) {
    return v.history.trim() ? v.history : this.history.text;
  }

  /** The history's name for a report: the file's, or "pasted rows". */
  historyName(v) {
    return v.history.trim() ? 'pasted rows' : this.history.name;
  }

  /** The core's answer, saying what to do where there is no history yet (the other
   * fields' messages stay: every problem at once). */
  explainNoHistory(v, answer) {
    if (this.historyText(v)) return answer;
    return { errors: { ...answer.errors, history: this.constructor.noHistory }, result: null };
  }

  /** The URL keeps the choices, never the history: it may be large, and it is the reader's. */
  state() {
    const { history, ...rest } = this.values();
    return rest;
  }
};

// Defined once its module is instantiated (or failed): see "Defined once" in lib/wasm.js.
await backtestCore().catch(() => {});
