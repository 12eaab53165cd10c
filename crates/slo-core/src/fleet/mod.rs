//! The fleet view: every SLO a Prometheus server (or Thanos, or Mimir: the same API)
//! evaluates `slo rules` for, read from the rules' recorded series and metadata. Pure: it
//! names the queries (one per kind of series, never one per SLO, so 500 SLOs cost the
//! same nine requests as one) and reads their answers, which the shell fetches.
//!
//! Missing data is told apart from a good SLO: an SLO whose source has no series at all
//! shows its "absent" alert firing or no recorded SLI; an SLO counted by filters some of
//! which stopped reporting shows the scrape targets that reported its series within the
//! hour and whose scrape fails now.

pub mod answers;
mod detail;
mod plan;
mod state;
#[cfg(test)]
mod tests;

pub use detail::{detail_plans, read_detail};
pub use plan::{step_for_width, RangePlan};
pub use state::State;

use crate::backtest::percent_encode;
use crate::conventions::*;
use crate::decode::FieldError;
use crate::duration::format_duration;
use crate::format;
use crate::results::{Fleet, FleetLabel, FleetSlo, FleetTier, NO_HISTORY};
use crate::target::format_target;
use crate::window::format_utc;
use answers::{Labels, Sample};
use std::collections::BTreeMap;

/// How far back a source counts as one that should be reporting.
pub const SOURCES_LOOKBACK: &str = "1h";

/// One instant query of the fleet view, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetQuery {
    pub name: &'static str,
    pub promql: String,
}

impl FleetQuery {
    /// Its path and query string at `at` (Unix seconds), for the server's base URL: every
    /// query asks the same instant, so the figures agree with each other.
    pub fn path(&self, at: u64) -> String {
        format!(
            "/api/v1/query?query={}&time={at}",
            percent_encode(&self.promql)
        )
    }
}

/// The instant queries the list needs, in the order `read` takes their answers.
pub fn instant_queries() -> Vec<FleetQuery> {
    let per_target = format!("{SLO_LABEL}, {JOB_LABEL}, {INSTANCE_LABEL}");
    let query = |name, promql: String| FleetQuery { name, promql };
    vec![
        query("info", INFO_RECORD.into()),
        query("objective", OBJECTIVE_RECORD.into()),
        query("period", PERIOD_DAYS_RECORD.into()),
        query("budget", BUDGET_REMAINING_RATIO_RECORD.into()),
        // Every window's burn record of every SLO: the SLI over the SLO's window and each
        // tier's two windows are among them.
        query(
            "ratios",
            format!("{{__name__=~\"{ERROR_RATIO_RECORD}.+|{BAD_SLICES_RECORD}.+\"}}"),
        ),
        query("tiers", TIER_THRESHOLD_RECORD.into()),
        // Burn alerts carry the tier label whatever the spec renamed them to.
        query(
            "alerts",
            format!("{ALERTS_METRIC}{{{ALERT_TIER_LABEL}!=\"\"}} or {ALERTS_METRIC}{{{ALERT_NAME_LABEL}=\"{ABSENT_ALERT}\"}}"),
        ),
        query(
            "reporting",
            format!("count by ({SLO_LABEL}) (group by ({per_target}) ({REQUESTS_METRIC}))"),
        ),
        query(
            "down",
            format!("count by ({SLO_LABEL}) (group by ({per_target}) (last_over_time({REQUESTS_METRIC}[{SOURCES_LOOKBACK}])) and on ({JOB_LABEL}, {INSTANCE_LABEL}) ({UP_METRIC} == 0))"),
        ),
    ]
}

/// Labels the rules put on `slo:info` themselves; any other is the server's (external
/// labels) and shown as the SLO's.
const INFO_LABELS: &[&str] = &[
    "__name__",
    SLO_LABEL,
    SERVICE_LABEL,
    SLI_LABEL,
    WINDOW_LABEL,
    OBJECTIVE_LABEL,
];

type Key = (String, String);

fn key(labels: &Labels) -> Option<Key> {
    Some((
        labels.get(SERVICE_LABEL)?.clone(),
        labels.get(SLO_LABEL)?.clone(),
    ))
}

