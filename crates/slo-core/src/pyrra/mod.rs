//! Pyrra's `ServiceLevelObjective` resources (`pyrra.dev/v1alpha1`) into the spec, with
//! the OpenSLO reader's document splitting and error type and the Sloth importer's
//! `origins`: every error names its file, document and field, and the spec's own errors are
//! filed at the Pyrra field a value came from.
//!
//! | Pyrra | spec |
//! | --- | --- |
//! | `metadata.namespace` | the service (`default` without one, as Kubernetes would place it) |
//! | `metadata.name`, `spec.description` | the SLO's name (Pyrra's `slo` label), its description |
//! | `spec.target` (percent text, `"99.5"`) | `target` (ratio) |
//! | `spec.window` (`2w`, `28d`) | `window`, with Pyrra's own alert windows for it as the tiers (below) |
//! | `indicator.ratio` `errors.metric` / `total.metric` | `sli.prometheus.bad` / `total` |
//! | `indicator.latency` `success.metric` (`_bucket{le="0.3"}`) / `total.metric` (`_count`) | `sli.prometheus.latency` (or `good` / `total` when the two selectors differ in more than `le`) |
//! | `indicator.bool_gauge.metric` | `sli.prometheus.error_ratio`: Pyrra's own expression, the share of samples that are 0 |
//! | `grouping` of any indicator | `sli.prometheus.grouping` |
//! | `alerting.disabled: true` or `burnrates: false` | no tiers |
//! | `alerting.name` | `alerts.name` |
//! | `alerting.severities` (default `critical` fast and medium, `warning` slow and long-term) | the `severity` label of `alerts.page` and `alerts.ticket` |
//! | `metadata.labels` and `annotations` named `pyrra.dev/X` | `alerts.labels` and `alerts.annotations` `X`, as Pyrra propagates them |
//!
//! Pyrra scales the SRE Workbook's 28-day table by window / 28d, rounded to the minute,
//! and keeps the factors 14, 7, 2 and 1; the spec's defaults scale a 30-day table and keep
//! 14.4, 6, 3 and 1, so every tier differs. The tiers are written out
//! as Pyrra computes them, so each alert's condition holds at the minute Pyrra's does. A
//! tier Pyrra writes that can never fire at the target (14x at 90% needs 140% errors) is
//! left out with a warning.
//!
//! Pyrra's `for` on each alert (2m, 15m, 1h and 3h at 28d) is the tier's hold (`for`).
//! Read with a warning, having no place in the spec: `alerting.absent: false` and `absentName` (the rules always carry
//! their no-data alert), `severities.absent` when it differs from the page tiers', other
//! `metadata.labels` (the Kubernetes object's, such as the Prometheus Operator's rule
//! selector), `partial_response_strategy`, `performanceOverAccuracy` and `ruleOutput`.
//!
//! Refused, with the field named: `indicator.latencyNative` (native histograms need
//! `histogram_fraction`, which the Prometheus the rules are checked against, Debian's 2.42,
//! does not have), metrics that are not vector selectors (Pyrra's rule), targets written
//! as numbers, other kinds, unknown fields.

#[cfg(test)]
use crate::decode::FieldError;
use crate::decode::{Errors, Object};
use crate::imported::{build_spec, error_at, Described};
use crate::openslo::{at, split_documents, OpenSloError, Origins, Reported};
use serde_json::{json, Map, Value};
use std::fmt;

mod alerting;
mod indicator;

pub use alerting::pyrra_windows;
use alerting::read_alerts;
use indicator::{read_indicator, INDICATORS};

/// One problem (or warning) of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyrraError {
    pub file: String,
    pub error: OpenSloError,
}

impl fmt::Display for PyrraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.error)
    }
}

/// A spec read from Pyrra resources, and what the spec has no place for.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub spec: crate::spec::Spec,
    pub warnings: Vec<PyrraError>,
}

