//! The whole import in one call, for the front ends: holdings files in, a
//! market-format-1 directory out, with its membership states and the
//! import's report.

use std::path::{Path, PathBuf};

use rankday_core::{IndexId, Market, Membership};
use rankday_io::{write_market, FileFormat};

use crate::error::ImportError;
use crate::holdings::{read_holdings_with, HoldingsFile, ReadOptions};
use crate::market::import_files;
use crate::report::ImportReport;

/// The name of the report file an import writes next to the market.
pub const REPORT_FILE: &str = "import_report.md";

/// What an import did, for the command's report.
#[derive(Debug)]
pub struct ImportSummary {
    /// The market written.
    pub market: Market,
    /// One per file date, oldest first (see [`crate::holdings_to_market`]).
    pub memberships: Vec<Membership>,
    /// The parsed files, oldest first, with their cleaning counts.
    pub files: Vec<(PathBuf, HoldingsFile)>,
    /// Splits, renames and calendar events per window.
    pub report: ImportReport,
    /// Where the membership table and the report were written.
    pub membership_path: PathBuf,
    /// Where the import report was written.
    pub report_path: PathBuf,
}

impl ImportSummary {
    /// The indexes the memberships hold (the fund's).
    pub fn indexes(&self) -> Vec<IndexId> {
        IndexId::ALL
            .iter()
            .copied()
            .filter(|&i| self.memberships.iter().any(|m| m.count(i) > 0))
            .collect()
    }
}

/// Reads every holdings file (layout auto-detected; `opts` applies to all,
/// so give an `as_of` override only with a single file), builds the market
/// and writes it to `out` (created if missing) with its `membership` table
/// and the report ([`REPORT_FILE`]). Every file is read and the market
/// built before anything is written, and each table is written atomically
/// by rankday-io, so a bad input leaves nothing behind.
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
    let imported = import_files(&parsed)?;
    write_market(&imported.market, out, format)?;
    let table = rankday_io::membership_table(&imported.market, &imported.memberships);
    let membership_path = rankday_io::write_table(out, "membership", &table, format)?;
    let report_path = out.join(REPORT_FILE);
    let text = imported.report.to_text();
    rankday_io::atomic_write(&report_path, |w| {
        use std::io::Write;
        w.write_all(text.as_bytes())
            .map_err(|source| rankday_io::IoError::Io {
                path: report_path.clone(),
                source,
            })
    })?;
    Ok(ImportSummary {
        market: imported.market,
        memberships: imported.memberships,
        files,
        report: imported.report,
        membership_path,
        report_path,
    })
}
