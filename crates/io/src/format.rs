//! File formats and the `format.toml` version marker.

use std::path::Path;
use std::str::FromStr;

use rankday_core::Observations;

use crate::{atomic_write, IoError};

/// The market-format version this crate reads and writes.
pub const FORMAT_VERSION: i64 = 1;

/// On-disk encoding of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Comma-separated text: readable anywhere, larger and slower.
    Csv,
    /// Columnar and compressed: the fast format for large markets.
    Parquet,
}

impl FileFormat {
    /// The file extension of the format, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Parquet => "parquet",
        }
    }
    pub(crate) fn other(self) -> FileFormat {
        match self {
            FileFormat::Csv => FileFormat::Parquet,
            FileFormat::Parquet => FileFormat::Csv,
        }
    }
    /// The format of a path by its extension (`.csv` / `.parquet`).
    pub fn of_path(path: &Path) -> Result<FileFormat, IoError> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => Ok(FileFormat::Csv),
            Some("parquet") => Ok(FileFormat::Parquet),
            _ => Err(IoError::file(
                path,
                "unknown table format: the file name must end in .csv or .parquet",
            )),
        }
    }
}

impl FromStr for FileFormat {
    type Err = IoError;
    fn from_str(s: &str) -> Result<Self, IoError> {
        match s {
            "csv" => Ok(FileFormat::Csv),
            "parquet" => Ok(FileFormat::Parquet),
            _ => Err(IoError::Usage(format!(
                "unknown format '{s}' (expected one of: csv, parquet)"
            ))),
        }
    }
}

impl std::fmt::Display for FileFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

/// Reads `dir/format.toml`: the version (must be 1) and the optional
/// `observations` key (`"full"`, the default, or `"sparse"`; see
/// [`Observations`] and the calendar paragraph of market-format.md).
/// Missing file: version 1, full (hand-made directories).
pub(crate) fn check_format_toml(dir: &Path) -> Result<Observations, IoError> {
    let path = dir.join("format.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Observations::Full),
        Err(e) => return Err(IoError::io(path, e)),
    };
    let v: toml::Table = text
        .parse()
        .map_err(|e| IoError::file(&path, format!("not valid TOML: {e}")))?;
    match v.get("version") {
        Some(toml::Value::Integer(FORMAT_VERSION)) => {}
        Some(toml::Value::Integer(n)) => return Err(IoError::file(
            &path,
            format!("unsupported market format version {n} (this rankday reads version {FORMAT_VERSION})"),
        )),
        Some(other) => {
            return Err(IoError::file(
                &path,
                format!("version must be an integer, got {other}"),
            ))
        }
        None => return Err(IoError::file(&path, "missing key 'version'")),
    }
    match v.get("observations") {
        None => Ok(Observations::Full),
        Some(toml::Value::String(s)) => Observations::parse(s).ok_or_else(|| {
            IoError::file(
                &path,
                format!("observations must be \"full\" or \"sparse\", got \"{s}\""),
            )
        }),
        Some(other) => Err(IoError::file(
            &path,
            format!("observations must be the string \"full\" or \"sparse\", got {other}"),
        )),
    }
}

/// Writes `dir/format.toml`; a sparse market says so (a full one keeps the
/// one-line file every version-1 reader knows).
pub(crate) fn write_format_toml(dir: &Path, observations: Observations) -> Result<(), IoError> {
    let path = dir.join("format.toml");
    atomic_write(&path, |w| {
        use std::io::Write;
        write!(
            w,
            "# rankday market directory: see market-format.md\nversion = {FORMAT_VERSION}\n"
        )
        .map_err(|e| IoError::io(&path, e))?;
        if observations == Observations::Sparse {
            write!(
                w,
                "# dates of `daily` are observation dates, not every trading day\nobservations = \"sparse\"\n"
            )
            .map_err(|e| IoError::io(&path, e))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_rejects_others() {
        assert_eq!("csv".parse::<FileFormat>().unwrap(), FileFormat::Csv);
        assert_eq!(
            "parquet".parse::<FileFormat>().unwrap(),
            FileFormat::Parquet
        );
        let e = "xlsx".parse::<FileFormat>().unwrap_err().to_string();
        assert!(e.contains("expected one of: csv, parquet"), "{e}");
    }

    #[test]
    fn format_toml_versions() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(check_format_toml(d.path()).unwrap(), Observations::Full);
        write_format_toml(d.path(), Observations::Full).unwrap();
        assert_eq!(check_format_toml(d.path()).unwrap(), Observations::Full);
        write_format_toml(d.path(), Observations::Sparse).unwrap();
        assert_eq!(check_format_toml(d.path()).unwrap(), Observations::Sparse);
        std::fs::write(
            d.path().join("format.toml"),
            "version = 1\nobservations = \"weekly\"\n",
        )
        .unwrap();
        let e = check_format_toml(d.path()).unwrap_err().to_string();
        assert!(
            e.contains("observations must be \"full\" or \"sparse\", got \"weekly\""),
            "{e}"
        );
        std::fs::write(
            d.path().join("format.toml"),
            "version = 1\nobservations = 1\n",
        )
        .unwrap();
        assert!(check_format_toml(d.path()).is_err());
        std::fs::write(d.path().join("format.toml"), "version = 2\n").unwrap();
        let e = check_format_toml(d.path()).unwrap_err().to_string();
        assert!(
            e.contains("format.toml: unsupported market format version 2"),
            "{e}"
        );
        std::fs::write(d.path().join("format.toml"), "versio = 1\n").unwrap();
        let e = check_format_toml(d.path()).unwrap_err().to_string();
        assert!(e.contains("missing key 'version'"), "{e}");
    }
}
