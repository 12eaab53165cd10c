use super::*;
use crate::alerts::Severity;
use crate::duration::WEEK;

fn spec_of(json: Value) -> Spec {
    Spec::from_value(&json, "").unwrap_or_else(|e| panic!("{e:?}"))
}

fn one_error(yaml: &str) -> OpenSloError {
    let errors = import(yaml).expect_err("the document must be refused");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

// Flow style, to read the same structure written the other way YAML allows.
const RATIO: &str = "\
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-availability}
spec:
  service: checkout
  indicator:
    metadata: {name: checkout-requests}
    spec:
      ratioMetric:
        counter: true
        total: {metricSource: {type: slo-toolkit.request, spec: {match: {path_prefixes: [/api/checkout]}}}}
        bad: {metricSource: {type: slo-toolkit.request, spec: {bad: {status: [5xx]}}}}
  timeWindow: [{duration: 4w, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{targetPercent: 99.9}]
";

#[test]
fn reads_a_ratio_slo_with_default_tiers() {
    let spec = import(RATIO).unwrap().spec;
    assert_eq!(spec.services[0].name, "checkout");
    let slo = &spec.services[0].slos[0];
    assert_eq!(slo.target, 0.999);
    assert_eq!(slo.window, Window::Rolling { seconds: 28 * DAY });
    assert_eq!(
        slo.sli.request().unwrap().matcher.path_prefixes,
        ["/api/checkout"]
    );
    assert_eq!(
        Ok(slo.alerts.clone()),
        AlertTier::defaults_for(28 * DAY, None, None)
    );
}

#[test]
fn error_display_names_document_and_field() {
    let e = OpenSloError {
        file: None,
        document: Some(2),
        kind: Some("SLO".into()),
        name: Some("checkout-availability".into()),
        path: "spec.timeWindow[0].calendar.timeZone".into(),
        message: "\"Europe/Paris\" is not supported; allowed: UTC".into(),
    };
    assert_eq!(
            e.to_string(),
            "document 2 (SLO checkout-availability): spec.timeWindow[0].calendar.timeZone: \"Europe/Paris\" is not supported; allowed: UTC"
        );
}

#[test]
fn shorthand_prefers_whole_units() {
    assert_eq!(shorthand(28 * DAY), "28d");
    assert_eq!(shorthand(90 * MINUTE), "90m");
    assert_eq!(shorthand(6 * HOUR), "6h");
    assert_eq!(shorthand(90), "90s");
    assert_eq!(shorthand(WEEK), "7d");
}

#[test]
fn thresholds_read_back_as_the_same_budget_fraction() {
    let month = 30 * DAY;
    let (rate, exact) = threshold_for(0.02, HOUR, month);
    assert!(exact);
    assert_eq!(rate, 14.4);
    for (fraction, long, window) in [
        (0.1, 3 * DAY, 28 * DAY),
        (0.37, 7 * HOUR + 13, 29 * DAY + 5),
        (1e-7, 61, 90 * DAY),
    ] {
        let (rate, exact) = threshold_for(fraction, long, window);
        if exact {
            assert_eq!(budget_fraction_of(rate, long, window), fraction);
        } else {
            assert!((budget_fraction_of(rate, long, window) - fraction).abs() < 1e-9 * fraction);
        }
    }
}

#[test]
fn an_inexact_threshold_travels_with_the_budget_fraction_annotation() {
    // Find a fraction no decimal threshold gives back exactly, then round-trip it.
    let (long, window) = (7 * HOUR + 13, 29 * DAY + 5);
    let fraction = (1..10_000u64)
        .map(|i| 0.3 + i as f64 / 100_070.0)
        .find(|f| !threshold_for(*f, long, window).1)
        .expect("some fractions need the annotation");
    let spec = spec_of(json!({"services": [{"name": "svc", "slos": [{
        "name": "odd", "target": 0.99, "window": format_duration(window),
        "sli": {"bad": {"status": ["5xx"]}},
        "alerts": {"tiers": [{"name": "odd-tier", "severity": "ticket", "budget_fraction": fraction,
                              "long_window": format_duration(long), "short_window": "10m"}]}
    }]}]}));
    let yaml = export(&spec).unwrap();
    assert!(yaml.contains(BUDGET_FRACTION_ANNOTATION), "{yaml}");
    assert_eq!(import(&yaml).map(|i| i.spec), Ok(spec));
}

#[test]
fn thresholds_as_people_write_them_give_the_default_tiers() {
    let window = 28 * DAY;
    // 14.4, 6, 3 and 1, whatever the window.
    for tier in AlertTier::defaults_for(window, None, None).unwrap() {
        let written = format!("{:.2}", tier.burn_rate(window))
            .parse::<f64>()
            .unwrap();
        assert_eq!(
            budget_fraction_of(written, tier.long_window_seconds, window),
            tier.budget_fraction,
            "{}",
            tier.name
        );
        let (exported, exact) =
            threshold_for(tier.budget_fraction, tier.long_window_seconds, window);
        assert!(exact);
        assert_eq!(exported, written, "{}", tier.name);
    }
}

#[test]
fn alert_policies_become_tiers() {
    let yaml = format!(
        "{RATIO}  alertPolicies:
    - kind: AlertPolicy
      metadata:
        name: fast-burn
      spec:
        alertWhenBreaching: true
        conditions:
          - kind: AlertCondition
            metadata:
              name: fast-burn
              annotations:
                slo-toolkit/min-events-per-second: \"0.5\"
            spec:
              severity: page
              condition:
                kind: burnrate
                op: gt
                threshold: 13.44
                lookbackWindow: 1h
                alertAfter: 5m
        notificationTargets:
          - targetRef: on-call
    - alertPolicyRef: slow-burn
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: slow-burn
spec:
  conditions:
    - conditionRef: slow-burn-condition
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: slow-burn-condition
spec:
  severity: ticket
  condition:
    kind: burnrate
    op: gt
    threshold: 1
    lookbackWindow: 3d
"
    );
    let spec = import(&yaml).unwrap().spec;
    let tiers = &spec.services[0].slos[0].alerts;
    assert_eq!(tiers.len(), 2);
    assert_eq!(
        (tiers[0].name.as_str(), tiers[0].severity),
        ("fast-burn", Severity::Page)
    );
    // 13.44 over 1h of 28 days is exactly the 2% of the default page tier.
    assert_eq!(tiers[0].budget_fraction, 0.02);
    assert_eq!(tiers[0].min_events_per_second, Some(0.5));
    assert_eq!(
        (tiers[1].name.as_str(), tiers[1].severity),
        ("slow-burn", Severity::Ticket)
    );
    // The short window is 1/12 of the long one (alertAfter is a hold time).
    assert_eq!(
        (tiers[1].long_window_seconds, tiers[1].short_window_seconds),
        (3 * DAY, 6 * HOUR)
    );
}

#[test]
fn an_empty_policy_list_switches_tiers_off() {
    let spec = import(&format!("{RATIO}  alertPolicies: []\n"))
        .unwrap()
        .spec;
    assert!(spec.services[0].slos[0].alerts.is_empty());
    assert_eq!(import(&export(&spec).unwrap()).map(|i| i.spec), Ok(spec));
}

#[test]
fn errors_of_the_spec_point_at_the_openslo_field() {
    let yaml = RATIO.replace("status: [5xx]", "status: [6xx]");
    let e = one_error(&yaml);
    assert_eq!(e.document, Some(1));
    assert_eq!(
        e.path,
        "spec.indicator.spec.ratioMetric.bad.metricSource.spec.bad.status[0]"
    );
    assert!(e.message.contains("not a status class"), "{e}");
    let e = one_error(&RATIO.replace("targetPercent: 99.9", "target: 1.5"));
    assert_eq!(e.path, "spec.objectives[0].target");
}

#[test]
fn typos_get_suggestions() {
    let errors = import(&RATIO.replace("budgetingMethod", "budgetMethod")).unwrap_err();
    assert_eq!(errors[0].path, "spec.budgetMethod");
    assert!(
        errors[0]
            .message
            .contains("did you mean “budgetingMethod”?"),
        "{}",
        errors[0]
    );
    // Without it the budget counts events, as OpenSLO's default.
    assert_eq!(errors.len(), 1, "{errors:#?}");
}

#[test]
fn yaml_syntax_errors_name_the_document() {
    let e = one_error(&format!("{RATIO}---\nkind: [unclosed\n"));
    assert_eq!(e.document, Some(2));
    assert!(e.message.starts_with("not valid YAML"), "{e}");
}
