//! OpenSLO v1 import and export: the example documents, the JSON example specs and
//! generated specs survive a round trip; what cannot be mapped is refused with the
//! document and field named.

use proptest::prelude::*;
use serde_json::{json, Value};
use slo_core::alerts::Severity;
use slo_core::openslo::{export, import, OpenSloError};
use slo_core::spec::{Budgeting, Spec};
use slo_core::window::{CalendarUnit, Window};
use std::path::PathBuf;

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn files(dir: PathBuf, extension: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(extension))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn openslo_examples() -> Vec<(String, String)> {
    files(examples_dir().join("openslo"), "yaml")
}

fn import_example(name: &str) -> Spec {
    let path = examples_dir().join("openslo").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    import(&text)
        .unwrap_or_else(|errors| panic!("{}: {errors:#?}", path.display()))
        .spec
}

fn assert_round_trip(spec: &Spec, what: &str) {
    let yaml = export(spec).unwrap();
    let again = import(&yaml).unwrap_or_else(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        panic!(
            "{what}: the export does not import:\n{}\n---\n{yaml}",
            lines.join("\n")
        )
    });
    assert_eq!(
        again.warnings,
        [],
        "{what}: the export says what the spec has no place for\n{yaml}"
    );
    let again = again.spec;
    assert_eq!(
        &again, spec,
        "{what}: the round trip changed the spec\n{yaml}"
    );
    assert_eq!(
        export(&again).unwrap(),
        yaml,
        "{what}: the export is not stable"
    );
}

#[test]
fn every_example_document_imports_and_round_trips() {
    let examples = openslo_examples();
    assert!(
        examples.len() >= 5,
        "expected the OpenSLO examples, found {}",
        examples.len()
    );
    for (path, text) in examples {
        let spec = import(&text).unwrap_or_else(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("{path}:\n{}", lines.join("\n"))
        });
        assert_round_trip(&spec.spec, &path);
    }
}

#[test]
fn json_example_specs_round_trip() {
    let mut specs = 0;
    for (path, text) in files(examples_dir(), "json") {
        let value: Value = serde_json::from_str(&text).unwrap();
        if value.get("services").is_none() {
            continue; // not a spec (a what-if scenario, say)
        }
        let spec = Spec::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert_round_trip(&spec, &path);
        specs += 1;
    }
    assert!(
        specs >= 1,
        "expected at least one JSON example spec in examples/"
    );
}

#[test]
fn ratio_example_maps_every_field() {
    let spec = import_example("checkout-availability.yaml");
    assert_eq!(spec.services.len(), 1);
    let slo = &spec.services[0].slos[0];
    assert_eq!(slo.name, "checkout-availability");
    assert_eq!(slo.target, 0.999);
    assert_eq!(
        slo.window,
        Window::Rolling {
            seconds: 30 * 86_400
        }
    );
    assert_eq!(slo.sli.request().unwrap().matcher.methods, ["GET", "POST"]);
    assert_eq!(slo.sli.request().unwrap().bad.grpc_statuses, [14, 4, 13]);
    assert_eq!(
        slo.sli.request().unwrap().exclude.path_prefixes,
        ["/api/checkout/healthz"]
    );
    let tiers: Vec<_> = slo
        .alerts
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.severity,
                t.long_window_seconds,
                t.short_window_seconds,
                t.min_events_per_second,
            )
        })
        .collect();
    assert_eq!(
        tiers,
        [
            ("page-fast", Severity::Page, 3600, 300, Some(1.0)),
            ("ticket-slow", Severity::Ticket, 3 * 86_400, 6 * 3600, None)
        ]
    );
    // 14.4 over 1h of a 30-day window is 2% of the budget; 1 over 3d is 10%.
    assert!((slo.alerts[0].budget_fraction - 0.02).abs() < 1e-12);
    assert!((slo.alerts[1].budget_fraction - 0.1).abs() < 1e-12);
}

#[test]
fn threshold_example_is_a_latency_sli() {
    let spec = import_example("checkout-latency.yaml");
    let slo = &spec.services[0].slos[0];
    assert_eq!(
        slo.sli.request().unwrap().bad.latency_threshold_ms,
        Some(300)
    );
    assert!(slo.sli.request().unwrap().bad.statuses.is_empty());
    assert_eq!(slo.target, 0.99);
    assert_eq!(
        slo.window,
        Window::Rolling {
            seconds: 28 * 86_400
        }
    );
    assert!(export(&spec).unwrap().contains("thresholdMetric"));
}

