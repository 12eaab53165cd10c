//! Every expected figure and byte here is worked out by hand (the arithmetic is in the
//! comments), not read off the code.

use super::*;
use crate::alerts::Severity;
use crate::backtest::Counts;
use crate::duration::{DAY, HOUR};
use crate::window::{CalendarUnit, Window};

/// 2026-09-01T00:00:00Z.
const SEPT_1: u64 = 1_788_220_800;

fn steps(counts: &[Option<(f64, f64)>]) -> Vec<Option<Counts>> {
    counts
        .iter()
        .map(|c| c.map(|(good, bad)| Counts { good, bad }))
        .collect()
}

fn tier(name: &str, severity: Severity, budget_fraction: f64, long: u64, short: u64) -> AlertTier {
    AlertTier {
        name: name.into(),
        severity,
        budget_fraction,
        long_window_seconds: long,
        short_window_seconds: short,
        hold_seconds: 0,
        min_events_per_second: None,
        allow_burn_rate_below_one: false,
    }
}

/// Ten hourly steps against 90% over a rolling 4h: two full windows (the second blown)
/// and a partial one with a gap.
fn hourly() -> (Request, History) {
    let history = History {
        start_seconds: SEPT_1,
        step_seconds: HOUR,
        steps: steps(&[
            Some((100.0, 0.0)),
            Some((100.0, 0.0)),
            Some((95.0, 5.0)),
            Some((100.0, 0.0)),
            Some((40.0, 60.0)),
            Some((100.0, 0.0)),
            Some((100.0, 0.0)),
            Some((75.0, 25.0)),
            None,
            Some((98.0, 2.0)),
        ]),
    };
    let request = Request {
        target: 0.9,
        window: Window::Rolling { seconds: 4 * HOUR },
        tiers: vec![
            // Burn rate 1.25 x 4h / 1h = 5x: an hour with half its events bad.
            tier("fast", Severity::Page, 1.25, HOUR, HOUR),
            // 1 x 4h / 4h = 1x: 10% bad over 4 hours and over the last hour.
            tier("slow", Severity::Ticket, 1.0, 4 * HOUR, HOUR),
        ],
        slo: None,
        source: "hand.csv".into(),
    };
    (request, history)
}

#[test]
fn each_window_reports_its_sli_budget_and_alerts() {
    let (request, history) = hourly();
    assert!(request.validate(&history).is_empty());
    let r = report(&request, &history);
    let w = &r.windows;
    assert_eq!(w.len(), 3);
    // 00-04h: 395 good, 5 bad: SLI 395/400 = 98.75%; 5 of the 40 allowed bad = 12.5%.
    assert_eq!((w[0].good, w[0].bad, w[0].verdict), (395.0, 5.0, "met"));
    assert!((w[0].sli.unwrap() - 0.9875).abs() < 1e-12);
    assert!((w[0].budget_spent - 0.125).abs() < 1e-12);
    // 04-08h: 315 good, 85 bad: 78.75%; 85 of 40 allowed = 212.5%: blown.
    assert_eq!((w[1].good, w[1].bad, w[1].verdict), (315.0, 85.0, "missed"));
    assert!((w[1].budget_spent - 2.125).abs() < 1e-12);
    // The trailing 4h stood overspent at the ends of hours 4 (65/400 bad), 5 (65/400),
    // 6 (60/400) and 7 (85/400); at hour 3 (5/400) and hours 8-9 (25/300, 27/300) not.
    assert_eq!(
        w.iter().map(|w| w.out_of_slo_seconds).collect::<Vec<_>>(),
        [0, 4 * HOUR, 0]
    );
    // 08-10h: partial (2 h of the 4), hour 8 a gap: 98 good, 2 bad = 98%; 2 of 10 = 20%.
    assert!(!w[2].full);
    assert_eq!(w[2].coverage_text, "partial: 2 h of 4 h");
    assert_eq!((w[2].no_data_seconds, w[2].verdict), (HOUR, "met"));
    // "fast" (50% bad over 1 h) fires once: hour 4 (60%), at its end, 05:00.
    // "slow" fires at 05:00 (65/400 over 4 h, 60% over 1 h) and 08:00 (85/400, 25%).
    let fired = |i: usize| -> Vec<(u64, Option<u64>)> {
        w[i].alerts
            .iter()
            .map(|a| (a.fired, a.first_fired_seconds))
            .collect()
    };
    assert_eq!(fired(0), [(0, None), (0, None)]);
    assert_eq!(
        fired(1),
        [(1, Some(SEPT_1 + 5 * HOUR)), (2, Some(SEPT_1 + 5 * HOUR))]
    );
    assert_eq!(fired(2), [(0, None), (0, None)]);
    assert_eq!(
        (r.full_windows, r.full_windows_met, r.partial_windows),
        (2, 1, 1)
    );
}

