//! An SLO's live state from its sliding-window counts: budget left, burn rate over each
//! alert window, which tiers are firing. The filter publishes this as gauges and as the
//! status endpoint's JSON; anything else holding the same counts gets the same answer.

use crate::alerts::{reaches, Severity};
use crate::budget::{budget_remaining, burn_rate};
use crate::counters::{Counts, SlidingCounts};
use crate::spec::Slo;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct SloStatus {
    pub name: String,
    pub target: f64,
    /// The part of the SLO window that the counts cover: all of a rolling window, or the
    /// calendar period up to now.
    pub window_start: u64,
    pub counts: Counts,
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
    pub long_burn_rate: f64,
    pub short_burn_rate: f64,
    /// Both windows at or above the threshold, and the long window busy enough.
    pub active: bool,
}

/// Windows the counters of an SLO must answer: the SLO window and every tier window.
pub fn windows_of(slo: &Slo) -> Vec<u64> {
    let mut windows: Vec<u64> = slo
        .alerts
        .iter()
        .flat_map(|t| [t.short_window_seconds, t.long_window_seconds])
        .collect();
    windows.sort_unstable();
    windows.dedup();
    windows
}

/// Counters sized for an SLO.
pub fn counters_for(slo: &Slo) -> SlidingCounts {
    SlidingCounts::new(slo.window.max_seconds())
}

/// The SLO's state at `now` (Unix seconds). Timeslice SLOs are judged by their events here
/// (as occurrences): the counters keep no per-slice verdicts.
pub fn evaluate(slo: &Slo, counters: &SlidingCounts, now: u64) -> SloStatus {
    let (window_start, _) = slo.window.bounds_at(now);
    let counts = counters.counts(now, now - window_start);
    let rate = |window: u64| {
        let c = counters.counts(now, window);
        burn_rate(c.good, c.bad, slo.target)
    };
    let burn_rates: Vec<(u64, f64)> = windows_of(slo).into_iter().map(|w| (w, rate(w))).collect();
    let rate_of = |w: u64| {
        burn_rates
            .iter()
            .find(|(window, _)| *window == w)
            .map_or(0.0, |(_, r)| *r)
    };
    let window_seconds = slo.window.nominal_seconds();
    let tiers = slo
        .alerts
        .iter()
        .map(|tier| {
            let threshold = tier.burn_rate(window_seconds);
            let long = rate_of(tier.long_window_seconds);
            let short = rate_of(tier.short_window_seconds);
            let busy =
                counters.counts(now, tier.long_window_seconds).total() as f64 >= tier.min_events();
            TierStatus {
                name: tier.name.clone(),
                severity: tier.severity,
                burn_rate_threshold: threshold,
                long_burn_rate: long,
                short_burn_rate: short,
                active: busy && long > 0.0 && reaches(long, threshold) && reaches(short, threshold),
            }
        })
        .collect();
    SloStatus {
        name: slo.name.clone(),
        target: slo.target,
        window_start,
        counts,
        budget_remaining: budget_remaining(counts.good, counts.bad, slo.target),
        burn_rates,
        tiers,
    }
}

impl SloStatus {
    /// The status endpoint's JSON for one SLO.
    pub fn to_json(&self, slo: &Slo) -> Value {
        json!({
            "slo": self.name,
            "target": self.target,
            "window": slo.window.to_string(),
            "budgeting": slo.budgeting.name(),
            "window_start_seconds": self.window_start,
            "good": self.counts.good,
            "bad": self.counts.bad,
            "error_budget_remaining_ratio": self.budget_remaining,
            "burn_rates": self.burn_rates.iter().map(|(w, r)| json!({"window": crate::duration::format_duration(*w), "window_seconds": w, "burn_rate": r})).collect::<Vec<_>>(),
            "tiers": self.tiers.iter().map(|t| json!({
                "name": t.name,
                "severity": t.severity.as_str(),
                "burn_rate_threshold": t.burn_rate_threshold,
                "long_burn_rate": t.long_burn_rate,
                "short_burn_rate": t.short_burn_rate,
                "active": t.active,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::{DAY, MINUTE};
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
        let mut counters = counters_for(&slo);
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
        assert_eq!(active, ["page-1h"]);
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
    fn the_minimum_rate_guard_holds_back_quiet_tiers() {
        let slo = slo(r#","alerts":{"min_events_per_second":1}"#);
        let mut counters = counters_for(&slo);
        counters.record(T0, 0, 10);
        let status = evaluate(&slo, &counters, T0 + 1);
        assert!(status.tiers.iter().all(|t| !t.active));
        assert!(status.tiers[0].long_burn_rate > 100.0);
    }

    #[test]
    fn json_names_every_figure() {
        let slo = slo("");
        let status = evaluate(&slo, &counters_for(&slo), T0);
        let json = status.to_json(&slo);
        assert_eq!(json["slo"], "a");
        assert_eq!(json["tiers"].as_array().unwrap().len(), 4);
        assert_eq!(json["burn_rates"][0]["window"], "5m");
        assert_eq!(json["error_budget_remaining_ratio"], 1.0);
    }
}
