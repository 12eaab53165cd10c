//! Numbers in the words every shell prints, so that the command line and the browser agree.
//!
//! Decimals are placed by integer arithmetic rather than float formatting: it lets each
//! figure choose how it rounds (availabilities never up), and keeps the float-printing
//! machinery out of the Envoy filter, whose size is budgeted.

/// The most decimals a percentage shows: beyond this a ratio near 1 has only float noise.
const MAX_DECIMALS: u32 = 10;

/// A ratio as a percentage, rounded to four decimals, with more where fewer would hide how
/// far it is from 0% or 100% (two significant digits of that distance): `0.1%`, `1.44%`,
/// `0.000014%`, `99.99999%`. Trailing zeros are trimmed.
pub fn percent(ratio: f64) -> String {
    let value = ratio * 100.0;
    let edge = value.abs().min((100.0 - value).abs());
    format!("{}%", decimal(value, decimals_for(edge).max(4)))
}

/// A ratio that stands for a decimal someone wrote (a target) or its complement (an error
/// budget), as a percentage with every digit it has: `99.999999%`, `0.000001%`. Float noise,
/// below 1e-15 for such numbers, is dropped.
pub fn exact_percent(ratio: f64) -> String {
    // 13 decimals of a percentage are 15 of the ratio.
    let units = (ratio * 1e15).round();
    if !(0.0..=9e18).contains(&units) {
        return percent(ratio);
    }
    format!("{}%", point(units as u64, 13, false))
}

/// An availability as a percentage that keeps its nines and never claims one it does not
/// have: enough decimals (at least four) for two significant digits of the unavailability,
/// cut rather than rounded, so 99.98997% shows as `99.9899%`, never `99.99%`. `100%` only
/// for exactly 1.
pub fn availability(ratio: f64) -> String {
    if ratio >= 1.0 {
        return "100%".to_string();
    }
    if ratio <= 0.0 {
        return "0%".to_string();
    }
    let unavailable = 1.0 - ratio;
    let decimals = decimals_for(unavailable * 100.0).clamp(4, MAX_DECIMALS);
    let scale = 10f64.powi(decimals as i32 + 2);
    // The unavailability is rounded up to the last shown decimal, forgiving a few ulps of
    // float error in a ratio near 1 (1 - 0.999 is 0.0010000000000000009); at least one unit,
    // so only a ratio of exactly 1 reads 100%.
    let slack = 8.0 * f64::EPSILON * scale;
    let down = ((unavailable * scale - slack).ceil() as u64).max(1);
    let whole = 100 * 10u64.pow(decimals);
    format!("{}%", point(whole - down, decimals, false))
}

/// A burn rate with at most three decimals: `14.4x`, `1x`.
pub fn burn_rate(rate: f64) -> String {
    format!("{}x", decimal(rate, 3))
}

/// How much of an error budget is spent, given the share still left (negative once
/// over-spent): `25% of the budget spent`, and past one budget, how many budgets:
/// `184.62 budgets spent` (a percentage such as -18361.5% left says it far less plainly).
pub fn budget_spent(remaining: f64) -> String {
    let spent = 1.0 - remaining;
    if !spent.is_finite() {
        return "no error budget at all".to_string();
    }
    // Up to a hair over one budget the percentage reads better than "1 budgets".
    if spent <= 1.005 {
        format!("{} of the budget spent", percent(spent))
    } else {
        format!("{} budgets spent", decimal(spent, 2))
    }
}

/// A number for machines and config files, rid of float noise: rounded to 12 significant
/// digits and printed in its shortest form (`1 - 0.999` prints `0.001`).
pub fn number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    significant(x, 12).to_string()
}

/// A count with its noun, singular for one: `1 page`, `0 pages`, `3 pages`.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}

/// A count per period, such as pages per 30 days, to one decimal: `0.3`, `4`.
pub fn per_period(x: f64) -> String {
    decimal(x, 1)
}

/// A count read as a float (events per step from Prometheus, a chart's tick) to the
/// nearest whole number: `1235`.
pub fn whole(x: f64) -> String {
    decimal(x, 0)
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

/// Decimals that show two significant digits of a positive value: 1 for 1.44, 6 for
/// 0.0000144; 0 for zero and for what is not finite.
fn decimals_for(value: f64) -> u32 {
    if value > 0.0 && value.is_finite() {
        (1 - value.log10().floor() as i32).clamp(0, MAX_DECIMALS as i32) as u32
    } else {
        0
    }
}

/// `value` rounded half away from zero to `decimals` places, trailing zeros trimmed.
fn decimal(value: f64, decimals: u32) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let units = (value.abs() * 10f64.powi(decimals as i32)).round();
    if units >= 9e18 {
        // Past what a u64 holds the decimals are noise anyway.
        return value.round().to_string();
    }
    point(units as u64, decimals, value < 0.0 && units > 0.0)
}

