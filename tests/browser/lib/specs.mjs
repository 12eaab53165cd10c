// Specs the editor's test and the benchmark write as a person would, of every kind of SLO.

/** Thirty SLOs of every kind the filter and the rules serve, written as a person would. */
export function generatedSpec() {
  const slos = Array.from({ length: 30 }, (_, i) => {
    const base = { name: `svc-${i}`, target: [0.999, 0.99, 0.995][i % 3], window: ['30d', '28d', 'month'][i % 3] };
    switch (i % 5) {
      case 0: return { ...base, sli: { match: { path_prefixes: [`/svc${i}`] }, bad: { status: ['5xx', 429] } } };
      case 1: return { ...base, sli: { match: { path_prefixes: [`/svc${i}`], methods: ['GET'] }, latency: { threshold_ms: 100 + i } } };
      case 2: return { ...base, budgeting: { method: 'timeslices', slice: '5m', slice_good_ratio: 0.95 }, sli: { bad: { status: ['5xx'] } } };
      case 3: return { ...base, sli: { prometheus: { bad: `http_requests_total{job="j${i}",code=~"5.."}`, total: `http_requests_total{job="j${i}"}` } } };
      default: return { ...base, sli: { match: { path_prefixes: [`/grpc${i}/`] }, bad: { grpc_status: ['UNAVAILABLE'] } } };
    }
  });
  return `${JSON.stringify({ services: [{ name: 'fleet', slos }] }, null, 2)}\n`;
}
