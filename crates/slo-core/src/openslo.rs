//! OpenSLO v1: reading multi-document YAML into the spec, and writing the spec back out.
//!
//! The `slo` command exposes both directions:
//! - `slo openslo import FILE` reads OpenSLO v1 YAML with [`import`] and prints the
//!   canonical JSON spec (`Spec::to_json`); on failure it prints one line per
//!   [`OpenSloError`] and exits 1.
//! - `slo openslo export FILE` reads a JSON spec and prints [`export`]'s YAML.
//!
//! `import(&export(&spec)) == Ok(spec)` holds for every valid spec.
//!
//! # How OpenSLO maps onto the spec
//!
//! | OpenSLO | spec |
//! | --- | --- |
//! | `Service` document, or an SLO's `spec.service` | a service, in file order; when there are Service documents, every `spec.service` must name one of them (without any, SLOs make their services) |
//! | `SLO` document | an SLO of its `spec.service`; `metadata.name` is the SLO name, `spec.description` its description |
//! | `objectives` | exactly one objective: `target` or `targetPercent` is the target |
//! | `timeWindow: [{duration: 28d, isRolling: true}]` | the rolling window `28d` (m, h, d, w; no M, Q, Y) |
//! | `timeWindow: [{duration: 1M, calendar: {timeZone: UTC}}]` | the calendar window `month` (`1w` week, `1M` month, `1Q` quarter; UTC only; a `startTime` must start such a period) |
//! | `budgetingMethod: Occurrences` | occurrences |
//! | `budgetingMethod: Timeslices` + `timeSliceWindow` + `timeSliceTarget` | timeslices with that slice and per-slice good ratio |
//! | `budgetingMethod: RatioTimeslices` + `timeSliceWindow` | ratio timeslices with that slice |
//! | an indicator (inline, or an `SLI` document by `indicatorRef`) | the request SLI, see below |
//! | `alertPolicies` (inline, or `AlertPolicy` documents by `alertPolicyRef`) | the alert tiers, see below |
//!
//! ## The request SLI: metricSource type `slo-toolkit.request`
//!
//! The Envoy filter judges each request itself, so an SLI is not a query but a
//! description of requests. It travels in a `metricSource` of type
//! [`REQUEST_SOURCE_TYPE`] (directly, or through a `DataSource` of that type named by
//! `metricSourceRef`), whose `spec` holds the fields of the JSON spec's `sli` object:
//!
//! - `ratioMetric` with `total` and `bad` (`counter: true` or omitted): `total`'s spec holds
//!   `match` and `exclude` (which requests count), `bad`'s spec holds `bad`, `latency` and
//!   `abandoned`
//!   (what makes one bad). The SLI is (total - bad) / total.
//! - `thresholdMetric`, for latency SLOs: the metric is each request's latency in
//!   milliseconds, and the objective's `op: lte` with `value: 300` makes a request good when
//!   it answers within 300 ms (`latency.threshold_ms: 300`). Its spec may hold `match`,
//!   `bad` (statuses that are bad whatever the latency) and `exclude`.
//!
//! [`export`] writes `thresholdMetric` when a latency threshold is the only bad outcome, and
//! `ratioMetric` otherwise.
//!
//! ## Prometheus SLIs: metricSource type `Prometheus`
//!
//! A `ratioMetric` whose sources have type `Prometheus` (spec: `query`) becomes the spec's
//! `sli.prometheus`: `good` or `bad` with `total`, or `raw` with `rawType: failure` (the
//! error ratio) or `success` (its complement). Each query is a counter selector or an
//! expression with `{{window}}` as its range. A `good` histogram `_bucket{..., le="X"}`
//! over the same histogram's `_count{...}` is read as a latency source. What OpenSLO has no
//! field for travels as SLO annotations of JSON text: [`ALERT_LABELS_ANNOTATION`],
//! [`ALERT_ANNOTATIONS_ANNOTATION`], [`GROUPING_ANNOTATION`] and
//! [`HISTOGRAM_BOUNDS_ANNOTATION`]. A `thresholdMetric` with a Prometheus query (a value
//! per time slice, not a count of events) is refused.
//!
//! ## Alert tiers: one AlertPolicy with one burn-rate AlertCondition each
//!
//! | AlertPolicy / AlertCondition | tier |
//! | --- | --- |
//! | policy `metadata.name` | tier name |
//! | condition `spec.severity` | `page` or `ticket` |
//! | `condition.kind: burnrate`, `op: gte`, `threshold` | the burn-rate threshold; the budget fraction is threshold x lookbackWindow / SLO window |
//! | `condition.lookbackWindow` | long window |
//! | `condition.alertAfter` | short window; when omitted, 1/12 of the long window (the SRE Workbook's ratio) |
//! | condition annotation `slo-toolkit/min-events-per-second` | minimum event rate |
//! | condition annotation `slo-toolkit/allow-burn-rate-below-one: "true"` | a threshold below 1x is intended |
//! | condition annotation `slo-toolkit/budget-fraction` | the exact budget fraction, written by [`export`] only when no decimal threshold gives it back exactly; it must agree with `threshold` |
//!
//! `alertPolicies` omitted means the default tiers scaled to the window; `alertPolicies: []`
//! switches every tier off. A policy must alert when breaching (`alertWhenBreaching` true
//! or omitted) and not on missing data. Notification routing stays with Alertmanager:
//! `notificationTargets` and `AlertNotificationTarget` documents are accepted and not
//! carried, and so are display names, labels, other annotations and the descriptions of
//! Service, SLI and alert documents (the SLO's description is carried).
//!
//! Durations are written as OpenSLO shorthands (`30d`, `6h`, `5m`), or in seconds (`90s`, an
//! extension) when they are not whole minutes. Calendar windows are written with
//! `startTime: 2024-01-01 00:00:00` (a Monday, a month start and a quarter start).
//!
//! # What is refused
//!
//! Anything the spec cannot hold is an error naming the document (counted from 1 in file
//! order, with its kind and name) and the field, never dropped: queries of metric sources
//! other than Prometheus, `good` or `raw` ratios of request sources, Prometheus
//! thresholdMetrics, Prometheus expressions without `{{window}}`, non-UTC time zones, months or years
//! as rolling windows, more than one objective, alert conditions other than `burnrate` with
//! `op: gte`, unknown kinds and fields, and SLI, AlertPolicy, AlertCondition or DataSource
//! documents no SLO refers to.
//!
//! Every document is either imported or named by an error, and one error hides no other:
//! the documents after one that is not valid YAML are read, and an SLO with a field that
//! cannot be read still has its other fields checked.

use crate::alerts::{budget_fraction_of, snap, AlertTier};
use crate::decode::{closest, join, kind, Errors, FieldError, Object};
use crate::duration::{format_duration, parse_duration, DAY, HOUR, MINUTE};
use crate::prometheus::{PrometheusSli, Source};
use crate::spec::{Budgeting, RequestSli, Sli, Slo, Spec};
use crate::window::{CalendarUnit, Window};
use serde_json::{json, Map, Value};
use serde_yaml_ng::{Mapping, Value as Yaml};
use std::collections::BTreeSet;
use std::fmt;

/// The `apiVersion` of every document read and written.
pub const API_VERSION: &str = "openslo/v1";
/// The metricSource type that carries a request SLI.
pub const REQUEST_SOURCE_TYPE: &str = "slo-toolkit.request";
/// The metricSource type of Prometheus queries, as OpenSLO's examples spell it.
pub const PROMETHEUS_SOURCE_TYPE: &str = "Prometheus";
/// AlertCondition annotation: a tier's minimum event rate, as a decimal string.
pub const MIN_EVENTS_ANNOTATION: &str = "slo-toolkit/min-events-per-second";
/// AlertCondition annotation: a tier's exact budget fraction, as a decimal string.
pub const BUDGET_FRACTION_ANNOTATION: &str = "slo-toolkit/budget-fraction";
/// AlertCondition annotation: `"true"` when a threshold below 1x is intended.
pub const ALLOW_BELOW_ONE_ANNOTATION: &str = "slo-toolkit/allow-burn-rate-below-one";
/// Every annotation of ours an AlertCondition may carry, inline or as a document of its own.
const CONDITION_ANNOTATIONS: &[&str] = &[
    MIN_EVENTS_ANNOTATION,
    BUDGET_FRACTION_ANNOTATION,
    ALLOW_BELOW_ONE_ANNOTATION,
];
/// SLO annotations carrying what OpenSLO has no field for, each as JSON text: the alerts'
/// labels and annotations (objects of strings), a Prometheus SLI's grouping labels and a
/// latency histogram's bounds (lists).
pub const ALERT_LABELS_ANNOTATION: &str = "slo-toolkit/alert-labels";
pub const ALERT_ANNOTATIONS_ANNOTATION: &str = "slo-toolkit/alert-annotations";
pub const GROUPING_ANNOTATION: &str = "slo-toolkit/grouping";
pub const HISTOGRAM_BOUNDS_ANNOTATION: &str = "slo-toolkit/histogram-bounds";
/// Where each SLO annotation goes in the spec's SLO.
const SLO_ANNOTATIONS: [(&str, &str); 4] = [
    (ALERT_LABELS_ANNOTATION, "alerts.labels"),
    (ALERT_ANNOTATIONS_ANNOTATION, "alerts.annotations"),
    (GROUPING_ANNOTATION, "sli.prometheus.grouping"),
    (HISTOGRAM_BOUNDS_ANNOTATION, "sli.prometheus.latency.bounds"),
];
/// The `startTime` written for calendar windows: a Monday, a month start and a quarter start.
const CALENDAR_START: &str = "2024-01-01 00:00:00";

const KINDS: &[&str] = &[
    "Service",
    "SLO",
    "SLI",
    "AlertPolicy",
    "AlertCondition",
    "AlertNotificationTarget",
    "DataSource",
];
const SLO_SPEC_FIELDS: &[&str] = &[
    "description",
    "service",
    "indicator",
    "indicatorRef",
    "timeWindow",
    "budgetingMethod",
    "objectives",
    "alertPolicies",
];
const OBJECTIVE_FIELDS: &[&str] = &[
    "displayName",
    "op",
    "value",
    "target",
    "targetPercent",
    "timeSliceTarget",
    "timeSliceWindow",
];
const METADATA_FIELDS: &[&str] = &["name", "displayName", "labels", "annotations"];

