//! Errors as Python exceptions: one class, `RankdayError`, whose message is
//! the whole cause chain (as the command line prints it) and whose
//! attributes locate the bad input where the core knows it.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use rankday_io::{At, IoError};

pyo3::create_exception!(
    rankday,
    RankdayError,
    PyException,
    "A step of the job failed. `file`, `line` (CSV line, the header is \
     line 1), `row` (1-based row of a Parquet file or an in-memory table) \
     and `column` locate bad input where rankday knows it, else are None."
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
/// A transparent wrapper (`PipelineError::Io`) hands its source's source
/// to the chain, skipping the `IoError` itself, so it is opened here.
fn io_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a IoError> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<IoError>() {
            return Some(io);
        }
        if let Some(rankday_pipeline::PipelineError::Io(io)) =
            e.downcast_ref::<rankday_pipeline::PipelineError>()
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
        Some(IoError::Invalid {
            file: f,
            at,
            column: c,
            ..
        }) => {
            file = Some(f.clone());
            column = Some(c.clone());
            (line, row) = position(*at);
        }
        Some(IoError::Malformed { file: f, at, .. }) => {
            file = Some(f.clone());
            (line, row) = position(*at);
        }
        Some(IoError::Io { path, .. } | IoError::File { path, .. }) => {
            file = Some(path.display().to_string());
        }
        Some(IoError::Usage(_)) | None => {}
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

fn position(at: At) -> (Option<u64>, Option<u64>) {
    match at {
        At::Line(n) => (Some(n), None),
        At::Row(n) => (None, Some(n)),
        At::Schema => (None, None),
    }
}

/// Shorthand for the job library's results.
pub(crate) fn pipeline<T>(py: Python<'_>, r: rankday_pipeline::Result<T>) -> PyResult<T> {
    r.map_err(|e| to_py(py, &e))
}
