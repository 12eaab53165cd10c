//! How the core judges given requests, as the filter would count them: the end-to-end tests
//! and the soak compute their expected counts with it instead of restating the spec's rules.
//!
//! usage: judge SPEC.json < REQUESTS.json
//! REQUESTS is a JSON array of `{"method", "path", "status", "grpc_status", "duration_ms"}`
//! (`grpc_status` a code or null, `authority` and `route` optional). Prints a JSON array
//! with, for each request, `{slo: "good" | "bad" | "excluded"}` for the SLOs it matches.

use serde_json::{Map, Value};
use slo_core::classify::{RequestFacts, ResponseFacts};
use slo_core::spec::Spec;
use std::io::Read;
use std::process::ExitCode;

mod helper;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    helper::finish("judge", run(&args))
}

/// A string field; an optional one that is absent reads as empty, as the filter leaves the
/// facts no SLO looks at.
fn text<'a>(request: &'a Value, field: &str, required: bool) -> Result<&'a str, String> {
    match request.get(field) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) if !required => Ok(""),
        _ => Err(format!("{request}: {field} must be a string")),
    }
}

fn number(request: &Value, field: &str) -> Result<Option<u64>, String> {
    match request.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{request}: {field} must be a whole number or null")),
    }
}

fn judge(spec: &Spec, request: &Value) -> Result<Value, String> {
    let path = text(request, "path", true)?;
    let route = text(request, "route", false)?;
    let facts = RequestFacts {
        route: (!route.is_empty()).then_some(route),
        authority: text(request, "authority", false)?,
        path,
        method: text(request, "method", true)?,
    };
    let status = number(request, "status")?.unwrap_or(0);
    let grpc_status = number(request, "grpc_status")?;
    let response = ResponseFacts {
        status: u16::try_from(status).map_err(|_| format!("{request}: status {status}"))?,
        grpc_status: grpc_status
            .map(|c| u8::try_from(c).map_err(|_| format!("{request}: grpc_status {c}")))
            .transpose()?,
        duration_ms: number(request, "duration_ms")?.unwrap_or(0),
    };
    let outcomes: Map<String, Value> = spec
        .request_slos()
        .filter(|(_, sli)| sli.matches(&facts))
        .map(|(slo, sli)| {
            let outcome = sli.judge(path, &response);
            (slo.name.clone(), Value::from(outcome.as_str()))
        })
        .collect();
    Ok(Value::Object(outcomes))
}

fn run(args: &[String]) -> Result<Value, String> {
    let [spec_path] = args else {
        return Err("usage: judge SPEC.json < REQUESTS.json".into());
    };
    let spec =
        Spec::from_json(&helper::read(spec_path)?).map_err(|errors| helper::joined(&errors))?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("stdin: {e}"))?;
    let requests: Value =
        serde_json::from_str(&input).map_err(|e| format!("stdin is not JSON: {e}"))?;
    let requests = requests
        .as_array()
        .ok_or("stdin must be a JSON array of requests")?;
    let judged = requests
        .iter()
        .map(|r| judge(&spec, r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Array(judged))
}
