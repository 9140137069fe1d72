//! Money as a person reads it in a summary, a terminal table or the report:
//! one format everywhere, so the same figure never prints two ways.

/// What a missing or non-finite amount prints as, so a `NaN` never reaches a
/// reader.
pub const MISSING: &str = "—";

/// Compact dollars: `$4.6B`, `$812M`, `$12.3K`, `−$1.2T`. Three significant
/// digits at most, because a strategist scans magnitudes, not cents; a
/// typographic minus, so a negative amount lines up and reads as one.
/// The report's charts format their axes the same way (`fmtUsd` in the
/// report's script).
pub fn usd(v: f64) -> String {
    if !v.is_finite() {
        return MISSING.to_string();
    }
    let sign = if v < 0.0 { "−" } else { "" };
    let a = v.abs();
    // A unit is used from 0.9995 of it up, so rounding never prints `$1000K`.
    let (scaled, suffix) = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
        .into_iter()
        .find(|(unit, _)| a >= unit * 0.9995)
        .map_or((a, ""), |(unit, s)| (a / unit, s));
    let decimals = if suffix.is_empty() || scaled >= 99.95 {
        0
    } else {
        1
    };
    format!("{sign}${scaled:.decimals$}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usd_is_compact() {
        assert_eq!(usd(4.6e9), "$4.6B");
        assert_eq!(usd(4_649_000_000.0), "$4.6B");
        assert_eq!(usd(812e6), "$812M");
        assert_eq!(usd(-1.23e12), "−$1.2T");
        assert_eq!(usd(12_345.0), "$12.3K");
        assert_eq!(usd(999.6), "$1.0K");
        assert_eq!(usd(999_960.0), "$1.0M");
        assert_eq!(usd(950.0), "$950");
        assert_eq!(usd(99.96e6), "$100M");
        assert_eq!(usd(f64::NAN), MISSING);
    }

    #[test]
    fn negatives_and_large_scales() {
        assert_eq!(usd(-150e6), "−$150M");
        assert_eq!(usd(53.0e12), "$53.0T");
        assert_eq!(usd(-0.0), "$0");
        assert_eq!(usd(f64::NEG_INFINITY), MISSING);
    }
}
