//! A resource's alerting: Pyrra's alert windows for its SLO window as the spec's tiers,
//! and what its alerts carry.

use super::{Fields, PROPAGATION_PREFIX};
use crate::decode::{join, Errors, Object};
use serde_json::{json, Map, Value};

const ALERTING_FIELDS: &[&str] = &[
    "disabled",
    "burnrates",
    "absent",
    "name",
    "absentName",
    "severities",
];

/// One of Pyrra's alert windows: the SLO window divided by these.
struct PyrraWindow {
    name: &'static str,
    severity: &'static str,
    /// Pyrra's default `severity` label, and the `alerting.severities` field that sets it.
    label: &'static str,
    field: &'static str,
    factor: f64,
    long: u64,
    short: u64,
    hold: u64,
}

/// Pyrra's alert windows: (for, long, short) = window / these, for 2m, 1h, 5m at 28d.
const WINDOWS: [PyrraWindow; 4] = [
    PyrraWindow {
        name: "page-fast",
        severity: "page",
        label: "critical",
        field: "fastBurn",
        factor: 14.0,
        long: 672,
        short: 8064,
        hold: 20160,
    },
    PyrraWindow {
        name: "page-slow",
        severity: "page",
        label: "critical",
        field: "mediumBurn",
        factor: 7.0,
        long: 112,
        short: 1344,
        hold: 2688,
    },
    PyrraWindow {
        name: "ticket-fast",
        severity: "ticket",
        label: "warning",
        field: "slowBurn",
        factor: 2.0,
        long: 28,
        short: 336,
        hold: 672,
    },
    PyrraWindow {
        name: "ticket-slow",
        severity: "ticket",
        label: "warning",
        field: "longTermBurn",
        factor: 1.0,
        long: 7,
        short: 112,
        hold: 224,
    },
];

/// `window / divisor` as Go divides a `time.Duration` (whole nanoseconds), then rounded to
/// the minute as `Duration.Round` does (halves away from zero): in seconds.
fn pyrra_duration(window_seconds: u64, divisor: u64) -> u64 {
    const NANOS: u128 = 1_000_000_000;
    let minute = 60 * NANOS;
    let quotient = window_seconds as u128 * NANOS / divisor as u128;
    let down = quotient - quotient % minute;
    let rounded = if quotient % minute * 2 >= minute {
        down + minute
    } else {
        down
    };
    (rounded / NANOS) as u64
}

/// Pyrra's alert windows for an SLO window, in seconds: (long, short, for) per tier.
pub fn pyrra_windows(window_seconds: u64) -> Vec<(&'static str, f64, u64, u64, u64)> {
    WINDOWS
        .iter()
        .map(|w| {
            let d = |divisor| pyrra_duration(window_seconds, divisor);
            (w.name, w.factor, d(w.long), d(w.short), d(w.hold))
        })
        .collect()
}

/// The SLO's `alerts`: Pyrra's tiers for the window, and what the alerts carry.
pub(super) fn read_alerts(
    meta: &Object,
    spec: &Object,
    target: Option<f64>,
    window: Option<u64>,
    fields: &mut Fields,
    errors: &mut Errors,
    warnings: &mut Errors,
) -> Map<String, Value> {
    let mut alerts = Map::new();
    let alerting = spec
        .get("alerting")
        .and_then(|v| Object::read(v, "spec.alerting", ALERTING_FIELDS, errors));
    let flag =
        |key: &str, errors: &mut Errors| alerting.as_ref().and_then(|a| a.boolean(key, errors));
    let disabled =
        flag("disabled", errors) == Some(true) || flag("burnrates", errors) == Some(false);
    if flag("absent", errors) == Some(false) {
        warnings.push(
            "spec.alerting.absent",
            "is false, but the rules always carry their no-data alert (SloMetricAbsent); it stays",
        );
    }
    // Pyrra's default severity labels, so that routes on them keep working.
    let mut labels: Map<String, Value> = WINDOWS
        .iter()
        .map(|w| (w.severity.to_string(), json!(w.label)))
        .collect();
    if let Some(alerting) = &alerting {
        if let Some(name) = alerting.get("name") {
            alerts.insert("name".into(), name.clone());
            fields.push((".alerts.name".into(), alerting.path_of("name")));
        }
        if alerting.get("absentName").is_some() {
            warnings.push(&alerting.path_of("absentName"), "names Pyrra's no-data alert; the spec has no place for it: the rules name theirs SloMetricAbsent");
        }
        read_severities(alerting, &mut labels, fields, errors, warnings);
    }
    let mut tiers = Vec::new();
    if let (Some(window), false) = (window, disabled) {
        let budget = target.map(|t| 1.0 - t);
        for (w, (name, factor, long, short, hold)) in WINDOWS.iter().zip(pyrra_windows(window)) {
            if budget.is_some_and(|b| !crate::alerts::exceeds(1.0, factor * b)) {
                warnings.push("spec.target", format!("leaves out Pyrra's {name} tier ({factor}x over {} and {}): it fires above an error ratio of {}, which no ratio exceeds; Pyrra's rule never fires either", crate::duration::format_duration(long), crate::duration::format_duration(short), crate::format::number(factor * budget.unwrap_or(0.0))));
                continue;
            }
            fields.push((
                format!(".alerts.tiers[{}]", tiers.len()),
                "spec.window".into(),
            ));
            // Pyrra holds each alert pending for its `for` before it fires: the tier's hold.
            let duration = crate::duration::format_duration;
            tiers.push(json!({"name": name, "severity": w.severity, "burn_rate": factor, "long_window": duration(long), "short_window": duration(short), "for": duration(hold)}));
        }
    }
    if window.is_some() {
        alerts.insert("tiers".into(), json!(tiers));
    }
    for (severity, label) in labels {
        alerts.insert(severity, json!({"labels": {"severity": label}}));
    }
    let (own_labels, own_annotations) = (
        propagated(meta, "labels", fields, errors, warnings),
        propagated(meta, "annotations", fields, errors, warnings),
    );
    for (key, map) in [("labels", own_labels), ("annotations", own_annotations)] {
        if !map.is_empty() {
            alerts.insert(key.into(), Value::Object(map));
        }
    }
    alerts
}