/// One thing wrong with an OpenSLO stream: which document, which field, what is wrong and
/// what is allowed. Displayed as
/// `document 2 (SLO checkout-availability): spec.timeWindow[0].calendar.timeZone: "Europe/Paris" is not supported; allowed: UTC`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSloError {
    /// The YAML document, counted from 1 in file order; `None` for the stream as a whole.
    pub document: Option<usize>,
    /// The document's `kind`, when it could be read.
    pub kind: Option<String>,
    /// The document's `metadata.name`, when it could be read.
    pub name: Option<String>,
    /// Path inside the document, such as `spec.objectives[0].target`; empty for the whole
    /// document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for OpenSloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.document {
            write!(f, "document {n}")?;
            match (&self.kind, &self.name) {
                (Some(k), Some(name)) => write!(f, " ({k} {name})")?,
                (Some(k), None) => write!(f, " ({k})")?,
                (None, Some(name)) => write!(f, " ({name})")?,
                (None, None) => {}
            }
            f.write_str(": ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for OpenSloError {}

/// Reads OpenSLO v1 YAML (one or more `---`-separated documents) into a validated spec.
/// Every problem is reported, each naming its document and field; see the module
/// documentation for the mapping.
pub fn import(yaml: &str) -> Result<Spec, Vec<OpenSloError>> {
    let (values, unreadable) = split_documents(yaml);
    let mut reader = Reader {
        docs: Vec::new(),
        problems: unreadable,
        used: BTreeSet::new(),
    };
    for (number, value) in &values {
        reader.read_document(*number, value);
    }
    let result = reader.build();
    let mut seen = BTreeSet::new();
    let mut problems: Vec<OpenSloError> = Vec::new();
    for p in reader.problems {
        if seen.insert(p.to_string()) {
            problems.push(p);
        }
    }
    match result {
        Some(spec) if problems.is_empty() => Ok(spec),
        _ => Err(problems),
    }
}

/// Writes the spec as OpenSLO v1 YAML: a Service document per service, then an SLO
/// document per SLO with its indicator and alert policies inline.
pub fn export(spec: &Spec) -> String {
    let mut docs = Vec::new();
    for service in &spec.services {
        docs.push(document(
            "Service",
            &service.name,
            Vec::new(),
            map(Vec::new()),
        ));
    }
    for service in &spec.services {
        for slo in &service.slos {
            docs.push(slo_document(&service.name, slo));
        }
    }
    docs.iter()
        .map(|doc| {
            serde_yaml_ng::to_string(doc)
                .expect("a YAML tree of strings, numbers, lists and maps always serializes")
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

// ---------------------------------------------------------------------------------------
// Import

/// The non-empty documents of the stream as JSON values, numbered from 1, and the errors
/// of those that could not be read.
fn split_documents(yaml: &str) -> (Vec<(usize, Value)>, Vec<OpenSloError>) {
    use serde::Deserialize;
    let (mut docs, mut errors) = (Vec::new(), Vec::new());
    let (mut rest, mut first) = (yaml, 1);
    'stream: loop {
        for (i, doc) in serde_yaml_ng::Deserializer::from_str(rest).enumerate() {
            let number = first + i;
            match Value::deserialize(doc) {
                Ok(Value::Null) => {}
                Ok(value) => docs.push((number, value)),
                Err(e) => {
                    errors.push(OpenSloError {
                        document: Some(number),
                        kind: None,
                        name: None,
                        path: String::new(),
                        message: format!(
                            "not valid YAML: {e}; allowed: OpenSLO v1 documents separated by ---"
                        ),
                    });
                    // The parser gives up on the rest of the stream at its first error, so
                    // the documents after a broken one are read on their own.
                    match e.location().and_then(|at| next_document(rest, at.line())) {
                        Some(offset) => {
                            rest = &rest[offset..];
                            first = number + 1;
                            continue 'stream;
                        }
                        None => break 'stream,
                    }
                }
            }
        }
        break;
    }
    if docs.is_empty() && errors.is_empty() {
        errors.push(OpenSloError {
            document: None,
            kind: None,
            name: None,
            path: String::new(),
            message:
                "holds no document; allowed: OpenSLO v1 Service and SLO documents separated by ---"
                    .into(),
        });
    }
    (docs, errors)
}

/// Where the first `---` line at or after line `line` (counted from 1) of `text` starts,
/// if it is past the start of `text`.
fn next_document(text: &str, line: usize) -> Option<usize> {
    let mut offset = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        let marker = l
            .strip_prefix("---")
            .is_some_and(|after| after.is_empty() || after.starts_with(char::is_whitespace));
        if marker && n + 1 >= line && offset > 0 {
            return Some(offset);
        }
        offset += l.len();
    }
    None
}

struct Doc<'a> {
    number: usize,
    value: &'a Value,
    kind: Option<String>,
    name: Option<String>,
    metadata: Option<&'a Value>,
    spec: Option<&'a Value>,
}

/// Where a value of the built spec came from: a document (index into `docs`) and a path.
#[derive(Debug, Clone)]
struct Origin {
    doc: usize,
    path: String,
}

fn at(doc: usize, path: impl Into<String>) -> Origin {
    Origin {
        doc,
        path: path.into(),
    }
}

/// JSON-path suffixes of one SLO of the built spec, and where each came from.
type PathMap = Vec<(String, Origin)>;

struct Reader<'a> {
    docs: Vec<Doc<'a>>,
    problems: Vec<OpenSloError>,
    /// Documents referred to by an SLO.
    used: BTreeSet<usize>,
}

/// An SLO read from its document, ready to join the spec.
struct SloDraft {
    /// `None` when `spec.service` could not be read (and that was reported).
    service: Option<String>,
    json: Value,
    paths: PathMap,
    /// The fields that could not be read and were reported, as JSON-path suffixes: left out
    /// of `json`, so the spec's errors at them (and, with `true`, under them) are dropped.
    reported: Vec<(&'static str, bool)>,
}

/// Which form an indicator took.
#[derive(Clone, Copy, PartialEq)]
enum SliForm {
    Ratio,
    Threshold,
}

struct SliDraft {
    form: SliForm,
    json: Map<String, Value>,
    paths: PathMap,
}

/// A metricSource as read: its type, its spec's fields and where they are.
struct SourceRead {
    prometheus: bool,
    fields: Map<String, Value>,
    spec_path: String,
}

struct TierDraft {
    json: Value,
    paths: PathMap,
}

struct Objective<'a> {
    obj: Object<'a>,
    target: Option<f64>,
    target_key: &'static str,
}

impl<'a> Reader<'a> {
    fn error(&mut self, doc: usize, path: &str, message: impl Into<String>) {
        let d = &self.docs[doc];
        self.problems.push(OpenSloError {
            document: Some(d.number),
            kind: d.kind.clone(),
            name: d.name.clone(),
            path: path.to_string(),
            message: message.into(),
        });
    }

    fn report(&mut self, doc: usize, errors: Errors) {
        for e in errors.0 {
            self.error(doc, &e.path, e.message);
        }
    }

    /// Runs `f` with a fresh error list and files what it found under document `doc`.
    fn within<T>(&mut self, doc: usize, f: impl FnOnce(&mut Errors) -> T) -> T {
        let mut errors = Errors::default();
        let out = f(&mut errors);
        self.report(doc, errors);
        out
    }

    fn read_document(&mut self, number: usize, value: &'a Value) {
        let index = self.docs.len();
        self.docs.push(Doc {
            number,
            value,
            kind: None,
            name: None,
            metadata: None,
            spec: None,
        });
        let mut errors = Errors::default();
        if let Some(obj) = Object::read(
            value,
            "",
            &["apiVersion", "kind", "metadata", "spec"],
            &mut errors,
        ) {
            obj.required("apiVersion", API_VERSION, &mut errors);
            if let Some(version) = obj.string("apiVersion", &mut errors) {
                if version != API_VERSION {
                    errors.push(
                        "apiVersion",
                        format!("{version:?} is not supported; allowed: {API_VERSION}"),
                    );
                }
            }
            obj.required("kind", &KINDS.join(", "), &mut errors);
            let kind_name = obj.string("kind", &mut errors).and_then(|k| {
                if KINDS.contains(&k) {
                    Some(k.to_string())
                } else {
                    let hint = closest(k, KINDS)
                        .map(|c| format!("did you mean `{c}`? "))
                        .unwrap_or_default();
                    errors.push(
                        "kind",
                        format!(
                            "{k:?} is not an OpenSLO v1 kind; {hint}allowed: {}",
                            KINDS.join(", ")
                        ),
                    );
                    None
                }
            });
            obj.required("metadata", "an object with a name", &mut errors);
            let annotations = match kind_name.as_deref() {
                Some("AlertCondition") => CONDITION_ANNOTATIONS,
                Some("SLO") => &SLO_ANNOTATIONS.map(|(name, _)| name),
                _ => &[],
            };
            let name = obj
                .get("metadata")
                .and_then(|m| read_metadata(m, "metadata", annotations, &mut errors));
            let doc = &mut self.docs[index];
            doc.kind = kind_name;
            doc.name = name;
            doc.metadata = obj.get("metadata");
            doc.spec = obj.get("spec");
            let duplicate = self.docs[..index].iter().any(|d| {
                d.kind.is_some()
                    && d.kind == self.docs[index].kind
                    && d.name.is_some()
                    && d.name == self.docs[index].name
            });
            if duplicate {
                errors.push(
                    "metadata.name",
                    "names another document of the same kind too; allowed: unique names per kind",
                );
            }
        }
        self.report(index, errors);
    }

    fn find(&mut self, kind: &str, name: &str) -> Option<usize> {
        let found = self
            .docs
            .iter()
            .position(|d| d.kind.as_deref() == Some(kind) && d.name.as_deref() == Some(name));
        if let Some(i) = found {
            self.used.insert(i);
        }
        found
    }

    /// A referenced document, or an error at `path` of `from` listing the ones there are.
    fn resolve(&mut self, from: usize, path: &str, kind: &str, name: &str) -> Option<usize> {
        let found = self.find(kind, name);
        if found.is_none() {
            let names: Vec<&str> = self
                .docs
                .iter()
                .filter(|d| d.kind.as_deref() == Some(kind))
                .filter_map(|d| d.name.as_deref())
                .collect();
            let message = if names.is_empty() {
                format!("no {kind} document is named {name:?}; there is no {kind} document; allowed: the name of a {kind} document in the same input")
            } else {
                let hint = closest(name, &names)
                    .map(|c| format!("did you mean `{c}`? "))
                    .unwrap_or_default();
                format!(
                    "no {kind} document is named {name:?}; {hint}allowed: {}",
                    names.join(", ")
                )
            };
            self.error(from, path, message);
        }
        found
    }

    fn of_kind(&self, kind: &str) -> Vec<usize> {
        (0..self.docs.len())
            .filter(|&i| self.docs[i].kind.as_deref() == Some(kind))
            .collect()
    }

