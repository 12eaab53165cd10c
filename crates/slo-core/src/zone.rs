//! Time zones as rules given as data: a POSIX TZ string such as `CET-1CEST,M3.5.0,M10.5.0/3`
//! (what ends every TZif file: the zone's current rule). Evaluating one is a few dozen lines
//! and fits the filter; the database that maps `Europe/Berlin` to its rule does not, so it
//! lives only where names are read (`Zone::named`, the full reader).

use crate::duration::{DAY, HOUR};
use crate::window::{civil_from_days, days_from_civil, days_in_month};

/// A zone: its IANA name and its rule. The name is what people read and OpenSLO writes;
/// the rule is what the core computes with, so a build without the database (the filter)
/// needs only the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub name: String,
    /// The rule as written, e.g. `CET-1CEST,M3.5.0,M10.5.0/3`.
    pub rule_text: String,
    rule: Rule,
}

/// Offsets are seconds east of UTC (POSIX writes them west: `CET-1` is UTC+1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rule {
    standard: i64,
    daylight: Option<Daylight>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Daylight {
    offset: i64,
    /// Local (standard) time daylight time starts, and local (daylight) time it ends.
    start: Transition,
    end: Transition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transition {
    day: DayRule,
    /// Seconds after the day's local midnight: may be negative or past 24 h (RFC 8536).
    time: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayRule {
    /// `Jn`: day 1 to 365, February 29 never counted.
    Julian(u16),
    /// `n`: day 0 to 365, February 29 counted.
    Ordinal(u16),
    /// `Mm.w.d`: weekday `d` (0 Sunday) of week `w` (5: the last) of month `m`.
    MonthWeekDay { month: u32, week: u32, weekday: u32 },
}

pub const RULE_ALLOWED: &str =
    "allowed: a POSIX TZ rule such as CET-1CEST,M3.5.0,M10.5.0/3, EST5EDT,M3.2.0,M11.1.0 or <+0530>-5:30";

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            rule_text: "UTC0".into(),
            rule: Rule {
                standard: 0,
                daylight: None,
            },
        }
    }

    /// A zone from its name and its rule's text.
    pub fn with_rule(name: &str, rule_text: &str) -> Result<Zone, String> {
        let rule = parse_rule(rule_text).map_err(|problem| {
            format!("“{rule_text}” is not a time-zone rule ({problem}); {RULE_ALLOWED}")
        })?;
        Ok(Zone {
            name: name.to_string(),
            rule_text: rule_text.to_string(),
            rule,
        })
    }

    pub fn is_utc(&self) -> bool {
        *self == Zone::utc()
    }

    /// How far daylight time moves the clock (0 without it): a month with a change is this
    /// much shorter or longer than its days.
    pub fn daylight_shift(&self) -> u64 {
        self.rule
            .daylight
            .map_or(0, |d| d.offset.abs_diff(self.rule.standard))
    }

    /// The offsets (seconds east of UTC) the zone's clocks show.
    pub fn offsets(&self) -> impl Iterator<Item = i64> {
        std::iter::once(self.rule.standard).chain(self.rule.daylight.map(|d| d.offset))
    }

    /// Seconds east of UTC at the instant `utc` (Unix seconds).
    pub fn offset_at(&self, utc: i64) -> i64 {
        let Some(daylight) = self.rule.daylight else {
            return self.rule.standard;
        };
        let (year, _, _) = civil_from_days((utc + self.rule.standard).div_euclid(DAY as i64));
        let (start, end) = self.transitions(daylight, year);
        let in_daylight = if start < end {
            start <= utc && utc < end
        } else {
            // Southern hemisphere: daylight time spans the new year.
            !(end <= utc && utc < start)
        };
        if in_daylight {
            daylight.offset
        } else {
            self.rule.standard
        }
    }

    /// The instant a local wall-clock time (seconds since 1970-01-01T00:00 on that clock)
    /// names. A time the clocks skip (spring forward) is the instant they skip it, the
    /// first moment the wall clock reads it or later; a time they show twice (fall back)
    /// is its first showing. Both keep later local times at later instants.
    pub fn to_utc(&self, local: i64) -> i64 {
        let mut candidates = self.offsets().map(|offset| local - offset);
        let valid = |utc: &i64| self.offset_at(*utc) == local - *utc;
        let (first, second) = (candidates.next().unwrap_or(local), candidates.next());
        let Some(second) = second else {
            return first;
        };
        match [first, second].into_iter().filter(valid).min() {
            Some(utc) => utc,
            None => self.change_between(first.min(second), first.max(second)),
        }
    }

    /// The first instant in `(low, high]` whose offset is `high`'s: where the clock jumped.
    fn change_between(&self, mut low: i64, mut high: i64) -> i64 {
        let after = self.offset_at(high);
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            if self.offset_at(middle) == after {
                high = middle;
            } else {
                low = middle;
            }
        }
        high
    }

    /// The instants daylight time starts and ends in the local year `year`.
    fn transitions(&self, daylight: Daylight, year: i64) -> (i64, i64) {
        let at = |t: Transition, offset: i64| t.day.day_of(year) * DAY as i64 + t.time - offset;
        (
            at(daylight.start, self.rule.standard),
            at(daylight.end, daylight.offset),
        )
    }
}

