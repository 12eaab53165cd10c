//! A service's history as the backtest reads it: good and bad events per fixed step, with
//! the steps nobody sampled kept apart from the steps with no traffic.
//!
//! Two readers, both pure (text in): CSV rows `timestamp,good,bad`, and a pair of
//! Prometheus `query_range` answers (good and total, or bad and total). Every error names
//! the line or the field, what was wrong and what is allowed; a reader returns all of them.

use crate::decode::FieldError;
use serde_json::Value;

/// Events in one step. Floats: Prometheus' `increase()` extrapolates to fractions.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Counts {
    pub good: f64,
    pub bad: f64,
}

/// Events per step from `start_seconds` (Unix seconds, the first step's start), one entry
/// per step; `None` where no sample exists (a gap, never counted as good).
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub start_seconds: u64,
    pub step_seconds: u64,
    pub steps: Vec<Option<Counts>>,
}

/// More steps than this (a year of minutes) would make a page stall.
pub const MAX_STEPS: usize = 366 * 24 * 60;
/// Errors past this many are summarised: a wrong file gives one per line.
const MAX_ERRORS: usize = 20;

impl History {
    pub fn end_seconds(&self) -> u64 {
        self.start_seconds + self.steps.len() as u64 * self.step_seconds
    }

    /// Builds a history from samples `(step start, counts)` in any order: the step is the
    /// smallest distance between two samples, and every sample must sit on it.
    /// `place` names where a sample came from (a line, a sample time) for errors only:
    /// samples carry a number, so a good file makes no strings.
    fn from_samples(
        mut samples: Vec<(u64, Counts, u64)>,
        errors: &mut Vec<FieldError>,
        source: &str,
        place: impl Fn(u64) -> String,
    ) -> Option<History> {
        samples.sort_by_key(|s| s.0);
        for pair in samples.windows(2) {
            if pair[0].0 == pair[1].0 {
                errors.push(error(
                    place(pair[1].2),
                    format!(
                        "timestamp {} appears twice; allowed: one sample per step",
                        pair[1].0
                    ),
                ));
            }
        }
        if samples.len() < 2 && errors.is_empty() {
            errors.push(error(
                source,
                format!(
                    "{} sample(s); allowed: at least two, one per step, so the step can be read",
                    samples.len()
                ),
            ));
        }
        if !errors.is_empty() {
            return None;
        }
        let step = samples
            .windows(2)
            .map(|p| p[1].0 - p[0].0)
            .min()
            .expect("two samples or more");
        let start = samples[0].0;
        for &(at, _, from) in &samples {
            if !(at - start).is_multiple_of(step) {
                errors.push(error(
                    place(from),
                    format!(
                        "timestamp {at} is off the {step} s step that starts at {start}; allowed: timestamps {start} + k x {step}"
                    ),
                ));
            }
        }
        let len = ((samples.last().expect("two samples or more").0 - start) / step + 1) as usize;
        errors.extend(too_many_steps(len, step, source));
        if !errors.is_empty() {
            return None;
        }
        let mut steps = vec![None; len];
        for (at, counts, _) in samples {
            steps[((at - start) / step) as usize] = Some(counts);
        }
        Some(History {
            start_seconds: start,
            step_seconds: step,
            steps,
        })
    }

