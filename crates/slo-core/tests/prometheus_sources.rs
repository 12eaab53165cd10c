//! SLOs over series a team already has: read, checked offline with paths, and written back.

use serde_json::{json, Value};
use slo_core::spec::{Sli, Spec};

fn spec_with(sli: Value, alerts: Option<Value>) -> Value {
    let mut slo = json!({"name": "api", "target": 0.999, "window": "30d", "sli": sli});
    if let Some(alerts) = alerts {
        slo["alerts"] = alerts;
    }
    json!({"services": [{"name": "svc", "slos": [slo]}]})
}

fn errors(doc: Value) -> Vec<String> {
    match Spec::from_value(&doc, "") {
        Ok(_) => panic!("expected errors for {doc}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_example_reads_and_writes_back_unchanged() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/prometheus.json"
    ))
    .unwrap();
    let spec = Spec::from_json(&text).unwrap();
    let kinds: Vec<&str> = spec.slos().map(|s| s.sli.kind()).collect();
    assert_eq!(
        kinds,
        ["prometheus_ratio", "prometheus_latency", "prometheus_ratio"]
    );
    assert_eq!(spec.request_slos().count(), 0, "the filter judges none");
    let first = spec.slos().next().unwrap();
    assert_eq!(first.alert_metadata.labels.get("team"), Some("orders"));
    assert!(first
        .alert_metadata
        .annotations
        .get("runbook_url")
        .is_some_and(|url| url.starts_with("https://")));
    assert_eq!(Spec::from_value(&spec.to_json(), ""), Ok(spec));
}

#[test]
fn every_error_is_reported_at_once_with_its_path() {
    let found = errors(spec_with(
        json!({"prometheus": {"bad": "sum(rate(x[5m]))", "total": "y{"}, "match": {"path_prefixes": ["/"]}}),
        Some(json!({"labels": {"slo": "x", "team": 3}, "annotations": {"runbook-url": "u"}})),
    ));
    let wanted = [
        "services[0].slos[0].sli.match: belongs to a request SLI",
        "services[0].slos[0].sli.prometheus.bad: is an expression without {{window}}",
        "services[0].slos[0].sli.prometheus.total: does not parse as PromQL: at character 3",
        "services[0].slos[0].alerts.labels.slo: \"slo\" is set by the rules themselves",
        "services[0].slos[0].alerts.labels.team: expected a string",
        "services[0].slos[0].alerts.annotations.runbook-url: \"runbook-url\" is not an annotation name",
    ];
    for want in wanted {
        assert!(
            found.iter().any(|e| e.starts_with(want)),
            "{want:?} not in {found:#?}"
        );
    }
    assert_eq!(found.len(), wanted.len(), "{found:#?}");
}

#[test]
fn a_latency_threshold_between_bounds_is_refused_with_the_reason() {
    let found = errors(spec_with(
        json!({"prometheus": {"latency": {"histogram": "h", "le": 0.2, "bounds": [0.1, 0.25]}}}),
        None,
    ));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("services[0].slos[0].sli.prometheus.latency.le: 0.2 is not one of the histogram's bounds (0.1, 0.25)"));
    assert!(
        found[0].contains("judges any threshold exactly"),
        "{}",
        found[0]
    );
}

#[test]
fn a_request_sli_stays_a_request_sli() {
    let doc = spec_with(json!({"bad": {"status": ["5xx"]}}), None);
    let spec = Spec::from_value(&doc, "").unwrap();
    assert!(matches!(spec.slos().next().unwrap().sli, Sli::Request(_)));
    assert_eq!(spec.request_slos().count(), 1);
}
