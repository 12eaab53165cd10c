// elements/lib/chart.js: where points land (pixels), which ticks an axis gets, and what the
// legends name. Expected pixels are worked out by hand from the chart's padding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chart, pairs, within, timeAxis, roundTicks, budgetAxis, firingSpans, legendHTML, laneLegend, TIME_STEPS,
} from '../../www/elements/lib/chart.js';

const DAY = 86400;
const humanize = (s) => `${s / DAY} d`;
const percent = (r) => `${Math.round(r * 100)}%`;

test('pairs reads the core flat curves two by two and drops a lone last number', () => {
  assert.deepEqual(pairs([0, 1, 60, 0.5, 120]), [[0, 1], [60, 0.5]]);
  assert.deepEqual(pairs(new Float64Array([1, 2])), [[1, 2]]);
  assert.deepEqual(pairs([]), []);
});

test('within keeps the candidates inside the range, forgiving float noise at the ends', () => {
  assert.deepEqual(within([1, 0.5, 0, -0.5, -1], -0.5, 1), [1, 0.5, 0, -0.5]);
  assert.deepEqual(within([0.1, 0.3], 0.1 + 2e-17, 0.30000000000000004), [0.1, 0.3]);
  assert.deepEqual(within([5], 0, 1), []);
});

test('a time axis labels about one tick per 70 px, in round steps, with the core words', () => {
  // 30 days over 640 px: at most 9 labels, so 5-day steps (1 and 2 days give 30 and 15).
  const axis = timeAxis(30 * DAY, 640, humanize, 'Time');
  assert.deepEqual(axis.ticks, [[0, '0'], ...[5, 10, 15, 20, 25, 30].map((d) => [d * DAY, `${d} d`])]);
  assert.deepEqual([axis.min, axis.max, axis.title], [0, 30 * DAY, 'Time']);
  // On a phone (280 px: at most 4 labels) the same window takes 10-day steps.
  assert.deepEqual(timeAxis(30 * DAY, 280, humanize, '').ticks.map(([t]) => t / DAY), [0, 10, 20, 30]);
  // Longer than every step allows: the longest step.
  assert.equal(timeAxis(10000 * DAY, 280, humanize, '').ticks[1][0], TIME_STEPS.at(-1));
});

test('a window that ends now counts its ticks back from the end', () => {
  const axis = timeAxis(DAY, 390, (s) => `${s / 3600} h`, 'The 1d window', (t) => (t === DAY ? 'now' : `-${(DAY - t) / 3600} h`));
  assert.deepEqual(axis.ticks.map(([, label]) => label), ['-24 h', '-18 h', '-12 h', '-6 h', 'now']);
});

