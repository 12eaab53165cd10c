//! Every class of spec error, reported with its JSON path, all at once.

use serde_json::{json, Value};
use slo_core::spec::Spec;

fn errors(doc: Value) -> Vec<String> {
    match Spec::from_value(&doc, "") {
        Ok(_) => panic!("expected errors for {doc}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn slo(fields: Value) -> Value {
    let mut slo = json!({"name": "api", "target": 0.999, "window": "30d", "sli": {"bad": {"status": ["5xx"]}}});
    for (k, v) in fields.as_object().unwrap() {
        slo[k] = v.clone();
    }
    json!({"services": [{"name": "svc", "slos": [slo]}]})
}

fn assert_one(doc: Value, path: &str, needle: &str) {
    let errors = errors(doc);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&format!("{path}: ")) && e.contains(needle)),
        "no error at {path} containing {needle:?} in {errors:#?}"
    );
}

#[test]
fn the_example_spec_is_valid() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/checkout.json"
    ))
    .unwrap();
    let spec = Spec::from_json(&text).unwrap();
    assert_eq!(spec.slos().count(), 3);
    assert_eq!(Spec::from_value(&spec.to_json(), ""), Ok(spec));
}

#[test]
fn unknown_fields_suggest_the_right_one() {
    assert_one(
        slo(json!({"tagret": 0.99})),
        "services[0].slos[0].tagret",
        "did you mean “target”?",
    );
    let doc = json!({"services": [{"name": "svc", "slos": [{"name": "a", "target": 0.9, "window": "30d",
        "sli": {"bad": {"status": ["5xx"]}, "latency": {"treshold_ms": 100}}}]}]});
    assert_one(
        doc,
        "services[0].slos[0].sli.latency.treshold_ms",
        "did you mean “threshold_ms”?",
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let doc = json!({"services": [{"name": "svc", "slos": [
        {"name": "a", "target": 1.5, "window": "30x", "sli": {"bad": {"status": ["6xx"]}}},
        {"name": "Bad Name", "target": 0.99, "window": "30d", "sli": {"latency": {"threshold_ms": -5}}}
    ]}]});
    let errors = errors(doc);
    let paths: Vec<&str> = errors
        .iter()
        .map(|e| e.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "services[0].slos[0].target",
            "services[0].slos[0].window",
            "services[0].slos[0].sli.bad.status[0]",
            "services[0].slos[1].name",
            "services[0].slos[1].sli.latency.threshold_ms",
        ],
        "{errors:#?}"
    );
}

#[test]
fn an_error_in_one_slo_hides_none_in_another() {
    let doc = json!({"services": [{"name": "svc", "slos": [
        {"name": "a", "target": 1.5, "window": "30d", "sli": {"bad": {"status": ["5xx"]}}},
        {"name": "b", "target": 0.99, "window": "30d", "sli": {"match": {"methods": ["GET"]}}}
    ]}]});
    assert_one(doc, "services[0].slos[1].sli", "names no bad outcome");
}

#[test]
fn targets_outside_zero_to_one_are_refused() {
    for target in [0.0, 1.0, 99.9, -0.5] {
        assert_one(
            slo(json!({"target": target})),
            "services[0].slos[0].target",
            "allowed: a ratio between 0 and 1 exclusive",
        );
    }
    assert_one(
        slo(json!({"target": "99.9"})),
        "services[0].slos[0].target",
        "expected a number",
    );
}

#[test]
fn duplicate_names_are_refused() {
    let doc = json!({"services": [
        {"name": "svc", "slos": [
            {"name": "a", "target": 0.99, "window": "30d", "sli": {"bad": {"status": ["5xx"]}}},
            {"name": "a", "target": 0.99, "window": "30d", "sli": {"bad": {"status": ["5xx"]}}}]},
        {"name": "svc", "slos": []}]});
    let errors = errors(doc);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("services[0].slos[1].name: ") && e.contains("must be unique")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("services[1].name: ") && e.contains("unique service names")),
        "{errors:#?}"
    );
}

#[test]
fn a_window_shorter_than_a_tier_is_refused() {
    let tiers = json!({"tiers": [{"name": "slow", "severity": "ticket", "budget_fraction": 0.1, "long_window": "3d", "short_window": "6h"}]});
    assert_one(
        slo(json!({"window": "1d", "alerts": tiers})),
        "services[0].slos[0].alerts.tiers[0]",
        "longer than the SLO window 1d",
    );
}