#[test]
fn timeslices_and_calendar_examples() {
    let catalog = import_example("catalog-timeslices.yaml");
    let slo = &catalog.services[0].slos[0];
    assert_eq!(
        slo.budgeting,
        Budgeting::Timeslices {
            slice_seconds: 300,
            slice_good_ratio: 0.95
        }
    );
    assert_eq!(
        slo.sli.request().unwrap().bad.latency_threshold_ms,
        Some(1000)
    );
    let search = import_example("search-calendar-month.yaml");
    assert_eq!(
        search.services[0].slos[0].window,
        Window::calendar(CalendarUnit::Month)
    );
    let payments = import_example("payments-service.yaml");
    let names: Vec<_> = payments.services[0]
        .slos
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "payments-availability",
            "payments-latency",
            "refunds-availability"
        ]
    );
    assert_eq!(
        payments.services[0].slos[2].window,
        Window::calendar(CalendarUnit::Quarter)
    );
    assert!(payments.services[0].slos[2].alerts.is_empty());
}

// ---------------------------------------------------------------------------------------
// What cannot be mapped: one test per case, each checking the document and field named.

const SLO: &str = "\
apiVersion: openslo/v1
kind: Service
metadata:
  name: checkout
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  indicator:
    metadata:
      name: checkout-requests
    spec:
      ratioMetric:
        counter: true
        total:
          metricSource:
            type: slo-toolkit.request
            spec:
              match:
                path_prefixes: [/api/checkout]
        bad:
          metricSource:
            type: slo-toolkit.request
            spec:
              bad:
                status: [5xx]
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
";

const POLICY: &str = r"  alertPolicies:
    - kind: AlertPolicy
      metadata:
        name: page-fast
      spec:
        conditions:
          - kind: AlertCondition
            metadata:
              name: page-fast
            spec:
              severity: page
              condition:
                kind: burnrate
                op: gt
                threshold: 14.4
                lookbackWindow: 1h
                alertAfter: 5m
";

const WHERE: &str = "document 2 (SLO checkout-availability): ";

fn with_policy() -> String {
    format!("{SLO}{POLICY}")
}

fn changed(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "the base document has no {from:?}");
    base.replacen(from, to, 1)
}

/// The errors of a refused document, as the command prints them.
fn refused(yaml: &str) -> Vec<String> {
    let errors: Vec<OpenSloError> = import(yaml).expect_err("the document must be refused");
    errors.iter().map(|e| e.to_string()).collect()
}

fn assert_refused(yaml: &str, expected: &str) {
    let errors = refused(yaml);
    assert!(
        errors.iter().any(|e| e.starts_with(expected)),
        "no error starts with\n  {expected}\nerrors:\n  {}",
        errors.join("\n  ")
    );
}

#[test]
fn base_documents_are_accepted() {
    import(SLO).unwrap();
    import(&with_policy()).unwrap();
}

#[test]
fn rfc_1123_names_import_digits_first_included() {
    let spec = import(&SLO.replace("name: checkout-availability", "name: 5xx-rate"))
        .unwrap()
        .spec;
    assert_eq!(spec.slos().next().unwrap().name, "5xx-rate");
}

#[test]
fn names_that_are_not_rfc_1123_are_refused_at_their_field() {
    for name in ["checkout_availability", "checkout-", "-checkout"] {
        assert_refused(
            &SLO.replace("name: checkout-availability", &format!("name: {name}")),
            &format!(
                "document 2 (SLO {name}): metadata.name: \"{name}\" is not an RFC 1123 name; allowed: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or a digit"
            ),
        );
    }
}

#[test]
fn a_spec_name_openslo_cannot_hold_is_not_exported() {
    let spec = Spec::from_json(
        r#"{"services":[{"name":"shop_eu","slos":[{"name":"checkout","target":0.999,"window":"30d",
        "sli":{"bad":{"status":["5xx"]}}},{"name":"cart_api","target":0.999,"window":"30d",
        "sli":{"bad":{"status":["5xx"]}}}]}]}"#,
    )
    .unwrap();
    let problems: Vec<String> = export(&spec)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "services[0].name: \"shop_eu\" is not an RFC 1123 name; allowed: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or a digit (OpenSLO tools refuse other names; rename it in the spec)",
            "services[0].slos[1].name: \"cart_api\" is not an RFC 1123 name; allowed: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or a digit (OpenSLO tools refuse other names; rename it in the spec)",
        ]
    );
}

