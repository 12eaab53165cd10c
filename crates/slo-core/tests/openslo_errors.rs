//! Nothing in an OpenSLO stream is dropped silently.
//!
//! The invariant, for any stream of documents: every non-empty document is either
//! imported or named by an error (its document number, with kind and name when they can
//! be read). Precisely, [`assert_accounted`] imports the stream and then:
//!
//! - on success, each document must be in the spec: a Service or an SLO by its name; an
//!   SLI, AlertPolicy, AlertCondition or DataSource through a reference (`indicatorRef`,
//!   `alertPolicyRef`, `conditionRef`, `metricSourceRef`) from a document in the spec; an
//!   AlertNotificationTarget is accepted and not carried, as documented;
//! - on failure, at least one error must name a document (or the stream as a whole, when it
//!   holds nothing to import). The documents named are removed and the rest imported again,
//!   until it succeeds and the rule above holds for what is left. A document named only in
//!   a later round must be named for a reference to or from a removed one: anything else
//!   was an error the first import hid.

use proptest::prelude::*;
use serde::Deserialize;
use serde_json::Value;
use slo_core::openslo::import;
use slo_core::spec::Spec;
use std::collections::BTreeSet;

/// The document kinds an `*Ref` field names.
const REFERENCES: [(&str, &str); 4] = [
    ("indicatorRef", "SLI"),
    ("alertPolicyRef", "AlertPolicy"),
    ("conditionRef", "AlertCondition"),
    ("metricSourceRef", "DataSource"),
];

/// Messages of errors that follow from a reference to or from another document.
const DEPENDENCY_ERRORS: [&str; 2] = ["document is named", "is not referred to by any SLO"];

/// Messages of errors about the stream as a whole, when it holds nothing to import.
const STREAM_ERRORS: [&str; 2] = ["holds no document", "holds no Service or SLO document"];

fn yaml_value(text: &str) -> Value {
    Value::deserialize(serde_yaml_ng::Deserializer::from_str(text)).unwrap_or(Value::Null)
}

fn kind_and_name(doc: &Value) -> (Option<&str>, Option<&str>) {
    (
        doc.get("kind").and_then(Value::as_str),
        doc.get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str),
    )
}

