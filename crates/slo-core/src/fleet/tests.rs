//! The fleet view on Prometheus answers written here, as the HTTP API gives them.

use super::*;
use serde_json::{json, Value};

const AT: u64 = 1_800_000_000;

fn vector(series: &[(Value, &str)]) -> String {
    let result: Vec<Value> = series
        .iter()
        .map(|(labels, value)| json!({"metric": labels, "value": [AT as f64 + 0.5, value]}))
        .collect();
    json!({"status": "success", "data": {"resultType": "vector", "result": result}}).to_string()
}

fn ids(service: &str, slo: &str, name: &str) -> Value {
    json!({"__name__": name, "service": service, "slo": slo})
}

/// Two SLOs of `shop`: checkout (request, 99%, 1d, one page tier) and app (a
/// Prometheus SLI), with `checkout` given `ratios` and `alerts`, its sources as given.
fn answers(
    checkout_ratios: &[(&str, &str)],
    alerts: &[(Value, &str)],
    sources: (&str, &str),
) -> String {
    let info = |slo: &str, sli: &str| {
        let mut l = ids("shop", slo, "slo:info");
        l["sli"] = json!(sli);
        l["window"] = json!("1d");
        l["objective"] = json!("99%");
        l["cluster"] = json!("eu-1");
        (l, "1")
    };
    let each = |name: &str, value: &'static str| -> Vec<(Value, &str)> {
        vec![
            (ids("shop", "checkout", name), value),
            (ids("shop", "app", name), value),
        ]
    };
    let mut ratios: Vec<(Value, &str)> = checkout_ratios
        .iter()
        .map(|(w, v)| {
            (
                ids("shop", "checkout", &format!("slo:error_ratio:rate{w}")),
                *v,
            )
        })
        .collect();
    ratios.push((ids("shop", "app", "slo:error_ratio:rate1d"), "0"));
    let tier = |slo: &str| {
        let mut l = ids("shop", slo, "slo:tier:burn_rate_threshold");
        for (k, v) in [
            ("slo_tier", "page"),
            ("severity", "page"),
            ("long_window", "1m30s"),
            ("short_window", "1m"),
        ] {
            l[k] = json!(v);
        }
        (l, "25")
    };
    let mut out = vec![
        vector(&[info("checkout", "request"), info("app", "prometheus")]),
        vector(&each("slo:objective:ratio", "0.99")),
        vector(&each("slo:time_period:days", "1")),
        vector(&each("slo:error_budget_remaining:ratio", "0.75")),
        vector(&ratios),
        vector(&[tier("checkout"), tier("app")]),
        vector(alerts),
    ];
    let count = |v: &str| vector(&[(json!({"slo": "checkout"}), v)]);
    out.push(if sources.0.is_empty() {
        vector(&[])
    } else {
        count(sources.0)
    });
    out.push(if sources.1.is_empty() {
        vector(&[])
    } else {
        count(sources.1)
    });
    out.join("\n")
}

fn firing(slo: &str, tier: Option<&str>, state: &str) -> (Value, &'static str) {
    let mut l = json!({"__name__": "ALERTS", "service": "shop", "slo": slo, "alertstate": state, "severity": "page"});
    match tier {
        Some(t) => {
            l["alertname"] = json!("SloErrorBudgetBurn");
            l["slo_tier"] = json!(t);
        }
        None => l["alertname"] = json!("SloMetricAbsent"),
    }
    (l, "1")
}

fn checkout(fleet: &Fleet) -> &FleetSlo {
    fleet.slos.iter().find(|s| s.slo == "checkout").unwrap()
}

#[test]
fn one_query_per_kind_of_series_all_at_the_same_instant() {
    let queries = instant_queries();
    let names: Vec<&str> = queries.iter().map(|q| q.name).collect();
    assert_eq!(
        names,
        [
            "info",
            "objective",
            "period",
            "budget",
            "ratios",
            "tiers",
            "alerts",
            "reporting",
            "down"
        ]
    );
    assert_eq!(
        queries[4].promql,
        r#"{__name__=~"slo:error_ratio:rate.+|slo:bad_slices:ratio.+"}"#
    );
    assert_eq!(
        queries[6].promql,
        r#"ALERTS{slo_tier!=""} or ALERTS{alertname="SloMetricAbsent"}"#
    );
    assert_eq!(
        queries[8].promql,
        "count by (slo) (group by (slo, job, instance) (last_over_time(slo_requests_total[1h])) and on (job, instance) (up == 0))"
    );
    assert_eq!(
        queries[0].path(AT),
        format!("/api/v1/query?query=slo%3Ainfo&time={AT}")
    );
}

