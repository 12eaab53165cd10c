//! An SLO document: its service, time window, objective and budgeting method.

use super::*;

/// An SLO read from its document, ready to join the spec.
pub(super) struct SloDraft {
    /// `None` when `spec.service` could not be read (and that was reported).
    pub(super) service: Option<String>,
    pub(super) json: Value,
    pub(super) paths: PathMap,
    /// The fields that could not be read and were reported, as JSON-path suffixes: left out
    /// of `json`, so the spec's errors there are dropped.
    pub(super) reported: Vec<(&'static str, Reported)>,
}

pub(super) struct Objective<'a> {
    pub(super) obj: Object<'a>,
    pub(super) target: Option<f64>,
    pub(super) target_key: &'static str,
}

impl<'a> Reader<'a> {
    /// Reads an SLO document. Each field that cannot be read is reported and left out of
    /// the draft, which still joins the spec so that the other fields are checked too;
    /// `None` (with the error filed) only when there is no spec to read.
    ///
    /// An SLO with several objectives is read once for each (`pick`), as an SLO named
    /// after it with the objective's number (`checkout-latency-2`).
    pub(super) fn read_slo(&mut self, d: usize, pick: Option<usize>) -> Option<SloDraft> {
        let name = self.docs[d].name.clone().map(|name| match pick {
            Some(i) => format!("{name}-{}", i + 1),
            None => name,
        });
        let alpha = self.docs[d].value.get("apiVersion").and_then(Value::as_str)
            == Some(alpha::ALPHA_VERSION);
        let Some(spec_value) = self.docs[d].spec else {
            self.error(d, "spec", "is required: the SLO's service, indicator, timeWindow, budgetingMethod and objectives");
            return None;
        };
        let mut e = Errors::default();
        let Some(spec) = Object::read(spec_value, "spec", SLO_SPEC_FIELDS, &mut e) else {
            self.report(d, e);
            return None;
        };
        let mut json = Map::new();
        let mut paths: PathMap = vec![
            (String::new(), at(d, "spec")),
            (".name".into(), at(d, "metadata.name")),
        ];
        let mut reported = Vec::new();
        match &name {
            Some(name) => {
                json.insert("name".into(), json!(name));
            }
            None => reported.push((".name", Reported::AndUnder)),
        }
        if let Some(description) = spec.string("description", &mut e) {
            json.insert("description".into(), json!(description));
            paths.push((".description".into(), at(d, "spec.description")));
        }
        spec.required(
            "service",
            "the name of the service the SLO belongs to",
            &mut e,
        );
        let service = spec.string("service", &mut e).map(str::to_string);
        let window = if spec.get("timeWindow").is_none() {
            // OpenSLO leaves the window optional; the toolkit's default is said, not assumed.
            self.warn(d, "spec.timeWindow", "is not given: the window is 30 days, rolling (the toolkit's default); allowed: give it, such as [{duration: 30d, isRolling: true}]");
            Some(Window::Rolling { seconds: 30 * DAY })
        } else {
            read_time_window(&spec, &mut e)
        };
        match &window {
            Some(w) => {
                json.insert("window".into(), window_to_json(w));
                paths.push((".window".into(), at(d, "spec.timeWindow[0]")));
            }
            None => reported.push((".window", Reported::AndUnder)),
        }
        let objective = read_objective(&spec, pick.unwrap_or(0), alpha, &mut e);
        if let Some(name) = objective.as_ref().and_then(|o| {
            o.obj
                .get("displayName")
                .map(|_| o.obj.path_of("displayName"))
        }) {
            self.warn(d, &name, "is not carried: the SLO has one objective, whose name is the SLO's; give the SLO a display name (metadata.displayName) instead");
        }
        match objective.as_ref().and_then(|o| Some((o, o.target?))) {
            Some((o, target)) => {
                json.insert("target".into(), json!(target));
                paths.push((".target".into(), at(d, o.obj.path_of(o.target_key))));
            }
            None => reported.push((".target", Reported::AndUnder)),
        }
        if spec.get("budgetingMethod").is_none() {
            self.warn(d, "spec.budgetingMethod", "is not given: the budget counts events (Occurrences, the toolkit's default); allowed: give it, such as Occurrences");
        }
        match read_budgeting(&spec, objective.as_ref().map(|o| &o.obj), &mut e) {
            Some(budgeting) => {
                paths.push((".budgeting".into(), at(d, "spec.budgetingMethod")));
                if let Some(o) = &objective {
                    paths.push((
                        ".budgeting.slice".into(),
                        at(d, o.obj.path_of("timeSliceWindow")),
                    ));
                    paths.push((
                        ".budgeting.slice_good_ratio".into(),
                        at(d, o.obj.path_of("timeSliceTarget")),
                    ));
                }
                if let Some(b) = budgeting {
                    json.insert("budgeting".into(), b);
                }
            }
            None => reported.push((".budgeting", Reported::AndUnder)),
        }
        self.report(d, e);

        // A v1alpha objective holds its own indicator.
        let own_indicator = objective
            .as_ref()
            .filter(|o| alpha && o.obj.get("indicator").is_some());
        let indicator = match own_indicator {
            Some(o) => self.read_indicator(d, &o.obj),
            None => self.read_indicator(d, &spec),
        };
        if let Some(sli) = indicator {
            let mut sli_json = sli.json;
            if let Some(o) = &objective {
                let mut e = Errors::default();
                match sli.form {
                    SliForm::Threshold => {
                        o.obj.required(
                            "op",
                            "lte: a request is good when its latency in ms is at most value",
                            &mut e,
                        );
                        if let Some(op) = o.obj.string("op", &mut e) {
                            if op != "lte" {
                                e.push(&o.obj.path_of("op"), format!("{op:?} is not supported for a request latency; allowed: lte (a request is good when its latency in ms is at most value)"));
                            }
                        }
                        o.obj.required(
                            "value",
                            "the latency threshold in milliseconds, such as 300",
                            &mut e,
                        );
                        if let Some(value) = o.obj.get("value") {
                            sli_json.insert("latency".into(), json!({ "threshold_ms": value }));
                            paths.push((".sli.latency".into(), at(d, o.obj.path_of("value"))));
                            paths.push((
                                ".sli.latency.threshold_ms".into(),
                                at(d, o.obj.path_of("value")),
                            ));
                        }
                    }
                    SliForm::Ratio => {
                        for key in ["op", "value"] {
                            if o.obj.get(key).is_some() {
                                e.push(&o.obj.path_of(key), "only applies to a thresholdMetric indicator; allowed: omit it for a ratioMetric");
                            }
                        }
                    }
                }
                self.report(d, e);
            }
            // Without the objective's value there is no latency threshold, which is
            // reported; the spec would only add that the SLI names no bad outcome.
            if sli.form == SliForm::Threshold && !sli_json.contains_key("latency") {
                reported.push((".sli", Reported::Here));
            }
            json.insert("sli".into(), Value::Object(sli_json));
            paths.extend(sli.paths);
        } else {
            reported.push((".sli", Reported::AndUnder));
        }

        match self.read_alert_policies(d, &spec, window.as_ref()) {
            Some(Some(tiers)) => {
                paths.push((".alerts".into(), at(d, "spec.alertPolicies")));
                let (mut alerts, mut list) = (json!({}), Vec::new());
                for (k, tier) in tiers.into_iter().enumerate() {
                    for (suffix, origin) in tier.paths {
                        paths.push((format!(".alerts.tiers[{k}]{suffix}"), origin));
                    }
                    self.keep_severity_word(d, &mut alerts, &tier.json, tier.severity_word);
                    list.push(tier.json);
                }
                alerts["tiers"] = json!(list);
                json.insert("alerts".into(), alerts);
            }
            Some(None) => {}
            None => reported.push((".alerts", Reported::AndUnder)),
        }
        self.apply_slo_annotations(d, &mut json, &mut paths);
        self.carry_slo_metadata(d, &mut json, &mut paths);
        Some(SloDraft {
            service,
            json: Value::Object(json),
            paths,
            reported,
        })
    }

