//! A ready Envoy bootstrap with the SLO filter in front of one
//! upstream. It carries the spec as the filter's configuration, the `stats_config` tag
//! extraction that turns the filter's stat names into Prometheus labels. The end-to-end tests, the demo and
//! `filters/envoy/` all use this output, so the documented configuration is the tested one.

pub mod native;
pub mod options;

use options::{EnvoyConfigOptions, StatusListener, UpstreamProtocol};
use serde_json::{json, Map, Value};
use slo_core::classify::judged_path_prefixes;
use slo_core::filter_config::Counting;
use slo_core::spec::Spec;

/// Tag extraction for the filter's stat names (`<metric>.label=value...`, under Envoy's
/// `wasmcustom.` namespace). Each regex's first group is cut from the name, its second
/// group is the label value; values are limited to what the spec allows in names.
pub const STATS_TAGS: [(&str, &str); 7] = [
    ("slo", r"(\.slo=([a-z0-9][a-z0-9_-]*))"),
    ("outcome", r"(\.outcome=(good|bad))"),
    ("window", r"(\.window=([0-9a-z]+))"),
    ("tier", r"(\.tier=([a-z0-9][a-z0-9_-]*))"),
    ("severity", r"(\.severity=(page|ticket))"),
    ("reason", r"(\.reason=([a-z_]+))"),
    ("le", r"(\.le=([0-9]+|\+Inf))"),
];

/// The filter's configuration: the spec plus the filter's options; `with_status` adds the
/// status endpoint (only on the listener that serves it).
pub fn filter_configuration(spec: &Spec, options: &EnvoyConfigOptions, with_status: bool) -> Value {
    let mut config = Map::new();
    config.insert("spec".into(), spec.to_json());
    if let (Some(path), true) = (&options.status_path, with_status) {
        let mut status = Map::new();
        status.insert("path".into(), json!(path));
        if let Some(token) = &options.status_bearer_token {
            status.insert("bearer_token".into(), json!(token));
        }
        if let Some(origin) = &options.status_cors_origin {
            status.insert("cors_origin".into(), json!(origin));
        }
        config.insert("status".into(), Value::Object(status));
    }
    if let Some(tick) = options.tick_seconds {
        config.insert("tick_seconds".into(), json!(tick));
    }
    if options.counting == Counting::Native {
        config.insert("counting".into(), json!(options.counting.as_str()));
        config.insert(
            "duration_buckets".into(),
            json!(options.native.duration_buckets),
        );
    }
    Value::Object(config)
}

/// A YAML single-quoted scalar: only `'` needs escaping (doubled).
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn status_on_data_plane(options: &EnvoyConfigOptions) -> bool {
    options.status_path.is_some() && options.status_listener == StatusListener::DataPlane
}

/// Counting in the Wasm VM needs the filter on the data plane; native counting needs it
/// there only to answer the status path.
fn filter_on_data_plane(options: &EnvoyConfigOptions) -> bool {
    options.counting == Counting::Wasm || status_on_data_plane(options)
}

