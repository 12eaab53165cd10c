//! The filter's configuration: the spec plus the filter's own options, read with the core's
//! path-qualified validation so that every error names where it is.
//!
//! ```json
//! {
//!   "spec": { "services": [ ... ] },
//!   "status": { "path": "/slo/status", "bearer_token": "s3cret", "cors_origin": "http://127.0.0.1:8080" },
//!   "tick_seconds": 5,
//!   "counting": "wasm"
//! }
//! ```
//! `status` is optional (no status endpoint without it); `tick_seconds` defaults to 5;
//! `counting` defaults to `"wasm"` (the filter judges every request); `"native"` means
//! Envoy's stats access loggers count the requests (`slo envoy-config --counting native`)
//! and the filter only reads their counters on its tick and serves the status endpoint;
//! with native counting, `"duration_buckets": true` says the loggers count the duration
//! buckets too (`--native-duration-buckets`), so the filter defines them.

use crate::decode::{Errors, FieldError, Object};
use crate::spec::Spec;
use serde_json::Value;

pub const DEFAULT_TICK_SECONDS: u64 = 5;
const MAX_TICK_SECONDS: u64 = 3600;

#[derive(Debug, Clone, PartialEq)]
pub struct FilterConfig {
    pub spec: Spec,
    pub status: Option<StatusEndpoint>,
    pub tick_seconds: u64,
    pub counting: Counting,
    /// Whether the filter defines the duration buckets: always when it counts itself; with
    /// native counting, only when the access loggers count them.
    pub duration_buckets: bool,
}

/// Who counts the requests into Envoy's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Counting {
    /// The filter judges each request in `on_log` and adds its counts on the tick.
    #[default]
    Wasm,
    /// Envoy's stats access loggers count them (the core's filter trees); the filter
    /// judges nothing, defines the counters they increment and reads them on its tick.
    Native,
}

impl Counting {
    pub const ALLOWED: &'static str = "\"wasm\" (the filter judges each request) or \"native\" (Envoy's stats access loggers count, from `slo envoy-config --counting native`)";

    pub fn parse(text: &str) -> Option<Counting> {
        match text {
            "wasm" => Some(Counting::Wasm),
            "native" => Some(Counting::Native),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Counting::Wasm => "wasm",
            Counting::Native => "native",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEndpoint {
    /// Exact path (query string ignored) answered by the filter itself.
    pub path: String,
    /// When set, requests must carry `authorization: Bearer <token>`.
    pub bearer_token: Option<String>,
    /// When set, responses carry `access-control-allow-origin` with this origin.
    pub cors_origin: Option<String>,
}

impl FilterConfig {
    /// Reads the filter configuration from JSON text; every problem comes back with its path.
    pub fn from_json(text: &str) -> Result<FilterConfig, Vec<FieldError>> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            vec![FieldError {
                path: String::new(),
                message: format!("filter configuration is not valid JSON: {e}"),
            }]
        })?;
        FilterConfig::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<FilterConfig, Vec<FieldError>> {
        let mut errors = Errors::default();
        let Some(root) = Object::read(
            value,
            "",
            &[
                "spec",
                "status",
                "tick_seconds",
                "counting",
                "duration_buckets",
            ],
            &mut errors,
        ) else {
            return Err(errors.0);
        };
        root.required("spec", "the SLO spec, an object with services", &mut errors);
        let spec = root.get("spec").map(|v| Spec::from_value(v, "spec"));
        let status = root
            .get("status")
            .and_then(|v| read_status(v, &root.path_of("status"), &mut errors));
        let tick_seconds = match root.number("tick_seconds", &mut errors) {
            None => Some(DEFAULT_TICK_SECONDS),
            Some(t) if t.fract() == 0.0 && (1.0..=MAX_TICK_SECONDS as f64).contains(&t) => {
                Some(t as u64)
            }
            Some(t) => {
                errors.push(
                    &root.path_of("tick_seconds"),
                    format!("{t} is not allowed; allowed: a whole number of seconds from 1 to {MAX_TICK_SECONDS}"),
                );
                None
            }
        };
        let counting = match root.string("counting", &mut errors) {
            None => Some(Counting::default()),
            Some(text) => Counting::parse(text).or_else(|| {
                errors.push(
                    &root.path_of("counting"),
                    format!("{text:?} is not allowed; allowed: {}", Counting::ALLOWED),
                );
                None
            }),
        };
        let duration_buckets = match (root.get("duration_buckets"), counting) {
            (None, _) => counting != Some(Counting::Native),
            (Some(Value::Bool(on)), Some(Counting::Native)) => *on,
            (Some(Value::Bool(_)), _) => {
                errors.push(
                    &root.path_of("duration_buckets"),
                    "is allowed only with \"counting\": \"native\" (the filter's own counting always counts the buckets)",
                );
                false
            }
            (Some(_), _) => {
                errors.push(
                    &root.path_of("duration_buckets"),
                    "is not allowed; allowed: true or false",
                );
                false
            }
        };
        let spec = match spec {
            Some(Ok(spec)) => Some(spec),
            Some(Err(spec_errors)) => {
                errors.0.extend(spec_errors);
                None
            }
            None => None,
        };
        match (spec, tick_seconds, counting) {
            (Some(spec), Some(tick_seconds), Some(counting)) if errors.is_empty() => {
                Ok(FilterConfig {
                    spec,
                    status,
                    tick_seconds,
                    counting,
                    duration_buckets,
                })
            }
            _ => Err(errors.0),
        }
    }
}

