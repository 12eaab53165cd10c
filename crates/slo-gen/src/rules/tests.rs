//! The generated rules read directly: which groups an SLO gets, what each records and
//! what each window reads.

use super::{render, Format};
use serde_json::{json, Value};
use slo_core::spec::Spec;

/// The rule file for one SLO of service `shop`, as JSON.
fn rules_of(slo: Value) -> Value {
    let spec = Spec::from_value(&json!({"services": [{"name": "shop", "slos": [slo]}]}), "")
        .expect("a valid spec");
    serde_yaml_ng::from_str(&render(&spec, &Format::RuleFile)).expect("YAML")
}

fn group<'a>(rules: &'a Value, name: &str) -> &'a Value {
    rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("no group {name} in {rules}"))
}

fn group_names(rules: &Value) -> Vec<&str> {
    let groups = rules["groups"].as_array().unwrap();
    groups.iter().map(|g| g["name"].as_str().unwrap()).collect()
}

/// The expression recorded as `record` in `group`.
fn expr<'a>(group: &'a Value, record: &str) -> &'a str {
    group["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record"] == record)
        .and_then(|r| r["expr"].as_str())
        .unwrap_or_else(|| panic!("no record {record} in {group}"))
}

fn request_slo() -> Value {
    json!({"name": "api", "target": 0.999, "window": "30d", "sli": {"bad": {"status": ["5xx"]}}})
}

#[test]
fn a_request_slo_records_its_steps_and_sums_them_over_long_windows() {
    let rules = rules_of(request_slo());
    assert_eq!(group_names(&rules), ["slo-api:steps", "slo-api"]);
    let steps = group(&rules, "slo-api:steps");
    assert_eq!(steps["interval"], "1m");
    assert_eq!(
        expr(steps, "slo:events:increase1m"),
        "sum by (slo) (\n(slo_requests_total{slo=\"api\"} - slo_requests_total{slo=\"api\"} offset 1m) >= 0\nor\nslo_requests_total{slo=\"api\"} < slo_requests_total{slo=\"api\"} offset 1m\n)"
    );
    let bad = expr(steps, "slo:bad_events:increase1m");
    assert!(
        bad.starts_with("(\nsum by (slo) (\n(slo_requests_total{slo=\"api\",outcome=\"bad\"} - ")
            && bad.ends_with("or on(slo)\nslo:events:increase1m{slo=\"api\"} * 0\n)"),
        "{bad}"
    );
    let main = group(&rules, "slo-api");
    assert_eq!(main.get("interval"), None, "the server's own interval");
    assert_eq!(
        expr(main, "slo:error_ratio:rate30d"),
        "sum_over_time(slo:bad_events:increase1m{slo=\"api\"}[29d23h59m59s])\n/\nsum_over_time(slo:events:increase1m{slo=\"api\"}[29d23h59m59s])"
    );
    assert!(expr(main, "slo:error_ratio:rate1h").starts_with("sum_over_time("));
    // Windows under an hour stay on the raw series, as fresh as the last scrape.
    for short in ["5m", "30m"] {
        assert_eq!(
            expr(main, &format!("slo:error_ratio:rate{short}")),
            format!("sum by (slo) (rate(slo_requests_total{{slo=\"api\",outcome=\"bad\"}}[{short}]))\n/\nsum by (slo) (rate(slo_requests_total{{slo=\"api\"}}[{short}]))")
        );
    }
    assert_eq!(
        expr(main, "slo:error_budget_remaining:ratio"),
        "1 - slo:error_ratio:rate30d{slo=\"api\"} / 0.001"
    );
}

#[test]
fn a_tiers_minimum_event_count_sums_the_steps() {
    let mut slo = request_slo();
    slo["alerts"] = json!({"tiers": [
        {"name": "page", "severity": "page", "burn_rate": 14.4, "long_window": "1h", "short_window": "5m", "min_events_per_second": 1},
        {"name": "page-short", "severity": "page", "burn_rate": 20, "long_window": "30m", "short_window": "5m", "min_events_per_second": 1},
    ]});
    let rules = rules_of(slo);
    let main = group(&rules, "slo-api");
    assert_eq!(
        expr(main, "slo:requests:increase1h"),
        "sum_over_time(slo:events:increase1m{slo=\"api\"}[59m59s])"
    );
    assert_eq!(
        expr(main, "slo:requests:increase30m"),
        "sum by (slo) (increase(slo_requests_total{slo=\"api\"}[30m]))"
    );
}

