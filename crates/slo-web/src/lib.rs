//! The browser shell of the SLO core. Each export takes the text of form fields as the
//! user typed it, lets slo-core parse, check and compute, and returns a plain JS object:
//! `{ errors: { field: message }, result }`, with `result` present only when every field
//! was accepted. Field names are the core's own paths (`target`, `incidents[0].start`), so
//! an element can put each message next to its field. `result` is the core's result
//! (docs/results.md) written into JS objects. No numbers or words are made here: this
//! crate only translates arguments and results.
#![forbid(unsafe_code)]

use slo_core::alerts::AlertTier;
use slo_core::budget::{nines_table, PERIODS};
use slo_core::composite::Component;
use slo_core::duration::{humanize_seconds, parse_duration, parse_offset};
use slo_core::format;
use slo_core::parse;
use slo_core::results::{Alerts, Budget, Composite, WhatIf};
use slo_core::target::{format_target, parse_target};
use slo_core::whatif::{
    self, parse_buckets, parse_threshold_ms, simulate, Incident, LatencyScenario, Scenario,
};
use slo_core::window::Window;
use slo_web_js::{array, render, Form, Obj};
use wasm_bindgen::prelude::*;

/// More replicas than this is surely a typing slip, and would only cost memory.
const MAX_REPLICAS: u64 = 100;

/// A form whose first fields are the usual target and window.
fn form_with_target_and_window(target: &str, window: &str) -> (Form, Option<f64>, Option<Window>) {
    let form = Form::new();
    let target = form.field("target", target_field(target));
    let window = form.field("window", Window::parse(window));
    (form, target, window)
}

fn target_field(text: &str) -> Result<f64, String> {
    parse_target(text).map_err(|e| e.to_string())
}

/// Allowed downtime and bad requests for a target over a window and the reference periods.
#[wasm_bindgen]
pub fn budget(target: &str, window: &str, requests: &str) -> JsValue {
    let (form, target, window) = form_with_target_and_window(target, window);
    let requests = form.optional("requests", requests, parse::count);
    let result = (|| Some(render(&Budget::new(target?, window?, requests?))))();
    form.answer(result)
}

/// The nines table: for each common target, the downtime each reference period allows.
#[wasm_bindgen]
pub fn nines() -> JsValue {
    let out = Obj::new();
    out.set("periods", array(PERIODS, |(name, _)| name.into()));
    out.set(
        "rows",
        array(nines_table(), |(target, allowed)| {
            let row = Obj::new();
            row.set("target", format_target(target))
                .set("downtime", array(allowed, |s| humanize_seconds(s).into()));
            row.into()
        }),
    );
    out.into()
}

/// The default tiers for the window field, or the reason there are none under it.
fn default_tiers(form: &Form, window_seconds: u64) -> Option<Vec<AlertTier>> {
    form.field(
        "window",
        AlertTier::defaults_for(window_seconds, None, None).map_err(|e| e.to_string()),
    )
}

/// The default alert tiers for a target and window: thresholds, budget spent at firing,
/// detection and reset times at an optional steady error ratio, and the detection-time
/// curve of each tier for a chart.
#[wasm_bindgen]
pub fn alerts(target: &str, window: &str, error_ratio: &str) -> JsValue {
    let (form, target, window) = form_with_target_and_window(target, window);
    let error_ratio = form.optional("error_ratio", error_ratio, parse::error_ratio);
    let result = (|| {
        let (target, window, error_ratio) = (target?, window?, error_ratio?);
        let tiers = default_tiers(&form, window.nominal_seconds())?;
        Some(render(&Alerts::new(target, window, error_ratio, &tiers)))
    })();
    form.answer(result)
}

