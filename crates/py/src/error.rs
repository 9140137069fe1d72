//! Errors as Python exceptions: one class, `RankdayError`, whose message is
//! the whole cause chain (as the command line prints it) and whose
//! attributes locate the bad input where the core knows it.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use rankday_io::{At, IoError};
use rankday_pipeline::PipelineError;

pyo3::create_exception!(
    rankday,
    RankdayError,
    PyException,
    "A step of the job failed. `file`, `line` (CSV line, the header is \
     line 1), `row` (1-based row of a Parquet file or an in-memory table) \
     and `column` locate bad input where rankday knows it, else are None."
);

pyo3::create_exception!(
    rankday,
    RankdayWarning,
    pyo3::exceptions::PyUserWarning,
    "What the semantic checks of a market found suspicious but not wrong \
     (a large one-day move, shares jumping without an action); \
     `strict=True` makes them errors."
);

/// The error and its causes as one message: the first line, then each
/// cause on its own line (the command line's layout).
fn message(err: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        msg.push_str("\n  caused by: ");
        msg.push_str(&c.to_string());
        cause = c.source();
    }
    msg
}

/// The first [`IoError`] of the chain, which knows where the input is bad.
/// The job library's errors that show an `IoError`'s message as their own
/// (`PipelineError::Io`, transparent, and `LoadMarket`) do not list it as
/// a source, so they are opened here.
fn io_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a IoError> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<IoError>() {
            return Some(io);
        }
        if let Some(io) = e.downcast_ref::<Box<IoError>>() {
            return Some(io);
        }
        if let Some(PipelineError::Io(io) | PipelineError::LoadMarket { error: io, .. }) =
            e.downcast_ref::<PipelineError>()
        {
            return Some(io);
        }
        cur = e.source();
    }
    None
}

/// `err` as a `RankdayError` with its location attributes set.
pub(crate) fn to_py(py: Python<'_>, err: &(dyn std::error::Error + 'static)) -> PyErr {
    let e = RankdayError::new_err(message(err));
    let (mut file, mut line, mut row, mut column) = (None, None, None, None);
    match io_error(err) {
        Some(IoError::Content { at, .. }) => {
            file = Some(at.file.display().to_string());
            column = at.column.as_ref().map(|c| c.name.clone());
            (line, row) = position(at.at);
        }
        Some(IoError::Io { path, .. } | IoError::File { path, .. }) => {
            file = Some(path.display().to_string());
        }
        Some(IoError::Usage(_)) => {}
        None => {
            if let Some(PipelineError::NoMarket { dir }) = err.downcast_ref::<PipelineError>() {
                file = Some(dir.display().to_string());
            }
        }
    }
    let v = e.value(py);
    // Setting attributes on a fresh exception instance cannot fail short of
    // memory exhaustion; the message stands on its own if it ever does.
    let _ = v.setattr("file", file);
    let _ = v.setattr("line", line);
    let _ = v.setattr("row", row);
    let _ = v.setattr("column", column);
    e
}

fn position(at: Option<At>) -> (Option<u64>, Option<u64>) {
    match at {
        Some(At::Line(n)) => (Some(n), None),
        Some(At::Row(n)) => (None, Some(n)),
        Some(At::Schema) | None => (None, None),
    }
}

/// Shorthand for the job library's results.
pub(crate) fn pipeline<T>(py: Python<'_>, r: rankday_pipeline::Result<T>) -> PyResult<T> {
    r.map_err(|e| to_py(py, &e))
}
