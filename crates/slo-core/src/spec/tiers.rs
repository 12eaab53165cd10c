//! Reading an SLO's `alerts`: its tiers (or the defaults) checked against the SLO, and
//! what its alerts carry.

use super::read::{read_duration, read_name};
#[cfg(feature = "full-reader")]
use crate::alert_metadata::AlertMetadata;
use crate::alerts::{budget_fraction_of, reaches, AlertTier, Severity, MIN_ALERT_WINDOW_SECONDS};
use crate::decode::{as_number, as_string, kind, Errors, Object};
use crate::duration::format_duration;
use crate::window::Window;
use serde_json::Value;
use std::collections::BTreeSet;

/// What `alerts` holds: the tiers, and what the alerts carry (`alert_metadata`).
pub(crate) const TIER_FIELDS_OF_ALERTS: &[&str] = &["tiers", "disable", "min_events_per_second"];
pub(super) const SLO_ALERTS_FIELDS: &[&str] = &[
    "tiers",
    "disable",
    "min_events_per_second",
    "name",
    "labels",
    "annotations",
    "page",
    "ticket",
];

/// The SLO's alert metadata, from an `alerts` object whose fields read_alerts checked.
#[cfg(feature = "full-reader")]
pub(super) fn read_alert_metadata(slo: &Object, errors: &mut Errors) -> AlertMetadata {
    slo.get("alerts")
        .and_then(|v| Object::checked_before(v, &slo.path_of("alerts")))
        .map(|alerts| AlertMetadata::read(&alerts, errors))
        .unwrap_or_default()
}

const TIER_FIELDS: &[&str] = &[
    "name",
    "severity",
    "budget_fraction",
    "burn_rate",
    "long_window",
    "short_window",
    "for",
    "min_events_per_second",
    "allow_burn_rate_below_one",
];

/// Reads an `alerts` object (absent: the default tiers) and checks each tier against the
/// SLO's target, window and, for timeslice budgeting, slice length.
pub(crate) fn read_alerts(
    value: Option<&Value>,
    path: &str,
    target: f64,
    window: &Window,
    slice_seconds: Option<u64>,
    fields: &[&str],
    errors: &mut Errors,
) -> Option<Vec<AlertTier>> {
    let window_seconds = window.nominal_seconds();
    let before = errors.0.len();
    let slo = TierContext {
        target,
        window_seconds,
        slice_seconds,
    };
    let defaults = |min_rate, errors: &mut Errors| {
        AlertTier::defaults_for(window_seconds, min_rate, slice_seconds)
            .map_err(|refused| errors.push(path, refused.to_string()))
            .ok()
    };
    let Some(value) = value else {
        let tiers = defaults(None, errors)?;
        check_tiers(&tiers, false, &slo, path, errors);
        return (errors.0.len() == before).then_some(tiers);
    };
    let obj = Object::read(value, path, fields, errors)?;
    let min_rate = read_min_rate(&obj, errors);
    let mut tiers = if obj.get("tiers").is_some() {
        obj.array("tiers", errors)
            .into_iter()
            .filter_map(|(p, v)| read_tier(v, &p, window_seconds, min_rate, errors))
            .collect()
    } else {
        defaults(min_rate, errors)?
    };
    for (p, v) in obj.array("disable", errors) {
        let Some(name) = as_string(v, &p, errors) else {
            continue;
        };
        let known: Vec<&str> = tiers.iter().map(|t| t.name.as_str()).collect();
        if !known.contains(&name) {
            let hint = crate::decode::closest(name, &known)
                .map(|n| format!("did you mean “{n}”? "))
                .unwrap_or_default();
            errors.push(
                &p,
                format!(
                    "no tier is named {name:?}; {hint}tiers: {}",
                    known.join(", ")
                ),
            );
        }
        tiers.retain(|t| t.name != name);
    }
    check_tiers(&tiers, obj.get("tiers").is_some(), &slo, path, errors);
    (errors.0.len() == before).then_some(tiers)
}

