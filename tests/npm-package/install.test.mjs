// Installs the packed npm package (SLO_NPM_TARBALL, made by scripts/npm-package.sh) as a
// docs-site author without Rust would: offline, into a fresh plain-HTML site and a fresh
// `hugo new site`, using the snippets of the package's own README. Each site is served on
// loopback at a free port and opened in Debian's headless Chromium: the elements must show
// the figures a hand calculation gives, and the page must fetch nothing outside its origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { serve } from '../../www/serve.mjs';
import { launch, open, ROOT } from '../browser/lib/harness.mjs';

const TARBALL = process.env.SLO_NPM_TARBALL;
const WORK = process.env.SLO_NPM_WORK;
if (!TARBALL || !WORK) throw new Error('set SLO_NPM_TARBALL and SLO_NPM_WORK: run tests/npm-package/run.sh');

// The crates' version and licence, read here from Cargo.toml rather than through the packing script.
const VERSION = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))[1];
const LICENSE = /\[workspace\.package\][^[]*?\nlicense = "([^"]+)"/.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))[1];

// Hand calculations: 99.9% over 30 days allows 0.1% of 30 x 86,400 s = 2,592 s = 43 min 12 s
// of downtime and 1,000 bad requests in 1,000,000; the fast page tier (14.4x) fires at an
// error ratio of 14.4 x 0.1% = 1.44%; at a steady 2% its 1 h long window reaches 1.44% after
// 1.44 / 2 of an hour = 2,592 s (its 5 min short window got there long before).
const HAND = { downtime: '43 min 12 s', downtimeSeconds: 2592, badRequests: 1000, pageThreshold: '1.44%', pageDetectionSeconds: 2592 };
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

let browser;
const servers = [];
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  for (const server of servers) await server.close();
});

const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A fresh folder with the tarball installed from the file alone: no registry is asked. */
function install(site) {
  mkdirSync(site, { recursive: true });
  if (!existsSync(join(site, 'package.json'))) writeFileSync(join(site, 'package.json'), '{"name": "docs-site", "private": true}\n');
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', join(WORK, 'npm-cache'), TARBALL], site);
  return join(site, 'node_modules/slo-elements');
}

