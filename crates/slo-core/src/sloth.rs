//! Sloth specs in: `prometheus/v1` files and the body of the Kubernetes
//! `PrometheusServiceLevel` resource (the same fields in camelCase), read into the spec
//! with the OpenSLO reader's machinery: documents split and numbered the same way, every
//! error naming its document and field, the spec's own errors filed at the Sloth field a
//! value came from.
//!
//! | Sloth | spec |
//! | --- | --- |
//! | `service` | the service (documents naming the same service join it) |
//! | `slos[].name`, `description` | the SLO's name is Sloth's SLO id, `{service}-{name}` (SLO names are `slo` label values, unique across the spec, while Sloth's are unique per service); the description |
//! | `objective` (percent) | `target` (ratio) |
//! | the SLO period (Sloth's `--default-slo-period`; 30d or 28d) | `window`, with Sloth's alert windows for that period as the tiers |
//! | `sli.events.error_query` / `total_query` | `sli.prometheus.bad` / `total` (`{{.window}}` becomes `{{window}}`) |
//! | `sli.raw.error_ratio_query` | `sli.prometheus.error_ratio` |
//! | `labels` of the service and the SLO, `alerting.labels` | `alerts.labels` |
//! | `alerting.name`, `annotations` | `alerts.name`, `alerts.annotations` |
//! | `alerting.page_alert` / `ticket_alert` labels and annotations | `alerts.page` / `alerts.ticket` |
//! | `page_alert.disable` / `ticket_alert.disable` | the page or ticket tiers in `alerts.disable` |
//!
//! Refused, with the field named: SLI plugins and SLO plugins (code Sloth runs to write a
//! query; the spec needs the query itself), periods other than 30d and 28d (Sloth needs
//! its own alert windows for them), unknown fields.

use crate::decode::{as_string, Errors, Object};
use crate::imported::{build_spec, error_at};
use crate::openslo::{at, split_documents, OpenSloError, Origins, Reported};
use crate::prometheus::canonical_window;
use crate::spec::Spec;
use serde_json::{json, Map, Value};

/// Sloth's alert windows (its `google-30d.yaml` and `google-28d.yaml`): per tier, the
/// budget percent, long window and short window. The same for both periods; Sloth's burn
/// rates follow from the period (14.4 for 30d, 13.44 for 28d on the fastest).
const SLOTH_TIERS: [(&str, &str, f64, &str, &str); 4] = [
    ("page-fast", "page", 0.02, "1h", "5m"),
    ("page-slow", "page", 0.05, "6h", "30m"),
    ("ticket-fast", "ticket", 0.10, "1d", "2h"),
    ("ticket-slow", "ticket", 0.10, "3d", "6h"),
];

/// The SLO periods Sloth ships alert windows for.
pub const PERIODS: &[&str] = &["30d", "28d"];

/// Field names in the two spellings: `prometheus/v1` (snake_case) and the Kubernetes
/// resource (camelCase).
struct Spelling {
    error_query: &'static str,
    total_query: &'static str,
    error_ratio_query: &'static str,
    page_alert: &'static str,
    ticket_alert: &'static str,
    slo_plugins: &'static str,
}

const FILE: Spelling = Spelling {
    error_query: "error_query",
    total_query: "total_query",
    error_ratio_query: "error_ratio_query",
    page_alert: "page_alert",
    ticket_alert: "ticket_alert",
    slo_plugins: "slo_plugins",
};

const KUBERNETES: Spelling = Spelling {
    error_query: "errorQuery",
    total_query: "totalQuery",
    error_ratio_query: "errorRatioQuery",
    page_alert: "pageAlert",
    ticket_alert: "ticketAlert",
    slo_plugins: "sloPlugins",
};

