//! Prometheus SLI sources: SLOs over series a team already has (its own
//! `http_requests_total`, a latency histogram), read from the spec's `sli.prometheus` and
//! spelled as the PromQL the rules record for each window. The filter does not judge them.

// Without the full reader (the filter) nothing reads these sources.
#![cfg_attr(not(feature = "full-reader"), allow(dead_code))]

mod read;

pub use read::check_label_name;
#[cfg_attr(not(feature = "full-reader"), allow(unused_imports))]
pub(crate) use read::read;

use crate::promql;
use serde_json::{json, Map, Value};

/// Where a query's range goes: each recording rule puts its window there. Sloth writes
/// `{{.window}}`; OpenSLO examples write `{{window}}`, as the spec does.
pub const WINDOW_PLACEHOLDER: &str = "{{window}}";
const SLOTH_PLACEHOLDER: &str = "{{.window}}";

/// Every group is a separate set of series, burn rates and alerts: a few labels with a
/// bounded set of values (route, method), never one per user or request.
pub const MAX_GROUPING_LABELS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusSli {
    pub source: Source,
    /// Labels that split the SLO into one SLO per label value set (Pyrra's `grouping`).
    pub grouping: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Good or bad events over all events (Sloth's `errorQuery`/`totalQuery`).
    Ratio {
        counted: Counted,
        events: Query,
        total: Query,
    },
    /// An expression giving the error ratio itself, `{{window}}` in its ranges.
    ErrorRatio(String),
    Latency(HistogramLatency),
}

/// Which events a ratio's numerator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Good,
    Bad,
}

impl Counted {
    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Good => "good",
            Counted::Bad => "bad",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// A counter selector; the rules rate it over each window and sum it by the grouping.
    Selector(String),
    /// An expression with `{{window}}` in its ranges, used as written.
    Expression(String),
}

/// Requests slower than the bucket bound `le` are bad: the share of the histogram's
/// `_count` above the `_bucket{le}` series. Prometheus histograms only know their bounds,
/// so the threshold must be one of them (the filter's request SLI judges any threshold).
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramLatency {
    /// The histogram's name, without `_bucket`/`_count`.
    pub histogram: String,
    /// The label matchers inside the braces, such as `job="api"`; may be empty.
    pub matchers: String,
    /// The bound as the histogram's `le` label spells it (label values match as text).
    pub le: String,
    /// The histogram's bounds, when the spec lists them to have `le` checked.
    pub bounds: Vec<String>,
}

impl PrometheusSli {
    /// The PromQL error ratio over `range` (such as `5m`), one series per group.
    pub fn error_ratio(&self, range: &str) -> String {
        match &self.source {
            Source::Ratio {
                counted,
                events,
                total,
            } => {
                // Counters with a label per outcome often have no series for an outcome
                // not seen yet (no 5xx so far): the events are then 0 wherever there is
                // a total, not missing.
                let total = total.rate(range, &self.grouping);
                let ratio = format!(
                    "(\n{}\nor\n({total}) * 0\n)\n/\n(\n{total}\n)",
                    events.rate(range, &self.grouping),
                );
                match counted {
                    Counted::Bad => ratio,
                    Counted::Good => format!("1 - (\n{ratio}\n)"),
                }
            }
            Source::ErrorRatio(expr) => format!("(\n{}\n)", in_range(expr, range)),
            Source::Latency(latency) => format!(
                "1 - (\n{}\n/\n{}\n)",
                summed_rate(&latency.good_selector(), range, &self.grouping),
                summed_rate(&latency.total_selector(), range, &self.grouping),
            ),
        }
    }

    /// PromQL for all events per second over `range`; None for an error-ratio expression,
    /// which has no event count.
    pub fn total_rate(&self, range: &str) -> Option<String> {
        match &self.source {
            Source::Ratio { total, .. } => Some(total.rate(range, &self.grouping)),
            Source::ErrorRatio(_) => None,
            Source::Latency(latency) => Some(summed_rate(
                &latency.total_selector(),
                range,
                &self.grouping,
            )),
        }
    }

