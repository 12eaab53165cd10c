// What the elements that read a service's history share (<slo-backtest>, <slo-report>):
// the backtest's own wasm module (lib/wasm.js), and the history input: a drop
// zone with a file picker and a paste field, plus the page's own history file, fetched
// once because the page names it. The file the reader gives is read in the page and never
// uploaded. Opt-in, a Prometheus server that allows the page's origin (CORS): the reader
// gives its URL and the events and total queries (or the page does, with the prometheus-*
// attributes), and only their press of "Read from Prometheus" sends the queries, in the
// core's split of the range, from this page to that server.
import { backtestCore } from './lib/wasm.js';
import { whyPrometheusUnread } from './lib/net.js';

/** The Prometheus source's fields: an element with the history input lists them in its own. */
export const PROMETHEUS_FIELDS = [
  { name: 'prom_url', attr: 'prometheus', value: '' },
  { name: 'prom_counts', attr: 'prometheus-counts', value: 'good' },
  { name: 'prom_events', attr: 'prometheus-events', value: '' },
  { name: 'prom_total', attr: 'prometheus-total', value: '' },
  { name: 'prom_start', attr: 'prometheus-start', value: '' },
  { name: 'prom_end', attr: 'prometheus-end', value: '' },
  { name: 'prom_step', attr: 'prometheus-step', value: '1m' },
];

export const HISTORY_CSS = `
.drop { box-sizing: border-box; min-width: 0; max-width: 100%; border: 2px dashed var(--slo-border-strong, light-dark(#64748b, #94a3b8)); border-radius: calc(var(--slo-radius, 8px) / 2);
  padding: .6rem .8rem; flex: 1 1 100%; display: flex; flex-direction: column; gap: .4rem; }
.drop.over { background: var(--slo-highlight, light-dark(#eff6ff, #1e3a8a)); }
.drop .source { margin: 0; font-size: .9em; }
.drop input[type=file] { max-width: 100%; }
.drop .field { min-width: 0; }
.prometheus summary { cursor: pointer; }
.prometheus .prom-fields { display: flex; flex-wrap: wrap; gap: .4rem .8rem; margin-top: .4rem; align-items: flex-end; }
.prometheus select { font: inherit; }`;

/**
 * Gives an SloElement subclass the history input. Its fields include `PROMETHEUS_FIELDS`;
 * its template places `historyHTML()` and `prometheusHTML(values)` in the form; its
 * `connectedCallback` calls `wireHistory(url)` once built; `compute` hands `fromHistory`
 * the backtest module's call for each kind of history.
 */
export const withHistory = (Base) => class extends Base {
  /** The backtest's module is the one these elements compute with. */
  static wasm = backtestCore;

  /** What the element says before it has a history: where one can come from. */
  static noHistory = 'No history yet: drop, choose or paste a CSV file of timestamp,good,bad rows, or read it from a Prometheus server.';

  historyHTML() {
    this.history = { text: '', name: '' };
    return `<div class="drop">
    <label for="${this.idOf('file')}">History: a CSV file of <code>timestamp,good,bad</code> rows (Unix seconds, events in each step)</label>
    <input id="${this.idOf('file')}" type="file" accept=".csv,text/csv,text/plain">
    <p class="source hint" aria-live="polite">Drop a file here, choose one, or paste rows below. It is read in this page and never uploaded.</p>
    ${this.fieldHTML('history', 'Or paste CSV rows', '', { wide: true, multiline: true, hint: 'e.g. 1785542400,5990,10 (one row per step)' })}
  </div>`;
  }

  /** The Prometheus source's form, closed until the page or the reader names a server. */
  prometheusHTML(v) {
    return `<details class="prometheus"${v.prom_url ? ' open' : ''}>
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
  </details>`;
  }

  /** Wires the drop zone, the file picker and the Prometheus source; loads `url` (the page's own file) if given. */
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
    root.querySelector('.read-prometheus').addEventListener('click', () => this.readPrometheus());
    if (url) this.load(url);
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
      backtest = await this.constructor.wasm();
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
            fail({ prom_url: `Cannot read ${base.origin}: ${await whyPrometheusUnread(error, url)}.` });
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
      this.history = { prometheus: { counts: v.prom_counts, events: answers.prom_events, total: answers.prom_total }, name: v.prom_url.trim() };
      this.input('history').value = '';
      source.textContent = `${plan.result.answers_text} from ${base.host}, read in this page.`;
      this.settle();
    } finally {
      button.disabled = false;
    }
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

  /** The history's name for a report: the file's, the server's, or "pasted rows". */
  historyName(v) {
    return v.history.trim() ? 'pasted rows' : this.history.name;
  }

  /**
   * The core's answer for the history in force: `csv(text)` for rows pasted or a file,
   * `prometheus(read)` for a server's answers. Pasted rows win over a file or a read: the
   * reader typed them last. Where there is no history yet, says what to do (the other
   * fields' messages stay: every problem at once).
   */
  fromHistory(v, { csv, prometheus }) {
    const pasted = v.history.trim() !== '';
    if (this.readErrors && !pasted) return { errors: this.readErrors, result: null };
    if (this.history.prometheus && !pasted) return prometheus(this.history.prometheus);
    const text = pasted ? v.history : this.history.text;
    const answer = csv(text);
    if (text) return answer;
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
