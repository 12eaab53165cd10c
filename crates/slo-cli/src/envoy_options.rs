//! `slo envoy-config`'s flags, read into the generator's typed options (each problem one
//! line naming its flag, all of them at once).

use crate::args::Args;
use slo_core::filter_config::Counting;
use slo_gen::envoy::native::NativeOptions;
use slo_gen::envoy::options::{
    counting, host_port, ip, ip_port, port, seconds, EnvoyConfigOptions, StatusListener,
    UpstreamProtocol,
};

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
    if let Some(address) = args.optional("listen-address", ip) {
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
    if let Some(counting) = args.optional("counting", counting) {
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
