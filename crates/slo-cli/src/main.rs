//! The `slo` command: a thin shell that reads arguments and files, calls slo-core, and
//! prints tables for people or JSON for programs.

mod args;
mod envoy_config;
mod rules;
mod table;

use args::Args;
use serde_json::{json, Value};
use slo_core::alerts::{analyze_tiers, AlertTier};
use slo_core::budget::budget_report;
use slo_core::duration::{format_duration, humanize_seconds, parse_duration, parse_offset};
use slo_core::spec::Spec;
use slo_core::target::{format_target, parse_target};
use slo_core::whatif::{self, simulate, Incident, Scenario, Simulation};
use slo_core::window::Window;
use slo_core::{format, openslo, parse};
use std::process::ExitCode;

fn usage() -> String {
    format!(
        "\
usage: slo <command> [options]

commands:
  check FILE...                       validate specs (JSON, or OpenSLO YAML)
  budget --target T --window W [--requests N] [--json]
  alerts --target T --window W [--error-ratio R] [--json]
  whatif --target T --window W --error-ratio R --duration D [--start S] [--rps N]
         [--baseline R] [--json]      one incident on an otherwise steady window
  whatif --scenario FILE [--json]     baseline, incidents and latency from a file
  openslo import FILE                 OpenSLO v1 YAML to the JSON spec
  openslo export FILE                 JSON spec to OpenSLO v1 YAML
  rules SPEC                          Prometheus burn-rate recording and alerting rules
  {}
                                      a ready Envoy bootstrap with the SLO filter

targets: 99.9 or 99.9% (percent) or 0.999 (ratio); durations: 30d, 4w, 6h, 30m, 1h30m;
windows: a duration, or week, month, quarter (calendar, UTC)",
        envoy_config::USAGE
    )
}

/// How a command ended: the text to print and the exit code.
enum Failure {
    /// Bad arguments: one line, exit 2.
    Usage(String),
    /// The input was read but is not valid: exit 1.
    Invalid(String),
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = raw.split_first() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "check" => check(rest),
        "budget" => budget(rest),
        "alerts" => alerts(rest),
        "whatif" => whatif(rest),
        "openslo" => openslo(rest),
        "envoy-config" => envoy_config(rest),
        "rules" => rules(rest),
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            Ok(String::new())
        }
        other => Err(Failure::Usage(format!(
            "slo: unknown command {other:?}; allowed: check, budget, alerts, whatif, openslo, envoy-config, rules (slo help lists their options)"
        ))),
    };
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
        Err(Failure::Invalid(message)) => {
            eprint!("{message}");
            ExitCode::from(1)
        }
    }
}

/// The values read, or every bad argument (exit 2).
fn finish<T>(args: &Args, values: Option<T>) -> Result<T, Failure> {
    args.finish(values).map_err(Failure::Usage)
}

/// What the options most commands take hold, for the message when one is missing.
const TARGET: &str = "a target such as 99.9, 99.9% or 0.999";
const ERROR_RATIO: &str = "an error ratio such as 0.01 or 1%";

fn target_arg(text: &str) -> Result<f64, String> {
    parse_target(text).map_err(|e| e.to_string())
}

fn window_arg(text: &str) -> Result<Window, String> {
    Window::parse(text)
}

fn file(command: &str, path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("slo {command}: cannot read {path}: {e}")))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// Reads a spec file: OpenSLO YAML by its extension, the JSON spec otherwise. Errors come
/// back as lines prefixed with the file name.
fn read_spec(command: &str, path: &str) -> Result<Result<Spec, String>, Failure> {
    let text = file(command, path)?;
    let is_yaml = path.ends_with(".yaml") || path.ends_with(".yml");
    let errors: Vec<String> = match is_yaml {
        true => match openslo::import(&text) {
            Ok(spec) => return Ok(Ok(spec)),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        },
        false => match Spec::from_json(&text) {
            Ok(spec) => return Ok(Ok(spec)),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        },
    };
    Ok(Err(errors
        .iter()
        .map(|e| format!("{path}: {e}\n"))
        .collect()))
}

