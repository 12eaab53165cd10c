//! `slo envoy-config`'s options: everything about the generated bootstrap that is not the
//! spec, and how they are read from the command line (each problem one line naming its
//! option, all of them at once).

use crate::args::Args;
use crate::envoy_native::NativeOptions;
use slo_filter::options::Counting;

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
    fn parse(text: &str) -> Result<UpstreamProtocol, String> {
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

/// Options of `slo envoy-config`, in the form `args::Args::parse` takes.
pub const OPTIONS: &[(&str, bool)] = &[
    ("wasm", true),
    ("listen-address", true),
    ("listen-port", true),
    ("admin-port", true),
    ("upstream", true),
    ("upstream-protocol", true),
    ("status-path", true),
    ("status-token", true),
    ("status-cors-origin", true),
    ("status-listen", true),
    ("status-on-data-plane", false),
    ("tick-seconds", true),
    ("stats-flush-seconds", true),
    ("fault-injection", false),
    ("counting", true),
    ("native-duration-buckets", false),
    ("native-cel", false),
];

pub const USAGE: &str =
    "envoy-config SPEC [--wasm PATH] [--listen-address IP] [--listen-port N] [--admin-port N]
         [--upstream HOST:PORT] [--upstream-protocol http1|http2] [--status-path /slo/status]
         [--status-token TOKEN] [--status-cors-origin ORIGIN]
         [--status-listen IP:PORT | --status-on-data-plane] [--tick-seconds N] [--stats-flush-seconds N] [--fault-injection]
         [--counting wasm|native [--native-duration-buckets] [--native-cel]]";

fn port(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(format!("“{text}” is not a port; allowed: 1 to 65535")),
    }
}

fn seconds(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(s) if (1..=3600).contains(&s) => Ok(s),
        _ => Err(format!(
            "“{text}” is not allowed; allowed: a whole number of seconds from 1 to 3600"
        )),
    }
}

fn host_port(text: &str) -> Result<(String, u16), String> {
    let (host, p) = text
        .rsplit_once(':')
        .ok_or_else(|| format!("“{text}” is not HOST:PORT, such as 127.0.0.1:8000"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("“{text}” is not HOST:PORT, such as 127.0.0.1:8000"));
    }
    Ok((host.to_string(), port(p)?))
}

