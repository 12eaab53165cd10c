//! Reading a spec from JSON: every field checked, every problem reported with its path.

#[cfg(feature = "full-reader")]
use super::tiers::read_alert_metadata;
use super::tiers::{read_alerts, SLO_ALERTS_FIELDS};
use super::{
    check_name, parse_grpc_status, Abandoned, BadOutcomes, Budgeting, Exclusions, RequestMatch,
    RequestSli, Service, Sli, Slo, Spec, StatusMatch, MAX_ABANDONED_BAD_AFTER_MS,
};
use crate::decode::{kind, Errors, Object};
use crate::duration::{format_duration, parse_duration};
#[cfg(feature = "full-reader")]
use crate::prometheus;
use crate::window::Window;
use serde_json::Value;
use std::collections::BTreeSet;

pub(super) fn read_spec(value: &Value, path: &str, errors: &mut Errors) -> Option<Spec> {
    let root = Object::read(value, path, &["services"], errors)?;
    root.required(
        "services",
        "a list of services, each with a name and slos",
        errors,
    );
    let services: Vec<_> = root
        .array("services", errors)
        .into_iter()
        .filter_map(|(p, v)| read_service(v, &p, errors))
        .collect();
    if services.is_empty() && errors.is_empty() {
        errors.push(
            &root.path_of("services"),
            "is empty; allowed: at least one service",
        );
    }
    Some(Spec { services })
}

fn read_service(value: &Value, path: &str, errors: &mut Errors) -> Option<Service> {
    let obj = Object::read(value, path, &["name", "slos"], errors)?;
    let name = read_name(&obj, errors);
    obj.required("slos", "a list of SLOs", errors);
    let slos: Vec<_> = obj
        .array("slos", errors)
        .into_iter()
        .filter_map(|(p, v)| read_slo(v, &p, errors))
        .collect();
    Some(Service { name: name?, slos })
}

pub(super) fn read_name(obj: &Object, errors: &mut Errors) -> Option<String> {
    obj.required(
        "name",
        "a name made of lower-case letters, digits, '_' or '-'",
        errors,
    );
    let name = obj.string("name", errors)?;
    match check_name(name) {
        Ok(()) => Some(name.to_string()),
        Err(message) => {
            errors.push(&obj.path_of("name"), message);
            None
        }
    }
}

const SLO_FIELDS: &[&str] = &[
    "name",
    "display_name",
    "description",
    "target",
    "window",
    "budgeting",
    "sli",
    "alerts",
    "labels",
    "annotations",
];

fn read_slo(value: &Value, path: &str, errors: &mut Errors) -> Option<Slo> {
    let obj = Object::read(value, path, SLO_FIELDS, errors)?;
    let before = errors.0.len();
    let name = read_name(&obj, errors);
    let description = obj.string("description", errors).map(str::to_string);
    obj.required(
        "target",
        "a ratio between 0 and 1 exclusive, such as 0.999",
        errors,
    );
    let target = obj.number("target", errors).and_then(|t| {
        if crate::target::is_valid_target(t) {
            Some(t)
        } else {
            errors.push(&obj.path_of("target"), format!("{t} is out of range; allowed: a ratio between 0 and 1 exclusive, such as 0.999"));
            None
        }
    });
    let window = super::window::read_window(&obj, errors);
    let budgeting = match obj.get("budgeting") {
        Some(v) => read_budgeting(v, &obj.path_of("budgeting"), window.as_ref(), errors),
        None => Some(Budgeting::Occurrences),
    };
    obj.required("sli", "which requests count and what makes one bad", errors);
    let sli = obj
        .get("sli")
        .and_then(|v| read_sli(v, &obj.path_of("sli"), errors));
    let alerts = match (target, &window) {
        (Some(target), Some(window)) => read_alerts(
            obj.get("alerts"),
            &obj.path_of("alerts"),
            target,
            window,
            budgeting.and_then(Budgeting::slice_seconds),
            SLO_ALERTS_FIELDS,
            errors,
        ),
        _ => None,
    };
    #[cfg(feature = "full-reader")]
    let alert_metadata = read_alert_metadata(&obj, errors);
    #[cfg(feature = "full-reader")]
    let metadata = super::SloMetadata::read(&obj, errors);
    if let (Some(Sli::Prometheus(source)), Some(tiers)) = (&sli, &alerts) {
        if !source.has_event_count() && tiers.iter().any(|t| t.min_events_per_second.is_some()) {
            errors.push(&obj.path_of("alerts"), "sets min_events_per_second, but an error_ratio source has no event count to guard with; allowed: no minimum rate, or good or bad with total");
        }
    }
    if errors.0.len() > before {
        return None;
    }
    Some(Slo {
        name: name?,
        description,
        target: target?,
        window: window?,
        budgeting: budgeting?,
        sli: sli?,
        alerts: alerts?,
        #[cfg(feature = "full-reader")]
        alert_metadata,
        #[cfg(feature = "full-reader")]
        metadata,
    })
}