/// Reads Sloth specs (one or more `---`-separated documents) for an SLO period of 30d or
/// 28d into a validated spec; every problem is reported.
pub fn import(yaml: &str, period: &str) -> Result<Spec, Vec<OpenSloError>> {
    let (docs, mut problems) = split_documents(
        yaml,
        "Sloth prometheus/v1 specs or PrometheusServiceLevel resources",
    );
    if !PERIODS.contains(&period) {
        problems.push(OpenSloError::of_stream("", format!("the SLO period {period:?} has no Sloth alert windows here; allowed: {} (Sloth's own windows)", PERIODS.join(" or "))));
        return Err(problems);
    }
    let mut origins = Origins::default();
    let mut services: Vec<(String, Vec<Value>)> = Vec::new();
    let mut described = Vec::new();
    for (index, (number, value)) in docs.iter().enumerate() {
        let mut errors = Errors::default();
        let read = read_document(value, period, &mut errors);
        let (kind, name) = match &read {
            Some(doc) => (Some(doc.kind.to_string()), doc.service.clone()),
            None => (None, None),
        };
        described.push((*number, kind, name));
        problems.extend(errors.0.into_iter().map(|e| error_at(&described[index], e)));
        let Some(doc) = read else { continue };
        let Some(service) = doc.service else { continue };
        let i = match services.iter().position(|(name, _)| *name == service) {
            Some(i) => i,
            None => {
                services.push((service, Vec::new()));
                services.len() - 1
            }
        };
        let slos = &mut services[i].1;
        origins.record(&format!("services[{i}].name"), at(index, doc.service_path));
        for (slo, from, reported) in doc.slos {
            let slo_path = format!("services[{i}].slos[{}]", slos.len());
            for (suffix, field) in from {
                origins.record(&format!("{slo_path}{suffix}"), at(index, field));
            }
            // Left out of the SLO and reported: the spec would only say it is missing.
            for suffix in reported {
                origins.reported(&format!("{slo_path}{suffix}"), Reported::AndUnder);
            }
            slos.push(slo);
        }
    }
    if services.is_empty() && !problems.is_empty() {
        return Err(problems);
    }
    let value = json!({"services": services.iter().map(|(name, slos)| json!({"name": name, "slos": slos})).collect::<Vec<_>>()});
    let spec = build_spec(&value, &origins, &described)
        .map_err(|errors| problems.extend(errors.into_iter().map(|(_, e)| e)));
    match spec {
        Ok(spec) if problems.is_empty() => Ok(spec),
        _ => Err(problems),
    }
}

/// Where the parts of one built SLO came from: path suffixes below the SLO in the spec,
/// and the Sloth field of each.
type Fields = Vec<(String, String)>;

struct SlothDoc {
    kind: &'static str,
    service: Option<String>,
    service_path: String,
    /// Each SLO in the spec's JSON with where its parts came from, and the parts left out
    /// because they could not be read (as path suffixes).
    slos: Vec<(Value, Fields, Vec<&'static str>)>,
}

/// Labels with the Sloth field each came from.
type Labels = Vec<(String, Value, String)>;

fn read_document(value: &Value, period: &str, errors: &mut Errors) -> Option<SlothDoc> {
    let kubernetes = value.get("kind").is_some() || value.get("apiVersion").is_some();
    let (kind, body, base, spelling) = if kubernetes {
        let obj = Object::read(
            value,
            "",
            &["apiVersion", "kind", "metadata", "spec"],
            errors,
        )?;
        let kind = obj.string("kind", errors);
        if kind != Some("PrometheusServiceLevel") {
            let found = kind.map_or("no kind".to_string(), |k| format!("{k:?}"));
            errors.push("kind", format!("{found} is not a Sloth resource; allowed: PrometheusServiceLevel (apiVersion sloth.slok.dev/v1), or a prometheus/v1 spec"));
            return None;
        }
        obj.required("spec", "the service and its slos", errors);
        (
            "PrometheusServiceLevel",
            obj.get("spec")?,
            "spec",
            &KUBERNETES,
        )
    } else {
        ("prometheus/v1", value, "", &FILE)
    };
    let fields: &[&str] = if kubernetes {
        &["service", "labels", "slos", spelling.slo_plugins]
    } else {
        &["version", "service", "labels", "slos", spelling.slo_plugins]
    };
    let obj = Object::read(body, base, fields, errors)?;
    if !kubernetes {
        obj.required("version", "\"prometheus/v1\"", errors);
        if let Some(version) = obj
            .string("version", errors)
            .filter(|v| *v != "prometheus/v1")
        {
            errors.push(
                &obj.path_of("version"),
                format!("{version:?} is not supported; allowed: \"prometheus/v1\""),
            );
        }
    }
    refuse_plugins(&obj, spelling.slo_plugins, errors);
    obj.required("service", "the service's name", errors);
    let service = obj.string("service", errors).map(str::to_string);
    let service_labels = labels(&obj, "labels", errors);
    obj.required("slos", "the service's SLOs", errors);
    let slos = obj
        .array("slos", errors)
        .into_iter()
        .filter_map(|(path, v)| {
            let context = SloContext {
                service: service.as_deref(),
                labels: &service_labels,
                period,
                spelling,
            };
            read_slo(v, &path, &context, errors)
        })
        .collect();
    Some(SlothDoc {
        kind,
        service,
        service_path: obj.path_of("service"),
        slos,
    })
}

fn refuse_plugins(obj: &Object, key: &str, errors: &mut Errors) {
    if obj.get(key).is_some() {
        errors.push(&obj.path_of(key), "is not supported: a plugin is code Sloth runs to write the query, and the spec needs the query itself; allowed: sli.events or sli.raw with the queries");
    }
}

fn labels(obj: &Object, key: &str, errors: &mut Errors) -> Labels {
    let Some(value) = obj.get(key) else {
        return Labels::new();
    };
    let path = obj.path_of(key);
    match value.as_object() {
        Some(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), v.clone(), crate::decode::join(&path, k)))
            .collect(),
        None => {
            errors.push(&path, "expected a map of names to text");
            Labels::new()
        }
    }
}