    /// Reads CSV rows `timestamp,good,bad`: the step's start in Unix seconds, then the good
    /// and bad events within the step. A header row `timestamp,good,bad` is optional;
    /// blank lines and lines starting with `#` are skipped.
    pub fn from_csv(text: &str) -> Result<History, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut samples = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index as u64 + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || (index == 0 && is_header(line)) {
                continue;
            }
            let mut fields = line.split(',').map(str::trim);
            let (Some(timestamp), Some(good), Some(bad), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                errors.push(error(
                    format!("line {number}"),
                    format!(
                        "{} field(s) in “{line}”; allowed: timestamp,good,bad such as 1767225600,5990,10",
                        line.split(',').count()
                    ),
                ));
                continue;
            };
            let timestamp = timestamp.parse::<u64>().map_err(|_| {
                error(
                    format!("line {number}, timestamp"),
                    format!(
                        "“{timestamp}” is not a timestamp; allowed: Unix seconds, a whole number"
                    ),
                )
            });
            let count = |name: &str, text: &str| {
                // Whole counts first: most files hold them, and they read several times faster.
                text.parse::<u64>()
                    .map(|whole| whole as f64)
                    .or_else(|_| text.parse::<f64>())
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| {
                        error(
                            format!("line {number}, {name}"),
                            format!(
                                "“{text}” is not a count; allowed: a number of events, 0 or more"
                            ),
                        )
                    })
            };
            match (timestamp, count("good", good), count("bad", bad)) {
                (Ok(at), Ok(good), Ok(bad)) => samples.push((at, Counts { good, bad }, number)),
                (at, good, bad) => {
                    errors.extend([at.err(), good.err(), bad.err()].into_iter().flatten())
                }
            }
            if errors.len() > MAX_ERRORS {
                break;
            }
        }
        let history = History::from_samples(samples, &mut errors, "csv", |n| format!("line {n}"));
        finish(history, errors)
    }

    /// Reads two Prometheus `/api/v1/query_range` answers: `events` (good or bad events
    /// per step, as `sum(increase(...[STEP]))` gives them with `step=STEP`) and `total`.
    /// A sample at `t` counts the step ending at `t`. A step missing from either answer,
    /// or NaN in it, is a gap.
    pub fn from_prometheus(
        events: &str,
        events_are: EventKind,
        total: &str,
    ) -> Result<History, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = events_are.as_str();
        let events = matrix(events, name, &mut errors);
        let total = matrix(total, "total", &mut errors);
        let (Some(events), Some(mut total)) = (events, total) else {
            return Err(errors);
        };
        // Queries of a split range may share their edge: the same point, answered twice.
        total.sort_by_key(|p| p.0);
        total.dedup_by_key(|p| p.0);
        // The step is read off the total's timestamps first, so a gap in it is kept.
        let step = total
            .windows(2)
            .chain(events.windows(2))
            .map(|p| p[1].0 - p[0].0)
            .filter(|d| *d > 0)
            .min();
        let Some(step) = step else {
            errors.push(error(
                "total",
                "fewer than two samples; allowed: a range of at least two steps",
            ));
            return Err(errors);
        };
        let by_time: std::collections::HashMap<u64, f64> = events.iter().copied().collect();
        let mut samples = Vec::new();
        for &(at, all) in &total {
            let Some(&some) = by_time.get(&at) else {
                continue;
            };
            if all.is_nan() || some.is_nan() {
                continue;
            }
            // Two increases extrapolated apart can cross by a fraction: never below 0.
            let other = (all - some).max(0.0);
            let counts = match events_are {
                EventKind::Good => Counts {
                    good: some,
                    bad: other,
                },
                EventKind::Bad => Counts {
                    good: other,
                    bad: some,
                },
            };
            samples.push((at.saturating_sub(step), counts, at));
        }
        let history = History::from_samples(samples, &mut errors, "total", |at| {
            format!("total, sample at {at}")
        });
        finish(history, errors)
    }
}

/// Which events a Prometheus answer next to the total holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Good,
    Bad,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Good => "good",
            EventKind::Bad => "bad",
        }
    }
}

/// A history of `len` steps of `step` seconds is refused past `MAX_STEPS`.
pub(super) fn too_many_steps(len: usize, step: u64, source: &str) -> Option<FieldError> {
    (len > MAX_STEPS).then(|| {
        error(
            source,
            format!("{len} steps of {step} s; allowed: at most {MAX_STEPS} (a year of minutes): use a longer step"),
        )
    })
}

pub(super) fn error(path: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        path: path.into(),
        message: message.into(),
    }
}

