//! The small readers of typed text: durations, offsets, targets, windows, time-zone rules,
//! counts, rates, shares, latency buckets and thresholds (flags, form fields and spec values). Every
//! input goes to all of them: most texts are one reader's near miss of another's syntax.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slo_core::duration::{format_duration, parse_duration, parse_offset};
use slo_core::parse;
use slo_core::target::{is_valid_target, parse_target};
use slo_core::whatif::{parse_buckets, parse_threshold_ms, slow_fraction};
use slo_core::window::{Calendar, CalendarUnit, Window};
use slo_core::zone::Zone;

fuzz_target!(|data: &[u8]| {
    let text = &*slo_fuzz::text(data);

    match parse_offset(text) {
        Ok(seconds) => {
            assert_eq!(parse_offset(&format_duration(seconds)), Ok(seconds));
            assert_eq!(parse_duration(text).is_ok(), seconds > 0);
        }
        Err(e) => {
            assert_eq!(e.input, text);
            assert!(parse_duration(text).is_err());
        }
    }

    if let Ok(ratio) = parse_target(text) {
        assert!(is_valid_target(ratio), "{text:?} read as {ratio}");
    }

    if let Ok(window) = Window::parse(text) {
        assert!(window.nominal_seconds() > 0);
        assert!(window.max_seconds() >= window.nominal_seconds());
        assert!(!window.describe().is_empty());
        assert_eq!(Window::parse(&window.to_string()), Ok(window));
    }

    // A time-zone rule: any text that reads gives periods that tile time around now.
    if let Ok(zone) = Zone::with_rule("fuzz", text) {
        let month = Calendar::new(CalendarUnit::Month, zone, None);
        let (start, end) = month.bounds_at(1_800_000_000);
        assert!(start <= 1_800_000_000 && 1_800_000_000 < end, "{text:?}");
        assert_eq!(month.bounds_at(end).0, end, "{text:?}");
    }

    if let Ok(n) = parse::count(text) {
        assert_eq!(parse::count(&n.to_string()), Ok(n));
    }
    if let Ok(r) = parse::rate(text) {
        assert!(r >= 0.0 && r.is_finite(), "{text:?} read as {r}");
    }
    for share in [parse::error_ratio, parse::availability] {
        if let Ok(r) = share(text) {
            assert!((0.0..=1.0).contains(&r), "{text:?} read as {r}");
        }
    }
    if let Ok(ms) = parse_threshold_ms(text) {
        assert!(ms > 0.0 && ms.is_finite(), "{text:?} read as {ms}");
    }

    if let Ok(buckets) = parse_buckets(text) {
        assert!(!buckets.is_empty());
        assert!(buckets[0].0 > 0.0);
        assert!(buckets.windows(2).all(|w| w[0].0 < w[1].0), "{buckets:?}");
        // Every consumer of buckets asks for the slow share next: at a bound, between two
        // and past the last.
        let mut lower = 0.0;
        for &(upper, _) in &buckets {
            for threshold in [upper, (lower + upper) / 2.0, upper * 2.0] {
                let slow = slow_fraction(&buckets, threshold);
                assert!(
                    (0.0..=1.0).contains(&slow),
                    "{slow} slower than {threshold} ms"
                );
            }
            lower = upper;
        }
    }
});
