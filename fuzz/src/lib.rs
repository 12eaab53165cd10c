//! What the fuzz targets assert beyond "no panic", shared so that every reader that ends in
//! a spec (JSON, OpenSLO YAML, the filter's configuration) is held to the same promises.

use slo_core::spec::Spec;
use slo_core::{histogram, lint, openslo};

/// Readers take bytes as the filter does (`String::from_utf8_lossy`): the command's
/// `read_to_string` would refuse invalid UTF-8 before any reader ran, so nothing is lost.
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// What a spec that was read OK promises. It comes back unchanged through both forms the
/// project writes it in, the canonical JSON (`slo openslo import`) and OpenSLO YAML
/// (`slo openslo export`): a difference means a reader and its writer disagree. And what
/// every shell does next with it works: `slo check`'s lint, and the filter's histogram,
/// whose bounds must rise and hold every latency threshold as an edge.
pub fn assert_spec_promises(spec: &Spec) {
    for warning in lint::warnings(spec) {
        assert!(
            !warning.path.is_empty() && !warning.message.is_empty(),
            "{warning:?}"
        );
    }
    let bounds = histogram::bucket_bounds(spec);
    assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{bounds:?}");
    for threshold in spec
        .request_slos()
        .filter_map(|(_, sli)| sli.bad.latency_threshold_ms)
    {
        assert!(
            bounds.contains(&threshold),
            "{threshold} ms is no edge of {bounds:?}"
        );
    }

    let json = spec.to_json();
    assert_eq!(
        Spec::from_json(&json.to_string()).as_ref(),
        Ok(spec),
        "the canonical JSON reads back differently: {json}"
    );
    match openslo::export(spec) {
        Ok(yaml) => assert_eq!(
            openslo::import(&yaml),
            Ok(openslo::Imported {
                spec: spec.clone(),
                warnings: Vec::new()
            }),
            "the OpenSLO export imports back differently, or with warnings:\n{yaml}"
        ),
        // A name OpenSLO tools refuse is named, never written.
        Err(problems) => assert_refusal_explained(problems.iter().map(|p| p.message.as_str())),
    }
}

/// A refusal tells the user something: at least one error, and none of them blank.
pub fn assert_refusal_explained<'a>(messages: impl IntoIterator<Item = &'a str>) {
    let mut count = 0;
    for message in messages {
        assert!(!message.trim().is_empty(), "a refusal with a blank message");
        count += 1;
    }
    assert!(count > 0, "refused without a single error");
}
