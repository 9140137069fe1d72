//! The whole import in one call, for the front ends: holdings files in, a
//! market-format-1 directory out, with its membership states and the
//! import's report.

use std::path::{Path, PathBuf};

use rankday_core::{IndexId, Market, Membership};
use rankday_io::{FileFormat, OutputDir};

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
/// built before anything is written, and the outputs are published together
/// by `rankday_io::OutputDir`, so a bad input (or a killed run) leaves `out`
/// as it was.
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
    // The market, its membership and the report appear together or not at all.
    let mut o = OutputDir::stage(out)?;
    o.supersede_table("membership");
    o.write_market(None, &imported.market, format)?;
    let table = rankday_io::membership_table(&imported.market, &imported.memberships);
    let membership_path = o.write_table("membership", &table, format)?;
    let report_path = o.write_bytes(REPORT_FILE, imported.report.to_text().as_bytes())?;
    o.publish()?;
    Ok(ImportSummary {
        market: imported.market,
        memberships: imported.memberships,
        files,
        report: imported.report,
        membership_path,
        report_path,
    })
}