    /// The counted events (good or bad) and all events, each per second over `range` and
    /// summed over every group; None for an error-ratio expression, which counts no events.
    pub fn event_rates(&self, range: &str) -> Option<(Counted, String, String)> {
        let overall = |query: String| format!("sum (\n{query}\n)");
        match &self.source {
            Source::Ratio {
                counted,
                events,
                total,
            } => Some((
                *counted,
                overall(events.rate(range, &self.grouping)),
                overall(total.rate(range, &self.grouping)),
            )),
            Source::ErrorRatio(_) => None,
            Source::Latency(latency) => Some((
                Counted::Good,
                summed_rate(&latency.good_selector(), range, &[]),
                summed_rate(&latency.total_selector(), range, &[]),
            )),
        }
    }

    /// The counted events (good or bad) and all events over the last `step`, each the exact
    /// rise of the selected counters (`step_increase`) summed by the grouping; None when a
    /// query is an expression, which the rules can only evaluate over each window as written.
    pub fn step_events(&self, step: &str) -> Option<(Counted, String, String)> {
        let (counted, events, total) = match &self.source {
            Source::Ratio {
                counted,
                events: Query::Selector(events),
                total: Query::Selector(total),
            } => (*counted, events.clone(), total.clone()),
            Source::Latency(latency) => (
                Counted::Good,
                latency.good_selector(),
                latency.total_selector(),
            ),
            _ => return None,
        };
        Some((
            counted,
            step_increase(&events, step, &self.grouping),
            step_increase(&total, step, &self.grouping),
        ))
    }

    /// Whether the source counts events (an error-ratio expression does not), so that a
    /// minimum event rate can guard its tiers.
    pub fn has_event_count(&self) -> bool {
        !matches!(self.source, Source::ErrorRatio(_))
    }

    /// PromQL that is empty exactly when the source has no series: what the "no data"
    /// alert watches.
    pub fn presence(&self, range: &str) -> String {
        match &self.source {
            Source::Ratio { total, .. } => total.rate(range, &self.grouping),
            Source::ErrorRatio(expr) => in_range(expr, range),
            Source::Latency(latency) => latency.total_selector(),
        }
    }

    /// The kind of source in words (the rules' info series carries it).
    pub fn kind(&self) -> &'static str {
        match self.source {
            Source::Ratio { .. } => "prometheus_ratio",
            Source::ErrorRatio(_) => "prometheus_error_ratio",
            Source::Latency(_) => "prometheus_latency",
        }
    }

    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        match &self.source {
            Source::Ratio {
                counted,
                events,
                total,
            } => {
                out.insert(counted.as_str().into(), json!(events.text()));
                out.insert("total".into(), json!(total.text()));
            }
            Source::ErrorRatio(expr) => {
                out.insert("error_ratio".into(), json!(expr));
            }
            Source::Latency(latency) => {
                let mut obj = Map::new();
                obj.insert("histogram".into(), json!(latency.histogram));
                if !latency.matchers.is_empty() {
                    obj.insert(
                        "selector".into(),
                        json!(format!("{{{}}}", latency.matchers)),
                    );
                }
                obj.insert("le".into(), json!(latency.le));
                if !latency.bounds.is_empty() {
                    obj.insert("bounds".into(), json!(latency.bounds));
                }
                out.insert("latency".into(), Value::Object(obj));
            }
        }
        if !self.grouping.is_empty() {
            out.insert("grouping".into(), json!(self.grouping));
        }
        Value::Object(out)
    }
}

impl Query {
    pub fn text(&self) -> &str {
        match self {
            Query::Selector(text) | Query::Expression(text) => text,
        }
    }

    fn rate(&self, range: &str, grouping: &[String]) -> String {
        match self {
            Query::Selector(selector) => summed_rate(selector, range, grouping),
            Query::Expression(expr) => in_range(expr, range),
        }
    }
}

impl HistogramLatency {
    /// The requests within the bound.
    pub fn good_selector(&self) -> String {
        self.selector("_bucket", Some(&self.le))
    }

    /// Every request.
    pub fn total_selector(&self) -> String {
        self.selector("_count", None)
    }

    fn selector(&self, suffix: &str, le: Option<&str>) -> String {
        let mut matchers: Vec<String> = Vec::new();
        if !self.matchers.is_empty() {
            matchers.push(self.matchers.clone());
        }
        if let Some(le) = le {
            matchers.push(format!("le={}", json!(le)));
        }
        format!("{}{suffix}{{{}}}", self.histogram, matchers.join(","))
    }
}

