//! Each result, rendered as JSON, has exactly the fields docs/results.md documents, and
//! the inputs here reach every one of them.

#[path = "support/results_doc.rs"]
mod results_doc;

use results_doc::assert_documented;
use serde_json::{json, Value};
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
            let status = evaluate(slo, &counters, now);
            // The proxy started with this history.
            SloState::new(slo, &status, status.counts)
        })
        .collect();
    let status = Status {
        generated_at_seconds: now,
        slos: states,
    };
    assert_documented("status", &[results::to_json(&status)]);
}

/// One-minute steps at 100 requests; an outage on day 3; an hour with no samples.
fn history(days: u64) -> slo_core::backtest::History {
    use slo_core::backtest::{Counts, History};
    let steps = (0..days * 24 * 60)
        .map(|m| match m {
            4320..4350 => Some(Counts {
                good: 0.0,
                bad: 100.0,
            }),
            5000..5060 => None,
            _ => Some(Counts {
                good: 100.0,
                bad: 0.0,
            }),
        })
        .collect();
    History {
        start_seconds: 1_788_220_800,
        step_seconds: MINUTE,
        steps,
    }
}

fn backtest(window: Window, days: u64, incidents: &[(u64, u64)]) -> Value {
    use slo_core::backtest::{run, Backtest as Input};
    let history = history(days);
    let input = Input {
        targets: vec![0.99, 0.999],
        tiers: AlertTier::defaults_for(window.nominal_seconds(), None, None).unwrap(),
        window,
        incidents: incidents
            .iter()
            .map(|&(start, end)| (history.start_seconds + start, history.start_seconds + end))
            .collect(),
        max_pages_per_30d: 1.0,
    };
    assert!(input.validate(&history).is_empty());
    results::to_json(&results::Backtest::new(&input, &run(&input, &history)))
}

#[test]
fn backtest_result() {
    let outage = 4320 * MINUTE;
    assert_documented(
        "backtest",
        &[
            backtest(
                window("30d"),
                40,
                &[(outage, outage + 1800), (DAY, DAY + 60)],
            ),
            backtest(window("month"), 10, &[]),
        ],
    );
}

#[test]
fn compliance() {
    use slo_core::backtest::{Counts, History};
    use slo_core::compliance::{report, Request};
    // Ten days against a 7-day window: a full week with the outage and the gap, and a
    // partial one.
    let week = Request {
        target: 0.999,
        window: window("7d"),
        tiers: AlertTier::defaults_for(7 * DAY, None, None).unwrap(),
        slo: Some("shop/checkout".into()),
        source: "history.csv".into(),
    };
    let history_10d = history(10);
    assert!(week.validate(&history_10d).is_empty());
    // A first hour without events: its window has no SLI.
    let quiet = History {
        start_seconds: 1_788_220_800,
        step_seconds: 3600,
        steps: [0.0, 10.0]
            .iter()
            .map(|&good| Some(Counts { good, bad: 0.0 }))
            .collect(),
    };
    let hourly = Request {
        window: window("1h"),
        tiers: Vec::new(),
        slo: None,
        ..week.clone()
    };
    assert!(hourly.validate(&quiet).is_empty());
    assert_documented(
        "compliance",
        &[
            results::to_json(&report(&week, &history_10d)),
            results::to_json(&report(&hourly, &quiet)),
        ],
    );
}

#[test]
fn draft() {
    use slo_core::draft::Draft;
    use slo_core::results::DraftReport;
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/checkout.json"
    ))
    .unwrap();
    // A valid draft with a dead exclusion (a warning), and a broken one.
    let warned = example.replace("\"5xx\"", "\"5xx\", 404");
    let broken = r#"{"services": [{"name": "s", "slos": [{"name": "X", "target": 2}]}]}"#;
    let reports: Vec<Value> = [example.as_str(), warned.as_str(), broken]
        .iter()
        .map(|text| results::to_json(&DraftReport::new(&Draft::read(text))))
        .collect();
    assert_documented("draft", &reports);
}

