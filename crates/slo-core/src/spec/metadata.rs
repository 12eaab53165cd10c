//! What an SLO carries for people and for the rules beside its numbers: a display name,
//! labels (a team, a tier: the rules and alerts of the SLO can carry them) and annotations
//! (a dashboard URL), as OpenSLO's `metadata` has them. Read only with the full reader:
//! the filter shows none of it.

use crate::alert_metadata::{check_annotation_name, read_texts, Texts};
use crate::decode::{Errors, Object};
use crate::prometheus::check_label_name;
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SloMetadata {
    /// A name for people, such as "Checkout availability"; the SLO's `name` stays the
    /// label value.
    pub display_name: Option<String>,
    /// Prometheus labels: valid label names, none of those the rules set themselves.
    pub labels: Texts,
    /// Prometheus annotations: names as label names, any text.
    pub annotations: Texts,
}

impl SloMetadata {
    /// Reads the SLO's `display_name`, `labels` and `annotations`, whose presence the
    /// SLO's reader allowed.
    pub(crate) fn read(slo: &Object, errors: &mut Errors) -> SloMetadata {
        let display_name = slo.string("display_name", errors).and_then(|name| {
            if name.trim().is_empty() {
                errors.push(
                    &slo.path_of("display_name"),
                    "is blank; allowed: a name for people, such as \"Checkout availability\", or omit it",
                );
                None
            } else {
                Some(name.to_string())
            }
        });
        SloMetadata {
            display_name,
            labels: read_texts(slo, "labels", check_label_name, errors),
            annotations: read_texts(slo, "annotations", check_annotation_name, errors),
        }
    }

    /// The fields it adds to the SLO's JSON.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut out = Map::new();
        if let Some(name) = &self.display_name {
            out.insert("display_name".into(), json!(name));
        }
        for (key, texts) in [("labels", &self.labels), ("annotations", &self.annotations)] {
            if !texts.is_empty() {
                out.insert(key.into(), texts.to_json());
            }
        }
        out
    }
}
