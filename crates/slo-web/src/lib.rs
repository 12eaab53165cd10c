//! The browser shell of the SLO core. Each export takes the text of form fields as the
//! user typed it, lets slo-core parse, check and compute, and returns a plain JS object:
//! `{ errors: { field: message }, result }`, with `result` present only when every field
//! was accepted. Field names are the core's own paths (`target`, `incidents[0].start`), so
//! an element can put each message next to its field. No numbers are made here: this
//! crate only translates arguments and results.
#![forbid(unsafe_code)]

mod js;

use js::{array, floats, Obj};
use slo_core::alerts::{analyze_tiers, detection_curve, AlertTier};
use slo_core::budget::{allowed_downtime_seconds, budget_report, nines_table, PERIODS};
use slo_core::composite::Component;
use slo_core::duration::{format_duration, humanize_seconds, parse_duration, parse_offset, DAY};
use slo_core::format;
use slo_core::parse;
use slo_core::target::{format_target, parse_target};
use slo_core::whatif::{
    self, parse_buckets, parse_threshold_ms, simulate, Incident, LatencyScenario, Scenario,
};
use slo_core::window::Window;
use wasm_bindgen::prelude::*;

/// Points on each tier's detection-time curve in `alerts`.
const CURVE_POINTS: usize = 48;
/// More replicas than this is surely a typing slip, and would only cost memory.
const MAX_REPLICAS: u64 = 100;

/// Collects each field's verdict; the answer carries a result only if all were accepted.
struct Form {
    errors: Obj,
}

impl Form {
    fn new() -> Form {
        Form { errors: Obj::new() }
    }

    /// A form whose first fields are the usual target and window.
    fn with_target_and_window(target: &str, window: &str) -> (Form, Option<f64>, Option<Window>) {
        let form = Form::new();
        let target = form.field("target", target_field(target));
        let window = form.field("window", Window::parse(window));
        (form, target, window)
    }

    fn field<T>(&self, name: &str, verdict: Result<T, String>) -> Option<T> {
        verdict
            .map_err(|message| self.errors.set(name, message))
            .ok()
    }

    /// An empty field is `Some(None)`; a filled one is parsed.
    fn optional<T>(
        &self,
        name: &str,
        text: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        if text.trim().is_empty() {
            Some(None)
        } else {
            self.field(name, parse(text)).map(Some)
        }
    }

    fn answer(self, result: Option<Obj>) -> JsValue {
        let out = Obj::new();
        match result {
            Some(result) if self.errors.is_empty() => out.set("result", result),
            _ => out.set("result", JsValue::NULL),
        };
        out.set("errors", self.errors);
        out.into()
    }
}

fn target_field(text: &str) -> Result<f64, String> {
    parse_target(text).map_err(|e| e.to_string())
}