pub const API_VERSION: &str = "pyrra.dev/v1alpha1";
const KIND: &str = "ServiceLevelObjective";
/// The prefix of the labels and annotations Pyrra copies onto its rules (without it).
pub const PROPAGATION_PREFIX: &str = "pyrra.dev/";

/// Reads Pyrra resources from files (name and text; one or more `---`-separated documents
/// each) into a validated spec; every problem is reported, each naming its file.
pub fn import(files: &[(&str, &str)]) -> Result<Imported, Vec<PyrraError>> {
    let mut reader = Reader::default();
    for (file, text) in files {
        let (docs, unreadable) = split_documents(text, "ServiceLevelObjective resources");
        reader.file_problems(file, unreadable, true);
        for (number, value) in docs {
            reader.read(file, number, &value);
        }
    }
    reader.finish()
}

#[derive(Default)]
struct Reader {
    origins: Origins,
    /// Each document read, with its file.
    described: Vec<Described>,
    files: Vec<String>,
    services: Vec<(String, Vec<Value>)>,
    problems: Vec<PyrraError>,
    warnings: Vec<PyrraError>,
}

/// Where the parts of one built SLO came from: path suffixes below the SLO in the spec,
/// and the Pyrra field of each.
type Fields = Vec<(String, String)>;

/// One resource read: its service, the SLO's JSON with where its parts came from, and the
/// parts left out because they could not be read (path suffixes).
struct Read {
    service: String,
    service_path: String,
    slo: Value,
    fields: Fields,
    reported: Vec<&'static str>,
}

impl Reader {
    fn file_problems(&mut self, file: &str, list: Vec<OpenSloError>, errors: bool) {
        let wrapped = list.into_iter().map(|error| PyrraError {
            file: file.to_string(),
            error,
        });
        if errors {
            self.problems.extend(wrapped);
        } else {
            self.warnings.extend(wrapped);
        }
    }

    fn read(&mut self, file: &str, number: usize, value: &Value) {
        let index = self.described.len();
        let (mut errors, mut warnings) = (Errors::default(), Errors::default());
        let read = read_document(value, &mut errors, &mut warnings);
        let name = value.pointer("/metadata/name").and_then(Value::as_str);
        let kind = value.get("kind").and_then(Value::as_str);
        self.described
            .push((number, kind.map(str::to_string), name.map(str::to_string)));
        self.files.push(file.to_string());
        for (list, is_error) in [(errors, true), (warnings, false)] {
            let filed = list
                .0
                .into_iter()
                .map(|e| error_at(&self.described[index], e));
            self.file_problems(file, filed.collect(), is_error);
        }
        let Some(read) = read else { return };
        let i = match self.services.iter().position(|(s, _)| *s == read.service) {
            Some(i) => i,
            None => {
                self.services.push((read.service.clone(), Vec::new()));
                self.services.len() - 1
            }
        };
        let slo_path = format!("services[{i}].slos[{}]", self.services[i].1.len());
        self.origins
            .record(&format!("services[{i}].name"), at(index, read.service_path));
        for (suffix, field) in read.fields {
            self.origins
                .record(&format!("{slo_path}{suffix}"), at(index, field));
        }
        // Left out and reported: the spec would only say it is missing.
        for suffix in read.reported {
            self.origins
                .reported(&format!("{slo_path}{suffix}"), Reported::AndUnder);
        }
        self.services[i].1.push(read.slo);
    }

    fn finish(mut self) -> Result<Imported, Vec<PyrraError>> {
        if self.services.is_empty() {
            if self.problems.is_empty() {
                self.problems.push(PyrraError {
                    file: self.files.first().cloned().unwrap_or_default(),
                    error: OpenSloError::of_stream("", format!("holds no {KIND}; allowed: one or more {KIND} resources ({API_VERSION})")),
                });
            }
            return Err(self.problems);
        }
        let value = json!({"services": self.services.iter().map(|(name, slos)| json!({"name": name, "slos": slos})).collect::<Vec<_>>()});
        match build_spec(&value, &self.origins, &self.described) {
            Ok(spec) if self.problems.is_empty() => Ok(Imported {
                spec,
                warnings: self.warnings,
            }),
            Ok(_) => Err(self.problems),
            Err(errors) => {
                for (doc, error) in errors {
                    // A spec error without a document belongs to no file in particular.
                    let file = doc.map(|i| self.files[i].clone()).unwrap_or_default();
                    self.problems.push(PyrraError { file, error });
                }
                Err(self.problems)
            }
        }
    }
}

