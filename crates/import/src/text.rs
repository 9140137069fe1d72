//! Small text helpers shared by the parsers: numbers with thousands
//! separators, the date spellings iShares uses, dates hidden in file names.

use chrono::NaiveDate;
use rankday_core::Date;

/// Placeholders iShares (and re-saved copies) put in empty numeric cells.
pub(crate) fn is_placeholder(s: &str) -> bool {
    matches!(s.trim(), "" | "-" | "--" | "N/A" | "NA")
}

/// Parses `"1,234.50"`, `1234.5`, `-3`: thousands separators removed.
/// Returns `Ok(None)` for placeholders, `Err(())` for anything else that is
/// not a number.
pub(crate) fn parse_number(s: &str) -> Result<Option<f64>, ()> {
    let t = s.trim();
    if is_placeholder(t) {
        return Ok(None);
    }
    let cleaned: String = t.chars().filter(|&c| c != ',').collect();
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(()),
    }
}

/// Trims ASCII and Unicode whitespace, including the non-breaking space
/// iShares writes on its "blank" separator line, and a leading BOM.
pub(crate) fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{a0}')
}

/// Dates as iShares spells them: `May 13, 2025`, `13-Apr-26` (Excel
/// re-save), `May 13 2025`, `2025-05-13`, `05/13/2025`.
pub(crate) fn parse_loose_date(s: &str) -> Option<Date> {
    let t = clean(s).trim_matches('"');
    if let Ok(d) = Date::parse(t) {
        return Some(d);
    }
    for fmt in [
        "%b %d, %Y",
        "%B %d, %Y",
        "%b %d %Y",
        "%d-%b-%y",
        "%d-%b-%Y",
        "%m/%d/%Y",
        "%Y%m%d",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some(Date::from_naive(d));
        }
    }
    None
}

/// What a file name says about its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameDate {
    /// A plain date (`IWM_2025-11-05.csv`, `russell3000_2025_0630.csv`,
    /// `20130705_ishares_...txt`): the as-of date itself.
    Day(Date),
    /// A UTC timestamp (`iwm_2025-06-18T132340Z.csv`): the moment a scraper
    /// downloaded the file, not the holdings date.
    Timestamp {
        /// The date of the download.
        date: Date,
        /// Its hour, UTC.
        hour: u32,
        /// Its minute.
        minute: u32,
    },
}

/// Finds the first date in a file name, in the spellings the shared data use.
pub fn date_in_file_name(name: &str) -> Option<NameDate> {
    let b = name.as_bytes();
    let digits =
        |i: usize, n: usize| i + n <= b.len() && b[i..i + n].iter().all(u8::is_ascii_digit);
    let num = |i: usize, n: usize| -> u32 { name[i..i + n].parse().unwrap_or(0) };
    for i in 0..b.len() {
        if i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        // YYYY-MM-DD, optionally followed by THHMMSSZ.
        if digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
        {
            if let Some(d) = Date::from_ymd(num(i, 4) as i32, num(i + 5, 2), num(i + 8, 2)) {
                if b.get(i + 10) == Some(&b'T') && digits(i + 11, 4) {
                    return Some(NameDate::Timestamp {
                        date: d,
                        hour: num(i + 11, 2),
                        minute: num(i + 13, 2),
                    });
                }
                return Some(NameDate::Day(d));
            }
        }
        // YYYY_MMDD (dbt seeds) and YYYYMMDD.
        let (m_at, ok) = if digits(i, 4) && b.get(i + 4) == Some(&b'_') && digits(i + 5, 4) {
            (i + 5, !digits(i + 9, 1))
        } else if digits(i, 8) {
            (i + 4, !digits(i + 8, 1))
        } else {
            (0, false)
        };
        if ok {
            if let Some(d) = Date::from_ymd(num(i, 4) as i32, num(m_at, 2), num(m_at + 2, 2)) {
                if (1990..=2100).contains(&d.year()) {
                    return Some(NameDate::Day(d));
                }
            }
        }
    }
    None
}

/// The header row of a CSV, cleaned and lower-cased, so columns can be found
/// whatever the exporter's capitalisation or padding; an unreadable header is
/// an error on line 1 of `file`.
pub(crate) fn lower_header<R: std::io::Read>(
    rdr: &mut csv::Reader<R>,
    file: &std::path::Path,
) -> Result<Vec<String>, crate::error::ImportError> {
    Ok(rdr
        .headers()
        .map_err(|e| crate::error::ImportError::Row {
            file: file.to_path_buf(),
            line: 1,
            message: e.to_string(),
        })?
        .iter()
        .map(|h| clean(h).to_ascii_lowercase())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_separators_and_placeholders() {
        assert_eq!(
            parse_number("\"1,234.50\"".trim_matches('"')),
            Ok(Some(1234.5))
        );
        assert_eq!(parse_number(" 303,600,000.00 "), Ok(Some(303_600_000.0)));
        assert_eq!(parse_number("-"), Ok(None));
        assert_eq!(parse_number("--"), Ok(None));
        assert_eq!(parse_number("-2.5"), Ok(Some(-2.5)));
        assert_eq!(parse_number("12a"), Err(()));
        assert_eq!(parse_number("inf"), Err(()));
    }

    #[test]
    fn ishares_date_spellings() {
        assert_eq!(
            parse_loose_date("May 13, 2025"),
            Some(Date::ymd(2025, 5, 13))
        );
        assert_eq!(
            parse_loose_date("\"Jul 17, 2026\""),
            Some(Date::ymd(2026, 7, 17))
        );
        assert_eq!(parse_loose_date("13-Apr-26"), Some(Date::ymd(2026, 4, 13)));
        assert_eq!(parse_loose_date("2025-11-05"), Some(Date::ymd(2025, 11, 5)));
        assert_eq!(parse_loose_date("sometime"), None);
    }

    #[test]
    fn dates_in_file_names() {
        assert_eq!(
            date_in_file_name("IWM_2025-11-05.csv"),
            Some(NameDate::Day(Date::ymd(2025, 11, 5)))
        );
        assert_eq!(
            date_in_file_name("IWM_2025-11-11_inferred.csv"),
            Some(NameDate::Day(Date::ymd(2025, 11, 11)))
        );
        assert_eq!(
            date_in_file_name("iwm_2025-06-18T132340Z.csv"),
            Some(NameDate::Timestamp {
                date: Date::ymd(2025, 6, 18),
                hour: 13,
                minute: 23
            })
        );
        assert_eq!(
            date_in_file_name("russell3000_2025_0630.csv"),
            Some(NameDate::Day(Date::ymd(2025, 6, 30)))
        );
        assert_eq!(
            date_in_file_name("20130705_ishares_russell_1000_etf_equities.txt"),
            Some(NameDate::Day(Date::ymd(2013, 7, 5)))
        );
        assert_eq!(date_in_file_name("IWV_holdings.csv"), None);
        assert_eq!(date_in_file_name("IWM_2025-13-45.csv"), None);
    }
}