#[test]
fn reads_each_slo_with_its_figures_and_words() {
    let text = answers(
        &[("1d", "0.0025"), ("1m30s", "0.3"), ("1m", "0.26")],
        &[firing("checkout", Some("page"), "firing")],
        ("2", ""),
    );
    let fleet = read(&text, AT).unwrap();
    assert_eq!(fleet.at_seconds, AT);
    assert_eq!(fleet.at_text, crate::window::format_utc(AT));
    assert_eq!(fleet.summary_text, "2 SLOs: 1 page firing, 1 ok");
    let slo = checkout(&fleet);
    assert_eq!(
        (slo.service.as_str(), slo.sli.as_str(), slo.window.as_str()),
        ("shop", "request", "1d")
    );
    assert_eq!(
        slo.labels,
        vec![FleetLabel {
            name: "cluster".into(),
            value: "eu-1".into()
        }]
    );
    assert_eq!(
        (slo.objective, slo.objective_text.as_str()),
        (Some(0.99), "99%")
    );
    assert_eq!(slo.window_seconds, Some(86_400));
    assert_eq!(
        (slo.sli_ratio, slo.sli_text.as_str()),
        (Some(0.9975), "99.75%")
    );
    assert_eq!(slo.error_budget_remaining_ratio_text, "75%");
    assert_eq!(slo.error_budget_spent_text, "25% of the budget spent");
    let tier = &slo.tiers[0];
    assert_eq!(
        (
            tier.long_burn_rate_text.as_str(),
            tier.short_burn_rate_text.as_str()
        ),
        ("30x", "26x")
    );
    assert!(tier.firing);
    assert_eq!(
        tier.text,
        "page (page): 30x over 1m30s, 26x over 1m; fires above 25x: firing"
    );
    assert_eq!(
        (slo.state, slo.state_text.as_str(), slo.state_rank),
        ("page", "page firing: page", 2)
    );
    assert_eq!(slo.data_text, "2 sources reporting");
    let app = &fleet.slos[0];
    assert_eq!(
        (app.slo.as_str(), app.state, app.sources_reporting),
        ("app", "ok", None)
    );
    assert_eq!(app.data_text, "its source's series are present");
    assert_eq!(app.tiers[0].long_burn_rate_text, "no data");
}

#[test]
fn a_pending_tier_is_marked_but_not_firing() {
    let text = answers(
        &[("1d", "0"), ("1m30s", "0.3"), ("1m", "0.3")],
        &[firing("checkout", Some("page"), "pending")],
        ("2", ""),
    );
    let slo = checkout(&read(&text, AT).unwrap()).clone();
    assert_eq!(
        (slo.tiers[0].alert_state, slo.tiers[0].firing, slo.state),
        ("pending", false, "ok")
    );
}

#[test]
fn a_stopped_source_is_partial_data_and_all_stopped_is_no_data() {
    let ratios = [("1d", "0"), ("1m30s", "0"), ("1m", "0")];
    let partial = read(&answers(&ratios, &[], ("1", "1")), AT).unwrap();
    let slo = checkout(&partial);
    assert_eq!(
        (slo.state, slo.state_text.as_str()),
        ("partial_data", "partial data")
    );
    assert_eq!(
        slo.data_text,
        "1 of 2 sources down: the figures count only the 1 reporting"
    );
    assert_eq!(
        (slo.sources_reporting, slo.sources_down),
        (Some(1), Some(1))
    );
    // Even with a tier firing, missing data comes first.
    let both = read(
        &answers(
            &ratios,
            &[firing("checkout", Some("page"), "firing")],
            ("1", "1"),
        ),
        AT,
    )
    .unwrap();
    assert_eq!(checkout(&both).state, "partial_data");
    let none = read(&answers(&ratios, &[], ("", "2")), AT).unwrap();
    assert_eq!(
        checkout(&none).data_text,
        "all 2 sources that reported within the hour are down"
    );
    assert_eq!(none.summary_text, "2 SLOs: 1 no data, 1 ok");
}

