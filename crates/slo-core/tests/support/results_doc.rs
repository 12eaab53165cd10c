//! The result shapes documented in docs/results.md, and a check that JSON has exactly them.
//! Shared by the core's and the command's tests (included with `#[path]`); the browser and
//! Envoy suites read the same tables in their own languages.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Documented field path (`periods[].period`) -> (type, may be null).
type Fields = BTreeMap<String, (String, bool)>;

/// Checks each value against the table of `result` (`budget`, `alerts`, `whatif`,
/// `composite`, `status`): no field missing, none undocumented, each of its type; and that
/// together the values hold every documented field, so that none goes unchecked.
pub fn assert_documented(result: &str, values: &[Value]) {
    let fields = documented(result);
    let mut seen = BTreeSet::new();
    for value in values {
        let mut wrong = Vec::new();
        walk(&fields, "", value, &mut seen, &mut wrong);
        assert!(wrong.is_empty(), "{result}: {wrong:#?}\n{value:#}");
    }
    let missed: Vec<&String> = fields.keys().filter(|path| !seen.contains(*path)).collect();
    assert!(
        missed.is_empty(),
        "{result}: no value checked holds {missed:?}"
    );
}

/// The fields of one result.
fn documented(result: &str) -> Fields {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/results.md");
    let text = std::fs::read_to_string(path).expect("docs/results.md is readable");
    let mut fields = Fields::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            inside = heading.trim() == result;
        } else if let (true, Some(row)) = (inside, line.strip_prefix("| `")) {
            let mut cells = row.split('|').map(str::trim);
            let name = cells.next().unwrap_or_default().trim_end_matches('`');
            let kind = cells.next().unwrap_or_default();
            let (kind, nullable) = match kind.strip_suffix(" or null") {
                Some(kind) => (kind, true),
                None => (kind, false),
            };
            fields.insert(name.to_string(), (kind.to_string(), nullable));
        }
    }
    assert!(
        !fields.is_empty(),
        "docs/results.md documents no `{result}`"
    );
    fields
}

fn walk(
    fields: &Fields,
    prefix: &str,
    value: &Value,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    let Some(object) = value.as_object() else {
        out.push(format!("{prefix}: not an object"));
        return;
    };
    let path_of = |key: &str| match prefix {
        "" => key.to_string(),
        _ => format!("{prefix}.{key}"),
    };
    let is_child = |path: &&String| match prefix {
        "" => !path.contains('.'),
        _ => path
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|key| !key.contains('.')),
    };
    let children = fields.keys().filter(is_child);
    for path in children {
        let key = path.rsplit('.').next().unwrap_or_default();
        if !object.contains_key(key) {
            out.push(format!("{path}: missing"));
        }
    }
    for (key, field) in object {
        let path = path_of(key);
        let Some((kind, nullable)) = fields.get(&path) else {
            out.push(format!("{path}: not documented"));
            continue;
        };
        seen.insert(path.clone());
        let fits = match (kind.as_str(), field) {
            (_, Value::Null) => *nullable,
            ("number", v) => v.is_number(),
            ("count", v) => v.is_u64(),
            ("text", v) => v.is_string(),
            ("boolean", v) => v.is_boolean(),
            ("numbers", Value::Array(items)) => items.iter().all(Value::is_number),
            ("list", Value::Array(items)) => {
                for item in items {
                    walk(fields, &format!("{path}[]"), item, seen, out);
                }
                true
            }
            _ => false,
        };
        if !fits {
            out.push(format!(
                "{path}: {field} is not {kind}{}",
                if *nullable { " or null" } else { "" }
            ));
        }
    }
}
