//! The compliance report's result: one target over a history, window by window (SLI
//! achieved, budget spent, alerts fired), as a team files it. Built from the backtest's
//! outcome: the SLI, the windows and the firings are the backtest's own. Times are Unix
//! seconds, and ISO 8601 UTC in words.

use super::result;
use crate::backtest::{Outcome, TargetOutcome, WindowOutcome};
use crate::compliance::Request;
use crate::duration::{format_duration, humanize_seconds, humanize_steps};
use crate::format;
use crate::target::format_target;
use crate::whatif::TierTimeline;
use crate::window::{format_utc, Window};

result! {
    /// A per-window compliance report of one target over a history.
    pub struct Compliance {
        /// `service/slo` when the SLO came from a spec; null for a bare target and window.
        pub slo: Option<String>,
        /// The input the history was read from, as the shell names it (a file name).
        pub source: String,
        pub target: f64,
        pub target_text: String,
        pub window: String,
        pub window_text: String,
        /// How the history is cut into windows: `calendar months (UTC)`, or `back-to-back
        /// 30d periods from the history's start`.
        pub windows_text: String,
        /// The history's first step's start and last step's end.
        pub start_seconds: u64,
        pub start_text: String,
        pub end_seconds: u64,
        pub end_text: String,
        pub step: String,
        pub history_text: String,
        /// Steps with a sample (the history's rows; rows of one step add up).
        pub samples: u64,
        /// `129600 samples`.
        pub samples_text: String,
        /// Time with no sample: not counted as good.
        pub gap_seconds: u64,
        pub gap_text: String,
        /// `none`, or `2 h with no samples, not counted as good`.
        pub gaps_text: String,
        pub full_windows: u64,
        pub full_windows_met: u64,
        pub partial_windows: u64,
        /// `met in 2 of 3 full windows; 1 partial window, judged on the part covered`.
        pub summary_text: String,
        pub tiers: Vec<ComplianceTier>,
        pub windows: Vec<ComplianceWindow>,
    }
}

result! {
    /// An alert tier the report counts firings of.
    pub struct ComplianceTier {
        pub name: String,
        pub severity: &'static str,
    }
}

result! {
    /// A calendar period, or one of the back-to-back rolling windows from the history's
    /// start; `start`/`end` are the part the history covers.
    pub struct ComplianceWindow {
        pub start_seconds: u64,
        pub start_text: String,
        pub end_seconds: u64,
        pub end_text: String,
        /// The history covers the whole window.
        pub full: bool,
        /// `full`, or `partial: 12 d of 30 d`.
        pub coverage_text: String,
        pub good: f64,
        pub good_text: String,
        pub bad: f64,
        pub bad_text: String,
        pub no_data_seconds: u64,
        pub no_data_text: String,
        /// Null when the window has no events.
        pub sli: Option<f64>,
        pub sli_text: Option<String>,
        /// `met`, `missed`, or `no events`.
        pub verdict: &'static str,
        /// The share of the window's error budget its bad events spent: over 1 when blown.
        pub budget_spent: f64,
        pub budget_spent_text: String,
        /// Time the budget stood overspent, as the SLO window stood at each step.
        pub out_of_slo_seconds: u64,
        pub out_of_slo_text: String,
        /// One per tier, in the tiers' order.
        pub alerts: Vec<ComplianceAlert>,
    }
}

result! {
    /// A tier's firings that began in the window.
    pub struct ComplianceAlert {
        pub tier: String,
        pub severity: &'static str,
        pub fired: u64,
        pub first_fired_seconds: Option<u64>,
        pub first_fired_text: Option<String>,
    }
}

