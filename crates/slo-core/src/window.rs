//! SLO windows: rolling durations, or calendar weeks, months and quarters (`calendar`:
//! in a zone, from a start).

pub use crate::calendar::{Calendar, CalendarUnit};
use crate::duration::{format_duration, parse_duration, DAY, WEEK};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    Rolling { seconds: u64 },
    Calendar(Calendar),
}

impl Window {
    pub const ALLOWED: &'static str =
        "a rolling duration such as 30d, 28d, 4w or 6h, or a calendar window: week, month or quarter (UTC)";

    /// A calendar window in UTC from the unit's own start.
    pub fn calendar(unit: CalendarUnit) -> Window {
        Window::Calendar(Calendar::utc(unit))
    }

    pub fn parse(text: &str) -> Result<Window, String> {
        match text.trim() {
            "week" => Ok(Window::calendar(CalendarUnit::Week)),
            "month" => Ok(Window::calendar(CalendarUnit::Month)),
            "quarter" => Ok(Window::calendar(CalendarUnit::Quarter)),
            other => parse_duration(other)
                .map(|seconds| Window::Rolling { seconds })
                .map_err(|e| {
                    format!(
                        "“{}” is not a window ({}); expected {}",
                        e.input,
                        e.reason,
                        Self::ALLOWED
                    )
                }),
        }
    }

    /// The length used when no date is given: calendar months count as 30 days and
    /// quarters as 90, the lengths the calculators print next to their figures.
    pub fn nominal_seconds(&self) -> u64 {
        match self {
            Window::Rolling { seconds } => *seconds,
            Window::Calendar(c) => match c.unit {
                CalendarUnit::Week => WEEK,
                CalendarUnit::Month => 30 * DAY,
                CalendarUnit::Quarter => 90 * DAY,
            },
        }
    }

    /// The window as the calculators name it, ready to follow "over": `30d`, or
    /// `a calendar month (taken as 30d)` (parentheses, so the sentence reads on after it).
    pub fn describe(&self) -> String {
        match self {
            Window::Rolling { .. } => self.to_string(),
            Window::Calendar(_) => format!(
                "a calendar {self} (taken as {})",
                format_duration(self.nominal_seconds())
            ),
        }
    }

    /// The window that contains `now` (Unix seconds): for a rolling window the last
    /// `seconds`, for a calendar window the current period on its zone's clock.
    pub fn bounds_at(&self, now: u64) -> (u64, u64) {
        match self {
            Window::Rolling { seconds } => (now.saturating_sub(*seconds), now),
            Window::Calendar(calendar) => calendar.bounds_at(now),
        }
    }

    /// The longest span the window can cover, for sizing counters: 31 days for a month
    /// (and the hour a daylight-time change adds).
    pub fn max_seconds(&self) -> u64 {
        match self {
            Window::Rolling { seconds } => *seconds,
            Window::Calendar(calendar) => calendar.max_seconds(),
        }
    }

    pub fn calendar_unit(&self) -> Option<CalendarUnit> {
        match self {
            Window::Rolling { .. } => None,
            Window::Calendar(c) => Some(c.unit),
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Rolling { seconds } => f.write_str(&format_duration(*seconds)),
            Window::Calendar(c) => f.write_str(match c.unit {
                CalendarUnit::Week => "week",
                CalendarUnit::Month => "month",
                CalendarUnit::Quarter => "quarter",
            }),
        }
    }
}

/// A moment as people write it in UTC, `2026-09-03T14:00Z` (seconds optional, `Z` or
/// `+00:00`), or as Unix seconds; Unix seconds out.
pub fn parse_utc(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(seconds);
    }
    strip_utc_suffix(text)
        .and_then(parse_date_time)
        .and_then(|seconds| u64::try_from(seconds).ok())
        .ok_or_else(|| {
            format!("“{text}” is not a time; allowed: Unix seconds, or a UTC time such as 2026-09-03T14:00Z")
        })
}

/// The text before a trailing `Z` or `+00:00`.
pub(crate) fn strip_utc_suffix(text: &str) -> Option<&str> {
    text.strip_suffix('Z')
        .or_else(|| text.strip_suffix("+00:00"))
}

