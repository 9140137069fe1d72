//! [`Table`]: a result handed to Python as Arrow, without copying.
//!
//! Why our own class rather than a `pyarrow.Table`: pyarrow stays optional.
//! The class speaks the Arrow PyCapsule interface (`__arrow_c_stream__`,
//! `__arrow_c_schema__`), so `pyarrow.table(t)`, `polars.DataFrame(t)`,
//! DuckDB and anything else that reads Arrow import its buffers as they
//! are: the same memory Rust filled, released when the last reader drops
//! it.

use arrow_array::ffi::FFI_ArrowSchema;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{Array, RecordBatch, RecordBatchIterator};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};

/// A result table. Arrow data: read it with `pyarrow.table(t)`,
/// `polars.DataFrame(t)` or `t.to_pandas()`, without a copy.
#[pyclass(module = "rankday._rankday", name = "Table", frozen)]
pub struct Table {
    batch: RecordBatch,
    meta: Py<PyDict>,
}

impl Table {
    /// A table of `batch` with what else a result says in `meta`.
    pub(crate) fn new(batch: RecordBatch, meta: Bound<'_, PyDict>) -> Table {
        Table {
            batch,
            meta: meta.unbind(),
        }
    }

    /// A table of a job library table, moving its columns into Arrow.
    pub(crate) fn from_io(py: Python<'_>, t: rankday_io::Table) -> PyResult<Table> {
        let batch = t
            .into_record_batch()
            .map_err(|e| crate::error::to_py(py, &e))?;
        Ok(Table::new(batch, PyDict::new(py)))
    }
}

#[pymethods]
impl Table {
    /// Exports the rows as an Arrow C stream (the Arrow PyCapsule
    /// interface). The buffers are shared, not copied. `requested_schema`
    /// is accepted and ignored, as the interface allows: the table has one
    /// schema.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(vec![Ok(self.batch.clone())], self.batch.schema());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// Exports the schema as an Arrow C schema (the Arrow PyCapsule
    /// interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.batch.schema().as_ref())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    /// Number of rows.
    #[getter]
    pub(crate) fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// Number of columns.
    #[getter]
    fn num_columns(&self) -> usize {
        self.batch.num_columns()
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// What the result says besides its rows (e.g. a forecast's dates and
    /// totals); empty for most tables.
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> Bound<'py, PyDict> {
        self.meta.bind(py).clone()
    }

    /// The memory address of `column`'s value buffer. Arrow readers that
    /// import the table without copying see the same address (what the
    /// package's zero-copy test checks).
    fn buffer_address(&self, column: &str) -> PyResult<usize> {
        let a = self
            .batch
            .column_by_name(column)
            .ok_or_else(|| PyKeyError::new_err(column.to_string()))?;
        let data = a.to_data();
        let buf = data
            .buffers()
            .last()
            .ok_or_else(|| PyValueError::new_err(format!("column {column} has no buffer")))?;
        Ok(buf.as_ptr() as usize)
    }

    /// The table as a `pyarrow.Table` (needs pyarrow; no copy).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        import(py, "pyarrow", "to_pyarrow")?.call_method1("table", (slf,))
    }

    /// The table as a `polars.DataFrame` (needs polars; numbers are not
    /// copied).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        import(py, "polars", "to_polars")?.call_method1("DataFrame", (slf,))
    }

    /// The table as a `pandas.DataFrame` (needs pandas and pyarrow; pandas
    /// makes its own columns, so this one copies).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        import(slf.py(), "pandas", "to_pandas")?;
        Table::to_pyarrow(slf)?.call_method0("to_pandas")
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    fn __repr__(&self) -> String {
        let cols: Vec<String> = self
            .batch
            .schema()
            .fields()
            .iter()
            .map(|f| format!("{}: {}", f.name(), f.data_type()))
            .collect();
        format!(
            "rankday.Table({} rows; {})",
            self.batch.num_rows(),
            cols.join(", ")
        )
    }
}

/// Imports an optional dependency, saying which method needs it.
fn import<'py>(py: Python<'py>, module: &str, method: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|e| {
        let err = pyo3::exceptions::PyImportError::new_err(format!(
            "Table.{method}() needs {module}: pip install {module}"
        ));
        err.set_cause(py, Some(e));
        err
    })
}
