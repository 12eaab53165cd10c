// <slo-composite dependencies="load balancer: 99.99%; app: 99.9% x3; database: 99.95% x2">
// The availability of a service that needs all of its dependencies (in series), each run
// as one or more redundant replicas, as the core computes it.
import { SloElement } from './lib/element.js';
import { esc, labelCells, titleHTML, regionLabel } from './lib/html.js';
import { core } from './lib/wasm.js';

/** "name: 99.9 x2; ..." -> [["name", "99.9", "2"], ...] */
export function parseDependencies(text) {
  return String(text ?? '').split(';').map((s) => s.trim()).filter(Boolean).map((s) => {
    const colon = s.lastIndexOf(':');
    const name = colon >= 0 ? s.slice(0, colon).trim() : '';
    const [availability = '', replicas = 'x1'] = s.slice(colon + 1).trim().split(/\s+/);
    return [name, availability, replicas.replace(/^x/, '')];
  });
}

export class SloComposite extends SloElement {
  static wasm = core;

  static fields = [
    { name: 'dependencies', attr: 'dependencies', value: 'load balancer: 99.99%; app: 99.9% x3; database: 99.95% x2' },
  ];

  static css = `
fieldset { border: 1px solid var(--slo-border, #cbd5e1); border-radius: calc(var(--slo-radius, 8px) / 2);
  display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: flex-start; margin: 0 0 .6rem; padding: .5rem .8rem; }
legend { font-weight: 600; font-size: .9em; }
button[data-remove] { margin-top: 1.55rem; }
.deps { flex: 1 1 100%; }`;

  template() {
    this.deps = parseDependencies(this.initial(SloComposite.fields[0]));
    return `${titleHTML(this, 'Composite availability')}
<form novalidate>
  <div class="deps">${this.depsHTML()}</div>
  <p><button type="button" class="secondary add">Add dependency</button></p>
  <p class="error form-error" aria-live="polite"></p>
</form>
<div class="results" role="region" aria-live="polite" aria-label="${regionLabel(this, 'Composite availability results')}">
  <p class="stale"></p>
  <p class="headline"></p>
  <p class="hint">Dependencies are taken to fail independently; one with replicas is up while any one replica is.</p>
  <table class="parts stack"><caption>Each dependency with its replicas</caption>
    <thead><tr><th scope="col">Dependency</th><th scope="col" class="num">Replicas</th><th scope="col" class="num">Availability with replicas</th><th scope="col" class="num">Downtime per 30-day month</th></tr></thead><tbody></tbody></table>
</div>`;
  }

  depsHTML() {
    return this.deps.map(([name, availability, replicas], i) =>
      `<fieldset><legend>Dependency ${i + 1}</legend>
        ${this.fieldHTML(`dependencies[${i}].name`, 'Name', name)}
        ${this.fieldHTML(`dependencies[${i}].availability`, 'Availability', availability, { hint: 'e.g. 99.95% or 0.9995' })}
        ${this.fieldHTML(`dependencies[${i}].replicas`, 'Redundant replicas', replicas, { hint: 'any one is enough', inputmode: 'numeric' })}
        <button type="button" class="secondary" data-remove="${i}" aria-label="Remove dependency ${i + 1}">Remove</button>
      </fieldset>`).join('');
  }

  connectedCallback() {
    const first = !this.built;
    super.connectedCallback();
    if (!first) return;
    this.wireList({
      get: () => this.currentDeps(),
      set: (rows) => { this.deps = rows; },
      render: () => this.renderDeps(),
      blank: (n) => [`dependency ${n + 1}`, '99.9%', '1'],
      focusName: (i) => `dependencies[${i}].name`,
    });
  }

  attributeChangedCallback(name, old, value) {
    if (!this.built || old === value) return;
    this.deps = parseDependencies(value);
    this.renderDeps();
    this.update();
  }

  renderDeps() {
    this.shadowRoot.querySelector('.deps').innerHTML = this.depsHTML();
  }

  currentDeps() {
    const v = this.values();
    return this.deps.map((_, i) => ['name', 'availability', 'replicas'].map((k) => v[`dependencies[${i}].${k}`] ?? ''));
  }

  compute(lib) {
    const deps = this.currentDeps();
    return lib.composite(deps.map((d) => d[1]), deps.map((d) => d[2]));
  }

  state() {
    return { dependencies: this.currentDeps().map(([n, a, r]) => `${n}: ${a} x${r}`).join('; ') };
  }

  setState(state) {
    if (!('dependencies' in state)) return;
    this.deps = parseDependencies(state.dependencies);
    this.renderDeps();
  }

  render(r) {
    const deps = this.currentDeps();
    this.shadowRoot.querySelector('.headline').innerHTML =
      `${esc(r.needs_text)}, the service is available <strong data-value="availability">${esc(r.availability_text)}</strong> of the time: ` +
      `<span data-value="downtime">${esc(r.expected_downtime_text)}</span> of downtime per ${esc(r.period)}.`;
    this.shadowRoot.querySelector('.parts tbody').innerHTML = r.dependencies.map((d, i) =>
      `<tr><th scope="row">${esc(deps[i][0] || `dependency ${i + 1}`)}</th><td class="num">${esc(d.replicas)}</td><td class="num">${esc(d.availability_text)}</td><td class="num">${esc(d.expected_downtime_text)}</td></tr>`).join('');
    labelCells(this.shadowRoot.querySelector('.parts'));
  }
}

// Defined once its module is instantiated (or failed): see "Defined once" in lib/wasm.js.
await core().catch(() => {});

customElements.get('slo-composite') || customElements.define('slo-composite', SloComposite);