#[test]
fn a_prometheus_ratio_records_its_selectors_steps_by_its_grouping() {
    let rules = rules_of(
        json!({"name": "orders", "target": 0.99, "window": "28d", "sli": {"prometheus": {
            "good": "http_requests_total{job=\"orders\",code!~\"5..\"}",
            "total": "http_requests_total{job=\"orders\"}",
            "grouping": ["route"]
        }}}),
    );
    let steps = group(&rules, "slo-orders:steps");
    assert!(expr(steps, "slo:events:increase1m").starts_with(
        "sum by (route) (\n(http_requests_total{job=\"orders\"} - http_requests_total{job=\"orders\"} offset 1m) >= 0"
    ));
    // Good events counted: bad ones are the events recorded just before, less the good.
    let bad = expr(steps, "slo:bad_events:increase1m");
    assert!(
        bad.starts_with("slo:events:increase1m{slo=\"orders\"}\n- on(route)\n(\nsum by (route) (\n(http_requests_total{job=\"orders\",code!~\"5..\"} - "),
        "{bad}"
    );
    assert!(expr(group(&rules, "slo-orders"), "slo:error_ratio:rate28d")
        .starts_with("sum_over_time(slo:bad_events:increase1m{slo=\"orders\"}[27d23h59m59s])"));
}

#[test]
fn a_prometheus_expression_is_read_over_each_window_as_written() {
    let rules = rules_of(
        json!({"name": "orders", "target": 0.99, "window": "30d", "sli": {"prometheus": {
            "bad": "sum(rate(http_requests_total{code=~\"5..\"}[{{window}}]))",
            "total": "sum(rate(http_requests_total[{{window}}]))"
        }}}),
    );
    assert_eq!(group_names(&rules), ["slo-orders"]);
    assert!(expr(group(&rules, "slo-orders"), "slo:error_ratio:rate30d")
        .contains("sum(rate(http_requests_total[30d]))"));
}

#[test]
fn a_timeslice_slo_records_each_slices_verdict_once_and_counts_them() {
    let rules = rules_of(json!({"name": "catalog", "target": 0.995, "window": "30d",
        "budgeting": {"method": "timeslices", "slice": "5m", "slice_good_ratio": 0.95},
        "sli": {"bad": {"status": ["5xx"]}}}));
    assert_eq!(group_names(&rules), ["slo-catalog"]);
    let main = group(&rules, "slo-catalog");
    assert_eq!(main["interval"], "5m");
    assert_eq!(main["rules"][0]["record"], "slo:slice_bad:bool5m");
    assert_eq!(
        expr(main, "slo:slice_bad:bool5m"),
        "last_over_time((\n(sum by (slo) (rate(slo_requests_total{slo=\"catalog\",outcome=\"bad\"}[5m]))\n/\nsum by (slo) (rate(slo_requests_total{slo=\"catalog\"}[5m]))) >= 0\n)[4m59s:5m]) > bool 0.05"
    );
    assert_eq!(
        expr(main, "slo:bad_slices:ratio30d"),
        "sum_over_time(slo:slice_bad:bool5m{slo=\"catalog\"}[29d23h59m59s])\n/ 8640"
    );
    assert_eq!(
        expr(main, "slo:bad_slices:ratio5m"),
        "sum_over_time(slo:slice_bad:bool5m{slo=\"catalog\"}[4m59s])\n/ 1"
    );
}

#[test]
fn a_ratio_timeslice_slo_averages_its_recorded_slice_ratios() {
    let rules = rules_of(json!({"name": "catalog", "target": 0.995, "window": "30d",
        "budgeting": {"method": "ratio_timeslices", "slice": "1m"},
        "sli": {"bad": {"status": ["5xx"]}}}));
    let main = group(&rules, "slo-catalog");
    assert!(expr(main, "slo:slice_error_ratio:rate1m").ends_with(">= 0\n)[59s:1m])"));
    assert_eq!(
        expr(main, "slo:bad_slices:ratio30d"),
        "avg_over_time(slo:slice_error_ratio:rate1m{slo=\"catalog\"}[29d23h59m59s])"
    );
}

/// The alerts of the SLO `checkout`.
fn alerts_of(spec: &str) -> Vec<Value> {
    let spec = Spec::from_json(spec).unwrap();
    let yaml = render(&spec, &Format::RuleFile);
    let rules: Value = serde_yaml_ng::from_str(&yaml).unwrap();
    group(&rules, "slo-checkout")["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("alert").is_some())
        .cloned()
        .collect()
}

#[test]
fn an_slos_labels_and_annotations_are_on_its_alerts() {
    let alerts = alerts_of(
        r#"{"services":[{"name":"shop","slos":[{"name":"checkout","target":0.999,"window":"30d",
            "labels":{"team":"orders","owner":"slo"},"annotations":{"dashboard_url":"d","summary":"s"},
            "alerts":{"labels":{"owner":"alerts"}},
            "sli":{"bad":{"status":["5xx"]}}}]}]}"#,
    );
    assert!(!alerts.is_empty());
    for alert in &alerts {
        assert_eq!(alert["labels"]["team"], "orders", "{alert}");
        // The alerts' own labels are more particular than the SLO's.
        assert_eq!(alert["labels"]["owner"], "alerts", "{alert}");
        assert_eq!(alert["labels"]["slo"], "checkout", "{alert}");
        assert_eq!(alert["annotations"]["dashboard_url"], "d", "{alert}");
        // The no-data alert keeps its own summary: the spec's describes the burn.
        if alert["alert"] != "SloMetricAbsent" {
            assert_eq!(alert["annotations"]["summary"], "s", "{alert}");
        }
    }
}

