//! The project's own specs in Pyrra's format (tests/fixtures/pyrra-format, written by us)
//! import, and problems are named by file, document and Pyrra field, all at once.

use slo_core::prometheus::{Counted, Source};
use slo_core::pyrra::{import, Imported};
use slo_core::spec::Sli;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pyrra-format");

/// Every YAML file of a fixture folder, as the command reads a folder: in name order.
fn folder(sub: &str) -> Vec<(String, String)> {
    let mut names: Vec<_> = std::fs::read_dir(format!("{DIR}/{sub}"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn read(files: &[(String, String)]) -> Result<Imported, Vec<String>> {
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    import(&texts).map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

fn one(yaml: &str) -> Result<Imported, Vec<String>> {
    read(&[("slo.yaml".into(), yaml.into())])
}

const HEAD: &str = "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata:\n  name: api\n  namespace: shop\n";

fn file(name: &str) -> Vec<(String, String)> {
    let path = format!("{DIR}/{name}");
    let text = std::fs::read_to_string(&path).unwrap();
    vec![(path, text)]
}

/// Each tier's (long, short) windows in minutes and its factor.
fn tiers(slo: &slo_core::spec::Slo) -> Vec<(u64, u64, f64)> {
    slo.alerts
        .iter()
        .map(|t| {
            (
                t.long_window_seconds / 60,
                t.short_window_seconds / 60,
                (t.burn_rate(slo.window.nominal_seconds()) * 1e9).round() / 1e9,
            )
        })
        .collect()
}

#[test]
fn a_folder_imports_as_one_service_with_pyrras_windows_for_each_length() {
    let imported = read(&folder("kube-apiserver")).unwrap();
    let spec = &imported.spec;
    assert_eq!(spec.services.len(), 1);
    assert_eq!(spec.services[0].name, "kube-system");
    assert_eq!(spec.slos().count(), 2);
    let latency = spec
        .slos()
        .find(|s| s.name == "apiserver-list-latency")
        .unwrap();
    let Sli::Prometheus(sli) = &latency.sli else {
        panic!()
    };
    let Source::Latency(histogram) = &sli.source else {
        panic!("{sli:?}")
    };
    assert_eq!(
        (histogram.histogram.as_str(), histogram.le.as_str()),
        ("apiserver_request_duration_seconds", "2")
    );
    assert_eq!(sli.grouping, ["resource"]);
    // 2w: the 28-day table halved.
    assert_eq!(
        tiers(latency),
        [
            (30, 3, 14.0),
            (180, 15, 7.0),
            (720, 60, 2.0),
            (2880, 180, 1.0)
        ]
    );
    let errors = spec
        .slos()
        .find(|s| s.name == "apiserver-write-errors")
        .unwrap();
    let Sli::Prometheus(sli) = &errors.sli else {
        panic!()
    };
    assert!(matches!(
        sli.source,
        Source::Ratio {
            counted: Counted::Bad,
            ..
        }
    ));
    assert_eq!(sli.grouping, ["verb"]);
    assert_eq!(errors.target, 0.99);
    assert_eq!(
        errors.description.as_deref(),
        Some("Creates, updates, patches and deletes answered without a 5xx.")
    );
    // 28d: the table itself; Pyrra's severity words on the alerts.
    assert_eq!(
        tiers(errors),
        [
            (60, 5, 14.0),
            (360, 30, 7.0),
            (1440, 120, 2.0),
            (5760, 360, 1.0)
        ]
    );
    assert_eq!(
        errors.alert_metadata.page.labels.get("severity"),
        Some("critical")
    );
    assert_eq!(
        errors.alert_metadata.ticket.labels.get("severity"),
        Some("warning")
    );
    // The Kubernetes object's labels are said, file and field named; Pyrra's hold is each
    // tier's `for`, so nothing is said of it.
    let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.ends_with("apiserver-write-errors.yaml: document 1 (ServiceLevelObjective apiserver-write-errors): metadata.labels.release: is a label of the Kubernetes object (such as the Prometheus Operator's rule selector), not of the rules; not carried (Pyrra copies only pyrra.dev/ labels onto its rules)")), "{warnings:#?}");
    assert!(
        !warnings.iter().any(|w| w.contains("pending")),
        "{warnings:#?}"
    );
    let holds = |slo: &slo_core::spec::Slo| -> Vec<u64> {
        slo.alerts.iter().map(|t| t.hold_seconds / 60).collect()
    };
    // Pyrra's `for` at 2w and 28d, as the tiers' holds (minutes).
    let slos: Vec<_> = imported.spec.slos().collect();
    assert!(slos.iter().any(|s| holds(s) == [1, 8, 30, 90]), "{slos:#?}");
    assert!(
        slos.iter().any(|s| holds(s) == [2, 15, 60, 180]),
        "{slos:#?}"
    );
}

#[test]
fn seven_days_scale_the_table_to_the_minute() {
    let imported = read(&file("grpc-payments.yaml")).unwrap();
    let slo = imported.spec.slos().next().unwrap();
    assert_eq!(imported.spec.services[0].name, "payments");
    assert_eq!(
        tiers(slo),
        [(15, 1, 14.0), (90, 8, 7.0), (360, 30, 2.0), (1440, 90, 1.0)]
    );
    let Sli::Prometheus(sli) = &slo.sli else {
        panic!()
    };
    assert_eq!(sli.grouping, ["grpc_method"]);
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.to_string().contains("spec.alerting.absent: is false")));
}