/// Kubernetes' own metadata fields: read where they mean something, accepted otherwise.
const METADATA_FIELDS: &[&str] = &[
    "name",
    "namespace",
    "labels",
    "annotations",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generateName",
    "managedFields",
    "finalizers",
    "ownerReferences",
    "selfLink",
];
const SPEC_FIELDS: &[&str] = &[
    "description",
    "target",
    "window",
    "indicator",
    "alerting",
    "partial_response_strategy",
    "performanceOverAccuracy",
    "ruleOutput",
];

fn read_document(value: &Value, errors: &mut Errors, warnings: &mut Errors) -> Option<Read> {
    let obj = Object::read(
        value,
        "",
        &["apiVersion", "kind", "metadata", "spec", "status"],
        errors,
    )?;
    let kind = obj.string("kind", errors);
    if kind != Some(KIND) {
        let found = kind.map_or("no kind".to_string(), |k| format!("{k:?}"));
        errors.push(
            "kind",
            format!("{found} is not a Pyrra resource; allowed: {KIND} (apiVersion {API_VERSION})"),
        );
        return None;
    }
    if let Some(version) = obj
        .string("apiVersion", errors)
        .filter(|v| *v != API_VERSION)
    {
        errors.push(
            "apiVersion",
            format!("{version:?} is not supported; allowed: {API_VERSION:?}"),
        );
    }
    obj.required("metadata", "the name and namespace", errors);
    obj.required("spec", "the target, window and indicator", errors);
    let meta = Object::read(obj.get("metadata")?, "metadata", METADATA_FIELDS, errors)?;
    let spec = Object::read(obj.get("spec")?, "spec", SPEC_FIELDS, errors)?;
    let mut out = Read {
        service: "default".into(),
        service_path: "metadata".into(),
        slo: Value::Null,
        fields: vec![(String::new(), "spec".into())],
        reported: Vec::new(),
    };
    if let Some(namespace) = meta.string("namespace", errors) {
        out.service = namespace.to_string();
        out.service_path = meta.path_of("namespace");
    }
    let mut slo = Map::new();
    meta.required("name", "the SLO's name", errors);
    match meta.string("name", errors) {
        Some(name) => {
            slo.insert("name".into(), json!(name));
            out.fields.push((".name".into(), meta.path_of("name")));
        }
        None => out.reported.push(".name"),
    }
    if let Some(description) = spec.string("description", errors).filter(|d| !d.is_empty()) {
        slo.insert("description".into(), json!(description));
        out.fields
            .push((".description".into(), spec.path_of("description")));
    }
    let target = read_target(&spec, errors);
    match target {
        Some(target) => {
            slo.insert("target".into(), json!(target));
            out.fields.push((".target".into(), spec.path_of("target")));
        }
        None => out.reported.push(".target"),
    }
    spec.required("window", "a duration such as 2w or 28d", errors);
    let window =
        spec.string("window", errors).and_then(|text| {
            match crate::duration::parse_duration(text) {
                Ok(seconds) => Some((text.trim(), seconds)),
                Err(e) => {
                    errors.push(
                        &spec.path_of("window"),
                        format!("{e}; allowed: a duration such as 2w, 28d or 30d"),
                    );
                    None
                }
            }
        });
    match window {
        Some((text, _)) => {
            slo.insert("window".into(), json!(text));
            out.fields.push((".window".into(), spec.path_of("window")));
        }
        None => out.reported.push(".window"),
    }
    let before = errors.0.len();
    spec.required(
        "indicator",
        format!("one of {}", INDICATORS.join(", ")).as_str(),
        errors,
    );
    if let Some(sli) = spec
        .get("indicator")
        .and_then(|v| read_indicator(v, &mut out.fields, errors))
    {
        slo.insert("sli".into(), json!({ "prometheus": sli }));
    }
    if errors.0.len() > before {
        out.reported.push(".sli");
    }
    let alerts = read_alerts(
        &meta,
        &spec,
        target,
        window.map(|w| w.1),
        &mut out.fields,
        errors,
        warnings,
    );
    if !alerts.is_empty() {
        slo.insert("alerts".into(), Value::Object(alerts));
    }
    for (key, why) in [
        (
            "partial_response_strategy",
            "a Thanos Ruler option for Pyrra's rules",
        ),
        (
            "performanceOverAccuracy",
            "how Pyrra splits its own recording rules",
        ),
        (
            "ruleOutput",
            "labels of the PrometheusRule objects Pyrra writes",
        ),
    ] {
        if spec.get(key).is_some() {
            warnings.push(&spec.path_of(key), format!("is {why}; the spec has no place for it, and slo rules writes its rules its own way"));
        }
    }
    out.slo = Value::Object(slo);
    Some(out)
}

