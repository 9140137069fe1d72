use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};

/// A calendar date as days since 1970-01-01.
///
/// Why an `i32` and not `chrono::NaiveDate` everywhere: it is `Copy`, 4 bytes,
/// totally ordered, and bit-identical to Arrow's `Date32`, so the store's
/// date columns are read from and written to Parquet without conversion.
/// chrono is used only at the edges (parsing, weekday and month arithmetic).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date(pub i32);

/// A string that is not an ISO `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date in YYYY-MM-DD form")]
pub struct DateParseError(pub String);

const UNIX_EPOCH_CE_DAYS: i32 = 719_163;

impl Date {
    /// The date for a year, month (1-12) and day, or `None` if there is no such day.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date::from_naive)
    }

    /// Panicking twin of [`Date::from_ymd`], for constants in code and tests.
    pub fn ymd(year: i32, month: u32, day: u32) -> Date {
        Date::from_ymd(year, month, day)
            .unwrap_or_else(|| panic!("invalid date {year}-{month}-{day}"))
    }

    /// From chrono's date.
    pub fn from_naive(d: NaiveDate) -> Date {
        Date(d.num_days_from_ce() - UNIX_EPOCH_CE_DAYS)
    }

    /// To chrono's date, for calendar arithmetic.
    pub fn to_naive(self) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.0 + UNIX_EPOCH_CE_DAYS)
            .expect("Date out of chrono's range")
    }

    /// Calendar year.
    pub fn year(self) -> i32 {
        self.to_naive().year()
    }
    /// Month, 1 to 12.
    pub fn month(self) -> u32 {
        self.to_naive().month()
    }
    /// Day of the month, 1 to 31.
    pub fn day(self) -> u32 {
        self.to_naive().day()
    }
    /// Day of the week.
    pub fn weekday(self) -> Weekday {
        self.to_naive().weekday()
    }
    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self.weekday(), Weekday::Sat | Weekday::Sun)
    }
    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i32) -> Date {
        Date(self.0 + n)
    }
    /// Calendar days from `earlier` to `self`.
    pub fn days_since(self, earlier: Date) -> i32 {
        self.0 - earlier.0
    }
    /// Year as a fraction, for growth paths and annualisation.
    pub fn year_fraction(self) -> f64 {
        1970.0 + self.0 as f64 / 365.2425
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, DateParseError> {
        let b = s.as_bytes();
        let bad = || DateParseError(s.to_string());
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let mut v = 0u32;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + (c - b'0') as u32;
            }
            Some(v)
        };
        let (y, m, d) = (
            num(0..4).ok_or_else(bad)?,
            num(5..7).ok_or_else(bad)?,
            num(8..10).ok_or_else(bad)?,
        );
        Date::from_ymd(y as i32, m, d).ok_or_else(bad)
    }
}

impl FromStr for Date {
    type Err = DateParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.to_naive();
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_matches_arrow_date32() {
        assert_eq!(Date::ymd(1970, 1, 1).0, 0);
        assert_eq!(Date::ymd(2024, 4, 30).0, 19843);
    }

    #[test]
    fn parse_round_trips_and_rejects_junk() {
        let d = Date::parse("2026-06-26").unwrap();
        assert_eq!(d.to_string(), "2026-06-26");
        assert_eq!(d.weekday(), Weekday::Fri);
        for bad in [
            "2026-6-26",
            "2026-02-30",
            "26-06-2026",
            "2026/06/26",
            "",
            "2026-06-2x",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }
}
