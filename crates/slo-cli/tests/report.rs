//! `slo report` on the example history (examples/history), as a user runs it. The
//! expected good and bad counts and budget spent per 30-day window were computed
//! independently of the core, by a few lines of Python summing the CSV over back-to-back
//! 30-day spans from its first row, and are written here as numbers.

mod common;

use common::{scratch, slo, status_report};

const HISTORY: &str = "examples/history/checkout-90d.csv";

fn run(args: &[&str]) -> String {
    let out = slo(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn failure(args: &[&str]) -> (Option<i32>, String) {
    let out = slo(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn markdown_reports_every_30_day_window_of_the_example() {
    let md = run(&["report", HISTORY, "--target", "99.9", "--window", "30d"]);
    assert!(md.starts_with(
        "## SLO compliance report\n\n- Target: 99.9%\n- Window: 30d\n\
         - Windows: back-to-back 30d periods from the history's start\n"
    ));
    assert!(
        md.contains("- History: 2026-08-01T00:00:00Z to 2026-10-30T00:00:00Z (90 d of 1m steps)\n")
    );
    assert!(md.contains("- Gaps: 1 h 30 min with no samples, not counted as good\n"));
    assert!(md.contains("- Input: checkout-90d.csv\n- Verdict: met in 3 of 3 full windows\n"));
    // Python: 15151393 good, 8238 bad (SLI 0.99945658, 54.3417% of the budget);
    // 15619304 / 13191 (0.99915618, 84.3819%); 15603454 / 6691 (0.99957137, 42.8632%).
    for row in [
        "| 2026-08-01T00:00:00Z | 2026-08-31T00:00:00Z | full | 15151393 | 8238 | 99.9456% | met | 54.3417% |",
        "| 2026-08-31T00:00:00Z | 2026-09-30T00:00:00Z | full | 15619304 | 13191 | 99.9156% | met | 84.3819% |",
        "| 2026-09-30T00:00:00Z | 2026-10-30T00:00:00Z | full | 15603454 | 6691 | 99.9571% | met | 42.8632% |",
    ] {
        assert!(md.contains(row), "{row} missing from\n{md}");
    }
    // The 90 minutes of gaps fall in the third window (examples/history/generate.py).
    assert!(md.contains("| 42.8632% | 0 min | 1 h 30 min |"), "{md}");
}

#[test]
fn csv_is_a_header_row_and_one_row_per_window() {
    let csv = run(&[
        "report", HISTORY, "--target", "99.9", "--window", "30d", "--format", "csv",
    ]);
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert_eq!(
        lines[0],
        "window_start,window_end,coverage,good,bad,no_data_seconds,sli,target,result,budget_spent,out_of_slo_seconds,\
page-fast_fired,page-fast_first_fired,page-slow_fired,page-slow_first_fired,\
ticket-fast_fired,ticket-fast_first_fired,ticket-slow_fired,ticket-slow_first_fired"
    );
    assert!(lines[1].starts_with(
        "2026-08-01T00:00:00Z,2026-08-31T00:00:00Z,full,15151393,8238,0,0.999456583079,0.999,met,0.5434169209,0,"
    ), "{}", lines[1]);
    assert!(
        lines[3].starts_with("2026-09-30T00:00:00Z,2026-10-30T00:00:00Z,full,15603454,6691,5400,")
    );
}

#[test]
fn a_calendar_month_cut_by_the_history_is_partial() {
    let md = run(&["report", HISTORY, "--target", "99.9", "--window", "month"]);
    // August and September whole, October to the 30th of its 31 days.
    assert!(
        md.contains("| 2026-10-01T00:00:00Z | 2026-10-30T00:00:00Z | partial: 29 d of 31 d |"),
        "{md}"
    );
    assert!(md.contains("- Windows: calendar months (UTC)\n"), "{md}");
    assert!(
        md.contains("- Verdict: met in 2 of 2 full windows; 1 partial window"),
        "{md}"
    );
}

#[test]
fn output_writes_the_same_bytes_and_a_spec_names_the_slo() {
    let dir = scratch("report");
    let file = dir.join("report.md");
    let args = [
        "report",
        HISTORY,
        "--target",
        "99.9",
        "--spec",
        "examples/checkout.json",
        "--slo",
        "checkout-availability",
    ];
    let printed = run(&args);
    assert!(printed.contains("- SLO: shop/checkout-availability\n- Target: 99.9%\n- Window: 30d\n"));
    let mut to_file = args.to_vec();
    to_file.extend(["--output", file.to_str().unwrap()]);
    assert_eq!(run(&to_file), "");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), printed);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_arguments_are_named_all_at_once() {
    let (code, err) = failure(&[
        "report", "--target", "150", "--window", "30d", "--spec", "x.json", "--format", "pdf",
    ]);
    assert_eq!(code, Some(2), "{err}");
    for expected in [
        "slo report: --target: “150” is not a valid target",
        "slo report: --format: \"pdf\" is not a format; allowed: markdown, csv",
        "slo report: --spec and --slo go together",
        "slo report: give the history: one CSV file of timestamp,good,bad rows",
    ] {
        assert!(err.contains(expected), "{expected} missing from\n{err}");
    }
    let (code, err) = failure(&["report", HISTORY, "--window", "30d"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("slo report: --target is required"), "{err}");
}

#[test]
fn a_bad_history_line_is_named() {
    let dir = scratch("report-bad");
    let csv = dir.join("bad.csv");
    std::fs::write(&csv, "timestamp,good,bad\n0,10,0\n60,ten,0\n120,5,1\n").unwrap();
    let path = csv.to_str().unwrap();
    let (code, err) = failure(&["report", path, "--target", "99.9", "--window", "30d"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("bad.csv: line 3, good: “ten” is not a count"),
        "{err}"
    );
    // A 5-minute history cannot replay 7-day tiers, whose fastest short window is 1 minute.
    std::fs::write(&csv, "0,10,0\n300,10,0\n600,10,0\n").unwrap();
    let (code, err) = failure(&["report", path, "--target", "99.9", "--window", "7d"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("slo report: the tiers (tiers[0].short_window)"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn saved_status_reports_give_the_same_report_as_their_rows_in_csv() {
    let dir = scratch("report-status");
    let saved = dir.join("status.json");
    let at = 1_800_000_000;
    std::fs::write(
        &saved,
        [
            status_report(at, 5, 0),
            status_report(at + 60, 1_005, 2),
            status_report(at + 120, 1_995, 12),
        ]
        .join("\n"),
    )
    .unwrap();
    // The same history as CSV rows: the first report's minute is a gap (no row).
    let csv = dir.join("status.csv");
    std::fs::write(&csv, format!("{},1000,2\n{},990,10\n", at + 60, at + 120)).unwrap();
    let from_reports = run(&[
        "report",
        "--status",
        saved.to_str().unwrap(),
        "--slo",
        "checkout",
        "--target",
        "99",
        "--window",
        "30d",
        "--format",
        "csv",
    ]);
    let from_csv = run(&[
        "report",
        csv.to_str().unwrap(),
        "--target",
        "99",
        "--window",
        "30d",
        "--format",
        "csv",
    ]);
    // good, bad, sli (1990 / 2002), target, result, budget spent (12 / 2002 / 0.01): the CSV's rows start a minute later
    // (no gap to report), so the window's start and its no-data time differ.
    let judged = |text: &str| -> Vec<Vec<String>> {
        text.lines()
            .skip(1)
            .map(|row| {
                let fields: Vec<&str> = row.split(',').collect();
                [3, 4, 6, 7, 8, 9].map(|i| fields[i].to_string()).to_vec()
            })
            .collect()
    };
    assert_eq!(
        judged(&from_reports),
        [[
            "1990",
            "12",
            "0.994005994006",
            "0.99",
            "met",
            "0.599400599401"
        ]]
    );
    assert_eq!(judged(&from_reports), judged(&from_csv));
    std::fs::remove_dir_all(dir).unwrap();
}
