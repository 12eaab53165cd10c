//! Reading JSON into typed values while collecting every error with its JSON path, so that
//! a user sees all that is wrong with a document at once. The spec and the shells' own
//! options (the filter's status endpoint, say) are read with these helpers.

use serde_json::{Map, Value};
use std::fmt;

/// One thing wrong with a document: where, and what is wrong and allowed there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path such as `services[0].slos[2].sli.latency.threshold_ms`; empty for the root.
    pub path: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// The errors of one document, in document order.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            path: path.to_string(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `parent.child`, or `child` at the root.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[index]`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// A JSON object whose keys were checked against the allowed ones.
pub struct Object<'a> {
    pub path: String,
    map: &'a Map<String, Value>,
}

impl<'a> Object<'a> {
    /// Checks that `value` is an object with only `allowed` keys; each unknown key is an
    /// error with a "did you mean" suggestion when one is close.
    pub fn read(
        value: &'a Value,
        path: &str,
        allowed: &[&str],
        errors: &mut Errors,
    ) -> Option<Self> {
        let Some(map) = value.as_object() else {
            errors.push(path, format!("expected an object, found {}", kind(value)));
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let hint = match closest(key, allowed) {
                    Some(best) => format!("did you mean “{best}”? "),
                    None => String::new(),
                };
                errors.push(
                    &join(path, key),
                    format!(
                        "unknown field “{key}”; {hint}allowed fields: {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(Object {
            path: path.to_string(),
            map,
        })
    }

    /// An object whose fields another reader has checked (and reported) already; None if
    /// `value` is not an object.
    pub fn checked_before(value: &'a Value, path: &str) -> Option<Self> {
        Some(Object {
            path: path.to_string(),
            map: value.as_object()?,
        })
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The field, or an error saying it is required.
    pub fn required(&self, key: &str, what: &str, errors: &mut Errors) -> Option<&'a Value> {
        let value = self.get(key);
        if value.is_none() {
            errors.push(&self.path_of(key), format!("is required: {what}"));
        }
        value
    }

    pub fn string(&self, key: &str, errors: &mut Errors) -> Option<&'a str> {
        self.get(key)
            .and_then(|v| as_string(v, &self.path_of(key), errors))
    }

    /// A string field read by `parse`; its error goes to the field's path.
    pub fn parsed<T, E: fmt::Display>(
        &self,
        key: &str,
        parse: impl Fn(&str) -> Result<T, E>,
        errors: &mut Errors,
    ) -> Option<T> {
        let text = self.string(key, errors)?;
        parse(text)
            .map_err(|e| errors.push(&self.path_of(key), e.to_string()))
            .ok()
    }

    pub fn number(&self, key: &str, errors: &mut Errors) -> Option<f64> {
        self.get(key)
            .and_then(|v| as_number(v, &self.path_of(key), errors))
    }

    pub fn boolean(&self, key: &str, errors: &mut Errors) -> Option<bool> {
        let value = self.get(key)?;
        let b = value.as_bool();
        if b.is_none() {
            errors.push(
                &self.path_of(key),
                format!("expected true or false, found {}", kind(value)),
            );
        }
        b
    }

    /// Each element of an array field with its path; a missing field is an empty list.
    pub fn array(&self, key: &str, errors: &mut Errors) -> Vec<(String, &'a Value)> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let path = self.path_of(key);
        match value.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (index(&path, i), v))
                .collect(),
            None => {
                errors.push(&path, format!("expected a list, found {}", kind(value)));
                Vec::new()
            }
        }
    }

    /// A list of strings; wrong elements are errors and left out.
    pub fn strings(&self, key: &str, errors: &mut Errors) -> Vec<String> {
        self.array(key, errors)
            .into_iter()
            .filter_map(|(path, v)| as_string(v, &path, errors).map(str::to_string))
            .collect()
    }
}

pub fn as_string<'a>(value: &'a Value, path: &str, errors: &mut Errors) -> Option<&'a str> {
    let s = value.as_str();
    if s.is_none() {
        errors.push(path, format!("expected a string, found {}", kind(value)));
    }
    s
}

pub fn as_number(value: &Value, path: &str, errors: &mut Errors) -> Option<f64> {
    let n = value.as_f64();
    if n.is_none() {
        errors.push(path, format!("expected a number, found {}", kind(value)));
    }
    n
}

/// How a JSON value is named in messages.
pub fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The allowed word nearest to `word`, if it is near enough to be a likely typo.
pub fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (edit_distance(word, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(word.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_field_names_only() {
        let allowed = ["target", "window", "name"];
        assert_eq!(closest("tagret", &allowed), Some("target"));
        assert_eq!(closest("windw", &allowed), Some("window"));
        assert_eq!(closest("colour", &allowed), None);
    }

    #[test]
    fn unknown_fields_are_reported_with_their_path() {
        let doc: Value = serde_json::json!({"tagret": 1, "name": "x"});
        let mut errors = Errors::default();
        Object::read(&doc, "slos[0]", &["target", "name"], &mut errors).unwrap();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].path, "slos[0].tagret");
        assert!(
            errors.0[0].message.contains("did you mean “target”?"),
            "{}",
            errors.0[0]
        );
    }
}
