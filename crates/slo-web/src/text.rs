//! Words and numbers as people read them, and parsers for the form fields that the core
//! has no parser for yet.
//!
//! TEMPORARY: these mirror the `slo` command's private helpers (crates/slo-cli) so the
//! browser and the terminal print the same words; they move to slo-core on request
//! (.requests/web.md) and this module then only re-exports them.

use slo_core::duration::format_duration;
use slo_core::window::Window;

/// `0.1%`, `1.44%`: a ratio as a percentage with up to four decimals.
pub fn percent(ratio: f64) -> String {
    let text = format!("{:.4}", ratio * 100.0);
    format!("{}%", trim(&text))
}

/// `14.4x`: a burn rate with up to three decimals.
pub fn burn_rate(rate: f64) -> String {
    format!("{}x", trim(&format!("{rate:.3}")))
}

fn trim(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// `30d`, or `calendar month, taken as 30d`.
pub fn window_name(window: Window) -> String {
    match window {
        Window::Rolling { .. } => window.to_string(),
        Window::Calendar(_) => format!(
            "calendar {window}, taken as {}",
            format_duration(window.nominal_seconds())
        ),
    }
}

/// A whole number of requests, 0 or more.
pub fn count(text: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a count; allowed: a whole number, 0 or more"))
}

/// Requests per second, 0 or more.
pub fn rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(r) if r >= 0.0 && r.is_finite() => Ok(r),
        _ => Err(format!(
            "`{text}` is not a rate; allowed: a number of requests per second, 0 or more"
        )),
    }
}

/// An error ratio from 0 to 1, or a percentage from 0% to 100% with a `%` sign.
pub fn error_ratio(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (number, scale) = match trimmed.strip_suffix('%') {
        Some(rest) => (rest.trim(), 100.0),
        None => (trimmed, 1.0),
    };
    match number.parse::<f64>() {
        Ok(r) if (0.0..=scale).contains(&r) => Ok(r / scale),
        _ => Err(format!(
            "`{text}` is not an error ratio; allowed: a number from 0 to 1 such as 0.01, or a percentage such as 1%"
        )),
    }
}

/// A latency threshold in milliseconds, above 0.
pub fn threshold_ms(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(ms) if ms > 0.0 && ms.is_finite() => Ok(ms),
        _ => Err(format!(
            "`{text}` is not a latency threshold; allowed: a number of milliseconds above 0, such as 300"
        )),
    }
}

/// A latency histogram as `upper_ms:count` pairs separated by commas or spaces; the last
/// bound may be `+Inf`.
pub fn buckets(text: &str) -> Result<Vec<(f64, u64)>, String> {
    let fail = |part: &str| {
        format!("`{part}` is not a histogram bucket; allowed: upper bound in ms, a colon, a whole count, such as 100:2500 or +Inf:5")
    };
    let parts: Vec<&str> = text
        .split([',', ' ', '\n'])
        .filter(|p| !p.trim().is_empty())
        .collect();
    if parts.is_empty() {
        return Err(
            "the histogram is empty; allowed: buckets such as 100:900, 250:90, +Inf:10".into(),
        );
    }
    parts
        .iter()
        .map(|part| {
            let (upper, count) = part.split_once(':').ok_or_else(|| fail(part))?;
            let upper = match upper.trim() {
                "+Inf" | "inf" | "Inf" => f64::INFINITY,
                number => number.parse::<f64>().map_err(|_| fail(part))?,
            };
            let count = count.trim().parse::<u64>().map_err(|_| fail(part))?;
            Ok((upper, count))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_cli() {
        assert_eq!(percent(0.0010000000000000009), "0.1%");
        assert_eq!(percent(0.0144), "1.44%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(burn_rate(14.4), "14.4x");
        assert_eq!(burn_rate(1.0), "1x");
        assert_eq!(
            window_name(Window::parse("month").unwrap()),
            "calendar month, taken as 30d"
        );
    }

    #[test]
    fn parses_form_fields() {
        assert_eq!(count("1000000"), Ok(1_000_000));
        for bad in ["", "abc", "-5", "100.5"] {
            assert!(count(bad).is_err(), "{bad}");
        }
        assert_eq!(error_ratio("25%"), Ok(0.25));
        assert_eq!(error_ratio("0.25"), Ok(0.25));
        for bad in ["", "abc", "-1", "1.5", "100.5%"] {
            assert!(error_ratio(bad).is_err(), "{bad}");
        }
        assert_eq!(
            buckets("50:7000, 500:45 +Inf:5"),
            Ok(vec![(50.0, 7000), (500.0, 45), (f64::INFINITY, 5)])
        );
        assert!(buckets("50").is_err());
        assert!(buckets("").is_err());
        assert!(threshold_ms("0").is_err());
    }
}
