//! `openslo::import`: OpenSLO v1 YAML, one or more documents.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slo_core::openslo;
use slo_fuzz::{assert_refusal_explained, assert_spec_promises, text};

fuzz_target!(|data: &[u8]| {
    match openslo::import(&text(data)) {
        Ok(imported) => assert_spec_promises(&imported.spec),
        Err(errors) => assert_refusal_explained(errors.iter().map(|e| e.message.as_str())),
    }
});
