//! Indicators and their metric sources: request sources and Prometheus queries.

use super::*;

/// Which form an indicator took.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum SliForm {
    Ratio,
    Threshold,
}

pub(super) struct SliDraft {
    pub(super) form: SliForm,
    pub(super) json: Map<String, Value>,
    pub(super) paths: PathMap,
}

/// A metricSource as read: its type, its spec's fields and where they are.
pub(super) struct SourceRead {
    pub(super) prometheus: bool,
    pub(super) fields: Map<String, Value>,
    pub(super) spec_path: String,
}

impl<'a> Reader<'a> {
    /// The indicator of `holder`: an SLO's spec, or a v1alpha objective.
    pub(super) fn read_indicator(&mut self, d: usize, holder: &Object<'a>) -> Option<SliDraft> {
        let (inline_path, ref_path) = (holder.path_of("indicator"), holder.path_of("indicatorRef"));
        match (holder.get("indicator"), holder.get("indicatorRef")) {
            (Some(_), Some(_)) => {
                self.error(
                    d,
                    &holder.path,
                    "sets both indicator and indicatorRef; allowed: one of them",
                );
                None
            }
            (None, None) => {
                self.error(d, &inline_path, "is required (or indicatorRef): an SLI whose metricSource has type slo-toolkit.request or Prometheus");
                None
            }
            (Some(inline), None) => {
                let sli_spec =
                    self.within(d, |e| read_inline(inline, &inline_path, "SLI", &[], e))?;
                self.warn_metadata(
                    d,
                    inline.get("metadata"),
                    &join(&inline_path, "metadata"),
                    "an SLI",
                );
                self.read_sli_spec(d, sli_spec, &join(&inline_path, "spec"))
            }
            (None, Some(reference)) => {
                let name = self.within(d, |e| crate::decode::as_string(reference, &ref_path, e))?;
                let sli = self.resolve(d, &ref_path, "SLI", name)?;
                match self.docs[sli].spec {
                    Some(v) => self.read_sli_spec(sli, v, "spec"),
                    None => {
                        self.error(sli, "spec", "is required: a ratioMetric or thresholdMetric");
                        None
                    }
                }
            }
        }
    }

    pub(super) fn read_sli_spec(
        &mut self,
        d: usize,
        value: &'a Value,
        path: &str,
    ) -> Option<SliDraft> {
        let mut e = Errors::default();
        let spec = Object::read(
            value,
            path,
            &["description", "thresholdMetric", "ratioMetric"],
            &mut e,
        );
        self.report(d, e);
        let spec = spec?;
        match (spec.get("ratioMetric"), spec.get("thresholdMetric")) {
            (Some(_), Some(_)) => {
                self.error(
                    d,
                    path,
                    "sets both ratioMetric and thresholdMetric; allowed: one of them",
                );
                None
            }
            (None, None) => {
                self.error(d, &join(path, "ratioMetric"), "is required (or thresholdMetric): bad and total sources of type slo-toolkit.request");
                None
            }
            (Some(ratio), None) => self.read_ratio_metric(d, ratio, &spec.path_of("ratioMetric")),
            (None, Some(threshold)) => {
                let base = spec.path_of("thresholdMetric");
                let inner = self.within(d, |e| {
                    let obj = Object::read(threshold, &base, &["metricSource"], e)?;
                    obj.required(
                        "metricSource",
                        "a metricSource of type slo-toolkit.request",
                        e,
                    );
                    obj.get("metricSource")
                })?;
                let source_path = join(&base, "metricSource");
                let read = self.read_source(
                    d,
                    inner,
                    &source_path,
                    &["match", "bad", "exclude", "abandoned"],
                )?;
                if read.prometheus {
                    self.error(d, &join(&source_path, "type"), "Prometheus is not supported in a thresholdMetric: a threshold on a query's value per time slice (a gauge, a quantile) is not a count of good and bad events the rules can burn; allowed: a ratioMetric with good (the histogram's _bucket{le=\"0.3\"}) and total (its _count) of type Prometheus, or slo-toolkit.request, which judges any latency threshold per request");
                    return None;
                }
                let mut paths: PathMap = vec![(".sli".into(), at(d, base))];
                let mut json = Map::new();
                for (key, value) in read.fields {
                    paths.push((format!(".sli.{key}"), at(d, join(&read.spec_path, &key))));
                    json.insert(key, value);
                }
                Some(SliDraft {
                    form: SliForm::Threshold,
                    json,
                    paths,
                })
            }
        }
    }

