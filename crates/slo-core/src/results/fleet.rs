//! The fleet view's result: every SLO a Prometheus server's rules describe, read from the
//! recorded series at one instant (`fleet::read`), with the words `<slo-fleet>` shows.

use super::result;
use crate::format;

result! {
    /// Every SLO the server's `slo:info` series name, at `at_seconds`.
    pub struct Fleet {
        pub at_seconds: u64,
        /// The same instant in UTC: `2026-09-03T14:00:00Z`.
        pub at_text: String,
        pub slos: Vec<FleetSlo>,
        /// How many SLOs are in each state: `3 SLOs: 1 page firing, 2 ok`.
        pub summary_text: String,
    }
}

result! {
    /// One SLO: what it promises, where it stands, and whether its data can be trusted.
    pub struct FleetSlo {
        pub service: String,
        pub slo: String,
        /// The SLI source's kind (`request`, `prometheus`), from `slo:info`.
        pub sli: String,
        /// Labels of its `slo:info` series beyond the rules' own (a Thanos or Mimir
        /// server's external labels, a relabelled cluster), sorted by name.
        pub labels: Vec<FleetLabel>,
        pub objective: Option<f64>,
        pub objective_text: String,
        pub window: String,
        pub window_seconds: Option<u64>,
        /// The SLI over the whole window (good events, or good slices, over all); null
        /// when the window holds no data.
        pub sli_ratio: Option<f64>,
        pub sli_text: String,
        pub error_budget_remaining_ratio: Option<f64>,
        pub error_budget_remaining_ratio_text: String,
        pub error_budget_spent_text: String,
        pub tiers: Vec<FleetTier>,
        /// `ok`, `ticket`, `page`, `partial_data` or `no_data`: missing data first, since
        /// then the other figures cannot be trusted, then the most urgent firing tier.
        pub state: &'static str,
        pub state_text: String,
        /// 0 for the most urgent state (no data) to 4 (ok), to sort by.
        pub state_rank: u64,
        /// Scrape targets reporting its source's series now, and those that reported them
        /// within the hour but whose scrape fails now; null for a source that is not the
        /// filter's (its series carry no `slo` label to count by).
        pub sources_reporting: Option<u64>,
        pub sources_down: Option<u64>,
        pub data_text: String,
        /// The budget left over the window, oldest first, one point per step of the
        /// sparkline's query (NaN where Prometheus has no point); empty until read.
        pub budget_series: Vec<f64>,
        /// The sparkline in words: `Budget left over the 30d window, from 100% to 42.1%`,
        /// or `no history yet` with fewer than two points.
        pub budget_series_text: String,
    }
}

impl FleetSlo {
    /// Sets `budget_series` and the words that say it.
    pub fn set_budget_series(&mut self, series: Vec<f64>) {
        let mut known = series.iter().filter(|v| v.is_finite());
        self.budget_series_text = match (known.next(), known.next()) {
            (Some(&first), Some(_)) => format!(
                "Budget left over the {} window, from {} to {}",
                self.window,
                format::percent(first),
                self.error_budget_remaining_ratio_text
            ),
            _ => NO_HISTORY.to_string(),
        };
        self.budget_series = series;
    }
}

/// What a sparkline with fewer than two points says.
pub const NO_HISTORY: &str = "no history yet";

result! {
    pub struct FleetLabel {
        pub name: String,
        pub value: String,
    }
}

result! {
    /// One alert tier: its threshold, its two windows' burn, and its alert's state.
    pub struct FleetTier {
        pub name: String,
        pub severity: String,
        pub burn_rate_threshold: f64,
        pub burn_rate_threshold_text: String,
        pub long_window: String,
        pub short_window: String,
        pub long_burn_rate: Option<f64>,
        pub long_burn_rate_text: String,
        pub short_burn_rate: Option<f64>,
        pub short_burn_rate_text: String,
        /// `firing`, `pending` (above its threshold, waiting out its hold time) or
        /// `inactive`.
        pub alert_state: &'static str,
        pub firing: bool,
        pub text: String,
    }
}

result! {
    /// One SLO over its window, for the detail view: every series on the same steps,
    /// oldest first, NaN where Prometheus has no point.
    pub struct FleetDetail {
        pub service: String,
        pub slo: String,
        pub start_seconds: u64,
        pub end_seconds: u64,
        pub step_seconds: u64,
        pub step_text: String,
        pub budget_remaining: Vec<f64>,
        /// The burn rate over each window its tiers read, one series per window.
        pub burn_rates: Vec<FleetBurnSeries>,
        /// Events per step; empty for an SLO whose events are not recorded per step (a
        /// timeslice SLO, or a Prometheus SLI written as an error-ratio expression).
        pub good_events: Vec<f64>,
        pub bad_events: Vec<f64>,
        /// Every alert of the SLO that fired in the window, oldest first.
        pub alerts: Vec<FleetAlert>,
        pub alerts_text: String,
        /// The same series for `<slo-backtest>`'s Prometheus source (`prometheus-counts`,
        /// `-events`, `-total` at a one-minute step): the events the rules record per
        /// step, summed; null when they record none for this SLO.
        pub backtest_counts: &'static str,
        pub backtest_events: Option<String>,
        pub backtest_total: Option<String>,
    }
}

result! {
    pub struct FleetBurnSeries {
        pub window: String,
        pub burn_rates: Vec<f64>,
    }
}

result! {
    /// One alert's firing span, as ALERTS shows it at the plan's steps.
    pub struct FleetAlert {
        pub alertname: String,
        /// The tier for a burn alert; null for the absent alert.
        pub tier: Option<String>,
        pub severity: String,
        pub start_seconds: u64,
        /// The last step it was seen firing.
        pub end_seconds: u64,
        pub still_firing: bool,
        pub text: String,
    }
}
