//! How OpenSLO alert conditions become tiers and back: `op`, `alertAfter` (a hold time,
//! not a window), severities, `alertWhenNoData`; and what another OpenSLO reader makes of
//! the export.

use slo_core::alerts::Severity;
use slo_core::openslo::{export, import, Imported};
use slo_core::spec::Spec;

#[path = "support/openslo.rs"]
mod openslo_support;
use openslo_support::errors;

const SLO: &str = "\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  indicator:
    metadata: {name: checkout-requests}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {type: Prometheus, spec: {query: 'http_requests_total{code!~\"5..\"}'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'http_requests_total'}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: fast}
      spec:
        conditions:
          - kind: AlertCondition
            metadata: {name: fast}
            spec:
              severity: page
              condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h, alertAfter: 2m}
";

fn imported(yaml: &str) -> Imported {
    import(yaml).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn warnings(yaml: &str) -> Vec<String> {
    imported(yaml)
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn round_trip(spec: &Spec) {
    assert_eq!(
        import(&export(spec).unwrap()).map(|i| i.spec).as_ref(),
        Ok(spec)
    );
}

const WHERE: &str = "document 1 (SLO checkout-availability): spec.alertPolicies[0].spec.conditions[0].spec.condition";

#[test]
fn op_gt_is_the_tiers_meaning_and_gte_is_read_as_it() {
    assert_eq!(warnings(SLO), Vec::<String>::new());
    let gte = SLO.replace("op: gt,", "op: gte,");
    assert_eq!(imported(&gte).spec, imported(SLO).spec);
    assert_eq!(
        warnings(&gte),
        [format!("{WHERE}.op: gte is read as gt: a tier fires when the burn rate is above its threshold, not at it (as Sloth's and Pyrra's rules compare); the export writes gt")]
    );
    assert_eq!(
        errors(&SLO.replace("op: gt,", "op: lte,")),
        [format!("{WHERE}.op: \"lte\" is not supported: a burn-rate tier alerts when the budget burns too fast, not too slowly; allowed: gt (or gte)")]
    );
    let exported = export(&imported(SLO).spec).unwrap();
    assert!(exported.contains("op: gt\n"), "{exported}");
    assert!(!exported.contains("op: gte"), "{exported}");
}

#[test]
fn alert_after_is_the_hold_time_not_the_short_window() {
    let spec = imported(SLO).spec;
    let tier = &spec.services[0].slos[0].alerts[0];
    // The short window is 1/12 of the lookback window; alertAfter is Prometheus' `for:`.
    assert_eq!(
        (
            tier.long_window_seconds,
            tier.short_window_seconds,
            tier.hold_seconds
        ),
        (3600, 300, 120)
    );
    assert_eq!(tier.to_json()["for"], "2m");
    round_trip(&spec);
    // What another OpenSLO reader sees: the same lookbackWindow and alertAfter.
    let exported = export(&spec).unwrap();
    assert!(exported.contains("lookbackWindow: 1h\n"), "{exported}");
    assert!(exported.contains("alertAfter: 2m\n"), "{exported}");
    assert!(!exported.contains("short-window"), "{exported}");
}

#[test]
fn a_short_window_the_condition_cannot_say_travels_as_an_annotation() {
    let json = r#"{"services": [{"name": "checkout", "slos": [{"name": "checkout-availability",
        "target": 0.999, "window": "30d",
        "sli": {"prometheus": {"good": "ok_total", "total": "all_total"}},
        "alerts": {"tiers": [{"name": "fast", "severity": "page", "burn_rate": 14.4,
            "long_window": "1h", "short_window": "10m"}]}}]}]}"#;
    let spec = Spec::from_json(json).unwrap();
    let exported = export(&spec).unwrap();
    // No hold time: no alertAfter, which another reader would take as one.
    assert!(!exported.contains("alertAfter"), "{exported}");
    assert!(
        exported.contains("slo-toolkit/short-window: 10m\n"),
        "{exported}"
    );
    round_trip(&spec);
}

#[test]
fn other_severities_map_to_tiers_and_keep_their_word_as_the_label() {
    let yaml = SLO.replace("severity: page", "severity: critical");
    let spec = imported(&yaml).spec;
    let slo = &spec.services[0].slos[0];
    assert_eq!(slo.alerts[0].severity, Severity::Page);
    assert_eq!(
        slo.to_json()["alerts"]["page"]["labels"]["severity"],
        "critical"
    );
    assert_eq!(warnings(&yaml), ["document 1 (SLO checkout-availability): spec.alertPolicies[0].spec.conditions[0].spec.severity: \"critical\" is read as a page tier (critical, high, urgent, emergency, error, fatal, major, p0, p1, sev0, sev1 and sev2 page; every other word tickets); the alerts carry severity \"critical\" as their label"]);
    round_trip(&spec);
    let warning = imported(&SLO.replace("severity: page", "severity: warning")).spec;
    assert_eq!(
        warning.services[0].slos[0].alerts[0].severity,
        Severity::Ticket
    );
}

#[test]
fn alert_when_no_data_is_what_the_rules_do() {
    let yaml = SLO.replace(
        "      spec:\n        conditions:",
        "      spec:\n        alertWhenNoData: true\n        conditions:",
    );
    assert_eq!(imported(&yaml).spec, imported(SLO).spec);
}