/// `alerting.severities` into the `severity` label per spec severity: the page tiers are
/// Pyrra's fast and medium burn, the ticket tiers its slow and long-term burn.
fn read_severities(
    alerting: &Object,
    labels: &mut Map<String, Value>,
    fields: &mut Fields,
    errors: &mut Errors,
    warnings: &mut Errors,
) {
    let Some(value) = alerting.get("severities") else {
        return;
    };
    let path = alerting.path_of("severities");
    let allowed: Vec<&str> = WINDOWS.iter().map(|w| w.field).chain(["absent"]).collect();
    let Some(obj) = Object::read(value, &path, &allowed, errors) else {
        return;
    };
    for pair in WINDOWS.chunks(2) {
        let words: Vec<&str> = pair
            .iter()
            .map(|w| obj.string(w.field, errors).unwrap_or(w.label))
            .collect();
        if words[0] != words[1] {
            errors.push(&obj.path_of(pair[1].field), format!("{:?} differs from {} ({:?}); the spec labels alerts per severity, and both are {} tiers; allowed: the same word for both", words[1], pair[0].field, words[0], pair[0].severity));
            continue;
        }
        labels.insert(pair[0].severity.into(), json!(words[0]));
        if let Some(set) = pair.iter().find(|w| obj.get(w.field).is_some()) {
            fields.push((
                format!(".alerts.{}", pair[0].severity),
                obj.path_of(set.field),
            ));
        }
    }
    let page = labels
        .get("page")
        .and_then(Value::as_str)
        .unwrap_or("critical");
    if let Some(absent) = obj.string("absent", errors).filter(|a| *a != page) {
        warnings.push(&obj.path_of("absent"), format!("{absent:?} has no place: the no-data alert carries the page tiers' severity label, {page:?}"));
    }
}

/// The metadata labels or annotations Pyrra copies onto its rules (`pyrra.dev/X` as `X`);
/// other labels are the Kubernetes object's own, said in a warning.
fn propagated(
    meta: &Object,
    key: &str,
    fields: &mut Fields,
    errors: &mut Errors,
    warnings: &mut Errors,
) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(value) = meta.get(key) else {
        return out;
    };
    let path = meta.path_of(key);
    let Some(map) = value.as_object() else {
        errors.push(
            &path,
            format!(
                "expected a map of names to text, found {}",
                crate::decode::kind(value)
            ),
        );
        return out;
    };
    for (name, text) in map {
        match name.strip_prefix(PROPAGATION_PREFIX) {
            Some(ours) => {
                fields.push((format!(".alerts.{key}.{ours}"), join(&path, name)));
                out.insert(ours.to_string(), text.clone());
            }
            // Pyrra reads no other annotation either.
            None if key == "labels" => warnings.push(&join(&path, name), format!("is a label of the Kubernetes object (such as the Prometheus Operator's rule selector), not of the rules; not carried (Pyrra copies only {PROPAGATION_PREFIX} labels onto its rules)")),
            None => {}
        }
    }
    out
}
