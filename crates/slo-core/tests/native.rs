//! Native counting agrees with the core: generated SLIs and requests, the compiled filter
//! trees evaluated by a small interpreter of Envoy's access-log filters (each leaf as Envoy
//! documents it: the raw `:path`, the response code 0 when none was sent, whole truncated
//! milliseconds, the CEL expressions' header and trailer reads), against
//! `RequestSli::matches` and `RequestSli::judge` on the facts the Wasm filter would read.

use proptest::prelude::*;
use slo_core::classify::{Outcome, RequestFacts, ResponseFacts};
use slo_core::histogram::bucket_index;
use slo_core::native::{compile, compile_spec, duration_buckets, Filter, OutcomeFilters};
use slo_core::spec::{
    Abandoned, BadOutcomes, Exclusions, RequestMatch, RequestSli, Spec, StatusMatch,
};

/// A finished request as Envoy's access loggers see it.
#[derive(Debug, Clone)]
struct Logged {
    path: Option<String>,
    method: String,
    authority: String,
    route: Option<String>,
    /// Envoy's response code, 0 when none was sent.
    code: u16,
    content_type: Option<String>,
    grpc_trailer: Option<String>,
    grpc_header: Option<String>,
    duration_ms: u64,
}

/// Envoy's evaluation of one access-log filter.
fn holds(filter: &Filter, r: &Logged) -> bool {
    match filter {
        Filter::All(items) => items.iter().all(|f| holds(f, r)),
        Filter::Any(items) => items.iter().any(|f| holds(f, r)),
        // A header matcher on a missing header does not match; `invert_match` flips that.
        Filter::PathPrefix { prefix, invert } => match &r.path {
            None => *invert,
            Some(path) => path.starts_with(prefix.as_str()) != *invert,
        },
        Filter::Method(m) => &r.method == m,
        // The RE2 pattern: the host, each ASCII letter in both cases, then `(:[0-9]+)?`.
        Filter::Authority(host) => {
            let a = r.authority.as_bytes();
            let h = host.as_bytes();
            a.len() >= h.len()
                && a[..h.len()].eq_ignore_ascii_case(h)
                && (a.len() == h.len()
                    || (a[h.len()] == b':'
                        && a.len() > h.len() + 1
                        && a[h.len() + 1..].iter().all(u8::is_ascii_digit)))
        }
        Filter::Route(names) => r.route.as_ref().is_some_and(|n| names.contains(n)),
        Filter::Status(ranges) => ranges
            .iter()
            .any(|&(lo, hi)| (lo..=hi).contains(&u32::from(r.code))),
        Filter::DurationAtLeast(ms) => r.duration_ms >= u64::from(*ms),
        Filter::DurationAtMost(ms) => r.duration_ms <= u64::from(*ms),
        // The CEL expression: a gRPC content type, the trailer's grpc-status or else the
        // header's, matching `^space*\+?0*(codes)space*$` (space: Unicode White_Space).
        Filter::GrpcStatus { codes, negate } => {
            let grpc = r
                .content_type
                .as_deref()
                .is_some_and(|ct| ct.starts_with("application/grpc"));
            let text = r
                .grpc_trailer
                .as_deref()
                .or(r.grpc_header.as_deref())
                .unwrap_or("");
            let digits = text.trim();
            let digits = digits.strip_prefix('+').unwrap_or(digits);
            let significant = digits.trim_start_matches('0');
            let named = codes.iter().any(|c| {
                let spelled = c.to_string();
                significant == spelled || (*c == 0 && !digits.is_empty() && significant.is_empty())
            });
            (grpc && named) != *negate
        }
        Filter::Never => false,
    }
}

/// The facts the Wasm filter reads (crates/slo-filter/src/lib.rs) and the core's outcome.
fn core_outcome(sli: &RequestSli, r: &Logged) -> Option<Outcome> {
    let path = r.path.clone().unwrap_or_default();
    let request = RequestFacts {
        route: r.route.as_deref(),
        authority: &r.authority,
        path: &path,
        method: &r.method,
    };
    if !sli.matches(&request) {
        return None;
    }
    let grpc = r
        .content_type
        .as_deref()
        .is_some_and(|ct| ct.starts_with("application/grpc"));
    let grpc_status = if grpc {
        r.grpc_trailer
            .as_deref()
            .or(r.grpc_header.as_deref())
            .and_then(|c| c.trim().parse::<u8>().ok())
            .filter(|c| *c <= 16)
    } else {
        None
    };
    let response = ResponseFacts {
        status: r.code,
        grpc_status,
        duration_ms: r.duration_ms,
    };
    Some(sli.judge(&path, &response))
}

