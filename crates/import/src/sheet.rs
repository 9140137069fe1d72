//! CSV exports read by column name, for the adapters of other people's
//! tables (CRSP, a vendor's export under `import table --map`): columns are
//! found case-insensitively whatever their order, cells are read as text,
//! numbers or dates, and every error names the file, the line and the
//! column.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rankday_core::Date;

use crate::error::ImportError;
use crate::text::{clean, is_placeholder};

/// A CSV file's header and records, streamed in file order.
pub(crate) struct Sheet {
    pub file: PathBuf,
    /// Header names as written (cleaned).
    pub names: Vec<String>,
    lower: Vec<String>,
    rdr: csv::Reader<std::fs::File>,
}

/// One record with its 1-based line in the file.
pub(crate) struct Rec<'s> {
    pub sheet: &'s SheetInfo,
    pub line: u64,
    pub rec: csv::StringRecord,
}

/// What a [`Rec`] needs of its sheet to name errors.
pub(crate) struct SheetInfo {
    pub file: PathBuf,
    pub names: Vec<String>,
}

impl Sheet {
    pub fn open(path: &Path) -> Result<Sheet, ImportError> {
        let file = std::fs::File::open(path).map_err(|e| ImportError::io(path, e))?;
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(file);
        let head = rdr.headers().map_err(|e| ImportError::Row {
            file: path.to_path_buf(),
            line: 1,
            message: e.to_string(),
        })?;
        let names: Vec<String> = head.iter().map(|h| clean(h).to_string()).collect();
        let lower = names.iter().map(|h| h.to_ascii_lowercase()).collect();
        Ok(Sheet {
            file: path.to_path_buf(),
            names,
            lower,
            rdr,
        })
    }

    /// Position of the first of `names` present (case-insensitive).
    pub fn col(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.lower.iter().position(|h| h == &n.to_ascii_lowercase()))
    }

    /// [`Sheet::col`], or an error naming what was looked for and found.
    pub fn need(&self, what: &str, names: &[&str]) -> Result<usize, ImportError> {
        self.col(names).ok_or_else(|| ImportError::Layout {
            file: self.file.clone(),
            message: format!(
                "no {what} column (looked for {names:?}; the header has {:?})",
                self.names
            ),
        })
    }

    pub fn info(&self) -> SheetInfo {
        SheetInfo {
            file: self.file.clone(),
            names: self.names.clone(),
        }
    }

    /// Calls `f` on every non-blank record, in file order.
    pub fn for_each(
        mut self,
        mut f: impl FnMut(&Rec<'_>) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let info = self.info();
        let mut rec = csv::StringRecord::new();
        loop {
            match self.rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    return Err(ImportError::Row {
                        file: self.file.clone(),
                        line: e.position().map_or(0, |p| p.line()),
                        message: e.to_string(),
                    })
                }
            }
            if rec.iter().all(|c| clean(c).is_empty()) {
                continue;
            }
            let line = rec.position().map_or(0, |p| p.line());
            let r = Rec {
                sheet: &info,
                line,
                rec: std::mem::take(&mut rec),
            };
            f(&r)?;
            rec = r.rec;
        }
    }
}

impl Rec<'_> {
    pub fn text(&self, c: usize) -> &str {
        clean(self.rec.get(c).unwrap_or(""))
    }

    /// An error about column `c` of this record.
    pub fn err(&self, c: usize, message: impl Into<String>) -> ImportError {
        ImportError::Cell {
            file: self.sheet.file.clone(),
            line: self.line,
            column: c + 1,
            column_name: self.sheet.names.get(c).cloned().unwrap_or_default(),
            message: message.into(),
        }
    }

    /// A number; `None` for an empty cell or a placeholder (`-`, `NA`, and
    /// CRSP's one-letter missing-value codes such as `B`, `C`, `A`, `S`).
    pub fn num(&self, c: usize) -> Result<Option<f64>, ImportError> {
        let t = self.text(c);
        if is_placeholder(t) || (t.len() == 1 && t.as_bytes()[0].is_ascii_alphabetic()) {
            return Ok(None);
        }
        let cleaned: String = t.chars().filter(|&ch| ch != ',').collect();
        match cleaned.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(self.err(c, format!("'{t}' is not a number"))),
        }
    }

    /// A number that must be there.
    pub fn need_num(&self, c: usize) -> Result<f64, ImportError> {
        self.num(c)?
            .ok_or_else(|| self.err(c, "empty (a number is required)"))
    }

    /// A date: `YYYY-MM-DD`, `YYYYMMDD` (CRSP's integer dates), `MM/DD/YYYY`
    /// or SAS's `DDMONYYYY`; `None` for an empty cell.
    pub fn date(&self, c: usize) -> Result<Option<Date>, ImportError> {
        let t = self.text(c);
        if is_placeholder(t) {
            return Ok(None);
        }
        parse_any_date(t)
            .map(Some)
            .ok_or_else(|| self.err(c, format!("'{t}' is not a date")))
    }

    /// A date that must be there.
    pub fn need_date(&self, c: usize) -> Result<Date, ImportError> {
        self.date(c)?
            .ok_or_else(|| self.err(c, "empty (a date is required)"))
    }
}

/// The date spellings of data exports (see [`Rec::date`]).
pub(crate) fn parse_any_date(t: &str) -> Option<Date> {
    let t = t.trim();
    let t = t
        .get(..10)
        .filter(|s| s.as_bytes().get(4) == Some(&b'-'))
        .unwrap_or(t);
    if let Ok(d) = Date::parse(t) {
        return Some(d);
    }
    for fmt in ["%Y%m%d", "%m/%d/%Y", "%d%b%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some(Date::from_naive(d));
        }
    }
    // Integer dates written as floats by some exports (20240102.0).
    t.strip_suffix(".0")
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y%m%d").ok())
        .map(Date::from_naive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_date_spellings() {
        let d = Some(Date::ymd(2024, 1, 2));
        assert_eq!(parse_any_date("2024-01-02"), d);
        assert_eq!(parse_any_date("20240102"), d);
        assert_eq!(parse_any_date("20240102.0"), d);
        assert_eq!(parse_any_date("01/02/2024"), d);
        assert_eq!(parse_any_date("02JAN2024"), d);
        assert_eq!(parse_any_date("2024-01-02 00:00:00"), d);
        assert_eq!(parse_any_date("soon"), None);
    }
}
