//! Prometheus recording and alerting rules for every SLO: over the
//! filter's series for request SLIs, over the spec's own queries for Prometheus SLIs.
//!
//! The rules sum over every label but `slo` (and a Prometheus SLI's grouping labels), so
//! they aggregate a fleet of Envoys and run unchanged on Thanos or Mimir rulers.
//! Thresholds come from the core's tier analysis and the queries from the core's
//! `prometheus` module; this module only spells them in rule files.

use serde_json::{json, Map, Value};
use slo_core::alert_metadata::Extras;
use slo_core::alerts::{analyze_tiers, tier_windows, Severity};
use slo_core::conventions::*;
use slo_core::duration::format_duration;
use slo_core::format;
use slo_core::spec::{Budgeting, Sli, Slo, Spec};
use slo_core::target::format_target;

/// Output formats: a plain rule file, or a Prometheus operator resource.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    RuleFile,
    PrometheusRule,
}

impl Format {
    pub const ALLOWED: &'static str = "rule-file (a Prometheus rule file) or prometheus-rule (a PrometheusRule resource of the Prometheus operator)";

    pub fn parse(text: &str) -> Result<Format, String> {
        match text {
            "rule-file" => Ok(Format::RuleFile),
            "prometheus-rule" => Ok(Format::PrometheusRule),
            other => Err(format!(
                "{other:?} is not a format; allowed: {}",
                Format::ALLOWED
            )),
        }
    }
}

fn error_ratio_record(window: u64) -> String {
    format!("{ERROR_RATIO_RECORD}{}", format_duration(window))
}

/// A timeslice SLO's burn over a window: the share of bad slices (`timeslices`) or the
/// mean slice error ratio (`ratio_timeslices`), which alerts compare with the thresholds
/// as occurrence SLOs compare their event error ratio.
fn slice_ratio_record(window: u64) -> String {
    format!("{BAD_SLICES_RECORD}{}", format_duration(window))
}

/// What an SLO's alerts and budget read over a window: events, or slices as the core
/// judges them.
fn burn_record(slo: &Slo, window: u64) -> String {
    match slo.budgeting {
        Budgeting::Occurrences => error_ratio_record(window),
        _ => slice_ratio_record(window),
    }
}

/// The event error ratio over `range`: the filter's counts summed across instances, or the
/// Prometheus SLI's own query.
fn event_error_ratio(slo: &Slo, range: &str) -> String {
    match &slo.sli {
        Sli::Request(_) => error_ratio_expr(&format!("{SLO_LABEL}=\"{}\"", slo.name), range),
        Sli::Prometheus(sli) => sli.error_ratio(range),
    }
}

/// What the "no data" alert watches: empty exactly when the source has no series.
fn presence_expr(slo: &Slo, range: &str) -> String {
    match &slo.sli {
        Sli::Request(_) => format!("{REQUESTS_METRIC}{{{SLO_LABEL}=\"{}\"}}", slo.name),
        Sli::Prometheus(sli) => sli.presence(range),
    }
}

/// The filter's event error ratio over `range`, summed across instances.
fn error_ratio_expr(selector: &str, range: &str) -> String {
    format!(
        "sum by ({SLO_LABEL}) (rate({REQUESTS_METRIC}{{{selector},{OUTCOME_LABEL}=\"bad\"}}[{range}]))\n/\nsum by ({SLO_LABEL}) (rate({REQUESTS_METRIC}{{{selector}}}[{range}]))"
    )
}

/// PromQL for a timeslice SLO's burn over `window`. A subquery stepping by the slice
/// evaluates at multiples of it (Prometheus aligns subquery steps to absolute time), so
/// each step rates exactly one of the core's slices; slices without traffic give NaN and
/// `>= 0` drops them, as the core leaves them unjudged. The range is one second short of
/// the window so that it holds window / slice steps whether the range's start is included
/// (Prometheus 2) or not (Prometheus 3).
fn slice_ratio_expr(slo: &Slo, window: u64) -> Option<String> {
    let budgeting = slo.budgeting;
    let slice_seconds = budgeting.slice_seconds()?;
    let slice = format_duration(slice_seconds);
    let slice_error_ratio = format!("({}) >= 0", event_error_ratio(slo, &slice));
    let range = format!("{}:{slice}", format_duration(window - 1));
    Some(match budgeting {
        Budgeting::Timeslices {
            slice_good_ratio, ..
        } => format!(
            "sum_over_time(((\n{slice_error_ratio}\n) > bool {})[{range}])\n/ {}",
            format::number(1.0 - slice_good_ratio),
            format::number(window as f64 / slice_seconds as f64),
        ),
        _ => format!("avg_over_time((\n{slice_error_ratio}\n)[{range}])"),
    })
}

