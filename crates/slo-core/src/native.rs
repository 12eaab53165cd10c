//! Native counting: a request SLO compiled into Envoy access-log filters, one filter tree
//! per outcome, so that Envoy's own `envoy.access_loggers.stats` counts good, bad and
//! excluded requests without entering a Wasm VM. Each tree holds for exactly the requests
//! `RequestSli::matches` and `RequestSli::judge` give that outcome; a rule the filters
//! cannot state exactly refuses the SLO with the reason, never an approximation.
//!
//! What Envoy's filters do, and how each rule maps onto them:
//! - `header_filter` reads request headers only: `:path` by prefix (the query needs no
//!   stripping: no prefix holds `?` or `#`, so the raw path starts with a prefix exactly when
//!   the path without its query does; `invert_match` gives "starts with none"), `:method`
//!   exactly, `:authority` by an RE2 full match spelling each ASCII letter in both cases
//!   (ASCII-only case folding, as the core's) with an optional `:digits` port.
//! - `status_code_filter` compares Envoy's response code, 0 when none was sent (the stream
//!   was reset before any response, the core's status 0), with `EQ`, `GE` or `LE`; a status
//!   set and its complement are unions of ranges.
//! - `duration_filter` compares the request's duration in whole milliseconds, truncated
//!   (the core's `duration_ms`), so "slower than T" is `GE T+1` and "not slower" `LE T`.
//! - There is no `not` filter and `grpc_status_filter` would infer a gRPC status from the
//!   HTTP status of non-gRPC responses; the gRPC rule (only a gRPC response's status, from
//!   the trailers, else the headers) is a CEL expression (`envoy.access_loggers.
//!   extension_filters.cel`) that reads the response headers and trailers, as are route
//!   names (`xds.route_name`).

use crate::spec::{Abandoned, RequestSli, Slo, Spec, StatusMatch};
use serde_json::{json, Value};

/// One access-log filter, as Envoy evaluates it on a finished request.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every filter holds (`and_filter`, evaluated in order, stopping at the first false).
    All(Vec<Filter>),
    /// Some filter holds (`or_filter`).
    Any(Vec<Filter>),
    /// `:path` starts with the prefix; with `invert`, it does not (or there is no `:path`).
    PathPrefix { prefix: String, invert: bool },
    /// `:method` is exactly this.
    Method(String),
    /// `:authority` is this host, ASCII case ignored, with or without a `:digits` port.
    Authority(String),
    /// Envoy's route name is one of these (CEL `xds.route_name`).
    Route(Vec<String>),
    /// The response code (0 when none was sent) lies in one of these inclusive ranges.
    Status(Vec<(u32, u32)>),
    /// The duration in whole milliseconds is at least this.
    DurationAtLeast(u32),
    /// The duration in whole milliseconds is at most this.
    DurationAtMost(u32),
    /// The response is gRPC (`content-type: application/grpc...`) and its grpc-status (from
    /// the trailers, else the headers) is one of these codes; with `negate`, it is not so.
    GrpcStatus { codes: Vec<u8>, negate: bool },
    /// Nothing (an outcome this SLO can never give: no access log is written for it).
    Never,
}

/// The filter trees of one SLO: a request the SLO judges passes exactly one of `good`,
/// `bad` and `excluded`; `judged` holds for the good and the bad ones.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeFilters {
    pub good: Filter,
    pub bad: Filter,
    pub excluded: Filter,
    pub judged: Filter,
}

/// An SLO that native counting cannot count exactly, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Path of the offending field, such as `services[0].slos[1].sli.latency.threshold_ms`.
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

const MAX_CODE: u32 = u32::MAX;

/// The filter trees of every request SLO of the spec, in spec order, or every refusal. SLOs
/// over Prometheus series have nothing to count in Envoy: their rules read their own series.
pub fn compile_spec(spec: &Spec) -> Result<Vec<(&Slo, OutcomeFilters)>, Vec<Refusal>> {
    let mut compiled = Vec::new();
    let mut refusals = Vec::new();
    for (s, service) in spec.services.iter().enumerate() {
        for (i, slo) in service.slos.iter().enumerate() {
            let Some(sli) = slo.sli.request() else {
                continue;
            };
            match compile(sli, &format!("services[{s}].slos[{i}].sli")) {
                Ok(filters) => compiled.push((slo, filters)),
                Err(mut r) => refusals.append(&mut r),
            }
        }
    }
    if refusals.is_empty() {
        Ok(compiled)
    } else {
        Err(refusals)
    }
}

