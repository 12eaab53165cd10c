//! The detail view of one SLO: its budget, burn per tier window, events per step and
//! alerts over its window, as five `query_range` calls whose step fits the chart's width.

use super::answers::{self, Series};
use super::plan::RangePlan;
use crate::backtest::EventKind;
use crate::conventions::*;
use crate::decode::FieldError;
use crate::duration::{format_duration, humanize_seconds, MINUTE};
use crate::results::{FleetAlert, FleetBurnSeries, FleetDetail, FleetSlo};
use crate::window::format_utc;

/// The calls, in the order `read_detail` takes their answers. None for an SLO whose
/// window Prometheus does not say (no `slo:time_period:days`).
pub fn detail_plans(slo: &FleetSlo, at: u64, width: u64) -> Option<Vec<RangePlan>> {
    let window = slo.window_seconds?;
    let selector = selector(slo);
    let mut windows: Vec<&str> = slo
        .tiers
        .iter()
        .flat_map(|t| [t.long_window.as_str(), t.short_window.as_str()])
        .collect();
    windows.sort_unstable();
    windows.dedup();
    let windows = windows.join("|");
    let plan =
        |name: &str, promql: String| RangePlan::new(name.to_string(), promql, at, window, width);
    let step = format_duration(plan("", String::new()).step);
    let per_step = |record: &str| {
        format!(
            "sum_over_time({record}{}{{{selector}}}[{step}])",
            format_duration(MINUTE)
        )
    };
    Some(vec![
        plan("budget", format!("{BUDGET_REMAINING_RATIO_RECORD}{{{selector}}}")),
        plan(
            "burn",
            format!("{{__name__=~\"({ERROR_RATIO_RECORD}|{BAD_SLICES_RECORD})({windows})\",{selector}}}"),
        ),
        plan("events", per_step(STEP_EVENTS_RECORD)),
        plan("bad events", per_step(STEP_BAD_EVENTS_RECORD)),
        plan(
            "alerts",
            format!("{ALERTS_METRIC}{{{selector},{ALERT_STATE_LABEL}=\"firing\"}}"),
        ),
    ])
}

/// The matchers of the SLO's series.
fn selector(slo: &FleetSlo) -> String {
    format!(
        "{SERVICE_LABEL}=\"{}\",{SLO_LABEL}=\"{}\"",
        escape(&slo.service),
        escape(&slo.slo)
    )
}

/// A label value inside double quotes.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Reads the answers of `detail_plans`, one JSON answer after another in their order.
pub fn read_detail(
    slo: &FleetSlo,
    plans: &[RangePlan],
    text: &str,
) -> Result<FleetDetail, Vec<FieldError>> {
    let names: Vec<String> = plans.iter().map(|p| p.name.clone()).collect();
    let mut errors = Vec::new();
    let got = answers::answers(text, &names, "matrix", answers::series, &mut errors);
    let Ok([budget, burn, events, bad, alerts]) = <[Vec<Series>; 5]>::try_from(got) else {
        errors.push(FieldError {
            path: String::new(),
            message: format!(
                "{} plans; allowed: the five detail_plans makes",
                plans.len()
            ),
        });
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let plan = &plans[0];
    let first = |series: &[Series]| {
        series
            .first()
            .map_or_else(|| vec![f64::NAN; plan.points()], |s| plan.align(&s.points))
    };
    let budget_of = 1.0 - slo.objective.unwrap_or(f64::NAN);
    let mut burn_rates: Vec<FleetBurnSeries> = burn
        .iter()
        .filter_map(|s| {
            let name = s.labels.get("__name__")?;
            let window = name
                .strip_prefix(ERROR_RATIO_RECORD)
                .or_else(|| name.strip_prefix(BAD_SLICES_RECORD))?;
            Some(FleetBurnSeries {
                window: window.to_string(),
                burn_rates: plan
                    .align(&s.points)
                    .iter()
                    .map(|r| r / budget_of)
                    .collect(),
            })
        })
        .collect();
    let seconds = |w: &str| crate::duration::parse_duration(w).unwrap_or(u64::MAX);
    burn_rates.sort_by_key(|b| seconds(&b.window));
    let (good_events, bad_events) = match (events.first(), bad.first()) {
        (Some(all), Some(bad)) => {
            let (all, bad) = (plan.align(&all.points), plan.align(&bad.points));
            // Two increases extrapolated apart can cross by a fraction: never below 0. A step
            // either lacks is a gap (f64::max would turn it into 0).
            let good = all
                .iter()
                .zip(&bad)
                .map(|(a, b)| {
                    if a.is_nan() || b.is_nan() {
                        f64::NAN
                    } else {
                        (a - b).max(0.0)
                    }
                })
                .collect();
            (good, bad)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let alerts = spans(&alerts, plan);
    let alerts_text = match alerts.len() {
        0 => format!(
            "no alert fired in the last {}",
            format_duration(plan.end - plan.start)
        ),
        1 => "1 alert fired in the window".to_string(),
        n => format!("{n} alerts fired in the window"),
    };
    let recorded = |record: &str| {
        let step = format_duration(MINUTE);
        Some(format!("sum({record}{step}{{{}}})", selector(slo)))
            .filter(|_| !good_events.is_empty())
    };
    let (backtest_events, backtest_total) = (
        recorded(STEP_BAD_EVENTS_RECORD),
        recorded(STEP_EVENTS_RECORD),
    );
    Ok(FleetDetail {
        service: slo.service.clone(),
        slo: slo.slo.clone(),
        start_seconds: plan.start,
        end_seconds: plan.end,
        step_seconds: plan.step,
        step_text: format!("one point per {}", format_duration(plan.step)),
        budget_remaining: first(&budget),
        burn_rates,
        good_events,
        bad_events,
        alerts,
        alerts_text,
        backtest_counts: EventKind::Bad.as_str(),
        backtest_events,
        backtest_total,
    })
}

/// Each ALERTS series' runs of consecutive steps, as firing spans, oldest first.
fn spans(series: &[Series], plan: &RangePlan) -> Vec<FleetAlert> {
    let mut out = Vec::new();
    for one in series {
        let label = |name: &str| one.labels.get(name).cloned();
        let mut times: Vec<u64> = one.points.iter().map(|p| p.0).collect();
        times.sort_unstable();
        let mut runs: Vec<(u64, u64)> = Vec::new();
        for t in times {
            match runs.last_mut() {
                Some(run) if t <= run.1 + plan.step => run.1 = t,
                _ => runs.push((t, t)),
            }
        }
        for (start, end) in runs {
            let tier = label(ALERT_TIER_LABEL);
            let name = label(ALERT_NAME_LABEL).unwrap_or_default();
            let still_firing = end >= plan.end;
            let what = tier.clone().map_or(name.clone(), |t| format!("{name} {t}"));
            let text = if still_firing {
                format!("{what}: firing since {}", format_utc(start))
            } else {
                format!(
                    "{what}: fired {} for {}",
                    format_utc(start),
                    humanize_seconds((end - start + plan.step) as f64)
                )
            };
            out.push(FleetAlert {
                alertname: name,
                tier,
                severity: label(SEVERITY_LABEL).unwrap_or_default(),
                start_seconds: start,
                end_seconds: end,
                still_firing,
                text,
            });
        }
    }
    out.sort_by_key(|a| a.start_seconds);
    out
}
