//! The small tables (`securities`, `actions`) as cells with positions.
//!
//! Why one cell form: these tables are thousands to about a million rows,
//! and reading Parquet into the same cells as CSV (numbers in round-trip
//! text, dates as ISO when asked for as text) lets one parser, with one set
//! of messages, validate both formats. `daily` has its own columnar paths
//! for speed.
//!
//! The cells stay in their columns, as read: a typed (Parquet or Arrow)
//! table's columns are moved in as they are, numbers and dates typed, and
//! a CSV's fields are kept as text column by column. A 50-year market's
//! `actions` has about a million rows; a row-major copy (a vector of cells
//! per row, every string cloned) was most of the time its table took to
//! load, beside the `daily` decode on the other core. Asked for as text, a
//! typed cell prints as CSV would have it, so messages are the same either
//! way.

use std::borrow::Cow;
use std::path::Path;

use rankday_core::Date;

use crate::csv_read::{csv_error, open};
use crate::error::Site;
use crate::table::{fmt_f64, Column};
use crate::{read_table, IoError, Table};

/// One cell of a small table, borrowed from its column.
#[derive(Clone, Copy)]
pub(crate) enum Cell<'a> {
    /// As written in CSV, or a text column's value (never empty).
    Text(&'a str),
    /// A number of a typed (Parquet or Arrow) column.
    F64(f64),
    /// A date of a typed column (in the YYYY-MM-DD range: the Arrow
    /// reader checked it).
    Date(Date),
}

impl<'a> Cell<'a> {
    /// The cell as CSV would have it: numbers in round-trip digits
    /// ([`fmt_f64`]), dates as YYYY-MM-DD.
    fn text(self) -> Cow<'a, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::F64(x) => Cow::Owned(fmt_f64(x)),
            Cell::Date(d) => Cow::Owned(d.to_string()),
        }
    }
}

/// The cell of row `i` of column `c`; empty text and nulls are `None`.
fn cell(c: &Column, i: usize) -> Option<Cell<'_>> {
    fn text(s: &str) -> Option<&str> {
        (!s.is_empty()).then_some(s)
    }
    match c {
        Column::Str(v) => text(&v[i]).map(Cell::Text),
        Column::OptStr(v) => v[i].as_deref().and_then(text).map(Cell::Text),
        Column::F64(v) => Some(Cell::F64(v[i])),
        Column::OptF64(v) => v[i].map(Cell::F64),
        Column::Date(v) => Some(Cell::Date(v[i])),
        Column::OptDate(v) => v[i].map(Cell::Date),
        // Kept as text by `Raw::from_table`: never here.
        Column::I64(_) | Column::Bool(_) => None,
    }
}

pub(crate) struct Raw {
    pub site: Site,
    headers: Vec<String>,
    /// Each row's position for messages (a CSV's line numbers), `None` for
    /// a typed table, whose row `i` is at 1-based row `i + 1`.
    lines: Option<Vec<u64>>,
    /// The columns of `headers`, each of `n` cells.
    cols: Vec<Column>,
    n: usize,
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
            let mut cols: Vec<Vec<Option<String>>> = vec![Vec::new(); headers.len()];
            let mut lines = Vec::new();
            let mut rec = csv::StringRecord::new();
            while r.read_record(&mut rec).map_err(|e| csv_error(&site, e))? {
                lines.push(rec.position().map_or(0, |p| p.line()));
                // The reader is not flexible: every record has a field per
                // header.
                for (col, c) in cols.iter_mut().zip(rec.iter()) {
                    col.push((!c.is_empty()).then(|| c.to_string()));
                }
            }
            Ok(Raw {
                site,
                headers,
                n: lines.len(),
                lines: Some(lines),
                cols: cols.into_iter().map(Column::OptStr).collect(),
            })
        } else {
            Ok(Raw::from_table(site, read_table(path)?))
        }
    }

    /// A typed table's cells, positioned by 1-based row (Parquet files and
    /// Arrow tables handed over in memory). Its columns move in as they
    /// are; integers and flags, which no small table types, become text.
    pub fn from_table(site: Site, t: Table) -> Raw {
        let n = t.n_rows();
        let (headers, cols): (Vec<String>, Vec<Column>) = t
            .columns
            .into_iter()
            .map(|(name, c)| match c {
                Column::I64(_) | Column::Bool(_) => {
                    let text = (0..n).map(|i| c.cell(i)).collect();
                    (name, Column::OptStr(text))
                }
                c => (name, c),
            })
            .unzip();
        Raw {
            site: site.with_columns(&headers),
            headers,
            lines: None,
            cols,
            n,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.n
    }

    /// The rows in order, each with its position.
    pub fn rows(&self) -> impl Iterator<Item = RowRef<'_>> {
        (0..self.n).map(move |i| RowRef {
            pos: self.lines.as_ref().map_or(i as u64 + 1, |l| l[i]),
            raw: self,
            i,
        })
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
    pub pos: u64,
    raw: &'a Raw,
    i: usize,
}

impl<'a> RowRef<'a> {
    /// Cell `c` of the row; empty text and nulls are `None`.
    fn cell(&self, c: usize) -> Option<Cell<'a>> {
        cell(&self.raw.cols[c], self.i)
    }
    /// Cell `c` as text (see [`Cell::text`]).
    pub fn opt(&self, c: Option<usize>) -> Option<Cow<'a, str>> {
        c.and_then(|c| self.cell(c)).map(Cell::text)
    }
    pub fn req(&self, c: usize, name: &str) -> Result<Cow<'a, str>, IoError> {
        self.cell(c).map(Cell::text).ok_or_else(|| {
            self.raw
                .site
                .invalid(self.pos, name, "required, got an empty field")
        })
    }
    pub fn err(&self, name: &str, msg: impl std::fmt::Display) -> IoError {
        self.raw.site.invalid(self.pos, name, msg)
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
        if let Some(Some(Cell::F64(v))) = c.map(|c| self.cell(c)) {
            return match v {
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
        if let Some(Cell::Date(d)) = self.cell(c) {
            return Ok(d);
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
        let typed = Raw::from_table(site.clone(), t.clone());
        // The same table with every column as its CSV text.
        let mut text = Raw::from_table(site, t.clone());
        for col in &mut text.cols {
            let cells = (0..text.n).map(|i| col.cell(i)).collect();
            *col = Column::OptStr(cells);
        }
        assert!(matches!(
            typed.rows().next().unwrap().cell(0),
            Some(Cell::F64(_))
        ));
        let show = |r: Result<String, IoError>| r.unwrap_or_else(|e| format!("error: {e}"));
        for (a, b) in typed.rows().zip(text.rows()) {
            assert_eq!(a.pos, b.pos);
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
