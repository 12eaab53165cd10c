//! One request through the filter: the status endpoint, and the judging of each SLI
//! event in `on_log`.

use super::plugin::{Needs, Plugin};
use crate::host;
use proxy_wasm::traits::{Context, HttpContext};
use proxy_wasm::types::{Action, MapType, Status};
use slo_core::classify::{RequestFacts, ResponseFacts};
use slo_core::filter_config::{Counting, StatusEndpoint};
use slo_core::results;
use slo_core::stat_names::ErrorReason;
use std::rc::Rc;

pub(super) struct Request {
    pub(super) plugin: Rc<Plugin>,
    /// The filter answered this request itself (status endpoint): not an SLI event.
    pub(super) answered: bool,
    /// `:path` as read for the status endpoint, kept so `on_log` need not read it again.
    pub(super) path: Option<String>,
}

impl Context for Request {}

fn header(map: MapType, name: &str) -> Result<Option<String>, Status> {
    host::header_value(map, name)
        .map(|v| v.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

/// An integer property (Envoy encodes them as 8 little-endian bytes).
fn int_property(path: &[&str]) -> Result<Option<i64>, Status> {
    match host::property(path)? {
        None => Ok(None),
        Some(bytes) => match <[u8; 8]>::try_from(bytes.as_slice()) {
            Ok(raw) => Ok(Some(i64::from_le_bytes(raw))),
            Err(_) => Err(Status::SerializationFailure),
        },
    }
}

fn route_name() -> Result<Option<String>, Status> {
    Ok(host::property(&["xds", "route_name"])?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

/// The `:status` sent downstream (0 when none was: the stream was reset) and, for a gRPC
/// response when some SLO judges gRPC, its gRPC status: from the trailers, or from the
/// headers of a trailers-only response (as Envoy's own local replies send it). One read
/// of the response headers serves all three; without gRPC, reading `:status` alone
/// copies less.
fn response_status(grpc: bool) -> Result<(u16, Option<u8>), Status> {
    let parse_status = |v: &[u8]| std::str::from_utf8(v).ok()?.parse().ok();
    if !grpc {
        let status = host::header_value(MapType::HttpResponseHeaders, ":status")?;
        return Ok((status.as_deref().and_then(parse_status).unwrap_or(0), None));
    }
    let encoded = host::header_pairs(MapType::HttpResponseHeaders)?;
    let headers = host::decode_pairs(&encoded).ok_or(Status::SerializationFailure)?;
    let value = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| *n == name.as_bytes())
            .map(|(_, v)| *v)
    };
    let status = value(":status").and_then(parse_status).unwrap_or(0);
    if !value("content-type").is_some_and(|ct| ct.starts_with(b"application/grpc")) {
        return Ok((status, None));
    }
    let code = match header(MapType::HttpResponseTrailers, "grpc-status")? {
        Some(code) => Some(code),
        None => value("grpc-status").map(|v| String::from_utf8_lossy(v).into_owned()),
    };
    Ok((
        status,
        code.and_then(|c| c.trim().parse::<u8>().ok())
            .filter(|c| *c <= 16),
    ))
}

fn send_response(status: u32, headers: &[(&str, &str)], body: &[u8]) -> Result<(), Status> {
    host::send_local_response(status, "slo_status_endpoint", headers, body)
}

impl Request {
    /// `:path`: kept from the status endpoint's check, or read now.
    fn path(&mut self) -> Result<String, Status> {
        match self.path.take() {
            Some(path) => Ok(path),
            None => Ok(header(MapType::HttpRequestHeaders, ":path")?.unwrap_or_default()),
        }
    }

    /// Milliseconds from the stream's first byte to its end: Envoy's `request.duration`,
    /// the duration its `%DURATION%` and its own request timers report (set for every
    /// stream, reset ones too, before the log callbacks run). Timed from when the request
    /// reached this filter instead, a filter before it that holds the request (an
    /// authorization call, a buffered body) or a busy event loop went uncounted, though the
    /// client waited through it.
    fn duration_ms(&self) -> Result<u64, ErrorReason> {
        int_property(&["request", "duration"])
            .map_err(|_| ErrorReason::HostCall)?
            .and_then(|ns| u64::try_from(ns).ok())
            .map(|ns| ns / 1_000_000)
            .ok_or(ErrorReason::ResponseFacts)
    }

    fn count(&mut self) -> Result<(), ErrorReason> {
        let path = self.path().map_err(|_| ErrorReason::HostCall)?;
        let plugin = Rc::clone(&self.plugin);
        // The path rules most SLOs out; the other facts are read only for those left.
        let candidates = plugin.index.path_candidates(&path);
        if candidates.is_empty() {
            return Ok(());
        }
        let mut needs = Needs::default();
        for (_, sli, _) in candidates.iter().filter_map(|&i| plugin.slos.get(i)) {
            needs.add(sli);
        }
        let request_header = |name, needed| -> Result<String, ErrorReason> {
            Ok(if needed {
                header(MapType::HttpRequestHeaders, name)
                    .map_err(|_| ErrorReason::HostCall)?
                    .unwrap_or_default()
            } else {
                String::new()
            })
        };
        let method = request_header(":method", needs.method)?;
        let authority = request_header(":authority", needs.authority)?;
        let route = if needs.route {
            route_name().map_err(|_| ErrorReason::HostCall)?
        } else {
            None
        };
        let request = RequestFacts {
            route: route.as_deref(),
            authority: &authority,
            path: &path,
            method: &method,
        };
        let matched = plugin.index.matching(candidates, &request);
        if matched.is_empty() {
            return Ok(());
        }
        let (status, grpc_status) =
            response_status(needs.grpc).map_err(|_| ErrorReason::HostCall)?;
        let response = ResponseFacts {
            status,
            grpc_status,
            duration_ms: self.duration_ms()?,
        };
        let Ok(mut pending) = plugin.pending.try_borrow_mut() else {
            return Err(ErrorReason::Metric);
        };
        let bucket = slo_core::histogram::bucket_index(&plugin.bounds, response.duration_ms);
        for i in matched {
            if let (Some((_, sli, _)), Some(counts)) = (plugin.slos.get(i), pending.get_mut(i)) {
                counts.add(sli.judge(&path, &response), bucket, response.duration_ms);
            }
        }
        Ok(())
    }

    /// Answers the status endpoint; Err when no response could be sent.
    fn answer_status(&self, endpoint: &StatusEndpoint, method: &str) -> Result<(), Status> {
        let mut headers: Vec<(&str, &str)> = vec![("cache-control", "no-store")];
        if let Some(origin) = &endpoint.cors_origin {
            headers.push(("access-control-allow-origin", origin));
            headers.push(("vary", "origin"));
        }
        if method == "OPTIONS" {
            if endpoint.cors_origin.is_some() {
                headers.push(("access-control-allow-methods", "GET, OPTIONS"));
                headers.push(("access-control-allow-headers", "authorization"));
                headers.push(("access-control-max-age", "600"));
            }
            return send_response(204, &headers, b"");
        }
        if method != "GET" && method != "HEAD" {
            headers.push(("allow", "GET, OPTIONS"));
            return send_response(405, &headers, b"status endpoint: use GET\n");
        }
        if let Some(token) = &endpoint.bearer_token {
            let given = header(MapType::HttpRequestHeaders, "authorization")?;
            let presented = given.as_deref().and_then(|v| v.strip_prefix("Bearer "));
            if !presented.is_some_and(|p| same_token(p.as_bytes(), token.as_bytes())) {
                headers.push(("www-authenticate", "Bearer"));
                return send_response(401, &headers, b"status endpoint: bearer token required\n");
            }
        }
        let now = self.plugin.now().ok_or(Status::InternalFailure)?;
        let statuses = self.plugin.refresh(now);
        let body = results::Status {
            generated_at_seconds: now,
            slos: self
                .plugin
                .slos
                .iter()
                .zip(&statuses)
                .map(|((slo, _, _), (state, since_start))| {
                    results::SloState::new(slo, state, *since_start)
                })
                .collect(),
        };
        let text = serde_json::to_string(&results::to_json(&body))
            .map_err(|_| Status::SerializationFailure)?;
        headers.push(("content-type", "application/json"));
        send_response(200, &headers, text.as_bytes())
    }
}

/// Token comparison whose time does not depend on where the first difference is.
fn same_token(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// Envoy calls only the callbacks the built module exports (crates/slo-filter/exports.json,
// applied by tests/envoy/build.sh): a callback implemented here must be listed there.
impl HttpContext for Request {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let Some(endpoint) = &self.plugin.status else {
            return Action::Continue;
        };
        let path = match header(MapType::HttpRequestHeaders, ":path") {
            Ok(path) => path.unwrap_or_default(),
            Err(_) => {
                self.plugin.error(ErrorReason::HostCall);
                return Action::Continue;
            }
        };
        let is_status = path.split('?').next() == Some(endpoint.path.as_str());
        self.path = Some(path);
        if !is_status {
            return Action::Continue;
        }
        let method = header(MapType::HttpRequestHeaders, ":method")
            .ok()
            .flatten()
            .unwrap_or_default();
        match self.answer_status(endpoint, &method) {
            Ok(()) => {
                self.answered = true;
                Action::Pause
            }
            Err(_) => {
                self.plugin.error(ErrorReason::StatusEndpoint);
                Action::Continue
            }
        }
    }

    fn on_log(&mut self) {
        if self.answered || self.plugin.counting == Counting::Native {
            return;
        }
        if let Err(reason) = self.count() {
            self.plugin.error(reason);
        }
    }
}
