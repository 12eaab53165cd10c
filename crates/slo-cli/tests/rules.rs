//! The generated Prometheus rules, checked and run by the real promtool: a clean fleet of
//! two Envoys, then 10% errors on checkout, must fire exactly the tiers the core predicts.

use slo_core::alerts::{analyze_tiers, AlertTier, TierAnalysis};
use slo_core::duration::{format_duration, DAY};
use slo_core::format;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs promtool on a file and fails the test with its output unless it succeeds.
fn promtool(args: &[&str], file: &Path) {
    let out = Command::new("promtool").args(args).arg(file).output().unwrap_or_else(|e| {
        panic!("promtool is missing ({e}): install Debian's `prometheus` package (scripts/setup.sh does)")
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool {args:?} failed:\n{text}");
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("slo-rules-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn generate_rules(dir: &Path) -> PathBuf {
    let out = Command::new(env!("CARGO_BIN_EXE_slo"))
        .args(["rules", "examples/checkout.json"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join("rules.yaml");
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

#[test]
fn promtool_accepts_the_rules() {
    let dir = scratch("check");
    let rules = generate_rules(&dir);
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
        r#"          - exp_labels: {{slo: checkout-availability, tier: {name}, severity: {severity}}}
            exp_annotations:
              summary: "checkout-availability: burning the error budget {rate} faster than sustainable over {long} and {short}"
              description: "The error ratio is at or above {ratio} (target 99.9%); at this rate {spent} of the 30d budget is spent in {long}."
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
    let rules = generate_rules(&dir);
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
        cases.contains("tier: ticket-slow"),
        "the burst should reach every tier:\n{cases}"
    );
    let test = format!(
        "rule_files: [{}]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n{series}    alert_rule_test:\n{cases}",
        rules.display()
    );
    let test_file = dir.join("test.yaml");
    std::fs::write(&test_file, test).unwrap();
    promtool(&["test", "rules"], &test_file);
    std::fs::remove_dir_all(dir).unwrap();
}
