//! `slo budget`, `slo alerts` and `slo whatif`: arguments in, the core's result out, as a
//! table for people or, with `--json`, as the result itself (docs/results.md).

use crate::args::Args;
use crate::{file, finish, pretty, table, target_arg, window_arg, Failure, ERROR_RATIO, TARGET};
use serde_json::Value;
use slo_core::alerts::AlertTier;
use slo_core::duration::{parse_duration, parse_offset};
use slo_core::parse;
use slo_core::results::{self, Alerts, Budget, Render, WhatIf};
use slo_core::whatif::{self, simulate, Incident, Scenario};
use slo_core::window::Window;

/// The result as JSON with `--json`, else as `text` makes it.
fn answer<R: Render>(args: &Args, result: &R, text: impl Fn(&R) -> String) -> String {
    if args.flag("json") {
        pretty(&results::to_json(result))
    } else {
        text(result)
    }
}

/// The `--target` and `--window` every calculator takes; each `None` with its problem filed.
fn target_and_window(args: &mut Args) -> (Option<f64>, Option<Window>) {
    let target = args.required("target", TARGET, target_arg);
    let window = args.required("window", Window::ALLOWED, window_arg);
    (target, window)
}

/// A calculator's arguments: `--target`, `--window`, its own option and `--json`.
fn calculator_args(command: &str, raw: &[String], option: &'static str) -> Args {
    let options = [
        ("target", true),
        ("window", true),
        (option, true),
        ("json", false),
    ];
    let mut args = Args::parse(command, raw, &options);
    args.refuse_positionals();
    args
}

pub fn budget(raw: &[String]) -> Result<String, Failure> {
    let mut args = calculator_args("budget", raw, "requests");
    let (target, window) = target_and_window(&mut args);
    let requests = args.optional("requests", parse::count);
    let (target, window) = finish(&args, target.zip(window))?;
    let result = Budget::new(target, window, requests);
    Ok(answer(&args, &result, budget_text))
}

fn budget_text(r: &Budget) -> String {
    let mut rows: Vec<Vec<String>> = r
        .periods
        .iter()
        .map(|p| vec![p.period.to_string(), p.allowed_downtime_text.clone()])
        .collect();
    rows.push(vec![
        format!("window ({})", r.window_text),
        r.allowed_downtime_text.clone(),
    ]);
    let mut out = format!(
        "target {} over {}: error budget {}\n\n",
        r.target_text, r.window_text, r.error_budget_ratio_text
    );
    out += &table::render(&["period", "allowed downtime"], &rows);
    if let (Some(n), Some(allowed)) = (r.requests, r.allowed_bad_requests) {
        out += &format!("\n{n} requests over the window: {allowed} may fail\n");
    }
    out
}

pub fn alerts(raw: &[String]) -> Result<String, Failure> {
    let mut args = calculator_args("alerts", raw, "error-ratio");
    let (target, window) = target_and_window(&mut args);
    let error_ratio = args.optional("error-ratio", parse::error_ratio);
    let tiers = default_tiers(&mut args, window.as_ref());
    let ((target, window), tiers) = finish(&args, target.zip(window).zip(tiers))?;
    let result = Alerts::new(target, window, error_ratio, &tiers);
    Ok(answer(&args, &result, alerts_text))
}

fn alerts_text(r: &Alerts) -> String {
    let mut header = vec![
        "tier",
        "severity",
        "long",
        "short",
        "burn rate",
        "error ratio",
        "budget spent",
    ];
    if r.error_ratio.is_some() {
        header.extend(["detects in", "resets in"]);
    }
    let rows: Vec<Vec<String>> = r
        .tiers
        .iter()
        .map(|t| {
            let mut row = vec![
                t.name.clone(),
                t.severity.to_string(),
                t.long_window.clone(),
                t.short_window.clone(),
                t.burn_rate_text.clone(),
                t.error_ratio_threshold_text.clone(),
                t.budget_consumed_text.clone(),
            ];
            if r.error_ratio.is_some() {
                row.push(table::cell(&t.detection_text));
                row.push(table::cell(&t.reset_text));
            }
            row
        })
        .collect();
    let mut out = format!("alert tiers for {} over {}", r.target_text, r.window_text);
    if let Some(e) = &r.error_ratio_text {
        out += &format!(", at a steady error ratio of {e}");
    }
    out += "\n\n";
    out += &table::render(&header, &rows);
    for warning in r.tiers.iter().filter_map(|t| t.warning.as_ref()) {
        out += &format!("\nwarning: {warning}\n");
    }
    out
}

