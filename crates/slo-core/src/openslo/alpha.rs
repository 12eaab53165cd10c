//! `openslo/v1alpha` documents (Sloth's OpenSLO examples, the Go SDK's) rewritten in the
//! v1 shape before they are read, so that one reader checks both:
//!
//! | v1alpha | v1 |
//! | --- | --- |
//! | `timeWindows: [{count: 30, unit: Day, isRolling, calendar}]` | `timeWindow: [{duration: 30d, isRolling, calendar}]` (no `isRolling` and no `calendar`: rolling) |
//! | `indicator.thresholdMetric: {source, queryType, query}` | `indicator.spec.thresholdMetric.metricSource: {type: source, spec: {query}}` |
//! | an objective's `ratioMetrics: {good, bad, total, incremental}`, each `{source, queryType, query}` | that objective's own indicator, a `ratioMetric` with `counter: incremental` (each objective is an SLO of its own, see `several objectives`) |
//!
//! Errors name the v1 field the v1alpha one became.

use super::*;

pub(super) const ALPHA_VERSION: &str = "openslo/v1alpha";

/// Rewrites a v1alpha SLO document in place; other documents and kinds are left alone.
pub(super) fn rewrite(doc: &mut Value) {
    let is_alpha_slo = doc.get("apiVersion").and_then(Value::as_str) == Some(ALPHA_VERSION)
        && doc.get("kind").and_then(Value::as_str) == Some("SLO");
    let Some(spec) = doc
        .get_mut("spec")
        .and_then(Value::as_object_mut)
        .filter(|_| is_alpha_slo)
    else {
        return;
    };
    if let Some(Value::Array(windows)) = spec.remove("timeWindows") {
        let windows = windows.into_iter().map(time_window).collect();
        spec.insert("timeWindow".into(), Value::Array(windows));
    }
    if let Some(Value::Object(indicator)) = spec.get_mut("indicator") {
        if let Some(threshold) = indicator.remove("thresholdMetric") {
            let metric = json!({"thresholdMetric": {"metricSource": source(threshold)}});
            indicator.insert("spec".into(), metric);
        }
    }
    for objective in spec
        .get_mut("objectives")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
    {
        let Some(Value::Object(mut ratio)) = objective.remove("ratioMetrics") else {
            continue;
        };
        if let Some(incremental) = ratio.remove("incremental") {
            ratio.insert("counter".into(), incremental);
        }
        for role in ["good", "bad", "total"] {
            if let Some(query) = ratio.remove(role) {
                ratio.insert(role.into(), json!({"metricSource": source(query)}));
            }
        }
        objective.insert(
            "indicator".into(),
            json!({"spec": {"ratioMetric": Value::Object(ratio)}}),
        );
    }
}

/// `{source, queryType, query}` as a v1 metricSource; anything else is left for the
/// reader to refuse where it stands.
fn source(value: Value) -> Value {
    let Value::Object(mut fields) = value else {
        return value;
    };
    let mut out = Map::new();
    if let Some(kind) = fields.remove("source") {
        out.insert("type".into(), kind);
    }
    // The query language is Prometheus' own for a Prometheus source.
    fields.remove("queryType");
    if let Some(query) = fields.remove("query") {
        out.insert("spec".into(), json!({ "query": query }));
    }
    out.extend(fields);
    Value::Object(out)
}

fn time_window(value: Value) -> Value {
    let Value::Object(mut w) = value else {
        return value;
    };
    let suffix = match w.get("unit").and_then(Value::as_str) {
        Some("Second") => "s",
        Some("Minute") => "m",
        Some("Hour") => "h",
        Some("Day") => "d",
        Some("Week") => "w",
        Some("Month") => "M",
        Some("Quarter") => "Q",
        Some("Year") => "Y",
        _ => return Value::Object(w),
    };
    let Some(count) = w.get("count").and_then(Value::as_u64) else {
        return Value::Object(w);
    };
    w.remove("unit");
    w.remove("count");
    w.insert("duration".into(), json!(format!("{count}{suffix}")));
    if !w.contains_key("isRolling") && !w.contains_key("calendar") {
        w.insert("isRolling".into(), json!(true));
    }
    Value::Object(w)
}
