//! The dashboards read directly: every query reads a series the rules record for the same
//! spec, every SLO and tier has its figures, thresholds are the core's, and the output is
//! deterministic.

use super::{render, uid, Dashboard};
use crate::rules;
use crate::rules::windows::burn_record;
use serde_json::{json, Value};
use slo_core::alerts::analyze_tiers;
use slo_core::spec::Spec;
use std::collections::BTreeSet;

/// Every kind of SLO the rules read differently: a request SLO recorded per step (default
/// tiers), one over 28 days (scaled windows, a renamed alert), a timeslice SLO with its
/// own tiers, and a Prometheus SLI written as grouped expressions (nothing recorded per step).
fn spec() -> Spec {
    Spec::from_value(
        &json!({"services": [
            {"name": "shop", "slos": [
                {"name": "checkout", "target": 0.999, "window": "30d",
                 "sli": {"bad": {"status": ["5xx"]}}},
                {"name": "checkout-latency", "target": 0.99, "window": "28d",
                 "sli": {"latency": {"threshold_ms": 300}},
                 "alerts": {"name": "CheckoutSlow", "disable": ["ticket-slow"]}},
            ]},
            {"name": "catalog", "slos": [
                {"name": "catalog", "target": 0.995, "window": "month",
                 "budgeting": {"method": "timeslices", "slice": "5m", "slice_good_ratio": 0.95},
                 "sli": {"bad": {"status": ["5xx"]}},
                 "alerts": {"tiers": [
                     {"name": "page-fast", "severity": "page", "burn_rate": 20, "long_window": "1h", "short_window": "5m"}]}},
                {"name": "by-route", "target": 0.995, "window": "30d",
                 "sli": {"prometheus": {
                     "good": "sum by (route) (rate(http_requests_total{code!~\"5..\"}[{{window}}]))",
                     "total": "sum by (route) (rate(http_requests_total[{{window}}]))",
                     "grouping": ["route"]}}},
            ]},
        ]}),
        "",
    )
    .expect("a valid spec")
}

fn dashboard(spec: &Spec, which: Dashboard) -> Value {
    serde_json::from_str(&render(spec, which)).expect("JSON")
}

fn panels(board: &Value) -> &Vec<Value> {
    board["panels"].as_array().unwrap()
}

fn exprs(panel: &Value) -> Vec<&str> {
    (panel["targets"].as_array().unwrap().iter())
        .map(|t| t["expr"].as_str().unwrap())
        .collect()
}

fn panel<'a>(board: &'a Value, title: &str) -> &'a Value {
    (panels(board).iter())
        .find(|p| p["title"].as_str().unwrap().starts_with(title))
        .unwrap_or_else(|| panic!("no panel {title}"))
}

