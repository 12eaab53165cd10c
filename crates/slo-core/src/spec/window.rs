//! An SLO's `window`: the shorthand text (`30d`, `month`), or for a calendar window in a
//! time zone or from a start, an object:
//! `{"calendar": "month", "time_zone": "Europe/Berlin", "start": "2024-01-15T00:00:00"}`.

use crate::calendar::{parse_start, Calendar, CalendarUnit};
use crate::decode::{Errors, Object};
use crate::window::Window;
use crate::zone::Zone;
use serde_json::{json, Map, Value};

const FIELDS: &[&str] = &["calendar", "time_zone", "time_zone_rule", "start"];
const UNITS: &str = "week, month or quarter";
const ALLOWED: &str = "a rolling duration such as 30d, a calendar window (week, month or quarter, in UTC), or an object for a calendar window in a time zone or from a start, such as {\"calendar\": \"month\", \"time_zone\": \"Europe/Berlin\"}";

/// The window at `obj.window`, every problem reported with its path.
pub(super) fn read_window(obj: &Object, errors: &mut Errors) -> Option<Window> {
    let value = obj.required("window", ALLOWED, errors)?;
    let path = obj.path_of("window");
    if value.is_string() {
        return obj.parsed("window", Window::parse, errors);
    }
    let w = Object::read(value, &path, FIELDS, errors)?;
    let before = errors.0.len();
    w.required("calendar", UNITS, errors);
    let unit = w.string("calendar", errors).and_then(|text| {
        let unit = match text {
            "week" => Some(CalendarUnit::Week),
            "month" => Some(CalendarUnit::Month),
            "quarter" => Some(CalendarUnit::Quarter),
            _ => None,
        };
        if unit.is_none() {
            errors.push(
                &w.path_of("calendar"),
                format!("“{text}” is not a calendar window; allowed: {UNITS} (a rolling window is written as text, such as \"30d\")"),
            );
        }
        unit
    });
    let zone = read_zone(&w, errors);
    let start = w.string("start", errors).and_then(|text| {
        parse_start(text)
            .map_err(|message| errors.push(&w.path_of("start"), message))
            .ok()
    });
    if errors.0.len() > before {
        return None;
    }
    Some(Window::Calendar(Calendar::new(unit?, zone?, start)))
}

/// `time_zone` (UTC unless given) and its rule: looked up by name where the database is
/// built in, and checked against it when also given; taken as given where it is not (the
/// filter, which reads the spec `slo envoy-config` wrote, rule included).
fn read_zone(w: &Object, errors: &mut Errors) -> Option<Zone> {
    let name = w.string("time_zone", errors);
    let rule = w.string("time_zone_rule", errors);
    let (name, rule) = match (name, rule) {
        (None, None) => return Some(Zone::utc()),
        (None, Some(_)) => {
            errors.push(
                &w.path_of("time_zone"),
                "is required with time_zone_rule; allowed: the zone's IANA name, such as Europe/Berlin",
            );
            return None;
        }
        (Some(name), rule) => (name, rule),
    };
    let given = rule.and_then(|rule| {
        Zone::with_rule(name, rule)
            .map_err(|message| errors.push(&w.path_of("time_zone_rule"), message))
            .ok()
    });
    zone_of(w, name, rule, given, errors)
}

/// With the database, the name's zone (a given rule must be its rule); without it (the
/// filter), the given rule, which only UTC may leave out.
fn zone_of(
    w: &Object,
    name: &str,
    rule: Option<&str>,
    given: Option<Zone>,
    errors: &mut Errors,
) -> Option<Zone> {
    #[cfg(feature = "full-reader")]
    {
        let known = Zone::named(name)
            .map_err(|message| errors.push(&w.path_of("time_zone"), message))
            .ok()?;
        match (rule, given) {
            (Some(rule), Some(_)) if rule != known.rule_text => {
                errors.push(
                    &w.path_of("time_zone_rule"),
                    format!(
                        "“{rule}” is not {}'s rule in the IANA database ({}); allowed: “{}”, or no time_zone_rule (the database's is used)",
                        known.name,
                        crate::zone::TIME_ZONE_DATABASE,
                        known.rule_text
                    ),
                );
                None
            }
            (Some(_), None) => None,
            _ => Some(known),
        }
    }
    #[cfg(not(feature = "full-reader"))]
    {
        if rule.is_some() {
            return given;
        }
        if name == "UTC" {
            return Some(Zone::utc());
        }
        errors.push(
            &w.path_of("time_zone_rule"),
            "is required here: this build (the Envoy filter) has no time-zone database; allowed: the zone's POSIX TZ rule such as CET-1CEST,M3.5.0,M10.5.0/3, which `slo envoy-config` writes into the spec it gives the filter",
        );
        None
    }
}

/// The window as the canonical spec writes it: the shorthand text, or the object with
/// the zone's name and rule (so that a reader without the database needs no lookup).
pub(crate) fn window_to_json(window: &Window) -> Value {
    let Window::Calendar(calendar) = window else {
        return json!(window.to_string());
    };
    if calendar.is_plain() {
        return json!(window.to_string());
    }
    let mut out = Map::new();
    out.insert("calendar".into(), json!(window.to_string()));
    if !calendar.zone.is_utc() {
        out.insert("time_zone".into(), json!(calendar.zone.name));
        out.insert("time_zone_rule".into(), json!(calendar.zone.rule_text));
    }
    if let Some(start) = calendar.start_text() {
        out.insert("start".into(), json!(start));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use crate::spec::Spec;
    use serde_json::json;

    fn read(window: serde_json::Value) -> Result<Spec, Vec<String>> {
        let slo = json!({"name": "a", "target": 0.999, "window": window, "sli": {"bad": {"status": ["5xx"]}}});
        Spec::from_value(&json!({"services": [{"name": "s", "slos": [slo]}]}), "")
            .map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    /// What `slo envoy-config` hands the filter reads the same in every build.
    #[test]
    fn a_window_with_its_rule_reads_in_every_build() {
        let window = json!({"calendar": "month", "time_zone": "Europe/Berlin",
            "time_zone_rule": "CET-1CEST,M3.5.0,M10.5.0/3", "start": "2024-01-15T00:00:00"});
        let spec = read(window.clone()).unwrap();
        assert_eq!(spec.services[0].slos[0].to_json()["window"], window);
    }

    /// The filter's build has no database: a zone's name alone is refused, saying why.
    #[cfg(not(feature = "full-reader"))]
    #[test]
    fn a_zone_without_its_rule_is_refused_where_there_is_no_database() {
        let errors = read(json!({"calendar": "month", "time_zone": "Europe/Berlin"})).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("services[0].slos[0].window.time_zone_rule: is required here: this build (the Envoy filter) has no time-zone database; allowed: the zone's POSIX TZ rule"), "{errors:?}");
        assert!(read(json!({"calendar": "month", "time_zone": "UTC"})).is_ok());
    }
}