/// The Envoy bootstrap YAML, or (native counting) every reason the spec cannot be counted
/// natively, one line each, naming its field.
pub fn render(spec: &Spec, options: &EnvoyConfigOptions) -> Result<String, String> {
    let access_log = match options.counting {
        Counting::Wasm => String::new(),
        Counting::Native => {
            native::access_log_yaml(&native::access_logs(spec, options.native)?, "          ")
        }
    };
    let tags: String = STATS_TAGS
        .iter()
        .map(|(name, regex)| format!("  - tag_name: {name}\n    regex: {}\n", quoted(regex)))
        .collect();
    let fault = if options.fault_injection {
        "          # Header-driven faults for demos and tests: x-envoy-fault-delay-request: <ms>,
          # x-envoy-fault-abort-request: <status>. The SLO filter sits before it, so it
          # sees the delays and the aborts like any client would.
          - name: envoy.filters.http.fault
            typed_config:
              \"@type\": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
              delay:
                header_delay: {}
                percentage: { numerator: 100 }
              abort:
                header_abort: {}
                percentage: { numerator: 100 }
"
    } else {
        ""
    };
    let address_type = if options.upstream_host.parse::<std::net::IpAddr>().is_ok() {
        "STATIC"
    } else {
        "STRICT_DNS"
    };
    let configuration = filter_configuration(spec, options, status_on_data_plane(options));
    let mut listeners = listener(
        "slo_ingress",
        (&options.listen_address, options.listen_port),
        &routes(spec, options),
        filter_on_data_plane(options).then_some(&configuration),
        options,
        (fault, &access_log),
    );
    let status_listener = match (&options.status_path, &options.status_listener) {
        (Some(path), StatusListener::Own { address, port }) => Some((path, address, *port)),
        _ => None,
    };
    if let Some((path, address, port)) = status_listener {
        listeners += &listener(
            "slo_status",
            (address, port),
            &status_routes(path),
            Some(&filter_configuration(spec, options, true)),
            options,
            ("", ""),
        );
    }
    // Native counting with no status endpoint: no listener needs the filter, but its tick
    // must still turn the counters into burn rates, budgets and tiers. A singleton service
    // runs it once, on the main thread, off every request's path.
    let tick_service = if options.counting == Counting::Native && options.status_path.is_none() {
        format!(
            "bootstrap_extensions:
- name: envoy.bootstrap.wasm
  typed_config:
    \"@type\": type.googleapis.com/envoy.extensions.wasm.v3.WasmService
    # One VM for the whole proxy: the tick needs no worker.
    singleton: true
{plugin}",
            plugin = wasm_plugin("slo_tick", "slo_tick", &configuration, options, "    "),
        )
    } else {
        String::new()
    };
    Ok(format!(
        "# Generated by `slo envoy-config`: Envoy with the SLO filter (proxy-wasm) in front of
# {upstream_host}:{upstream_port}{counting}. Series on /stats/prometheus of the admin interface:
# slo_requests_total{{slo,outcome}}, slo_requests_excluded_total{{slo}},
# {durations}, slo_burn_rate_milli{{slo,window}},
# slo_error_budget_remaining_milli{{slo}}, slo_alert_active{{slo,tier,severity}},
# slo_filter_errors_total{{reason}}.
admin:
  address:
    socket_address: {{ address: 127.0.0.1, port_value: {admin_port} }}
stats_flush_interval: {flush}s
stats_config:
  # The filter encodes labels in its stat names (wasmcustom.slo_requests_total.slo=x.outcome=good);
  # these tags turn them into Prometheus labels.
  stats_tags:
{tags}{tick_service}static_resources:
  listeners:
{listeners}  clusters:
  - name: upstream
    type: {address_type}
    connect_timeout: 2s
{protocol}    load_assignment:
      cluster_name: upstream
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: {{ address: {upstream_host}, port_value: {upstream_port} }}
",
        upstream_host = options.upstream_host,
        upstream_port = options.upstream_port,
        admin_port = options.admin_port,
        flush = options.stats_flush_seconds,
        protocol = upstream_protocol_options(options.upstream_protocol),
        counting = match options.counting {
            Counting::Wasm => "",
            Counting::Native => ", counting natively\n# (Envoy's stats access loggers; the filter reads their counters on its tick and serves\n# the status endpoint)",
        },
        durations = match (options.counting, options.native.duration_buckets) {
            (Counting::Native, false) => "slo_request_duration_milliseconds_sum{slo} (and _count)",
            _ => "slo_request_duration_milliseconds_bucket{slo,le} (and _sum, _count)",
        },
    ))
}

/// The cluster's protocol options: none for HTTP/1.1 (Envoy's default), explicit HTTP/2
/// otherwise. Explicit rather than downstream-matching, so a gRPC upstream gets HTTP/2 even
/// from an HTTP/1.1 client (whose request it would refuse anyway) and an HTTP/2 upstream
/// never sees a downgrade.
fn upstream_protocol_options(protocol: UpstreamProtocol) -> &'static str {
    match protocol {
        UpstreamProtocol::Http1 => "",
        UpstreamProtocol::Http2 => {
            "    # The upstream speaks HTTP/2 only (a gRPC server): so does Envoy towards it.
    typed_extension_protocol_options:
      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
        \"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
        explicit_http_config:
          http2_protocol_options: {}
"
        }
    }
}