/// Puts `labels` at `key` of `into`, noting where each came from.
fn insert_labels(
    into: &mut Map<String, Value>,
    key: &str,
    labels: Labels,
    fields: &mut Fields,
    prefix: &str,
) {
    if labels.is_empty() {
        return;
    }
    let mut map = Map::new();
    for (name, value, path) in labels {
        fields.push((format!("{prefix}.{key}.{name}"), path));
        map.insert(name, value);
    }
    into.insert(key.into(), Value::Object(map));
}

/// What an SLO takes from its document.
struct SloContext<'a> {
    service: Option<&'a str>,
    labels: &'a Labels,
    period: &'a str,
    spelling: &'a Spelling,
}

fn read_slo(
    value: &Value,
    path: &str,
    context: &SloContext,
    errors: &mut Errors,
) -> Option<(Value, Fields, Vec<&'static str>)> {
    let SloContext {
        service,
        labels: service_labels,
        period,
        spelling,
    } = context;
    let obj = Object::read(
        value,
        path,
        &[
            "name",
            "description",
            "objective",
            "labels",
            "plugins",
            "sli",
            "alerting",
        ],
        errors,
    )?;
    refuse_plugins(&obj, "plugins", errors);
    let mut fields: Fields = vec![(String::new(), path.to_string())];
    let mut reported = Vec::new();
    let mut count = errors.0.len();
    // Whether the part just read had errors (they are reported; the part is left out).
    let mut failed = |errors: &Errors| {
        let new = errors.0.len() > count;
        count = errors.0.len();
        new
    };
    let mut slo = Map::new();
    obj.required("name", "the SLO's name", errors);
    if let (Some(service), Some(name)) = (service, obj.string("name", errors)) {
        slo.insert("name".into(), json!(format!("{service}-{name}")));
        fields.push((".name".into(), obj.path_of("name")));
    }
    if failed(errors) {
        reported.push(".name");
    }
    if let Some(description) = obj.get("description") {
        slo.insert("description".into(), description.clone());
        fields.push((".description".into(), obj.path_of("description")));
    }
    obj.required(
        "objective",
        "the objective in percent, such as 99.9",
        errors,
    );
    if let Some(objective) = obj.number("objective", errors) {
        // From the percent as written, so that 99.9 becomes exactly 0.999.
        let text = obj
            .get("objective")
            .map(Value::to_string)
            .unwrap_or_default();
        match crate::target::parse_target(&format!("{text}%")) {
            Ok(target) => {
                slo.insert("target".into(), json!(target));
                fields.push((".target".into(), obj.path_of("objective")));
            }
            Err(e) => errors.push(
                &obj.path_of("objective"),
                format!("{objective} is not an objective: {e}"),
            ),
        }
    }
    if failed(errors) {
        reported.push(".target");
    }
    slo.insert("window".into(), json!(period));
    obj.required(
        "sli",
        "events (error and total queries) or raw (an error ratio query)",
        errors,
    );
    if let Some(sli) = obj.get("sli") {
        if let Some(sli) = read_sli(sli, &obj.path_of("sli"), spelling, &mut fields, errors) {
            slo.insert("sli".into(), json!({ "prometheus": sli }));
        }
    }
    if failed(errors) {
        reported.push(".sli");
    }
    let mut alerts = Map::new();
    if *period != "30d" {
        // Sloth's windows for other periods keep the budget shares and windows; the spec's
        // defaults would scale the windows instead. Sloth's slowest ticket burns below 1x
        // on 28d (10% over 3d), which it intends.
        let seconds = |d: &str| crate::duration::parse_duration(d).unwrap_or(1) as f64;
        let tiers: Vec<Value> = SLOTH_TIERS
            .iter()
            .map(|(name, severity, fraction, long, short)| {
                let mut tier = json!({"name": name, "severity": severity, "budget_fraction": fraction, "long_window": long, "short_window": short});
                if fraction * seconds(period) / seconds(long) < 1.0 {
                    tier["allow_burn_rate_below_one"] = json!(true);
                }
                tier
            })
            .collect();
        alerts.insert("tiers".into(), json!(tiers));
    }
    let mut all_labels = (*service_labels).clone();
    all_labels.extend(labels(&obj, "labels", errors));
    if let Some(alerting) = obj.get("alerting") {
        let path = obj.path_of("alerting");
        fields.push((".alerts".into(), path.clone()));
        let read = read_alerting(alerting, &path, spelling, &mut alerts, &mut fields, errors);
        all_labels.extend(read);
    }
    if failed(errors) {
        reported.push(".alerts");
    }
    insert_labels(&mut alerts, "labels", all_labels, &mut fields, ".alerts");
    if !alerts.is_empty() {
        slo.insert("alerts".into(), Value::Object(alerts));
    }
    Some((Value::Object(slo), fields, reported))
}

