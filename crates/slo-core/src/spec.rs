//! The spec: one JSON description of services and their SLOs, shared by the filter, the
//! command and the browser. Reading it reports every problem at once, each with its path.

#[cfg(feature = "full-reader")]
use crate::alert_metadata::AlertMetadata;
use crate::alerts::{budget_fraction_of, reaches, AlertTier, Severity, MIN_ALERT_WINDOW_SECONDS};
use crate::decode::{as_number, as_string, kind, Errors, FieldError, Object};
use crate::duration::{format_duration, parse_duration};
#[cfg(feature = "full-reader")]
use crate::prometheus;
use crate::prometheus::PrometheusSli;
use crate::window::Window;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    pub slos: Vec<Slo>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    /// Unique across the spec; it becomes the `slo` label value.
    pub name: String,
    pub description: Option<String>,
    /// Ratio strictly between 0 and 1.
    pub target: f64,
    pub window: Window,
    pub budgeting: Budgeting,
    pub sli: Sli,
    /// The tiers in force: the defaults scaled to the window unless the spec changed them.
    pub alerts: Vec<AlertTier>,
    /// What its generated alerts carry: a name, labels (a team, a routing key),
    /// annotations (a runbook URL; a summary replaces the generated one), per severity too.
    /// Not read without the full reader (the filter, which raises no alerts of its own).
    #[cfg(feature = "full-reader")]
    pub alert_metadata: AlertMetadata,
}

/// Where an SLO's good and bad events come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Sli {
    /// Requests the filter judges inline.
    Request(RequestSli),
    /// Series a team already has in Prometheus; only the rules serve these.
    Prometheus(PrometheusSli),
    /// A Prometheus SLI as a build without the full reader keeps it: not read, since only
    /// the rules use it. The filter builds so, to stay within its size budget.
    #[cfg(not(feature = "full-reader"))]
    PrometheusUnread,
}

impl Sli {
    /// The request SLI, for the SLOs the filter judges.
    pub fn request(&self) -> Option<&RequestSli> {
        match self {
            Sli::Request(sli) => Some(sli),
            _ => None,
        }
    }

    /// The source's name in words, as the rules' info series and the filter's log say it.
    pub fn kind(&self) -> &'static str {
        match self {
            Sli::Request(_) => "request",
            Sli::Prometheus(sli) => sli.kind(),
            #[cfg(not(feature = "full-reader"))]
            Sli::PrometheusUnread => "prometheus",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Budgeting {
    Occurrences,
    /// A slice is good when its good ratio reaches `slice_good_ratio`; the budget is the
    /// allowed share of bad slices.
    Timeslices {
        slice_seconds: u64,
        slice_good_ratio: f64,
    },
    /// The SLI is the mean of the slices' good ratios (OpenSLO's RatioTimeslices).
    RatioTimeslices {
        slice_seconds: u64,
    },
}

/// Which requests an SLO judges and how.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestSli {
    pub matcher: RequestMatch,
    pub bad: BadOutcomes,
    pub exclude: Exclusions,
    pub abandoned: Abandoned,
}

/// What a request the client abandoned before any response (Envoy's DC: no `:status` was
/// sent) counts as. Nobody saw a failure, so availability usually leaves it out; but a
/// client that waited past the latency threshold before giving up did see a slow service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Abandoned {
    /// Excluded, like a request that never reached the service.
    #[default]
    Exclude,
    /// Bad, as if the service had failed it.
    Bad,
    /// Bad when the client waited longer than the latency threshold, else excluded.
    Latency,
}

impl Abandoned {
    pub const ALLOWED: &'static str = "\"exclude\", \"bad\" or \"latency\" (bad only when the client waited past latency.threshold_ms)";

    /// The default: `latency` for an SLO with a latency threshold, `exclude` otherwise.
    pub fn default_for(bad: &BadOutcomes) -> Abandoned {
        match bad.latency_threshold_ms {
            Some(_) => Abandoned::Latency,
            None => Abandoned::Exclude,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Abandoned::Exclude => "exclude",
            Abandoned::Bad => "bad",
            Abandoned::Latency => "latency",
        }
    }
}

