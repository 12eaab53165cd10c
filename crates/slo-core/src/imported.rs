//! What the Sloth and Pyrra importers share: building the spec from the SLOs they read,
//! with the spec's own errors filed at the document field each value came from.

use crate::decode::FieldError;
use crate::openslo::{OpenSloError, Origins};
use crate::spec::Spec;
use serde_json::Value;

/// A document as its errors name it: its number in the stream, its kind and its name,
/// when they could be read.
pub(crate) type Described = (usize, Option<String>, Option<String>);

/// `error` filed under its document.
pub(crate) fn error_at((number, kind, name): &Described, error: FieldError) -> OpenSloError {
    OpenSloError {
        file: None,
        document: Some(*number),
        kind: kind.clone(),
        name: name.clone(),
        path: error.path,
        message: error.message,
    }
}

/// Reads the built spec; each of its errors is filed at the document field `origins`
/// records for its path (documents indexed into `described`; the index comes with the
/// error), or at the spec path when none is recorded, and dropped when a reader reported
/// that field already.
pub(crate) fn build_spec(
    value: &Value,
    origins: &Origins,
    described: &[Described],
) -> Result<Spec, Vec<(Option<usize>, OpenSloError)>> {
    Spec::from_value(value, "").map_err(|errors| {
        errors
            .into_iter()
            .filter_map(|error| match origins.locate(&error.path) {
                Err(()) => None,
                Ok(Some(origin)) => Some((
                    Some(origin.doc),
                    error_at(
                        &described[origin.doc],
                        FieldError {
                            path: origin.path,
                            message: error.message,
                        },
                    ),
                )),
                Ok(None) => Some((None, OpenSloError::of_stream(error.path, error.message))),
            })
            .collect()
    })
}
