//! Generic output tables (`membership`, `levels`, `flows`, …) and the
//! user-supplied tables rankday reads back (portfolios).
//!
//! Why a small column enum instead of handing out Arrow arrays: every crate
//! that produces a table builds plain vectors, and the CSV and Parquet
//! encodings (and their null conventions) then live in one place.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rankday_core::Date;

use rayon::prelude::*;

use crate::arrow_util::{f64_col, DateCol, StrCol};
use crate::error::Site;
use crate::parquet_pages::{parquet_call, parquet_iter};
use crate::{atomic_write, FileFormat, IoError};

/// One column of a [`Table`]. `Opt*` variants carry nulls (empty CSV fields).
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Text (Parquet UTF-8).
    Str(Vec<String>),
    /// Numbers; NaN is written as an empty CSV field and read back as NaN.
    F64(Vec<f64>),
    /// Integers (counts, ordinals).
    I64(Vec<i64>),
    /// Flags (`true`/`false` in CSV).
    Bool(Vec<bool>),
    /// Dates (`YYYY-MM-DD` in CSV, Date32 in Parquet).
    Date(Vec<Date>),
    /// Numbers that may be unknown (null).
    OptF64(Vec<Option<f64>>),
    /// Text that may be unknown (null).
    OptStr(Vec<Option<String>>),
    /// Dates with gaps: an `offering`'s pricing date in `actions`, the
    /// announcement date of a line held since before the data began.
    OptDate(Vec<Option<Date>>),
}

impl Column {
    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            Column::Str(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::I64(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::OptF64(v) => v.len(),
            Column::OptStr(v) => v.len(),
            Column::OptDate(v) => v.len(),
        }
    }
    /// No cell.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell `i` as CSV text; `None` is an empty field.
    pub fn cell(&self, i: usize) -> Option<String> {
        match self {
            Column::Str(v) => Some(v[i].clone()),
            Column::F64(v) => Some(fmt_f64(v[i])),
            Column::I64(v) => Some(v[i].to_string()),
            Column::Bool(v) => Some(v[i].to_string()),
            Column::Date(v) => Some(v[i].to_string()),
            Column::OptF64(v) => v[i].map(fmt_f64),
            Column::OptStr(v) => v[i].clone(),
            Column::OptDate(v) => v[i].map(|d| d.to_string()),
        }
    }

    /// The column as an Arrow array, borrowing: strings are copied into
    /// Arrow's layout, numbers cloned (the owned [`Column::into_arrow`]
    /// moves them instead).
    fn arrow(&self) -> (DataType, bool, ArrayRef) {
        match self {
            Column::Str(v) => (
                DataType::Utf8,
                false,
                Arc::new(StringArray::from_iter_values(v)),
            ),
            Column::OptStr(v) => (
                DataType::Utf8,
                true,
                Arc::new(v.iter().map(|s| s.as_deref()).collect::<StringArray>()),
            ),
            other => other.clone().into_arrow(),
        }
    }

    /// The column as an Arrow array, its type and whether it may hold
    /// nulls. Numbers and booleans move into Arrow's buffers without a copy
    /// (a `Vec<f64>` becomes the array's value buffer as it is); strings
    /// are laid out into Arrow's offsets and bytes, dates converted to
    /// `Date32` day numbers.
    pub fn into_arrow(self) -> (DataType, bool, ArrayRef) {
        match self {
            Column::Str(v) => (
                DataType::Utf8,
                false,
                Arc::new(StringArray::from_iter_values(v)),
            ),
            Column::F64(v) => (DataType::Float64, false, Arc::new(Float64Array::from(v))),
            Column::I64(v) => (DataType::Int64, false, Arc::new(Int64Array::from(v))),
            Column::Bool(v) => (DataType::Boolean, false, Arc::new(BooleanArray::from(v))),
            Column::Date(v) => (
                DataType::Date32,
                false,
                Arc::new(Date32Array::from_iter_values(v.iter().map(|d| d.0))),
            ),
            Column::OptF64(v) => (DataType::Float64, true, Arc::new(Float64Array::from(v))),
            Column::OptStr(v) => (
                DataType::Utf8,
                true,
                Arc::new(v.iter().map(|s| s.as_deref()).collect::<StringArray>()),
            ),
            Column::OptDate(v) => (
                DataType::Date32,
                true,
                Arc::new(v.iter().map(|d| d.map(|d| d.0)).collect::<Date32Array>()),
            ),
        }
    }
}

