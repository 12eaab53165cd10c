//! Writing the spec as OpenSLO v1 YAML.

use super::*;

pub(super) fn map(pairs: Vec<(&str, Yaml)>) -> Yaml {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(Yaml::from(k), v);
    }
    Yaml::Mapping(m)
}

pub(super) fn s(text: &str) -> Yaml {
    Yaml::from(text)
}

pub(super) fn from_json(value: &Value) -> Yaml {
    serde_yaml_ng::to_value(value).expect("JSON values always convert to YAML")
}

pub(super) fn document(kind: &str, metadata: Yaml, spec: Yaml) -> Yaml {
    map(vec![
        ("apiVersion", s(API_VERSION)),
        ("kind", s(kind)),
        ("metadata", metadata),
        ("spec", spec),
    ])
}

pub(super) fn metadata(name: &str, annotations: Vec<(&str, Yaml)>) -> Yaml {
    let mut pairs = vec![("name", s(name))];
    if !annotations.is_empty() {
        pairs.push(("annotations", map(annotations)));
    }
    map(pairs)
}

/// The OpenSLO spelling of a whole number of seconds: the largest of d, h, m that divides
/// it, or seconds (our extension) when it is not whole minutes.
pub(super) fn shorthand(seconds: u64) -> String {
    for (unit, suffix) in [(DAY, 'd'), (HOUR, 'h'), (MINUTE, 'm')] {
        if seconds.is_multiple_of(unit) {
            return format!("{}{suffix}", seconds / unit);
        }
    }
    format!("{seconds}s")
}

pub(super) fn request_source(spec: Map<String, Value>) -> Yaml {
    map(vec![(
        "metricSource",
        map(vec![
            ("type", s(REQUEST_SOURCE_TYPE)),
            ("spec", from_json(&Value::Object(spec))),
        ]),
    )])
}

/// A Prometheus source as OpenSLO writes one: counters or expressions as `good`/`bad` and
/// `total` queries, an error-ratio expression as a `raw` failure ratio, and a histogram's
/// bucket over its count as a good/total ratio.
pub(super) fn prometheus_metric(sli: &PrometheusSli) -> (&'static str, Yaml) {
    let source = |query: &str| {
        map(vec![(
            "metricSource",
            map(vec![
                ("type", s(PROMETHEUS_SOURCE_TYPE)),
                ("spec", map(vec![("query", s(query))])),
            ]),
        )])
    };
    let pairs = match &sli.source {
        Source::Ratio {
            counted,
            events,
            total,
        } => vec![
            ("counter", Yaml::from(true)),
            (counted.as_str(), source(events.text())),
            ("total", source(total.text())),
        ],
        Source::ErrorRatio(expr) => vec![("raw", source(expr)), ("rawType", s("failure"))],
        Source::Latency(latency) => vec![
            ("counter", Yaml::from(true)),
            ("good", source(&latency.good_selector())),
            ("total", source(&latency.total_selector())),
        ],
    };
    ("ratioMetric", map(pairs))
}

