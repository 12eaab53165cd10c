//! `FilterConfig::from_json`: the configuration Envoy hands the filter at `on_configure`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slo_core::filter_config::FilterConfig;
use slo_fuzz::{assert_refusal_explained, assert_spec_promises, text};

fuzz_target!(|data: &[u8]| {
    match FilterConfig::from_json(&text(data)) {
        Ok(config) => {
            assert!((1..=3600).contains(&config.tick_seconds));
            if let Some(status) = &config.status {
                assert!(status.path.starts_with('/'));
            }
            assert_spec_promises(&config.spec);
        }
        Err(errors) => assert_refusal_explained(errors.iter().map(|e| e.message.as_str())),
    }
});