#[test]
fn a_target_too_loose_for_pyrras_fastest_tier_leaves_it_out() {
    let imported = read(&file("nginx-ingress.yaml")).unwrap();
    let spec = &imported.spec;
    // No namespace: Kubernetes' default, next to the namespaced one.
    let services: Vec<&str> = spec.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(services, ["storefront", "default"]);
    let slo = spec
        .slos()
        .find(|s| s.name == "storefront-ingress-latency")
        .unwrap();
    // 14x needs 140% errors at 90%.
    assert_eq!(
        slo.alerts
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["page-slow", "ticket-fast", "ticket-slow"]
    );
    assert!(imported.warnings.iter().any(|w| w.to_string().contains("spec.target: leaves out Pyrra's page-fast tier (14x over 1h and 5m): it fires above an error ratio of 1.4")));
    // 4w is 28d.
    let errors = spec
        .slos()
        .find(|s| s.name == "storefront-ingress-errors")
        .unwrap();
    assert_eq!(tiers(errors)[0], (60, 5, 14.0));
    let meta = &errors.alert_metadata;
    assert_eq!(meta.name.as_deref(), Some("StorefrontIngressBurn"));
    assert_eq!(meta.labels.get("team"), Some("web"));
    assert_eq!(
        meta.annotations.get("runbook"),
        Some("runbooks/storefront-ingress.md")
    );
    assert_eq!(
        (
            meta.page.labels.get("severity"),
            meta.ticket.labels.get("severity")
        ),
        (Some("page"), Some("ticket"))
    );
}

#[test]
fn the_bool_gauge_is_pyrras_share_of_failed_samples() {
    let imported = read(&file("blackbox-probe.yaml")).unwrap();
    let slo = imported.spec.slos().next().unwrap();
    let Sli::Prometheus(sli) = &slo.sli else {
        panic!()
    };
    assert_eq!(sli.error_ratio("5m"), "(\n(sum by (instance) (count_over_time(probe_success{job=\"status-page-http\"}[5m])) - sum by (instance) (sum_over_time(probe_success{job=\"status-page-http\"}[5m]))) / sum by (instance) (count_over_time(probe_success{job=\"status-page-http\"}[5m]))\n)");
}

#[test]
fn disabled_alerting_and_burnrates_false_leave_no_tiers() {
    let imported = read(&file("alerting-off.yaml")).unwrap();
    let names: Vec<(&str, usize)> = imported
        .spec
        .slos()
        .map(|s| (s.name.as_str(), s.alerts.len()))
        .collect();
    assert_eq!(
        names,
        [("report-export-errors", 0), ("report-render-errors", 0)]
    );
}

#[test]
fn native_histograms_and_grouping_by_service_are_refused_at_their_field() {
    let errors = read(&folder("refused")).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("grouping-service.yaml: document 1 (ServiceLevelObjective queue-consumer-errors): spec.indicator.ratio.grouping[0]: \"service\" is set by the rules themselves")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("latency-native.yaml: document 1 (ServiceLevelObjective search-latency): spec.indicator.latencyNative: is not supported: native histograms need histogram_fraction")), "{errors:#?}");
}

