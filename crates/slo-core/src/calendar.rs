//! Calendar windows: weeks, months and quarters on a zone's wall clock, from a start.
//! Every user of calendar periods (the budget's window, the filter's status, backtests and
//! compliance reports) gets them from `Calendar::bounds_at`.

use crate::duration::{DAY, WEEK};
use crate::window::{
    civil_from_days, days_from_civil, days_in_month, format_utc, parse_date_time, strip_utc_suffix,
};
use crate::zone::Zone;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarUnit {
    /// Monday 00:00 to the next Monday, unless a start says otherwise.
    Week,
    Month,
    Quarter,
}

/// A calendar window: its unit, the zone whose clock draws its boundaries, and the local
/// time one period starts (`None`: the unit's own start, a Monday, a 1st of a month, a 1st
/// of January, April, July or October, at 00:00).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub unit: CalendarUnit,
    pub zone: Zone,
    /// Seconds since 1970-01-01T00:00 on the zone's clock.
    start: Option<i64>,
}

/// 1970-01-05, the first Monday after the epoch, in local seconds.
const FIRST_MONDAY: i64 = 4 * DAY as i64;

pub const START_ALLOWED: &str =
    "allowed: a date and time on the zone's clock, YYYY-MM-DDTHH:MM:SS such as 2024-01-15T00:00:00";

impl Calendar {
    /// Periods in UTC from the unit's own start: the calendar windows `week`, `month` and
    /// `quarter` of the spec's shorthand.
    pub fn utc(unit: CalendarUnit) -> Calendar {
        Calendar::new(unit, Zone::utc(), None)
    }

    /// A start that begins one of the unit's own periods is the same window as no start,
    /// and is kept as none: windows that mean the same compare equal.
    pub fn new(unit: CalendarUnit, zone: Zone, start: Option<i64>) -> Calendar {
        let mut calendar = Calendar {
            unit,
            zone,
            start: None,
        };
        if let Some(start) = start {
            let k = calendar.period_of_local(start);
            if calendar.local_boundary(k) != start {
                calendar.start = Some(start);
            }
        }
        calendar
    }

    /// The start as the spec writes it, `2024-01-15T00:00:00` on the zone's clock.
    pub fn start_text(&self) -> Option<String> {
        self.start.map(format_local)
    }

    /// UTC from the unit's own start: what the shorthand `week`, `month`, `quarter` says.
    pub fn is_plain(&self) -> bool {
        self.zone.is_utc() && self.start.is_none()
    }

    /// How reports name the periods: `calendar months (UTC)`, `calendar weeks from
    /// 2024-01-17T00:00:00 (Europe/Berlin)`.
    pub fn describe_periods(&self, unit_word: &str) -> String {
        match self.start_text() {
            Some(start) => format!("calendar {unit_word}s from {start} ({})", self.zone.name),
            None => format!("calendar {unit_word}s ({})", self.zone.name),
        }
    }

    /// Whether every period starts a whole number of `step`s after midnight UTC, as a
    /// history's steps do (a start the clocks skip aside: it is the skip's instant).
    pub fn starts_on_steps_of(&self, step: u64) -> bool {
        DAY.is_multiple_of(step) && self.start_seconds_of_day().all(|s| s.is_multiple_of(step))
    }

    /// When periods start, as a backtest's message says it: `00:00 UTC`, or for Berlin's
    /// midnight `23:00 or 22:00 UTC`.
    pub fn start_times_utc(&self) -> String {
        let times: Vec<String> = self
            .start_seconds_of_day()
            .map(|s| format!("{:02}:{:02}", s / 3600, s % 3600 / 60))
            .collect();
        format!("{} UTC", times.join(" or "))
    }