pub(super) fn read_duration(obj: &Object, key: &str, errors: &mut Errors) -> Option<u64> {
    obj.parsed(key, parse_duration, errors)
}

/// A slice's needed good ratio may be 1: a slice is good only when every request is
/// (OpenSLO's `timeSliceTarget: 1`).
fn read_slice_good_ratio(obj: &Object, errors: &mut Errors) -> Option<f64> {
    let key = "slice_good_ratio";
    let ratio = obj.number(key, errors)?;
    if ratio > 0.0 && ratio <= 1.0 {
        Some(ratio)
    } else {
        errors.push(
            &obj.path_of(key),
            format!("{ratio} is out of range; allowed: a ratio above 0 and at most 1"),
        );
        None
    }
}

const BUDGETING_METHODS: &str = "\"occurrences\", \"timeslices\" or \"ratio_timeslices\"";

fn read_budgeting(
    value: &Value,
    path: &str,
    window: Option<&Window>,
    errors: &mut Errors,
) -> Option<Budgeting> {
    let obj = Object::read(
        value,
        path,
        &["method", "slice", "slice_good_ratio"],
        errors,
    )?;
    obj.required("method", BUDGETING_METHODS, errors);
    let method = obj.string("method", errors)?;
    // Which of slice / slice_good_ratio each method takes.
    let (takes_slice, takes_ratio) = match method {
        "occurrences" => (false, false),
        "timeslices" => (true, true),
        "ratio_timeslices" => (true, false),
        other => {
            errors.push(
                &obj.path_of("method"),
                format!("{other:?} is not a budgeting method; allowed: {BUDGETING_METHODS}"),
            );
            return None;
        }
    };
    for (key, takes) in [("slice", takes_slice), ("slice_good_ratio", takes_ratio)] {
        if takes {
            obj.required(
                key,
                if key == "slice" {
                    "the slice length, such as 1m or 5m"
                } else {
                    "the good ratio a slice needs, such as 0.95"
                },
                errors,
            );
        } else if obj.get(key).is_some() {
            errors.push(
                &obj.path_of(key),
                format!("does not apply when method is {method:?}; allowed: omit it"),
            );
        }
    }
    let slice_seconds = if takes_slice {
        Some(read_duration(&obj, "slice", errors)?)
    } else {
        None
    };
    if let (Some(slice), Some(window)) = (slice_seconds, window) {
        if slice >= window.nominal_seconds() {
            errors.push(&obj.path_of("slice"), format!("{} is not shorter than the window {window}; allowed: a slice shorter than the window", format_duration(slice)));
            return None;
        }
    }
    match (slice_seconds, takes_ratio) {
        (None, _) => Some(Budgeting::Occurrences),
        (Some(slice_seconds), true) => Some(Budgeting::Timeslices {
            slice_seconds,
            slice_good_ratio: read_slice_good_ratio(&obj, errors)?,
        }),
        (Some(slice_seconds), false) => Some(Budgeting::RatioTimeslices { slice_seconds }),
    }
}

const REQUEST_SLI_FIELDS: &[&str] = &["match", "bad", "latency", "exclude", "abandoned"];
/// A request SLI's fields, or `prometheus` (a static list: building it costs the filter size).
const SLI_FIELDS: &[&str] = &[
    "match",
    "bad",
    "latency",
    "exclude",
    "abandoned",
    "prometheus",
];

