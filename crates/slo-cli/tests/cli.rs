//! The `slo` command as a user runs it: arguments in, tables or JSON out, exit codes.

#[path = "../../slo-core/tests/support/results_doc.rs"]
mod results_doc;

mod common;

use common::slo;
use serde_json::Value;
use std::process::Output;

fn json(args: &[&str]) -> Value {
    let out = slo(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `slo whatif` at 99.9% over 30 days, one incident from the start.
fn whatif<'a>(error_ratio: &'a str, duration: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "whatif",
        "--target",
        "99.9",
        "--window",
        "30d",
        "--error-ratio",
        error_ratio,
        "--duration",
        duration,
    ];
    args.extend(more);
    args
}

/// Two hours of full outage, ten requests a second.
fn outage(more: &[&'static str]) -> Vec<&'static str> {
    whatif("1", "2h", &[&["--rps", "10"], more].concat())
}

#[test]
fn json_is_each_result_as_docs_results_md_defines_it() {
    let budget = |extra: &[&str]| {
        let mut args = vec!["budget", "--target", "99.9", "--window", "month", "--json"];
        args.extend(extra);
        json(&args)
    };
    results_doc::assert_documented("budget", &[budget(&["--requests", "1000"]), budget(&[])]);
    let alerts = |target, extra: &[&str]| {
        let mut args = vec!["alerts", "--target", target, "--window", "30d", "--json"];
        args.extend(extra);
        json(&args)
    };
    results_doc::assert_documented(
        "alerts",
        &[alerts("99.9", &["--error-ratio", "2%"]), alerts("90", &[])],
    );
    let outage = json(&outage(&["--json"]));
    let scenario = json(&[
        "whatif",
        "--scenario",
        "examples/incident-scenario.json",
        "--json",
    ]);
    // Steady errors at the budget's rate: the slow ticket is still firing at the end.
    let steady = json(&whatif("0.1%", "30d", &["--rps", "1", "--json"]));
    results_doc::assert_documented("whatif", &[outage, scenario, steady]);
}

#[test]
fn budget_json_gives_numbers_and_words() {
    let v = json(&[
        "budget",
        "--target",
        "99.9",
        "--window",
        "30d",
        "--requests",
        "1000000",
        "--json",
    ]);
    assert_eq!(v["target"], 0.999);
    assert_eq!(v["window_seconds"], 2_592_000);
    assert_eq!(v["allowed_downtime_seconds"], 2592.0);
    assert_eq!(v["allowed_downtime_text"], "43 min 12 s");
    assert_eq!(v["allowed_bad_requests"], 1000);
    assert!((v["error_budget_ratio"].as_f64().unwrap() - 0.001).abs() < 1e-12);
    assert_eq!(v["periods"][2]["period"], "30-day month");
}

#[test]
fn a_tiny_budget_is_shown_with_its_digits() {
    let text = stdout(&slo(&[
        "budget",
        "--target",
        "99.999999",
        "--window",
        "30d",
    ]));
    assert!(
        text.contains("target 99.999999% over 30d: error budget 0.000001%"),
        "{text}"
    );
}

#[test]
fn whatif_times_are_given_to_the_minute_it_simulates() {
    // 99.9% over 30 days allows 43 min 12 s of full outage; the simulation steps by minutes.
    let text = stdout(&slo(&outage(&[])));
    assert!(text.contains("exhausted +43 min\n"), "{text}");
}

#[test]
fn whatif_needs_the_traffic() {
    let out = slo(&whatif("1", "2h", &[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("slo whatif: --rps is required"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn budget_table_says_43_min_12_s() {
    let out = slo(&["budget", "--target", "0.999", "--window", "30d"]);
    let text = stdout(&out);
    assert!(text.contains("30-day month    43 min 12 s"), "{text}");
    assert!(text.contains("day             1 min 26.4 s"), "{text}");
}

#[test]
fn calendar_windows_state_the_length_used() {
    let text = stdout(&slo(&["budget", "--target", "99.9", "--window", "month"]));
    assert!(
        text.contains("over a calendar month (taken as 30d): error budget"),
        "{text}"
    );
}

#[test]
fn alerts_json_gives_workbook_thresholds_and_detection() {
    let v = json(&[
        "alerts",
        "--target",
        "99.9",
        "--window",
        "30d",
        "--error-ratio",
        "1",
        "--json",
    ]);
    let tiers = v["tiers"].as_array().unwrap();
    let rates: Vec<f64> = tiers
        .iter()
        .map(|t| t["burn_rate"].as_f64().unwrap())
        .collect();
    for (got, want) in rates.iter().zip([14.4, 6.0, 3.0, 1.0]) {
        assert!((got - want).abs() < 1e-9, "{rates:?}");
    }
    assert!((tiers[0]["detection_seconds"].as_f64().unwrap() - 51.84).abs() < 1e-9);
    assert_eq!(tiers[0]["severity"], "page");
    assert_eq!(tiers[0]["long_window_seconds"], 3600);
    assert_eq!(tiers[0]["short_window_seconds"], 300);
    // Without an error ratio there is nothing to detect.
    let v = json(&["alerts", "--target", "99.9", "--window", "30d", "--json"]);
    assert!(v["tiers"][0]["detection_seconds"].is_null());
}

#[test]
fn alerts_warn_about_tiers_that_never_fire() {
    let text = stdout(&slo(&["alerts", "--target", "90", "--window", "30d"]));
    assert!(
        text.contains("warning: page-fast can never fire: at 90% it needs an error ratio of 144%, more than 100% of requests"),
        "{text}"
    );
}

#[test]
fn whatif_json_reports_budget_and_firing_times() {
    let v = json(&whatif("0.1", "30m", &["--rps", "10", "--json"]));
    assert!((v["budget_consumed"].as_f64().unwrap() - 3.0 / 43.2).abs() < 1e-9);
    assert!((v["budget_remaining"].as_f64().unwrap() - (1.0 - 3.0 / 43.2)).abs() < 1e-9);
    assert!(v["exhausted_at_seconds"].is_null());
    // 10% errors burn at 100x: the 1h tier at 14.4x fires in the 9th minute.
    assert_eq!(v["tiers"][0]["fires_at_seconds"], 540);
    assert_eq!(v["tiers"][0]["fires_at_text"], "+9 min");
    assert!(v["tiers"][0]["resets_at_seconds"].as_u64().unwrap() > 1800);
    assert!(v["tiers"][3]["fires_at_seconds"].is_null());
    assert_eq!(v["tiers"][3]["fires_at_text"], "never");
}

#[test]
fn whatif_reads_scenario_files() {
    let v = json(&[
        "whatif",
        "--scenario",
        "examples/incident-scenario.json",
        "--json",
    ]);
    assert!(v["exhausted_at_seconds"].as_f64().is_some());
    assert!((v["latency_error_ratio"].as_f64().unwrap() - 0.0005).abs() < 1e-12);
}

#[test]
fn check_accepts_the_example_and_lists_every_error_of_a_bad_spec() {
    let out = slo(&["check", "examples/checkout.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = std::env::temp_dir().join(format!("slo-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"services":[{"name":"s","slos":[{"name":"a","tagret":0.9,"window":"30d","sli":{"bad":{"status":["5xx"]}}}]}]}"#).unwrap();
    let out = slo(&["check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("services[0].slos[0].tagret: unknown field “tagret”; did you mean “target”?"),
        "{err}"
    );
    assert!(
        err.contains("services[0].slos[0].target: is required"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_arguments_get_one_line_and_exit_2() {
    for (args, needle) in [
        (
            vec!["budget", "--target", "100", "--window", "30d"],
            "--target: “100” is not a valid target: 100% leaves no error budget",
        ),
        (
            vec!["budget", "--target", "abc", "--window", "30d"],
            "it is not a number",
        ),
        (
            vec!["budget", "--target", "99.9", "--window", "0d"],
            "--window: “0d” is not a window (it is zero)",
        ),
        (vec!["budget", "--target", "99.9"], "--window is required"),
        (
            vec![
                "budget",
                "--target",
                "99.9",
                "--window",
                "30d",
                "--requests",
                "-4",
            ],
            "--requests: “-4” is not a count",
        ),
        (
            vec!["budget", "--taget", "99.9", "--target=99.9", "--window=30d"],
            "unknown option --taget; allowed: --target, --window, --requests, --json",
        ),
        (
            vec![
                "alerts",
                "--target",
                "99.9",
                "--window",
                "30d",
                "--error-ratio",
                "2",
            ],
            "--error-ratio: “2” is not an error ratio",
        ),
        (
            whatif("0.1", "30m", &["--rps", "10", "--start", "40d"]),
            "--start: is after the window ends; allowed: a start inside the window",
        ),
        (
            vec!["whatif", "--scenario", "x.json", "--target", "99"],
            "--target cannot be combined with --scenario",
        ),
        (vec!["frobnicate"], "unknown command \"frobnicate\""),
    ] {
        let out = slo(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn check_warns_about_a_bad_status_an_exclusion_shadows_and_still_passes() {
    let dir = std::env::temp_dir().join(format!("slo-cli-shadow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.json");
    std::fs::write(&spec, r#"{"services":[{"name":"s","slos":[{"name":"a","target":0.999,"window":"30d","sli":{"bad":{"status":["5xx",429]},"exclude":{"status":["4xx"]}}}]}]}"#).unwrap();
    let out = slo(&["check", spec.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: services[0].slos[0].sli.bad.status[1]: 429 can never count as bad: exclude.status \"4xx\" excludes it first"),
        "{}",
        stderr(&out)
    );
    // The shipped examples say what they mean.
    let out = slo(&["check", "examples/checkout.json"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn openslo_import_says_on_stderr_what_the_spec_has_no_place_for() {
    // The example's objective has a display name, which the spec has no place for.
    for args in [
        [
            "openslo",
            "import",
            "examples/openslo/orders-prometheus.yaml",
        ]
        .as_slice(),
        &["check", "examples/openslo/orders-prometheus.yaml"],
    ] {
        let out = slo(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            "examples/openslo/orders-prometheus.yaml: warning: document 2 (SLO orders-availability): spec.objectives[0].displayName: is not carried: the SLO has one objective, whose name is the SLO's; give the SLO a display name (metadata.displayName) instead\n",
            "{args:?}"
        );
    }
    let out = slo(&[
        "openslo",
        "import",
        "examples/openslo/orders-prometheus.yaml",
    ]);
    let spec: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        spec["services"][0]["slos"][0]["display_name"],
        "Orders availability"
    );
}

#[test]
fn every_bad_argument_is_reported_at_once() {
    let target = "“100” is not a valid target: 100% leaves no error budget; write a percentage below 100 such as 99.9, or a ratio between 0 and 1 such as 0.999";
    let error_ratio = |text: &str| {
        format!("“{text}” is not an error ratio; allowed: a ratio from 0 to 1 or a percentage, such as 0.01 or 1%")
    };
    let duration = |text: &str, why: &str| {
        format!("“{text}” is not a valid duration: {why}; write a whole number followed by s, m, h, d or w, e.g. 30d, 6h, 1h30m")
    };
    for (args, expected) in [
        (
            vec![
                "whatif", "--target", "100", "--window", "400d", "--error-ratio", "2",
                "--duration", "0m", "--rps", "-1", "--baseline", "x", "--start", "soon",
            ],
            vec![
                format!("slo whatif: --target: {target}"),
                "slo whatif: --window: 400d is too long to simulate minute by minute; allowed: up to 366d".into(),
                format!("slo whatif: --error-ratio: {}", error_ratio("2")),
                format!("slo whatif: --duration: {}", duration("0m", "it is zero")),
                format!("slo whatif: --start: {}", duration("soon", "a unit has no number before it")),
                "slo whatif: --rps: “-1” is not a rate; allowed: a number of requests per second, 0 or more".into(),
                format!("slo whatif: --baseline: {}", error_ratio("x")),
            ],
        ),
        (
            vec!["whatif", "--scenario", "x.json", "--target", "99", "--rps", "5", "stray"],
            vec![
                "slo whatif: unexpected argument \"stray\"; allowed: --target, --window, --error-ratio, --duration, --start, --rps, --baseline, --scenario, --json".into(),
                "slo whatif: --target cannot be combined with --scenario; put it in the file".into(),
                "slo whatif: --rps cannot be combined with --scenario; put it in the file".into(),
            ],
        ),
        (
            vec!["budget", "--target", "100", "--window", "week", "--requests", "many", "--json=yes"],
            vec![
                "slo budget: --json takes no value".into(),
                format!("slo budget: --target: {target}"),
                "slo budget: --requests: “many” is not a count; allowed: a whole number, 0 or more".into(),
            ],
        ),
        (
            vec!["alerts", "--taget", "99.9", "--window", "30x", "--error-ratio", "2"],
            vec![
                "slo alerts: unknown option --taget; allowed: --target, --window, --error-ratio, --json".into(),
                "slo alerts: --target is required: a target such as 99.9, 99.9% or 0.999".into(),
                "slo alerts: --window: “30x” is not a window (it has an unknown unit); expected a rolling duration such as 30d, 28d, 4w or 6h, or a calendar window: week, month or quarter (UTC)".into(),
                format!("slo alerts: --error-ratio: {}", error_ratio("2")),
            ],
        ),
        (
            vec!["alerts", "--target", "abc", "--window", "1h"],
            vec![
                "slo alerts: --target: “abc” is not a valid target: it is not a number".into(),
                "slo alerts: --window: a 1h window is too short for the default tiers".into(),
            ],
        ),
    ] {
        let out = slo(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(err.lines().count(), expected.len(), "{args:?}: {err}");
        for (line, start) in err.lines().zip(&expected) {
            assert!(line.starts_with(start.as_str()), "{args:?}: {err}");
        }
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn every_command_answers_help_with_its_own_usage() {
    for command in [
        "check",
        "budget",
        "alerts",
        "whatif",
        "openslo",
        "envoy-config",
        "rules",
        "dashboards",
    ] {
        for flag in ["--help", "-h"] {
            let out = slo(&[command, flag]);
            assert!(out.status.success(), "{command} {flag}: {}", stderr(&out));
            let text = stdout(&out);
            assert!(
                text.starts_with(&format!("usage: slo {command} ...\n  {command} ")),
                "{command}: {text}"
            );
        }
    }
}

#[test]
fn openslo_import_reads_files_and_directories_as_one_input() {
    let dir = std::env::temp_dir().join(format!("slo-cli-openslo-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let source = dir.join("sources/prometheus.yaml");
    std::fs::write(&source, "apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: prom}\nspec: {type: Prometheus}\n").unwrap();
    let slo_file = dir.join("slo.yaml");
    std::fs::write(
        &slo_file,
        "\
apiVersion: openslo/v1
kind: SLO
metadata: {name: orders-availability}
spec:
  service: orders
  indicator:
    metadata: {name: orders-requests}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: prom, spec: {query: 'ok_total'}}}
        total: {metricSource: {metricSourceRef: prom, spec: {query: 'all_total'}}}
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
",
    )
    .unwrap();
    let (slo_path, source_path) = (slo_file.to_str().unwrap(), source.to_str().unwrap());
    // The SLO's DataSource is in another file: given both, or their directory, it imports.
    for args in [
        vec!["openslo", "import", slo_path, source_path],
        vec!["openslo", "import", dir.to_str().unwrap()],
    ] {
        let spec = json(&args);
        assert_eq!(
            spec["services"][0]["slos"][0]["sli"]["prometheus"]["good"],
            "ok_total"
        );
    }
    // Alone, the SLO's error names its file.
    let out = slo(&["openslo", "import", slo_path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!("{slo_path}: document 1 (SLO orders-availability): spec.indicator.spec.ratioMetric.total.metricSource.metricSourceRef: no DataSource document is named \"prom\"")),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn import_pyrra_reads_a_file_or_a_folder_and_says_what_it_leaves_out() {
    // The project's own specs in Pyrra's format.
    let fixtures = "crates/slo-core/tests/fixtures/pyrra-format";
    let dir = format!("{fixtures}/kube-apiserver");
    let out = slo(&["import", "pyrra", &dir]);
    assert!(out.status.success(), "{}", stderr(&out));
    let spec: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(spec["services"][0]["name"], "kube-system");
    assert_eq!(spec["services"][0]["slos"].as_array().unwrap().len(), 2);
    assert!(stderr(&out).contains("apiserver-write-errors.yaml: document 1 (ServiceLevelObjective apiserver-write-errors): metadata.labels.release:"), "{}", stderr(&out));
    let out = slo(&["import", "pyrra", &format!("{fixtures}/nginx-ingress.yaml")]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A refused spec: every problem, exit 1, nothing on stdout.
    let file = format!("{fixtures}/refused/latency-native.yaml");
    let out = slo(&["import", "pyrra", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains(&format!("{file}: document 1 (ServiceLevelObjective search-latency): spec.indicator.latencyNative: is not supported")), "{}", stderr(&out));
    // Sloth's period is no Pyrra flag; a folder without YAML is said so.
    let out = slo(&["import", "pyrra", &file, "--period", "28d"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--period is Sloth's"),
        "{}",
        stderr(&out)
    );
    let out = slo(&["import", "pyrra", "crates"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("crates holds no .yaml or .yml file"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&slo(&["help"])).contains("import pyrra FILE|DIR"));
}

#[test]
fn native_counting_past_its_measured_cross_over_says_so_and_still_writes_the_configuration() {
    let slos: Vec<Value> = (0..31)
        .map(|i| {
            serde_json::json!({"name": format!("s{i}"), "target": 0.99, "window": "30d",
            "sli": {"match": {"path_prefixes": [format!("/s{i}")]}, "bad": {"status": ["5xx"]}}})
        })
        .collect();
    let path = std::env::temp_dir().join(format!("slo-cli-native-{}.json", std::process::id()));
    std::fs::write(
        &path,
        serde_json::json!({"services": [{"name": "a", "slos": slos}]}).to_string(),
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let native = slo(&["envoy-config", path, "--counting", "native"]);
    assert!(native.status.success(), "{}", stderr(&native));
    assert!(
        stderr(&native).starts_with(&format!(
            "{path}: warning: native counting runs three access loggers per SLO"
        )),
        "{}",
        stderr(&native)
    );
    assert!(stdout(&native).contains("envoy.access_loggers.stats"));
    let wasm = slo(&["envoy-config", path]);
    assert!(
        wasm.status.success() && stderr(&wasm).is_empty(),
        "{}",
        stderr(&wasm)
    );
    std::fs::remove_file(path).unwrap();
}
