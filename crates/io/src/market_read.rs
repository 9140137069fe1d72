//! [`read_market`]: a market directory into a validated [`Market`].

use std::path::{Path, PathBuf};

use rankday_core::{Market, MarketBuilder, Observations};

use crate::daily::Interner;
use crate::error::{file_name, At};
use crate::format::check_format_toml;
use crate::raw::Raw;
use crate::small_tables::{check_action_dates, parse_actions, parse_securities};
use crate::{csv_read, daily, daily_parquet, FileFormat, IoError};

/// Finds `dir/name.csv` or `dir/name.parquet`; both present is an error (a
/// reader must never guess which one is current).
fn locate(
    dir: &Path,
    name: &str,
    required: bool,
) -> Result<Option<(PathBuf, FileFormat)>, IoError> {
    let csv = dir.join(format!("{name}.csv"));
    let pq = dir.join(format!("{name}.parquet"));
    match (csv.is_file(), pq.is_file()) {
        (true, true) => Err(IoError::file(
            dir,
            format!("both {name}.csv and {name}.parquet exist; remove the stale one"),
        )),
        (true, false) => Ok(Some((csv, FileFormat::Csv))),
        (false, true) => Ok(Some((pq, FileFormat::Parquet))),
        (false, false) if required => Err(IoError::file(
            dir,
            format!("missing table '{name}' (expected {name}.csv or {name}.parquet)"),
        )),
        (false, false) => Ok(None),
    }
}

/// Loads and validates a market directory (format 1). See the crate docs
/// for the rules and the error conventions. Reads only; never writes.
pub fn read_market(dir: &Path) -> Result<Market, IoError> {
    if !dir.is_dir() {
        return Err(IoError::file(
            dir,
            "not a market directory (does not exist or is not a directory)",
        ));
    }
    let observations = check_format_toml(dir)?;
    let (sec_path, sec_fmt) = locate(dir, "securities", true)?.expect("required");
    let (daily_path, daily_fmt) = locate(dir, "daily", true)?.expect("required");
    let actions = locate(dir, "actions", false)?;

    let securities = Raw::read(&sec_path, sec_fmt == FileFormat::Csv)?;
    let action_raw = match &actions {
        Some((path, fmt)) => Some(Raw::read(path, *fmt == FileFormat::Csv)?),
        None => None,
    };
    assemble(
        Source {
            securities,
            securities_path: &sec_path,
            actions: action_raw,
            observations,
        },
        |interner, b| match daily_fmt {
            FileFormat::Csv => daily::read_csv(&daily_path, interner, b),
            FileFormat::Parquet => daily_parquet::read_parquet(&daily_path, interner, b),
        },
        |e, first, second| duplicate_error(&daily_path, daily_fmt, e, first, second),
    )
}

/// What every market source gives besides `daily`: the small tables as
/// cells, and whether the market is full or sparse.
pub(crate) struct Source<'a> {
    pub securities: Raw,
    /// Where `securities` came from (a file, or the table's name), for
    /// errors not tied to a row.
    pub securities_path: &'a Path,
    pub actions: Option<Raw>,
    pub observations: Observations,
}

/// The validation and assembly shared by market files and in-memory
/// tables: securities, then `daily` (pushed by `daily` in its order), then
/// actions, then the rules that need the whole panel. `duplicate(e, first,
/// second)` names both push positions of a duplicate (date, security_id).
pub(crate) fn assemble(
    src: Source<'_>,
    daily: impl FnOnce(&Interner, &mut MarketBuilder) -> Result<(), IoError>,
    duplicate: impl FnOnce(rankday_core::CoreError, usize, usize) -> IoError,
) -> Result<Market, IoError> {
    let securities = parse_securities(&src.securities)?;
    drop(src.securities);
    let interner = Interner::new(&securities);
    let mut b = MarketBuilder::new();
    b.set_observations(src.observations);
    for s in securities {
        // Duplicates were rejected by position above.
        b.add_security(s)
            .map_err(|e| IoError::file(src.securities_path, e))?;
    }
    daily(&interner, &mut b)?;

    let mut positions = Vec::new();
    if let Some(raw) = &src.actions {
        let lookup = |id: &str| b.sec_by_id(id);
        let parsed = parse_actions(raw, &lookup)?;
        for (pos, a) in parsed {
            positions.push(pos);
            b.push_action(a);
        }
    }

    let m = match b.build() {
        Ok(m) => m,
        Err((e, Some(dup))) => return Err(duplicate(e, dup.first, dup.second)),
        // Cannot happen from a source (every id is resolved before a row
        // or action is pushed), but a reader must not panic if it ever does.
        Err((e, None)) => return Err(IoError::file(src.securities_path, e)),
    };
    if let Some(raw) = &src.actions {
        check_action_dates(&m, raw, &positions)?;
    }
    Ok(m)
}

/// Names both rows of a duplicate (date, security_id) pair.
pub(crate) fn duplicate_error(
    path: &Path,
    fmt: FileFormat,
    e: rankday_core::CoreError,
    first: usize,
    second: usize,
) -> IoError {
    let (a, b) = match fmt {
        FileFormat::Parquet => (At::Row(first as u64 + 1), At::Row(second as u64 + 1)),
        FileFormat::Csv => match (
            csv_read::line_of_record(path, first),
            csv_read::line_of_record(path, second),
        ) {
            (Ok(a), Ok(b)) => (At::Line(a), At::Line(b)),
            (Err(err), _) | (_, Err(err)) => return err,
        },
    };
    let what = match &e {
        rankday_core::CoreError::DuplicateDaily { date, security_id } => {
            format!("duplicate row for ({date}, {security_id}), first at {a}")
        }
        other => format!("{other} (first at {a})"),
    };
    IoError::Invalid {
        file: file_name(path),
        at: b,
        column: "security_id".into(),
        msg: what,
    }
}