    /// Reads every document and validates the spec they describe, SLOs with fields that
    /// could not be read included (so that their other fields are checked too); problems go
    /// to `self.problems`.
    fn build(&mut self) -> Option<Spec> {
        for (kind, fields, required) in PLAIN_KINDS {
            for d in self.of_kind(kind) {
                let spec = self.docs[d].spec;
                self.within(d, |e| check_plain_spec(spec, fields, required, e));
            }
        }
        let service_docs = self.of_kind("Service");
        let mut services: Vec<(String, Origin, Vec<SloDraft>)> = Vec::new();
        for &d in &service_docs {
            // A second Service of the same name has its error already.
            match &self.docs[d].name {
                Some(name) if !services.iter().any(|(known, _, _)| known == name) => {
                    services.push((name.clone(), at(d, "metadata.name"), Vec::new()));
                }
                _ => {}
            }
        }
        // SLOs with no service to join, checked all the same.
        let mut orphans = Vec::new();
        let slo_docs = self.of_kind("SLO");
        for d in slo_docs.iter().copied() {
            let Some(draft) = self.read_slo(d) else {
                continue;
            };
            let Some(service) = draft.service.clone() else {
                orphans.push(draft);
                continue;
            };
            match services.iter_mut().find(|(name, _, _)| *name == service) {
                Some(known) => known.2.push(draft),
                // With Service documents given, a name outside them is a typo rather
                // than a service of its own.
                None if !service_docs.is_empty() => {
                    self.resolve(d, "spec.service", "Service", &service);
                    orphans.push(draft);
                }
                None => services.push((service, at(d, "spec.service"), vec![draft])),
            }
        }
        if slo_docs.is_empty() && services.is_empty() && self.problems.is_empty() {
            self.problems.push(OpenSloError {
                document: None,
                kind: None,
                name: None,
                path: String::new(),
                message: "holds no Service or SLO document; allowed: at least one SLO (kind: SLO) or Service".into(),
            });
        }
        self.report_unreferenced();
        if services.is_empty() && orphans.is_empty() {
            return None;
        }
        let mut paths: Vec<(String, Origin)> = Vec::new();
        let mut reported: Vec<(String, bool)> = Vec::new();
        let mut json_services = Vec::new();
        let orphans = (!orphans.is_empty()).then_some((String::new(), None, orphans));
        let all = services
            .into_iter()
            .map(|(name, origin, slos)| (name, Some(origin), slos))
            .chain(orphans);
        for (i, (name, origin, slos)) in all.enumerate() {
            let service_path = format!("services[{i}]");
            match origin {
                Some(origin) => {
                    paths.push((join(&service_path, "name"), origin.clone()));
                    paths.push((
                        service_path.clone(),
                        Origin {
                            path: String::new(),
                            ..origin
                        },
                    ));
                }
                // The orphans' own errors say why they have no service.
                None => reported.push((join(&service_path, "name"), false)),
            }
            let mut json_slos = Vec::new();
            for (j, slo) in slos.into_iter().enumerate() {
                let slo_path = format!("{service_path}.slos[{j}]");
                for (suffix, origin) in slo.paths {
                    paths.push((format!("{slo_path}{suffix}"), origin));
                }
                reported.extend(
                    (slo.reported.iter()).map(|(s, under)| (format!("{slo_path}{s}"), *under)),
                );
                json_slos.push(slo.json);
            }
            json_services.push(json!({"name": name, "slos": json_slos}));
        }
        let value = json!({ "services": json_services });
        match Spec::from_value(&value, "") {
            Ok(spec) => Some(spec),
            Err(errors) => {
                for error in errors {
                    let said = reported.iter().any(|(r, under)| match under {
                        true => is_within(&error.path, r),
                        false => error.path == *r,
                    });
                    if !said {
                        self.map_error(error, &paths);
                    }
                }
                None
            }
        }
    }

    /// Documents that only count through a reference: each one nothing refers to would be
    /// lost, and is refused. One that a document with errors names (or names through
    /// others) is left alone: it is that document's to use once it is fixed.
    fn report_unreferenced(&mut self) {
        let mut excused: BTreeSet<usize> = self
            .problems
            .iter()
            .filter_map(|p| self.docs.iter().position(|d| Some(d.number) == p.document))
            .collect();
        let unused: Vec<usize> = (0..self.docs.len())
            .filter(|d| !self.used.contains(d))
            .filter(|&d| {
                REFERENCES
                    .iter()
                    .any(|(_, kind)| self.docs[d].kind.as_deref() == Some(kind))
            })
            .collect();
        loop {
            let more: Vec<usize> = unused
                .iter()
                .copied()
                .filter(|d| !excused.contains(d))
                .filter(|&d| {
                    let (kind, name) = (&self.docs[d].kind, &self.docs[d].name);
                    excused.iter().any(|&by| {
                        mentions(self.docs[by].value).iter().any(|(k, n)| {
                            kind.as_deref() == Some(*k) && name.as_deref() == Some(*n)
                        })
                    })
                })
                .collect();
            if more.is_empty() {
                break;
            }
            excused.extend(more);
        }
        for d in unused.into_iter().filter(|d| !excused.contains(d)) {
            let by = REFERENCES
                .iter()
                .find(|(_, kind)| self.docs[d].kind.as_deref() == Some(kind))
                .map_or("", |(key, _)| key);
            self.error(d, "", format!("is not referred to by any SLO, so it would be lost; allowed: refer to it with {by}, or remove it"));
        }
    }

    /// Files an error of the built spec against the document and field it came from.
    fn map_error(&mut self, error: FieldError, paths: &[(String, Origin)]) {
        let best = paths
            .iter()
            .filter(|(prefix, _)| is_within(&error.path, prefix))
            .max_by_key(|(prefix, _)| prefix.len());
        match best {
            Some((prefix, origin)) => {
                let rest = &error.path[prefix.len()..];
                let path = if origin.path.is_empty() {
                    rest.trim_start_matches('.').to_string()
                } else {
                    format!("{}{rest}", origin.path)
                };
                self.error(origin.doc, &path, error.message);
            }
            None => self.problems.push(OpenSloError {
                document: None,
                kind: None,
                name: None,
                path: error.path,
                message: error.message,
            }),
        }
    }

    /// Reads an SLO document. Each field that cannot be read is reported and left out of
    /// the draft, which still joins the spec so that the other fields are checked too;
    /// `None` (with the error filed) only when there is no spec to read.
    fn read_slo(&mut self, d: usize) -> Option<SloDraft> {
        let name = self.docs[d].name.clone();
        let Some(spec_value) = self.docs[d].spec else {
            self.error(d, "spec", "is required: the SLO's service, indicator, timeWindow, budgetingMethod and objectives");
            return None;
        };
        let mut e = Errors::default();
        let Some(spec) = Object::read(spec_value, "spec", SLO_SPEC_FIELDS, &mut e) else {
            self.report(d, e);
            return None;
        };
        let mut json = Map::new();
        let mut paths: PathMap = vec![
            (String::new(), at(d, "spec")),
            (".name".into(), at(d, "metadata.name")),
        ];
        let mut reported = Vec::new();
        match &name {
            Some(name) => {
                json.insert("name".into(), json!(name));
            }
            None => reported.push((".name", true)),
        }
        if let Some(description) = spec.string("description", &mut e) {
            json.insert("description".into(), json!(description));
            paths.push((".description".into(), at(d, "spec.description")));
        }
        spec.required(
            "service",
            "the name of the service the SLO belongs to",
            &mut e,
        );
        let service = spec.string("service", &mut e).map(str::to_string);
        let window = read_time_window(&spec, &mut e);
        match window {
            Some(w) => {
                json.insert("window".into(), json!(w.to_string()));
                paths.push((".window".into(), at(d, "spec.timeWindow[0]")));
            }
            None => reported.push((".window", true)),
        }
        let objective = read_objective(&spec, &mut e);
        match objective.as_ref().and_then(|o| Some((o, o.target?))) {
            Some((o, target)) => {
                json.insert("target".into(), json!(target));
                paths.push((".target".into(), at(d, o.obj.path_of(o.target_key))));
            }
            None => reported.push((".target", true)),
        }
        match read_budgeting(&spec, objective.as_ref().map(|o| &o.obj), &mut e) {
            Some(budgeting) => {
                paths.push((".budgeting".into(), at(d, "spec.budgetingMethod")));
                if let Some(o) = &objective {
                    paths.push((
                        ".budgeting.slice".into(),
                        at(d, o.obj.path_of("timeSliceWindow")),
                    ));
                    paths.push((
                        ".budgeting.slice_good_ratio".into(),
                        at(d, o.obj.path_of("timeSliceTarget")),
                    ));
                }
                if let Some(b) = budgeting {
                    json.insert("budgeting".into(), b);
                }
            }
            None => reported.push((".budgeting", true)),
        }
        self.report(d, e);

        if let Some(sli) = self.read_indicator(d, &spec) {
            let mut sli_json = sli.json;
            if let Some(o) = &objective {
                let mut e = Errors::default();
                match sli.form {
                    SliForm::Threshold => {
                        o.obj.required(
                            "op",
                            "lte: a request is good when its latency in ms is at most value",
                            &mut e,
                        );
                        if let Some(op) = o.obj.string("op", &mut e) {
                            if op != "lte" {
                                e.push(&o.obj.path_of("op"), format!("{op:?} is not supported for a request latency; allowed: lte (a request is good when its latency in ms is at most value)"));
                            }
                        }
                        o.obj.required(
                            "value",
                            "the latency threshold in milliseconds, such as 300",
                            &mut e,
                        );
                        if let Some(value) = o.obj.get("value") {
                            sli_json.insert("latency".into(), json!({ "threshold_ms": value }));
                            paths.push((".sli.latency".into(), at(d, o.obj.path_of("value"))));
                            paths.push((
                                ".sli.latency.threshold_ms".into(),
                                at(d, o.obj.path_of("value")),
                            ));
                        }
                    }
                    SliForm::Ratio => {
                        for key in ["op", "value"] {
                            if o.obj.get(key).is_some() {
                                e.push(&o.obj.path_of(key), "only applies to a thresholdMetric indicator; allowed: omit it for a ratioMetric");
                            }
                        }
                    }
                }
                self.report(d, e);
            }
            // Without the objective's value there is no latency threshold, which is
            // reported; the spec would only add that the SLI names no bad outcome.
            if sli.form == SliForm::Threshold && !sli_json.contains_key("latency") {
                reported.push((".sli", false));
            }
            json.insert("sli".into(), Value::Object(sli_json));
            paths.extend(sli.paths);
        } else {
            reported.push((".sli", true));
        }

        match self.read_alert_policies(d, &spec, window) {
            Some(Some(tiers)) => {
                paths.push((".alerts".into(), at(d, "spec.alertPolicies")));
                let mut list = Vec::new();
                for (k, tier) in tiers.into_iter().enumerate() {
                    for (suffix, origin) in tier.paths {
                        paths.push((format!(".alerts.tiers[{k}]{suffix}"), origin));
                    }
                    list.push(tier.json);
                }
                json.insert("alerts".into(), json!({ "tiers": list }));
            }
            Some(None) => {}
            None => reported.push((".alerts", true)),
        }
        self.apply_slo_annotations(d, &mut json, &mut paths);
        Some(SloDraft {
            service,
            json: Value::Object(json),
            paths,
            reported,
        })
    }

