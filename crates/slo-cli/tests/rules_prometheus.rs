//! Rules for Prometheus SLI sources, run by the real promtool: the example spec's and an
//! imported OpenSLO file's rules load, stay quiet at an error ratio under the fastest
//! tier's threshold, fire above it, and raise the "no data" alert when the source is absent.

mod common;

use common::{counter_series, generate_rules, promtool, promtool_test, root, scratch, slo_output};
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
fn check_fastest_tier(dir: &Path, rules: &Path, spec: &Spec, job: &str, labels: &str) {
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
        let series = requests(job, 1000.0 - failed, failed, minutes);
        let expected = if fires {
            format!("\n          - exp_labels: {{{labels}}}\n            exp_annotations: {{}}")
        } else {
            " []".to_string()
        };
        // Annotations are compared whole, so the check reads the labels only.
        let checks = format!(
            "      - eval_time: {}m\n        alertname: SloErrorBudgetBurn\n        exp_alerts:{expected}\n",
            long_minutes + 5
        );
        let result = std::panic::catch_unwind(|| {
            promtool_test(dir, rules, &series, "alert_rule_test", &checks)
        });
        if fires {
            // promtool reports the firing alert with its annotations: the mismatch on them
            // alone is the proof that it fired with these labels.
            let message = match result {
                Err(e) => e.downcast_ref::<String>().cloned().unwrap_or_default(),
                Ok(()) => panic!("an empty annotation set cannot match a generated alert"),
            };
            assert!(
                message.contains("alertname: SloErrorBudgetBurn"),
                "{message}"
            );
            assert!(
                message.contains("severity: page") || message.contains("severity=\"page\""),
                "{message}"
            );
        } else {
            result.expect("quiet under the threshold");
        }
    }
}

#[test]
fn the_example_specs_rules_load_and_fire_at_the_threshold() {
    let dir = scratch("prometheus-example");
    let spec_path = root().join("examples/prometheus.json");
    let spec = Spec::from_json(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let rules = generate_rules(&spec_path, &dir);
    promtool(&["check", "rules"], &rules);
    check_fastest_tier(&dir, &rules, &spec, "orders", "");
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
    let imported = slo_output(&[
        "openslo".as_ref(),
        "import".as_ref(),
        "examples/openslo/orders-prometheus.yaml".as_ref(),
    ]);
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, &imported).unwrap();
    let spec = Spec::from_json(&String::from_utf8(imported).unwrap()).unwrap();
    let rules = generate_rules(&spec_path, &dir);
    promtool(&["check", "rules"], &rules);
    check_fastest_tier(&dir, &rules, &spec, "orders", "");
    std::fs::remove_dir_all(dir).unwrap();
}