fn read_target(spec: &Object, errors: &mut Errors) -> Option<f64> {
    spec.required(
        "target",
        "the objective in percent, as text such as \"99.5\"",
        errors,
    );
    let value = spec.get("target")?;
    let path = spec.path_of("target");
    let Some(text) = value.as_str() else {
        errors.push(&path, format!("{} is not text; allowed: the percent as text, such as \"99.5\" (Pyrra's CRD takes a string)", crate::decode::kind(value)));
        return None;
    };
    crate::target::parse_target(&format!("{}%", text.trim()))
        .map_err(|e| errors.push(&path, format!("{text:?} is not a target: {e}")))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(value: &Value) -> Vec<FieldError> {
        let (mut errors, mut warnings) = (Errors::default(), Errors::default());
        read_document(value, &mut errors, &mut warnings);
        errors.0
    }

    #[test]
    fn windows_are_pyrras_for_28_days_and_scale_with_go_rounding() {
        let day = crate::duration::DAY;
        let minutes = |w: u64| {
            pyrra_windows(w)
                .iter()
                .map(|t| (t.2 / 60, t.3 / 60, t.4 / 60))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            minutes(28 * day),
            [(60, 5, 2), (360, 30, 15), (1440, 120, 60), (5760, 360, 180)]
        );
        // 7d: the short window is 75 s (down to 1m), the hold 30 s (a half: up to 1m), 7.5m up to 8m.
        assert_eq!(
            minutes(7 * day),
            [(15, 1, 1), (90, 8, 4), (360, 30, 15), (1440, 90, 45)]
        );
        // 30d: 1h4m17s down to 1h4m.
        assert_eq!(minutes(30 * day)[0], (64, 5, 2));
    }

    #[test]
    fn a_le_matcher_is_found_by_its_name() {
        assert!(indicator::has_le_matcher("h_bucket{job=\"a\", le=\"0.3\"}"));
        assert!(indicator::has_le_matcher("h_bucket{le = \"1\"}"));
        assert!(!indicator::has_le_matcher("h_bucket{handle=\"x\"}"));
        assert!(!indicator::has_le_matcher("h_bucket{path=\"a,le=1\"}"));
        assert!(!indicator::has_le_matcher("h_bucket"));
    }

    #[test]
    fn a_native_histogram_is_refused_at_its_field() {
        let doc = json!({"apiVersion": API_VERSION, "kind": KIND, "metadata": {"name": "x"}, "spec": {"target": "99", "window": "2w", "indicator": {"latencyNative": {"latency": "200ms", "total": {"metric": "h"}}}}});
        let errors = errors_of(&doc);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "spec.indicator.latencyNative");
        assert!(errors[0]
            .message
            .contains("allowed: latency, with a classic histogram"));
    }
}
