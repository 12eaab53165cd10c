//! The core's detection times for a spec: when each SLO's tiers fire after a steady error
//! ratio starts on a clean window. The real-Prometheus test compares Prometheus' alerts
//! with these, without restating any of the math.
//!
//! usage: detection SPEC.json ERROR_RATIO
//! Prints `{slo: [{"tier", "error_ratio_threshold", "detection_seconds"}...]}`.

use serde_json::{json, Map, Value};
use slo_core::alerts::analyze_tiers;
use slo_core::spec::Spec;
use std::process::ExitCode;

fn run(args: &[String]) -> Result<Value, String> {
    let [spec_path, error_ratio] = args else {
        return Err("usage: detection SPEC.json ERROR_RATIO".into());
    };
    let text = std::fs::read_to_string(spec_path).map_err(|e| format!("{spec_path}: {e}"))?;
    let spec = Spec::from_json(&text).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let error_ratio: f64 = error_ratio
        .parse()
        .map_err(|_| format!("ERROR_RATIO {error_ratio:?} is not a number"))?;
    let mut out = Map::new();
    for slo in spec.slos() {
        let window = slo.window.nominal_seconds();
        let tiers: Vec<Value> = analyze_tiers(&slo.alerts, slo.target, window, Some(error_ratio))
            .into_iter()
            .map(|t| json!({"tier": t.name, "error_ratio_threshold": t.error_ratio_threshold, "detection_seconds": t.detection_seconds}))
            .collect();
        out.insert(slo.name.clone(), json!(tiers));
    }
    Ok(Value::Object(out))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("detection: {message}");
            ExitCode::FAILURE
        }
    }
}
