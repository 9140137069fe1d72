//! The small markets rankday's tests build, in one place: consecutive
//! weekdays, a deterministic generator, a builder of hand-made markets and
//! membership states, and a generated year of a few names with every kind of
//! corporate action. A dev-dependency only (`publish = false`): nothing in
//! the product depends on it.
//!
//! Why a crate and not a `tests/common` module per crate: the calculation,
//! the fund and the flows test the same kinds of markets, and copies drift.

mod hand;
mod rng;
pub mod shared;
mod year;

pub use hand::{act, close_to, float_on, member_row, r2000, state, HandMarket};
pub use rng::Rng;
pub use year::{year_market, YearMarket};

use rankday_core::Date;

/// `n` consecutive weekdays from `start` (no holidays: a test market's own
/// dates are its trading days).
pub fn weekdays(start: Date, n: usize) -> Vec<Date> {
    let mut out = Vec::with_capacity(n);
    let mut d = start;
    while out.len() < n {
        if !d.is_weekend() {
            out.push(d);
        }
        d = d.add_days(1);
    }
    out
}
