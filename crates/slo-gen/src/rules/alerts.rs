//! The alerts of an SLO: one per tier over its two windows' burn, and the "no data" alert
//! on its source, with the labels and annotations the spec adds.

use super::identity;
use super::windows::{burn_record, presence_expr, requests_record, slo_selector};
use serde_json::{json, Map, Value};
use slo_core::alert_metadata::Extras;
use slo_core::alerts::{analyze_tiers, Severity};
use slo_core::conventions::*;
use slo_core::duration::format_duration;
use slo_core::format;
use slo_core::spec::Slo;
use slo_core::target::format_target;

/// The burn-rate alert of every tier: both windows' burn above the tier's threshold (and,
/// where the tier asks, enough events in its long window).
pub(super) fn burn_alerts(service: &str, slo: &Slo) -> Vec<Value> {
    let selector = slo_selector(slo);
    let window = slo.window.nominal_seconds();
    slo.alerts
        .iter()
        .zip(analyze_tiers(&slo.alerts, slo.target, window, None))
        .map(|(tier, analysis)| {
            let threshold = format::number(analysis.error_ratio_threshold);
            let mut expr = format!(
                "{long}{{{selector}}} > {threshold}\nand\n{short}{{{selector}}} > {threshold}",
                long = burn_record(slo, tier.long_window_seconds),
                short = burn_record(slo, tier.short_window_seconds),
            );
            if tier.min_events_per_second.is_some() {
                expr += &format!(
                    "\nand\n{}{{{selector}}} >= {}",
                    requests_record(tier.long_window_seconds),
                    format::number(tier.min_events())
                );
            }
            let mut alert = json!({
                "alert": slo.alert_metadata.name.as_deref().unwrap_or(BURN_ALERT),
                "expr": expr,
                "labels": alert_labels(service, slo, tier.severity, &[(ALERT_TIER_LABEL, &tier.name)]),
                "annotations": alert_annotations(slo, tier.severity, [
                    ("summary", format!(
                        "{}: burning the error budget {} faster than sustainable over {} and {}",
                        slo.name,
                        format::burn_rate(analysis.burn_rate),
                        format_duration(tier.long_window_seconds),
                        format_duration(tier.short_window_seconds),
                    )),
                    ("description", format!(
                        "The error ratio is above {} (target {}); at this rate {} of the {} budget is spent in {}.",
                        format::percent(analysis.error_ratio_threshold),
                        format_target(slo.target),
                        format::percent(analysis.budget_consumed),
                        slo.window,
                        format_duration(tier.long_window_seconds),
                    )),
                ]),
            });
            // The tier's hold time (OpenSLO's alertAfter).
            if tier.hold_seconds > 0 {
                alert["for"] = json!(format_duration(tier.hold_seconds));
            }
            alert
        })
        .collect()
}

/// Fires when the SLO's source has no series for as long as its fastest tier's short
/// window (at least 5 minutes: a scrape or two may be missed), at the severity of its
/// most urgent tier: while it lasts, no tier can fire. None for an SLO whose alerting is
/// off (no tiers). Its summary and description are its own: the spec's describe the burn.
pub(super) fn absent_alert(service: &str, slo: &Slo) -> Option<Value> {
    let fastest = slo.alerts.iter().map(|t| t.short_window_seconds).min()?;
    let wait = fastest.max(MIN_ABSENT_SECONDS);
    let severity = if slo.alerts.iter().any(|t| t.severity == Severity::Page) {
        Severity::Page
    } else {
        Severity::Ticket
    };
    let mut annotations = alert_annotations(
        slo,
        severity,
        [("summary", String::new()), ("description", String::new())],
    );
    annotations["summary"] = json!(format!(
        "{}: no data from its SLI source for {}",
        slo.name,
        format_duration(wait)
    ));
    annotations["description"] = json!(format!("The {} source of {} has no series: its burn-rate alerts cannot fire until it reports again.", slo.sli.kind(), slo.name));
    Some(json!({
        "alert": ABSENT_ALERT,
        "expr": format!("absent(\n{}\n)", presence_expr(slo, &format_duration(wait))),
        "for": format_duration(wait),
        "labels": alert_labels(service, slo, severity, &[]),
        "annotations": annotations,
    }))
}

const MIN_ABSENT_SECONDS: u64 = 300;

/// Alert labels: the SLO's identity and the rules' own, then what the spec adds for every
/// alert (the alerts' labels before the SLO's, being more particular) and for this
/// severity (which may rename the severity itself).
fn alert_labels(service: &str, slo: &Slo, severity: Severity, extra: &[(&str, &str)]) -> Value {
    let mut labels = identity(service, slo);
    for (key, value) in extra {
        labels.insert(key.to_string(), json!(value));
    }
    labels.insert(SEVERITY_LABEL.into(), json!(severity.as_str()));
    for (key, value) in slo
        .alert_metadata
        .labels
        .iter()
        .chain(slo.metadata.labels.iter())
    {
        labels.entry(key).or_insert_with(|| json!(value));
    }
    for (key, value) in extras_of(slo, severity).labels.iter() {
        labels.insert(key.into(), json!(value));
    }
    Value::Object(labels)
}

/// Alert annotations: the generated ones, replaced or joined by the spec's own, the SLO's,
/// then those for every alert, then those for this severity.
fn alert_annotations(slo: &Slo, severity: Severity, generated: [(&str, String); 2]) -> Value {
    let mut annotations = Map::new();
    for (key, value) in generated {
        annotations.insert(key.into(), json!(value));
    }
    for (key, value) in slo
        .metadata
        .annotations
        .iter()
        .chain(slo.alert_metadata.annotations.iter())
        .chain(extras_of(slo, severity).annotations.iter())
    {
        annotations.insert(key.into(), json!(value));
    }
    Value::Object(annotations)
}

fn extras_of(slo: &Slo, severity: Severity) -> &Extras {
    match severity {
        Severity::Page => &slo.alert_metadata.page,
        Severity::Ticket => &slo.alert_metadata.ticket,
    }
}
