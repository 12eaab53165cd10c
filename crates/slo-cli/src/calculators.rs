//! `slo budget`, `slo alerts` and `slo whatif`: arguments in, the core's result out, as a
//! table for people or, with `--json`, as the result itself (docs/results.md).

use crate::args::Args;
use crate::{file, parse_args, pretty, table, target_arg, window_arg, Failure};
use serde_json::Value;
use slo_core::alerts::AlertTier;
use slo_core::duration::{parse_duration, parse_offset};
use slo_core::parse;
use slo_core::results::{self, Alerts, Budget, Render, WhatIf};
use slo_core::whatif::{simulate, Incident, Scenario};
use slo_core::window::Window;

/// The result as JSON with `--json`, else as `text` makes it.
fn answer<R: Render>(args: &Args, result: &R, text: impl Fn(&R) -> String) -> String {
    if args.flag("json") {
        pretty(&results::to_json(result))
    } else {
        text(result)
    }
}

/// The `--target` and `--window` every calculator takes.
fn target_and_window(args: &Args) -> Result<(f64, Window), Failure> {
    Ok((
        args.required("target", target_arg)
            .map_err(Failure::Usage)?,
        args.required("window", window_arg)
            .map_err(Failure::Usage)?,
    ))
}

/// A calculator's arguments: `--target`, `--window`, its own option and `--json`.
fn calculator_args(command: &str, raw: &[String], option: &'static str) -> Result<Args, Failure> {
    let options = [
        ("target", true),
        ("window", true),
        (option, true),
        ("json", false),
    ];
    parse_args(command, raw, &options)
}

pub fn budget(raw: &[String]) -> Result<String, Failure> {
    let args = calculator_args("budget", raw, "requests")?;
    let (target, window) = target_and_window(&args)?;
    let requests = args
        .optional("requests", parse::count)
        .map_err(Failure::Usage)?;
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
    let args = calculator_args("alerts", raw, "error-ratio")?;
    let (target, window) = target_and_window(&args)?;
    let error_ratio = args
        .optional("error-ratio", parse::error_ratio)
        .map_err(Failure::Usage)?;
    let tiers = default_tiers("alerts", window.nominal_seconds())?;
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
    let args = parse_args("whatif", raw, &options)?;
    let scenario = match args.value("scenario") {
        Some(path) => {
            if let Some(other) = options[..7]
                .iter()
                .find(|(name, _)| args.value(name).is_some())
            {
                return Err(Failure::Usage(format!(
                    "slo whatif: --{} cannot be combined with --scenario; put it in the file",
                    other.0
                )));
            }
            let text = file("whatif", path)?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| Failure::Invalid(format!("{path}: not valid JSON: {e}\n")))?;
            Scenario::from_json(&value).map_err(|errors| {
                Failure::Invalid(errors.iter().map(|e| format!("{path}: {e}\n")).collect())
            })?
        }
        None => one_incident(&args)?,
    };
    let result = WhatIf::new(&scenario, &simulate(&scenario));
    Ok(answer(&args, &result, whatif_text))
}

/// The default tiers for a `--window`, or the reason there are none as a bad argument.
fn default_tiers(command: &str, window_seconds: u64) -> Result<Vec<AlertTier>, Failure> {
    AlertTier::defaults_for(window_seconds, None, None)
        .map_err(|refused| Failure::Usage(format!("slo {command}: --window: {refused}")))
}

fn one_incident(args: &Args) -> Result<Scenario, Failure> {
    let usage = Failure::Usage;
    let (target, window) = target_and_window(args)?;
    let error_ratio = args
        .required("error-ratio", parse::error_ratio)
        .map_err(usage)?;
    let duration = args
        .required("duration", |t| parse_duration(t).map_err(|e| e.to_string()))
        .map_err(usage)?;
    let start = args
        .optional("start", |t| parse_offset(t).map_err(|e| e.to_string()))
        .map_err(usage)?;
    // Required, as in scenario files and the browser: see `Scenario::from_json`.
    let rps = args.required("rps", parse::rate).map_err(usage)?;
    let baseline = args
        .optional("baseline", parse::error_ratio)
        .map_err(usage)?;
    let window_seconds = window.nominal_seconds();
    let scenario = Scenario {
        target,
        window_seconds,
        tiers: default_tiers("whatif", window_seconds)?,
        requests_per_second: rps,
        baseline_error_ratio: baseline.unwrap_or(0.0),
        incidents: vec![Incident {
            start_seconds: start.unwrap_or(0),
            duration_seconds: duration,
            error_ratio,
        }],
        latency: None,
    };
    match scenario.validate().first() {
        Some(e) => Err(Failure::Usage(format!("slo whatif: {e}"))),
        None => Ok(scenario),
    }
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