#[test]
fn a_tier_that_can_never_fire_is_refused() {
    // The default 14.4x page on a 90% SLO needs a 144% error ratio.
    assert_one(
        slo(json!({"target": 0.9})),
        "services[0].slos[0].alerts",
        "default tier page-fast can never fire",
    );
    let tiers = json!({"tiers": [{"name": "fast", "severity": "page", "burn_rate": 20, "long_window": "1h", "short_window": "5m"}]});
    assert_one(
        slo(json!({"target": 0.95, "alerts": tiers})),
        "services[0].slos[0].alerts.tiers[0]",
        "can never fire",
    );
}

#[test]
fn tier_definitions_are_checked() {
    let tiers = json!({"tiers": [
        {"name": "x", "severity": "urgent", "budget_fraction": 0.02, "long_window": "5m", "short_window": "1h"},
        {"name": "y", "severity": "page", "budget_fraction": 0.02, "burn_rate": 14.4, "long_window": "1h", "short_window": "5m"},
        {"name": "z", "severity": "page", "long_window": "1h", "short_window": "5m"}
    ]});
    let errors = errors(slo(json!({"alerts": tiers})));
    for (path, needle) in [
        (
            "services[0].slos[0].alerts.tiers[0].severity",
            "allowed: \"page\" or \"ticket\"",
        ),
        (
            "services[0].slos[0].alerts.tiers[1]",
            "sets both budget_fraction and burn_rate",
        ),
        (
            "services[0].slos[0].alerts.tiers[2].budget_fraction",
            "is required",
        ),
    ] {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&format!("{path}: ")) && e.contains(needle)),
            "{path} {needle} in {errors:#?}"
        );
    }
}

#[test]
fn disabling_an_unknown_tier_suggests_the_name() {
    assert_one(
        slo(json!({"alerts": {"disable": ["ticket-slo"]}})),
        "services[0].slos[0].alerts.disable[0]",
        "did you mean “ticket-slow”?",
    );
}

#[test]
fn sli_fields_are_checked() {
    let sli = json!({"match": {"path_prefixes": ["api"]}, "bad": {"status": [700, "2xx"], "grpc_status": ["UNAVAILIBLE", 17]},
        "latency": {"threshold_ms": 2.5}, "exclude": {"status": ["4xx"]}});
    let errors = errors(slo(json!({"sli": sli})));
    for (path, needle) in [
        (
            "services[0].slos[0].sli.match.path_prefixes[0]",
            "starting with '/'",
        ),
        ("services[0].slos[0].sli.bad.status[0]", "from 100 to 599"),
        (
            "services[0].slos[0].sli.bad.grpc_status[0]",
            "not a gRPC status",
        ),
        ("services[0].slos[0].sli.bad.grpc_status[1]", "from 0 to 16"),
        (
            "services[0].slos[0].sli.latency.threshold_ms",
            "whole number of milliseconds",
        ),
    ] {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&format!("{path}: ")) && e.contains(needle)),
            "{path} {needle} in {errors:#?}"
        );
    }
    assert_eq!(errors.len(), 5, "{errors:#?}");
    assert_one(
        slo(json!({"sli": {"match": {"methods": ["GET"]}}})),
        "services[0].slos[0].sli",
        "names no bad outcome",
    );
}

#[test]
fn budgeting_is_checked() {
    assert_one(
        slo(json!({"budgeting": {"method": "slices"}})),
        "services[0].slos[0].budgeting.method",
        "\"occurrences\", \"timeslices\" or \"ratio_timeslices\"",
    );
    assert_one(
        slo(json!({"budgeting": {"method": "timeslices", "slice": "5m"}})),
        "services[0].slos[0].budgeting.slice_good_ratio",
        "is required",
    );
    assert_one(
        slo(
            json!({"window": "1h", "alerts": {"tiers": []}, "budgeting": {"method": "timeslices", "slice": "2h", "slice_good_ratio": 0.9}}),
        ),
        "services[0].slos[0].budgeting.slice",
        "not shorter than the window",
    );
    assert_one(
        slo(
            json!({"budgeting": {"method": "ratio_timeslices", "slice": "5m", "slice_good_ratio": 0.9}}),
        ),
        "services[0].slos[0].budgeting.slice_good_ratio",
        "does not apply when method is \"ratio_timeslices\"",
    );
    let spec = Spec::from_value(
        &slo(json!({"budgeting": {"method": "ratio_timeslices", "slice": "5m"}})),
        "",
    )
    .unwrap();
    assert_eq!(Spec::from_value(&spec.to_json(), ""), Ok(spec));
}

#[test]
fn missing_and_mistyped_fields_say_what_is_expected() {
    assert_one(
        json!({"services": [{"name": "svc", "slos": [{"name": "a"}]}]}),
        "services[0].slos[0].target",
        "is required",
    );
    assert_one(json!({"services": {}}), "services", "expected a list");
    assert_one(json!({"services": []}), "services", "at least one service");
    let err = Spec::from_json("{\"services\": [").unwrap_err();
    assert!(err[0].message.starts_with("not valid JSON"), "{err:?}");
}

