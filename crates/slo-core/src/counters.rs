//! Sliding-window good/bad counters for the proxy: record events as they happen, ask for
//! the counts over any window from minutes to the SLO window.
//!
//! Events land in three rings of buckets of growing width (1 minute for the last 6 hours,
//! 10 minutes for the last 3 days, 1 hour beyond). A query reads the finest ring that
//! spans the window, so its error is at most the events of one bucket of that ring: the
//! bucket cut by the window's far edge, which is left out. A 30-day window needs
//! (361 + 433 + 721) buckets of 8 bytes: under 12 KiB.

use crate::duration::{DAY, HOUR, MINUTE};

/// (bucket width, span the ring keeps) from finest to coarsest.
const LEVELS: [(u64, u64); 3] = [(MINUTE, 6 * HOUR), (10 * MINUTE, 3 * DAY), (HOUR, u64::MAX)];

#[derive(Debug, Clone)]
pub struct SlidingCounts {
    rings: Vec<Ring>,
    max_window_seconds: u64,
}

#[derive(Debug, Clone)]
struct Ring {
    bucket_seconds: u64,
    good: Vec<u32>,
    bad: Vec<u32>,
    /// Index (time / bucket_seconds) of the newest bucket; None until the first event.
    head: Option<u64>,
}

/// Good and bad counts over a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub good: u64,
    pub bad: u64,
}

impl Counts {
    pub fn total(self) -> u64 {
        self.good + self.bad
    }
}

impl Ring {
    fn new(bucket_seconds: u64, span_seconds: u64) -> Ring {
        // One more bucket than the span holds, for the partly filled newest bucket.
        let len = span_seconds.div_ceil(bucket_seconds) as usize + 1;
        Ring {
            bucket_seconds,
            good: vec![0; len],
            bad: vec![0; len],
            head: None,
        }
    }

    fn len(&self) -> u64 {
        self.good.len() as u64
    }

    fn slot(&self, bucket: u64) -> usize {
        (bucket % self.len()) as usize
    }

    fn advance_to(&mut self, bucket: u64) {
        let head = match self.head {
            Some(head) if head >= bucket => return,
            Some(head) => head,
            None => bucket.saturating_sub(self.len()),
        };
        let stale = (bucket - head).min(self.len());
        for b in bucket + 1 - stale..=bucket {
            let slot = self.slot(b);
            self.good[slot] = 0;
            self.bad[slot] = 0;
        }
        self.head = Some(bucket);
    }

    fn record(&mut self, time: u64, good: u32, bad: u32) {
        let bucket = time / self.bucket_seconds;
        self.advance_to(bucket);
        let head = self.head.unwrap_or(bucket);
        if head - bucket < self.len() {
            let slot = self.slot(bucket);
            self.good[slot] = self.good[slot].saturating_add(good);
            self.bad[slot] = self.bad[slot].saturating_add(bad);
        }
    }

    /// Events in buckets wholly inside (now - window, now], plus the newest bucket.
    fn counts(&self, now: u64, window: u64) -> Counts {
        let Some(head) = self.head else {
            return Counts::default();
        };
        let now_bucket = now / self.bucket_seconds;
        let first = now.saturating_sub(window).div_ceil(self.bucket_seconds);
        let oldest_kept = head.saturating_sub(self.len() - 1);
        let mut counts = Counts::default();
        for b in first.max(oldest_kept)..=now_bucket.min(head) {
            let slot = self.slot(b);
            counts.good += u64::from(self.good[slot]);
            counts.bad += u64::from(self.bad[slot]);
        }
        counts
    }
}

impl SlidingCounts {
    /// Counters that answer windows up to `max_window_seconds`.
    pub fn new(max_window_seconds: u64) -> SlidingCounts {
        SlidingCounts::with_levels(&LEVELS, max_window_seconds)
    }

    /// Counters with rings of the given (bucket width, span), finest first; the last ring
    /// reaches `max_window_seconds` whatever its span says.
    pub fn with_levels(levels: &[(u64, u64)], max_window_seconds: u64) -> SlidingCounts {
        let mut rings = Vec::new();
        let mut covered = 0;
        for (i, &(bucket_seconds, span)) in levels.iter().enumerate() {
            if covered >= max_window_seconds {
                break;
            }
            let last = i + 1 == levels.len();
            let span = if last {
                max_window_seconds
            } else {
                span.min(max_window_seconds)
            };
            rings.push(Ring::new(bucket_seconds, span));
            covered = span;
        }
        SlidingCounts {
            rings,
            max_window_seconds,
        }
    }

    /// Adds events that happened at `time` (Unix seconds). Events older than the counters
    /// reach are dropped; time may move forwards by any amount.
    pub fn record(&mut self, time: u64, good: u32, bad: u32) {
        for ring in &mut self.rings {
            ring.record(time, good, bad);
        }
    }