#[test]
fn a_query_of_another_metric_source_is_refused() {
    let yaml = changed(
        SLO,
        "            type: slo-toolkit.request\n",
        "            type: Datadog\n",
    );
    assert_refused(
        &yaml,
        &format!("{WHERE}spec.indicator.spec.ratioMetric.total.metricSource.type: \"Datadog\" is not supported: only Prometheus queries become rules"),
    );
}

#[test]
fn a_good_ratio_is_refused() {
    let yaml = changed(SLO, "        bad:\n", "        good:\n");
    let errors = refused(&yaml);
    assert!(
        errors.iter().any(|e| e.starts_with(&format!(
            "{WHERE}spec.indicator.spec.ratioMetric.good: is not supported"
        ))),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with(&format!(
            "{WHERE}spec.indicator.spec.ratioMetric.bad: is required"
        ))),
        "{errors:#?}"
    );
}

#[test]
fn a_calendar_in_a_time_zone_from_any_start_imports() {
    let yaml = changed(
        SLO,
        "    - duration: 30d\n      isRolling: true\n",
        "    - duration: 1M\n      calendar:\n        startTime: 2024-01-15 00:00:00\n        timeZone: Europe/Berlin\n",
    );
    let imported = import(&yaml).unwrap_or_else(|errors| panic!("{errors:#?}"));
    let slo = imported.spec.slos().next().unwrap();
    assert_eq!(
        slo.to_json()["window"],
        json!({"calendar": "month", "time_zone": "Europe/Berlin",
               "time_zone_rule": "CET-1CEST,M3.5.0,M10.5.0/3", "start": "2024-01-15T00:00:00"})
    );
    // Berlin's month from the 15th that holds the spring change: 15 March 00:00 CET (23:00
    // UTC on the 14th) to 15 April 00:00 CEST (22:00 UTC on the 14th), 743 hours.
    let (start, end) = slo
        .window
        .bounds_at(slo_core::window::parse_utc("2024-04-01T00:00Z").unwrap());
    assert_eq!(slo_core::window::format_utc(start), "2024-03-14T23:00:00Z");
    assert_eq!((end - start) / 3600, 743);
    assert_round_trip(&imported.spec, "a month in Europe/Berlin from the 15th");
    let exported = export(&imported.spec).unwrap();
    assert!(
        exported.contains("startTime: 2024-01-15 00:00:00"),
        "{exported}"
    );
    assert!(exported.contains("timeZone: Europe/Berlin"), "{exported}");
}

#[test]
fn a_time_zone_that_is_not_one_is_refused_naming_what_is() {
    let yaml = changed(
        SLO,
        "    - duration: 30d\n      isRolling: true\n",
        "    - duration: 1M\n      calendar:\n        startTime: 2026-01-01 noon\n        timeZone: Europe/Pariss\n",
    );
    let errors = refused(&yaml);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].starts_with(&format!("{WHERE}spec.timeWindow[0].calendar.timeZone: “Europe/Pariss” is not a time zone of the IANA database")), "{errors:#?}");
    assert!(
        errors[0].contains("did you mean “Europe/Paris”? allowed: UTC or an IANA name"),
        "{errors:#?}"
    );
    assert!(errors[1].starts_with(&format!("{WHERE}spec.timeWindow[0].calendar.startTime: “2026-01-01 noon” is not a start time; allowed: a date and time")), "{errors:#?}");
}

#[test]
fn a_two_month_calendar_window_is_refused() {
    let yaml = changed(
        SLO,
        "    - duration: 30d\n      isRolling: true\n",
        "    - duration: 2M\n      calendar:\n        timeZone: UTC\n",
    );
    assert_refused(&yaml, &format!("{WHERE}spec.timeWindow[0].duration: \"2M\" is not a calendar window of ours; allowed: 1w, 1M or 1Q"));
}

#[test]
fn a_rolling_month_is_refused() {
    let yaml = changed(SLO, "duration: 30d", "duration: 1M");
    assert_refused(
        &yaml,
        &format!("{WHERE}spec.timeWindow[0].duration: \"1M\" has no fixed length"),
    );
}