/// The filter trees of one request SLI; `path` names the SLI in refusals.
pub fn compile(sli: &RequestSli, path: &str) -> Result<OutcomeFilters, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let prefixes = [
        ("match.path_prefixes", &sli.matcher.path_prefixes),
        ("exclude.path_prefixes", &sli.exclude.path_prefixes),
    ];
    for (field, list) in prefixes {
        for (i, prefix) in list.iter().enumerate() {
            if prefix.contains(['?', '#']) {
                refusals.push(Refusal {
                    path: format!("{path}.{field}[{i}]"),
                    reason: format!("{prefix:?} holds '?' or '#': the core matches prefixes on the path without its query, Envoy's header filter on the whole :path, so they would differ; allowed for native counting: prefixes without '?' and '#'"),
                });
            }
        }
    }
    // "Slower than T" is `GE T+1`, which must fit the filter's 32-bit value.
    let threshold = sli.bad.latency_threshold_ms;
    if threshold == Some(u32::MAX) {
        refusals.push(Refusal {
            path: format!("{path}.latency.threshold_ms"),
            reason: format!("{}: Envoy's duration filter compares with a 32-bit value and \"slower than {}\" needs one more; allowed for native counting: up to {}", u32::MAX, u32::MAX, u32::MAX - 1),
        });
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }

    let matched = request_match(sli);
    let exclusions = |invert| {
        let prefixes = sli.exclude.path_prefixes.iter();
        prefixes.map(|p| path_prefix(p, invert)).collect()
    };
    // Under some excluded prefix, or (`invert_match` on each) under none.
    let excluded_path = any(exclusions(false));
    let not_excluded_path = all(exclusions(true));
    let excluded_statuses = status_ranges(&sli.exclude.statuses);
    let bad_statuses = status_ranges(&sli.bad.statuses);
    let abandoned = vec![(0, 0)];
    let answered_not_excluded = complement(&union(&excluded_statuses, &abandoned));
    let slow = threshold.map(|t| Filter::DurationAtLeast(t + 1));
    let fast = threshold.map(Filter::DurationAtMost);
    // Abandoned requests the SLI counts as bad (`latency`: only past the threshold).
    let abandoned_bad = match sli.abandoned {
        Abandoned::Bad => status(abandoned.clone()),
        Abandoned::Latency => all(vec![
            status(abandoned.clone()),
            slow.clone().unwrap_or(Filter::Never),
        ]),
        Abandoned::BadAfterMs(ms) => all(vec![
            status(abandoned.clone()),
            Filter::DurationAtLeast(ms + 1),
        ]),
        Abandoned::Exclude => Filter::Never,
    };
    let grpc = |negate| {
        (!sli.bad.grpc_statuses.is_empty()).then(|| Filter::GrpcStatus {
            codes: sli.bad.grpc_statuses.clone(),
            negate,
        })
    };

    // Good: answered, not excluded, no bad status, no bad gRPC status, not slow.
    let good_statuses = complement(&union(
        &union(&excluded_statuses, &abandoned),
        &bad_statuses,
    ));
    let good = all(vec![
        matched.clone(),
        not_excluded_path.clone(),
        status(good_statuses),
        grpc(true).unwrap_or(all(vec![])),
        fast.clone().unwrap_or(all(vec![])),
    ]);

    // Bad: a bad status that no exclusion takes, or an answered, not excluded request with
    // a bad gRPC status or too slow, or an abandoned one the SLI counts as bad.
    let mut bad_ways = vec![status(subtract(&bad_statuses, &excluded_statuses))];
    let judged_slow: Vec<Filter> = grpc(false).into_iter().chain(slow.clone()).collect();
    if !judged_slow.is_empty() {
        bad_ways.push(all(vec![
            status(answered_not_excluded.clone()),
            any(judged_slow),
        ]));
    }
    bad_ways.push(abandoned_bad.clone());
    let bad = all(vec![
        matched.clone(),
        not_excluded_path.clone(),
        any(bad_ways),
    ]);
    // Judged: answered and not excluded, or abandoned and counted bad.
    let judged = all(vec![
        matched.clone(),
        not_excluded_path,
        any(vec![status(answered_not_excluded), abandoned_bad]),
    ]);

    // Excluded: an excluded path or status, or an abandoned request the SLI leaves out.
    let mut excluded_ways = vec![excluded_path, status(excluded_statuses)];
    match sli.abandoned {
        Abandoned::Exclude => excluded_ways.push(status(abandoned)),
        Abandoned::Latency => {
            excluded_ways.push(all(vec![status(abandoned), fast.unwrap_or(Filter::Never)]))
        }
        Abandoned::BadAfterMs(ms) => {
            excluded_ways.push(all(vec![status(abandoned), Filter::DurationAtMost(ms)]))
        }
        Abandoned::Bad => {}
    }
    let excluded = all(vec![matched, any(excluded_ways)]);
    Ok(OutcomeFilters {
        good,
        bad,
        excluded,
        judged,
    })
}