    /// Good and bad over `(now - window_seconds, now]`. Windows longer than the counters'
    /// reach are answered over that reach.
    pub fn counts(&self, now: u64, window_seconds: u64) -> Counts {
        let window = window_seconds.min(self.max_window_seconds);
        let ring = self.ring_for(window);
        ring.counts(now, window)
    }

    /// Width of the buckets a query over `window_seconds` reads: its error bound in time.
    pub fn resolution_seconds(&self, window_seconds: u64) -> u64 {
        self.ring_for(window_seconds.min(self.max_window_seconds))
            .bucket_seconds
    }

    fn ring_for(&self, window: u64) -> &Ring {
        self.rings
            .iter()
            .find(|ring| ring.bucket_seconds * (ring.len() - 1) >= window)
            .unwrap_or_else(|| &self.rings[self.rings.len() - 1])
    }

    /// Bytes of bucket storage, the part that grows with the window.
    pub fn state_bytes(&self) -> usize {
        self.rings
            .iter()
            .map(|r| (r.good.len() + r.bad.len()) * std::mem::size_of::<u32>())
            .sum()
    }
}

/// What the counters keep of each closed time slice, for timeslice budgeting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SliceRule {
    /// A slice is good when its good ratio reaches this; it counts 1 good or 1 bad.
    GoodRatio(f64),
    /// A slice counts its good ratio, in millionths of a slice, so that the counts' good
    /// ratio is the mean of the slices' ratios.
    MeanRatio,
}

/// Verdicts of time slices, kept in sliding counts at the moment the slice ends, so that a
/// window ending now holds the slices that ended in it (alert windows of timeslice SLOs
/// burn on slices), as a Prometheus subquery stepping by the slice does. A slice that
/// ends exactly where a calendar window starts counts in that window. A slice is judged
/// once a later event or tick shows it has ended; slices without events are not judged.
#[derive(Debug, Clone)]
pub struct SliceVerdicts {
    slice_seconds: u64,
    rule: SliceRule,
    /// The slice still filling: (index = start / slice_seconds, good, bad).
    open: Option<(u64, u64, u64)>,
    verdicts: SlidingCounts,
}

const MILLIONTHS: f64 = 1e6;

/// The rings of slice verdicts: one slice wide for the last 6 hours (the short alert
/// windows), then 1 and 2 hours wide, never finer than a slice. A 30-day SLO of 5-minute
/// slices keeps 519 buckets.
fn slice_levels(slice_seconds: u64) -> Vec<(u64, u64)> {
    let mut levels = vec![(slice_seconds, (6 * HOUR).max(slice_seconds))];
    levels.extend(
        [(HOUR, 3 * DAY), (2 * HOUR, u64::MAX)]
            .into_iter()
            .filter(|&(bucket, _)| bucket > slice_seconds),
    );
    levels
}

impl SliceVerdicts {
    pub fn new(slice_seconds: u64, rule: SliceRule, max_window_seconds: u64) -> SliceVerdicts {
        SliceVerdicts {
            slice_seconds,
            rule,
            open: None,
            verdicts: SlidingCounts::with_levels(&slice_levels(slice_seconds), max_window_seconds),
        }
    }

    /// Adds events at `time`, judging the open slice first if `time` is past it.
    pub fn record(&mut self, time: u64, good: u32, bad: u32) {
        self.close_before(time);
        let index = time / self.slice_seconds;
        let (_, g, b) = self.open.get_or_insert((index, 0, 0));
        *g += u64::from(good);
        *b += u64::from(bad);
    }

    /// Judges the open slice if it ended before `time`.
    pub fn close_before(&mut self, time: u64) {
        let Some((index, good, bad)) = self.open else {
            return;
        };
        if index == time / self.slice_seconds {
            return;
        }
        self.open = None;
        let total = good + bad;
        if total == 0 {
            return;
        }
        let ratio = good as f64 / total as f64;
        let (good, bad) = match self.rule {
            SliceRule::GoodRatio(needed) => {
                if crate::alerts::reaches(ratio, needed) {
                    (1, 0)
                } else {
                    (0, 1)
                }
            }
            SliceRule::MeanRatio => {
                let good = (ratio * MILLIONTHS).round() as u32;
                (good, MILLIONTHS as u32 - good)
            }
        };
        self.verdicts
            .record((index + 1) * self.slice_seconds, good, bad);
    }

    /// Judged slices ending in `(now - window, now]`: counts of good and bad slices, or
    /// for mean-ratio slices their summed good and bad shares in millionths.
    pub fn counts(&self, now: u64, window_seconds: u64) -> Counts {
        // A verdict sits at the very start of a bucket: one second less keeps the slice
        // that ended exactly `window_seconds` ago out, as the window is open at that end.
        self.verdicts.counts(now, window_seconds.saturating_sub(1))
    }

    pub fn slice_seconds(&self) -> u64 {
        self.slice_seconds
    }

