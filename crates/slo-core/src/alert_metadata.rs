//! What an SLO's generated alerts carry beyond the rules' own labels: the spec's
//! `alerts.name`, `alerts.labels`, `alerts.annotations` (a runbook URL, a summary), and
//! per severity `alerts.page` / `alerts.ticket` with labels and annotations of their own
//! (as Sloth's `page_alert` and `ticket_alert`).

// Without the full reader (the filter) an SLO holds no alert metadata.
#![cfg_attr(not(feature = "full-reader"), allow(dead_code))]

use crate::decode::{as_string, kind, Errors, Object};
use crate::prometheus::check_label_name;
use crate::promql;
use serde_json::{json, Map, Value};

/// Names and their text, sorted by name. A sorted list rather than a map: every SLO the
/// filter holds carries one, and a map's code would count against the filter's size.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts(Vec<(String, String)>);

impl Texts {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn to_json(&self) -> Value {
        Value::Object(
            self.iter()
                .map(|(n, t)| (n.to_string(), json!(t)))
                .collect(),
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertMetadata {
    /// The alert name instead of the rules' own (`SloErrorBudgetBurn`).
    pub name: Option<String>,
    pub labels: Texts,
    pub annotations: Texts,
    pub page: Extras,
    pub ticket: Extras,
}

/// Added to the alerts of one severity. Its labels may set `severity` itself, for teams
/// that route on their own words (Sloth's `severity: pageteam`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    pub labels: Texts,
    pub annotations: Texts,
}

impl AlertMetadata {
    /// Reads the metadata of an `alerts` object whose fields were checked already.
    pub(crate) fn read(alerts: &Object, errors: &mut Errors) -> AlertMetadata {
        let name = alerts.string("name", errors).and_then(|name| {
            if promql::is_metric_name(name) {
                Some(name.to_string())
            } else {
                errors.push(&alerts.path_of("name"), format!("{name:?} is not an alert name; allowed: letters, digits, '_' and ':', not starting with a digit, such as CheckoutErrorBudgetBurn"));
                None
            }
        });
        let extras = |key: &str, errors: &mut Errors| -> Extras {
            let Some(value) = alerts.get(key) else {
                return Extras::default();
            };
            let Some(obj) = Object::read(
                value,
                &alerts.path_of(key),
                &["labels", "annotations"],
                errors,
            ) else {
                return Extras::default();
            };
            Extras {
                labels: read_texts(&obj, "labels", check_severity_label, errors),
                annotations: read_texts(&obj, "annotations", check_annotation_name, errors),
            }
        };
        let page = extras("page", errors);
        let ticket = extras("ticket", errors);
        AlertMetadata {
            name,
            labels: read_texts(alerts, "labels", check_label_name, errors),
            annotations: read_texts(alerts, "annotations", check_annotation_name, errors),
            page,
            ticket,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == AlertMetadata::default()
    }

    /// The fields it adds to the spec's `alerts` object.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut out = Map::new();
        if let Some(name) = &self.name {
            out.insert("name".into(), json!(name));
        }
        for (key, texts) in [("labels", &self.labels), ("annotations", &self.annotations)] {
            if !texts.is_empty() {
                out.insert(key.into(), texts.to_json());
            }
        }
        for (key, extras) in [("page", &self.page), ("ticket", &self.ticket)] {
            let mut obj = Map::new();
            for (field, texts) in [
                ("labels", &extras.labels),
                ("annotations", &extras.annotations),
            ] {
                if !texts.is_empty() {
                    obj.insert(field.into(), texts.to_json());
                }
            }
            if !obj.is_empty() {
                out.insert(key.into(), Value::Object(obj));
            }
        }
        out
    }
}

fn check_severity_label(name: &str) -> Result<(), String> {
    if name == "severity" {
        Ok(())
    } else {
        check_label_name(name)
    }
}

pub(crate) fn check_annotation_name(name: &str) -> Result<(), String> {
    if promql::is_label_name(name) {
        Ok(())
    } else {
        Err(format!("{name:?} is not an annotation name; allowed: letters, digits and '_', not starting with a digit, such as runbook_url"))
    }
}

/// A map of names to text; each name checked by `check_name`.
pub(crate) fn read_texts(
    obj: &Object,
    key: &str,
    check_name: fn(&str) -> Result<(), String>,
    errors: &mut Errors,
) -> Texts {
    let Some(value) = obj.get(key) else {
        return Texts::default();
    };
    let path = obj.path_of(key);
    let Some(map) = value.as_object() else {
        errors.push(
            &path,
            format!("expected an object of names to text, found {}", kind(value)),
        );
        return Texts::default();
    };
    let mut out = Vec::new();
    for (name, text) in map {
        let field = crate::decode::join(&path, name);
        if let Err(message) = check_name(name) {
            errors.push(&field, message);
        } else if let Some(text) = as_string(text, &field, errors) {
            out.push((name.clone(), text.to_string()));
        }
    }
    out.sort();
    Texts(out)
}
