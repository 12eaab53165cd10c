//! The alert calculator's result: each tier's thresholds for a target and window, and how
//! it meets a steady error ratio.

use super::result;
use crate::alerts::{analyze_tiers, detection_curve, AlertTier};
use crate::duration::{format_duration, humanize_seconds};
use crate::format;
use crate::target::format_target;
use crate::window::Window;

/// Points on each tier's detection-time curve: enough for a smooth line on a log scale.
pub const CURVE_POINTS: usize = 48;

result! {
    /// Alert tiers for a target and window, at an optional steady error ratio.
    pub struct Alerts {
        pub target: f64,
        pub target_text: String,
        pub window: String,
        pub window_text: String,
        pub window_seconds: u64,
        pub error_ratio: Option<f64>,
        pub error_ratio_text: Option<String>,
        pub tiers: Vec<AlertsTier>,
    }
}

result! {
    /// One tier: its windows, thresholds, and detection at the error ratio.
    pub struct AlertsTier {
        pub name: String,
        pub severity: &'static str,
        pub long_window: String,
        pub long_window_seconds: u64,
        pub short_window: String,
        pub short_window_seconds: u64,
        pub burn_rate: f64,
        pub burn_rate_text: String,
        pub error_ratio_threshold: f64,
        pub error_ratio_threshold_text: String,
        /// Share of the window's budget spent by the time the tier fires at its threshold.
        pub budget_consumed: f64,
        pub budget_consumed_text: String,
        pub can_fire: bool,
        /// Why a tier that cannot fire cannot, in a sentence.
        pub warning: Option<String>,
        pub detection_seconds: Option<f64>,
        /// `never` when the error ratio does not fire the tier; null without an error ratio.
        pub detection_text: Option<String>,
        pub reset_seconds: Option<f64>,
        pub reset_text: Option<String>,
        /// Time to fire against error ratio, for a chart: `[ratio, seconds, ratio, ...]`,
        /// from the tier's threshold up to 100%; empty when it cannot fire.
        pub detection_curve: Vec<f64>,
    }
}

impl Alerts {
    pub fn new(
        target: f64,
        window: Window,
        error_ratio: Option<f64>,
        tiers: &[AlertTier],
    ) -> Alerts {
        let window_seconds = window.nominal_seconds();
        let analyses = analyze_tiers(tiers, target, window_seconds, error_ratio);
        let target_text = format_target(target);
        let rows = tiers
            .iter()
            .zip(analyses)
            .map(|(tier, a)| AlertsTier {
                warning: (!a.can_fire).then(|| {
                    format!(
                        "{} can never fire: at {target_text} it needs an error ratio of {}, more than 100% of requests",
                        a.name,
                        format::percent(a.error_ratio_threshold)
                    )
                }),
                detection_text: error_ratio
                    .map(|_| a.detection_seconds.map_or("never".into(), humanize_seconds)),
                reset_text: a.reset_seconds.map(humanize_seconds),
                detection_curve: detection_curve(tier, target, window_seconds, CURVE_POINTS)
                    .into_iter()
                    .flat_map(|(ratio, seconds)| [ratio, seconds])
                    .collect(),
                name: a.name,
                severity: a.severity.as_str(),
                long_window: format_duration(a.long_window_seconds),
                long_window_seconds: a.long_window_seconds,
                short_window: format_duration(a.short_window_seconds),
                short_window_seconds: a.short_window_seconds,
                burn_rate: a.burn_rate,
                burn_rate_text: format::burn_rate(a.burn_rate),
                error_ratio_threshold: a.error_ratio_threshold,
                error_ratio_threshold_text: format::percent(a.error_ratio_threshold),
                budget_consumed: a.budget_consumed,
                budget_consumed_text: format::percent(a.budget_consumed),
                can_fire: a.can_fire,
                detection_seconds: a.detection_seconds,
                reset_seconds: a.reset_seconds,
            })
            .collect();
        Alerts {
            target,
            target_text,
            window: window.to_string(),
            window_text: window.describe(),
            window_seconds,
            error_ratio,
            error_ratio_text: error_ratio.map(format::percent),
            tiers: rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::DAY;

    fn alerts(target: f64, error_ratio: Option<f64>) -> Alerts {
        let tiers = AlertTier::defaults_for(30 * DAY, None, None).unwrap();
        Alerts::new(target, Window::parse("30d").unwrap(), error_ratio, &tiers)
    }

    #[test]
    fn a_tier_that_cannot_fire_says_why() {
        let fast = &alerts(0.9, None).tiers[0];
        assert!(!fast.can_fire && fast.detection_curve.is_empty());
        assert_eq!(
            fast.warning.as_deref(),
            Some("page-fast can never fire: at 90% it needs an error ratio of 144%, more than 100% of requests")
        );
    }

    #[test]
    fn detection_is_spelled_only_when_asked() {
        assert_eq!(alerts(0.999, None).tiers[0].detection_text, None);
        let at_one_percent = alerts(0.999, Some(0.01));
        assert_eq!(
            at_one_percent.tiers[0].detection_text.as_deref(),
            Some("never")
        );
        assert_eq!(at_one_percent.tiers[0].reset_text, None);
        let full_outage = alerts(0.999, Some(1.0));
        assert_eq!(
            full_outage.tiers[0].detection_text.as_deref(),
            Some("51.8 s")
        );
        assert_eq!(full_outage.tiers[0].detection_curve.len(), 2 * CURVE_POINTS);
    }
}
