//! Market-format 1 on disk: CSV and Parquet readers and writers with
//! row-level validation and atomic output.
//!
//! # The format
//!
//! A market is a directory holding `securities`, `daily` and (optionally)
//! `actions`, each as `<name>.csv` or `<name>.parquet` (a directory may mix
//! formats but must not hold one table in both), plus `format.toml` with
//! `version = 1`. The contract is `market-format.md` in the project's spec
//! folder; this crate implements it exactly:
//!
//! * [`read_market`] loads and validates a directory into a
//!   [`rankday_core::Market`]. A missing `format.toml` is read as version 1
//!   (hand-made directories); a present one with any other version is an
//!   error, never a guess.
//! * [`write_market`] writes `format.toml` and all three tables, each file
//!   atomically, and deletes a stale copy of a table in the other format.
//!   Rows and actions are written in the order they were read, so
//!   CSV → Parquet → CSV reproduces every value and every row order.
//! * [`write_table`] / [`read_table`] carry the generic output tables
//!   (`membership`, `levels`, `flows`, portfolios);
//!   [`membership_table`] / [`read_membership`] convert the `membership`
//!   one to and from membership states.
//! * [`market_from_arrow`] builds the same market from the three tables
//!   handed over in memory as Arrow (the Python package's
//!   `Market.from_tables`), with the same checks and messages.
//! * [`atomic_write`] is the one way rankday creates a file, and
//!   [`OutputDir`] the one way a command publishes its outputs: staged
//!   beside `--out` and swapped in together, so a failed or killed run
//!   leaves `--out` as it was.
//!
//! Parquet specifics: dates are `Date32`; `daily.security_id` is
//! `Dictionary(Int32, Utf8)` so a reader interns ids once per row group, not
//! once per row; empty `close`/`volume` are nulls; Snappy compression; row
//! groups of [`ROW_GROUP_ROWS`] rows, read in parallel and assembled in file
//! order. CSV floats use Rust's shortest round-trip formatting (see
//! [`fmt_f64`]), so a CSV round trip is exact. Unknown extra columns are
//! ignored in every table.
//!
//! # Errors
//!
//! Every error is an [`IoError`] whose message names the file, the position
//! and the column, e.g. `daily.csv line 17, column close: must be > 0, got
//! -1.5`. CSV positions are physical line numbers with the header as line 1;
//! Parquet positions are 1-based row numbers across the whole file (`row
//! 17`), or `schema` for a missing or mistyped column. Loading stops at the
//! first error (for Parquet: the first in file order, whatever thread found
//! it) and never writes anything; writing never leaves a partial file.
//!
//! ## Validation rules beyond the column types
//!
//! * `daily`: `security_id` must be in `securities`; one row per (date,
//!   security_id) — a duplicate names both rows; `close` > 0 and `volume` ≥ 0
//!   and finite, empty only for `UNLISTED` lines; `shares_outstanding` > 0;
//!   0 < `float_shares` ≤ `shares_outstanding`.
//! * Empty means an empty CSV field or a Parquet null. A NaN *value* (the
//!   text `NaN`, or a NaN float in Parquet) is an error even on an
//!   `UNLISTED` line: writers must say "no price" with an empty field, so a
//!   NaN produced by a bug upstream is never mistaken for one.
//! * Dates: CSV `YYYY-MM-DD`; Parquet `Date32` (also `Date64` or ISO
//!   strings from other producers), within years 0001-9999.
//! * `actions`: `security_id` and a non-empty `other_id` must be in
//!   `securities`. `split` needs `ratio` > 0; `cash_dividend` and
//!   `special_dividend` need `amount` ≥ 0; `spin_off` needs `ratio` > 0 and a
//!   child `other_id` (not the parent) that trades on the ex_date;
//!   `acquisition` needs `ratio` or `amount` (each ≥ 0); `delisting`'s
//!   optional `amount` ≥ 0. Fields a kind does not use are accepted and
//!   kept (a vendor's `other_id` on a split is not an error).
//! * Action dates: for every kind except `acquisition` and `delisting` the
//!   ex_date must be a trading day *of that security* (it has a `daily` row
//!   that day), because the spec defines ex_date as the first day the prices
//!   in `daily` reflect the action. An `acquisition` target's last trading
//!   day is the one before ex_date, so it must have rows before ex_date and
//!   none on or after it. A `delisting` must follow at least one row and no
//!   row may come after its ex_date (its last daily row is its last trade).

mod arrow_util;
mod csv_read;
mod daily;
mod daily_parquet;
mod error;
mod format;
mod market_arrow;
mod market_read;
mod market_write;
mod membership;
mod output;
mod page_headers;
mod parquet_pages;
mod raw;
mod returns;
mod small_tables;
mod table;
pub mod validate;

pub use error::{At, ColumnRef, IoError, Location};
pub use format::{FileFormat, FORMAT_VERSION};
pub use market_arrow::{market_from_arrow, ArrowTable};
pub use market_read::{load_market, read_market, Loaded};
pub use market_write::write_market;
pub use membership::{membership_table, read_membership};
pub use output::{atomic_write, OutputDir};
pub use returns::read_returns;
pub use table::{fmt_f64, read_table, write_table, write_tables, Column, Table};
pub use validate::{Checks, Warning, WarningKind};

/// Rows per Parquet row group in files rankday writes: the unit of parallel
/// reading (about 40 MB of decoded `daily` columns).
pub const ROW_GROUP_ROWS: usize = 1 << 20;
