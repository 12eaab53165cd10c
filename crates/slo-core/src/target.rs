//! Targets as people type them: `99.9`, `99.9%` (percent) or `0.999` (ratio).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError {
    pub input: String,
    pub reason: &'static str,
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "“{}” is not a valid target: {}; write a percentage below 100 such as 99.9, or a ratio between 0 and 1 such as 0.999",
            self.input, self.reason
        )
    }
}

impl std::error::Error for TargetError {}

/// Reads a target. Numbers above 1 (or with a `%`) are percentages, numbers below 1 ratios;
/// the result is a ratio strictly between 0 and 1.
pub fn parse_target(input: &str) -> Result<f64, TargetError> {
    let fail = |reason| TargetError {
        input: input.to_string(),
        reason,
    };
    let text = input.trim();
    if text.is_empty() {
        return Err(fail("it is empty"));
    }
    let (number, percent) = match text.strip_suffix('%') {
        Some(rest) => (rest.trim(), true),
        None => (text, false),
    };
    let value: f64 = number.parse().map_err(|_| fail("it is not a number"))?;
    if !value.is_finite() {
        return Err(fail("it is not a finite number"));
    }
    if value < 0.0 {
        return Err(fail("it is negative"));
    }
    if value == 0.0 {
        return Err(fail("it is zero"));
    }
    let ratio = if percent || value > 1.0 {
        crate::parse::percent_to_ratio(number).unwrap_or(value / 100.0)
    } else {
        value
    };
    if ratio > 1.0 {
        return Err(fail("it is over 100%"));
    }
    if ratio == 1.0 {
        return Err(fail("100% leaves no error budget"));
    }
    Ok(ratio)
}

/// Whether a ratio is a usable target.
pub fn is_valid_target(ratio: f64) -> bool {
    ratio > 0.0 && ratio < 1.0
}

/// A target as a percentage with every digit it was given: `99.9%`, `99.9999999%`.
pub fn format_target(ratio: f64) -> String {
    crate::format::exact_percent(ratio)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_percent_and_ratio() {
        assert_eq!(parse_target("99.9"), Ok(0.999));
        assert_eq!(parse_target("99.9%"), Ok(0.999));
        assert_eq!(parse_target("0.999"), Ok(0.999));
        assert_eq!(parse_target("90"), Ok(0.9));
    }

    #[test]
    fn refuses_bad_targets_with_the_reason() {
        for (input, reason) in [
            ("", "it is empty"),
            ("abc", "it is not a number"),
            ("-5", "it is negative"),
            ("0", "it is zero"),
            ("100", "100% leaves no error budget"),
            ("1", "100% leaves no error budget"),
            ("100.5", "it is over 100%"),
            ("NaN", "it is not a finite number"),
        ] {
            assert_eq!(
                parse_target(input).unwrap_err().reason,
                reason,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn formats_without_noise() {
        assert_eq!(format_target(0.999), "99.9%");
        assert_eq!(format_target(0.9995), "99.95%");
        assert_eq!(format_target(0.9), "90%");
        // Six decimals once showed this as 100%.
        assert_eq!(format_target(0.999_999_999), "99.9999999%");
    }
}
