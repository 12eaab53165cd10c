//! Rules for Prometheus SLI sources, run by the real promtool: the example spec's and
//! imported OpenSLO files' rules load, stay quiet at an error ratio under every tier's
//! threshold, fire the fast page above it, and raise the "no data" alert when the source
//! is absent.

mod common;

use common::{
    counter_series, generate_rules, imported_rules, promtool, promtool_test, root, scratch,
};
use slo_core::alerts::analyze_tiers;
use slo_core::spec::Spec;
use std::path::Path;

/// `http_requests_total` of one job: `ok` and `failed` requests per minute for `minutes`.
fn requests(job: &str, ok_per_minute: f64, failed_per_minute: f64, minutes: u64) -> String {
    counter_series(
        &format!("http_requests_total{{job=\"{job}\",code=\"200\",route=\"/pay\"}}"),
        &[(ok_per_minute, minutes)],
    ) + &counter_series(
        &format!("http_requests_total{{job=\"{job}\",code=\"500\",route=\"/pay\"}}"),
        &[(failed_per_minute, minutes)],
    )
}

/// The first SLO's tiers stay quiet at 0.9x the lowest threshold error ratio, and its
/// fastest page tier fires at 2x its threshold within its long window plus five minutes.
/// `series(ok, failed, minutes)` gives the input series of requests per minute.
fn check_fastest_tier(
    dir: &Path,
    rules: &Path,
    spec: &Spec,
    series: impl Fn(f64, f64, u64) -> String,
) {
    let slo = spec.slos().next().unwrap();
    let window = slo.window.nominal_seconds();
    let analyses = analyze_tiers(&slo.alerts, slo.target, window, None);
    let fastest = analyses[0].error_ratio_threshold;
    let lowest = analyses
        .iter()
        .map(|a| a.error_ratio_threshold)
        .fold(f64::INFINITY, f64::min);
    let long_minutes = slo.alerts[0].long_window_seconds / 60;
    let minutes = long_minutes * 2;
    for (error_ratio, fires) in [(0.9 * lowest, false), (2.0 * fastest, true)] {
        let failed = 1000.0 * error_ratio;
        let series = series(1000.0 - failed, failed, minutes);
        // The fastest tier's alert, firing: one series (per group) when it must fire, none
        // of any tier when the ratio is under every threshold.
        let (expr, expected) = if fires {
            (
                format!(
                    "count(ALERTS{{alertname=\"SloErrorBudgetBurn\",alertstate=\"firing\",slo_tier=\"{}\",severity=\"page\",slo=\"{}\"}})",
                    slo.alerts[0].name, slo.name
                ),
                "\n          - labels: '{}'\n            value: 1",
            )
        } else {
            (
                "count(ALERTS{alertname=\"SloErrorBudgetBurn\"})".to_string(),
                " []",
            )
        };
        let checks = format!(
            "      - eval_time: {}m\n        expr: '{expr}'\n        exp_samples:{expected}\n",
            long_minutes + 5
        );
        promtool_test(dir, rules, &series, "promql_expr_test", &checks);
    }
}

#[test]
fn the_example_specs_rules_load_and_fire_at_the_threshold() {
    let dir = scratch("prometheus-example");
    let spec_path = root().join("examples/prometheus.json");
    let spec = Spec::from_json(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let rules = generate_rules(&spec_path, &dir);
    promtool(&["check", "rules"], &rules);
    check_fastest_tier(&dir, &rules, &spec, |ok, failed, minutes| {
        requests("orders", ok, failed, minutes)
    });
    // No 5xx series at all yet: the error ratio is 0, not missing.
    let only_good = counter_series(
        "http_requests_total{job=\"orders\",code=\"200\",route=\"/pay\"}",
        &[(1000.0, 30)],
    );
    let checks = "      - eval_time: 20m\n        expr: 'slo:error_ratio:rate5m{slo=\"orders-availability\"}'\n        exp_samples:\n          - labels: 'slo:error_ratio:rate5m{slo=\"orders-availability\",service=\"orders\"}'\n            value: 0\n";
    promtool_test(&dir, &rules, &only_good, "promql_expr_test", checks);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_absent_source_raises_the_no_data_alert() {
    let dir = scratch("prometheus-absent");
    let rules = generate_rules(&root().join("examples/prometheus.json"), &dir);
    // Another job's series only: the orders SLOs see nothing.
    let series = requests("other", 1000.0, 0.0, 30);
    let checks = "      - eval_time: 20m\n        alertname: SloMetricAbsent\n        exp_alerts:\n".to_string()
        + &["orders-availability", "orders-latency", "orders-by-route"]
            .iter()
            .map(|slo| format!("          - exp_labels: {{slo: {slo}, service: orders, severity: page{}}}\n            exp_annotations:\n              summary: '{slo}: no data from its SLI source for 5m'\n              description: 'The {} source of {slo} has no series: its burn-rate alerts cannot fire until it reports again.'\n{}",
                // absent() of a selector keeps its equality matchers as labels.
                match *slo { "orders-availability" => ", team: orders", "orders-latency" => ", job: orders", _ => "" },
                if *slo == "orders-latency" { "prometheus_latency" } else { "prometheus_ratio" },
                if *slo == "orders-availability" { "              runbook_url: https://runbooks.example/orders-availability\n" } else { "" },
            ))
            .collect::<String>();
    promtool_test(&dir, &rules, &series, "alert_rule_test", &checks);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_openslo_prometheus_example_imports_and_its_rules_fire() {
    let dir = scratch("prometheus-openslo");
    let (spec, rules) = imported_rules(
        &dir,
        &[
            "openslo",
            "import",
            "examples/openslo/orders-prometheus.yaml",
        ],
    );
    check_fastest_tier(&dir, &rules, &spec, |ok, failed, minutes| {
        requests("orders", ok, failed, minutes)
    });
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_openslo_projects_own_prometheus_example_imports_and_its_rules_fire() {
    let dir = scratch("prometheus-openslo-project");
    let (spec, rules) = imported_rules(
        &dir,
        &[
            "openslo",
            "import",
            "crates/slo-core/tests/fixtures/openslo-project/readme-ratio-metric.yaml",
        ],
    );
    // The example counts good requests in code="2xx"/"3xx" series and all of them in a
    // code="total" series of the same counter.
    check_fastest_tier(&dir, &rules, &spec, |ok, failed, minutes| {
        let series = |code: &str, per_minute: f64| {
            counter_series(
                &format!("localhost_server_requests{{code=\"{code}\",host=\"*\",instance=\"127.0.0.1:9090\"}}"),
                &[(per_minute, minutes)],
            )
        };
        series("2xx", ok) + &series("total", ok + failed)
    });
    std::fs::remove_dir_all(dir).unwrap();
}