    pub fn state_bytes(&self) -> usize {
        self.verdicts.state_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T0: u64 = 1_795_780_800;

    #[test]
    fn state_for_a_30_day_window_fits_in_16_kib() {
        let bytes = SlidingCounts::new(30 * DAY).state_bytes();
        assert!(bytes <= 16 * 1024, "{bytes} bytes");
        assert_eq!(SlidingCounts::new(HOUR).rings.len(), 1);
    }

    #[test]
    fn exact_on_aligned_windows() {
        let mut c = SlidingCounts::new(30 * DAY);
        c.record(T0, 10, 1);
        c.record(T0 + 3 * HOUR, 5, 5);
        assert_eq!(
            c.counts(T0 + 3 * HOUR, 5 * MINUTE),
            Counts { good: 5, bad: 5 }
        );
        assert_eq!(
            c.counts(T0 + 3 * HOUR, 4 * HOUR),
            Counts { good: 15, bad: 6 }
        );
        assert_eq!(c.counts(T0 + 10 * DAY, 5 * MINUTE), Counts::default());
        assert_eq!(
            c.counts(T0 + 10 * DAY, 30 * DAY),
            Counts { good: 15, bad: 6 }
        );
        assert_eq!(c.counts(T0 + 31 * DAY, 30 * DAY), Counts::default());
    }

    #[test]
    fn slices_are_judged_when_they_end() {
        let mut slices = SliceVerdicts::new(5 * MINUTE, SliceRule::GoodRatio(0.95), 30 * DAY);
        slices.record(T0, 96, 4); // 96% good: a good slice
        slices.record(T0 + 60, 0, 0);
        assert_eq!(slices.counts(T0 + 60, DAY), Counts::default(), "still open");
        slices.record(T0 + 5 * MINUTE, 90, 10); // closes the first; 90%: bad
        slices.close_before(T0 + 10 * MINUTE);
        assert_eq!(
            slices.counts(T0 + 10 * MINUTE, DAY),
            Counts { good: 1, bad: 1 }
        );
        // An empty slice is not judged.
        slices.record(T0 + 20 * MINUTE, 0, 0);
        slices.close_before(T0 + 25 * MINUTE);
        assert_eq!(
            slices.counts(T0 + 25 * MINUTE, DAY),
            Counts { good: 1, bad: 1 }
        );
    }

    #[test]
    fn mean_ratio_slices_average_their_ratios() {
        let mut slices = SliceVerdicts::new(MINUTE, SliceRule::MeanRatio, 30 * DAY);
        slices.record(T0, 1, 0);
        slices.record(T0 + 60, 1, 1);
        slices.close_before(T0 + 120);
        let c = slices.counts(T0 + 120, DAY);
        assert_eq!(
            c,
            Counts {
                good: 1_500_000,
                bad: 500_000
            }
        );
    }

    #[test]
    fn long_gaps_clear_old_buckets() {
        let mut c = SlidingCounts::new(DAY);
        c.record(T0, 1, 1);
        c.record(T0 + 7 * DAY, 2, 0);
        assert_eq!(c.counts(T0 + 7 * DAY, DAY), Counts { good: 2, bad: 0 });
    }

    /// Events as (seconds after T0, good, bad), in time order with small back-steps.
    fn events() -> impl Strategy<Value = Vec<(u64, u32, u32)>> {
        prop::collection::vec((0u64..4 * HOUR, 0u32..50, 0u32..50), 1..200).prop_map(|mut steps| {
            let mut t = 0;
            for step in &mut steps {
                t += step.0;
                step.0 = t;
            }
            steps
        })
    }

    proptest! {
        #[test]
        fn error_is_at_most_the_edge_bucket(events in events(), window in 5 * MINUTE..30 * DAY, lag in 0u64..2 * HOUR) {
            let mut counts = SlidingCounts::new(30 * DAY);
            for &(t, good, bad) in &events {
                counts.record(T0 + t, good, bad);
            }
            let now = T0 + events.last().unwrap().0 + lag;
            let start = now - window;
            let exact = events.iter().filter(|e| T0 + e.0 > start && T0 + e.0 <= now)
                .fold(Counts::default(), |c, e| Counts { good: c.good + u64::from(e.1), bad: c.bad + u64::from(e.2) });
            let got = counts.counts(now, window);
            let width = counts.resolution_seconds(window);
            let edge = start / width;
            let edge_bucket = events.iter().filter(|e| (T0 + e.0) / width == edge && T0 + e.0 > start)
                .fold(Counts::default(), |c, e| Counts { good: c.good + u64::from(e.1), bad: c.bad + u64::from(e.2) });
            prop_assert!(got.good <= exact.good && got.bad <= exact.bad, "got {got:?} exact {exact:?}");
            prop_assert!(exact.good - got.good <= edge_bucket.good, "good: got {got:?} exact {exact:?} edge {edge_bucket:?}");
            prop_assert!(exact.bad - got.bad <= edge_bucket.bad, "bad: got {got:?} exact {exact:?} edge {edge_bucket:?}");
        }
    }
}
