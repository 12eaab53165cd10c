//! Where the Prometheus operator finds the rules: a `PrometheusRule`'s name, namespace and
//! labels. Operators load only the resources their rule selectors match (often labels such
//! as `prometheus: main` or `role: alert-rules`) in the namespaces they watch, so a resource
//! that cannot say them may never be loaded.

/// A `PrometheusRule`'s metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleResource {
    pub name: String,
    /// None: the namespace `kubectl apply` is given.
    pub namespace: Option<String>,
    /// Besides `app.kubernetes.io/managed-by: slo`, which every resource carries.
    pub labels: Vec<(String, String)>,
}

impl Default for RuleResource {
    fn default() -> Self {
        RuleResource {
            name: "slo-rules".into(),
            namespace: None,
            labels: Vec::new(),
        }
    }
}

/// Lower-case letters, digits and `-`, starting and ending with a letter or digit (a DNS
/// label, as Kubernetes names and namespaces are).
fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// A resource name: DNS labels joined by dots, at most 253 characters.
pub fn parse_name(text: &str) -> Result<String, String> {
    match text.len() <= 253 && text.split('.').all(is_dns_label) {
        true => Ok(text.to_string()),
        false => Err(format!("“{text}” is not a resource name; allowed: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters")),
    }
}

pub fn parse_namespace(text: &str) -> Result<String, String> {
    match is_dns_label(text) {
        true => Ok(text.to_string()),
        false => Err(format!("“{text}” is not a namespace; allowed: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters")),
    }
}

/// `KEY=VALUE,KEY=VALUE`: Kubernetes label keys (an optional `prefix/`) and values.
pub fn parse_labels(text: &str) -> Result<Vec<(String, String)>, String> {
    let segment = |s: &str, empty_ok: bool| {
        (empty_ok && s.is_empty())
            || (s.len() <= 63
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
                && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric()))
    };
    let mut labels = Vec::new();
    let mut bad = Vec::new();
    for pair in text.split(',').map(str::trim) {
        let Some((key, value)) = pair.split_once('=') else {
            bad.push(format!("“{pair}” is not KEY=VALUE"));
            continue;
        };
        let (prefix, name) = key.rsplit_once('/').unwrap_or(("", key));
        let prefix_ok = prefix.is_empty() || parse_name(prefix).is_ok();
        if !(prefix_ok && segment(name, false) && segment(value, true)) {
            bad.push(format!("“{pair}” is not a Kubernetes label"));
            continue;
        }
        labels.push((key.to_string(), value.to_string()));
    }
    match bad.is_empty() {
        true => Ok(labels),
        false => Err(format!("{}; allowed: KEY=VALUE pairs separated by commas, keys and values of at most 63 letters, digits, '-', '_' and '.' (a key may have a DNS-name prefix and '/'), such as prometheus=main,role=alert-rules", bad.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_namespaces_and_labels_read_as_kubernetes_takes_them() {
        assert_eq!(parse_name("slo.shop-rules"), Ok("slo.shop-rules".into()));
        assert!(parse_name("Shop")
            .unwrap_err()
            .contains("is not a resource name; allowed:"));
        assert!(parse_namespace("a.b").is_err());
        assert_eq!(
            parse_labels("prometheus=main, example.com/role=alert-rules,empty="),
            Ok(vec![
                ("prometheus".into(), "main".into()),
                ("example.com/role".into(), "alert-rules".into()),
                ("empty".into(), String::new())
            ])
        );
        let error = parse_labels("team,a=b c").unwrap_err();
        assert!(
            error.starts_with(
                "“team” is not KEY=VALUE, “a=b c” is not a Kubernetes label; allowed:"
            ),
            "{error}"
        );
    }
}