pub fn whatif(raw: &[String]) -> Result<String, Failure> {
    let options = [
        ("target", true),
        ("window", true),
        ("error-ratio", true),
        ("duration", true),
        ("start", true),
        ("rps", true),
        ("baseline", true),
        ("scenario", true),
        ("json", false),
    ];
    let mut args = Args::parse("whatif", raw, &options);
    args.refuse_positionals();
    let scenario = match args.value("scenario").map(str::to_string) {
        Some(path) => {
            for (name, _) in &options[..7] {
                if args.value(name).is_some() {
                    args.problem(format!(
                        "--{name} cannot be combined with --scenario; put it in the file"
                    ));
                }
            }
            finish(&args, Some(()))?;
            let text = file("whatif", &path)?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| Failure::Invalid(format!("{path}: not valid JSON: {e}\n")))?;
            Scenario::from_json(&value).map_err(|errors| {
                Failure::Invalid(errors.iter().map(|e| format!("{path}: {e}\n")).collect())
            })?
        }
        None => one_incident(&mut args)?,
    };
    let result = WhatIf::new(&scenario, &simulate(&scenario));
    Ok(answer(&args, &result, whatif_text))
}

/// The default tiers for a `--window`; `None` when the window did not read, or is too
/// short for them (then with the reason filed as a bad argument).
fn default_tiers(args: &mut Args, window: Option<&Window>) -> Option<Vec<AlertTier>> {
    AlertTier::defaults_for(window?.nominal_seconds(), None, None)
        .map_err(|refused| args.problem(format!("--window: {refused}")))
        .ok()
}

/// The field of the one-incident scenario each flag sets, for the scenario's own checks.
const WHATIF_FLAGS: [(&str, &str); 7] = [
    ("target", "--target"),
    ("window", "--window"),
    ("requests_per_second", "--rps"),
    ("baseline_error_ratio", "--baseline"),
    ("incidents[0].start", "--start"),
    ("incidents[0].duration", "--duration"),
    ("incidents[0].error_ratio", "--error-ratio"),
];

fn one_incident(args: &mut Args) -> Result<Scenario, Failure> {
    let target = args.required("target", TARGET, target_arg);
    let window = args.required("window", Window::ALLOWED, whatif::parse_window);
    let error_ratio = args.required("error-ratio", ERROR_RATIO, parse::error_ratio);
    let duration = args.required("duration", "the incident's length, such as 30m", |t| {
        parse_duration(t).map_err(|e| e.to_string())
    });
    let start = args.optional("start", |t| parse_offset(t).map_err(|e| e.to_string()));
    // Required, as in scenario files and the browser: see `Scenario::from_json`.
    let rps = args.required("rps", "requests per second, such as 100", parse::rate);
    let baseline = args.optional("baseline", parse::error_ratio);
    let tiers = default_tiers(args, window.as_ref());
    let read = (target.zip(window).zip(tiers)).zip(error_ratio.zip(duration).zip(rps));
    let (((target, window), tiers), ((error_ratio, duration), rps)) = finish(args, read)?;
    let scenario = Scenario {
        target,
        window_seconds: window.nominal_seconds(),
        tiers,
        requests_per_second: rps,
        baseline_error_ratio: baseline.unwrap_or(0.0),
        incidents: vec![Incident {
            start_seconds: start.unwrap_or(0),
            duration_seconds: duration,
            error_ratio,
        }],
        latency: None,
    };
    // What only the flags together can say, such as a start past the window's end.
    for e in scenario.validate() {
        let flag = WHATIF_FLAGS
            .iter()
            .find(|(field, _)| *field == e.path)
            .map_or(e.path.as_str(), |(_, flag)| flag);
        args.problem(format!("{flag}: {}", e.message));
    }
    finish(args, Some(scenario))
}

fn whatif_text(r: &WhatIf) -> String {
    let mut out = format!(
        "{} over {}, {} req/s, baseline error ratio {}\n",
        r.target_text, r.window, r.requests_per_second, r.baseline_error_ratio_text
    );
    for incident in &r.incidents {
        out += &format!(
            "incident: {} errors for {} from {}\n",
            incident.error_ratio_text, incident.duration_text, incident.start_text
        );
    }
    if let Some(slow) = &r.latency_error_ratio_text {
        out += &format!("slow requests add an error ratio of {slow}\n");
    }
    out += &format!(
        "\nbudget spent {}, left {}, exhausted {}\n\n",
        r.budget_consumed_text, r.budget_remaining_text, r.exhausted_at_text
    );
    let rows: Vec<Vec<String>> = r
        .tiers
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.severity.to_string(),
                t.burn_rate_threshold_text.clone(),
                t.fires_at_text.clone(),
                table::cell(&t.resets_at_text),
                t.firings.len().to_string(),
            ]
        })
        .collect();
    out += &table::render(
        &[
            "tier",
            "severity",
            "burn rate",
            "fires",
            "resets",
            "firings",
        ],
        &rows,
    );
    out
}
