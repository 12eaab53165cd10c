// Why a request of the page failed, as far as a page can tell, and why the WebAssembly
// core did not load: diagnostics in words a page author or a reader can act on.

/** Why the WebAssembly core did not load, in words a page author can act on. */
export function loadErrorText(error) {
  const csp = /Content Security Policy|wasm-unsafe-eval|CompileError.*(eval|CSP)/i.test(String(error));
  return `The calculator could not load its WebAssembly core (${error?.message ?? error}).` +
    (csp ? " The page's Content Security Policy must allow 'wasm-unsafe-eval' in script-src." : '');
}

/** URLs the page's Content Security Policy refused to connect to, from its violation reports. */
const blockedByCsp = new Set();
globalThis.document?.addEventListener('securitypolicyviolation', (event) => {
  if (event.effectiveDirective === 'connect-src') blockedByCsp.add(event.blockedURI);
});

/**
 * Why a fetch of `url` that threw `error` failed, as far as a page can tell: the browser reports
 * a refused connection, a CORS refusal and a CSP refusal alike (a TypeError), so the CSP's own
 * report is checked, then whether the server answers at all without CORS. 'csp', 'unreachable'
 * or 'cors'; null for any other error.
 */
export async function fetchRefusal(error, url, timeoutMs) {
  if (!(error instanceof TypeError)) return null;
  const href = new URL(url, location.href).href;
  // The violation report is queued as a task: let it arrive.
  await new Promise((ok) => setTimeout(ok, 0));
  if ([...blockedByCsp].some((b) => href.startsWith(b) || b.startsWith(href))) return 'csp';
  try {
    await fetch(url, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return 'unreachable';
  }
  return 'cors';
}

/** How long the check of an unreadable Prometheus server waits for any answer at all. */
const PROMETHEUS_TIMEOUT_MS = 4000;

/**
 * Why a Prometheus server (or Thanos, Mimir) at `url` could not be read, in words a reader
 * can act on: <slo-backtest>'s and <slo-report>'s history source and <slo-fleet>.
 */
export async function whyPrometheusUnread(error, url) {
  switch (await fetchRefusal(error, url, PROMETHEUS_TIMEOUT_MS)) {
    case 'csp': return "this page's Content Security Policy does not allow connecting to it: add its origin to connect-src";
    case 'unreachable': return 'no connection (is the server running, and is the address right?)';
    case 'cors': return `the server answers, but not to this page: it must allow the origin ${location.origin} (start Prometheus with --web.cors.origin)`;
    default: return error.message;
  }
}
