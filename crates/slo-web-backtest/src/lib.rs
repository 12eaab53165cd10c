//! The browser shell of the core's backtest and of its compliance report. A wasm module of
//! its own, so that pages without `<slo-backtest>` or `<slo-report>` do not load the history
//! readers and the replay (about 90 KB gzipped). `<slo-fleet>` loads it too (`fleet.rs`),
//! as it reads Prometheus answers like the backtest's Prometheus source. Like slo-web, it
//! only translates: text in, the core's result out as a JS object (`{ errors, result }`,
//! docs/results.md).
#![forbid(unsafe_code)]

mod fleet;

use slo_core::alerts::AlertTier;
use slo_core::backtest::{
    self, answer_error, parse_incidents, parse_max_pages, parse_targets, plan_range_queries,
    EventKind, History, DEFAULT_MAX_PAGES_PER_30D, DEFAULT_RANGE_SECONDS, DEFAULT_STEP_SECONDS,
};
use slo_core::compliance::{self, Request};
use slo_core::decode::FieldError;
use slo_core::duration::parse_duration;
use slo_core::results::Backtest;
use slo_core::target::parse_target;
use slo_core::window::{parse_utc, Window};
use slo_web_js::{array, render, Form, Obj};
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
    let history = form.field("history", History::from_csv(history).map_err(shown));
    replay(
        form,
        (history, "history"),
        targets,
        window,
        incidents,
        max_pages,
    )
}

/// Backtests a history read from a Prometheus server: the answers of the events query
/// (`counts`: "good" or "bad") and of the total query, each the `query_range` answers of
/// `prometheus_requests`' calls one after another. A reader's error names the query field.
#[wasm_bindgen]
pub fn backtest_prometheus(
    counts: &str,
    events: &str,
    total: &str,
    targets: &str,
    window: &str,
    incidents: &str,
    max_pages: &str,
) -> JsValue {
    let form = Form::new();
    let history = prometheus_history(&form, counts, events, total);
    // Tier windows the step does not divide are the step's problem.
    replay(
        form,
        (history, "prom_step"),
        targets,
        window,
        incidents,
        max_pages,
    )
}

/// The history in a Prometheus source's answers (see `backtest_prometheus`); None with its
/// errors in `form`, each under the query field it concerns.
fn prometheus_history(form: &Form, counts: &str, events: &str, total: &str) -> Option<History> {
    let kind = form.field("prom_counts", event_kind(counts))?;
    match History::from_prometheus(events, kind, total) {
        Ok(history) => Some(history),
        Err(errors) => {
            let (of_total, of_events): (Vec<FieldError>, Vec<FieldError>) = errors
                .into_iter()
                .partition(|e| e.path.starts_with("total"));
            for (field, errors) in [("prom_events", of_events), ("prom_total", of_total)] {
                if !errors.is_empty() {
                    form.errors.set(field, shown(errors));
                }
            }
            None
        }
    }
}

/// The `query_range` calls (path and query string, for the server's base URL) that read
/// the events and total queries from `start` to `end` at `step`: a long range split under
/// Prometheus' points-per-query cap. Empty start/end: the 90 days ending `now` (Unix
/// seconds, the page's clock); empty step: one minute.
#[wasm_bindgen]
pub fn prometheus_requests(
    events: &str,
    total: &str,
    start: &str,
    end: &str,
    step: &str,
    now: f64,
) -> JsValue {
    let form = Form::new();
    let required = |text: &str| {
        Some(text.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| "required: a PromQL query giving events per step".to_string())
    };
    let events = form.field("prom_events", required(events));
    let total = form.field("prom_total", required(total));
    let step = form.optional("prom_step", step, |t| {
        parse_duration(t).map_err(|e| e.to_string())
    });
    let end = form.optional("prom_end", end, parse_utc);
    let start = form.optional("prom_start", start, parse_utc);
    let (Some(events), Some(total), Some(step), Some(end), Some(start)) =
        (events, total, step, end, start)
    else {
        return form.answer(None);
    };
    let end = end.unwrap_or(now as u64);
    let start = start.unwrap_or(end.saturating_sub(DEFAULT_RANGE_SECONDS));
    let step = step.unwrap_or(DEFAULT_STEP_SECONDS);
    let Some(plan) = form.field("prom_start", plan_range_queries(start, end, step)) else {
        return form.answer(None);
    };
    let paths = |query: &str| array(&plan, |range| range.path(query).into());
    // Each range is asked twice: once per query.
    let answers = 2 * plan.len() as u64;
    let result = Obj::new();
    result.set("events", paths(&events));
    result.set("total", paths(&total));
    result.set("answers", answers as f64);
    result.set(
        "answers_text",
        slo_core::format::counted(answers, "query_range answer", "query_range answers"),
    );
    form.answer(Some(result))
}

/// What a Prometheus answer says went wrong (its errorType and error), or null.
#[wasm_bindgen]
pub fn prometheus_answer_error(body: &str) -> Option<String> {
    answer_error(body)
}

fn event_kind(counts: &str) -> Result<EventKind, String> {
    [EventKind::Good, EventKind::Bad]
        .into_iter()
        .find(|kind| kind.as_str() == counts)
        .ok_or_else(|| format!("“{counts}”; allowed: good or bad"))
}

