//! When and how a company leaves the market: yearly hazards by its current
//! size, accumulated day by day on an exit clock.
//!
//! Why current size and not size at birth: in a market where companies walk
//! at random, the large companies of later years are small companies that
//! grew, and the small ones include large companies that shrank. Real
//! exits follow what a company is now: large caps are rarely taken over
//! (about 1% a year above $200B), small caps often (5-6% a year), and
//! failures (bankruptcies, delistings for price or size) concentrate among
//! the smallest. That is also what keeps the cross-section stationary: the
//! companies that drift to the bottom leave, new listings enter small, and
//! the large caps are replaced by companies growing into their ranks, so
//! the Russell 1000 is renewed from below, as in the real market (about
//! 3% of its names move up from the Russell 2000 a year).
//!
//! Determinism: the clock starts from an exponential draw at birth and runs
//! down by `hazard(size) / 252` a day; the size is the uncalibrated relative
//! cap `mu + y`, which is the same in the calibration and output passes, so
//! a company exits on the same day in both. What happens at the trigger
//! (kind of exit, lead times, a bankruptcy's loss) comes from a fresh
//! stream of the entity and the day.

use rand::RngExt;

use crate::entity::{Entity, Exit, DPY, SIZE_OFFSET};
use crate::universe::PriceModel;

/// Days from birth before the clock runs (a new listing is not taken over
/// or delisted in its first two months).
const GRACE_DAYS: usize = 40;

/// Log-linear interpolation of `y` over `ln cap` through `(cap, y)` knots
/// (flat beyond the ends).
pub(crate) fn interp(ln_cap: f64, knots: &[(f64, f64)]) -> f64 {
    let first = knots[0];
    if ln_cap <= first.0.ln() {
        return first.1;
    }
    for w in knots.windows(2) {
        let (a, b) = (w[0], w[1]);
        if ln_cap <= b.0.ln() {
            let f = (ln_cap - a.0.ln()) / (b.0.ln() - a.0.ln());
            return a.1 + f * (b.1 - a.1);
        }
    }
    knots[knots.len() - 1].1
}

/// Yearly hazards (acquisition, bankruptcy, delisting) of a company of the
/// kind with base hazards `base` at relative size `ln_cap` (2024 dollars):
/// takeovers 1.2× the base up to $2B, falling to 0.15× at $200B; failures
/// 12× at $10M (delisted for size and price within a few years), 5× at
/// $30M, 2.5× at $100M, 1.5× at $300M, 0.6× at $2B and 0.1× from $10B.
///
/// `listed_floor`: the company is an index candidate whose listing depends
/// on its size; the lines that live below it by design (OTC quotes, penny
/// stocks, funds) fail at no more than 3× their base rate.
pub fn exit_hazards(base: (f64, f64, f64), ln_cap: f64, listed_floor: bool) -> (f64, f64, f64) {
    let acq = interp(ln_cap, &[(2e9, 1.2), (2e11, 0.15)]);
    let fail = interp(
        ln_cap,
        &[
            (1e7, 12.0),
            (3e7, 5.0),
            (1e8, 2.5),
            (3e8, 1.5),
            (2e9, 0.6),
            (1e10, 0.1),
        ],
    );
    let fail = if listed_floor { fail } else { fail.min(3.0) };
    (base.0 * acq, base.1 * fail, base.2 * fail)
}

impl Entity {
    /// The size the hazards read: the uncalibrated relative cap (a `Level`
    /// price, e.g. a SPAC's trust value, says nothing of size: birth size).
    fn hazard_size(&self) -> f64 {
        match self.model {
            PriceModel::Level(_) => self.mu0,
            _ => self.mu + self.y + SIZE_OFFSET,
        }
    }

    /// Runs the exit clock down by one day and, when it runs out, plans
    /// the exit: an acquisition announced tomorrow and closed 30-110 days
    /// later, a bankruptcy (distress from tomorrow, delisted 20-60 days
    /// later after losing 80-97%), or a delisting after 20-40 days.
    pub(crate) fn tick_exit(&mut self, t: usize, halted: bool) {
        if self.exit != Exit::None || t < self.birth + GRACE_DAYS {
            return;
        }
        let (ha, hb, hd) = exit_hazards(
            self.base_hazards,
            self.hazard_size(),
            self.theta == 0.0 && self.model == PriceModel::Cap,
        );
        let h = ha + hb + hd;
        self.exit_clock -= h / DPY;
        if self.exit_clock > 0.0 || halted || h <= 0.0 {
            return;
        }
        let mut a = self.aux(t, 7);
        let (u, u2, u3): (f64, f64, f64) = (a.random(), a.random(), a.random());
        if u * h < ha {
            let ann = t + 1;
            self.exit = Exit::Acquired { ann };
            self.end = ann + 30 + (u2 * 80.0) as usize;
        } else if u * h < ha + hb {
            let distress = t + 1;
            self.exit = Exit::Bankrupt {
                distress,
                drop: (0.03 + 0.17 * u3).ln(),
            };
            self.end = distress + 20 + (u2 * 40.0) as usize;
        } else {
            self.exit = Exit::Delisted;
            self.end = t + 21 + (u2 * 20.0) as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazards_fall_with_size() {
        let base = (0.04, 0.005, 0.006);
        let small = exit_hazards(base, 1e8f64.ln(), true);
        let mid = exit_hazards(base, 5e9f64.ln(), true);
        let large = exit_hazards(base, 5e11f64.ln(), true);
        assert!((small.0 - 0.048).abs() < 1e-12 && (small.1 - 0.0125).abs() < 1e-12);
        assert!(small.0 > mid.0 && mid.0 > large.0 && (large.0 - 0.006).abs() < 1e-12);
        assert!(small.2 > mid.2 && mid.2 > large.2);
        // Between knots: log-linear.
        let at = exit_hazards(base, (2e9f64 * 10.0).ln(), true);
        assert!((at.0 / 0.04 - (1.2 - 1.05 * 0.5)).abs() < 1e-12);
        // Below the listing floor only index candidates fail fast.
        let tiny = exit_hazards(base, 1e7f64.ln(), true);
        let otc = exit_hazards(base, 1e7f64.ln(), false);
        assert!((tiny.2 / 0.006 - 12.0).abs() < 1e-9 && (otc.2 / 0.006 - 3.0).abs() < 1e-9);
    }
}