#[test]
fn calendar_windows_and_custom_tiers_read_back() {
    let spec = Spec::from_value(
        &slo(json!({"window": "quarter", "alerts": {"min_events_per_second": 2}})),
        "",
    )
    .unwrap();
    let slo = &spec.services[0].slos[0];
    assert_eq!(slo.window.to_string(), "quarter");
    assert!(slo
        .alerts
        .iter()
        .all(|t| t.min_events_per_second == Some(2.0)));
    assert_eq!(Spec::from_value(&spec.to_json(), "").unwrap(), spec);
}

#[test]
fn embedded_specs_report_paths_from_the_embedding_root() {
    let doc = json!({"spec": slo(json!({"target": 2}))});
    let errors = Spec::from_value(&doc["spec"], "spec").unwrap_err();
    assert_eq!(errors[0].path, "spec.services[0].slos[0].target");
}

#[test]
fn windows_too_short_for_the_default_tiers_say_what_to_write() {
    for (window, fastest) in [
        ("6h", "look back 30s with a 3s short window"),
        ("1d", "look back 2m with a 10s short window"),
    ] {
        assert_one(
            slo(json!({"window": window})),
            "services[0].slos[0].alerts",
            &format!("a {window} window is too short for the default tiers: scaled from the 30-day table, the fastest would {fastest}"),
        );
    }
    assert_one(
        slo(json!({"window": "1d", "alerts": {"min_events_per_second": 1}})),
        "services[0].slos[0].alerts",
        "the defaults need a window of at least 6d. Write this SLO's own “alerts.tiers”",
    );
    // The suggestion it prints is itself accepted.
    let own = json!({"tiers": [{"name": "page", "severity": "page", "burn_rate": 6, "long_window": "1h", "short_window": "5m"}]});
    assert!(Spec::from_value(&slo(json!({"window": "1d", "alerts": own})), "").is_ok());
    for window in ["week", "7d", "14d", "28d", "30d", "month", "90d", "quarter"] {
        assert!(
            Spec::from_value(&slo(json!({ "window": window })), "").is_ok(),
            "{window}"
        );
    }
}

#[test]
fn a_tier_below_one_x_is_refused_unless_intended() {
    // Sloth's 7-day table: 42% of the budget over 3 days is 0.98x.
    let tier = |extra: Value| {
        let mut t = json!({"name": "slow", "severity": "ticket", "budget_fraction": 0.42, "long_window": "3d", "short_window": "6h"});
        for (k, v) in extra.as_object().unwrap() {
            t[k] = v.clone();
        }
        slo(json!({"window": "7d", "alerts": {"tiers": [t]}}))
    };
    assert_one(
        tier(json!({})),
        "services[0].slos[0].alerts.tiers[0]",
        "burn rate 0.98x is below 1x: the tier would fire while the budget lasts the whole 7d window (at this rate only 98% of it is spent); allowed: a burn rate of at least 1 (a budget_fraction of at least 0.428571428571 for a 3d long window), or \"allow_burn_rate_below_one\": true",
    );
    let spec = Spec::from_value(&tier(json!({"allow_burn_rate_below_one": true})), "").unwrap();
    assert_eq!(Spec::from_value(&spec.to_json(), ""), Ok(spec));
    assert_one(
        tier(json!({"allow_burn_rate_below_one": "yes"})),
        "services[0].slos[0].alerts.tiers[0].allow_burn_rate_below_one",
        "allowed: true or false",
    );
}

#[test]
fn alert_windows_are_at_least_a_minute_and_a_slice() {
    let tiers = json!({"tiers": [{"name": "fast", "severity": "page", "burn_rate": 14.4, "long_window": "10m", "short_window": "30s"}]});
    assert_one(
        slo(json!({ "alerts": tiers })),
        "services[0].slos[0].alerts.tiers[0]",
        "short window 30s is too short; allowed: at least 1m",
    );
    let sliced = json!({"method": "timeslices", "slice": "10m", "slice_good_ratio": 0.95});
    let tiers = json!({"tiers": [{"name": "fast", "severity": "page", "burn_rate": 14.4, "long_window": "1h", "short_window": "5m"}]});
    assert_one(
        slo(json!({"budgeting": sliced, "alerts": tiers})),
        "services[0].slos[0].alerts.tiers[0]",
        "short window 5m is too short; allowed: at least 10m (one time slice of this SLO",
    );
    // Default tiers raise their short windows to the slice.
    let spec = Spec::from_value(&slo(json!({ "budgeting": sliced })), "").unwrap();
    let fast = &spec.slos().next().unwrap().alerts[0];
    assert_eq!(
        (fast.long_window_seconds, fast.short_window_seconds),
        (3600, 600)
    );
}