#[test]
fn a_tiers_hold_time_is_its_alerts_for() {
    let alerts = alerts_of(
        r#"{"services":[{"name":"shop","slos":[{"name":"checkout","target":0.999,"window":"30d",
            "alerts":{"tiers":[{"name":"page","severity":"page","burn_rate":14.4,
                "long_window":"1h","short_window":"5m","for":"2m"}]},
            "sli":{"bad":{"status":["5xx"]}}}]}]}"#,
    );
    assert_eq!(alerts[0]["for"], "2m", "{}", alerts[0]);
}

#[test]
fn the_no_data_alert_says_its_own_words_and_is_not_written_with_alerting_off() {
    let spec = |alerts: &str| {
        format!(
            r#"{{"services":[{{"name":"shop","slos":[{{"name":"checkout","target":0.999,"window":"30d",
            "alerts":{{"annotations":{{"summary":"High error rate on checkout","runbook":"r"}}{alerts}}},
            "sli":{{"bad":{{"status":["5xx"]}}}}}}]}}]}}"#
        )
    };
    let absent: Vec<Value> = alerts_of(&spec(""))
        .into_iter()
        .filter(|a| a["alert"] == "SloMetricAbsent")
        .collect();
    let [absent] = absent.as_slice() else {
        panic!("one absent alert expected: {absent:?}")
    };
    assert_eq!(
        absent["annotations"]["summary"],
        "checkout: no data from its SLI source for 5m"
    );
    assert_eq!(
        absent["annotations"]["runbook"], "r",
        "the spec's other annotations stay"
    );
    let off = spec(r#","disable":["page-fast","page-slow","ticket-fast","ticket-slow"]"#);
    assert!(alerts_of(&off).is_empty(), "{:?}", alerts_of(&off));
}

#[test]
fn a_prometheus_rule_carries_the_name_namespace_and_labels_operators_select_on() {
    use super::resource::RuleResource;
    let spec = Spec::from_value(
        &json!({"services": [{"name": "shop", "slos": [request_slo()]}]}),
        "",
    )
    .unwrap();
    let resource = RuleResource {
        name: "shop-slos".into(),
        namespace: Some("monitoring".into()),
        labels: vec![
            ("prometheus".into(), "main".into()),
            ("role".into(), "alert-rules".into()),
        ],
    };
    let yaml = render(&spec, &Format::PrometheusRule(resource));
    let document: Value = serde_yaml_ng::from_str(&yaml).unwrap();
    assert_eq!(
        document["metadata"],
        json!({"name": "shop-slos", "namespace": "monitoring", "labels": {
            "app.kubernetes.io/managed-by": "slo", "prometheus": "main", "role": "alert-rules"}})
    );
}

#[test]
fn each_tier_is_recorded_with_its_threshold_severity_and_windows() {
    let rules = rules_of(request_slo());
    let main = group(&rules, "slo-api");
    let tiers: Vec<&Value> = main["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["record"] == "slo:tier:burn_rate_threshold")
        .collect();
    let shown: Vec<(String, &str, &Value)> = tiers
        .iter()
        .map(|r| {
            let l = &r["labels"];
            (
                format!(
                    "{} {} {}/{}",
                    l["slo_tier"].as_str().unwrap(),
                    l["severity"].as_str().unwrap(),
                    l["long_window"].as_str().unwrap(),
                    l["short_window"].as_str().unwrap()
                ),
                r["expr"].as_str().unwrap(),
                &l["service"],
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                "page-fast page 1h/5m".to_string(),
                "vector(14.4)",
                &json!("shop")
            ),
            (
                "page-slow page 6h/30m".to_string(),
                "vector(6)",
                &json!("shop")
            ),
            (
                "ticket-fast ticket 1d/2h".to_string(),
                "vector(3)",
                &json!("shop")
            ),
            (
                "ticket-slow ticket 3d/6h".to_string(),
                "vector(1)",
                &json!("shop")
            ),
        ]
    );
    // An SLO with alerting switched off has no tier to record.
    let mut off = request_slo();
    off["alerts"] = json!({"tiers": []});
    let rules = rules_of(off);
    let main = group(&rules, "slo-api");
    assert!(!main["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["record"] == "slo:tier:burn_rate_threshold"));
}
