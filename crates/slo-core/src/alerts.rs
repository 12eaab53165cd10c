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
    /// How long the condition must hold before the alert fires (Prometheus' `for:`,
    /// OpenSLO's `alertAfter`); 0 fires on the first evaluation that meets it. The rules
    /// carry it; the core's detection times do not add it.
    pub hold_seconds: u64,
    /// Guard against paging on a handful of requests: the long window must have seen at
    /// least this many events per second on average.
    pub min_events_per_second: Option<f64>,
    /// The spec says it wants a threshold below 1x: a tier that fires while the budget
    /// would still last the window (an early warning) is refused unless asked for.
    pub allow_burn_rate_below_one: bool,
}

/// A default tier as data, as the SRE Workbook gives it for a 30-day window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DefaultTier {
    pub name: &'static str,
    pub severity: Severity,
    /// The threshold, the same for every SLO window.
    pub burn_rate: f64,
    /// The windows for a 30-day SLO; other SLO windows scale them in proportion.
    pub long_window_seconds: u64,
    pub short_window_seconds: u64,
}

/// The SLO window the default tiers' windows are written for.
pub const DEFAULT_TIERS_WINDOW_SECONDS: u64 = 30 * DAY;

/// The SRE Workbook's multiwindow, multi-burn-rate table (chapter 5) for 30 days: 2%, 5%,
/// 10% and 10% of the budget. For another SLO window the windows scale with it and the
/// burn rates stay, so every tier spends the same share of the budget before it fires and
/// no threshold falls below 1x (which would fire while the budget lasts the window).
pub const DEFAULT_TIERS: [DefaultTier; 4] = [
    DefaultTier {
        name: "page-fast",
        severity: Severity::Page,
        burn_rate: 14.4,
        long_window_seconds: HOUR,
        short_window_seconds: 5 * MINUTE,
    },
    DefaultTier {
        name: "page-slow",
        severity: Severity::Page,
        burn_rate: 6.0,
        long_window_seconds: 6 * HOUR,
        short_window_seconds: 30 * MINUTE,
    },
    DefaultTier {
        name: "ticket-fast",
        severity: Severity::Ticket,
        burn_rate: 3.0,
        long_window_seconds: DAY,
        short_window_seconds: 2 * HOUR,
    },
    DefaultTier {
        name: "ticket-slow",
        severity: Severity::Ticket,
        burn_rate: 1.0,
        long_window_seconds: 3 * DAY,
        short_window_seconds: 6 * HOUR,
    },
];

/// The shortest alert window: Prometheus needs several scrapes (15 s to 1 min apart) in a
/// range to rate it, and the filter's finest counters are one minute wide.
pub const MIN_ALERT_WINDOW_SECONDS: u64 = MINUTE;

/// Why an SLO window gets no default tiers, as a message that says what to write instead.
#[derive(Debug, Clone, PartialEq)]
pub struct NoDefaultTiers {
    pub window_seconds: u64,
    /// The shortest window a tier may have: one minute, or the slice of a timeslice SLO.
    pub shortest_seconds: u64,
    /// The unrounded windows (long, short) the fastest default tier would get.
    pub fastest: (f64, f64),
}

impl NoDefaultTiers {
    /// The shortest SLO window for which the defaults work.
    pub fn least_window_seconds(&self) -> u64 {
        DEFAULT_TIERS
            .iter()
            .map(|t| {
                // The two conditions of `defaults_for`, solved for the SLO window.
                let for_short = (MIN_ALERT_WINDOW_SECONDS * DEFAULT_TIERS_WINDOW_SECONDS)
                    .div_ceil(t.short_window_seconds);
                let for_long = (2 * self.shortest_seconds * DEFAULT_TIERS_WINDOW_SECONDS)
                    .div_ceil(t.long_window_seconds);
                for_short.max(for_long).div_ceil(DAY) * DAY
            })
            .max()
            .unwrap_or(0)
    }
}

