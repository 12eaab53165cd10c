//! Every expected figure here is worked out by hand from the SRE Workbook's definitions
//! (budget = 1 - target; burn rate = error ratio / budget), not read off the code.

use super::*;
use crate::duration::{HOUR, MINUTE};
use crate::whatif::Firing;
use crate::window::CalendarUnit;

const PER_MINUTE: f64 = 1000.0;

/// `days` of one-minute steps at 1000 requests each, `bad(minute)` of them bad.
fn history(start: u64, days: u64, bad: impl Fn(u64) -> f64) -> History {
    History {
        start_seconds: start,
        step_seconds: MINUTE,
        steps: (0..days * 24 * 60)
            .map(|m| {
                let bad = bad(m);
                Some(Counts {
                    good: PER_MINUTE - bad,
                    bad,
                })
            })
            .collect(),
    }
}

fn backtest(targets: &[f64], window: Window) -> Backtest {
    Backtest {
        targets: targets.to_vec(),
        tiers: AlertTier::defaults_for(window.nominal_seconds(), None, None).unwrap(),
        window,
        incidents: vec![],
        max_pages_per_30d: 2.0,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

const THIRTY_DAYS: Window = Window::Rolling { seconds: 30 * DAY };
const INCIDENT_START: u64 = 10 * DAY;
const INCIDENT_END: u64 = INCIDENT_START + 30 * MINUTE;

/// 60 days with no errors but one 30-minute full outage on day 10.
fn outage() -> History {
    history(0, 60, |m| {
        let at = m * MINUTE;
        if (INCIDENT_START..INCIDENT_END).contains(&at) {
            PER_MINUTE
        } else {
            0.0
        }
    })
}

#[test]
fn a_steady_error_ratio_spends_the_budget_it_should() {
    // 0.1% errors: exactly 99.9%'s budget, twice 99.95%'s, a tenth of 99%'s.
    let history = history(0, 60, |_| 1.0);
    let mut test = backtest(&[0.99, 0.999, 0.9995], THIRTY_DAYS);
    test.tiers.clear();
    assert!(test.validate(&history).is_empty());
    let outcome = run(&test, &history);
    let [lax, exact, strict] = &outcome.targets[..] else {
        panic!()
    };
    assert!(close(lax.sli.unwrap(), 0.999));
    assert!(close(lax.budget_remaining, 0.9) && close(lax.budget_remaining_min, 0.9));
    assert!(close(exact.budget_remaining, 0.0));
    assert_eq!(exact.met_every_full_window, Some(true));
    assert_eq!(exact.out_of_slo_seconds, 0);
    assert!(close(strict.budget_remaining, -1.0));
    assert_eq!(strict.met_every_full_window, Some(false));
    // Out of SLO at every step from the first full window (day 30) to the end.
    assert_eq!(strict.out_of_slo_seconds, 30 * DAY + MINUTE);
    // Two back-to-back 30-day windows.
    assert_eq!(lax.windows.len(), 2);
    assert!(lax.windows.iter().all(|w| w.full && w.met));
    assert_eq!(outcome.recommendation.highest_met, Some(0.999));
}

#[test]
fn an_outage_spends_its_share_and_the_fast_page_catches_it_in_a_minute() {
    let mut test = backtest(&[0.999], THIRTY_DAYS);
    test.incidents = vec![(INCIDENT_START, INCIDENT_END)];
    let outcome = run(&test, &outage());
    let t = &outcome.targets[0];
    // 30,000 bad of the 43,200 that 99.9% of 30 days x 1000/min allows.
    assert!(close(t.budget_remaining_min, 1.0 - 30_000.0 / 43_200.0));
    // The last full window (days 30-60) no longer holds the outage.
    assert!(close(t.budget_remaining, 1.0));
    assert_eq!(t.met_every_full_window, Some(true));
    // page-fast (1 h / 5 m at 14.4x): one minute of outage is 1000 of 60,000 in the hour
    // (1.67% >= 1.44%) and of 5,000 in five minutes: fires at the first minute's end, and
    // resets when the 5-minute window has no outage minute left.
    let fast = &t.alerts[0];
    assert_eq!(fast.name, "page-fast");
    assert_eq!(
        fast.firings,
        [Firing {
            fires_at_seconds: INCIDENT_START + MINUTE,
            resets_at_seconds: Some(INCIDENT_END + 5 * MINUTE),
        }]
    );
    assert_eq!(
        t.incidents[0].caught_by,
        Some(("page-fast".to_string(), Severity::Page))
    );
    assert_eq!(t.incidents[0].detected_after_seconds, Some(MINUTE));
    // Both page tiers fire around the one outage: one page episode in 60 days.
    assert!(t.alerts[1].firings.len() == 1);
    assert_eq!(t.pages, 1);
    assert!(close(t.pages_per_30d, 0.5));
    // The outage day: 30,000 bad of 1,440,000; the other 59 days are perfect.
    assert_eq!(outcome.days, 60);
    assert!(close(outcome.daily_sli[0].1, 1.0 - 30_000.0 / 1_440_000.0));
    assert!(close(outcome.daily_sli[1].1, outcome.daily_sli[0].1)); // p1: rank 1 of 60
    assert!(close(outcome.daily_sli[2].1, 1.0)); // p5: rank 3
}

#[test]
fn an_incident_no_tier_sees_is_reported_missed() {
    let mut test = backtest(&[0.999], THIRTY_DAYS);
    // A 0.2% blip for 30 minutes burns at 2x: under every page, and too short for tickets.
    let history = history(0, 40, |m| if (600..630).contains(&m) { 2.0 } else { 0.0 });
    test.incidents = vec![(600 * MINUTE, 630 * MINUTE)];
    let t = &run(&test, &history).targets[0];
    assert_eq!(t.incidents[0].caught_by, None);
    assert_eq!(t.incidents[0].detected_after_seconds, None);
    assert_eq!(t.pages + t.tickets, 0);
}

#[test]
fn gaps_are_reported_and_count_as_nothing() {
    let mut history = history(0, 31, |_| 0.0);
    for step in &mut history.steps[100..160] {
        *step = None;
    }
    let outcome = run(&backtest(&[0.999], THIRTY_DAYS), &history);
    assert_eq!(outcome.gaps, [(100 * MINUTE, 160 * MINUTE)]);
    assert_eq!(outcome.gap_seconds, HOUR);
    // No event in the gap: neither good nor bad.
    assert!(close(outcome.targets[0].sli.unwrap(), 1.0));
}

#[test]
fn calendar_months_are_judged_whole_and_the_recommendation_weighs_pages() {
    // 2026-09-01 to 2026-11-01 at one-hour steps: September and October whole. A 0.05%
    // error ratio all October: 99.95% is met exactly there, 99.99% is not.
    let september = 1_788_220_800;
    let october = september + 30 * DAY;
    let history = History {
        start_seconds: september,
        step_seconds: HOUR,
        steps: (0..61 * 24)
            .map(|h| {
                let bad = if september + h * HOUR >= october {
                    30.0
                } else {
                    0.0
                };
                Some(Counts {
                    good: 60_000.0 - bad,
                    bad,
                })
            })
            .collect(),
    };
    let mut test = backtest(
        &[0.999, 0.9995, 0.9999],
        Window::calendar(CalendarUnit::Month),
    );
    test.tiers = vec![];
    let outcome = run(&test, &history);
    let months: Vec<(u64, u64, bool)> = outcome.targets[2]
        .windows
        .iter()
        .map(|w| (w.start_seconds, w.end_seconds, w.met))
        .collect();
    assert_eq!(months, [(0, 30 * DAY, true), (30 * DAY, 61 * DAY, false)]);
    assert_eq!(outcome.targets[1].met_every_full_window, Some(true));
    assert_eq!(outcome.targets[2].met_every_full_window, Some(false));
    let worst = outcome.targets[2].worst_full_window.unwrap();
    assert_eq!(worst.0, 61 * DAY);
    assert!(close(worst.1, 0.9995));
    assert_eq!(outcome.recommendation.recommended, Some(0.9995));
}

#[test]
fn the_recommendation_says_when_pages_decide() {
    // 2% errors for two hours: 20x 99.9%'s budget, so its fast page fires (1 h at 2% >=
    // 14.4 x 0.1%); 2x 99%'s, under every one of its pages. Both are met: 2,400 bad.
    let history = history(0, 40, |m| if (600..720).contains(&m) { 20.0 } else { 0.0 });
    let mut test = backtest(&[0.99, 0.999], THIRTY_DAYS);
    test.max_pages_per_30d = 0.0;
    let outcome = run(&test, &history);
    assert_eq!((outcome.targets[0].pages, outcome.targets[1].pages), (0, 1));
    let r = &outcome.recommendation;
    assert_eq!(
        (r.highest_met, r.highest_within_pages),
        (Some(0.999), Some(0.99))
    );
    assert_eq!(r.recommended, Some(0.99));
    assert!(
        r.because
            .contains("alerts raise more than 0 pages per 30 days"),
        "{}",
        r.because
    );
}

#[test]
fn a_history_shorter_than_the_window_shows_no_target_met() {
    let outcome = run(&backtest(&[0.999], THIRTY_DAYS), &history(0, 7, |_| 0.0));
    assert_eq!(outcome.targets[0].met_every_full_window, None);
    assert_eq!(outcome.recommendation.recommended, None);
    assert!(outcome
        .recommendation
        .because
        .contains("shorter than one full window"));
}

#[test]
fn targets_incidents_and_pages_read_as_people_write_them() {
    assert_eq!(
        parse_targets("99.5, 99.9,0.9995"),
        Ok(vec![0.995, 0.999, 0.9995])
    );
    assert!(parse_targets("")
        .unwrap_err()
        .starts_with("0 targets; allowed: 1 to 12"));
    assert!(parse_targets("99.9, 100")
        .unwrap_err()
        .contains("100% leaves no error budget"));
    assert_eq!(
        parse_incidents("2026-09-21T17:05Z..2026-09-21T17:17Z, 10..20"),
        Ok(vec![(1_790_010_300, 1_790_011_020), (10, 20)])
    );
    assert_eq!(parse_incidents(" "), Ok(vec![]));
    assert!(parse_incidents("10-20")
        .unwrap_err()
        .starts_with("“10-20” is not START..END"));
    assert_eq!(parse_max_pages("0.5"), Ok(0.5));
    assert!(parse_max_pages("-1")
        .unwrap_err()
        .starts_with("“-1” is not a number of pages"));
}

#[test]
fn validation_names_each_wrong_input_at_once() {
    let history = History {
        start_seconds: 0,
        step_seconds: 5 * MINUTE,
        steps: vec![Some(Counts::default()); 10],
    };
    let mut test = backtest(&[1.5], Window::Rolling { seconds: 7 * DAY });
    test.incidents = vec![(600, 300), (0, 7200)];
    let errors: Vec<String> = test
        .validate(&history)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        errors[0].starts_with("targets[0]: 1.5 is not a target"),
        "{errors:?}"
    );
    // 7-day tiers have 1-minute short windows, finer than 5-minute steps.
    assert!(
        errors.iter().any(|e| e.starts_with(
            "tiers[0].short_window: page-fast's 1m is not a whole number of the history's 5m steps"
        )),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("incidents[0]: 600..300; allowed")),
        "{errors:?}"
    );
    // Ten 5-minute steps end at 3000.
    assert!(
        errors.last().unwrap().starts_with(
            "incidents[1]: 0..7200; allowed: a start before its end, both within the history, 0..3000"
        ),
        "{errors:?}"
    );
}

