//! Where each value of the built spec came from, so that the spec's own errors name the
//! OpenSLO document and field. The readers record, step by step of the spec's JSON path,
//! which document field each value was read from (and which fields they already reported
//! and left out); an error of the spec is filed at the deepest recorded step of its path,
//! with the steps below it appended to that field.

use super::*;
use std::collections::BTreeMap;

/// Where a value of the built spec came from: a document (index into `docs`) and a path.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) doc: usize,
    pub(crate) path: String,
}

pub(crate) fn at(doc: usize, path: impl Into<String>) -> Origin {
    Origin {
        doc,
        path: path.into(),
    }
}

/// JSON-path suffixes of one SLO of the built spec, and where each came from.
pub(super) type PathMap = Vec<(String, Origin)>;

/// One step of a spec path: a field or a list index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Field(String),
    Index(usize),
}

impl Step {
    fn append_to(&self, path: &mut String) {
        match self {
            Step::Field(name) if path.is_empty() => path.push_str(name),
            Step::Field(name) => {
                path.push('.');
                path.push_str(name);
            }
            Step::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
}

/// The steps of a path such as `services[0].slos[1].sli.bad`.
fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next().filter(|n| !n.is_empty()) {
            out.push(Step::Field(name.to_string()));
        }
        for index in pieces {
            let digits = index.trim_end_matches(']');
            match digits.parse() {
                Ok(i) => out.push(Step::Index(i)),
                Err(_) => out.push(Step::Field(format!("[{index}"))),
            }
        }
    }
    out
}

/// Which spec fields a reader already reported and left out of the spec.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Reported {
    /// Only an error at exactly this field repeats what was said.
    Here,
    /// Every error at or under this field does.
    AndUnder,
}

/// The origins of the built spec, as a tree of path steps.
#[derive(Default)]
pub(crate) struct Origins {
    origin: Option<Origin>,
    reported: Option<Reported>,
    children: BTreeMap<Step, Origins>,
}

impl Origins {
    fn node(&mut self, path: &str) -> &mut Origins {
        steps(path)
            .into_iter()
            .fold(self, |node, step| node.children.entry(step).or_default())
    }

    pub(crate) fn record(&mut self, path: &str, origin: Origin) {
        self.node(path).origin = Some(origin);
    }

    pub(crate) fn reported(&mut self, path: &str, how: Reported) {
        self.node(path).reported = Some(how);
    }

    /// Where an error at `path` of the spec belongs: `Err(())` when a reader reported it
    /// already; otherwise the deepest recorded origin on the way with the steps below it
    /// appended, or `None` when no step of the path was recorded.
    pub(crate) fn locate(&self, path: &str) -> Result<Option<Origin>, ()> {
        let steps = steps(path);
        let mut node = self;
        let mut best: Option<(&Origin, usize)> = self.origin.as_ref().map(|o| (o, 0));
        for (depth, step) in steps.iter().enumerate() {
            if node.reported == Some(Reported::AndUnder) {
                return Err(());
            }
            let Some(child) = node.children.get(step) else {
                break;
            };
            node = child;
            if let Some(origin) = &node.origin {
                best = Some((origin, depth + 1));
            }
            let last = depth + 1 == steps.len();
            if last && node.reported.is_some() {
                return Err(());
            }
        }
        Ok(best.map(|(origin, depth)| {
            let mut path = origin.path.clone();
            for step in &steps[depth..] {
                step.append_to(&mut path);
            }
            Origin {
                doc: origin.doc,
                path,
            }
        }))
    }
}

impl<'a> Reader<'a> {
    /// Files an error of the built spec against the document and field it came from,
    /// unless a reader reported that field already.
    pub(super) fn file_spec_error(&mut self, error: FieldError, origins: &Origins) {
        match origins.locate(&error.path) {
            Err(()) => {}
            Ok(Some(origin)) => self.error(origin.doc, &origin.path, error.message),
            Ok(None) => self
                .problems
                .push(OpenSloError::of_stream(error.path, error.message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_filed_at_the_deepest_recorded_step() {
        let mut origins = Origins::default();
        origins.record("services[0].slos[0]", at(1, "spec"));
        origins.record("services[0].slos[0].sli", at(2, "spec.ratioMetric"));
        origins.reported("services[0].slos[0].window", Reported::AndUnder);
        origins.reported("services[0].slos[0].alerts", Reported::Here);
        let locate = |path: &str| origins.locate(path).map(|o| o.map(|o| (o.doc, o.path)));
        assert_eq!(
            locate("services[0].slos[0].sli.bad.status[1]"),
            Ok(Some((2, "spec.ratioMetric.bad.status[1]".into())))
        );
        assert_eq!(
            locate("services[0].slos[0].target"),
            Ok(Some((1, "spec.target".into())))
        );
        assert_eq!(locate("services[0].slos[0].window.x"), Err(()));
        assert_eq!(locate("services[0].slos[0].alerts"), Err(()));
        assert_eq!(
            locate("services[0].slos[0].alerts.tiers[0]"),
            Ok(Some((1, "spec.alerts.tiers[0]".into())))
        );
        // Steps, not text: slos[1] is not under slos[10], nor sli under slis.
        assert_eq!(locate("services[0].slos[1]"), Ok(None));
        assert_eq!(
            locate("services[0].slos[0].slis"),
            Ok(Some((1, "spec.slis".into())))
        );
    }
}