/// Every `(kind, name)` the `*Ref` fields anywhere in `value` refer to.
fn references(value: &Value, out: &mut Vec<(&'static str, String)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if let (Some((_, kind)), Some(name)) =
                    (REFERENCES.iter().find(|(k, _)| k == key), v.as_str())
                {
                    out.push((kind, name.to_string()));
                }
                references(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// The documents of `docs` (by position) that the imported `spec` holds.
fn in_spec(docs: &[Value], spec: &Spec) -> BTreeSet<usize> {
    let mut held: BTreeSet<usize> = (0..docs.len())
        .filter(|&i| match kind_and_name(&docs[i]) {
            (Some("Service"), Some(name)) => spec.services.iter().any(|s| s.name == name),
            (Some("SLO"), Some(name)) => spec.slos().any(|s| s.name == name),
            (Some("AlertNotificationTarget"), _) => true,
            _ => false,
        })
        .collect();
    loop {
        let mut refs = Vec::new();
        for &i in &held {
            references(&docs[i], &mut refs);
        }
        let more: Vec<usize> = (0..docs.len())
            .filter(|i| !held.contains(i))
            .filter(|&i| {
                let (kind, name) = kind_and_name(&docs[i]);
                refs.iter()
                    .any(|(k, n)| Some(*k) == kind && Some(n.as_str()) == name)
            })
            .collect();
        if more.is_empty() {
            return held;
        }
        held.extend(more);
    }
}

/// Checks the invariant of this file for a stream given as the text of each document.
fn assert_accounted(docs: &[String]) {
    let mut left: Vec<usize> = (0..docs.len()).collect();
    for round in 0.. {
        let stream: Vec<&str> = left.iter().map(|&i| docs[i].as_str()).collect();
        let stream = stream.join("---\n");
        let errors = match import(&stream) {
            Ok(imported) => {
                let values: Vec<Value> = left.iter().map(|&i| yaml_value(&docs[i])).collect();
                let held = in_spec(&values, &imported.spec);
                for (k, value) in values.iter().enumerate() {
                    assert!(
                        value.is_null() || held.contains(&k),
                        "document {} is neither imported nor named by an error:\n{stream}",
                        k + 1
                    );
                }
                return;
            }
            Err(errors) => errors,
        };
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let context = format!("errors:\n  {}\nstream:\n{stream}", lines.join("\n  "));
        assert!(!errors.is_empty(), "refused without an error\n{context}");
        let mut named = BTreeSet::new();
        for e in &errors {
            match e.document {
                Some(n) => {
                    assert!(n >= 1 && n <= left.len(), "no document {n}\n{context}");
                    named.insert(n - 1);
                }
                None => assert!(
                    STREAM_ERRORS.iter().any(|s| e.message.starts_with(s)),
                    "an error names no document: {e}\n{context}"
                ),
            }
        }
        if round > 0 {
            for &k in &named {
                let dependency = errors.iter().any(|e| {
                    e.document == Some(k + 1)
                        && DEPENDENCY_ERRORS.iter().any(|d| e.message.contains(d))
                });
                assert!(
                    dependency,
                    "document {} has errors the first import did not report (round {round})\n{context}",
                    k + 1
                );
            }
        }
        if named.is_empty() {
            // The stream as a whole is refused: it holds nothing to import.
            return;
        }
        left = left
            .into_iter()
            .enumerate()
            .filter(|(k, _)| !named.contains(k))
            .map(|(_, i)| i)
            .collect();
        if left.is_empty() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Hand-written cases: every kind of document, broken at every level.

const SERVICE: &str = "\
apiVersion: openslo/v1
kind: Service
metadata:
  name: shop
spec:
  description: The shop.
";

const DATA_SOURCE: &str = "\
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: envoy
spec:
  type: slo-toolkit.request
  connectionDetails: {}
";

const SLI: &str = "\
apiVersion: openslo/v1
kind: SLI
metadata:
  name: shop-requests
spec:
  ratioMetric:
    counter: true
    total:
      metricSource:
        metricSourceRef: envoy
        spec:
          match:
            path_prefixes: [/shop]
    bad:
      metricSource:
        type: slo-toolkit.request
        spec:
          bad:
            status: [5xx]
";

const SLO: &str = "\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: shop-availability
spec:
  service: shop
  indicatorRef: shop-requests
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
  alertPolicies:
    - alertPolicyRef: fast
";

const POLICY: &str = "\
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: fast
spec:
  conditions:
    - conditionRef: fast-burn
  notificationTargets:
    - targetRef: on-call
";

const CONDITION: &str = "\
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: fast-burn
  annotations:
    slo-toolkit/min-events-per-second: \"0.5\"
spec:
  severity: page
  condition:
    kind: burnrate
    op: gte
    threshold: 14.4
    lookbackWindow: 1h
    alertAfter: 5m
";

const TARGET: &str = "\
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: on-call
spec:
  target: alertmanager
";

/// A valid stream with one document of every kind, in this order.
const BASE: [&str; 7] = [SERVICE, DATA_SOURCE, SLI, SLO, POLICY, CONDITION, TARGET];

/// The base stream with one document changed: `from` replaced by `to` in document
/// `index` (counted from 1, as errors count), or a document added when `index` is past
/// the end.
fn case(index: usize, from: &str, to: &str) -> Vec<String> {
    let mut docs: Vec<String> = BASE.iter().map(|d| d.to_string()).collect();
    match docs.get_mut(index - 1) {
        Some(doc) => {
            assert!(doc.contains(from), "document {index} has no {from:?}");
            *doc = doc.replacen(from, to, 1);
        }
        None => docs.push(to.to_string()),
    }
    docs
}

#[test]
fn the_base_stream_imports_every_document() {
    let docs: Vec<String> = BASE.iter().map(|d| d.to_string()).collect();
    import(&docs.join("---\n")).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_accounted(&docs);
}

/// Each malformed stream, and the start of an error it must get.
fn malformed() -> Vec<(Vec<String>, &'static str)> {
    vec![
        // Any document.
        (case(4, SLO, "- a list\n- of strings\n"), "document 4: [0]: expected an object, found the string \"a list\""),
        (case(4, SLO, "just words\n"), "document 4: expected an object, found the string"),
        (case(4, "apiVersion: openslo/v1", "apiVersion: openslo/v2"), "document 4 (SLO shop-availability): apiVersion: \"openslo/v2\" is not supported"),
        (case(4, "apiVersion: openslo/v1\n", ""), "document 4 (SLO shop-availability): apiVersion: is required"),
        (case(4, "kind: SLO\n", ""), "document 4 (shop-availability): kind: is required"),
        (case(4, "kind: SLO", "kind: [SLO]"), "document 4 (shop-availability): kind: expected a string"),
        (case(4, "metadata:\n  name: shop-availability\n", "metadata: [shop-availability]\n"), "document 4 (SLO): metadata: expected an object, found a list"),
        (case(4, "metadata:\n  name: shop-availability\n", ""), "document 4 (SLO): metadata: is required"),
        (case(4, "name: shop-availability", "name: 7"), "document 4 (SLO): metadata.name: expected a string"),
        (case(4, "name: shop-availability", "labels: {}"), "document 4 (SLO): metadata.name: is required"),
        (case(8, "", "apiVersion: openslo/v1\nkind: SLOGroup\nmetadata:\n  name: all\nspec: {}\n"), "document 8 (all): kind: \"SLOGroup\" is not an OpenSLO v1 kind"),
        (case(3, "kind: SLI", "kind: [SLI"), "document 3: not valid YAML"),
        (case(4, "kind: SLO", "kind: SLO\nextra: 1"), "document 4 (SLO shop-availability): extra: unknown field"),
        // SLO.
        (case(4, "spec:\n  service: shop\n", "spec: 5\nunused:\n  service: shop\n"), "document 4 (SLO shop-availability): spec: expected an object, found the number 5"),
        (case(4, "spec:\n  service: shop\n", "spec: [service, shop]\nunused:\n  service: shop\n"), "document 4 (SLO shop-availability): spec: expected an object, found a list"),
        (case(4, "  service: shop\n", ""), "document 4 (SLO shop-availability): spec.service: is required"),
        (case(4, "service: shop", "service: [shop]"), "document 4 (SLO shop-availability): spec.service: expected a string"),
        (case(4, "service: shop", "service: shops"), "document 4 (SLO shop-availability): spec.service: no Service document is named \"shops\""),
        (case(4, "indicatorRef: shop-requests", "indicatorRef: {name: shop-requests}"), "document 4 (SLO shop-availability): spec.indicatorRef: expected a string"),
        (case(4, "indicatorRef: shop-requests", "indicator: [shop-requests]"), "document 4 (SLO shop-availability): spec.indicator: expected an object, found a list"),
        (case(4, "indicatorRef: shop-requests", "indicator: {spec: words}"), "document 4 (SLO shop-availability): spec.indicator.spec: expected an object, found the string"),
        (case(4, "timeWindow:\n    - duration: 30d\n      isRolling: true\n", "timeWindow: {duration: 30d, isRolling: true}\n"), "document 4 (SLO shop-availability): spec.timeWindow: expected a list, found an object"),
        (case(4, "timeWindow:\n    - duration: 30d\n      isRolling: true\n", "timeWindow: []\n"), "document 4 (SLO shop-availability): spec.timeWindow: has 0 items; allowed: exactly one"),
        (case(4, "- duration: 30d\n      isRolling: true\n", "- 30d\n"), "document 4 (SLO shop-availability): spec.timeWindow[0]: expected an object, found the string"),
        (case(4, "isRolling: true", "isRolling: yes please"), "document 4 (SLO shop-availability): spec.timeWindow[0].isRolling: expected true or false"),
        (case(4, "budgetingMethod: Occurrences", "budgetingMethod: [Occurrences]"), "document 4 (SLO shop-availability): spec.budgetingMethod: expected a string"),
        (case(4, "objectives:\n    - target: 0.999\n", "objectives: {target: 0.999}\n"), "document 4 (SLO shop-availability): spec.objectives: expected a list, found an object"),
        (case(4, "objectives:\n    - target: 0.999\n", "objectives: []\n"), "document 4 (SLO shop-availability): spec.objectives: has 0 objectives"),
        (case(4, "- target: 0.999", "- 0.999"), "document 4 (SLO shop-availability): spec.objectives[0]: expected an object, found the number"),
        (case(4, "- target: 0.999", "- target: high"), "document 4 (SLO shop-availability): spec.objectives[0].target: expected a number"),
        (case(4, "- target: 0.999", "- target: 1.5"), "document 4 (SLO shop-availability): spec.objectives[0].target: 1.5 is out of range"),
        (case(4, "- alertPolicyRef: fast", "- fast"), "document 4 (SLO shop-availability): spec.alertPolicies[0]: expected an object, found the string"),
        (case(4, "alertPolicies:\n    - alertPolicyRef: fast\n", "alertPolicies: {alertPolicyRef: fast}\n"), "document 4 (SLO shop-availability): spec.alertPolicies: expected a list, found an object"),
        (case(4, "alertPolicyRef: fast", "alertPolicyRef: [fast]"), "document 4 (SLO shop-availability): spec.alertPolicies[0].alertPolicyRef: expected a string"),
        (case(4, "alertPolicyRef: fast", "alertPolicyRef: slow"), "document 4 (SLO shop-availability): spec.alertPolicies[0].alertPolicyRef: no AlertPolicy document is named \"slow\""),
        // SLI.
        (case(3, "spec:\n  ratioMetric:", "spec: words\nunused:\n  ratioMetric:"), "document 3 (SLI shop-requests): spec: expected an object, found the string"),
        (case(3, "spec:\n  ratioMetric:", "unused:\n  ratioMetric:"), "document 3 (SLI shop-requests): spec: is required"),
        (case(3, "ratioMetric:", "ratioMetric: []\n  unused:"), "document 3 (SLI shop-requests): spec.ratioMetric: expected an object, found a list"),
        (case(3, "    total:\n", "    total: all\n    unused:\n"), "document 3 (SLI shop-requests): spec.ratioMetric.total: expected an object, found the string"),
        (case(3, "      metricSource:\n        metricSourceRef: envoy\n", "      metricSource: [envoy]\n      unused:\n        metricSourceRef: envoy\n"), "document 3 (SLI shop-requests): spec.ratioMetric.total.metricSource: expected an object, found a list"),
        (case(3, "metricSourceRef: envoy", "metricSourceRef: 5"), "document 3 (SLI shop-requests): spec.ratioMetric.total.metricSource.metricSourceRef: expected a string"),
        (case(3, "          bad:\n            status: [5xx]\n", "          - bad\n"), "document 3 (SLI shop-requests): spec.ratioMetric.bad.metricSource.spec: expected an object, found a list"),
        (case(3, "status: [5xx]", "status: 5xx"), "document 3 (SLI shop-requests): spec.ratioMetric.bad.metricSource.spec.bad.status: expected a list"),
        (case(8, "", &SLI.replace("shop-requests", "unused-requests")), "document 8 (SLI unused-requests): is not referred to by any SLO"),
        // AlertPolicy.
        (case(5, "spec:\n  conditions:", "spec: 1\nunused:\n  conditions:"), "document 5 (AlertPolicy fast): spec: expected an object, found the number 1"),
        (case(5, "conditions:\n    - conditionRef: fast-burn\n", "conditions: {conditionRef: fast-burn}\n"), "document 5 (AlertPolicy fast): spec.conditions: expected a list, found an object"),
        (case(5, "conditions:\n    - conditionRef: fast-burn\n", "conditions: []\n"), "document 5 (AlertPolicy fast): spec.conditions: has 0 conditions"),
        (case(5, "- conditionRef: fast-burn", "- 5"), "document 5 (AlertPolicy fast): spec.conditions[0]: expected an object, found the number 5"),
        (case(5, "- conditionRef: fast-burn", "- conditionRef: [fast-burn]"), "document 5 (AlertPolicy fast): spec.conditions[0].conditionRef: expected a string"),
        (case(5, "notificationTargets:\n", "notificationTargets: 5\n  unused:\n"), "document 5 (AlertPolicy fast): spec.notificationTargets: expected a list"),
        (case(8, "", &POLICY.replace("name: fast", "name: spare")), "document 8 (AlertPolicy spare): is not referred to by any SLO"),
        // AlertCondition.
        (case(6, "spec:\n  severity: page\n", "spec: [page]\nunused:\n  severity: page\n"), "document 6 (AlertCondition fast-burn): spec: expected an object, found a list"),
        (case(6, "  severity: page\n", ""), "document 6 (AlertCondition fast-burn): spec.severity: is required"),
        (case(6, "  condition:\n", "  condition: burnrate\n  unused:\n"), "document 6 (AlertCondition fast-burn): spec.condition: expected an object, found the string"),
        (case(6, "threshold: 14.4", "threshold: fast"), "document 6 (AlertCondition fast-burn): spec.condition.threshold: expected a number"),
        (case(6, "\"0.5\"", "[0.5]"), "document 6 (AlertCondition fast-burn): metadata.annotations.slo-toolkit/min-events-per-second: a list is not allowed"),
        (case(8, "", &CONDITION.replace("name: fast-burn", "name: spare")), "document 8 (AlertCondition spare): is not referred to by any SLO"),
        // Service.
        (case(1, "  description: The shop.\n", "  - The shop.\n"), "document 1 (Service shop): spec: expected an object, found a list"),
        (case(1, "description: The shop.", "description: [The shop.]"), "document 1 (Service shop): spec.description: expected a string"),
        (case(1, "metadata:\n  name: shop\n", ""), "document 1 (Service): metadata: is required"),
        (case(8, "", SERVICE), "document 8 (Service shop): metadata.name: names another document of the same kind too"),
        // DataSource.
        (case(2, "  type: slo-toolkit.request\n  connectionDetails: {}\n", "  - slo-toolkit.request\n"), "document 2 (DataSource envoy): spec: expected an object, found a list"),
        (case(2, "type: slo-toolkit.request", "type: 5"), "document 2 (DataSource envoy): spec.type: expected a string"),
        (case(2, "  type: slo-toolkit.request\n", ""), "document 2 (DataSource envoy): spec.type: is required"),
        (case(8, "", &DATA_SOURCE.replace("name: envoy", "name: spare")), "document 8 (DataSource spare): is not referred to by any SLO"),
        // AlertNotificationTarget.
        (case(7, "  target: alertmanager\n", "  - alertmanager\n"), "document 7 (AlertNotificationTarget on-call): spec: expected an object, found a list"),
        (case(7, "target: alertmanager", "target: [alertmanager]"), "document 7 (AlertNotificationTarget on-call): spec.target: expected a string"),
        // The stream.
        (vec![SLI.to_string()], "document 1 (SLI shop-requests): is not referred to by any SLO"),
        (vec![TARGET.to_string()], "holds no Service or SLO document"),
    ]
}

#[test]
fn every_malformed_document_is_named_by_an_error() {
    for (docs, expected) in malformed() {
        let stream = docs.join("---\n");
        let errors: Vec<String> = import(&stream)
            .map(|_| Vec::new())
            .unwrap_or_else(|errors| errors.iter().map(ToString::to_string).collect());
        assert!(
            errors.iter().any(|e| e.starts_with(expected)),
            "no error starts with\n  {expected}\nerrors:\n  {}\nstream:\n{stream}",
            errors.join("\n  ")
        );
        assert_accounted(&docs);
    }
}

#[test]
fn an_error_in_one_field_hides_none_in_another() {
    let missing_indicator = "\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: shop-availability
spec:
  service: shop
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives: [{target: 1.5}]
";
    // Without an objective there is no latency threshold: that is not said again as an
    // SLI with no bad outcome, and the SLI's own error still shows.
    let no_objective = "\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: latency
spec:
  service: shop
  indicator:
    metadata:
      name: latency
    spec:
      thresholdMetric:
        metricSource: {type: slo-toolkit.request, spec: {bad: {status: [6xx]}}}
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Timeslices
  objectives: []
";
    for (yaml, expected) in [
        (
            missing_indicator,
            [
                "document 1 (SLO shop-availability): spec.indicator: is required (or indicatorRef): an SLI whose metricSource has type slo-toolkit.request or Prometheus",
                "document 1 (SLO shop-availability): spec.objectives[0].target: 1.5 is out of range; allowed: a ratio between 0 and 1 exclusive, such as 0.999",
            ],
        ),
        (
            no_objective,
            [
                "document 1 (SLO latency): spec.objectives: has 0 objectives; allowed: at least one (each becomes an SLO of its own)",
                "document 1 (SLO latency): spec.indicator.spec.thresholdMetric.metricSource.spec.bad.status[0]: \"6xx\" is not a status class; allowed: a code from 100 to 599 such as 429, or a class such as \"5xx\"",
            ],
        ),
    ] {
        let errors: Vec<String> = import(yaml)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors, expected);
    }
}

// ---------------------------------------------------------------------------------------
// Generated cases: the example documents with nodes replaced or deleted.

/// Each example file as its documents.
fn example_streams() -> Vec<Vec<Value>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/openslo");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            serde_yaml_ng::Deserializer::from_str(&text)
                .map(|doc| Value::deserialize(doc).unwrap())
                .collect()
        })
        .collect()
}

/// Paths (keys and indexes) to every node of `value`, the root included.
fn node_paths(value: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    let children: Vec<(Value, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (Value::from(k.as_str()), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        here.push(key);
        node_paths(child, here, out);
        here.pop();
    }
}

/// Replaces the node at `path` with `with`, or deletes it when `with` is `None`.
fn mutate(root: &mut Value, path: &[Value], with: Option<Value>) {
    let Some((last, parents)) = path.split_last() else {
        *root = with.unwrap_or(Value::Null);
        return;
    };
    let mut node = root;
    for key in parents {
        node = match key {
            Value::String(k) => &mut node[k.as_str()],
            _ => &mut node[key.as_u64().unwrap() as usize],
        };
    }
    match (node, last, with) {
        (Value::Object(map), Value::String(k), Some(v)) => {
            map.insert(k.clone(), v);
        }
        (Value::Object(map), Value::String(k), None) => {
            map.shift_remove(k);
        }
        (Value::Array(items), i, Some(v)) => items[i.as_u64().unwrap() as usize] = v,
        (Value::Array(items), i, None) => {
            items.remove(i.as_u64().unwrap() as usize);
        }
        _ => unreachable!("paths lead through objects and arrays"),
    }
}

/// What a node may become: deleted (`None`), or a value of any type.
fn replacement() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        Just(Some(Value::from(true))),
        Just(Some(Value::from(0))),
        Just(Some(Value::from(-1.5))),
        Just(Some(Value::from(1e9))),
        Just(Some(Value::from(""))),
        Just(Some(Value::from("5xx"))),
        Just(Some(Value::from("30d"))),
        Just(Some(serde_json::json!([]))),
        Just(Some(serde_json::json!(["x"]))),
        Just(Some(serde_json::json!({}))),
        Just(Some(serde_json::json!({"name": "x"}))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_examples_lose_no_document(
        file in any::<prop::sample::Index>(),
        changes in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), replacement()),
            1..4,
        ),
    ) {
        let streams = example_streams();
        let mut docs = streams[file.index(streams.len())].clone();
        for (doc, node, with) in changes {
            let count = docs.len();
            let doc = &mut docs[doc.index(count)];
            let mut paths = Vec::new();
            node_paths(doc, &mut Vec::new(), &mut paths);
            let path = paths[node.index(paths.len())].clone();
            mutate(doc, &path, with);
        }
        let texts: Vec<String> = docs
            .iter()
            .map(|d| serde_yaml_ng::to_string(d).unwrap())
            .collect();
        assert_accounted(&texts);
    }
}
