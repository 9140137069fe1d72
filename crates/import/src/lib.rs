//! Adapters that turn third-party files into market-format 1, and the
//! real-data validations built on them.
//!
//! Why this crate exists: rankday's engine is tested on generated markets,
//! but users trust it only once it reproduces published numbers. iShares
//! holdings files are the public, free record of what the Russell indexes
//! hold (fund shares ∝ float-adjusted index shares), so this crate reads
//! them in every layout found in the wild ([`read_holdings`]), reads the
//! scraped daily IWM constituent lists ([`read_weight_snapshot`]), turns a
//! set of files into a [`rankday_core::Market`] with one
//! [`rankday_core::Membership`] per file ([`holdings_to_market`]), and
//! carries the arithmetic of the validations in
//! `shared/data/real/README.md` ([`basket_return`], [`one_way_turnover`],
//! [`membership_changes`], [`float_weight_gap`]).

mod analytics;
pub mod crsp;
mod error;
mod holdings;
pub mod links;
mod market;
mod pipeline;
pub mod rename;
mod report;
mod sheet;
mod snapshot;
pub mod split;
pub mod table_map;
mod text;
pub mod window;

pub use analytics::{
    basket_return, close_on, float_weight_gap, membership_changes, one_way_turnover,
    read_close_series, BasketReturn, DetectedSplit, WeightGap,
};
pub use crsp::{import_crsp, read_crsp, CrspFiles, CrspImport, CrspLayout, CrspReport};
pub use error::ImportError;
pub use holdings::{
    fund_from_title, parse_holdings, read_holdings, read_holdings_with, Holding, HoldingsFile,
    Identifiers, Layout, ReadOptions,
};
pub use links::{link_lines, link_lines_with, Link, LinkKind, Links};
pub use market::{
    company_key, fund_index, holdings_to_market, import_files, map_exchange, type_from_name,
    Imported,
};
pub use pipeline::{import_holdings, ImportSummary, REPORT_FILE};
pub use report::{ImportReport, RenameLine, SplitLine, WindowReport};
pub use snapshot::{
    holdings_date_for_download, parse_weight_snapshot, read_weight_snapshot,
    read_weight_snapshot_with, snapshot_date, WeightSnapshot,
};
pub use split::{SplitEvidence, SplitModel};
pub use table_map::{import_table, read_table, ColumnMap};
pub use text::{date_in_file_name, NameDate};