#[test]
fn alerting_switches_labels_and_annotations_are_carried() {
    let yaml = format!("{HEAD}  labels:\n    pyrra.dev/team: shop\n  annotations:\n    pyrra.dev/runbook: https://runbooks/api\nspec:\n  target: '99.5'\n  window: 4w\n  indicator:\n    ratio:\n      errors: {{metric: 'http_requests_total{{code=~\"5..\"}}'}}\n      total: {{metric: http_requests_total}}\n  alerting:\n    name: ApiBurn\n    absent: false\n    severities: {{fastBurn: page, mediumBurn: page, slowBurn: info, longTermBurn: info}}\n");
    let imported = one(&yaml).unwrap();
    let slo = imported.spec.slos().next().unwrap();
    let meta = &slo.alert_metadata;
    assert_eq!(meta.name.as_deref(), Some("ApiBurn"));
    assert_eq!(meta.labels.get("team"), Some("shop"));
    assert_eq!(
        meta.annotations.get("runbook"),
        Some("https://runbooks/api")
    );
    assert_eq!(
        (
            meta.page.labels.get("severity"),
            meta.ticket.labels.get("severity")
        ),
        (Some("page"), Some("info"))
    );
    assert_eq!(slo.alerts.len(), 4);
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.to_string().contains("spec.alerting.absent: is false")));
    let off = one(&yaml.replace("    absent: false\n", "    burnrates: false\n")).unwrap();
    assert!(off.spec.slos().next().unwrap().alerts.is_empty());
}

#[test]
fn every_problem_is_named_with_its_file_document_and_field_at_once() {
    let yaml = format!("{HEAD}spec:\n  target: 99.5\n  window: 4x\n  indicator:\n    ratio:\n      errors: {{metric: 'sum(rate(x[5m]))'}}\n      total: {{metric: x}}\n      grouping: [service]\n  alerting:\n    severities: {{fastBurn: page, mediumBurn: critical}}\n  tresholds: 1\n---\napiVersion: v1\nkind: ConfigMap\n---\n{HEAD}spec:\n  target: '99'\n  window: 2w\n  indicator:\n    latencyNative: {{latency: 200ms, total: {{metric: h}}}}\n");
    let errors = one(&yaml).unwrap_err();
    let expected = [
        "slo.yaml: document 1 (ServiceLevelObjective api): spec.tresholds: unknown field “tresholds”",
        "slo.yaml: document 1 (ServiceLevelObjective api): spec.target: the number 99.5 is not text; allowed: the percent as text",
        "slo.yaml: document 1 (ServiceLevelObjective api): spec.window: “4x” is not a valid duration",
        "slo.yaml: document 1 (ServiceLevelObjective api): spec.indicator.ratio.errors.metric: ",
        "slo.yaml: document 1 (ServiceLevelObjective api): spec.alerting.severities.mediumBurn: \"critical\" differs from fastBurn (\"page\")",
        "slo.yaml: document 2 (ConfigMap): kind: \"ConfigMap\" is not a Pyrra resource; allowed: ServiceLevelObjective (apiVersion pyrra.dev/v1alpha1)",
        "slo.yaml: document 3 (ServiceLevelObjective api): spec.indicator.latencyNative: is not supported: native histograms need histogram_fraction",
    ];
    for wanted in expected {
        assert!(
            errors.iter().any(|e| e.starts_with(wanted)),
            "{wanted}\n{errors:#?}"
        );
    }
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    // A spec error is filed at the Pyrra field its value came from.
    let grouped = one(&format!("{HEAD}spec:\n  target: '99'\n  window: 2w\n  indicator:\n    ratio:\n      errors: {{metric: 'x{{code=\"500\"}}'}}\n      total: {{metric: x}}\n      grouping: [service]\n")).unwrap_err();
    assert_eq!(grouped.len(), 1);
    assert!(grouped[0].starts_with("slo.yaml: document 1 (ServiceLevelObjective api): spec.indicator.ratio.grouping[0]: \"service\" is set by the rules themselves"), "{grouped:?}");
}
