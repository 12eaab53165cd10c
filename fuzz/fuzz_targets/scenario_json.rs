//! `Scenario::from_json` and the simulation `slo what-if --scenario` runs on what it read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slo_core::whatif::{simulate, Scenario};
use slo_fuzz::{assert_refusal_explained, text};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_str(&text(data)) else {
        return;
    };
    let scenario = match Scenario::from_json(&value) {
        Ok(scenario) => scenario,
        Err(errors) => {
            assert_refusal_explained(errors.iter().map(|e| e.message.as_str()));
            return;
        }
    };
    assert!(scenario.validate().is_empty(), "read OK, yet invalid");
    let simulation = simulate(&scenario);
    let minutes = (scenario.window_seconds / simulation.step_seconds).max(1) as usize;
    assert_eq!(simulation.budget_remaining.len(), minutes);
    assert!(simulation.budget_remaining.iter().all(|b| b.is_finite()));
    assert_eq!(simulation.tiers.len(), scenario.tiers.len());
    for tier in &simulation.tiers {
        let mut last_reset = 0;
        for firing in &tier.firings {
            assert!(
                firing.fires_at_seconds > last_reset,
                "{} fires out of order",
                tier.name
            );
            last_reset = firing.resets_at_seconds.unwrap_or(u64::MAX);
            assert!(last_reset > firing.fires_at_seconds);
        }
    }
    if let Some(ratio) = simulation.latency_error_ratio {
        assert!((0.0..=1.0).contains(&ratio), "slow share {ratio}");
    }
});
