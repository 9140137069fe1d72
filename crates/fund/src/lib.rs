//! # rankday-fund: an index-tracking fund, and portfolio benchmarking
//!
//! [`simulate`] runs a fund that holds **whole shares and cash** and tracks
//! one index of the family through everything the index engine
//! (`rankday-calc`) goes through: it buys the index at the close of the
//! first day, applies corporate actions to its own book exactly as the index
//! does ([`portfolio`]), receives dividends in cash after a lag (a
//! receivable meanwhile), accrues its expense ratio, takes creations and
//! redemptions, and trades to the index's holdings on every date they change
//! (reconstitutions, IPO rounds, quarterly share updates, deletions, all
//! visible as divisor changes), paying half-spreads by size bucket and
//! square-root impact ([`costs`]), at once or spread over days within a
//! participation cap ([`Rebalance`]).
//!
//! ## Conventions (and why)
//!
//! * Expense ratio accrues per trading day as `ratio / 252` of NAV: a year
//!   of accruals is the ratio whatever the number of holidays.
//! * Dividends are receivables from the ex-date to the pay date
//!   (`dividend_lag_days` trading days later) and count in NAV; the lag
//!   costs only the index return the cash misses until it is invested.
//! * Cash is invested at every rebalance and, in between, whenever it
//!   exceeds `cash_threshold` (default 10 bp) of NAV, pro rata to holdings.
//! * The launch buys the whole index at the first close, uncapped.
//! * Known residual of a frictionless fund: on a special dividend's ex-date
//!   the index reinvests the distribution at the previous close (divisor
//!   cut before the open) while a fund receives cash at the close, so the
//!   fund misses that day's return on it (tested day by day).
//!
//! [`tracking`] computes tracking difference, both tracking errors
//! (`te_std`, `te_rms`), information ratio, beta and capture ratios on plain
//! return slices; [`benchmark`] applies them to any portfolio (returns or
//! holdings over time) against any index, and compares two indexes.

pub mod benchmark;
pub mod costs;
mod error;
pub mod portfolio;
mod rebalance;
pub mod simulate;
pub mod tracking;

pub use costs::{CapBucket, CostModel, HalfSpreads};
pub use error::FundError;
pub use simulate::{simulate, FundConfig, FundDay, FundResult, Rebalance, Simulator, Trade};
pub use tracking::{tracking_stats, TrackingStats};
