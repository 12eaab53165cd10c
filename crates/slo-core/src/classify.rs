//! Judging one request against an SLO's request SLI: does it count, and was it good?
//! `matches` says whether it counts for one SLO; `MatchIndex` says for which SLOs of a spec,
//! without asking each. `judge` says how, once the response is complete.

use crate::spec::{RequestMatch, RequestSli, Spec};

mod index;
pub use index::MatchIndex;

/// What the proxy knows about a request when its headers arrive.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    /// Envoy's route name, when the route has one.
    pub route: Option<&'a str>,
    /// `:authority` (the virtual host the request was addressed to), port included.
    pub authority: &'a str,
    /// `:path`, query string included.
    pub path: &'a str,
    pub method: &'a str,
}

/// What the proxy knows once the response is complete.
#[derive(Debug, Clone, Copy)]
pub struct ResponseFacts {
    /// The HTTP status sent downstream; 0 when none was sent (the stream was reset).
    pub status: u16,
    /// The gRPC status, when the response was gRPC and carried one.
    pub grpc_status: Option<u8>,
    /// From the first request byte to the last response byte.
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Good,
    Bad,
    Excluded,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Good => "good",
            Outcome::Bad => "bad",
            Outcome::Excluded => "excluded",
        }
    }
}

/// The path prefixes outside which no SLO of the spec judges a request, shortest first
/// and none inside another; `None` when some SLO can match any path. A proxy can skip the
/// filter entirely outside them.
pub fn judged_path_prefixes(spec: &Spec) -> Option<Vec<String>> {
    let mut prefixes = Vec::new();
    for (_, sli) in spec.request_slos() {
        if sli.matcher.path_prefixes.is_empty() {
            return None;
        }
        prefixes.extend(sli.matcher.path_prefixes.iter().cloned());
    }
    prefixes.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let mut kept: Vec<String> = Vec::new();
    for prefix in prefixes {
        if !kept.iter().any(|k| prefix.starts_with(k.as_str())) {
            kept.push(prefix);
        }
    }
    Some(kept)
}

impl RequestSli {
    /// Whether the request belongs to this SLO. Requests excluded by path still belong
    /// (they are counted as excluded), so that exclusions are visible.
    pub fn matches(&self, request: &RequestFacts) -> bool {
        self.matcher.matches(request)
    }

    /// The request's outcome. Exclusions win over bad outcomes; a request with no status
    /// (the client went away before any response) counts as the SLI's `abandoned` says.
    pub fn judge(&self, request_path: &str, response: &ResponseFacts) -> Outcome {
        let path = strip_query(request_path);
        if self
            .exclude
            .path_prefixes
            .iter()
            .any(|p| path.starts_with(p.as_str()))
            || self
                .exclude
                .statuses
                .iter()
                .any(|s| s.matches(response.status))
        {
            return Outcome::Excluded;
        }
        let slow = self
            .bad
            .latency_threshold_ms
            .is_some_and(|t| response.duration_ms > u64::from(t));
        if response.status == 0 {
            let threshold = self.bad.latency_threshold_ms;
            return match self.abandoned.is_bad(response.duration_ms, threshold) {
                true => Outcome::Bad,
                false => Outcome::Excluded,
            };
        }
        let bad_status = self.bad.statuses.iter().any(|s| s.matches(response.status));
        let bad_grpc = response
            .grpc_status
            .is_some_and(|code| self.bad.grpc_statuses.contains(&code));
        if bad_status || bad_grpc || slow {
            Outcome::Bad
        } else {
            Outcome::Good
        }
    }
}

impl RequestMatch {
    pub fn matches(&self, request: &RequestFacts) -> bool {
        let path = strip_query(request.path);
        let host = strip_port(request.authority);
        (self.routes.is_empty()
            || request
                .route
                .is_some_and(|r| self.routes.iter().any(|x| x == r)))
            && (self.virtual_hosts.is_empty()
                || self.virtual_hosts.iter().any(|v| {
                    v.eq_ignore_ascii_case(host) || v.eq_ignore_ascii_case(request.authority)
                }))
            && (self.path_prefixes.is_empty()
                || self
                    .path_prefixes
                    .iter()
                    .any(|p| path.starts_with(p.as_str())))
            && (self.methods.is_empty() || self.methods.iter().any(|m| m == request.method))
    }
}

