//! The core's answer for given counts, as the filter would publish it: used by the
//! end-to-end tests to check the status endpoint and the gauges against the core.
//!
//! usage: status CONFIG.json NOW SLO=GOOD:BAD[/GOOD_TOTAL:BAD_TOTAL]...
//! Each SLO's events are recorded at NOW, then evaluated at NOW; the totals since the
//! proxy started are the window's events unless given. Prints
//! `{"slos": [the status result's SLOs...], "gauges": {slo: {...}}}`.

use serde_json::{json, Map, Value};
use slo_core::counters::Counts;
use slo_core::duration::format_duration;
use slo_core::filter_config::FilterConfig;
use slo_core::stat_names::milli;
use slo_core::{results, status};
use std::process::ExitCode;

mod helper;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    helper::finish("status", run(&args))
}

fn run(args: &[String]) -> Result<Value, String> {
    let [config_path, now, counts @ ..] = args else {
        return Err("usage: status CONFIG.json NOW SLO=GOOD:BAD[/GOOD_TOTAL:BAD_TOTAL]...".into());
    };
    let config = FilterConfig::from_json(&helper::read(config_path)?)
        .map_err(|errors| helper::joined(&errors))?;
    let now: u64 = now
        .parse()
        .map_err(|_| format!("NOW {now:?} is not Unix seconds"))?;
    let mut slos = Vec::new();
    let mut gauges = Map::new();
    for (slo, _) in config.spec.request_slos() {
        let mut counters = status::SloCounters::new(slo);
        let prefix = format!("{}=", slo.name);
        let mut since_start = None;
        if let Some(arg) = counts.iter().find(|a| a.starts_with(&prefix)) {
            let pair = |text: &str| {
                text.split_once(':')
                    .and_then(|(g, b)| Some((g.parse().ok()?, b.parse().ok()?)))
                    .ok_or_else(|| format!("{arg:?} is not SLO=GOOD:BAD[/GOOD_TOTAL:BAD_TOTAL]"))
            };
            let (window, totals) = match arg[prefix.len()..].split_once('/') {
                Some((window, totals)) => (window, Some(totals)),
                None => (&arg[prefix.len()..], None),
            };
            let (good, bad) = pair(window)?;
            counters.record(now, good, bad);
            if let Some(totals) = totals {
                let (good, bad) = pair(totals)?;
                since_start = Some(Counts {
                    good: u64::from(good),
                    bad: u64::from(bad),
                });
            }
        }
        let state = status::evaluate(slo, &counters, now);
        let burn: Map<String, Value> = state
            .burn_rates
            .iter()
            .map(|(w, r)| (format_duration(*w), json!(milli(*r))))
            .collect();
        let alerts: Map<String, Value> = state
            .tiers
            .iter()
            .map(|t| (t.name.clone(), json!(u64::from(t.active))))
            .collect();
        gauges.insert(
            slo.name.clone(),
            json!({"burn_rate_milli": burn, "budget_remaining_milli": milli(state.budget_remaining), "alert_active": alerts}),
        );
        let since_start = since_start.unwrap_or(state.counts);
        slos.push(results::to_json(&results::SloState::new(
            slo,
            &state,
            since_start,
        )));
    }
    Ok(json!({"slos": slos, "gauges": gauges}))
}