test('round ticks step by 1, 2, 2.5 or 5 times a power of ten, at most four intervals', () => {
  // A burn rate peaking at 37.973x: 10x steps, not quarters of the peak.
  assert.deepEqual(roundTicks(0, 37.973), [0, 10, 20, 30]);
  assert.deepEqual(roundTicks(0, 1), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(roundTicks(0, 4800), [0, 2000, 4000]);
  // A budget over-spent to -30%: the ticks stay round on both sides of zero.
  assert.deepEqual(roundTicks(-0.3, 1), [0, 0.5, 1]);
  assert.deepEqual(roundTicks(-1.2, 1), [-1, 0, 1]);
  assert.deepEqual(roundTicks(0.1, 0.3), [0.1, 0.15, 0.2, 0.25, 0.3]);
  // A flat series has its one value.
  assert.deepEqual(roundTicks(2, 2), [2]);
});

test('the budget axis runs from the lowest point (or 0) to 1, down to the next tick', () => {
  const series = [{ points: [[0, 1], [10, -0.3]] }, { points: [[0, 1], [10, 0.2]] }];
  const axis = budgetAxis(series, [1, 0.5, 0, -0.5, -1], percent);
  assert.deepEqual(axis.ticks, [[1, '100%'], [0.5, '50%'], [0, '0%']]);
  assert.deepEqual([axis.min, axis.max], [-0.3, 1]);
  // Nothing spent below zero: the axis stops at 0.
  assert.equal(budgetAxis([{ points: [[0, 1], [10, 0.6]] }], [1, 0.5, 0], percent).min, 0);
});

test('a line chart puts its points where its padding says, and escapes its words', () => {
  // 640 x 280, no lanes: the plot spans x 64..624 and y 14..234.
  const svg = chart({
    x: { min: 0, max: 10, ticks: [[5, 'five']], title: 'x <axis>' },
    y: { min: 0, max: 1, ticks: [[0.5, 'half']], title: 'y' },
    series: [{ points: [[0, 0], [10, 1]], cls: 'budget', label: 'a & b' }],
    title: { id: 't1', text: 'The "chart"' },
    desc: 'Described',
  });
  assert.match(svg, /^<svg viewBox="0 0 640 280" width="640" height="280" role="img" aria-labelledby="t1-t t1-d">/);
  assert.match(svg, /<path class="line budget" d="M64\.0 234\.0L624\.0 14\.0"><title>a &amp; b<\/title><\/path>/);
  assert.match(svg, /<text x="344\.0" y="250" text-anchor="middle">five<\/text>/);
  assert.match(svg, /<line class="grid" x1="64" x2="624" y1="124\.0" y2="124\.0"\/>/);
  assert.match(svg, /x &lt;axis&gt;/);
  assert.match(svg, /<title id="t1-t">The &quot;chart&quot;<\/title><desc id="t1-d">Described<\/desc>/);
});

test('lanes: a short firing still shows 4 px wide, one still firing runs to the end', () => {
  const svg = chart({
    x: { min: 0, max: 100, ticks: [], title: '' }, y: { min: 0, max: 1, ticks: [], title: '' },
    lanes: [{ label: 'page-fast', cls: 'page', spans: [{ from: 10, to: 10.1, label: 'short' }, { from: 50, to: null, label: 'open' }] }],
    title: { id: 't', text: '' }, desc: '',
  });
  // One lane: the plot starts at x 84 (room for the label) and ends at 624 (540 px wide).
  const rects = [...svg.matchAll(/<rect class="span page" [^>]*x="([\d.]+)" y="\d+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.deepEqual(rects, [[138, 4], [354, 270]]);
  assert.match(svg, /data-fires="50" data-resets=""/);
});

test('the exhaustion point says "budget exhausted" on the side away from the nearer edge', () => {
  const at = (x) => chart({
    x: { min: 0, max: 10, ticks: [], title: '' }, y: { min: -1, max: 1, ticks: [], title: '' },
    exhausted: { x, y: 0, seconds: x, label: `at ${x}` }, title: { id: 't', text: '' }, desc: '',
  });
  assert.match(at(2), /text-anchor="start">budget exhausted</);
  assert.match(at(9), /text-anchor="end">budget exhausted</);
  assert.match(at(2), /<g class="exhausted" data-seconds="2"><title>at 2<\/title>/);
});

test('a single value still gets a span to draw in', () => {
  assert.match(chart({ x: { min: 5, max: 5, ticks: [[5, '5']], title: '' }, y: { min: 0.01, max: 0.01, log: true, ticks: [], title: '' },
    title: { id: 't', text: '' }, desc: '' }), /<text x="344\.0"/);
});

test('firing spans carry the core times and words', () => {
  assert.deepEqual(firingSpans([{ fires_at_seconds: 60, resets_at_seconds: null, fires_at_text: '+1 min', resets_at_text: 'still firing' }], 'page-fast (page)'),
    [{ from: 60, to: null, label: 'page-fast (page) fires +1 min, resets still firing' }]);
});

test('legends name what is drawn, and nothing else', () => {
  assert.equal(legendHTML([['budget', 'budget <left>'], false, null]), '<li><span class="swatch budget"></span>budget &lt;left&gt;</li>');
  const lanes = [{ cls: 'page', spans: [{}] }, { cls: 'ticket', spans: [] }];
  assert.deepEqual(laneLegend(lanes), [['bar page', 'page tier firing (solid bar)'], false]);
  assert.equal(legendHTML(laneLegend(lanes)), '<li><span class="swatch bar page"></span>page tier firing (solid bar)</li>');
});