fn native_outcome(filters: &OutcomeFilters, r: &Logged) -> Option<Outcome> {
    let passed: Vec<Outcome> = [
        (&filters.good, Outcome::Good),
        (&filters.bad, Outcome::Bad),
        (&filters.excluded, Outcome::Excluded),
    ]
    .into_iter()
    .filter(|(f, _)| holds(f, r))
    .map(|(_, o)| o)
    .collect();
    assert!(passed.len() <= 1, "{r:?} passes {passed:?}");
    passed.first().copied()
}

const PREFIXES: &[&str] = &["/a", "/a/b", "/ab", "/b", "/", "/a/b/c"];
const PATHS: &[&str] = &[
    "/a", "/a/b", "/a/b?x=1", "/a?b", "/ab", "/a#/b", "/b/a", "/", "/a/b/c/d", "/c",
];
const STATUSES: &[StatusMatch] = &[
    StatusMatch::Class(2),
    StatusMatch::Class(4),
    StatusMatch::Class(5),
    StatusMatch::Code(200),
    StatusMatch::Code(404),
    StatusMatch::Code(429),
    StatusMatch::Code(499),
    StatusMatch::Code(500),
    StatusMatch::Code(503),
    StatusMatch::Code(599),
];
const CODES: &[u16] = &[
    0, 100, 101, 200, 204, 299, 300, 399, 400, 404, 428, 429, 430, 499, 500, 503, 599, 600, 999,
];
const GRPC_TEXT: &[&str] = &[
    "0", "4", "13", "14", " 14", "14 ", "+14", "014", "0014", "-0", "abc", "", "16", "17", "00",
    "\u{a0}13",
];

fn pick<T: Clone + std::fmt::Debug>(items: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(items)
}

fn subset<T: Clone + std::fmt::Debug>(
    items: &'static [T],
    max: usize,
) -> impl Strategy<Value = Vec<T>> {
    prop::collection::vec(pick(items), 0..=max)
}

fn strings(items: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    subset(items, max).prop_map(|v| v.into_iter().map(String::from).collect())
}

fn sli_strategy() -> impl Strategy<Value = RequestSli> {
    (
        (
            strings(&["r1", "r2"], 1),
            strings(&["Shop.example", "[::1]", "a:1"], 2),
            strings(PREFIXES, 2),
            strings(&["GET", "POST"], 1),
        ),
        (
            subset(STATUSES, 3),
            prop::collection::vec(0u8..=16, 0..=3),
            prop::option::of(prop::sample::select(vec![1u32, 100, 250, u32::MAX - 1])),
        ),
        (subset(STATUSES, 2), strings(PREFIXES, 2)),
        0usize..4,
    )
        .prop_map(
            |((routes, hosts, prefixes, methods), (bad, grpc, threshold), (ex, ex_paths), a)| {
                let abandoned = match (a, threshold) {
                    (0, _) => Abandoned::Exclude,
                    (1, _) => Abandoned::Bad,
                    (2, Some(_)) => Abandoned::Latency,
                    (2, None) => Abandoned::Exclude,
                    _ => Abandoned::BadAfterMs(250),
                };
                RequestSli {
                    matcher: RequestMatch {
                        routes,
                        virtual_hosts: hosts,
                        path_prefixes: prefixes,
                        methods,
                    },
                    bad: BadOutcomes {
                        statuses: bad,
                        grpc_statuses: grpc,
                        latency_threshold_ms: threshold,
                    },
                    exclude: Exclusions {
                        statuses: ex,
                        path_prefixes: ex_paths,
                    },
                    abandoned,
                }
            },
        )
}

