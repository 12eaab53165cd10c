//! Prometheus HTTP API answers as the fleet view reads them: instant vectors and range
//! matrices, each series a label set and its value(s). Every problem is named by the
//! query it answers, and all are reported together.

use crate::decode::FieldError;
use serde_json::Value;
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

/// One series of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    pub value: f64,
}

/// One series of a range matrix: its points, `(time, value)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: Labels,
    pub points: Vec<(u64, f64)>,
}

const ALLOWED: &str = "allowed: the JSON Prometheus' /api/v1/query (a vector) or /api/v1/query_range (a matrix) answers";

/// The answers of `names.len()` queries, one JSON value after another in the order of
/// `names`; each answer's series as `read` makes them. An error's path is the query's name.
pub(crate) fn answers<T>(
    text: &str,
    names: &[String],
    result_type: &str,
    read: impl Fn(&Value) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    for name in names {
        let mut fail = |message: String| {
            errors.push(FieldError {
                path: name.clone(),
                message: format!("{message}; {ALLOWED}"),
            });
            Vec::new()
        };
        let series = match stream.next() {
            None => fail("no answer".into()),
            Some(Err(e)) => fail(format!("not JSON ({e})")),
            Some(Ok(answer)) => match answer.get("status").and_then(Value::as_str) {
                Some("success") => {
                    let kind = answer.pointer("/data/resultType").and_then(Value::as_str);
                    let result = answer.pointer("/data/result").and_then(Value::as_array);
                    match (kind, result) {
                        (Some(kind), Some(result)) if kind == result_type => {
                            let read: Option<Vec<T>> = result.iter().map(&read).collect();
                            read.unwrap_or_else(|| {
                                fail(format!("a {result_type} series without labels or values"))
                            })
                        }
                        _ => fail(format!("data.resultType is not \"{result_type}\"")),
                    }
                }
                _ => {
                    let field = |key: &str| answer.get(key).and_then(Value::as_str).unwrap_or("");
                    fail(format!(
                        "Prometheus answered an error ({}: {})",
                        field("errorType"),
                        field("error")
                    ))
                }
            },
        };
        out.push(series);
    }
    if stream.next().is_some() {
        errors.push(FieldError {
            path: String::new(),
            message: format!(
                "more answers than the {} queries asked; {ALLOWED}, one per query",
                names.len()
            ),
        });
    }
    out
}

pub(crate) fn sample(series: &Value) -> Option<Sample> {
    Some(Sample {
        labels: labels(series)?,
        value: point(series.get("value")?)?.1,
    })
}

pub(crate) fn series(series: &Value) -> Option<Series> {
    let points = series.get("values")?.as_array()?;
    Some(Series {
        labels: labels(series)?,
        points: points.iter().map(point).collect::<Option<_>>()?,
    })
}

fn labels(series: &Value) -> Option<Labels> {
    series
        .get("metric")?
        .as_object()?
        .iter()
        .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// `[time, "value"]`: Prometheus writes values as strings (`"NaN"`, `"+Inf"` included).
fn point(pair: &Value) -> Option<(u64, f64)> {
    let time = pair.get(0)?.as_f64()?;
    let value = pair.get(1)?.as_str()?.parse::<f64>().ok()?;
    Some((time.max(0.0) as u64, value))
}