/// Every non-empty list must match; an empty list matches anything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestMatch {
    pub routes: Vec<String>,
    pub virtual_hosts: Vec<String>,
    pub path_prefixes: Vec<String>,
    pub methods: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BadOutcomes {
    pub statuses: Vec<StatusMatch>,
    /// gRPC status codes (0-16) that are bad when the response is gRPC.
    pub grpc_statuses: Vec<u8>,
    /// A request slower than this many milliseconds is bad.
    pub latency_threshold_ms: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exclusions {
    pub statuses: Vec<StatusMatch>,
    pub path_prefixes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// `5xx` is `Class(5)`.
    Class(u8),
    Code(u16),
}

impl StatusMatch {
    pub fn matches(self, status: u16) -> bool {
        match self {
            StatusMatch::Class(class) => status / 100 == u16::from(class),
            StatusMatch::Code(code) => status == code,
        }
    }

    fn parse(value: &Value) -> Result<StatusMatch, String> {
        const ALLOWED: &str =
            "allowed: a code from 100 to 599 such as 429, or a class such as \"5xx\"";
        let code = match value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => {
                let lower = s.to_ascii_lowercase();
                if let Some(class) = lower.strip_suffix("xx") {
                    return match class.parse::<u8>() {
                        Ok(c @ 1..=5) => Ok(StatusMatch::Class(c)),
                        _ => Err(format!("{s:?} is not a status class; {ALLOWED}")),
                    };
                }
                s.parse().ok()
            }
            _ => None,
        };
        match code {
            Some(c @ 100..=599) => Ok(StatusMatch::Code(c as u16)),
            _ => Err(format!("{} is not a status code; {ALLOWED}", kind(value))),
        }
    }

    fn to_json(self) -> Value {
        match self {
            StatusMatch::Class(c) => json!(format!("{c}xx")),
            StatusMatch::Code(c) => json!(c),
        }
    }
}

/// gRPC status names by code, as in the gRPC specification.
pub const GRPC_STATUS_NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

fn parse_grpc_status(value: &Value) -> Result<u8, String> {
    let code = match value {
        Value::Number(n) => n.as_u64().filter(|c| *c <= 16).map(|c| c as u8),
        Value::String(s) => GRPC_STATUS_NAMES
            .iter()
            .position(|name| name.eq_ignore_ascii_case(s))
            .map(|c| c as u8),
        _ => None,
    };
    code.ok_or_else(|| {
        format!("{} is not a gRPC status; allowed: a code from 0 to 16 or a name such as \"UNAVAILABLE\"", kind(value))
    })
}

/// Names become metric label values and stat-name segments: lower-case letters, digits,
/// `_` and `-`, starting with a letter, at most 64 characters.
pub fn check_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not a valid name; allowed: 1 to 64 lower-case letters, digits, '_' or '-', starting with a letter"
        ))
    }
}