/// Formats an f64 so that parsing it back gives the same bits: Rust's
/// shortest round-trip digits, plain notation for ordinary magnitudes (so
/// integral values print as `2`, not `2.0`) and exponent notation for the
/// extremes (so `1e300` does not print 301 digits).
pub fn fmt_f64(x: f64) -> String {
    let mut s = String::new();
    push_f64(&mut s, x);
    s
}

/// [`fmt_f64`] appending to a buffer (no allocation per value on hot paths).
pub(crate) fn push_f64(buf: &mut String, x: f64) {
    use std::fmt::Write as _;
    let a = x.abs();
    let _ = if a != 0.0 && a.is_finite() && !(1e-5..1e16).contains(&a) {
        write!(buf, "{x:e}")
    } else {
        write!(buf, "{x}")
    };
}

/// A generic table: named columns of equal length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// The columns in file order, each with its header name.
    pub columns: Vec<(String, Column)>,
}

impl Table {
    /// A table with no column.
    pub fn new() -> Table {
        Table::default()
    }
    /// Appends a column (builder style).
    pub fn with(mut self, name: &str, c: Column) -> Table {
        self.columns.push((name.to_string(), c));
        self
    }
    /// Appends a column.
    pub fn push(&mut self, name: &str, c: Column) {
        self.columns.push((name.to_string(), c));
    }
    /// Rows: the length of the first column (0 without columns).
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }
    /// The column with this header name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }
    /// Every column has the same length and names are unique.
    pub fn check(&self) -> Result<(), IoError> {
        let n = self.n_rows();
        for (i, (name, c)) in self.columns.iter().enumerate() {
            if c.len() != n {
                return Err(IoError::Usage(format!(
                    "table column '{name}' has {} rows, column '{}' has {n}",
                    c.len(),
                    self.columns[0].0
                )));
            }
            if self.columns[..i].iter().any(|(m, _)| m == name) {
                return Err(IoError::Usage(format!(
                    "table column '{name}' appears twice"
                )));
            }
        }
        Ok(())
    }
    fn record_batch(&self) -> Result<RecordBatch, IoError> {
        batch_of(self.columns.iter().map(|(n, c)| (n.as_str(), c.arrow())))
    }

    /// The table as one Arrow record batch, moving its columns (see
    /// [`Column::into_arrow`]): how a front end hands a result to Arrow
    /// consumers (Python's pyarrow, polars, pandas) without copying its
    /// numbers.
    pub fn into_record_batch(self) -> Result<RecordBatch, IoError> {
        self.check()?;
        let columns: Vec<(String, (DataType, bool, ArrayRef))> = self
            .columns
            .into_iter()
            .map(|(n, c)| (n, c.into_arrow()))
            .collect();
        batch_of(columns.iter().map(|(n, a)| (n.as_str(), a.clone())))
    }
}

fn batch_of<'a>(
    columns: impl Iterator<Item = (&'a str, (DataType, bool, ArrayRef))>,
) -> Result<RecordBatch, IoError> {
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for (name, (t, nullable, a)) in columns {
        fields.push(Field::new(name, t, nullable));
        arrays.push(a);
    }
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, arrays).map_err(|e| IoError::Usage(e.to_string()))
}

/// Writer properties for every Parquet file rankday writes: Snappy, row
/// groups of one million rows (the unit of parallel reading).
pub(crate) fn parquet_props() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(crate::ROW_GROUP_ROWS))
        .build()
}

