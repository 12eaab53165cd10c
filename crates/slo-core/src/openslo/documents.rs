//! The documents of a stream: reading each document's kind and metadata, resolving
//! references between documents, and building the spec from the SLOs.

use super::*;

pub(super) struct Doc<'a> {
    /// The file it was read from, when several were.
    pub(super) file: Option<&'a str>,
    pub(super) number: usize,
    /// Its place in a list of documents written as one YAML document.
    pub(super) item: Option<usize>,
    pub(super) value: &'a Value,
    pub(super) kind: Option<String>,
    pub(super) name: Option<String>,
    pub(super) metadata: Option<&'a Value>,
    pub(super) spec: Option<&'a Value>,
}

pub(super) struct Reader<'a> {
    pub(super) docs: Vec<Doc<'a>>,
    pub(super) problems: Vec<OpenSloError>,
    /// What the spec has no place for, said rather than dropped.
    pub(super) warnings: Vec<OpenSloError>,
    /// Documents referred to by an SLO.
    pub(super) used: BTreeSet<usize>,
}

impl<'a> Reader<'a> {
    pub(super) fn error(&mut self, doc: usize, path: &str, message: impl Into<String>) {
        let e = self.at_document(doc, path, message.into());
        self.problems.push(e);
    }

    pub(super) fn warn(&mut self, doc: usize, path: &str, message: impl Into<String>) {
        let w = self.at_document(doc, path, message.into());
        self.warnings.push(w);
    }

    fn at_document(&self, doc: usize, path: &str, message: String) -> OpenSloError {
        let d = &self.docs[doc];
        let path = match d.item {
            Some(i) if path.is_empty() => format!("[{i}]"),
            Some(i) => format!("[{i}].{path}"),
            None => path.to_string(),
        };
        OpenSloError {
            file: d.file.map(str::to_string),
            document: Some(d.number),
            kind: d.kind.clone(),
            name: d.name.clone(),
            path,
            message,
        }
    }

    pub(super) fn report(&mut self, doc: usize, errors: Errors) {
        for e in errors.0 {
            self.error(doc, &e.path, e.message);
        }
    }

    /// Runs `f` with a fresh error list and files what it found under document `doc`.
    pub(super) fn within<T>(&mut self, doc: usize, f: impl FnOnce(&mut Errors) -> T) -> T {
        let mut errors = Errors::default();
        let out = f(&mut errors);
        self.report(doc, errors);
        out
    }

    pub(super) fn read_document(
        &mut self,
        file: Option<&'a str>,
        number: usize,
        item: Option<usize>,
        value: &'a Value,
    ) {
        let index = self.docs.len();
        self.docs.push(Doc {
            file,
            number,
            item,
            value,
            kind: None,
            name: None,
            metadata: None,
            spec: None,
        });
        let mut errors = Errors::default();
        if let Some(obj) = Object::read(
            value,
            "",
            &["apiVersion", "kind", "metadata", "spec"],
            &mut errors,
        ) {
            obj.required("apiVersion", API_VERSION, &mut errors);
            if let Some(version) = obj.string("apiVersion", &mut errors) {
                if version != API_VERSION && version != alpha::ALPHA_VERSION {
                    errors.push(
                        "apiVersion",
                        format!(
                            "{version:?} is not supported; allowed: {API_VERSION} or {}",
                            alpha::ALPHA_VERSION
                        ),
                    );
                }
            }
            obj.required("kind", &KINDS.join(", "), &mut errors);
            let kind_name = obj.string("kind", &mut errors).and_then(|k| {
                if KINDS.contains(&k) {
                    Some(k.to_string())
                } else {
                    let hint = closest(k, KINDS)
                        .map(|c| format!("did you mean “{c}”? "))
                        .unwrap_or_default();
                    errors.push(
                        "kind",
                        format!(
                            "{k:?} is not an OpenSLO v1 kind; {hint}allowed: {}",
                            KINDS.join(", ")
                        ),
                    );
                    None
                }
            });
            obj.required("metadata", "an object with a name", &mut errors);
            let annotations = match kind_name.as_deref() {
                Some("AlertCondition") => CONDITION_ANNOTATIONS,
                Some("SLO") => &SLO_ANNOTATIONS.map(|(name, _)| name),
                _ => &[],
            };
            let name = obj
                .get("metadata")
                .and_then(|m| read_metadata(m, "metadata", annotations, &mut errors));
            let doc = &mut self.docs[index];
            doc.kind = kind_name.clone();
            doc.name = name;
            doc.metadata = obj.get("metadata");
            doc.spec = obj.get("spec");
            if let Some(k) = kind_name.filter(|k| k != "SLO") {
                self.warn_metadata(index, obj.get("metadata"), "metadata", &format!("a {k}"));
            }
            let duplicate = self.docs[..index].iter().any(|d| {
                d.kind.is_some()
                    && d.kind == self.docs[index].kind
                    && d.name.is_some()
                    && d.name == self.docs[index].name
            });
            if duplicate {
                errors.push(
                    "metadata.name",
                    "names another document of the same kind too; allowed: unique names per kind",
                );
            }
        }
        self.report(index, errors);
    }