#[test]
fn csv_has_a_header_row_and_one_row_per_window() {
    let (request, history) = hourly();
    let expected = "\
window_start,window_end,coverage,good,bad,no_data_seconds,sli,target,result,budget_spent,out_of_slo_seconds,fast_fired,fast_first_fired,slow_fired,slow_first_fired\r
2026-09-01T00:00:00Z,2026-09-01T04:00:00Z,full,395,5,0,0.9875,0.9,met,0.125,0,0,,0,\r
2026-09-01T04:00:00Z,2026-09-01T08:00:00Z,full,315,85,0,0.7875,0.9,missed,2.125,14400,1,2026-09-01T05:00:00Z,2,2026-09-01T05:00:00Z\r
2026-09-01T08:00:00Z,2026-09-01T10:00:00Z,partial,98,2,3600,0.98,0.9,met,0.2,0,0,,0,\r
";
    assert_eq!(csv(&report(&request, &history)), expected);
}

#[test]
fn markdown_has_the_header_block_above_the_table() {
    let (mut request, history) = hourly();
    request.slo = Some("checkout/availability".into());
    let expected = "\
## SLO compliance report

- SLO: checkout/availability
- Target: 90%
- Window: 4h
- Windows: back-to-back 4h periods from the history's start
- History: 2026-09-01T00:00:00Z to 2026-09-01T10:00:00Z (10 h of 1h steps)
- Gaps: 1 h with no samples, not counted as good
- Input: hand.csv
- Verdict: met in 1 of 2 full windows; 1 partial window, judged on the part the history covers

| Start (UTC) | End (UTC) | Coverage | Good | Bad | SLI | Result | Budget spent | Out of SLO | No data | fast (page) fired | slow (ticket) fired |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 2026-09-01T00:00:00Z | 2026-09-01T04:00:00Z | full | 395 | 5 | 98.75% | met | 12.5% | 0 h | 0 h | 0 | 0 |
| 2026-09-01T04:00:00Z | 2026-09-01T08:00:00Z | full | 315 | 85 | 78.75% | missed | 212.5% | 4 h | 0 h | 1, first 2026-09-01T05:00:00Z | 2, first 2026-09-01T05:00:00Z |
| 2026-09-01T08:00:00Z | 2026-09-01T10:00:00Z | partial: 2 h of 4 h | 98 | 2 | 98% | met | 20% | 0 h | 1 h | 0 | 0 |
";
    assert_eq!(markdown(&report(&request, &history)), expected);
}

#[test]
fn calendar_periods_cut_by_the_history_are_partial_at_both_edges() {
    // Daily steps from 2026-08-30: two days of August, two of September.
    let history = History {
        start_seconds: SEPT_1 - 2 * DAY,
        step_seconds: DAY,
        steps: steps(&[
            Some((1000.0, 0.0)),
            Some((990.0, 10.0)),
            Some((1000.0, 0.0)),
            Some((500.0, 500.0)),
        ]),
    };
    let request = Request {
        target: 0.99,
        window: Window::calendar(CalendarUnit::Month),
        tiers: Vec::new(),
        slo: None,
        source: "days.csv".into(),
    };
    assert!(request.validate(&history).is_empty());
    let r = report(&request, &history);
    let w = &r.windows;
    assert_eq!(w.len(), 2);
    // August's last two days: 10 bad of 2000 = 0.5%, half of the 1% budget; met.
    assert_eq!(
        (w[0].start_text.as_str(), w[0].end_text.as_str()),
        ("2026-08-30T00:00:00Z", "2026-09-01T00:00:00Z")
    );
    assert_eq!(w[0].coverage_text, "partial: 2 d of 31 d");
    assert!((w[0].budget_spent - 0.5).abs() < 1e-9);
    assert_eq!(w[0].verdict, "met");
    // September's first two days: 500 bad of 2000 = 25%, 25 budgets; the month so far
    // stood overspent at the end of Sep 2 only (500 of 1500 bad).
    assert_eq!(w[1].coverage_text, "partial: 2 d of 30 d");
    assert!((w[1].budget_spent - 25.0).abs() < 1e-9);
    assert_eq!((w[1].verdict, w[1].out_of_slo_seconds), ("missed", DAY));
    assert_eq!(r.full_windows, 0);
    assert_eq!(
        r.summary_text,
        "no full window in the history; 2 partial windows, judged on the parts the history covers"
    );
}

