//! Durations as people write them in specs and on command lines: `30d`, `4w`, `6h`, `1h30m`.

use std::fmt;

pub const MINUTE: u64 = 60;
pub const HOUR: u64 = 60 * MINUTE;
pub const DAY: u64 = 24 * HOUR;
pub const WEEK: u64 = 7 * DAY;

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    pub input: String,
    pub reason: &'static str,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "“{}” is not a valid duration: {}; write a whole number followed by s, m, h, d or w, e.g. 30d, 6h, 1h30m",
            self.input, self.reason
        )
    }
}

impl std::error::Error for DurationError {}

/// Parses `30d`, `6h`, `1h30m`, `90s` into seconds. Zero is refused: no window or
/// slice can be empty.
pub fn parse_duration(input: &str) -> Result<u64, DurationError> {
    match parse_offset(input)? {
        0 => Err(DurationError {
            input: input.to_string(),
            reason: "it is zero",
        }),
        seconds => Ok(seconds),
    }
}

/// Like `parse_duration`, but also takes `0` (or `0s`): a point in time counted from the
/// start of a window.
pub fn parse_offset(input: &str) -> Result<u64, DurationError> {
    if input.trim() == "0" {
        return Ok(0);
    }
    let fail = |reason| DurationError {
        input: input.to_string(),
        reason,
    };
    let text = input.trim();
    if text.is_empty() {
        return Err(fail("it is empty"));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => MINUTE,
            'h' => HOUR,
            'd' => DAY,
            'w' => WEEK,
            '-' => return Err(fail("it is negative")),
            _ if digits.is_empty() => return Err(fail("it does not start with a number")),
            _ => return Err(fail("it has an unknown unit")),
        };
        if digits.is_empty() {
            return Err(fail("a unit has no number before it"));
        }
        let amount: u64 = digits.parse().map_err(|_| fail("a number is too large"))?;
        total = amount
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(|| fail("it is too long"))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(fail("the last number has no unit"));
    }
    Ok(total)
}

/// The shortest exact spelling of a whole number of seconds: `30d`, `4w` is written `28d`,
/// `90m` is `1h30m`.
pub fn format_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_string();
    }
    let mut rest = seconds;
    let mut out = String::new();
    for (unit, suffix) in [(DAY, 'd'), (HOUR, 'h'), (MINUTE, 'm'), (1, 's')] {
        if rest >= unit {
            out.push_str(&(rest / unit).to_string());
            out.push(suffix);
            rest %= unit;
        }
    }
    out
}

/// The units people read, above seconds.
const SPOKEN_UNITS: [(u64, &str); 3] = [(DAY, "d"), (HOUR, "h"), (MINUTE, "min")];

/// A length of time for people to read, such as `43 min 12 s`, `1 min 26.4 s`, `1 d 2 h`
/// or `864 ms`. Under an hour the seconds keep one decimal; above, whole seconds.
pub fn humanize_seconds(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "never".to_string();
    }
    if seconds < 1.0 {
        return format!("{} ms", (seconds * 1000.0).round() as u64);
    }
    let tenths = if seconds < HOUR as f64 {
        (seconds * 10.0).round() as u64
    } else {
        seconds.round() as u64 * 10
    };
    let mut rest = tenths / 10;
    let mut parts = Vec::new();
    for (unit, name) in SPOKEN_UNITS {
        if rest >= unit {
            parts.push(format!("{} {name}", rest / unit));
            rest %= unit;
        }
    }
    match (rest, tenths % 10) {
        (0, 0) => {}
        (whole, 0) => parts.push(format!("{whole} s")),
        (whole, tenth) => parts.push(format!("{whole}.{tenth} s")),
    }
    parts.join(" ")
}

/// A time that a computation found `step` seconds at a time, to the nearest step: a
/// one-minute simulation gives `29 d 19 h 34 min`, never the seconds it did not compute.
pub fn humanize_steps(seconds: f64, step: u64) -> String {
    let step = step.max(1) as f64;
    let rounded = (seconds / step).round() * step;
    if rounded > 0.0 || !rounded.is_finite() {
        return humanize_seconds(rounded);
    }
    // Zero, in the step's own unit: `0 min` says "within half a minute" as `0 s` would not.
    let name = SPOKEN_UNITS
        .iter()
        .find(|(unit, _)| step >= *unit as f64)
        .map_or("s", |(_, name)| name);
    format!("0 {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_compound_units() {
        assert_eq!(parse_duration("30d"), Ok(30 * DAY));
        assert_eq!(parse_duration("4w"), Ok(28 * DAY));
        assert_eq!(parse_duration("6h"), Ok(6 * HOUR));
        assert_eq!(parse_duration("30m"), Ok(30 * MINUTE));
        assert_eq!(parse_duration("1h30m"), Ok(90 * MINUTE));
        assert_eq!(parse_duration("90s"), Ok(90));
    }

    #[test]
    fn refuses_malformed_durations_with_the_reason() {
        for (input, reason) in [
            ("", "it is empty"),
            ("abc", "it does not start with a number"),
            ("30", "the last number has no unit"),
            ("0d", "it is zero"),
            ("-5m", "it is negative"),
            ("5y", "it has an unknown unit"),
            ("d", "a unit has no number before it"),
            ("99999999999999999999d", "a number is too large"),
        ] {
            let err = parse_duration(input).unwrap_err();
            assert_eq!(err.reason, reason, "input {input:?}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for secs in [1, 59, 60, 90 * MINUTE, 28 * DAY, 30 * DAY + 5] {
            assert_eq!(parse_duration(&format_duration(secs)), Ok(secs));
        }
        assert_eq!(format_duration(28 * DAY), "28d");
    }

    #[test]
    fn humanizes_like_the_calculators() {
        assert_eq!(humanize_seconds(2592.0), "43 min 12 s");
        assert_eq!(humanize_seconds(0.864), "864 ms");
        assert_eq!(humanize_seconds(25.92), "25.9 s");
        assert_eq!(
            humanize_seconds(8.0 * 3600.0 + 45.0 * 60.0 + 57.0),
            "8 h 45 min 57 s"
        );
        assert_eq!(humanize_seconds(86.4), "1 min 26.4 s");
        assert_eq!(humanize_seconds(3600.4), "1 h");
        assert_eq!(humanize_seconds(0.5), "500 ms");
        assert_eq!(humanize_seconds(f64::INFINITY), "never");
    }

    #[test]
    fn times_keep_the_precision_of_their_computation() {
        let minute = MINUTE;
        let late = 29.0 * DAY as f64 + 19.0 * HOUR as f64 + 33.0 * 60.0 + 35.0;
        assert_eq!(humanize_steps(late, minute), "29 d 19 h 34 min");
        assert_eq!(humanize_steps(2592.0, minute), "43 min");
        assert_eq!(humanize_steps(20.0, minute), "0 min");
        assert_eq!(humanize_steps(90.0, 1), "1 min 30 s");
    }
}
