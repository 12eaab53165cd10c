//! An SLO's live state from its sliding-window counts: budget left, burn rate over each
//! alert window, which tiers are firing. The filter publishes this as gauges and as the
//! status endpoint's JSON; anything else holding the same counts gets the same answer.

use crate::alerts::{exceeds, tier_windows, Severity};
use crate::budget::{budget_remaining, burn_rate, timeslice_budget_remaining, timeslice_burn_rate};
use crate::counters::{Counts, SliceRule, SliceVerdicts, SlidingCounts};
use crate::duration::{DAY, HOUR, MINUTE};
use crate::spec::{Budgeting, Slo};

/// Event rings of a timeslice SLO: 10 minutes wide for 3 days, then 2 hours.
const TIMESLICE_EVENT_LEVELS: [(u64, u64); 2] = [(10 * MINUTE, 3 * DAY), (2 * HOUR, u64::MAX)];

#[derive(Debug, Clone, PartialEq)]
pub struct SloStatus {
    pub name: String,
    pub target: f64,
    /// The part of the SLO window that the counts cover: all of a rolling window, or the
    /// calendar period up to now.
    pub window_start: u64,
    pub counts: Counts,
    /// Judged slices in the window, for timeslice budgeting (see `SliceVerdicts::counts`).
    pub slices: Option<Counts>,
    pub budget_remaining: f64,
    /// (window seconds, burn rate) for every distinct tier window, shortest first.
    pub burn_rates: Vec<(u64, f64)>,
    pub tiers: Vec<TierStatus>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TierStatus {
    pub name: String,
    pub severity: Severity,
    pub burn_rate_threshold: f64,
    pub long_window_seconds: u64,
    pub short_window_seconds: u64,
    pub long_burn_rate: f64,
    pub short_burn_rate: f64,
    /// Both windows above the threshold, and the long window busy enough.
    pub active: bool,
}

/// All an SLO's live state: its events over every window it is asked about and, for
/// timeslice budgeting, its slices' verdicts.
#[derive(Debug, Clone)]
pub struct SloCounters {
    events: SlidingCounts,
    slices: Option<SliceVerdicts>,
}

impl SloCounters {
    pub fn new(slo: &Slo) -> SloCounters {
        let reach = slo.window.max_seconds();
        let slices = match slo.budgeting {
            Budgeting::Occurrences => None,
            Budgeting::Timeslices {
                slice_seconds,
                slice_good_ratio,
            } => Some(SliceVerdicts::new(
                slice_seconds,
                SliceRule::GoodRatio(slice_good_ratio),
                reach,
            )),
            Budgeting::RatioTimeslices { slice_seconds } => Some(SliceVerdicts::new(
                slice_seconds,
                SliceRule::MeanRatio,
                reach,
            )),
        };
        // A timeslice SLO burns on its slices; its events only give the window's totals and
        // the tiers' traffic guard, so coarser rings do and keep a 30-day SLO under 16 KiB.
        let events = match slices {
            None => SlidingCounts::new(reach),
            Some(_) => SlidingCounts::with_levels(&TIMESLICE_EVENT_LEVELS, reach),
        };
        SloCounters { events, slices }
    }

    /// Adds the events seen at `now`. Call it on every tick, with zeros when nothing
    /// happened, so that slices are judged once they end.
    pub fn record(&mut self, now: u64, good: u32, bad: u32) {
        self.events.record(now, good, bad);
        if let Some(slices) = &mut self.slices {
            slices.record(now, good, bad);
        }
    }

    pub fn events(&self) -> &SlidingCounts {
        &self.events
    }

