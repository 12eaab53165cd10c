//! A resource's `spec.indicator` into the spec's `sli.prometheus`.

use super::Fields;
use crate::decode::{Errors, Object};
use crate::promql;
use serde_json::{json, Map, Value};

pub(super) const INDICATORS: &[&str] = &["ratio", "latency", "latencyNative", "bool_gauge"];

/// A `{metric: SELECTOR}` query's selector, checked as Pyrra checks it.
fn metric<'a>(obj: &Object<'a>, key: &str, errors: &mut Errors) -> Option<(&'a str, String)> {
    obj.required(key, "{metric: a selector}", errors);
    let query = Object::read(obj.get(key)?, &obj.path_of(key), &["metric"], errors)?;
    query.required(
        "metric",
        "a vector selector such as http_requests_total{job=\"api\"}",
        errors,
    );
    let text = query.string("metric", errors)?.trim();
    let path = query.path_of("metric");
    match promql::check_selector(text) {
        Ok(()) => Some((text, path)),
        Err(e) => {
            errors.push(&path, format!("{e}; allowed: a vector selector such as http_requests_total{{job=\"api\"}}, which Pyrra and the rules rate over each window"));
            None
        }
    }
}

pub(super) fn read_indicator(
    value: &Value,
    fields: &mut Fields,
    errors: &mut Errors,
) -> Option<Map<String, Value>> {
    let obj = Object::read(value, "spec.indicator", INDICATORS, errors)?;
    let set: Vec<&str> = INDICATORS
        .iter()
        .copied()
        .filter(|k| obj.get(k).is_some())
        .collect();
    let key = match set.as_slice() {
        [one] => *one,
        [] => {
            errors.push(
                "spec.indicator",
                format!(
                    "names no indicator; allowed: one of {}",
                    INDICATORS.join(", ")
                ),
            );
            return None;
        }
        [first, second, ..] => {
            errors.push(
                &obj.path_of(second),
                format!("is set next to {first}; allowed: one indicator"),
            );
            return None;
        }
    };
    let path = obj.path_of(key);
    fields.push((".sli".into(), path.clone()));
    let fields_of: &[&str] = match key {
        "ratio" => &["errors", "total", "grouping"],
        "latency" => &["success", "total", "grouping"],
        "bool_gauge" => &["metric", "grouping"],
        _ => {
            errors.push(&path, "is not supported: native histograms need histogram_fraction, which the Prometheus the rules are checked against (Debian's 2.42) does not have; allowed: latency, with a classic histogram's _bucket{le=\"0.2\"} as success.metric and its _count as total.metric");
            return None;
        }
    };
    let ind = Object::read(obj.get(key)?, &path, fields_of, errors)?;
    let mut sli = Map::new();
    let put = |sli: &mut Map<String, Value>,
               fields: &mut Fields,
               ours: &str,
               (text, from): (&str, String)| {
        fields.push((format!(".sli.prometheus.{ours}"), from));
        sli.insert(ours.into(), json!(text));
    };
    match key {
        "ratio" => {
            let (bad, total) = (
                metric(&ind, "errors", errors),
                metric(&ind, "total", errors),
            );
            put(&mut sli, fields, "bad", bad?);
            put(&mut sli, fields, "total", total?);
        }
        "latency" => {
            let (good, total) = (
                metric(&ind, "success", errors),
                metric(&ind, "total", errors),
            );
            let (good, total) = (good?, total?);
            if !has_le_matcher(good.0) {
                errors.push(&good.1, "has no le matcher; allowed: a histogram bucket selector with its bound, such as http_request_duration_seconds_bucket{job=\"api\",le=\"0.3\"}");
                return None;
            }
            let ratio = json!({"good": good.0, "total": total.0});
            match crate::prometheus::latency_of_ratio(&ratio) {
                Some(latency) => {
                    fields.push((".sli.prometheus.latency".into(), good.1));
                    sli.insert("latency".into(), latency);
                }
                // Selectors that differ in more than le (or put it elsewhere) stay a ratio.
                None => {
                    put(&mut sli, fields, "good", good);
                    put(&mut sli, fields, "total", total);
                }
            }
        }
        _ => {
            let gauge = ind.string("metric", errors).map(str::trim);
            ind.required(
                "metric",
                "a selector of a 0/1 gauge, such as probe_success",
                errors,
            );
            let gauge = gauge?;
            if let Err(e) = promql::check_selector(gauge) {
                errors.push(&ind.path_of("metric"), format!("{e}; allowed: a vector selector of a 0/1 gauge, such as probe_success{{job=\"blackbox\"}}"));
                return None;
            }
            let grouping = ind.strings("grouping", errors);
            let by = match grouping.is_empty() {
                true => String::new(),
                false => format!(" by ({})", grouping.join(", ")),
            };
            let over = |f: &str| format!("sum{by} ({f}({gauge}[{{{{window}}}}]))");
            let expr = format!(
                "({} - {}) / {}",
                over("count_over_time"),
                over("sum_over_time"),
                over("count_over_time")
            );
            put(
                &mut sli,
                fields,
                "error_ratio",
                (&expr, ind.path_of("metric")),
            );
        }
    }
    if let Some(grouping) = ind.get("grouping") {
        fields.push((".sli.prometheus.grouping".into(), ind.path_of("grouping")));
        sli.insert("grouping".into(), grouping.clone());
    }
    Some(sli)
}

/// Whether a selector has a matcher on `le` (not a label merely ending in "le").
pub(super) fn has_le_matcher(selector: &str) -> bool {
    let Some(inner) = selector.split_once('{').map(|(_, rest)| rest) else {
        return false;
    };
    let mut quoted = false;
    let mut start = true;
    let chars: Vec<char> = inner.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '"' if i == 0 || chars[i - 1] != '\\' => quoted = !quoted,
            '{' | ',' if !quoted => start = true,
            c if c.is_whitespace() => {}
            _ if !quoted && start => {
                let rest: String = chars[i..].iter().collect();
                let name_end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if &rest[..name_end] == "le" && rest[name_end..].trim_start().starts_with('=') {
                    return true;
                }
                start = false;
            }
            _ => {}
        }
    }
    false
}