fn is_header(line: &str) -> bool {
    line.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

fn finish(history: Option<History>, errors: Vec<FieldError>) -> Result<History, Vec<FieldError>> {
    match history {
        Some(history) if errors.is_empty() => Ok(history),
        _ => Err(errors),
    }
}

/// The one series of one or more `query_range` answers, one after another in the text
/// (long ranges take several queries: Prometheus caps the points of one), as `(timestamp,
/// value)`; `NaN` stays NaN. An answer with no series is a range with no data.
fn matrix(text: &str, name: &str, errors: &mut Vec<FieldError>) -> Option<Vec<(u64, f64)>> {
    const ALLOWED: &str = "allowed: the JSON of /api/v1/query_range with one series (aggregate with sum()), or several such answers one after another";
    let mut fail = |path: String, problem: String| {
        errors.push(error(
            format!("{name}{path}"),
            format!("{problem}; {ALLOWED}"),
        ));
        None
    };
    let mut out = Vec::new();
    let mut series = 0;
    for (k, answer) in serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .enumerate()
    {
        let at = if k == 0 {
            String::new()
        } else {
            format!(" (answer {})", k + 1)
        };
        let value = match answer {
            Ok(value) => value,
            Err(e) => return fail(at, format!("not JSON ({e})")),
        };
        if value.get("status").and_then(Value::as_str) != Some("success") {
            return fail(format!(".status{at}"), "is not \"success\"".into());
        }
        if value.pointer("/data/resultType").and_then(Value::as_str) != Some("matrix") {
            return fail(format!(".data.resultType{at}"), "is not \"matrix\"".into());
        }
        let result = value.pointer("/data/result").and_then(Value::as_array);
        let values = match result.map(Vec::as_slice) {
            Some([]) => continue,
            Some([one]) => one.get("values").and_then(Value::as_array),
            Some(many) => {
                return fail(
                    format!(".data.result{at}"),
                    format!("holds {} series", many.len()),
                )
            }
            None => {
                return fail(
                    format!(".data.result{at}"),
                    "is missing or not a list".into(),
                )
            }
        };
        let Some(values) = values else {
            return fail(
                format!(".data.result[0].values{at}"),
                "is missing or not a list".into(),
            );
        };
        series += 1;
        for (i, pair) in values.iter().enumerate() {
            let time = pair
                .get(0)
                .and_then(Value::as_f64)
                .filter(|t| *t >= 0.0 && t.fract() == 0.0);
            let events = pair
                .get(1)
                .and_then(Value::as_str)
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_nan() || *v >= 0.0);
            match (time, events) {
                (Some(time), Some(events)) => out.push((time as u64, events)),
                _ => {
                    return fail(
                        format!(".data.result[0].values[{i}]{at}"),
                        format!("“{pair}” is not [whole Unix seconds, \"events ≥ 0\"]"),
                    )
                }
            }
        }
    }
    if series == 0 {
        return fail(String::new(), "holds no series".into());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(errors: Vec<FieldError>) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn csv_reads_steps_and_keeps_gaps() {
        let history =
            History::from_csv("timestamp,good,bad\n600,10,0\n660,9,1\n\n780,5,5\n").unwrap();
        assert_eq!((history.start_seconds, history.step_seconds), (600, 60));
        assert_eq!(history.steps.len(), 4);
        assert_eq!(
            history.steps[1],
            Some(Counts {
                good: 9.0,
                bad: 1.0
            })
        );
        assert_eq!(history.steps[2], None);
        assert_eq!(history.end_seconds(), 840);
    }

    #[test]
    fn csv_errors_name_every_line_and_field_at_once() {
        let errors = messages(History::from_csv("0,1,x\n60,-2,0\nsixty,1,1\n120,1\n").unwrap_err());
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(
            errors[0].starts_with("line 1, bad: “x” is not a count"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("line 2, good: “-2” is not a count"),
            "{errors:?}"
        );
        assert!(
            errors[2].starts_with("line 3, timestamp: “sixty” is not a timestamp"),
            "{errors:?}"
        );
        assert!(errors[3].starts_with("line 4: 2 field(s)"), "{errors:?}");
    }

    #[test]
    fn csv_samples_off_the_step_or_twice_are_refused() {
        // The smallest distance is the step: 0, 60, 90 are steps of 30 s with one gap.
        let history = History::from_csv("0,1,0\n60,1,0\n90,1,0\n").unwrap();
        assert_eq!((history.step_seconds, history.steps.len()), (30, 4));
        let errors = messages(History::from_csv("0,1,0\n60,1,0\n150,1,0\n").unwrap_err());
        assert_eq!(errors, ["line 3: timestamp 150 is off the 60 s step that starts at 0; allowed: timestamps 0 + k x 60"]);
        let errors = messages(History::from_csv("0,1,0\n60,1,0\n60,1,0\n").unwrap_err());
        assert!(
            errors[0].contains("timestamp 60 appears twice"),
            "{errors:?}"
        );
    }

    fn answer(values: &str) -> String {
        format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{}},"values":[{values}]}}]}}}}"#
        )
    }

    #[test]
    fn prometheus_answers_give_the_step_ending_at_each_sample() {
        let good = answer(r#"[120,"9"],[180,"10"],[300,"NaN"]"#);
        let total = answer(r#"[120,"10"],[180,"10"],[240,"3"],[300,"4"]"#);
        let history = History::from_prometheus(&good, EventKind::Good, &total).unwrap();
        assert_eq!((history.start_seconds, history.step_seconds), (60, 60));
        assert_eq!(
            history.steps,
            [
                Some(Counts {
                    good: 9.0,
                    bad: 1.0
                }),
                Some(Counts {
                    good: 10.0,
                    bad: 0.0
                })
            ]
        );
        let bad = answer(r#"[120,"1"],[180,"0"]"#);
        let history = History::from_prometheus(&bad, EventKind::Bad, &total).unwrap();
        assert_eq!(
            history.steps[0],
            Some(Counts {
                good: 9.0,
                bad: 1.0
            })
        );
    }

    #[test]
    fn prometheus_answers_of_the_wrong_shape_say_which_and_why() {
        let two = r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[]},{"values":[]}]}}"#;
        let errors = messages(History::from_prometheus(two, EventKind::Good, "nope").unwrap_err());
        assert!(
            errors[0].starts_with("good.data.result: holds 2 series"),
            "{errors:?}"
        );
        assert!(errors[1].starts_with("total: not JSON"), "{errors:?}");
        // Several answers one after another: one range split into queries.
        let split = format!("{}\n{}", answer(r#"[120,"1"]"#), answer(r#"[180,"0"]"#));
        let whole = answer(r#"[120,"10"],[180,"10"]"#);
        let history = History::from_prometheus(&split, EventKind::Bad, &whole).unwrap();
        assert_eq!(history.steps.len(), 2);
        let negative = answer(r#"[120,"-1"]"#);
        let errors =
            messages(History::from_prometheus(&negative, EventKind::Bad, &answer("")).unwrap_err());
        assert!(
            errors[0].starts_with("bad.data.result[0].values[0]: “[120,\"-1\"]”"),
            "{errors:?}"
        );
    }
}
