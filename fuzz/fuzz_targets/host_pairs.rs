//! `host::decode_pairs`: the header maps Envoy hands the filter, in the proxy-wasm encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slo_filter::host::{decode_pairs, encode_pairs};

fuzz_target!(|data: &[u8]| {
    let Some(pairs) = decode_pairs(data) else {
        return;
    };
    let as_text: Option<Vec<(&str, &str)>> = pairs
        .iter()
        .map(|&(name, value)| {
            Some((
                std::str::from_utf8(name).ok()?,
                std::str::from_utf8(value).ok()?,
            ))
        })
        .collect();
    if let Some(as_text) = as_text {
        let encoded = encode_pairs(&as_text);
        // An empty buffer is no map at all; the decoder does not insist on the last NUL.
        if !data.is_empty() {
            assert!(
                encoded.len() <= data.len() + 1,
                "decoded more than was there"
            );
        }
        assert_eq!(decode_pairs(&encoded).as_deref(), Some(&pairs[..]));
    }
});
