// The Hugo workshop site (built by www/build.sh with Debian's hugo) shows working
// calculators: the shortcodes' attributes reach the elements, and the core answers; and it
// publishes docs/ as its Reference, every page and every link of it working.
// workshop.test.mjs walks every page; this file checks the figures on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { serve, launch, open, ready, type, requireBuilt, coreValues, ROOT, WWW } from '../lib/harness.mjs';

const PUBLIC = join(WWW, 'hugo/public');
let server, browser;
before(async () => {
  requireBuilt();
  if (!existsSync(join(PUBLIC, 'why-slos/index.html'))) throw new Error('www/hugo/public is not built: run tests/browser/run.sh');
  server = await serve();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

test('"Why Service Level Objectives?" is chapter 2 and its shortcodes became elements', () => {
  const html = readFileSync(join(PUBLIC, 'why-slos/index.html'), 'utf8');
  assert.match(html, /Chapter 2/);
  assert.match(html, /<h1>Why Service Level Objectives\?<\/h1>/);
  assert.match(html, /<slo-budget heading="What a target allows" id="expectations" requests="1000000" target="99.9" window="30d"><\/slo-budget>/);
  assert.match(html, /<slo-alerts error-ratio="5%" heading="[^"]+" target="99.9" window="30d"><\/slo-alerts>/);
  for (const tag of ['slo-composite', 'slo-what-if', 'slo-backtest', 'slo-live']) assert.match(html, new RegExp(`<${tag} `), tag);
  // Each element kind's own module, once however many elements of the kind: a page loads
  // only the wasm its elements use.
  for (const tag of ['slo-budget', 'slo-alerts', 'slo-composite', 'slo-what-if', 'slo-backtest', 'slo-live']) {
    assert.equal(html.match(new RegExp(`src="[^"]*/slo/elements/${tag}\\.js"`, 'g'))?.length, 1, `${tag}'s module, once`);
  }
  assert.doesNotMatch(html, /slo-elements\.js/);
  assert.match(html, /'wasm-unsafe-eval'/);
  // Only a page with a live view may connect to another port of this machine.
  assert.match(html, /connect-src 'self' http:\/\/127\.0\.0\.1:\*/);
  assert.match(readFileSync(join(PUBLIC, 'basics/error-budget/index.html'), 'utf8'), /connect-src 'self';/);
});

test('the workshop pages compute with the core in the browser', async () => {
  const core = coreValues();
  const { page, problems, requests } = await open(browser, `${server.url}/hugo/public/basics/error-budget/`);
  const budget = await ready(page, 'slo-budget');
  assert.equal((await budget.locator('[data-value="downtime"]').textContent()).trim(), '43 min 12 s');
  assert.equal((await budget.locator('[data-value="allowed-bad"]').textContent()).trim(), String(core.budget_999_30d_1m.allowed_bad_requests));
  await type(budget.getByLabel('Target (%)'), '99.95');
  await type(budget.getByLabel('Window', { exact: true }), '28d');
  await page.waitForFunction(() => document.querySelector('slo-budget').shadowRoot.querySelector('.headline').textContent.includes('28d'));
  assert.equal((await budget.locator('[data-value="downtime"]').textContent()).trim(), core.budget_9995_28d.allowed_downtime_text);

  const chapter = await open(browser, `${server.url}/hugo/public/why-slos/`);
  const alerts = await ready(chapter.page, 'slo-alerts');
  assert.equal(await alerts.locator('tbody tr').count(), 4);
  const whatif = await ready(chapter.page, '#incidents');
  assert.ok(await whatif.locator('svg rect.span').count() > 0);
  await ready(chapter.page, 'slo-composite');
  // Everything came from the Hugo site's own files, but for the live view's one address.
  const live = 'http://127.0.0.1:10000/slo/status';
  for (const url of [...requests, ...chapter.requests]) assert.ok(url.startsWith(`${server.url}/hugo/public/`) || url === live, url);
  assert.deepEqual([...problems, ...chapter.problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p))], []);
});