    pub(super) fn read_ratio_metric(
        &mut self,
        d: usize,
        value: &'a Value,
        path: &str,
    ) -> Option<SliDraft> {
        let mut e = Errors::default();
        let obj = Object::read(
            value,
            path,
            &["counter", "good", "bad", "total", "rawType", "raw"],
            &mut e,
        );
        let Some(obj) = obj else {
            self.report(d, e);
            return None;
        };
        let counter = obj.boolean("counter", &mut e);
        self.report(d, e);
        // Each role's source, read with the fields a request source holds in that role.
        let roles: [(&str, &[&str]); 4] = [
            ("total", &["match", "exclude"]),
            ("bad", &["bad", "latency", "abandoned"]),
            ("good", &[]),
            ("raw", &[]),
        ];
        let mut sources = Vec::new();
        let mut complete = true;
        for (role, keys) in roles {
            let Some(role_value) = obj.get(role) else {
                continue;
            };
            let role_path = obj.path_of(role);
            let source = self.within(d, |e| {
                let o = Object::read(role_value, &role_path, &["metricSource"], e)?;
                o.required(
                    "metricSource",
                    "a metricSource of type slo-toolkit.request or Prometheus",
                    e,
                );
                o.get("metricSource")
            });
            match source
                .and_then(|s| self.read_source(d, s, &join(&role_path, "metricSource"), keys))
            {
                Some(read) => sources.push((role, read)),
                None => complete = false,
            }
        }
        if sources.iter().any(|(_, read)| read.prometheus) {
            let sli = self.prometheus_ratio(d, &obj, &sources, path, counter);
            return sli.filter(|_| complete);
        }
        let mut e = Errors::default();
        if counter == Some(false) {
            e.push(
                &obj.path_of("counter"),
                "false is not supported: the filter counts requests; allowed: true or omitted",
            );
        }
        // A source whose type was refused says so itself; the request roles' rules below
        // apply when every source read is a request source.
        if complete && obj.get("good").is_some() {
            e.push(&obj.path_of("good"), "is not supported for a request source: a request SLI names what is bad; allowed: bad and total of type slo-toolkit.request, or good and total of type Prometheus");
        }
        for key in ["raw", "rawType"] {
            if complete && obj.get(key).is_some() {
                e.push(&obj.path_of(key), "is not supported for a request source: a precomputed ratio cannot be judged per request; allowed: bad and total of type slo-toolkit.request, or a raw ratio of type Prometheus");
            }
        }
        if complete {
            obj.required("total", "the requests that count: a metricSource of type slo-toolkit.request with match and exclude", &mut e);
            obj.required("bad", "what makes a request bad: a metricSource of type slo-toolkit.request with bad and latency", &mut e);
        }
        complete &= e.is_empty();
        self.report(d, e);
        let mut json = Map::new();
        let mut paths: PathMap = vec![(".sli".into(), at(d, path))];
        for (_, read) in sources {
            for (key, value) in read.fields {
                paths.push((format!(".sli.{key}"), at(d, join(&read.spec_path, &key))));
                json.insert(key, value);
            }
        }
        complete.then_some(SliDraft {
            form: SliForm::Ratio,
            json,
            paths,
        })
    }