impl Compliance {
    /// The report of `request` from the backtest of its one target (`outcome`).
    pub fn new(request: &Request, outcome: &Outcome) -> Compliance {
        let step = outcome.step_seconds;
        let start = outcome.start_seconds;
        let end = start + outcome.history_seconds;
        let target = &outcome.targets[0];
        let windows: Vec<ComplianceWindow> = target
            .windows
            .iter()
            .map(|w| window(w, target, &request.window, start, step))
            .collect();
        let full = windows.iter().filter(|w| w.full).count() as u64;
        let met = windows
            .iter()
            .filter(|w| w.full && w.verdict != "missed")
            .count() as u64;
        let partial = windows.len() as u64 - full;
        Compliance {
            slo: request.slo.clone(),
            source: request.source.clone(),
            target: request.target,
            target_text: format_target(request.target),
            window: request.window.to_string(),
            window_text: request.window.describe(),
            windows_text: match &request.window {
                Window::Rolling { .. } => format!(
                    "back-to-back {} periods from the history's start",
                    request.window
                ),
                Window::Calendar(calendar) => {
                    calendar.describe_periods(&request.window.to_string())
                }
            },
            start_seconds: start,
            start_text: format_utc(start),
            end_seconds: end,
            end_text: format_utc(end),
            step: format_duration(step),
            history_text: humanize_seconds(outcome.history_seconds as f64),
            samples: outcome.samples,
            samples_text: format::counted(outcome.samples, "sample", "samples"),
            gap_seconds: outcome.gap_seconds,
            gap_text: humanize_steps(outcome.gap_seconds as f64, step),
            gaps_text: match outcome.gap_seconds {
                0 => "none".to_string(),
                seconds => format!(
                    "{} with no samples, not counted as good",
                    humanize_steps(seconds as f64, step)
                ),
            },
            full_windows: full,
            full_windows_met: met,
            partial_windows: partial,
            summary_text: summary(full, met, partial),
            tiers: target
                .alerts
                .iter()
                .map(|t| ComplianceTier {
                    name: t.name.clone(),
                    severity: t.severity.as_str(),
                })
                .collect(),
            windows,
        }
    }
}

fn summary(full: u64, met: u64, partial: u64) -> String {
    let judged = match full {
        0 => "no full window in the history".to_string(),
        _ => format!("met in {met} of {full} full windows"),
    };
    match partial {
        0 => judged,
        1 => format!("{judged}; 1 partial window, judged on the part the history covers"),
        n => format!("{judged}; {n} partial windows, judged on the parts the history covers"),
    }
}

fn window(
    w: &WindowOutcome,
    target: &TargetOutcome,
    kind: &Window,
    history_start: u64,
    step: u64,
) -> ComplianceWindow {
    let (from, to) = (
        history_start + w.start_seconds,
        history_start + w.end_seconds,
    );
    let length = match kind {
        Window::Rolling { seconds } => *seconds,
        Window::Calendar(_) => {
            let (period_start, period_end) = kind.bounds_at(from);
            period_end - period_start
        }
    };
    let coverage_text = match w.full {
        true => "full".to_string(),
        false => format!(
            "partial: {} of {}",
            humanize_seconds((w.end_seconds - w.start_seconds) as f64),
            humanize_seconds(length as f64)
        ),
    };
    let verdict = match (w.sli, w.met) {
        (None, _) => "no events",
        (Some(_), true) => "met",
        (Some(_), false) => "missed",
    };
    let budget_spent = 1.0 - w.budget_remaining;
    ComplianceWindow {
        start_seconds: from,
        start_text: format_utc(from),
        end_seconds: to,
        end_text: format_utc(to),
        full: w.full,
        coverage_text,
        good: w.good,
        good_text: format::number(w.good),
        bad: w.bad,
        bad_text: format::number(w.bad),
        no_data_seconds: w.no_data_seconds,
        no_data_text: humanize_steps(w.no_data_seconds as f64, step),
        sli: w.sli,
        sli_text: w.sli.map(format::availability),
        verdict,
        budget_spent,
        budget_spent_text: format::percent(budget_spent),
        out_of_slo_seconds: w.out_of_slo_seconds,
        out_of_slo_text: humanize_steps(w.out_of_slo_seconds as f64, step),
        alerts: target
            .alerts
            .iter()
            .map(|tier| alert(tier, w, history_start))
            .collect(),
    }
}

/// A firing is timed at the end of the step it began in, so it belongs to the window whose
/// span `(start, end]` holds that time.
fn alert(tier: &TierTimeline, w: &WindowOutcome, history_start: u64) -> ComplianceAlert {
    let mut fires = tier
        .firings
        .iter()
        .map(|f| f.fires_at_seconds)
        .filter(|&at| at > w.start_seconds && at <= w.end_seconds);
    let first = fires.next().map(|at| history_start + at);
    ComplianceAlert {
        tier: tier.name.clone(),
        severity: tier.severity.as_str(),
        fired: first.map_or(0, |_| 1 + fires.count() as u64),
        first_fired_seconds: first,
        first_fired_text: first.map(format_utc),
    }
}
