// Pages with <slo-live>: `?live=URL` in the page's address points every live view at that
// status endpoint (scripts/demo.sh prints such an address for its Envoy, whose port is
// chosen at run time). A classic script at the end of the page: it runs before the
// elements' module defines <slo-live>, so the default URL is never requested.
const live = new URLSearchParams(location.search).get('live');
if (live) for (const element of document.querySelectorAll('slo-live')) element.setAttribute('src', live);