    /// Puts the SLO annotations' values where they go in the spec's SLO; the spec's reader
    /// checks them there, and its errors point back at the annotation.
    fn apply_slo_annotations(
        &mut self,
        d: usize,
        json: &mut Map<String, Value>,
        paths: &mut PathMap,
    ) {
        let Some(annotations) = self.docs[d]
            .metadata
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
        else {
            return;
        };
        let mut e = Errors::default();
        for (name, target) in SLO_ANNOTATIONS {
            let Some(text) = annotations.get(name) else {
                continue;
            };
            let path = format!("metadata.annotations.{name}");
            let Some(value) = crate::decode::as_string(text, &path, &mut e)
                .and_then(|t| serde_json::from_str::<Value>(t).map_err(|err| e.push(&path, format!("is not JSON: {err}; allowed: JSON text, such as [\"route\"] or {{\"team\": \"orders\"}}"))).ok())
            else {
                continue;
            };
            // A grouping or bounds annotation on an SLO without that source makes the
            // spec's reader report the field where it does not belong.
            let keys: Vec<&str> = target.split('.').collect();
            if insert_at(json, &keys, value) {
                paths.push((format!(".{target}"), at(d, path)));
            }
        }
        self.report(d, e);
    }

    fn read_indicator(&mut self, d: usize, spec: &Object<'a>) -> Option<SliDraft> {
        match (spec.get("indicator"), spec.get("indicatorRef")) {
            (Some(_), Some(_)) => {
                self.error(
                    d,
                    "spec",
                    "sets both indicator and indicatorRef; allowed: one of them",
                );
                None
            }
            (None, None) => {
                self.error(d, "spec.indicator", "is required (or indicatorRef): an SLI whose metricSource has type slo-toolkit.request");
                None
            }
            (Some(inline), None) => {
                let sli_spec =
                    self.within(d, |e| read_inline(inline, "spec.indicator", "SLI", &[], e))?;
                self.read_sli_spec(d, sli_spec, "spec.indicator.spec")
            }
            (None, Some(reference)) => {
                let name = self.within(d, |e| {
                    crate::decode::as_string(reference, "spec.indicatorRef", e)
                })?;
                let sli = self.resolve(d, "spec.indicatorRef", "SLI", name)?;
                match self.docs[sli].spec {
                    Some(v) => self.read_sli_spec(sli, v, "spec"),
                    None => {
                        self.error(sli, "spec", "is required: a ratioMetric or thresholdMetric");
                        None
                    }
                }
            }
        }
    }

    fn read_sli_spec(&mut self, d: usize, value: &'a Value, path: &str) -> Option<SliDraft> {
        let mut e = Errors::default();
        let spec = Object::read(
            value,
            path,
            &["description", "thresholdMetric", "ratioMetric"],
            &mut e,
        );
        self.report(d, e);
        let spec = spec?;
        match (spec.get("ratioMetric"), spec.get("thresholdMetric")) {
            (Some(_), Some(_)) => {
                self.error(
                    d,
                    path,
                    "sets both ratioMetric and thresholdMetric; allowed: one of them",
                );
                None
            }
            (None, None) => {
                self.error(d, &join(path, "ratioMetric"), "is required (or thresholdMetric): bad and total sources of type slo-toolkit.request");
                None
            }
            (Some(ratio), None) => self.read_ratio_metric(d, ratio, &spec.path_of("ratioMetric")),
            (None, Some(threshold)) => {
                let base = spec.path_of("thresholdMetric");
                let inner = self.within(d, |e| {
                    let obj = Object::read(threshold, &base, &["metricSource"], e)?;
                    obj.required(
                        "metricSource",
                        "a metricSource of type slo-toolkit.request",
                        e,
                    );
                    obj.get("metricSource")
                })?;
                let source_path = join(&base, "metricSource");
                let read = self.read_source(
                    d,
                    inner,
                    &source_path,
                    &["match", "bad", "exclude", "abandoned"],
                )?;
                if read.prometheus {
                    self.error(d, &join(&source_path, "type"), "Prometheus is not supported in a thresholdMetric: a threshold on a query's value per time slice (a gauge, a quantile) is not a count of good and bad events the rules can burn; allowed: a ratioMetric with good (the histogram's _bucket{le=\"0.3\"}) and total (its _count) of type Prometheus, or slo-toolkit.request, which judges any latency threshold per request");
                    return None;
                }
                let mut paths: PathMap = vec![(".sli".into(), at(d, base))];
                let mut json = Map::new();
                for (key, value) in read.fields {
                    paths.push((format!(".sli.{key}"), at(d, join(&read.spec_path, &key))));
                    json.insert(key, value);
                }
                Some(SliDraft {
                    form: SliForm::Threshold,
                    json,
                    paths,
                })
            }
        }
    }

    fn read_ratio_metric(&mut self, d: usize, value: &'a Value, path: &str) -> Option<SliDraft> {
        let mut e = Errors::default();
        let obj = Object::read(
            value,
            path,
            &["counter", "good", "bad", "total", "rawType", "raw"],
            &mut e,
        );
        let Some(obj) = obj else {
            self.report(d, e);
            return None;
        };
        let counter = obj.boolean("counter", &mut e);
        self.report(d, e);
        // Each role's source, read with the fields a request source holds in that role.
        let roles: [(&str, &[&str]); 4] = [
            ("total", &["match", "exclude"]),
            ("bad", &["bad", "latency", "abandoned"]),
            ("good", &[]),
            ("raw", &[]),
        ];
        let mut sources = Vec::new();
        let mut complete = true;
        for (role, keys) in roles {
            let Some(role_value) = obj.get(role) else {
                continue;
            };
            let role_path = obj.path_of(role);
            let source = self.within(d, |e| {
                let o = Object::read(role_value, &role_path, &["metricSource"], e)?;
                o.required(
                    "metricSource",
                    "a metricSource of type slo-toolkit.request or Prometheus",
                    e,
                );
                o.get("metricSource")
            });
            match source
                .and_then(|s| self.read_source(d, s, &join(&role_path, "metricSource"), keys))
            {
                Some(read) => sources.push((role, read)),
                None => complete = false,
            }
        }
        if sources.iter().any(|(_, read)| read.prometheus) {
            let sli = self.prometheus_ratio(d, &obj, &sources, path);
            return sli.filter(|_| complete);
        }
        let mut e = Errors::default();
        if counter == Some(false) {
            e.push(
                &obj.path_of("counter"),
                "false is not supported: the filter counts requests; allowed: true or omitted",
            );
        }
        if obj.get("good").is_some() {
            e.push(&obj.path_of("good"), "is not supported for a request source: a request SLI names what is bad; allowed: bad and total of type slo-toolkit.request, or good and total of type Prometheus");
        }
        for key in ["raw", "rawType"] {
            if obj.get(key).is_some() {
                e.push(&obj.path_of(key), "is not supported for a request source: a precomputed ratio cannot be judged per request; allowed: bad and total of type slo-toolkit.request, or a raw ratio of type Prometheus");
            }
        }
        obj.required("total", "the requests that count: a metricSource of type slo-toolkit.request with match and exclude", &mut e);
        obj.required("bad", "what makes a request bad: a metricSource of type slo-toolkit.request with bad and latency", &mut e);
        complete &= e.is_empty();
        self.report(d, e);
        let mut json = Map::new();
        let mut paths: PathMap = vec![(".sli".into(), at(d, path))];
        for (_, read) in sources {
            for (key, value) in read.fields {
                paths.push((format!(".sli.{key}"), at(d, join(&read.spec_path, &key))));
                json.insert(key, value);
            }
        }
        complete.then_some(SliDraft {
            form: SliForm::Ratio,
            json,
            paths,
        })
    }

    /// A ratioMetric over Prometheus queries: good or bad with total, or a raw ratio
    /// (`rawType: failure` is the error ratio, `success` its complement).
    fn prometheus_ratio(
        &mut self,
        d: usize,
        obj: &Object<'a>,
        sources: &[(&str, SourceRead)],
        path: &str,
    ) -> Option<SliDraft> {
        let mut e = Errors::default();
        if let Some((role, _)) = sources.iter().find(|(_, read)| !read.prometheus) {
            e.push(&obj.path_of(role), "is not of type Prometheus while another source of this ratioMetric is; allowed: every source of one type");
        }
        let query = |role: &str| {
            sources
                .iter()
                .find(|(r, _)| *r == role)
                .and_then(|(_, read)| read.fields.get("query"))
                .cloned()
        };
        let mut json = Map::new();
        let mut paths: PathMap = vec![
            (".sli".into(), at(d, path)),
            (".sli.prometheus".into(), at(d, path)),
        ];
        for (role, read) in sources {
            let key = if *role == "raw" { "error_ratio" } else { role };
            paths.push((
                format!(".sli.prometheus.{key}"),
                at(d, join(&read.spec_path, "query")),
            ));
        }
        if obj.get("raw").is_some() {
            for role in ["good", "bad", "total"] {
                if obj.get(role).is_some() {
                    e.push(&obj.path_of(role), "does not apply next to raw; allowed: raw with rawType, or good or bad with total");
                }
            }
            obj.required(
                "rawType",
                "failure (raw is the error ratio) or success (raw is the good ratio)",
                &mut e,
            );
            let raw = query("raw").and_then(|q| q.as_str().map(str::to_string));
            match (obj.string("rawType", &mut e), raw) {
                (Some("failure"), Some(raw)) => {
                    json.insert("error_ratio".into(), json!(raw));
                }
                (Some("success"), Some(raw)) => {
                    json.insert("error_ratio".into(), json!(format!("1 - ({raw})")));
                }
                (Some(other), _) if other != "failure" && other != "success" => e.push(
                    &obj.path_of("rawType"),
                    format!("{other:?} is not a rawType; allowed: failure or success"),
                ),
                _ => {}
            }
        } else {
            if obj.get("rawType").is_some() {
                e.push(
                    &obj.path_of("rawType"),
                    "only applies to raw; allowed: omit it",
                );
            }
            obj.required(
                "total",
                "all events: a metricSource of type Prometheus with a query",
                &mut e,
            );
            if obj.get("good").is_none() && obj.get("bad").is_none() {
                e.push(&obj.path_of("good"), "is required (or bad): the good events, a metricSource of type Prometheus with a query");
            }
            for role in ["good", "bad", "total"] {
                if let Some(q) = query(role) {
                    json.insert(role.into(), q);
                }
            }
            if let Some(latency) = crate::prometheus::latency_of_ratio(&Value::Object(json.clone()))
            {
                for role in ["good", "total"] {
                    if let Some(origin) = paths
                        .iter()
                        .find(|(p, _)| p == &format!(".sli.prometheus.{role}"))
                        .map(|(_, o)| o.clone())
                    {
                        paths.push((".sli.prometheus.latency".into(), origin));
                    }
                }
                json = Map::from_iter([("latency".to_string(), latency)]);
            }
        }
        let complete = e.is_empty();
        self.report(d, e);
        complete.then(|| SliDraft {
            form: SliForm::Ratio,
            json: Map::from_iter([("prometheus".to_string(), Value::Object(json))]),
            paths,
        })
    }

