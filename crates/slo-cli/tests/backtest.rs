//! `slo backtest` on the example history (examples/history), as a user runs it. The
//! expected figures were computed independently of the core, by a few lines of Python over
//! the CSV (sums over the last 30 days, and the worst trailing 30-day window by brute
//! force at every minute), and are written here as numbers.

mod common;

use common::{scratch, slo, status_report};
use serde_json::Value;

const HISTORY: &str = "examples/history/checkout-90d.csv";
/// The four incidents examples/history/generate.py puts in, in Unix seconds.
const INCIDENTS: &str = "1786371000..1786372800,1788400800..1788422400,2026-09-21T17:05Z..2026-09-21T17:17Z,1791590400..1791763200";

/// A run that must fail: its exit code and what it printed on stderr.
fn failure(args: &[&str]) -> (Option<i32>, String) {
    let out = slo(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn backtest_json(more: &[&str]) -> Value {
    let mut args = vec!["backtest", HISTORY, "--targets", "99,99.9,99.95", "--json"];
    args.extend(more);
    let out = slo(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close(value: &Value, expected: f64) -> bool {
    (value.as_f64().unwrap() - expected).abs() < 1e-9
}

#[test]
fn the_example_history_gives_the_independently_computed_figures() {
    let r = backtest_json(&["--window", "30d", "--incidents", INCIDENTS]);
    assert_eq!(r["history_seconds"], 90 * 86400);
    assert_eq!(r["gap_seconds"], 5400);
    let t999 = &r["targets"][1];
    assert!(close(&t999["sli"], 0.9993939951775205), "{}", t999["sli"]);
    assert!(
        close(&t999["budget_remaining"], 0.5713684914521935),
        "{}",
        t999["budget_remaining"]
    );
    assert!(close(&t999["worst_full_window_sli"], 0.9991131146316672));
    // The worst window ends a minute after the degraded provider's two days.
    assert_eq!(t999["worst_full_window_end_seconds"], 72 * 86400 + 60);
    assert_eq!(t999["met_every_full_window"], true);
    assert_eq!(r["targets"][2]["met_every_full_window"], false);
    // The full outage (+51 d 17:05) is paged within a minute at 99.9%.
    let outage = &t999["incidents"][2];
    assert_eq!(
        (
            outage["caught_by"].as_str(),
            outage["detected_after_seconds"].as_u64()
        ),
        (Some("page-fast"), Some(60))
    );
    // At 99% the 30-minute bad deploy (20% errors, 20x) never reaches the 1 h window's 14.4x.
    assert_eq!(r["targets"][0]["incidents"][0]["detection_text"], "missed");
}

#[test]
fn the_table_ends_with_the_recommendation_and_its_evidence() {
    let out = slo(&[
        "backtest",
        HISTORY,
        "--targets",
        "99,99.5,99.9",
        "--window",
        "30d",
        "--max-pages",
        "1",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("gap (no samples, not counted): +60 d 3 h to +60 d 4 h 30 min"),
        "{text}"
    );
    let last = text.trim_end().lines().rev().take(2).collect::<Vec<_>>();
    assert!(last[1].starts_with("recommendation: "), "{text}");
    assert!(last[0].contains("per 30 days"), "{text}");
}

#[test]
fn an_slo_of_a_spec_gives_its_window_and_tiers() {
    let spec = backtest_json(&[
        "--spec",
        "examples/checkout.json",
        "--slo",
        "checkout-availability",
    ]);
    let window = backtest_json(&["--window", "30d"]);
    assert_eq!(spec["window"], "30d");
    assert_eq!(spec["targets"], window["targets"]);
}

#[test]
fn bad_input_names_each_argument_and_line_at_once() {
    let (code, err) = failure(&[
        "backtest",
        HISTORY,
        "--targets",
        "99,150",
        "--window",
        "30d",
        "--spec",
        "x.json",
        "--max-pages",
        "-1",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--targets: "), "{err}");
    assert!(
        err.contains("--max-pages: “-1” is not a number of pages"),
        "{err}"
    );
    assert!(err.contains("--spec and --slo go together"), "{err}");

    let dir = scratch("backtest");
    let csv = dir.join("bad.csv");
    let csv_path = csv.to_str().unwrap();
    std::fs::write(&csv, "timestamp,good,bad\n0,10,0\n60,ten,0\n120,5,-1\n").unwrap();
    let (code, err) = failure(&["backtest", csv_path, "--targets", "99.9", "--window", "30d"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("bad.csv: line 3, good: “ten” is not a count"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv: line 4, bad: “-1” is not a count"),
        "{err}"
    );

    // A 5-minute history cannot replay 7-day tiers, whose fastest short window is 1 minute.
    std::fs::write(&csv, "0,10,0\n300,10,0\n600,10,0\n").unwrap();
    let (code, err) = failure(&["backtest", csv_path, "--targets", "99.9", "--window", "7d"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the tiers (tiers[0].short_window): page-fast's 1m is not a whole number of the history's 5m steps"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn saved_status_reports_are_a_history_and_their_options_are_checked() {
    let dir = scratch("backtest-status");
    let saved = dir.join("status.json");
    // Totals since the proxy started, one report a minute; the third minute saw none.
    let reports = [
        status_report(1_800_000_000, 100, 0),
        status_report(1_800_000_060, 1_100, 1),
        status_report(1_800_000_180, 2_990, 10),
    ];
    std::fs::write(&saved, reports.join("\n")).unwrap();
    let path = saved.to_str().unwrap();
    let out = slo(&[
        "backtest",
        "--status",
        path,
        "--slo",
        "checkout",
        "--window",
        "30d",
        "--targets",
        "99",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    // 2,890 good and 10 bad after the first report; the minute without a report is a gap.
    assert!(
        close(&result["targets"][0]["sli"], 2_890.0 / 2_900.0),
        "{result}"
    );
    assert_eq!(result["gap_seconds"], 120, "{result}");

    let (code, err) = failure(&[
        "backtest",
        "--status",
        path,
        "--targets",
        "99",
        "--window",
        "30d",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--status needs --slo"), "{err}");
    let (code, err) = failure(&[
        "backtest",
        HISTORY,
        "--targets",
        "99",
        "--window",
        "30d",
        "--step",
        "5m",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--step goes with --prometheus or --status"),
        "{err}"
    );
    let (code, err) = failure(&[
        "backtest",
        "--status",
        path,
        "--slo",
        "cart",
        "--targets",
        "99",
        "--window",
        "30d",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("report 1.slos: no SLO “cart”; allowed: one of the report's SLOs: checkout"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
