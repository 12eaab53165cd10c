//! The matcher index agrees with asking every SLO: on generated specs (many SLOs, prefixes
//! that overlap or contain each other, SLOs without prefixes, route, host and method lists,
//! exclusions) and generated requests (queries, fragments, near-miss paths, case
//! differences), `MatchIndex` gives exactly the SLOs whose `RequestSli::matches` holds, in
//! spec order, and so every SLO gets the same outcome and duration bucket as before.

use proptest::prelude::*;
use slo_core::classify::{MatchIndex, Outcome, RequestFacts, ResponseFacts};
use slo_core::histogram::{bucket_bounds, bucket_index};
use slo_core::spec::{
    BadOutcomes, Exclusions, RequestMatch, RequestSli, Service, Sli, Spec, StatusMatch,
};

/// Paths over a small alphabet, so that they often start with a prefix, differ from one by
/// case only, or miss one by a byte. A multi-byte character is there too: the index works
/// on bytes, as `starts_with` does.
const PATH: &str = "(/[abAé]{0,3}){0,3}([?#][ab/]{0,3})?";

/// Prefixes over the paths' alphabet, mostly narrow; now and then one every path starts
/// with, or one with a query or fragment sign, which no path is taken to have (they start
/// the query or fragment, which prefixes are not matched against).
fn prefix() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "/[ab]{1,2}(/[abA]{0,2})?",
        1 => "/[ab][?#][ab]?",
        1 => Just("/".to_string()),
        1 => Just(String::new()),
        1 => Just("/é".to_string()),
    ]
}

fn strings(items: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(items), 0..=max)
        .prop_map(|v| v.into_iter().map(String::from).collect())
}

fn sli_strategy() -> impl Strategy<Value = RequestSli> {
    let status = prop::sample::select(vec![
        StatusMatch::Class(4),
        StatusMatch::Class(5),
        StatusMatch::Code(429),
    ]);
    (
        (
            strings(&["r1", "r2", ""], 2),
            strings(&["shop.example", "Shop.Example", "a:1", "[::1]", "b"], 2),
            prop::collection::vec(prefix(), 0..=3),
            strings(&["GET", "POST", "get"], 2),
        ),
        (
            prop::collection::vec(status.clone(), 0..=2),
            prop::option::of(prop::sample::select(vec![1u32, 100, 250])),
        ),
        (
            prop::collection::vec(status, 0..=1),
            prop::collection::vec(prefix(), 0..=2),
        ),
    )
        .prop_map(
            |((routes, hosts, prefixes, methods), (bad, threshold), (ex, ex_paths))| RequestSli {
                matcher: RequestMatch {
                    routes,
                    virtual_hosts: hosts,
                    path_prefixes: prefixes,
                    methods,
                },
                bad: BadOutcomes {
                    statuses: bad,
                    grpc_statuses: vec![14],
                    latency_threshold_ms: threshold,
                },
                exclude: Exclusions {
                    statuses: ex,
                    path_prefixes: ex_paths,
                },
                ..RequestSli::default()
            },
        )
}

/// A spec of the given request SLIs, each in an SLO read from a template, with a
/// Prometheus SLO among them when asked: the index must number request SLOs only.
fn spec_of(slis: Vec<RequestSli>, prometheus_at: Option<usize>) -> Spec {
    let template = Spec::from_json(
        r#"{"services":[{"name":"s","slos":[
            {"name":"t","target":0.99,"window":"30d","sli":{"bad":{"status":["5xx"]}}},
            {"name":"p","target":0.99,"window":"30d","sli":{"prometheus":{"error_ratio":"x[{{window}}]"}}}]}]}"#,
    )
    .unwrap();
    let [request_slo, prometheus_slo] = &template.services[0].slos[..] else {
        unreachable!()
    };
    let mut slos: Vec<_> = slis
        .into_iter()
        .enumerate()
        .map(|(i, sli)| slo_core::spec::Slo {
            name: format!("slo-{i}"),
            sli: Sli::Request(sli),
            ..request_slo.clone()
        })
        .collect();
    if let Some(at) = prometheus_at {
        slos.insert(at.min(slos.len()), prometheus_slo.clone());
    }
    Spec {
        services: vec![Service {
            name: "s".into(),
            slos,
        }],
    }
}

#[derive(Debug, Clone)]
struct Request {
    path: String,
    route: Option<String>,
    authority: String,
    method: String,
    response: ResponseFacts,
}

impl Request {
    fn facts(&self) -> RequestFacts<'_> {
        RequestFacts {
            route: self.route.as_deref(),
            authority: &self.authority,
            path: &self.path,
            method: &self.method,
        }
    }
}

