//! The backtest's result: what each candidate target would have meant over the history,
//! and the recommendation with its evidence. Times are seconds from the history's start,
//! given to the step (the history resolves nothing finer).

use super::result;
use super::whatif::{series, tier};
use super::WhatIfTier;
use crate::backtest::{Backtest as Input, Detection, Outcome, TargetOutcome, WindowOutcome};
use crate::duration::{format_duration, humanize_seconds, humanize_steps};
use crate::format;
use crate::target::format_target;

result! {
    /// A history replayed against candidate targets.
    pub struct Backtest {
        /// The history's first step, Unix seconds.
        pub start_seconds: u64,
        pub step_seconds: u64,
        pub step: String,
        pub history_seconds: u64,
        pub history_text: String,
        /// Steps with a sample (the history's rows; rows of one step add up).
        pub samples: u64,
        /// `129600 samples`.
        pub samples_text: String,
        pub window: String,
        pub window_text: String,
        /// Spans with no sample: reported, not counted as good.
        pub gaps: Vec<BacktestSpan>,
        pub gap_seconds: u64,
        pub gap_text: String,
        /// UTC days with events, and the percentiles of their SLIs, worst first.
        pub days: u64,
        pub daily_sli: Vec<BacktestPercentile>,
        pub targets: Vec<BacktestTarget>,
        pub recommended_target: Option<f64>,
        pub recommended_target_text: Option<String>,
        pub highest_met_target: Option<f64>,
        pub highest_within_pages_target: Option<f64>,
        pub max_pages_per_30d: f64,
        /// The recommendation's evidence in words.
        pub recommendation_text: String,
        /// The history in a sentence: its span and step, the window, the daily SLIs, the gaps.
        pub summary_text: String,
    }
}

result! {
    pub struct BacktestSpan {
        pub start_seconds: u64,
        pub end_seconds: u64,
        /// `+3 d 2 h to +3 d 4 h`.
        pub text: String,
    }
}

result! {
    pub struct BacktestPercentile {
        pub percentile: f64,
        pub sli: f64,
        pub sli_text: String,
    }
}

result! {
    /// One candidate target over the history.
    pub struct BacktestTarget {
        pub target: f64,
        pub target_text: String,
        /// Good over all events of the history; null when it has none.
        pub sli: Option<f64>,
        pub sli_text: Option<String>,
        /// Null when the history holds no full window.
        pub met_every_full_window: Option<bool>,
        /// `yes`, `no`, or `no full window`.
        pub met_every_full_window_text: &'static str,
        pub worst_full_window_end_seconds: Option<u64>,
        pub worst_full_window_sli: Option<f64>,
        pub worst_full_window_sli_text: Option<String>,
        /// Over the window that ends with the history.
        pub budget_remaining: f64,
        pub budget_remaining_text: String,
        pub budget_remaining_min: f64,
        pub budget_remaining_min_text: String,
        pub budget_remaining_min_at_seconds: u64,
        pub budget_remaining_min_at_text: String,
        pub out_of_slo_seconds: u64,
        pub out_of_slo_text: String,
        /// `[seconds, budget left, ...]` from `[0, 1]`, thinned as the what-if's.
        pub budget_remaining_series: Vec<f64>,
        pub windows: Vec<BacktestWindow>,
        pub alerts: Vec<WhatIfTier>,
        pub pages: u64,
        pub tickets: u64,
        /// `2 pages, 1 ticket`.
        pub alerts_text: String,
        pub pages_per_30d: f64,
        /// `0.7`: one decimal.
        pub pages_per_30d_text: String,
        /// `more than you accept` when it pages more than `max_pages_per_30d`; null otherwise.
        pub pages_over_max_text: Option<&'static str>,
        pub tickets_per_30d: f64,
        pub tickets_per_30d_text: String,
        pub incidents: Vec<BacktestIncident>,
    }
}

result! {
    /// A calendar period, or one of the back-to-back rolling windows from the start.
    pub struct BacktestWindow {
        pub start_seconds: u64,
        pub end_seconds: u64,
        pub full: bool,
        pub sli: Option<f64>,
        pub sli_text: Option<String>,
        pub budget_remaining: f64,
        pub budget_remaining_text: String,
        pub met: bool,
    }
}

result! {
    /// A known incident, and the first tier that fired for it.
    pub struct BacktestIncident {
        pub start_seconds: u64,
        pub end_seconds: u64,
        /// `+10 d to +10 d 30 min`.
        pub text: String,
        pub caught_by: Option<String>,
        pub severity: Option<&'static str>,
        pub detected_after_seconds: Option<u64>,
        /// `after 1 min`, or `missed`.
        pub detection_text: String,
    }
}

