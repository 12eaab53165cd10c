//! The browser tests' oracle: the core's answers, computed natively (not through wasm),
//! for the inputs the tests type into the elements. Prints one JSON document.
//!
//! cargo run -q -p slo-web --example core_values

use serde_json::{json, Value};
use slo_core::alerts::{analyze_tiers, AlertTier};
use slo_core::budget::{allowed_downtime_seconds, budget_report};
use slo_core::composite::Component;
use slo_core::duration::{humanize_seconds, parse_duration, parse_offset};
use slo_core::format;
use slo_core::parse;
use slo_core::target::{format_target, parse_target};
use slo_core::whatif::parse_buckets;
use slo_core::whatif::{simulate, Incident, LatencyScenario, Scenario};
use slo_core::window::Window;

fn budget(target: &str, window: &str, requests: Option<u64>) -> Value {
    let (t, w) = (
        parse_target(target).unwrap(),
        Window::parse(window).unwrap(),
    );
    let r = budget_report(t, w.nominal_seconds(), requests);
    json!({
        "downtime": humanize_seconds(r.allowed_downtime_seconds),
        "error_budget": format::percent(r.error_budget_ratio),
        "periods": r.periods.iter().map(|(name, _, s)| json!([name, humanize_seconds(*s)])).collect::<Vec<_>>(),
        "allowed_bad_requests": r.allowed_bad_requests.map(|n| n.to_string()),
    })
}

fn alerts(target: &str, window: &str, error_ratio: Option<&str>) -> Value {
    let (t, w) = (
        parse_target(target).unwrap(),
        Window::parse(window).unwrap(),
    );
    let e = error_ratio.map(|e| parse::error_ratio(e).unwrap());
    let tiers = analyze_tiers(
        &AlertTier::defaults_for(w.nominal_seconds(), None, None).unwrap(),
        t,
        w.nominal_seconds(),
        e,
    );
    json!(tiers
        .iter()
        .map(|a| json!({
            "name": a.name,
            "burn_rate": format::burn_rate(a.burn_rate),
            "error_ratio": format::percent(a.error_ratio_threshold),
            "can_fire": a.can_fire,
            "detects": a.detection_seconds.map(humanize_seconds),
        }))
        .collect::<Vec<_>>())
}

fn what_if(
    target: &str,
    rps: f64,
    baseline: &str,
    incidents: &[(&str, &str, &str)],
    latency: Option<(&str, f64)>,
) -> Value {
    let t = parse_target(target).unwrap();
    let window = 30 * 86_400;
    let scenario = Scenario {
        target: t,
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
    let sim = simulate(&scenario);
    json!({
        "target": format_target(t),
        "consumed": format::percent(sim.budget_consumed),
        "remaining": format::percent(1.0 - sim.budget_consumed),
        "exhausted_at_seconds": sim.exhausted_at_seconds,
        "exhausted": sim.exhausted_at_seconds.map_or("never".into(), |s| format!("+{}", humanize_seconds(s))),
        "firings": sim.tiers.iter().map(|t| json!({
            "name": t.name,
            "fires_at_seconds": t.firings.iter().map(|f| f.fires_at_seconds).collect::<Vec<_>>(),
            "resets_at_seconds": t.firings.iter().map(|f| f.resets_at_seconds).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "budget_at_end": sim.budget_remaining.last(),
    })
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
    let Component::Serial(deps) = &service else {
        unreachable!()
    };
    let month = |a: f64| humanize_seconds(allowed_downtime_seconds(a, 30 * 86_400));
    json!({
        "availability": format::availability(service.availability()),
        "downtime_per_month": month(service.availability()),
        "dependencies": deps.iter().map(|d| month(d.availability())).collect::<Vec<_>>(),
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
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