/// 99% over calendar months in `zone`, from an hourly history.
fn month_in(zone: &str) -> Request {
    let zone = crate::zone::Zone::named(zone).unwrap();
    Request {
        target: 0.99,
        window: Window::Calendar(crate::calendar::Calendar::new(
            CalendarUnit::Month,
            zone,
            None,
        )),
        tiers: Vec::new(),
        slo: None,
        source: "hours.csv".into(),
    }
}

#[test]
fn calendar_periods_in_a_time_zone_change_at_its_midnight() {
    // Hourly steps from 2026-09-30T20:00Z: in Berlin (UTC+2 in summer) October starts at
    // 22:00 UTC, two steps in; a September reading in UTC would take all four steps.
    let history = History {
        start_seconds: SEPT_1 + 29 * DAY + 20 * HOUR,
        step_seconds: HOUR,
        steps: steps(&[
            Some((100.0, 0.0)),
            Some((100.0, 0.0)),
            Some((50.0, 50.0)),
            Some((50.0, 50.0)),
        ]),
    };
    let request = month_in("Europe/Berlin");
    assert!(request.validate(&history).is_empty());
    let r = report(&request, &history);
    assert_eq!(r.windows_text, "calendar months (Europe/Berlin)");
    let w = &r.windows;
    assert_eq!(
        (w[0].end_text.as_str(), w[1].start_text.as_str()),
        ("2026-09-30T22:00:00Z", "2026-09-30T22:00:00Z")
    );
    // September, all good; October so far, half bad. October in Berlin is 31 days and the
    // hour its clocks go back on the 25th: 745 hours.
    assert_eq!((w[0].verdict, w[1].verdict), ("met", "missed"));
    assert_eq!(w[1].coverage_text, "partial: 2 h of 31 d 1 h");
}

#[test]
fn a_step_that_misses_the_zone_s_period_starts_is_refused() {
    let history = History {
        start_seconds: SEPT_1,
        step_seconds: HOUR,
        steps: steps(&[Some((1.0, 0.0))]),
    };
    let request = month_in("Asia/Kolkata");
    let errors = request.validate(&history);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "window: calendar periods start at 18:30 UTC, which the history's 1h steps miss; allowed: a step that divides a day and falls on those times"
    );
}

#[test]
fn windows_share_out_the_backtests_time_out_of_slo() {
    let (request, history) = hourly();
    let outcome = backtest::run(&request.backtest(), &history);
    let r = report(&request, &history);
    let sum: u64 = r.windows.iter().map(|w| w.out_of_slo_seconds).sum();
    assert_eq!(sum, outcome.targets[0].out_of_slo_seconds);
}

#[test]
fn fields_that_need_it_are_quoted_and_escaped() {
    let (mut request, history) = hourly();
    request.tiers[0].name = "a,\"b\"".into();
    request.source = "x|y\n.csv".into();
    let r = report(&request, &history);
    let header = csv(&r).lines().next().unwrap().to_string();
    assert!(header.ends_with(
        ",\"a,\"\"b\"\"_fired\",\"a,\"\"b\"\"_first_fired\",slow_fired,slow_first_fired"
    ));
    assert!(markdown(&r).contains("- Input: x\\|y .csv\n"));
}

#[test]
fn a_window_without_events_is_neither_met_nor_missed() {
    let history = History {
        start_seconds: SEPT_1,
        step_seconds: HOUR,
        steps: steps(&[Some((0.0, 0.0)), Some((0.0, 0.0)), Some((10.0, 0.0))]),
    };
    let request = Request {
        target: 0.9,
        window: Window::Rolling { seconds: 2 * HOUR },
        tiers: Vec::new(),
        slo: None,
        source: "quiet.csv".into(),
    };
    let r = report(&request, &history);
    assert_eq!(r.windows[0].verdict, "no events");
    assert_eq!(r.windows[0].sli_text, None);
    assert!(csv(&r).contains(",full,0,0,0,,0.9,no events,0,0\r\n"));
}

#[test]
fn a_bad_target_is_named_target() {
    let (mut request, history) = hourly();
    request.target = 1.5;
    let errors = request.validate(&history);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "target");
}
