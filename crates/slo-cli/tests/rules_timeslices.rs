//! Timeslice SLOs in the generated rules judge slices as the core and the filter do: a
//! steady error ratio that leaves every slice good spends nothing and fires nothing (8x the
//! event budget notwithstanding), and bad slices spend the budget and fire the tiers the
//! core's `status::evaluate` says, run by the real promtool.

mod common;

use common::{generate_rules, outcome_series, scratch};
use serde_json::json;
use slo_core::duration::{DAY, MINUTE};
use slo_core::spec::Spec;
use slo_core::status::{evaluate, SloCounters};

/// Requests per minute on each of two instances.
const PER_MINUTE: f64 = 500.0;

#[test]
fn slices_spend_the_budget_and_fire_the_tiers_the_core_judges() {
    let dir = scratch("timeslices");
    // examples/checkout.json's catalog SLO, over a week to keep promtool quick.
    let spec_json = json!({"services": [{"name": "shop", "slos": [{
        "name": "catalog", "target": 0.995, "window": "7d",
        "budgeting": {"method": "timeslices", "slice": "5m", "slice_good_ratio": 0.95},
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
    // in which Prometheus has no series (the rules count a week's slices either way).
    const OFFSET: u64 = 8 * DAY;
    let mut counters = SloCounters::new(slo);
    let mut minute = 0u64;
    let mut checks = String::new();
    let mut budgets = Vec::new();
    let check_at = [
        24 * 60 + 2,
        24 * 60 + 32,
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
    // The figures by hand: nothing spent after the steady day; six bad slices of the 2016
    // in a week, of which 0.5% (10.08) may be bad, after the first half hour.
    assert_eq!(budgets[0], 1.0);
    assert!(
        (budgets[1] - (1.0 - 6.0 / 10.08)).abs() < 1e-9,
        "{budgets:?}"
    );
    assert!(
        checks.contains("slo_tier=\"page-fast\""),
        "the burn should page:\n{checks}"
    );
    common::promtool_test_every("5m", &dir, &rules, &series, "promql_expr_test", &checks);
    std::fs::remove_dir_all(dir).unwrap();
}
