//! What an SLO's burn reads over each window. Reading every raw sample of every instance
//! over 30 days at every evaluation grows with the fleet times the window, so the rules
//! record what the source counted once per step (occurrence SLOs) or judged once per
//! slice (timeslice SLOs), and the long windows read those recorded series:
//! - occurrence SLOs whose source is counters (the filter's, or a Prometheus SLI's
//!   selectors or histogram): bad events and events per one-minute step; a window of an
//!   hour or more is the sum of its steps' bad events over the sum of its steps' events,
//!   weighted by traffic, and a quiet step adds 0 to both sums (no NaN). Shorter windows
//!   rate the raw series, as fresh as the last scrape;
//! - timeslice SLOs: each slice's verdict (or error ratio), once when it ends; every window
//!   counts the verdicts;
//! - a Prometheus SLI written as expressions: its own query over each window, as written
//!   (an expression cannot be split into exact steps).

use serde_json::{json, Value};
use slo_core::conventions::*;
use slo_core::duration::{format_duration, HOUR, MINUTE};
use slo_core::format;
use slo_core::prometheus::{step_increase, Counted};
use slo_core::spec::{Budgeting, Sli, Slo};

/// The step an occurrence SLO's counts are recorded at: its steps group's interval, and the
/// offset each recording differences its counters over.
pub(crate) const STEP_SECONDS: u64 = MINUTE;
/// Windows at least this long read the recorded steps. In a live Prometheus the steps group
/// runs beside the alerting group, so the steps are up to one step behind the raw series:
/// a minute in an hour or more, while the short windows that make a page fire fast stay
/// on the raw series.
const STEPS_FROM_SECONDS: u64 = HOUR;

/// How an SLO's windows are read.
pub(crate) enum Reading {
    /// Per-step records: PromQL for the counted events (good or bad) and for all events in
    /// one step, one series per value of the `by` labels.
    Steps {
        counted: Counted,
        events: String,
        total: String,
        by: Vec<String>,
    },
    /// One recorded verdict per slice.
    Slices { slice_seconds: u64 },
    /// The source's own queries over each window.
    Queries,
}

impl Reading {
    pub(crate) fn of(slo: &Slo) -> Reading {
        if let Some(slice_seconds) = slo.budgeting.slice_seconds() {
            return Reading::Slices { slice_seconds };
        }
        let step = format_duration(STEP_SECONDS);
        let (events, by) = match &slo.sli {
            Sli::Request(_) => {
                let by = vec![SLO_LABEL.to_string()];
                let bad = requests_selector(slo, &format!(",{OUTCOME_LABEL}=\"bad\""));
                let events = (
                    Counted::Bad,
                    step_increase(&bad, &step, &by),
                    step_increase(&requests_selector(slo, ""), &step, &by),
                );
                (Some(events), by)
            }
            Sli::Prometheus(sli) => (sli.step_events(&step), sli.grouping.clone()),
        };
        match events {
            Some((counted, events, total)) => Reading::Steps {
                counted,
                events,
                total,
                by,
            },
            None => Reading::Queries,
        }
    }

    /// Whether `window` is read from recorded series rather than from the source.
    fn recorded(&self, window: u64) -> bool {
        match self {
            Reading::Steps { .. } => {
                window >= STEPS_FROM_SECONDS && window.is_multiple_of(STEP_SECONDS)
            }
            Reading::Slices { .. } => true,
            Reading::Queries => false,
        }
    }
}

/// `{slo="NAME"}`'s inside: what every series of the SLO carries.
pub(super) fn slo_selector(slo: &Slo) -> String {
    format!("{SLO_LABEL}=\"{}\"", slo.name)
}

fn requests_selector(slo: &Slo, more: &str) -> String {
    format!("{REQUESTS_METRIC}{{{}{more}}}", slo_selector(slo))
}

pub(crate) fn step_record(name: &str) -> String {
    format!("{name}{}", format_duration(STEP_SECONDS))
}

/// What a timeslice SLO records per slice: the verdict, or the slice's error ratio.
pub(crate) fn slice_record(slo: &Slo, slice_seconds: u64) -> String {
    let name = match slo.budgeting {
        Budgeting::RatioTimeslices { .. } => SLICE_ERROR_RATIO_RECORD,
        _ => SLICE_BAD_RECORD,
    };
    format!("{name}{}", format_duration(slice_seconds))
}

/// The verdict on the last slice that ended, on the core's slices (aligned to Unix time):
/// a subquery stepping by the slice evaluates at multiples of it, and a range one second
/// short of a slice holds exactly one of them whenever it is evaluated (Prometheus 2
/// includes a range's start, Prometheus 3 does not). A slice without traffic has a NaN
/// ratio, which `>= 0` drops: it is recorded nowhere, as the core leaves it unjudged.
pub(super) fn slice_expr(slo: &Slo, slice_seconds: u64) -> String {
    let slice = format_duration(slice_seconds);
    let ratio = format!(
        "last_over_time((\n({}) >= 0\n)[{}:{slice}])",
        event_error_ratio(slo, &slice),
        format_duration(slice_seconds - 1),
    );
    match slo.budgeting {
        Budgeting::Timeslices {
            slice_good_ratio, ..
        } => format!("{ratio} > bool {}", format::number(1.0 - slice_good_ratio)),
        _ => ratio,
    }
}

/// The range that holds exactly `window`'s worth of records: records land every step (or
/// slice), and a range one second short holds window / step of them, whether its start
/// is included (Prometheus 2) or not (Prometheus 3).
fn recorded_range(window: u64) -> String {
    format_duration(window - 1)
}