const DOCS = join(ROOT, 'docs');
const markdown = (dir = DOCS) => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? markdown(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
const unescape = (html) => html.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

test('the Reference is docs/: every page published, titled by its first heading; every link on it answers, anchors included', async () => {
  const site = `${server.url}/hugo/public/`;
  const fetched = new Map();
  const get = async (url) => {
    if (!fetched.has(url)) {
      const answer = await fetch(url);
      fetched.set(url, { status: answer.status, html: answer.status === 200 ? await answer.text() : '' });
    }
    return fetched.get(url);
  };
  const files = markdown();
  assert.ok(files.length >= 15, `${files.length} pages in docs/`);
  let links = 0;
  for (const file of files) {
    const name = relative(ROOT, file);
    // docs/README.md is the section's index; docs/x/y.md is reference/x/y/.
    const url = `${site}reference/${relative(DOCS, file).replace(/(^|\/)README\.md$/, '$1').replace(/\.md$/, '/')}`;
    const page = await get(url);
    assert.equal(page.status, 200, `${name} is published at ${url}`);
    const source = readFileSync(file, 'utf8');
    // Hugo runs a shortcode even in a code span: the site would show its result, not the text.
    assert.doesNotMatch(source, /\{\{[<%]/, `${name}: a Hugo shortcode`);
    const heading = /^# (.+)$/m.exec(source)[1].replaceAll('`', '');
    // Hugo's typographer curls the title's quotes.
    const title = unescape(/<title>(.*?) · SLO workshop<\/title>/.exec(page.html)?.[1] ?? '').replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
    assert.equal(title, heading, `${name}: its title`);
    const content = page.html.slice(page.html.indexOf('<main'));
    assert.doesNotMatch(content, /href="[^"#]*\.md(#[^"]*)?"/, `${name}: a link to a .md file was not rewritten`);
    for (const [, href] of content.matchAll(/href="([^"]+)"/g)) {
      const target = new URL(unescape(href), url);
      if (target.origin !== server.url) continue;
      const answer = await get(target.href.split('#')[0]);
      assert.equal(answer.status, 200, `${name} links to ${target.href}`);
      if (target.hash) assert.ok(answer.html.includes(`id="${decodeURIComponent(target.hash.slice(1))}"`), `${name} links to ${target.href}: no such anchor`);
      links += 1;
    }
  }
  assert.ok(links >= 100, `${links} links followed`);
});

test('on a phone, a reference page\'s wide tables scroll in their own focusable box, not the page', async () => {
  const { page, problems } = await open(browser, `${server.url}/hugo/public/reference/spec/`, { viewport: { width: 390, height: 844 } });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  const boxes = page.locator('main .table-scroll[tabindex="0"] > table');
  assert.ok(await boxes.count() >= 3);
  const scrolling = await page.locator('main .table-scroll').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).length);
  assert.ok(scrolling >= 1, 'at least one table is wider than the phone, and scrolls');
  assert.deepEqual(problems, []);
});

test('a reference page linking to a page docs/ does not have stops the Hugo build, saying which', () => {
  // The site and docs/ side by side, as in the repository: the mount reaches ../../docs.
  const repo = mkdtempSync(join(tmpdir(), 'reference-'));
  try {
    const site = join(repo, 'www/hugo');
    for (const part of ['config.toml', 'content', 'layouts', 'data']) cpSync(join(WWW, 'hugo', part), join(site, part), { recursive: true });
    cpSync(DOCS, join(repo, 'docs'), { recursive: true });
    writeFileSync(join(repo, 'docs/spec.md'), `${readFileSync(join(DOCS, 'spec.md'), 'utf8')}\nSee [the gone page](gone.md#anywhere).\n`);
    // Hugo logs its errors on stdout.
    const hugo = spawnSync('hugo', ['--source', site, '--destination', join(repo, 'public')], { encoding: 'utf8' });
    assert.notEqual(hugo.status, 0, 'hugo built a page with a broken link');
    assert.match(hugo.stdout, /reference\/spec\.md: the link to "gone\.md#anywhere" names no page of docs\//);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

