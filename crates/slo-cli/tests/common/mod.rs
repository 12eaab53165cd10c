//! What the command's tests share: running `slo` and promtool, scratch folders and series
//! in promtool's notation.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `slo` binary from the repository's root, as a user would.
pub fn slo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_slo"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the slo binary runs")
}

/// Runs `slo` and gives its standard output, failing the test with its errors unless it
/// succeeds.
pub fn stdout(args: &[&str]) -> String {
    let out = slo(args);
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "slo {args:?} failed:\n{errors}");
    String::from_utf8(out.stdout).unwrap()
}

/// Runs promtool on a file and fails the test with its output unless it succeeds.
pub fn promtool(args: &[&str], file: &Path) {
    let out = Command::new("promtool").args(args).arg(file).output().unwrap_or_else(|e| {
        panic!("promtool is missing ({e}): install Debian's `prometheus` package (scripts/setup.sh does)")
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool {args:?} failed:\n{text}");
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh folder of this test's own, removed by the caller on success.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("slo-rules-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs one promtool unit-test file of a single 1-minute test over `rules`: `series` are
/// its input series and `checks` its `promql_expr_test` or `alert_rule_test` body.
pub fn promtool_test(dir: &Path, rules: &Path, series: &str, kind: &str, checks: &str) {
    promtool_test_every("1m", dir, rules, series, kind, checks);
}

/// The groups of a rule file, the steps groups first, for promtool's `group_eval_order`.
/// promtool runs the groups of one evaluation in a random order, where Prometheus runs each
/// at its own interval: the steps a group records come before the windows that read them,
/// as a minute's steps do in Prometheus once recorded.
pub fn group_eval_order(rules: &Path) -> String {
    let text = std::fs::read_to_string(rules).unwrap();
    let document: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let groups = document["groups"]
        .as_sequence()
        .or(document["spec"]["groups"].as_sequence());
    let mut names: Vec<&str> = groups
        .into_iter()
        .flatten()
        .filter_map(|g| g["name"].as_str())
        .collect();
    names.sort_by_key(|name| !name.ends_with(":steps"));
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    quoted.join(", ")
}

/// `promtool_test` with the rules evaluated every `evaluation_interval`. promtool evaluates
/// every group at that interval, whatever the group's own: a timeslice SLO's slice
/// verdicts are recorded once each only if it is the slice, as their group's interval is.
pub fn promtool_test_every(
    evaluation_interval: &str,
    dir: &Path,
    rules: &Path,
    series: &str,
    kind: &str,
    checks: &str,
) {
    let order = group_eval_order(rules);
    let test = format!(
        "rule_files: [{}]\nevaluation_interval: {evaluation_interval}\ngroup_eval_order: [{order}]\ntests:\n  - interval: 1m\n    input_series:\n{series}    {kind}:\n{checks}",
        rules.display()
    );
    let test_file = dir.join("test.yaml");
    std::fs::write(&test_file, test).unwrap();
    promtool(&["test", "rules"], &test_file);
}

/// The `slo` command's output for `args`, run from the repository root; fails the test
/// with its error output unless it succeeds.
pub fn slo_output(args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_slo"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `slo rules SPEC` written to `dir/rules.yaml`.
pub fn generate_rules(spec: &Path, dir: &Path) -> PathBuf {
    let rules = slo_output(&["rules".as_ref(), spec.as_os_str()]);
    let path = dir.join("rules.yaml");
    std::fs::write(&path, rules).unwrap();
    path
}

/// One counter series in promtool's expanding notation: `(increment per step, steps)`
/// phases, starting from 0.
pub fn counter_series(labels: &str, phases: &[(f64, u64)]) -> String {
    let mut value = 0.0;
    let mut parts = vec!["0".to_string()];
    for &(step, count) in phases {
        parts.push(format!("{}+{step}x{}", value + step, count - 1));
        value += step * count as f64;
    }
    format!(
        "      - series: '{labels}'\n        values: '{}'\n",
        parts.join(" ")
    )
}

/// The good and bad series of an SLO on one instance.
pub fn outcome_series(slo: &str, instance: &str, phases: &[(f64, f64, u64)]) -> String {
    let label = |outcome: &str| {
        format!("slo_requests_total{{slo=\"{slo}\",outcome=\"{outcome}\",instance=\"{instance}\"}}")
    };
    let good: Vec<(f64, u64)> = phases.iter().map(|&(g, _, n)| (g, n)).collect();
    let bad: Vec<(f64, u64)> = phases.iter().map(|&(_, b, n)| (b, n)).collect();
    counter_series(&label("good"), &good) + &counter_series(&label("bad"), &bad)
}

/// The spec `slo` prints for `import` (an import command and its file), and its rules
/// (checked by `promtool check rules`), written into `dir`.
pub fn imported_rules(dir: &Path, import: &[&str]) -> (slo_core::spec::Spec, PathBuf) {
    let args: Vec<&std::ffi::OsStr> = import.iter().map(|a| a.as_ref()).collect();
    let imported = slo_output(&args);
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, &imported).unwrap();
    let spec = slo_core::spec::Spec::from_json(&String::from_utf8(imported).unwrap()).unwrap();
    let rules = generate_rules(&spec_path, dir);
    promtool(&["check", "rules"], &rules);
    (spec, rules)
}

/// A status report of one SLO, `checkout`, as the filter's endpoint serves it: only the
/// fields the backtest reads, with Envoy's totals since the proxy started.
pub fn status_report(at: u64, good: u64, bad: u64) -> String {
    format!(
        r#"{{"generated_at_seconds":{at},"slos":[{{"slo":"checkout","good_total":{good},"bad_total":{bad}}}]}}"#
    )
}