    /// Seconds after midnight UTC that periods start at, one per offset of the zone.
    fn start_seconds_of_day(&self) -> impl Iterator<Item = u64> + '_ {
        let local = self.anchor().rem_euclid(DAY as i64);
        self.zone
            .offsets()
            .map(move |offset| (local - offset).rem_euclid(DAY as i64) as u64)
    }

    /// The longest period, for sizing counters: a month with a daylight-time change that
    /// adds an hour is 31 days and an hour.
    pub fn max_seconds(&self) -> u64 {
        let days = match self.unit {
            CalendarUnit::Week => 7,
            CalendarUnit::Month => 31,
            CalendarUnit::Quarter => 92,
        };
        days * DAY + self.zone.daylight_shift()
    }

    /// The period that contains `now` (Unix seconds): `[start, end)`.
    pub fn bounds_at(&self, now: u64) -> (u64, u64) {
        let now = now as i64;
        let mut k = self.period_of_local(now + self.zone.offset_at(now));
        while self.boundary(k) > now {
            k -= 1;
        }
        while self.boundary(k + 1) <= now {
            k += 1;
        }
        let unix = |t: i64| t.max(0) as u64;
        (unix(self.boundary(k)), unix(self.boundary(k + 1)))
    }

    /// Where the periods are counted from, on the local clock.
    fn anchor(&self) -> i64 {
        match (self.start, self.unit) {
            (Some(start), _) => start,
            (None, CalendarUnit::Week) => FIRST_MONDAY,
            (None, _) => 0,
        }
    }

    fn months(&self) -> i64 {
        if self.unit == CalendarUnit::Quarter {
            3
        } else {
            1
        }
    }

    /// The period a local time falls in, by its date (a guess `bounds_at` corrects near
    /// the boundaries, where the time of day and the zone's changes matter).
    fn period_of_local(&self, local: i64) -> i64 {
        let anchor = self.anchor();
        match self.unit {
            CalendarUnit::Week => (local - anchor).div_euclid(WEEK as i64),
            CalendarUnit::Month | CalendarUnit::Quarter => {
                let month_index = |t: i64| {
                    let (year, month, _) = civil_from_days(t.div_euclid(DAY as i64));
                    year * 12 + i64::from(month) - 1
                };
                (month_index(local) - month_index(anchor)).div_euclid(self.months())
            }
        }
    }

    /// The local time period `k` starts (period 0 starts at the anchor). Months count from
    /// the anchor's day, or the month's last day when the month is shorter: a month from
    /// January 31 runs to February 29 (or 28), then March 31, April 30, May 31.
    fn local_boundary(&self, k: i64) -> i64 {
        let anchor = self.anchor();
        if self.unit == CalendarUnit::Week {
            return anchor + k * WEEK as i64;
        }
        let (year, month, day) = civil_from_days(anchor.div_euclid(DAY as i64));
        let index = year * 12 + i64::from(month) - 1 + k * self.months();
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        let day = day.min(days_in_month(year, month));
        days_from_civil(year, month, day) * DAY as i64 + anchor.rem_euclid(DAY as i64)
    }

    /// The instant period `k` starts.
    fn boundary(&self, k: i64) -> i64 {
        self.zone.to_utc(self.local_boundary(k))
    }
}

/// Reads a start: a date and time on the zone's clock. Local seconds out.
pub fn parse_start(text: &str) -> Result<i64, String> {
    parse_date_time(text).ok_or_else(|| format!("“{text}” is not a start time; {START_ALLOWED}"))
}

/// Reads an OpenSLO `startTime`: a date and time on `zone`'s clock, or with `Z` (or
/// `+00:00`) a UTC instant, which is read on the zone's clock. Local seconds out.
pub fn parse_start_time(text: &str, zone: &Zone) -> Result<i64, String> {
    let local = match strip_utc_suffix(text) {
        Some(body) => parse_date_time(body).map(|utc| utc + zone.offset_at(utc)),
        None => parse_date_time(text),
    };
    local.ok_or_else(|| {
        format!("“{text}” is not a start time; allowed: a date and time on the zone's clock, YYYY-MM-DD HH:MM:SS such as 2024-01-15 00:00:00, or a UTC instant ending in Z")
    })
}

/// Local seconds as `2024-01-15T00:00:00`.
fn format_local(local: i64) -> String {
    let text = format_utc(local.max(0) as u64);
    text.trim_end_matches('Z').to_string()
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