/// A reader's errors as one message, as many as a message under one field can hold.
fn shown(errors: Vec<FieldError>) -> String {
    let mut lines: Vec<String> = errors
        .iter()
        .take(HISTORY_ERRORS_SHOWN)
        .map(ToString::to_string)
        .collect();
    if errors.len() > HISTORY_ERRORS_SHOWN {
        lines.push(format!("and {} more", errors.len() - HISTORY_ERRORS_SHOWN));
    }
    lines.join("; ")
}

/// The window and its default tiers, each problem under the `window` field.
fn window_and_tiers(form: &Form, window: &str) -> Option<(Window, Vec<AlertTier>)> {
    let window = form.field("window", Window::parse(window))?;
    let tiers = form.field(
        "window",
        AlertTier::defaults_for(window.nominal_seconds(), None, None).map_err(|e| e.to_string()),
    )?;
    Some((window, tiers))
}

/// A request's problems under the fields they concern. Tier windows the history's step
/// does not divide are the history's problem (`history_field`).
fn set_problems(form: &Form, problems: Vec<FieldError>, history_field: &str) {
    for problem in problems {
        let field = match problem.path.split(['[', '.']).next() {
            Some("tiers") | None => history_field,
            Some("max_pages_per_30d") => "max_pages",
            Some(field) => field,
        };
        form.errors.set(field, problem.message);
    }
}

/// The backtest of `history` (None: its errors are in `form`) against the choices;
/// `history_field` takes what is the history's problem.
fn replay(
    form: Form,
    (history, history_field): (Option<History>, &str),
    targets: &str,
    window: &str,
    incidents: &str,
    max_pages: &str,
) -> JsValue {
    let targets = form.field("targets", parse_targets(targets));
    let window = window_and_tiers(&form, window);
    let incidents = form.field("incidents", parse_incidents(incidents));
    let max_pages = form.optional("max_pages", max_pages, parse_max_pages);
    let input = (|| {
        let (window, tiers) = window?;
        Some(backtest::Backtest {
            targets: targets?,
            window,
            tiers,
            incidents: incidents?,
            max_pages_per_30d: max_pages?.unwrap_or(DEFAULT_MAX_PAGES_PER_30D),
        })
    })();
    let (Some(input), Some(history)) = (input, history) else {
        return form.answer(None);
    };
    set_problems(&form, input.validate(&history), history_field);
    if !form.errors.is_empty() {
        return form.answer(None);
    }
    let result = Backtest::new(&input, &backtest::run(&input, &history));
    form.answer(Some(render(&result)))
}

/// The compliance report of one target over a history (CSV text), with the window's
/// default tiers: `{ errors, result: { report, csv, markdown } }`, `report` the core's
/// result and `csv`/`markdown` the very bytes `slo report` prints. `source` names the
/// history in the report's header (its file name).
#[wasm_bindgen]
pub fn report(history: &str, source: &str, target: &str, window: &str) -> JsValue {
    let form = Form::new();
    let history = form.field("history", History::from_csv(history).map_err(shown));
    compliance_report(form, (history, "history"), source, target, window)
}

/// The compliance report of one target over a history read from a Prometheus server (the
/// answers as `backtest_prometheus` takes them); `source` names the server in the header.
#[wasm_bindgen]
pub fn report_prometheus(
    counts: &str,
    events: &str,
    total: &str,
    source: &str,
    target: &str,
    window: &str,
) -> JsValue {
    let form = Form::new();
    let history = prometheus_history(&form, counts, events, total);
    compliance_report(form, (history, "prom_step"), source, target, window)
}

/// The report of `history` (None: its errors are in `form`); `history_field` takes what is
/// the history's problem.
fn compliance_report(
    form: Form,
    (history, history_field): (Option<History>, &str),
    source: &str,
    target: &str,
    window: &str,
) -> JsValue {
    let target = form.field("target", parse_target(target).map_err(|e| e.to_string()));
    let window = window_and_tiers(&form, window);
    let (Some(history), Some(target), Some((window, tiers))) = (history, target, window) else {
        return form.answer(None);
    };
    let request = Request {
        target,
        window,
        tiers,
        slo: None,
        source: source.to_string(),
    };
    set_problems(&form, request.validate(&history), history_field);
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

/// Words for the charts' axes, in the core's spelling: the same as slo-web's, here too
/// because a page with only `<slo-backtest>` loads this module alone.
#[wasm_bindgen]
pub fn percent(ratio: f64) -> String {
    slo_core::format::percent(ratio)
}

#[wasm_bindgen]
pub fn humanize(seconds: f64) -> String {
    slo_core::duration::humanize_seconds(seconds)
}

/// `<slo-fleet>`'s burn-rate axis: `1.5x`.
#[wasm_bindgen]
pub fn burn_rate(rate: f64) -> String {
    slo_core::format::burn_rate(rate)
}

/// `<slo-fleet>`'s events axis: counts to the nearest whole number.
#[wasm_bindgen]
pub fn whole(count: f64) -> String {
    slo_core::format::whole(count)
}