fn read_min_rate(obj: &Object, errors: &mut Errors) -> Option<f64> {
    let rate = obj.number("min_events_per_second", errors)?;
    if rate >= 0.0 {
        Some(rate)
    } else {
        errors.push(
            &obj.path_of("min_events_per_second"),
            format!("{rate} is negative; allowed: 0 or more events per second"),
        );
        None
    }
}

fn read_tier(
    value: &Value,
    path: &str,
    window_seconds: u64,
    inherited_min_rate: Option<f64>,
    errors: &mut Errors,
) -> Option<AlertTier> {
    let obj = Object::read(value, path, TIER_FIELDS, errors)?;
    let before = errors.0.len();
    let name = read_name(&obj, errors);
    obj.required("severity", "\"page\" or \"ticket\"", errors);
    let severity = obj.string("severity", errors).and_then(|s| match s {
        "page" => Some(Severity::Page),
        "ticket" => Some(Severity::Ticket),
        other => {
            errors.push(
                &obj.path_of("severity"),
                format!("{other:?} is not a severity; allowed: \"page\" or \"ticket\""),
            );
            None
        }
    });
    obj.required("long_window", "a duration such as 1h", errors);
    obj.required("short_window", "a duration such as 5m", errors);
    let long = read_duration(&obj, "long_window", errors);
    let short = read_duration(&obj, "short_window", errors);
    let hold = match obj.get("for") {
        Some(_) => read_duration(&obj, "for", errors),
        None => Some(0),
    };
    let budget_fraction = match (obj.get("budget_fraction"), obj.get("burn_rate")) {
        (Some(_), Some(_)) => {
            errors.push(
                path,
                "sets both budget_fraction and burn_rate; allowed: one of them",
            );
            None
        }
        (None, None) => {
            errors.push(&obj.path_of("budget_fraction"), "is required (or burn_rate): the share of the budget the tier lets burn over its long window, such as 0.02");
            None
        }
        (Some(v), None) => as_number(v, &obj.path_of("budget_fraction"), errors).and_then(|f| {
            if f > 0.0 && f <= 1.0 {
                Some(f)
            } else {
                errors.push(
                    &obj.path_of("budget_fraction"),
                    format!("{f} is out of range; allowed: above 0 and at most 1"),
                );
                None
            }
        }),
        (None, Some(v)) => {
            as_number(v, &obj.path_of("burn_rate"), errors).and_then(|rate| match long {
                Some(long) if rate > 0.0 => {
                    let fraction = budget_fraction_of(rate, long, window_seconds);
                    if fraction <= 1.0 {
                        Some(fraction)
                    } else {
                        // The same limit a budget_fraction has: the tier could only fire
                        // after the whole budget was gone.
                        errors.push(
                            &obj.path_of("burn_rate"),
                            format!(
                                "{rate} over a long window of {} would spend {} of the {} budget before it fires; allowed: at most {} (SLO window / long window)",
                                format_duration(long),
                                crate::format::percent(fraction),
                                format_duration(window_seconds),
                                crate::format::number(window_seconds as f64 / long as f64),
                            ),
                        );
                        None
                    }
                }
                Some(_) => {
                    errors.push(
                        &obj.path_of("burn_rate"),
                        format!(
                            "{rate} is not allowed; allowed: a burn rate above 0, such as 14.4"
                        ),
                    );
                    None
                }
                None => None,
            })
        }
    };
    let min_events_per_second = match obj.get("min_events_per_second") {
        Some(_) => read_min_rate(&obj, errors),
        None => inherited_min_rate,
    };
    let allow_burn_rate_below_one = obj
        .get("allow_burn_rate_below_one")
        .and_then(|v| {
            let flag = v.as_bool();
            if flag.is_none() {
                errors.push(
                    &obj.path_of("allow_burn_rate_below_one"),
                    format!("{} is not allowed; allowed: true or false", kind(v)),
                );
            }
            flag
        })
        .unwrap_or(false);
    if errors.0.len() > before {
        return None;
    }
    Some(AlertTier {
        name: name?,
        severity: severity?,
        budget_fraction: budget_fraction?,
        long_window_seconds: long?,
        short_window_seconds: short?,
        hold_seconds: hold?,
        min_events_per_second,
        allow_burn_rate_below_one,
    })
}