/// One filter per duration bucket of `bounds` (ascending, as `histogram::bucket_bounds`
/// gives them) and `+Inf` last: a judged request whose whole milliseconds fall in the
/// bucket's interval (above the bound before, up to its own), so each judged request passes
/// exactly the filter of `histogram::bucket_index`. The duration, the cheapest test, comes
/// first: an `and_filter` stops at the first false.
pub fn duration_buckets(filters: &OutcomeFilters, bounds: &[u32]) -> Vec<Filter> {
    let mut out = Vec::with_capacity(bounds.len() + 1);
    let mut above: Option<u32> = None;
    for upper in bounds.iter().copied().map(Some).chain([None]) {
        let lower = above.map(|b| Filter::DurationAtLeast(b.saturating_add(1)));
        out.push(all(lower
            .into_iter()
            .chain(upper.map(Filter::DurationAtMost))
            .chain([filters.judged.clone()])
            .collect()));
        above = upper;
    }
    out
}

/// The request match, cheapest and most selective test first: the path rules most SLOs
/// out, and an `and_filter` stops at its first false.
fn request_match(sli: &RequestSli) -> Filter {
    let m = &sli.matcher;
    let one_of = |items: Vec<Filter>| {
        if items.is_empty() {
            all(vec![])
        } else {
            any(items)
        }
    };
    let route = if m.routes.is_empty() {
        all(vec![])
    } else {
        Filter::Route(m.routes.clone())
    };
    all(vec![
        one_of(
            m.path_prefixes
                .iter()
                .map(|p| path_prefix(p, false))
                .collect(),
        ),
        one_of(m.methods.iter().cloned().map(Filter::Method).collect()),
        one_of(
            m.virtual_hosts
                .iter()
                .cloned()
                .map(Filter::Authority)
                .collect(),
        ),
        route,
    ])
}

fn path_prefix(prefix: &str, invert: bool) -> Filter {
    Filter::PathPrefix {
        prefix: prefix.to_string(),
        invert,
    }
}

/// And, flattened: true drops out, false wins, one filter stands alone.
fn all(filters: Vec<Filter>) -> Filter {
    let mut kept = Vec::new();
    for filter in filters {
        match filter {
            Filter::Never => return Filter::Never,
            Filter::All(inner) => kept.extend(inner),
            other => kept.push(other),
        }
    }
    match kept.len() {
        1 => kept.pop().unwrap_or(Filter::Never),
        _ => Filter::All(kept),
    }
}

/// Or, flattened: false drops out, an always-true member makes it always true.
fn any(filters: Vec<Filter>) -> Filter {
    let mut kept = Vec::new();
    for filter in filters {
        match filter {
            Filter::Never => {}
            Filter::All(inner) if inner.is_empty() => return Filter::All(inner),
            Filter::Any(inner) => kept.extend(inner),
            other => kept.push(other),
        }
    }
    match kept.len() {
        0 => Filter::Never,
        1 => kept.pop().unwrap_or(Filter::Never),
        _ => Filter::Any(kept),
    }
}

