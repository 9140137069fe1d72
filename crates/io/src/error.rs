//! One error type for everything rankday reads or writes, and the one way
//! every reader of the project prints where a problem sits.
//!
//! Why the shape: a user staring at a 60-million-row file needs the file, the
//! row and the column, in that order, in one line they can grep for and
//! that an editor can jump to. So every content error is an
//! [`IoError::Content`] whose [`Location`] prints as
//! `file:line:column (name): message`, e.g.
//! `market/daily.csv:17:3 (close): must be > 0, got -1.5`, the form
//! compilers use. The importers (`rankday-import`) and the portfolio reader
//! print through the same [`Location`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where in a file an error sits.
///
/// CSV and other text positions are physical line numbers (a CSV header is
/// line 1), so an editor's "go to line" lands on the row; Parquet positions
/// are 1-based row numbers over the whole file (row groups concatenated in
/// file order), printed `row N` so they are never mistaken for lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A physical line of a text file, from 1 (the header is line 1).
    Line(u64),
    /// A row of a Parquet file, from 1, over all its row groups.
    Row(u64),
    /// The Parquet schema (a missing or mistyped column).
    Schema,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Line(n) => write!(f, "{n}"),
            At::Row(n) => write!(f, "row {n}"),
            At::Schema => f.write_str("schema"),
        }
    }
}

impl At {
    /// The position in words, for messages that point at a second row
    /// ("first at line 5").
    pub fn describe(&self) -> String {
        match self {
            At::Line(n) => format!("line {n}"),
            At::Row(n) => format!("row {n}"),
            At::Schema => "the schema".into(),
        }
    }
}

/// A column of a table: its 1-based position in the file's header (when
/// the file has the column) and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRef {
    /// 1-based position in the file's header, when the file has the column.
    pub number: Option<usize>,
    /// The column's name.
    pub name: String,
}

/// A place in a file: `file[:position][:column (name)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// The line or row, when the problem is in one.
    pub at: Option<At>,
    /// The column, when the problem is in one.
    pub column: Option<ColumnRef>,
}

impl Location {
    /// A whole file.
    pub fn file(file: impl Into<PathBuf>) -> Location {
        Location {
            file: file.into(),
            at: None,
            column: None,
        }
    }
    /// A line of a text file.
    pub fn line(file: impl Into<PathBuf>, line: u64) -> Location {
        Location {
            file: file.into(),
            at: Some(At::Line(line)),
            column: None,
        }
    }
    /// Adds a column (number if known, and name).
    pub fn column(mut self, number: Option<usize>, name: impl Into<String>) -> Location {
        self.column = Some(ColumnRef {
            number,
            name: name.into(),
        });
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(at) = &self.at {
            write!(f, ":{at}")?;
        }
        match &self.column {
            Some(ColumnRef {
                number: Some(n),
                name,
            }) if self.at.is_some() => write!(f, ":{n} ({name})"),
            Some(ColumnRef { name, .. }) => write!(f, " ({name})"),
            None => Ok(()),
        }
    }
}

/// Why a table or a market could not be read or written. Every variant names the file (and, for content, the line or row and the column), so a user can go straight to the cell.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// Something in a file is wrong: a cell, a row, a column, the schema.
    #[error("{at}: {msg}")]
    Content {
        /// Boxed: errors travel through every `Result` of the readers.
        at: Box<Location>,
        /// What is wrong, and what would be right.
        msg: String,
    },
    /// The operating system refused (open, create, rename, write).
    #[error("{}: {}", path.display(), os_message(source))]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A problem with a whole file or directory: `format.toml`, a missing or
    /// ambiguous table, an unreadable Parquet footer, an encoder failure.
    #[error("{}: {msg}", path.display())]
    File {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong with it.
        msg: String,
    },
    /// A caller error that is not about any file (e.g. a table whose columns
    /// have different lengths, an unknown format name).
    #[error("{0}")]
    Usage(String),
}

/// An OS error in words, without Rust's `(os error N)` suffix doubling up
/// with a `Debug` form anywhere.
pub(crate) fn os_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

impl IoError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> IoError {
        IoError::Io {
            path: path.into(),
            source,
        }
    }
    /// A whole-file problem. The message may come from a library (the
    /// Parquet and Arrow decoders), whose texts can embed `Debug` dumps of
    /// their internals: those are cut off ([`plain`]).
    pub(crate) fn file(path: impl Into<PathBuf>, msg: impl fmt::Display) -> IoError {
        IoError::File {
            path: path.into(),
            msg: plain(&msg.to_string()),
        }
    }
    /// Where the error sits, if it is about a place in a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            IoError::Content { at, .. } => Some(at),
            _ => None,
        }
    }
}