/// `units` of 10^-decimals written as a decimal number, trailing zeros trimmed: 14400 with
/// four decimals is `1.44`.
fn point(units: u64, decimals: u32, negative: bool) -> String {
    let scale = 10u64.pow(decimals);
    let (whole, fraction) = (units / scale, units % scale);
    let sign = if negative { "-" } else { "" };
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{fraction:0width$}", width = decimals as usize);
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_take_the_singular_for_one_only() {
        assert_eq!(counted(0, "page", "pages"), "0 pages");
        assert_eq!(counted(1, "page", "pages"), "1 page");
        assert_eq!(
            counted(2, "alert firing", "alert firings"),
            "2 alert firings"
        );
    }

    #[test]
    fn trims_noise() {
        assert_eq!(percent(0.001), "0.1%");
        assert_eq!(percent(0.0144), "1.44%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(-0.000_000_1), "-0.00001%");
        assert_eq!(percent(-4.5), "-450%");
        assert_eq!(percent(30.0 / 43.2), "69.4444%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(burn_rate(14.4), "14.4x");
        assert_eq!(budget_spent(0.75), "25% of the budget spent");
        assert_eq!(budget_spent(1.0), "0% of the budget spent");
        assert_eq!(budget_spent(-0.003), "100.3% of the budget spent");
        assert_eq!(budget_spent(-183.615385), "184.62 budgets spent");
        assert_eq!(budget_spent(-1.0), "2 budgets spent");
        assert_eq!(budget_spent(f64::NEG_INFINITY), "no error budget at all");
        assert_eq!(burn_rate(1.0), "1x");
        assert_eq!(burn_rate(13.44), "13.44x");
        assert_eq!(whole(1234.5), "1235");
        assert_eq!(whole(0.4), "0");
        assert_eq!(burn_rate(16.666_666_666_666_668), "16.667x");
        assert_eq!(availability(1.0 - 0.001f64.powi(3)), "99.9999999%");
        assert_eq!(availability(0.99985), "99.985%");
        assert_eq!(availability(0.998001), "99.8001%");
        assert_eq!(availability(0.999), "99.9%");
        assert_eq!(availability(0.5), "50%");
        assert_eq!(availability(1.0), "100%");
        assert_eq!(availability(0.0), "0%");
        assert_eq!(number(1.0 - 0.999), "0.001");
        assert_eq!(number(14.4 * (1.0 - 0.999)), "0.0144");
        assert_eq!(number(2592000.0), "2592000");
        assert_eq!(number(0.0), "0");
    }

    #[test]
    fn small_and_nearly_whole_percentages_keep_their_distance() {
        // The alert threshold of 14.4x at 99.999999%, and a budget all but untouched.
        assert_eq!(percent(14.4 * (1.0 - 0.999_999_99)), "0.000014%");
        assert_eq!(percent(0.999_999_9), "99.99999%");
    }

    #[test]
    fn an_availability_is_never_rounded_up_across_a_nine() {
        // The composite demo: 99.99%, three 99.9% replicas, two 99.95% replicas in series.
        let demo = 0.9999 * (1.0 - 0.001f64.powi(3)) * (1.0 - 0.0005f64.powi(2));
        assert_eq!(availability(demo), "99.9899%");
        assert_eq!(availability(0.9998997), "99.9899%");
        assert_eq!(availability(0.99999999999999), "99.9999999999%");
    }

    #[test]
    fn written_decimals_keep_every_digit() {
        assert_eq!(exact_percent(1.0 - 0.999_999_99), "0.000001%");
        assert_eq!(exact_percent(1.0 - 0.999_995_12), "0.000488%");
        assert_eq!(exact_percent(1.0 - 0.999), "0.1%");
        assert_eq!(exact_percent(0.999_999_999), "99.9999999%");
        assert_eq!(exact_percent(0.9), "90%");
    }

    proptest! {
        #[test]
        fn shown_availability_is_at_most_the_true_one(ratio in 0.5f64..1.0) {
            let shown = availability(ratio);
            let value: f64 = shown.trim_end_matches('%').parse().unwrap();
            // Not above the truth (beyond float error), and within the fourth decimal of it.
            prop_assert!(value <= ratio * 100.0 + 1e-9, "{ratio} shown as {shown}");
            prop_assert!(value > ratio * 100.0 - 1e-4, "{ratio} shown as {shown}");
        }
    }
}
