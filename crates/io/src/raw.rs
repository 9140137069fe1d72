//! The small tables (`securities`, `actions`) as text cells with positions.
//!
//! Why text: these tables are thousands to a few hundred thousand rows, so
//! reading Parquet into the same cell form as CSV (numbers in round-trip
//! text, dates as ISO) costs nothing measurable and lets one parser, with
//! one set of messages, validate both formats. `daily` has its own columnar
//! paths for speed.
//!
//! Numbers and dates of a typed column stay typed ([`Cell`]): a 50-year
//! market's `actions` has 784,000 rows, and printing each ratio, amount and
//! date to text only for the parser to read it back was most of the time
//! its table took to load. Asked for as text, such a cell prints as CSV
//! would have it, so messages are the same either way.

use std::borrow::Cow;
use std::path::Path;

use rankday_core::Date;

use crate::csv_read::{csv_error, open};
use crate::error::Site;
use crate::table::{fmt_f64, Column};
use crate::{read_table, IoError, Table};

/// One cell of a small table.
pub(crate) enum Cell {
    /// As written in CSV, or a text column's value.
    Text(String),
    /// A number of a typed (Parquet or Arrow) column.
    F64(f64),
    /// A date of a typed column (in the YYYY-MM-DD range: the Arrow
    /// reader checked it).
    Date(Date),
}

impl Cell {
    /// The cell as CSV would have it: numbers in round-trip digits
    /// ([`fmt_f64`]), dates as YYYY-MM-DD.
    fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::F64(x) => Cow::Owned(fmt_f64(*x)),
            Cell::Date(d) => Cow::Owned(d.to_string()),
        }
    }
}

pub(crate) struct Raw {
    pub site: Site,
    headers: Vec<String>,
    /// (position for messages, cells); empty text and nulls are `None`.
    pub rows: Vec<(u64, Vec<Option<Cell>>)>,
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
                    .map(|c| (!c.is_empty()).then(|| Cell::Text(c.to_string())))
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
        let mut rows: Vec<(u64, Vec<Option<Cell>>)> = (0..n)
            .map(|i| (i as u64 + 1, Vec::with_capacity(t.columns.len())))
            .collect();
        for (_, c) in &t.columns {
            for (i, row) in rows.iter_mut().enumerate() {
                row.1.push(match c {
                    Column::F64(v) => Some(Cell::F64(v[i])),
                    Column::OptF64(v) => v[i].map(Cell::F64),
                    Column::Date(v) => Some(Cell::Date(v[i])),
                    Column::OptDate(v) => v[i].map(Cell::Date),
                    Column::Str(v) => (!v[i].is_empty()).then(|| Cell::Text(v[i].clone())),
                    Column::OptStr(v) => v[i]
                        .as_ref()
                        .filter(|s| !s.is_empty())
                        .map(|s| Cell::Text(s.clone())),
                    _ => c.cell(i).filter(|s| !s.is_empty()).map(Cell::Text),
                });
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
    pub cells: &'a [Option<Cell>],
}

impl<'a> RowRef<'a> {
    /// Cell `c` as text (see [`Cell::text`]).
    pub fn opt(&self, c: Option<usize>) -> Option<Cow<'a, str>> {
        c.and_then(|c| self.cells[c].as_ref()).map(Cell::text)
    }
    pub fn req(&self, c: usize, name: &str) -> Result<Cow<'a, str>, IoError> {
        self.cells[c].as_ref().map(Cell::text).ok_or_else(|| {
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
        if let Some(Some(Cell::F64(v))) = c.map(|c| &self.cells[c]) {
            return match *v {
                v if v.is_finite() => Ok(Some(v)),
                v => Err(self.err(name, format!("must be a finite number, got {v}"))),
            };
        }
        match self.opt(c) {
            None => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                Ok(v) => Err(self.err(name, format!("must be a finite number, got {v}"))),
                Err(_) => Err(self.err(name, format!("'{s}' is not a number"))),
            },
        }
    }
    pub fn date(&self, c: usize, name: &str) -> Result<Date, IoError> {
        if let Some(Cell::Date(d)) = &self.cells[c] {
            return Ok(*d);
        }
        let s = self.req(c, name)?;
        Date::parse(&s).map_err(|e| self.err(name, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Typed cells read as their text would: the same values, the same
    /// text, the same errors (the messages of a Parquet table and of its
    /// CSV are one).
    #[test]
    fn typed_cells_read_as_their_text() {
        let d = |s| Date::parse(s).unwrap();
        let t = Table::new()
            .with("x", Column::F64(vec![0.1 + 0.2, f64::NAN, -0.0, 1e300]))
            .with(
                "y",
                Column::OptF64(vec![None, Some(f64::INFINITY), Some(2.0), Some(-1.5)]),
            )
            .with("d", Column::Date(vec![d("2024-02-29"); 4]))
            .with(
                "e",
                Column::OptDate(vec![
                    Some(d("0001-01-01")),
                    None,
                    None,
                    Some(d("9999-12-31")),
                ]),
            )
            .with(
                "s",
                Column::OptStr(vec![
                    Some("a".into()),
                    Some(String::new()),
                    None,
                    Some("b".into()),
                ]),
            )
            .with("n", Column::I64(vec![1, 2, 3, 4]));
        let site = Site::new(Path::new("t.parquet"), false);
        let typed = Raw::from_table(site.clone(), &t);
        let mut text = Raw::from_table(site, &t);
        for (i, (_, cells)) in text.rows.iter_mut().enumerate() {
            for (c, (_, col)) in cells.iter_mut().zip(&t.columns) {
                *c = col.cell(i).filter(|s| !s.is_empty()).map(Cell::Text);
            }
        }
        assert!(matches!(typed.rows[0].1[0], Some(Cell::F64(_))));
        let show = |r: Result<String, IoError>| r.unwrap_or_else(|e| format!("error: {e}"));
        for ((pos, a), (_, b)) in typed.rows.iter().zip(&text.rows) {
            let row = |cells| RowRef {
                site: &typed.site,
                pos: *pos,
                cells,
            };
            let (a, b) = (row(a), row(b));
            for c in 0..t.columns.len() {
                let name = &t.columns[c].0;
                assert_eq!(a.opt(Some(c)), b.opt(Some(c)), "{c}");
                assert_eq!(
                    show(a.req(c, name).map(|s| s.into_owned())),
                    show(b.req(c, name).map(|s| s.into_owned()))
                );
                let f = |r: &RowRef| show(r.opt_f64(Some(c), name).map(|x| format!("{x:?}")));
                assert_eq!(f(&a), f(&b), "{c}");
                let dt = |r: &RowRef| show(r.date(c, name).map(|x| x.to_string()));
                assert_eq!(dt(&a), dt(&b), "{c}");
            }
        }
    }
}