#[test]
fn an_slo_without_series_is_no_data_not_good() {
    // No recorded ratio at all (its source never reported), no counted source.
    let never = read(&answers(&[], &[], ("", "")), AT).unwrap();
    let slo = checkout(&never);
    assert_eq!((slo.state, slo.sli_text.as_str()), ("no_data", "no data"));
    assert_eq!(
        (slo.state_text.as_str(), slo.data_text.as_str()),
        ("no data", "no source reports its series")
    );
    // The absent alert fires.
    let absent = read(
        &answers(
            &[("1d", "0")],
            &[firing("checkout", None, "firing")],
            ("2", ""),
        ),
        AT,
    )
    .unwrap();
    assert_eq!(
        checkout(&absent).data_text,
        "no series from its source (its absent alert fires)"
    );
    // Sources report but nothing was counted in the window: 0/0.
    let quiet = read(&answers(&[("1d", "NaN")], &[], ("2", "")), AT).unwrap();
    assert_eq!(checkout(&quiet).data_text, "no events in its window");
    assert_eq!(checkout(&quiet).sli_ratio, None);
}

#[test]
fn bad_answers_are_named_by_their_query_all_at_once() {
    let good = vector(&[]);
    let mut parts = vec![good.clone(); 9];
    parts[1] = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#.into();
    parts[3] =
        json!({"status": "success", "data": {"resultType": "matrix", "result": []}}).to_string();
    let errors = read(&parts.join("\n"), AT).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(
        shown[0].starts_with(
            "objective: Prometheus answered an error (bad_data: parse error); allowed:"
        ),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("budget: data.resultType is not \"vector\""),
        "{shown:?}"
    );
    let short = read(&vec![good; 8].join("\n"), AT).unwrap_err();
    assert_eq!(short[0].path, "down");
    assert!(short[0].message.starts_with("no answer"));
}

#[test]
fn no_rules_says_what_to_load() {
    let fleet = read(&vec![vector(&[]); 9].join(""), AT).unwrap();
    assert!(fleet.slos.is_empty());
    assert_eq!(
        fleet.summary_text,
        "no SLOs: the server has no slo:info series (load the rules `slo rules` writes)"
    );
}

#[test]
fn the_step_fits_the_width_in_whole_minutes() {
    assert_eq!(step_for_width(86_400, 600), 180);
    assert_eq!(step_for_width(86_400, 1440), 60);
    assert_eq!(step_for_width(3600, 1000), 60);
    assert_eq!(step_for_width(30 * 86_400, 0), 1_296_000);
    let plan = RangePlan::new("x".into(), "up".into(), AT + 100, 86_400, 600);
    assert_eq!(
        (plan.end, plan.end - plan.start, plan.points()),
        (AT + 100, 86_400, 481)
    );
    let uneven = RangePlan::new("x".into(), "up".into(), AT, 3_600 * 25, 1000);
    assert_eq!((uneven.step, uneven.end - uneven.start), (120, 90_000));
    let uneven = RangePlan::new("x".into(), "up".into(), AT, 100_000, 600);
    assert_eq!((uneven.step, uneven.end - uneven.start), (180, 99_900));
    assert_eq!(
        plan.align(&[(plan.start, 1.0), (plan.end, 2.0), (plan.start + 7, 3.0)])
            .iter()
            .filter(|v| !v.is_nan())
            .count(),
        2
    );
}

fn matrix(series: &[(Value, Vec<(u64, &str)>)]) -> String {
    let result: Vec<Value> = series
        .iter()
        .map(|(labels, points)| json!({"metric": labels, "values": points.iter().map(|(t, v)| json!([*t, v])).collect::<Vec<_>>()}))
        .collect();
    json!({"status": "success", "data": {"resultType": "matrix", "result": result}}).to_string()
}

