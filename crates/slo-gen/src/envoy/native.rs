//! Native counting: the HTTP connection manager's access logs that
//! count every request SLO natively. Each SLO's outcome is one `envoy.access_loggers.stats`
//! logger whose filter is the core's tree for that outcome (`slo_core::native`); its
//! counters carry the filter's own stat names under the `wasmcustom` prefix, so they are the
//! very counters the filter defines (it defines them at configuration, before any request,
//! which gives them their tags) and reads on its tick.

use serde_json::{json, Value};
use slo_core::classify::Outcome;
use slo_core::histogram::bucket_bounds;
use slo_core::native::{compile_spec, duration_buckets, Filter};
use slo_core::spec::Spec;
use slo_core::stat_names as names;

/// Envoy's namespace for Wasm-defined stats: a stats logger with this prefix increments
/// the filter's counters.
const WASM_STAT_PREFIX: &str = "wasmcustom";

/// Counts every request (what `%DURATION%` formats: the whole milliseconds the duration
/// filter compares) into the judged requests' duration sum.
const DURATION: &str = "%DURATION%";

fn counter(name: String, value: Value) -> Value {
    let mut counter = json!({"stat": {"name": name}});
    match value {
        Value::String(format) => counter["value_format"] = json!(format),
        fixed => counter["value_fixed"] = fixed,
    }
    counter
}

/// Where native counting stops paying, as measured (`tests/envoy/bench.py --scaling`, 2
/// cores, one Envoy worker): its access loggers run on every request, three per SLO, so
/// its cost grows with the spec, where the filter's matcher index does not. Ahead of Wasm
/// counting at 30 SLOs, behind from 300 on.
pub const NATIVE_SCALING: NativeScaling = NativeScaling {
    ahead_up_to: 30,
    behind_from: 300,
    measured: "at 300 SLOs 63.7% of no-filter throughput against Wasm counting's 96.8%; at 1,000, 18.2% against 82.8%",
};

/// Measured figures of native counting's cost against the SLO count.
pub struct NativeScaling {
    /// The largest spec measured where native counting was faster.
    pub ahead_up_to: usize,
    /// The smallest spec measured where it was slower.
    pub behind_from: usize,
    pub measured: &'static str,
}

/// A warning for a spec past where native counting was measured ahead of Wasm counting.
pub fn scaling_warning(spec: &Spec) -> Option<String> {
    let slos = spec.request_slos().count();
    let s = &NATIVE_SCALING;
    (slos > s.ahead_up_to).then(|| {
        format!(
            "native counting runs three access loggers per SLO on every request: with {slos} request SLOs it may be slower than Wasm counting, whose cost does not grow with the SLO count; measured ahead up to {} SLOs and behind from {} ({})",
            s.ahead_up_to, s.behind_from, s.measured
        )
    })
}

/// How native counting is written out.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NativeOptions {
    /// One logger per SLO and duration bucket as well.
    pub duration_buckets: bool,
    /// Each tree as one CEL expression instead of Envoy's plain access-log filters.
    pub cel: bool,
}

fn logger(filter: &Filter, counters: Vec<Value>, cel: bool) -> Option<Value> {
    let mut log = json!({
        "name": "envoy.access_loggers.stats",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.access_loggers.stats.v3.Config",
            "stats_scope": {"prefix": WASM_STAT_PREFIX},
            "counters": counters,
        }
    });
    match filter {
        Filter::Never => return None,
        Filter::All(items) if items.is_empty() => {}
        tree if cel => log["filter"] = tree.to_cel_filter(),
        tree => log["filter"] = tree.to_envoy(),
    }
    Some(log)
}

/// The access loggers of every SLO, in spec order (good, bad, excluded, then with
/// `duration_buckets` one per bucket, adding the request to that bucket and every wider
/// one: Prometheus buckets are cumulative), or every reason an SLO cannot be counted
/// natively, each line naming its field.
pub fn access_logs(spec: &Spec, options: NativeOptions) -> Result<Vec<Value>, String> {
    let compiled = compile_spec(spec).map_err(|refusals| {
        refusals
            .iter()
            .map(|r| format!("{r}\n"))
            .collect::<String>()
    })?;
    let mut logs = Vec::new();
    for (slo, filters) in compiled {
        let n = slo.name.as_str();
        for (outcome, filter) in [(Outcome::Good, &filters.good), (Outcome::Bad, &filters.bad)] {
            logs.extend(logger(
                filter,
                vec![
                    counter(names::requests(n, outcome), json!(1)),
                    counter(names::duration_count(n), json!(1)),
                    counter(names::duration_sum(n), json!(DURATION)),
                ],
                options.cel,
            ));
        }
        logs.extend(logger(
            &filters.excluded,
            vec![counter(names::excluded(n), json!(1))],
            options.cel,
        ));
        if options.duration_buckets {
            let bounds = bucket_bounds(spec);
            let les: Vec<Option<u32>> = bounds.iter().copied().map(Some).chain([None]).collect();
            for (i, filter) in duration_buckets(&filters, &bounds).iter().enumerate() {
                let wider = les[i..]
                    .iter()
                    .map(|&le| counter(names::duration_bucket(n, le), json!(1)));
                logs.extend(logger(filter, wider.collect(), options.cel));
            }
        }
    }
    Ok(logs)
}