    /// Bytes of bucket storage.
    pub fn state_bytes(&self) -> usize {
        self.events.state_bytes() + self.slices.as_ref().map_or(0, SliceVerdicts::state_bytes)
    }
}

/// The SLO's state at `now` (Unix seconds). An occurrences SLO burns on its events; a
/// timeslice SLO on the slices that ended in each window, as its budget does, so a tier
/// fires only when slices go bad fast enough to spend the budget.
pub fn evaluate(slo: &Slo, counters: &SloCounters, now: u64) -> SloStatus {
    let (window_start, window_end) = slo.window.bounds_at(now);
    let slice_verdicts = counters.slices.as_ref();
    let slices = slice_verdicts.map(|s| s.counts(now, now - window_start));
    let counters = &counters.events;
    let counts = counters.counts(now, now - window_start);
    // Each tier window is summed once; rates and the traffic guard both read the sums.
    let window_counts: Vec<(u64, Counts)> = tier_windows(&slo.alerts)
        .into_iter()
        .map(|w| (w, counters.counts(now, w)))
        .collect();
    let counts_of = |w: u64| {
        window_counts
            .iter()
            .find(|(window, _)| *window == w)
            .map_or(Counts::default(), |(_, c)| *c)
    };
    let rate_of = |w: u64| match (slo.budgeting, slice_verdicts) {
        (Budgeting::Timeslices { slice_seconds, .. }, Some(verdicts)) => {
            let judged = verdicts.counts(now, w);
            timeslice_burn_rate(judged.bad, w as f64 / slice_seconds as f64, slo.target)
        }
        (_, Some(verdicts)) => {
            let shares = verdicts.counts(now, w);
            burn_rate(shares.good, shares.bad, slo.target)
        }
        (_, None) => {
            let c = counts_of(w);
            burn_rate(c.good, c.bad, slo.target)
        }
    };
    let burn_rates: Vec<(u64, f64)> = window_counts
        .iter()
        .map(|(w, _)| (*w, rate_of(*w)))
        .collect();
    let window_seconds = slo.window.nominal_seconds();
    let tiers = slo
        .alerts
        .iter()
        .map(|tier| {
            let threshold = tier.burn_rate(window_seconds);
            let long = rate_of(tier.long_window_seconds);
            let short = rate_of(tier.short_window_seconds);
            let busy = counts_of(tier.long_window_seconds).total() as f64 >= tier.min_events();
            TierStatus {
                name: tier.name.clone(),
                severity: tier.severity,
                burn_rate_threshold: threshold,
                long_window_seconds: tier.long_window_seconds,
                short_window_seconds: tier.short_window_seconds,
                long_burn_rate: long,
                short_burn_rate: short,
                active: busy && exceeds(long, threshold) && exceeds(short, threshold),
            }
        })
        .collect();
    SloStatus {
        name: slo.name.clone(),
        target: slo.target,
        window_start,
        counts,
        budget_remaining: match (slo.budgeting, slices) {
            (Budgeting::Timeslices { slice_seconds, .. }, Some(judged)) => {
                let window_slices = (window_end - window_start) / slice_seconds;
                timeslice_budget_remaining(judged.bad, window_slices, slo.target)
            }
            (_, Some(shares)) => budget_remaining(shares.good, shares.bad, slo.target),
            (_, None) => budget_remaining(counts.good, counts.bad, slo.target),
        },
        slices,
        burn_rates,
        tiers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::SloState;
    use crate::spec::Spec;

    const T0: u64 = 1_795_780_800;

    fn slo(alerts: &str) -> Slo {
        let text = format!(
            r#"{{"services":[{{"name":"s","slos":[{{"name":"a","target":0.999,"window":"30d","sli":{{"bad":{{"status":["5xx"]}}}}{alerts}}}]}}]}}"#
        );
        Spec::from_json(&text).unwrap().services[0].slos[0].clone()
    }

    #[test]
    fn a_burst_of_errors_fires_the_fast_page_only() {
        let slo = slo("");
        let mut counters = SloCounters::new(&slo);
        // A clean day at 10 rps, then 10 minutes at 10% errors: 16.7x over 1h, 2.8x over 6h.
        for minute in 0..24 * 60 {
            counters.record(T0 + minute * MINUTE, 600, 0);
        }
        let incident = T0 + DAY;
        for minute in 0..10 {
            counters.record(incident + minute * MINUTE, 540, 60);
        }
        let status = evaluate(&slo, &counters, incident + 10 * MINUTE - 1);
        let active: Vec<_> = status
            .tiers
            .iter()
            .filter(|t| t.active)
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(active, ["page-fast"]);
        let five_minutes = status
            .burn_rates
            .iter()
            .find(|(w, _)| *w == 5 * MINUTE)
            .unwrap()
            .1;
        assert!((five_minutes - 100.0).abs() < 1e-9, "{five_minutes}");
        assert_eq!(
            status.counts,
            Counts {
                good: 24 * 60 * 600 + 5400,
                bad: 600
            }
        );
        let expected_remaining = 1.0 - (600.0 / (24.0 * 60.0 * 600.0 + 6000.0)) / (1.0 - 0.999);
        assert!((status.budget_remaining - expected_remaining).abs() < 1e-9);
    }

    #[test]
    fn an_slo_sitting_exactly_on_its_objective_raises_no_ticket() {
        let slo = slo("");
        let firing = |bad_per_minute: u32| {
            let mut counters = SloCounters::new(&slo);
            for minute in 0..4 * 24 * 60 {
                counters.record(T0 + minute * MINUTE, 1000 - bad_per_minute, bad_per_minute);
            }
            let status = evaluate(&slo, &counters, T0 + 4 * DAY - 1);
            let active: Vec<String> = status
                .tiers
                .iter()
                .filter(|t| t.active)
                .map(|t| t.name.clone())
                .collect();
            active
        };
        // 0.1% errors against 99.9%: burn rate exactly 1, the 3d/6h ticket's threshold.
        assert!(firing(1).is_empty(), "{:?}", firing(1));
        assert_eq!(firing(2), ["ticket-slow"]);
    }

    #[test]
    fn the_minimum_rate_guard_holds_back_quiet_tiers() {
        let slo = slo(r#","alerts":{"min_events_per_second":1}"#);
        let mut counters = SloCounters::new(&slo);
        counters.record(T0, 0, 10);
        let status = evaluate(&slo, &counters, T0 + 1);
        assert!(status.tiers.iter().all(|t| !t.active));
        assert!(status.tiers[0].long_burn_rate > 100.0);
    }

    #[test]
    fn timeslice_budgets_count_bad_slices() {
        let mut slo = slo("");
        slo.budgeting = Budgeting::Timeslices {
            slice_seconds: 5 * MINUTE,
            slice_good_ratio: 0.95,
        };
        let mut counters = SloCounters::new(&slo);
        // One bad 5-minute slice (80% good) among good ones: 1 of the 8.64 slices that
        // 99.9% allows in 30 days (8640 slices).
        counters.record(T0, 100, 0);
        counters.record(T0 + 5 * MINUTE, 80, 20);
        counters.record(T0 + 10 * MINUTE, 100, 0);
        counters.record(T0 + 15 * MINUTE, 0, 0);
        let status = evaluate(&slo, &counters, T0 + 15 * MINUTE);
        assert_eq!(status.slices, Some(Counts { good: 2, bad: 1 }));
        assert!(
            (status.budget_remaining - (1.0 - 1.0 / 8.64)).abs() < 1e-9,
            "{}",
            status.budget_remaining
        );
        let state = SloState::new(&slo, &status, status.counts);
        assert_eq!((state.good_slices, state.bad_slices), (Some(2), Some(1)));
        assert_eq!(state.mean_slice_good_ratio, None);
        assert!(
            counters.state_bytes() <= 16 * 1024,
            "{} bytes",
            counters.state_bytes()
        );
    }

    #[test]
    fn timeslice_tiers_burn_on_slices_not_events() {
        // examples/checkout.json's catalog SLO: 99.5%, 5-minute slices good at 95%.
        let mut slo = slo("");
        slo.target = 0.995;
        slo.budgeting = Budgeting::Timeslices {
            slice_seconds: 5 * MINUTE,
            slice_good_ratio: 0.95,
        };
        let mut counters = SloCounters::new(&slo);
        // Four days at a steady 4% error ratio: 8x the event budget, but every slice is good.
        let steady_end = T0 + 4 * DAY;
        for minute in 0..4 * 24 * 60 {
            counters.record(T0 + minute * MINUTE, 96, 4);
        }
        let status = evaluate(&slo, &counters, steady_end);
        assert_eq!(status.budget_remaining, 1.0);
        assert!(status
            .tiers
            .iter()
            .all(|t| !t.active && t.long_burn_rate == 0.0));
        // Then 30 minutes at 10%: six bad slices. Over the last hour 6 of 12 slices are bad,
        // 0.5 / 0.005 = 100x; over the last 5 minutes 1 of 1, 200x.
        for minute in 0..30 {
            counters.record(steady_end + minute * MINUTE, 90, 10);
        }
        let now = steady_end + 30 * MINUTE;
        counters.record(now, 0, 0);
        let status = evaluate(&slo, &counters, now);
        let fast = &status.tiers[0];
        assert_eq!(fast.name, "page-fast");
        assert!((fast.long_burn_rate - 100.0).abs() < 1e-9, "{fast:?}");
        assert!((fast.short_burn_rate - 200.0).abs() < 1e-9, "{fast:?}");
        assert!(fast.active);
        // 6 bad slices of the 43.2 a 30-day window allows.
        assert!((status.budget_remaining - (1.0 - 6.0 / 43.2)).abs() < 1e-9);
    }

    #[test]
    fn timeslice_counters_of_a_30_day_slo_fit_in_16_kib() {
        for slice_seconds in [MINUTE, 5 * MINUTE, HOUR] {
            let mut slo = slo("");
            slo.budgeting = Budgeting::Timeslices {
                slice_seconds,
                slice_good_ratio: 0.95,
            };
            let bytes = SloCounters::new(&slo).state_bytes();
            assert!(bytes <= 16 * 1024, "{slice_seconds}s slices: {bytes} bytes");
        }
    }

    #[test]
    fn ratio_timeslice_budgets_use_the_mean_slice_ratio() {
        let mut slo = slo("");
        slo.budgeting = Budgeting::RatioTimeslices {
            slice_seconds: MINUTE,
        };
        let mut counters = SloCounters::new(&slo);
        // A quiet minute with 1 bad of 2 weighs as much as a busy clean one: mean 75%.
        counters.record(T0, 1, 1);
        counters.record(T0 + MINUTE, 1000, 0);
        counters.record(T0 + 2 * MINUTE, 0, 0);
        let status = evaluate(&slo, &counters, T0 + 2 * MINUTE);
        assert!((status.budget_remaining - (1.0 - 0.25 / 0.001)).abs() < 1e-6);
        let state = SloState::new(&slo, &status, status.counts);
        assert_eq!(state.mean_slice_good_ratio, Some(0.75));
        assert_eq!((state.good_slices, state.bad_slices), (None, None));
    }

    #[test]
    fn the_state_names_every_figure_in_numbers_and_words() {
        let slo = slo("");
        let status = evaluate(&slo, &SloCounters::new(&slo), T0);
        let state = SloState::new(&slo, &status, status.counts);
        assert_eq!(
            (state.slo.as_str(), state.target_text.as_str()),
            ("a", "99.9%")
        );
        assert_eq!(state.tiers.len(), 4);
        assert_eq!(state.tiers[0].burn_rate_threshold_text, "14.4x");
        assert_eq!(state.burn_rates[0].window, "5m");
        assert_eq!(state.error_budget_remaining_ratio, 1.0);
        assert_eq!(state.error_budget_remaining_ratio_text, "100%");
    }

    #[test]
    fn a_calendar_month_in_a_zone_starts_at_its_midnight() {
        // As the filter reads it: the zone's rule is in the spec.
        let text = r#"{"services":[{"name":"s","slos":[{"name":"a","target":0.999,"window":{"calendar":"month","time_zone":"Europe/Berlin","time_zone_rule":"CET-1CEST,M3.5.0,M10.5.0/3"},"sli":{"bad":{"status":["5xx"]}}}]}]}"#;
        let slo = Spec::from_json(text).unwrap().services[0].slos[0].clone();
        // December 2026 starts in Berlin at 23:00 UTC on November 30: the bad request at
        // 22:30 UTC is November's, the good one at 23:10 December's.
        let december = crate::window::parse_utc("2026-11-30T23:00Z").unwrap();
        let mut counters = SloCounters::new(&slo);
        counters.record(december - 30 * 60, 0, 1);
        counters.record(december + 10 * 60, 1, 0);
        let status = evaluate(&slo, &counters, december + 30 * 60);
        assert_eq!(status.window_start, december);
        assert_eq!((status.counts.good, status.counts.bad), (1, 0));
    }
}
