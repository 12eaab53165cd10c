//! A spec as a person drafts it in an editor: the JSON spec, OpenSLO YAML or a Sloth file,
//! told apart by what the text holds, read into the spec with every problem and warning
//! placed on its line. The `slo` command reads files by their names; an editor has only
//! the text, so the format is found here, once, for every shell that has no file name.

mod locate;

use crate::decode::FieldError;
use crate::openslo::{self, OpenSloError};
use crate::spec::Spec;
use crate::{lint, sloth};

pub use locate::{json_path_lines, yaml_field_line};

/// What a draft is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftFormat {
    /// The toolkit's JSON spec.
    Spec,
    /// OpenSLO v1 YAML documents.
    OpenSlo,
    /// Sloth `prometheus/v1` specs or `PrometheusServiceLevel` resources.
    Sloth,
}

/// Sloth's SLO period when a draft does not say: Sloth's own default.
pub const SLOTH_PERIOD: &str = "30d";

impl DraftFormat {
    /// JSON starts with `{`; YAML naming Sloth's API is Sloth; any other YAML is OpenSLO.
    pub fn detect(text: &str) -> DraftFormat {
        if text.trim_start().starts_with('{') {
            return DraftFormat::Spec;
        }
        let sloth = text.lines().any(|line| {
            let line = line.trim();
            let value = |key: &str| {
                line.strip_prefix(key)
                    .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
            };
            value("version:") == Some("prometheus/v1")
                || value("apiVersion:").is_some_and(|v| v.starts_with("sloth.slok.dev/"))
        });
        if sloth {
            DraftFormat::Sloth
        } else {
            DraftFormat::OpenSlo
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DraftFormat::Spec => "spec",
            DraftFormat::OpenSlo => "openslo",
            DraftFormat::Sloth => "sloth",
        }
    }
}

/// One problem or warning: where it is (the field as its format names it, and its line,
/// counted from 1, when it can be found) and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftProblem {
    pub line: Option<usize>,
    /// The field's path (`services[0].slos[1].target`), with its document for YAML
    /// (`document 2 (SLO checkout): spec.target`); empty for the text as a whole.
    pub place: String,
    pub message: String,
}

/// A draft read: its spec when it is valid, every problem otherwise, and warnings either way
/// (what an import has no place for, dead parts of a valid spec).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub format: DraftFormat,
    pub spec: Option<Spec>,
    pub problems: Vec<DraftProblem>,
    pub warnings: Vec<DraftProblem>,
}

impl Draft {
    pub fn read(text: &str) -> Draft {
        let format = DraftFormat::detect(text);
        let (spec, problems, mut warnings) = match format {
            DraftFormat::Spec => match Spec::from_json(text) {
                Ok(spec) => (Some(spec), Vec::new(), Vec::new()),
                Err(errors) => (None, json_problems(text, errors), Vec::new()),
            },
            DraftFormat::OpenSlo => match openslo::import(text) {
                Ok(imported) => (
                    Some(imported.spec),
                    Vec::new(),
                    yaml_problems(text, imported.warnings),
                ),
                Err(errors) => (None, yaml_problems(text, errors), Vec::new()),
            },
            DraftFormat::Sloth => match sloth::import(text, SLOTH_PERIOD) {
                Ok(spec) => (Some(spec), Vec::new(), Vec::new()),
                Err(errors) => (None, yaml_problems(text, errors), Vec::new()),
            },
        };
        // Dead parts of a valid spec: on their line in a JSON draft; an imported one names
        // the spec's path, which its text does not show.
        let dead = spec.as_ref().map(lint::warnings).unwrap_or_default();
        match format {
            DraftFormat::Spec => warnings.extend(json_problems(text, dead)),
            _ => warnings.extend(dead.into_iter().map(|w| DraftProblem {
                line: None,
                place: format!("imported spec: {}", w.path),
                message: w.message,
            })),
        }
        Draft {
            format,
            spec,
            problems,
            warnings,
        }
    }
}

/// The spec reader's errors (or warnings) placed on their field's line in a JSON draft.
fn json_problems(text: &str, errors: Vec<FieldError>) -> Vec<DraftProblem> {
    if errors.is_empty() {
        return Vec::new();
    }
    let lines = json_path_lines(text);
    errors
        .into_iter()
        .map(|e| DraftProblem {
            line: lines.line_of(&e.path),
            place: e.path,
            message: e.message,
        })
        .collect()
}

/// OpenSLO and Sloth problems placed on their document's field's line.
fn yaml_problems(text: &str, errors: Vec<OpenSloError>) -> Vec<DraftProblem> {
    errors
        .into_iter()
        .map(|e| {
            let line = e
                .document
                .and_then(|document| yaml_field_line(text, document, &e.path));
            let message = e.message.clone();
            let place = OpenSloError {
                message: String::new(),
                ..e
            }
            .to_string();
            DraftProblem {
                line,
                place: place.trim_end_matches([':', ' ']).to_string(),
                message,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