#[test]
fn several_objectives_become_one_slo_each() {
    let yaml = changed(
        SLO,
        "    - target: 0.999\n",
        "    - target: 0.999\n    - target: 0.99\n",
    );
    let imported = import(&yaml).unwrap();
    let slos: Vec<(&str, f64)> = imported
        .spec
        .slos()
        .map(|slo| (slo.name.as_str(), slo.target))
        .collect();
    assert_eq!(
        slos,
        [
            ("checkout-availability-1", 0.999),
            ("checkout-availability-2", 0.99)
        ]
    );
    assert_eq!(
        imported.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [format!("{WHERE}spec.objectives: has 2 objectives: read as 2 SLOs, one per objective, named checkout-availability-1, checkout-availability-2 (an SLO has one target)")]
    );
}

#[test]
fn ratio_timeslices_round_trip() {
    let yaml = changed(
        SLO,
        "budgetingMethod: Occurrences",
        "budgetingMethod: RatioTimeslices",
    );
    let yaml = changed(
        &yaml,
        "    - target: ",
        "    - timeSliceWindow: 5m\n      target: ",
    );
    let spec = import(&yaml).unwrap_or_else(|e| panic!("{e:?}")).spec;
    assert_eq!(
        spec.services[0].slos[0].budgeting,
        Budgeting::RatioTimeslices { slice_seconds: 300 }
    );
    assert_round_trip(&spec, "ratio timeslices");
    let with_target = changed(
        &yaml,
        "timeSliceWindow: 5m",
        "timeSliceWindow: 5m\n      timeSliceTarget: 0.9",
    );
    assert_refused(&with_target, &format!("{WHERE}spec.objectives[0].timeSliceTarget: only applies when budgetingMethod is Timeslices"));
}

#[test]
fn an_unknown_kind_is_refused() {
    let yaml = format!("{SLO}---\napiVersion: openslo/v1\nkind: SLOGroup\nmetadata:\n  name: everything\nspec: {{}}\n");
    assert_refused(
        &yaml,
        "document 3 (everything): kind: \"SLOGroup\" is not an OpenSLO v1 kind",
    );
}

#[test]
fn another_api_version_is_refused() {
    let yaml = changed(
        SLO,
        "apiVersion: openslo/v1\nkind: SLO",
        "apiVersion: openslo.com/v2alpha\nkind: SLO",
    );
    assert_refused(
        &yaml,
        &format!("{WHERE}apiVersion: \"openslo.com/v2alpha\" is not supported; allowed: openslo/v1 or openslo/v1alpha"),
    );
}

#[test]
fn a_missing_indicator_reference_is_refused() {
    let yaml = changed(
        SLO,
        "  indicator:\n    metadata:\n      name: checkout-requests\n    spec:\n",
        "  indicatorRef: checkout-requests\n  unused:\n",
    );
    let errors = refused(&yaml);
    assert!(
        errors.iter().any(|e| e.starts_with(&format!(
            "{WHERE}spec.indicatorRef: no SLI document is named \"checkout-requests\""
        ))),
        "{errors:#?}"
    );
}

#[test]
fn a_service_missing_from_the_service_documents_is_refused() {
    let yaml = changed(SLO, "  service: checkout\n", "  service: chekout\n");
    assert_refused(&yaml, &format!("{WHERE}spec.service: no Service document is named \"chekout\"; did you mean “checkout”?"));
    // Without Service documents, SLOs make their services.
    let alone = SLO
        .split_once("---\n")
        .unwrap()
        .1
        .replace("service: checkout", "service: chekout");
    assert_eq!(import(&alone).unwrap().spec.services[0].name, "chekout");
}

#[test]
fn an_unreferenced_condition_document_is_refused() {
    let yaml = format!(
        "{SLO}---\napiVersion: openslo/v1\nkind: AlertCondition\nmetadata:\n  name: orphan\nspec:\n  severity: page\n  condition:\n    kind: burnrate\n    op: gte\n    threshold: 2\n    lookbackWindow: 1h\n"
    );
    assert_refused(
        &yaml,
        "document 3 (AlertCondition orphan): is not referred to by any SLO",
    );
}

#[test]
fn a_lower_bound_operator_is_refused() {
    let yaml = changed(&with_policy(), "op: gt", "op: lte");
    assert_refused(
        &yaml,
        &format!("{WHERE}spec.alertPolicies[0].spec.conditions[0].spec.condition.op: \"lte\" is not supported"),
    );
}

