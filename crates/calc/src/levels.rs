//! Price, total-return and net-return levels (methodology §6).
//!
//! * Price: `I_t = Σ p_i,t · N_i / D_t`.
//! * Total return: ordinary dividends reinvested on the ex-date with the
//!   dividend points `XD_t = Σ div_i · N_i / D_t` (see [`TrConvention`]).
//!   Special dividends are reinvested through the price index itself: the
//!   divisor is cut on the ex-date so the price index does not fall, which
//!   puts the distribution back into every line pro rata. So they add no
//!   dividend points to the total return.
//! * Net return: as total return with `(1 − w)·XD_t`, `w` the withholding
//!   rate; the tax on special dividends, which the price index reinvested
//!   gross, is taken back as `−w·XS_t`, `XS_t` the special-dividend points
//!   at the divisor before the special's reset (the share of the index paid
//!   out).
//!
//! **Base values** (methodology §6): R1000, R2000, R3000 and the indexes
//! carved out of the R3000 (Top 200, Midcap, Top 500, R2500) are 100 on
//! 1978-12-31; the R3000E and Microcap are 1,000 on 2005-06-24. An index
//! whose calculated history starts on or before its base date is scaled so
//! that its price, total and net levels equal the base value at the close of
//! the last trading day on or before the base date (divisors scaled to
//! match). An index that starts later starts at 100 at the close of the
//! first day it has members. An index whose last member leaves goes dormant
//! (no rows) and resumes at its last level when it has members again.

use rankday_core::{Date, IndexId};

use crate::config::TrConvention;
use crate::divisor::DivisorChange;
use crate::holdings::N_INDEX;

/// Level of an index that starts after its base date.
pub const START_LEVEL: f64 = 100.0;

/// One published row: the close of `date` for `index`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LevelRow {
    /// The close.
    pub date: Date,
    /// The index.
    pub index: IndexId,
    /// Price-return level.
    pub price_return: f64,
    /// Total-return level: ordinary dividends reinvested on the ex-date.
    pub total_return: f64,
    /// Net-return level: dividends reinvested after withholding.
    pub net_return: f64,
    /// The divisor of the close (`price_return = market_value / divisor`);
    /// resets after the close are in the divisor changes.
    pub divisor: f64,
    /// Σ index shares × price at the close (USD).
    pub market_value: f64,
    /// Member lines at the close.
    pub constituents: u32,
}

/// The base date and value of an index (methodology §6).
pub fn base_of(index: IndexId) -> (Date, f64) {
    match index {
        IndexId::R3000E | IndexId::RMicro => (Date::ymd(2005, 6, 24), 1000.0),
        _ => (Date::ymd(1978, 12, 31), 100.0),
    }
}

/// One day's step of a reinvestment series: `prev` is yesterday's TR (or
/// NR), `i_prev`/`i_t` the price index, `points` the reinvested points.
pub fn tr_step(conv: TrConvention, prev: f64, i_prev: f64, i_t: f64, points: f64) -> f64 {
    match conv {
        TrConvention::ProviderStyle => prev * ((i_t + points) / i_prev),
        TrConvention::CompoundSameDay => prev * (1.0 + points / i_prev) * (i_t / i_prev),
    }
}

/// The running state of one index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IndexState {
    /// Has a level and members.
    pub live: bool,
    /// Date it first got a level.
    pub start: Option<Date>,
    pub divisor: f64,
    /// Price level at the last close.
    pub level: f64,
    pub tr: f64,
    pub nr: f64,
    /// Σ div·N of today's ordinary dividends.
    pub div_amt: f64,
    /// Today's special-dividend points, each at the divisor before its reset.
    pub special_pts: f64,
}

impl IndexState {
    pub fn new() -> Self {
        IndexState {
            live: false,
            start: None,
            divisor: f64::NAN,
            level: START_LEVEL,
            tr: START_LEVEL,
            nr: START_LEVEL,
            div_amt: 0.0,
            special_pts: 0.0,
        }
    }

    /// Starts (or resumes) the index at its current level with market value `mv`.
    pub fn begin(&mut self, date: Date, mv: f64) {
        self.live = true;
        self.start.get_or_insert(date);
        self.divisor = mv / self.level;
    }

    /// The close of a day with market value `mv`: returns (price, total, net).
    pub fn close(&mut self, mv: f64, conv: TrConvention, withholding: f64) -> (f64, f64, f64) {
        let i = mv / self.divisor;
        let xd = self.div_amt / self.divisor;
        let xs = self.special_pts;
        self.tr = tr_step(conv, self.tr, self.level, i, xd);
        self.nr = tr_step(
            conv,
            self.nr,
            self.level,
            i,
            (1.0 - withholding) * xd - withholding * xs,
        );
        self.level = i;
        self.div_amt = 0.0;
        self.special_pts = 0.0;
        (i, self.tr, self.nr)
    }
}

/// Scales each index's series to its base value where its history reaches
/// its base date (see the module doc). `levels` is sorted by (date, index):
/// the row at an index's base date is found by a search, and every row and
/// divisor change is scaled in one pass.
pub(crate) fn apply_base_values(levels: &mut [LevelRow], changes: &mut [DivisorChange]) {
    let mut factor: [Option<(f64, f64, f64)>; N_INDEX] = [None; N_INDEX];
    for &index in IndexId::ALL {
        let (base_date, base) = base_of(index);
        let end = levels.partition_point(|r| r.date <= base_date);
        let Some(r) = levels[..end].iter().rfind(|r| r.index == index) else {
            continue;
        };
        factor[index as usize] = Some((
            base / r.price_return,
            base / r.total_return,
            base / r.net_return,
        ));
    }
    for r in levels.iter_mut() {
        if let Some((kp, kt, kn)) = factor[r.index as usize] {
            r.price_return *= kp;
            r.total_return *= kt;
            r.net_return *= kn;
            r.divisor /= kp;
        }
    }
    for c in changes.iter_mut() {
        if let Some((kp, _, _)) = factor[c.index as usize] {
            c.old /= kp;
            c.new /= kp;
        }
    }
}
