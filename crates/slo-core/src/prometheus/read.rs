//! Reading `sli.prometheus` from the spec: every problem at once, each with its path.

use super::{
    has_window, Counted, HistogramLatency, PrometheusSli, Query, Source, MAX_GROUPING_LABELS,
    SLOTH_PLACEHOLDER, WINDOW_PLACEHOLDER,
};
use crate::conventions::RESERVED_LABELS;
use crate::decode::{as_string, kind, Errors, Object};
use crate::promql;
use serde_json::Value;
use std::collections::BTreeSet;

const FIELDS: &[&str] = &["good", "bad", "total", "error_ratio", "latency", "grouping"];
const LATENCY_FIELDS: &[&str] = &["histogram", "selector", "le", "bounds"];

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
