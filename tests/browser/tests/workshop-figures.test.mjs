// The workshop's prose states no computed figure by hand: every duration, percentage, count
// or burn rate it prints is either an input the reader is asked to choose (an argument of a
// run in www/hugo/figures.mjs, or one the page declares in its front matter's `inputs`) or
// comes from the core through {{< slo-figure >}}. The figures the site was built with are
// the core's answers now, the built pages print them, and an unknown figure stops the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT, WWW, coreValues } from '../lib/harness.mjs';
import { RUNS, compute } from '../../../www/hugo/figures.mjs';

const HUGO = join(WWW, 'hugo');
const CONTENT = join(HUGO, 'content');
const DATA = join(HUGO, 'data/figures.json');
const sources = (dir = CONTENT) => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));

const UNITS = { ms: 'ms', s: 's', sec: 's', second: 's', seconds: 's', min: 'm', minute: 'm', minutes: 'm', m: 'm',
  h: 'h', hour: 'h', hours: 'h', d: 'd', day: 'd', days: 'd', w: 'w', week: 'w', weeks: 'w' };
const FIGURE = new RegExp([
  String.raw`\d[\d,]*(?:\.\d+)?\s?%`, // a percentage
  String.raw`\b\d+(?:\.\d+)?[\s-]?(?:${Object.keys(UNITS).join('|')})\b`, // a duration
  String.raw`\b\d+(?:\.\d+)?x\b`, // a burn rate
  String.raw`\b\d{1,3}(?:,\d{3})+\b|\b\d{4,}\b`, // a count
].join('|'), 'g');

/** One spelling per figure: `30 days` and `30d`, `99.9 %` and `99.9%`, `1,000` and `1000`. */
function normal(figure) {
  const text = figure.replaceAll(',', '').replace(/[\s-]/g, '');
  const unit = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(text);
  return unit && UNITS[unit[2]] ? `${unit[1]}${UNITS[unit[2]]}` : text;
}

/** The figures a page's prose states itself: outside front matter, code and shortcodes. */
function handTyped(markdown) {
  const prose = markdown
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`]*`/g, '')
    .replace(/\{\{<[\s\S]*?>\}\}/g, '')
    .replace(/\]\([^)]*\)/g, ']');
  return [...prose.matchAll(FIGURE)].map((m) => m[0]);
}

/** The inputs: every argument of every run (`99,99.5` is two), as percentages too. */
const INPUTS = new Set(Object.values(RUNS).flat().flatMap((arg) => arg.split(','))
  .flatMap((arg) => [normal(arg), `${normal(arg)}%`]));

const declared = (markdown) => {
  const line = /^inputs:\s*\[(.*)\]\s*$/m.exec(/^---\n([\s\S]*?)\n---/.exec(markdown)?.[1] ?? '');
  return line ? line[1].split(',').map((s) => normal(s.trim().replace(/^"|"$/g, ''))) : [];
};

test('the prose types no computed figure: each is an input, or comes from the core', () => {
  const typed = [];
  for (const file of sources()) {
    const markdown = readFileSync(file, 'utf8');
    const allowed = new Set([...INPUTS, ...declared(markdown)]);
    for (const figure of handTyped(markdown)) if (!allowed.has(normal(figure))) typed.push(`${relative(ROOT, file)}: "${figure}"`);
  }
  assert.deepEqual(typed, [], 'print these with {{< slo-figure RUN FIELD >}} (www/hugo/figures.mjs), or declare an input');
});

test('control: the scan finds hand-typed results and lets inputs and shortcodes through', () => {
  const page = `---\ntitle: x\ninputs: ["250 ms"]\n---\n99.9% over 30 days allows 43 min 12 s, or 1,000 of 1000000 requests;
a burn rate of 14.4x spends 6.9444% of it. {{< slo-figure "budget_999_30d" "allowed_downtime_text" >}} \`2 h\` 250 ms.`;
  const allowed = new Set([...INPUTS, ...declared(page)]);
  assert.deepEqual(handTyped(page).filter((f) => !allowed.has(normal(f))), ['43 min', '12 s', '1,000', '14.4x', '6.9444%']);
});

test('the site was built with the core\'s figures, and its pages print them', () => {
  assert.ok(existsSync(DATA), 'www/hugo/data/figures.json is missing: run tests/browser/run.sh (www/build.sh writes it)');
  const slo = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug/slo');
  assert.ok(existsSync(slo), `${slo} is missing: www/build.sh builds it`);
  const data = JSON.parse(readFileSync(DATA, 'utf8'));
  assert.deepEqual(data, compute(slo), 'data/figures.json is stale: rebuild with www/build.sh');
  // The command and the browser's core agree (slo-web's native oracle).
  const core = coreValues();
  assert.equal(data.budget_999_30d.allowed_downtime_text, core.budget_999_30d_1m.allowed_downtime_text);
  assert.equal(data.budget_999_30d.allowed_bad_requests, core.budget_999_30d_1m.allowed_bad_requests);
  // Every figure a page names is printed on its built page, as the core spelled it.
  let printed = 0;
  for (const file of sources()) {
    const markdown = readFileSync(file, 'utf8');
    const rel = relative(CONTENT, file).replace(/(_index)?\.md$/, '').replace(/\/?$/, '/').replace(/^\//, '');
    const html = readFileSync(join(HUGO, 'public', rel, 'index.html'), 'utf8');
    for (const [, run, field] of markdown.matchAll(/\{\{<\s*slo-figure\s+"([^"]+)"\s+"([^"]+)"\s*>\}\}/g)) {
      const value = data[run][field];
      const shown = typeof value === 'number' ? value.toLocaleString('en-US') : value;
      const escaped = String(shown).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&#34;').replaceAll('+', '&#43;');
      assert.ok(html.includes(`<span class="figure">${escaped}</span>`), `${rel}: ${run} ${field} = ${shown}`);
      printed += 1;
    }
  }
  assert.ok(printed >= 15, `${printed} figures printed`);
});

test('a page naming a figure the core does not compute stops the Hugo build, saying which', () => {
  const site = mkdtempSync(join(tmpdir(), 'workshop-'));
  try {
    for (const part of ['config.toml', 'content', 'layouts', 'data']) cpSync(join(HUGO, part), join(site, part), { recursive: true });
    writeFileSync(join(site, 'content/basics/typo.md'), '---\ntitle: typo\n---\nDown for {{< slo-figure "budget_999_30d" "allowed_downtime_txt" >}}.\n');
    // Hugo logs its errors on stdout.
    const hugo = spawnSync('hugo', ['--source', site, '--destination', join(site, 'public')], { encoding: 'utf8' });
    assert.notEqual(hugo.status, 0, 'hugo built a page with an unknown figure');
    assert.match(hugo.stdout, /typo\.md:4:\d+": slo-figure: run "budget_999_30d" has no field "allowed_downtime_txt"/);
    writeFileSync(join(site, 'content/basics/typo.md'), '---\ntitle: typo\n---\nDown for {{< slo-figure "budget_999_90d" "allowed_downtime_text" >}}.\n');
    const again = spawnSync('hugo', ['--source', site, '--destination', join(site, 'public')], { encoding: 'utf8' });
    assert.notEqual(again.status, 0);
    assert.match(again.stdout, /no run "budget_999_90d"/);
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
});
