//! The backtest budget: 90 days at one-minute steps, 6 candidate targets, the 4 default
//! tiers, in at most 20 ms natively.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use slo_core::alerts::AlertTier;
use slo_core::backtest::{run, Backtest, Counts, History};
use slo_core::duration::{DAY, MINUTE};
use slo_core::window::Window;

/// 90 days of minutes: a daily swing of traffic, a low error floor and a few incidents.
fn ninety_days() -> History {
    let steps = (0..90 * 24 * 60u64)
        .map(|m| {
            let hour = (m / 60) % 24;
            let total = 600.0 + 400.0 * (hour as f64 / 24.0 * std::f64::consts::TAU).sin();
            let incident = matches!(m / (24 * 60), 9 | 41 | 77) && (m % (24 * 60)) / 60 == 14;
            let bad = if incident {
                total * 0.2
            } else {
                total * 0.0004
            };
            Some(Counts {
                good: total - bad,
                bad,
            })
        })
        .collect();
    History {
        start_seconds: 1_780_000_000 / DAY * DAY,
        step_seconds: MINUTE,
        steps,
    }
}

fn backtest(c: &mut Criterion) {
    let history = ninety_days();
    let window = Window::Rolling { seconds: 30 * DAY };
    let backtest = Backtest {
        targets: vec![0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999],
        window,
        tiers: AlertTier::defaults_for(30 * DAY, None, None).unwrap(),
        incidents: vec![(
            history.start_seconds + 9 * DAY + 14 * 3600,
            history.start_seconds + 9 * DAY + 15 * 3600,
        )],
        max_pages_per_30d: 2.0,
    };
    assert!(backtest.validate(&history).is_empty());
    c.bench_function("backtest 90d at 1m, 6 targets, 4 tiers", |b| {
        b.iter(|| run(black_box(&backtest), black_box(&history)))
    });
}

criterion_group!(benches, backtest);
criterion_main!(benches);