fn read_sli(value: &Value, path: &str, errors: &mut Errors) -> Option<Sli> {
    let obj = Object::read(value, path, SLI_FIELDS, errors)?;
    let Some(source) = obj.get("prometheus") else {
        return read_request_sli(&obj, path, errors).map(Sli::Request);
    };
    for key in REQUEST_SLI_FIELDS {
        if obj.get(key).is_some() {
            errors.push(
                &obj.path_of(key),
                "belongs to a request SLI, which the filter judges; allowed: omit it next to prometheus",
            );
        }
    }
    #[cfg(not(feature = "full-reader"))]
    {
        let _ = source;
        Some(Sli::PrometheusUnread)
    }
    #[cfg(feature = "full-reader")]
    prometheus::read(source, &obj.path_of("prometheus"), errors).map(Sli::Prometheus)
}

fn read_request_sli(obj: &Object, path: &str, errors: &mut Errors) -> Option<RequestSli> {
    let before = errors.0.len();
    let mut sli = RequestSli::default();
    if let Some(v) = obj.get("match") {
        if let Some(m) = Object::read(
            v,
            &obj.path_of("match"),
            &["routes", "virtual_hosts", "path_prefixes", "methods"],
            errors,
        ) {
            sli.matcher = RequestMatch {
                routes: m.strings("routes", errors),
                virtual_hosts: m.strings("virtual_hosts", errors),
                path_prefixes: read_path_prefixes(&m, errors),
                methods: m
                    .strings("methods", errors)
                    .into_iter()
                    .map(|s| s.to_ascii_uppercase())
                    .collect(),
            };
        }
    }
    if let Some(v) = obj.get("bad") {
        if let Some(bad) = Object::read(v, &obj.path_of("bad"), &["status", "grpc_status"], errors)
        {
            sli.bad.statuses = read_statuses(&bad, errors);
            sli.bad.grpc_statuses = read_list(&bad, "grpc_status", parse_grpc_status, errors);
        }
    }
    if let Some(v) = obj.get("latency") {
        if let Some(latency) = Object::read(v, &obj.path_of("latency"), &["threshold_ms"], errors) {
            latency.required(
                "threshold_ms",
                "a whole number of milliseconds above 0",
                errors,
            );
            if let Some(ms) = latency.number("threshold_ms", errors) {
                if ms >= 1.0 && ms <= f64::from(u32::MAX) && ms.fract() == 0.0 {
                    sli.bad.latency_threshold_ms = Some(ms as u32);
                } else {
                    errors.push(
                        &latency.path_of("threshold_ms"),
                        format!(
                            "{ms} is not allowed; allowed: a whole number of milliseconds above 0"
                        ),
                    );
                }
            }
        }
    }
    if let Some(v) = obj.get("exclude") {
        if let Some(ex) = Object::read(
            v,
            &obj.path_of("exclude"),
            &["status", "path_prefixes"],
            errors,
        ) {
            sli.exclude = Exclusions {
                statuses: read_statuses(&ex, errors),
                path_prefixes: read_path_prefixes(&ex, errors),
            };
        }
    }
    sli.abandoned = match obj.get("abandoned").filter(|v| v.is_object()) {
        Some(wait) => read_abandoned_wait(wait, &obj.path_of("abandoned"), errors),
        None => read_abandoned_word(obj, &sli.bad, errors),
    };

    if sli.bad.statuses.is_empty()
        && sli.bad.grpc_statuses.is_empty()
        && sli.bad.latency_threshold_ms.is_none()
        && errors.0.len() == before
    {
        errors.push(path, "names no bad outcome, so every request would be good; allowed: at least one of bad.status, bad.grpc_status or latency.threshold_ms");
        return None;
    }
    Some(sli)
}

fn read_path_prefixes(obj: &Object, errors: &mut Errors) -> Vec<String> {
    read_list(
        obj,
        "path_prefixes",
        |v| match v.as_str() {
            Some(p) if p.starts_with('/') => Ok(p.to_string()),
            _ => Err(format!(
                "{} is not a path prefix; allowed: a string starting with '/'",
                kind(v)
            )),
        },
        errors,
    )
}

