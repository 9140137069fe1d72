//! Trading costs: half-spread by capitalisation bucket plus square-root
//! market impact.
//!
//! Why these two terms: a tracking fund trades at the close, where it pays
//! (i) the half-spread of the name, which is a function of size above all
//! else, and (ii) the price its own demand moves, which grows with the
//! square root of the order's participation in the volume it trades against
//! (`rankday_flows::impact`). Commissions are negligible for an ETF of IWM's
//! size and are left out.
//!
//! Which volume: an uncapped trade crosses in one closing auction, so its
//! participation is in the volume that close is expected to trade, the order
//! plus the auction's normal share of a day
//! ([`rankday_flows::impact::close_impact_bps`]): its impact is at most
//! `Y · σ_daily`, however large the order. The square-root law in days of
//! volume ([`rankday_flows::impact::square_root_impact_bps`]) is for orders
//! worked through the day under a participation cap, which bounds them. An
//! uncapped order priced in days of volume would cost more than its own
//! value once it is a few hundred days of volume (a large fund on a thin
//! market), and drive the fund's assets below zero.
//!
//! Defaults ([`CostModel::default`]): half-spreads of 2 / 5 / 10 / 25 bp for
//! large (total cap ≥ $10bn), mid (≥ $2bn), small (≥ $300m) and micro caps,
//! the usual desk figures for US closing-auction executions, and an impact
//! prefactor `Y = 1` with σ from 60 daily log returns and ADV from 20 days
//! (the conventions of `rankday-flows`). [`CostModel::zero`] switches every
//! cost off; each term can be zeroed alone.
//!
//! A trade whose name has no ADV or σ yet (first trading day, no history)
//! gets no impact: the square-root law has nothing to scale by, and
//! inventing a volume would put an arbitrary number into the result.

use rankday_core::{Date, Market, Sec};
use rankday_flows::impact::{close_impact_bps, square_root_impact_bps};
use rankday_flows::liquidity::{liquidity, Liquidity};

/// Size bucket of a line on the trade date, by total market cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CapBucket {
    /// Total cap at or above the first floor.
    Large,
    /// Between the first and second floors.
    Mid,
    /// Between the second and third floors.
    Small,
    /// Below the third floor.
    Micro,
}

/// Half-spread in basis points per bucket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HalfSpreads {
    /// Large caps.
    pub large: f64,
    /// Mid caps.
    pub mid: f64,
    /// Small caps.
    pub small: f64,
    /// Micro caps.
    pub micro: f64,
}

impl HalfSpreads {
    /// No spread anywhere.
    pub const ZERO: HalfSpreads = HalfSpreads {
        large: 0.0,
        mid: 0.0,
        small: 0.0,
        micro: 0.0,
    };
    /// The same half-spread in every bucket.
    pub fn flat(bps: f64) -> Self {
        HalfSpreads {
            large: bps,
            mid: bps,
            small: bps,
            micro: bps,
        }
    }
    /// The half-spread of a bucket.
    pub fn of(&self, b: CapBucket) -> f64 {
        match b {
            CapBucket::Large => self.large,
            CapBucket::Mid => self.mid,
            CapBucket::Small => self.small,
            CapBucket::Micro => self.micro,
        }
    }
}

/// What trading costs the fund pays.
#[derive(Clone, Debug, PartialEq)]
pub struct CostModel {
    /// Half-spread paid on every trade, by size bucket (bp of the traded value).
    pub half_spread_bps: HalfSpreads,
    /// Lower bounds of total market cap ($) of the large, mid and small
    /// buckets; below the last is micro.
    pub bucket_floors: [f64; 3],
    /// Square-root impact prefactor `Y` (0 = no impact).
    pub impact_y: f64,
    /// ADV window (trading days before the trade day).
    pub adv_days: usize,
    /// σ window (daily log returns before the trade day).
    pub vol_days: usize,
    /// Share of a normal day's volume that trades in the closing auction,
    /// the liquidity an uncapped trade at the close crosses against besides
    /// itself (the flows' `closing_auction_share`, 0.09 by default).
    pub closing_auction_share: f64,
}

