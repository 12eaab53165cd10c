use super::*;

const SPEC: &str = r#"{
  "services": [
    {
      "name": "shop",
      "slos": [
        {"name": "checkout", "target": 0.999, "window": "30d",
         "sli": {"bad": {"status": ["5xx"]}}},
        {
          "name": "Catalog",
          "target": 1.5,
          "window": "30d",
          "sli": {"latency": {"threshold_ms": 0}}
        }
      ]
    }
  ]
}"#;

/// Each problem's line and place.
fn placed(draft: &Draft) -> Vec<(Option<usize>, &str)> {
    draft
        .problems
        .iter()
        .map(|p| (p.line, p.place.as_str()))
        .collect()
}

#[test]
fn every_json_problem_is_placed_on_its_fields_line() {
    let draft = Draft::read(SPEC);
    assert_eq!(draft.format, DraftFormat::Spec);
    assert!(draft.spec.is_none());
    let placed = placed(&draft);
    assert_eq!(
        placed,
        [
            (Some(9), "services[0].slos[1].name"),
            (Some(10), "services[0].slos[1].target"),
            (Some(12), "services[0].slos[1].sli.latency.threshold_ms"),
        ],
        "{:#?}",
        draft.problems
    );
}

#[test]
fn json_paths_find_members_items_and_the_nearest_enclosing_value() {
    let lines = json_path_lines(SPEC);
    assert_eq!(lines.line_of(""), Some(1));
    assert_eq!(lines.line_of("services[0].slos[0]"), Some(6));
    assert_eq!(
        lines.line_of("services[0].slos[0].sli.bad.status[0]"),
        Some(7)
    );
    // A field the text lacks: its object's line.
    assert_eq!(lines.line_of("services[0].slos[1].description"), Some(8));
    // Broken JSON: what precedes the break still has its lines.
    let broken = json_path_lines("{\n \"services\": [\n  {\"name\": \"a\",\n");
    assert_eq!(broken.line_of("services[0].name"), Some(3));
}

const OPENSLO: &str = "\
apiVersion: openslo/v1
kind: Service
metadata:
  name: shop
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: shop
  budgetingMethod: Occurrences
  objectives:
    - displayName: fast
      target: 0.99
    - displayName: good
      target: 2
  timeWindow:
    - duration: 30d
      isRolling: true
";

#[test]
fn yaml_fields_are_found_through_keys_and_items() {
    assert_eq!(yaml_field_line(OPENSLO, 1, ""), Some(1));
    assert_eq!(yaml_field_line(OPENSLO, 1, "metadata.name"), Some(4));
    assert_eq!(
        yaml_field_line(OPENSLO, 2, "spec.objectives[1].target"),
        Some(17)
    );
    assert_eq!(yaml_field_line(OPENSLO, 2, "spec.objectives[0]"), Some(14));
    assert_eq!(
        yaml_field_line(OPENSLO, 2, "spec.timeWindow[0].duration"),
        Some(19)
    );
    // The deepest part the text has: the objective that lacks the field.
    assert_eq!(
        yaml_field_line(OPENSLO, 2, "spec.objectives[1].op"),
        Some(16)
    );
    assert_eq!(yaml_field_line(OPENSLO, 3, "spec"), None);
}

#[test]
fn formats_are_told_apart_by_what_the_text_holds() {
    assert_eq!(
        DraftFormat::detect("  {\"services\": []}"),
        DraftFormat::Spec
    );
    assert_eq!(DraftFormat::detect(OPENSLO), DraftFormat::OpenSlo);
    assert_eq!(
        DraftFormat::detect("version: \"prometheus/v1\"\nservice: x\n"),
        DraftFormat::Sloth
    );
    assert_eq!(
        DraftFormat::detect("apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\n"),
        DraftFormat::Sloth
    );
}

#[test]
fn an_openslo_problem_names_its_document_and_sits_on_its_line() {
    let one_objective = OPENSLO.replace("    - displayName: fast\n      target: 0.99\n", "");
    let draft = Draft::read(&one_objective);
    assert!(draft.spec.is_none());
    let target = draft
        .problems
        .iter()
        .find(|p| p.place.ends_with("spec.objectives[0].target"))
        .unwrap_or_else(|| panic!("{:#?}", draft.problems));
    assert_eq!(target.line, Some(15));
    assert!(
        target.place.starts_with("document 2 (SLO checkout)"),
        "{}",
        target.place
    );
}

#[test]
fn a_valid_draft_has_its_spec_in_every_format() {
    let example = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/../../examples/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let json = Draft::read(&example("checkout.json"));
    assert!(json.problems.is_empty(), "{:#?}", json.problems);
    assert_eq!(
        json.spec.unwrap(),
        Spec::from_json(&example("checkout.json")).unwrap()
    );
    let yaml = example("openslo/checkout-availability.yaml");
    let draft = Draft::read(&yaml);
    assert_eq!(draft.format, DraftFormat::OpenSlo);
    assert_eq!(draft.spec.unwrap(), openslo::import(&yaml).unwrap().spec);
}

#[test]
fn a_zoned_window_s_problems_are_placed_on_their_lines() {
    let text = r#"{"services": [{"name": "shop", "slos": [{
  "name": "checkout", "target": 0.999,
  "window": {
    "calendar": "month",
    "time_zone": "Europe/Berln",
    "start": "2024-01-15"
  },
  "sli": {"bad": {"status": ["5xx"]}}
}]}]}"#;
    let draft = Draft::read(text);
    let placed = placed(&draft);
    assert_eq!(
        placed,
        [
            (Some(5), "services[0].slos[0].window.time_zone"),
            (Some(6), "services[0].slos[0].window.start"),
        ],
        "{:#?}",
        draft.problems
    );
}
