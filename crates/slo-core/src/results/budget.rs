//! The budget calculator's result: what a target allows over its window and over the
//! reference periods.

use super::result;
use crate::budget::{allowed_bad_events, allowed_downtime_seconds, error_budget_ratio, PERIODS};
use crate::duration::humanize_seconds;
use crate::format;
use crate::target::format_target;
use crate::window::Window;

result! {
    /// What a target allows over a window, over each reference period, and among a number
    /// of requests.
    pub struct Budget {
        pub target: f64,
        pub target_text: String,
        pub window: String,
        /// How the window is read: a calendar window states the length it is taken as.
        pub window_text: String,
        pub window_seconds: u64,
        pub error_budget_ratio: f64,
        pub error_budget_ratio_text: String,
        pub allowed_downtime_seconds: f64,
        pub allowed_downtime_text: String,
        pub periods: Vec<BudgetPeriod>,
        pub requests: Option<u64>,
        pub allowed_bad_requests: Option<u64>,
    }
}

result! {
    /// The downtime a target allows over one reference period.
    pub struct BudgetPeriod {
        /// The period with its length: `30-day month`.
        pub period: &'static str,
        pub period_seconds: u64,
        pub allowed_downtime_seconds: f64,
        pub allowed_downtime_text: String,
    }
}

impl Budget {
    pub fn new(target: f64, window: Window, requests: Option<u64>) -> Budget {
        let window_seconds = window.nominal_seconds();
        let allowed = allowed_downtime_seconds(target, window_seconds);
        Budget {
            target,
            target_text: format_target(target),
            window: window.to_string(),
            window_text: window.describe(),
            window_seconds,
            error_budget_ratio: error_budget_ratio(target),
            // The budget is as exact as the target: 99.999999% leaves 0.000001%, not "0%".
            error_budget_ratio_text: format::exact_percent(error_budget_ratio(target)),
            allowed_downtime_seconds: allowed,
            allowed_downtime_text: humanize_seconds(allowed),
            periods: PERIODS
                .iter()
                .map(|&(period, period_seconds)| {
                    let allowed = allowed_downtime_seconds(target, period_seconds);
                    BudgetPeriod {
                        period,
                        period_seconds,
                        allowed_downtime_seconds: allowed,
                        allowed_downtime_text: humanize_seconds(allowed),
                    }
                })
                .collect(),
            requests,
            allowed_bad_requests: requests.map(|n| allowed_bad_events(target, n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::DAY;

    #[test]
    fn names_each_period_with_its_length() {
        let budget = Budget::new(0.999, Window::parse("30d").unwrap(), Some(1_000_000));
        let month = &budget.periods[2];
        assert_eq!(
            (
                month.period,
                month.period_seconds,
                month.allowed_downtime_seconds
            ),
            ("30-day month", 30 * DAY, 2592.0)
        );
        assert_eq!(month.allowed_downtime_text, "43 min 12 s");
        assert_eq!(budget.allowed_bad_requests, Some(1000));
        assert_eq!(budget.error_budget_ratio_text, "0.1%");
    }

    #[test]
    fn a_tiny_budget_keeps_its_digits() {
        let budget = Budget::new(0.999_999_99, Window::parse("30d").unwrap(), None);
        assert_eq!(budget.error_budget_ratio_text, "0.000001%");
        assert_eq!(budget.allowed_downtime_text, "26 ms");
    }
}
