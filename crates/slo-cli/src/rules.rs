//! `slo rules SPEC`: Prometheus recording and alerting rules over the filter's series.
//!
//! The rules sum over every label but `slo`, so they aggregate a fleet of Envoys and run
//! unchanged on Thanos or Mimir rulers. Thresholds come from the core's tier analysis;
//! this module only spells them in PromQL.

use serde_json::{json, Value};
use slo_core::alerts::{analyze_tiers, tier_windows};
use slo_core::duration::format_duration;
use slo_core::format;
use slo_core::spec::{Budgeting, Slo, Spec};
use slo_core::target::format_target;

/// The alert every tier raises; `tier` and `severity` labels tell them apart.
pub const ALERT_NAME: &str = "SloErrorBudgetBurn";

fn error_ratio_record(window: u64) -> String {
    format!("slo:error_ratio:rate{}", format_duration(window))
}

/// A timeslice SLO's burn over a window: the share of bad slices (`timeslices`) or the
/// mean slice error ratio (`ratio_timeslices`), which alerts compare with the thresholds
/// as occurrence SLOs compare their event error ratio.
fn slice_ratio_record(window: u64) -> String {
    format!("slo:bad_slices:ratio{}", format_duration(window))
}

/// What an SLO's alerts and budget read over a window: events, or slices as the core
/// judges them.
fn burn_record(slo: &Slo, window: u64) -> String {
    match slo.budgeting {
        Budgeting::Occurrences => error_ratio_record(window),
        _ => slice_ratio_record(window),
    }
}

/// The event error ratio over `range`, summed across instances.
fn error_ratio_expr(selector: &str, range: &str) -> String {
    format!(
        "sum by (slo) (rate(slo_requests_total{{{selector},outcome=\"bad\"}}[{range}]))\n/\nsum by (slo) (rate(slo_requests_total{{{selector}}}[{range}]))"
    )
}

/// PromQL for a timeslice SLO's burn over `window`. A subquery stepping by the slice
/// evaluates at multiples of it (Prometheus aligns subquery steps to absolute time), so
/// each step rates exactly one of the core's slices; slices without traffic give NaN and
/// `>= 0` drops them, as the core leaves them unjudged. The range is one second short of
/// the window so that it holds window / slice steps whether the range's start is included
/// (Prometheus 2) or not (Prometheus 3).
fn slice_ratio_expr(selector: &str, budgeting: Budgeting, window: u64) -> Option<String> {
    let slice_seconds = budgeting.slice_seconds()?;
    let slice = format_duration(slice_seconds);
    let slice_error_ratio = format!("({}) >= 0", error_ratio_expr(selector, &slice));
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
    format!("slo:requests:increase{}", format_duration(window))
}

fn slo_rules(slo: &Slo) -> Value {
    let selector = format!("slo=\"{}\"", slo.name);
    let mut rules = Vec::new();
    let window_seconds = slo.window.nominal_seconds();
    let mut windows = tier_windows(&slo.alerts);
    if !windows.contains(&window_seconds) {
        windows.push(window_seconds);
    }
    for &window in &windows {
        let expr = slice_ratio_expr(&selector, slo.budgeting, window)
            .unwrap_or_else(|| error_ratio_expr(&selector, &format_duration(window)));
        rules.push(json!({
            "record": burn_record(slo, window),
            "expr": expr,
            "labels": {"slo": slo.name},
        }));
    }
    for tier in slo
        .alerts
        .iter()
        .filter(|t| t.min_events_per_second.is_some())
    {
        let range = format_duration(tier.long_window_seconds);
        let record = requests_record(tier.long_window_seconds);
        if !rules.iter().any(|r| r["record"] == record.as_str()) {
            rules.push(json!({
                "record": record,
                "expr": format!("sum by (slo) (increase(slo_requests_total{{{selector}}}[{range}]))"),
                "labels": {"slo": slo.name},
            }));
        }
    }
    // Envoy gauges hold whole numbers, so the filter publishes thousandths; these give the
    // ratios their contract names back.
    for (record, gauge) in [
        ("slo_burn_rate", "slo_burn_rate_milli"),
        (
            "slo_error_budget_remaining_ratio",
            "slo_error_budget_remaining_milli",
        ),
    ] {
        rules.push(json!({
            "record": record,
            "expr": format!("{gauge}{{{selector}}} / 1000"),
            "labels": {"slo": slo.name},
        }));
    }
    rules.push(json!({
        "record": "slo:error_budget_remaining:ratio",
        "expr": format!("1 - {}{{{selector}}} / {}", burn_record(slo, window_seconds), format::number(1.0 - slo.target)),
        "labels": {"slo": slo.name},
    }));
    for (tier, analysis) in
        slo.alerts
            .iter()
            .zip(analyze_tiers(&slo.alerts, slo.target, window_seconds, None))
    {
        let threshold = format::number(analysis.error_ratio_threshold);
        let mut expr = format!(
            "{long}{{{selector}}} >= {threshold}\nand\n{short}{{{selector}}} >= {threshold}",
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
        rules.push(json!({
            "alert": ALERT_NAME,
            "expr": expr,
            "labels": {"slo": slo.name, "tier": tier.name, "severity": tier.severity.as_str()},
            "annotations": {
                "summary": format!(
                    "{}: burning the error budget {} faster than sustainable over {} and {}",
                    slo.name,
                    format::burn_rate(analysis.burn_rate),
                    format_duration(tier.long_window_seconds),
                    format_duration(tier.short_window_seconds),
                ),
                "description": format!(
                    "The error ratio is at or above {} (target {}); at this rate {} of the {} budget is spent in {}.",
                    format::percent(analysis.error_ratio_threshold),
                    format_target(slo.target),
                    format::percent(analysis.budget_consumed),
                    slo.window,
                    format_duration(tier.long_window_seconds),
                ),
            },
        }));
    }
    let mut group = json!({"name": format!("slo-{}", slo.name), "rules": rules});
    // A timeslice SLO's figures change only when a slice ends, and each evaluation steps
    // through every slice of the window: once a slice is often enough.
    if let Some(slice) = slo.budgeting.slice_seconds() {
        group["interval"] = json!(format_duration(slice));
    }
    group
}

pub fn render(spec: &Spec) -> String {
    let groups: Vec<Value> = spec.slos().map(slo_rules).collect();
    let header = "# Generated by `slo rules`: burn-rate recording and alerting rules over the\n\
                  # SLO filter's slo_requests_total, summed across instances.\n";
    let body = serde_yaml_ng::to_string(&json!({ "groups": groups })).unwrap_or_default();
    format!("{header}{body}")
}
