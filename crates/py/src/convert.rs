//! Python values to the job library's and back: dates, index names, Arrow
//! tables handed over by pyarrow, polars or pandas.

use arrow_pyarrow::FromPyArrow;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;
use rankday_core::{Date, IndexId};

/// A date from a `datetime.date` (or `datetime`, its date part), a
/// `YYYY-MM-DD` string, or anything with `year`, `month` and `day` (numpy
/// and pandas timestamps).
pub(crate) fn date(v: &Bound<'_, PyAny>) -> PyResult<Date> {
    if let Ok(s) = v.cast::<PyString>() {
        let s = s.to_str()?;
        return Date::parse(s).map_err(|e| PyValueError::new_err(format!("'{s}': {e}")));
    }
    match (v.getattr("year"), v.getattr("month"), v.getattr("day")) {
        (Ok(y), Ok(m), Ok(d)) => {
            let (y, m, d): (i32, u32, u32) = (y.extract()?, m.extract()?, d.extract()?);
            if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
                return Err(PyValueError::new_err(format!("{y}-{m}-{d} is not a date")));
            }
            Ok(Date::ymd(y, m, d))
        }
        _ => Err(PyTypeError::new_err(format!(
            "expected a date (datetime.date or 'YYYY-MM-DD'), got {}",
            v.get_type().name()?
        ))),
    }
}

/// [`date`] of an optional argument.
pub(crate) fn opt_date(v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Date>> {
    v.filter(|v| !v.is_none()).map(date).transpose()
}

/// A `datetime.date`.
pub(crate) fn py_date<'py>(py: Python<'py>, d: Date) -> PyResult<Bound<'py, PyAny>> {
    py.import("datetime")?
        .getattr("date")?
        .call_method1("fromisoformat", (d.to_string(),))
}

/// One index name, case-insensitive ("R2000", "r2000").
pub(crate) fn index(name: &str) -> PyResult<IndexId> {
    name.trim()
        .to_ascii_uppercase()
        .parse()
        .map_err(|e: String| PyValueError::new_err(e))
}

/// Index names: one string (which may be a comma-separated list) or a
/// sequence of strings; `None` is the whole family.
pub(crate) fn indexes(v: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<IndexId>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(IndexId::ALL.to_vec());
    };
    if let Ok(s) = v.cast::<PyString>() {
        return IndexId::parse_list(s.to_str()?).map_err(PyValueError::new_err);
    }
    let mut out = Vec::new();
    for item in v.try_iter()? {
        out.push(index(item?.cast::<PyString>()?.to_str()?)?);
    }
    if out.is_empty() {
        return Err(PyValueError::new_err("no index named"));
    }
    Ok(out)
}

/// A table handed over by any Arrow producer: an object with
/// `__arrow_c_stream__` (pyarrow tables and readers, polars and pandas
/// data frames, DuckDB results) or `__arrow_c_array__` (a record batch).
/// The buffers are imported as they are, not copied.
pub(crate) fn arrow_table(name: &str, v: &Bound<'_, PyAny>) -> PyResult<rankday_io::ArrowTable> {
    if v.hasattr("__arrow_c_stream__")? {
        let (batches, schema) = arrow_pyarrow::Table::from_pyarrow_bound(v)?.into_inner();
        return Ok(rankday_io::ArrowTable { schema, batches });
    }
    if v.hasattr("__arrow_c_array__")? {
        let batch = arrow_array::RecordBatch::from_pyarrow_bound(v)?;
        return Ok(rankday_io::ArrowTable {
            schema: batch.schema(),
            batches: vec![batch],
        });
    }
    // pandas before 2.2 has no capsule interface: through pyarrow.
    let module: String = v.get_type().getattr("__module__")?.extract()?;
    if module.starts_with("pandas") {
        let pa = v.py().import("pyarrow")?;
        let t = pa
            .getattr("Table")?
            .call_method1("from_pandas", (v, v.py().None(), false))?;
        return arrow_table(name, &t);
    }
    Err(PyTypeError::new_err(format!(
        "{name}: expected an Arrow table (pyarrow.Table, polars.DataFrame, pandas.DataFrame or any \
         object with __arrow_c_stream__), got {}",
        v.get_type().name()?
    )))
}
