//! Alert policies and their burn-rate conditions: the alert tiers.

use super::*;

pub(super) struct TierDraft {
    pub(super) json: Value,
    pub(super) paths: PathMap,
    /// The condition's severity when it is neither page nor ticket, kept as the label
    /// `severity` of its tier severity's alerts.
    pub(super) severity_word: Option<String>,
}

impl<'a> Reader<'a> {
    /// `None` on errors (or without a window to scale the tiers to); `Some(None)` when
    /// `alertPolicies` is absent (the default tiers).
    pub(super) fn read_alert_policies(
        &mut self,
        d: usize,
        spec: &Object<'a>,
        window: Option<&Window>,
    ) -> Option<Option<Vec<TierDraft>>> {
        if spec.get("alertPolicies").is_none() {
            return Some(None);
        }
        let mut e = Errors::default();
        let items = spec.array("alertPolicies", &mut e);
        let mut complete = e.is_empty();
        self.report(d, e);
        let mut tiers = Vec::new();
        for (path, item) in items {
            let tier = self.read_policy_item(d, item, &path, window);
            match tier {
                Some(t) => tiers.push(t),
                None => complete = false,
            }
        }
        (complete && window.is_some()).then_some(Some(tiers))
    }

    pub(super) fn read_policy_item(
        &mut self,
        d: usize,
        item: &'a Value,
        path: &str,
        window: Option<&Window>,
    ) -> Option<TierDraft> {
        let reference = item.get("alertPolicyRef");
        if let Some(reference) = reference {
            let name = self.within(d, |e| {
                Object::read(item, path, &["alertPolicyRef"], e);
                crate::decode::as_string(reference, &join(path, "alertPolicyRef"), e)
            })?;
            let policy = self.resolve(d, &join(path, "alertPolicyRef"), "AlertPolicy", name)?;
            let name = self.docs[policy].name.clone();
            let Some(spec) = self.docs[policy].spec else {
                self.error(policy, "spec", "is required: one burn-rate condition");
                return None;
            };
            return self.read_policy(policy, name.as_deref(), "", spec, window);
        }
        let mut e = Errors::default();
        let spec = read_inline(item, path, "AlertPolicy", &[], &mut e);
        self.warn_metadata(
            d,
            item.get("metadata"),
            &join(path, "metadata"),
            "an AlertPolicy",
        );
        let name = item
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str);
        self.report(d, e);
        self.read_policy(d, name, path, spec?, window)
    }

    /// One policy found at `base` of document `d` (empty for a whole document); `name`
    /// is `None` when it could not be read (and that was reported).
    pub(super) fn read_policy(
        &mut self,
        d: usize,
        name: Option<&str>,
        base: &str,
        spec: &'a Value,
        window: Option<&Window>,
    ) -> Option<TierDraft> {
        let spec_path = join(base, "spec");
        let mut e = Errors::default();
        let conditions = Object::read(
            spec,
            &spec_path,
            &["description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions", "notificationTargets"],
            &mut e,
        )
        .map(|obj| {
            obj.string("description", &mut e);
            if obj.boolean("alertWhenBreaching", &mut e) == Some(false) {
                e.push(&obj.path_of("alertWhenBreaching"), "false is not supported: a tier alerts when the burn rate breaches its threshold; allowed: true or omitted");
            }
            // Either value is taken: the rules' absent-data alert fires on missing data
            // for every SLO, which is what true asks for.
            obj.boolean("alertWhenNoData", &mut e);
            let resolved = obj.boolean("alertWhenResolved", &mut e).map(|_| obj.path_of("alertWhenResolved"));
            let targets: Vec<(String, &str)> = obj
                .array("notificationTargets", &mut e)
                .into_iter()
                .filter_map(|(path, t)| Some((join(&path, "targetRef"), t.get("targetRef")?.as_str()?)))
                .collect();
            obj.required("conditions", "a list with one burn-rate condition", &mut e);
            let list = obj.array("conditions", &mut e);
            if obj.get("conditions").is_some_and(Value::is_array) && list.len() != 1 {
                e.push(&obj.path_of("conditions"), format!("has {} conditions; allowed: exactly one, as OpenSLO v1 requires", list.len()));
            }
            (list, resolved, targets)
        });
        let mut complete = e.is_empty();
        self.report(d, e);
        let conditions = conditions.map(|(list, resolved, targets)| {
            self.warn_routing(d, resolved, targets);
            list
        });
        // Every condition is read, though only one can make the tier: so each is checked,
        // and the documents it refers to are not taken for unreferenced ones.
        let mut tiers = Vec::new();
        for (path, item) in conditions? {
            match self.read_policy_condition(d, &path, item, window) {
                Some(tier) => tiers.push(tier),
                None => complete = false,
            }
        }
        let (Some(name), true, Some(mut tier)) = (name, complete, tiers.pop()) else {
            return None;
        };
        tier.json["name"] = json!(name);
        tier.paths
            .push((".name".into(), at(d, join(base, "metadata.name"))));
        Some(tier)
    }

    /// What routing a policy asks for, which stays with Alertmanager: said, since the
    /// spec drops it, and a target that names no document said as such.
    fn warn_routing(&mut self, d: usize, resolved: Option<String>, targets: Vec<(String, &str)>) {
        if let Some(path) = resolved {
            self.warn(d, &path, "is not carried: whether resolved alerts are notified is set on the Alertmanager receiver (send_resolved)");
        }
        for (path, name) in targets {
            if self
                .of_kind("AlertNotificationTarget")
                .into_iter()
                .all(|t| self.docs[t].name.as_deref() != Some(name))
            {
                self.warn(d, &path, format!("no AlertNotificationTarget document is named {name:?}; notification targets are not carried either way: routing stays with Alertmanager"));
            }
        }
    }

    /// The condition at `path` of policy document `d`: inline, or a document it refers to.
    pub(super) fn read_policy_condition(
        &mut self,
        d: usize,
        path: &str,
        item: &'a Value,
        window: Option<&Window>,
    ) -> Option<TierDraft> {
        let (cd, cbase, cspec) = match item.get("conditionRef") {
            Some(reference) => {
                let cname = self.within(d, |e| {
                    Object::read(item, path, &["conditionRef"], e);
                    crate::decode::as_string(reference, &join(path, "conditionRef"), e)
                })?;
                let cd = self.resolve(d, &join(path, "conditionRef"), "AlertCondition", cname)?;
                let Some(spec) = self.docs[cd].spec else {
                    self.error(cd, "spec", "is required: severity and a burnrate condition");
                    return None;
                };
                (cd, String::new(), spec)
            }
            None => {
                let spec = self.within(d, |e| {
                    read_inline(item, path, "AlertCondition", CONDITION_ANNOTATIONS, e)
                })?;
                self.warn_metadata(
                    d,
                    item.get("metadata"),
                    &join(path, "metadata"),
                    "an AlertCondition",
                );
                (d, path.to_string(), spec)
            }
        };
        let metadata = if cbase.is_empty() {
            self.docs[cd].metadata
        } else {
            item.get("metadata")
        };
        let (mut e, mut warnings) = (Errors::default(), Errors::default());
        let tier = read_condition(&cbase, metadata, cspec, window, &mut e, &mut warnings);
        self.report(cd, e);
        for w in warnings.0 {
            self.warn(cd, &w.path, w.message);
        }
        let mut tier = tier?;
        for (_, origin) in &mut tier.paths {
            origin.doc = cd;
        }
        Some(tier)
    }
}