    /// A metricSource of our request type (its spec holding `keys`) or of type
    /// Prometheus (its spec holding a `query`).
    fn read_source(
        &mut self,
        d: usize,
        value: &'a Value,
        path: &str,
        keys: &[&str],
    ) -> Option<SourceRead> {
        let mut e = Errors::default();
        let obj = Object::read(value, path, &["metricSourceRef", "type", "spec"], &mut e);
        let Some(obj) = obj else {
            self.report(d, e);
            return None;
        };
        let own_type = obj.string("type", &mut e).map(str::to_string);
        let reference = obj.string("metricSourceRef", &mut e).map(str::to_string);
        self.report(d, e);
        let source_type = match (own_type, reference) {
            (own, Some(name)) => {
                let source =
                    self.resolve(d, &obj.path_of("metricSourceRef"), "DataSource", &name)?;
                let referenced = self.docs[source]
                    .spec
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                match (own, referenced) {
                    (Some(own), Some(r)) if own != r => {
                        self.error(d, &obj.path_of("type"), format!("{own:?} differs from the type {r:?} of DataSource {name}; allowed: the same type, or omit it"));
                        return None;
                    }
                    (Some(own), _) => own,
                    (None, Some(r)) => r,
                    // The DataSource's own check says what is wrong with its type.
                    (None, None) => return None,
                }
            }
            (Some(own), None) => own,
            (None, None) => {
                if obj.get("type").is_none() && obj.get("metricSourceRef").is_none() {
                    self.error(
                        d,
                        &obj.path_of("type"),
                        format!("is required (or metricSourceRef): {REQUEST_SOURCE_TYPE}"),
                    );
                }
                return None;
            }
        };
        let prometheus = source_type.eq_ignore_ascii_case(PROMETHEUS_SOURCE_TYPE);
        if source_type != REQUEST_SOURCE_TYPE && !prometheus {
            self.error(d, &obj.path_of("type"), format!(
                "{source_type:?} is not supported: only Prometheus queries become rules, and other systems' queries cannot be imported; allowed: Prometheus (a query), or {REQUEST_SOURCE_TYPE}, whose spec names the requests (match, exclude under total) and what is bad (bad, latency under bad)"
            ));
            return None;
        }
        let keys: &[&str] = if prometheus { &["query"] } else { keys };
        let spec_path = obj.path_of("spec");
        let fields = self.within(d, |e| {
            let Some(spec) = obj.get("spec") else {
                e.push(
                    &spec_path,
                    format!("is required: an object with {}", keys.join(", ")),
                );
                return None;
            };
            let read = Object::read(spec, &spec_path, keys, e)?;
            if prometheus {
                read.required("query", "the PromQL query", e);
                read.string("query", e)?;
            }
            spec.as_object().cloned()
        })?;
        Some(SourceRead {
            prometheus,
            fields,
            spec_path,
        })
    }

    /// `None` on errors (or without a window to scale the tiers to); `Some(None)` when
    /// `alertPolicies` is absent (the default tiers).
    fn read_alert_policies(
        &mut self,
        d: usize,
        spec: &Object<'a>,
        window: Option<Window>,
    ) -> Option<Option<Vec<TierDraft>>> {
        if spec.get("alertPolicies").is_none() {
            return Some(None);
        }
        let mut e = Errors::default();
        let items = spec.array("alertPolicies", &mut e);
        let mut complete = e.is_empty();
        self.report(d, e);
        let mut tiers = Vec::new();
        for (path, item) in items {
            let tier = self.read_policy_item(d, item, &path, window);
            match tier {
                Some(t) => tiers.push(t),
                None => complete = false,
            }
        }
        (complete && window.is_some()).then_some(Some(tiers))
    }

    fn read_policy_item(
        &mut self,
        d: usize,
        item: &'a Value,
        path: &str,
        window: Option<Window>,
    ) -> Option<TierDraft> {
        let reference = item.get("alertPolicyRef");
        if let Some(reference) = reference {
            let name = self.within(d, |e| {
                Object::read(item, path, &["alertPolicyRef"], e);
                crate::decode::as_string(reference, &join(path, "alertPolicyRef"), e)
            })?;
            let policy = self.resolve(d, &join(path, "alertPolicyRef"), "AlertPolicy", name)?;
            let name = self.docs[policy].name.clone();
            let Some(spec) = self.docs[policy].spec else {
                self.error(policy, "spec", "is required: one burn-rate condition");
                return None;
            };
            return self.read_policy(policy, name.as_deref(), "", spec, window);
        }
        let mut e = Errors::default();
        let spec = read_inline(item, path, "AlertPolicy", &[], &mut e);
        let name = item
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str);
        self.report(d, e);
        self.read_policy(d, name, path, spec?, window)
    }

    /// One policy found at `base` of document `d` (empty for a whole document); `name`
    /// is `None` when it could not be read (and that was reported).
    fn read_policy(
        &mut self,
        d: usize,
        name: Option<&str>,
        base: &str,
        spec: &'a Value,
        window: Option<Window>,
    ) -> Option<TierDraft> {
        let spec_path = join(base, "spec");
        let mut e = Errors::default();
        let conditions = Object::read(
            spec,
            &spec_path,
            &["description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions", "notificationTargets"],
            &mut e,
        )
        .map(|obj| {
            obj.string("description", &mut e);
            if obj.boolean("alertWhenBreaching", &mut e) == Some(false) {
                e.push(&obj.path_of("alertWhenBreaching"), "false is not supported: a tier alerts when the burn rate breaches its threshold; allowed: true or omitted");
            }
            if obj.boolean("alertWhenNoData", &mut e) == Some(true) {
                e.push(&obj.path_of("alertWhenNoData"), "true is not supported: tiers do not alert on missing data; allowed: false or omitted");
            }
            obj.boolean("alertWhenResolved", &mut e);
            obj.array("notificationTargets", &mut e);
            obj.required("conditions", "a list with one burn-rate condition", &mut e);
            let list = obj.array("conditions", &mut e);
            if obj.get("conditions").is_some_and(Value::is_array) && list.len() != 1 {
                e.push(&obj.path_of("conditions"), format!("has {} conditions; allowed: exactly one, as OpenSLO v1 requires", list.len()));
            }
            list
        });
        let mut complete = e.is_empty();
        self.report(d, e);
        // Every condition is read, though only one can make the tier: so each is checked,
        // and the documents it refers to are not taken for unreferenced ones.
        let mut tiers = Vec::new();
        for (path, item) in conditions? {
            match self.read_policy_condition(d, &path, item, window) {
                Some(tier) => tiers.push(tier),
                None => complete = false,
            }
        }
        let (Some(name), true, Some(mut tier)) = (name, complete, tiers.pop()) else {
            return None;
        };
        tier.json["name"] = json!(name);
        tier.paths
            .push((".name".into(), at(d, join(base, "metadata.name"))));
        Some(tier)
    }

    /// The condition at `path` of policy document `d`: inline, or a document it refers to.
    fn read_policy_condition(
        &mut self,
        d: usize,
        path: &str,
        item: &'a Value,
        window: Option<Window>,
    ) -> Option<TierDraft> {
        let (cd, cbase, cspec) = match item.get("conditionRef") {
            Some(reference) => {
                let cname = self.within(d, |e| {
                    Object::read(item, path, &["conditionRef"], e);
                    crate::decode::as_string(reference, &join(path, "conditionRef"), e)
                })?;
                let cd = self.resolve(d, &join(path, "conditionRef"), "AlertCondition", cname)?;
                let Some(spec) = self.docs[cd].spec else {
                    self.error(cd, "spec", "is required: severity and a burnrate condition");
                    return None;
                };
                (cd, String::new(), spec)
            }
            None => {
                let spec = self.within(d, |e| {
                    read_inline(item, path, "AlertCondition", CONDITION_ANNOTATIONS, e)
                })?;
                (d, path.to_string(), spec)
            }
        };
        let metadata = if cbase.is_empty() {
            self.docs[cd].metadata
        } else {
            item.get("metadata")
        };
        let mut e = Errors::default();
        let tier = read_condition(&cbase, metadata, cspec, window, &mut e);
        self.report(cd, e);
        let mut tier = tier?;
        for (_, origin) in &mut tier.paths {
            origin.doc = cd;
        }
        Some(tier)
    }
}

/// The fields that refer to another document by name, and the kind each one names.
const REFERENCES: [(&str, &str); 4] = [
    ("indicatorRef", "SLI"),
    ("alertPolicyRef", "AlertPolicy"),
    ("conditionRef", "AlertCondition"),
    ("metricSourceRef", "DataSource"),
];

/// Every `(kind, name)` a reference field anywhere in `value` names.
fn mentions(value: &Value) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (key, child) in map {
                    let kind = REFERENCES.iter().find(|(k, _)| k == key);
                    if let (Some((_, kind)), Some(name)) = (kind, child.as_str()) {
                        out.push((*kind, name));
                    }
                    stack.push(child);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// Whether the JSON path `path` is `prefix` or lies under it.
fn is_within(path: &str, prefix: &str) -> bool {
    path == prefix
        || (path.starts_with(prefix)
            && matches!(path.as_bytes().get(prefix.len()), Some(b'.' | b'[' | b' ')))
}

/// A kind whose spec is checked on its own: the spec's fields, and the text field it
/// requires with what that holds.
type PlainKind = (
    &'static str,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

/// The kinds the spec does not carry field by field: Service names, DataSource types
/// (read where a metricSourceRef names them) and notification targets.
const PLAIN_KINDS: [PlainKind; 3] = [
    ("Service", &["description"], None),
    (
        "DataSource",
        &["description", "type", "connectionDetails"],
        Some(("type", REQUEST_SOURCE_TYPE)),
    ),
    (
        "AlertNotificationTarget",
        &["description", "target"],
        Some(("target", "where alerts go, such as alertmanager")),
    ),
];

fn check_plain_spec(
    spec: Option<&Value>,
    fields: &[&str],
    required: Option<(&str, &str)>,
    e: &mut Errors,
) {
    let Some(spec) = spec else {
        if let Some((key, what)) = required {
            e.push("spec", format!("is required: an object with {key}: {what}"));
        }
        return;
    };
    let Some(obj) = Object::read(spec, "spec", fields, e) else {
        return;
    };
    obj.string("description", e);
    if let Some((key, what)) = required {
        obj.required(key, what, e);
        obj.string(key, e);
    }
}

/// Reads `metadata`, checking our annotations against `annotations` (the ones allowed
/// there); returns the name.
fn read_metadata(
    value: &Value,
    path: &str,
    annotations: &[&str],
    errors: &mut Errors,
) -> Option<String> {
    let obj = Object::read(value, path, METADATA_FIELDS, errors)?;
    obj.string("displayName", errors);
    if let Some(a) = obj.get("annotations") {
        let a_path = obj.path_of("annotations");
        match a.as_object() {
            Some(map) => {
                for key in map
                    .keys()
                    .filter(|k| k.starts_with("slo-toolkit/") && !annotations.contains(&k.as_str()))
                {
                    let hint = closest(key, annotations)
                        .map(|c| format!("did you mean `{c}`? "))
                        .unwrap_or_default();
                    let allowed = if annotations.is_empty() {
                        "none here".to_string()
                    } else {
                        annotations.join(", ")
                    };
                    errors.push(
                        &format!("{a_path}.{key}"),
                        format!("is not an annotation of ours; {hint}allowed: {allowed}"),
                    );
                }
            }
            None => errors.push(
                &a_path,
                format!("expected a map of strings, found {}", kind(a)),
            ),
        }
    }
    obj.required("name", "the object's name", errors);
    obj.string("name", errors).map(str::to_string)
}

/// An inline object (`kind` optional, `metadata`, `spec`): its spec.
fn read_inline<'a>(
    value: &'a Value,
    path: &str,
    expected: &str,
    annotations: &[&str],
    errors: &mut Errors,
) -> Option<&'a Value> {
    let obj = Object::read(
        value,
        path,
        &["apiVersion", "kind", "metadata", "spec"],
        errors,
    )?;
    if let Some(k) = obj.string("kind", errors) {
        if k != expected {
            errors.push(
                &obj.path_of("kind"),
                format!("{k:?} is not allowed here; allowed: {expected}"),
            );
        }
    }
    if let Some(v) = obj.string("apiVersion", errors) {
        if v != API_VERSION {
            errors.push(
                &obj.path_of("apiVersion"),
                format!("{v:?} is not supported; allowed: {API_VERSION}"),
            );
        }
    }
    if expected != "SLI" {
        obj.required("metadata", "an object with a name", errors);
    }
    if let Some(m) = obj.get("metadata") {
        read_metadata(m, &obj.path_of("metadata"), annotations, errors);
    }
    obj.required("spec", &format!("the {expected}'s spec"), errors)
}

