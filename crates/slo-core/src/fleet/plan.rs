//! A `query_range` call of the fleet view, its step chosen from the width it is drawn in.

use crate::backtest::{percent_encode, MAX_POINTS_PER_QUERY};
use crate::duration::MINUTE;

/// One `query_range` call: points at `start`, `start + step`, ..., `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangePlan {
    pub name: String,
    pub promql: String,
    pub start: u64,
    pub end: u64,
    pub step: u64,
}

/// The step that draws `range` seconds in `width` pixels with a point per pixel at most:
/// whole minutes (the rules record events once a minute, so a step's events are whole
/// records), at least one, and never more points than Prometheus answers in one call.
pub fn step_for_width(range: u64, width: u64) -> u64 {
    let points = width.clamp(2, MAX_POINTS_PER_QUERY - 1);
    let step = range.div_ceil(points).max(1);
    step.div_ceil(MINUTE) * MINUTE
}

impl RangePlan {
    /// `promql` over the whole steps of `range` seconds that end at `at`, drawn `width`
    /// pixels wide: the last point is `at` itself, the instant the list was read at, so
    /// an alert firing then is on the chart.
    pub fn new(name: String, promql: String, at: u64, range: u64, width: u64) -> RangePlan {
        let step = step_for_width(range, width);
        RangePlan {
            name,
            promql,
            start: at.saturating_sub(range / step * step),
            end: at,
            step,
        }
    }

    pub fn points(&self) -> usize {
        ((self.end - self.start) / self.step + 1) as usize
    }

    /// Its path and query string, for the server's base URL.
    pub fn path(&self) -> String {
        format!(
            "/api/v1/query_range?query={}&start={}&end={}&step={}",
            percent_encode(&self.promql),
            self.start,
            self.end,
            self.step
        )
    }

    /// A series' points on this plan's steps, oldest first, NaN where it has none.
    pub fn align(&self, points: &[(u64, f64)]) -> Vec<f64> {
        let mut values = vec![f64::NAN; self.points()];
        for &(at, value) in points {
            if at >= self.start && (at - self.start).is_multiple_of(self.step) {
                if let Some(slot) = values.get_mut(((at - self.start) / self.step) as usize) {
                    *slot = value;
                }
            }
        }
        values
    }
}
