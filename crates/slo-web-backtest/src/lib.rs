//! The browser shell of the core's backtest and of its compliance report. A wasm module of
//! its own, so that pages without `<slo-backtest>` or `<slo-report>` do not load the
//! history reader and the replay (about 30 KB gzipped). Like slo-web, it only translates: text in, the core's result out as a JS
//! object (`{ errors, result }`, docs/results.md).
#![forbid(unsafe_code)]

use slo_core::alerts::AlertTier;
use slo_core::backtest::{
    self, parse_incidents, parse_max_pages, parse_targets, History, DEFAULT_MAX_PAGES_PER_30D,
};
use slo_core::compliance::{self, Request};
use slo_core::results::Backtest;
use slo_core::target::parse_target;
use slo_core::window::Window;
use slo_web_js::{render, Form};
use wasm_bindgen::prelude::*;

/// A history's errors shown at once, as far as a message under one field can hold them.
const HISTORY_ERRORS_SHOWN: usize = 5;

/// Backtests a history (CSV text: `timestamp,good,bad` rows) against candidate targets
/// with the window's default tiers. The history never leaves the page: it is read here.
#[wasm_bindgen]
pub fn backtest(
    history: &str,
    targets: &str,
    window: &str,
    incidents: &str,
    max_pages: &str,
) -> JsValue {
    let form = Form::new();
    let history = read_history(&form, history);
    let targets = form.field("targets", parse_targets(targets));
    let window = form.field("window", Window::parse(window));
    let incidents = form.field("incidents", parse_incidents(incidents));
    let max_pages = form.optional("max_pages", max_pages, parse_max_pages);
    let input = (|| {
        let window = window?;
        Some(backtest::Backtest {
            targets: targets?,
            window,
            tiers: form.field(
                "window",
                AlertTier::defaults_for(window.nominal_seconds(), None, None)
                    .map_err(|e| e.to_string()),
            )?,
            incidents: incidents?,
            max_pages_per_30d: max_pages?.unwrap_or(DEFAULT_MAX_PAGES_PER_30D),
        })
    })();
    let (Some(input), Some(history)) = (input, history) else {
        return form.answer(None);
    };
    for problem in input.validate(&history) {
        // Tier windows the history's step does not divide are the history's problem.
        let field = match problem.path.split(['[', '.']).next() {
            Some("tiers") => "history",
            Some("max_pages_per_30d") => "max_pages",
            Some(field) => field,
            None => "history",
        };
        form.errors.set(field, problem.message);
    }
    if !form.errors.is_empty() {
        return form.answer(None);
    }
    let result = Backtest::new(&input, &backtest::run(&input, &history));
    form.answer(Some(render(&result)))
}

/// The history's CSV text read into the form's `history` field: its first errors, each
/// naming its line.
fn read_history(form: &Form, text: &str) -> Option<History> {
    form.field(
        "history",
        History::from_csv(text).map_err(|errors| {
            let mut lines: Vec<String> = errors
                .iter()
                .take(HISTORY_ERRORS_SHOWN)
                .map(ToString::to_string)
                .collect();
            if errors.len() > HISTORY_ERRORS_SHOWN {
                lines.push(format!("and {} more", errors.len() - HISTORY_ERRORS_SHOWN));
            }
            lines.join("; ")
        }),
    )
}

/// The compliance report of one target over a history (CSV text), with the window's
/// default tiers: `{ errors, result: { report, csv, markdown } }`, `report` the core's
/// result and `csv`/`markdown` the very bytes `slo report` prints. `source` names the
/// history in the report's header (its file name).
#[wasm_bindgen]
pub fn report(history: &str, source: &str, target: &str, window: &str) -> JsValue {
    let form = Form::new();
    let history = read_history(&form, history);
    let target = form.field("target", parse_target(target).map_err(|e| e.to_string()));
    let window = form.field("window", Window::parse(window));
    let tiers = window.and_then(|window| {
        form.field(
            "window",
            AlertTier::defaults_for(window.nominal_seconds(), None, None)
                .map_err(|e| e.to_string()),
        )
    });
    let (Some(history), Some(target), Some(window), Some(tiers)) = (history, target, window, tiers)
    else {
        return form.answer(None);
    };
    let request = Request {
        target,
        window,
        tiers,
        slo: None,
        source: source.to_string(),
    };
    for problem in request.validate(&history) {
        // Tier windows the history's step does not divide are the history's problem.
        let field = match problem.path.split(['[', '.']).next() {
            Some("tiers") | None => "history",
            Some(field) => field,
        };
        form.errors.set(field, problem.message);
    }
    if !form.errors.is_empty() {
        return form.answer(None);
    }
    let result = compliance::report(&request, &history);
    let answer = slo_web_js::Obj::new();
    answer
        .set("csv", compliance::csv(&result))
        .set("markdown", compliance::markdown(&result))
        .set("report", render(&result));
    form.answer(Some(answer))
}