impl DayRule {
    /// Days since 1970-01-01 of the rule's day in `year`.
    fn day_of(self, year: i64) -> i64 {
        let january_1 = days_from_civil(year, 1, 1);
        match self {
            DayRule::Julian(n) => {
                let leap_day = days_in_month(year, 2) == 29 && n >= 60;
                january_1 + i64::from(n) - 1 + i64::from(leap_day)
            }
            DayRule::Ordinal(n) => january_1 + i64::from(n),
            DayRule::MonthWeekDay {
                month,
                week,
                weekday,
            } => {
                let first = days_from_civil(year, month, 1);
                // 1970-01-01 was a Thursday (weekday 4).
                let first_weekday = (first + 4).rem_euclid(7) as u32;
                let mut day = 1 + (weekday + 7 - first_weekday) % 7 + (week - 1) * 7;
                while day > days_in_month(year, month) {
                    day -= 7;
                }
                first + i64::from(day) - 1
            }
        }
    }
}

/// Reads a POSIX TZ rule: `std offset [dst [offset] ,start[/time],end[/time]]`. Its
/// problems are fixed words: the filter reads rules too, and every format costs it bytes.
fn parse_rule(text: &str) -> Result<Rule, &'static str> {
    let mut p = Cursor(text.as_bytes());
    p.name()?;
    let standard = -p.hms()?;
    if p.is_empty() {
        return Ok(Rule {
            standard,
            daylight: None,
        });
    }
    p.name()?;
    let offset = if p.peek().is_some_and(|c| c != b',') {
        -p.hms()?
    } else {
        standard + HOUR as i64
    };
    if p.is_empty() {
        return Err("daylight time without the days it starts and ends");
    }
    let start = p.transition()?;
    let end = p.transition()?;
    if !p.is_empty() {
        return Err("something after the second change");
    }
    Ok(Rule {
        standard,
        daylight: Some(Daylight { offset, start, end }),
    })
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &[u8] {
        let n = self.0.iter().take_while(|&&c| keep(c)).count();
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        taken
    }

    fn eat(&mut self, c: u8) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.0 = &self.0[1..];
        }
        found
    }

    /// A zone abbreviation: three or more letters, or anything but `>` in `<...>`.
    fn name(&mut self) -> Result<(), &'static str> {
        let length = if self.eat(b'<') {
            let n = self.take_while(|c| c != b'>').len();
            if !self.eat(b'>') {
                return Err("a “<” name without its “>”");
            }
            n
        } else {
            self.take_while(|c| c.is_ascii_alphabetic()).len()
        };
        if length < 3 {
            return Err("a zone abbreviation of fewer than 3 letters");
        }
        Ok(())
    }

    /// Digits, at most 5 of them.
    fn number(&mut self) -> Result<i64, &'static str> {
        let digits = self.take_while(|c| c.is_ascii_digit());
        if digits.is_empty() || digits.len() > 5 {
            return Err("a number missing where the rule needs one");
        }
        Ok(digits.iter().fold(0, |n, &c| n * 10 + i64::from(c - b'0')))
    }

    /// `[+-]hh[:mm[:ss]]` in seconds, hours up to 167 (RFC 8536's extension).
    fn hms(&mut self) -> Result<i64, &'static str> {
        let sign = if self.eat(b'-') {
            -1
        } else {
            self.eat(b'+');
            1
        };
        let hours = self.number()?;
        let mut seconds = hours * 3600;
        for scale in [60, 1] {
            if !self.eat(b':') {
                break;
            }
            match self.number()? {
                part @ 0..=59 => seconds += part * scale,
                _ => return Err("minutes or seconds past 59"),
            }
        }
        if hours > 167 {
            return Err("an offset or time past 167 hours");
        }
        Ok(sign * seconds)
    }

    /// `,day[/time]`: the day as `Jn`, `n` or `Mm.w.d`, the time 02:00 unless given.
    fn transition(&mut self) -> Result<Transition, &'static str> {
        if !self.eat(b',') {
            return Err("a “,” before each daylight-time change is missing");
        }
        let day = if self.eat(b'J') {
            match self.number()? {
                n @ 1..=365 => DayRule::Julian(n as u16),
                _ => return Err("a Jn day outside 1 to 365"),
            }
        } else if self.eat(b'M') {
            let month = self.number()?;
            let week = if self.eat(b'.') { self.number()? } else { 0 };
            let weekday = if self.eat(b'.') { self.number()? } else { -1 };
            match (month, week, weekday) {
                (m @ 1..=12, w @ 1..=5, d @ 0..=6) => DayRule::MonthWeekDay {
                    month: m as u32,
                    week: w as u32,
                    weekday: d as u32,
                },
                _ => return Err("an Mm.w.d day out of range (month 1-12, week 1-5, weekday 0-6)"),
            }
        } else {
            match self.number()? {
                n @ 0..=365 => DayRule::Ordinal(n as u16),
                _ => return Err("a day number outside 0 to 365"),
            }
        };
        let time = if self.eat(b'/') {
            self.hms()?
        } else {
            2 * HOUR as i64
        };
        Ok(Transition { day, time })
    }
}

