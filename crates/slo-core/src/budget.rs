//! Error-budget arithmetic: what a target allows, what has been spent, how fast.

use crate::duration::{DAY, WEEK};

/// The month the calculators quote, with the length it stands for.
pub const MONTH: (&str, u64) = ("30-day month", 30 * DAY);

/// The reference periods the calculators quote, each with the length it stands for.
pub const PERIODS: [(&str, u64); 5] = [
    ("day", DAY),
    ("week", WEEK),
    MONTH,
    ("90-day quarter", 90 * DAY),
    ("365-day year", 365 * DAY),
];

/// The targets of the nines table.
pub const NINES: [f64; 8] = [0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999];

pub fn error_budget_ratio(target: f64) -> f64 {
    1.0 - target
}

/// Seconds of full outage a target allows over a period.
pub fn allowed_downtime_seconds(target: f64, period_seconds: u64) -> f64 {
    // Rounded to the microsecond so that 99.9% of 30 days is 2592 s, not 2592.0000000000023.
    let seconds = error_budget_ratio(target) * period_seconds as f64;
    (seconds * 1e6).round() / 1e6
}

/// Whole bad events a target allows among `total` events.
pub fn allowed_bad_events(target: f64, total: u64) -> u64 {
    // Round away float noise before flooring: (1 - 0.999) x 1e6 is 1000.0000000000009 and
    // must give 1000, while a true 999.6 must give 999.
    let exact = error_budget_ratio(target) * total as f64;
    ((exact * 1e6).round() / 1e6).floor() as u64
}

/// Bad share of the events; 0 when there were none.
pub fn error_ratio(good: u64, bad: u64) -> f64 {
    let total = good + bad;
    if total == 0 {
        0.0
    } else {
        bad as f64 / total as f64
    }
}

/// How many times faster than sustainable the budget burns: error ratio / error budget.
pub fn burn_rate(good: u64, bad: u64, target: f64) -> f64 {
    error_ratio(good, bad) / error_budget_ratio(target)
}

/// Share of the budget spent, judged on the events seen so far (1 = all of it; can exceed 1).
pub fn budget_consumed(good: u64, bad: u64, target: f64) -> f64 {
    burn_rate(good, bad, target)
}

/// Share of the budget left; negative once overspent.
pub fn budget_remaining(good: u64, bad: u64, target: f64) -> f64 {
    1.0 - budget_consumed(good, bad, target)
}

/// Share of a timeslice budget left: the window has `window_slices` slices, of which
/// (1 - target) may be bad.
pub fn timeslice_budget_remaining(bad_slices: u64, window_slices: u64, target: f64) -> f64 {
    let allowed = error_budget_ratio(target) * window_slices as f64;
    if allowed <= 0.0 {
        return if bad_slices == 0 {
            1.0
        } else {
            f64::NEG_INFINITY
        };
    }
    1.0 - bad_slices as f64 / allowed
}

/// Burn rate of a timeslice SLO over a window: the share of its slices that went bad,
/// against the share the target allows. `window_slices` counts every slice in the window,
/// judged or not, as the budget does.
pub fn timeslice_burn_rate(bad_slices: u64, window_slices: f64, target: f64) -> f64 {
    if window_slices <= 0.0 {
        return 0.0;
    }
    bad_slices as f64 / window_slices / error_budget_ratio(target)
}

/// Seconds until the remaining budget of a window is gone at a steady burn rate; `None`
/// when it never runs out (burn rate 0) and `Some(0)` when it already has.
pub fn time_to_exhaustion_seconds(
    budget_remaining: f64,
    burn_rate: f64,
    window_seconds: u64,
) -> Option<f64> {
    if budget_remaining <= 0.0 {
        Some(0.0)
    } else if burn_rate <= 0.0 {
        None
    } else {
        Some(budget_remaining * window_seconds as f64 / burn_rate)
    }
}

/// For each common target, the downtime allowed in each reference period.
pub fn nines_table() -> Vec<(f64, Vec<f64>)> {
    NINES
        .iter()
        .map(|&t| {
            (
                t,
                PERIODS
                    .iter()
                    .map(|&(_, secs)| allowed_downtime_seconds(t, secs))
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_downtime_figures() {
        // 99.9% over 30 days: 43 min 12 s; 99.99%: 4 min 19.2 s; 99.999% per year: 5 min 15.36 s.
        assert_eq!(allowed_downtime_seconds(0.999, 30 * DAY), 2592.0);
        assert_eq!(allowed_downtime_seconds(0.9999, 30 * DAY), 259.2);
        assert_eq!(allowed_downtime_seconds(0.99999, 365 * DAY), 315.36);
        assert_eq!(allowed_downtime_seconds(0.99, DAY), 864.0);
    }

    #[test]
    fn allowed_bad_requests_are_whole_and_exact() {
        assert_eq!(allowed_bad_events(0.999, 1_000_000), 1000);
        assert_eq!(allowed_bad_events(0.9999, 1_000_000), 100);
        assert_eq!(allowed_bad_events(0.999, 999), 0);
        assert_eq!(allowed_bad_events(0.95, 10), 0);
        assert_eq!(allowed_bad_events(0.95, 20), 1);
    }

    #[test]
    fn burn_and_remaining() {
        assert!((burn_rate(9990, 10, 0.999) - 1.0).abs() < 1e-9);
        assert!((budget_remaining(9995, 5, 0.999) - 0.5).abs() < 1e-9);
        assert_eq!(burn_rate(0, 0, 0.999), 0.0);
        assert_eq!(time_to_exhaustion_seconds(0.5, 0.0, 100), None);
        assert_eq!(time_to_exhaustion_seconds(-0.1, 3.0, 100), Some(0.0));
        assert_eq!(
            time_to_exhaustion_seconds(0.5, 2.0, 30 * DAY),
            Some(7.5 * DAY as f64)
        );
    }

    #[test]
    fn nines_table_has_a_row_per_target() {
        assert_eq!(nines_table().len(), NINES.len());
    }

    proptest! {
        #[test]
        fn allowed_bad_never_exceeds_the_budget(target in 0.5f64..0.99999, total in 0u64..10_000_000_000) {
            let allowed = allowed_bad_events(target, total) as f64;
            let exact = (1.0 - target) * total as f64;
            prop_assert!(allowed <= exact + 1e-6 * exact.max(1.0));
            prop_assert!(allowed > exact - 1.0 - 1e-6 * exact.max(1.0));
        }

        #[test]
        fn consumed_and_remaining_add_to_one(good in 0u64..1_000_000, bad in 0u64..1_000_000, target in 0.5f64..0.9999) {
            let sum = budget_consumed(good, bad, target) + budget_remaining(good, bad, target);
            prop_assert!((sum - 1.0).abs() < 1e-9);
        }

        #[test]
        fn downtime_is_budget_times_period(target in 0.5f64..0.99999, days in 1u64..400) {
            let secs = allowed_downtime_seconds(target, days * DAY);
            prop_assert!((secs - (1.0 - target) * (days * DAY) as f64).abs() < 1e-5);
        }
    }
}