impl Default for CostModel {
    fn default() -> Self {
        CostModel {
            half_spread_bps: HalfSpreads {
                large: 2.0,
                mid: 5.0,
                small: 10.0,
                micro: 25.0,
            },
            bucket_floors: [10e9, 2e9, 300e6],
            impact_y: 1.0,
            adv_days: 20,
            vol_days: 60,
            closing_auction_share: rankday_flows::FlowConfig::default().closing_auction_share,
        }
    }
}

impl CostModel {
    /// No costs at all.
    pub fn zero() -> Self {
        CostModel {
            half_spread_bps: HalfSpreads::ZERO,
            impact_y: 0.0,
            ..CostModel::default()
        }
    }

    /// Half-spreads only (no impact).
    pub fn half_spread_only(h: HalfSpreads) -> Self {
        CostModel {
            half_spread_bps: h,
            impact_y: 0.0,
            ..CostModel::default()
        }
    }

    /// No cost at all: a frictionless fund.
    pub fn is_zero(&self) -> bool {
        self.half_spread_bps == HalfSpreads::ZERO && self.impact_y == 0.0
    }

    /// Checks every figure is finite and non-negative.
    pub fn validate(&self) -> Result<(), String> {
        let h = self.half_spread_bps;
        let all = [h.large, h.mid, h.small, h.micro, self.impact_y];
        if all.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(format!(
                "half-spreads and impact_y must be finite and >= 0, got large {}, mid {}, small {}, micro {} and {}",
                h.large, h.mid, h.small, h.micro,
                self.impact_y
            ));
        }
        if !(self.closing_auction_share > 0.0 && self.closing_auction_share <= 1.0) {
            return Err(format!(
                "closing_auction_share must be in (0, 1], got {}",
                self.closing_auction_share
            ));
        }
        let f = self.bucket_floors;
        if !(f[0] >= f[1] && f[1] >= f[2] && f[2] >= 0.0) {
            return Err(format!(
                "bucket_floors must be decreasing and >= 0, got {}, {}, {}",
                f[0], f[1], f[2]
            ));
        }
        Ok(())
    }

    /// The size bucket of a line with this total cap.
    pub fn bucket(&self, total_cap: f64) -> CapBucket {
        let f = self.bucket_floors;
        if total_cap >= f[0] {
            CapBucket::Large
        } else if total_cap >= f[1] {
            CapBucket::Mid
        } else if total_cap >= f[2] {
            CapBucket::Small
        } else {
            CapBucket::Micro
        }
    }

    /// Dollar cost of trading `shares` (signed) at `price` for a line of
    /// `total_cap`, given its liquidity: `|q·p| · (half-spread + |impact|) / 1e4`,
    /// the impact at one close for an uncapped trade (`at_close`), else in
    /// days of volume (see the module's doc).
    pub fn cost(
        &self,
        shares: f64,
        price: f64,
        total_cap: f64,
        liq: &Liquidity,
        at_close: bool,
    ) -> f64 {
        if shares == 0.0 {
            return 0.0;
        }
        let hs = self.half_spread_bps.of(self.bucket(total_cap));
        let imp = if self.impact_y > 0.0 {
            let (y, sigma, adv) = (self.impact_y, liq.daily_sigma, liq.adv_shares);
            let b = if at_close {
                close_impact_bps(y, sigma, shares, adv, self.closing_auction_share)
            } else {
                square_root_impact_bps(y, sigma, shares, adv)
            };
            if b.is_finite() {
                b.abs()
            } else {
                0.0
            }
        } else {
            0.0
        };
        (shares * price).abs() * (hs + imp) / 1e4
    }
}

/// Liquidity and size of the lines traded on one day, looked up once per
/// name (ADV and σ over windows ending the day before).
pub(crate) struct DayLiquidity<'a> {
    market: &'a Market,
    day: usize,
    date: Date,
    adv_days: usize,
    vol_days: usize,
    cache: std::collections::HashMap<Sec, Liquidity>,
}