#[test]
fn one_sparkline_query_per_window_length() {
    let text = answers(&[("1d", "0")], &[], ("2", ""));
    let mut fleet = read(&text, AT).unwrap();
    let plans = sparkline_plans(&fleet, AT, 120);
    assert_eq!(plans.len(), 1);
    assert_eq!(
        plans[0].promql,
        "slo:error_budget_remaining:ratio and on (service, slo) (slo:time_period:days == 1)"
    );
    let p = &plans[0];
    let answer = matrix(&[(
        json!({"service": "shop", "slo": "checkout"}),
        vec![(p.start, "1"), (p.end, "0.5")],
    )]);
    add_sparklines(&mut fleet, &plans, &answer).unwrap();
    let series = &checkout(&fleet).budget_series;
    assert_eq!(
        (series.len(), series[0], series[series.len() - 1]),
        (p.points(), 1.0, 0.5)
    );
    let slo = checkout(&fleet);
    assert_eq!(
        slo.budget_series_text,
        format!(
            "Budget left over the 1d window, from 100% to {}",
            slo.error_budget_remaining_ratio_text
        )
    );
    assert!(fleet.slos[0].budget_series.is_empty());
    assert_eq!(fleet.slos[0].budget_series_text, "no history yet");
}

#[test]
fn the_detail_reads_budget_burn_events_and_alert_spans() {
    let fleet = read(&answers(&[("1d", "0")], &[], ("2", "")), AT).unwrap();
    let slo = checkout(&fleet);
    let plans = detail_plans(slo, AT, 480).unwrap();
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["budget", "burn", "events", "bad events", "alerts"]);
    assert_eq!(
        plans[1].promql,
        r#"{__name__=~"(slo:error_ratio:rate|slo:bad_slices:ratio)(1m|1m30s)",service="shop",slo="checkout"}"#
    );
    assert_eq!(
        plans[2].promql,
        r#"sum_over_time(slo:events:increase1m{service="shop",slo="checkout"}[3m])"#
    );
    let p = &plans[0];
    let (s, e) = (p.start, p.end);
    let id = json!({"service": "shop", "slo": "checkout"});
    let mut burn_labels = id.clone();
    burn_labels["__name__"] = json!("slo:error_ratio:rate1m30s");
    let mut alert = id.clone();
    for (k, v) in [
        ("alertname", "SloErrorBudgetBurn"),
        ("slo_tier", "page"),
        ("severity", "page"),
    ] {
        alert[k] = json!(v);
    }
    let text = [
        matrix(&[(id.clone(), vec![(s, "1"), (e, "0.5")])]),
        matrix(&[(burn_labels, vec![(e, "0.3")])]),
        matrix(&[(id.clone(), vec![(e, "100")])]),
        matrix(&[(id.clone(), vec![(e, "40")])]),
        matrix(&[(
            alert,
            vec![(s + 180, "1"), (s + 360, "1"), (e - 180, "1"), (e, "1")],
        )]),
    ]
    .join("\n");
    let detail = read_detail(slo, &plans, &text).unwrap();
    assert_eq!(
        (detail.step_seconds, detail.step_text.as_str()),
        (180, "one point per 3m")
    );
    assert_eq!(detail.budget_remaining.last(), Some(&0.5));
    assert_eq!(detail.burn_rates[0].window, "1m30s");
    assert!((detail.burn_rates[0].burn_rates.last().unwrap() - 30.0).abs() < 1e-9);
    assert_eq!(
        (detail.good_events.last(), detail.bad_events.last()),
        (Some(&60.0), Some(&40.0))
    );
    // A step without events is a gap in both series, not 0 good events.
    assert!(detail.good_events[1].is_nan() && detail.bad_events[1].is_nan());
    assert_eq!(detail.alerts.len(), 2);
    assert_eq!(
        detail.alerts[0].text,
        format!(
            "SloErrorBudgetBurn page: fired {} for 6 min",
            crate::window::format_utc(s + 180)
        )
    );
    assert!(detail.alerts[1].still_firing);
    assert_eq!(detail.alerts_text, "2 alerts fired in the window");
    assert_eq!(detail.backtest_counts, "bad");
    assert_eq!(
        detail.backtest_total.as_deref(),
        Some(r#"sum(slo:events:increase1m{service="shop",slo="checkout"})"#)
    );
}