/// A condition's tier, without its name (the policy's); what it reads differently from
/// what was written goes to `warnings`.
pub(super) fn read_condition(
    base: &str,
    metadata: Option<&Value>,
    spec: &Value,
    window: Option<&Window>,
    e: &mut Errors,
    warnings: &mut Errors,
) -> Option<TierDraft> {
    let before = e.0.len();
    let annotations = metadata.and_then(|m| m.get("annotations"));
    let annotations_path = join(base, "metadata.annotations");
    let min_rate = annotation_number(annotations, &annotations_path, MIN_EVENTS_ANNOTATION, e);
    let exact_fraction = annotation_number(
        annotations,
        &annotations_path,
        BUDGET_FRACTION_ANNOTATION,
        e,
    );
    let allow_below_one = annotation_flag(
        annotations,
        &annotations_path,
        ALLOW_BELOW_ONE_ANNOTATION,
        e,
    );
    let short_window = annotation_duration(annotations, &annotations_path, e);
    let spec_path = join(base, "spec");
    let obj = Object::read(
        spec,
        &spec_path,
        &["description", "severity", "condition"],
        e,
    )?;
    obj.string("description", e);
    obj.required(
        "severity",
        "page or ticket, or another word (see severity_tier)",
        e,
    );
    let severity = obj.string("severity", e).map(|word| {
        let tier = severity_tier(word);
        if word != tier {
            warnings.push(&obj.path_of("severity"), format!("{word:?} is read as a {tier} tier ({}); the alerts carry severity {word:?} as their label", SEVERITY_RULE));
        }
        (tier, word)
    });
    obj.required(
        "condition",
        "a burnrate condition with op, threshold and lookbackWindow",
        e,
    );
    let condition_path = obj.path_of("condition");
    let burn_rate = obj
        .get("condition")
        .and_then(|c| read_burn_rate(c, &condition_path, e, warnings));
    if e.0.len() > before {
        return None;
    }
    let (burn, window) = (burn_rate?, window?.nominal_seconds());
    let (threshold, long) = (burn.threshold, burn.long);
    let threshold_path = join(&condition_path, "threshold");
    let budget_fraction = match exact_fraction {
        Some(f) => {
            let implied = f * window as f64 / long as f64;
            if (implied - threshold).abs() > 1e-9 * threshold.max(1.0) {
                e.push(&format!("{annotations_path}.{BUDGET_FRACTION_ANNOTATION}"), format!("{f} gives a burn rate of {implied}, not the threshold {threshold}; allowed: a budget fraction that agrees with threshold, or no annotation"));
                return None;
            }
            f
        }
        None => budget_fraction_of(threshold, long, window),
    };
    if budget_fraction > 1.0 {
        e.push(&threshold_path, format!(
            "{threshold} over a lookbackWindow of {} would burn more than the whole error budget of the {} window; allowed: at most {}",
            format_duration(long), format_duration(window), window as f64 / long as f64
        ));
        return None;
    }
    let (tier_severity, word) = severity?;
    let mut json = json!({
        "severity": tier_severity,
        "budget_fraction": budget_fraction,
        "long_window": format_duration(long),
        "short_window": format_duration(short_window.unwrap_or_else(|| default_short_window(long))),
    });
    if let Some(hold) = burn.hold {
        json["for"] = json!(format_duration(hold));
    }
    if let Some(rate) = min_rate {
        json["min_events_per_second"] = json!(rate);
    }
    if allow_below_one {
        json["allow_burn_rate_below_one"] = json!(true);
    }
    let short_path = match short_window {
        Some(_) => format!("{annotations_path}.{SHORT_WINDOW_ANNOTATION}"),
        None => join(&condition_path, "lookbackWindow"),
    };
    let paths: PathMap = vec![
        (String::new(), at(0, condition_path.clone())),
        (".severity".into(), at(0, obj.path_of("severity"))),
        (".budget_fraction".into(), at(0, threshold_path)),
        (
            ".long_window".into(),
            at(0, join(&condition_path, "lookbackWindow")),
        ),
        (".short_window".into(), at(0, short_path)),
        (".for".into(), at(0, join(&condition_path, "alertAfter"))),
        (
            ".min_events_per_second".into(),
            at(0, format!("{annotations_path}.{MIN_EVENTS_ANNOTATION}")),
        ),
    ];
    Some(TierDraft {
        json,
        paths,
        severity_word: (word != tier_severity).then(|| word.to_string()),
    })
}

