//! The whole import in one call, for the CLI: holdings files in, a
//! market-format-1 directory out.

use std::path::{Path, PathBuf};

use rankday_core::{Market, Membership};
use rankday_io::{write_market, FileFormat};

use crate::error::ImportError;
use crate::holdings::{read_holdings_with, HoldingsFile, ReadOptions};
use crate::market::holdings_to_market;

/// What an import did, for the command's report.
#[derive(Debug)]
pub struct ImportSummary {
    pub market: Market,
    /// One per file date, oldest first (see [`holdings_to_market`]).
    pub memberships: Vec<Membership>,
    /// The parsed files, oldest first, with their cleaning counts.
    pub files: Vec<(PathBuf, HoldingsFile)>,
}

/// Reads every holdings file (layout auto-detected; `opts` applies to all,
/// so give an `as_of` override only with a single file), builds the market
/// and writes it to `out` (created if missing; each table written
/// atomically by rankday-io, so a failure leaves no partial table).
pub fn import_holdings(
    paths: &[PathBuf],
    opts: &ReadOptions,
    out: &Path,
    format: FileFormat,
) -> Result<ImportSummary, ImportError> {
    if opts.as_of.is_some() && paths.len() > 1 {
        return Err(ImportError::Combine(
            "an as-of override applies to one file; got several".into(),
        ));
    }
    let mut files = paths
        .iter()
        .map(|p| Ok((p.clone(), read_holdings_with(p, opts)?)))
        .collect::<Result<Vec<_>, ImportError>>()?;
    files.sort_by_key(|(_, f)| f.as_of);
    let parsed: Vec<HoldingsFile> = files.iter().map(|(_, f)| f.clone()).collect();
    let (market, memberships) = holdings_to_market(&parsed)?;
    write_market(&market, out, format)?;
    Ok(ImportSummary {
        market,
        memberships,
        files,
    })
}