fn status(ranges: Vec<(u32, u32)>) -> Filter {
    if ranges.is_empty() {
        Filter::Never
    } else if ranges == [(0, MAX_CODE)] {
        all(vec![])
    } else {
        Filter::Status(ranges)
    }
}

/// The statuses as sorted, disjoint, non-adjacent inclusive ranges.
fn status_ranges(statuses: &[StatusMatch]) -> Vec<(u32, u32)> {
    let ranges: Vec<(u32, u32)> = statuses
        .iter()
        .map(|s| match *s {
            StatusMatch::Class(c) => (u32::from(c) * 100, u32::from(c) * 100 + 99),
            StatusMatch::Code(c) => (u32::from(c), u32::from(c)),
        })
        .collect();
    normalize(ranges)
}

fn normalize(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn union(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    normalize(a.iter().chain(b).copied().collect())
}

/// Every code from 0 to the filter's largest value that `ranges` leaves out.
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = Some(0u32);
    for &(lo, hi) in ranges {
        if let Some(start) = next {
            if lo > start {
                out.push((start, lo - 1));
            }
        }
        next = hi.checked_add(1);
    }
    if let Some(start) = next {
        out.push((start, MAX_CODE));
    }
    out
}

fn subtract(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let keep = complement(b);
    let mut out = Vec::new();
    for &(lo, hi) in a {
        for &(klo, khi) in &keep {
            let (l, h) = (lo.max(klo), hi.min(khi));
            if l <= h {
                out.push((l, h));
            }
        }
    }
    normalize(out)
}

/// Characters Rust's `str::trim` removes (Unicode White_Space), as an RE2 class: the core's
/// filter trims a grpc-status before reading its number.
const UNICODE_SPACE: &str = r"[\t\n\x{0B}\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]";

fn route_expression(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| cel_string(n)).collect();
    format!("xds.route_name in [{}]", names.join(", "))
}

/// A CEL string literal (JSON's escapes are CEL's).
fn cel_string(text: &str) -> String {
    Value::from(text).to_string()
}

/// The CEL expression of a `GrpcStatus` filter. Every lookup is guarded, so it never
/// fails (a failed CEL filter is false, which would break the negated form).
pub fn grpc_expression(codes: &[u8], negate: bool) -> String {
    let mut sorted = codes.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let alternatives: Vec<String> = sorted.iter().map(u8::to_string).collect();
    let number = format!(
        "^{UNICODE_SPACE}*\\+?0*({}){UNICODE_SPACE}*$",
        alternatives.join("|")
    );
    let expression = format!(
        "'content-type' in response.headers && response.headers['content-type'].startsWith('application/grpc') && ('grpc-status' in response.trailers ? response.trailers['grpc-status'] : ('grpc-status' in response.headers ? response.headers['grpc-status'] : '')).matches({})",
        cel_string(&number)
    );
    if negate {
        format!("!({expression})")
    } else {
        expression
    }
}

/// RE2 full match of an authority: the host with each ASCII letter in both cases, then an
/// optional port.
pub fn authority_regex(host: &str) -> String {
    let mut out = String::new();
    for c in host.chars() {
        if c.is_ascii_alphabetic() {
            out.push('[');
            out.push(c.to_ascii_lowercase());
            out.push(c.to_ascii_uppercase());
            out.push(']');
        } else if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out + "(:[0-9]+)?"
}

fn header(name: &str, matcher: Value, invert: bool) -> Value {
    let mut header = json!({"name": name, "string_match": matcher});
    if invert {
        header["invert_match"] = json!(true);
    }
    json!({"header_filter": {"header": header}})
}

fn comparison(kind: &str, op: &str, value: u32) -> Value {
    json!({kind: {"comparison": {"op": op, "value": {"default_value": value}}}})
}

fn cel(expression: String) -> Value {
    json!({"extension_filter": {
        "name": "envoy.access_loggers.extension_filters.cel",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter",
            "expression": expression,
        }
    }})
}

/// The response code in CEL, 0 when none was sent (as `status_code_filter` reads it).
const CEL_CODE: &str = "(has(response.code) ? response.code : 0)";

