//! `<slo-fleet>`'s calls into the core: the queries to send to a Prometheus server and the
//! reading of its answers. The element fetches; the core names every query and computes
//! every figure and word. Answers are passed back as the server's JSON texts one after
//! another, in the order of the queries that asked them.

use crate::shown;
use slo_core::fleet::{self, RangePlan};
use slo_core::window::parse_utc;
use slo_web_js::{array, render, Form, Obj};
use wasm_bindgen::prelude::*;

/// The form field every problem of an answer is filed under: the server the page named.
const FIELD: &str = "prometheus";

/// The instant the page asks about: `at` as the page wrote it (UTC such as
/// 2026-09-21T17:05Z, or Unix seconds), or `now` (the page's clock) when empty:
/// `{errors: {at}, result: {at}}`.
#[wasm_bindgen]
pub fn fleet_instant(at: &str, now: f64) -> JsValue {
    let form = Form::new();
    let at = form.optional("at", at, parse_utc);
    form.answer(at.map(|at| {
        let out = Obj::new();
        out.set("at", at.unwrap_or(now as u64) as f64);
        out
    }))
}

/// The list's instant queries at `at` (Unix seconds): `[{name, promql, path}]`, `path`
/// to append to the server's base URL.
#[wasm_bindgen]
pub fn fleet_queries(at: f64) -> JsValue {
    array(fleet::instant_queries(), |q| {
        let out = Obj::new();
        out.set("name", q.name)
            .set("path", q.path(at as u64))
            .set("promql", q.promql);
        out.into()
    })
    .into()
}

/// The fleet read from `answers` (of `fleet_queries(at)`), and the sparklines'
/// `query_range` calls for a chart `width` pixels wide: `{errors, result: {fleet,
/// sparklines}}`. With `sparkline_answers` (of those calls), each SLO's `budget_series` is
/// filled.
#[wasm_bindgen]
pub fn fleet_read(answers: &str, at: f64, width: f64, sparkline_answers: &str) -> JsValue {
    let form = Form::new();
    let Some(mut read) = form.field(FIELD, fleet::read(answers, at as u64).map_err(shown)) else {
        return form.answer(None);
    };
    let plans = fleet::sparkline_plans(&read, at as u64, width as u64);
    if !sparkline_answers.is_empty() {
        let added = fleet::add_sparklines(&mut read, &plans, sparkline_answers).map_err(shown);
        if form.field(FIELD, added).is_none() {
            return form.answer(None);
        }
    }
    let result = Obj::new();
    result
        .set("fleet", render(&read))
        .set("sparklines", paths(&plans));
    form.answer(Some(result))
}

/// One SLO's detail (`service`, `slo` among the fleet `answers` read at `at`), its charts
/// `width` pixels wide: `{errors, result: {plans, detail}}`, `plans` the `query_range`
/// calls to send and `detail` null until `detail_answers` (theirs) are given.
#[wasm_bindgen]
pub fn fleet_detail(
    answers: &str,
    at: f64,
    service: &str,
    slo: &str,
    width: f64,
    detail_answers: &str,
) -> JsValue {
    let form = Form::new();
    let Some(read) = form.field(FIELD, fleet::read(answers, at as u64).map_err(shown)) else {
        return form.answer(None);
    };
    let found = read
        .slos
        .iter()
        .find(|s| s.service == service && s.slo == slo)
        .ok_or_else(|| format!("no SLO {slo:?} of service {service:?} in the server's answers; allowed: one of the listed SLOs"));
    let plans = form.field("slo", found).and_then(|found| {
        let plans = fleet::detail_plans(found, at as u64, width as u64).ok_or_else(|| {
            format!(
                "{slo}: the server has no slo:time_period:days for it, so its window is unknown"
            )
        });
        form.field("slo", plans).map(|plans| (found, plans))
    });
    let Some((found, plans)) = plans else {
        return form.answer(None);
    };
    let result = Obj::new();
    result.set("plans", paths(&plans));
    if detail_answers.is_empty() {
        result.set("detail", JsValue::NULL);
    } else {
        let detail = fleet::read_detail(found, &plans, detail_answers).map_err(shown);
        match form.field(FIELD, detail) {
            Some(detail) => result.set("detail", render(&detail)),
            None => return form.answer(None),
        };
    }
    form.answer(Some(result))
}

fn paths(plans: &[RangePlan]) -> JsValue {
    array(plans, |p| {
        let out = Obj::new();
        out.set("name", p.name.as_str())
            .set("path", p.path())
            .set("promql", p.promql.as_str())
            .set("step", p.step as f64);
        out.into()
    })
    .into()
}