/// What a tier is checked against: its SLO's target, window and slice length.
struct TierContext {
    target: f64,
    window_seconds: u64,
    slice_seconds: Option<u64>,
}

/// Checks tiers against the SLO; `listed` says whether the spec lists them (so each has
/// an index) or they are the defaults (named in the message instead).
fn check_tiers(
    tiers: &[AlertTier],
    listed: bool,
    slo: &TierContext,
    path: &str,
    errors: &mut Errors,
) {
    for (i, tier) in tiers.iter().enumerate() {
        let (tier_path, label) = if listed {
            (format!("{path}.tiers[{i}]"), String::new())
        } else {
            (path.to_string(), format!("default tier {} ", tier.name))
        };
        check_tier(tier, slo, &tier_path, &label, errors);
    }
    let mut seen = BTreeSet::new();
    for (i, tier) in tiers.iter().enumerate() {
        if !seen.insert(tier.name.as_str()) {
            errors.push(
                &format!("{path}.tiers[{i}].name"),
                format!(
                    "{:?} is used by another tier of this SLO; allowed: unique tier names",
                    tier.name
                ),
            );
        }
    }
}

/// `label` names the tier in messages when the path cannot (a default tier has no index).
fn check_tier(tier: &AlertTier, slo: &TierContext, path: &str, label: &str, errors: &mut Errors) {
    let (short, long) = (
        format_duration(tier.short_window_seconds),
        format_duration(tier.long_window_seconds),
    );
    let window = format_duration(slo.window_seconds);
    if tier.short_window_seconds >= tier.long_window_seconds {
        errors.push(path, format!(
            "{label}short window {short} is not shorter than long window {long}; allowed: a short window shorter than the long one (commonly 1/12 of it)"
        ));
    }
    if tier.long_window_seconds > slo.window_seconds {
        errors.push(path, format!(
            "{label}long window {long} is longer than the SLO window {window}; allowed: a long window no longer than the SLO window"
        ));
    }
    let (least, why) = match slo.slice_seconds {
        Some(slice) if slice > MIN_ALERT_WINDOW_SECONDS => (
            slice,
            "one time slice of this SLO: a shorter window holds no judged slice",
        ),
        _ => (
            MIN_ALERT_WINDOW_SECONDS,
            "Prometheus rates a range from several scrapes, and the filter counts by the minute",
        ),
    };
    if tier.short_window_seconds < least {
        errors.push(
            path,
            format!(
                "{label}short window {short} is too short; allowed: at least {} ({why})",
                format_duration(least)
            ),
        );
    }
    let burn_rate = tier.burn_rate(slo.window_seconds);
    let target = slo.target;
    if !crate::alerts::exceeds(1.0, burn_rate * (1.0 - target)) {
        errors.push(path, format!(
            "{label}can never fire: burn rate {burn_rate:.3} fires above an error ratio of {:.3}, and no ratio is above 100%, with a target of {target}; allowed: a burn rate below {:.3} (1 / error budget), or switch the tier off in alerts.disable",
            burn_rate * (1.0 - target), 1.0 / (1.0 - target)
        ));
    }
    if !reaches(burn_rate, 1.0) && !tier.allow_burn_rate_below_one {
        errors.push(path, format!(
            "{label}burn rate {} is below 1x: the tier would fire while the budget lasts the whole {window} window (at this rate only {} of it is spent); allowed: a burn rate of at least 1 (a budget_fraction of at least {} for a {long} long window), or \"allow_burn_rate_below_one\": true if this early warning is intended",
            crate::format::burn_rate(burn_rate),
            crate::format::percent(burn_rate),
            crate::format::number(tier.long_window_seconds as f64 / slo.window_seconds as f64),
        ));
    }
}
