//! Timeslice SLOs in the generated rules judge slices as the core and the filter do: a
//! steady error ratio that leaves every slice good spends nothing and fires nothing (8x the
//! event budget notwithstanding), and bad slices spend the budget and fire the tiers the
//! core's `status::evaluate` says, run by the real promtool, for a week of 5-minute slices
//! and for 30 days of 5-minute and of 1-minute slices (whose budget rules promtool refused
//! while they stepped a subquery through every slice of the window).

mod common;

use common::{generate_rules, outcome_series, scratch};
use serde_json::json;
use slo_core::duration::{DAY, MINUTE};
use slo_core::spec::Spec;
use slo_core::status::{evaluate, SloCounters};

/// Requests per minute on each of two instances.
const PER_MINUTE: f64 = 500.0;

#[test]
fn a_week_of_five_minute_slices_spends_and_fires_as_the_core_judges() {
    check_slices("7d", 5);
}

#[test]
fn thirty_days_of_five_minute_slices_spend_and_fire_as_the_core_judges() {
    check_slices("30d", 5);
}

#[test]
fn thirty_days_of_one_minute_slices_spend_and_fire_as_the_core_judges() {
    check_slices("30d", 1);
}

/// examples/checkout.json's catalog SLO over `window` with slices of `slice_minutes`.
fn check_slices(window: &str, slice_minutes: u64) {
    let dir = scratch(&format!("timeslices-{window}-{slice_minutes}m"));
    let spec_json = json!({"services": [{"name": "shop", "slos": [{
        "name": "catalog", "target": 0.995, "window": window,
        "budgeting": {"method": "timeslices", "slice": format!("{slice_minutes}m"), "slice_good_ratio": 0.95},
        "sli": {"bad": {"status": ["5xx"]}}
    }]}]});
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, spec_json.to_string()).unwrap();
    let spec = Spec::from_value(&spec_json, "").unwrap();
    let slo = spec.slos().next().unwrap();
    let rules = generate_rules(&spec_path, &dir);

    // A day at 4% errors (every slice good), an hour at 10% (every slice bad), an hour at
    // 4% again: as (error ratio, minutes), phases starting on slice boundaries.
    let phases = [(0.04, 24 * 60), (0.10, 60), (0.04, 60)];
    let per_instance: Vec<(f64, f64, u64)> = phases
        .iter()
        .map(|&(e, minutes)| (PER_MINUTE * (1.0 - e), PER_MINUTE * e, minutes))
        .collect();
    let series = outcome_series("catalog", "envoy-a", &per_instance)
        + &outcome_series("catalog", "envoy-b", &per_instance);

    // The core gets the same events: those between samples k-1 and k at the minute's end.
    // promtool's time 0 is the core's OFFSET, a whole number of slices after a full window
    // in which Prometheus has no series (the rules count the window's slices either way).
    const OFFSET: u64 = 31 * DAY;
    let mut counters = SloCounters::new(slo);
    let mut minute = 0u64;
    let mut checks = String::new();
    let mut budgets = Vec::new();
    let check_at = [
        24 * 60,
        24 * 60 + 30,
        25 * 60 + 2,
        25 * 60 + 12,
        26 * 60 - 3,
    ];
    for &(error_ratio, minutes) in &phases {
        for _ in 0..minutes {
            minute += 1;
            let total = 2.0 * PER_MINUTE;
            let bad = (total * error_ratio).round() as u32;
            counters.record(OFFSET + minute * MINUTE - 1, total as u32 - bad, bad);
            if !check_at.contains(&minute) {
                continue;
            }
            let now = OFFSET + minute * MINUTE;
            counters.record(now, 0, 0);
            let status = evaluate(slo, &counters, now);
            budgets.push(status.budget_remaining);
            let firing: String = status
                .tiers
                .iter()
                .filter(|t| t.active)
                .map(|t| format!(
                    "          - labels: 'ALERTS{{alertname=\"SloErrorBudgetBurn\",alertstate=\"firing\",slo=\"catalog\",service=\"shop\",slo_tier=\"{}\",severity=\"{}\"}}'\n            value: 1\n",
                    t.name, t.severity.as_str()
                ))
                .collect();
            checks += &format!(
                "      - expr: ALERTS{{alertstate=\"firing\"}}\n        eval_time: {minute}m\n        exp_samples:{}\n",
                if firing.is_empty() { " []\n".to_string() } else { format!("\n{firing}") }
            );
            checks += &format!(
                "      - expr: round(slo:error_budget_remaining:ratio * 1e9)\n        eval_time: {minute}m\n        exp_samples:\n          - labels: '{{slo=\"catalog\",service=\"shop\"}}'\n            value: {}\n",
                // Billionths: the two sides sum the same slices in a different order.
                (status.budget_remaining * 1e9).round()
            );
        }
    }
    // The figures by hand: nothing spent after the steady day; half an hour of bad slices
    // after the first half hour, of which 0.5% of the window's slices may be bad.
    let slices = slo.window.nominal_seconds() as f64 / (slice_minutes * MINUTE) as f64;
    assert_eq!(budgets[0], 1.0);
    assert!(
        (budgets[1] - (1.0 - (30 / slice_minutes) as f64 / (0.005 * slices))).abs() < 1e-9,
        "{budgets:?}"
    );
    assert!(
        checks.contains("slo_tier=\"page-fast\""),
        "the burn should page:\n{checks}"
    );
    // The verdicts are recorded once a slice, their group's interval.
    let every = format!("{slice_minutes}m");
    common::promtool_test_every(&every, &dir, &rules, &series, "promql_expr_test", &checks);
    std::fs::remove_dir_all(dir).unwrap();
}