#[test]
fn the_result_says_its_verdicts_and_counts_in_words() {
    // The outage history with an hour of no samples on day 40, against 99.9% (met) and
    // 99.999% (missed), accepting no page at all.
    let mut gappy = outage();
    for step in &mut gappy.steps[40 * 1440..40 * 1440 + 60] {
        *step = None;
    }
    let mut test = backtest(&[0.999, 0.99999], THIRTY_DAYS);
    test.max_pages_per_30d = 0.0;
    let result = crate::results::Backtest::new(&test, &run(&test, &gappy));
    assert_eq!(result.samples, 60 * 1440 - 60);
    assert_eq!(result.samples_text, "86340 samples");
    // The outage day: 30,000 bad of 1,440,000 (97.9166...%, cut); the other days perfect.
    assert_eq!(
        result.summary_text,
        "60 d of 1m steps over a 30d window; daily SLI: worst 97.9166%, median 100% over 60 days; \
         a gap of 1 h with no samples, not counted."
    );
    let [met, missed] = &result.targets[..] else {
        panic!("two targets")
    };
    assert_eq!(met.met_every_full_window_text, "yes");
    assert_eq!(missed.met_every_full_window_text, "no");
    assert_eq!((met.pages, met.tickets), (1, 1));
    assert_eq!(met.alerts_text, "1 page, 1 ticket");
    assert_eq!(met.pages_over_max_text, Some("more than you accept"));

    // Two quiet days: no full 30-day window, no alert, nothing over the 2 pages accepted.
    let test = backtest(&[0.999], THIRTY_DAYS);
    let quiet = history(0, 2, |_| 0.0);
    let result = crate::results::Backtest::new(&test, &run(&test, &quiet));
    let t = &result.targets[0];
    assert_eq!(t.met_every_full_window_text, "no full window");
    assert_eq!(t.alerts_text, "0 pages, 0 tickets");
    assert_eq!(t.pages_over_max_text, None);
    // No gap: the sentence does not mention any.
    assert_eq!(
        result.summary_text,
        "2 d of 1m steps over a 30d window; daily SLI: worst 100%, median 100% over 2 days."
    );
}
