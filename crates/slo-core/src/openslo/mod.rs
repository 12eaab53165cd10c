//! OpenSLO v1: reading multi-document YAML into the spec, and writing the spec back out.
//!
//! The `slo` command exposes both directions:
//! - `slo openslo import FILE|DIR...` reads OpenSLO v1 (and v1alpha) YAML with
//!   [`import_files`], every file given and every `.yaml`/`.yml` under the directories given
//!   as one input (a reference may name a document of another file, as `oslo` reads them),
//!   and prints the canonical JSON spec (`Spec::to_json`); on failure it prints one line per
//!   [`OpenSloError`], each naming its file, and exits 1.
//! - `slo openslo export FILE` reads a JSON spec and prints [`export`]'s YAML.
//!
//! `import(&export(&spec)) == Ok(spec)` holds for every valid spec whose names are RFC 1123
//! names; `export` refuses the others (a `_`, a `-` at either end), naming each.
//!
//! # How OpenSLO maps onto the spec
//!
//! | OpenSLO | spec |
//! | --- | --- |
//! | `Service` document, or an SLO's `spec.service` | a service, in file order; when there are Service documents, every `spec.service` must name one of them (without any, SLOs make their services) |
//! | `SLO` document | an SLO of its `spec.service`; `metadata.name` is the SLO name, `spec.description` its description |
//! | any document's `metadata.name` | an RFC 1123 name (digits first allowed), or refused at that field |
//! | `objectives` | `target` or `targetPercent` is the target; with several objectives, one SLO per objective, named `NAME-1`, `NAME-2`... (said as a warning) |
//! | `timeWindow: [{duration: 28d, isRolling: true}]` | the rolling window `28d` (m, h, d, w; no M, Q, Y); omitted, `30d` with a warning |
//! | `timeWindow: [{duration: 1M, calendar: {timeZone, startTime}}]` | the calendar window `month` (`1w` week, `1M` month, `1Q` quarter) in that IANA zone, from that start (`YYYY-MM-DD HH:MM:SS` on the zone's clock, or a UTC instant ending in `Z`): `{"calendar": "month", "time_zone": ..., "start": ...}`, or `month` for UTC from a period's own start (docs/time-zones.md) |
//! | `budgetingMethod: Occurrences` | occurrences (also when omitted, said as a warning) |
//! | `budgetingMethod: Timeslices` + `timeSliceWindow` + `timeSliceTarget` | timeslices with that slice and per-slice good ratio (up to 1: every request good) |
//! | `apiVersion: openslo/v1alpha` | read in the v1 shape (see `alpha.rs`): `timeWindows` by count and unit, each objective's `ratioMetrics` its own indicator |
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
//! expression with `{{window}}` as its range (`{{.window}}` and `{{ .window }}`, as Go
//! templates write it, are read as `{{window}}`); with `counter: true`, an instant expression
//! of counters (`sum(requests_total{...})`, as OpenSLO's own example writes) is rated over
//! each window as the subquery `rate((EXPR)[{{window}}:1m])`, shown in the printed spec.
//! With `counter: false` the queries are gauges, which must not be rated: only
//! expressions that aggregate over `{{window}}` themselves are taken (as written), and a
//! selector or instant expression is refused at `counter`. A `good` histogram `_bucket{..., le="X"}`
//! over the same histogram's `_count{...}` is read as a latency source. What OpenSLO has no
//! field for travels as SLO annotations of JSON text: [`ALERT_METADATA_ANNOTATION`],
//! [`GROUPING_ANNOTATION`] and
//! [`HISTOGRAM_BOUNDS_ANNOTATION`]. A `thresholdMetric` with a Prometheus query (a value
//! per time slice, not a count of events) is refused.
//!
//! ## Alert tiers: one AlertPolicy with one burn-rate AlertCondition each
//!
//! | AlertPolicy / AlertCondition | tier |
//! | --- | --- |
//! | policy `metadata.name` | tier name |
//! | condition `spec.severity` | `page` or `ticket`; another word maps by a rule (critical, high, urgent, emergency, error, fatal, major, p0, p1, sev0, sev1, sev2 page; any other word tickets), said as a warning, and is kept as the `severity` label of that tier severity's alerts (`alerts.page.labels.severity`) |
//! | `condition.kind: burnrate`, `op: gt`, `threshold` | the burn-rate threshold (a tier fires above it); the budget fraction is threshold x lookbackWindow / SLO window. `op: gte` is read as `gt`, with a warning; `lt` and `lte` are refused |
//! | `condition.lookbackWindow` | long window |
//! | `condition.alertAfter` | the tier's hold time `for` (Prometheus' `for:`: how long the condition must hold before the alert fires); omitted, none |
//! | condition annotation `slo-toolkit/short-window` | short window, written by [`export`] only when it is not 1/12 of the long window (the SRE Workbook's ratio, and the default) |
//! | condition annotation `slo-toolkit/min-events-per-second` | minimum event rate |
//! | condition annotation `slo-toolkit/allow-burn-rate-below-one: "true"` | a threshold below 1x is intended |
//! | condition annotation `slo-toolkit/budget-fraction` | the exact budget fraction, written by [`export`] only when no decimal threshold gives it back exactly; it must agree with `threshold` |
//!
//! `alertPolicies` omitted means the default tiers scaled to the window; `alertPolicies: []`
//! switches every tier off. A policy must alert when breaching (`alertWhenBreaching` true
//! or omitted); `alertWhenNoData` is taken either way, since the rules' absent-data alert
//! fires on missing data for every SLO. Notification routing stays with Alertmanager:
//! `notificationTargets` and `AlertNotificationTarget` documents are accepted and not
//! carried, and neither are the descriptions of Service, SLI and alert documents.
//!
//! ## Metadata, and the warnings
//!
//! An SLO's `metadata.displayName`, `labels` and `annotations` become the spec SLO's
//! `display_name`, `labels` and `annotations` (the SLO's description is carried too).
//! What has no place in the spec imports with a warning ([`Imported::warnings`], which the
//! command prints on stderr) naming its document and field: labels that are not
//! Prometheus labels with text values (a list, `app.kubernetes.io/name`), annotations whose
//! names are not Prometheus annotation names, the display names, labels and annotations of
//! other documents and of objectives, `alertWhenResolved`, and a `targetRef` that names no
//! AlertNotificationTarget document.
//!
//! Durations are written as OpenSLO shorthands (`30d`, `6h`, `5m`), or in seconds (`90s`, an
//! extension) when they are not whole minutes. Calendar windows are written with their
//! zone's name and their start, or `startTime: 2024-01-01 00:00:00` (a Monday, a month start
//! and a quarter start) when they have none of their own.
//!
//! # What is refused
//!
//! Anything the spec cannot hold is an error naming the document (counted from 1 in file
//! order, with its kind and name) and the field, never dropped: queries of metric sources
//! other than Prometheus, `good` or `raw` ratios of request sources, Prometheus
//! thresholdMetrics, Prometheus expressions without `{{window}}`, non-UTC time zones, months or years
//! as rolling windows, composite objectives (v1 objectives with their own indicator), alert conditions other than `burnrate` with
//! `op: gt` or `gte`, unknown kinds and fields, and SLI, AlertPolicy, AlertCondition or DataSource
//! documents no SLO refers to.
//!
//! A YAML document may also hold a list of documents; an error then names the item
//! (`document 1 (SLO checkout): [2].spec.service: ...`).
//!
//! A key written twice in one mapping is refused with both its lines (a YAML parser keeps
//! the last one silently); merge keys (`<<: *anchor`) are applied.
//!
//! Every document is either imported or named by an error, and one error hides no other:
//! the documents after one that is not valid YAML are read, and an SLO with a field that
//! cannot be read still has its other fields checked.

