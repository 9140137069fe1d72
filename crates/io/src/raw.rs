//! The small tables (`securities`, `actions`) as text cells with positions.
//!
//! Why text: these tables are thousands to a few hundred thousand rows, so
//! reading Parquet into the same cell form as CSV (numbers in round-trip
//! text, dates as ISO) costs nothing measurable and lets one parser, with
//! one set of messages, validate both formats. `daily` has its own columnar
//! paths for speed.

use std::path::Path;

use crate::csv_read::{csv_error, open};
use crate::error::Site;
use crate::{read_table, IoError, Table};

pub(crate) struct Raw {
    pub site: Site,
    headers: Vec<String>,
    /// (position for messages, cells); empty text and nulls are `None`.
    pub rows: Vec<(u64, Vec<Option<String>>)>,
}

impl Raw {
    pub fn read(path: &Path, csv: bool) -> Result<Raw, IoError> {
        let site = Site::new(path, csv);
        if csv {
            let mut r = open(path)?;
            let headers: Vec<String> = r
                .headers()
                .map_err(|e| csv_error(&site, e))?
                .iter()
                .map(str::to_string)
                .collect();
            let site = site.with_columns(&headers);
            let mut rows = Vec::new();
            let mut rec = csv::StringRecord::new();
            while r.read_record(&mut rec).map_err(|e| csv_error(&site, e))? {
                let line = rec.position().map_or(0, |p| p.line());
                let cells = rec
                    .iter()
                    .map(|c| (!c.is_empty()).then(|| c.to_string()))
                    .collect();
                rows.push((line, cells));
            }
            Ok(Raw {
                site,
                headers,
                rows,
            })
        } else {
            Ok(Raw::from_table(site, &read_table(path)?))
        }
    }

    /// A typed table's cells as text, positioned by 1-based row (Parquet
    /// files and Arrow tables handed over in memory).
    pub fn from_table(site: Site, t: &Table) -> Raw {
        let n = t.n_rows();
        let mut rows: Vec<(u64, Vec<Option<String>>)> = (0..n)
            .map(|i| (i as u64 + 1, Vec::with_capacity(t.columns.len())))
            .collect();
        for (_, c) in &t.columns {
            for (i, row) in rows.iter_mut().enumerate() {
                row.1.push(c.cell(i).filter(|s| !s.is_empty()));
            }
        }
        let headers: Vec<String> = t.columns.iter().map(|(n, _)| n.clone()).collect();
        Raw {
            site: site.with_columns(&headers),
            headers,
            rows,
        }
    }

    /// Index of an optional column.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
    /// Index of a required column, or the "required column is missing" error.
    pub fn req(&self, name: &str) -> Result<usize, IoError> {
        self.col(name).ok_or_else(|| self.site.missing_column(name))
    }
}

/// Accessors over one row that produce located errors.
pub(crate) struct RowRef<'a> {
    pub site: &'a Site,
    pub pos: u64,
    pub cells: &'a [Option<String>],
}

impl<'a> RowRef<'a> {
    pub fn opt(&self, c: Option<usize>) -> Option<&'a str> {
        c.and_then(|c| self.cells[c].as_deref())
    }
    pub fn req(&self, c: usize, name: &str) -> Result<&'a str, IoError> {
        self.cells[c].as_deref().ok_or_else(|| {
            self.site
                .invalid(self.pos, name, "required, got an empty field")
        })
    }
    pub fn err(&self, name: &str, msg: impl std::fmt::Display) -> IoError {
        self.site.invalid(self.pos, name, msg)
    }
    /// Parses via `FromStr` whose error text already says what was expected.
    pub fn parse<T: std::str::FromStr<Err = String>>(
        &self,
        c: usize,
        name: &str,
    ) -> Result<T, IoError> {
        let s = self.req(c, name)?;
        s.parse().map_err(|e: String| self.err(name, e))
    }
    pub fn opt_parse<T: std::str::FromStr<Err = String>>(
        &self,
        c: Option<usize>,
        name: &str,
    ) -> Result<Option<T>, IoError> {
        self.opt(c)
            .map(|s| s.parse().map_err(|e: String| self.err(name, e)))
            .transpose()
    }
    pub fn opt_f64(&self, c: Option<usize>, name: &str) -> Result<Option<f64>, IoError> {
        match self.opt(c) {
            None => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                Ok(v) => Err(self.err(name, format!("must be a finite number, got {v}"))),
                Err(_) => Err(self.err(name, format!("'{s}' is not a number"))),
            },
        }
    }
    pub fn date(&self, c: usize, name: &str) -> Result<rankday_core::Date, IoError> {
        let s = self.req(c, name)?;
        rankday_core::Date::parse(s).map_err(|e| self.err(name, e))
    }
}