impl Spec {
    /// Reads and validates a spec from JSON text.
    pub fn from_json(text: &str) -> Result<Spec, Vec<FieldError>> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            vec![FieldError {
                path: String::new(),
                message: format!("not valid JSON: {e}"),
            }]
        })?;
        Spec::from_value(&value, "")
    }

    /// Reads and validates a spec from a JSON value found at `path` (empty for a document
    /// root), so that shells embedding the spec report paths from their own root.
    pub fn from_value(value: &Value, path: &str) -> Result<Spec, Vec<FieldError>> {
        let mut errors = Errors::default();
        let spec = read_spec(value, path, &mut errors);
        if let Some(spec) = &spec {
            check_unique_names(spec, value, path, &mut errors);
        }
        match spec {
            Some(spec) if errors.is_empty() => Ok(spec),
            _ => Err(errors.0),
        }
    }

    pub fn slos(&self) -> impl Iterator<Item = &Slo> {
        self.services.iter().flat_map(|s| s.slos.iter())
    }

    /// The SLOs the filter judges, with their request SLIs.
    pub fn request_slos(&self) -> impl Iterator<Item = (&Slo, &RequestSli)> {
        self.slos()
            .filter_map(|slo| slo.sli.request().map(|sli| (slo, sli)))
    }

    /// The spec in its canonical JSON form; reading it back gives the same spec.
    pub fn to_json(&self) -> Value {
        json!({
            "services": self.services.iter().map(|service| json!({
                "name": service.name,
                "slos": service.slos.iter().map(Slo::to_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()
        })
    }
}

fn read_spec(value: &Value, path: &str, errors: &mut Errors) -> Option<Spec> {
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

fn read_name(obj: &Object, errors: &mut Errors) -> Option<String> {
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
    "description",
    "target",
    "window",
    "budgeting",
    "sli",
    "alerts",
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
    obj.required("window", Window::ALLOWED, errors);
    let window = obj.parsed("window", Window::parse, errors);
    let budgeting = match obj.get("budgeting") {
        Some(v) => read_budgeting(v, &obj.path_of("budgeting"), window, errors),
        None => Some(Budgeting::Occurrences),
    };
    obj.required("sli", "which requests count and what makes one bad", errors);
    let sli = obj
        .get("sli")
        .and_then(|v| read_sli(v, &obj.path_of("sli"), errors));
    let alerts = match (target, window) {
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
    })
}

fn read_duration(obj: &Object, key: &str, errors: &mut Errors) -> Option<u64> {
    obj.parsed(key, parse_duration, errors)
}

fn read_ratio(obj: &Object, key: &str, errors: &mut Errors) -> Option<f64> {
    let ratio = obj.number(key, errors)?;
    if ratio > 0.0 && ratio < 1.0 {
        Some(ratio)
    } else {
        errors.push(
            &obj.path_of(key),
            format!("{ratio} is out of range; allowed: a ratio between 0 and 1 exclusive"),
        );
        None
    }
}

const BUDGETING_METHODS: &str = "\"occurrences\", \"timeslices\" or \"ratio_timeslices\"";

fn read_budgeting(
    value: &Value,
    path: &str,
    window: Option<Window>,
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
            slice_good_ratio: read_ratio(&obj, "slice_good_ratio", errors)?,
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

/// What `alerts` holds: the tiers, and what the alerts carry (`alert_metadata`).
pub(crate) const TIER_FIELDS_OF_ALERTS: &[&str] = &["tiers", "disable", "min_events_per_second"];
const SLO_ALERTS_FIELDS: &[&str] = &[
    "tiers",
    "disable",
    "min_events_per_second",
    "name",
    "labels",
    "annotations",
    "page",
    "ticket",
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
    sli.abandoned = match obj.string("abandoned", errors) {
        None => Abandoned::default_for(&sli.bad),
        Some("exclude") => Abandoned::Exclude,
        Some("bad") => Abandoned::Bad,
        Some("latency") if sli.bad.latency_threshold_ms.is_some() => Abandoned::Latency,
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

/// The SLO's alert metadata, from an `alerts` object whose fields read_alerts checked.
#[cfg(feature = "full-reader")]
fn read_alert_metadata(slo: &Object, errors: &mut Errors) -> AlertMetadata {
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
    "min_events_per_second",
    "allow_burn_rate_below_one",
];

/// Reads an `alerts` object (absent: the default tiers) and checks each tier against the
/// SLO's target, window and, for timeslice budgeting, slice length.
pub(crate) fn read_alerts(
    value: Option<&Value>,
    path: &str,
    target: f64,
    window: Window,
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
    if burn_rate * (1.0 - target) > 1.0 {
        errors.push(path, format!(
            "{label}can never fire: burn rate {burn_rate:.3} needs an error ratio of {:.3}, above 100%, with a target of {target}; allowed: a burn rate of at most {:.3} (1 / error budget), or switch the tier off in alerts.disable",
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

fn check_unique_names(spec: &Spec, value: &Value, path: &str, errors: &mut Errors) {
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

impl Slo {
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(self.name));
        if let Some(d) = &self.description {
            out.insert("description".into(), json!(d));
        }
        out.insert("target".into(), json!(self.target));
        out.insert("window".into(), json!(self.window.to_string()));
        if let Some(budgeting) = self.budgeting.to_json() {
            out.insert("budgeting".into(), budgeting);
        }
        out.insert("sli".into(), self.sli.to_json());
        let defaults = AlertTier::defaults_for(
            self.window.nominal_seconds(),
            None,
            self.budgeting.slice_seconds(),
        );
        let mut alerts = Map::new();
        if defaults.as_ref() != Ok(&self.alerts) {
            let tiers: Vec<Value> = self.alerts.iter().map(AlertTier::to_json).collect();
            alerts.insert("tiers".into(), json!(tiers));
        }
        #[cfg(feature = "full-reader")]
        alerts.extend(self.alert_metadata.to_json());
        if !alerts.is_empty() {
            out.insert("alerts".into(), Value::Object(alerts));
        }
        Value::Object(out)
    }
}

impl Budgeting {
    /// The slice length of a timeslice method.
    pub fn slice_seconds(self) -> Option<u64> {
        match self {
            Budgeting::Occurrences => None,
            Budgeting::Timeslices { slice_seconds, .. }
            | Budgeting::RatioTimeslices { slice_seconds } => Some(slice_seconds),
        }
    }

    /// The method's name in the spec.
    pub fn name(self) -> &'static str {
        match self {
            Budgeting::Occurrences => "occurrences",
            Budgeting::Timeslices { .. } => "timeslices",
            Budgeting::RatioTimeslices { .. } => "ratio_timeslices",
        }
    }

    /// `None` for occurrences, the default, which the canonical form leaves out.
    fn to_json(self) -> Option<Value> {
        match self {
            Budgeting::Occurrences => None,
            Budgeting::Timeslices {
                slice_seconds,
                slice_good_ratio,
            } => Some(
                json!({"method": self.name(), "slice": format_duration(slice_seconds), "slice_good_ratio": slice_good_ratio}),
            ),
            Budgeting::RatioTimeslices { slice_seconds } => {
                Some(json!({"method": self.name(), "slice": format_duration(slice_seconds)}))
            }
        }
    }
}

impl Sli {
    fn to_json(&self) -> Value {
        match self {
            Sli::Request(sli) => sli.to_json(),
            Sli::Prometheus(sli) => json!({ "prometheus": sli.to_json() }),
            #[cfg(not(feature = "full-reader"))]
            Sli::PrometheusUnread => json!({ "prometheus": {} }),
        }
    }
}

impl RequestSli {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        let m = &self.matcher;
        let mut matcher = Map::new();
        for (key, list) in [
            ("routes", &m.routes),
            ("virtual_hosts", &m.virtual_hosts),
            ("path_prefixes", &m.path_prefixes),
            ("methods", &m.methods),
        ] {
            if !list.is_empty() {
                matcher.insert(key.into(), json!(list));
            }
        }
        if !matcher.is_empty() {
            out.insert("match".into(), Value::Object(matcher));
        }
        let mut bad = Map::new();
        if !self.bad.statuses.is_empty() {
            bad.insert(
                "status".into(),
                self.bad.statuses.iter().map(|s| s.to_json()).collect(),
            );
        }
        if !self.bad.grpc_statuses.is_empty() {
            bad.insert(
                "grpc_status".into(),
                self.bad
                    .grpc_statuses
                    .iter()
                    .map(|c| json!(GRPC_STATUS_NAMES[usize::from(*c)]))
                    .collect(),
            );
        }
        if !bad.is_empty() {
            out.insert("bad".into(), Value::Object(bad));
        }
        if let Some(ms) = self.bad.latency_threshold_ms {
            out.insert("latency".into(), json!({"threshold_ms": ms}));
        }
        if self.abandoned != Abandoned::default_for(&self.bad) {
            out.insert("abandoned".into(), json!(self.abandoned.as_str()));
        }
        let mut exclude = Map::new();
        if !self.exclude.statuses.is_empty() {
            exclude.insert(
                "status".into(),
                self.exclude.statuses.iter().map(|s| s.to_json()).collect(),
            );
        }
        if !self.exclude.path_prefixes.is_empty() {
            exclude.insert("path_prefixes".into(), json!(self.exclude.path_prefixes));
        }
        if !exclude.is_empty() {
            out.insert("exclude".into(), Value::Object(exclude));
        }
        Value::Object(out)
    }
}
