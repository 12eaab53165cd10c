//! Reading and checking a what-if scenario: the scenario file, and the texts the calculators
//! and the command take (latency buckets, a threshold, a window). Every problem at once.

use super::{is_positive, Incident, LatencyScenario, Scenario, MAX_WINDOW_SECONDS, STEP};
use crate::decode::{as_number, Errors, FieldError, Object};
use crate::duration::{parse_duration, parse_offset};
use crate::window::Window;
use serde_json::Value;

/// Share of requests slower than `threshold_ms`, interpolating linearly inside the bucket
/// the threshold falls in (the first bucket starts at 0 ms).
pub fn slow_fraction(buckets: &[(f64, u64)], threshold_ms: f64) -> f64 {
    // Summed as floats: counts are typed in, and two near u64::MAX overflow a u64 sum.
    let total: f64 = buckets.iter().map(|b| b.1 as f64).sum();
    if total == 0.0 {
        return 0.0;
    }
    let mut lower = 0.0;
    let mut slow = 0.0;
    for &(upper, count) in buckets {
        let count = count as f64;
        if threshold_ms <= lower {
            slow += count;
        } else if threshold_ms < upper {
            slow += if upper.is_finite() {
                count * (upper - threshold_ms) / (upper - lower)
            } else {
                count
            };
        }
        lower = upper;
    }
    slow / total
}

/// Reads histogram buckets typed as `50:7000, 100:2500, +Inf:5` (upper bound in ms :
/// requests in that bucket), bounds rising.
pub fn parse_buckets(text: &str) -> Result<Vec<(f64, u64)>, String> {
    const ALLOWED: &str = "allowed: comma-separated upper-ms:count pairs with rising bounds, such as 50:7000, 100:2500, +Inf:5";
    let mut buckets = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (upper, count) = pair
            .split_once(':')
            .ok_or_else(|| format!("“{pair}” is not upper:count; {ALLOWED}"))?;
        let upper = match upper.trim() {
            "+Inf" | "inf" | "Inf" => f64::INFINITY,
            other => other
                .parse::<f64>()
                .ok()
                .filter(|u| *u > 0.0)
                .ok_or_else(|| format!("“{other}” is not a bound in ms; {ALLOWED}"))?,
        };
        let count = count
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("“{}” is not a count; {ALLOWED}", count.trim()))?;
        if buckets.last().is_some_and(|&(last, _)| upper <= last) {
            return Err(format!(
                "bounds must rise, but {upper} follows {}; {ALLOWED}",
                buckets.last().map_or(0.0, |b: &(f64, u64)| b.0)
            ));
        }
        buckets.push((upper, count));
    }
    if buckets.is_empty() {
        return Err(format!("no buckets; {ALLOWED}"));
    }
    Ok(buckets)
}

/// A latency threshold in milliseconds, above 0.
pub fn parse_threshold_ms(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(ms) if ms > 0.0 && ms.is_finite() => Ok(ms),
        _ => Err(format!(
            "“{text}” is not a latency threshold; allowed: milliseconds above 0, such as 300"
        )),
    }
}

/// A window the simulator can replay, as typed in a form or a flag: the window's own
/// check and the simulator's, in one message, so that a shell can report it with the
/// other fields' before there is a scenario to validate.
pub fn parse_window(text: &str) -> Result<Window, String> {
    let window = Window::parse(text)?;
    check_window(window.nominal_seconds())?;
    Ok(window)
}

fn check_window(seconds: u64) -> Result<(), String> {
    if seconds < STEP {
        Err("is shorter than a minute; allowed: a window of at least 1m".into())
    } else if seconds > MAX_WINDOW_SECONDS {
        Err(format!(
            "{} is too long to simulate minute by minute; allowed: up to 366d",
            crate::duration::format_duration(seconds)
        ))
    } else {
        Ok(())
    }
}

impl Scenario {
    /// Every problem with the scenario, each named by its field.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Errors::default();
        let ratio = |errors: &mut Errors, path: &str, value: f64| {
            if !(0.0..=1.0).contains(&value) {
                errors.push(
                    path,
                    format!("{value} is out of range; allowed: an error ratio from 0 to 1"),
                );
            }
        };
        if !crate::target::is_valid_target(self.target) {
            errors.push(
                "target",
                format!(
                    "{} is out of range; allowed: a ratio between 0 and 1 exclusive",
                    self.target
                ),
            );
        }
        if let Err(message) = check_window(self.window_seconds) {
            errors.push("window", message);
        }
        if !(self.requests_per_second >= 0.0 && self.requests_per_second.is_finite()) {
            errors.push(
                "requests_per_second",
                format!(
                    "{} is not allowed; allowed: 0 or more requests per second",
                    self.requests_per_second
                ),
            );
        }
        ratio(
            &mut errors,
            "baseline_error_ratio",
            self.baseline_error_ratio,
        );
        for (i, incident) in self.incidents.iter().enumerate() {
            let path = format!("incidents[{i}]");
            ratio(
                &mut errors,
                &format!("{path}.error_ratio"),
                incident.error_ratio,
            );
            if incident.duration_seconds == 0 {
                errors.push(
                    &format!("{path}.duration"),
                    "is zero; allowed: a duration of at least 1s",
                );
            }
            if incident.start_seconds >= self.window_seconds {
                errors.push(
                    &format!("{path}.start"),
                    "is after the window ends; allowed: a start inside the window",
                );
            }
        }
        for (i, tier) in self.tiers.iter().enumerate() {
            if tier.long_window_seconds % STEP != 0 || tier.short_window_seconds % STEP != 0 {
                errors.push(
                    &format!("tiers[{i}]"),
                    "has a window that is not whole minutes; allowed: windows in whole minutes",
                );
            }
        }
        if let Some(latency) = &self.latency {
            if !is_positive(latency.threshold_ms) {
                errors.push(
                    "latency.threshold_ms",
                    format!(
                        "{} is not allowed; allowed: a threshold above 0 ms",
                        latency.threshold_ms
                    ),
                );
            }
            if latency.buckets.windows(2).any(|w| w[0].0 >= w[1].0)
                || latency.buckets.iter().any(|b| !is_positive(b.0))
            {
                errors.push("latency.buckets", "bounds must be above 0 and rising");
            }
        }
        errors.0
    }
}

