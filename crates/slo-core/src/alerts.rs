//! Multiwindow, multi-burn-rate alert tiers (Google SRE Workbook, chapter 5), kept as data.

use crate::duration::{format_duration, DAY, HOUR, MINUTE};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Page,
    Ticket,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Page => "page",
            Severity::Ticket => "ticket",
        }
    }
}

/// One alert tier of an SLO: fire when both windows burn at least at the tier's rate.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertTier {
    pub name: String,
    pub severity: Severity,
    /// Share of the whole window's budget that burning at the threshold for the long
    /// window consumes; the burn-rate threshold follows from it and the window.
    pub budget_fraction: f64,
    pub long_window_seconds: u64,
    pub short_window_seconds: u64,
    /// Guard against paging on a handful of requests: the long window must have seen at
    /// least this many events per second on average.
    pub min_events_per_second: Option<f64>,
}

/// A default tier as data: (name, severity, budget fraction, long window, short window).
type TierRow = (&'static str, Severity, f64, u64, u64);

/// The SRE Workbook's tiers, plus its 1-day ticket: for a 30-day window their burn-rate
/// thresholds are 14.4, 6, 3 and 1.
pub const DEFAULT_TIERS: [TierRow; 4] = [
    ("page-1h", Severity::Page, 0.02, HOUR, 5 * MINUTE),
    ("page-6h", Severity::Page, 0.05, 6 * HOUR, 30 * MINUTE),
    ("ticket-1d", Severity::Ticket, 0.10, DAY, 2 * HOUR),
    ("ticket-3d", Severity::Ticket, 0.10, 3 * DAY, 6 * HOUR),
];

impl AlertTier {
    /// The default tiers whose long window fits in an SLO window of `window_seconds`.
    pub fn defaults_for(window_seconds: u64, min_events_per_second: Option<f64>) -> Vec<AlertTier> {
        DEFAULT_TIERS
            .iter()
            .filter(|(_, _, _, long, _)| *long <= window_seconds)
            .map(
                |&(name, severity, budget_fraction, long, short)| AlertTier {
                    name: name.to_string(),
                    severity,
                    budget_fraction,
                    long_window_seconds: long,
                    short_window_seconds: short,
                    min_events_per_second,
                },
            )
            .collect()
    }

    /// Burn-rate threshold: budget fraction x window / long window.
    pub fn burn_rate(&self, window_seconds: u64) -> f64 {
        self.budget_fraction * window_seconds as f64 / self.long_window_seconds as f64
    }

    /// The least number of events the long window must hold for the tier to fire.
    pub fn min_events(&self) -> f64 {
        self.min_events_per_second.unwrap_or(0.0) * self.long_window_seconds as f64
    }

    pub fn to_json(&self) -> Value {
        let mut tier = json!({
            "name": self.name,
            "severity": self.severity.as_str(),
            "budget_fraction": self.budget_fraction,
            "long_window": format_duration(self.long_window_seconds),
            "short_window": format_duration(self.short_window_seconds),
        });
        if let Some(rate) = self.min_events_per_second {
            tier["min_events_per_second"] = json!(rate);
        }
        tier
    }

    /// What the tier means for an SLO with this target and window, and, given a steady
    /// error ratio starting on a clean window, how fast it detects it.
    pub fn analyze(
        &self,
        target: f64,
        window_seconds: u64,
        error_ratio: Option<f64>,
    ) -> TierAnalysis {
        let burn_rate = self.burn_rate(window_seconds);
        let budget = 1.0 - target;
        let error_ratio_threshold = burn_rate * budget;
        let (detection_seconds, reset_seconds) = match error_ratio {
            Some(e) => {
                let actual = e / budget;
                if e > 0.0 && reaches(actual, burn_rate) && error_ratio_threshold <= 1.0 {
                    // The long window's mean reaches the threshold after long x B / b; the
                    // short window gets there sooner. Once errors stop, the short window
                    // drops below the threshold after short x (1 - B / b).
                    let detection = self.long_window_seconds as f64 * burn_rate / actual;
                    let reset = self.short_window_seconds as f64 * (1.0 - burn_rate / actual);
                    (Some(detection), Some(reset))
                } else {
                    (None, None)
                }
            }
            None => (None, None),
        };
        TierAnalysis {
            name: self.name.clone(),
            severity: self.severity,
            long_window_seconds: self.long_window_seconds,
            short_window_seconds: self.short_window_seconds,
            burn_rate,
            error_ratio_threshold,
            budget_consumed: self.budget_fraction,
            can_fire: error_ratio_threshold <= 1.0,
            detection_seconds,
            reset_seconds,
        }
    }
}

/// `rate >= threshold`, forgiving the last bits of float error: 0.006 / (1 - 0.999) is
/// 5.999999999999995, and a ratio of exactly the threshold must count as reaching it.
pub fn reaches(rate: f64, threshold: f64) -> bool {
    rate >= threshold * (1.0 - 1e-12)
}

/// A tier's figures for one target and window.
#[derive(Debug, Clone, PartialEq)]
pub struct TierAnalysis {
    pub name: String,
    pub severity: Severity,
    pub long_window_seconds: u64,
    pub short_window_seconds: u64,
    pub burn_rate: f64,
    /// The error ratio at which the tier fires: burn rate x (1 - target).
    pub error_ratio_threshold: f64,
    /// Share of the window's budget spent by the time the tier fires at its threshold.
    pub budget_consumed: f64,
    /// False when the threshold needs an error ratio above 100%.
    pub can_fire: bool,
    /// Seconds from the start of a steady error ratio to the alert; `None` if it never fires.
    pub detection_seconds: Option<f64>,
    /// Seconds from the end of the errors to the alert resetting.
    pub reset_seconds: Option<f64>,
}

/// Every distinct window the tiers look at, shortest first.
pub fn tier_windows(tiers: &[AlertTier]) -> Vec<u64> {
    let mut windows: Vec<u64> = tiers
        .iter()
        .flat_map(|t| [t.short_window_seconds, t.long_window_seconds])
        .collect();
    windows.sort_unstable();
    windows.dedup();
    windows
}

/// Every tier analysed for one target and window.
pub fn analyze_tiers(
    tiers: &[AlertTier],
    target: f64,
    window_seconds: u64,
    error_ratio: Option<f64>,
) -> Vec<TierAnalysis> {
    tiers
        .iter()
        .map(|t| t.analyze(target, window_seconds, error_ratio))
        .collect()
}

/// Points of the detection-time curve, for charts: for error ratios spread
/// logarithmically from the tier's threshold up to 100%, the seconds to detection.
pub fn detection_curve(
    tier: &AlertTier,
    target: f64,
    window_seconds: u64,
    points: usize,
) -> Vec<(f64, f64)> {
    let threshold = tier.burn_rate(window_seconds) * (1.0 - target);
    if threshold > 1.0 || points < 2 {
        return Vec::new();
    }
    let (lo, hi) = (threshold.ln(), 0.0f64);
    (0..points)
        .filter_map(|i| {
            let e = (lo + (hi - lo) * i as f64 / (points - 1) as f64)
                .exp()
                .min(1.0);
            tier.analyze(target, window_seconds, Some(e))
                .detection_seconds
                .map(|d| (e, d))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONTH: u64 = 30 * DAY;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn default_thresholds_match_the_sre_workbook() {
        let rates: Vec<f64> = AlertTier::defaults_for(MONTH, None)
            .iter()
            .map(|t| t.burn_rate(MONTH))
            .collect();
        for (rate, expected) in rates.iter().zip([14.4, 6.0, 3.0, 1.0]) {
            assert!(close(*rate, expected), "{rate} != {expected}");
        }
    }

    #[test]
    fn thresholds_scale_with_the_window() {
        let tiers = AlertTier::defaults_for(28 * DAY, None);
        assert!(close(tiers[0].burn_rate(28 * DAY), 13.44));
        // A 1-day window keeps only the tiers that fit in it.
        let names: Vec<_> = AlertTier::defaults_for(DAY, None)
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["page-1h", "page-6h", "ticket-1d"]);
    }

    #[test]
    fn workbook_detection_times_for_a_999_slo() {
        let tiers = AlertTier::defaults_for(MONTH, None);
        // 100% errors against 99.9%: burn rate 1000; the 1h/14.4 tier fires after
        // 1h x 14.4 / 1000 = 51.84 s, having spent 2% of the budget.
        let fast = tiers[0].analyze(0.999, MONTH, Some(1.0));
        assert!(close(fast.detection_seconds.unwrap(), 51.84));
        assert!(close(fast.error_ratio_threshold, 0.0144));
        assert!(close(fast.budget_consumed, 0.02));
        // An error ratio of exactly the threshold fires after the full long window.
        let edge = tiers[1].analyze(0.999, MONTH, Some(0.006));
        assert!(close(edge.detection_seconds.unwrap(), 6.0 * 3600.0));
        // Below every threshold nothing fires.
        assert!(tiers[0]
            .analyze(0.999, MONTH, Some(0.01))
            .detection_seconds
            .is_none());
    }

    #[test]
    fn reset_time_is_the_short_window_minus_the_burn_margin() {
        let tier = &AlertTier::defaults_for(MONTH, None)[0];
        let a = tier.analyze(0.999, MONTH, Some(0.0288));
        assert!(close(a.reset_seconds.unwrap(), 150.0));
    }

    #[test]
    fn tiers_that_cannot_fire_are_flagged() {
        let tier = &AlertTier::defaults_for(MONTH, None)[0];
        let a = tier.analyze(0.9, MONTH, None);
        assert!(!a.can_fire);
        assert!(close(a.error_ratio_threshold, 1.44));
        assert!(detection_curve(tier, 0.9, MONTH, 10).is_empty());
    }

    #[test]
    fn detection_curve_falls_as_errors_rise() {
        let tier = &AlertTier::defaults_for(MONTH, None)[0];
        let curve = detection_curve(tier, 0.999, MONTH, 20);
        assert_eq!(curve.len(), 20);
        assert!(curve.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 > w[1].1));
        assert!(close(curve[0].1, 3600.0));
    }
}