fn requests_record(window: u64) -> String {
    format!("{REQUESTS_RECORD}{}", format_duration(window))
}

/// The labels every series and alert of an SLO carries.
fn identity(service: &str, slo: &Slo) -> Map<String, Value> {
    let mut labels = Map::new();
    labels.insert(SLO_LABEL.into(), json!(slo.name));
    labels.insert(SERVICE_LABEL.into(), json!(service));
    labels
}

/// Series describing the SLO itself, as Sloth and Pyrra emit them, so dashboards can show
/// the objective and window next to the burn: the target, the budget, the window in days
/// and an info series (value 1) with the source's kind.
fn metadata_rules(service: &str, slo: &Slo) -> Vec<Value> {
    let labels = Value::Object(identity(service, slo));
    let window_days = slo.window.nominal_seconds() as f64 / 86_400.0;
    let mut info = identity(service, slo);
    info.insert("sli".into(), json!(slo.sli.kind()));
    info.insert(WINDOW_LABEL.into(), json!(slo.window.to_string()));
    info.insert("objective".into(), json!(format_target(slo.target)));
    vec![
        json!({"record": OBJECTIVE_RECORD, "expr": format!("vector({})", format::number(slo.target)), "labels": labels}),
        json!({"record": ERROR_BUDGET_RECORD, "expr": format!("vector({})", format::number(1.0 - slo.target)), "labels": labels}),
        json!({"record": PERIOD_DAYS_RECORD, "expr": format!("vector({})", format::number(window_days)), "labels": labels}),
        json!({"record": INFO_RECORD, "expr": "vector(1)", "labels": info}),
    ]
}

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

fn slo_rules(service: &str, slo: &Slo) -> Value {
    let selector = format!("{SLO_LABEL}=\"{}\"", slo.name);
    let labels = Value::Object(identity(service, slo));
    let mut rules = Vec::new();
    let window_seconds = slo.window.nominal_seconds();
    let mut windows = tier_windows(&slo.alerts);
    if !windows.contains(&window_seconds) {
        windows.push(window_seconds);
    }
    for &window in &windows {
        let expr = slice_ratio_expr(slo, window)
            .unwrap_or_else(|| event_error_ratio(slo, &format_duration(window)));
        rules.push(json!({
            "record": burn_record(slo, window),
            "expr": expr,
            "labels": labels,
        }));
    }
    for tier in slo
        .alerts
        .iter()
        .filter(|t| t.min_events_per_second.is_some())
    {
        let range = format_duration(tier.long_window_seconds);
        let record = requests_record(tier.long_window_seconds);
        let expr = match &slo.sli {
            Sli::Request(_) => Some(format!(
                "sum by ({SLO_LABEL}) (increase({REQUESTS_METRIC}{{{selector}}}[{range}]))"
            )),
            // The spec refuses a minimum rate for sources without an event count.
            Sli::Prometheus(sli) => sli
                .total_rate(&range)
                .map(|rate| format!("(\n{rate}\n) * {}", tier.long_window_seconds)),
        };
        if let Some(expr) = expr.filter(|_| !rules.iter().any(|r| r["record"] == record.as_str())) {
            rules.push(json!({"record": record, "expr": expr, "labels": labels}));
        }
    }
    // Envoy gauges hold whole numbers, so the filter publishes thousandths; these give the
    // ratios their contract names back.
    let gauges = [
        (BURN_RATE_RECORD, BURN_RATE_MILLI_METRIC),
        (BUDGET_REMAINING_RECORD, BUDGET_REMAINING_MILLI_METRIC),
    ];
    for (record, gauge) in gauges.iter().filter(|_| slo.sli.request().is_some()) {
        rules.push(json!({
            "record": record,
            "expr": format!("{gauge}{{{selector}}} / 1000"),
            "labels": labels,
        }));
    }
    rules.push(json!({
        "record": BUDGET_REMAINING_RATIO_RECORD,
        "expr": format!("1 - {}{{{selector}}} / {}", burn_record(slo, window_seconds), format::number(1.0 - slo.target)),
        "labels": labels,
    }));
    rules.extend(metadata_rules(service, slo));
    for (tier, analysis) in
        slo.alerts
            .iter()
            .zip(analyze_tiers(&slo.alerts, slo.target, window_seconds, None))
    {
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
        rules.push(alert);
    }
    rules.push(absent_alert(service, slo));
    let mut group = json!({"name": format!("slo-{}", slo.name), "rules": rules});
    // A timeslice SLO's figures change only when a slice ends, and each evaluation steps
    // through every slice of the window: once a slice is often enough.
    if let Some(slice) = slo.budgeting.slice_seconds() {
        group["interval"] = json!(format_duration(slice));
    }
    group
}

