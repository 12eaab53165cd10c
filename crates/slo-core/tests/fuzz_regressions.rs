//! Inputs the fuzz targets (`fuzz/`) found that panicked or broke a promise, each kept as
//! the smallest input that did, with the promise it broke.

use slo_core::openslo::import;
use slo_core::whatif::{parse_buckets, simulate, slow_fraction, Scenario};

/// Counts near u64::MAX overflowed the histogram's total (a panic in debug builds, a
/// wrapped total and a slow share far above 1 in release).
#[test]
fn huge_bucket_counts_give_a_share_not_an_overflow() {
    let buckets = parse_buckets("1:18446744073709551615,2:1").unwrap();
    for threshold in [0.5, 1.0, 1.5, 2.0, 3.0] {
        let slow = slow_fraction(&buckets, threshold);
        assert!(
            (0.0..=1.0).contains(&slow),
            "{slow} slower than {threshold} ms"
        );
    }
    assert_eq!(slow_fraction(&buckets, 0.0), 1.0);
    assert_eq!(slow_fraction(&buckets, 2.0), 0.0);

    let scenario: serde_json::Value = serde_json::from_str(
        r#"{"target":0.999,"window":"7d","requests_per_second":1,"latency":{"threshold_ms":1,
            "buckets":[[1,18446744073709551615],["+Inf",18446744073709551615]]}}"#,
    )
    .unwrap();
    let simulation = simulate(&Scenario::from_json(&scenario).unwrap());
    assert_eq!(simulation.latency_error_ratio, Some(0.5));
}

/// An SLO document whose `spec` was not a mapping was refused with no error at all: the
/// command exited 1 printing nothing.
#[test]
fn an_slo_spec_that_is_not_a_mapping_is_refused_with_its_reason() {
    let errors =
        import("apiVersion: openslo/v1\nkind: SLO\nmetadata:\n name: i\nspec: c\n").unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].document, Some(1));
    assert_eq!(errors[0].path, "spec");
    assert!(
        errors[0].message.contains("expected an object"),
        "{}",
        errors[0]
    );
}
