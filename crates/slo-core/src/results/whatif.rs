//! The what-if simulator's result: the budget burning down over the window, and when each
//! tier fires and resets.
//!
//! The simulation runs a step (one minute) at a time, so its times are given to the step:
//! it cannot say that a budget ran out at 19 h 33 min 35 s, only at about 19 h 34 min.

use super::result;
use crate::duration::{format_duration, humanize_seconds, humanize_steps};
use crate::format;
use crate::target::format_target;
use crate::whatif::{Firing, Scenario, Simulation, TierTimeline};

/// The most points of the budget's burn-down the result carries (hourly for 30 days): the
/// budget only falls, so a point per span keeps its shape.
pub const SERIES_POINTS: usize = 720;

result! {
    /// A window replayed with its incidents.
    pub struct WhatIf {
        pub target: f64,
        pub target_text: String,
        pub window: String,
        pub window_seconds: u64,
        /// The simulation's resolution, and so its times'.
        pub step_seconds: u64,
        pub requests_per_second: f64,
        pub baseline_error_ratio: f64,
        pub baseline_error_ratio_text: String,
        pub incidents: Vec<WhatIfIncident>,
        pub latency_error_ratio: Option<f64>,
        pub latency_error_ratio_text: Option<String>,
        pub budget_consumed: f64,
        pub budget_consumed_text: String,
        pub budget_remaining: f64,
        pub budget_remaining_text: String,
        pub exhausted_at_seconds: Option<f64>,
        /// `+43 min`, or `never`.
        pub exhausted_at_text: String,
        /// When the budget runs out, in a sentence's words: `at +43 min`, or `never`.
        pub exhausted_text: String,
        /// `[seconds, budget left, seconds, budget left, ...]` from `[0, 1]` to the window's
        /// end, at most `SERIES_POINTS` + 2 points.
        pub budget_remaining_series: Vec<f64>,
        pub tiers: Vec<WhatIfTier>,
        /// Firings of every tier together, and in words: `3 alert firings`.
        pub firings: u64,
        pub firings_text: String,
    }
}

result! {
    /// An incident as the simulation read it.
    pub struct WhatIfIncident {
        pub start_seconds: u64,
        pub start_text: String,
        pub duration_seconds: u64,
        pub duration_text: String,
        pub error_ratio: f64,
        pub error_ratio_text: String,
    }
}

result! {
    /// One tier over the window: its first firing, and every firing.
    pub struct WhatIfTier {
        pub name: String,
        pub severity: &'static str,
        pub burn_rate_threshold: f64,
        pub burn_rate_threshold_text: String,
        pub fires_at_seconds: Option<u64>,
        /// `+9 min`, or `never`.
        pub fires_at_text: String,
        pub resets_at_seconds: Option<u64>,
        /// `+36 min`, `still firing`, or null when it never fired.
        pub resets_at_text: Option<String>,
        pub firings: Vec<WhatIfFiring>,
    }
}

result! {
    pub struct WhatIfFiring {
        pub fires_at_seconds: u64,
        pub fires_at_text: String,
        pub resets_at_seconds: Option<u64>,
        /// `+36 min`, or `still firing` at the window's end.
        pub resets_at_text: String,
    }
}

impl WhatIf {
    pub fn new(scenario: &Scenario, sim: &Simulation) -> WhatIf {
        let step = sim.step_seconds;
        let at = |seconds: f64| format!("+{}", humanize_steps(seconds, step));
        let remaining = 1.0 - sim.budget_consumed;
        let firings = sim.tiers.iter().map(|t| t.firings.len() as u64).sum();
        WhatIf {
            target: scenario.target,
            target_text: format_target(scenario.target),
            window: format_duration(scenario.window_seconds),
            window_seconds: scenario.window_seconds,
            step_seconds: step,
            requests_per_second: scenario.requests_per_second,
            baseline_error_ratio: scenario.baseline_error_ratio,
            baseline_error_ratio_text: format::percent(scenario.baseline_error_ratio),
            incidents: scenario
                .incidents
                .iter()
                .map(|incident| WhatIfIncident {
                    start_seconds: incident.start_seconds,
                    // The scenario's own figures, exact as given.
                    start_text: format!("+{}", humanize_seconds(incident.start_seconds as f64)),
                    duration_seconds: incident.duration_seconds,
                    duration_text: humanize_seconds(incident.duration_seconds as f64),
                    error_ratio: incident.error_ratio,
                    error_ratio_text: format::percent(incident.error_ratio),
                })
                .collect(),
            latency_error_ratio: sim.latency_error_ratio,
            latency_error_ratio_text: sim.latency_error_ratio.map(format::percent),
            budget_consumed: sim.budget_consumed,
            budget_consumed_text: format::percent(sim.budget_consumed),
            budget_remaining: remaining,
            budget_remaining_text: format::percent(remaining),
            exhausted_at_seconds: sim.exhausted_at_seconds,
            exhausted_at_text: sim.exhausted_at_seconds.map_or("never".into(), at),
            exhausted_text: sim
                .exhausted_at_seconds
                .map_or("never".into(), |s| format!("at {}", at(s))),
            budget_remaining_series: series(&sim.budget_remaining, step),
            tiers: sim.tiers.iter().map(|t| tier(t, &at)).collect(),
            firings,
            firings_text: format::counted(firings, "alert firing", "alert firings"),
        }
    }
}