/// Reads `slo envoy-config` arguments (after the command name): the spec file's path and
/// the options above. Errors are one line naming the option.
pub fn options_from(raw: &[String]) -> Result<(String, EnvoyConfigOptions), String> {
    const CMD: &str = "envoy-config";
    let mut args = Args::parse(CMD, raw, OPTIONS);
    let spec_path = match args.positionals.as_slice() {
        [path] => Some(path.clone()),
        _ => {
            // One line, like every other problem: the full usage is in `slo help`.
            args.problem("expected one SPEC file; usage: slo envoy-config SPEC [options], listed by slo help");
            None
        }
    };
    let mut options = EnvoyConfigOptions::default();
    if let Some(wasm) = args.value("wasm") {
        options.wasm_path = wasm.to_string();
    }
    if let Some(address) = args.optional("listen-address", |a| {
        a.parse::<std::net::IpAddr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("“{a}” is not an IP address, such as 127.0.0.1"))
    }) {
        options.listen_address = address;
    }
    if let Some(p) = args.optional("listen-port", port) {
        options.listen_port = p;
    }
    if let Some(p) = args.optional("admin-port", port) {
        options.admin_port = p;
    }
    if let Some((host, p)) = args.optional("upstream", host_port) {
        options.upstream_host = host;
        options.upstream_port = p;
    }
    if let Some(protocol) = args.optional("upstream-protocol", UpstreamProtocol::parse) {
        options.upstream_protocol = protocol;
    }
    options.status_path = args.value("status-path").map(str::to_string);
    options.status_bearer_token = args.value("status-token").map(str::to_string);
    options.status_cors_origin = args.value("status-cors-origin").map(str::to_string);
    if options.status_path.is_none()
        && [
            "status-token",
            "status-cors-origin",
            "status-listen",
            "status-on-data-plane",
        ]
        .iter()
        .any(|flag| args.value(flag).is_some() || args.flag(flag))
    {
        args.problem("--status-token, --status-cors-origin, --status-listen and --status-on-data-plane need --status-path");
    }
    let ip_port = |text: &str| {
        let (host, port) = host_port(text)?;
        match host.parse::<std::net::IpAddr>() {
            Ok(ip) => Ok((ip.to_string(), port)),
            Err(_) => Err(format!("“{text}” is not IP:PORT, such as 127.0.0.1:9902")),
        }
    };
    if let Some((address, port)) = args.optional("status-listen", ip_port) {
        if args.flag("status-on-data-plane") {
            args.problem("--status-listen and --status-on-data-plane exclude each other; allowed: one of them");
        }
        options.status_listener = StatusListener::Own { address, port };
    }
    if args.flag("status-on-data-plane") {
        options.status_listener = StatusListener::DataPlane;
    }
    options.tick_seconds = args.optional("tick-seconds", seconds);
    if let Some(s) = args.optional("stats-flush-seconds", seconds) {
        options.stats_flush_seconds = s;
    }
    options.fault_injection = args.flag("fault-injection");
    if let Some(counting) = args.optional("counting", |text| {
        Counting::parse(text.trim()).ok_or_else(|| {
            format!("“{text}” is not a way of counting; allowed: wasm (the filter judges each request), native (Envoy's stats access loggers count)")
        })
    }) {
        options.counting = counting;
    }
    options.native = NativeOptions {
        duration_buckets: args.flag("native-duration-buckets"),
        cel: args.flag("native-cel"),
    };
    if options.native != NativeOptions::default() && options.counting != Counting::Native {
        args.problem("--native-duration-buckets and --native-cel need --counting native");
    }
    args.finish(spec_path).map(|path| (path, options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_options_and_rejects_bad_ones_with_their_name() {
        let raw: Vec<String> = [
            "spec.json",
            "--upstream",
            "localhost:8081",
            "--listen-port=1",
            "--status-path",
            "/s",
            "--fault-injection",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (path, options) = options_from(&raw).unwrap();
        assert_eq!(path, "spec.json");
        assert_eq!(
            (options.upstream_host.as_str(), options.upstream_port),
            ("localhost", 8081)
        );
        assert_eq!(options.listen_port, 1);
        assert!(options.fault_injection);
        let bad = |args: &[&str]| {
            options_from(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap_err()
        };
        assert!(bad(&["s.json", "--admin-port", "0"]).contains("--admin-port"));
        assert!(bad(&["s.json", "--upstream", "nohost"]).contains("--upstream"));
        assert!(bad(&["s.json", "--upstream-protocol", "grpc"])
            .contains("--upstream-protocol: “grpc” is not a protocol; allowed: http1, http2"));
        assert!(bad(&["s.json", "--status-token", "t"]).contains("need --status-path"));
        assert!(bad(&["s.json", "--native-duration-buckets"]).contains("need --counting native"));
        assert!(bad(&["s.json", "--counting", "lua"])
            .contains("--counting: “lua” is not a way of counting; allowed: wasm"));
        assert!(bad(&["s.json", "--status-on-data-plane"]).contains("need --status-path"));
        let both = [
            "s.json",
            "--status-path",
            "/s",
            "--status-listen",
            "127.0.0.1:9",
            "--status-on-data-plane",
        ];
        assert!(bad(&both).contains("exclude each other"));
        assert!(bad(&[
            "s.json",
            "--status-path",
            "/s",
            "--status-listen",
            "localhost:9"
        ])
        .contains("--status-listen: “localhost:9” is not IP:PORT"));
        assert!(bad(&[]).contains("expected one SPEC file"));
        let all = bad(&[
            "--admin-port",
            "0",
            "--upstream",
            "nohost",
            "--status-token",
            "t",
        ]);
        assert_eq!(all.lines().count(), 4, "{all}");
    }
}