/// Runs the what-if simulator. `incidents` holds three strings per incident: start (an
/// offset into the window such as `3d`), duration and error ratio. The latency scenario
/// applies when `threshold_ms` is filled in.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn what_if(
    target: &str,
    window: &str,
    requests_per_second: &str,
    baseline_error_ratio: &str,
    incidents: Vec<String>,
    buckets: &str,
    threshold_ms: &str,
) -> JsValue {
    let form = Form::new();
    let target = form.field("target", target_field(target));
    let window = form.field("window", whatif::parse_window(window));
    let rps = form.field("requests_per_second", parse::rate(requests_per_second));
    let baseline = form.field(
        "baseline_error_ratio",
        parse::error_ratio(baseline_error_ratio),
    );
    let mut parsed = Some(Vec::new());
    for (i, fields) in incidents.chunks(3).enumerate() {
        let get = |k: usize| fields.get(k).map_or("", String::as_str);
        let path = |key: &str| format!("incidents[{i}].{key}");
        let start = form.field(
            &path("start"),
            parse_offset(get(0)).map_err(|e| e.to_string()),
        );
        let duration = form.field(
            &path("duration"),
            parse_duration(get(1)).map_err(|e| e.to_string()),
        );
        let error_ratio = form.field(&path("error_ratio"), parse::error_ratio(get(2)));
        parsed = match (parsed, start, duration, error_ratio) {
            (Some(mut list), Some(start_seconds), Some(duration_seconds), Some(error_ratio)) => {
                list.push(Incident {
                    start_seconds,
                    duration_seconds,
                    error_ratio,
                });
                Some(list)
            }
            _ => None,
        };
    }
    let latency = form
        .optional("latency.threshold_ms", threshold_ms, parse_threshold_ms)
        .and_then(|threshold| match threshold {
            None => Some(None),
            Some(threshold_ms) => {
                form.field("latency.buckets", parse_buckets(buckets))
                    .map(|buckets| {
                        Some(LatencyScenario {
                            buckets,
                            threshold_ms,
                        })
                    })
            }
        });
    let scenario = (|| {
        let (target, window) = (target?, window?);
        let window_seconds = window.nominal_seconds();
        Some(Scenario {
            target,
            window_seconds,
            tiers: default_tiers(&form, window_seconds)?,
            requests_per_second: rps?,
            baseline_error_ratio: baseline?,
            incidents: parsed?,
            latency: latency?,
        })
    })();
    let Some(scenario) = scenario else {
        return form.answer(None);
    };
    for problem in scenario.validate() {
        form.errors.set(&problem.path, problem.message);
    }
    if !form.errors.is_empty() {
        return form.answer(None);
    }
    let result = WhatIf::new(&scenario, &simulate(&scenario));
    form.answer(Some(render(&result)))
}

/// Availability of a service that needs every dependency (in series), each dependency
/// run as `replicas` redundant copies of the given availability.
#[wasm_bindgen]
pub fn composite(availabilities: Vec<String>, replicas: Vec<String>) -> JsValue {
    let form = Form::new();
    let mut parts = Some(Vec::new());
    for (i, availability) in availabilities.iter().enumerate() {
        let path = |key: &str| format!("dependencies[{i}].{key}");
        let leaf = form.field(&path("availability"), parse::availability(availability));
        let copies = form.field(
            &path("replicas"),
            parse::count(replicas.get(i).map_or("1", String::as_str)).and_then(|n| {
                if n > MAX_REPLICAS {
                    Err(format!(
                        "{n} is too many replicas; allowed: 1 to {MAX_REPLICAS}"
                    ))
                } else {
                    Ok(n)
                }
            }),
        );
        parts = match (parts, leaf, copies) {
            (Some(mut list), Some(a), Some(n)) => {
                list.push(Component::Redundant(vec![Component::Leaf(a); n as usize]));
                Some(list)
            }
            _ => None,
        };
    }
    let Some(parts) = parts else {
        return form.answer(None);
    };
    let service = Component::Serial(parts);
    for problem in service.validate() {
        // `parts[i]` is dependency i's set of replicas; the root is the whole list.
        let field = if problem.path.is_empty() {
            "dependencies".to_string()
        } else {
            format!("dependencies[{}].replicas", part_of(&problem.path))
        };
        form.errors.set(&field, problem.message);
    }
    if !form.errors.is_empty() {
        return form.answer(None);
    }
    form.answer(Some(render(&Composite::new(&service))))
}

/// The index in `parts[3]...`.
fn part_of(path: &str) -> &str {
    path.strip_prefix("parts[")
        .and_then(|rest| rest.split(']').next())
        .unwrap_or("0")
}

/// Words for the charts' axes, in the core's spelling.
#[wasm_bindgen]
pub fn percent(ratio: f64) -> String {
    format::percent(ratio)
}

#[wasm_bindgen]
pub fn humanize(seconds: f64) -> String {
    humanize_seconds(seconds)
}