fn by_slo(samples: &[Sample]) -> BTreeMap<Key, f64> {
    samples
        .iter()
        .filter_map(|s| Some((key(&s.labels)?, s.value)))
        .collect()
}

/// Reads the answers of `instant_queries()` at `at`, one JSON answer after another in
/// their order. SLOs come sorted by service and name.
pub fn read(text: &str, at: u64) -> Result<Fleet, Vec<FieldError>> {
    let queries = instant_queries();
    let names: Vec<String> = queries.iter().map(|q| q.name.to_string()).collect();
    let mut errors = Vec::new();
    let got = answers::answers(text, &names, "vector", answers::sample, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let [info, objective, period, budget, ratios, tiers, alerts, reporting, down] =
        <[Vec<Sample>; 9]>::try_from(got).map_err(|_| errors)?;
    let (objective, period, budget) = (by_slo(&objective), by_slo(&period), by_slo(&budget));
    let mut ratio_by: BTreeMap<Key, BTreeMap<String, f64>> = BTreeMap::new();
    for sample in &ratios {
        let name = sample.labels.get("__name__").map(String::as_str);
        let window = name.and_then(|n| {
            n.strip_prefix(ERROR_RATIO_RECORD)
                .or_else(|| n.strip_prefix(BAD_SLICES_RECORD))
        });
        if let (Some(key), Some(window)) = (key(&sample.labels), window) {
            ratio_by
                .entry(key)
                .or_default()
                .insert(window.to_string(), sample.value);
        }
    }
    let mut alert_by: BTreeMap<(Key, String), &'static str> = BTreeMap::new();
    let mut absent = std::collections::BTreeSet::new();
    for sample in &alerts {
        let Some(key) = key(&sample.labels) else {
            continue;
        };
        let state = match sample.labels.get(ALERT_STATE_LABEL).map(String::as_str) {
            Some("firing") => "firing",
            Some("pending") => "pending",
            _ => continue,
        };
        match sample.labels.get(ALERT_TIER_LABEL) {
            Some(tier) => {
                let entry = alert_by.entry((key, tier.clone())).or_insert(state);
                if state == "firing" {
                    *entry = state;
                }
            }
            None if state == "firing" => {
                absent.insert(key);
            }
            None => {}
        }
    }
    let count_by_name = |samples: &[Sample]| -> BTreeMap<String, u64> {
        samples
            .iter()
            .filter_map(|s| Some((s.labels.get(SLO_LABEL)?.clone(), s.value as u64)))
            .collect()
    };
    let (reporting, down) = (count_by_name(&reporting), count_by_name(&down));
    let mut tiers_by: BTreeMap<Key, Vec<&Sample>> = BTreeMap::new();
    for sample in &tiers {
        if let Some(key) = key(&sample.labels) {
            tiers_by.entry(key).or_default().push(sample);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut slos = Vec::new();
    for sample in &info {
        let Some(key) = key(&sample.labels) else {
            continue;
        };
        if !seen.insert(key.clone()) {
            continue;
        }
        let label = |name: &str| sample.labels.get(name).cloned().unwrap_or_default();
        let objective = objective.get(&key).copied();
        let window_seconds = period
            .get(&key)
            .filter(|d| d.is_finite() && **d > 0.0)
            .map(|days| (days * 86_400.0).round() as u64);
        let no_ratios = BTreeMap::new();
        let ratios = ratio_by.get(&key).unwrap_or(&no_ratios);
        let burn = |window: &str| {
            let ratio = *ratios.get(window)?;
            Some(ratio / (1.0 - objective?)).filter(|b| b.is_finite())
        };
        let slo_tiers = tiers_by.get(&key).into_iter().flatten().map(|t| {
            let label = |name: &str| t.labels.get(name).cloned().unwrap_or_default();
            let (name, long, short) = (
                label(ALERT_TIER_LABEL),
                label(LONG_WINDOW_LABEL),
                label(SHORT_WINDOW_LABEL),
            );
            let alert_state = alert_by
                .get(&(key.clone(), name.clone()))
                .copied()
                .unwrap_or("inactive");
            state::tier(
                name,
                label(SEVERITY_LABEL),
                t.value,
                (long.clone(), burn(&long)),
                (short.clone(), burn(&short)),
                alert_state,
            )
        });
        let mut slo_tiers: Vec<FleetTier> = slo_tiers.collect();
        slo_tiers.sort_by(|a, b| b.burn_rate_threshold.total_cmp(&a.burn_rate_threshold));
        let sli_ratio = window_seconds
            .and_then(|w| ratios.get(&format_duration(w)))
            .map(|r| 1.0 - r);
        let budget = budget.get(&key).copied().filter(|b| !b.is_nan());
        let is_request = label(SLI_LABEL) == "request";
        let sources = state::Sources {
            reporting: reporting.get(&key.1).copied().or(is_request.then_some(0)),
            down: down.get(&key.1).copied().or(is_request.then_some(0)),
            absent: absent.contains(&key),
            sli: sli_ratio,
        };
        let (state, state_text, data_text) = state::of(&slo_tiers, &sources);
        let labels = sample
            .labels
            .iter()
            .filter(|(name, _)| !INFO_LABELS.contains(&name.as_str()))
            .map(|(name, value)| FleetLabel {
                name: name.clone(),
                value: value.clone(),
            })
            .collect();
        slos.push(FleetSlo {
            service: key.0.clone(),
            slo: key.1.clone(),
            sli: label(SLI_LABEL),
            labels,
            objective,
            objective_text: objective.map_or_else(|| label(OBJECTIVE_LABEL), format_target),
            window: label(WINDOW_LABEL),
            window_seconds,
            sli_ratio: sli_ratio.filter(|r| r.is_finite()),
            sli_text: state::or_no_data(sli_ratio, format::availability),
            error_budget_remaining_ratio: budget,
            error_budget_remaining_ratio_text: state::or_no_data(budget, format::percent),
            error_budget_spent_text: state::or_no_data(budget, format::budget_spent),
            tiers: slo_tiers,
            state: state.as_str(),
            state_text,
            state_rank: state as u64,
            sources_reporting: sources.reporting,
            sources_down: sources.down,
            data_text,
            budget_series: Vec::new(),
            budget_series_text: NO_HISTORY.to_string(),
        });
    }
    slos.sort_by(|a, b| (&a.service, &a.slo).cmp(&(&b.service, &b.slo)));
    Ok(Fleet {
        at_seconds: at,
        at_text: format_utc(at),
        summary_text: state::summary(&slos),
        slos,
    })
}

/// The sparklines' `query_range` calls: one per window length among the SLOs (every SLO
/// of that length in one answer), over the window ending at `at`, `width` points at most.
pub fn sparkline_plans(fleet: &Fleet, at: u64, width: u64) -> Vec<RangePlan> {
    let mut windows: Vec<u64> = fleet.slos.iter().filter_map(|s| s.window_seconds).collect();
    windows.sort_unstable();
    windows.dedup();
    windows
        .into_iter()
        .map(|window| {
            let days = format::number(window as f64 / 86_400.0);
            RangePlan::new(
                format!("budget over {}", format_duration(window)),
                format!("{BUDGET_REMAINING_RATIO_RECORD} and on ({SERVICE_LABEL}, {SLO_LABEL}) ({PERIOD_DAYS_RECORD} == {days})"),
                at,
                window,
                width,
            )
        })
        .collect()
}

/// Fills each SLO's `budget_series` from the answers of `sparkline_plans`, in their order.
pub fn add_sparklines(
    fleet: &mut Fleet,
    plans: &[RangePlan],
    text: &str,
) -> Result<(), Vec<FieldError>> {
    let names: Vec<String> = plans.iter().map(|p| p.name.clone()).collect();
    let mut errors = Vec::new();
    let got = answers::answers(text, &names, "matrix", answers::series, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let index: BTreeMap<Key, usize> = fleet
        .slos
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.service.clone(), s.slo.clone()), i))
        .collect();
    for (plan, series) in plans.iter().zip(got) {
        for one in series {
            if let Some(&i) = key(&one.labels).and_then(|k| index.get(&k)) {
                fleet.slos[i].set_budget_series(plan.align(&one.points));
            }
        }
    }
    Ok(())
}