impl std::fmt::Display for NoDefaultTiers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (long, short) = self.fastest;
        let example_long = round_to_minutes(self.window_seconds as f64 / 24.0)
            .max(2 * self.shortest_seconds.max(MIN_ALERT_WINDOW_SECONDS));
        let example_short = round_to_minutes(example_long as f64 / 12.0)
            .max(self.shortest_seconds.max(MIN_ALERT_WINDOW_SECONDS));
        write!(
            f,
            "a {window} window is too short for the default tiers: scaled from the 30-day table, \
             the fastest would look back {long} with a {short} short window, and every alert window \
             must be at least {least} ({why}); the defaults need a window of at least {need}. \
             Write this SLO's own “alerts.tiers” (burn rates of at least 1, windows of at least {least}), \
             e.g. [{{\"name\": \"page\", \"severity\": \"page\", \"burn_rate\": 6, \"long_window\": \"{el}\", \"short_window\": \"{es}\"}}], \
             or use a longer window",
            window = format_duration(self.window_seconds),
            long = format_duration(long.round() as u64),
            short = format_duration(short.round() as u64),
            least = format_duration(self.shortest_seconds),
            why = if self.shortest_seconds > MIN_ALERT_WINDOW_SECONDS {
                "one time slice"
            } else {
                "Prometheus rates a range from several scrapes"
            },
            need = format_duration(self.least_window_seconds()),
            el = format_duration(example_long),
            es = format_duration(example_short),
        )
    }
}

fn round_to_minutes(seconds: f64) -> u64 {
    ((seconds / MINUTE as f64).round() as u64).max(1) * MINUTE
}