fn read_status(value: &Value, path: &str, errors: &mut Errors) -> Option<StatusEndpoint> {
    let obj = Object::read(
        value,
        path,
        &["path", "bearer_token", "cors_origin"],
        errors,
    )?;
    obj.required(
        "path",
        "the path the filter answers, such as \"/slo/status\"",
        errors,
    );
    let endpoint_path = obj.string("path", errors).and_then(|p| {
        if p.starts_with('/') && !p.contains(['?', '#']) && !p.chars().any(char::is_whitespace) {
            Some(p.to_string())
        } else {
            errors.push(
                &obj.path_of("path"),
                format!("{p:?} is not allowed; allowed: an absolute path such as \"/slo/status\", without query or spaces"),
            );
            None
        }
    });
    let bearer_token = obj.string("bearer_token", errors).and_then(|t| {
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()) {
            Some(t.to_string())
        } else {
            errors.push(
                &obj.path_of("bearer_token"),
                "is not allowed; allowed: a non-empty token of printable ASCII without spaces",
            );
            None
        }
    });
    let cors_origin = obj.string("cors_origin", errors).and_then(|o| {
        let valid = o == "*"
            || ((o.starts_with("http://") || o.starts_with("https://"))
                && !o.ends_with('/')
                && o.bytes().all(|b| b.is_ascii_graphic()));
        if valid {
            Some(o.to_string())
        } else {
            errors.push(
                &obj.path_of("cors_origin"),
                format!("{o:?} is not an origin; allowed: \"*\" or scheme://host[:port] such as \"http://127.0.0.1:8080\""),
            );
            None
        }
    });
    Some(StatusEndpoint {
        path: endpoint_path?,
        bearer_token,
        cors_origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"{"services":[{"name":"shop","slos":[{"name":"checkout","target":0.999,"window":"30d","sli":{"bad":{"status":["5xx"]}}}]}]}"#;

    #[test]
    fn reads_spec_status_and_tick() {
        let text = format!(
            r#"{{"spec":{SPEC},"status":{{"path":"/slo/status","bearer_token":"t0k","cors_origin":"http://127.0.0.1:8080"}},"tick_seconds":2}}"#
        );
        let config = FilterConfig::from_json(&text).unwrap();
        assert_eq!(config.tick_seconds, 2);
        assert_eq!(config.spec.slos().count(), 1);
        let status = config.status.unwrap();
        assert_eq!(status.path, "/slo/status");
        assert_eq!(status.bearer_token.as_deref(), Some("t0k"));
        assert_eq!(status.cors_origin.as_deref(), Some("http://127.0.0.1:8080"));
    }

    #[test]
    fn defaults_leave_the_status_endpoint_off() {
        let config = FilterConfig::from_json(&format!(r#"{{"spec":{SPEC}}}"#)).unwrap();
        assert_eq!(config.status, None);
        assert_eq!(config.tick_seconds, DEFAULT_TICK_SECONDS);
        assert_eq!(config.counting, Counting::Wasm);
        let native =
            FilterConfig::from_json(&format!(r#"{{"spec":{SPEC},"counting":"native"}}"#)).unwrap();
        assert_eq!(native.counting, Counting::Native);
        assert!(config.duration_buckets && !native.duration_buckets);
        let with_buckets = FilterConfig::from_json(&format!(
            r#"{{"spec":{SPEC},"counting":"native","duration_buckets":true}}"#
        ))
        .unwrap();
        assert!(with_buckets.duration_buckets);
        let errors =
            FilterConfig::from_json(&format!(r#"{{"spec":{SPEC},"duration_buckets":false}}"#))
                .unwrap_err();
        assert_eq!(errors[0].path, "duration_buckets");
    }

    #[test]
    fn every_error_carries_its_path_from_the_filter_root() {
        let text = r#"{"spec":{"services":[{"name":"shop","slos":[{"name":"Bad Name","target":1.5,"window":"30d","sli":{}}]}]},
                      "status":{"path":"slo","cors_origin":"http://x/"},"tick_seconds":0,"counting":"envoy","extra":1}"#;
        let errors = FilterConfig::from_json(text).unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        for expected in [
            "extra",
            "status.path",
            "status.cors_origin",
            "tick_seconds",
            "counting",
            "spec.services[0].slos[0].name",
            "spec.services[0].slos[0].target",
        ] {
            assert!(
                paths.contains(&expected),
                "{expected} missing from {paths:?}"
            );
        }
    }

    #[test]
    fn a_missing_spec_and_broken_json_are_reported() {
        let errors = FilterConfig::from_json("{}").unwrap_err();
        assert_eq!(errors[0].path, "spec");
        let errors = FilterConfig::from_json("{").unwrap_err();
        assert!(errors[0]
            .message
            .starts_with("filter configuration is not valid JSON"));
    }
}