/// Writes record batches as one Parquet file into `w`.
pub(crate) fn write_parquet(
    w: &mut BufWriter<File>,
    path: &Path,
    schema: SchemaRef,
    batches: impl IntoIterator<Item = Result<RecordBatch, IoError>>,
) -> Result<(), IoError> {
    let perr = |e: parquet::errors::ParquetError| IoError::file(path, e);
    let mut pw = ArrowWriter::try_new(w, schema, Some(parquet_props())).map_err(perr)?;
    for b in batches {
        pw.write(&b?).map_err(perr)?;
    }
    pw.close().map_err(perr)?;
    Ok(())
}

/// Writes `t` as CSV into `w`.
pub(crate) fn write_csv_table(
    w: &mut BufWriter<File>,
    path: &Path,
    t: &Table,
) -> Result<(), IoError> {
    let cerr = |e: csv::Error| IoError::file(path, e);
    let mut cw = csv::Writer::from_writer(w);
    cw.write_record(t.columns.iter().map(|(n, _)| n.as_str()))
        .map_err(cerr)?;
    for i in 0..t.n_rows() {
        for (_, c) in &t.columns {
            cw.write_field(c.cell(i).unwrap_or_default())
                .map_err(cerr)?;
        }
        cw.write_record(None::<&[u8]>).map_err(cerr)?;
    }
    cw.flush().map_err(|e| IoError::io(path, e))
}

/// `dir/name.<ext>` for a format.
pub(crate) fn table_path(dir: &Path, name: &str, format: FileFormat) -> PathBuf {
    dir.join(format!("{name}.{}", format.extension()))
}

/// Removes `dir/name.<other ext>` so a directory never holds one table in
/// both formats (readers would have to guess which is current).
pub(crate) fn remove_other_format(
    dir: &Path,
    name: &str,
    format: FileFormat,
) -> Result<(), IoError> {
    let other = table_path(dir, name, format.other());
    match std::fs::remove_file(&other) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(IoError::io(other, e)),
    }
}

/// Writes `dir/name.csv` or `dir/name.parquet` atomically (creating `dir`
/// if missing), removes a stale copy in the other format, and returns the path.
pub fn write_table(
    dir: &Path,
    name: &str,
    t: &Table,
    format: FileFormat,
) -> Result<PathBuf, IoError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(IoError::Usage(format!(
            "table name '{name}' must be a plain file stem (no path separators, not hidden)"
        )));
    }
    t.check()?;
    std::fs::create_dir_all(dir).map_err(|e| IoError::io(dir, e))?;
    let path = table_path(dir, name, format);
    match format {
        FileFormat::Csv => atomic_write(&path, |w| write_csv_table(w, &path, t))?,
        FileFormat::Parquet => {
            let batch = t.record_batch()?;
            atomic_write(&path, |w| {
                write_parquet(w, &path, batch.schema(), [Ok(batch)])
            })?
        }
    }
    remove_other_format(dir, name, format)?;
    Ok(path)
}

