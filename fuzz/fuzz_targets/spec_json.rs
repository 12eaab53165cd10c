//! `Spec::from_json`: the spec files the command, the filter and the browser read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slo_core::spec::Spec;
use slo_fuzz::{assert_refusal_explained, assert_spec_promises, text};

fuzz_target!(|data: &[u8]| {
    match Spec::from_json(&text(data)) {
        Ok(spec) => assert_spec_promises(&spec),
        Err(errors) => assert_refusal_explained(errors.iter().map(|e| e.message.as_str())),
    }
});
