//! The long windows read the events the rules record once a step, run by the real
//! promtool: they are weighted by traffic (a day ten times busier than the night counts ten
//! times more, where an average of per-step ratios, as Sloth's optimized rules take it,
//! would read the night's error ratio as much as the day's), and a quiet spell records
//! zero events, not a NaN that would poison every window holding it.

mod common;

use common::{counter_series, generate_rules, outcome_series, promtool_test, scratch};
use serde_json::json;
use std::path::{Path, PathBuf};

fn rules_for(dir: &Path, slo: serde_json::Value) -> PathBuf {
    let spec = json!({"services": [{"name": "shop", "slos": [slo]}]});
    let path = dir.join("spec.json");
    std::fs::write(&path, spec.to_string()).unwrap();
    generate_rules(&path, dir)
}

fn sample(expr: &str, minute: u64, labels: &str, value: f64) -> String {
    format!("      - expr: '{expr}'\n        eval_time: {minute}m\n        exp_samples:\n          - labels: '{labels}'\n            value: {value:e}\n")
}

#[test]
fn thirty_days_weigh_each_step_by_its_traffic() {
    let dir = scratch("recorded-day-night");
    let rules = rules_for(
        &dir,
        json!({"name": "api", "target": 0.999, "window": "30d", "sli": {"bad": {"status": ["5xx"]}}}),
    );
    // Two days on two instances: 12 hours of 1,000 requests a minute with one failing,
    // then 12 hours of 100 with one failing.
    const HALF_DAY: u64 = 720;
    let day = (999.0, 1.0, HALF_DAY);
    let night = (99.0, 1.0, HALF_DAY);
    let phases = [day, night, day, night];
    let series =
        outcome_series("api", "envoy-a", &phases) + &outcome_series("api", "envoy-b", &phases);
    // Every minute of the history, counted once: 2 instances x 2 days x (720 x 1,000 +
    // 720 x 100) events, of which 2 x 2 x 1,440 bad.
    let (events, bad) = (2.0 * 2.0 * 792_000.0, 2.0 * 2.0 * 1440.0);
    let end = 4 * HALF_DAY + 5;
    let labels = "{slo=\"api\",service=\"shop\"}";
    let checks = sample(
        "sum_over_time(slo:events:increase1m[30d])",
        end,
        labels,
        events,
    ) + &sample(
        "sum_over_time(slo:bad_events:increase1m[30d])",
        end,
        labels,
        bad,
    ) + &sample(
        "slo:error_ratio:rate30d",
        end,
        &format!("slo:error_ratio:rate30d{labels}"),
        bad / events,
    ) + &sample(
        "slo:error_budget_remaining:ratio",
        end,
        &format!("slo:error_budget_remaining:ratio{labels}"),
        1.0 - bad / events / 0.001,
    );
    // An average of per-minute ratios would say 0.55%, three times the true 0.18%.
    assert!((bad / events - 0.001_818_18).abs() < 1e-8);
    promtool_test(&dir, &rules, &series, "promql_expr_test", &checks);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_quiet_spell_records_no_events_and_no_nan() {
    let dir = scratch("recorded-quiet");
    let rules = rules_for(
        &dir,
        json!({"name": "orders", "target": 0.999, "window": "30d", "sli": {"prometheus": {
            "bad": "http_requests_total{job=\"orders\",code=~\"5..\"}",
            "total": "http_requests_total{job=\"orders\"}"
        }}}),
    );
    // An hour of 1,000 requests a minute with 10 failing, ten minutes without a request,
    // then an hour with 20 failing.
    let series = counter_series(
        "http_requests_total{job=\"orders\",code=\"200\"}",
        &[(990.0, 60), (0.0, 10), (980.0, 60)],
    ) + &counter_series(
        "http_requests_total{job=\"orders\",code=\"500\"}",
        &[(10.0, 60), (0.0, 10), (20.0, 60)],
    );
    let labels = "{slo=\"orders\",service=\"shop\"}";
    let ratio = |record: &str, minute: u64, value: f64| {
        sample(record, minute, &format!("{record}{labels}"), value)
    };
    // The hour to minute 100 holds 20 minutes of the first hour, the quiet ten and 30 of
    // the second: 800 bad of 50,000; the 30 days hold 1,200 bad of 90,000.
    let checks = ratio("slo:events:increase1m", 65, 0.0)
        + &ratio("slo:bad_events:increase1m", 65, 0.0)
        + &ratio("slo:error_ratio:rate1h", 100, 800.0 / 50_000.0)
        + &ratio("slo:error_ratio:rate30d", 100, 1200.0 / 90_000.0)
        + &ratio("slo:error_ratio:rate1d", 100, 1200.0 / 90_000.0);
    promtool_test(&dir, &rules, &series, "promql_expr_test", &checks);
    std::fs::remove_dir_all(dir).unwrap();
}
