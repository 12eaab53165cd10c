//! Reading a history straight from a Prometheus server: the PromQL that gives an SLO's
//! good (or bad) and total events per step, and the `query_range` calls a long range
//! splits into so that none asks more points than Prometheus answers. Pure: the shell
//! sends the requests and hands the answers to `History::from_prometheus`.

use super::history::EventKind;
use crate::conventions::{OUTCOME_LABEL, REQUESTS_METRIC, SLO_LABEL};
use crate::duration::{format_duration, DAY};
use crate::prometheus::Counted;
use crate::spec::{Sli, Slo};
use serde_json::Value;

/// Prometheus refuses a `query_range` whose range holds more points than this.
pub const MAX_POINTS_PER_QUERY: u64 = 11_000;
/// The step unless told otherwise: the filter counts by the minute.
pub const DEFAULT_STEP_SECONDS: u64 = 60;
/// The range unless told otherwise, ending now: a quarter, as the example history spans.
pub const DEFAULT_RANGE_SECONDS: u64 = 90 * DAY;
/// Whole steps at most, so a mistyped range asks no server for years of points.
const MAX_STEPS: u64 = super::MAX_STEPS as u64;

/// One `query_range` call: sample times `first`, `first + step`, ..., `last` (Unix
/// seconds). A sample at `t` holds the events of the step ending at `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeQuery {
    pub first: u64,
    pub last: u64,
    pub step: u64,
}

impl RangeQuery {
    pub fn points(&self) -> u64 {
        (self.last - self.first) / self.step + 1
    }

    /// The path and query string of this call for `query`, to append to the server's
    /// base URL (which may carry a path prefix of its own).
    pub fn path(&self, query: &str) -> String {
        format!(
            "/api/v1/query_range?query={}&start={}&end={}&step={}",
            percent_encode(query),
            self.first,
            self.last,
            self.step
        )
    }
}

/// The steps from `start` to `end` (Unix seconds, each rounded down to a whole step, so
/// every step starts at a multiple of the step and ends by `end`), as `query_range` calls
/// of at most `MAX_POINTS_PER_QUERY` points each, back to back: every step's sample is
/// asked exactly once.
pub fn plan_range_queries(start: u64, end: u64, step: u64) -> Result<Vec<RangeQuery>, String> {
    if step == 0 {
        return Err("a step of 0 s; allowed: a step of 1 s or more, such as 1m".into());
    }
    let (start, end) = (start - start % step, end - end % step);
    let steps = end.saturating_sub(start) / step;
    if steps < 2 {
        return Err(format!(
            "{steps} whole step(s) of {} between start and end; allowed: a start at least two steps before the end",
            format_duration(step)
        ));
    }
    if steps > MAX_STEPS {
        return Err(format!(
            "{steps} steps of {}; allowed: at most {MAX_STEPS} (a year of minutes): use a shorter range or a longer step",
            format_duration(step)
        ));
    }
    let mut queries = Vec::new();
    let mut first = start + step;
    while first <= end {
        let last = end.min(first + (MAX_POINTS_PER_QUERY - 1) * step);
        queries.push(RangeQuery { first, last, step });
        first = last + step;
    }
    Ok(queries)
}

/// The two queries whose answers make a history: events of one kind, and all events,
/// per step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQueries {
    pub events_are: EventKind,
    pub events: String,
    pub total: String,
}

/// The queries for `slo` at `step`: the filter's request counter for a request SLI, the
/// SLO's own queries for a Prometheus SLI. Events missing where there is a total count 0
/// (a counter with an outcome label has no series for an outcome not yet seen); steps
/// without a total stay gaps.
pub fn history_queries(slo: &Slo, step: u64) -> Result<HistoryQueries, String> {
    let range = format_duration(step);
    let (events_are, events, total) = match &slo.sli {
        Sli::Request(_) => {
            let selector = format!("{SLO_LABEL}=\"{}\"", slo.name);
            let increase =
                |matchers: &str| format!("sum(increase({REQUESTS_METRIC}{{{matchers}}}[{range}]))");
            (
                EventKind::Good,
                increase(&format!(
                    "{selector},{OUTCOME_LABEL}=\"{}\"",
                    EventKind::Good.as_str()
                )),
                increase(&selector),
            )
        }
        Sli::Prometheus(sli) => {
            let (counted, events, total) = sli.event_rates(&range).ok_or_else(|| {
                format!("{}'s SLI is an error-ratio expression, which counts no events; allowed: an SLO counted by the filter, or a Prometheus SLI with good or bad and total queries, or a latency histogram", slo.name)
            })?;
            let per_step = |rate: String| format!("(\n{rate}\n) * {step}");
            let kind = match counted {
                Counted::Good => EventKind::Good,
                Counted::Bad => EventKind::Bad,
            };
            (kind, per_step(events), per_step(total))
        }
        #[cfg(not(feature = "full-reader"))]
        Sli::PrometheusUnread => {
            return Err(format!(
                "{}'s Prometheus SLI is not read in this build",
                slo.name
            ))
        }
    };
    Ok(HistoryQueries {
        events_are,
        events: format!("{events}\nor\n({total}) * 0"),
        total,
    })
}

/// What a Prometheus answer says went wrong (`"status": "error"`): its `errorType` and
/// `error`; None for any other text.
pub fn answer_error(body: &str) -> Option<String> {
    let answer: Value = serde_json::from_str(body).ok()?;
    if answer.get("status")?.as_str()? != "error" {
        return None;
    }
    let field = |name: &str| answer.get(name).and_then(Value::as_str).unwrap_or("");
    Some(format!("{}: {}", field("errorType"), field("error")))
}

