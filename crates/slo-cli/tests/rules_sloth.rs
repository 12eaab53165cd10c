//! Sloth's getting-started example, imported for 30d and 28d, alerts at Sloth's own
//! thresholds: for each of Sloth's alert windows (read from its windows files, vendored in
//! slo-core's tests/fixtures/sloth), the tier with those windows stays quiet at 0.95x
//! Sloth's error-ratio threshold and fires at 1.05x, in the real promtool. Sloth's
//! threshold: errorBudgetPercent / 100 x period / long window x (1 - objective).

mod common;

use common::{counter_series, imported_rules, promtool_test, root, scratch};
use slo_core::duration::parse_duration;

const FIXTURES: &str = "crates/slo-core/tests/fixtures/sloth";

/// Sloth's windows for a period: (our tier name, budget percent, long, short).
fn sloth_windows(period: &str) -> Vec<(String, f64, String, String)> {
    let text = std::fs::read_to_string(root().join(FIXTURES).join(format!("google-{period}.yaml")))
        .unwrap();
    let doc: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    assert_eq!(doc["spec"]["sloPeriod"], period);
    let mut out = Vec::new();
    for severity in ["page", "ticket"] {
        for (speed, ours) in [("quick", "fast"), ("slow", "slow")] {
            let w = &doc["spec"][severity][speed];
            out.push((
                format!("{severity}-{ours}"),
                w["errorBudgetPercent"].as_f64().unwrap(),
                w["longWindow"].as_str().unwrap().to_string(),
                w["shortWindow"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

fn check_period(period: &str) {
    let dir = scratch(&format!("sloth-{period}"));
    let file = format!("{FIXTURES}/getting-started.yml");
    let (spec, rules) = imported_rules(&dir, &["import", "sloth", &file, "--period", period]);
    let slo = spec.slos().next().unwrap();
    let period_seconds = parse_duration(period).unwrap() as f64;
    for (tier, percent, long, short) in sloth_windows(period) {
        let ours = slo.alerts.iter().find(|t| t.name == tier).unwrap();
        assert_eq!(
            (ours.long_window_seconds, ours.short_window_seconds),
            (
                parse_duration(&long).unwrap(),
                parse_duration(&short).unwrap()
            ),
            "{period} {tier}: Sloth's windows"
        );
        let threshold = percent / 100.0 * period_seconds / parse_duration(&long).unwrap() as f64
            * (1.0 - 0.999);
        for (factor, fires) in [(0.95, false), (1.05, true)] {
            // A steady ratio from the start: every window, however long, reads it.
            let failed = 100_000.0 * threshold * factor;
            let series = |code: &str, per_minute: f64| {
                counter_series(
                    &format!(
                        "http_request_duration_seconds_count{{job=\"myservice\",code=\"{code}\"}}"
                    ),
                    &[(per_minute, 60)],
                )
            };
            let input = series("200", 100_000.0 - failed) + &series("500", failed);
            let expected = if fires {
                "\n          - labels: '{}'\n            value: 1"
            } else {
                " []"
            };
            let checks = format!(
                "      - eval_time: 40m\n        expr: 'count(ALERTS{{alertname=\"MyServiceHighErrorRate\",alertstate=\"firing\",slo_tier=\"{tier}\"}})'\n        exp_samples:{expected}\n"
            );
            promtool_test(&dir, &rules, &input, "promql_expr_test", &checks);
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn thirty_days_alert_at_sloths_thresholds() {
    check_period("30d");
}

#[test]
fn twenty_eight_days_alert_at_sloths_thresholds() {
    check_period("28d");
}