/// The short window a condition gets when it does not name one: 1/12 of the long window,
/// the SRE Workbook's ratio (every default tier has it).
pub(super) fn default_short_window(long: u64) -> u64 {
    (long / 12).max(1)
}

/// How severities other than page and ticket map to tiers, as the warnings say it.
pub(super) const SEVERITY_RULE: &str = "critical, high, urgent, emergency, error, fatal, major, p0, p1, sev0, sev1 and sev2 page; every other word tickets";

/// The tier a condition's severity maps to (see [`SEVERITY_RULE`]), case-insensitively.
pub(super) fn severity_tier(word: &str) -> &'static str {
    const PAGING: [&str; 13] = [
        "page",
        "critical",
        "high",
        "urgent",
        "emergency",
        "error",
        "fatal",
        "major",
        "p0",
        "p1",
        "sev0",
        "sev1",
        "sev2",
    ];
    if PAGING.iter().any(|p| p.eq_ignore_ascii_case(word.trim())) {
        "page"
    } else {
        "ticket"
    }
}

/// A `burnrate` condition as read.
pub(super) struct BurnRate {
    pub(super) threshold: f64,
    /// The long window, in seconds.
    pub(super) long: u64,
    /// `alertAfter`: how long the condition must hold before the alert fires.
    pub(super) hold: Option<u64>,
}