impl AlertTier {
    /// The default tiers for an SLO window, their windows scaled from the 30-day table and
    /// rounded to whole minutes. `slice_seconds` (timeslice SLOs) is the least a window may
    /// be, since a shorter one holds no whole slice; short windows are raised to it.
    pub fn defaults_for(
        window_seconds: u64,
        min_events_per_second: Option<f64>,
        slice_seconds: Option<u64>,
    ) -> Result<Vec<AlertTier>, NoDefaultTiers> {
        let shortest = slice_seconds.unwrap_or(0).max(MIN_ALERT_WINDOW_SECONDS);
        let scale = window_seconds as f64 / DEFAULT_TIERS_WINDOW_SECONDS as f64;
        let scaled = |t: &DefaultTier| {
            (
                t.long_window_seconds as f64 * scale,
                t.short_window_seconds as f64 * scale,
            )
        };
        let fastest = scaled(&DEFAULT_TIERS[0]);
        // The short window may be raised to one slice; the long one must hold two.
        let fits = |(long, short): (f64, f64)| {
            short >= MIN_ALERT_WINDOW_SECONDS as f64 && long >= 2.0 * shortest as f64
        };
        if !DEFAULT_TIERS.iter().all(|t| fits(scaled(t))) {
            return Err(NoDefaultTiers {
                window_seconds,
                shortest_seconds: shortest,
                fastest,
            });
        }
        Ok(DEFAULT_TIERS
            .iter()
            .map(|t| {
                let (long, short) = scaled(t);
                let long = round_to_minutes(long);
                AlertTier {
                    name: t.name.to_string(),
                    severity: t.severity,
                    budget_fraction: budget_fraction_of(t.burn_rate, long, window_seconds),
                    long_window_seconds: long,
                    short_window_seconds: round_to_minutes(short).max(shortest),
                    hold_seconds: 0,
                    min_events_per_second,
                    allow_burn_rate_below_one: false,
                }
            })
            .collect())
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
        if self.hold_seconds > 0 {
            tier["for"] = json!(format_duration(self.hold_seconds));
        }
        if let Some(rate) = self.min_events_per_second {
            tier["min_events_per_second"] = json!(rate);
        }
        if self.allow_burn_rate_below_one {
            tier["allow_burn_rate_below_one"] = json!(true);
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
                if e > 0.0 && exceeds(actual, burn_rate) {
                    // The long window's mean passes the threshold after long x B / b; the
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
            can_fire: exceeds(1.0, error_ratio_threshold),
            detection_seconds,
            reset_seconds,
        }
    }
}

/// The budget fraction a burn-rate threshold stands for, snapped to a short decimal when it
/// is within float error of one (so that 6x over 5h36m of 28d reads as 0.05, not
/// 0.049999999999999996). Every reader of thresholds and the defaults go through it, so
/// the same tier read twice compares equal.
pub fn budget_fraction_of(burn_rate: f64, long_window_seconds: u64, window_seconds: u64) -> f64 {
    snap(burn_rate * long_window_seconds as f64 / window_seconds as f64)
}

/// `x` rounded to 12 significant digits when that moves it by float error only.
pub fn snap(x: f64) -> f64 {
    let short = crate::format::significant(x, 12);
    if (short - x).abs() <= 8.0 * f64::EPSILON * x.abs() {
        short
    } else {
        x
    }
}

/// `rate >= threshold`, forgiving the last bits of float error: 0.006 / (1 - 0.999) is
/// 5.999999999999995, and a ratio of exactly the threshold must count as reaching it.
pub fn reaches(rate: f64, threshold: f64) -> bool {
    rate >= threshold * (1.0 - BURN_RATE_SLACK)
}

/// `rate > threshold`, a tier's firing condition (as Sloth's and Pyrra's rules compare):
/// an SLO burning exactly at a tier's rate, such as one sitting on its objective under a
/// 1x tier, does not alert forever. Float error on the threshold itself counts as equal:
/// 0.006 / (1 - 0.999) is 5.999999999999995 and 0.0060000000001 / 0.001 is not above 6.
pub fn exceeds(rate: f64, threshold: f64) -> bool {
    rate > threshold * (1.0 + BURN_RATE_SLACK)
}

/// How far above a tier's threshold its detection curve starts, relatively: past the float
/// error `exceeds` forgives, and close enough that the first point is the long window.
const CURVE_START_ABOVE: f64 = 1e-9;

/// The relative float error `reaches` and `exceeds` forgive.
const BURN_RATE_SLACK: f64 = 1e-12;

/// The greatest error ratio whose burn rate does not exceed `threshold` under `budget`:
/// loops over long histories compare ratios with it instead of dividing at every step.
pub fn greatest_error_ratio_not_exceeding(threshold: f64, budget: f64) -> f64 {
    threshold * budget * (1.0 + BURN_RATE_SLACK)
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
    if !exceeds(1.0, threshold) || points < 2 {
        return Vec::new();
    }
    // From just above the threshold (a ratio at it never fires) to a full outage.
    let (lo, hi) = ((threshold * (1.0 + CURVE_START_ABOVE)).ln(), 0.0f64);
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

    fn defaults(window: u64) -> Vec<AlertTier> {
        AlertTier::defaults_for(window, None, None).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn default_thresholds_match_the_sre_workbook() {
        let rates: Vec<f64> = defaults(MONTH).iter().map(|t| t.burn_rate(MONTH)).collect();
        for (rate, expected) in rates.iter().zip([14.4, 6.0, 3.0, 1.0]) {
            assert!(close(*rate, expected), "{rate} != {expected}");
        }
    }

    /// (long, short) windows of each default tier, as `format_duration` writes them.
    fn windows_of(window: u64) -> Vec<(String, String)> {
        defaults(window)
            .iter()
            .map(|t| {
                (
                    format_duration(t.long_window_seconds),
                    format_duration(t.short_window_seconds),
                )
            })
            .collect()
    }

    #[test]
    fn windows_scale_with_the_slo_window_and_burn_rates_stay() {
        let pairs =
            |list: [(&str, &str); 4]| list.map(|(l, s)| (l.to_string(), s.to_string())).to_vec();
        assert_eq!(
            windows_of(28 * DAY),
            pairs([
                ("56m", "5m"),
                ("5h36m", "28m"),
                ("22h24m", "1h52m"),
                ("2d19h12m", "5h36m")
            ])
        );
        assert_eq!(
            windows_of(7 * DAY),
            pairs([
                ("14m", "1m"),
                ("1h24m", "7m"),
                ("5h36m", "28m"),
                ("16h48m", "1h24m")
            ])
        );
        assert_eq!(
            windows_of(90 * DAY),
            pairs([("3h", "15m"), ("18h", "1h30m"), ("3d", "6h"), ("9d", "18h")])
        );
        for window in [7 * DAY, 14 * DAY, 28 * DAY, MONTH, 90 * DAY] {
            for (tier, expected) in defaults(window).iter().zip([14.4, 6.0, 3.0, 1.0]) {
                let rate = tier.burn_rate(window);
                assert!((rate - expected).abs() < 1e-9, "{window}: {rate}");
            }
        }
    }

    #[test]
    fn windows_too_short_for_prometheus_get_no_defaults() {
        let refused = AlertTier::defaults_for(DAY, None, None).unwrap_err();
        assert_eq!(refused.least_window_seconds(), 6 * DAY);
        let message = refused.to_string();
        assert!(message.starts_with("a 1d window is too short for the default tiers: scaled from the 30-day table, the fastest would look back 2m with a 10s short window, and every alert window must be at least 1m"), "{message}");
        assert!(
            message.contains(r#""long_window": "1h", "short_window": "5m""#),
            "{message}"
        );
        assert!(AlertTier::defaults_for(6 * HOUR, None, None).is_err());
        assert!(AlertTier::defaults_for(6 * DAY, None, None).is_ok());
    }

    #[test]
    fn a_slice_is_the_shortest_window() {
        // A week of 5-minute slices: short windows are raised to one slice.
        let tiers = AlertTier::defaults_for(7 * DAY, None, Some(5 * MINUTE)).unwrap();
        assert_eq!(tiers[0].short_window_seconds, 5 * MINUTE);
        assert_eq!(tiers[0].long_window_seconds, 14 * MINUTE);
        // Hour slices: the fastest long window (14m) cannot hold two.
        let refused = AlertTier::defaults_for(7 * DAY, None, Some(HOUR)).unwrap_err();
        assert_eq!(refused.least_window_seconds(), 60 * DAY);
        assert!(refused.to_string().contains("at least 1h (one time slice)"));
    }

    #[test]
    fn workbook_detection_times_for_a_999_slo() {
        let tiers = defaults(MONTH);
        // 100% errors against 99.9%: burn rate 1000; the 1h/14.4 tier fires after
        // 1h x 14.4 / 1000 = 51.84 s, having spent 2% of the budget.
        let fast = tiers[0].analyze(0.999, MONTH, Some(1.0));
        assert!(close(fast.detection_seconds.unwrap(), 51.84));
        assert!(close(fast.error_ratio_threshold, 0.0144));
        assert!(close(fast.budget_consumed, 0.02));
        // An error ratio of exactly the threshold never fires (a burn at a tier's rate is
        // not above it); a hair above, it fires after the full long window.
        let edge = tiers[1].analyze(0.999, MONTH, Some(0.006));
        assert_eq!(edge.detection_seconds, None);
        let above = tiers[1].analyze(0.999, MONTH, Some(0.006 * (1.0 + 1e-9)));
        assert!((above.detection_seconds.unwrap() - 6.0 * 3600.0).abs() < 1e-3);
        // Below every threshold nothing fires.
        assert!(tiers[0]
            .analyze(0.999, MONTH, Some(0.01))
            .detection_seconds
            .is_none());
    }

    #[test]
    fn reset_time_is_the_short_window_minus_the_burn_margin() {
        let tier = &defaults(MONTH)[0];
        let a = tier.analyze(0.999, MONTH, Some(0.0288));
        assert!(close(a.reset_seconds.unwrap(), 150.0));
    }

    #[test]
    fn tiers_that_cannot_fire_are_flagged() {
        let tier = &defaults(MONTH)[0];
        let a = tier.analyze(0.9, MONTH, None);
        assert!(!a.can_fire);
        assert!(close(a.error_ratio_threshold, 1.44));
        assert!(detection_curve(tier, 0.9, MONTH, 10).is_empty());
    }

    #[test]
    fn detection_curve_falls_as_errors_rise() {
        let tier = &defaults(MONTH)[0];
        let curve = detection_curve(tier, 0.999, MONTH, 20);
        assert_eq!(curve.len(), 20);
        assert!(curve.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 > w[1].1));
        // It starts a hair above the threshold, where detection takes the long window.
        assert!((curve[0].1 - 3600.0).abs() < 1e-3);
    }
}
