// Starting points for <slo-editor>, one per kind of SLI: specs to edit, not defaults of
// any kind (the core reads them like any draft; the browser tests check each is valid).
const spec = (slo) => `${JSON.stringify({ services: [{ name: 'shop', slos: [slo] }] }, null, 2)}\n`;

export const TEMPLATES = {
  availability: {
    label: 'Availability of requests through Envoy',
    text: spec({
      name: 'checkout-availability', description: 'Checkout answers without a server error.',
      target: 0.999, window: '30d',
      sli: { match: { path_prefixes: ['/api/checkout'] }, bad: { status: ['5xx', 429] } },
    }),
  },
  latency: {
    label: 'Latency of requests through Envoy',
    text: spec({
      name: 'checkout-latency', description: 'Checkout answers within 300 ms.',
      target: 0.99, window: '28d',
      sli: { match: { path_prefixes: ['/api/checkout'] }, latency: { threshold_ms: 300 } },
    }),
  },
  grpc: {
    label: 'gRPC calls through Envoy',
    text: spec({
      name: 'catalog-grpc', description: 'Catalog gRPC calls succeed.',
      target: 0.995, window: 'month',
      sli: { match: { path_prefixes: ['/catalog.Catalog/'], methods: ['POST'] },
        bad: { status: ['5xx'], grpc_status: ['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED'] } },
    }),
  },
  prometheus: {
    label: "An app's own Prometheus counters",
    text: spec({
      name: 'orders-availability', description: "Orders answered without a server error, from the app's http_requests_total.",
      target: 0.999, window: '30d',
      sli: { prometheus: { bad: 'http_requests_total{job="orders",code=~"5.."}', total: 'http_requests_total{job="orders"}' } },
    }),
  },
  timeslices: {
    label: 'Good five-minute slices',
    text: spec({
      name: 'search-slices', description: 'Five-minute slices in which 95% of searches succeed.',
      target: 0.99, window: '30d',
      budgeting: { method: 'timeslices', slice: '5m', slice_good_ratio: 0.95 },
      sli: { match: { path_prefixes: ['/api/search'] }, bad: { status: ['5xx'] } },
    }),
  },
  openslo: {
    label: 'OpenSLO YAML',
    text: `apiVersion: openslo/v1
kind: Service
metadata:
  name: shop
spec:
  description: The shop.
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: orders-availability
spec:
  service: shop
  indicator:
    metadata:
      name: orders-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{job="orders",code=~"5.."}[{{window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{job="orders"}[{{window}}]))
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`,
  },
  sloth: {
    label: 'Sloth',
    text: `version: "prometheus/v1"
service: "shop"
slos:
  - name: "orders-availability"
    objective: 99.9
    description: "Orders answered without a server error."
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="orders",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="orders"}[{{.window}}]))
    alerting:
      name: OrdersHighErrorRate
`,
  },
};