/// Fires when the SLO's source has no series for as long as its fastest tier's short
/// window (at least 5 minutes: a scrape or two may be missed), at the severity of its
/// most urgent tier: while it lasts, no tier can fire.
fn absent_alert(service: &str, slo: &Slo) -> Value {
    let fastest = slo.alerts.iter().map(|t| t.short_window_seconds).min();
    let wait = fastest.unwrap_or(0).max(MIN_ABSENT_SECONDS);
    let severity = if slo.alerts.iter().any(|t| t.severity == Severity::Page) {
        Severity::Page
    } else {
        Severity::Ticket
    };
    json!({
        "alert": ABSENT_ALERT,
        "expr": format!("absent(\n{}\n)", presence_expr(slo, &format_duration(wait))),
        "for": format_duration(wait),
        "labels": alert_labels(service, slo, severity, &[]),
        "annotations": alert_annotations(slo, severity, [
            ("summary", format!("{}: no data from its SLI source for {}", slo.name, format_duration(wait))),
            ("description", format!("The {} source of {} has no series: its burn-rate alerts cannot fire until it reports again.", slo.sli.kind(), slo.name)),
        ]),
    })
}

const MIN_ABSENT_SECONDS: u64 = 300;

pub fn render(spec: &Spec, format: Format) -> String {
    let groups: Vec<Value> = spec
        .services
        .iter()
        .flat_map(|service| service.slos.iter().map(|slo| slo_rules(&service.name, slo)))
        .collect();
    let header = "# Generated by `slo rules`: burn-rate recording and alerting rules, over the\n\
                  # SLO filter's slo_requests_total (summed across instances) or each SLO's own\n\
                  # Prometheus queries.\n";
    let document = match format {
        Format::RuleFile => json!({ "groups": groups }),
        Format::PrometheusRule => json!({
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {"name": "slo-rules", "labels": {"app.kubernetes.io/managed-by": "slo"}},
            "spec": { "groups": groups },
        }),
    };
    let body = serde_yaml_ng::to_string(&document).unwrap_or_default();
    format!("{header}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alerts_of(spec: &str) -> Vec<Value> {
        let spec = Spec::from_json(spec).unwrap();
        let yaml = render(&spec, Format::RuleFile);
        let rules: Value = serde_yaml_ng::from_str(&yaml).unwrap();
        rules["groups"][0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r.get("alert").is_some())
            .cloned()
            .collect()
    }

    #[test]
    fn an_slos_labels_and_annotations_are_on_its_alerts() {
        let alerts = alerts_of(
            r#"{"services":[{"name":"shop","slos":[{"name":"checkout","target":0.999,"window":"30d",
                "labels":{"team":"orders","owner":"slo"},"annotations":{"dashboard_url":"d","summary":"s"},
                "alerts":{"labels":{"owner":"alerts"}},
                "sli":{"bad":{"status":["5xx"]}}}]}]}"#,
        );
        assert!(!alerts.is_empty());
        for alert in &alerts {
            assert_eq!(alert["labels"]["team"], "orders", "{alert}");
            // The alerts' own labels are more particular than the SLO's.
            assert_eq!(alert["labels"]["owner"], "alerts", "{alert}");
            assert_eq!(alert["labels"]["slo"], "checkout", "{alert}");
            assert_eq!(alert["annotations"]["dashboard_url"], "d", "{alert}");
            assert_eq!(alert["annotations"]["summary"], "s", "{alert}");
        }
    }

    #[test]
    fn a_tiers_hold_time_is_its_alerts_for() {
        let alerts = alerts_of(
            r#"{"services":[{"name":"shop","slos":[{"name":"checkout","target":0.999,"window":"30d",
                "alerts":{"tiers":[{"name":"page","severity":"page","burn_rate":14.4,
                    "long_window":"1h","short_window":"5m","for":"2m"}]},
                "sli":{"bad":{"status":["5xx"]}}}]}]}"#,
        );
        assert_eq!(alerts[0]["for"], "2m", "{}", alerts[0]);
    }
}