/// One listener: an HTTP connection manager with `access_log` (native counting), the SLO
/// filter when given its configuration, `extra_filters` and the router. Every listener's
/// filter shares one VM per worker (`vm_id: slo`).
fn listener(
    name: &str,
    (address, port): (&str, u16),
    routes: &str,
    configuration: Option<&Value>,
    options: &EnvoyConfigOptions,
    (extra_filters, access_log): (&str, &str),
) -> String {
    let slo_filter = match configuration {
        Some(configuration) => format!(
            "          - name: envoy.filters.http.wasm
            typed_config:
              \"@type\": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
{plugin}",
            plugin = wasm_plugin(name, "slo", configuration, options, "              "),
        ),
        None => String::new(),
    };
    format!(
        "  - name: {name}
    address:
      socket_address: {{ address: {address}, port_value: {port} }}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: {name}
          codec_type: AUTO
{access_log}          route_config:
            name: {name}_routes
            virtual_hosts:
            - name: upstream
              domains: [\"*\"]
              routes:
{routes}          http_filters:
{slo_filter}{extra_filters}          - name: envoy.filters.http.router
            typed_config:
              \"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
",
    )
}

/// The filter's Wasm plugin (`config:` of an HTTP filter or of a bootstrap service),
/// indented by `indent`.
fn wasm_plugin(
    name: &str,
    vm_id: &str,
    configuration: &Value,
    options: &EnvoyConfigOptions,
    indent: &str,
) -> String {
    let block = format!(
        "config:
  name: {name}
  root_id: slo
  # A broken VM never stops traffic (nor Envoy).
  failure_policy: FAIL_OPEN
  vm_config:
    vm_id: {vm_id}
    runtime: envoy.wasm.runtime.v8
    code:
      local: {{ filename: {wasm} }}
  configuration:
    \"@type\": type.googleapis.com/google.protobuf.StringValue
    value: {configuration}
",
        wasm = quoted(&options.wasm_path),
        configuration = quoted(&configuration.to_string()),
    );
    block
        .lines()
        .map(|line| format!("{indent}{line}\n"))
        .collect()
}

fn route(name: &str, matcher: &str, action: &str) -> String {
    format!(
        "              - name: {name}\n                match: {{ {matcher} }}\n                {action}\n"
    )
}

const TO_UPSTREAM: &str = "route: { cluster: upstream }";

/// The routes: one per path prefix some SLO judges (and the status path) with the filter
/// on, then the catch-all with the filter off, so requests no SLO can match never enter the
/// Wasm VM. When some SLO matches any path, the catch-all alone, filter on.
/// With native counting no request needs the filter: it is on the status route alone, or
/// (status elsewhere or off) not on this listener at all.
fn routes(spec: &Spec, options: &EnvoyConfigOptions) -> String {
    let native = options.counting == Counting::Native;
    if !filter_on_data_plane(options) {
        return route("default", "prefix: \"/\"", TO_UPSTREAM);
    }
    let prefixes = match judged_path_prefixes(spec) {
        None if !native => return route("default", "prefix: \"/\"", TO_UPSTREAM),
        None => Vec::new(),
        Some(_) if native => Vec::new(),
        Some(prefixes) => prefixes,
    };
    let mut out = String::new();
    if let (Some(path), true) = (&options.status_path, status_on_data_plane(options)) {
        out += &route("slo-status", &format!("path: {}", json!(path)), TO_UPSTREAM);
    }
    for (i, prefix) in prefixes.iter().enumerate() {
        out += &route(
            &format!("slo-judged-{i}"),
            &format!("prefix: {}", json!(prefix)),
            TO_UPSTREAM,
        );
    }
    out += &route("default", "prefix: \"/\"", TO_UPSTREAM);
    out + FILTER_OFF
}

const FILTER_OFF: &str = "                # No SLO judges these requests: they skip the SLO filter.
                typed_per_filter_config:
                  envoy.filters.http.wasm:
                    \"@type\": type.googleapis.com/envoy.config.route.v3.FilterConfig
                    disabled: true
";

/// The status listener's routes: the filter answers the status path itself; anything else
/// is a 404 that never reaches the filter, so nothing sent here is counted as an SLI event.
fn status_routes(path: &str) -> String {
    route(
        "slo-status",
        &format!("path: {}", json!(path)),
        "direct_response: { status: 404 }",
    ) + &route(
        "default",
        "prefix: \"/\"",
        "direct_response: { status: 404 }",
    ) + FILTER_OFF
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::from_json(r#"{"services":[{"name":"shop","slos":[
            {"name":"checkout","description":"it's fast","target":0.999,"window":"30d","sli":{"bad":{"status":["5xx"]},"latency":{"threshold_ms":300}}},
            {"name":"catalog","target":0.99,"window":"7d","sli":{"latency":{"threshold_ms":5}}}]}]}"#).unwrap()
    }

    #[test]
    fn embeds_the_spec_and_the_status_endpoint_in_the_filter_configuration() {
        let options = EnvoyConfigOptions {
            status_path: Some("/slo/status".into()),
            status_cors_origin: Some("http://127.0.0.1:8080".into()),
            tick_seconds: Some(1),
            ..Default::default()
        };
        let config = filter_configuration(&spec(), &options, true);
        assert_eq!(config["status"]["path"], "/slo/status");
        assert_eq!(config["status"]["cors_origin"], "http://127.0.0.1:8080");
        assert!(config["status"].get("bearer_token").is_none());
        assert_eq!(config["tick_seconds"], 1);
        assert_eq!(
            Spec::from_value(&config["spec"], "spec").unwrap(),
            spec(),
            "the embedded spec reads back the same"
        );
    }

    #[test]
    fn the_filter_runs_only_where_an_slo_can_judge() {
        let prefixed = Spec::from_json(r#"{"services":[{"name":"a","slos":[{"name":"c","target":0.99,"window":"30d","sli":{"match":{"path_prefixes":["/api/checkout"]},"bad":{"status":["5xx"]}}}]}]}"#).unwrap();
        let yaml = render(&prefixed, &EnvoyConfigOptions::default()).unwrap();
        let judged = yaml.find("match: { prefix: \"/api/checkout\" }").unwrap();
        let rest = yaml.find("match: { prefix: \"/\" }").unwrap();
        let off = yaml.find("disabled: true").unwrap();
        assert!(judged < rest && rest < off, "{yaml}");
        // An SLO without path prefixes can judge any request: the filter stays on.
        assert!(!render(&spec(), &EnvoyConfigOptions::default())
            .unwrap()
            .contains("disabled: true"));
    }

    #[test]
    fn yaml_quotes_the_configuration_and_extracts_every_label() {
        let yaml = render(&spec(), &EnvoyConfigOptions::default()).unwrap();
        assert!(yaml.contains(r#"value: '{"spec":{"services":[{"name":"shop""#));
        assert!(yaml.contains("it''s fast"), "single quotes are doubled");
        assert!(yaml.contains("tag_name: le\n    regex: '(\\.le=([0-9]+|\\+Inf))'"));
        assert!(yaml.contains("tag_name: outcome\n    regex: '(\\.outcome=(good|bad))'"));
        assert!(!yaml.contains("envoy.filters.http.fault"));
        let with_faults = render(
            &spec(),
            &EnvoyConfigOptions {
                fault_injection: true,
                ..Default::default()
            },
        )
        .unwrap();
        let wasm = with_faults.find("envoy.filters.http.wasm").unwrap();
        let fault = with_faults.find("envoy.filters.http.fault").unwrap();
        let router = with_faults.find("envoy.filters.http.router").unwrap();
        assert!(
            wasm < fault && fault < router,
            "SLO filter, then faults, then router"
        );
    }

    /// The cluster named `upstream`, parsed from the rendered YAML.
    fn upstream_cluster(options: &EnvoyConfigOptions) -> serde_yaml_ng::Value {
        let config: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&render(&spec(), options).unwrap()).unwrap();
        let clusters = config["static_resources"]["clusters"]
            .as_sequence()
            .unwrap();
        let [cluster] = clusters.as_slice() else {
            panic!("one cluster expected: {clusters:?}")
        };
        assert_eq!(cluster["name"], "upstream");
        cluster.clone()
    }

    #[test]
    fn a_grpc_upstream_gets_explicit_http2_and_the_default_stays_http1() {
        let options = EnvoyConfigOptions {
            upstream_protocol: UpstreamProtocol::parse("http2").unwrap(),
            ..Default::default()
        };
        let protocol = &upstream_cluster(&options)["typed_extension_protocol_options"]
            ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"];
        assert_eq!(
            protocol["@type"],
            "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
        );
        let explicit = protocol["explicit_http_config"].as_mapping().unwrap();
        assert_eq!(explicit.len(), 1, "{explicit:?}");
        assert!(explicit["http2_protocol_options"].is_mapping());
        // The endpoint is unchanged by the protocol.
        assert_eq!(
            upstream_cluster(&options)["load_assignment"],
            upstream_cluster(&EnvoyConfigOptions::default())["load_assignment"]
        );
        let http1 = upstream_cluster(&EnvoyConfigOptions::default());
        assert!(http1.get("typed_extension_protocol_options").is_none());
    }
}
