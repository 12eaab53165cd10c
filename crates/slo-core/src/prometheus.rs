//! Prometheus SLI sources: SLOs over series a team already has (its own
//! `http_requests_total`, a latency histogram), read from the spec's `sli.prometheus` and
//! spelled as the PromQL the rules record for each window. The filter does not judge them.

// Without the full reader (the filter) nothing reads these sources.
#![cfg_attr(not(feature = "full-reader"), allow(dead_code))]

use crate::conventions::RESERVED_LABELS;
use crate::decode::{as_string, kind, Errors, Object};
use crate::promql;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Where a query's range goes: each recording rule puts its window there. Sloth writes
/// `{{.window}}`; OpenSLO examples write `{{window}}`, as the spec does.
pub const WINDOW_PLACEHOLDER: &str = "{{window}}";
const SLOTH_PLACEHOLDER: &str = "{{.window}}";

/// Every group is a separate set of series, burn rates and alerts: a few labels with a
/// bounded set of values (route, method), never one per user or request.
pub const MAX_GROUPING_LABELS: usize = 3;

const FIELDS: &[&str] = &["good", "bad", "total", "error_ratio", "latency", "grouping"];
const LATENCY_FIELDS: &[&str] = &["histogram", "selector", "le", "bounds"];

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

/// Reads `sli.prometheus`.
pub(crate) fn read(value: &Value, path: &str, errors: &mut Errors) -> Option<PrometheusSli> {
    let obj = Object::read(value, path, FIELDS, errors)?;
    let before = errors.0.len();
    let forms: Vec<&str> = ["total", "error_ratio", "latency"]
        .into_iter()
        .filter(|key| obj.get(key).is_some())
        .collect();
    let counted: Vec<Counted> = [Counted::Good, Counted::Bad]
        .into_iter()
        .filter(|c| obj.get(c.as_str()).is_some())
        .collect();
    const ALLOWED: &str = "good or bad events with total (counters or expressions), error_ratio (an expression), or latency (a histogram)";
    let source = match (forms.as_slice(), counted.as_slice()) {
        ([], []) => {
            errors.push(path, format!("names no source; allowed: {ALLOWED}"));
            None
        }
        ([_, second, ..], _) => {
            errors.push(
                &obj.path_of(second),
                format!("is set next to {}; allowed: one of {ALLOWED}", forms[0]),
            );
            None
        }
        (_, [_, _]) => {
            errors.push(
                &obj.path_of("bad"),
                "is set next to good; allowed: one of good or bad, with total",
            );
            None
        }
        (["total"], [counted]) => {
            let events = read_query(&obj, counted.as_str(), errors);
            let total = read_query(&obj, "total", errors);
            Some(Source::Ratio {
                counted: *counted,
                events: events?,
                total: total?,
            })
        }
        ([] | ["total"], _) => {
            let missing = if forms.is_empty() { "total" } else { "bad" };
            errors.push(
                &obj.path_of(missing),
                format!(
                    "is required: {}",
                    if forms.is_empty() {
                        "the selector or expression counting all events"
                    } else {
                        "good or bad, the events total is divided into"
                    }
                ),
            );
            None
        }
        ([form], [c, ..]) => {
            errors.push(
                &obj.path_of(c.as_str()),
                format!("does not apply next to {form}; allowed: omit it"),
            );
            None
        }
        (["error_ratio"], []) => {
            read_expression(&obj, "error_ratio", errors).map(Source::ErrorRatio)
        }
        (_, []) => obj
            .get("latency")
            .and_then(|v| read_latency(v, &obj.path_of("latency"), errors))
            .map(Source::Latency),
    };
    let grouping = read_grouping(&obj, errors);
    if errors.0.len() > before {
        return None;
    }
    Some(PrometheusSli {
        source: source?,
        grouping,
    })
}

const SELECTOR_OR_EXPRESSION: &str = "a counter selector such as http_requests_total{code=~\"5..\"} (the rules rate it over each window), or an expression with {{window}} as its range, such as sum(rate(http_requests_total{code=~\"5..\"}[{{window}}]))";

fn read_query(obj: &Object, key: &str, errors: &mut Errors) -> Option<Query> {
    let text = obj.string(key, errors)?;
    if promql::check_selector(text).is_ok() {
        return Some(Query::Selector(text.trim().to_string()));
    }
    if !has_window(text) {
        let problem = match promql::check_expression(text) {
            Ok(()) => {
                "is an expression without {{window}}, so no rule can rate it over its windows"
                    .to_string()
            }
            Err(e) => e,
        };
        errors.push(
            &obj.path_of(key),
            format!("{problem}; allowed: {SELECTOR_OR_EXPRESSION}"),
        );
        return None;
    }
    read_expression(obj, key, errors).map(Query::Expression)
}