    /// A ratioMetric over Prometheus queries: good or bad with total, or a raw ratio
    /// (`rawType: failure` is the error ratio, `success` its complement).
    pub(super) fn prometheus_ratio(
        &mut self,
        d: usize,
        obj: &Object<'a>,
        sources: &[(&str, SourceRead)],
        path: &str,
        counter: Option<bool>,
    ) -> Option<SliDraft> {
        let mut e = Errors::default();
        if let Some((role, _)) = sources.iter().find(|(_, read)| !read.prometheus) {
            e.push(&obj.path_of(role), "is not of type Prometheus while another source of this ratioMetric is; allowed: every source of one type");
        }
        let query = |role: &str| {
            sources
                .iter()
                .find(|(r, _)| *r == role)
                .and_then(|(_, read)| read.fields.get("query"))
                .cloned()
        };
        let mut json = Map::new();
        let mut paths: PathMap = vec![
            (".sli".into(), at(d, path)),
            (".sli.prometheus".into(), at(d, path)),
        ];
        for (role, read) in sources {
            let key = if *role == "raw" { "error_ratio" } else { role };
            paths.push((
                format!(".sli.prometheus.{key}"),
                at(d, join(&read.spec_path, "query")),
            ));
        }
        if obj.get("raw").is_some() {
            for role in ["good", "bad", "total"] {
                if obj.get(role).is_some() {
                    e.push(&obj.path_of(role), "does not apply next to raw; allowed: raw with rawType, or good or bad with total");
                }
            }
            obj.required(
                "rawType",
                "failure (raw is the error ratio) or success (raw is the good ratio)",
                &mut e,
            );
            let raw = query("raw").and_then(|q| q.as_str().map(str::to_string));
            match (obj.string("rawType", &mut e), raw) {
                (Some("failure"), Some(raw)) => {
                    json.insert("error_ratio".into(), json!(raw));
                }
                (Some("success"), Some(raw)) => {
                    json.insert("error_ratio".into(), json!(format!("1 - ({raw})")));
                }
                (Some(other), _) if other != "failure" && other != "success" => e.push(
                    &obj.path_of("rawType"),
                    format!("{other:?} is not a rawType; allowed: failure or success"),
                ),
                _ => {}
            }
        } else {
            if obj.get("rawType").is_some() {
                e.push(
                    &obj.path_of("rawType"),
                    "only applies to raw; allowed: omit it",
                );
            }
            obj.required(
                "total",
                "all events: a metricSource of type Prometheus with a query",
                &mut e,
            );
            if obj.get("good").is_none() && obj.get("bad").is_none() {
                e.push(&obj.path_of("good"), "is required (or bad): the good events, a metricSource of type Prometheus with a query");
            }
            if counter == Some(false) {
                check_gauges(obj, &query, &mut e);
            }
            for role in ["good", "bad", "total"] {
                // A counter's instant expression (sum of a counter) is rated over each
                // window as a subquery; the printed spec shows the expression used.
                let rated = query(role)
                    .as_ref()
                    .and_then(Value::as_str)
                    .filter(|_| counter == Some(true))
                    .and_then(crate::prometheus::rated_counter_expression);
                if let Some(q) = rated.map(Value::from).or_else(|| query(role)) {
                    json.insert(role.into(), q);
                }
            }
            if let Some(latency) = crate::prometheus::latency_of_ratio(&Value::Object(json.clone()))
            {
                for role in ["good", "total"] {
                    if let Some(origin) = paths
                        .iter()
                        .find(|(p, _)| p == &format!(".sli.prometheus.{role}"))
                        .map(|(_, o)| o.clone())
                    {
                        paths.push((".sli.prometheus.latency".into(), origin));
                    }
                }
                json = Map::from_iter([("latency".to_string(), latency)]);
            }
        }
        let complete = e.is_empty();
        self.report(d, e);
        complete.then(|| SliDraft {
            form: SliForm::Ratio,
            json: Map::from_iter([("prometheus".to_string(), Value::Object(json))]),
            paths,
        })
    }

