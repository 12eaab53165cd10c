//! What the OpenSLO import tests share: a stream's spec, or every error it is refused with,
//! as the command prints them.
#![allow(dead_code)] // each test file uses its own part

use slo_core::openslo::{import, OpenSloError};
use slo_core::spec::Spec;

pub fn spec(yaml: &str) -> Result<Spec, Vec<OpenSloError>> {
    import(yaml).map(|i| i.spec)
}

pub fn errors(yaml: &str) -> Vec<String> {
    match spec(yaml) {
        Ok(_) => panic!("the stream must be refused:\n{yaml}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}
