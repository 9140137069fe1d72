//! Git-scraped daily IWM constituent files (`iwm_daily_2025_2026/files`).
//!
//! Layouts over time (all auto-detected): CSV with a `Ticker` column and a
//! `Weight (%)` or `Weight` column (with or without a leading index column
//! or `Rank`, with or without `Market Value`), and from October 2025 plain
//! text with one ticker per line.
//!
//! Lines are kept as published, non-stock lines (futures, cash) included:
//! they carry weight 0.00 in these files and the published line counts of
//! the shared README include them.

use std::path::Path;

use chrono::Weekday;
use rankday_core::Date;

use crate::error::ImportError;
use crate::text::{clean, date_in_file_name, lower_header, parse_number, NameDate};

/// One published IWM constituent list.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightSnapshot {
    /// The list's date.
    pub as_of: Date,
    /// (iShares ticker, weight in percent with 2 decimals) in file order;
    /// `None` in the tickers-only files.
    pub weights: Vec<(String, Option<f64>)>,
}

impl WeightSnapshot {
    /// Tickers in file order (repeats kept, e.g. `ADRO` twice).
    pub fn tickers(&self) -> Vec<String> {
        self.weights.iter().map(|(t, _)| t.clone()).collect()
    }
    /// (ticker, weight) pairs, or `None` for a tickers-only file.
    pub fn weight_pairs(&self) -> Option<Vec<(String, f64)>> {
        self.weights
            .iter()
            .map(|(t, w)| w.map(|w| (t.clone(), w)))
            .collect()
    }
}

/// The holdings date a scraped file describes, from the UTC moment it was
/// downloaded.
///
/// iShares publishes a fund's holdings of trading day D overnight, so a file
/// downloaded on New York calendar day N describes the last weekday before N
/// (PROVENANCE of `iwm_daily_2025_2026`: commit 2025-06-27T13:22Z is as of
/// Thu 06-26, 2025-06-28T19:17Z as of Fri 06-27, 2025-07-01T13:23Z as of Mon
/// 06-30). The New York day is the UTC day, except before 05:00 UTC, which
/// is still the previous evening in New York. `is_trading_day` lets a caller
/// with an exchange calendar skip holidays; [`snapshot_date`] uses weekdays.
pub fn holdings_date_for_download(
    utc_date: Date,
    utc_hour: u32,
    is_trading_day: impl Fn(Date) -> bool,
) -> Date {
    let ny = if utc_hour < 5 {
        utc_date.add_days(-1)
    } else {
        utc_date
    };
    let mut d = ny.add_days(-1);
    while !is_trading_day(d) {
        d = d.add_days(-1);
    }
    d
}

/// [`holdings_date_for_download`] with weekdays as trading days.
pub fn snapshot_date(utc_date: Date, utc_hour: u32) -> Date {
    holdings_date_for_download(utc_date, utc_hour, |d| {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    })
}

/// Reads a daily snapshot; the as-of date comes from the file name
/// (see [`holdings_date_for_download`] for timestamps; a plain
/// `YYYY-MM-DD` is taken as the as-of date itself).
pub fn read_weight_snapshot(path: &Path) -> Result<WeightSnapshot, ImportError> {
    read_weight_snapshot_with(path, None)
}

/// [`read_weight_snapshot`] with an as-of override.
pub fn read_weight_snapshot_with(
    path: &Path,
    as_of: Option<Date>,
) -> Result<WeightSnapshot, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(path, e))?;
    parse_weight_snapshot(&String::from_utf8_lossy(&bytes), path, as_of)
}

/// Parses snapshot text; `source` names the file and supplies the date.
pub fn parse_weight_snapshot(
    text: &str,
    source: &Path,
    as_of: Option<Date>,
) -> Result<WeightSnapshot, ImportError> {
    let file = source.to_path_buf();
    let as_of = as_of
        .or_else(|| {
            source
                .file_name()
                .and_then(|n| match date_in_file_name(&n.to_string_lossy())? {
                    NameDate::Day(d) => Some(d),
                    NameDate::Timestamp { date, hour, .. } => Some(snapshot_date(date, hour)),
                })
        })
        .ok_or_else(|| ImportError::NoDate { file: file.clone() })?;
    let first = text.lines().next().unwrap_or("");
    let is_csv = first.contains(',')
        && first
            .split(',')
            .any(|h| clean(h).trim_matches('"').eq_ignore_ascii_case("ticker"));
    let mut weights = Vec::new();
    if !is_csv {
        for (i, l) in text.lines().enumerate() {
            let t = clean(l);
            if t.is_empty() {
                continue;
            }
            if t.contains(',') {
                return Err(ImportError::Row {
                    file,
                    line: i as u64 + 1,
                    message: format!(
                        "'{t}' in a tickers-only file (no CSV header with a Ticker column)"
                    ),
                });
            }
            weights.push((t.to_string(), None));
        }
        return Ok(WeightSnapshot { as_of, weights });
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = lower_header(&mut rdr, &file)?;
    let ti = header
        .iter()
        .position(|h| h == "ticker")
        .expect("checked above");
    let wi = header
        .iter()
        .position(|h| h == "weight (%)" || h == "weight")
        .ok_or_else(|| ImportError::Layout {
            file: file.clone(),
            message: format!("no Weight column in header {}", header.join(",")),
        })?;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ImportError::Row {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let t = clean(rec.get(ti).unwrap_or(""));
        if t.is_empty() && rec.iter().all(|f| clean(f).is_empty()) {
            continue;
        }
        let raw = clean(rec.get(wi).unwrap_or(""));
        let w = parse_number(raw).map_err(|()| ImportError::Cell {
            file: file.clone(),
            line,
            column: wi + 1,
            column_name: header[wi].clone(),
            message: format!("'{raw}' is not a number"),
        })?;
        weights.push((t.to_string(), Some(w.unwrap_or(0.0))));
    }
    Ok(WeightSnapshot { as_of, weights })
}
