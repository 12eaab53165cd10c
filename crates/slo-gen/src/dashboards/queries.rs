//! The PromQL each panel runs. Every query reads what `slo rules` records for the spec
//! (`rules::windows` spells those names, from `slo_core::conventions`), never the raw
//! sources: the rules already summed the fleet and the windows, so a dashboard costs
//! Prometheus no more than reading a few series, and it shows the numbers the alerts see.
//!
//! The SLOs a dashboard shows are the ones its `$slo` variable selects. Series whose names
//! depend on an SLO's windows (its burn over its window or a tier's) are read per SLO and
//! joined with `or`, each part also filtered by the variable, so one query still answers
//! for every selected SLO.

use crate::rules::windows::{burn_record, slice_record, step_record, Reading};
use slo_core::alerts::analyze_tiers;
use slo_core::conventions::*;
use slo_core::duration::format_duration;
use slo_core::format;
use slo_core::spec::{Slo, Spec};

/// The variable holding the selected SLOs' names, as Grafana substitutes it in a regex.
pub const SLO_VARIABLE: &str = "$slo";
/// The labels every table row is keyed by.
const ROW_KEY: &str = "service, slo";

/// `slo=~"$slo"`: the selected SLOs.
fn selected() -> String {
    format!("{SLO_LABEL}=~\"{SLO_VARIABLE}\"")
}

/// One SLO's series, when it is selected.
fn one(slo: &Slo) -> String {
    format!("{SLO_LABEL}=\"{}\",{}", slo.name, selected())
}

/// Each SLO's own query, joined: every selected SLO answers from its own part.
fn union(parts: impl IntoIterator<Item = String>) -> String {
    let parts: Vec<String> = parts.into_iter().collect();
    match parts.as_slice() {
        [only] => only.clone(),
        _ => parts
            .iter()
            .map(|part| format!("({part})"))
            .collect::<Vec<_>>()
            .join("\nor\n"),
    }
}

/// `how by (service, slo) (expr)`: one row per SLO in a table (a Prometheus SLI split by
/// grouping labels shows its worst group there).
pub fn per_slo(how: &str, expr: &str) -> String {
    format!("{how} by ({ROW_KEY}) (\n{expr}\n)")
}

/// The metadata series: one per SLO, value 1, with its window, SLI kind and objective.
pub fn info() -> String {
    format!(
        "max by ({ROW_KEY}, {WINDOW_LABEL}, sli) ({INFO_RECORD}{{{}}})",
        selected()
    )
}

pub fn objective() -> String {
    format!("{OBJECTIVE_RECORD}{{{}}}", selected())
}

/// The share of the error budget left over each SLO's window (negative once over-spent).
pub fn budget_left() -> String {
    format!("{BUDGET_REMAINING_RATIO_RECORD}{{{}}}", selected())
}

/// The SLI over each SLO's window: one minus its burn over the window (for a timeslice
/// SLO, the share of good slices).
pub fn sli(slos: &[&Slo]) -> String {
    union(slos.iter().map(|slo| {
        let window = slo.window.nominal_seconds();
        format!("1 - {}{{{}}}", burn_record(slo, window), one(slo))
    }))
}

/// The burn rate over `window`: the error ratio the rules record over it, over the budget.
fn burn(slo: &Slo, window: u64) -> String {
    format!(
        "{}{{{}}} / {}",
        burn_record(slo, window),
        one(slo),
        format::number(1.0 - slo.target)
    )
}

/// The burn rate over `window`, labelled with the window for a graph's legend.
fn burn_labelled(slo: &Slo, window: u64) -> String {
    format!(
        "label_replace(\n{}, \"{WINDOW_LABEL}\", \"{}\", \"\", \"\")",
        burn(slo, window),
        format_duration(window)
    )
}

/// Which of a tier's two windows a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Long,
    Short,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::Long, Side::Short];

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Long => "long",
            Side::Short => "short",
        }
    }
}

/// The tiers of some SLOs that share a name (and, in a detail panel, a burn-rate threshold):
/// each member SLO with its tier's windows.
pub struct TierGroup<'a> {
    pub name: String,
    /// The tier's burn-rate threshold, from the core's analysis of the tier.
    pub burn_rate: f64,
    pub members: Vec<(&'a Slo, u64, u64)>,
}

