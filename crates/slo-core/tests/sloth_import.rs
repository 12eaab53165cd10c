//! Sloth's own examples (vendored in tests/fixtures/sloth with Sloth's licence) import, in
//! both spellings, and problems are named by document and Sloth field.

use slo_core::sloth::import;
use slo_core::spec::Spec;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/sloth/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn errors(yaml: &str) -> Vec<String> {
    import(yaml, "30d")
        .expect_err("must be refused")
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_example_imports_for_both_periods() {
    for name in [
        "getting-started.yml",
        "k8s-getting-started.yml",
        "home-wifi.yml",
        "raw-home-wifi.yml",
        "no-alerts.yml",
        "multifile.yml",
        "kubernetes-apiserver.yml",
        "k8s-home-wifi.yml",
        "k8s-multifile.yml",
    ] {
        for period in ["30d", "28d"] {
            let spec = import(&fixture(name), period)
                .unwrap_or_else(|e| panic!("{name} {period}: {e:#?}"));
            assert!(spec.slos().all(|s| s.window.to_string() == period));
            assert_eq!(Spec::from_value(&spec.to_json(), ""), Ok(spec));
        }
    }
}

#[test]
fn the_kubernetes_resource_reads_as_the_file_does() {
    assert_eq!(
        import(&fixture("k8s-getting-started.yml"), "28d"),
        import(&fixture("getting-started.yml"), "28d")
    );
}

#[test]
fn the_getting_started_example_maps_every_field() {
    let spec = import(&fixture("getting-started.yml"), "30d").unwrap();
    let slo = spec.slos().next().unwrap();
    assert_eq!(slo.name, "myservice-requests-availability");
    assert_eq!(slo.target, 0.999);
    let json = slo.to_json();
    assert_eq!(
        json["sli"]["prometheus"]["bad"],
        "sum(rate(http_request_duration_seconds_count{job=\"myservice\",code=~\"(5..|429)\"}[{{window}}]))"
    );
    let meta = &slo.alert_metadata;
    assert_eq!(meta.name.as_deref(), Some("MyServiceHighErrorRate"));
    assert_eq!(meta.labels.get("owner"), Some("myteam"));
    assert_eq!(meta.labels.get("category"), Some("availability"));
    assert_eq!(meta.page.labels.get("severity"), Some("pageteam"));
    assert_eq!(
        meta.ticket.labels.get("slack_channel"),
        Some("#alerts-myteam")
    );
    // 30d: Sloth's windows are the spec's default tiers.
    assert!(json["alerts"].get("tiers").is_none(), "{json}");
    let off = import(&fixture("no-alerts.yml"), "30d").unwrap();
    assert!(off.slos().next().unwrap().alerts.is_empty());
}

#[test]
fn problems_name_the_document_and_the_sloth_field() {
    let yaml = fixture("multifile.yml")
        .replacen("[{{.window}}]))", "[{{.window}}])", 1)
        .replacen("objective: 99.9", "objective: 100", 1)
        + "---\nversion: \"prometheus/v1\"\nservice: \"x\"\nslos:\n  - name: a\n    objective: 99\n    sli:\n      plugin:\n        id: sloth-common/availability\n    alerting:\n      page_alert:\n        disable: yes\n";
    let found = errors(&yaml);
    for want in [
        "document 1 (prometheus/v1 myservice): slos[0].sli.events.error_query: does not parse as PromQL",
        "document 1 (prometheus/v1 myservice): slos[0].objective: 100 is not an objective",
        "document 3 (prometheus/v1 x): slos[0].sli.plugin: is not supported: a plugin is code Sloth runs",
    ] {
        assert!(found.iter().any(|e| e.starts_with(want)), "{want:?} not in {found:#?}");
    }
    let period = import(&fixture("getting-started.yml"), "7d").unwrap_err();
    assert!(period[0]
        .to_string()
        .starts_with("the SLO period \"7d\" has no Sloth alert windows here; allowed: 30d or 28d"));
}