#[cfg(test)]
#[path = "zone_tests.rs"]
mod tests;

/// Every IANA zone name and its current rule, `Name RULE` per line (build.rs). A build
/// without the full reader (the filter) has none: it reads rules, never names.
#[cfg(feature = "full-reader")]
static TIME_ZONES: &str = include_str!(concat!(env!("OUT_DIR"), "/time_zones.txt"));
#[cfg(not(feature = "full-reader"))]
static TIME_ZONES: &str = "";

/// The IANA database release the names and rules come from, such as `2025b`.
#[cfg(feature = "full-reader")]
pub const TIME_ZONE_DATABASE: &str =
    include_str!(concat!(env!("OUT_DIR"), "/time_zones_version.txt"));
#[cfg(not(feature = "full-reader"))]
pub const TIME_ZONE_DATABASE: &str = "not in this build";

impl Zone {
    /// A zone by its IANA name (any case; the database's spelling is kept), with its
    /// current rule.
    pub fn named(name: &str) -> Result<Zone, String> {
        // Both spellings are the spec's shorthand's UTC, which OpenSLO's examples use.
        if name == "UTC" || name == "Etc/UTC" {
            return Ok(Zone::utc());
        }
        let mut zones = TIME_ZONES.lines().filter_map(|line| line.split_once(' '));
        if let Some((found, rule)) = zones.find(|(known, _)| known.eq_ignore_ascii_case(name)) {
            return Zone::with_rule(found, rule);
        }
        let names: Vec<&str> = TIME_ZONES
            .lines()
            .filter_map(|line| line.split(' ').next())
            .collect();
        let hint = crate::decode::closest(name, &names)
            .map(|best| format!("did you mean “{best}”? "))
            .unwrap_or_default();
        Err(format!(
            "“{name}” is not a time zone of the IANA database ({TIME_ZONE_DATABASE}); {hint}allowed: UTC or an IANA name such as Europe/Berlin or America/New_York"
        ))
    }
}
