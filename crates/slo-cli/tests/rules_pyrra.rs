//! Specs in Pyrra's format, imported, alert when Pyrra's documented alerts would: for each of
//! the project's own specs in that format (slo-core's tests/fixtures/pyrra-format, written
//! by us), promtool evaluates the rules `slo rules` writes for the imported spec next to a
//! reference written here, on the same series: clean traffic for longer than the page tiers'
//! windows (for the 7-day spec, every window), then a steady error ratio 1.23 times the
//! fastest threshold the target allows. Every tier must fire at the same minute as the
//! reference's alert of the same windows, both holding it pending for Pyrra's `for` (the
//! imported tier's hold). Tiers whose threshold lies above the error ratio must stay quiet
//! in both.
//!
//! The reference is the SRE Workbook's multiwindow, multi-burn-rate alert as Pyrra documents
//! it: four tiers with the factors 14, 7, 2 and 1, each firing when the error ratio over its
//! long window and over its short window are both above factor x (1 - target). The windows
//! are the Workbook's 28-day table, scaled by window / 28d and rounded to the minute; they
//! are written out below by hand for each window length the specs use, not taken from the
//! importer. The error ratio of each indicator is written from its meaning: errors over
//! total for a ratio, one minus the share of requests in the success bucket for a latency,
//! the share of samples at 0 for a bool gauge.

mod common;

use common::{imported_rules, promtool, root, scratch};
use serde_json::Value;
use slo_core::duration::{format_duration, parse_duration, DAY, HOUR, MINUTE};

const FIXTURES: &str = "crates/slo-core/tests/fixtures/pyrra-format";

/// The reference's tiers per SLO window: (factor, short, long, hold) in minutes.
fn reference_windows(window: u64) -> [(f64, u64, u64, u64); 4] {
    match window / DAY {
        // The Workbook's table: 1h/5m, 6h/30m, 1d/2h, 4d/6h.
        28 => [
            (14.0, 5, 60, 2),
            (7.0, 30, 360, 15),
            (2.0, 120, 1440, 60),
            (1.0, 360, 5760, 180),
        ],
        // Halved: 2.5m and 7.5m round up to 3m and 8m.
        14 => [
            (14.0, 3, 30, 1),
            (7.0, 15, 180, 8),
            (2.0, 60, 720, 30),
            (1.0, 180, 2880, 90),
        ],
        // A quarter: 75 s rounds down to 1m, a 30 s hold up to 1m, 3m45s up to 4m.
        7 => [
            (14.0, 1, 15, 1),
            (7.0, 8, 90, 4),
            (2.0, 30, 360, 15),
            (1.0, 90, 1440, 45),
        ],
        _ => panic!("no reference windows written out for {window} s"),
    }
}

/// A selector's metric name and matchers (name, operator, value), as our fixtures
/// write them: no commas or quotes inside values.
fn parse_selector(selector: &str) -> (String, Vec<(String, String, String)>) {
    let (name, rest) = selector.split_once('{').unwrap_or((selector, "}"));
    let matchers = rest
        .trim_end_matches('}')
        .split(',')
        .filter(|m| !m.trim().is_empty())
        .map(|m| {
            let op = ["=~", "!~", "!=", "="]
                .into_iter()
                .find(|op| m.contains(op))
                .unwrap();
            let (label, value) = m.split_once(op).unwrap();
            (
                label.trim().into(),
                op.into(),
                value.trim().trim_matches('"').into(),
            )
        })
        .collect();
    (name.trim().to_string(), matchers)
}

/// A label value a matcher selects (`5..` as 500, an alternation's first), or, for
/// `!=`/`!~`, one it does not.
fn value_for(op: &str, value: &str) -> String {
    match op {
        "=" => value.to_string(),
        "=~" if value.starts_with("5..") => "500".into(),
        "=~" => value
            .split('|')
            .next()
            .unwrap()
            .trim_end_matches(".*")
            .to_string(),
        _ => "ok".into(),
    }
}