impl Filter {
    /// The whole tree as one CEL filter (`envoy.access_loggers.extension_filters.cel`):
    /// the same tests in CEL's words. Whole milliseconds become nanosecond bounds
    /// (`ms > T` exactly when the duration is at least T+1 ms); a missing `:path` or
    /// response code reads as the plain filters read it.
    pub fn to_cel_filter(&self) -> Value {
        cel(self.to_cel())
    }

    fn to_cel(&self) -> String {
        let joined = |items: &[Filter], op: &str| {
            let parts: Vec<String> = items.iter().map(|f| format!("({})", f.to_cel())).collect();
            parts.join(op)
        };
        match self {
            Filter::All(items) if items.is_empty() => "true".into(),
            Filter::All(items) => joined(items, " && "),
            Filter::Any(items) => joined(items, " || "),
            Filter::PathPrefix { prefix, invert } => format!(
                "{}(has(request.path) && request.path.startsWith({}))",
                if *invert { "!" } else { "" },
                cel_string(prefix)
            ),
            Filter::Method(method) => format!("request.method == {}", cel_string(method)),
            Filter::Authority(host) => format!(
                "request.host.matches({})",
                cel_string(&format!("^{}$", authority_regex(host)))
            ),
            Filter::Route(names) => route_expression(names),
            Filter::Status(ranges) => {
                let parts: Vec<String> = ranges
                    .iter()
                    .map(|&(lo, hi)| match (lo, hi) {
                        (lo, hi) if lo == hi => format!("{CEL_CODE} == {lo}"),
                        (lo, MAX_CODE) => format!("{CEL_CODE} >= {lo}"),
                        (lo, hi) => format!("({CEL_CODE} >= {lo} && {CEL_CODE} <= {hi})"),
                    })
                    .collect();
                parts.join(" || ")
            }
            Filter::DurationAtLeast(ms) => format!("request.duration >= duration('{ms}ms')"),
            Filter::DurationAtMost(ms) => {
                format!("request.duration < duration('{}ms')", u64::from(*ms) + 1)
            }
            Filter::GrpcStatus { codes, negate } => grpc_expression(codes, *negate),
            Filter::Never => "false".into(),
        }
    }

    /// Envoy's `AccessLogFilter` (config.accesslog.v3) in proto3 JSON. `Never` and an
    /// empty `All` have no Envoy form: the caller writes no access log, or no filter.
    pub fn to_envoy(&self) -> Value {
        match self {
            Filter::All(items) => {
                json!({"and_filter": {"filters": items.iter().map(Filter::to_envoy).collect::<Vec<_>>()}})
            }
            Filter::Any(items) => {
                json!({"or_filter": {"filters": items.iter().map(Filter::to_envoy).collect::<Vec<_>>()}})
            }
            Filter::PathPrefix { prefix, invert } => {
                header(":path", json!({"prefix": prefix}), *invert)
            }
            Filter::Method(method) => header(":method", json!({"exact": method}), false),
            Filter::Authority(host) => header(
                ":authority",
                json!({"safe_regex": {"regex": authority_regex(host)}}),
                false,
            ),
            Filter::Route(names) => cel(route_expression(names)),
            Filter::Status(ranges) => {
                let one = |&(lo, hi): &(u32, u32)| match (lo, hi) {
                    (lo, hi) if lo == hi => comparison("status_code_filter", "EQ", lo),
                    (lo, MAX_CODE) => comparison("status_code_filter", "GE", lo),
                    (0, hi) => comparison("status_code_filter", "LE", hi),
                    (lo, hi) => json!({"and_filter": {"filters": [
                        comparison("status_code_filter", "GE", lo),
                        comparison("status_code_filter", "LE", hi)]}}),
                };
                match ranges.as_slice() {
                    [range] => one(range),
                    _ => {
                        json!({"or_filter": {"filters": ranges.iter().map(one).collect::<Vec<_>>()}})
                    }
                }
            }
            Filter::DurationAtLeast(ms) => comparison("duration_filter", "GE", *ms),
            Filter::DurationAtMost(ms) => comparison("duration_filter", "LE", *ms),
            Filter::GrpcStatus { codes, negate } => cel(grpc_expression(codes, *negate)),
            Filter::Never => json!({}),
        }
    }
}