pub(super) fn tier(timeline: &TierTimeline, at: &impl Fn(f64) -> String) -> WhatIfTier {
    let firings: Vec<WhatIfFiring> = timeline
        .firings
        .iter()
        .map(
            |&Firing {
                 fires_at_seconds,
                 resets_at_seconds,
             }| WhatIfFiring {
                fires_at_seconds,
                fires_at_text: at(fires_at_seconds as f64),
                resets_at_seconds,
                resets_at_text: resets_at_seconds.map_or("still firing".into(), |r| at(r as f64)),
            },
        )
        .collect();
    let first = firings.first();
    WhatIfTier {
        name: timeline.name.clone(),
        severity: timeline.severity.as_str(),
        burn_rate_threshold: timeline.burn_rate_threshold,
        burn_rate_threshold_text: format::burn_rate(timeline.burn_rate_threshold),
        fires_at_seconds: first.map(|f| f.fires_at_seconds),
        fires_at_text: first.map_or("never".into(), |f| f.fires_at_text.clone()),
        resets_at_seconds: first.and_then(|f| f.resets_at_seconds),
        resets_at_text: first.map(|f| f.resets_at_text.clone()),
        firings,
    }
}

/// The budget left at the end of each step, thinned to `SERIES_POINTS`, as flat
/// `[seconds, left]` pairs led by the untouched budget at 0 and ending at the window's end.
pub(super) fn series(remaining: &[f64], step: u64) -> Vec<f64> {
    let stride = remaining.len().div_ceil(SERIES_POINTS).max(1);
    let mut out = vec![0.0, 1.0];
    let mut push = |i: usize| out.extend([((i + 1) as u64 * step) as f64, remaining[i]]);
    let mut i = stride - 1;
    while i < remaining.len() {
        push(i);
        i += stride;
    }
    if !remaining.is_empty() && (remaining.len() - 1) % stride != stride - 1 {
        push(remaining.len() - 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::AlertTier;
    use crate::duration::{DAY, HOUR};
    use crate::whatif::{simulate, Incident};

    fn incident(duration_seconds: u64, error_ratio: f64) -> WhatIf {
        let scenario = Scenario {
            target: 0.999,
            window_seconds: 30 * DAY,
            tiers: AlertTier::defaults_for(30 * DAY, None, None).unwrap(),
            requests_per_second: 10.0,
            baseline_error_ratio: 0.0,
            incidents: vec![Incident {
                start_seconds: DAY,
                duration_seconds,
                error_ratio,
            }],
            latency: None,
        };
        WhatIf::new(&scenario, &simulate(&scenario))
    }

    #[test]
    fn times_are_given_to_the_minute_the_simulation_resolves() {
        // The budget of 99.9% over 30 days lasts 43 min 12 s of full outage.
        let result = incident(2 * HOUR, 1.0);
        assert!((result.exhausted_at_seconds.unwrap() - (DAY as f64 + 2592.0)).abs() < 1e-6);
        assert_eq!(result.exhausted_at_text, "+1 d 43 min");
        assert_eq!(result.exhausted_text, "at +1 d 43 min");
        assert_eq!(result.tiers[0].fires_at_text, "+1 d 1 min");
    }

    #[test]
    fn words_for_what_did_not_happen() {
        // 1% errors burn at 10x: below the fast page's 14.4x.
        let result = incident(30 * 60, 0.01);
        assert_eq!(result.exhausted_at_text, "never");
        assert_eq!(result.exhausted_text, "never");
        let fast = &result.tiers[0];
        assert_eq!(
            (fast.fires_at_text.as_str(), fast.resets_at_text.as_deref()),
            ("never", None)
        );
    }

    #[test]
    fn the_series_runs_from_a_whole_budget_to_the_end_of_the_window() {
        let result = incident(30 * 60, 1.0);
        let series = &result.budget_remaining_series;
        assert_eq!(&series[..2], [0.0, 1.0]);
        assert_eq!(series.len(), 2 * (SERIES_POINTS + 1));
        assert_eq!(series[series.len() - 2], (30 * DAY) as f64);
        assert!((series[series.len() - 1] - result.budget_remaining).abs() < 1e-12);
        // 721 minutes thin to every other one; the last still ends the window.
        let odd = super::series(&[0.5; 721], 60);
        assert_eq!(odd.len(), 2 * (1 + 360 + 1));
        assert_eq!(odd.chunks(2).last(), Some(&[721.0 * 60.0, 0.5][..]));
    }
}