const RATE_ALLOWED: &str = "requests per second, 0 or more, such as 50";

const SCENARIO_FIELDS: &[&str] = &[
    "target",
    "window",
    "requests_per_second",
    "baseline_error_ratio",
    "incidents",
    "latency",
    "alerts",
];

impl Scenario {
    /// Reads a scenario file: `target`, `window`, `requests_per_second`,
    /// `baseline_error_ratio`, `incidents` (each `start`, `duration`, `error_ratio`),
    /// `latency` (`buckets` as `[upper_ms, count]` pairs, `threshold_ms`) and `alerts` as
    /// in a spec. Returns every error with its path, validation included.
    pub fn from_json(value: &Value) -> Result<Scenario, Vec<FieldError>> {
        let mut errors = Errors::default();
        let Some(obj) = Object::read(value, "", SCENARIO_FIELDS, &mut errors) else {
            return Err(errors.0);
        };
        obj.required(
            "target",
            "a ratio between 0 and 1 exclusive, such as 0.999",
            &mut errors,
        );
        obj.required("window", Window::ALLOWED, &mut errors);
        // Required, as by every shell: traffic decides whether a tier with a traffic guard
        // may fire, and no default rate suits every service.
        obj.required("requests_per_second", RATE_ALLOWED, &mut errors);
        let target = obj.number("target", &mut errors);
        let window = obj.parsed("window", Window::parse, &mut errors);
        let mut incidents = Vec::new();
        for (path, v) in obj.array("incidents", &mut errors) {
            let Some(incident) =
                Object::read(v, &path, &["start", "duration", "error_ratio"], &mut errors)
            else {
                continue;
            };
            for key in ["start", "duration", "error_ratio"] {
                incident.required(key, "see the scenario format", &mut errors);
            }
            if let (Some(start_seconds), Some(duration_seconds), Some(error_ratio)) = (
                incident.parsed("start", parse_offset, &mut errors),
                incident.parsed("duration", parse_duration, &mut errors),
                incident.number("error_ratio", &mut errors),
            ) {
                incidents.push(Incident {
                    start_seconds,
                    duration_seconds,
                    error_ratio,
                });
            }
        }
        let latency = obj.get("latency").and_then(|v| {
            let latency = Object::read(v, "latency", &["buckets", "threshold_ms"], &mut errors)?;
            latency.required(
                "buckets",
                "a list of [upper bound ms, count] pairs",
                &mut errors,
            );
            latency.required("threshold_ms", "a threshold in ms", &mut errors);
            let buckets = latency
                .array("buckets", &mut errors)
                .into_iter()
                .filter_map(|(path, pair)| match pair.as_array().map(Vec::as_slice) {
                    Some([upper, count]) => {
                        let upper = match upper {
                            Value::String(s) if s == "+Inf" => Some(f64::INFINITY),
                            other => as_number(other, &path, &mut errors),
                        };
                        Some((
                            upper?,
                            count.as_u64().or_else(|| {
                                errors.push(&path, "the count is not a whole number");
                                None
                            })?,
                        ))
                    }
                    _ => {
                        errors.push(&path, "expected a pair [upper bound ms or \"+Inf\", count]");
                        None
                    }
                })
                .collect();
            Some(LatencyScenario {
                buckets,
                threshold_ms: latency.number("threshold_ms", &mut errors)?,
            })
        });
        let (Some(target), Some(window)) = (target, window) else {
            return Err(errors.0);
        };
        let alerts = crate::spec::read_alerts(
            obj.get("alerts"),
            "alerts",
            target,
            &window,
            None,
            crate::spec::TIER_FIELDS_OF_ALERTS,
            &mut errors,
        );
        let scenario = Scenario {
            target,
            window_seconds: window.nominal_seconds(),
            tiers: alerts.unwrap_or_default(),
            // A missing rate has its error recorded above, so this scenario is not returned.
            requests_per_second: obj
                .number("requests_per_second", &mut errors)
                .unwrap_or_default(),
            baseline_error_ratio: obj
                .number("baseline_error_ratio", &mut errors)
                .unwrap_or(0.0),
            incidents,
            latency,
        };
        errors.0.extend(scenario.validate());
        if errors.is_empty() {
            Ok(scenario)
        } else {
            Err(errors.0)
        }
    }
}