/// A request SLI as a `thresholdMetric` when a latency threshold is its only bad outcome
/// (the threshold goes into the objective), else as a bad/total `ratioMetric`.
pub(super) fn request_metric(
    request: &RequestSli,
    mut sli: Map<String, Value>,
    objective: &mut Vec<(&'static str, Yaml)>,
) -> (&'static str, Yaml) {
    let bad = &request.bad;
    let threshold_form = bad.latency_threshold_ms.is_some()
        && bad.statuses.is_empty()
        && bad.grpc_statuses.is_empty();
    if threshold_form {
        sli.remove("latency");
        objective.push(("op", s("lte")));
        objective.push((
            "value",
            Yaml::from(bad.latency_threshold_ms.map(u64::from).unwrap_or_default()),
        ));
        ("thresholdMetric", request_source(sli))
    } else {
        let (mut total, mut bad_spec) = (Map::new(), Map::new());
        for (key, value) in sli {
            if ["bad", "latency", "abandoned"].contains(&key.as_str()) {
                bad_spec.insert(key, value);
            } else {
                total.insert(key, value);
            }
        }
        (
            "ratioMetric",
            map(vec![
                ("counter", Yaml::from(true)),
                ("bad", request_source(bad_spec)),
                ("total", request_source(total)),
            ]),
        )
    }
}

/// What OpenSLO has no field for, as SLO annotations of JSON text.
pub(super) fn slo_annotations(slo: &Slo) -> Vec<(&'static str, Yaml)> {
    let mut out = Vec::new();
    #[cfg(feature = "full-reader")]
    if !slo.alert_metadata.is_empty() {
        out.push((
            ALERT_METADATA_ANNOTATION,
            s(&Value::Object(slo.alert_metadata.to_json()).to_string()),
        ));
    }
    if let Sli::Prometheus(sli) = &slo.sli {
        if !sli.grouping.is_empty() {
            out.push((GROUPING_ANNOTATION, s(&json!(sli.grouping).to_string())));
        }
        if let Source::Latency(latency) = &sli.source {
            if !latency.bounds.is_empty() {
                out.push((
                    HISTOGRAM_BOUNDS_ANNOTATION,
                    s(&json!(latency.bounds).to_string()),
                ));
            }
        }
    }
    out
}

pub(super) fn slo_document(service: &str, slo: &Slo) -> Yaml {
    let sli = match slo.to_json().get("sli") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let mut objective = Vec::new();
    let metric = match &slo.sli {
        Sli::Request(request) => request_metric(request, sli, &mut objective),
        Sli::Prometheus(prometheus) => prometheus_metric(prometheus),
        // Export needs the full reader (every shell that exports has it).
        #[cfg(not(feature = "full-reader"))]
        Sli::PrometheusUnread => ("ratioMetric", map(Vec::new())),
    };
    objective.push(("target", Yaml::from(slo.target)));
    let method = match slo.budgeting {
        Budgeting::Occurrences => "Occurrences",
        Budgeting::Timeslices {
            slice_seconds,
            slice_good_ratio,
        } => {
            objective.push(("timeSliceTarget", Yaml::from(slice_good_ratio)));
            objective.push(("timeSliceWindow", s(&shorthand(slice_seconds))));
            "Timeslices"
        }
        Budgeting::RatioTimeslices { slice_seconds } => {
            objective.push(("timeSliceWindow", s(&shorthand(slice_seconds))));
            "RatioTimeslices"
        }
    };
    let window = match &slo.window {
        Window::Rolling { seconds } => map(vec![
            ("duration", s(&shorthand(*seconds))),
            ("isRolling", Yaml::from(true)),
        ]),
        Window::Calendar(calendar) => {
            let duration = match calendar.unit {
                CalendarUnit::Week => "1w",
                CalendarUnit::Month => "1M",
                CalendarUnit::Quarter => "1Q",
            };
            map(vec![
                ("duration", s(duration)),
                (
                    "calendar",
                    map(vec![
                        (
                            "startTime",
                            s(&calendar
                                .start_text()
                                .map_or(CALENDAR_START.into(), |t| t.replacen('T', " ", 1))),
                        ),
                        ("timeZone", s(&calendar.zone.name)),
                    ]),
                ),
                ("isRolling", Yaml::from(false)),
            ])
        }
    };
    let window_seconds = slo.window.nominal_seconds();
    let policies = slo
        .alerts
        .iter()
        .map(|tier| alert_policy(tier, window_seconds))
        .collect();
    let mut spec = Vec::new();
    if let Some(d) = &slo.description {
        spec.push(("description", s(d)));
    }
    spec.extend([
        ("service", s(service)),
        (
            "indicator",
            map(vec![
                ("metadata", metadata(&slo.name, Vec::new())),
                ("spec", map(vec![metric])),
            ]),
        ),
        ("timeWindow", Yaml::Sequence(vec![window])),
        ("budgetingMethod", s(method)),
        ("objectives", Yaml::Sequence(vec![map(objective)])),
        ("alertPolicies", Yaml::Sequence(policies)),
    ]);
    document("SLO", slo_metadata(slo), map(spec))
}

/// The SLO's name, display name, labels and annotations: the spec's own, and ours.
// Without the full reader the spec holds only ours.
#[cfg_attr(not(feature = "full-reader"), allow(unused_mut))]
pub(super) fn slo_metadata(slo: &Slo) -> Yaml {
    let mut pairs = vec![("name", s(&slo.name))];
    let mut annotations: Vec<(&str, Yaml)> = slo_annotations(slo);
    #[cfg(feature = "full-reader")]
    {
        let own = &slo.metadata;
        if let Some(name) = &own.display_name {
            pairs.push(("displayName", s(name)));
        }
        if !own.labels.is_empty() {
            pairs.push((
                "labels",
                map(own.labels.iter().map(|(k, v)| (k, s(v))).collect()),
            ));
        }
        annotations.extend(own.annotations.iter().map(|(k, v)| (k, s(v))));
    }
    if !annotations.is_empty() {
        pairs.push(("annotations", map(annotations)));
    }
    map(pairs)
}

pub(super) fn alert_policy(tier: &AlertTier, window: u64) -> Yaml {
    let (threshold, exact) = threshold_for(tier.budget_fraction, tier.long_window_seconds, window);
    let mut annotations = Vec::new();
    if let Some(rate) = tier.min_events_per_second {
        annotations.push((MIN_EVENTS_ANNOTATION, s(&rate.to_string())));
    }
    if tier.allow_burn_rate_below_one {
        annotations.push((ALLOW_BELOW_ONE_ANNOTATION, s("true")));
    }
    if !exact {
        annotations.push((
            BUDGET_FRACTION_ANNOTATION,
            s(&tier.budget_fraction.to_string()),
        ));
    }
    if tier.short_window_seconds != default_short_window(tier.long_window_seconds) {
        annotations.push((
            SHORT_WINDOW_ANNOTATION,
            s(&format_duration(tier.short_window_seconds)),
        ));
    }
    let mut burn_rate = vec![
        ("kind", s("burnrate")),
        ("op", s("gt")),
        ("threshold", Yaml::from(threshold)),
        ("lookbackWindow", s(&shorthand(tier.long_window_seconds))),
    ];
    if tier.hold_seconds > 0 {
        burn_rate.push(("alertAfter", s(&shorthand(tier.hold_seconds))));
    }
    let condition = map(vec![
        ("kind", s("AlertCondition")),
        ("metadata", metadata(&tier.name, annotations)),
        (
            "spec",
            map(vec![
                ("severity", s(tier.severity.as_str())),
                ("condition", map(burn_rate)),
            ]),
        ),
    ]);
    map(vec![
        ("kind", s("AlertPolicy")),
        ("metadata", metadata(&tier.name, Vec::new())),
        (
            "spec",
            map(vec![
                ("alertWhenBreaching", Yaml::from(true)),
                ("conditions", Yaml::Sequence(vec![condition])),
            ]),
        ),
    ])
}

/// A burn-rate threshold for a tier, preferring a short decimal, and whether it gives the
/// budget fraction back exactly on import (when not, the exact fraction is annotated).
pub(super) fn threshold_for(budget_fraction: f64, long: u64, window: u64) -> (f64, bool) {
    let rate = budget_fraction * window as f64 / long as f64;
    let short = snap(rate);
    let candidates = [short, rate].into_iter().chain((1..=4u64).flat_map(|k| {
        [
            f64::from_bits(rate.to_bits() + k),
            f64::from_bits(rate.to_bits().saturating_sub(k)),
        ]
    }));
    for candidate in candidates {
        if budget_fraction_of(candidate, long, window) == budget_fraction {
            return (candidate, true);
        }
    }
    (short, false)
}