/// A condition's tier, without its name (the policy's).
fn read_condition(
    base: &str,
    metadata: Option<&Value>,
    spec: &Value,
    window: Option<Window>,
    e: &mut Errors,
) -> Option<TierDraft> {
    let before = e.0.len();
    let annotations = metadata.and_then(|m| m.get("annotations"));
    let annotations_path = join(base, "metadata.annotations");
    let min_rate = annotation_number(annotations, &annotations_path, MIN_EVENTS_ANNOTATION, e);
    let exact_fraction = annotation_number(
        annotations,
        &annotations_path,
        BUDGET_FRACTION_ANNOTATION,
        e,
    );
    let allow_below_one = annotation_flag(
        annotations,
        &annotations_path,
        ALLOW_BELOW_ONE_ANNOTATION,
        e,
    );
    let spec_path = join(base, "spec");
    let obj = Object::read(
        spec,
        &spec_path,
        &["description", "severity", "condition"],
        e,
    )?;
    obj.string("description", e);
    obj.required("severity", "page or ticket", e);
    let severity = obj.string("severity", e).and_then(|s| match s {
        "page" | "ticket" => Some(s),
        other => {
            e.push(
                &obj.path_of("severity"),
                format!("{other:?} is not a severity of ours; allowed: page or ticket"),
            );
            None
        }
    });
    obj.required(
        "condition",
        "a burnrate condition with op, threshold, lookbackWindow and alertAfter",
        e,
    );
    let condition_path = obj.path_of("condition");
    let burn_rate = obj
        .get("condition")
        .and_then(|c| read_burn_rate(c, &condition_path, e));
    if e.0.len() > before {
        return None;
    }
    let ((threshold, long, short), window) = (burn_rate?, window?.nominal_seconds());
    let threshold_path = join(&condition_path, "threshold");
    let budget_fraction = match exact_fraction {
        Some(f) => {
            let implied = f * window as f64 / long as f64;
            if (implied - threshold).abs() > 1e-9 * threshold.max(1.0) {
                e.push(&format!("{annotations_path}.{BUDGET_FRACTION_ANNOTATION}"), format!("{f} gives a burn rate of {implied}, not the threshold {threshold}; allowed: a budget fraction that agrees with threshold, or no annotation"));
                return None;
            }
            f
        }
        None => budget_fraction_of(threshold, long, window),
    };
    if budget_fraction > 1.0 {
        e.push(&threshold_path, format!(
            "{threshold} over a lookbackWindow of {} would burn more than the whole error budget of the {} window; allowed: at most {}",
            format_duration(long), format_duration(window), window as f64 / long as f64
        ));
        return None;
    }
    let mut json = json!({
        "severity": severity?,
        "budget_fraction": budget_fraction,
        "long_window": format_duration(long),
        "short_window": format_duration(short),
    });
    if let Some(rate) = min_rate {
        json["min_events_per_second"] = json!(rate);
    }
    if allow_below_one {
        json["allow_burn_rate_below_one"] = json!(true);
    }
    let paths: PathMap = vec![
        (String::new(), at(0, condition_path.clone())),
        (".severity".into(), at(0, obj.path_of("severity"))),
        (".budget_fraction".into(), at(0, threshold_path)),
        (
            ".long_window".into(),
            at(0, join(&condition_path, "lookbackWindow")),
        ),
        (
            ".short_window".into(),
            at(0, join(&condition_path, "alertAfter")),
        ),
        (
            ".min_events_per_second".into(),
            at(0, format!("{annotations_path}.{MIN_EVENTS_ANNOTATION}")),
        ),
    ];
    Some(TierDraft { json, paths })
}

/// A `burnrate` condition: its threshold, and its long and short windows in seconds.
fn read_burn_rate(value: &Value, path: &str, e: &mut Errors) -> Option<(f64, u64, u64)> {
    let c = Object::read(
        value,
        path,
        &["kind", "op", "threshold", "lookbackWindow", "alertAfter"],
        e,
    )?;
    if let Some(k) = c.string("kind", e) {
        if k != "burnrate" {
            e.push(
                &c.path_of("kind"),
                format!("{k:?} is not supported; allowed: burnrate"),
            );
        }
    }
    c.required(
        "op",
        "gte: the tier fires when the burn rate reaches threshold",
        e,
    );
    if let Some(op) = c.string("op", e) {
        if op != "gte" {
            e.push(&c.path_of("op"), format!("{op:?} is not supported: a tier fires when the burn rate reaches its threshold; allowed: gte"));
        }
    }
    c.required(
        "threshold",
        "the burn rate at which the tier fires, such as 14.4",
        e,
    );
    let threshold = c.number("threshold", e).and_then(|t| {
        if t > 0.0 && t.is_finite() {
            Some(t)
        } else {
            e.push(
                &c.path_of("threshold"),
                format!("{t} is not allowed; allowed: a burn rate above 0, such as 14.4"),
            );
            None
        }
    });
    c.required("lookbackWindow", "the tier's long window, such as 1h", e);
    let long = read_shorthand(&c, "lookbackWindow", e);
    let short = match c.get("alertAfter") {
        Some(_) => read_shorthand(&c, "alertAfter", e),
        None => long.map(|l| (l / 12).max(1)),
    };
    Some((threshold?, long?, short?))
}

/// `"true"` or `"false"` (a YAML boolean too); absent is false.
fn annotation_flag(annotations: Option<&Value>, path: &str, key: &str, e: &mut Errors) -> bool {
    let Some(value) = annotations.and_then(|a| a.get(key)) else {
        return false;
    };
    match value {
        Value::Bool(b) => *b,
        Value::String(s) if s.trim() == "true" => true,
        Value::String(s) if s.trim() == "false" => false,
        _ => {
            e.push(
                &format!("{path}.{key}"),
                format!(
                    "{} is not allowed; allowed: \"true\" or \"false\"",
                    kind(value)
                ),
            );
            false
        }
    }
}

