//! The `slo` command: a thin shell that reads arguments and files, calls slo-core, and
//! prints tables for people or JSON for programs.

mod args;
mod backtest;
mod calculators;
mod envoy_options;
mod http;
mod report;
mod table;

use args::Args;
use serde_json::Value;
use slo_core::openslo;
use slo_core::spec::Spec;
use slo_core::target::parse_target;
use slo_core::window::Window;
use slo_gen::rules;
use std::process::ExitCode;

fn usage() -> String {
    format!(
        "\
usage: slo <command> [options]

commands:
  check FILE...                       validate specs (JSON, or OpenSLO YAML)
  budget --target T --window W [--requests N] [--json]
  alerts --target T --window W [--error-ratio R] [--json]
  whatif --target T --window W --error-ratio R --duration D --rps N [--start S]
         [--baseline R] [--json]      one incident on an otherwise steady window
  whatif --scenario FILE [--json]     baseline, incidents and latency from a file
  openslo import FILE|DIR...          OpenSLO v1 YAML to the JSON spec (files and
                                      directories read as one input)
  openslo export FILE                 JSON spec to OpenSLO v1 YAML
  import sloth FILE [--period 30d|28d]
                                      Sloth prometheus/v1 or PrometheusServiceLevel YAML
                                      to the JSON spec (Sloth's SLO period, 30d by default)
  import pyrra FILE|DIR               Pyrra ServiceLevelObjective YAML (a folder: each
                                      *.yaml and *.yml in it) to the JSON spec
  rules SPEC [--format rule-file|prometheus-rule [--name N] [--namespace NS]
         [--labels KEY=VALUE,...]]
                                      Prometheus burn-rate recording and alerting rules
  dashboards SPEC --out DIR | --dashboard overview|detail
                                      Grafana dashboards over the rules' series: both
                                      into DIR (names printed), or one on stdout
  {}
  {}
  {}
                                      a ready Envoy bootstrap with the SLO filter

targets: 99.9 or 99.9% (percent) or 0.999 (ratio); durations: 30d, 4w, 6h, 30m, 1h30m;
windows: a duration, or week, month, quarter (calendar, UTC; a spec's window may also give
a time zone and a start, docs/time-zones.md)",
        backtest::USAGE,
        report::USAGE,
        envoy_options::USAGE
    )
}

/// `slo COMMAND --help`: the usage lines of that command (with their continuation lines)
/// and the notes on targets and durations; `None` for an unknown command.
fn command_usage(command: &str) -> Option<String> {
    let text = usage();
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        let starts_command = line.starts_with("  ") && !line.starts_with("   ");
        if starts_command {
            inside = line.split_whitespace().next() == Some(command);
        }
        if inside && line.starts_with("  ") {
            out += &format!("{line}\n");
        }
    }
    if out.is_empty() {
        return None;
    }
    let notes = text.split("\n\n").last().unwrap_or_default();
    Some(format!("usage: slo {command} ...\n{out}\n{notes}\n"))
}