    pub(super) fn find(&mut self, kind: &str, name: &str) -> Option<usize> {
        let found = self
            .docs
            .iter()
            .position(|d| d.kind.as_deref() == Some(kind) && d.name.as_deref() == Some(name));
        if let Some(i) = found {
            self.used.insert(i);
        }
        found
    }

    /// A referenced document, or an error at `path` of `from` listing the ones there are.
    pub(super) fn resolve(
        &mut self,
        from: usize,
        path: &str,
        kind: &str,
        name: &str,
    ) -> Option<usize> {
        let found = self.find(kind, name);
        if found.is_none() {
            let names: Vec<&str> = self
                .docs
                .iter()
                .filter(|d| d.kind.as_deref() == Some(kind))
                .filter_map(|d| d.name.as_deref())
                .collect();
            let message = if names.is_empty() {
                format!("no {kind} document is named {name:?}; there is no {kind} document; allowed: the name of a {kind} document in the same input")
            } else {
                let hint = closest(name, &names)
                    .map(|c| format!("did you mean “{c}”? "))
                    .unwrap_or_default();
                format!(
                    "no {kind} document is named {name:?}; {hint}allowed: {}",
                    names.join(", ")
                )
            };
            self.error(from, path, message);
        }
        found
    }

    pub(super) fn of_kind(&self, kind: &str) -> Vec<usize> {
        (0..self.docs.len())
            .filter(|&i| self.docs[i].kind.as_deref() == Some(kind))
            .collect()
    }

