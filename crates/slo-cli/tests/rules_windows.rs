//! The default tiers of every common SLO window, run by the real promtool: a steady error
//! ratio just under the allowed one never alerts, and a burn at twice the fastest tier's
//! threshold fires that tier when the core's detection time says.

mod common;

use common::{generate_rules, outcome_series, promtool, scratch};
use serde_json::json;
use slo_core::alerts::analyze_tiers;
use slo_core::duration::{format_duration, MINUTE};
use slo_core::spec::{Slo, Spec};

const TARGET: f64 = 0.999;
/// Requests per series step.
const PER_STEP: f64 = 1000.0;

/// Windows too short for the default tiers get the tiers their refusal suggests.
fn spec_for(window: &str) -> serde_json::Value {
    let own = |long: &str, short: &str| json!({"tiers": [{"name": "page", "severity": "page", "burn_rate": 6, "long_window": long, "short_window": short}]});
    let mut slo = json!({"name": "api", "target": TARGET, "window": window, "sli": {"bad": {"status": ["5xx"]}}});
    match window {
        "6h" => slo["alerts"] = own("15m", "1m"),
        "1d" => slo["alerts"] = own("1h", "5m"),
        _ => {}
    }
    json!({"services": [{"name": "svc", "slos": [slo]}]})
}

/// Series step: five samples in the shortest alert window, at least a minute.
fn step_of(slo: &Slo) -> u64 {
    let shortest = slo
        .alerts
        .iter()
        .map(|t| t.short_window_seconds)
        .min()
        .unwrap();
    (shortest / 5 / MINUTE).max(1) * MINUTE
}

fn check_window(window: &str) {
    let dir = scratch(&format!("window-{window}"));
    let spec_path = dir.join("spec.json");
    let spec_json = spec_for(window);
    std::fs::write(&spec_path, spec_json.to_string()).unwrap();
    let spec = Spec::from_value(&spec_json, "").unwrap();
    let slo = spec.slos().next().unwrap();
    let rules = generate_rules(&spec_path, &dir);
    let window_seconds = slo.window.nominal_seconds();
    let step = step_of(slo);
    let longest = slo
        .alerts
        .iter()
        .map(|t| t.long_window_seconds)
        .max()
        .unwrap();
    let interval = format_duration(step);

    // (a) Just under the allowed error ratio for longer than the longest alert window.
    let under = 0.99 * (1.0 - TARGET);
    let steps_a = (longest + longest / 4) / step;
    let series_a = outcome_series(
        "api",
        "a",
        &[(PER_STEP * (1.0 - under), PER_STEP * under, steps_a)],
    );
    let end_a = format_duration(steps_a * step);

    // (b) Twice the fastest tier's threshold after a clean fastest long window. Only that
    // tier is checked: the slower ones see a range holding little but the burn.
    let fastest = &slo.alerts[0];
    let analysis = &analyze_tiers(&slo.alerts, TARGET, window_seconds, Some(0.0))[0];
    let burn = 2.0 * analysis.error_ratio_threshold;
    let detection = analyze_tiers(&slo.alerts, TARGET, window_seconds, Some(burn))[0]
        .detection_seconds
        .expect("twice the threshold fires");
    let clean_steps = 2 * fastest.long_window_seconds / step;
    let burn_steps = 2 * fastest.long_window_seconds / step;
    let series_b = outcome_series(
        "api",
        "b",
        &[
            (PER_STEP, 0.0, clean_steps),
            (PER_STEP * (1.0 - burn), PER_STEP * burn, burn_steps),
        ],
    );
    let burn_start = clean_steps * step;
    let margin = 2 * step;
    let before = burn_start + detection as u64 - margin;
    let after = burn_start + detection as u64 + margin;
    let fast_alert = format!(
        r#"ALERTS{{alertname="SloErrorBudgetBurn",alertstate="firing",slo="api",service="svc",slo_tier="{}",severity="{}"}}"#,
        fastest.name,
        fastest.severity.as_str()
    );
    let order = common::group_eval_order(&rules);
    // (a) needs no finer look than the shortest window: an alert fires for at least that.
    let quiet = format!(
        r#"rule_files: [{rules}]
evaluation_interval: {coarse}
group_eval_order: [{order}]
tests:
  - interval: {interval}
    input_series:
{series_a}    promql_expr_test:
      - expr: count_over_time(ALERTS[{end_a}])
        eval_time: {end_a}
        exp_samples: []
"#,
        rules = rules.display(),
        coarse = format_duration(5 * step),
    );
    let fires = format!(
        r#"rule_files: [{rules}]
evaluation_interval: {interval}
group_eval_order: [{order}]
tests:
  - interval: {interval}
    input_series:
{series_b}    promql_expr_test:
      - expr: ALERTS{{alertstate="firing",slo_tier="{name}"}}
        eval_time: {before}s
        exp_samples: []
      - expr: ALERTS{{alertstate="firing",slo_tier="{name}"}}
        eval_time: {after}s
        exp_samples:
          - labels: '{fast_alert}'
            value: 1
"#,
        rules = rules.display(),
        name = fastest.name,
    );
    for (name, test) in [("quiet", quiet), ("fires", fires)] {
        let test_file = dir.join(format!("{name}.yaml"));
        std::fs::write(&test_file, test).unwrap();
        promtool(&["test", "rules"], &test_file);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_window_alerts_only_when_the_budget_is_at_risk() {
    for window in [
        "6h", "1d", "7d", "week", "14d", "28d", "30d", "month", "90d", "quarter",
    ] {
        check_window(window);
    }
}