/** The package README's code blocks, in order: [{lang, code}]. */
const blocks = (readme) => [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
const block = (readme, lang, has) => {
  const found = blocks(readme).find((b) => b.lang === lang && b.code.includes(has));
  assert.ok(found, `the package README has no ${lang || 'plain'} block with ${has}`);
  return found.code;
};

const page = (title, head, body = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${title}</title>
${head}</head><body><main>
${body}</main></body></html>
`;

/** Opens `url` and returns each element's first `change` result, the page's errors and requests. */
async function visit(url) {
  const visit = await open(browser);
  await visit.page.addInitScript(() => {
    window.sloResults = {};
    document.addEventListener('change', (event) => {
      const tag = event.target.localName;
      if (tag.startsWith('slo-') && !(tag in window.sloResults)) window.sloResults[tag] = event.detail;
    }, true);
  });
  await visit.page.goto(url);
  return visit;
}

/** The calculators on the page show the hand-calculated figures, from their own origin only. */
async function assertCalculators(url, origin) {
  const { page, problems, requests, context } = await visit(url);
  for (const tag of ['slo-budget', 'slo-alerts']) await page.locator(`${tag}[data-ready="true"]`).waitFor({ timeout: 15000 });
  const results = await page.evaluate(() => {
    const { 'slo-budget': budget, 'slo-alerts': alerts } = window.sloResults;
    const page = alerts.tiers.find((tier) => tier.name === 'page-fast');
    const text = (tag) => document.querySelector(tag).shadowRoot.textContent;
    return {
      downtime: budget.allowed_downtime_text, downtimeSeconds: budget.allowed_downtime_seconds,
      badRequests: budget.allowed_bad_requests, pageThreshold: page.error_ratio_threshold_text,
      // Floating point: 2592.0000000000023, to the microsecond.
      pageDetectionSeconds: Number(page.detection_seconds.toFixed(6)), budgetText: text('slo-budget'), alertsText: text('slo-alerts'),
    };
  });
  const { budgetText, alertsText, ...figures } = results;
  assert.deepEqual(figures, HAND);
  assert.ok(budgetText.includes(HAND.downtime), `slo-budget does not show ${HAND.downtime}: ${budgetText.slice(0, 300)}`);
  assert.ok(alertsText.includes(HAND.pageThreshold), `slo-alerts does not show ${HAND.pageThreshold}`);
  const outside = requests.filter((r) => !r.startsWith('data:') && new URL(r).origin !== origin);
  assert.deepEqual(outside, [], 'requests outside the page\'s origin');
  assert.ok(requests.some((r) => r.endsWith('/slo/pkg/slo_web_bg.wasm')), 'the wasm came from the site');
  assert.deepEqual(problems, []);
  await context.close();
}

const sha384 = (file) => `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;

test('the package has the crates\' version and licence, the built files, the Hugo module, the docs and right SRI hashes', () => {
  const pkg = install(join(WORK, 'inspect'));
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'slo-elements');
  assert.equal(manifest.version, VERSION);
  assert.equal(manifest.license, LICENSE);
  assert.equal(readFileSync(join(pkg, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
  assert.ok(TARBALL.endsWith(`slo-elements-${VERSION}.tgz`), TARBALL);
  for (const file of ['pkg/slo_web.js', 'pkg/slo_web_bg.wasm', 'pkg/slo_web_backtest.js', 'pkg/slo_web_backtest_bg.wasm',
    'elements/slo-backtest.js', 'elements/slo-report.js', 'elements/slo-history.js', 'layouts/shortcodes/slo-report.html',
    'elements/slo-fleet.js', 'layouts/shortcodes/slo-fleet.html',
    'elements/slo-elements.js', 'elements/slo-elements.bundle.js',
    'elements/lib/wasm.js', 'elements/lib/element.js', 'elements/slo-budget.js', 'config.toml', 'layouts/partials/slo-element.html',
    'layouts/shortcodes/slo-budget.html', 'docs/elements.md', 'docs/embedding.md', 'docs/results.md', 'README.md']) {
    assert.ok(existsSync(join(pkg, file)), `the package lacks ${file}`);
  }
  const integrity = JSON.parse(readFileSync(join(pkg, 'integrity.json'), 'utf8'));
  assert.equal(integrity.version, VERSION);
  const served = ['elements', 'pkg'].flatMap((dir) => readdirSync(join(pkg, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile()).map((entry) => relative(pkg, join(entry.parentPath, entry.name)))).sort();
  assert.deepEqual(Object.keys(integrity.files).sort(), served);
  for (const [file, hash] of Object.entries(integrity.files)) assert.equal(hash, sha384(join(pkg, file)), file);
  // Every relative link of the shipped docs reaches a file the package ships.
  for (const doc of ['README.md', ...readdirSync(join(pkg, 'docs')).map((name) => `docs/${name}`)]) {
    for (const [, target] of readFileSync(join(pkg, doc), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      assert.ok(existsSync(join(pkg, dirname(doc), target)), `${doc} links to ${target}, which the package does not ship`);
    }
  }
  // The README's snippets carry the same hashes.
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  assert.ok(readme.includes(`integrity="${integrity.files['elements/slo-elements.bundle.js']}"`));
  assert.ok(readme.includes(`integrity="${integrity.files['elements/slo-elements.js']}"`));
  assert.ok(!readme.includes('{{sri'), 'a placeholder was left in the README');
});

test('a fresh plain-HTML site: the README\'s steps and snippets, bundle and modules, each with SRI', async () => {
  const site = join(WORK, 'plain');
  const pkg = install(site);
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  run('bash', ['-euc', block(readme, 'sh', 'cp -r')], site);
  const bundle = block(readme, 'html', 'slo-elements.bundle.js');
  const modules = block(readme, 'html', 'src="/slo/elements/slo-elements.js"');
  assert.ok(block(readme, '', 'wasm-unsafe-eval').includes(CSP));
  writeFileSync(join(site, 'favicon.ico'), '');
  writeFileSync(join(site, 'bundle.html'), page('bundle', bundle));
  const elements = bundle.split('\n').filter((line) => line.startsWith('<slo-')).join('\n');
  writeFileSync(join(site, 'modules.html'), page('modules', modules, elements));
  const server = await serve(site);
  servers.push(server);
  await assertCalculators(`${server.url}/bundle.html`, server.url);
  await assertCalculators(`${server.url}/modules.html`, server.url);
});

test('a changed bundle fails its SRI check and defines no element', async () => {
  const site = join(WORK, 'tampered');
  cpSync(join(WORK, 'plain'), site, { recursive: true });
  appendFileSync(join(site, 'slo/elements/slo-elements.bundle.js'), '\n// changed after packing\n');
  const server = await serve(site);
  servers.push(server);
  const { page, problems, context } = await visit(`${server.url}/bundle.html`);
  await page.waitForFunction(() => document.readyState === 'complete');
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => customElements.get('slo-budget')), undefined);
  assert.ok(problems.some((p) => /integrity/i.test(p)), `no integrity error: ${problems.join('; ')}`);
  await context.close();
});

test('a fresh `hugo new site` with the package as a Hugo module: the README\'s shortcodes render working elements', async () => {
  const site = join(WORK, 'hugo-site');
  run('hugo', ['new', 'site', site], WORK);
  const pkg = install(site);
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  const config = ['hugo.toml', 'config.toml'].map((f) => join(site, f)).find(existsSync);
  assert.ok(config, 'hugo new site wrote no hugo.toml or config.toml');
  // Top-level keys go before any table the generated file may have.
  writeFileSync(config, `${block(readme, 'toml', 'themesDir')}${readFileSync(config, 'utf8')}`);
  // The author's own layout: hugo new site makes none.
  mkdirSync(join(site, 'layouts/_default'), { recursive: true });
  const layout = page('{{ .Title }}', '', '{{ .Content }}\n');
  writeFileSync(join(site, 'layouts/_default/single.html'), layout);
  writeFileSync(join(site, 'layouts/_default/list.html'), layout);
  writeFileSync(join(site, 'static/favicon.ico'), '');
  writeFileSync(join(site, 'content/calculators.md'), `---\ntitle: Calculators\n---\n\n${block(readme, '', '{{< slo-budget')}`);
  run('hugo', ['--quiet', '--source', site, '--destination', join(site, 'public')], site);
  const html = readFileSync(join(site, 'public/calculators/index.html'), 'utf8');
  // One module script per element kind, each its own module (it loads only the wasm it uses).
  assert.deepEqual(html.match(/<script type="module" src="[^"]*"/g), ['slo-budget', 'slo-alerts'].map((tag) => `<script type="module" src="/slo/elements/${tag}.js"`));
  assert.match(html, /<slo-budget requests="1000000" target="99.9" window="30d"><\/slo-budget>/);
  assert.ok(existsSync(join(site, 'public/slo/pkg/slo_web_bg.wasm')), 'the module did not publish the wasm');
  const server = await serve(join(site, 'public'));
  servers.push(server);
  await assertCalculators(`${server.url}/calculators/`, server.url);
});
