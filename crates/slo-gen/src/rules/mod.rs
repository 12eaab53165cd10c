//! Prometheus recording and alerting rules for every SLO: over the
//! filter's series for request SLIs, over the spec's own queries for Prometheus SLIs.
//!
//! The rules sum over every label but `slo` (and a Prometheus SLI's grouping labels), so
//! they aggregate a fleet of Envoys and run unchanged on Thanos or Mimir rulers.
//! Thresholds come from the core's tier analysis and the queries from the core's
//! `prometheus` module; this module only spells them in rule files: `windows` what each
//! window reads (recorded steps or slices, or the source), `alerts` the alerts.
//!
//! Each SLO gets a group `slo-NAME` (its windows, budget, metadata and alerts, at the
//! server's evaluation interval, or once a slice for a timeslice SLO, whose slice verdicts
//! it records first) and, when its events are recorded per step, a group `slo-NAME:steps`
//! evaluated every step.

mod alerts;
pub mod resource;
#[cfg(test)]
mod tests;
pub(crate) mod windows;

use resource::RuleResource;
use serde_json::{json, Map, Value};
use slo_core::alerts::tier_windows;
use slo_core::conventions::*;
use slo_core::duration::format_duration;
use slo_core::format;
use slo_core::spec::{Slo, Spec};
use slo_core::target::format_target;
use slo_core::window::Window;
use windows::{
    burn_expr, burn_record, recording_rules, requests_expr, requests_record, slo_selector, Reading,
    STEP_SECONDS,
};

/// Output formats: a plain rule file, or a Prometheus operator resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    RuleFile,
    PrometheusRule(RuleResource),
}

impl Format {
    pub const ALLOWED: &'static str = "rule-file (a Prometheus rule file) or prometheus-rule (a PrometheusRule resource of the Prometheus operator)";

    /// The format by its name; a `PrometheusRule` with the default metadata.
    pub fn parse(text: &str) -> Result<Format, String> {
        match text {
            "rule-file" => Ok(Format::RuleFile),
            "prometheus-rule" => Ok(Format::PrometheusRule(RuleResource::default())),
            other => Err(format!(
                "{other:?} is not a format; allowed: {}",
                Format::ALLOWED
            )),
        }
    }
}

/// The labels every series and alert of an SLO carries.
fn identity(service: &str, slo: &Slo) -> Map<String, Value> {
    let mut labels = Map::new();
    labels.insert(SLO_LABEL.into(), json!(slo.name));
    labels.insert(SERVICE_LABEL.into(), json!(service));
    labels
}

/// Series describing the SLO itself, as Sloth and Pyrra emit them, so dashboards can show
/// the objective and window next to the burn: the target, the budget, the window in days,
/// an info series (value 1) with the source's kind, and one series per alert tier (value
/// its burn-rate threshold, labels its name, severity and windows), so that a view reading
/// only Prometheus (`<slo-fleet>`) knows the tiers whose burn it shows.
fn metadata_rules(service: &str, slo: &Slo) -> Vec<Value> {
    let labels = Value::Object(identity(service, slo));
    let window_days = slo.window.nominal_seconds() as f64 / 86_400.0;
    let mut info = identity(service, slo);
    info.insert(SLI_LABEL.into(), json!(slo.sli.kind()));
    info.insert(WINDOW_LABEL.into(), json!(slo.window.to_string()));
    info.insert(OBJECTIVE_LABEL.into(), json!(format_target(slo.target)));
    let mut rules = vec![
        json!({"record": OBJECTIVE_RECORD, "expr": format!("vector({})", format::number(slo.target)), "labels": labels}),
        json!({"record": ERROR_BUDGET_RECORD, "expr": format!("vector({})", format::number(1.0 - slo.target)), "labels": labels}),
        json!({"record": PERIOD_DAYS_RECORD, "expr": format!("vector({})", format::number(window_days)), "labels": labels}),
        json!({"record": INFO_RECORD, "expr": "vector(1)", "labels": info}),
    ];
    for tier in &slo.alerts {
        let mut labels = identity(service, slo);
        labels.insert(ALERT_TIER_LABEL.into(), json!(tier.name));
        labels.insert(SEVERITY_LABEL.into(), json!(tier.severity.as_str()));
        labels.insert(
            LONG_WINDOW_LABEL.into(),
            json!(format_duration(tier.long_window_seconds)),
        );
        labels.insert(
            SHORT_WINDOW_LABEL.into(),
            json!(format_duration(tier.short_window_seconds)),
        );
        rules.push(json!({
            "record": TIER_THRESHOLD_RECORD,
            "expr": format!("vector({})", format::number(tier.burn_rate(slo.window.nominal_seconds()))),
            "labels": labels,
        }));
    }
    rules
}