impl Backtest {
    pub fn new(input: &Input, outcome: &Outcome) -> Backtest {
        let step = outcome.step_seconds;
        let at = |seconds: f64| format!("+{}", humanize_steps(seconds, step));
        let r = &outcome.recommendation;
        Backtest {
            start_seconds: outcome.start_seconds,
            step_seconds: step,
            step: format_duration(step),
            history_seconds: outcome.history_seconds,
            history_text: humanize_seconds(outcome.history_seconds as f64),
            samples: outcome.samples,
            samples_text: format::counted(outcome.samples, "sample", "samples"),
            window: input.window.to_string(),
            window_text: input.window.describe(),
            gaps: outcome
                .gaps
                .iter()
                .map(|&(start, end)| BacktestSpan {
                    start_seconds: start,
                    end_seconds: end,
                    text: span(start, end, &at),
                })
                .collect(),
            gap_seconds: outcome.gap_seconds,
            gap_text: humanize_steps(outcome.gap_seconds as f64, step),
            days: outcome.days,
            daily_sli: outcome
                .daily_sli
                .iter()
                .map(|&(percentile, sli)| BacktestPercentile {
                    percentile,
                    sli,
                    sli_text: format::availability(sli),
                })
                .collect(),
            targets: outcome
                .targets
                .iter()
                .map(|t| target(t, step, r.max_pages_per_30d, &at))
                .collect(),
            recommended_target: r.recommended,
            recommended_target_text: r.recommended.map(format_target),
            highest_met_target: r.highest_met,
            highest_within_pages_target: r.highest_within_pages,
            max_pages_per_30d: r.max_pages_per_30d,
            recommendation_text: r.because.clone(),
            summary_text: summary(input, outcome),
        }
    }
}

/// `90 d of 1m steps over a 30 d window; daily SLI: worst 99.5%, median 99.97% over 90
/// days; 2 gaps of 2 h with no samples, not counted.`
fn summary(input: &Input, outcome: &Outcome) -> String {
    let step = outcome.step_seconds;
    let mut text = format!(
        "{} of {} steps over a {} window",
        humanize_seconds(outcome.history_seconds as f64),
        format_duration(step),
        input.window.describe()
    );
    // Worst first, the median (the 50th percentile) last.
    if let (Some(worst), Some(median)) = (outcome.daily_sli.first(), outcome.daily_sli.last()) {
        text += &format!(
            "; daily SLI: worst {}, median {} over {}",
            format::availability(worst.1),
            format::availability(median.1),
            format::counted(outcome.days, "day", "days")
        );
    }
    if !outcome.gaps.is_empty() {
        let gaps = match outcome.gaps.len() {
            1 => "a gap".to_string(),
            n => format!("{n} gaps"),
        };
        text += &format!(
            "; {gaps} of {} with no samples, not counted",
            humanize_steps(outcome.gap_seconds as f64, step)
        );
    }
    text + "."
}

fn target(
    t: &TargetOutcome,
    step: u64,
    max_pages_per_30d: f64,
    at: &impl Fn(f64) -> String,
) -> BacktestTarget {
    let worst = t.worst_full_window;
    BacktestTarget {
        target: t.target,
        target_text: format_target(t.target),
        sli: t.sli,
        sli_text: t.sli.map(format::availability),
        met_every_full_window: t.met_every_full_window,
        met_every_full_window_text: match t.met_every_full_window {
            None => "no full window",
            Some(true) => "yes",
            Some(false) => "no",
        },
        worst_full_window_end_seconds: worst.map(|w| w.0),
        worst_full_window_sli: worst.map(|w| w.1),
        worst_full_window_sli_text: worst.map(|w| format::availability(w.1)),
        budget_remaining: t.budget_remaining,
        budget_remaining_text: format::percent(t.budget_remaining),
        budget_remaining_min: t.budget_remaining_min,
        budget_remaining_min_text: format::percent(t.budget_remaining_min),
        budget_remaining_min_at_seconds: t.budget_remaining_min_at_seconds,
        budget_remaining_min_at_text: at(t.budget_remaining_min_at_seconds as f64),
        out_of_slo_seconds: t.out_of_slo_seconds,
        out_of_slo_text: humanize_steps(t.out_of_slo_seconds as f64, step),
        budget_remaining_series: series(&t.budget_remaining_series, step),
        windows: t.windows.iter().map(window).collect(),
        alerts: t.alerts.iter().map(|a| tier(a, at)).collect(),
        pages: t.pages,
        tickets: t.tickets,
        alerts_text: format!(
            "{}, {}",
            format::counted(t.pages, "page", "pages"),
            format::counted(t.tickets, "ticket", "tickets")
        ),
        pages_per_30d: t.pages_per_30d,
        pages_per_30d_text: format::per_period(t.pages_per_30d),
        pages_over_max_text: (t.pages_per_30d > max_pages_per_30d)
            .then_some("more than you accept"),
        tickets_per_30d: t.tickets_per_30d,
        tickets_per_30d_text: format::per_period(t.tickets_per_30d),
        incidents: t.incidents.iter().map(|d| incident(d, step, at)).collect(),
    }
}

fn window(w: &WindowOutcome) -> BacktestWindow {
    BacktestWindow {
        start_seconds: w.start_seconds,
        end_seconds: w.end_seconds,
        full: w.full,
        sli: w.sli,
        sli_text: w.sli.map(format::availability),
        budget_remaining: w.budget_remaining,
        budget_remaining_text: format::percent(w.budget_remaining),
        met: w.met,
    }
}

fn incident(d: &Detection, step: u64, at: &impl Fn(f64) -> String) -> BacktestIncident {
    BacktestIncident {
        start_seconds: d.start_seconds,
        end_seconds: d.end_seconds,
        text: span(d.start_seconds, d.end_seconds, at),
        caught_by: d.caught_by.as_ref().map(|(name, _)| name.clone()),
        severity: d.caught_by.as_ref().map(|(_, severity)| severity.as_str()),
        detected_after_seconds: d.detected_after_seconds,
        detection_text: d.detected_after_seconds.map_or("missed".to_string(), |s| {
            format!("after {}", humanize_steps(s as f64, step))
        }),
    }
}

fn span(start: u64, end: u64, at: &impl Fn(f64) -> String) -> String {
    format!("{} to {}", at(start as f64), at(end as f64))
}
