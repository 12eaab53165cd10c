//! Findings that leave a spec valid but part of it dead: a bad status that an exclusion
//! always wins over, a path prefix that every request under it is excluded from. Warnings,
//! not errors: the spec means what it says, it just does not say what its author meant.

use crate::decode::FieldError;
use crate::spec::{Spec, StatusMatch};

/// Every dead part of the spec, with its path in the JSON spec.
pub fn warnings(spec: &Spec) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (i, service) in spec.services.iter().enumerate() {
        for (j, slo) in service.slos.iter().enumerate() {
            let Some(sli) = slo.sli.request() else {
                continue;
            };
            let path = format!("services[{i}].slos[{j}].sli");
            for (k, bad) in sli.bad.statuses.iter().enumerate() {
                if let Some(excluded) = sli.exclude.statuses.iter().find(|e| covers(**e, *bad)) {
                    out.push(FieldError {
                        path: format!("{path}.bad.status[{k}]"),
                        message: format!(
                            "{} can never count as bad: exclude.status {} excludes it first (exclusions win); drop one of them, or exclude only the codes you mean, such as 400 and 404",
                            show(*bad),
                            show(*excluded)
                        ),
                    });
                }
            }
            for (k, prefix) in sli.matcher.path_prefixes.iter().enumerate() {
                if let Some(excluded) = sli
                    .exclude
                    .path_prefixes
                    .iter()
                    .find(|e| prefix.starts_with(e.as_str()))
                {
                    out.push(FieldError {
                        path: format!("{path}.match.path_prefixes[{k}]"),
                        message: format!(
                            "every request under {prefix:?} is excluded by exclude.path_prefixes {excluded:?}: this SLO never judges them"
                        ),
                    });
                }
            }
        }
    }
    out
}

/// Whether every status `inner` matches is also matched by `outer`.
fn covers(outer: StatusMatch, inner: StatusMatch) -> bool {
    match (outer, inner) {
        (StatusMatch::Class(o), StatusMatch::Class(i)) => o == i,
        (StatusMatch::Class(o), StatusMatch::Code(c)) => c / 100 == u16::from(o),
        (StatusMatch::Code(o), StatusMatch::Code(c)) => o == c,
        (StatusMatch::Code(_), StatusMatch::Class(_)) => false,
    }
}

fn show(status: StatusMatch) -> String {
    match status {
        StatusMatch::Class(c) => format!("\"{c}xx\""),
        StatusMatch::Code(c) => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings_of(sli: &str) -> Vec<String> {
        let spec = Spec::from_json(&format!(
            r#"{{"services":[{{"name":"s","slos":[{{"name":"a","target":0.99,"window":"30d","sli":{sli}}}]}}]}}"#
        ))
        .unwrap();
        warnings(&spec).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn an_excluded_class_shadows_a_bad_code() {
        assert_eq!(
            warnings_of(r#"{"bad":{"status":["5xx",429]},"exclude":{"status":["4xx"]}}"#),
            ["services[0].slos[0].sli.bad.status[1]: 429 can never count as bad: exclude.status \"4xx\" excludes it first (exclusions win); drop one of them, or exclude only the codes you mean, such as 400 and 404"]
        );
        assert!(
            warnings_of(r#"{"bad":{"status":["5xx",429]},"exclude":{"status":[400,404]}}"#)
                .is_empty()
        );
        assert!(
            warnings_of(r#"{"bad":{"status":[429]},"exclude":{"status":[429]}}"#)[0]
                .contains("429 can never count")
        );
    }

    #[test]
    fn a_match_prefix_inside_an_exclusion_judges_nothing() {
        let found = warnings_of(
            r#"{"match":{"path_prefixes":["/api/health/deep","/api"]},"bad":{"status":["5xx"]},"exclude":{"path_prefixes":["/api/health"]}}"#,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("services[0].slos[0].sli.match.path_prefixes[0]: every request under \"/api/health/deep\""));
    }
}