/// How a command ended: the text to print and the exit code.
pub(crate) enum Failure {
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
    if rest.iter().any(|arg| arg == "--help" || arg == "-h") {
        if let Some(help) = command_usage(command) {
            print!("{help}");
            return ExitCode::SUCCESS;
        }
    }
    let result = match command.as_str() {
        "check" => check(rest),
        "budget" => calculators::budget(rest),
        "alerts" => calculators::alerts(rest),
        "whatif" => calculators::whatif(rest),
        "openslo" => openslo(rest),
        "import" => import(rest),
        "envoy-config" => envoy_config(rest),
        "rules" => rules(rest),
        "dashboards" => dashboards(rest),
        "backtest" => backtest::backtest(rest),
        "report" => report::report(rest),
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            Ok(String::new())
        }
        other => Err(Failure::Usage(format!(
            "slo: unknown command {other:?}; allowed: check, budget, alerts, whatif, openslo, import, envoy-config, rules, dashboards, backtest, report (slo help lists their options)"
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
pub(crate) fn finish<T>(args: &Args, values: Option<T>) -> Result<T, Failure> {
    args.finish(values).map_err(Failure::Usage)
}

/// What the options most commands take hold, for the message when one is missing.
pub(crate) const TARGET: &str = "a target such as 99.9, 99.9% or 0.999";
pub(crate) const ERROR_RATIO: &str = "an error ratio such as 0.01 or 1%";

pub(crate) fn target_arg(text: &str) -> Result<f64, String> {
    parse_target(text).map_err(|e| e.to_string())
}

pub(crate) fn window_arg(text: &str) -> Result<Window, String> {
    Window::parse(text)
}

pub(crate) fn file(command: &str, path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("slo {command}: cannot read {path}: {e}")))
}

pub(crate) fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// Reads a spec file: OpenSLO YAML by its extension, the JSON spec otherwise. Errors come
/// back as lines prefixed with the file name.
pub(crate) fn read_spec(command: &str, path: &str) -> Result<Result<Spec, String>, Failure> {
    let text = file(command, path)?;
    let is_yaml = path.ends_with(".yaml") || path.ends_with(".yml");
    let errors: Vec<String> = match is_yaml {
        true => match openslo::import(&text) {
            Ok(imported) => return Ok(Ok(warned(path, imported))),
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

/// The imported spec, once what it has no place for is said on stderr.
fn warned(path: &str, imported: openslo::Imported) -> Spec {
    for warning in &imported.warnings {
        eprintln!("{path}: warning: {warning}");
    }
    imported.spec
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
    let (path, options) = envoy_options::options_from(raw).map_err(Failure::Usage)?;
    let spec = read_spec("envoy-config", &path)?.map_err(Failure::Invalid)?;
    if options.counting == slo_core::filter_config::Counting::Native {
        if let Some(warning) = slo_gen::envoy::native::scaling_warning(&spec) {
            eprintln!("{path}: warning: {warning}");
        }
    }
    slo_gen::envoy::render(&spec, &options).map_err(|refused| {
        Failure::Invalid(
            refused
                .lines()
                .map(|line| {
                    format!("{path}: cannot count natively: {line} (or use --counting wasm)\n")
                })
                .collect(),
        )
    })
}

fn rules(raw: &[String]) -> Result<String, Failure> {
    use rules::resource::{parse_labels, parse_name, parse_namespace};
    const RESOURCE: [&str; 3] = ["name", "namespace", "labels"];
    let options = [
        ("format", true),
        ("name", true),
        ("namespace", true),
        ("labels", true),
    ];
    let mut args = Args::parse("rules", raw, &options);
    let mut format = args.optional("format", rules::Format::parse);
    let name = args.optional("name", parse_name);
    let namespace = args.optional("namespace", parse_namespace);
    let labels = args.optional("labels", parse_labels);
    match &mut format {
        Some(rules::Format::PrometheusRule(resource)) => {
            resource.name = name.unwrap_or(resource.name.clone());
            resource.namespace = namespace;
            resource.labels = labels.unwrap_or_default();
        }
        _ if RESOURCE.iter().any(|option| args.value(option).is_some()) => {
            args.problem("--name, --namespace and --labels need --format prometheus-rule");
        }
        _ => {}
    }
    let path = one_spec(&mut args);
    let path = finish(&args, path)?;
    let spec = read_spec("rules", &path)?.map_err(Failure::Invalid)?;
    for note in rules::calendar_notes(&spec) {
        eprintln!("{path}: note: {note}");
    }
    Ok(rules::render(
        &spec,
        &format.unwrap_or(rules::Format::RuleFile),
    ))
}

/// The one spec file a command takes, or a problem filed.
fn one_spec(args: &mut Args) -> Option<String> {
    match args.positionals.as_slice() {
        [path] => Some(path.clone()),
        _ => {
            args.problem("give one spec file");
            None
        }
    }
}

/// `slo dashboards SPEC`: the overview and detail dashboards into `--out DIR`, each file's
/// path printed, or the one `--dashboard` names on stdout.
fn dashboards(raw: &[String]) -> Result<String, Failure> {
    use slo_gen::dashboards::{render, Dashboard};
    let mut args = Args::parse("dashboards", raw, &[("out", true), ("dashboard", true)]);
    let one = args.optional("dashboard", Dashboard::parse);
    match (args.value("out"), args.value("dashboard")) {
        (Some(_), Some(_)) => args.problem("give --out DIR or --dashboard NAME, not both"),
        (None, None) => args.problem(
            "give --out DIR (writes both dashboards) or --dashboard overview|detail (prints one)",
        ),
        _ => {}
    }
    let path = one_spec(&mut args);
    let path = finish(&args, path)?;
    let spec = read_spec("dashboards", &path)?.map_err(Failure::Invalid)?;
    if let Some(dashboard) = one {
        return Ok(render(&spec, dashboard));
    }
    let dir = std::path::Path::new(args.value("out").unwrap_or_default());
    let cannot = |what: &std::path::Path, e: std::io::Error| {
        Failure::Usage(format!(
            "slo dashboards: --out: cannot write {}: {e}",
            what.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(|e| cannot(dir, e))?;
    let mut out = String::new();
    for dashboard in Dashboard::ALL {
        let file = dir.join(dashboard.file_name());
        std::fs::write(&file, render(&spec, dashboard)).map_err(|e| cannot(&file, e))?;
        out += &format!("{}\n", file.display());
    }
    Ok(out)
}

fn import(raw: &[String]) -> Result<String, Failure> {
    let mut args = Args::parse("import", raw, &[("period", true)]);
    let source = match args.positionals.as_slice() {
        [format, path] if format == "sloth" || format == "pyrra" => {
            Some((format.clone(), path.clone()))
        }
        _ => {
            args.problem("expected “sloth FILE.yaml” or “pyrra FILE.yaml|DIR”");
            None
        }
    };
    if matches!(&source, Some((format, _)) if format == "pyrra") && args.value("period").is_some() {
        args.problem("--period is Sloth's; Pyrra's SLOs carry their own window");
    }
    let (format, path) = finish(&args, source)?;
    let invalid = |lines: Vec<String>| Failure::Invalid(lines.concat());
    if format == "pyrra" {
        let files = yaml_files(&path)?;
        let texts: Vec<(&str, &str)> = files
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        let imported = slo_core::pyrra::import(&texts)
            .map_err(|errors| invalid(errors.iter().map(|e| format!("{e}\n")).collect()))?;
        for warning in &imported.warnings {
            eprintln!("warning: {warning}");
        }
        return Ok(pretty(&imported.spec.to_json()));
    }
    let text = file("import", &path)?;
    let period = args.value("period").unwrap_or("30d");
    let spec = slo_core::sloth::import(&text, period)
        .map_err(|errors| invalid(errors.iter().map(|e| format!("{path}: {e}\n")).collect()))?;
    Ok(spec.to_json_text())
}

/// A file's text, or every `*.yaml` and `*.yml` file's in a folder (not its subfolders),
/// in name order, each with its path.
fn yaml_files(path: &str) -> Result<Vec<(String, String)>, Failure> {
    let cannot = |e: std::io::Error| Failure::Usage(format!("slo import: cannot read {path}: {e}"));
    if !std::path::Path::new(path).is_dir() {
        return Ok(vec![(path.to_string(), file("import", path)?)]);
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(path).map_err(cannot)? {
        let entry = entry.map_err(cannot)?.path();
        let yaml = matches!(
            entry.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if yaml && entry.is_file() {
            names.push(entry.display().to_string());
        }
    }
    if names.is_empty() {
        return Err(Failure::Usage(format!(
            "slo import: {path} holds no .yaml or .yml file"
        )));
    }
    names.sort();
    names
        .into_iter()
        .map(|name| Ok((name.clone(), file("import", &name)?)))
        .collect()
}

fn openslo(raw: &[String]) -> Result<String, Failure> {
    let mut args = Args::parse("openslo", raw, &[]);
    let command = match args.positionals.split_first() {
        Some((direction, paths)) if direction == "import" && !paths.is_empty() => {
            Some((true, paths.to_vec()))
        }
        Some((direction, [path])) if direction == "export" => Some((false, vec![path.clone()])),
        _ => {
            args.problem(
                "expected “import FILE.yaml...” (files or directories) or “export FILE.json”",
            );
            None
        }
    };
    let (import, paths) = finish(&args, command)?;
    if import {
        return openslo_import(&paths);
    }
    let path = &paths[0];
    let text = file("openslo", path)?;
    let spec = Spec::from_json(&text).map_err(|errors| {
        Failure::Invalid(errors.iter().map(|e| format!("{path}: {e}\n")).collect())
    })?;
    openslo::export(&spec).map_err(|errors| {
        Failure::Invalid(errors.iter().map(|e| format!("{path}: {e}\n")).collect())
    })
}

/// Imports the OpenSLO files given, and those under the directories given (`.yaml` and
/// `.yml`, in name order), as one input: documents refer to each other across files.
fn openslo_import(paths: &[String]) -> Result<String, Failure> {
    let mut files = Vec::new();
    for path in paths {
        collect_yaml(std::path::Path::new(path), &mut files)?;
    }
    let mut texts = Vec::new();
    for path in &files {
        texts.push((path.as_str(), file("openslo", path)?));
    }
    let streams: Vec<(&str, &str)> = texts.iter().map(|(p, t)| (*p, t.as_str())).collect();
    // Each line starts with its file, as the other commands' lines do; what concerns the
    // whole input names the file when there is only one.
    let line = |e: &openslo::OpenSloError, tag: &str| {
        let file = e.file.clone().or_else(|| match files.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        });
        let bare = openslo::OpenSloError {
            file: None,
            ..e.clone()
        };
        match file {
            Some(file) => format!("{file}: {tag}{bare}\n"),
            None => format!("{tag}{bare}\n"),
        }
    };
    let imported = openslo::import_files(&streams)
        .map_err(|errors| Failure::Invalid(errors.iter().map(|e| line(e, "")).collect()))?;
    for warning in &imported.warnings {
        eprint!("{}", line(warning, "warning: "));
    }
    Ok(imported.spec.to_json_text())
}

/// `path` itself when it is a file; the YAML files under it, in name order, when it is a
/// directory.
fn collect_yaml(path: &std::path::Path, out: &mut Vec<String>) -> Result<(), Failure> {
    if !path.is_dir() {
        out.push(path.display().to_string());
        return Ok(());
    }
    let cannot = |e: std::io::Error| {
        Failure::Usage(format!("slo openslo: cannot read {}: {e}", path.display()))
    };
    let mut entries: Vec<_> = std::fs::read_dir(path)
        .map_err(cannot)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(cannot)?;
    entries.sort();
    for entry in entries {
        let yaml = entry.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if entry.is_dir() || yaml {
            collect_yaml(&entry, out)?;
        }
    }
    Ok(())
}