#[test]
fn a_burn_rate_that_spends_more_than_the_budget_is_refused() {
    // Found by fuzzing: 5.5x over 2 days of a week's budget reads back as a budget fraction
    // of 1.57, which the spec refuses, so the spec did not survive its own round trip.
    let tiers = json!({"tiers": [{"name": "slow", "severity": "ticket", "burn_rate": 5.5,
        "allow_burn_rate_below_one": true, "long_window": "2d", "short_window": "2h"}]});
    assert_one(
        slo(json!({"window": "week", "alerts": tiers})),
        "services[0].slos[0].alerts.tiers[0].burn_rate",
        "5.5 over a long window of 2d would spend 157.1429% of the 7d budget before it fires; allowed: at most 3.5 (SLO window / long window)",
    );
}

#[test]
fn names_may_start_with_a_digit_as_rfc_1123_names_do() {
    let mut doc = slo(json!({"name": "5xx-rate"}));
    doc["services"][0]["name"] = json!("2fa");
    let spec = Spec::from_value(&doc, "").unwrap();
    assert_eq!(spec.slos().next().unwrap().name, "5xx-rate");
    for bad in ["-rate", "_rate", "Rate", ""] {
        assert_one(
            slo(json!({ "name": bad })),
            "services[0].slos[0].name",
            "allowed: 1 to 64 lower-case letters, digits, '_' or '-', starting with a letter or a digit",
        );
    }
}

#[test]
fn a_calendar_window_in_a_time_zone_reads_back_with_its_rule() {
    let spec = Spec::from_value(
        &slo(json!({"window": {"calendar": "month", "time_zone": "Australia/Sydney", "start": "2024-01-31T00:00:00"}})),
        "",
    )
    .unwrap();
    let window = spec.services[0].slos[0].to_json()["window"].clone();
    assert_eq!(
        window,
        json!({"calendar": "month", "time_zone": "Australia/Sydney",
               "time_zone_rule": "AEST-10AEDT,M10.1.0,M4.1.0/3", "start": "2024-01-31T00:00:00"})
    );
    assert_eq!(Spec::from_value(&spec.to_json(), "").unwrap(), spec);
    // UTC from a period's own start is the shorthand.
    let plain = Spec::from_value(
        &slo(json!({"window": {"calendar": "week", "time_zone": "Etc/UTC", "start": "2024-01-01T00:00:00"}})),
        "",
    )
    .unwrap();
    assert_eq!(plain.services[0].slos[0].to_json()["window"], json!("week"));
}

#[test]
fn every_problem_of_a_zoned_window_is_reported_at_once() {
    let errors = errors(slo(json!({"window": {
        "calendar": "fortnight",
        "time_zone": "Europe/Berln",
        "time_zone_rule": "CET-1CEST",
        "start": "next Monday",
        "zone": "UTC",
    }})));
    let at = "services[0].slos[0].window";
    let expected = [
        format!("{at}.zone: unknown field “zone”; allowed fields: calendar, time_zone, time_zone_rule, start"),
        format!("{at}.calendar: “fortnight” is not a calendar window; allowed: week, month or quarter"),
        format!("{at}.time_zone_rule: “CET-1CEST” is not a time-zone rule (daylight time without the days it starts and ends); allowed: a POSIX TZ rule"),
        format!("{at}.time_zone: “Europe/Berln” is not a time zone of the IANA database"),
        format!("{at}.start: “next Monday” is not a start time; allowed: a date and time on the zone's clock"),
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for (error, start) in errors.iter().zip(&expected) {
        assert!(
            error.starts_with(start.as_str()),
            "{error}\n  does not start with\n{start}"
        );
    }
}

#[test]
fn a_rule_that_is_not_the_zone_s_is_refused_with_the_zone_s() {
    assert_one(
        slo(json!({"window": {"calendar": "month", "time_zone": "Europe/Berlin", "time_zone_rule": "EST5EDT,M3.2.0,M11.1.0"}})),
        "services[0].slos[0].window.time_zone_rule",
        &format!(
            "is not Europe/Berlin's rule in the IANA database ({}); allowed: “CET-1CEST,M3.5.0,M10.5.0/3”, or no time_zone_rule",
            slo_core::zone::TIME_ZONE_DATABASE
        ),
    );
    assert_one(
        slo(json!({"window": {"calendar": "month", "time_zone_rule": "UTC0"}})),
        "services[0].slos[0].window.time_zone",
        "is required with time_zone_rule",
    );
}