fn read_statuses(obj: &Object, errors: &mut Errors) -> Vec<StatusMatch> {
    read_list(obj, "status", StatusMatch::parse, errors)
}

fn read_list<T>(
    obj: &Object,
    key: &str,
    parse: impl Fn(&Value) -> Result<T, String>,
    errors: &mut Errors,
) -> Vec<T> {
    obj.array(key, errors)
        .into_iter()
        .filter_map(|(path, v)| parse(v).map_err(|message| errors.push(&path, message)).ok())
        .collect()
}

pub(super) fn check_unique_names(spec: &Spec, value: &Value, path: &str, errors: &mut Errors) {
    let mut services = BTreeSet::new();
    let mut slos = BTreeSet::new();
    for (i, service) in spec.services.iter().enumerate() {
        let service_path = format!(
            "{}services[{i}]",
            if path.is_empty() {
                String::new()
            } else {
                format!("{path}.")
            }
        );
        if !services.insert(service.name.as_str()) {
            errors.push(
                &format!("{service_path}.name"),
                format!(
                    "{:?} names another service too; allowed: unique service names",
                    service.name
                ),
            );
        }
        // Indexes in the document may differ from the parsed list when an SLO had errors;
        // report against the document's own order by name.
        let doc_slos = value
            .pointer(&format!("/services/{i}/slos"))
            .and_then(Value::as_array);
        for slo in &service.slos {
            if !slos.insert(slo.name.as_str()) {
                let j = doc_slos
                    .and_then(|list| {
                        list.iter()
                            .rposition(|s| s.get("name").and_then(Value::as_str) == Some(&slo.name))
                    })
                    .unwrap_or(0);
                errors.push(&format!("{service_path}.slos[{j}].name"), format!("{:?} names another SLO too; SLO names are metric labels and must be unique across the spec", slo.name));
            }
        }
    }
}

/// `abandoned` as a word: `exclude`, `bad` or `latency`; the default when absent.
fn read_abandoned_word(obj: &Object, bad: &BadOutcomes, errors: &mut Errors) -> Abandoned {
    match obj.string("abandoned", errors) {
        None => Abandoned::default_for(bad),
        Some("exclude") => Abandoned::Exclude,
        Some("bad") => Abandoned::Bad,
        Some("latency") if bad.latency_threshold_ms.is_some() => Abandoned::Latency,
        Some("latency") => {
            errors.push(
                &obj.path_of("abandoned"),
                "\"latency\" needs latency.threshold_ms; allowed: \"exclude\" or \"bad\" for an SLO without a latency threshold",
            );
            Abandoned::Exclude
        }
        Some(other) => {
            errors.push(
                &obj.path_of("abandoned"),
                format!("{other:?} is not allowed; allowed: {}", Abandoned::ALLOWED),
            );
            Abandoned::Exclude
        }
    }
}

/// `abandoned` as `{"bad_after_ms": N}`: bad once the client waited longer than N ms.
fn read_abandoned_wait(value: &Value, path: &str, errors: &mut Errors) -> Abandoned {
    let fallback = Abandoned::default();
    let Some(wait) = Object::read(value, path, &["bad_after_ms"], errors) else {
        return fallback;
    };
    let allowed =
        format!("a whole number of milliseconds from 0 to {MAX_ABANDONED_BAD_AFTER_MS} (an hour)");
    wait.required("bad_after_ms", &allowed, errors);
    match wait.number("bad_after_ms", errors) {
        Some(ms)
            if (0.0..=f64::from(MAX_ABANDONED_BAD_AFTER_MS)).contains(&ms) && ms.fract() == 0.0 =>
        {
            Abandoned::BadAfterMs(ms as u32)
        }
        Some(ms) => {
            let message = format!("{ms} is not allowed; allowed: {allowed}");
            errors.push(&wait.path_of("bad_after_ms"), message);
            fallback
        }
        None => fallback,
    }
}