/// The latency source a good/total ratio spells, when its good query is a histogram's
/// `_bucket{..., le="X"}` and its total the same histogram's `_count{...}` with the same
/// other matchers (as OpenSLO export writes a latency source), as the spec's JSON.
pub fn latency_of_ratio(ratio: &Value) -> Option<Value> {
    let good = ratio.get("good")?.as_str()?;
    let total = ratio.get("total")?.as_str()?;
    let (histogram, rest) = good.split_once("_bucket{")?;
    let inner = rest.strip_suffix('}')?;
    let (matchers, le) = match inner.rsplit_once(",le=") {
        Some((m, le)) => (m, le),
        None => ("", inner.strip_prefix("le=")?),
    };
    let le: String = serde_json::from_str(le).ok()?;
    if total != format!("{histogram}_count{{{matchers}}}") || !promql::is_metric_name(histogram) {
        return None;
    }
    let mut latency = json!({"histogram": histogram, "le": le});
    if !matchers.is_empty() {
        latency["selector"] = json!(format!("{{{matchers}}}"));
    }
    Some(latency)
}

/// A counter-valued expression without a range (OpenSLO's `counter: true` queries such
/// as `sum(requests_total{code="2xx"})`) as an expression the rules can rate over each
/// window: a subquery at one-minute steps. None when `text` is not such an expression.
pub fn rated_counter_expression(text: &str) -> Option<String> {
    if promql::check_selector(text).is_ok() || promql::has_range(text) != Ok(false) {
        return None;
    }
    Some(format!("rate(({})[{WINDOW_PLACEHOLDER}:1m])", text.trim()))
}