    /// A severity word other than page or ticket becomes the `severity` label of its tier
    /// severity's alerts (`alerts.page.labels`), as Sloth's custom severities do; a second
    /// word for the same tier severity has no label left, and that is said.
    fn keep_severity_word(
        &mut self,
        d: usize,
        alerts: &mut Value,
        tier: &Value,
        word: Option<String>,
    ) {
        let (Some(word), Some(severity)) = (word, tier["severity"].as_str()) else {
            return;
        };
        let label = &mut alerts[severity]["labels"]["severity"];
        match label.as_str() {
            None => *label = json!(word),
            Some(kept) if kept == word => {}
            Some(kept) => self.warn(d, "spec.alertPolicies", format!("severity {word:?} of tier {} is not kept as a label: the {severity} alerts carry {kept:?}, the first severity read as {severity}; allowed: one word per tier severity", tier["name"])),
        }
    }

    /// Puts the SLO annotations' values where they go in the spec's SLO; the spec's reader
    /// checks them there, and its errors point back at the annotation.
    pub(super) fn apply_slo_annotations(
        &mut self,
        d: usize,
        json: &mut Map<String, Value>,
        paths: &mut PathMap,
    ) {
        let Some(annotations) = self.docs[d]
            .metadata
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
        else {
            return;
        };
        let mut e = Errors::default();
        for (name, target) in SLO_ANNOTATIONS {
            let Some(text) = annotations.get(name) else {
                continue;
            };
            let path = format!("metadata.annotations.{name}");
            let Some(value) = crate::decode::as_string(text, &path, &mut e)
                .and_then(|t| serde_json::from_str::<Value>(t).map_err(|err| e.push(&path, format!("is not JSON: {err}; allowed: JSON text, such as [\"route\"] or {{\"team\": \"orders\"}}"))).ok())
            else {
                continue;
            };
            // A grouping or bounds annotation on an SLO without that source makes the
            // spec's reader report the field where it does not belong.
            let keys: Vec<&str> = target.split('.').collect();
            let fields = match value {
                Value::Object(fields) if name == ALERT_METADATA_ANNOTATION => fields,
                other => Map::from_iter([(String::new(), other)]),
            };
            for (field, value) in fields {
                let mut at_keys = keys.clone();
                at_keys.extend((!field.is_empty()).then_some(field.as_str()));
                if insert_at(json, &at_keys, value) {
                    paths.push((format!(".{}", at_keys.join(".")), at(d, path.clone())));
                }
            }
        }
        self.report(d, e);
    }
}