    /// Reads every document and validates the spec they describe, SLOs with fields that
    /// could not be read included (so that their other fields are checked too); problems go
    /// to `self.problems`.
    pub(super) fn build(&mut self) -> Option<Spec> {
        for (kind, fields, required) in PLAIN_KINDS {
            for d in self.of_kind(kind) {
                let spec = self.docs[d].spec;
                self.within(d, |e| check_plain_spec(spec, fields, required, e));
            }
        }
        let service_docs = self.of_kind("Service");
        let mut services: Vec<(String, Origin, Vec<SloDraft>)> = Vec::new();
        for &d in &service_docs {
            // A second Service of the same name has its error already.
            match &self.docs[d].name {
                Some(name) if !services.iter().any(|(known, _, _)| known == name) => {
                    services.push((name.clone(), at(d, "metadata.name"), Vec::new()));
                }
                _ => {}
            }
        }
        // SLOs with no service to join, checked all the same.
        let mut orphans = Vec::new();
        let slo_docs = self.of_kind("SLO");
        let drafts: Vec<(usize, SloDraft)> = slo_docs
            .iter()
            .flat_map(|&d| {
                self.objective_picks(d)
                    .into_iter()
                    .filter_map(|pick| self.read_slo(d, pick))
                    .map(|draft| (d, draft))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (d, draft) in drafts {
            let Some(service) = draft.service.clone() else {
                orphans.push(draft);
                continue;
            };
            match services.iter_mut().find(|(name, _, _)| *name == service) {
                Some(known) => known.2.push(draft),
                // With Service documents given, a name outside them is a typo rather
                // than a service of its own.
                None if !service_docs.is_empty() => {
                    self.resolve(d, "spec.service", "Service", &service);
                    orphans.push(draft);
                }
                None => services.push((service, at(d, "spec.service"), vec![draft])),
            }
        }
        if slo_docs.is_empty() && services.is_empty() && self.problems.is_empty() {
            self.problems.push(OpenSloError::of_stream("", "holds no Service or SLO document; allowed: at least one SLO (kind: SLO) or Service"));
        }
        self.report_unreferenced();
        if services.is_empty() && orphans.is_empty() {
            return None;
        }
        let mut origins = Origins::default();
        let mut json_services = Vec::new();
        let orphans = (!orphans.is_empty()).then_some((String::new(), None, orphans));
        let all = services
            .into_iter()
            .map(|(name, origin, slos)| (name, Some(origin), slos))
            .chain(orphans);
        for (i, (name, origin, slos)) in all.enumerate() {
            let service_path = format!("services[{i}]");
            match origin {
                Some(origin) => {
                    origins.record(&join(&service_path, "name"), origin.clone());
                    origins.record(
                        &service_path,
                        Origin {
                            path: String::new(),
                            ..origin
                        },
                    );
                }
                // The orphans' own errors say why they have no service.
                None => origins.reported(&join(&service_path, "name"), Reported::Here),
            }
            let mut json_slos = Vec::new();
            for (j, slo) in slos.into_iter().enumerate() {
                let slo_path = format!("{service_path}.slos[{j}]");
                for (suffix, origin) in slo.paths {
                    origins.record(&format!("{slo_path}{suffix}"), origin);
                }
                for (suffix, how) in slo.reported {
                    origins.reported(&format!("{slo_path}{suffix}"), how);
                }
                json_slos.push(slo.json);
            }
            json_services.push(json!({"name": name, "slos": json_slos}));
        }
        let value = json!({ "services": json_services });
        match Spec::from_value(&value, "") {
            Ok(spec) => Some(spec),
            Err(errors) => {
                for error in errors {
                    self.file_spec_error(error, &origins);
                }
                None
            }
        }
    }

    /// Which objectives of SLO document `d` to read as SLOs: `[None]` for one (the SLO
    /// keeps its name), each by number when there are several, said in a warning.
    fn objective_picks(&mut self, d: usize) -> Vec<Option<usize>> {
        let count = self.docs[d]
            .spec
            .and_then(|s| s.get("objectives"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if count < 2 {
            return vec![None];
        }
        let name = self.docs[d].name.clone().unwrap_or_default();
        let names: Vec<String> = (1..=count).map(|i| format!("{name}-{i}")).collect();
        self.warn(d, "spec.objectives", format!("has {count} objectives: read as {count} SLOs, one per objective, named {} (an SLO has one target)", names.join(", ")));
        (0..count).map(Some).collect()
    }

    /// Documents that only count through a reference: each one nothing refers to would be
    /// lost, and is refused. One that a document with errors names (or names through
    /// others) is left alone: it is that document's to use once it is fixed.
    pub(super) fn report_unreferenced(&mut self) {
        let mut excused: BTreeSet<usize> = self
            .problems
            .iter()
            .filter_map(|p| {
                self.docs.iter().position(|d| {
                    Some(d.number) == p.document && d.file.map(str::to_string) == p.file
                })
            })
            .collect();
        let unused: Vec<usize> = (0..self.docs.len())
            .filter(|d| !self.used.contains(d))
            .filter(|&d| {
                REFERENCES
                    .iter()
                    .any(|(_, kind)| self.docs[d].kind.as_deref() == Some(kind))
            })
            .collect();
        loop {
            let more: Vec<usize> = unused
                .iter()
                .copied()
                .filter(|d| !excused.contains(d))
                .filter(|&d| {
                    let (kind, name) = (&self.docs[d].kind, &self.docs[d].name);
                    excused.iter().any(|&by| {
                        mentions(self.docs[by].value).iter().any(|(k, n)| {
                            kind.as_deref() == Some(*k) && name.as_deref() == Some(*n)
                        })
                    })
                })
                .collect();
            if more.is_empty() {
                break;
            }
            excused.extend(more);
        }
        for d in unused.into_iter().filter(|d| !excused.contains(d)) {
            let by = REFERENCES
                .iter()
                .find(|(_, kind)| self.docs[d].kind.as_deref() == Some(kind))
                .map_or("", |(key, _)| key);
            self.error(d, "", format!("is not referred to by any SLO, so it would be lost; allowed: refer to it with {by}, or remove it"));
        }
    }
}

/// The fields that refer to another document by name, and the kind each one names.
pub(super) const REFERENCES: [(&str, &str); 4] = [
    ("indicatorRef", "SLI"),
    ("alertPolicyRef", "AlertPolicy"),
    ("conditionRef", "AlertCondition"),
    ("metricSourceRef", "DataSource"),
];

/// Every `(kind, name)` a reference field anywhere in `value` names.
pub(super) fn mentions(value: &Value) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (key, child) in map {
                    let kind = REFERENCES.iter().find(|(k, _)| k == key);
                    if let (Some((_, kind)), Some(name)) = (kind, child.as_str()) {
                        out.push((*kind, name));
                    }
                    stack.push(child);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// A kind whose spec is checked on its own: the spec's fields, and the text field it
/// requires with what that holds.
pub(super) type PlainKind = (
    &'static str,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

/// The kinds the spec does not carry field by field: Service names, DataSource types
/// (read where a metricSourceRef names them) and notification targets.
pub(super) const PLAIN_KINDS: [PlainKind; 3] = [
    ("Service", &["description"], None),
    (
        "DataSource",
        &["description", "type", "connectionDetails"],
        Some(("type", REQUEST_SOURCE_TYPE)),
    ),
    (
        "AlertNotificationTarget",
        &["description", "target"],
        Some(("target", "where alerts go, such as alertmanager")),
    ),
];

pub(super) fn check_plain_spec(
    spec: Option<&Value>,
    fields: &[&str],
    required: Option<(&str, &str)>,
    e: &mut Errors,
) {
    let Some(spec) = spec else {
        if let Some((key, what)) = required {
            e.push("spec", format!("is required: an object with {key}: {what}"));
        }
        return;
    };
    let Some(obj) = Object::read(spec, "spec", fields, e) else {
        return;
    };
    obj.string("description", e);
    if let Some((key, what)) = required {
        obj.required(key, what, e);
        obj.string(key, e);
    }
}

/// Reads `metadata`, checking our annotations against `annotations` (the ones allowed
/// there); returns the name.
pub(super) fn read_metadata(
    value: &Value,
    path: &str,
    annotations: &[&str],
    errors: &mut Errors,
) -> Option<String> {
    let obj = Object::read(value, path, METADATA_FIELDS, errors)?;
    obj.string("displayName", errors);
    if let Some(a) = obj.get("annotations") {
        let a_path = obj.path_of("annotations");
        match a.as_object() {
            Some(map) => {
                for key in map
                    .keys()
                    .filter(|k| k.starts_with("slo-toolkit/") && !annotations.contains(&k.as_str()))
                {
                    let hint = closest(key, annotations)
                        .map(|c| format!("did you mean “{c}”? "))
                        .unwrap_or_default();
                    let allowed = if annotations.is_empty() {
                        "none here".to_string()
                    } else {
                        annotations.join(", ")
                    };
                    errors.push(
                        &format!("{a_path}.{key}"),
                        format!("is not an annotation of ours; {hint}allowed: {allowed}"),
                    );
                }
            }
            None => errors.push(
                &a_path,
                format!("expected a map of strings, found {}", kind(a)),
            ),
        }
    }
    obj.required("name", "the object's name", errors);
    let name = obj.string("name", errors)?;
    if let Some(problem) = rfc1123_problem(name) {
        errors.push(&obj.path_of("name"), problem);
    }
    Some(name.to_string())
}

/// An inline object (`kind` optional, `metadata`, `spec`): its spec.
pub(super) fn read_inline<'a>(
    value: &'a Value,
    path: &str,
    expected: &str,
    annotations: &[&str],
    errors: &mut Errors,
) -> Option<&'a Value> {
    let obj = Object::read(
        value,
        path,
        &["apiVersion", "kind", "metadata", "spec"],
        errors,
    )?;
    if let Some(k) = obj.string("kind", errors) {
        if k != expected {
            errors.push(
                &obj.path_of("kind"),
                format!("{k:?} is not allowed here; allowed: {expected}"),
            );
        }
    }
    if let Some(v) = obj.string("apiVersion", errors) {
        if v != API_VERSION {
            errors.push(
                &obj.path_of("apiVersion"),
                format!("{v:?} is not supported; allowed: {API_VERSION}"),
            );
        }
    }
    if expected != "SLI" {
        obj.required("metadata", "an object with a name", errors);
    }
    if let Some(m) = obj.get("metadata") {
        read_metadata(m, &obj.path_of("metadata"), annotations, errors);
    }
    obj.required("spec", &format!("the {expected}'s spec"), errors)
}
