//! A history from the filter's status endpoint, saved over time: each report carries the
//! events Envoy's counters hold for every SLO since the proxy started (`good_total`,
//! `bad_total`), so the rise between two reports is the events in between.
//!
//! The events a report adds since the one before are placed in the step the report was
//! generated in; a step in which no report was saved is a gap (its events are then placed
//! in the next step that has one). A counter that falls means the proxy restarted: the
//! report's totals are then all events since that restart, as Prometheus' `increase()`
//! reads a counter reset.

use super::history::{error, too_many_steps, Counts, History};

/// Problems reported before the reader stops: a wrong SLO name is wrong in every report.
const MAX_ERRORS: usize = 3;
use crate::decode::FieldError;
use serde_json::Value;

/// One report's figures for the SLO asked about.
struct Reading {
    at: u64,
    good: u64,
    bad: u64,
}

impl History {
    /// Reads status reports (the endpoint's JSON, one after another as a saving loop
    /// appends them, or a JSON array of them) for the SLO named `slo`, into steps of
    /// `step_seconds` aligned on Unix time.
    pub fn from_status_reports(
        text: &str,
        slo: &str,
        step_seconds: u64,
    ) -> Result<History, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut readings = Vec::new();
        for (k, report) in reports(text, &mut errors).into_iter().enumerate() {
            // A wrong SLO name or an old filter is wrong in every report: the first say so.
            if errors.len() >= MAX_ERRORS {
                errors.push(error(
                    "reports",
                    "more problems after these; fix them first",
                ));
                break;
            }
            if let Some(reading) = read_report(&report, k + 1, slo, &mut errors) {
                readings.push(reading);
            }
        }
        if step_seconds == 0 {
            errors.push(error("step", "0 s; allowed: a step of 1 s or more"));
        }
        if readings.len() < 2 && errors.is_empty() {
            errors.push(error(
                "reports",
                format!("{} report(s) of SLO “{slo}”; allowed: two or more, saved at least once per step", readings.len()),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        readings.sort_by_key(|r| r.at);
        // The first report is where counting starts: its step holds only what later
        // reports saved in the same step add (and is a gap if there are none).
        let start = readings[0].at - readings[0].at % step_seconds;
        let last = readings.last().expect("two readings or more").at;
        let len = ((last - start) / step_seconds + 1) as usize;
        if let Some(too_long) = too_many_steps(len, step_seconds, "reports") {
            return Err(vec![too_long]);
        }
        let mut steps: Vec<Option<Counts>> = vec![None; len];
        for pair in readings.windows(2) {
            let (before, now) = (&pair[0], &pair[1]);
            let restarted = now.good < before.good || now.bad < before.bad;
            let (good, bad) = match restarted {
                true => (now.good, now.bad),
                false => (now.good - before.good, now.bad - before.bad),
            };
            let step = steps[((now.at - start) / step_seconds) as usize].get_or_insert_default();
            step.good += good as f64;
            step.bad += bad as f64;
        }
        Ok(History {
            start_seconds: start,
            step_seconds,
            steps,
        })
    }
}

/// The reports in `text`: a JSON array of them, or JSON values one after another.
fn reports(text: &str, errors: &mut Vec<FieldError>) -> Vec<Value> {
    const ALLOWED: &str = "allowed: the status endpoint's JSON reports, one after another (as `curl URL >> file` appends them) or in a JSON array";
    let mut out = Vec::new();
    for (k, value) in serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .enumerate()
    {
        match value {
            Ok(Value::Array(items)) if k == 0 => out.extend(items),
            Ok(value) => out.push(value),
            Err(e) => {
                errors.push(error(
                    format!("report {}", out.len() + 1),
                    format!("not JSON ({e}); {ALLOWED}"),
                ));
                break;
            }
        }
    }
    out
}

fn read_report(
    report: &Value,
    k: usize,
    slo: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Reading> {
    let place = format!("report {k}");
    let Some(at) = report.get("generated_at_seconds").and_then(Value::as_u64) else {
        errors.push(error(
            format!("{place}.generated_at_seconds"),
            "missing or not a whole number of Unix seconds; allowed: the status endpoint's JSON",
        ));
        return None;
    };
    let slos = report.get("slos").and_then(Value::as_array);
    let Some(state) = slos.and_then(|s| {
        s.iter()
            .find(|s| s.get("slo").and_then(Value::as_str) == Some(slo))
    }) else {
        let names: Vec<&str> = slos
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("slo").and_then(Value::as_str))
            .collect();
        errors.push(error(
            format!("{place}.slos"),
            format!(
                "no SLO “{slo}”; allowed: one of the report's SLOs: {}",
                names.join(", ")
            ),
        ));
        return None;
    };
    let total = |field: &str, errors: &mut Vec<FieldError>| {
        let value = state.get(field).and_then(Value::as_u64);
        if value.is_none() {
            errors.push(error(
                format!("{place}.slos[“{slo}”].{field}"),
                "missing or not a count; allowed: a report of a filter that gives the events since the proxy started",
            ));
        }
        value
    };
    let good = total("good_total", errors);
    let bad = total("bad_total", errors);
    Some(Reading {
        at,
        good: good?,
        bad: bad?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(at: u64, good: u64, bad: u64) -> String {
        format!(
            r#"{{"generated_at_seconds":{at},"slos":[{{"slo":"other","good_total":0,"bad_total":0}},{{"slo":"checkout","good":1,"bad":0,"good_total":{good},"bad_total":{bad}}}]}}"#
        )
    }

    fn counts(good: f64, bad: f64) -> Option<Counts> {
        Some(Counts { good, bad })
    }

    #[test]
    fn each_step_holds_the_rise_of_the_counters_up_to_its_report() {
        // Step 60 s on Unix time: the report at 1000 opens the step 960..1020 (nothing
        // after it there: a gap), then one report per step.
        let text = [
            report(1000, 10, 0),
            report(1060, 25, 1),
            report(1130, 40, 1),
            report(1190, 40, 3),
        ]
        .join("\n");
        let history = History::from_status_reports(&text, "checkout", 60).unwrap();
        assert_eq!((history.start_seconds, history.step_seconds), (960, 60));
        assert_eq!(
            history.steps,
            [None, counts(15.0, 1.0), counts(15.0, 0.0), counts(0.0, 2.0)]
        );
        // The same reports in a JSON array, out of order, read alike.
        let array = format!(
            "[{}]",
            [
                report(1130, 40, 1),
                report(1000, 10, 0),
                report(1190, 40, 3),
                report(1060, 25, 1)
            ]
            .join(",")
        );
        assert_eq!(
            History::from_status_reports(&array, "checkout", 60).unwrap(),
            history
        );
    }

    #[test]
    fn a_step_without_a_report_is_a_gap_and_a_restart_counts_from_zero() {
        // 1080..1140 and 1140..1200 saw no report: gaps; the report at 1250 carries their
        // events. Two reports in one step add up. At 1300 the proxy had restarted.
        let text = [
            report(1000, 10, 0),
            report(1060, 20, 0),
            report(1250, 50, 2),
            report(1255, 60, 2),
            report(1300, 4, 1),
        ]
        .concat();
        let history = History::from_status_reports(&text, "checkout", 60).unwrap();
        assert_eq!(
            history.steps,
            [
                None,
                counts(10.0, 0.0),
                None,
                None,
                counts(40.0, 2.0),
                counts(4.0, 1.0)
            ]
        );
    }

    #[test]
    fn bad_reports_are_named_with_what_is_allowed() {
        let messages = |text: &str| -> Vec<String> {
            History::from_status_reports(text, "checkout", 60)
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        let old_filter =
            r#"{"generated_at_seconds":1000,"slos":[{"slo":"checkout","good":1,"bad":0}]}"#;
        let found = messages(&format!("{}{old_filter}", report(940, 1, 0)));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("report 2.slos[“checkout”].good_total: missing or not a count")
        );
        let found = messages(&report(1000, 1, 0).replace("checkout", "cart"));
        assert_eq!(
            found,
            ["report 1.slos: no SLO “checkout”; allowed: one of the report's SLOs: other, cart"]
        );
        assert!(messages(&report(1000, 1, 0))[0]
            .contains("1 report(s) of SLO “checkout”; allowed: two or more"));
        assert!(
            messages(&format!("{} oops", report(1000, 1, 0)))[0].starts_with("report 2: not JSON")
        );
        assert!(messages(r#"{"slos":[]}"#)[0].starts_with("report 1.generated_at_seconds: missing"));
    }
}
