//! The YAML beneath OpenSLO and Sloth streams: what the parser would take silently (a key
//! written twice) is refused, what YAML allows (merge keys) is read, and every syntax
//! error names its line in the file as a whole.

#[path = "support/openslo.rs"]
mod openslo_support;
use openslo_support::{errors, spec};

/// One SLO document (15 lines), valid on its own.
const SLO: &str = "\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: shop-availability
spec:
  service: shop
  indicator:
    metadata: {name: shop-requests}
    spec:
      ratioMetric:
        total: {metricSource: {type: slo-toolkit.request, spec: {match: {path_prefixes: [/shop]}}}}
        bad: {metricSource: {type: slo-toolkit.request, spec: {bad: {status: [5xx]}}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
";

#[test]
fn a_key_written_twice_is_refused_naming_both_lines() {
    let yaml = SLO.replace(
        "  budgetingMethod: Occurrences\n",
        "  budgetingMethod: Occurrences\n  service: checkout\n",
    );
    assert_eq!(
        errors(&yaml),
        ["document 1: not valid YAML: the key \"service\" is written twice in one mapping, at line 6 column 3 and at line 15 column 3 (YAML keeps only the last); allowed: each key once"]
    );
    // In a flow mapping, and in a later document: lines count in the whole file.
    let yaml = format!(
        "{SLO}---\n{}",
        SLO.replace("{target: 0.999}", "{target: 0.999, target: 0.99}")
    );
    assert_eq!(
        errors(&yaml),
        ["document 2: not valid YAML: the key \"target\" is written twice in one mapping, at line 31 column 17 and at line 31 column 32 (YAML keeps only the last); allowed: each key once"]
    );
}

#[test]
fn merge_keys_are_read() {
    let yaml = SLO
        .replace(
            "        total: {metricSource: {type: slo-toolkit.request, spec: {match: {path_prefixes: [/shop]}}}}\n",
            "        total:\n          metricSource:\n            <<: &request {type: slo-toolkit.request}\n            spec: {match: {path_prefixes: [/shop]}}\n",
        )
        .replace(
            "bad: {metricSource: {type: slo-toolkit.request, spec:",
            "bad: {metricSource: {<<: *request, spec:",
        );
    let merged = spec(&yaml).unwrap_or_else(|e| panic!("{e:#?}\n{yaml}"));
    assert_eq!(merged, spec(SLO).unwrap());
    // A key of the mapping itself wins over a merged one, as YAML says.
    let yaml = SLO.replace(
        "  objectives: [{target: 0.999}]\n",
        "  objectives: [{<<: {target: 0.5}, target: 0.999}]\n",
    );
    assert_eq!(spec(&yaml).unwrap(), spec(SLO).unwrap());
}

#[test]
fn syntax_errors_name_their_line_in_the_whole_file() {
    // Two broken documents: the second one's line counts from the top of the file, not
    // from where reading started again after the first.
    let broken = SLO.replace("[{target: 0.999}]", "[{target: 0.999}");
    let yaml = format!("{broken}---\n{broken}---\n{SLO}");
    let found = errors(&yaml);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("document 1: not valid YAML: ")
            && found[0].contains("line 16 column 1"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("document 2: not valid YAML: ")
            && found[1].contains("line 32 column 1"),
        "{found:#?}"
    );
    assert!(!found[1].contains("line 16"), "{found:#?}");
}

#[test]
fn a_tab_on_the_first_line_has_its_line() {
    let found = errors(&format!("\t{SLO}"));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("at line 1 column 1"), "{found:#?}");
}

#[test]
fn a_list_of_documents_is_read_as_the_documents() {
    let service = "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: shop}\nspec: {}\n";
    let indent = |doc: &str| {
        let mut lines = doc.lines();
        let first = format!("- {}\n", lines.next().unwrap());
        first + &lines.map(|l| format!("  {l}\n")).collect::<String>()
    };
    let yaml = indent(service) + &indent(SLO);
    assert_eq!(spec(&yaml), spec(&format!("{service}---\n{SLO}")));
    // An error names the item.
    let yaml = indent(service) + &indent(&SLO.replace("service: shop", "service: shops"));
    assert_eq!(
        errors(&yaml),
        ["document 1 (SLO shop-availability): [1].spec.service: no Service document is named \"shops\"; did you mean “shop”? allowed: shop"]
    );
}