#[test]
fn a_threshold_burning_more_than_the_budget_is_refused() {
    let yaml = changed(&with_policy(), "threshold: 14.4", "threshold: 1000");
    assert_refused(
        &yaml,
        &format!("{WHERE}spec.alertPolicies[0].spec.conditions[0].spec.condition.threshold: 1000 over a lookbackWindow of 1h would burn more than the whole error budget"),
    );
}

#[test]
fn a_tier_that_can_never_fire_points_at_its_condition() {
    let yaml = changed(&with_policy(), "target: 0.999", "target: 0.9");
    assert_refused(
        &yaml,
        &format!("{WHERE}spec.alertPolicies[0].spec.conditions[0].spec.condition: can never fire"),
    );
}

#[test]
fn a_short_window_not_shorter_than_the_long_one_points_at_the_condition() {
    let yaml = changed(
        &with_policy(),
        "              name: page-fast\n            spec:",
        "              name: page-fast\n              annotations: {slo-toolkit/short-window: 2h}\n            spec:",
    );
    assert_refused(
        &yaml,
        &format!("{WHERE}spec.alertPolicies[0].spec.conditions[0].spec.condition: short window 2h"),
    );
}

#[test]
fn a_latency_threshold_needs_lte() {
    let threshold = "\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: latency
spec:
  service: checkout
  indicator:
    metadata:
      name: latency
    spec:
      thresholdMetric:
        metricSource:
          type: slo-toolkit.request
          spec: {}
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - op: gt
      value: 300
      target: 0.99
";
    assert_refused(threshold, "document 1 (SLO latency): spec.objectives[0].op: \"gt\" is not supported for a request latency; allowed: lte");
    let fractional = threshold
        .replace("op: gt", "op: lte")
        .replace("value: 300", "value: 300.5");
    assert_refused(&fractional, "document 1 (SLO latency): spec.objectives[0].value: 300.5 is not allowed; allowed: a whole number of milliseconds");
}

#[test]
fn errors_in_a_shared_document_name_that_document() {
    let yaml = format!(
        "{SLO}  alertPolicies:\n    - alertPolicyRef: slow\n---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata:\n  name: slow\nspec:\n  conditions:\n    - conditionRef: slow-burn\n---\napiVersion: openslo/v1\nkind: AlertCondition\nmetadata:\n  name: slow-burn\nspec:\n  severity: ticket\n  condition:\n    kind: burnrate\n    op: gte\n    threshold: 1\n    lookbackWindow: 1Y\n"
    );
    assert_refused(&yaml, "document 4 (AlertCondition slow-burn): spec.condition.lookbackWindow: \"1Y\" has no fixed length");
}

#[test]
fn an_unknown_annotation_of_ours_is_refused() {
    let yaml = changed(
        &with_policy(),
        "              name: page-fast\n",
        "              name: page-fast\n              annotations:\n                slo-toolkit/min-event-per-second: \"1\"\n",
    );
    assert_refused(
        &yaml,
        &format!("{WHERE}spec.alertPolicies[0].spec.conditions[0].metadata.annotations.slo-toolkit/min-event-per-second: is not an annotation of ours; did you mean “slo-toolkit/min-events-per-second”?"),
    );
}

#[test]
fn a_budget_fraction_annotation_must_agree_with_the_threshold() {
    let yaml = changed(
        &with_policy(),
        "              name: page-fast\n",
        "              name: page-fast\n              annotations:\n                slo-toolkit/budget-fraction: \"0.05\"\n",
    );
    assert_refused(&yaml, &format!("{WHERE}spec.alertPolicies[0].spec.conditions[0].metadata.annotations.slo-toolkit/budget-fraction: 0.05 gives a burn rate of 36"));
}

#[test]
fn an_empty_stream_is_refused() {
    assert_eq!(
        refused("# nothing here\n"),
        ["holds no document; allowed: OpenSLO v1 Service and SLO documents separated by ---"]
    );
}

// ---------------------------------------------------------------------------------------
// Generated specs

/// The start of an RFC 1123 name (the generators end each with `-N`): what OpenSLO tools
/// exchange, digits first included.
fn name() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,8}"
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,16}",
        "\\PC{0,12}",
        "[a-z:#\\-'\" \n]{0,16}",
        Just("yes".to_string()),
        Just("null".to_string()),
        Just("0.5".to_string())
    ]
}