/// A duration shorthand of a fixed length: `5m`, `1h`, `28d`, `4w` (also seconds and our
/// compound forms such as `1h30m`). Months, quarters and years have no fixed length.
pub(super) fn read_shorthand(obj: &Object, key: &str, e: &mut Errors) -> Option<u64> {
    let text = obj.string(key, e)?;
    if text.ends_with(['M', 'Q', 'Y']) {
        e.push(&obj.path_of(key), format!("{text:?} has no fixed length; allowed: a duration in m, h, d or w, such as 30m, 6h or 28d"));
        return None;
    }
    match parse_duration(text) {
        Ok(seconds) => Some(seconds),
        Err(err) => {
            e.push(&obj.path_of(key), err.to_string());
            None
        }
    }
}

pub(super) fn read_time_window(spec: &Object, e: &mut Errors) -> Option<Window> {
    let before = e.0.len();
    let items = spec.array("timeWindow", e);
    if spec.get("timeWindow").is_some_and(Value::is_array) && items.len() != 1 {
        e.push(
            &spec.path_of("timeWindow"),
            format!("has {} items; allowed: exactly one", items.len()),
        );
        return None;
    }
    let (path, value) = items.into_iter().next()?;
    let w = Object::read(value, &path, &["duration", "isRolling", "calendar"], e)?;
    w.required(
        "duration",
        "a duration such as 28d, or 1w, 1M or 1Q for a calendar window",
        e,
    );
    let rolling = w.boolean("isRolling", e);
    match (rolling, w.get("calendar")) {
        (Some(true), Some(_)) => {
            e.push(&w.path_of("calendar"), "is set on a rolling window; allowed: isRolling false with calendar, or isRolling true without it");
            None
        }
        (Some(true), None) => {
            read_shorthand(&w, "duration", e).map(|seconds| Window::Rolling { seconds })
        }
        (None, None) => {
            if w.get("isRolling").is_none() {
                e.push(&w.path_of("isRolling"), "is required without calendar: true for a rolling window (or give calendar for a calendar window)");
            }
            None
        }
        (Some(false), None) => {
            e.push(
                &w.path_of("calendar"),
                "is required when isRolling is false: timeZone UTC and a startTime",
            );
            None
        }
        (_, Some(calendar)) => {
            let unit = w.string("duration", e).and_then(|d| match d {
                "1w" | "7d" => Some(CalendarUnit::Week),
                "1M" => Some(CalendarUnit::Month),
                "1Q" | "3M" => Some(CalendarUnit::Quarter),
                other => {
                    e.push(
                        &w.path_of("duration"),
                        format!(
                            "{other:?} is not a calendar window of ours; allowed: 1w, 1M or 1Q"
                        ),
                    );
                    None
                }
            });
            let c = Object::read(
                calendar,
                &w.path_of("calendar"),
                &["startTime", "timeZone"],
                e,
            )?;
            c.required("timeZone", ZONE_ALLOWED, e);
            let zone = c.string("timeZone", e).and_then(|name| {
                Zone::named(name)
                    .map_err(|message| e.push(&c.path_of("timeZone"), message))
                    .ok()
            });
            let start = c.string("startTime", e).and_then(|text| {
                parse_start_time(text, zone.as_ref().unwrap_or(&Zone::utc()))
                    .map_err(|message| e.push(&c.path_of("startTime"), message))
                    .ok()
            });
            if e.0.len() == before {
                Some(Window::Calendar(Calendar::new(unit?, zone?, start)))
            } else {
                None
            }
        }
    }
}

