//! Reading the numbers people type into forms and flags, with messages that say what was
//! wrong and what is allowed. Targets and durations have their own modules.

/// A whole count, 0 or more: a request volume. Scientific notation is read exactly when it
/// names a whole number (`1e6` is 1,000,000, `2.5e3` is 2,500); `1.5` or `1e-3` are refused.
pub fn count(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let whole = match trimmed.split_once(['e', 'E']) {
        None => trimmed.parse().ok(),
        Some((mantissa, exponent)) => scientific_count(mantissa, exponent),
    };
    whole.ok_or_else(|| {
        format!(
            "“{text}” is not a count; allowed: a whole number, 0 or more, such as 1000000 or 1e6"
        )
    })
}

/// `mantissa`e`exponent` as a whole number, by moving the decimal point in the text (no
/// float rounding): `None` unless the result is whole and fits.
fn scientific_count(mantissa: &str, exponent: &str) -> Option<u64> {
    let exponent: usize = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !digits_only(int)
        || !digits_only(frac)
        || frac.len() > exponent
        || exponent > 19
    {
        return None;
    }
    format!("{int}{frac}{}", "0".repeat(exponent - frac.len()))
        .parse()
        .ok()
}

/// Requests per second, 0 or more.
pub fn rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(r) if r >= 0.0 && r.is_finite() => Ok(r),
        _ => Err(format!(
            "“{text}” is not a rate; allowed: a number of requests per second, 0 or more"
        )),
    }
}

/// `99.9` (a percentage) as the ratio `0.999`. Shifting the decimal point in the text keeps
/// it exact, where dividing by 100 would give 0.9990000000000001.
pub(crate) fn percent_to_ratio(number: &str) -> Option<f64> {
    number.parse::<f64>().ok()?;
    format!("{number}e-2").parse().ok()
}

/// A share from 0 to 1, written as a ratio (`0.25`) or a percentage (`25%`).
fn share(text: &str, what: &str, example: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let value = match trimmed.strip_suffix('%') {
        Some(percent) => percent_to_ratio(percent.trim()),
        None => trimmed.parse::<f64>().ok(),
    };
    match value {
        Some(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("“{text}” is not {what}; allowed: a ratio from 0 to 1 or a percentage, such as {example}")),
    }
}

/// An error ratio: `0.01` or `1%`.
pub fn error_ratio(text: &str) -> Result<f64, String> {
    share(text, "an error ratio", "0.01 or 1%")
}

/// A dependency's availability: `0.999` or `99.9%`.
pub fn availability(text: &str) -> Result<f64, String> {
    share(text, "an availability", "0.999 or 99.9%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_refuses() {
        assert_eq!(count("1000"), Ok(1000));
        assert_eq!(count("1e6"), Ok(1_000_000));
        assert_eq!(count(" 2.5E3 "), Ok(2_500));
        assert_eq!(count("1e+2"), Ok(100));
        for not_whole in ["1.5", "1e-3", "1.25e1", "e6", "1e", "-1e6", "1e30"] {
            assert!(count(not_whole).is_err(), "{not_whole}");
        }
        for bad in ["", "abc", "-5", "100.5"] {
            assert!(count(bad).unwrap_err().contains("whole number"), "{bad}");
        }
        assert_eq!(rate("12.5"), Ok(12.5));
        assert!(rate("-1").is_err());
        assert_eq!(error_ratio("25%"), Ok(0.25));
        assert_eq!(error_ratio("0.1"), Ok(0.1));
        assert!(error_ratio("2").unwrap_err().contains("from 0 to 1"));
        assert!(error_ratio("150%").is_err());
        assert_eq!(availability("99.9%"), Ok(0.999));
        assert!(availability("abc").is_err());
    }
}
