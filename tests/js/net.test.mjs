// elements/lib/net.js: why the core did not load, and why a fetch failed, told apart the
// way a page can: the CSP's own violation report, then a no-cors request to the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

let net;
const realFetch = globalThis.fetch;
before(async () => {
  // What the module reads of a page: its address and its CSP violation reports.
  globalThis.location = { href: 'http://docs.example/page.html', origin: 'http://docs.example' };
  globalThis.document = new EventTarget();
  net = await import('../../www/elements/lib/net.js');
});
after(() => {
  globalThis.fetch = realFetch;
  delete globalThis.location;
  delete globalThis.document;
});

/** The violation report a browser sends when connect-src refuses `url`. */
function refuse(url) {
  const event = new Event('securitypolicyviolation');
  Object.assign(event, { effectiveDirective: 'connect-src', blockedURI: url });
  document.dispatchEvent(event);
}

test('a failed load says so, and names the CSP source the page lacks', () => {
  assert.equal(net.loadErrorText(new Error('404')), 'The calculator could not load its WebAssembly core (404).');
  const csp = net.loadErrorText(new Error("WebAssembly.instantiate(): Refused to compile: 'wasm-unsafe-eval' is not allowed"));
  assert.match(csp, /must allow 'wasm-unsafe-eval' in script-src\.$/);
});

test('anything but a network TypeError is no refusal', async () => {
  assert.equal(await net.fetchRefusal(new Error('HTTP 500'), 'http://envoy.example/status', 100), null);
});

test('a server that answers a no-cors request refused this page (CORS)', async () => {
  const asked = [];
  globalThis.fetch = async (url, options) => { asked.push([url, options.mode, options.credentials]); return {}; };
  assert.equal(await net.fetchRefusal(new TypeError('Failed to fetch'), 'http://envoy.example/status', 100), 'cors');
  assert.deepEqual(asked, [['http://envoy.example/status', 'no-cors', 'omit']]);
});

test('a server that answers nothing at all is unreachable', async () => {
  globalThis.fetch = async () => { throw new TypeError('Failed to fetch'); };
  assert.equal(await net.fetchRefusal(new TypeError('Failed to fetch'), 'http://envoy.example/status', 100), 'unreachable');
});

test("the page's own CSP report wins, for the URL or the origin it names", async () => {
  globalThis.fetch = async () => assert.fail('a URL the CSP refused is not asked again');
  refuse('http://prometheus.example:9090');
  assert.equal(await net.fetchRefusal(new TypeError('Failed to fetch'), 'http://prometheus.example:9090/api/v1/query_range', 100), 'csp');
  // A relative URL is read against the page.
  refuse('http://docs.example/slo/status');
  assert.equal(await net.fetchRefusal(new TypeError('Failed to fetch'), '/slo/status', 100), 'csp');
});