fn error_ratio_record(window: u64) -> String {
    format!("{ERROR_RATIO_RECORD}{}", format_duration(window))
}

/// A timeslice SLO's burn over a window: the share of bad slices (`timeslices`) or the
/// mean slice error ratio (`ratio_timeslices`), which alerts compare with the thresholds
/// as occurrence SLOs compare their event error ratio.
fn slice_ratio_record(window: u64) -> String {
    format!("{BAD_SLICES_RECORD}{}", format_duration(window))
}

/// What an SLO's alerts and budget read over a window: events, or slices as the core
/// judges them.
pub(crate) fn burn_record(slo: &Slo, window: u64) -> String {
    match slo.budgeting {
        Budgeting::Occurrences => error_ratio_record(window),
        _ => slice_ratio_record(window),
    }
}

pub(super) fn requests_record(window: u64) -> String {
    format!("{REQUESTS_RECORD}{}", format_duration(window))
}

/// PromQL for the SLO's burn over `window`.
pub(super) fn burn_expr(slo: &Slo, reading: &Reading, window: u64) -> String {
    let selector = slo_selector(slo);
    let range = recorded_range(window);
    match reading {
        Reading::Steps { .. } if reading.recorded(window) => format!(
            "sum_over_time({}{{{selector}}}[{range}])\n/\nsum_over_time({}{{{selector}}}[{range}])",
            step_record(STEP_BAD_EVENTS_RECORD),
            step_record(STEP_EVENTS_RECORD),
        ),
        Reading::Slices { slice_seconds } => {
            let verdicts = format!(
                "{}{{{selector}}}[{range}]",
                slice_record(slo, *slice_seconds)
            );
            match slo.budgeting {
                // Slices without traffic count as good: the budget is a share of all slices.
                Budgeting::Timeslices { .. } => format!(
                    "sum_over_time({verdicts})\n/ {}",
                    format::number(window as f64 / *slice_seconds as f64)
                ),
                _ => format!("avg_over_time({verdicts})"),
            }
        }
        _ => event_error_ratio(slo, &format_duration(window)),
    }
}

/// PromQL for the SLO's events over `window`, for a tier's minimum event rate; None for a
/// source without an event count (the spec refuses a minimum rate there).
pub(super) fn requests_expr(slo: &Slo, reading: &Reading, window: u64) -> Option<String> {
    if reading.recorded(window) && matches!(reading, Reading::Steps { .. }) {
        return Some(format!(
            "sum_over_time({}{{{}}}[{}])",
            step_record(STEP_EVENTS_RECORD),
            slo_selector(slo),
            recorded_range(window)
        ));
    }
    let range = format_duration(window);
    match &slo.sli {
        Sli::Request(_) => Some(format!(
            "sum by ({SLO_LABEL}) (increase({}[{range}]))",
            requests_selector(slo, "")
        )),
        Sli::Prometheus(sli) => sli
            .total_rate(&range)
            .map(|rate| format!("(\n{rate}\n) * {window}")),
    }
}

/// The event error ratio over `range` from the source: the filter's counts summed across
/// instances, or the Prometheus SLI's own query.
fn event_error_ratio(slo: &Slo, range: &str) -> String {
    match &slo.sli {
        Sli::Request(_) => format!(
            "sum by ({SLO_LABEL}) (rate({}[{range}]))\n/\nsum by ({SLO_LABEL}) (rate({}[{range}]))",
            requests_selector(slo, &format!(",{OUTCOME_LABEL}=\"bad\"")),
            requests_selector(slo, ""),
        ),
        Sli::Prometheus(sli) => sli.error_ratio(range),
    }
}

/// What the "no data" alert watches: empty exactly when the source has no series.
pub(super) fn presence_expr(slo: &Slo, range: &str) -> String {
    match &slo.sli {
        Sli::Request(_) => requests_selector(slo, ""),
        Sli::Prometheus(sli) => sli.presence(range),
    }
}

/// The rules recording what the windows read: an occurrence SLO's steps (its own group),
/// or a timeslice SLO's slices (first in its group).
pub(super) fn recording_rules(slo: &Slo, reading: &Reading, labels: &Value) -> Vec<Value> {
    match reading {
        Reading::Steps {
            counted,
            events,
            total,
            by,
        } => {
            // The bad events reuse the events recorded just before them in the group. A
            // counted outcome with no series yet (no 5xx so far) is 0 wherever there are
            // events.
            let recorded_total = format!(
                "{}{{{}}}",
                step_record(STEP_EVENTS_RECORD),
                slo_selector(slo)
            );
            let on = format!("on({})", by.join(", "));
            let counted_events = format!("(\n{events}\nor {on}\n{recorded_total} * 0\n)");
            let bad = match counted {
                Counted::Bad => counted_events,
                Counted::Good => format!("{recorded_total}\n- {on}\n{counted_events}"),
            };
            vec![
                json!({"record": step_record(STEP_EVENTS_RECORD), "expr": total, "labels": labels}),
                json!({"record": step_record(STEP_BAD_EVENTS_RECORD), "expr": bad, "labels": labels}),
            ]
        }
        Reading::Slices { slice_seconds } => vec![json!({
            "record": slice_record(slo, *slice_seconds),
            "expr": slice_expr(slo, *slice_seconds),
            "labels": labels,
        })],
        Reading::Queries => Vec::new(),
    }
}
