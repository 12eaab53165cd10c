//! The generated Prometheus rules, checked and run by the real promtool: a clean fleet of
//! two Envoys, then 10% errors on checkout, must fire exactly the tiers the core predicts.

use slo_core::alerts::{analyze_tiers, AlertTier, TierAnalysis};
use slo_core::duration::{format_duration, DAY};
use slo_core::format;
use std::path::{Path, PathBuf};

mod common;

use common::{generate_rules, promtool, scratch};

fn checkout_rules(dir: &Path) -> PathBuf {
    generate_rules(&common::root().join("examples/checkout.json"), dir)
}

/// Rules for the example's checkout-availability SLO alone: the other SLOs' rules have no
/// series here and would only slow promtool down.
fn availability_rules(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(common::root().join("examples/checkout.json")).unwrap();
    let mut spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let slos = spec["services"][0]["slos"].as_array_mut().unwrap();
    slos.retain(|slo| slo["name"] == "checkout-availability");
    let path = dir.join("availability.json");
    std::fs::write(&path, spec.to_string()).unwrap();
    generate_rules(&path, dir)
}

#[test]
fn promtool_accepts_the_rules() {
    let dir = scratch("check");
    let rules = checkout_rules(&dir);
    promtool(&["check", "rules"], &rules);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The expected alert of one tier, with the annotations the rules carry.
fn expected_alert(tier: &TierAnalysis) -> String {
    let (long, short) = (
        format_duration(tier.long_window_seconds),
        format_duration(tier.short_window_seconds),
    );
    format!(
        r#"          - exp_labels: {{slo: checkout-availability, service: shop, slo_tier: {name}, severity: {severity}}}
            exp_annotations:
              summary: "checkout-availability: burning the error budget {rate} faster than sustainable over {long} and {short}"
              description: "The error ratio is above {ratio} (target 99.9%); at this rate {spent} of the 30d budget is spent in {long}."
"#,
        name = tier.name,
        severity = tier.severity.as_str(),
        rate = format::burn_rate(tier.burn_rate),
        ratio = format::percent(tier.error_ratio_threshold),
        spent = format::percent(tier.budget_consumed),
    )
}

#[test]
fn a_burst_of_errors_fires_the_tiers_the_core_predicts() {
    const CLEAN_MINUTES: u64 = 4400; // more than the longest (3-day) alert window
    const ERROR_RATIO: f64 = 0.1;
    let dir = scratch("test");
    let rules = availability_rules(&dir);
    // Two instances, 300 requests a minute each: clean, then 10% errors.
    let mut series = String::new();
    for instance in ["envoy-a", "envoy-b"] {
        let label = |outcome| {
            format!("slo_requests_total{{slo=\"checkout-availability\",outcome=\"{outcome}\",instance=\"{instance}\"}}")
        };
        let clean_good = 300 * CLEAN_MINUTES;
        series += &format!(
            "      - series: '{}'\n        values: '0+300x{} {clean_good}+270x100'\n",
            label("good"),
            CLEAN_MINUTES - 1
        );
        series += &format!(
            "      - series: '{}'\n        values: '0x{} 30+30x100'\n",
            label("bad"),
            CLEAN_MINUTES - 1
        );
    }
    // Each tier must fire by the core's detection time for this error ratio, and not before.
    let tiers = analyze_tiers(
        &AlertTier::defaults_for(30 * DAY, None, None).unwrap(),
        0.999,
        30 * DAY,
        Some(ERROR_RATIO),
    );
    let mut cases = String::new();
    for minutes_in in [-10i64, 5, 20, 40, 60] {
        let elapsed = minutes_in as f64 * 60.0;
        let firing: String = tiers
            .iter()
            .filter(|t| t.detection_seconds.is_some_and(|d| d + 120.0 < elapsed))
            .map(expected_alert)
            .collect();
        let eval_time = CLEAN_MINUTES as i64 + minutes_in;
        cases +=
            &format!("      - eval_time: {eval_time}m\n        alertname: SloErrorBudgetBurn\n");
        cases += &if firing.is_empty() {
            "        exp_alerts: []\n".to_string()
        } else {
            format!("        exp_alerts:\n{firing}")
        };
    }
    assert!(
        cases.contains("slo_tier: ticket-slow"),
        "the burst should reach every tier:\n{cases}"
    );
    common::promtool_test(&dir, &rules, &series, "alert_rule_test", &cases);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Sloth and Pyrra compare burn with `>`: an SLO sitting exactly on its objective (0.1%
/// errors against 99.9%, a burn of exactly 1x) raises no ticket, and a hair more does.
#[test]
fn a_burn_exactly_at_a_tiers_rate_does_not_fire() {
    const MINUTES: u64 = 4400; // more than the longest (3-day) alert window
    let dir = scratch("threshold");
    let rules = availability_rules(&dir);
    let case = |bad_per_minute: u64, firing: &str| {
        let label = |outcome| {
            format!("slo_requests_total{{slo=\"checkout-availability\",outcome=\"{outcome}\",instance=\"envoy-a\"}}")
        };
        let series = format!(
            "      - series: '{}'\n        values: '0+{}x{MINUTES}'\n      - series: '{}'\n        values: '0+{bad_per_minute}x{MINUTES}'\n",
            label("good"),
            10_000 - bad_per_minute,
            label("bad"),
        );
        let cases = format!(
            "      - eval_time: {MINUTES}m\n        alertname: SloErrorBudgetBurn\n        exp_alerts:{firing}\n"
        );
        common::promtool_test(&dir, &rules, &series, "alert_rule_test", &cases);
    };
    case(10, " []");
    case(
        11,
        "\n          - exp_labels: {slo: checkout-availability, service: shop, slo_tier: ticket-slow, severity: ticket}\n            exp_annotations:\n              summary: \"checkout-availability: burning the error budget 1x faster than sustainable over 3d and 6h\"\n              description: \"The error ratio is above 0.1% (target 99.9%); at this rate 10% of the 30d budget is spent in 3d.\"",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Operators load the PrometheusRules their selectors match: the flags say what they select.
#[test]
fn prometheus_rule_takes_the_name_namespace_and_labels_an_operator_selects() {
    let out = common::slo(&[
        "rules",
        "examples/checkout.json",
        "--format",
        "prometheus-rule",
        "--name",
        "shop-slos",
        "--namespace",
        "monitoring",
        "--labels",
        "prometheus=main,role=alert-rules",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let document: serde_yaml_ng::Value = serde_yaml_ng::from_slice(&out.stdout).unwrap();
    assert_eq!(document["metadata"]["name"], "shop-slos");
    assert_eq!(document["metadata"]["namespace"], "monitoring");
    assert_eq!(document["metadata"]["labels"]["prometheus"], "main");
    assert_eq!(document["metadata"]["labels"]["role"], "alert-rules");
    let bad = common::slo(&[
        "rules",
        "examples/checkout.json",
        "--name",
        "Shop",
        "--labels",
        "x",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("--name: “Shop” is not a resource name; allowed:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--labels: “x” is not KEY=VALUE"),
        "{stderr}"
    );
    assert!(stderr.contains("need --format prometheus-rule"), "{stderr}");
}

#[test]
fn a_time_zone_changes_nothing_in_the_rules_and_says_so() {
    let dir = scratch("zone");
    let spec = |window: serde_json::Value| {
        let slo = serde_json::json!({"name": "api", "target": 0.999, "window": window,
            "sli": {"bad": {"status": ["5xx"]}}});
        serde_json::json!({"services": [{"name": "shop", "slos": [slo]}]}).to_string()
    };
    let (plain, zoned) = (dir.join("plain.json"), dir.join("zoned.json"));
    std::fs::write(&plain, spec(serde_json::json!("month"))).unwrap();
    std::fs::write(
        &zoned,
        spec(serde_json::json!({"calendar": "month", "time_zone": "Europe/Berlin", "start": "2024-01-15T00:00:00"})),
    )
    .unwrap();
    let out = common::slo(&["rules", zoned.to_str().unwrap()]);
    assert!(out.status.success());
    let note = "api: its window, calendar months from 2024-01-15T00:00:00 (Europe/Berlin), is read as 30d rolling, like every calendar window here; its time zone and start change nothing in these rules";
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("zoned.json: note: {note}")),
        "{stderr}"
    );
    let zoned_rules = String::from_utf8(out.stdout).unwrap();
    assert!(
        zoned_rules.contains(&format!("\n# {note}")),
        "{zoned_rules}"
    );
    // Without the header's note, the same rules as for a month in UTC.
    let plain_rules = common::stdout(&["rules", plain.to_str().unwrap()]);
    let body = |rules: &str| {
        rules
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&zoned_rules), body(&plain_rules));
    std::fs::remove_dir_all(dir).unwrap();
}
