//! The request-duration histogram the filter keeps per SLO: bucket bounds in milliseconds
//! that include every latency threshold of the spec, so the buckets agree with the exact
//! good/bad counts at each threshold (a request is slow when its whole milliseconds exceed
//! the threshold, and lands in the first bucket whose bound it does not exceed).

use crate::spec::Spec;

/// Bounds (ms) before the spec's own latency thresholds are added.
pub const BASE_BOUNDS_MS: [u32; 14] = [
    1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
];

/// The base bounds plus every SLO's latency threshold, ascending, without repeats.
pub fn bucket_bounds(spec: &Spec) -> Vec<u32> {
    let mut bounds: Vec<u32> = BASE_BOUNDS_MS
        .into_iter()
        .chain(
            spec.request_slos()
                .filter_map(|(_, sli)| sli.bad.latency_threshold_ms),
        )
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    bounds
}

/// The bucket a duration falls in: the first whose bound is at least `duration_ms`, or
/// `bounds.len()` (the `+Inf` bucket) past the last.
pub fn bucket_index(bounds: &[u32], duration_ms: u64) -> usize {
    bounds.partition_point(|&bound| u64::from(bound) < duration_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_bucket_edges_and_agree_with_judging() {
        let spec = Spec::from_json(r#"{"services":[{"name":"s","slos":[{"name":"a","target":0.99,"window":"30d","sli":{"latency":{"threshold_ms":120}}}]}]}"#).unwrap();
        let bounds = bucket_bounds(&spec);
        assert_eq!(&bounds[5..8], &[100, 120, 250]);
        // 120 ms is good (not above the threshold) and in le=120; 121 ms is bad and above it.
        assert_eq!(bounds[bucket_index(&bounds, 120)], 120);
        assert_eq!(bounds[bucket_index(&bounds, 121)], 250);
        assert_eq!(bucket_index(&bounds, 0), 0);
        assert_eq!(bucket_index(&bounds, 60_001), bounds.len());
    }
}
