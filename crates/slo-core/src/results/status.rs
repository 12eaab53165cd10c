//! The status endpoint's result: each SLO's live state, as `status::evaluate` found it.

use super::result;
use crate::counters::Counts;
use crate::duration::format_duration;
use crate::format;
use crate::spec::{Budgeting, Slo};
use crate::status::SloStatus;
use crate::target::format_target;

result! {
    /// Every SLO's state at one moment.
    pub struct Status {
        pub generated_at_seconds: u64,
        pub slos: Vec<SloState>,
    }
}

result! {
    /// One SLO's counts, budget, burn rates and tiers.
    pub struct SloState {
        pub slo: String,
        pub target: f64,
        pub target_text: String,
        pub window: String,
        pub budgeting: &'static str,
        pub window_start_seconds: u64,
        pub good: u64,
        pub bad: u64,
        /// Every good and bad event counted since the proxy started (Envoy's counters, all
        /// workers): two reports' difference is the events between them, which makes
        /// reports saved over time a history for the backtest.
        pub good_total: u64,
        pub bad_total: u64,
        /// Judged slices of a `timeslices` SLO; null for other methods.
        pub good_slices: Option<u64>,
        pub bad_slices: Option<u64>,
        /// Of a `ratio_timeslices` SLO with slices judged; null otherwise.
        pub mean_slice_good_ratio: Option<f64>,
        pub error_budget_remaining_ratio: f64,
        pub error_budget_remaining_ratio_text: String,
        /// The share of the budget spent, or past one budget how many budgets.
        pub error_budget_spent_text: String,
        pub burn_rates: Vec<StatusBurnRate>,
        pub tiers: Vec<StatusTier>,
    }
}

result! {
    pub struct StatusBurnRate {
        pub window: String,
        pub window_seconds: u64,
        pub burn_rate: f64,
        pub burn_rate_text: String,
    }
}

result! {
    pub struct StatusTier {
        pub name: String,
        pub severity: &'static str,
        pub burn_rate_threshold: f64,
        pub burn_rate_threshold_text: String,
        pub long_window: String,
        pub short_window: String,
        pub long_burn_rate: f64,
        pub long_burn_rate_text: String,
        pub short_burn_rate: f64,
        pub short_burn_rate_text: String,
        pub active: bool,
    }
}

impl SloState {
    /// `since_start`: the events counted since the proxy started, as the counters read.
    pub fn new(slo: &Slo, status: &SloStatus, since_start: Counts) -> SloState {
        let (slices, shares) = match (slo.budgeting, status.slices) {
            (Budgeting::Timeslices { .. }, Some(judged)) => (Some(judged), None),
            (Budgeting::RatioTimeslices { .. }, Some(shares)) if shares.total() > 0 => {
                (None, Some(shares.good as f64 / shares.total() as f64))
            }
            _ => (None, None),
        };
        SloState {
            slo: status.name.clone(),
            target: status.target,
            target_text: format_target(status.target),
            window: slo.window.to_string(),
            budgeting: slo.budgeting.name(),
            window_start_seconds: status.window_start,
            good: status.counts.good,
            bad: status.counts.bad,
            good_total: since_start.good,
            bad_total: since_start.bad,
            good_slices: slices.map(|s| s.good),
            bad_slices: slices.map(|s| s.bad),
            mean_slice_good_ratio: shares,
            error_budget_remaining_ratio: status.budget_remaining,
            error_budget_remaining_ratio_text: format::percent(status.budget_remaining),
            error_budget_spent_text: format::budget_spent(status.budget_remaining),
            burn_rates: status
                .burn_rates
                .iter()
                .map(|&(window_seconds, burn_rate)| StatusBurnRate {
                    window: format_duration(window_seconds),
                    window_seconds,
                    burn_rate,
                    burn_rate_text: format::burn_rate(burn_rate),
                })
                .collect(),
            tiers: status
                .tiers
                .iter()
                .map(|t| StatusTier {
                    name: t.name.clone(),
                    severity: t.severity.as_str(),
                    burn_rate_threshold: t.burn_rate_threshold,
                    burn_rate_threshold_text: format::burn_rate(t.burn_rate_threshold),
                    long_window: format_duration(t.long_window_seconds),
                    short_window: format_duration(t.short_window_seconds),
                    long_burn_rate: t.long_burn_rate,
                    long_burn_rate_text: format::burn_rate(t.long_burn_rate),
                    short_burn_rate: t.short_burn_rate,
                    short_burn_rate_text: format::burn_rate(t.short_burn_rate),
                    active: t.active,
                })
                .collect(),
        }
    }
}
