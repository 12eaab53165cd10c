//! Numbers in the words every shell prints, so that the command line and the browser agree.

/// A ratio as a percentage with at most four decimals and no trailing zeros: `0.1%`, `1.44%`.
pub fn percent(ratio: f64) -> String {
    let text = format!("{:.4}", ratio * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    // -0.00001 rounds to "-0".
    format!("{}%", if text == "-0" { "0" } else { text })
}

/// A burn rate with at most three decimals: `14.4x`, `1x`.
pub fn burn_rate(rate: f64) -> String {
    let text = format!("{rate:.3}");
    format!("{}x", text.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_noise() {
        assert_eq!(percent(0.001), "0.1%");
        assert_eq!(percent(0.0144), "1.44%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(-0.000_000_1), "0%");
        assert_eq!(burn_rate(14.4), "14.4x");
        assert_eq!(burn_rate(1.0), "1x");
        assert_eq!(burn_rate(13.44), "13.44x");
    }
}