fn status() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1u8..=5).prop_map(|c| json!(format!("{c}xx"))),
        (100u16..=599).prop_map(|c| json!(c))
    ]
}

fn sli() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(text(), 0..3),
        prop::collection::vec(text(), 0..2),
        prop::collection::vec("/[ -~]{0,10}", 0..3),
        prop::collection::vec("[A-Z]{1,7}", 0..3),
        prop::collection::vec(status(), 0..3),
        prop::collection::vec(0u8..=16, 0..3),
        prop::option::of(1u32..100_000),
        prop::collection::vec(status(), 0..2),
        prop::collection::vec("/[a-z/]{0,10}", 0..2),
    )
        .prop_map(|(routes, hosts, prefixes, methods, bad, grpc, latency, ex_status, ex_prefixes)| {
            let mut sli = json!({
                "match": {"routes": routes, "virtual_hosts": hosts, "path_prefixes": prefixes, "methods": methods},
                "bad": {"status": bad, "grpc_status": grpc},
                "exclude": {"status": ex_status, "path_prefixes": ex_prefixes},
            });
            // Every SLI needs a bad outcome: fall back to a latency threshold.
            let latency = latency.or((sli["bad"]["status"].as_array().unwrap().is_empty() && sli["bad"]["grpc_status"].as_array().unwrap().is_empty()).then_some(250));
            if let Some(ms) = latency {
                sli["latency"] = json!({"threshold_ms": ms});
            }
            sli
        })
}

fn window() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("30d")),
        Just(json!("28d")),
        Just(json!("7d")),
        Just(json!("week")),
        Just(json!("month")),
        Just(json!("quarter")),
        (2 * 86_400u64..90 * 86_400).prop_map(|s| json!(format!("{s}s"))),
        zoned_calendar(),
    ]
}

/// A calendar window in a zone (north, south, none, half-hour offsets), from a start or not.
fn zoned_calendar() -> impl Strategy<Value = Value> {
    let zone = prop_oneof![
        Just("UTC"),
        Just("Europe/Berlin"),
        Just("America/New_York"),
        Just("Australia/Sydney"),
        Just("Asia/Kolkata"),
        Just("America/Santiago"),
    ];
    let start = (
        2000u32..2030,
        1u32..=12,
        prop_oneof![1u32..=28, Just(31)],
        0u32..24,
        prop_oneof![Just(0u32), Just(30)],
    )
        .prop_map(|(y, mo, d, h, mi)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00"));
    (
        prop_oneof![Just("week"), Just("month"), Just("quarter")],
        zone,
        prop::option::of(start),
    )
        .prop_map(|(unit, zone, start)| {
            let mut window = json!({"calendar": unit, "time_zone": zone});
            if let Some(start) = start {
                window["start"] = json!(start);
            }
            window
        })
}

fn tier(index: usize) -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("page"), Just("ticket")],
        0.0001f64..0.04,
        prop_oneof![Just(3600u64), Just(6 * 3600), Just(86_400), 600u64..86_400],
        prop::option::of(0.0f64..50.0),
    )
        .prop_flat_map(move |(severity, fraction, long, min_rate)| {
            (1..long).prop_map(move |short| {
                let mut tier = json!({
                    "name": format!("tier-{index}"), "severity": severity, "budget_fraction": fraction,
                    "long_window": format!("{long}s"), "short_window": format!("{short}s"),
                });
                if let Some(rate) = min_rate {
                    tier["min_events_per_second"] = json!(rate);
                }
                tier
            })
        })
}

fn alerts() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        prop::option::of(0.0f64..10.0).prop_map(|rate| Some(
            json!({"disable": ["ticket-slow"], "min_events_per_second": rate})
        )),
        (0usize..4)
            .prop_flat_map(|n| (0..n).map(tier).collect::<Vec<_>>())
            .prop_map(|tiers| Some(json!({"tiers": tiers}))),
    ]
}

