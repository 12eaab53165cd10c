// The elements' look: the palette (light and dark defaults, each overridable by a custom
// property), the shared theme every shadow root adopts, and the adopting itself.

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
