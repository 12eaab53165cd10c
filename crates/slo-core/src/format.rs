//! Numbers in the words every shell prints, so that the command line and the browser agree.

/// A ratio as a percentage with at most four decimals and no trailing zeros: `0.1%`, `1.44%`.
pub fn percent(ratio: f64) -> String {
    let text = format!("{:.4}", ratio * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    // -0.00001 rounds to "-0".
    format!("{}%", if text == "-0" { "0" } else { text })
}

/// An availability as a percentage that keeps its nines: like `percent`, with more
/// decimals where needed to show the first two significant digits of the unavailability
/// (`99.9999999%` rather than `100%`), and `100%` only for exactly 1.
pub fn availability(ratio: f64) -> String {
    let unavailable = 1.0 - ratio;
    if unavailable <= 0.0 {
        return "100%".to_string();
    }
    let nines = 1 - (unavailable * 100.0).log10().floor() as i32;
    let decimals = nines.clamp(4, 15) as usize;
    let text = format!("{:.*}", decimals, ratio * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// A burn rate with at most three decimals: `14.4x`, `1x`.
pub fn burn_rate(rate: f64) -> String {
    let text = format!("{rate:.3}");
    format!("{}x", text.trim_end_matches('0').trim_end_matches('.'))
}

/// A number for machines and config files, rid of float noise: rounded to 12 significant
/// digits and printed in its shortest form (`1 - 0.999` prints `0.001`).
pub fn number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    significant(x, 12).to_string()
}

/// `x` rounded to `digits` significant digits, by arithmetic rather than through text (the
/// filter's size budget has no room for float parsing).
pub fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi((digits - 1 - x.abs().log10().floor() as i32).clamp(-300, 300));
    (x * scale).round() / scale
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
        assert_eq!(availability(1.0 - 0.001f64.powi(3)), "99.9999999%");
        assert_eq!(availability(0.99985), "99.985%");
        assert_eq!(availability(0.9998997), "99.99%");
        assert_eq!(availability(0.998001), "99.8001%");
        assert_eq!(availability(0.999), "99.9%");
        assert_eq!(availability(0.5), "50%");
        assert_eq!(availability(1.0), "100%");
        assert_eq!(number(1.0 - 0.999), "0.001");
        assert_eq!(number(14.4 * (1.0 - 0.999)), "0.0144");
        assert_eq!(number(2592000.0), "2592000");
        assert_eq!(number(0.0), "0");
    }
}