fn slo(service: usize, index: usize) -> impl Strategy<Value = Value> {
    (
        name(),
        prop::option::of(text()),
        prop_oneof![0.995f64..0.99999, Just(0.999), Just(0.9995)],
        window(),
        prop::option::of((prop_oneof![Just(60u64), Just(300), Just(90), Just(3600)], 0.5f64..0.999)),
        sli(),
        alerts(),
        (
            prop::option::of("[A-Z][A-Za-z ]{0,12}"),
            prop::collection::btree_map("[a-z][a-z_]{0,6}", text(), 0..3),
            prop::collection::btree_map("[a-z][a-z_]{0,6}", text(), 0..2),
        ),
    )
        .prop_map(move |(name, description, target, window, slices, sli, alerts, (display_name, labels, annotations))| {
            let mut slo = json!({"name": format!("{name}-{service}-{index}"), "target": target, "window": window, "sli": sli});
            if let Some(d) = description {
                slo["description"] = json!(d);
            }
            if let Some(d) = display_name {
                slo["display_name"] = json!(d);
            }
            if !labels.is_empty() {
                slo["labels"] = json!(labels);
            }
            if !annotations.is_empty() {
                slo["annotations"] = json!(annotations);
            }
            if let Some((slice, ratio)) = slices {
                slo["budgeting"] = json!({"method": "timeslices", "slice": format!("{slice}s"), "slice_good_ratio": ratio});
            }
            if let Some(a) = alerts {
                slo["alerts"] = a;
            }
            slo
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..3)
        .prop_flat_map(|services| {
            (0..services)
                .map(|i| {
                    (
                        name(),
                        (0usize..3)
                            .prop_flat_map(move |n| (0..n).map(|j| slo(i, j)).collect::<Vec<_>>()),
                    )
                })
                .collect::<Vec<_>>()
        })
        .prop_filter_map("the generated spec must be valid", |services| {
            let services: Vec<Value> = services
                .into_iter()
                .enumerate()
                .map(|(i, (name, slos))| json!({"name": format!("{name}-{i}"), "slos": slos}))
                .collect();
            Spec::from_value(&json!({ "services": services }), "").ok()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn generated_specs_round_trip(spec in spec()) {
        let yaml = export(&spec).unwrap();
        let again = import(&yaml).map(|i| (i.spec, i.warnings));
        prop_assert_eq!(again, Ok((spec, Vec::new())), "{}", yaml);
    }
}

#[test]
fn prometheus_queries_become_a_prometheus_sli() {
    let spec = import_example("orders-prometheus.yaml");
    let slo = spec.slos().next().unwrap();
    assert_eq!(
        slo.to_json()["sli"],
        serde_json::json!({"prometheus": {
            "good": "http_requests_total{job=\"orders\",code!~\"5..\"}",
            "total": "http_requests_total{job=\"orders\"}",
        }})
    );
    assert_round_trip(&spec, "orders-prometheus.yaml");
}

#[test]
fn prometheus_queries_are_checked_where_they_are_written() {
    let yaml = std::fs::read_to_string(examples_dir().join("openslo/orders-prometheus.yaml"))
        .unwrap()
        .replace(
            "query: http_requests_total{job=\"orders\"}",
            "query: sum(rate(http_requests_total{job=\"orders\"}[5m]))",
        );
    assert_refused(
        &yaml,
        "document 2 (SLO orders-availability): spec.indicator.spec.ratioMetric.total.metricSource.spec.query: is an expression without {{window}}",
    );
    let threshold = r#"apiVersion: openslo/v1
kind: SLO
metadata:
  name: search
spec:
  service: web
  indicator:
    metadata:
      name: search-latency
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Timeslices
  objectives:
    - op: lte
      value: 0.5
      target: 0.99
      timeSliceTarget: 0.95
      timeSliceWindow: 5m
"#;
    assert_refused(
        threshold,
        "document 1 (SLO search): spec.indicator.spec.thresholdMetric.metricSource.type: Prometheus is not supported in a thresholdMetric",
    );
}

#[test]
fn the_openslo_projects_prometheus_example_imports_unchanged_and_round_trips() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/openslo-project/readme-ratio-metric.yaml"
    );
    let spec = import(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|errors| panic!("{errors:#?}"))
        .spec;
    let sli = &spec.slos().next().unwrap().to_json()["sli"]["prometheus"];
    // `counter: true` with an instant sum: rated over each window as a subquery.
    assert_eq!(
        sli["good"],
        "rate((sum(localhost_server_requests{code=~\"2xx|3xx\",host=\"*\",instance=\"127.0.0.1:9090\"}))[{{window}}:1m])"
    );
    assert_round_trip(&spec, "readme-ratio-metric.yaml");
}
