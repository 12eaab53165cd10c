//! `slo report`: a history file in, the core's per-window compliance report out, as
//! Markdown (for a ticket) or CSV (for a spreadsheet): the same bytes `<slo-report>` saves.

use crate::args::Args;
use crate::backtest::{history_source, spec_slo, window_and_tiers, HISTORY_OPTIONS};
use crate::{finish, target_arg, Failure, TARGET};
use slo_core::compliance::{self, Request};

pub const USAGE: &str = "\
  report HISTORY.csv --target T (--window W | --spec SPEC --slo NAME)
         [--format markdown|csv] [--output FILE]
  report (--good F | --bad F --total F | --prometheus URL | --status F) ...
                                      a per-window compliance report of one target over a
                                      history (SLI, budget spent, alerts fired): Markdown
                                      to paste into a ticket, or CSV; to stdout or FILE;
                                      the history from any of backtest's sources";

const OPTIONS: [(&str, bool); 3] = [("target", true), ("format", true), ("output", true)];

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
    let options: Vec<_> = OPTIONS.iter().chain(&HISTORY_OPTIONS).copied().collect();
    let mut args = Args::parse("report", raw, &options);
    let target = args.required("target", TARGET, target_arg);
    let format = args.optional("format", format_arg);
    let slo = spec_slo(&mut args)?;
    let window_and_tiers = window_and_tiers(&mut args, slo.as_ref());
    let source = history_source(&mut args, slo.as_ref().map(|(slo, _)| slo));
    let ((target, (window, tiers, slo)), source) =
        finish(&args, target.zip(window_and_tiers).zip(source))?;
    let history = source.read(args.command())?;
    let request = Request {
        target,
        window,
        tiers,
        slo,
        source: source.name(),
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