fn read_sli(
    value: &Value,
    path: &str,
    spelling: &Spelling,
    fields: &mut Fields,
    errors: &mut Errors,
) -> Option<Map<String, Value>> {
    let obj = Object::read(value, path, &["events", "raw", "plugin"], errors)?;
    refuse_plugins(&obj, "plugin", errors);
    fields.push((".sli".into(), path.to_string()));
    let mut sli = Map::new();
    let mut query = |o: &Object, key: &str, ours: &str, errors: &mut Errors| {
        o.required(key, "a PromQL query with {{.window}} as its range", errors);
        let text = o
            .get(key)
            .and_then(|v| as_string(v, &o.path_of(key), errors))?;
        fields.push((format!(".sli.prometheus.{ours}"), o.path_of(key)));
        sli.insert(ours.into(), json!(canonical_window(text.trim())));
        Some(())
    };
    match (obj.get("events"), obj.get("raw")) {
        (Some(events), None) => {
            let events = Object::read(
                events,
                &obj.path_of("events"),
                &[spelling.error_query, spelling.total_query],
                errors,
            )?;
            query(&events, spelling.error_query, "bad", errors);
            query(&events, spelling.total_query, "total", errors);
        }
        (None, Some(raw)) => {
            let raw = Object::read(
                raw,
                &obj.path_of("raw"),
                &[spelling.error_ratio_query],
                errors,
            )?;
            query(&raw, spelling.error_ratio_query, "error_ratio", errors);
        }
        (Some(_), Some(_)) => {
            errors.push(path, "sets both events and raw; allowed: one of them");
            return None;
        }
        (None, None) => {
            if obj.get("plugin").is_none() {
                errors.push(path, "names no query; allowed: events (error and total queries) or raw (an error ratio query)");
            }
            return None;
        }
    }
    Some(sli)
}

/// Reads `alerting` into `alerts`; returns its labels, which join the SLO's.
fn read_alerting(
    value: &Value,
    path: &str,
    spelling: &Spelling,
    alerts: &mut Map<String, Value>,
    fields: &mut Fields,
    errors: &mut Errors,
) -> Labels {
    let Some(obj) = Object::read(
        value,
        path,
        &[
            "name",
            "labels",
            "annotations",
            spelling.page_alert,
            spelling.ticket_alert,
        ],
        errors,
    ) else {
        return Labels::new();
    };
    if let Some(name) = obj.get("name") {
        alerts.insert("name".into(), name.clone());
        fields.push((".alerts.name".into(), obj.path_of("name")));
    }
    let annotations = labels(&obj, "annotations", errors);
    insert_labels(alerts, "annotations", annotations, fields, ".alerts");
    let mut disabled = Vec::new();
    for (key, severity) in [
        (spelling.page_alert, "page"),
        (spelling.ticket_alert, "ticket"),
    ] {
        let Some(alert) = obj.get(key) else { continue };
        let alert_path = obj.path_of(key);
        let Some(alert) = Object::read(
            alert,
            &alert_path,
            &["disable", "labels", "annotations"],
            errors,
        ) else {
            continue;
        };
        if alert.boolean("disable", errors) == Some(true) {
            disabled.extend(
                SLOTH_TIERS
                    .iter()
                    .filter(|t| t.1 == severity)
                    .map(|t| json!(t.0)),
            );
            fields.push((".alerts.disable".into(), alert.path_of("disable")));
        }
        let mut extras = Map::new();
        let prefix = format!(".alerts.{severity}");
        for field in ["labels", "annotations"] {
            insert_labels(
                &mut extras,
                field,
                labels(&alert, field, errors),
                fields,
                &prefix,
            );
        }
        if !extras.is_empty() {
            fields.push((prefix, alert_path));
            alerts.insert(severity.into(), Value::Object(extras));
        }
    }
    if !disabled.is_empty() {
        alerts.insert("disable".into(), json!(disabled));
    }
    labels(&obj, "labels", errors)
}