fn request_strategy() -> impl Strategy<Value = (Logged, i64)> {
    (
        (
            prop::option::of(pick(PATHS)),
            pick(&["GET", "POST", "get"]),
            pick(&[
                "shop.example",
                "SHOP.Example:443",
                "shop.example:",
                "shop.example:4a",
                "shop.example:1:2",
                "[::1]:80",
                "[::1]",
                "a:1",
                "a:1:8",
                "other",
            ]),
            prop::option::of(pick(&["r1", "r2", ""])),
        ),
        (
            pick(CODES),
            prop::option::of(pick(&[
                "application/grpc",
                "application/grpc+proto",
                "text/plain",
            ])),
            prop::option::of(pick(GRPC_TEXT)),
            prop::option::of(pick(GRPC_TEXT)),
        ),
        -2i64..=2,
    )
        .prop_map(
            |((path, method, authority, route), (code, ct, trailer, header), offset)| {
                (
                    Logged {
                        path: path.map(String::from),
                        method: method.to_string(),
                        authority: authority.to_string(),
                        route: route.map(String::from),
                        code,
                        content_type: ct.map(String::from),
                        grpc_trailer: trailer.map(String::from),
                        grpc_header: header.map(String::from),
                        duration_ms: 0,
                    },
                    offset,
                )
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_compiled_filters_give_the_cores_outcome(
        sli in sli_strategy(),
        requests in prop::collection::vec(request_strategy(), 1..40),
    ) {
        let filters = compile(&sli, "sli").unwrap();
        // The threshold among the bounds, as `histogram::bucket_bounds` puts every threshold.
        let t = sli.bad.latency_threshold_ms.unwrap_or(250);
        let mut bounds = vec![1, 5, t, 249, 251, 500];
        bounds.sort_unstable();
        bounds.dedup();
        let buckets = duration_buckets(&filters, &bounds);
        for (mut request, offset) in requests {
            // Durations at the threshold and one or two milliseconds either side.
            request.duration_ms = u64::try_from((i64::from(t) + offset).max(0)).unwrap();
            let core = core_outcome(&sli, &request);
            prop_assert_eq!(native_outcome(&filters, &request), core, "{:?}\n{:?}", request, filters);
            // A judged request lands in exactly the core's bucket; others in none.
            let passed: Vec<usize> = (0..buckets.len()).filter(|&i| holds(&buckets[i], &request)).collect();
            let judged = matches!(core, Some(Outcome::Good | Outcome::Bad));
            let expected = if judged { vec![bucket_index(&bounds, request.duration_ms)] } else { vec![] };
            prop_assert_eq!(passed, expected, "{:?}", request);
        }
    }
}

fn spec(sli: &str) -> Spec {
    Spec::from_json(&format!(
        r#"{{"services":[{{"name":"s","slos":[{{"name":"a","target":0.99,"window":"30d","sli":{sli}}}]}}]}}"#
    ))
    .unwrap()
}

#[test]
fn what_the_filters_cannot_state_is_refused_with_its_path_and_reason() {
    let refused = compile_spec(&spec(
        r#"{"match":{"path_prefixes":["/a?b"]},"latency":{"threshold_ms":4294967295},"exclude":{"path_prefixes":["/x#y"]}}"#,
    ))
    .unwrap_err();
    let lines: Vec<String> = refused.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(lines[0]
        .starts_with("services[0].slos[0].sli.match.path_prefixes[0]: \"/a?b\" holds '?' or '#'"));
    assert!(lines[1].starts_with("services[0].slos[0].sli.exclude.path_prefixes[0]: \"/x#y\""));
    assert!(lines[2].starts_with(
        "services[0].slos[0].sli.latency.threshold_ms: 4294967295: Envoy's duration filter"
    ));
}

#[test]
fn the_latency_threshold_is_a_boundary_in_whole_milliseconds() {
    let spec = spec(r#"{"latency":{"threshold_ms":250},"abandoned":"bad"}"#);
    let sli = spec.services[0].slos[0].sli.request().unwrap();
    let filters = compile(sli, "sli").unwrap();
    // Good: an answered request no slower than 250 ms; slower is bad, as is any abandoned.
    assert_eq!(
        filters.good,
        Filter::All(vec![
            Filter::Status(vec![(1, u32::MAX)]),
            Filter::DurationAtMost(250)
        ])
    );
    assert_eq!(
        filters.bad,
        Filter::Any(vec![
            Filter::All(vec![
                Filter::Status(vec![(1, u32::MAX)]),
                Filter::DurationAtLeast(251)
            ]),
            Filter::Status(vec![(0, 0)]),
        ])
    );
    assert_eq!(filters.excluded, Filter::Never);
    // In CEL: nanosecond bounds, a missing response code read as 0.
    let cel = filters.good.to_cel_filter().to_string();
    assert!(
        cel.contains("request.duration < duration('251ms')"),
        "{cel}"
    );
    assert!(
        cel.contains("(has(response.code) ? response.code : 0) >= 1"),
        "{cel}"
    );
    let envoy = filters.bad.to_envoy().to_string();
    assert!(
        envoy.contains(
            r#"{"duration_filter":{"comparison":{"op":"GE","value":{"default_value":251"#
        ),
        "{envoy}"
    );
}

#[test]
fn the_shipped_spec_compiles_and_renders() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../filters/envoy/spec.json"
    ))
    .unwrap();
    let spec = Spec::from_json(&text).unwrap();
    let compiled = compile_spec(&spec).unwrap();
    assert_eq!(compiled.len(), 3);
    let grpc = compiled[2].1.bad.to_envoy().to_string();
    assert!(
        grpc.contains("envoy.access_loggers.extension_filters.cel"),
        "{grpc}"
    );
    assert!(grpc.contains(r#"0*(4|13|14)"#), "{grpc}");
}
