//! The `rankday._rankday` extension module: rankday's job library
//! (`rankday-pipeline`) for Python. Thin by design: every result is one
//! call of the job library, turned into an Arrow table (`table::Table`)
//! that pyarrow, polars and pandas read without copying; the heavy calls
//! run without the GIL; errors become `rankday.RankdayError` with the file,
//! line or row, and column where the core names them.
//!
//! The Python-facing names and their documentation are those of
//! `python/rankday/_rankday.pyi`; keep the two in step.

mod convert;
mod error;
mod market;
mod results;
mod table;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _rankday(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("RankdayError", m.py().get_type::<error::RankdayError>())?;
    m.add("RankdayWarning", m.py().get_type::<error::RankdayWarning>())?;
    m.add_class::<table::Table>()?;
    m.add_class::<market::Market>()?;
    m.add_class::<results::FundResult>()?;
    m.add_class::<results::BenchmarkResult>()?;
    m.add_function(wrap_pyfunction!(results::calendar, m)?)?;
    Ok(())
}