/// The series a selector selects, with `extra` labels (grouping, outcome) added.
fn series_of(selector: &str, extra: &[(&str, &str)]) -> String {
    let (name, matchers) = parse_selector(selector);
    let mut labels: Vec<(String, String)> = matchers
        .iter()
        .map(|(l, op, v)| (l.clone(), value_for(op, v)))
        .collect();
    for (l, v) in extra {
        if !labels.iter().any(|(have, _)| have == l) {
            labels.push((l.to_string(), v.to_string()));
        }
    }
    let labels: Vec<String> = labels.iter().map(|(l, v)| format!("{l}=\"{v}\"")).collect();
    format!("{name}{{{}}}", labels.join(","))
}

/// A counter over `history` clean steps then `incident` steps, growing `(before, after)` a step.
fn counter(series: &str, (before, after): (f64, f64), history: u64, incident: u64) -> String {
    let at_switch = before * history as f64;
    format!(
        "      - series: '{series}'\n        values: '0+{before}x{history} {}+{after}x{}'\n",
        at_switch + after,
        incident - 1
    )
}

/// The reference's error ratio for a range.
type Ratio = Box<dyn Fn(&str) -> String>;

/// The error ratio over the fastest threshold: far enough above it that float error on the
/// threshold (14 x (1 - 0.95) is 0.7000000000000006) cannot matter, and not a round
/// number, so no window's burn meets a threshold exactly at a whole minute.
const MARGIN: f64 = 1.23;

