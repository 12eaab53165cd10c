// <slo-editor template="availability">
// Write or paste a spec (the JSON spec, OpenSLO YAML or a Sloth file) or start from a
// template; as you type, every problem is listed on its line and field, each valid SLO's
// budget and tiers are summed up, and the files it becomes (Envoy configuration, Prometheus
// rules, OpenSLO, the JSON spec) download from memory: the core's readers and generators
// run in the page (their own wasm module), so the bytes are those `slo` writes, and nothing
// is sent anywhere. A draft to share goes into the URL fragment (never to a server) or a file.
// Not part of slo-elements.js: it loads the editor's wasm module only.
import { TYPING_PAUSE_MS, isKeystroke } from './lib/element.js';
import { esc, regionLabel, saveText, titleHTML } from './lib/html.js';
import { adoptStyles } from './lib/style.js';
import { loadErrorText } from './lib/net.js';
import { editorCore } from './lib/wasm.js';
import { TEMPLATES } from './slo-editor-templates.js';
import { draftFileName, fileType, lineRange, sharedDraft, withDraft } from './slo-editor-draft.js';

/** The downloads, in the order offered: the core's artifact names and what a reader calls them. */
const ARTIFACTS = [
  ['envoy-wasm', 'Envoy configuration (Wasm counting)'],
  ['envoy-native', 'Envoy configuration (native counting)'],
  ['rule-file', 'Prometheus rule file'],
  ['prometheus-rule', 'PrometheusRule (operator)'],
  ['openslo', 'OpenSLO'],
  ['grafana-overview', 'Grafana dashboard: overview'],
  ['grafana-detail', 'Grafana dashboard: one SLO'],
  ['spec', 'JSON spec'],
];

const CSS = `
textarea.draft { width: 100%; box-sizing: border-box; min-height: 18rem; resize: vertical;
  font: .85em/1.45 var(--slo-mono, ui-monospace, SFMono-Regular, Menlo, monospace); tab-size: 2; }
.toolbar, .downloads { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: 0 0 .6rem; }
.toolbar .field { flex: 0 1 14rem; min-width: 12rem; }
.verdict { font-weight: 600; margin: .5rem 0; }
.problems, .warnings { margin: .2rem 0 .8rem; padding-left: 1.2rem; }
.problems li { color: var(--slo-error, light-dark(#b91c1c, #fca5a5)); }
.problems button, .warnings button { font-size: .85em; padding: 0 .4rem; margin-right: .4rem; }
.downloads button:disabled { opacity: .45; cursor: not-allowed; }
pre.preview { max-height: 22rem; overflow: auto; font-size: .8em; padding: .5rem;
  border: 1px solid var(--slo-border, light-dark(#cbd5e1, #475569)); border-radius: 4px; }
td.tiers { font-size: .9em; }
pre.preview[hidden], .preview-field[hidden] { display: none; }`;

let uid = 0;

