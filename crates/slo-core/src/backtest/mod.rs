//! Backtesting: what candidate targets would have meant over a service's real history.
//! For each target: the SLI, the budget over time (at the end and at its lowest), the time
//! out of SLO, every firing of every alert tier, pages and tickets per 30 days, which known
//! incidents the alerts caught and how fast; and, across targets, a recommendation stated
//! as the evidence behind it.
//!
//! Everything runs on prefix sums of the history's steps: O(steps x (tier windows +
//! targets x tiers)), so 90 days of minutes with 6 targets and 4 tiers takes milliseconds.
//! Times in the outcome are seconds from the history's start, at the end of the step in
//! which something happened: the history resolves nothing finer.

mod history;
mod query_range;
mod replay;
mod saved_status;

pub use history::{Counts, EventKind, History, MAX_STEPS};
pub(crate) use query_range::percent_encode;
pub use query_range::{
    answer_error, answer_is_empty, history_queries, plan_range_queries, HistoryQueries, RangeQuery,
    DEFAULT_RANGE_SECONDS, DEFAULT_STEP_SECONDS, MAX_POINTS_PER_QUERY,
};
pub use replay::run;

use crate::alerts::{AlertTier, Severity};
use crate::decode::FieldError;
use crate::duration::{format_duration, DAY};
use crate::target::is_valid_target;
use crate::whatif::TierTimeline;
use crate::window::{parse_utc, Window};

/// Candidate targets one backtest compares, at most.
pub const MAX_TARGETS: usize = 12;
/// The percentiles of daily SLI values reported: the worst days are the ones that matter.
pub const DAILY_PERCENTILES: [f64; 6] = [0.0, 1.0, 5.0, 10.0, 25.0, 50.0];
const THIRTY_DAYS: f64 = (30 * DAY) as f64;

#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    pub targets: Vec<f64>,
    pub window: Window,
    pub tiers: Vec<AlertTier>,
    /// Incidents the team remembers, `(start, end)` in Unix seconds.
    pub incidents: Vec<(u64, u64)>,
    /// The recommendation's second rule: at most this many pages per 30 days.
    pub max_pages_per_30d: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub start_seconds: u64,
    pub step_seconds: u64,
    pub history_seconds: u64,
    /// Steps with a sample: the rows the history holds (rows of one step add up).
    pub samples: u64,
    /// Spans with no sample, `(start, end)` from the history's start: not counted as good.
    pub gaps: Vec<(u64, u64)>,
    pub gap_seconds: u64,
    /// Days (UTC) with events, and `(percentile, SLI)` of their SLIs, lowest first.
    pub days: u64,
    pub daily_sli: Vec<(f64, f64)>,
    pub targets: Vec<TargetOutcome>,
    pub recommendation: Recommendation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetOutcome {
    pub target: f64,
    /// Good over all events of the history; `None` when it has none.
    pub sli: Option<f64>,
    /// Calendar periods, or back-to-back rolling windows from the history's start.
    pub windows: Vec<WindowOutcome>,
    /// Rolling: every trailing window the history covers fully, at every step; calendar:
    /// every whole period. `None` when the history holds no full window.
    pub met_every_full_window: Option<bool>,
    /// The full window with the lowest SLI: `(end, SLI)`.
    pub worst_full_window: Option<(u64, f64)>,
    /// Budget left over the window ending with the history (a calendar window: the
    /// period so far).
    pub budget_remaining: f64,
    /// The lowest budget left over a full window (any window while the history holds none).
    pub budget_remaining_min: f64,
    pub budget_remaining_min_at_seconds: u64,
    /// Budget left at the end of every step, over the window ending there (while a rolling
    /// window is not yet full, over the history so far).
    pub budget_remaining_series: Vec<f64>,
    /// Time with the budget overspent, as the window stood at each step.
    pub out_of_slo_seconds: u64,
    pub alerts: Vec<TierTimeline>,
    /// Separate page (ticket) episodes: overlapping firings of tiers of one severity are
    /// one episode, as a pager groups them.
    pub pages: u64,
    pub tickets: u64,
    pub pages_per_30d: f64,
    pub tickets_per_30d: f64,
    pub incidents: Vec<Detection>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WindowOutcome {
    pub start_seconds: u64,
    pub end_seconds: u64,
    /// The history covers the whole window.
    pub full: bool,
    pub good: f64,
    pub bad: f64,
    /// Time in the window with no sample (gaps), not counted as good.
    pub no_data_seconds: u64,
    pub sli: Option<f64>,
    pub budget_remaining: f64,
    pub met: bool,
    /// The part of the target's `out_of_slo_seconds` that falls in this window: the
    /// windows' shares add up to it.
    pub out_of_slo_seconds: u64,
}

/// A known incident and the first tier that fired during it (up to one step after it).
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub start_seconds: u64,
    pub end_seconds: u64,
    pub caught_by: Option<(String, Severity)>,
    pub detected_after_seconds: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// The highest candidate met in every full window.
    pub highest_met: Option<f64>,
    /// The highest candidate whose alerts page at most `max_pages_per_30d` times.
    pub highest_within_pages: Option<f64>,
    pub max_pages_per_30d: f64,
    /// The lower of the two, when both exist: met, and livable.
    pub recommended: Option<f64>,
    /// The evidence, in words.
    pub because: String,
}