/// An SLO's groups: its steps group, when it records steps, then its main group.
fn slo_groups(service: &str, slo: &Slo) -> Vec<Value> {
    let selector = slo_selector(slo);
    let labels = Value::Object(identity(service, slo));
    let reading = Reading::of(slo);
    let recorded = recording_rules(slo, &reading, &labels);
    let mut groups = Vec::new();
    let mut rules = Vec::new();
    match reading {
        Reading::Steps { .. } => groups.push(json!({
            "name": format!("slo-{}:steps", slo.name),
            // Each record differences the counters over one step: once a step, exactly.
            "interval": format_duration(STEP_SECONDS),
            "rules": recorded,
        })),
        _ => rules.extend(recorded),
    }
    let window_seconds = slo.window.nominal_seconds();
    let mut windows = tier_windows(&slo.alerts);
    if !windows.contains(&window_seconds) {
        windows.push(window_seconds);
    }
    for &window in &windows {
        rules.push(json!({
            "record": burn_record(slo, window),
            "expr": burn_expr(slo, &reading, window),
            "labels": labels,
        }));
    }
    let mut guarded: Vec<u64> = slo
        .alerts
        .iter()
        .filter(|t| t.min_events_per_second.is_some())
        .map(|t| t.long_window_seconds)
        .collect();
    guarded.sort_unstable();
    guarded.dedup();
    for window in guarded {
        if let Some(expr) = requests_expr(slo, &reading, window) {
            rules.push(json!({"record": requests_record(window), "expr": expr, "labels": labels}));
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
    rules.extend(alerts::burn_alerts(service, slo));
    rules.extend(alerts::absent_alert(service, slo));
    let mut group = json!({"name": format!("slo-{}", slo.name), "rules": rules});
    // A timeslice SLO's figures change only when a slice ends, and its slice verdicts are
    // recorded once per slice.
    if let Some(slice) = slo.budgeting.slice_seconds() {
        group["interval"] = json!(format_duration(slice));
    }
    groups.push(group);
    groups
}

/// What the rules make of calendar windows in a time zone or from a start, one line per
/// such SLO: the rules read every calendar window as its nominal length, rolling (a PromQL
/// range cannot start at the first of a month, in any zone), so the zone and the start
/// change nothing in them. `slo rules` prints these on stderr and in the file's header.
pub fn calendar_notes(spec: &Spec) -> Vec<String> {
    spec.slos()
        .filter_map(|slo| match &slo.window {
            Window::Calendar(calendar) if !calendar.is_plain() => Some(format!(
                "{}: its window, {}, is read as {} rolling, like every calendar window here; its time zone and start change nothing in these rules (the periods' budgets are the core's: slo report, the filter's status)",
                slo.name,
                calendar.describe_periods(&slo.window.to_string()),
                format_duration(slo.window.nominal_seconds()),
            )),
            _ => None,
        })
        .collect()
}

pub fn render(spec: &Spec, format: &Format) -> String {
    let groups: Vec<Value> = spec
        .services
        .iter()
        .flat_map(|service| {
            service
                .slos
                .iter()
                .flat_map(|slo| slo_groups(&service.name, slo))
        })
        .collect();
    let header = "# Generated by `slo rules`: burn-rate recording and alerting rules, over the\n\
                  # SLO filter's slo_requests_total (summed across instances) or each SLO's own\n\
                  # Prometheus queries; long windows read the events recorded per step and the\n\
                  # verdicts recorded per slice.\n";
    let notes: String = calendar_notes(spec)
        .iter()
        .map(|note| format!("# {note}\n"))
        .collect();
    let document = match format {
        Format::RuleFile => json!({ "groups": groups }),
        Format::PrometheusRule(resource) => {
            let mut labels = Map::new();
            labels.insert("app.kubernetes.io/managed-by".into(), json!("slo"));
            for (key, value) in &resource.labels {
                labels.insert(key.clone(), json!(value));
            }
            let mut metadata = Map::new();
            metadata.insert("name".into(), json!(resource.name));
            if let Some(namespace) = &resource.namespace {
                metadata.insert("namespace".into(), json!(namespace));
            }
            metadata.insert("labels".into(), Value::Object(labels));
            json!({
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "PrometheusRule",
                "metadata": metadata,
                "spec": { "groups": groups },
            })
        }
    };
    let body = serde_yaml_ng::to_string(&document).unwrap_or_default();
    format!("{header}{notes}{body}")
}
