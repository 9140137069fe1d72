//! One error type for everything rankday reads or writes.
//!
//! Why the shape: a user staring at a 60-million-row file needs the file, the
//! row and the column, in that order, in one line they can grep for. So every
//! content error is [`IoError::Invalid`] (a cell is wrong) or
//! [`IoError::Malformed`] (a row or the file's structure is wrong), and both
//! print `<file> <where>[, column <c>]: <what>`, e.g.
//! `daily.csv line 17, column close: must be > 0, got -1.5`.

use std::fmt;
use std::path::PathBuf;

/// Where in a file an error sits.
///
/// CSV positions are physical line numbers (the header is line 1), so an
/// editor's "go to line" lands on the row; Parquet positions are 1-based row
/// numbers over the whole file (row groups concatenated in file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Line(u64),
    Row(u64),
    /// The Parquet schema (a missing or mistyped column).
    Schema,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Line(n) => write!(f, "line {n}"),
            At::Row(n) => write!(f, "row {n}"),
            At::Schema => f.write_str("schema"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// A cell (or a missing column) is wrong.
    #[error("{file} {at}, column {column}: {msg}")]
    Invalid {
        file: String,
        at: At,
        column: String,
        msg: String,
    },
    /// A row or the file's structure is wrong (field count, undecodable data).
    #[error("{file} {at}: {msg}")]
    Malformed { file: String, at: At, msg: String },
    /// The operating system refused (open, create, rename, write).
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A problem with a whole file or directory: `format.toml`, a missing or
    /// ambiguous table, an unreadable Parquet footer, an encoder failure.
    #[error("{}: {msg}", path.display())]
    File { path: PathBuf, msg: String },
    /// A caller error that is not about any file (e.g. a table whose columns
    /// have different lengths, an unknown format name).
    #[error("{0}")]
    Usage(String),
}

impl IoError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> IoError {
        IoError::Io {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn file(path: impl Into<PathBuf>, msg: impl fmt::Display) -> IoError {
        IoError::File {
            path: path.into(),
            msg: msg.to_string(),
        }
    }
}

/// The name of a file as errors print it (no directory: the user passed the
/// directory and wants to know which table).
pub(crate) fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Builds [`IoError::Invalid`] for one file; keeps the readers terse.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub file: String,
    pub csv: bool,
}

impl Site {
    pub fn new(path: &std::path::Path, csv: bool) -> Site {
        Site {
            file: file_name(path),
            csv,
        }
    }
    /// Position of a row: `pos` is a CSV line number or a 1-based Parquet row.
    pub fn at(&self, pos: u64) -> At {
        if self.csv {
            At::Line(pos)
        } else {
            At::Row(pos)
        }
    }
    pub fn invalid(&self, pos: u64, column: &str, msg: impl fmt::Display) -> IoError {
        IoError::Invalid {
            file: self.file.clone(),
            at: self.at(pos),
            column: column.to_string(),
            msg: msg.to_string(),
        }
    }
    pub fn malformed(&self, pos: u64, msg: impl fmt::Display) -> IoError {
        IoError::Malformed {
            file: self.file.clone(),
            at: self.at(pos),
            msg: msg.to_string(),
        }
    }
    /// A required column is absent: CSV names the header line, Parquet the schema.
    pub fn missing_column(&self, column: &str) -> IoError {
        IoError::Invalid {
            file: self.file.clone(),
            at: if self.csv { At::Line(1) } else { At::Schema },
            column: column.to_string(),
            msg: "required column is missing".into(),
        }
    }
    pub fn schema(&self, column: &str, msg: impl fmt::Display) -> IoError {
        IoError::Invalid {
            file: self.file.clone(),
            at: if self.csv { At::Line(1) } else { At::Schema },
            column: column.to_string(),
            msg: msg.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_row_and_column() {
        let s = Site {
            file: "daily.csv".into(),
            csv: true,
        };
        assert_eq!(
            s.invalid(17, "close", "must be > 0, got -1.5").to_string(),
            "daily.csv line 17, column close: must be > 0, got -1.5"
        );
        let p = Site {
            file: "daily.parquet".into(),
            csv: false,
        };
        assert_eq!(
            p.missing_column("close").to_string(),
            "daily.parquet schema, column close: required column is missing"
        );
        assert_eq!(p.malformed(3, "x").to_string(), "daily.parquet row 3: x");
    }
}