impl<'a> DayLiquidity<'a> {
    pub fn new(market: &'a Market, day: usize, model: &CostModel) -> Self {
        DayLiquidity {
            market,
            day,
            date: market.dates()[day],
            adv_days: model.adv_days,
            vol_days: model.vol_days,
            cache: Default::default(),
        }
    }

    /// ADV (shares of the trade date) and daily σ; [`Liquidity::NONE`] on
    /// the first day of the history.
    pub fn of(&mut self, sec: Sec) -> Liquidity {
        if self.day == 0 {
            return Liquidity::NONE;
        }
        let (m, d, date, a, v) = (
            self.market,
            self.day,
            self.date,
            self.adv_days,
            self.vol_days,
        );
        *self
            .cache
            .entry(sec)
            .or_insert_with(|| liquidity(m, sec, d - 1, date, a, v))
    }

    /// Total market cap at `price` with the last shares outstanding known.
    pub fn total_cap(&self, sec: Sec, price: f64) -> f64 {
        let h = self.market.history(sec);
        match h.last_on_or_before(self.day) {
            Some(i) => {
                let s = h.row(i).shares_outstanding;
                if s.is_finite() {
                    s * price
                } else {
                    0.0
                }
            }
            None => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_and_hand_computed_costs() {
        let m = CostModel::default();
        assert_eq!(m.bucket(50e9), CapBucket::Large);
        assert_eq!(m.bucket(10e9), CapBucket::Large);
        assert_eq!(m.bucket(5e9), CapBucket::Mid);
        assert_eq!(m.bucket(1e9), CapBucket::Small);
        assert_eq!(m.bucket(1e8), CapBucket::Micro);
        let liq = Liquidity {
            adv_shares: 10_000.0,
            adv_days_used: 20,
            daily_sigma: 0.02,
            returns_used: 60,
        };
        // 2,500 shares at $40 = $100,000 of a small cap: 10 bp spread; impact
        // 1 × 0.02 × √(2500/10000) = 1% = 100 bp; total 110 bp = $1,100.
        let c = m.cost(-2500.0, 40.0, 1e9, &liq, false);
        assert!((c - 1100.0).abs() < 1e-9, "{c}");
        // Half-spread only: 10 bp of $100,000.
        let h = CostModel::half_spread_only(m.half_spread_bps);
        assert!((h.cost(2500.0, 40.0, 1e9, &liq, false) - 100.0).abs() < 1e-9);
        // No liquidity known: impact dropped, spread kept.
        assert!((m.cost(2500.0, 40.0, 1e9, &Liquidity::NONE, true) - 100.0).abs() < 1e-9);
        assert_eq!(CostModel::zero().cost(2500.0, 40.0, 1e9, &liq, true), 0.0);
        assert!(CostModel::zero().is_zero() && !m.is_zero());
        let bad = CostModel {
            impact_y: -1.0,
            ..CostModel::default()
        };
        assert!(bad.validate().is_err());
        let bad = CostModel {
            closing_auction_share: 0.0,
            ..CostModel::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn an_uncapped_trade_at_the_close_costs_at_most_one_days_sigma() {
        let m = CostModel {
            half_spread_bps: HalfSpreads::ZERO,
            ..CostModel::default()
        };
        let liq = Liquidity {
            adv_shares: 10_000.0,
            adv_days_used: 20,
            daily_sigma: 0.03,
            returns_used: 60,
        };
        // A quarter of a day at the close: V = 2,500 + 0.09 × 10,000 = 3,400,
        // impact 0.03 × √(2500/3400) of $100,000.
        let c = m.cost(2500.0, 40.0, 1e9, &liq, true);
        let want = 100_000.0 * 0.03 * (2500.0f64 / 3400.0).sqrt();
        assert!((c - want).abs() < 1e-6, "{c} vs {want}");
        // Ten thousand days of volume: priced in days of volume the impact
        // is three times the trade's value; at the close it stays under 3%.
        let q = 1e8;
        let value = q * 40.0;
        assert!(m.cost(q, 40.0, 1e9, &liq, false) > 2.9 * value);
        let c = m.cost(q, 40.0, 1e9, &liq, true);
        assert!(c < 0.03 * value && c > 0.0299 * value, "{c}");
    }
}