/// A `burnrate` condition. `op: gt` is what a tier does (it fires when the burn rate is
/// above its threshold); `gte` is taken with a warning, the lower bounds refused.
pub(super) fn read_burn_rate(
    value: &Value,
    path: &str,
    e: &mut Errors,
    warnings: &mut Errors,
) -> Option<BurnRate> {
    let c = Object::read(
        value,
        path,
        &["kind", "op", "threshold", "lookbackWindow", "alertAfter"],
        e,
    )?;
    if let Some(k) = c.string("kind", e) {
        if k != "burnrate" {
            e.push(
                &c.path_of("kind"),
                format!("{k:?} is not supported; allowed: burnrate"),
            );
        }
    }
    c.required(
        "op",
        "gt: the tier fires when the burn rate is above threshold",
        e,
    );
    match c.string("op", e) {
        Some("gt") | None => {}
        Some("gte") => warnings.push(&c.path_of("op"), "gte is read as gt: a tier fires when the burn rate is above its threshold, not at it (as Sloth's and Pyrra's rules compare); the export writes gt"),
        Some(op @ ("lt" | "lte")) => e.push(&c.path_of("op"), format!("{op:?} is not supported: a burn-rate tier alerts when the budget burns too fast, not too slowly; allowed: gt (or gte)")),
        Some(op) => e.push(&c.path_of("op"), format!("{op:?} is not an operator; allowed: gt (or gte)")),
    }
    c.required(
        "threshold",
        "the burn rate above which the tier fires, such as 14.4",
        e,
    );
    let threshold = c.number("threshold", e).and_then(|t| {
        if t > 0.0 && t.is_finite() {
            Some(t)
        } else {
            e.push(
                &c.path_of("threshold"),
                format!("{t} is not allowed; allowed: a burn rate above 0, such as 14.4"),
            );
            None
        }
    });
    c.required("lookbackWindow", "the tier's long window, such as 1h", e);
    let long = read_shorthand(&c, "lookbackWindow", e);
    let hold = match c.get("alertAfter") {
        Some(_) => Some(read_shorthand(&c, "alertAfter", e)?),
        None => None,
    };
    Some(BurnRate {
        threshold: threshold?,
        long: long?,
        hold,
    })
}

/// The short-window annotation: a duration the condition's fields have no place for.
pub(super) fn annotation_duration(
    annotations: Option<&Value>,
    path: &str,
    e: &mut Errors,
) -> Option<u64> {
    let value = annotations?.get(SHORT_WINDOW_ANNOTATION)?;
    let path = format!("{path}.{SHORT_WINDOW_ANNOTATION}");
    let text = crate::decode::as_string(value, &path, e)?;
    parse_duration(text)
        .map_err(|err| e.push(&path, err.to_string()))
        .ok()
}

/// `"true"` or `"false"` (a YAML boolean too); absent is false.
pub(super) fn annotation_flag(
    annotations: Option<&Value>,
    path: &str,
    key: &str,
    e: &mut Errors,
) -> bool {
    let Some(value) = annotations.and_then(|a| a.get(key)) else {
        return false;
    };
    match value {
        Value::Bool(b) => *b,
        Value::String(s) if s.trim() == "true" => true,
        Value::String(s) if s.trim() == "false" => false,
        _ => {
            e.push(
                &format!("{path}.{key}"),
                format!(
                    "{} is not allowed; allowed: \"true\" or \"false\"",
                    kind(value)
                ),
            );
            false
        }
    }
}

/// An annotation holding a number (annotations are strings; a bare YAML number is taken too).
pub(super) fn annotation_number(
    annotations: Option<&Value>,
    path: &str,
    key: &str,
    e: &mut Errors,
) -> Option<f64> {
    let value = annotations?.get(key)?;
    let number = match value {
        Value::String(s) => s.trim().parse::<f64>().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    match number {
        Some(n) if n.is_finite() && n >= 0.0 => Some(n),
        _ => {
            e.push(
                &format!("{path}.{key}"),
                format!(
                    "{} is not allowed; allowed: a decimal number of 0 or more, such as \"0.5\"",
                    kind(value)
                ),
            );
            None
        }
    }
}