/// One spec's check; `name` is the SLO's, `file` its YAML under FIXTURES. `full` fills
/// every window with clean traffic first; otherwise the page tiers' windows.
fn check(file: &str, name: &str, full: bool) {
    let path = format!("{FIXTURES}/{file}");
    let text = std::fs::read_to_string(root().join(&path)).unwrap();
    let doc: Value = text
        .split("\n---\n")
        .map(|d| serde_yaml_ng::from_str::<Value>(d).unwrap())
        .find(|d| d["metadata"]["name"] == name)
        .unwrap();
    let spec = &doc["spec"];
    let target: f64 = spec["target"].as_str().unwrap().parse::<f64>().unwrap() / 100.0;
    let window = parse_duration(spec["window"].as_str().unwrap()).unwrap();
    let windows = reference_windows(window);
    let budget = 1.0 - target;
    // The fastest tier that can fire at this target sets the error ratio.
    let fastest = windows
        .iter()
        .map(|w| w.0)
        .find(|f| MARGIN * f * budget < 1.0)
        .unwrap();
    let error_ratio = MARGIN * fastest * budget;

    let indicator = &spec["indicator"];
    let (kind, ind) = indicator.as_object().unwrap().iter().next().unwrap();
    let grouping: Vec<String> = ind["grouping"]
        .as_array()
        .map(|g| g.iter().map(|l| l.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    let by = if grouping.is_empty() {
        String::new()
    } else {
        format!(" by ({})", grouping.join(", "))
    };
    let group_labels: Vec<(&str, &str)> = grouping.iter().map(|g| (g.as_str(), "a")).collect();
    let metric = |key: &str| ind[key]["metric"].as_str().unwrap().to_string();
    // Clean traffic fills the longest window checked; the incident lasts until that tier
    // has fired, and the longest hold after it (tiers with longer windows fire sooner on
    // their partly clean window).
    let checked = windows[if full { 3 } else { 1 }];
    let history = checked.2 + HOUR / MINUTE;
    let fired = checked.2 as f64 * checked.0 / (error_ratio / budget);
    let incident = fired as u64 + windows[3].3 + HOUR / MINUTE;
    let (ratio, input): (Ratio, String) = match kind.as_str() {
        "ratio" => {
            let (errors, total) = (metric("errors"), metric("total"));
            let same = parse_selector(&errors).0 == parse_selector(&total).0;
            let mut with = group_labels.clone();
            let bad = series_of(&errors, &with);
            // Labels only the errors constrain get a value they do not select.
            let total_labels: Vec<String> =
                parse_selector(&total).1.into_iter().map(|m| m.0).collect();
            let error_matchers = parse_selector(&errors).1;
            with.extend(
                error_matchers
                    .iter()
                    .filter(|m| !total_labels.contains(&m.0))
                    .map(|m| (m.0.as_str(), "ok"))
                    .collect::<Vec<_>>(),
            );
            let good = series_of(&total, &with);
            let per_step = 1000.0;
            let total_series = if same {
                (per_step, per_step * (1.0 - error_ratio))
            } else {
                (per_step, per_step)
            };
            let input = counter(&bad, (0.0, per_step * error_ratio), history, incident)
                + &counter(&good, total_series, history, incident);
            // Errors over all requests (with one metric, the error series are part of it).
            (
                Box::new(move |w: &str| {
                    format!("sum{by} (rate({errors}[{w}])) / sum{by} (rate({total}[{w}]))")
                }),
                input,
            )
        }
        "latency" => {
            let (success, total) = (metric("success"), metric("total"));
            let good = series_of(&success, &group_labels);
            let all = series_of(&total, &group_labels);
            let input = counter(
                &good,
                (1000.0, 1000.0 * (1.0 - error_ratio)),
                history,
                incident,
            ) + &counter(&all, (1000.0, 1000.0), history, incident);
            // One minus the share of requests within the bucket's bound.
            (
                Box::new(move |w: &str| {
                    format!("1 - sum{by} (rate({success}[{w}])) / sum{by} (rate({total}[{w}]))")
                }),
                input,
            )
        }
        "bool_gauge" => {
            let gauge = ind["metric"].as_str().unwrap().to_string();
            // A probe fails every other minute: an error ratio of 0.5 (above every threshold at 99%).
            assert!(0.5 > error_ratio);
            let series = series_of(&gauge, &group_labels);
            let input = format!(
                "      - series: '{series}'\n        values: '1x{history} {}'\n",
                "0 1 ".repeat(incident as usize / 2)
            );
            // The samples at 0 among all samples.
            (
                Box::new(move |w: &str| {
                    format!("(sum{by} (count_over_time({gauge}[{w}])) - sum{by} (sum_over_time({gauge}[{w}]))) / sum{by} (count_over_time({gauge}[{w}]))")
                }),
                input,
            )
        }
        other => panic!("{other}"),
    };
    let error_ratio = if kind == "bool_gauge" {
        0.5
    } else {
        error_ratio
    };

    let dir = scratch(&format!("pyrra-{name}"));
    let (imported, ours) = imported_rules(&dir, &["import", "pyrra", &path]);
    let slo = imported.slos().find(|s| s.name == name).unwrap();
    let mut ranges: Vec<u64> = windows.iter().flat_map(|w| [w.1, w.2]).collect();
    ranges.sort_unstable();
    ranges.dedup();
    let mut rules = String::from("groups:\n  - name: reference\n    rules:\n");
    for m in &ranges {
        let w = format_duration(m * MINUTE);
        rules += &format!("      - record: reference:error_ratio{w}\n        expr: '{}'\n        labels: {{slo: {name}}}\n", ratio(&w).replace('\'', "''"));
    }
    for (factor, short, long, hold) in windows {
        let (s, l) = (
            format_duration(short * MINUTE),
            format_duration(long * MINUTE),
        );
        let threshold = factor * budget;
        rules += &format!("      - alert: ReferenceBurn\n        expr: 'reference:error_ratio{s}{{slo=\"{name}\"}} > {threshold} and reference:error_ratio{l}{{slo=\"{name}\"}} > {threshold}'\n        for: {}\n        labels: {{long: {l}, short: {s}}}\n", format_duration(hold * MINUTE));
    }
    let reference = dir.join("reference.yaml");
    std::fs::write(&reference, rules).unwrap();
    promtool(&["check", "rules"], &reference);

    // The first minute a set of alerts is active, over the whole run.
    let end = history + incident;
    let first =
        |selector: &str| format!("min(min_over_time(timestamp(ALERTS{{{selector}}})[{end}m:1m]))");
    let mut checks = String::new();
    for (i, (factor, short, long, hold)) in windows.iter().enumerate() {
        let tier = slo.alerts.iter().find(|t| {
            t.long_window_seconds == long * MINUTE && t.short_window_seconds == short * MINUTE
        });
        let l = format_duration(long * MINUTE);
        let pending = first(&format!("alertname=\"ReferenceBurn\",long=\"{l}\""));
        let fired = first(&format!(
            "alertname=\"ReferenceBurn\",long=\"{l}\",alertstate=\"firing\""
        ));
        if *factor * budget >= error_ratio {
            // Quiet in both: the reference's alert and any tier of ours with these windows.
            let ours = tier
                .map(|t| format!(" or count(ALERTS{{slo_tier=\"{}\"}})", t.name))
                .unwrap_or_default();
            eprintln!("{name}: tier {i} ({short}m/{long}m, {factor}x) quiet in both");
            checks += &format!("      - eval_time: {end}m\n        expr: 'count(ALERTS{{alertname=\"ReferenceBurn\",long=\"{l}\"}}){ours}'\n        exp_samples: []\n");
            continue;
        }
        let tier = tier.unwrap_or_else(|| {
            panic!("{name}: no tier with the reference's windows {short}m/{long}m (tier {i})")
        });
        let ours = first(&format!("slo_tier=\"{}\",alertstate=\"firing\"", tier.name));
        let same = |a: &str, b: &str, value: u64| {
            format!("      - eval_time: {end}m\n        expr: '{a} - {b}'\n        exp_samples:\n          - labels: '{{}}'\n            value: {value}\n")
        };
        // Ours holds its alert as Pyrra does (the tier's `for`): both fire at the same minute.
        checks += &same(&ours, &fired, 0);
        checks += &same(&fired, &pending, hold * MINUTE);
        // At the minute the long window's burn first passes the threshold: with a full
        // clean window before, it reads error_ratio x minutes / window. The bool gauge's
        // alternating samples read less smoothly: there, only after the incident began.
        let at = format!("({pending} - {})", history * MINUTE);
        if kind != "bool_gauge" && *long <= history {
            let minutes = (factor * budget * *long as f64 / error_ratio).floor() as u64 + 1;
            eprintln!("{name}: tier {i} ({short}m/{long}m, {factor}x) fires {minutes} min into the incident in both, the reference's hold {hold} min later");
            checks += &same(&at, "0", minutes * MINUTE);
        } else {
            eprintln!("{name}: tier {i} ({short}m/{long}m, {factor}x) fires at the same minute in both, after the incident began (window not filled)");
            checks += &format!("      - eval_time: {end}m\n        expr: '{at} > bool 0'\n        exp_samples:\n          - labels: '{{}}'\n            value: 1\n");
        }
    }
    let test = format!(
        "rule_files: [{}, {}]\nevaluation_interval: 1m\ngroup_eval_order: [{}]\ntests:\n  - interval: 1m\n    input_series:\n{input}    promql_expr_test:\n{checks}",
        ours.display(),
        reference.display(),
        common::group_eval_order(&ours),
    );
    let file = dir.join("test.yaml");
    std::fs::write(&file, test).unwrap();
    promtool(&["test", "rules"], &file);
    std::fs::remove_dir_all(dir).unwrap();
}

/// One test per spec: (test name, file under FIXTURES, SLO name, whether `full`).
macro_rules! specs {
    ($($test:ident: $file:expr, $name:expr, $full:expr;)*) => {
        $(
            #[test]
            fn $test() {
                check($file, $name, $full);
            }
        )*
    };
}

specs! {
    apiserver_write_errors: "kube-apiserver/apiserver-write-errors.yaml", "apiserver-write-errors", false;
    apiserver_list_latency: "kube-apiserver/apiserver-list-latency.yaml", "apiserver-list-latency", false;
    storefront_ingress_errors: "nginx-ingress.yaml", "storefront-ingress-errors", false;
    storefront_ingress_latency: "nginx-ingress.yaml", "storefront-ingress-latency", false;
    payments_grpc_errors: "grpc-payments.yaml", "payments-grpc-errors", true;
    status_page_probes: "blackbox-probe.yaml", "status-page-probes", false;
}