const ZONE_ALLOWED: &str = "an IANA time zone such as UTC, Europe/Berlin or America/New_York";

/// The objective at `pick` (the SLO is read once for each when there are several).
pub(super) fn read_objective<'a>(
    spec: &Object<'a>,
    pick: usize,
    alpha: bool,
    e: &mut Errors,
) -> Option<Objective<'a>> {
    spec.required("objectives", "one objective with a target", e);
    let items = spec.array("objectives", e);
    if spec.get("objectives").is_some_and(Value::is_array) && items.is_empty() {
        e.push(
            &spec.path_of("objectives"),
            "has 0 objectives; allowed: at least one (each becomes an SLO of its own)",
        );
    }
    let (path, value) = items.into_iter().nth(pick)?;
    read_objective_item(&path, value, alpha, e)
}

pub(super) fn read_objective_item<'a>(
    path: &str,
    value: &'a Value,
    alpha: bool,
    e: &mut Errors,
) -> Option<Objective<'a>> {
    for key in ["indicator", "indicatorRef", "compositeWeight"] {
        if value.get(key).is_some() && !(alpha && key == "indicator") {
            e.push(&join(path, key), "composite objectives are not supported; allowed: one objective, with the indicator under spec");
        }
    }
    let allowed: Vec<&str> = OBJECTIVE_FIELDS
        .iter()
        .copied()
        .chain(["indicator", "indicatorRef", "compositeWeight"])
        .collect();
    let obj = Object::read(value, path, &allowed, e)?;
    obj.string("displayName", e);
    let (target, target_key) = match (obj.get("target"), obj.get("targetPercent")) {
        (Some(_), Some(_)) => {
            e.push(
                path,
                "sets both target and targetPercent; allowed: one of them",
            );
            (None, "target")
        }
        (None, None) => {
            e.push(
                &obj.path_of("target"),
                "is required (or targetPercent): a ratio between 0 and 1 exclusive, such as 0.999",
            );
            (None, "target")
        }
        (Some(_), None) => (obj.number("target", e), "target"),
        (None, Some(_)) => {
            let percent = obj.number("targetPercent", e).and_then(|p| {
                if p > 0.0 && p < 100.0 {
                    // Shifting the decimal point in the text keeps 99.9 exactly 0.999.
                    format!("{p}e-2").parse::<f64>().ok()
                } else {
                    e.push(&obj.path_of("targetPercent"), format!("{p} is out of range; allowed: a percentage between 0 and 100 exclusive, such as 99.9"));
                    None
                }
            });
            (percent, "targetPercent")
        }
    };
    Some(Objective {
        obj,
        target,
        target_key,
    })
}