/// A library's message up to the first `Debug` dump in it (`Some(`,
/// `None`, `Os {`, a struct's ` { `), so users read words, not internals.
pub(crate) fn plain(msg: &str) -> String {
    let cut = ["Some(", "None", "Os {", " { ", "(["]
        .iter()
        .filter_map(|m| msg.find(m))
        .min();
    match cut {
        None => msg.to_string(),
        Some(i) => {
            let head = msg[..i].trim_end_matches([' ', ':', '(', ',']);
            if head.is_empty() {
                "the file is corrupt (its decoder could not say more)".into()
            } else {
                format!("{head} (the file is corrupt)")
            }
        }
    }
}

/// Builds located errors for one file; keeps the readers terse.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub file: PathBuf,
    pub csv: bool,
    /// The file's header, for column numbers (empty until known).
    columns: Arc<[String]>,
}

impl Site {
    pub fn new(path: &Path, csv: bool) -> Site {
        Site {
            file: path.to_path_buf(),
            csv,
            columns: Arc::from(Vec::new()),
        }
    }
    /// The same file, now with its header known.
    pub fn with_columns<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Site {
        self.columns = names.into_iter().map(|s| s.as_ref().to_string()).collect();
        self
    }
    /// Position of a row: `pos` is a CSV line number or a 1-based Parquet row.
    pub fn at(&self, pos: u64) -> At {
        if self.csv {
            At::Line(pos)
        } else {
            At::Row(pos)
        }
    }
    fn column(&self, name: &str) -> ColumnRef {
        ColumnRef {
            number: self.columns.iter().position(|c| c == name).map(|i| i + 1),
            name: name.to_string(),
        }
    }
    /// A place in this file: a position and a column.
    pub fn locate(&self, at: At, column: &str) -> Location {
        Location {
            file: self.file.clone(),
            at: Some(at),
            column: Some(self.column(column)),
        }
    }
    fn located(&self, at: At, column: Option<ColumnRef>, msg: impl fmt::Display) -> IoError {
        IoError::Content {
            at: Box::new(Location {
                file: self.file.clone(),
                at: Some(at),
                column,
            }),
            msg: msg.to_string(),
        }
    }
    /// A cell is wrong.
    pub fn invalid(&self, pos: u64, column: &str, msg: impl fmt::Display) -> IoError {
        self.located(self.at(pos), Some(self.column(column)), msg)
    }
    /// A whole row is wrong (field count, undecodable data).
    pub fn malformed(&self, pos: u64, msg: impl fmt::Display) -> IoError {
        self.located(self.at(pos), None, msg)
    }
    /// A required column is absent: CSV names the header line, Parquet the schema.
    pub fn missing_column(&self, column: &str) -> IoError {
        self.schema(column, "required column is missing")
    }
    /// A column is wrong as a whole (its type, its header).
    pub fn schema(&self, column: &str, msg: impl fmt::Display) -> IoError {
        let at = if self.csv { At::Line(1) } else { At::Schema };
        self.located(at, Some(self.column(column)), msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_file_line_column_name_message() {
        let s = Site::new(Path::new("m/daily.csv"), true).with_columns([
            "date",
            "security_id",
            "close",
        ]);
        assert_eq!(
            s.invalid(17, "close", "must be > 0, got -1.5").to_string(),
            "m/daily.csv:17:3 (close): must be > 0, got -1.5"
        );
        assert_eq!(
            s.missing_column("volume").to_string(),
            "m/daily.csv:1 (volume): required column is missing"
        );
        assert_eq!(
            s.malformed(4, "has 2 fields, the header has 3").to_string(),
            "m/daily.csv:4: has 2 fields, the header has 3"
        );
        let p = Site::new(Path::new("daily.parquet"), false).with_columns(["date", "close"]);
        assert_eq!(
            p.missing_column("volume").to_string(),
            "daily.parquet:schema (volume): required column is missing"
        );
        assert_eq!(
            p.invalid(3, "close", "x").to_string(),
            "daily.parquet:row 3:2 (close): x"
        );
        assert_eq!(p.malformed(3, "x").to_string(), "daily.parquet:row 3: x");
        assert_eq!(
            Location::file("format.toml")
                .column(None, "version")
                .to_string(),
            "format.toml (version)"
        );
    }

    #[test]
    fn library_messages_lose_their_debug_dumps() {
        assert_eq!(
            plain("Arrow: bad schema: Utf8Error { error: Utf8Error { error_len: Some(1) } }"),
            "Arrow: bad schema: Utf8Error (the file is corrupt)"
        );
        assert_eq!(
            plain("EOF: file size of 3 is less than footer"),
            "EOF: file size of 3 is less than footer"
        );
        assert!(!plain("Some(3)").contains("Some("));
    }

    #[test]
    fn os_errors_print_without_debug_text() {
        let e = IoError::io("/proc/x/levels.csv", std::io::Error::from_raw_os_error(2));
        assert_eq!(
            e.to_string(),
            "/proc/x/levels.csv: No such file or directory"
        );
    }
}