export class SloEditor extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.uid = `e${++uid}`;
  }

  connectedCallback() {
    if (this.built) return;
    this.built = true;
    adoptStyles(this.shadowRoot, CSS);
    const id = (name) => `${this.uid}-${name}`;
    const options = Object.entries(TEMPLATES).map(([name, t]) => `<option value="${name}">${esc(t.label)}</option>`).join('');
    this.shadowRoot.innerHTML = `${titleHTML(this, 'Write your SLO')}
<div class="toolbar">
  <div class="field"><label for="${id('template')}">Start from</label>
    <select id="${id('template')}" class="template">${options}</select></div>
  <button type="button" class="secondary use">Use template</button>
  <div class="field"><label for="${id('file')}">Open a file</label>
    <input id="${id('file')}" class="file" type="file" accept=".json,.yaml,.yml,application/json,text/yaml"></div>
  <button type="button" class="secondary share">Copy link to this draft</button>
  <button type="button" class="secondary keep">Save draft</button>
</div>
<label for="${id('draft')}">Spec: JSON, OpenSLO YAML or a Sloth file</label>
<textarea id="${id('draft')}" class="draft" spellcheck="false" autocomplete="off" aria-describedby="${id('verdict')}"></textarea>
<div class="results" role="region" aria-label="${regionLabel(this, 'Spec check')}">
  <p class="verdict" id="${id('verdict')}" aria-live="polite"></p>
  <ul class="problems"></ul>
  <ul class="warnings"></ul>
  <div class="scroll" tabindex="0" role="region" aria-label="${regionLabel(this, 'SLOs')}" hidden><table class="slos">
    <caption>What each SLO commits to (detection: how soon each tier catches a full outage)</caption>
    <thead><tr><th scope="col">SLO</th><th scope="col">Target and window</th><th scope="col">Budget</th><th scope="col">Tiers</th></tr></thead>
    <tbody></tbody></table></div>
  <div class="downloads" role="group" aria-label="Downloads">${ARTIFACTS.map(([name, label]) =>
    `<button type="button" data-artifact="${name}" disabled>${esc(label)}</button>`).join('')}</div>
  <p class="hint said" role="status"></p>
  <div class="field preview-field"><label for="${id('preview')}">Preview</label>
    <select id="${id('preview')}" class="preview-of">${ARTIFACTS.map(([name, label]) => `<option value="${name}">${esc(label)}</option>`).join('')}</select></div>
  <pre class="preview" tabindex="0" role="region" aria-label="${regionLabel(this, 'Preview of the chosen file')}"></pre>
</div>`;
    const root = this.shadowRoot;
    this.draft = root.querySelector('.draft');
    this.draft.value = this.initialDraft();
    this.draft.addEventListener('input', (event) => {
      clearTimeout(this.typing);
      // Pasted text is checked at once; keystrokes once typing pauses.
      if (isKeystroke(event)) this.typing = setTimeout(() => this.update(), TYPING_PAUSE_MS);
      else this.update();
    });
    root.querySelector('.use').addEventListener('click', () => this.load(TEMPLATES[root.querySelector('.template').value].text));
    root.querySelector('.file').addEventListener('change', async (event) => {
      const [file] = event.target.files;
      if (file) this.load(await file.text());
    });
    root.querySelector('.share').addEventListener('click', () => this.share());
    root.querySelector('.keep').addEventListener('click', () => {
      saveText(this.draft.value, 'text/plain;charset=utf-8', this.draftName());
      this.said(`Saved ${this.draftName()}.`);
    });
    root.querySelector('.downloads').addEventListener('click', (event) => {
      const artifact = event.target.closest('button[data-artifact]')?.dataset.artifact;
      if (artifact) this.download(artifact);
    });
    root.querySelector('.preview-of').addEventListener('change', () => this.update());
    // A problem's line button puts the caret on that line.
    root.querySelector('.results').addEventListener('click', (event) => {
      const line = Number(event.target.closest('button[data-line]')?.dataset.line);
      if (line) this.goToLine(line);
    });
    this.update();
  }

  /** The draft a reader arrives at: a shared one from the fragment, the page's, or a template. */
  initialDraft() {
    const shared = sharedDraft(location.hash, this.id);
    if (shared !== null) return shared;
    const own = this.querySelector('template')?.content.textContent.trim();
    if (own) return `${own}\n`;
    return (TEMPLATES[this.getAttribute('template')] ?? Object.values(TEMPLATES)[0]).text;
  }

  load(text) {
    this.draft.value = text;
    this.update();
    this.draft.focus();
  }

  /** Reads the draft as it is now; the report is the core's, every word of it. */
  async update() {
    clearTimeout(this.typing);
    let lib;
    try {
      lib = await editorCore();
    } catch (error) {
      this.shadowRoot.querySelector('.verdict').textContent = loadErrorText(error);
      this.dataset.state = 'error';
      return;
    }
    // One call reads the draft and generates the previewed file (null while it has problems).
    const { report, preview: file } = lib.edit_draft(this.draft.value, this.shadowRoot.querySelector('.preview-of').value);
    this.report = report;
    this.render(report);
    const preview = this.shadowRoot.querySelector('pre.preview');
    preview.textContent = file?.result?.text ?? Object.values(file?.errors ?? {}).join('\n');
    // Nothing to preview until the draft is valid: no empty box under the problems.
    preview.hidden = !report.valid;
    this.shadowRoot.querySelector('.preview-field').hidden = !report.valid;
    this.dataset.ready = 'true';
    this.dataset.valid = String(report.valid);
    this.dispatchEvent(new CustomEvent('change', { detail: report, bubbles: true }));
  }

  render(report) {
    const root = this.shadowRoot;
    root.querySelector('.verdict').textContent = report.verdict_text;
    const items = (issues) => issues.map((issue) => `<li>${issue.line
      ? `<button type="button" class="secondary" data-line="${issue.line}" aria-label="Go to line ${issue.line}">line ${issue.line}</button>` : ''}${esc(issue.place ? `${issue.place}: ` : '')}${esc(issue.message)}</li>`).join('');
    root.querySelector('.problems').innerHTML = items(report.problems);
    root.querySelector('.warnings').innerHTML = items(report.warnings.map((w) => ({ ...w, message: `warning: ${w.message}` })));
    root.querySelector('.slos tbody').innerHTML = report.slos.map((slo) => `<tr>
      <th scope="row">${esc(slo.service)} / ${esc(slo.name)}<br><span class="hint">${esc(slo.sli)} SLI</span></th>
      <td>${esc(slo.target_text)} over ${esc(slo.window_text)}</td>
      <td>${esc(slo.error_budget_ratio_text)}: ${esc(slo.allowed_downtime_text)} of full outage, ${esc(slo.allowed_bad_per_million)} bad per million requests</td>
      <td class="tiers">${slo.tiers.map((t) => `${esc(t.name)} (${esc(t.severity)}): above ${esc(t.burn_rate_text)} over ${esc(t.long_window)} and ${esc(t.short_window)}, ${esc(t.error_ratio_threshold_text)} errors; detection ${esc(t.detection_text)}`).join('<br>') || 'no tiers'}</td></tr>`).join('');
    root.querySelector('.slos').closest('.scroll').hidden = report.slos.length === 0;
    for (const button of root.querySelectorAll('.downloads button')) button.disabled = !report.valid;
  }

  /** The file the draft becomes, as the core writes it: `{ text, file_name }` or `{ error }`. */
  async exportText(artifact) {
    const answer = (await editorCore()).export_draft(this.draft.value, artifact);
    return answer.result ?? { error: Object.values(answer.errors).join(' ') };
  }

  async download(artifact) {
    const file = await this.exportText(artifact);
    if (file.error) {
      this.said(file.error);
      return;
    }
    saveText(file.text, fileType(file.file_name), file.file_name);
    this.said(`Saved ${file.file_name}.`);
  }

  draftName() {
    return draftFileName(this.report?.format);
  }

  /** Puts the draft into this page's URL fragment and copies the link: a reviewer opening it sees the same draft. */
  async share() {
    history.replaceState(null, '', withDraft(location.hash, this.id, this.draft.value));
    try {
      await navigator.clipboard.writeText(location.href);
      this.said('Link copied: it holds the whole draft (in the part after #, which browsers never send to a server).');
    } catch {
      this.said('The address bar now holds the whole draft: copy it from there.');
    }
  }

  goToLine(line) {
    this.draft.focus();
    this.draft.setSelectionRange(...lineRange(this.draft.value, line));
  }

  said(text) {
    this.shadowRoot.querySelector('.said').textContent = text;
  }
}

// Defined once its module is instantiated (or failed): see "Defined once" in lib/wasm.js.
await editorCore().catch(() => {});

customElements.get('slo-editor') || customElements.define('slo-editor', SloEditor);