mod alert_policies;
mod alpha;
mod documents;
pub(crate) use origins::{at, Origin, Origins, Reported};
mod export;
mod metadata;
mod origins;
mod sli;
mod slo;
#[cfg(test)]
mod tests;
mod yaml;
pub(crate) use yaml::split_documents;

use crate::alerts::{budget_fraction_of, snap, AlertTier};
use crate::calendar::{parse_start_time, Calendar};
use crate::decode::{closest, join, kind, Errors, FieldError, Object};
use crate::duration::{format_duration, parse_duration, DAY, HOUR, MINUTE};
use crate::prometheus::{PrometheusSli, Source};
use crate::spec::window_to_json;
use crate::spec::{Budgeting, RequestSli, Sli, Slo, Spec};
use crate::window::{CalendarUnit, Window};
use crate::zone::Zone;
use alert_policies::default_short_window;
use documents::*;
use export::*;
use metadata::rfc1123_problem;
use origins::*;
use serde_json::{json, Map, Value};
use serde_yaml_ng::{Mapping, Value as Yaml};
use sli::*;
use slo::*;
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
/// AlertCondition annotation: a tier's short window, written by [`export`] only when it is
/// not 1/12 of the long one (OpenSLO has no field for it: `alertAfter` is a hold time).
pub const SHORT_WINDOW_ANNOTATION: &str = "slo-toolkit/short-window";
/// Every annotation of ours an AlertCondition may carry, inline or as a document of its own.
const CONDITION_ANNOTATIONS: &[&str] = &[
    MIN_EVENTS_ANNOTATION,
    BUDGET_FRACTION_ANNOTATION,
    ALLOW_BELOW_ONE_ANNOTATION,
    SHORT_WINDOW_ANNOTATION,
];
/// SLO annotations carrying what OpenSLO has no field for, each as JSON text: the alerts'
/// metadata (the spec's `alerts` fields name, labels, annotations, page and ticket, as an
/// object), a Prometheus SLI's grouping labels and a latency histogram's bounds (lists).
pub const ALERT_METADATA_ANNOTATION: &str = "slo-toolkit/alert-metadata";
pub const GROUPING_ANNOTATION: &str = "slo-toolkit/grouping";
pub const HISTOGRAM_BOUNDS_ANNOTATION: &str = "slo-toolkit/histogram-bounds";
/// Where each SLO annotation goes in the spec's SLO.
/// The alert metadata's object spreads its fields into `alerts` (next to the tiers).
const SLO_ANNOTATIONS: [(&str, &str); 3] = [
    (ALERT_METADATA_ANNOTATION, "alerts"),
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
    /// The file, when several were read as one input ([`import_files`]).
    pub file: Option<String>,
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

impl OpenSloError {
    /// A problem of the stream as a whole, or of the spec built from it where no document
    /// field is recorded for `path`.
    pub fn of_stream(path: impl Into<String>, message: impl Into<String>) -> OpenSloError {
        OpenSloError {
            file: None,
            document: None,
            kind: None,
            name: None,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for OpenSloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
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

/// A spec read from OpenSLO, and what the spec has no place for, each warning naming its
/// document and field as an error does (the command prints them on stderr).
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub spec: Spec,
    pub warnings: Vec<OpenSloError>,
}

/// Reads OpenSLO v1 YAML (one or more `---`-separated documents) into a validated spec.
/// Every problem is reported, each naming its document and field; see the module
/// documentation for the mapping.
pub fn import(yaml: &str) -> Result<Imported, Vec<OpenSloError>> {
    read_streams(&[(None, yaml)])
}

/// Reads several files as one input, as `oslo` does: a reference may name a document of
/// another file (an SLO its DataSource, its AlertPolicy), and each error names its file.
pub fn import_files(files: &[(&str, &str)]) -> Result<Imported, Vec<OpenSloError>> {
    let streams: Vec<(Option<&str>, &str)> = files.iter().map(|&(n, t)| (Some(n), t)).collect();
    read_streams(&streams)
}

fn read_streams(streams: &[(Option<&str>, &str)]) -> Result<Imported, Vec<OpenSloError>> {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for &(file, yaml) in streams {
        let (mut values, problems) = split_documents(yaml, "OpenSLO v1 Service and SLO documents");
        for (_, value) in &mut values {
            match value {
                Value::Array(items) => items.iter_mut().for_each(alpha::rewrite),
                one => alpha::rewrite(one),
            }
        }
        unreadable.extend(problems.into_iter().map(|p| OpenSloError {
            file: file.map(str::to_string),
            ..p
        }));
        files.push((file, values));
    }
    let mut reader = Reader {
        docs: Vec::new(),
        problems: unreadable,
        warnings: Vec::new(),
        used: BTreeSet::new(),
    };
    for (file, values) in &files {
        for (number, value) in values {
            match value {
                // A list holding nothing would be a document lost without a word.
                Value::Array(items) if items.is_empty() => reader.problems.push(OpenSloError {
                    file: file.map(str::to_string),
                    document: Some(*number),
                    kind: None,
                    name: None,
                    path: String::new(),
                    message: "is an empty list; allowed: a document, or a list of documents".into(),
                }),
                // Documents written as one list, as some tools write a stream.
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        reader.read_document(*file, *number, Some(i), item);
                    }
                }
                _ => reader.read_document(*file, *number, None, value),
            }
        }
    }
    let result = reader.build();
    // A document that several SLOs refer to is read, and says its problems, once for each.
    let once = |list: Vec<OpenSloError>| {
        let mut seen = BTreeSet::new();
        list.into_iter()
            .filter(|p| seen.insert(p.to_string()))
            .collect::<Vec<_>>()
    };
    let problems = once(reader.problems);
    match result {
        Some(spec) if problems.is_empty() => Ok(Imported {
            spec,
            warnings: once(reader.warnings),
        }),
        _ => Err(problems),
    }
}

/// Writes the spec as OpenSLO v1 YAML: a Service document per service, then an SLO
/// document per SLO with its indicator and alert policies inline; or every name that
/// cannot be an OpenSLO name.
pub fn export(spec: &Spec) -> Result<String, Vec<FieldError>> {
    let problems = metadata::export_name_problems(spec);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut docs = Vec::new();
    for service in &spec.services {
        docs.push(document(
            "Service",
            metadata(&service.name, Vec::new()),
            map(Vec::new()),
        ));
    }
    for service in &spec.services {
        for slo in &service.slos {
            docs.push(slo_document(&service.name, slo));
        }
    }
    Ok(docs
        .iter()
        .map(|doc| {
            serde_yaml_ng::to_string(doc)
                .expect("a YAML tree of strings, numbers, lists and maps always serializes")
        })
        .collect::<Vec<_>>()
        .join("---\n"))
}
