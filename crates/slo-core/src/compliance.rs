//! The compliance report: one target over a history, window by window, as CSV for
//! spreadsheets and Markdown for a ticket. The figures are the backtest's (`backtest::run`
//! with this one target): this module only asks for them and lays them out, so the command
//! and the browser print the same bytes.
//!
//! CSV columns (RFC 4180: a header row, CRLF line ends, fields quoted when they hold a
//! comma, a quote or a line break), ratios as plain numbers:
//! `window_start,window_end,coverage,good,bad,no_data_seconds,sli,target,result,`
//! `budget_spent,out_of_slo_seconds`, then per alert tier `<tier>_fired` and
//! `<tier>_first_fired` (ISO 8601 UTC, empty when it did not fire). `docs/results.md`
//! documents them.

use crate::alerts::AlertTier;
use crate::backtest::{self, Backtest, History, DEFAULT_MAX_PAGES_PER_30D};
use crate::decode::FieldError;
use crate::format;
use crate::results::{Compliance, ComplianceWindow};

/// What to report on: one target and the SLO's window and tiers.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub target: f64,
    pub window: crate::window::Window,
    pub tiers: Vec<AlertTier>,
    /// `service/slo` when the window and tiers came from a spec.
    pub slo: Option<String>,
    /// The input the history came from, as the reader knows it (a file name).
    pub source: String,
}

impl Request {
    /// The backtest of this one target: the report's every figure comes from it.
    fn backtest(&self) -> Backtest {
        Backtest {
            targets: vec![self.target],
            window: self.window.clone(),
            tiers: self.tiers.clone(),
            incidents: Vec::new(),
            max_pages_per_30d: DEFAULT_MAX_PAGES_PER_30D,
        }
    }

    /// Everything wrong with the request against this history, at once; paths `target`,
    /// `window` and `tiers[i]...` (the backtest's, with its one target named `target`).
    pub fn validate(&self, history: &History) -> Vec<FieldError> {
        let mut errors = self.backtest().validate(history);
        for error in &mut errors {
            if error.path == "targets[0]" {
                error.path = "target".into();
            }
        }
        errors
    }
}

/// The report. Call `Request::validate` first: an invalid request gives meaningless
/// numbers, never a panic.
pub fn report(request: &Request, history: &History) -> Compliance {
    Compliance::new(request, &backtest::run(&request.backtest(), history))
}

/// The report as CSV (RFC 4180), one row per window.
pub fn csv(report: &Compliance) -> String {
    let mut header: Vec<String> = [
        "window_start",
        "window_end",
        "coverage",
        "good",
        "bad",
        "no_data_seconds",
        "sli",
        "target",
        "result",
        "budget_spent",
        "out_of_slo_seconds",
    ]
    .map(String::from)
    .to_vec();
    for tier in &report.tiers {
        header.push(format!("{}_fired", tier.name));
        header.push(format!("{}_first_fired", tier.name));
    }
    let mut out = csv_row(&header);
    for w in &report.windows {
        let mut row = vec![
            w.start_text.clone(),
            w.end_text.clone(),
            (if w.full { "full" } else { "partial" }).to_string(),
            format::number(w.good),
            format::number(w.bad),
            w.no_data_seconds.to_string(),
            w.sli.map(format::number).unwrap_or_default(),
            format::number(report.target),
            w.verdict.to_string(),
            format::number(w.budget_spent),
            w.out_of_slo_seconds.to_string(),
        ];
        for alert in &w.alerts {
            row.push(alert.fired.to_string());
            row.push(alert.first_fired_text.clone().unwrap_or_default());
        }
        out += &csv_row(&row);
    }
    out
}

fn csv_row(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| {
            if field.contains([',', '"', '\r', '\n']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field.clone()
            }
        })
        .collect();
    quoted.join(",") + "\r\n"
}

/// The report as Markdown: its header block, then a table a reader can paste into a ticket.
pub fn markdown(report: &Compliance) -> String {
    let mut out = String::from("## SLO compliance report\n\n");
    if let Some(slo) = &report.slo {
        out += &format!("- SLO: {}\n", inline(slo));
    }
    out += &format!("- Target: {}\n", report.target_text);
    out += &format!("- Window: {}\n", report.window_text);
    out += &format!("- Windows: {}\n", report.windows_text);
    out += &format!(
        "- History: {} to {} ({} of {} steps)\n",
        report.start_text, report.end_text, report.history_text, report.step
    );
    out += &format!("- Gaps: {}\n", report.gaps_text);
    out += &format!("- Input: {}\n", inline(&report.source));
    out += &format!("- Verdict: {}\n\n", report.summary_text);

    let mut header: Vec<String> = [
        "Start (UTC)",
        "End (UTC)",
        "Coverage",
        "Good",
        "Bad",
        "SLI",
        "Result",
        "Budget spent",
        "Out of SLO",
        "No data",
    ]
    .map(String::from)
    .to_vec();
    header.extend((report.tiers.iter()).map(|t| format!("{} ({}) fired", t.name, t.severity)));
    out += &table_row(&header);
    out += &table_row(&vec!["---".to_string(); header.len()]);
    for w in &report.windows {
        out += &table_row(&markdown_cells(w));
    }
    out
}

fn markdown_cells(w: &ComplianceWindow) -> Vec<String> {
    let mut cells = vec![
        w.start_text.clone(),
        w.end_text.clone(),
        w.coverage_text.clone(),
        w.good_text.clone(),
        w.bad_text.clone(),
        w.sli_text.clone().unwrap_or_else(|| "-".into()),
        w.verdict.to_string(),
        w.budget_spent_text.clone(),
        w.out_of_slo_text.clone(),
        w.no_data_text.clone(),
    ];
    cells.extend(w.alerts.iter().map(|a| match &a.first_fired_text {
        Some(first) => format!("{}, first {first}", a.fired),
        None => "0".to_string(),
    }));
    cells
}

fn table_row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| inline(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// Text made safe inside a Markdown line and table cell: pipes escaped, line breaks
/// flattened (a file name is the reader's own text).
fn inline(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests;
