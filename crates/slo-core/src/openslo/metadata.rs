//! OpenSLO `metadata` beyond names: an SLO's display name, labels and annotations are
//! carried into the spec's SLO; what the spec has no place for (those of other documents,
//! labels that are not Prometheus labels) is said in a warning rather than dropped.
//! Names are RFC 1123 labels both ways: refused on import otherwise, never exported
//! otherwise (the spec's own names may hold `_`, which OpenSLO tools refuse).

use super::*;
use crate::alert_metadata::check_annotation_name;
use crate::prometheus::check_label_name;

impl<'a> Reader<'a> {
    /// Puts the SLO document's display name, labels and annotations into its spec SLO.
    pub(super) fn carry_slo_metadata(
        &mut self,
        d: usize,
        json: &mut Map<String, Value>,
        paths: &mut PathMap,
    ) {
        let Some(metadata) = self.docs[d].metadata.and_then(Value::as_object) else {
            return;
        };
        if let Some(name) = metadata.get("displayName").filter(|v| v.is_string()) {
            json.insert("display_name".into(), name.clone());
            paths.push((".display_name".into(), at(d, "metadata.displayName")));
        }
        for (key, check) in [
            ("labels", check_label_name as fn(&str) -> Result<(), String>),
            ("annotations", check_annotation_name),
        ] {
            let Some(Value::Object(map)) = metadata.get(key) else {
                continue;
            };
            let mut carried = Map::new();
            // Our own annotations are read where they go (`apply_slo_annotations`).
            for (name, value) in map
                .iter()
                .filter(|(name, _)| !name.starts_with("slo-toolkit/"))
            {
                let path = format!("metadata.{key}.{name}");
                let problem = match (check(name), value) {
                    (Err(why), _) => why,
                    (Ok(()), Value::String(_)) => {
                        carried.insert(name.clone(), value.clone());
                        paths.push((format!(".{key}.{name}"), at(d, path)));
                        continue;
                    }
                    (Ok(()), other) => format!("{} is not text", kind(other)),
                };
                self.warn(d, &path, format!("is not carried: {problem}; the spec's {key} are Prometheus {key} with text values, which the SLO's rules and alerts can carry"));
            }
            if !carried.is_empty() {
                paths.push((format!(".{key}"), at(d, format!("metadata.{key}"))));
                json.insert(key.into(), Value::Object(carried));
            }
        }
    }

    /// Warns about the display name, labels and annotations (other than ours) of the
    /// `metadata` at `path` of document `d`, a `what` whose metadata the spec does not keep.
    pub(super) fn warn_metadata(
        &mut self,
        d: usize,
        metadata: Option<&Value>,
        path: &str,
        what: &str,
    ) {
        let Some(metadata) = metadata.and_then(Value::as_object) else {
            return;
        };
        for key in ["displayName", "labels", "annotations"] {
            let dropped = match metadata.get(key) {
                Some(Value::Object(map)) if key == "annotations" => {
                    map.keys().any(|name| !name.starts_with("slo-toolkit/"))
                }
                Some(value) => !value.is_null(),
                None => false,
            };
            if dropped {
                self.warn(d, &join(path, key), format!("is not carried: the spec keeps the display name, labels and annotations of SLOs only, not of {what}; put them on the SLO to have them carried"));
            }
        }
    }
}

/// Why `name` is not an RFC 1123 label (what OpenSLO requires every implementation to
/// take: Kubernetes' DNS label names), if it is not one.
pub(super) fn rfc1123_problem(name: &str) -> Option<String> {
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let valid = (1..=63).contains(&name.len())
        && name.chars().all(|c| alphanumeric(c) || c == '-')
        && name.starts_with(alphanumeric)
        && name.ends_with(alphanumeric);
    (!valid).then(|| {
        format!(
            "{name:?} is not an RFC 1123 name; allowed: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or a digit"
        )
    })
}

/// Every spec name that cannot be an OpenSLO name, at its spec path: the services', the
/// SLOs' and their alert tiers'.
pub(super) fn export_name_problems(spec: &Spec) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut check = |path: String, name: &str| {
        if let Some(message) = rfc1123_problem(name) {
            problems.push(FieldError {
                path,
                message: format!(
                    "{message} (OpenSLO tools refuse other names; rename it in the spec)"
                ),
            });
        }
    };
    for (i, service) in spec.services.iter().enumerate() {
        check(format!("services[{i}].name"), &service.name);
        for (j, slo) in service.slos.iter().enumerate() {
            check(format!("services[{i}].slos[{j}].name"), &slo.name);
            for (k, tier) in slo.alerts.iter().enumerate() {
                check(
                    format!("services[{i}].slos[{j}].alerts.tiers[{k}].name"),
                    &tier.name,
                );
            }
        }
    }
    problems
}