fn seconds(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// Allowed downtime and bad requests for a target over a window and the reference periods.
#[wasm_bindgen]
pub fn budget(target: &str, window: &str, requests: &str) -> JsValue {
    let (form, target, window) = Form::with_target_and_window(target, window);
    let requests = form.optional("requests", requests, parse::count);
    let result = (|| {
        let (target, window, requests) = (target?, window?, requests?);
        let report = budget_report(target, window.nominal_seconds(), requests);
        let out = Obj::new();
        out.set("target", format_target(target))
            .set("window", window.describe())
            .set("window_seconds", seconds(report.window_seconds))
            .set("error_budget", format::percent(report.error_budget_ratio))
            .set("downtime_seconds", report.allowed_downtime_seconds)
            .set(
                "downtime",
                humanize_seconds(report.allowed_downtime_seconds),
            )
            .set(
                "periods",
                array(&report.periods, |&(name, period, allowed)| {
                    let row = Obj::new();
                    row.set("name", name)
                        .set("seconds", seconds(period))
                        .set("downtime_seconds", allowed)
                        .set("downtime", humanize_seconds(allowed));
                    row.into()
                }),
            )
            .opt("requests", requests.map(|n| n.to_string()))
            .opt(
                "allowed_bad_requests",
                report.allowed_bad_requests.map(|n| n.to_string()),
            );
        Some(out)
    })();
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
    let (form, target, window) = Form::with_target_and_window(target, window);
    let error_ratio = form.optional("error_ratio", error_ratio, parse::error_ratio);
    let result = (|| {
        let (target, window, error_ratio) = (target?, window?, error_ratio?);
        let window_seconds = window.nominal_seconds();
        let tiers = default_tiers(&form, window_seconds)?;
        let analyses = analyze_tiers(&tiers, target, window_seconds, error_ratio);
        let rows = array(tiers.iter().zip(&analyses), |(tier, a)| {
            let row = Obj::new();
            row.set("name", a.name.as_str())
                .set("severity", a.severity.as_str())
                .set("long_window", format_duration(a.long_window_seconds))
                .set("short_window", format_duration(a.short_window_seconds))
                .set("burn_rate", format::burn_rate(a.burn_rate))
                .set("error_ratio", format::percent(a.error_ratio_threshold))
                .set("budget_consumed", format::percent(a.budget_consumed))
                .set("can_fire", a.can_fire)
                .opt("detects", a.detection_seconds.map(humanize_seconds))
                .opt("resets", a.reset_seconds.map(humanize_seconds));
            if !a.can_fire {
                row.set(
                    "warning",
                    format!(
                        "{} can never fire: at {} it needs an error ratio of {}, more than 100% of requests",
                        a.name,
                        format_target(target),
                        format::percent(a.error_ratio_threshold)
                    ),
                );
            }
            let curve: Vec<f64> = detection_curve(tier, target, window_seconds, CURVE_POINTS)
                .into_iter()
                .flat_map(|(e, d)| [e, d])
                .collect();
            row.set("curve", floats(&curve));
            row.into()
        });
        let out = Obj::new();
        out.set("target", format_target(target))
            .set("window", window.describe())
            .opt("error_ratio", error_ratio.map(format::percent))
            .set("tiers", rows);
        Some(out)
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
    let sim = simulate(&scenario);
    let at = |s: f64| format!("+{}", humanize_seconds(s));
    let out = Obj::new();
    out.set("target", format_target(scenario.target))
        .set("window_seconds", seconds(scenario.window_seconds))
        .set("step_seconds", seconds(sim.step_seconds))
        .set("budget_remaining", floats(&sim.budget_remaining))
        .set("consumed", format::percent(sim.budget_consumed))
        .set("remaining", format::percent(1.0 - sim.budget_consumed))
        .opt("exhausted_at_seconds", sim.exhausted_at_seconds)
        .set(
            "exhausted",
            sim.exhausted_at_seconds.map_or("never".into(), at),
        )
        .opt(
            "latency_error_ratio",
            sim.latency_error_ratio.map(format::percent),
        )
        .set(
            "tiers",
            array(&sim.tiers, |t| {
                let row = Obj::new();
                row.set("name", t.name.as_str())
                    .set("severity", t.severity.as_str())
                    .set("burn_rate", format::burn_rate(t.burn_rate_threshold))
                    .set(
                        "firings",
                        array(&t.firings, |f| {
                            let firing = Obj::new();
                            firing
                                .set("fires_at_seconds", seconds(f.fires_at_seconds))
                                .set("fires", at(f.fires_at_seconds as f64))
                                .opt("resets_at_seconds", f.resets_at_seconds.map(|r| r as f64))
                                .set(
                                    "resets",
                                    f.resets_at_seconds
                                        .map_or("still firing".into(), |r| at(r as f64)),
                                );
                            firing.into()
                        }),
                    );
                row.into()
            }),
        );
    form.answer(Some(out))
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
    let Component::Serial(parts) = &service else {
        unreachable!("built as a serial component above")
    };
    // Expected downtime is the unavailability over the period: the core's allowed
    // downtime, with the availability in the place of a target.
    let per_month = |a: f64| humanize_seconds(allowed_downtime_seconds(a, 30 * DAY));
    let availability = service.availability();
    let out = Obj::new();
    out.set("availability", format::availability(availability))
        .set("downtime_per_month", per_month(availability))
        .set("month", "30-day month")
        .set(
            "dependencies",
            array(parts, |part| {
                let row = Obj::new();
                row.set("availability", format::availability(part.availability()))
                    .set("downtime_per_month", per_month(part.availability()));
                row.into()
            }),
        );
    form.answer(Some(out))
}

/// The index in `parts[3]...`.
fn part_of(path: &str) -> &str {
    path.strip_prefix("parts[")
        .and_then(|rest| rest.split(']').next())
        .unwrap_or("0")
}

/// Words and numbers for `<slo-live>`, which reads the filter's status JSON itself.
#[wasm_bindgen]
pub fn percent(ratio: f64) -> String {
    format::percent(ratio)
}

#[wasm_bindgen]
pub fn burn_rate(rate: f64) -> String {
    format::burn_rate(rate)
}

#[wasm_bindgen]
pub fn target_text(ratio: f64) -> String {
    format_target(ratio)
}

#[wasm_bindgen]
pub fn humanize(seconds: f64) -> String {
    humanize_seconds(seconds)
}

#[wasm_bindgen]
pub fn duration_text(seconds: f64) -> String {
    format_duration(seconds.max(0.0) as u64)
}
