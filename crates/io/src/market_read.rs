//! [`read_market`]: a market directory into a validated [`Market`].

use std::path::{Path, PathBuf};

use rankday_core::{Action, BuildError, Market, MarketBuilder, Observations, Sec};

use crate::daily::Interner;
use crate::error::{At, Site};
use crate::format::check_format_toml;
use crate::raw::Raw;
use crate::small_tables::{check_action_dates, parse_actions, parse_securities};
use crate::validate::{self, Checks, Sources, Warning};
use crate::{csv_read, daily, daily_parquet, FileFormat, IoError};

/// The actions table's cells and its actions, each with its position.
type ParsedActions = (Raw, Vec<(u64, Action)>);

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

/// A market as loaded, with the warnings of its semantic checks.
#[derive(Debug)]
pub struct Loaded {
    /// The market.
    pub market: Market,
    /// In file order (`daily`'s rows, then by kind); see [`crate::validate`].
    pub warnings: Vec<Warning>,
}

/// Loads and validates a market directory (format 1) with the default
/// [`Checks`] (the NYSE calendar, default bounds), dropping the warnings.
/// See the crate docs for the rules and the error conventions. Reads only;
/// never writes.
pub fn read_market(dir: &Path) -> Result<Market, IoError> {
    Ok(load_market(dir, &Checks::default())?.market)
}

/// Loads a market directory: every row checked on its own as it is read,
/// then the semantic checks of [`crate::validate`] with `checks` (errors
/// stop the load; warnings come back with the market, or, under
/// [`Checks::strict`], the first one is the error). Reads only; never
/// writes.
pub fn load_market(dir: &Path, checks: &Checks) -> Result<Loaded, IoError> {
    checks.check()?;
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
    assemble(
        Source {
            securities,
            securities_path: &sec_path,
            daily_path: &daily_path,
            daily_csv: daily_fmt == FileFormat::Csv,
            observations,
        },
        |interner, b| match daily_fmt {
            FileFormat::Csv => daily::read_csv(&daily_path, interner, b),
            FileFormat::Parquet => daily_parquet::read_parquet(&daily_path, interner, b),
        },
        || match &actions {
            Some((path, fmt)) => Raw::read(path, *fmt == FileFormat::Csv).map(Some),
            None => Ok(None),
        },
        checks,
    )
}

/// What every market source gives besides the rows of `daily`: the
/// `securities` cells, where the tables are (for messages), and whether the
/// market is full or sparse.
pub(crate) struct Source<'a> {
    pub securities: Raw,
    /// Where `securities` came from (a file, or a table's name).
    pub securities_path: &'a Path,
    /// Where `daily` came from, and whether its positions are CSV lines.
    pub daily_path: &'a Path,
    pub daily_csv: bool,
    pub observations: Observations,
}

/// The checks and the assembly shared by market files and tables in
/// memory, in one order: `securities`, then `daily` (pushed by `daily`),
/// then `actions` (read by `actions` while `daily` decodes; a `daily` error
/// still comes first, as the files are read), the
/// rules that need the whole panel, and the semantic checks of
/// [`crate::validate`] with `checks`.
pub(crate) fn assemble(
    src: Source<'_>,
    daily: impl FnOnce(&Interner, &mut MarketBuilder) -> Result<(), IoError> + Send,
    actions: impl FnOnce() -> Result<Option<Raw>, IoError> + Send,
    checks: &Checks,
) -> Result<Loaded, IoError> {
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
    // The actions are read and parsed while the daily table decodes (ids
    // resolve through the interner, not the builder the daily rows fill);
    // a daily error still comes first.
    let read_actions = || -> Result<Option<ParsedActions>, IoError> {
        let Some(raw) = actions()? else {
            return Ok(None);
        };
        let lookup = |id: &str| interner.get(id.as_bytes()).map(Sec);
        let parsed = parse_actions(&raw, &lookup)?;
        Ok(Some((raw, parsed)))
    };
    let (daily, parsed) = rayon::join(|| daily(&interner, &mut b), read_actions);
    daily?;
    let mut action_raw = None;
    let mut positions = Vec::new();
    if let Some((raw, parsed)) = parsed? {
        let actions;
        (positions, actions) = parsed.into_iter().unzip();
        b.push_actions(actions);
        action_raw = Some(raw);
    }

    let m = match b.build() {
        Ok(m) => m,
        Err(BuildError::DuplicateDaily {
            date,
            security_id,
            first,
            second,
        }) => {
            return Err(duplicate_error(
                src.daily_path,
                src.daily_csv,
                format!("duplicate row for ({date}, {security_id})"),
                first,
                second,
            ))
        }
        // Cannot happen from a source (every id is resolved before a row
        // or action is pushed), but a reader must not panic if it ever does.
        Err(e) => return Err(IoError::file(src.securities_path, e)),
    };
    if let Some(raw) = &action_raw {
        check_action_dates(&m, raw, &positions)?;
    }
    let sources = Sources {
        daily: src.daily_path,
        daily_csv: src.daily_csv,
        actions: action_raw.as_ref().map(|r| (&r.site, positions.as_slice())),
    };
    let warnings = validate::check(&m, &sources, checks)?;
    Ok(Loaded {
        market: m,
        warnings,
    })
}

/// Names both rows of a duplicate (date, security_id) pair.
fn duplicate_error(path: &Path, csv: bool, what: String, first: usize, second: usize) -> IoError {
    let (a, b) = if csv {
        let lines = match csv_read::lines_of_records(path, &[first, second]) {
            Ok(l) => l,
            Err(e) => return e,
        };
        (At::Line(lines[&first]), At::Line(lines[&second]))
    } else {
        (At::Row(first as u64 + 1), At::Row(second as u64 + 1))
    };
    let site = Site::new(path, csv).with_columns(daily::COLUMNS);
    IoError::Content {
        at: Box::new(site.locate(b, "security_id")),
        msg: format!("{what}, first at {}", a.describe()),
    }
}