/// `text` with each window placeholder as Go templates write it (`{{.window}}`, Sloth's,
/// and `{{ .window }}` or `{{ window }}`, spaced) spelled `{{window}}`, as the spec has it.
pub fn canonical_window(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        let inner = &after[2..];
        let name = inner.trim_start();
        let name = name.strip_prefix('.').unwrap_or(name);
        match name
            .strip_prefix("window")
            .map(str::trim_start)
            .and_then(|tail| tail.strip_prefix("}}"))
        {
            Some(tail) => {
                out.push_str(WINDOW_PLACEHOLDER);
                rest = tail;
            }
            None => {
                out.push_str("{{");
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a query has a window's placeholder: an expression the rules use as written.
pub fn has_window(text: &str) -> bool {
    text.contains(WINDOW_PLACEHOLDER) || text.contains(SLOTH_PLACEHOLDER)
}

fn summed_rate(selector: &str, range: &str, grouping: &[String]) -> String {
    format!("sum{} (rate({selector}[{range}]))", by(grouping))
}

fn by(grouping: &[String]) -> String {
    if grouping.is_empty() {
        String::new()
    } else {
        format!(" by ({})", grouping.join(", "))
    }
}

/// The rise of the counters `selector` picks over the last `step`, summed by `grouping`:
/// each series' latest sample less its latest sample a step earlier, or after a reset its
/// value since the reset. Recorded at every step, these add up to exactly the counters'
/// rise between the samples the first and the last evaluation saw, whatever the scrape
/// interval (within the 5-minute lookback), where `increase()` over one step would
/// extrapolate, or see a single sample and give nothing.
pub fn step_increase(selector: &str, step: &str, grouping: &[String]) -> String {
    let earlier = format!("{selector} offset {step}");
    format!(
        "sum{} (\n({selector} - {earlier}) >= 0\nor\n{selector} < {earlier}\n)",
        by(grouping)
    )
}

fn in_range(expr: &str, range: &str) -> String {
    expr.replace(WINDOW_PLACEHOLDER, range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Errors;

    fn read_one(value: Value) -> Result<PrometheusSli, Vec<String>> {
        let mut errors = Errors::default();
        let sli = read(&value, "sli.prometheus", &mut errors);
        match sli {
            Some(sli) if errors.is_empty() => Ok(sli),
            _ => Err(errors.0.iter().map(ToString::to_string).collect()),
        }
    }

    #[test]
    fn selectors_are_rated_and_expressions_take_the_window() {
        let sli = read_one(json!({
            "bad": "http_requests_total{job=\"api\",code=~\"5..\"}",
            "total": "sum by (route) (rate(http_requests_total{job=\"api\"}[{{window}}]))",
            "grouping": ["route"],
        }))
        .unwrap();
        assert_eq!(
            sli.error_ratio("1h"),
            "(\nsum by (route) (rate(http_requests_total{job=\"api\",code=~\"5..\"}[1h]))\nor\n(sum by (route) (rate(http_requests_total{job=\"api\"}[1h]))) * 0\n)\n/\n(\nsum by (route) (rate(http_requests_total{job=\"api\"}[1h]))\n)"
        );
        assert_eq!(promql::check_expression(&sli.error_ratio("5m")), Ok(()));
        assert_eq!(read_one(sli.to_json()), Ok(sli));
    }

    #[test]
    fn latency_counts_requests_above_the_bound() {
        let sli = read_one(json!({"latency": {"histogram": "http_request_duration_seconds", "selector": "{job=\"api\"}", "le": 0.3, "bounds": [0.1, "0.3", 1]}})).unwrap();
        assert_eq!(
            sli.error_ratio("5m"),
            "1 - (\nsum (rate(http_request_duration_seconds_bucket{job=\"api\",le=\"0.3\"}[5m]))\n/\nsum (rate(http_request_duration_seconds_count{job=\"api\"}[5m]))\n)"
        );
        assert_eq!(read_one(sli.to_json()), Ok(sli));
    }

    #[test]
    fn a_syntax_error_quotes_the_query_as_written() {
        // The check puts a duration where {{window}} is; the message shows the placeholder.
        let errors =
            read_one(json!({"error_ratio": "rate(x[{{window}}]) ) / rate(y[{{window}}])"}))
                .unwrap_err();
        assert_eq!(
            errors,
            ["sli.prometheus.error_ratio: does not parse as PromQL: at character 21 expected an operator or the end, found \") / rate(y[{\"; allowed: a PromQL expression"]
        );
        let errors =
            read_one(json!({"error_ratio": "rate(x[{{window}}]) {{window}}"})).unwrap_err();
        assert!(errors[0].contains("found \"{{window}}\""), "{errors:?}");
    }

    #[test]
    fn every_problem_is_named_with_its_path() {
        for (doc, wanted) in [
            (json!({}), "sli.prometheus: names no source"),
            (
                json!({"bad": "x", "good": "y", "total": "z"}),
                "sli.prometheus.bad: is set next to good",
            ),
            (json!({"bad": "x"}), "sli.prometheus.total: is required"),
            (
                json!({"bad": "sum(rate(x[5m]))", "total": "y"}),
                "sli.prometheus.bad: is an expression without {{window}}",
            ),
            (
                json!({"bad": "rate(x[{{window}}]", "total": "y"}),
                "sli.prometheus.bad: does not parse as PromQL: at character 19 expected “,” or “)”",
            ),
            (
                json!({"error_ratio": "rate(x[{{.window}}])"}),
                "sli.prometheus.error_ratio: writes {{.window}}, as Go templates do",
            ),
            (
                json!({"error_ratio": "x", "latency": {}}),
                "sli.prometheus.latency: is set next to error_ratio",
            ),
            (
                json!({"latency": {"histogram": "h_bucket", "le": 1}}),
                "sli.prometheus.latency.histogram: \"h_bucket\" names the bucket series",
            ),
            (
                json!({"latency": {"histogram": "h", "le": "0.3", "bounds": [0.25, 0.5]}}),
                "sli.prometheus.latency.le: 0.3 is not one of the histogram's bounds (0.25, 0.5)",
            ),
            (
                json!({"latency": {"histogram": "h", "le": "+Inf"}}),
                "sli.prometheus.latency.le: the string \"+Inf\" is not a bucket bound",
            ),
            (
                json!({"latency": {"histogram": "h", "le": 1, "selector": "job=\"a\""}}),
                "sli.prometheus.latency.selector: does not parse",
            ),
            (
                json!({"error_ratio": "x[{{window}}]", "grouping": ["slo"]}),
                "sli.prometheus.grouping[0]: \"slo\" is set by the rules themselves",
            ),
            (
                json!({"error_ratio": "x[{{window}}]", "grouping": ["a", "b", "c", "d"]}),
                "sli.prometheus.grouping: has 4 labels; allowed: at most 3",
            ),
        ] {
            let errors = read_one(doc.clone()).unwrap_err();
            assert!(
                errors.iter().any(|e| e.starts_with(wanted)),
                "{doc}: {errors:?}"
            );
        }
    }
}
