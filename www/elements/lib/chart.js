// Inline SVG charts of the elements: one line chart with axes, alert lanes and an
// exhaustion point, and the axes and legends several elements share. The only arithmetic
// here places points on a chart (pixels) and picks round tick values inside the ranges the
// core's figures span; every tick label is the core's word (its `percent`, `humanize`).
import { esc } from './html.js';

/**
 * An SVG line chart with axes, tick labels, axis titles with units, alert lanes and an
 * exhaustion point. x/y: { min, max, log, ticks: [[value, label]], title };
 * series: [{ points: [[x, y]], cls }]; lanes (one row each above the plot, so that no
 * tier hides under another): [{ label, cls, spans: [{ from, to, label }] }] with `to` null
 * for "still firing"; exhausted: { x, y, label, seconds } drawn as a labelled diamond.
 * Draw it `width` CSS pixels wide (SloElement.chartWidth, lib/element.js) so that its 11 px text stays 11 px.
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

const HOUR = 3600;
const DAY = 86400;
/** Spacing candidates, in seconds, for linear time axes (burn-downs, timelines). */
export const TIME_STEPS = [HOUR, 6 * HOUR, DAY, 2 * DAY, 5 * DAY, 7 * DAY, 10 * DAY, 15 * DAY, 30 * DAY, 60 * DAY, 90 * DAY, 180 * DAY, 365 * DAY];

/**
 * A linear time axis from 0 to `span` seconds, `width` px wide: about one label per 70 px,
 * so that they never overlap on a phone, each the core's words (`humanize`). `label(t)`
 * words a tick instead: a window that ends now counts back from its end (`-6 h`, `now`).
 */
export function timeAxis(span, width, humanize, title, label = (t) => (t === 0 ? '0' : humanize(t))) {
  const step = TIME_STEPS.find((s) => span / s <= Math.max(3, Math.floor(width / 70))) ?? TIME_STEPS.at(-1);
  const ticks = [];
  for (let t = 0; t <= span; t += step) ticks.push([t, label(t)]);
  return { min: 0, max: span, ticks, title };
}

/**
 * Round tick values inside [min, max] for a linear axis of any unit: steps of 1, 2, 2.5
 * or 5 times a power of ten, the smallest that leaves at most `most` intervals, so that
 * labels read 10x, 20x, 30x rather than quarters of whatever the data spans.
 */
export function roundTicks(min, max, most = 4) {
  const span = max - min;
  if (!(span > 0)) return [min];
  const power = 10 ** Math.floor(Math.log10(span / most));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => span / s <= most);
  const ticks = [];
  // Whole multiples of the step, computed from integers so that 0.1 + 0.2 stays 0.3.
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + 1e-9 * Math.abs(max); k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/**
 * The error-budget-left axis (1 = all left, below 0 = over-spent) for `series`: from the
 * lowest point drawn (or 0) to 1, its ticks the `candidates` inside, labelled by `percent`.
 */
export function budgetAxis(series, candidates, percent) {
  const lowest = Math.min(0, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const ticks = within(candidates, lowest, 1);
  return { min: Math.min(lowest, ticks.at(-1) ?? lowest), max: 1, ticks: ticks.map((v) => [v, percent(v)]), title: 'Error budget left (%)' };
}

/** A lane's spans from the core's firings of one tier; `name` starts each span's tooltip. */
export const firingSpans = (firings, name) => firings.map((f) => ({
  from: f.fires_at_seconds, to: f.resets_at_seconds, label: `${name} fires ${f.fires_at_text}, resets ${f.resets_at_text}` }));

/** A legend's items: [swatch classes, words] each, falsy ones left out (not drawn). */
export const legendHTML = (items) => items.filter(Boolean)
  .map(([swatch, words]) => `<li><span class="swatch ${swatch}"></span>${esc(words)}</li>`).join('');

/** The legend items of alert lanes, for the severities that have a firing drawn. */
export function laneLegend(lanes) {
  const drawn = (cls) => lanes.some((l) => l.cls === cls && l.spans.length > 0);
  return [
    drawn('page') && ['bar page', 'page tier firing (solid bar)'],
    drawn('ticket') && ['bar ticket', 'ticket tier firing (hollow bar)'],
  ];
}
