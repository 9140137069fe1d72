//! # rankday-fund: an index-tracking fund, and portfolio benchmarking
//!
//! [`simulate()`] runs a fund that holds **whole shares and cash** and tracks
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
//! * An index fund trades when its index changes, when cash arrives or a
//!   flow comes, not every day: with a `tolerance` (IWM-like: 2%) only the
//!   lines the change moves are traded, and cash is kept within a band
//!   (IWM-like: 25 bp of NAV) by buying the most underweight lines first;
//!   it never goes negative (the fund does not borrow). Exact replication
//!   (tolerance 0, the frictionless reference) trades every line and
//!   invests cash beyond `cash_threshold` pro rata to holdings.
//! * [`Activity`]: trades per year and turnover, the fund's against the
//!   index's own.
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
//!
//! ```
//! use rankday_fund::tracking::{te_rms, te_std, tracking_stats};
//! let index = [0.010, -0.005, 0.002, 0.000];
//! let fund = [0.011, -0.007, 0.0025, 0.0015];
//! let s = tracking_stats(&fund, &index).unwrap();
//! // Both definitions, named: te_rms² = (N−1)/N·te_std² + (mean·√252)².
//! let lhs = s.te_rms.powi(2);
//! let rhs = 0.75 * s.te_std.powi(2) + (s.mean_active_daily * 252f64.sqrt()).powi(2);
//! assert!((lhs - rhs).abs() < 1e-15);
//! assert!(s.tracking_difference > 0.0 && s.information_ratio > 0.0);
//! ```

pub mod benchmark;
pub mod costs;
mod error;
pub mod portfolio;
mod rebalance;
pub mod simulate;
pub mod tracking;

pub use costs::{CapBucket, CostModel, HalfSpreads};
pub use error::FundError;
pub use simulate::{
    simulate, Activity, FundConfig, FundDay, FundResult, Rebalance, Simulator, Trade,
};
pub use tracking::{tracking_stats, TrackingStats};
