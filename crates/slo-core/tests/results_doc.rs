//! Each result, rendered as JSON, has exactly the fields docs/results.md documents, and
//! the inputs here reach every one of them.

#[path = "support/results_doc.rs"]
mod results_doc;

use results_doc::assert_documented;
use serde_json::Value;
use slo_core::alerts::AlertTier;
use slo_core::composite::Component::{Leaf, Redundant, Serial};
use slo_core::duration::{DAY, MINUTE};
use slo_core::results::{self, Alerts, Budget, Composite, SloState, Status, WhatIf};
use slo_core::spec::{Budgeting, Spec};
use slo_core::status::{evaluate, SloCounters};
use slo_core::whatif::{simulate, Scenario};
use slo_core::window::Window;

fn window(text: &str) -> Window {
    Window::parse(text).unwrap()
}

#[test]
fn budget() {
    assert_documented(
        "budget",
        &[
            results::to_json(&Budget::new(0.999, window("month"), Some(1_000_000))),
            results::to_json(&Budget::new(0.999_999_99, window("30d"), None)),
        ],
    );
}

#[test]
fn alerts() {
    let tiers = AlertTier::defaults_for(30 * DAY, None, None).unwrap();
    assert_documented(
        "alerts",
        &[
            results::to_json(&Alerts::new(0.999, window("30d"), Some(0.02), &tiers)),
            results::to_json(&Alerts::new(0.9, window("30d"), None, &tiers)),
        ],
    );
}

fn scenario(text: &str) -> Value {
    let scenario = Scenario::from_json(&serde_json::from_str(text).unwrap()).unwrap();
    results::to_json(&WhatIf::new(&scenario, &simulate(&scenario)))
}

#[test]
fn whatif() {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/incident-scenario.json"
    ))
    .unwrap();
    // Errors at the budget's rate fire the slow ticket for good: still firing at the end.
    let steady = r#"{"target": 0.999, "window": "30d", "requests_per_second": 5,
        "baseline_error_ratio": 0.001, "incidents": []}"#;
    assert_documented("whatif", &[scenario(&example), scenario(steady)]);
}

#[test]
fn composite() {
    let service = Serial(vec![
        Redundant(vec![Leaf(0.9999)]),
        Redundant(vec![Leaf(0.999); 3]),
    ]);
    assert_documented("composite", &[results::to_json(&Composite::new(&service))]);
}

#[test]
fn status() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/checkout.json"
    ))
    .unwrap();
    let spec = Spec::from_json(&text).unwrap();
    let now = 1_795_780_800;
    let mut slos: Vec<_> = spec.slos().cloned().collect();
    // The example has occurrences and timeslices SLOs; one more judges the mean slice.
    let mut ratio = slos[0].clone();
    ratio.budgeting = Budgeting::RatioTimeslices {
        slice_seconds: MINUTE,
    };
    slos.push(ratio);
    let states = slos
        .iter()
        .map(|slo| {
            let mut counters = SloCounters::new(slo);
            for minute in 0..10 {
                counters.record(now - 600 + minute * MINUTE, 95, 5);
            }
            counters.record(now, 0, 0);
            SloState::new(slo, &evaluate(slo, &counters, now))
        })
        .collect();
    let status = Status {
        generated_at_seconds: now,
        slos: states,
    };
    assert_documented("status", &[results::to_json(&status)]);
}
