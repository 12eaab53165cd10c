// A stand-in Prometheus API for <slo-fleet> at scale (the benchmark): the answers a server
// with `slo rules` for N generated SLOs would give to the fleet's queries, told apart by
// their PromQL. Every SLO has the 30-day default tiers; some burn, some fire, some have a
// source down, so every state and every column is drawn.
const TIERS = [['page-fast', 'page', 14.4, '1h', '5m'], ['page-slow', 'page', 6, '6h', '30m'],
  ['ticket-fast', 'ticket', 3, '1d', '2h'], ['ticket-slow', 'ticket', 1, '3d', '6h']];
const WINDOWS = ['30d', ...new Set(TIERS.flatMap((t) => [t[3], t[4]]))];

const ids = (i) => ({ service: `service-${i % 25}`, slo: `slo-${String(i).padStart(3, '0')}` });
const answer = (resultType, result) => JSON.stringify({ status: 'success', data: { resultType, result } });

/** The answer to `query` at `time` (instant) or from `start` to `end` by `step` (range). */
export function fleetAnswer(n, params) {
  const query = params.get('query');
  const time = Number(params.get('time') ?? params.get('end'));
  const each = (f) => Array.from({ length: n }, (_, i) => f(i)).flat();
  const sample = (metric, value) => ({ metric, value: [time, String(value)] });
  const error = (i) => ((i * 7919) % 1000) / 1e6 * (i % 10 === 0 ? 30 : 1);
  if (params.has('step')) {
    const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(params.get(k)));
    return answer('matrix', each((i) => ({ metric: ids(i), values: Array.from({ length: Math.floor((end - start) / step) + 1 },
      (_, k) => [start + k * step, String(1 - (k / 120) * error(i) * 1000)]) })));
  }
  const table = [
    [/^slo:info$/, () => each((i) => sample({ __name__: 'slo:info', ...ids(i), sli: 'request', window: '30d', objective: '99.9%', team: `team-${i % 7}` }, 1))],
    [/^slo:objective:ratio$/, () => each((i) => sample(ids(i), 0.999))],
    [/^slo:time_period:days$/, () => each((i) => sample(ids(i), 30))],
    [/^slo:error_budget_remaining:ratio$/, () => each((i) => sample(ids(i), 1 - error(i) * 1000))],
    [/__name__=~/, () => each((i) => WINDOWS.map((w) => sample({ __name__: `slo:error_ratio:rate${w}`, ...ids(i) }, error(i) * (w === '5m' ? 2 : 1))))],
    [/^slo:tier:burn_rate_threshold$/, () => each((i) => TIERS.map(([name, severity, rate, long, short]) =>
      sample({ ...ids(i), slo_tier: name, severity, long_window: long, short_window: short }, rate)))],
    [/^ALERTS/, () => each((i) => (i % 10 === 0 ? [sample({ alertname: 'SloErrorBudgetBurn', alertstate: 'firing', ...ids(i), slo_tier: 'ticket-slow', severity: 'ticket' }, 1)] : []))],
    [/up == 0/, () => each((i) => (i % 50 === 1 ? [sample({ slo: ids(i).slo }, 1)] : []))],
    [/^count by \(slo\)/, () => each((i) => sample({ slo: ids(i).slo }, 3))],
  ];
  const found = table.find(([pattern]) => pattern.test(query));
  if (!found) return JSON.stringify({ status: 'error', errorType: 'bad_data', error: `the stand-in does not know ${query}` });
  return answer('vector', found[1]());
}
