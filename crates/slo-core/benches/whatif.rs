//! The what-if budget: 30 days at one-minute resolution with the four default tiers must
//! simulate in at most 5 ms natively.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use slo_core::alerts::AlertTier;
use slo_core::counters::SlidingCounts;
use slo_core::duration::{DAY, HOUR, MINUTE};
use slo_core::whatif::{simulate, Incident, Scenario};

fn thirty_days_with_incidents() -> Scenario {
    Scenario {
        target: 0.999,
        window_seconds: 30 * DAY,
        tiers: AlertTier::defaults_for(30 * DAY, None, None).unwrap(),
        requests_per_second: 200.0,
        baseline_error_ratio: 0.0002,
        incidents: vec![
            Incident {
                start_seconds: 3 * DAY,
                duration_seconds: 20 * MINUTE,
                error_ratio: 0.25,
            },
            Incident {
                start_seconds: 12 * DAY,
                duration_seconds: 4 * HOUR,
                error_ratio: 0.01,
            },
            Incident {
                start_seconds: 21 * DAY,
                duration_seconds: 2 * DAY,
                error_ratio: 0.002,
            },
        ],
        latency: None,
    }
}

fn whatif(c: &mut Criterion) {
    let scenario = thirty_days_with_incidents();
    c.bench_function("whatif 30d at 1m, 4 tiers, 3 incidents", |b| {
        b.iter(|| simulate(black_box(&scenario)))
    });
}

fn counters(c: &mut Criterion) {
    // The filter's hot path on every tick: record a minute's deltas, then read each window.
    let mut counts = SlidingCounts::new(30 * DAY);
    let windows = [
        5 * MINUTE,
        30 * MINUTE,
        HOUR,
        2 * HOUR,
        6 * HOUR,
        DAY,
        3 * DAY,
        30 * DAY,
    ];
    let mut now = 1_795_780_800;
    c.bench_function("sliding counts: record + 8 windows", |b| {
        b.iter(|| {
            now += 10;
            counts.record(now, 1000, 3);
            windows
                .iter()
                .map(|w| counts.counts(now, *w).bad)
                .sum::<u64>()
        })
    });
}

criterion_group!(benches, whatif, counters);
criterion_main!(benches);
