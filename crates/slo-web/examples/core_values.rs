//! The browser tests' oracle: the core's results, computed natively (not through wasm),
//! for the inputs the tests type into the elements, and the status the tests' stand-in
//! endpoint answers. Prints one JSON document.
//!
//! cargo run -q -p slo-web --example core_values

use serde_json::{json, Value};
use slo_core::alerts::AlertTier;
use slo_core::composite::Component;
use slo_core::duration::{parse_duration, parse_offset};
use slo_core::parse;
use slo_core::results::{to_json, Alerts, Budget, Composite, SloState, Status, WhatIf};
use slo_core::spec::Spec;
use slo_core::status::{evaluate, SloCounters};
use slo_core::target::parse_target;
use slo_core::whatif::{parse_buckets, simulate, Incident, LatencyScenario, Scenario};
use slo_core::window::Window;

fn budget(target: &str, window: &str, requests: Option<u64>) -> Value {
    let (t, w) = (
        parse_target(target).unwrap(),
        Window::parse(window).unwrap(),
    );
    to_json(&Budget::new(t, w, requests))
}

fn alerts(target: &str, window: &str, error_ratio: Option<&str>) -> Value {
    let (t, w) = (
        parse_target(target).unwrap(),
        Window::parse(window).unwrap(),
    );
    let e = error_ratio.map(|e| parse::error_ratio(e).unwrap());
    let tiers = AlertTier::defaults_for(w.nominal_seconds(), None, None).unwrap();
    to_json(&Alerts::new(t, w, e, &tiers))
}

fn what_if(
    target: &str,
    rps: f64,
    baseline: &str,
    incidents: &[(&str, &str, &str)],
    latency: Option<(&str, f64)>,
) -> Value {
    let window = 30 * 86_400;
    let scenario = Scenario {
        target: parse_target(target).unwrap(),
        window_seconds: window,
        tiers: AlertTier::defaults_for(window, None, None).unwrap(),
        requests_per_second: rps,
        baseline_error_ratio: parse::error_ratio(baseline).unwrap(),
        incidents: incidents
            .iter()
            .map(|(s, d, e)| Incident {
                start_seconds: parse_offset(s).unwrap(),
                duration_seconds: parse_duration(d).unwrap(),
                error_ratio: parse::error_ratio(e).unwrap(),
            })
            .collect(),
        latency: latency.map(|(b, threshold_ms)| LatencyScenario {
            buckets: parse_buckets(b).unwrap(),
            threshold_ms,
        }),
    };
    assert!(scenario.validate().is_empty());
    to_json(&WhatIf::new(&scenario, &simulate(&scenario)))
}

fn composite(parts: &[(&str, usize)]) -> Value {
    let service = Component::Serial(
        parts
            .iter()
            .map(|(a, n)| {
                Component::Redundant(vec![Component::Leaf(parse::availability(a).unwrap()); *n])
            })
            .collect(),
    );
    to_json(&Composite::new(&service))
}

/// What the filter would answer for examples/checkout.json after a day at 10 rps whose last
/// `bad_minutes` minutes, on the first SLO only, had `bad_per_minute` of their 600 requests
/// fail.
fn status(bad_minutes: u64, bad_per_minute: u32) -> Value {
    let spec = Spec::from_json(include_str!("../../../examples/checkout.json")).unwrap();
    let now: u64 = 1_795_780_800;
    let slos = spec
        .slos()
        .enumerate()
        .map(|(i, slo)| {
            let mut counters = SloCounters::new(slo);
            for minute in (0..24 * 60).rev() {
                let bad = if i == 0 && minute < bad_minutes {
                    bad_per_minute
                } else {
                    0
                };
                counters.record(now - minute * 60, 600 - bad, bad);
            }
            let status = evaluate(slo, &counters, now);
            // The proxy started with this history.
            SloState::new(slo, &status, status.counts)
        })
        .collect();
    to_json(&Status {
        generated_at_seconds: now,
        slos,
    })
}

fn main() {
    const BUCKETS: &str = "50:7000, 100:2500, 250:450, 500:45, +Inf:5";
    let demo_incidents = [
        ("3d", "20m", "25%"),
        ("12d6h", "4h", "1%"),
        ("21d", "2d", "0.2%"),
    ];
    let out = json!({
        "budget_999_30d_1m": budget("99.9", "30d", Some(1_000_000)),
        "budget_9995_28d": budget("99.95", "28d", None),
        "budget_999_month": budget("99.9", "month", None),
        "alerts_999_30d_2pct": alerts("99.9", "30d", Some("2%")),
        "alerts_99_7d": alerts("99", "7d", None),
        "alerts_90_30d": alerts("90", "30d", None),
        "whatif_demo": what_if("99.9", 50.0, "0.02%", &demo_incidents, Some((BUCKETS, 500.0))),
        "whatif_outage": what_if("99.9", 50.0, "0.02%", &[("1d", "2h", "100%")], Some((BUCKETS, 500.0))),
        "whatif_demo_9995": what_if("99.95", 50.0, "0.02%", &demo_incidents, Some((BUCKETS, 500.0))),
        "composite_demo": composite(&[("99.99%", 1), ("99.9%", 3), ("99.95%", 2)]),
        "composite_two_serial": composite(&[("99.9%", 1), ("99.9%", 1)]),
        // Ten minutes at 10% errors: enough to fire the fast page.
        "status": status(10, 60),
        // A whole day at 10% errors: 86,400 bad of the 864 a 30-day 99.9% budget allows.
        "status_overspent": status(24 * 60, 60),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