fn check(raw: &[String]) -> Result<String, Failure> {
    let mut args = Args::parse("check", raw, &[]);
    if args.positionals.is_empty() {
        args.problem("give at least one spec file");
    }
    finish(&args, Some(()))?;
    let mut out = String::new();
    let mut problems = String::new();
    for path in &args.positionals {
        match read_spec("check", path)? {
            Ok(spec) => {
                // Dead parts of a valid spec: said, but they do not fail the check.
                for warning in slo_core::lint::warnings(&spec) {
                    eprintln!("{path}: warning: {warning}");
                }
                let plural =
                    |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
                let (services, slos) = (spec.services.len(), spec.slos().count());
                out += &format!(
                    "{path}: ok ({}, {})\n",
                    plural(services, "service"),
                    plural(slos, "SLO")
                );
            }
            Err(errors) => problems += &errors,
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        print!("{out}");
        Err(Failure::Invalid(problems))
    }
}

fn envoy_config(raw: &[String]) -> Result<String, Failure> {
    let (path, options) = envoy_config::options_from(raw).map_err(Failure::Usage)?;
    let spec = read_spec("envoy-config", &path)?.map_err(Failure::Invalid)?;
    Ok(envoy_config::render(&spec, &options))
}

fn rules(raw: &[String]) -> Result<String, Failure> {
    let mut args = Args::parse("rules", raw, &[]);
    let path = match args.positionals.as_slice() {
        [path] => Some(path.clone()),
        _ => {
            args.problem("give one spec file");
            None
        }
    };
    let path = finish(&args, path)?;
    let spec = read_spec("rules", &path)?.map_err(Failure::Invalid)?;
    Ok(rules::render(&spec))
}

fn openslo(raw: &[String]) -> Result<String, Failure> {
    let mut args = Args::parse("openslo", raw, &[]);
    let command = match args.positionals.as_slice() {
        [direction, path] if direction == "import" => Some((true, path.clone())),
        [direction, path] if direction == "export" => Some((false, path.clone())),
        _ => {
            args.problem("expected `import FILE.yaml` or `export FILE.json`");
            None
        }
    };
    let (import, path) = finish(&args, command)?;
    let text = file("openslo", &path)?;
    let invalid = |lines: Vec<String>| {
        Failure::Invalid(lines.iter().map(|e| format!("{path}: {e}\n")).collect())
    };
    if import {
        let spec = openslo::import(&text)
            .map_err(|errors| invalid(errors.iter().map(ToString::to_string).collect()))?;
        Ok(pretty(&spec.to_json()))
    } else {
        let spec = Spec::from_json(&text)
            .map_err(|errors| invalid(errors.iter().map(ToString::to_string).collect()))?;
        Ok(openslo::export(&spec))
    }
}

fn budget(raw: &[String]) -> Result<String, Failure> {
    let mut args = Args::parse(
        "budget",
        raw,
        &[
            ("target", true),
            ("window", true),
            ("requests", true),
            ("json", false),
        ],
    );
    args.refuse_positionals();
    let target = args.required("target", TARGET, target_arg);
    let window = args.required("window", Window::ALLOWED, window_arg);
    let requests = args.optional("requests", parse::count);
    let (target, window) = finish(&args, target.zip(window))?;
    let report = budget_report(target, window.nominal_seconds(), requests);
    if args.flag("json") {
        return Ok(pretty(&json!({
            "target": report.target,
            "window": window.to_string(),
            "window_seconds": report.window_seconds,
            "error_budget_ratio": report.error_budget_ratio,
            "allowed_downtime_seconds": report.allowed_downtime_seconds,
            "periods": report.periods.iter().map(|(name, secs, allowed)| json!({
                "period": name, "period_seconds": secs, "allowed_downtime_seconds": allowed,
            })).collect::<Vec<_>>(),
            "requests": requests,
            "allowed_bad_requests": report.allowed_bad_requests,
        })));
    }
    let mut rows: Vec<Vec<String>> = report
        .periods
        .iter()
        .map(|(name, _, allowed)| vec![name.to_string(), humanize_seconds(*allowed)])
        .collect();
    rows.push(vec![
        format!("window ({})", window.describe()),
        humanize_seconds(report.allowed_downtime_seconds),
    ]);
    let mut out = format!(
        "target {} over {}: error budget {}\n\n",
        format_target(target),
        window.describe(),
        format::percent(report.error_budget_ratio)
    );
    out += &table::render(&["period", "allowed downtime"], &rows);
    if let (Some(n), Some(allowed)) = (requests, report.allowed_bad_requests) {
        out += &format!("\n{n} requests over the window: {allowed} may fail\n");
    }
    Ok(out)
}

fn alerts(raw: &[String]) -> Result<String, Failure> {
    let mut args = Args::parse(
        "alerts",
        raw,
        &[
            ("target", true),
            ("window", true),
            ("error-ratio", true),
            ("json", false),
        ],
    );
    args.refuse_positionals();
    let target = args.required("target", TARGET, target_arg);
    let window = args.required("window", Window::ALLOWED, window_arg);
    let error_ratio = args.optional("error-ratio", parse::error_ratio);
    let defaults = default_tiers(&mut args, window);
    let ((target, window), defaults) = finish(&args, target.zip(window).zip(defaults))?;
    let window_seconds = window.nominal_seconds();
    let tiers = analyze_tiers(&defaults, target, window_seconds, error_ratio);
    if args.flag("json") {
        return Ok(pretty(&json!({
            "target": target,
            "window": window.to_string(),
            "window_seconds": window_seconds,
            "error_ratio": error_ratio,
            "tiers": tiers.iter().map(|t| json!({
                "name": t.name,
                "severity": t.severity.as_str(),
                "long_window_seconds": t.long_window_seconds,
                "short_window_seconds": t.short_window_seconds,
                "burn_rate": t.burn_rate,
                "error_ratio_threshold": t.error_ratio_threshold,
                "budget_consumed": t.budget_consumed,
                "can_fire": t.can_fire,
                "detection_seconds": t.detection_seconds,
                "reset_seconds": t.reset_seconds,
            })).collect::<Vec<_>>(),
        })));
    }
    let mut header = vec![
        "tier",
        "severity",
        "long",
        "short",
        "burn rate",
        "error ratio",
        "budget spent",
    ];
    if error_ratio.is_some() {
        header.extend(["detects in", "resets in"]);
    }
    let rows: Vec<Vec<String>> = tiers
        .iter()
        .map(|t| {
            let mut row = vec![
                t.name.clone(),
                t.severity.as_str().to_string(),
                format_duration(t.long_window_seconds),
                format_duration(t.short_window_seconds),
                format::burn_rate(t.burn_rate),
                if t.can_fire {
                    format::percent(t.error_ratio_threshold)
                } else {
                    format!("{} (never fires)", format::percent(t.error_ratio_threshold))
                },
                format::percent(t.budget_consumed),
            ];
            if error_ratio.is_some() {
                row.push(t.detection_seconds.map_or("never".into(), humanize_seconds));
                row.push(t.reset_seconds.map_or("-".into(), humanize_seconds));
            }
            row
        })
        .collect();
    let mut out = format!(
        "alert tiers for {} over {}",
        format_target(target),
        window.describe()
    );
    if let Some(e) = error_ratio {
        out += &format!(", at a steady error ratio of {}", format::percent(e));
    }
    out += "\n\n";
    out += &table::render(&header, &rows);
    Ok(out)
}

fn whatif(raw: &[String]) -> Result<String, Failure> {
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
    let sim = simulate(&scenario);
    if args.flag("json") {
        return Ok(pretty(&simulation_json(&scenario, &sim)));
    }
    Ok(simulation_text(&scenario, &sim))
}

/// The default tiers for a `--window`; `None` when the window did not read, or is too
/// short for them (then with the reason filed as a bad argument).
fn default_tiers(args: &mut Args, window: Option<Window>) -> Option<Vec<AlertTier>> {
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
    let rps = args.optional("rps", parse::rate);
    let baseline = args.optional("baseline", parse::error_ratio);
    let tiers = default_tiers(args, window);
    let read = (target.zip(window).zip(tiers)).zip(error_ratio.zip(duration));
    let (((target, window), tiers), (error_ratio, duration)) = finish(args, read)?;
    let window_seconds = window.nominal_seconds();
    let scenario = Scenario {
        target,
        window_seconds,
        tiers,
        requests_per_second: rps.unwrap_or(10.0),
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

fn simulation_json(scenario: &Scenario, sim: &Simulation) -> Value {
    json!({
        "target": scenario.target,
        "window_seconds": scenario.window_seconds,
        "requests_per_second": scenario.requests_per_second,
        "baseline_error_ratio": scenario.baseline_error_ratio,
        "latency_error_ratio": sim.latency_error_ratio,
        "budget_consumed": sim.budget_consumed,
        "budget_remaining": 1.0 - sim.budget_consumed,
        "exhausted_at_seconds": sim.exhausted_at_seconds,
        "alerts": sim.tiers.iter().map(|t| json!({
            "name": t.name,
            "severity": t.severity.as_str(),
            "burn_rate_threshold": t.burn_rate_threshold,
            "fires_at_seconds": t.firings.first().map(|f| f.fires_at_seconds),
            "resets_at_seconds": t.firings.first().and_then(|f| f.resets_at_seconds),
            "firings": t.firings.iter().map(|f| json!({
                "fires_at_seconds": f.fires_at_seconds,
                "resets_at_seconds": f.resets_at_seconds,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn simulation_text(scenario: &Scenario, sim: &Simulation) -> String {
    let at = |seconds: f64| format!("+{}", humanize_seconds(seconds));
    let mut out = format!(
        "{} over {}, {} req/s, baseline error ratio {}\n",
        format_target(scenario.target),
        format_duration(scenario.window_seconds),
        scenario.requests_per_second,
        format::percent(scenario.baseline_error_ratio)
    );
    for incident in &scenario.incidents {
        out += &format!(
            "incident: {} errors for {} from {}\n",
            format::percent(incident.error_ratio),
            humanize_seconds(incident.duration_seconds as f64),
            at(incident.start_seconds as f64)
        );
    }
    if let Some(slow) = sim.latency_error_ratio {
        out += &format!(
            "slow requests add an error ratio of {}\n",
            format::percent(slow)
        );
    }
    out += &format!(
        "\nbudget spent {}, left {}, exhausted {}\n\n",
        format::percent(sim.budget_consumed),
        format::percent(1.0 - sim.budget_consumed),
        sim.exhausted_at_seconds.map_or("never".into(), at)
    );
    let rows: Vec<Vec<String>> = sim
        .tiers
        .iter()
        .map(|t| {
            let first = t.firings.first();
            vec![
                t.name.clone(),
                t.severity.as_str().to_string(),
                format::burn_rate(t.burn_rate_threshold),
                first.map_or("never".into(), |f| at(f.fires_at_seconds as f64)),
                first.map_or("-".into(), |f| {
                    f.resets_at_seconds
                        .map_or("still firing".into(), |r| at(r as f64))
                }),
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
