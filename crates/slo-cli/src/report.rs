//! `slo report`: a history file in, the core's per-window compliance report out, as
//! Markdown (for a ticket) or CSV (for a spreadsheet): the same bytes `<slo-report>` saves.

use crate::args::Args;
use crate::backtest::{spec_slo, window_and_tiers};
use crate::{file, finish, target_arg, Failure, TARGET};
use slo_core::backtest::History;
use slo_core::compliance::{self, Request};
use std::path::Path;

pub const USAGE: &str = "\
  report HISTORY.csv --target T (--window W | --spec SPEC --slo NAME)
         [--format markdown|csv] [--output FILE]
                                      a per-window compliance report of one target over a
                                      history (SLI, budget spent, alerts fired): Markdown
                                      to paste into a ticket, or CSV; to stdout or FILE";

const OPTIONS: [(&str, bool); 6] = [
    ("target", true),
    ("window", true),
    ("spec", true),
    ("slo", true),
    ("format", true),
    ("output", true),
];

#[derive(Clone, Copy)]
enum Format {
    Markdown,
    Csv,
}

fn format_arg(text: &str) -> Result<Format, String> {
    match text {
        "markdown" => Ok(Format::Markdown),
        "csv" => Ok(Format::Csv),
        other => Err(format!("{other:?} is not a format; allowed: markdown, csv")),
    }
}

pub fn report(raw: &[String]) -> Result<String, Failure> {
    let mut args = Args::parse("report", raw, &OPTIONS);
    let target = args.required("target", TARGET, target_arg);
    let format = args.optional("format", format_arg);
    let slo = spec_slo(&mut args)?;
    let window_and_tiers = window_and_tiers(&mut args, slo.as_ref());
    let path = match args.positionals.as_slice() {
        [path] => Some(path.clone()),
        [] => {
            args.problem("give the history: a CSV file of timestamp,good,bad rows");
            None
        }
        more => {
            args.problem(format!("give one history file; got {}", more.join(" ")));
            None
        }
    };
    let ((target, (window, tiers, slo)), path) =
        finish(&args, target.zip(window_and_tiers).zip(path))?;
    let history = History::from_csv(&file("report", &path)?).map_err(|errors| {
        Failure::Invalid(errors.iter().map(|e| format!("{path}: {e}\n")).collect())
    })?;
    let request = Request {
        target,
        window,
        tiers,
        slo,
        // The file's name, not its path: the browser knows only the name, and both print
        // the same report.
        source: Path::new(&path)
            .file_name()
            .map_or(path.clone(), |name| name.to_string_lossy().into_owned()),
    };
    let errors = request.validate(&history);
    if !errors.is_empty() {
        let flag = |path: &str| match path.split(['[', '.']).next().unwrap_or_default() {
            "target" => "--target",
            "tiers" => "the tiers",
            _ => "--window",
        };
        let lines: Vec<String> = (errors.iter())
            .map(|e| format!("slo report: {} ({}): {}", flag(&e.path), e.path, e.message))
            .collect();
        return Err(Failure::Usage(lines.join("\n")));
    }
    let report = compliance::report(&request, &history);
    let text = match format.unwrap_or(Format::Markdown) {
        Format::Markdown => compliance::markdown(&report),
        Format::Csv => compliance::csv(&report),
    };
    match args.value("output") {
        None => Ok(text),
        Some(output) => std::fs::write(output, text)
            .map(|()| String::new())
            .map_err(|e| {
                Failure::Usage(format!("slo report: --output: cannot write {output}: {e}"))
            }),
    }
}
