//! The core's answer for given counts, as the filter would publish it: used by the
//! end-to-end tests to check the status endpoint and the gauges against the core.
//!
//! usage: status CONFIG.json NOW SLO=GOOD:BAD...
//! Each SLO's events are recorded at NOW, then evaluated at NOW. Prints
//! `{"slos": [the status result's SLOs...], "gauges": {slo: {...}}}`.

use serde_json::{json, Map, Value};
use slo_core::duration::format_duration;
use slo_core::{results, status};
use slo_filter::names::milli;
use slo_filter::options::FilterConfig;
use std::process::ExitCode;

mod helper;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    helper::finish("status", run(&args))
}

fn run(args: &[String]) -> Result<Value, String> {
    let [config_path, now, counts @ ..] = args else {
        return Err("usage: status CONFIG.json NOW SLO=GOOD:BAD...".into());
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
        if let Some(arg) = counts.iter().find(|a| a.starts_with(&prefix)) {
            let (good, bad) = arg[prefix.len()..]
                .split_once(':')
                .and_then(|(g, b)| Some((g.parse().ok()?, b.parse().ok()?)))
                .ok_or_else(|| format!("{arg:?} is not SLO=GOOD:BAD"))?;
            counters.record(now, good, bad);
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
        slos.push(results::to_json(&results::SloState::new(slo, &state)));
    }
    Ok(json!({"slos": slos, "gauges": gauges}))
}