/// Whether a successful answer holds no series at all (the query matched nothing).
pub fn answer_is_empty(body: &str) -> bool {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|a| {
            a.pointer("/data/result")
                .and_then(Value::as_array)
                .map(Vec::is_empty)
        })
        .unwrap_or(false)
}

/// URL query-string encoding: unreserved characters as they are, every other byte as %XX.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out += &format!("%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spec;

    fn covered(queries: &[RangeQuery]) -> Vec<u64> {
        queries
            .iter()
            .flat_map(|q| (q.first..=q.last).step_by(q.step as usize))
            .collect()
    }

    #[test]
    fn ninety_days_of_minutes_take_twelve_queries_and_ask_every_step_once() {
        let start = 1_786_000_000 - 1_786_000_000 % 60;
        let queries = plan_range_queries(start, start + 90 * DAY, 60).unwrap();
        assert_eq!(queries.len(), 12);
        assert!(queries.iter().all(|q| q.points() <= MAX_POINTS_PER_QUERY));
        assert_eq!(queries[0].points(), MAX_POINTS_PER_QUERY);
        assert_eq!(queries[11].points(), 129_600 - 11 * MAX_POINTS_PER_QUERY);
        let expected: Vec<u64> = (1..=129_600).map(|k| start + k * 60).collect();
        assert_eq!(covered(&queries), expected);
    }

    #[test]
    fn an_exact_multiple_of_the_cap_ends_without_a_partial_query() {
        let queries = plan_range_queries(0, 2 * MAX_POINTS_PER_QUERY * 60, 60).unwrap();
        assert_eq!(queries.len(), 2);
        assert_eq!(queries[1].last, 2 * MAX_POINTS_PER_QUERY * 60);
        assert_eq!(queries[1].first, queries[0].last + 60);
        let one_more = plan_range_queries(0, (2 * MAX_POINTS_PER_QUERY + 1) * 60, 60).unwrap();
        assert_eq!(one_more.len(), 3);
        assert_eq!(one_more[2].points(), 1);
    }

    #[test]
    fn start_and_end_off_the_step_round_down_to_whole_steps() {
        // 10:00:30 to 10:05:59 at one minute: the steps ending 10:01 .. 10:05.
        let queries = plan_range_queries(36_030, 36_359, 60).unwrap();
        assert_eq!(
            queries,
            [RangeQuery {
                first: 36_060,
                last: 36_300,
                step: 60
            }]
        );
    }

    #[test]
    fn ranges_too_short_or_too_long_are_refused() {
        assert!(plan_range_queries(0, 119, 60)
            .unwrap_err()
            .starts_with("1 whole step(s) of 1m"));
        assert!(plan_range_queries(600, 0, 60).is_err());
        assert!(plan_range_queries(0, 600, 0).is_err());
        assert!(plan_range_queries(0, 400 * DAY, 60)
            .unwrap_err()
            .contains("at most 527040"));
    }

    #[test]
    fn a_query_path_encodes_the_promql() {
        let q = RangeQuery {
            first: 120,
            last: 180,
            step: 60,
        };
        assert_eq!(
            q.path(r#"sum(x{a="b c"}[1m])"#),
            "/api/v1/query_range?query=sum%28x%7Ba%3D%22b%20c%22%7D%5B1m%5D%29&start=120&end=180&step=60"
        );
    }

    fn slo(sli: &str) -> Slo {
        let text = format!(
            r#"{{"services": [{{"name": "shop", "slos": [{{"name": "checkout", "target": 0.999, "window": "30d", "sli": {sli}}}]}}]}}"#
        );
        let spec = Spec::from_json(&text).unwrap_or_else(|e| panic!("{e:?}"));
        let slo = spec.slos().next().unwrap().clone();
        slo
    }

    #[test]
    fn a_request_slo_reads_the_filters_counter_per_step() {
        let queries = history_queries(
            &slo(r#"{"match": {"path_prefixes": ["/checkout"]}, "bad": {"status": ["5xx"]}}"#),
            60,
        )
        .unwrap();
        assert_eq!(queries.events_are, EventKind::Good);
        let total = r#"sum(increase(slo_requests_total{slo="checkout"}[1m]))"#;
        assert_eq!(queries.total, total);
        assert_eq!(
            queries.events,
            format!("sum(increase(slo_requests_total{{slo=\"checkout\",outcome=\"good\"}}[1m]))\nor\n({total}) * 0")
        );
    }

    #[test]
    fn a_prometheus_slo_rates_its_own_queries_over_the_step() {
        let queries = history_queries(
            &slo(r#"{"prometheus": {"bad": "http_requests_total{code=~\"5..\"}", "total": "http_requests_total", "grouping": ["route"]}}"#),
            300,
        )
        .unwrap();
        assert_eq!(queries.events_are, EventKind::Bad);
        assert_eq!(
            queries.total,
            "(\nsum (\nsum by (route) (rate(http_requests_total[5m]))\n)\n) * 300"
        );
        assert!(queries.events.starts_with(
            "(\nsum (\nsum by (route) (rate(http_requests_total{code=~\"5..\"}[5m]))\n)\n) * 300\nor\n"
        ));
        let error = history_queries(
            &slo(r#"{"prometheus": {"error_ratio": "sum(rate(errors[{{window}}])) / sum(rate(all[{{window}}]))"}}"#),
            60,
        )
        .unwrap_err();
        assert!(
            error.contains("error-ratio expression, which counts no events"),
            "{error}"
        );
    }

    #[test]
    fn prometheus_errors_and_empty_answers_are_told_apart() {
        assert_eq!(
            answer_error(r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#),
            Some("bad_data: parse error".into())
        );
        let empty = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert_eq!(answer_error(empty), None);
        assert!(answer_is_empty(empty));
        assert!(!answer_is_empty("not json"));
    }
}