/// `YYYY-MM-DD`, `T` or a space, `HH:MM` and optionally `:SS`: seconds since
/// 1970-01-01T00:00 on the same clock. Fixed positions keep it small enough for the filter.
pub(crate) fn parse_date_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let number = |at: usize, len: usize| -> Option<u32> {
        b.get(at..at + len)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let is = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    let second = match b.len() {
        16 => 0,
        19 if is(16, b":") => number(17, 2)?,
        _ => return None,
    };
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute) = (number(11, 2)?, number(14, 2)?);
    let year = i64::from(year);
    let valid = is(4, b"-")
        && is(7, b"-")
        && is(10, b"T ")
        && is(13, b":")
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then(|| {
        days_from_civil(year, month, day) * DAY as i64
            + i64::from(hour * 3600 + minute * 60 + second)
    })
}

/// Unix seconds as an ISO 8601 UTC time, `2026-09-03T14:00:00Z`: what reports print, and
/// `parse_utc` reads back.
pub fn format_utc(seconds: u64) -> String {
    let (year, month, day) = civil_from_days((seconds / DAY) as i64);
    let of_day = seconds % DAY;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

// Howard Hinnant's civil-calendar algorithms: exact for the proleptic Gregorian calendar.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times_print_as_iso_8601() {
        // 2026-09-01 is day 20697 since 1970-01-01 (56 years and 14 leap days, plus 243 days
        // to September in a common year): 20697 x 86400 = 1_788_220_800.
        assert_eq!(format_utc(1_788_220_800), "2026-09-01T00:00:00Z");
        assert_eq!(
            format_utc(1_788_220_800 + 14 * 3600 + 5 * 60 + 9),
            "2026-09-01T14:05:09Z"
        );
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn utc_times_read_as_people_write_them() {
        assert_eq!(parse_utc("2026-09-01T00:00Z"), Ok(1_788_220_800));
        assert_eq!(parse_utc("2026-09-01T00:00:30+00:00"), Ok(1_788_220_830));
        assert_eq!(parse_utc("1788220800"), Ok(1_788_220_800));
        for wrong in [
            "2026-02-30T00:00Z",
            "2026-09-01T24:00Z",
            "2026-09-01 00:00",
            "yesterday",
        ] {
            let message = parse_utc(wrong).unwrap_err();
            assert!(
                message.contains("is not a time; allowed: Unix seconds"),
                "{message}"
            );
        }
    }

    const NOV_27_2026_NOON: u64 = 1_795_780_800;

    #[test]
    fn parses_rolling_and_calendar_windows() {
        assert_eq!(
            Window::parse("30d"),
            Ok(Window::Rolling { seconds: 30 * DAY })
        );
        assert_eq!(
            Window::parse("month"),
            Ok(Window::calendar(CalendarUnit::Month))
        );
        assert!(Window::parse("fortnight")
            .unwrap_err()
            .contains("calendar window"));
    }

    #[test]
    fn calendar_bounds_follow_utc_dates() {
        let day = |y, m, d| days_from_civil(y, m, d) as u64 * DAY;
        assert_eq!(day(2026, 11, 27) + 12 * 3600, NOV_27_2026_NOON);
        let month = Window::calendar(CalendarUnit::Month);
        assert_eq!(
            month.bounds_at(NOV_27_2026_NOON),
            (day(2026, 11, 1), day(2026, 12, 1))
        );
        let quarter = Window::calendar(CalendarUnit::Quarter);
        assert_eq!(
            quarter.bounds_at(NOV_27_2026_NOON),
            (day(2026, 10, 1), day(2027, 1, 1))
        );
        let week = Window::calendar(CalendarUnit::Week);
        // 2026-11-27 is a Friday; its week began on Monday the 23rd.
        assert_eq!(
            week.bounds_at(NOV_27_2026_NOON),
            (day(2026, 11, 23), day(2026, 11, 30))
        );
        assert_eq!(
            month.bounds_at(day(2024, 2, 29)),
            (day(2024, 2, 1), day(2024, 3, 1))
        );
    }

    #[test]
    fn civil_conversion_round_trips() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