/// Writes several tables into `dir` as [`write_table`] does, side by side
/// on the rayon pool (a run's outputs are independent files, and encoding
/// them is most of the time they take); returns their paths in the order
/// given. Names must differ. On an error the first in the order given is
/// returned; the tables that were written stay.
pub fn write_tables(
    dir: &Path,
    tables: &[(&str, &Table)],
    format: FileFormat,
) -> Result<Vec<PathBuf>, IoError> {
    for (k, (name, _)) in tables.iter().enumerate() {
        if tables[..k].iter().any(|(other, _)| other == name) {
            return Err(IoError::Usage(format!("table '{name}' given twice")));
        }
    }
    tables
        .par_iter()
        .map(|(name, t)| write_table(dir, name, t, format))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Reads a table written by [`write_table`] or supplied by a user.
///
/// Parquet columns come back typed: Utf8 → `Str`, Float64 and other
/// numerics → `F64`, Int64/Int32 → `I64`, Boolean → `Bool`, Date32 → `Date`;
/// a column with nulls becomes `OptF64` (numbers), `OptDate` (dates) or
/// `OptStr` (anything else, formatted as CSV would). CSV columns are all `Str` (empty fields are "").
pub fn read_table(path: &Path) -> Result<Table, IoError> {
    match FileFormat::of_path(path)? {
        FileFormat::Csv => read_csv_table(path),
        FileFormat::Parquet => read_parquet_table(path),
    }
}

fn read_csv_table(path: &Path) -> Result<Table, IoError> {
    let site = Site::new(path, true);
    let f = File::open(path).map_err(|e| IoError::io(path, e))?;
    let mut r = csv::ReaderBuilder::new().from_reader(BufReader::new(f));
    let headers = r
        .headers()
        .map_err(|e| crate::csv_read::csv_error(&site, e))?
        .clone();
    let site = site.with_columns(&headers);
    let mut cols: Vec<Vec<String>> = vec![Vec::new(); headers.len()];
    let mut rec = csv::StringRecord::new();
    while r
        .read_record(&mut rec)
        .map_err(|e| crate::csv_read::csv_error(&site, e))?
    {
        for (c, v) in cols.iter_mut().zip(rec.iter()) {
            c.push(v.to_string());
        }
    }
    Ok(Table {
        columns: headers
            .iter()
            .zip(cols)
            .map(|(h, c)| (h.to_string(), Column::Str(c)))
            .collect(),
    })
}

/// Accumulates one Parquet column across batches, nullable until the end.
enum Acc {
    Str(Vec<Option<String>>),
    F64(Vec<Option<f64>>),
    I64(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<Date>>),
}

impl Acc {
    fn for_type(t: &DataType) -> Option<Acc> {
        Some(match t {
            DataType::Int64 | DataType::Int32 | DataType::Int16 | DataType::Int8 => {
                Acc::I64(vec![])
            }
            DataType::Boolean => Acc::Bool(vec![]),
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) => Acc::Date(vec![]),
            t if t.is_numeric() => Acc::F64(vec![]),
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Dictionary(..) => Acc::Str(vec![]),
            _ => return None,
        })
    }

    fn extend(&mut self, a: &dyn Array) -> Result<(), String> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::*;
        match self {
            Acc::Str(v) => {
                let s = StrCol::new(a)?;
                v.extend((0..s.len()).map(|i| s.get(i).map(str::to_string)));
            }
            Acc::F64(v) => {
                let (vals, nulls) = f64_col(a)?;
                v.extend(
                    (0..a.len())
                        .map(|i| (!nulls.as_ref().is_some_and(|n| n.is_null(i))).then(|| vals[i])),
                );
            }
            Acc::I64(v) => {
                let (vals, nulls) = f64_col(a)?;
                let exact = a.as_primitive_opt::<Int64Type>();
                v.extend((0..a.len()).map(|i| {
                    (!nulls.as_ref().is_some_and(|n| n.is_null(i)))
                        .then(|| exact.map_or(vals[i] as i64, |e| e.value(i)))
                }));
            }
            Acc::Bool(v) => {
                let b = a.as_boolean_opt().ok_or("expected Boolean")?;
                v.extend(b.iter());
            }
            Acc::Date(v) => {
                let d = DateCol::new(a)?;
                for i in 0..a.len() {
                    v.push(d.get(i)?);
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Column {
        fn all<T>(v: Vec<Option<T>>) -> Result<Vec<T>, Vec<Option<T>>> {
            if v.iter().all(Option::is_some) {
                Ok(v.into_iter().map(Option::unwrap).collect())
            } else {
                Err(v)
            }
        }
        fn texts<T: ToString>(v: Vec<Option<T>>) -> Column {
            Column::OptStr(v.into_iter().map(|x| x.map(|x| x.to_string())).collect())
        }
        match self {
            Acc::Str(v) => all(v).map_or_else(Column::OptStr, Column::Str),
            Acc::F64(v) => all(v).map_or_else(Column::OptF64, Column::F64),
            Acc::I64(v) => all(v).map_or_else(texts, Column::I64),
            Acc::Bool(v) => all(v).map_or_else(texts, Column::Bool),
            Acc::Date(v) => all(v).map_or_else(Column::OptDate, Column::Date),
        }
    }
}

fn read_parquet_table(path: &Path) -> Result<Table, IoError> {
    let site = Site::new(path, false);
    let f = File::open(path).map_err(|e| IoError::io(path, e))?;
    let file_len = f.metadata().map_err(|e| IoError::io(path, e))?.len();
    let clone = f.try_clone().map_err(|e| IoError::io(path, e))?;
    let builder = parquet_call(|| ParquetRecordBatchReaderBuilder::try_new(clone))
        .map_err(|msg| IoError::file(path, msg))?
        .map_err(|e| IoError::file(path, e))?;
    crate::parquet_pages::check_chunk_ranges(path, builder.metadata(), file_len)?;
    crate::parquet_pages::check_dictionary_pages(
        path,
        &f,
        builder.metadata(),
        0..builder.metadata().num_row_groups(),
    )?;
    let schema = builder.schema().clone();
    let mut reader = parquet_call(|| builder.with_batch_size(64 * 1024).build())
        .map_err(|msg| IoError::file(path, msg))?
        .map_err(|e| IoError::file(path, e))?;
    let batches = parquet_iter(
        || reader.next().map(|b| b.map_err(|e| IoError::file(path, e))),
        |msg| IoError::file(path, msg),
    );
    table_from_batches(&site, &schema, batches)
}

/// Record batches of one schema into a [`Table`], typed as
/// [`read_table`] types Parquet columns; errors name `site`'s table and
/// the 1-based row of the batch that failed. Shared by Parquet files and
/// tables handed over in memory (Arrow from Python).
pub(crate) fn table_from_batches(
    site: &Site,
    schema: &Schema,
    batches: impl IntoIterator<Item = Result<RecordBatch, IoError>>,
) -> Result<Table, IoError> {
    let site = site
        .clone()
        .with_columns(schema.fields().iter().map(|f| f.name()));
    let mut accs = Vec::new();
    for field in schema.fields() {
        accs.push(Acc::for_type(field.data_type()).ok_or_else(|| {
            site.schema(
                field.name(),
                format!("unsupported column type {}", field.data_type()),
            )
        })?);
    }
    let mut row0 = 0u64;
    for batch in batches {
        let batch = batch?;
        for (k, acc) in accs.iter_mut().enumerate() {
            acc.extend(batch.column(k).as_ref()).map_err(|m| {
                site.invalid(
                    row0 + 1,
                    schema.field(k).name(),
                    format!("cannot read: {m}"),
                )
            })?;
        }
        row0 += batch.num_rows() as u64;
    }
    Ok(Table {
        columns: schema
            .fields()
            .iter()
            .zip(accs)
            .map(|(f, a)| (f.name().clone(), a.finish()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table::new()
            .with(
                "date",
                Column::Date(vec![Date::ymd(2024, 6, 28), Date::ymd(2024, 7, 1)]),
            )
            .with("id", Column::Str(vec!["A,1".into(), "B\"q".into()]))
            .with("w", Column::F64(vec![0.1 + 0.2, 2.0]))
            .with("n", Column::I64(vec![-3, 1 << 60]))
            .with("in", Column::Bool(vec![true, false]))
            .with("x", Column::OptF64(vec![None, Some(1e300)]))
            .with("s", Column::OptStr(vec![Some("a".into()), None]))
            .with(
                "od",
                Column::OptDate(vec![None, Some(Date::ymd(2024, 7, 1))]),
            )
    }

    /// Tables written side by side are the tables written one by one;
    /// a name given twice is refused before anything is written.
    #[test]
    fn tables_written_side_by_side() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (sample(), Table::new().with("k", Column::I64(vec![7])));
        for format in [FileFormat::Csv, FileFormat::Parquet] {
            let paths = write_tables(d.path(), &[("a", &a), ("b", &b)], format).unwrap();
            assert_eq!(
                paths,
                [
                    table_path(d.path(), "a", format),
                    table_path(d.path(), "b", format)
                ]
            );
            // CSV reads back as text.
            let k = read_table(&paths[1]).unwrap();
            assert_eq!(k.column("k").unwrap().cell(0).as_deref(), Some("7"));
            assert_eq!(read_table(&paths[0]).unwrap().n_rows(), 2);
        }
        let e = write_tables(d.path(), &[("c", &a), ("c", &b)], FileFormat::Csv).unwrap_err();
        assert!(e.to_string().contains("'c' given twice"), "{e}");
        assert!(!d.path().join("c.csv").exists());
    }

    #[test]
    fn parquet_round_trip_is_typed_and_exact() {
        let d = tempfile::tempdir().unwrap();
        let t = sample();
        let p = write_table(&d.path().join("out"), "levels", &t, FileFormat::Parquet).unwrap();
        assert!(p.ends_with("out/levels.parquet"));
        assert_eq!(read_table(&p).unwrap(), t);
    }

    #[test]
    fn csv_round_trip_keeps_text_and_replaces_other_format() {
        let d = tempfile::tempdir().unwrap();
        let t = sample();
        write_table(d.path(), "t", &t, FileFormat::Parquet).unwrap();
        let p = write_table(d.path(), "t", &t, FileFormat::Csv).unwrap();
        assert!(!d.path().join("t.parquet").exists());
        let back = read_table(&p).unwrap();
        assert_eq!(
            back.column("w"),
            Some(&Column::Str(vec!["0.30000000000000004".into(), "2".into()]))
        );
        assert_eq!(
            back.column("id"),
            Some(&Column::Str(vec!["A,1".into(), "B\"q".into()]))
        );
        assert_eq!(
            back.column("x"),
            Some(&Column::Str(vec!["".into(), "1e300".into()]))
        );
        assert_eq!(
            back.column("date"),
            Some(&Column::Str(vec!["2024-06-28".into(), "2024-07-01".into()]))
        );
    }

    #[test]
    fn into_record_batch_moves_numbers_without_copying() {
        let v: Vec<f64> = (0..1000).map(|i| i as f64 * 0.5).collect();
        let (ptr, n) = (v.as_ptr(), v.len());
        let t = Table::new()
            .with("x", Column::F64(v))
            .with("s", Column::Str(vec!["a".into(); n]));
        let borrowed = t.record_batch().unwrap();
        let b = t.into_record_batch().unwrap();
        let x = b.column(0).as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(x.values().as_ptr(), ptr, "the Vec became the Arrow buffer");
        assert_eq!(b, borrowed);
    }

    #[test]
    fn ragged_table_is_refused_before_touching_disk() {
        let d = tempfile::tempdir().unwrap();
        let t = Table::new()
            .with("a", Column::I64(vec![1]))
            .with("b", Column::I64(vec![]));
        let e = write_table(d.path(), "t", &t, FileFormat::Csv).unwrap_err();
        assert!(e.to_string().contains("column 'b' has 0 rows"), "{e}");
        let e = write_table(d.path(), "../t", &sample(), FileFormat::Csv).unwrap_err();
        assert!(e.to_string().contains("must be a plain file stem"), "{e}");
        assert!(!d.path().join("t.csv").exists());
    }

    #[test]
    fn f64_text_round_trips() {
        for x in [
            0.0,
            -0.0,
            1.0,
            2.5,
            1e15,
            1e16,
            123456789012345680.0,
            1e-5,
            9.99e-6,
            5e-324,
            f64::MAX,
            0.1 + 0.2,
            -7.25e-12,
        ] {
            let s = fmt_f64(x);
            assert_eq!(
                s.parse::<f64>().unwrap().to_bits(),
                x.to_bits(),
                "{x} -> {s}"
            );
        }
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = f64::from_bits(x);
            if f.is_finite() {
                assert_eq!(fmt_f64(f).parse::<f64>().unwrap().to_bits(), x, "{f:e}");
            }
        }
        assert_eq!(fmt_f64(2.0), "2");
        assert_eq!(fmt_f64(1e300), "1e300");
    }
}