    /// A metricSource of our request type (its spec holding `keys`) or of type
    /// Prometheus (its spec holding a `query`).
    pub(super) fn read_source(
        &mut self,
        d: usize,
        value: &'a Value,
        path: &str,
        keys: &[&str],
    ) -> Option<SourceRead> {
        let mut e = Errors::default();
        let obj = Object::read(value, path, &["metricSourceRef", "type", "spec"], &mut e);
        let Some(obj) = obj else {
            self.report(d, e);
            return None;
        };
        let own_type = obj.string("type", &mut e).map(str::to_string);
        let reference = obj.string("metricSourceRef", &mut e).map(str::to_string);
        self.report(d, e);
        let source_type = match (own_type, reference) {
            (own, Some(name)) => {
                let source =
                    self.resolve(d, &obj.path_of("metricSourceRef"), "DataSource", &name)?;
                let referenced = self.docs[source]
                    .spec
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                match (own, referenced) {
                    (Some(own), Some(r)) if own != r => {
                        self.error(d, &obj.path_of("type"), format!("{own:?} differs from the type {r:?} of DataSource {name}; allowed: the same type, or omit it"));
                        return None;
                    }
                    (Some(own), _) => own,
                    (None, Some(r)) => r,
                    // The DataSource's own check says what is wrong with its type.
                    (None, None) => return None,
                }
            }
            (Some(own), None) => own,
            (None, None) => {
                if obj.get("type").is_none() && obj.get("metricSourceRef").is_none() {
                    self.error(
                        d,
                        &obj.path_of("type"),
                        format!("is required (or metricSourceRef): {REQUEST_SOURCE_TYPE}"),
                    );
                }
                return None;
            }
        };
        let prometheus = source_type.eq_ignore_ascii_case(PROMETHEUS_SOURCE_TYPE);
        if source_type != REQUEST_SOURCE_TYPE && !prometheus {
            self.error(d, &obj.path_of("type"), format!(
                "{source_type:?} is not supported: only Prometheus queries become rules, and other systems' queries cannot be imported; allowed: Prometheus (a query), or {REQUEST_SOURCE_TYPE}, whose spec names the requests (match, exclude under total) and what is bad (bad, latency under bad)"
            ));
            return None;
        }
        let keys: &[&str] = if prometheus { &["query"] } else { keys };
        let spec_path = obj.path_of("spec");
        let fields = self.within(d, |e| {
            let Some(spec) = obj.get("spec") else {
                e.push(
                    &spec_path,
                    format!("is required: an object with {}", keys.join(", ")),
                );
                return None;
            };
            let read = Object::read(spec, &spec_path, keys, e)?;
            let mut fields = spec.as_object().cloned()?;
            if prometheus {
                read.required("query", "the PromQL query", e);
                let query = crate::prometheus::canonical_window(read.string("query", e)?);
                fields.insert("query".into(), Value::String(query));
            }
            Some(fields)
        })?;
        Some(SourceRead {
            prometheus,
            fields,
            spec_path,
        })
    }
}

/// With `counter: false` the queries are gauges. The rules rate a selector (and an
/// instant expression, once rated as a subquery) as a counter, which would make a wrong
/// SLI of a gauge; only expressions that aggregate over each window themselves fit.
fn check_gauges(obj: &Object, query: &dyn Fn(&str) -> Option<Value>, e: &mut Errors) {
    let rated: Vec<&str> = ["good", "bad", "total"]
        .into_iter()
        .filter(|role| {
            query(role)
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|q| {
                    crate::promql::check_selector(q).is_ok() || !crate::prometheus::has_window(q)
                })
        })
        .collect();
    if !rated.is_empty() {
        e.push(&obj.path_of("counter"), format!("false (the queries are gauges) does not fit {}: a selector or an expression without {{{{window}}}} is a counter the rules rate over each window; allowed: true for counters, or, for gauges, expressions that aggregate them over {{{{window}}}} themselves, such as sum(sum_over_time(queue_ok[{{{{window}}}}]))", rated.join(" and ")));
    }
}