/// An expression that must hold `{{window}}` and parse once a window is put there.
fn read_expression(obj: &Object, key: &str, errors: &mut Errors) -> Option<String> {
    let text = obj.string(key, errors)?;
    let path = obj.path_of(key);
    if text.contains(SLOTH_PLACEHOLDER) {
        errors.push(&path, format!("writes {SLOTH_PLACEHOLDER}, as Go templates do; allowed: {WINDOW_PLACEHOLDER} (slo openslo import and slo import sloth spell it so)"));
        return None;
    }
    if !text.contains(WINDOW_PLACEHOLDER) {
        errors.push(&path, format!("has no {WINDOW_PLACEHOLDER}, so no rule can compute it over its windows; allowed: an expression with {WINDOW_PLACEHOLDER} as its ranges, such as sum(rate(errors_total[{WINDOW_PLACEHOLDER}])) / sum(rate(requests_total[{WINDOW_PLACEHOLDER}]))"));
        return None;
    }
    // A duration as long as the placeholder keeps the error's character positions.
    match promql::check_expression_with(text, WINDOW_PLACEHOLDER, "000000005m") {
        Ok(()) => Some(text.trim().to_string()),
        Err(e) => {
            errors.push(&path, format!("{e}; allowed: a PromQL expression"));
            None
        }
    }
}

fn read_latency(value: &Value, path: &str, errors: &mut Errors) -> Option<HistogramLatency> {
    let obj = Object::read(value, path, LATENCY_FIELDS, errors)?;
    let before = errors.0.len();
    obj.required(
        "histogram",
        "the histogram's metric name, such as http_request_duration_seconds",
        errors,
    );
    let histogram = obj.string("histogram", errors).and_then(|name| {
        let base = name.strip_suffix("_bucket").unwrap_or(name);
        if !promql::is_metric_name(name) {
            errors.push(&obj.path_of("histogram"), format!("{name:?} is not a metric name; allowed: letters, digits, '_' and ':', not starting with a digit"));
            None
        } else if base != name {
            errors.push(&obj.path_of("histogram"), format!("{name:?} names the bucket series; allowed: the histogram's name without _bucket, {base:?}"));
            None
        } else {
            Some(name.to_string())
        }
    });
    let matchers = match obj.string("selector", errors) {
        None => Some(String::new()),
        Some(text) => match promql::check_matchers(text) {
            Ok(()) => {
                let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
                Some(inner.trim().trim_end_matches(',').trim().to_string())
            }
            Err(e) => {
                errors.push(&obj.path_of("selector"), format!("{e}; allowed: label matchers in braces, such as {{job=\"api\", route=\"/pay\"}}"));
                None
            }
        },
    };
    obj.required(
        "le",
        "the bucket bound requests must finish within, as the histogram's le label spells it, such as \"0.3\"",
        errors,
    );
    let le = obj
        .get("le")
        .and_then(|v| read_bound(v, &obj.path_of("le"), errors));
    let bounds: Vec<(String, f64)> = obj
        .array("bounds", errors)
        .into_iter()
        .filter_map(|(p, v)| read_bound(v, &p, errors))
        .collect();
    if let Some((text, value)) = &le {
        if !bounds.is_empty() && !bounds.iter().any(|(_, b)| b == value) {
            let listed: Vec<&str> = bounds.iter().map(|(t, _)| t.as_str()).collect();
            errors.push(&obj.path_of("le"), format!(
                "{text} is not one of the histogram's bounds ({}); allowed: one of them. A histogram counts requests only at its bucket bounds, so a threshold between two bounds cannot be measured from it; the filter's request SLI (sli.latency.threshold_ms) judges any threshold exactly",
                listed.join(", ")
            ));
        }
    }
    if errors.0.len() > before {
        return None;
    }
    Some(HistogramLatency {
        histogram: histogram?,
        matchers: matchers?,
        le: le?.0,
        bounds: bounds.into_iter().map(|(text, _)| text).collect(),
    })
}

/// A bucket bound: a number, or the text of an `le` label; kept as the label spells it.
fn read_bound(value: &Value, path: &str, errors: &mut Errors) -> Option<(String, f64)> {
    let text = match value {
        Value::Number(n) => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        Value::String(s) => s.trim().to_string(),
        _ => String::new(),
    };
    match text.parse::<f64>() {
        Ok(bound) if bound.is_finite() && bound > 0.0 => Some((text, bound)),
        _ => {
            errors.push(path, format!("{} is not a bucket bound; allowed: a number above 0 such as 0.3, or its le label text such as \"0.3\" (+Inf would count every request good)", kind(value)));
            None
        }
    }
}

fn read_grouping(obj: &Object, errors: &mut Errors) -> Vec<String> {
    let items = obj.array("grouping", errors);
    if items.len() > MAX_GROUPING_LABELS {
        errors.push(&obj.path_of("grouping"), format!("has {} labels; allowed: at most {MAX_GROUPING_LABELS}, each with a bounded set of values (every combination is its own SLO with its own series and alerts)", items.len()));
        return Vec::new();
    }
    let mut seen = BTreeSet::new();
    let mut labels = Vec::new();
    for (path, v) in items {
        let Some(label) = as_string(v, &path, errors) else {
            continue;
        };
        if let Err(message) = check_label_name(label) {
            errors.push(&path, message);
        } else if !seen.insert(label) {
            errors.push(
                &path,
                format!("{label:?} is listed twice; allowed: each label once"),
            );
        } else {
            labels.push(label.to_string());
        }
    }
    labels
}

/// A label name the rules can add: valid and not one they set themselves.
pub fn check_label_name(label: &str) -> Result<(), String> {
    if !promql::is_label_name(label) || label.starts_with("__") {
        Err(format!("{label:?} is not a label name; allowed: letters, digits and '_', not starting with a digit or \"__\""))
    } else if RESERVED_LABELS.contains(&label) {
        Err(format!(
            "{label:?} is set by the rules themselves; allowed: another name than {}",
            RESERVED_LABELS.join(", ")
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