/// An annotation holding a number (annotations are strings; a bare YAML number is taken too).
fn annotation_number(
    annotations: Option<&Value>,
    path: &str,
    key: &str,
    e: &mut Errors,
) -> Option<f64> {
    let value = annotations?.get(key)?;
    let number = match value {
        Value::String(s) => s.trim().parse::<f64>().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    match number {
        Some(n) if n.is_finite() && n >= 0.0 => Some(n),
        _ => {
            e.push(
                &format!("{path}.{key}"),
                format!(
                    "{} is not allowed; allowed: a decimal number of 0 or more, such as \"0.5\"",
                    kind(value)
                ),
            );
            None
        }
    }
}

/// A duration shorthand of a fixed length: `5m`, `1h`, `28d`, `4w` (also seconds and our
/// compound forms such as `1h30m`). Months, quarters and years have no fixed length.
fn read_shorthand(obj: &Object, key: &str, e: &mut Errors) -> Option<u64> {
    let text = obj.string(key, e)?;
    if text.ends_with(['M', 'Q', 'Y']) {
        e.push(&obj.path_of(key), format!("{text:?} has no fixed length; allowed: a duration in m, h, d or w, such as 30m, 6h or 28d"));
        return None;
    }
    match parse_duration(text) {
        Ok(seconds) => Some(seconds),
        Err(err) => {
            e.push(&obj.path_of(key), err.to_string());
            None
        }
    }
}

fn read_time_window(spec: &Object, e: &mut Errors) -> Option<Window> {
    let before = e.0.len();
    spec.required(
        "timeWindow",
        "one rolling window (duration, isRolling: true) or calendar window (duration, calendar)",
        e,
    );
    let items = spec.array("timeWindow", e);
    if spec.get("timeWindow").is_some_and(Value::is_array) && items.len() != 1 {
        e.push(
            &spec.path_of("timeWindow"),
            format!("has {} items; allowed: exactly one", items.len()),
        );
        return None;
    }
    let (path, value) = items.into_iter().next()?;
    let w = Object::read(value, &path, &["duration", "isRolling", "calendar"], e)?;
    w.required(
        "duration",
        "a duration such as 28d, or 1w, 1M or 1Q for a calendar window",
        e,
    );
    let rolling = w.boolean("isRolling", e);
    match (rolling, w.get("calendar")) {
        (Some(true), Some(_)) => {
            e.push(&w.path_of("calendar"), "is set on a rolling window; allowed: isRolling false with calendar, or isRolling true without it");
            None
        }
        (Some(true), None) => {
            read_shorthand(&w, "duration", e).map(|seconds| Window::Rolling { seconds })
        }
        (None, None) => {
            if w.get("isRolling").is_none() {
                e.push(&w.path_of("isRolling"), "is required without calendar: true for a rolling window (or give calendar for a calendar window)");
            }
            None
        }
        (Some(false), None) => {
            e.push(
                &w.path_of("calendar"),
                "is required when isRolling is false: timeZone UTC and a startTime",
            );
            None
        }
        (_, Some(calendar)) => {
            let unit = w.string("duration", e).and_then(|d| match d {
                "1w" | "7d" => Some(CalendarUnit::Week),
                "1M" => Some(CalendarUnit::Month),
                "1Q" | "3M" => Some(CalendarUnit::Quarter),
                other => {
                    e.push(
                        &w.path_of("duration"),
                        format!(
                            "{other:?} is not a calendar window of ours; allowed: 1w, 1M or 1Q"
                        ),
                    );
                    None
                }
            });
            let c = Object::read(
                calendar,
                &w.path_of("calendar"),
                &["startTime", "timeZone"],
                e,
            )?;
            c.required("timeZone", "UTC", e);
            if let Some(zone) = c.string("timeZone", e) {
                if !matches!(zone, "UTC" | "Etc/UTC") {
                    e.push(
                        &c.path_of("timeZone"),
                        format!("{zone:?} is not supported; allowed: UTC"),
                    );
                }
            }
            if let (Some(start), Some(unit)) = (c.string("startTime", e), unit) {
                if let Err(message) = check_calendar_start(start, unit) {
                    e.push(&c.path_of("startTime"), message);
                }
            }
            if e.0.len() == before {
                unit.map(Window::Calendar)
            } else {
                None
            }
        }
    }
}

/// Calendar windows start on a Monday, the 1st of a month or the 1st of a quarter, at
/// midnight UTC; a `startTime` must be such a moment.
fn check_calendar_start(text: &str, unit: CalendarUnit) -> Result<(), String> {
    let bad_format = || {
        format!("{text:?} is not a date and time; allowed: YYYY-MM-DD HH:MM:SS, such as \"{CALENDAR_START}\"")
    };
    let (date, time) = text.split_once([' ', 'T']).unwrap_or((text, "00:00:00"));
    let numbers = |s: &str, sep: char| {
        s.split(sep)
            .map(|p| p.parse::<u32>().ok())
            .collect::<Option<Vec<u32>>>()
    };
    let (Some(d), Some(t)) = (numbers(date, '-'), numbers(time.trim_end_matches('Z'), ':')) else {
        return Err(bad_format());
    };
    let (&[year, month, day], &[hh, mm, ss]) = (d.as_slice(), t.as_slice()) else {
        return Err(bad_format());
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 59 {
        return Err(bad_format());
    }
    let midnight = hh == 0 && mm == 0 && ss == 0;
    let (ok, what) = match unit {
        CalendarUnit::Week => (
            midnight && weekday(year, month, day) == 1,
            "a Monday at 00:00:00 (weeks run Monday to Monday in UTC)",
        ),
        CalendarUnit::Month => (midnight && day == 1, "the 1st of a month at 00:00:00"),
        CalendarUnit::Quarter => (
            midnight && day == 1 && month % 3 == 1,
            "the 1st of January, April, July or October at 00:00:00",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{text:?} does not start a calendar period; allowed: {what}"
        ))
    }
}

/// Day of the week, 0 for Sunday (Sakamoto's method).
fn weekday(year: u32, month: u32, day: u32) -> u32 {
    const OFFSETS: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    (y + y / 4 - y / 100 + y / 400 + OFFSETS[month as usize - 1] + day) % 7
}

fn read_objective<'a>(spec: &Object<'a>, e: &mut Errors) -> Option<Objective<'a>> {
    spec.required("objectives", "one objective with a target", e);
    let items = spec.array("objectives", e);
    if spec.get("objectives").is_some_and(Value::is_array) && items.len() != 1 {
        e.push(&spec.path_of("objectives"), format!(
            "has {} objectives; allowed: exactly one (the filter judges each request against one target; write one SLO per objective)",
            items.len()
        ));
    }
    // Each objective is read, so that its own errors show beside the count's.
    let mut objectives: Vec<Objective> = items
        .iter()
        .filter_map(|(path, value)| read_objective_item(path, value, e))
        .collect();
    match items.len() {
        1 => objectives.pop(),
        _ => None,
    }
}

fn read_objective_item<'a>(path: &str, value: &'a Value, e: &mut Errors) -> Option<Objective<'a>> {
    for key in ["indicator", "indicatorRef", "compositeWeight"] {
        if value.get(key).is_some() {
            e.push(&join(path, key), "composite objectives are not supported; allowed: one objective, with the indicator under spec");
        }
    }
    let allowed: Vec<&str> = OBJECTIVE_FIELDS
        .iter()
        .copied()
        .chain(["indicator", "indicatorRef", "compositeWeight"])
        .collect();
    let obj = Object::read(value, path, &allowed, e)?;
    obj.string("displayName", e);
    let (target, target_key) = match (obj.get("target"), obj.get("targetPercent")) {
        (Some(_), Some(_)) => {
            e.push(
                path,
                "sets both target and targetPercent; allowed: one of them",
            );
            (None, "target")
        }
        (None, None) => {
            e.push(
                &obj.path_of("target"),
                "is required (or targetPercent): a ratio between 0 and 1 exclusive, such as 0.999",
            );
            (None, "target")
        }
        (Some(_), None) => (obj.number("target", e), "target"),
        (None, Some(_)) => {
            let percent = obj.number("targetPercent", e).and_then(|p| {
                if p > 0.0 && p < 100.0 {
                    // Shifting the decimal point in the text keeps 99.9 exactly 0.999.
                    format!("{p}e-2").parse::<f64>().ok()
                } else {
                    e.push(&obj.path_of("targetPercent"), format!("{p} is out of range; allowed: a percentage between 0 and 100 exclusive, such as 99.9"));
                    None
                }
            });
            (percent, "targetPercent")
        }
    };
    Some(Objective {
        obj,
        target,
        target_key,
    })
}

/// `None` on errors, or when the objective holding the slices could not be read;
/// `Some(None)` for occurrences (the spec's default).
fn read_budgeting(
    spec: &Object,
    objective: Option<&Object>,
    e: &mut Errors,
) -> Option<Option<Value>> {
    spec.required(
        "budgetingMethod",
        "Occurrences, Timeslices or RatioTimeslices",
        e,
    );
    let method = spec.string("budgetingMethod", e)?;
    // Which of timeSliceTarget and timeSliceWindow the method takes.
    let (takes_target, takes_window) = match method {
        "Occurrences" => (false, false),
        "Timeslices" => (true, true),
        "RatioTimeslices" => (false, true),
        other => {
            e.push(
                &spec.path_of("budgetingMethod"),
                format!("{other:?} is not a budgeting method; allowed: Occurrences, Timeslices or RatioTimeslices"),
            );
            return None;
        }
    };
    let Some(o) = objective else {
        return (method == "Occurrences").then_some(None);
    };
    let before = e.0.len();
    for (key, takes, what, methods) in [
        (
            "timeSliceTarget",
            takes_target,
            "the good ratio a slice needs, such as 0.95",
            "Timeslices",
        ),
        (
            "timeSliceWindow",
            takes_window,
            "the slice length, such as 1m or 5m",
            "Timeslices or RatioTimeslices",
        ),
    ] {
        if takes {
            o.required(key, what, e);
        } else if o.get(key).is_some() {
            e.push(
                &o.path_of(key),
                format!("only applies when budgetingMethod is {methods}; allowed: omit it"),
            );
        }
    }
    let slice = match o.get("timeSliceWindow").filter(|_| takes_window) {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(minutes) if minutes > 0 => Some(minutes * MINUTE),
            _ => {
                e.push(&o.path_of("timeSliceWindow"), format!("{n} is not allowed; allowed: a whole number of minutes above 0, or a duration such as 5m"));
                None
            }
        },
        Some(_) => read_shorthand(o, "timeSliceWindow", e),
        None => None,
    };
    let ratio = o
        .get("timeSliceTarget")
        .filter(|_| takes_target)
        .and_then(|_| o.number("timeSliceTarget", e));
    if e.0.len() > before {
        return None;
    }
    Some(match method {
        "Occurrences" => None,
        "Timeslices" => Some(
            json!({"method": "timeslices", "slice": format_duration(slice?), "slice_good_ratio": ratio?}),
        ),
        _ => Some(json!({"method": "ratio_timeslices", "slice": format_duration(slice?)})),
    })
}

// ---------------------------------------------------------------------------------------
// Export

fn map(pairs: Vec<(&str, Yaml)>) -> Yaml {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(Yaml::from(k), v);
    }
    Yaml::Mapping(m)
}

fn s(text: &str) -> Yaml {
    Yaml::from(text)
}

fn from_json(value: &Value) -> Yaml {
    serde_yaml_ng::to_value(value).expect("JSON values always convert to YAML")
}

fn document(kind: &str, name: &str, annotations: Vec<(&str, Yaml)>, spec: Yaml) -> Yaml {
    map(vec![
        ("apiVersion", s(API_VERSION)),
        ("kind", s(kind)),
        ("metadata", metadata(name, annotations)),
        ("spec", spec),
    ])
}

fn metadata(name: &str, annotations: Vec<(&str, Yaml)>) -> Yaml {
    let mut pairs = vec![("name", s(name))];
    if !annotations.is_empty() {
        pairs.push(("annotations", map(annotations)));
    }
    map(pairs)
}

/// The OpenSLO spelling of a whole number of seconds: the largest of d, h, m that divides
/// it, or seconds (our extension) when it is not whole minutes.
fn shorthand(seconds: u64) -> String {
    for (unit, suffix) in [(DAY, 'd'), (HOUR, 'h'), (MINUTE, 'm')] {
        if seconds.is_multiple_of(unit) {
            return format!("{}{suffix}", seconds / unit);
        }
    }
    format!("{seconds}s")
}

