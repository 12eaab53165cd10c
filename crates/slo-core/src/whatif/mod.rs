//! The what-if simulator: a window of steady traffic with incidents in it, replayed at
//! one-minute resolution, showing the budget burning down and every tier firing and
//! resetting as Prometheus would see it.
//!
//! Traffic before the window is taken to run at the baseline, so every alert window is
//! full from the first minute. Error sources combine as independent failures:
//! `1 - (1 - a)(1 - b)`, for the baseline, each incident and slow requests.

mod scenario;

pub use scenario::{parse_buckets, parse_threshold_ms, parse_window, slow_fraction};

use crate::alerts::{exceeds, AlertTier, Severity};
use crate::duration::MINUTE;

const STEP: u64 = MINUTE;
/// The simulator keeps several numbers per minute: beyond a year a page would stall.
pub const MAX_WINDOW_SECONDS: u64 = 366 * crate::duration::DAY;

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub target: f64,
    pub window_seconds: u64,
    pub tiers: Vec<AlertTier>,
    pub requests_per_second: f64,
    pub baseline_error_ratio: f64,
    pub incidents: Vec<Incident>,
    /// Requests slower than a threshold, read off a latency histogram, count as bad too.
    pub latency: Option<LatencyScenario>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incident {
    /// Seconds after the window starts.
    pub start_seconds: u64,
    pub duration_seconds: u64,
    pub error_ratio: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LatencyScenario {
    /// Histogram buckets as (upper bound in ms, requests in this bucket), bounds rising;
    /// the last bound may be infinite.
    pub buckets: Vec<(f64, u64)>,
    pub threshold_ms: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub step_seconds: u64,
    /// Budget left at the end of each minute (1 = untouched, negative once overspent).
    pub budget_remaining: Vec<f64>,
    pub tiers: Vec<TierTimeline>,
    /// Share of the window's budget spent by its end.
    pub budget_consumed: f64,
    /// When the remaining budget reached zero, in seconds after the window starts.
    pub exhausted_at_seconds: Option<f64>,
    /// The error ratio slow requests add, when the scenario has a latency threshold.
    pub latency_error_ratio: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TierTimeline {
    pub name: String,
    pub severity: Severity,
    pub burn_rate_threshold: f64,
    pub firings: Vec<Firing>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Firing {
    pub fires_at_seconds: u64,
    /// `None` while still firing at the end of the window.
    pub resets_at_seconds: Option<u64>,
}

/// A tier's firings from whether it is active at the end of each step: it fires at the
/// first active step's end and resets at the end of the first step it is not.
pub(crate) fn firings(active: impl Iterator<Item = bool>, step: u64) -> Vec<Firing> {
    let mut firings: Vec<Firing> = Vec::new();
    let mut firing = false;
    for (i, active) in active.enumerate() {
        let at = (i as u64 + 1) * step;
        if active && !firing {
            firings.push(Firing {
                fires_at_seconds: at,
                resets_at_seconds: None,
            });
        } else if !active && firing {
            if let Some(last) = firings.last_mut() {
                last.resets_at_seconds = Some(at);
            }
        }
        firing = active;
    }
    firings
}

/// Runs the scenario. Call `Scenario::validate` first: an invalid scenario gives
/// meaningless numbers, never a panic.
pub fn simulate(scenario: &Scenario) -> Simulation {
    let minutes = (scenario.window_seconds / STEP).max(1) as usize;
    let budget = 1.0 - scenario.target;
    let latency_error_ratio = scenario
        .latency
        .as_ref()
        .map(|l| slow_fraction(&l.buckets, l.threshold_ms));
    let base = combine(
        scenario.baseline_error_ratio,
        latency_error_ratio.unwrap_or(0.0),
    );

    let longest = scenario
        .tiers
        .iter()
        .map(|t| (t.long_window_seconds / STEP) as usize)
        .max()
        .unwrap_or(0);
    // Error ratio per minute, led by `longest` minutes of baseline before the window.
    let mut error = vec![base; longest + minutes];
    for incident in &scenario.incidents {
        let end = incident
            .start_seconds
            .saturating_add(incident.duration_seconds)
            .min(scenario.window_seconds);
        let mut t = incident.start_seconds;
        while t < end {
            let minute = (t / STEP) as usize;
            let minute_end = (minute as u64 + 1) * STEP;
            let covered = (end.min(minute_end) - t) as f64 / STEP as f64;
            let slot = &mut error[longest + minute];
            *slot = combine(*slot, incident.error_ratio * covered);
            t = minute_end;
        }
    }
    // prefix[k] = sum of error[..k]: any window's mean error ratio in O(1).
    let mut prefix = Vec::with_capacity(error.len() + 1);
    prefix.push(0.0);
    let mut sum = 0.0;
    for e in &error {
        sum += e;
        prefix.push(sum);
    }
    let burn_at = |window_minutes: usize, minute: usize| {
        let end = longest + minute + 1;
        (prefix[end] - prefix[end - window_minutes]) / window_minutes as f64 / budget
    };

    let tiers = scenario
        .tiers
        .iter()
        .map(|tier| {
            let threshold = tier.burn_rate(scenario.window_seconds);
            let busy = scenario.requests_per_second >= tier.min_events_per_second.unwrap_or(0.0)
                && scenario.requests_per_second > 0.0;
            let (long, short) = (
                (tier.long_window_seconds / STEP) as usize,
                (tier.short_window_seconds / STEP) as usize,
            );
            // Each minute's burn rates read off the prefix sums as the tier asks for them,
            // not kept per window: the browser's first what-if runs before its wasm is
            // optimised, and writing 7 windows x 43,200 minutes cost it most of its time.
            let active = (0..minutes).map(|m| {
                busy && exceeds(burn_at(long, m), threshold)
                    && exceeds(burn_at(short, m), threshold)
            });
            let firings = firings(active, STEP);
            TierTimeline {
                name: tier.name.clone(),
                severity: tier.severity,
                burn_rate_threshold: threshold,
                firings,
            }
        })
        .collect();

    // Budget: the window's traffic is rps x window, of which (1 - target) may fail.
    let allowed = budget * minutes as f64;
    let mut budget_remaining = Vec::with_capacity(minutes);
    let mut exhausted_at_seconds = None;
    let mut previous = 1.0;
    for m in 0..minutes {
        let spent = (prefix[longest + m + 1] - prefix[longest]) / allowed;
        let remaining = if scenario.requests_per_second > 0.0 {
            1.0 - spent
        } else {
            1.0
        };
        if exhausted_at_seconds.is_none() && remaining <= 0.0 {
            let into_minute = if previous > remaining {
                previous / (previous - remaining)
            } else {
                1.0
            };
            exhausted_at_seconds = Some((m as f64 + into_minute) * STEP as f64);
        }
        previous = remaining;
        budget_remaining.push(remaining);
    }
    let budget_consumed = 1.0 - budget_remaining.last().copied().unwrap_or(1.0);
    Simulation {
        step_seconds: STEP,
        budget_remaining,
        tiers,
        budget_consumed,
        exhausted_at_seconds,
        latency_error_ratio,
    }
}

/// False for NaN as well as for zero and below.
fn is_positive(x: f64) -> bool {
    x > 0.0
}

fn combine(a: f64, b: f64) -> f64 {
    1.0 - (1.0 - a) * (1.0 - b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::{DAY, HOUR};
    use crate::window::Window;

    fn scenario(incidents: Vec<Incident>) -> Scenario {
        Scenario {
            target: 0.999,
            window_seconds: 30 * DAY,
            tiers: AlertTier::defaults_for(30 * DAY, None, None).unwrap(),
            requests_per_second: 100.0,
            baseline_error_ratio: 0.0,
            incidents,
            latency: None,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_clean_window_spends_nothing() {
        let sim = simulate(&scenario(vec![]));
        assert_eq!(sim.budget_remaining.len(), 43_200);
        assert!(close(sim.budget_consumed, 0.0));
        assert!(sim.tiers.iter().all(|t| t.firings.is_empty()));
        assert_eq!(sim.exhausted_at_seconds, None);
    }

    #[test]
    fn a_full_outage_fires_the_fast_page_at_the_workbook_time_and_spends_budget() {
        // 30 minutes of 100% errors against 99.9%: burn rate 1000. The 1h tier needs 14.4 x
        // 60 / 1000 = 0.864 minutes, so it fires at the end of the first minute.
        let sim = simulate(&scenario(vec![Incident {
            start_seconds: DAY,
            duration_seconds: 30 * MINUTE,
            error_ratio: 1.0,
        }]));
        let page = &sim.tiers[0];
        assert_eq!(page.firings[0].fires_at_seconds, DAY + MINUTE);
        // 30 of the window's 43.2 allowed minutes of outage.
        assert!(close(sim.budget_consumed, 30.0 / 43.2));
        assert_eq!(sim.exhausted_at_seconds, None);
        // The short window (5m) clears 5 minutes after the outage ends, give or take a minute.
        let reset = page.firings[0].resets_at_seconds.unwrap();
        assert!(
            (DAY + 30 * MINUTE..=DAY + 36 * MINUTE).contains(&reset),
            "reset at {reset}"
        );
    }

    #[test]
    fn a_long_outage_exhausts_the_budget_at_the_allowed_downtime() {
        let sim = simulate(&scenario(vec![Incident {
            start_seconds: 0,
            duration_seconds: 2 * HOUR,
            error_ratio: 1.0,
        }]));
        // 43 min 12 s of full outage spends the budget of 99.9% over 30 days.
        let at = sim.exhausted_at_seconds.unwrap();
        assert!((at - 2592.0).abs() < 1e-6, "{at}");
        assert!(sim.tiers.iter().all(|t| !t.firings.is_empty()));
    }

    #[test]
    fn steady_errors_at_the_budget_burn_it_exactly_by_the_end() {
        let mut s = scenario(vec![]);
        s.baseline_error_ratio = 0.001;
        let sim = simulate(&s);
        assert!((sim.budget_consumed - 1.0).abs() < 1e-9);
        // Burn rate 1 reaches the 3-day ticket threshold of 1 (and so fires from the start).
        assert_eq!(sim.tiers[3].firings.len(), 1);
        assert!(sim.tiers[..3].iter().all(|t| t.firings.is_empty()));
    }

    #[test]
    fn latency_threshold_adds_slow_requests_as_errors() {
        let buckets = vec![(100.0, 900), (200.0, 90), (f64::INFINITY, 10)];
        assert!(close(slow_fraction(&buckets, 150.0), 0.055));
        assert!(close(slow_fraction(&buckets, 200.0), 0.01));
        assert!(close(slow_fraction(&buckets, 50.0), 0.55));
        let mut s = scenario(vec![]);
        s.latency = Some(LatencyScenario {
            buckets,
            threshold_ms: 200.0,
        });
        let sim = simulate(&s);
        assert!(close(sim.latency_error_ratio.unwrap(), 0.01));
        assert!(sim.exhausted_at_seconds.is_some());
    }

    #[test]
    fn histogram_text_is_read_or_refused_with_the_reason() {
        assert_eq!(
            parse_buckets("50:7000, 100:2500, +Inf:5"),
            Ok(vec![(50.0, 7000), (100.0, 2500), (f64::INFINITY, 5)])
        );
        assert!(parse_buckets("100:1, 50:2")
            .unwrap_err()
            .contains("bounds must rise"));
        assert!(parse_buckets("abc")
            .unwrap_err()
            .contains("not upper:count"));
        assert!(parse_buckets("").unwrap_err().contains("no buckets"));
        assert!(parse_buckets("50:-1").unwrap_err().contains("not a count"));
        assert_eq!(parse_threshold_ms("300"), Ok(300.0));
        assert!(parse_threshold_ms("0").is_err());
    }

    #[test]
    fn partial_minutes_count_in_proportion() {
        let sim = simulate(&scenario(vec![Incident {
            start_seconds: 30,
            duration_seconds: 60,
            error_ratio: 1.0,
        }]));
        assert!(close(sim.budget_consumed, 1.0 / 43.2));
    }

    #[test]
    fn a_scenario_file_states_its_traffic() {
        let file =
            serde_json::json!({"target": 0.999, "window": "30d", "alerts": {"disable": ["nope"]}});
        let errors = Scenario::from_json(&file).unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        // Reported with the other errors, not instead of them.
        assert_eq!(paths, ["requests_per_second", "alerts.disable[0]"]);
        assert!(errors[0]
            .message
            .starts_with("is required: requests per second"));
    }

    #[test]
    fn invalid_scenarios_name_the_field() {
        let mut s = scenario(vec![Incident {
            start_seconds: 500 * DAY,
            duration_seconds: 0,
            error_ratio: 1.5,
        }]);
        s.requests_per_second = -1.0;
        s.window_seconds = 400 * DAY;
        let paths: Vec<String> = s.validate().into_iter().map(|e| e.path).collect();
        assert_eq!(
            paths,
            [
                "window",
                "requests_per_second",
                "incidents[0].error_ratio",
                "incidents[0].duration",
                "incidents[0].start"
            ]
        );
    }

    #[test]
    fn a_typed_window_is_refused_when_the_simulator_cannot_hold_it() {
        assert_eq!(
            parse_window("30d"),
            Ok(Window::Rolling { seconds: 30 * DAY })
        );
        assert!(parse_window("400d").unwrap_err().contains("up to 366d"));
        assert!(parse_window("30s").unwrap_err().contains("at least 1m"));
        assert!(parse_window("0d").unwrap_err().contains("not a window"));
    }
}