/// The series names an expression selects (`name{...}`).
fn series_read(expr: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut name = String::new();
    for c in expr.chars() {
        match c {
            '{' if !name.is_empty() => {
                names.insert(std::mem::take(&mut name));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == ':' => name.push(c),
            _ => name.clear(),
        }
    }
    names
}

#[test]
fn every_query_reads_a_series_the_rules_record() {
    let spec = spec();
    let rules: Value =
        serde_yaml_ng::from_str(&rules::render(&spec, &rules::Format::RuleFile)).unwrap();
    let mut recorded: BTreeSet<String> = BTreeSet::from(["ALERTS".to_string()]);
    for group in rules["groups"].as_array().unwrap() {
        for rule in group["rules"].as_array().unwrap() {
            if let Some(record) = rule["record"].as_str() {
                recorded.insert(record.to_string());
            }
        }
    }
    let mut read = 0;
    for which in Dashboard::ALL {
        let board = dashboard(&spec, which);
        for panel in panels(&board) {
            for expr in exprs(panel) {
                let names = series_read(expr);
                assert!(!names.is_empty(), "{expr}");
                for name in names {
                    assert!(recorded.contains(&name), "{name} in {expr} is not recorded");
                    read += 1;
                }
            }
        }
    }
    assert!(read > 40, "{read}");
}

#[test]
fn every_slo_has_its_sli_over_its_own_window() {
    let spec = spec();
    let board = dashboard(&spec, Dashboard::Detail);
    let sli = exprs(panel(&board, "SLI over the window"))[0];
    for (slo, record) in [
        ("checkout", "slo:error_ratio:rate30d"),
        ("checkout-latency", "slo:error_ratio:rate28d"),
        ("catalog", "slo:bad_slices:ratio30d"),
        ("by-route", "slo:error_ratio:rate30d"),
    ] {
        let part = format!("1 - {record}{{slo=\"{slo}\",slo=~\"$slo\"}}");
        assert!(sli.contains(&part), "{part} not in {sli}");
    }
}

#[test]
fn burn_panels_draw_the_cores_thresholds_over_each_tiers_windows() {
    let spec = spec();
    let board = dashboard(&spec, Dashboard::Detail);
    let mut checked = 0;
    for slo in spec.slos() {
        let analyses = analyze_tiers(&slo.alerts, slo.target, slo.window.nominal_seconds(), None);
        for (tier, analysis) in slo.alerts.iter().zip(analyses) {
            // The panel for this tier name whose queries include this SLO.
            let found = (panels(&board).iter()).find(|p| {
                let title = p["title"].as_str().unwrap();
                title.starts_with(&format!("Burn rate: {} ", tier.name))
                    && exprs(p)[0].contains(&format!("slo=\"{}\"", slo.name))
            });
            let panel = found.unwrap_or_else(|| panic!("{} {}", slo.name, tier.name));
            let steps = &panel["fieldConfig"]["defaults"]["thresholds"]["steps"];
            assert_eq!(
                steps[1]["value"],
                json!(analysis.burn_rate),
                "{}",
                panel["title"]
            );
            let [long, short] = [exprs(panel)[0], exprs(panel)[1]];
            // The error ratio the alert compares, over the SLO's error budget.
            let burn = |window| {
                let record = burn_record(slo, window);
                let budget = slo_core::format::number(1.0 - slo.target);
                format!("{record}{{slo=\"{}\",slo=~\"$slo\"}} / {budget}", slo.name)
            };
            assert!(long.contains(&burn(tier.long_window_seconds)), "{long}");
            assert!(short.contains(&burn(tier.short_window_seconds)), "{short}");
            let window = |s| slo_core::duration::format_duration(s);
            assert!(long.contains(&format!(
                "\"window\", \"{}\"",
                window(tier.long_window_seconds)
            )));
            assert!(short.contains(&format!(
                "\"window\", \"{}\"",
                window(tier.short_window_seconds)
            )));
            checked += 1;
        }
    }
    // 4 + 3 default tiers, the timeslice SLO's one, and 4 for the Prometheus SLI.
    assert_eq!(checked, 12);
    // The timeslice SLO's page-fast burns at 20x, the others at 14.4x: two panels.
    let page_fast: Vec<_> = (panels(&board).iter())
        .filter(|p| {
            p["title"]
                .as_str()
                .unwrap()
                .starts_with("Burn rate: page-fast ")
        })
        .collect();
    assert_eq!(page_fast.len(), 2);
}

#[test]
fn the_overview_table_has_a_column_per_tier_window_and_counts_renamed_alerts() {
    let spec = spec();
    let board = dashboard(&spec, Dashboard::Overview);
    let table = panel(&board, "SLOs");
    let refs: Vec<&str> = (table["targets"].as_array().unwrap().iter())
        .map(|t| t["refId"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), 4 + 2 * 4 + 1, "{refs:?}");
    assert!(refs.contains(&"burn-ticket-slow-short"));
    let alerts = exprs(table).pop().unwrap();
    assert!(alerts.contains("alertname=~\"CheckoutSlow|SloErrorBudgetBurn|SloMetricAbsent\""));
    let renamed = &table["transformations"][1]["options"]["renameByName"];
    assert_eq!(
        renamed["Value #burn-page-fast-long"],
        "Burn page-fast: long window"
    );
    for target in table["targets"].as_array().unwrap() {
        assert_eq!(
            (&target["instant"], &target["format"]),
            (&json!(true), &json!("table"))
        );
    }
}

#[test]
fn events_and_slices_show_only_where_the_rules_record_them() {
    let spec = spec();
    let titles = |spec: &Spec| -> Vec<String> {
        (panels(&dashboard(spec, Dashboard::Detail)).iter())
            .map(|p| p["title"].as_str().unwrap().to_string())
            .collect()
    };
    let all = titles(&spec);
    assert!(all.contains(&"Events per minute".into()) && all.contains(&"Slice verdicts".into()));
    let only_expressions = Spec::from_value(
        &json!({"services": [{"name": "shop", "slos": [{"name": "a", "target": 0.99, "window": "30d",
            "sli": {"prometheus": {"error_ratio": "sum(rate(errors_total[{{window}}])) / sum(rate(requests_total[{{window}}]))"}}}]}]}),
        "",
    )
    .unwrap();
    let some = titles(&only_expressions);
    assert!(!some.contains(&"Events per minute".into()), "{some:?}");
    assert!(!some.contains(&"Slice verdicts".into()), "{some:?}");
}

#[test]
fn output_is_deterministic_with_ids_in_layout_order_on_the_grid() {
    let spec = spec();
    for which in Dashboard::ALL {
        assert_eq!(render(&spec, which), render(&spec, which));
        let board = dashboard(&spec, which);
        let mut cells = BTreeSet::new();
        for (i, panel) in panels(&board).iter().enumerate() {
            assert_eq!(panel["id"], json!(i + 1));
            let pos = &panel["gridPos"];
            let [x, y, w, h] = ["x", "y", "w", "h"].map(|k| pos[k].as_u64().unwrap());
            assert!(x + w <= 24, "{pos}");
            for cell in (x..x + w).flat_map(|cx| (y..y + h).map(move |cy| (cx, cy))) {
                assert!(cells.insert(cell), "panels overlap at {cell:?}");
            }
        }
        let variables: Vec<_> = (board["templating"]["list"].as_array().unwrap().iter())
            .map(|v| (v["name"].as_str().unwrap(), v["multi"].as_bool().unwrap()))
            .collect();
        let many = which == Dashboard::Overview;
        assert_eq!(
            variables,
            [("datasource", false), ("service", true), ("slo", many)]
        );
        assert_eq!(
            board["time"]["from"], "now-30d",
            "the longest window (nominal)"
        );
    }
}

#[test]
fn the_uid_follows_the_services_only() {
    let spec = spec();
    let mut retargeted = spec.clone();
    retargeted.services[0].slos[0].target = 0.95;
    let mut renamed = spec.clone();
    renamed.services[1].name = "catalogue".into();
    for which in Dashboard::ALL {
        let id = uid(&spec, which);
        assert!(
            id.starts_with(&format!("slo-{}-", which.as_str())) && id.len() <= 40,
            "{id}"
        );
        assert_eq!(uid(&retargeted, which), id);
        assert_ne!(uid(&renamed, which), id);
        assert_eq!(dashboard(&spec, which)["uid"], json!(id));
    }
    assert_ne!(
        uid(&spec, Dashboard::Overview),
        uid(&spec, Dashboard::Detail)
    );
}

#[test]
fn dashboards_read_back_by_name() {
    for which in Dashboard::ALL {
        assert_eq!(Dashboard::parse(which.as_str()), Ok(which));
    }
    assert_eq!(
        Dashboard::parse("summary").unwrap_err(),
        "“summary” is not a dashboard; allowed: overview or detail"
    );
}
