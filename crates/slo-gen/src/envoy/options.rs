//! The Envoy configuration's options: everything about the generated bootstrap that is
//! not the spec, typed, with the readers of each value from text (a flag, a form field),
//! whose messages say what was wrong and what is allowed.

use super::native::NativeOptions;
use slo_core::filter_config::Counting;

/// Everything about the generated bootstrap that is not the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvoyConfigOptions {
    /// Path of the .wasm as Envoy will see it.
    pub wasm_path: String,
    pub listen_address: String,
    pub listen_port: u16,
    /// The admin interface (`/stats/prometheus`) always listens on 127.0.0.1.
    pub admin_port: u16,
    pub upstream_host: String,
    pub upstream_port: u16,
    pub upstream_protocol: UpstreamProtocol,
    /// Path the filter answers with every SLO's status; none leaves the endpoint off.
    pub status_path: Option<String>,
    pub status_bearer_token: Option<String>,
    pub status_cors_origin: Option<String>,
    pub status_listener: StatusListener,
    /// Seconds between burn-rate gauge updates; the filter's default when unset.
    pub tick_seconds: Option<u64>,
    /// Adds Envoy's fault filter, driven by request headers (`x-envoy-fault-delay-request`,
    /// `x-envoy-fault-abort-request`): for demos and tests, never for production.
    pub fault_injection: bool,
    /// How often Envoy merges histograms into `/stats/prometheus`.
    pub stats_flush_seconds: u64,
    /// Who counts requests: the filter (the default) or Envoy's stats access loggers.
    pub counting: Counting,
    /// How native counting is written out (duration buckets, CEL).
    pub native: NativeOptions,
}

/// Where the status endpoint is served.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusListener {
    /// A listener of its own (the default): the data plane never answers the status path,
    /// so the SLOs' state cannot leak to whoever reaches the service.
    Own { address: String, port: u16 },
    /// The data-plane listener, for pages that can reach only the service (a docs site's
    /// `<slo-live>` in a browser); pair it with a bearer token or a private network.
    DataPlane,
}

/// What the upstream cluster speaks. Envoy talks HTTP/1.1 to a cluster unless told
/// otherwise, whatever the client spoke; a gRPC server accepts only HTTP/2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UpstreamProtocol {
    Http1,
    Http2,
}

impl UpstreamProtocol {
    pub fn parse(text: &str) -> Result<UpstreamProtocol, String> {
        match text.trim() {
            "http1" => Ok(UpstreamProtocol::Http1),
            "http2" => Ok(UpstreamProtocol::Http2),
            _ => Err(format!(
                "“{text}” is not a protocol; allowed: http1, http2 (gRPC upstreams need http2)"
            )),
        }
    }
}

impl Default for EnvoyConfigOptions {
    fn default() -> Self {
        EnvoyConfigOptions {
            wasm_path: "slo_filter.wasm".into(),
            listen_address: "127.0.0.1".into(),
            listen_port: 10000,
            admin_port: 9901,
            upstream_host: "127.0.0.1".into(),
            upstream_port: 8000,
            upstream_protocol: UpstreamProtocol::Http1,
            status_path: None,
            status_bearer_token: None,
            status_cors_origin: None,
            status_listener: StatusListener::Own {
                address: "127.0.0.1".into(),
                port: 9902,
            },
            tick_seconds: None,
            fault_injection: false,
            stats_flush_seconds: 5,
            counting: Counting::Wasm,
            native: NativeOptions::default(),
        }
    }
}

pub fn port(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(format!("“{text}” is not a port; allowed: 1 to 65535")),
    }
}

pub fn seconds(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(s) if (1..=3600).contains(&s) => Ok(s),
        _ => Err(format!(
            "“{text}” is not allowed; allowed: a whole number of seconds from 1 to 3600"
        )),
    }
}

pub fn host_port(text: &str) -> Result<(String, u16), String> {
    let (host, p) = text
        .rsplit_once(':')
        .ok_or_else(|| format!("“{text}” is not HOST:PORT, such as 127.0.0.1:8000"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("“{text}” is not HOST:PORT, such as 127.0.0.1:8000"));
    }
    Ok((host.to_string(), port(p)?))
}

/// An IP address and port, such as the status listener's `127.0.0.1:9902`.
pub fn ip_port(text: &str) -> Result<(String, u16), String> {
    let (host, port) = host_port(text)?;
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => Ok((ip.to_string(), port)),
        Err(_) => Err(format!("“{text}” is not IP:PORT, such as 127.0.0.1:9902")),
    }
}

/// An IP address, such as the listener's `127.0.0.1`.
pub fn ip(text: &str) -> Result<String, String> {
    text.parse::<std::net::IpAddr>()
        .map(|ip| ip.to_string())
        .map_err(|_| format!("“{text}” is not an IP address, such as 127.0.0.1"))
}

pub fn counting(text: &str) -> Result<Counting, String> {
    Counting::parse(text.trim()).ok_or_else(|| {
        format!("“{text}” is not a way of counting; allowed: wasm (the filter judges each request), native (Envoy's stats access loggers count)")
    })
}
