//! What valid OpenSLO imports as: nothing read as something else, nothing dropped without
//! a word (what has no place in the spec is said as a warning), and the OpenSLO project's
//! own documents taken as they are.

use slo_core::openslo::{export, import};

#[path = "support/openslo.rs"]
mod openslo_support;
use openslo_support::{errors, spec};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/openslo-project/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn example(name: &str) -> String {
    let path = format!(
        "{}/../../examples/openslo/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_gauge_is_not_rated_as_a_counter() {
    // `counter: false` says the queries are gauges: rate() over them would be a wrong SLI.
    let gauges = example("orders-prometheus.yaml").replace("counter: true", "counter: false");
    assert_eq!(
        errors(&gauges),
        ["document 2 (SLO orders-availability): spec.indicator.spec.ratioMetric.counter: false (the queries are gauges) does not fit good and total: a selector or an expression without {{window}} is a counter the rules rate over each window; allowed: true for counters, or, for gauges, expressions that aggregate them over {{window}} themselves, such as sum(sum_over_time(queue_ok[{{window}}]))"]
    );
    let instant = fixture("readme-ratio-metric.yaml").replace("counter: true", "counter: false");
    assert!(errors(&instant)[0].contains(
        "ratioMetric.counter: false (the queries are gauges) does not fit good and total"
    ));
    // Gauges aggregated by the queries themselves are used as written.
    let aggregated = gauges
        .replace(
            "query: http_requests_total{job=\"orders\",code!~\"5..\"}",
            "query: sum(sum_over_time(orders_ok{job=\"orders\"}[{{window}}]))",
        )
        .replace(
            "query: http_requests_total{job=\"orders\"}",
            "query: sum(sum_over_time(orders_all{job=\"orders\"}[{{window}}]))",
        );
    let sli = &spec(&aggregated).unwrap().slos().next().unwrap().to_json()["sli"]["prometheus"];
    assert_eq!(
        sli["good"],
        "sum(sum_over_time(orders_ok{job=\"orders\"}[{{window}}]))"
    );
}

/// The OpenSLO example with metadata of every kind on its SLO.
fn with_metadata() -> String {
    example("orders-prometheus.yaml").replace(
        "  displayName: Orders availability\n",
        "  displayName: Orders availability\n  labels:\n    team: orders\n    tier: \"1\"\n    tags: [checkout, revenue]\n    app.kubernetes.io/part-of: shop\n  annotations:\n    dashboard_url: https://grafana.example/d/orders\n    openslo.com/owner: orders@example.com\n",
    )
}

#[test]
fn an_slos_display_name_labels_and_annotations_are_carried() {
    let spec = spec(&with_metadata()).unwrap();
    let slo = spec.slos().next().unwrap().to_json();
    assert_eq!(slo["display_name"], "Orders availability");
    assert_eq!(
        slo["labels"],
        serde_json::json!({"team": "orders", "tier": "1"})
    );
    assert_eq!(
        slo["annotations"],
        serde_json::json!({"dashboard_url": "https://grafana.example/d/orders"})
    );
}

fn warnings(yaml: &str) -> Vec<String> {
    let imported = import(yaml).unwrap_or_else(|e| panic!("{e:#?}\n{yaml}"));
    imported.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn what_the_spec_has_no_place_for_is_said() {
    assert_eq!(
        warnings(&with_metadata()),
        [
            "document 2 (SLO orders-availability): spec.objectives[0].displayName: is not carried: the SLO has one objective, whose name is the SLO's; give the SLO a display name (metadata.displayName) instead",
            "document 2 (SLO orders-availability): metadata.labels.tags: is not carried: a list is not text; the spec's labels are Prometheus labels with text values, which the SLO's rules and alerts can carry",
            "document 2 (SLO orders-availability): metadata.labels.app.kubernetes.io/part-of: is not carried: \"app.kubernetes.io/part-of\" is not a label name; allowed: letters, digits and '_', not starting with a digit or \"__\"; the spec's labels are Prometheus labels with text values, which the SLO's rules and alerts can carry",
            "document 2 (SLO orders-availability): metadata.annotations.openslo.com/owner: is not carried: \"openslo.com/owner\" is not an annotation name; allowed: letters, digits and '_', not starting with a digit, such as runbook_url; the spec's annotations are Prometheus annotations with text values, which the SLO's rules and alerts can carry",
        ]
    );
}

#[test]
fn metadata_of_other_documents_and_routing_are_said_not_carried() {
    let yaml = example("orders-prometheus.yaml")
        .replace(
            "metadata:\n  name: orders\n",
            "metadata:\n  name: orders\n  displayName: Orders\n  labels: {team: orders}\n",
        )
        .replace("    - displayName: Good\n", "    - ")
        .replace(
            "    metadata:\n      name: orders-good-requests\n",
            "    metadata:\n      name: orders-good-requests\n      annotations: {note: counted at the load balancer}\n",
        )
        + "  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: fast, displayName: Fast burn}
      spec:
        alertWhenResolved: true
        notificationTargets: [{targetRef: pager}]
        conditions:
          - kind: AlertCondition
            metadata: {name: fast-burn}
            spec:
              severity: page
              condition: {kind: burnrate, op: gt, threshold: 13.44, lookbackWindow: 1h, alertAfter: 5m}
";
    assert_eq!(
        warnings(&yaml),
        [
            "document 1 (Service orders): metadata.displayName: is not carried: the spec keeps the display name, labels and annotations of SLOs only, not of a Service; put them on the SLO to have them carried",
            "document 1 (Service orders): metadata.labels: is not carried: the spec keeps the display name, labels and annotations of SLOs only, not of a Service; put them on the SLO to have them carried",
            "document 2 (SLO orders-availability): spec.indicator.metadata.annotations: is not carried: the spec keeps the display name, labels and annotations of SLOs only, not of an SLI; put them on the SLO to have them carried",
            "document 2 (SLO orders-availability): spec.alertPolicies[0].metadata.displayName: is not carried: the spec keeps the display name, labels and annotations of SLOs only, not of an AlertPolicy; put them on the SLO to have them carried",
            "document 2 (SLO orders-availability): spec.alertPolicies[0].spec.alertWhenResolved: is not carried: whether resolved alerts are notified is set on the Alertmanager receiver (send_resolved)",
            "document 2 (SLO orders-availability): spec.alertPolicies[0].spec.notificationTargets[0].targetRef: no AlertNotificationTarget document is named \"pager\"; notification targets are not carried either way: routing stays with Alertmanager",
        ]
    );
}

#[test]
fn an_slos_metadata_round_trips() {
    let spec = spec(&with_metadata()).unwrap();
    let yaml = export(&spec).unwrap();
    let again = import(&yaml).unwrap();
    assert_eq!(again.warnings, [], "{yaml}");
    assert_eq!(again.spec, spec, "{yaml}");
    assert!(yaml.contains("displayName: Orders availability"), "{yaml}");
}

#[test]
fn the_window_placeholder_is_read_as_go_templates_write_it() {
    let written = |placeholder: &str| {
        example("orders-prometheus.yaml").replace(
            "query: http_requests_total{job=\"orders\"}",
            &format!("query: sum(rate(http_requests_total{{job=\"orders\"}}[{placeholder}]))"),
        )
    };
    let canonical = spec(&written("{{window}}")).unwrap();
    for placeholder in ["{{.window}}", "{{ .window }}", "{{ window }}"] {
        assert_eq!(
            spec(&written(placeholder)),
            Ok(canonical.clone()),
            "{placeholder}"
        );
    }
    // A placeholder misspelt is refused with what OpenSLO users write, not the Sloth import.
    let found = errors(&written("{{.windw}}"));
    assert!(
        found[0].contains("found \"{{.windw}}])\"; allowed: a counter selector"),
        "{found:?}"
    );
    assert!(!found[0].contains("slo import sloth"), "{found:?}");
}

#[test]
fn an_slo_without_a_time_window_gets_30_days_rolling_said_as_a_warning() {
    let with = example("orders-prometheus.yaml");
    let without = with.replace(
        "  timeWindow:\n    - duration: 28d\n      isRolling: true\n",
        "",
    );
    let imported = import(&without).unwrap_or_else(|e| panic!("{e:#?}"));
    let expected = spec(&with.replace("duration: 28d", "duration: 30d")).unwrap();
    assert_eq!(imported.spec, expected);
    assert!(imported.warnings.iter().any(|w| w.to_string() == "document 2 (SLO orders-availability): spec.timeWindow: is not given: the window is 30 days, rolling (the toolkit's default); allowed: give it, such as [{duration: 30d, isRolling: true}]"), "{:#?}", imported.warnings);
}

#[test]
fn v1alpha_documents_import_as_v1() {
    // The v1alpha shape Sloth's OpenSLO examples use: timeWindows by count and unit, no
    // budgetingMethod, and each objective with its own ratioMetrics.
    let yaml = r#"
apiVersion: openslo/v1alpha
kind: SLO
metadata: {name: api-latency, displayName: API latency}
spec:
  service: api
  objectives:
    - ratioMetrics:
        good: {source: prometheus, queryType: promql, query: 'sum(rate(req_duration_seconds_bucket{le="0.4"}[{{.window}}]))'}
        total: {source: prometheus, queryType: promql, query: 'sum(rate(req_duration_seconds_count[{{.window}}]))'}
      target: 0.99
    - ratioMetrics:
        incremental: true
        good: {source: prometheus, queryType: promql, query: 'req_duration_seconds_bucket{le="5"}'}
        total: {source: prometheus, queryType: promql, query: 'req_duration_seconds_count'}
      target: 0.999
  timeWindows:
    - count: 28
      unit: Day
"#;
    let imported = import(yaml).unwrap_or_else(|e| panic!("{e:#?}"));
    let slos: Vec<_> = imported.spec.slos().map(|slo| slo.to_json()).collect();
    assert_eq!(slos.len(), 2);
    assert_eq!(slos[0]["name"], "api-latency-1");
    assert_eq!(slos[0]["window"], "28d");
    assert_eq!(slos[0]["target"], 0.99);
    assert_eq!(slos[0]["display_name"], "API latency");
    assert_eq!(
        slos[0]["sli"]["prometheus"]["good"],
        "sum(rate(req_duration_seconds_bucket{le=\"0.4\"}[{{window}}]))"
    );
    assert_eq!(slos[1]["name"], "api-latency-2");
    // incremental: true is v1's counter: true (false would refuse these selectors).
    assert_eq!(
        slos[1]["sli"]["prometheus"]["good"],
        "req_duration_seconds_bucket{le=\"5\"}"
    );
    assert!(spec(&yaml.replace("incremental: true", "incremental: false")).is_err());
    let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings, [
        "document 1 (SLO api-latency): spec.objectives: has 2 objectives: read as 2 SLOs, one per objective, named api-latency-1, api-latency-2 (an SLO has one target)",
        "document 1 (SLO api-latency): spec.budgetingMethod: is not given: the budget counts events (Occurrences, the toolkit's default); allowed: give it, such as Occurrences",
    ]);
}

#[test]
fn a_slice_target_of_one_needs_every_request_good() {
    let yaml = example("catalog-timeslices.yaml");
    let one = yaml.replacen("timeSliceTarget: 0.95", "timeSliceTarget: 1", 1);
    assert_ne!(yaml, one);
    let spec = spec(&one).unwrap();
    let slo = spec.slos().next().unwrap();
    assert_eq!(slo.to_json()["budgeting"]["slice_good_ratio"], 1.0);
    assert_eq!(import(&export(&spec).unwrap()).map(|i| i.spec), Ok(spec));
}