/// A Prometheus answer: `kind` `vector` (each series at `at`) or `matrix` (at each time).
fn prometheus_answer(kind: &str, series: &[(Value, f64)], times: &[u64]) -> String {
    let result: Vec<Value> = series
        .iter()
        .map(|(labels, value)| match kind {
            "vector" => json!({"metric": labels, "value": [times[0], value.to_string()]}),
            _ => json!({"metric": labels, "values": times.iter().map(|t| json!([t, value.to_string()])).collect::<Vec<_>>()}),
        })
        .collect();
    json!({"status": "success", "data": {"resultType": kind, "result": result}}).to_string()
}

#[test]
fn fleet_and_its_detail() {
    use slo_core::fleet;
    let at = 1_800_000_000;
    let id = |name: &str, more: &[(&str, &str)]| {
        let mut labels = json!({"__name__": name, "service": "shop", "slo": "checkout"});
        for (k, v) in more {
            labels[*k] = json!(v);
        }
        labels
    };
    let tier = [
        ("slo_tier", "page"),
        ("severity", "page"),
        ("long_window", "1h"),
        ("short_window", "5m"),
    ];
    let vector = |series: &[(Value, f64)]| prometheus_answer("vector", series, &[at]);
    let answers = [
        vector(&[(
            id(
                "slo:info",
                &[("sli", "request"), ("window", "1d"), ("cluster", "eu")],
            ),
            1.0,
        )]),
        vector(&[(id("slo:objective:ratio", &[]), 0.99)]),
        vector(&[(id("slo:time_period:days", &[]), 1.0)]),
        vector(&[(id("slo:error_budget_remaining:ratio", &[]), 0.5)]),
        vector(&[
            (id("slo:error_ratio:rate1d", &[]), 0.005),
            (id("slo:error_ratio:rate1h", &[]), 0.2),
        ]),
        vector(&[(id("slo:tier:burn_rate_threshold", &tier), 14.4)]),
        vector(&[(
            id(
                "ALERTS",
                &[
                    ("alertname", "SloErrorBudgetBurn"),
                    ("slo_tier", "page"),
                    ("alertstate", "firing"),
                    ("severity", "page"),
                ],
            ),
            1.0,
        )]),
        vector(&[(json!({"slo": "checkout"}), 2.0)]),
        vector(&[]),
    ];
    let fleet = fleet::read(&answers.join("\n"), at).unwrap();
    let slo = &fleet.slos[0];
    let plans = fleet::detail_plans(slo, at, 100).unwrap();
    let times: Vec<u64> = (0..plans[0].points() as u64)
        .map(|i| plans[0].start + i * plans[0].step)
        .collect();
    let matrix = |series: &[(Value, f64)]| prometheus_answer("matrix", series, &times);
    let detail_answers = [
        matrix(&[(id("x", &[]), 0.5)]),
        matrix(&[(id("slo:error_ratio:rate1h", &[]), 0.2)]),
        matrix(&[(id("x", &[]), 10.0)]),
        matrix(&[(id("x", &[]), 1.0)]),
        matrix(&[(
            id(
                "ALERTS",
                &[("alertname", "SloMetricAbsent"), ("severity", "page")],
            ),
            1.0,
        )]),
    ];
    let detail = fleet::read_detail(slo, &plans, &detail_answers.join("\n")).unwrap();
    // An SLO of another source with nothing recorded: its figures are null.
    let bare = [vector(&[(id("slo:info", &[("sli", "prometheus")]), 1.0)])]
        .into_iter()
        .chain(std::iter::repeat_n(vector(&[]), 8))
        .collect::<Vec<_>>()
        .join("\n");
    let bare = fleet::read(&bare, at).unwrap();
    assert_documented(
        "fleet",
        &[results::to_json(&fleet), results::to_json(&bare)],
    );
    assert_documented("fleet_detail", &[results::to_json(&detail)]);
}