/// The `access_log` block of an HTTP connection manager, indented for the generated
/// bootstrap.
pub fn access_log_yaml(logs: &[Value], indent: &str) -> String {
    let block = serde_yaml_ng::to_string(&json!({ "access_log": logs })).unwrap_or_default();
    let mut out = format!(
        "{indent}# Native counting: Envoy's stats access loggers count each SLO's outcomes into the\n\
         {indent}# filter's counters (filters compiled from the spec by slo-core).\n"
    );
    for line in block.lines() {
        out += &format!("{indent}{line}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envoy::options::{EnvoyConfigOptions, StatusListener};
    use crate::envoy::render;
    use slo_core::filter_config::Counting;

    #[test]
    fn each_outcome_is_one_logger_with_the_filters_stat_names() {
        let spec = Spec::from_json(
            r#"{"services":[{"name":"s","slos":[{"name":"c","target":0.99,"window":"30d",
            "sli":{"match":{"path_prefixes":["/api"]},"bad":{"status":["5xx"]}}}]}]}"#,
        )
        .unwrap();
        let logs = access_logs(&spec, NativeOptions::default()).unwrap();
        // Abandoned requests are excluded by default: good, bad and excluded.
        assert_eq!(logs.len(), 3);
        let names: Vec<&str> = logs
            .iter()
            .map(|l| {
                l["typed_config"]["counters"][0]["stat"]["name"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            names,
            [
                "slo_requests_total.slo=c.outcome=good",
                "slo_requests_total.slo=c.outcome=bad",
                "slo_requests_excluded_total.slo=c"
            ]
        );
        assert_eq!(
            logs[0]["typed_config"]["stats_scope"]["prefix"],
            "wasmcustom"
        );
        assert_eq!(
            logs[1]["typed_config"]["counters"][2]["value_format"],
            "%DURATION%"
        );
        let yaml = access_log_yaml(&logs, "  ");
        let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(parsed["access_log"].as_sequence().unwrap().len(), 3);
        // With buckets: one logger per bound and +Inf, each counting its bucket and the
        // wider ones.
        let buckets = NativeOptions {
            duration_buckets: true,
            ..NativeOptions::default()
        };
        let logs = access_logs(&spec, buckets).unwrap();
        let bounds = bucket_bounds(&spec);
        assert_eq!(logs.len(), 3 + bounds.len() + 1);
        let first = &logs[3]["typed_config"]["counters"];
        assert_eq!(first.as_array().unwrap().len(), bounds.len() + 1);
        assert_eq!(
            first[0]["stat"]["name"],
            "slo_request_duration_milliseconds_bucket.slo=c.le=1"
        );
        let last = &logs[3 + bounds.len()]["typed_config"]["counters"];
        assert_eq!(last.as_array().unwrap().len(), 1, "+Inf counts only itself");
    }

    #[test]
    fn a_spec_native_counting_cannot_state_is_refused_naming_each_field() {
        let spec = Spec::from_json(r#"{"services":[{"name":"s","slos":[{"name":"c","target":0.99,"window":"30d",
            "sli":{"match":{"path_prefixes":["/api?v=1"]},"latency":{"threshold_ms":4294967295}}}]}]}"#).unwrap();
        let message = access_logs(&spec, NativeOptions::default()).unwrap_err();
        assert_eq!(message.lines().count(), 2, "{message}");
        assert!(message.starts_with("services[0].slos[0].sli.match.path_prefixes[0]: "));
        assert!(message.ends_with('\n'));
    }

    #[test]
    fn native_counting_logs_outcomes_and_keeps_the_filter_off_the_request_path() {
        let spec = Spec::from_json(r#"{"services":[{"name":"shop","slos":[
            {"name":"checkout","target":0.999,"window":"30d","sli":{"bad":{"status":["5xx"]},"latency":{"threshold_ms":300}}},
            {"name":"catalog","target":0.99,"window":"7d","sli":{"latency":{"threshold_ms":5}}}]}]}"#).unwrap();
        let options = EnvoyConfigOptions {
            counting: Counting::Native,
            status_path: Some("/slo/status".into()),
            status_listener: StatusListener::DataPlane,
            ..Default::default()
        };
        let yaml = render(&spec, &options).unwrap();
        let config: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        let hcm = &config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
            ["typed_config"];
        // checkout (latency: abandoned ones bad or excluded) and catalog: 3 loggers each.
        assert_eq!(hcm["access_log"].as_sequence().unwrap().len(), 6);
        let routes = hcm["route_config"]["virtual_hosts"][0]["routes"]
            .as_sequence()
            .unwrap();
        let names: Vec<&str> = routes.iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["slo-status", "default"]);
        assert!(routes[0].get("typed_per_filter_config").is_none());
        assert_eq!(
            routes[1]["typed_per_filter_config"]["envoy.filters.http.wasm"]["disabled"],
            true
        );
        let configuration = hcm["http_filters"][0]["typed_config"]["config"]["configuration"]
            ["value"]
            .as_str()
            .unwrap();
        assert!(configuration.contains(r#""counting":"native""#));
        assert!(!render(&spec, &EnvoyConfigOptions::default())
            .unwrap()
            .contains("access_log"));
    }

    fn filters_of(config: &serde_yaml_ng::Value, listener: usize) -> Vec<String> {
        config["static_resources"]["listeners"][listener]["filter_chains"][0]["filters"][0]
            ["typed_config"]["http_filters"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn with_the_status_elsewhere_or_off_native_counting_leaves_the_data_plane_without_wasm() {
        let spec = Spec::from_json(r#"{"services":[{"name":"shop","slos":[
            {"name":"checkout","target":0.999,"window":"30d","sli":{"bad":{"status":["5xx"]}}}]}]}"#).unwrap();
        let native = EnvoyConfigOptions {
            counting: Counting::Native,
            ..Default::default()
        };
        // The status endpoint on a listener of its own: the filter is there, and only there.
        let own = EnvoyConfigOptions {
            status_path: Some("/slo/status".into()),
            ..native.clone()
        };
        let config: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&render(&spec, &own).unwrap()).unwrap();
        assert_eq!(filters_of(&config, 0), ["envoy.filters.http.router"]);
        assert_eq!(
            filters_of(&config, 1),
            ["envoy.filters.http.wasm", "envoy.filters.http.router"]
        );
        assert!(config.get("bootstrap_extensions").is_none());
        // No status endpoint: a singleton service runs the tick.
        let config: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&render(&spec, &native).unwrap()).unwrap();
        assert_eq!(filters_of(&config, 0), ["envoy.filters.http.router"]);
        assert_eq!(
            config["static_resources"]["listeners"]
                .as_sequence()
                .unwrap()
                .len(),
            1
        );
        let service = &config["bootstrap_extensions"][0]["typed_config"];
        assert_eq!(service["singleton"], true);
        assert_eq!(service["config"]["root_id"], "slo");
        let configuration: Value = serde_json::from_str(
            service["config"]["configuration"]["value"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(configuration["counting"], "native");
        assert!(configuration.get("status").is_none());
        // Counting in the VM keeps the filter on the data plane and needs no service.
        let config: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&render(&spec, &EnvoyConfigOptions::default()).unwrap())
                .unwrap();
        assert_eq!(
            filters_of(&config, 0),
            ["envoy.filters.http.wasm", "envoy.filters.http.router"]
        );
        assert!(config.get("bootstrap_extensions").is_none());
    }

    #[test]
    fn a_spec_past_the_measured_cross_over_is_warned_about() {
        let spec = |n: usize| {
            let slos: Vec<String> = (0..n)
                .map(|i| format!(r#"{{"name":"s{i}","target":0.99,"window":"30d","sli":{{"bad":{{"status":["5xx"]}}}}}}"#))
                .collect();
            Spec::from_json(&format!(
                r#"{{"services":[{{"name":"a","slos":[{}]}}]}}"#,
                slos.join(",")
            ))
            .unwrap()
        };
        assert_eq!(scaling_warning(&spec(NATIVE_SCALING.ahead_up_to)), None);
        let warning = scaling_warning(&spec(NATIVE_SCALING.ahead_up_to + 1)).unwrap();
        assert!(
            warning.contains("with 31 request SLOs it may be slower than Wasm counting"),
            "{warning}"
        );
        assert!(warning.contains("behind from 300"), "{warning}");
    }
}
