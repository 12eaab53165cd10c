//! `slo dashboards`: the files it writes, its argument errors, and every panel's query
//! parsed by the real promtool for every example spec.

use serde_json::Value;
use std::path::Path;

mod common;

use common::{promtool, root, scratch, slo, stdout};

const EXAMPLES: [&str; 3] = [
    "examples/checkout.json",
    "examples/prometheus.json",
    "examples/demo.json",
];

#[test]
fn out_writes_both_dashboards_and_names_them() {
    let dir = scratch("dashboards-out");
    let printed = stdout(&[
        "dashboards",
        "examples/checkout.json",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let files: Vec<&str> = printed.lines().collect();
    assert_eq!(files.len(), 2, "{printed}");
    for (file, name) in files.iter().zip(["overview", "detail"]) {
        assert!(
            file.ends_with(&format!("slo-{name}.dashboard.json")),
            "{file}"
        );
        let written = std::fs::read_to_string(file).unwrap();
        let one = stdout(&["dashboards", "examples/checkout.json", "--dashboard", name]);
        assert_eq!(written, one);
        // The same bytes the editor's export gives.
        let spec = slo_core::spec::Spec::from_json(
            &std::fs::read_to_string(root().join("examples/checkout.json")).unwrap(),
        )
        .unwrap();
        let artifact = slo_gen::export::Artifact::parse(&format!("grafana-{name}")).unwrap();
        assert_eq!(slo_gen::export::export(&spec, artifact).unwrap(), written);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_arguments_are_all_reported_with_exit_2() {
    let out = slo(&[
        "dashboards",
        "--dashboard",
        "summary",
        "--out",
        "/tmp/x",
        "--format=y",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let errors = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        errors.lines().collect::<Vec<_>>(),
        [
            "slo dashboards: unknown option --format; allowed: --out, --dashboard",
            "slo dashboards: --dashboard: “summary” is not a dashboard; allowed: overview or detail",
            "slo dashboards: give --out DIR or --dashboard NAME, not both",
            "slo dashboards: give one spec file",
        ]
    );
    let out = slo(&["dashboards", "examples/checkout.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "give --out DIR (writes both dashboards) or --dashboard overview|detail (prints one)"
    ));
}

/// Every panel's query, with the SLO variable as Grafana fills it when all are selected.
fn queries(spec: &str) -> Vec<String> {
    let mut exprs = Vec::new();
    for name in ["overview", "detail"] {
        let board: Value =
            serde_json::from_str(&stdout(&["dashboards", spec, "--dashboard", name])).unwrap();
        for panel in board["panels"].as_array().unwrap() {
            for target in panel["targets"].as_array().unwrap() {
                exprs.push(target["expr"].as_str().unwrap().replace("$slo", ".*"));
            }
        }
    }
    exprs
}

#[test]
fn promtool_parses_every_panels_query() {
    let dir = scratch("dashboards-promql");
    for spec in EXAMPLES {
        let rules: Vec<Value> = (queries(spec).into_iter().enumerate())
            .map(|(i, expr)| serde_json::json!({"record": format!("dashboard:query{i}"), "expr": expr}))
            .collect();
        assert!(rules.len() > 10, "{spec}: {}", rules.len());
        let file = dir.join(format!(
            "{}.json",
            Path::new(spec).file_stem().unwrap().to_str().unwrap()
        ));
        let groups = serde_json::json!({"groups": [{"name": "dashboards", "rules": rules}]});
        // promtool reads YAML, of which JSON is a part.
        std::fs::write(&file, groups.to_string()).unwrap();
        promtool(&["check", "rules"], &file);
    }
    std::fs::remove_dir_all(dir).unwrap();
}
