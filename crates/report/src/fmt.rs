//! Number and text formatting for the server-rendered tables.
//!
//! Why in Rust and not only in the page's JavaScript: tables are rendered into
//! the HTML itself so they read (and print, and grep) even with scripts off;
//! the JavaScript twin in `assets/report.js` (`fmtUsd`) formats chart axes the
//! same way, and the unit tests pin the shared conventions. Money has one
//! format across rankday: `rankday_core::money::usd`.

/// Escapes text for HTML element content and double-quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Placeholder for a missing or non-finite number, so a `NaN` never reaches a reader.
pub const DASH: &str = rankday_core::money::MISSING;

/// Compact dollars, as everywhere in rankday (`rankday_core::money`).
pub use rankday_core::money::usd;

/// An integer with thousands separators: `12,345`.
pub fn int(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fixed-decimals number with thousands separators, `−` for negatives.
pub fn num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return DASH.to_string();
    }
    let s = format!("{:.decimals$}", v.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let whole = int(whole.parse::<u64>().unwrap_or(0));
    let sign = if v < 0.0 && s.chars().any(|c| c != '0' && c != '.') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// A fraction as a signed percentage: `0.1234` → `+12.34%`.
pub fn signed_pct(fraction: f64) -> String {
    if !fraction.is_finite() {
        return DASH.to_string();
    }
    let s = num(fraction * 100.0, 2);
    if fraction > 0.0 && s != "0.00" {
        format!("+{s}%")
    } else {
        format!("{s}%")
    }
}

/// A fraction as a percentage without a sign: `0.231` → `23.1%`.
pub fn pct(fraction: f64) -> String {
    if !fraction.is_finite() {
        return DASH.to_string();
    }
    format!("{}%", num(fraction * 100.0, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_numbers_group_thousands() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1,000");
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(num(1234.567, 2), "1,234.57");
        assert_eq!(num(-0.001, 2), "0.00");
        assert_eq!(num(-12.5, 1), "−12.5");
        assert_eq!(num(f64::INFINITY, 1), DASH);
    }

    #[test]
    fn percentages() {
        assert_eq!(signed_pct(0.1234), "+12.34%");
        assert_eq!(signed_pct(-0.05), "−5.00%");
        assert_eq!(pct(0.231), "23.1%");
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
