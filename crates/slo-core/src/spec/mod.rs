//! The spec: one JSON description of services and their SLOs, shared by the filter, the
//! command and the browser. Reading it reports every problem at once, each with its path.

#[cfg(feature = "full-reader")]
use crate::alert_metadata::AlertMetadata;
use crate::alerts::AlertTier;
use crate::decode::{kind, Errors, FieldError};
use crate::duration::format_duration;
use crate::prometheus::PrometheusSli;
use crate::window::Window;
use serde_json::{json, Map, Value};

#[cfg(feature = "full-reader")]
mod metadata;
mod read;
mod tiers;
mod window;

pub(crate) use window::window_to_json;

#[cfg(feature = "full-reader")]
pub use metadata::SloMetadata;

use read::{check_unique_names, read_spec};
pub(crate) use tiers::{read_alerts, TIER_FIELDS_OF_ALERTS};

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
    /// Its display name, labels and annotations. Not read without the full reader either.
    #[cfg(feature = "full-reader")]
    pub metadata: SloMetadata,
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
/// sent) counts as. A client that gave up at once saw no failure; one that waited and then
/// gave up did: a hung upstream whose clients all cancel on their deadlines (gRPC's 300 ms,
/// say) sends no status at all, and an SLO that left those out would read 100% through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abandoned {
    /// Excluded, like a request that never reached the service.
    Exclude,
    /// Bad, as if the service had failed it.
    Bad,
    /// Bad when the client waited longer than the latency threshold, else excluded.
    Latency,
    /// Bad when the client waited longer than this many ms, else excluded.
    BadAfterMs(u32),
}

/// Without a latency threshold, a request abandoned after waiting longer than this counts
/// bad: past what a healthy answer takes, short of the shortest deadlines clients set.
pub const DEFAULT_ABANDONED_BAD_AFTER_MS: u32 = 100;

/// The longest wait `abandoned.bad_after_ms` takes: an hour.
pub const MAX_ABANDONED_BAD_AFTER_MS: u32 = 3_600_000;

impl Default for Abandoned {
    fn default() -> Self {
        Abandoned::BadAfterMs(DEFAULT_ABANDONED_BAD_AFTER_MS)
    }
}

impl Abandoned {
    pub const ALLOWED: &'static str = "\"exclude\", \"bad\", \"latency\" (bad only when the client waited past latency.threshold_ms) or {\"bad_after_ms\": N} (bad only when the client waited longer than N ms)";

    /// The default: `latency` for an SLO with a latency threshold, otherwise bad after
    /// waiting longer than `DEFAULT_ABANDONED_BAD_AFTER_MS`.
    pub fn default_for(bad: &BadOutcomes) -> Abandoned {
        match bad.latency_threshold_ms {
            Some(_) => Abandoned::Latency,
            None => Abandoned::default(),
        }
    }

    /// How the spec writes it.
    pub fn to_json(self) -> Value {
        match self {
            Abandoned::Exclude => json!("exclude"),
            Abandoned::Bad => json!("bad"),
            Abandoned::Latency => json!("latency"),
            Abandoned::BadAfterMs(ms) => json!({ "bad_after_ms": ms }),
        }
    }

    /// Whether a request abandoned after `waited_ms` counts bad (else it is excluded).
    pub fn is_bad(self, waited_ms: u64, latency_threshold_ms: Option<u32>) -> bool {
        match self {
            Abandoned::Exclude => false,
            Abandoned::Bad => true,
            Abandoned::Latency => latency_threshold_ms.is_some_and(|t| waited_ms > u64::from(t)),
            Abandoned::BadAfterMs(ms) => waited_ms > u64::from(ms),
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
/// `_` and `-`, starting with a letter or a digit (as RFC 1123 labels may: OpenSLO names
/// such as `5xx-rate` import as they are), at most 64 characters.
pub fn check_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not a valid name; allowed: 1 to 64 lower-case letters, digits, '_' or '-', starting with a letter or a digit"
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

    /// The spec's canonical JSON text, as the command writes and the editor downloads it.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string_pretty(&self.to_json()).unwrap_or_default() + "\n"
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

impl Slo {
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(self.name));
        #[cfg(feature = "full-reader")]
        if let Some(name) = &self.metadata.display_name {
            out.insert("display_name".into(), json!(name));
        }
        if let Some(d) = &self.description {
            out.insert("description".into(), json!(d));
        }
        out.insert("target".into(), json!(self.target));
        out.insert("window".into(), window::window_to_json(&self.window));
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
        #[cfg(feature = "full-reader")]
        for (key, value) in self.metadata.to_json() {
            if key != "display_name" {
                out.insert(key, value);
            }
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
            out.insert("abandoned".into(), self.abandoned.to_json());
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