impl TierGroup<'_> {
    fn window(side: Side, long: u64, short: u64) -> u64 {
        match side {
            Side::Long => long,
            Side::Short => short,
        }
    }

    /// Each member's burn rate over the tier's `side` window, one row per SLO.
    pub fn burn_per_slo(&self, side: Side) -> String {
        let parts = self.members.iter().map(|(slo, long, short)| {
            per_slo("max", &burn(slo, Self::window(side, *long, *short)))
        });
        union(parts)
    }

    /// Each member's burn rate over the tier's `side` window, over time, with the window
    /// as a label.
    pub fn burn_over_time(&self, side: Side) -> String {
        union(
            (self.members.iter())
                .map(|(slo, long, short)| burn_labelled(slo, Self::window(side, *long, *short))),
        )
    }
}

/// The tiers of the spec grouped by name, in the order they first appear; with
/// `by_threshold`, tiers of one name but different burn rates are separate groups (a
/// detail panel draws one threshold).
pub fn tier_groups(spec: &Spec, by_threshold: bool) -> Vec<TierGroup<'_>> {
    let mut groups: Vec<TierGroup> = Vec::new();
    for slo in spec.slos() {
        let analyses = analyze_tiers(&slo.alerts, slo.target, slo.window.nominal_seconds(), None);
        for (tier, analysis) in slo.alerts.iter().zip(analyses) {
            let member = (slo, tier.long_window_seconds, tier.short_window_seconds);
            let same = |g: &&mut TierGroup| {
                g.name == tier.name && (!by_threshold || g.burn_rate == analysis.burn_rate)
            };
            match groups.iter_mut().find(|g| same(g)) {
                Some(group) => group.members.push(member),
                None => groups.push(TierGroup {
                    name: tier.name.clone(),
                    burn_rate: analysis.burn_rate,
                    members: vec![member],
                }),
            }
        }
    }
    groups
}

/// `alertname=~"..."`: every alert the rules raise for the spec's SLOs (an SLO may rename
/// its burn-rate alert), firing.
fn firing_alerts(spec: &Spec) -> String {
    let mut names: Vec<&str> = spec
        .slos()
        .map(|slo| slo.alert_metadata.name.as_deref().unwrap_or(BURN_ALERT))
        .chain([ABSENT_ALERT])
        .collect();
    names.sort_unstable();
    names.dedup();
    format!(
        "ALERTS{{alertname=~\"{}\",alertstate=\"firing\",{}}}",
        names.join("|"),
        selected()
    )
}

/// How many of each SLO's alerts fire now: 0 rather than nothing when none does.
pub fn firing_count(spec: &Spec) -> String {
    format!(
        "count by ({ROW_KEY}) ({})\nor\n0 * {}",
        firing_alerts(spec),
        per_slo("max", &objective())
    )
}

/// The alerts firing over time, one series per alert.
pub fn firing_over_time(spec: &Spec) -> String {
    format!(
        "max by ({ROW_KEY}, alertname, {ALERT_TIER_LABEL}, {SEVERITY_LABEL}) ({})",
        firing_alerts(spec)
    )
}

/// Whether any SLO of the spec records its events per step (occurrence SLOs whose source
/// is counters); the others have no per-step events to show.
pub fn records_steps(spec: &Spec) -> bool {
    spec.slos()
        .any(|slo| matches!(Reading::of(slo), Reading::Steps { .. }))
}

/// Events per recorded step (a minute), and the bad ones among them.
pub fn step_events() -> String {
    format!("{}{{{}}}", step_record(STEP_EVENTS_RECORD), selected())
}

pub fn step_bad_events() -> String {
    format!("{}{{{}}}", step_record(STEP_BAD_EVENTS_RECORD), selected())
}

/// Good events per step: the events less the bad ones.
pub fn step_good_events() -> String {
    format!("{}\n- {}", step_events(), step_bad_events())
}

/// Each timeslice SLO's verdict on each slice, as recorded when the slice ended; None
/// when the spec has no timeslice SLO.
pub fn slice_verdicts(spec: &Spec) -> Option<String> {
    let parts: Vec<String> = spec
        .slos()
        .filter_map(|slo| {
            let slice = slo.budgeting.slice_seconds()?;
            Some(format!("{}{{{}}}", slice_record(slo, slice), one(slo)))
        })
        .collect();
    (!parts.is_empty()).then(|| union(parts))
}

/// The variables' queries: the services, and the SLOs of the selected services, from the
/// rules' metadata series.
pub fn service_values() -> String {
    format!("label_values({INFO_RECORD}, {SERVICE_LABEL})")
}

pub fn slo_values() -> String {
    format!("label_values({INFO_RECORD}{{{SERVICE_LABEL}=~\"$service\"}}, {SLO_LABEL})")
}