fn request_strategy() -> impl Strategy<Value = Request> {
    (
        PATH,
        prop::option::of(prop::sample::select(vec!["r1", "R1", "r2", ""])),
        prop::sample::select(vec![
            "shop.example",
            "SHOP.example:443",
            "shop.example:",
            "a:1",
            "A:1",
            "a",
            "[::1]:80",
            "[::1]",
            "b:8:9",
            "",
        ]),
        prop::sample::select(vec!["GET", "POST", "get", "PUT", ""]),
        (
            prop::sample::select(vec![0u16, 200, 404, 429, 500, 503]),
            prop::option::of(prop::sample::select(vec![0u8, 14])),
            prop::sample::select(vec![0u64, 1, 2, 99, 100, 101, 250, 251, 5_000]),
        ),
    )
        .prop_map(
            |(path, route, authority, method, (status, grpc_status, duration_ms))| Request {
                path,
                route: route.map(String::from),
                authority: authority.to_string(),
                method: method.to_string(),
                response: ResponseFacts {
                    status,
                    grpc_status,
                    duration_ms,
                },
            },
        )
}

/// What the filter counts for a request: each matching SLO's position, outcome and
/// duration bucket, given the positions of the SLOs that match.
fn counted(spec: &Spec, matching: &[usize], request: &Request) -> Vec<(usize, Outcome, usize)> {
    let slis: Vec<&RequestSli> = spec.request_slos().map(|(_, sli)| sli).collect();
    let bucket = bucket_index(&bucket_bounds(spec), request.response.duration_ms);
    matching
        .iter()
        .map(|&i| (i, slis[i].judge(&request.path, &request.response), bucket))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn the_index_gives_exactly_the_slos_that_match_and_each_the_same_outcome_and_bucket(
        slis in prop::collection::vec(sli_strategy(), 0..60),
        prometheus_at in prop::option::of(0usize..60),
        requests in prop::collection::vec(request_strategy(), 1..30),
    ) {
        let spec = spec_of(slis, prometheus_at);
        let index = MatchIndex::new(&spec);
        for request in &requests {
            let facts = request.facts();
            let linear: Vec<usize> = spec
                .request_slos()
                .enumerate()
                .filter(|(_, (_, sli))| sli.matches(&facts))
                .map(|(i, _)| i)
                .collect();
            let candidates = index.path_candidates(&request.path);
            // The candidates are the SLOs whose path prefixes alone admit the path.
            let by_path: Vec<usize> = spec
                .request_slos()
                .enumerate()
                .filter(|(_, (_, sli))| {
                    let path_only = RequestMatch {
                        path_prefixes: sli.matcher.path_prefixes.clone(),
                        ..RequestMatch::default()
                    };
                    path_only.matches(&facts)
                })
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(&candidates, &by_path, "{:?}", request);
            let indexed = index.matching(candidates, &facts);
            prop_assert_eq!(&indexed, &linear, "{:?}", request);
            prop_assert_eq!(
                counted(&spec, &indexed, request),
                counted(&spec, &linear, request),
                "{:?}",
                request
            );
        }
    }
}

#[test]
fn a_thousand_slos_under_service_prefixes_leave_a_request_the_two_of_its_own() {
    let checkout = RequestSli {
        matcher: RequestMatch {
            path_prefixes: vec!["/api/checkout".into()],
            ..RequestMatch::default()
        },
        exclude: Exclusions {
            path_prefixes: vec!["/api/checkout/healthz".into()],
            ..Exclusions::default()
        },
        ..RequestSli::default()
    };
    let grpc = RequestSli {
        matcher: RequestMatch {
            path_prefixes: vec!["/catalog.Catalog/".into()],
            methods: vec!["POST".into()],
            ..RequestMatch::default()
        },
        ..RequestSli::default()
    };
    let under = |sli: &RequestSli, k: usize| {
        let mut sli = sli.clone();
        for p in sli
            .matcher
            .path_prefixes
            .iter_mut()
            .chain(&mut sli.exclude.path_prefixes)
        {
            *p = format!("/svc{k}{p}");
        }
        sli
    };
    let slis: Vec<RequestSli> = (0..1000)
        .map(|i| {
            let base = [&checkout, &checkout, &grpc][i % 3];
            if i < 3 {
                base.clone()
            } else {
                under(base, i / 3)
            }
        })
        .collect();
    let spec = spec_of(slis, None);
    let index = MatchIndex::new(&spec);
    let at = |path, method| {
        let facts = RequestFacts {
            route: None,
            authority: "",
            path,
            method,
        };
        index.matching(index.path_candidates(path), &facts)
    };
    assert_eq!(at("/api/checkout/cart?id=1", "GET"), [0, 1]);
    assert_eq!(at("/svc12/api/checkout", "GET"), [36, 37]);
    assert_eq!(at("/svc1/catalog.Catalog/Get", "POST"), [5]);
    assert_eq!(at("/svc1/catalog.Catalog/Get", "GET"), [] as [usize; 0]);
    assert_eq!(at("/svc1000/api/checkout", "GET"), [] as [usize; 0]);
}