fn strip_query(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or(path)
}

/// `shop.example:443` -> `shop.example`; `[::1]:80` -> `[::1]`; `[::1]` stays whole.
fn strip_port(authority: &str) -> &str {
    match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judged_prefixes_cover_every_slo_or_are_unknown() {
        let spec = |prefixes: &[&[&str]]| {
            let slos: Vec<String> = prefixes.iter().enumerate().map(|(i, p)| {
                format!(r#"{{"name":"s{i}","target":0.99,"window":"30d","sli":{{"match":{{"path_prefixes":{}}},"bad":{{"status":["5xx"]}}}}}}"#, serde_json::to_string(p).unwrap())
            }).collect();
            Spec::from_json(&format!(
                r#"{{"services":[{{"name":"a","slos":[{}]}}]}}"#,
                slos.join(",")
            ))
            .unwrap()
        };
        assert_eq!(
            judged_path_prefixes(&spec(&[&["/api/checkout", "/grpc"], &["/api", "/b"]])),
            Some(vec![
                "/b".to_string(),
                "/api".to_string(),
                "/grpc".to_string()
            ])
        );
        assert_eq!(judged_path_prefixes(&spec(&[&["/api"], &[]])), None);
    }

    fn sli() -> RequestSli {
        let spec = Spec::from_json(r#"{"services":[{"name":"shop","slos":[{"name":"checkout","target":0.999,"window":"30d",
            "sli":{"match":{"path_prefixes":["/api/checkout"],"methods":["post","GET"],"virtual_hosts":["shop.example"]},
                   "bad":{"status":["5xx",429],"grpc_status":["UNAVAILABLE"]},
                   "latency":{"threshold_ms":300},
                   "exclude":{"status":["4xx"],"path_prefixes":["/api/checkout/health"]}}}]}]}"#).unwrap();
        let sli = spec.request_slos().next().unwrap().1.clone();
        sli
    }

    fn request<'a>(path: &'a str, method: &'a str, authority: &'a str) -> RequestFacts<'a> {
        RequestFacts {
            route: None,
            authority,
            path,
            method,
        }
    }

    fn response(status: u16, grpc_status: Option<u8>, duration_ms: u64) -> ResponseFacts {
        ResponseFacts {
            status,
            grpc_status,
            duration_ms,
        }
    }

    #[test]
    fn matches_on_every_configured_field() {
        let sli = sli();
        assert!(sli.matches(&request(
            "/api/checkout/cart?x=1",
            "POST",
            "shop.example:443"
        )));
        assert!(sli.matches(&request("/api/checkout", "GET", "SHOP.example")));
        assert!(!sli.matches(&request("/api/cart", "POST", "shop.example")));
        assert!(!sli.matches(&request("/api/checkout", "DELETE", "shop.example")));
        assert!(!sli.matches(&request("/api/checkout", "GET", "other.example")));
    }

    #[test]
    fn abandoned_requests_count_as_the_spec_chooses() {
        let judge = |abandoned: Option<serde_json::Value>, latency: bool, waited_ms| {
            let mut sli = serde_json::json!({"bad": {"status": ["5xx"]}});
            if latency {
                sli["latency"] = serde_json::json!({"threshold_ms": 100});
            }
            if let Some(a) = abandoned {
                sli["abandoned"] = a;
            }
            let doc = serde_json::json!({"services": [{"name": "s", "slos": [{"name": "a", "target": 0.99, "window": "30d", "sli": sli}]}]});
            let spec = Spec::from_value(&doc, "").unwrap();
            assert_eq!(Spec::from_value(&spec.to_json(), ""), Ok(spec.clone()));
            let openslo = crate::openslo::export(&spec).unwrap();
            assert_eq!(
                crate::openslo::import(&openslo),
                Ok(crate::openslo::Imported {
                    spec: spec.clone(),
                    warnings: Vec::new()
                }),
                "{openslo}"
            );
            let outcome = spec
                .request_slos()
                .next()
                .unwrap()
                .1
                .judge("/", &response(0, None, waited_ms));
            outcome
        };
        use serde_json::json;
        // Defaults: availability counts a client that waited longer than 100 ms and gave up
        // (a hung upstream, a deadline) as bad, one that left at once as excluded; latency
        // counts a wait past its threshold.
        assert_eq!(judge(None, false, 5_000), Outcome::Bad);
        assert_eq!(judge(None, false, 101), Outcome::Bad);
        assert_eq!(judge(None, false, 100), Outcome::Excluded);
        assert_eq!(judge(None, true, 50), Outcome::Excluded);
        assert_eq!(judge(None, true, 150), Outcome::Bad);
        assert_eq!(judge(Some(json!("bad")), false, 1), Outcome::Bad);
        assert_eq!(
            judge(Some(json!("exclude")), false, 5_000),
            Outcome::Excluded
        );
        assert_eq!(judge(Some(json!("exclude")), true, 150), Outcome::Excluded);
        let after_a_second = || Some(json!({"bad_after_ms": 1000}));
        assert_eq!(judge(after_a_second(), false, 1000), Outcome::Excluded);
        assert_eq!(judge(after_a_second(), true, 1001), Outcome::Bad);
        let doc = serde_json::json!({"services": [{"name": "s", "slos": [{"name": "a", "target": 0.99, "window": "30d",
            "sli": {"bad": {"status": ["5xx"]}, "abandoned": "latency"}}]}]});
        let errors = Spec::from_value(&doc, "").unwrap_err();
        assert_eq!(errors[0].to_string(), "services[0].slos[0].sli.abandoned: \"latency\" needs latency.threshold_ms; allowed: \"exclude\" or \"bad\" for an SLO without a latency threshold");
        let doc = json!({"services": [{"name": "s", "slos": [{"name": "a", "target": 0.99, "window": "30d",
            "sli": {"bad": {"status": ["5xx"]}, "abandoned": {"bad_after_ms": -1, "after": 3}}}]}]});
        let errors: Vec<String> = Spec::from_value(&doc, "")
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors, [
            "services[0].slos[0].sli.abandoned.after: unknown field “after”; allowed fields: bad_after_ms",
            "services[0].slos[0].sli.abandoned.bad_after_ms: -1 is not allowed; allowed: a whole number of milliseconds from 0 to 3600000 (an hour)",
        ]);
    }

    #[test]
    fn judges_statuses_grpc_latency_and_exclusions() {
        let sli = sli();
        let path = "/api/checkout";
        assert_eq!(sli.judge(path, &response(200, None, 300)), Outcome::Good);
        assert_eq!(sli.judge(path, &response(200, None, 301)), Outcome::Bad);
        assert_eq!(sli.judge(path, &response(503, None, 1)), Outcome::Bad);
        assert_eq!(
            sli.judge(path, &response(429, None, 1)),
            Outcome::Excluded,
            "4xx exclusion wins over 429"
        );
        assert_eq!(sli.judge(path, &response(200, Some(14), 1)), Outcome::Bad);
        assert_eq!(sli.judge(path, &response(200, Some(5), 1)), Outcome::Good);
        assert_eq!(
            sli.judge(path, &response(0, None, 300)),
            Outcome::Excluded,
            "abandoned within the 300 ms threshold"
        );
        assert_eq!(sli.judge(path, &response(0, None, 301)), Outcome::Bad);
        assert_eq!(
            sli.judge("/api/checkout/health?deep=1", &response(503, None, 1)),
            Outcome::Excluded
        );
    }

    #[test]
    fn route_matching_needs_a_route_name() {
        let mut sli = sli();
        sli.matcher = RequestMatch {
            routes: vec!["checkout".into()],
            ..Default::default()
        };
        let mut req = request("/", "GET", "h");
        assert!(!sli.matches(&req));
        req.route = Some("checkout");
        assert!(sli.matches(&req));
    }
}
