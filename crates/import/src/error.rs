//! Typed errors of the importers.
//!
//! Why every variant carries the file (and, for table content, the line and
//! the column): the inputs are third-party downloads re-saved by hand (Excel,
//! dbt seeds, scrapers), and the only useful message for a broken one is
//! "this file, this line, this column, this text".

use std::path::PathBuf;

use rankday_io::Location;

/// Everything that can go wrong while importing third-party files.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A cell that cannot be read: `line` is 1-based in the file (preamble
    /// included), `column` is 1-based with the header name in brackets;
    /// printed as every reader of the project prints a place
    /// (`rankday_io::Location`: `file:line:column (name): message`).
    #[error("{}: {message}", Location::line(file, *line).column(Some(*column), column_name.as_str()))]
    Cell {
        /// The file.
        file: PathBuf,
        /// The line.
        line: u64,
        /// The column's position.
        column: usize,
        /// The column's header name.
        column_name: String,
        /// What is wrong, and what would be right.
        message: String,
    },
    /// A row that cannot be read as a whole (wrong field count, broken quoting).
    #[error("{}: {message}", Location::line(file, *line))]
    Row {
        /// The file.
        file: PathBuf,
        /// The line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// No table header (a line starting with `Ticker`) or a header without a
    /// required column.
    #[error("{file}: {message}")]
    Layout {
        /// The file.
        file: PathBuf,
        /// What is missing.
        message: String,
    },
    /// No as-of date in the preamble or the file name, and no override.
    #[error("{file}: no as-of date found in the preamble ('Fund Holdings as of') or the file name (YYYY-MM-DD); pass one explicitly")]
    NoDate {
        /// The file.
        file: PathBuf,
    },
    /// A set of files that cannot form one market (mixed funds, two files on one date, ...).
    #[error("{0}")]
    Combine(String),
    /// Writing the market directory failed (rankday-io names the file).
    #[error("writing the market: {0}")]
    Write(#[from] rankday_io::IoError),
    /// The assembled market broke a core invariant (a bug in the importer if it happens).
    #[error("building the market: {0}")]
    Core(#[from] rankday_core::CoreError),
}

impl ImportError {
    pub(crate) fn io(file: &std::path::Path, source: std::io::Error) -> ImportError {
        ImportError::Io {
            file: file.to_path_buf(),
            source,
        }
    }
}