fn request_source(spec: Map<String, Value>) -> Yaml {
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
fn prometheus_metric(sli: &PrometheusSli) -> (&'static str, Yaml) {
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
fn request_metric(
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

/// Inserts `value` at the dotted `keys`, making objects on the way; false when a value
/// on the way is not an object.
fn insert_at(map: &mut Map<String, Value>, keys: &[&str], value: Value) -> bool {
    match keys {
        [] => false,
        [last] => {
            map.insert(last.to_string(), value);
            true
        }
        [first, rest @ ..] => match map
            .entry(first.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
        {
            Some(child) => insert_at(child, rest, value),
            None => false,
        },
    }
}

/// What OpenSLO has no field for, as SLO annotations of JSON text.
fn slo_annotations(slo: &Slo) -> Vec<(&'static str, Yaml)> {
    let mut out = Vec::new();
    for (name, map) in [
        (ALERT_LABELS_ANNOTATION, &slo.alert_labels),
        (ALERT_ANNOTATIONS_ANNOTATION, &slo.alert_annotations),
    ] {
        if !map.is_empty() {
            out.push((name, s(&json!(map).to_string())));
        }
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

fn slo_document(service: &str, slo: &Slo) -> Yaml {
    let sli = match slo.to_json().get("sli") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let mut objective = Vec::new();
    let metric = match &slo.sli {
        Sli::Request(request) => request_metric(request, sli, &mut objective),
        Sli::Prometheus(prometheus) => prometheus_metric(prometheus),
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
    let window = match slo.window {
        Window::Rolling { seconds } => map(vec![
            ("duration", s(&shorthand(seconds))),
            ("isRolling", Yaml::from(true)),
        ]),
        Window::Calendar(unit) => {
            let duration = match unit {
                CalendarUnit::Week => "1w",
                CalendarUnit::Month => "1M",
                CalendarUnit::Quarter => "1Q",
            };
            map(vec![
                ("duration", s(duration)),
                (
                    "calendar",
                    map(vec![
                        ("startTime", s(CALENDAR_START)),
                        ("timeZone", s("UTC")),
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
    document("SLO", &slo.name, slo_annotations(slo), map(spec))
}

fn alert_policy(tier: &AlertTier, window: u64) -> Yaml {
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
    let condition = map(vec![
        ("kind", s("AlertCondition")),
        ("metadata", metadata(&tier.name, annotations)),
        (
            "spec",
            map(vec![
                ("severity", s(tier.severity.as_str())),
                (
                    "condition",
                    map(vec![
                        ("kind", s("burnrate")),
                        ("op", s("gte")),
                        ("threshold", Yaml::from(threshold)),
                        ("lookbackWindow", s(&shorthand(tier.long_window_seconds))),
                        ("alertAfter", s(&shorthand(tier.short_window_seconds))),
                    ]),
                ),
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
fn threshold_for(budget_fraction: f64, long: u64, window: u64) -> (f64, bool) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::Severity;
    use crate::duration::WEEK;

    fn spec_of(json: Value) -> Spec {
        Spec::from_value(&json, "").unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn one_error(yaml: &str) -> OpenSloError {
        let errors = import(yaml).expect_err("the document must be refused");
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.into_iter().next().unwrap()
    }

    // Flow style, to read the same structure written the other way YAML allows.
    const RATIO: &str = "\
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-availability}
spec:
  service: checkout
  indicator:
    metadata: {name: checkout-requests}
    spec:
      ratioMetric:
        counter: true
        total: {metricSource: {type: slo-toolkit.request, spec: {match: {path_prefixes: [/api/checkout]}}}}
        bad: {metricSource: {type: slo-toolkit.request, spec: {bad: {status: [5xx]}}}}
  timeWindow: [{duration: 4w, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{targetPercent: 99.9}]
";

    #[test]
    fn reads_a_ratio_slo_with_default_tiers() {
        let spec = import(RATIO).unwrap();
        assert_eq!(spec.services[0].name, "checkout");
        let slo = &spec.services[0].slos[0];
        assert_eq!(slo.target, 0.999);
        assert_eq!(slo.window, Window::Rolling { seconds: 28 * DAY });
        assert_eq!(
            slo.sli.request().unwrap().matcher.path_prefixes,
            ["/api/checkout"]
        );
        assert_eq!(
            Ok(slo.alerts.clone()),
            AlertTier::defaults_for(28 * DAY, None, None)
        );
    }

    #[test]
    fn error_display_names_document_and_field() {
        let e = OpenSloError {
            document: Some(2),
            kind: Some("SLO".into()),
            name: Some("checkout-availability".into()),
            path: "spec.timeWindow[0].calendar.timeZone".into(),
            message: "\"Europe/Paris\" is not supported; allowed: UTC".into(),
        };
        assert_eq!(
            e.to_string(),
            "document 2 (SLO checkout-availability): spec.timeWindow[0].calendar.timeZone: \"Europe/Paris\" is not supported; allowed: UTC"
        );
    }

    #[test]
    fn shorthand_prefers_whole_units() {
        assert_eq!(shorthand(28 * DAY), "28d");
        assert_eq!(shorthand(90 * MINUTE), "90m");
        assert_eq!(shorthand(6 * HOUR), "6h");
        assert_eq!(shorthand(90), "90s");
        assert_eq!(shorthand(WEEK), "7d");
    }

    #[test]
    fn thresholds_read_back_as_the_same_budget_fraction() {
        let month = 30 * DAY;
        let (rate, exact) = threshold_for(0.02, HOUR, month);
        assert!(exact);
        assert_eq!(rate, 14.4);
        for (fraction, long, window) in [
            (0.1, 3 * DAY, 28 * DAY),
            (0.37, 7 * HOUR + 13, 29 * DAY + 5),
            (1e-7, 61, 90 * DAY),
        ] {
            let (rate, exact) = threshold_for(fraction, long, window);
            if exact {
                assert_eq!(budget_fraction_of(rate, long, window), fraction);
            } else {
                assert!(
                    (budget_fraction_of(rate, long, window) - fraction).abs() < 1e-9 * fraction
                );
            }
        }
    }

    #[test]
    fn an_inexact_threshold_travels_with_the_budget_fraction_annotation() {
        // Find a fraction no decimal threshold gives back exactly, then round-trip it.
        let (long, window) = (7 * HOUR + 13, 29 * DAY + 5);
        let fraction = (1..10_000u64)
            .map(|i| 0.3 + i as f64 / 100_070.0)
            .find(|f| !threshold_for(*f, long, window).1)
            .expect("some fractions need the annotation");
        let spec = spec_of(json!({"services": [{"name": "svc", "slos": [{
            "name": "odd", "target": 0.99, "window": format_duration(window),
            "sli": {"bad": {"status": ["5xx"]}},
            "alerts": {"tiers": [{"name": "odd-tier", "severity": "ticket", "budget_fraction": fraction,
                                  "long_window": format_duration(long), "short_window": "10m"}]}
        }]}]}));
        let yaml = export(&spec);
        assert!(yaml.contains(BUDGET_FRACTION_ANNOTATION), "{yaml}");
        assert_eq!(import(&yaml), Ok(spec));
    }

    #[test]
    fn thresholds_as_people_write_them_give_the_default_tiers() {
        let window = 28 * DAY;
        // 14.4, 6, 3 and 1, whatever the window.
        for tier in AlertTier::defaults_for(window, None, None).unwrap() {
            let written = format!("{:.2}", tier.burn_rate(window))
                .parse::<f64>()
                .unwrap();
            assert_eq!(
                budget_fraction_of(written, tier.long_window_seconds, window),
                tier.budget_fraction,
                "{}",
                tier.name
            );
            let (exported, exact) =
                threshold_for(tier.budget_fraction, tier.long_window_seconds, window);
            assert!(exact);
            assert_eq!(exported, written, "{}", tier.name);
        }
    }

    #[test]
    fn calendar_starts_are_checked() {
        assert!(check_calendar_start("2024-01-01 00:00:00", CalendarUnit::Week).is_ok());
        assert!(check_calendar_start("2026-11-23T00:00:00", CalendarUnit::Week).is_ok());
        assert!(
            check_calendar_start("2026-11-24 00:00:00", CalendarUnit::Week)
                .unwrap_err()
                .contains("Monday")
        );
        assert!(check_calendar_start("2026-04-01 00:00:00", CalendarUnit::Quarter).is_ok());
        assert!(check_calendar_start("2026-05-01 00:00:00", CalendarUnit::Quarter).is_err());
        assert!(check_calendar_start("2026-05-01 12:30:00", CalendarUnit::Month).is_err());
        assert!(check_calendar_start("May 1st", CalendarUnit::Month)
            .unwrap_err()
            .contains("YYYY-MM-DD"));
    }

    #[test]
    fn alert_policies_become_tiers() {
        let yaml = format!(
            "{RATIO}  alertPolicies:
    - kind: AlertPolicy
      metadata:
        name: fast-burn
      spec:
        alertWhenBreaching: true
        conditions:
          - kind: AlertCondition
            metadata:
              name: fast-burn
              annotations:
                slo-toolkit/min-events-per-second: \"0.5\"
            spec:
              severity: page
              condition:
                kind: burnrate
                op: gte
                threshold: 13.44
                lookbackWindow: 1h
                alertAfter: 5m
        notificationTargets:
          - targetRef: on-call
    - alertPolicyRef: slow-burn
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: slow-burn
spec:
  conditions:
    - conditionRef: slow-burn-condition
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: slow-burn-condition
spec:
  severity: ticket
  condition:
    kind: burnrate
    op: gte
    threshold: 1
    lookbackWindow: 3d
"
        );
        let spec = import(&yaml).unwrap();
        let tiers = &spec.services[0].slos[0].alerts;
        assert_eq!(tiers.len(), 2);
        assert_eq!(
            (tiers[0].name.as_str(), tiers[0].severity),
            ("fast-burn", Severity::Page)
        );
        // 13.44 over 1h of 28 days is exactly the 2% of the default page tier.
        assert_eq!(tiers[0].budget_fraction, 0.02);
        assert_eq!(tiers[0].min_events_per_second, Some(0.5));
        assert_eq!(
            (tiers[1].name.as_str(), tiers[1].severity),
            ("slow-burn", Severity::Ticket)
        );
        // Without alertAfter the short window is 1/12 of the long one.
        assert_eq!(
            (tiers[1].long_window_seconds, tiers[1].short_window_seconds),
            (3 * DAY, 6 * HOUR)
        );
    }

    #[test]
    fn an_empty_policy_list_switches_tiers_off() {
        let spec = import(&format!("{RATIO}  alertPolicies: []\n")).unwrap();
        assert!(spec.services[0].slos[0].alerts.is_empty());
        assert_eq!(import(&export(&spec)), Ok(spec));
    }

    #[test]
    fn errors_of_the_spec_point_at_the_openslo_field() {
        let yaml = RATIO.replace("status: [5xx]", "status: [6xx]");
        let e = one_error(&yaml);
        assert_eq!(e.document, Some(1));
        assert_eq!(
            e.path,
            "spec.indicator.spec.ratioMetric.bad.metricSource.spec.bad.status[0]"
        );
        assert!(e.message.contains("not a status class"), "{e}");
        let e = one_error(&RATIO.replace("targetPercent: 99.9", "target: 1.5"));
        assert_eq!(e.path, "spec.objectives[0].target");
    }

    #[test]
    fn typos_get_suggestions() {
        let errors = import(&RATIO.replace("budgetingMethod", "budgetMethod")).unwrap_err();
        assert_eq!(errors[0].path, "spec.budgetMethod");
        assert!(
            errors[0]
                .message
                .contains("did you mean `budgetingMethod`?"),
            "{}",
            errors[0]
        );
        // The field it was meant to be is then missing, and that is said too.
        assert_eq!(errors[1].path, "spec.budgetingMethod");
        assert!(
            errors[1].message.starts_with("is required"),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn yaml_syntax_errors_name_the_document() {
        let e = one_error(&format!("{RATIO}---\nkind: [unclosed\n"));
        assert_eq!(e.document, Some(2));
        assert!(e.message.starts_with("not valid YAML"), "{e}");
    }
}