/// `None` on errors, or when the objective holding the slices could not be read;
/// `Some(None)` for occurrences (the spec's default).
pub(super) fn read_budgeting(
    spec: &Object,
    objective: Option<&Object>,
    e: &mut Errors,
) -> Option<Option<Value>> {
    // Omitted (as Sloth's v1alpha examples do), it is Occurrences; read_slo says so.
    let method = match spec.get("budgetingMethod") {
        None => "Occurrences",
        Some(_) => spec.string("budgetingMethod", e)?,
    };
    // Which of timeSliceTarget and timeSliceWindow the method takes.
    let (takes_target, takes_window) = match method {
        "Occurrences" => (false, false),
        "Timeslices" => (true, true),
        "RatioTimeslices" => (false, true),
        other => {
            e.push(
                &spec.path_of("budgetingMethod"),
                format!("{other:?} is not a budgeting method; allowed: Occurrences, Timeslices or RatioTimeslices"),
            );
            return None;
        }
    };
    let Some(o) = objective else {
        return (method == "Occurrences").then_some(None);
    };
    let before = e.0.len();
    for (key, takes, what, methods) in [
        (
            "timeSliceTarget",
            takes_target,
            "the good ratio a slice needs, such as 0.95",
            "Timeslices",
        ),
        (
            "timeSliceWindow",
            takes_window,
            "the slice length, such as 1m or 5m",
            "Timeslices or RatioTimeslices",
        ),
    ] {
        if takes {
            o.required(key, what, e);
        } else if o.get(key).is_some() {
            e.push(
                &o.path_of(key),
                format!("only applies when budgetingMethod is {methods}; allowed: omit it"),
            );
        }
    }
    let slice = match o.get("timeSliceWindow").filter(|_| takes_window) {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(minutes) if minutes > 0 => Some(minutes * MINUTE),
            _ => {
                e.push(&o.path_of("timeSliceWindow"), format!("{n} is not allowed; allowed: a whole number of minutes above 0, or a duration such as 5m"));
                None
            }
        },
        Some(_) => read_shorthand(o, "timeSliceWindow", e),
        None => None,
    };
    let ratio = o
        .get("timeSliceTarget")
        .filter(|_| takes_target)
        .and_then(|_| o.number("timeSliceTarget", e));
    if e.0.len() > before {
        return None;
    }
    Some(match method {
        "Occurrences" => None,
        "Timeslices" => Some(
            json!({"method": "timeslices", "slice": format_duration(slice?), "slice_good_ratio": ratio?}),
        ),
        _ => Some(json!({"method": "ratio_timeslices", "slice": format_duration(slice?)})),
    })
}

/// Inserts `value` at the dotted `keys`, making objects on the way; false when a value
/// on the way is not an object.
pub(super) fn insert_at(map: &mut Map<String, Value>, keys: &[&str], value: Value) -> bool {
    match keys {
        [] => false,
        [last] => {
            map.insert(last.to_string(), value);
            true
        }
        [first, rest @ ..] => match map
            .entry(first.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
        {
            Some(child) => insert_at(child, rest, value),
            None => false,
        },
    }
}