impl Backtest {
    /// Everything wrong with the backtest against this history, at once.
    pub fn validate(&self, history: &History) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut push = |path: String, message: String| errors.push(FieldError { path, message });
        let step = history.step_seconds;
        if self.targets.is_empty() || self.targets.len() > MAX_TARGETS {
            push(
                "targets".into(),
                format!(
                    "{} targets; allowed: 1 to {MAX_TARGETS}",
                    self.targets.len()
                ),
            );
        }
        for (i, &target) in self.targets.iter().enumerate() {
            if !is_valid_target(target) {
                push(
                    format!("targets[{i}]"),
                    format!("{target} is not a target; allowed: a ratio above 0 and below 1, such as 0.999"),
                );
            }
        }
        if let Window::Rolling { seconds } = self.window {
            if !seconds.is_multiple_of(step) {
                push(
                    "window".into(),
                    format!(
                        "{} is not a whole number of the history's {} steps; allowed: a window the step divides",
                        self.window,
                        format_duration(step)
                    ),
                );
            }
        } else if let Window::Calendar(calendar) = &self.window {
            if !calendar.starts_on_steps_of(step) {
                push(
                    "window".into(),
                    format!(
                        "calendar periods start at {}, which the history's {} steps miss; allowed: a step that divides a day and falls on those times",
                        calendar.start_times_utc(),
                        format_duration(step)
                    ),
                );
            }
        }
        for (i, tier) in self.tiers.iter().enumerate() {
            for (which, seconds) in [
                ("long", tier.long_window_seconds),
                ("short", tier.short_window_seconds),
            ] {
                if !seconds.is_multiple_of(step) {
                    push(
                        format!("tiers[{i}].{which}_window"),
                        format!(
                            "{}'s {} is not a whole number of the history's {} steps; allowed: tier windows the step divides (give tiers of your own, or a history with a shorter step)",
                            tier.name,
                            format_duration(seconds),
                            format_duration(step)
                        ),
                    );
                }
            }
        }
        let (first, last) = (history.start_seconds, history.end_seconds());
        for (i, &(start, end)) in self.incidents.iter().enumerate() {
            if start >= end || start < first || end > last {
                push(
                    format!("incidents[{i}]"),
                    format!("{start}..{end}; allowed: a start before its end, both within the history, {first}..{last} (Unix seconds)"),
                );
            }
        }
        if !(self.max_pages_per_30d >= 0.0 && self.max_pages_per_30d.is_finite()) {
            push(
                "max_pages_per_30d".into(),
                format!(
                    "{}; allowed: a number of pages, 0 or more",
                    self.max_pages_per_30d
                ),
            );
        }
        errors
    }
}

/// Candidate targets as people list them: `99.5, 99.9, 99.95` (percentages or ratios).
pub fn parse_targets(text: &str) -> Result<Vec<f64>, String> {
    let targets = text
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| crate::target::parse_target(t).map_err(|e| e.to_string()))
        .collect::<Result<Vec<f64>, String>>()?;
    if targets.is_empty() || targets.len() > MAX_TARGETS {
        return Err(format!(
            "{} targets; allowed: 1 to {MAX_TARGETS}, comma-separated, such as 99.5, 99.9, 99.95",
            targets.len()
        ));
    }
    Ok(targets)
}

/// Known incidents as `START..END` pairs, comma-separated, each a UTC time such as
/// `2026-09-21T17:05Z` or Unix seconds; empty for none.
pub fn parse_incidents(text: &str) -> Result<Vec<(u64, u64)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (start, end) = pair.split_once("..").ok_or_else(|| {
                format!("“{pair}” is not START..END; allowed: such as 2026-09-21T17:05Z..2026-09-21T17:17Z")
            })?;
            Ok((parse_utc(start)?, parse_utc(end)?))
        })
        .collect()
}

/// The most pages per 30 days the recommendation accepts: a number, 0 or more.
pub fn parse_max_pages(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| *n >= 0.0 && n.is_finite())
        .ok_or_else(|| {
            format!(
                "“{}” is not a number of pages; allowed: 0 or more, such as 2",
                text.trim()
            )
        })
}

/// Pages per 30 days the recommendation allows unless told otherwise: about one a fortnight.
pub const DEFAULT_MAX_PAGES_PER_30D: f64 = 2.0;

#[cfg(test)]
mod tests;
