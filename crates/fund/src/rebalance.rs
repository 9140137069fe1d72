//! Trading the book toward a target: whole shares, costs, participation cap,
//! and no buying on credit.
//!
//! The target is a set of index shares `N_i` (any scale). With investable
//! value `V` (securities + cash, receivables excluded: they are not cash
//! yet), the fund's target in line `i` is `T_i = ⌊V_eff · N_i / Σ N_j p_j⌋`,
//! i.e. the index weight `N_i p_i / Σ N p` of `V_eff` in whole shares,
//! rounded down so the book never needs more cash than it has. `V_eff` is
//! `V` less the estimated costs of the trades (one estimation pass), so
//! costs are paid from the portfolio rather than by an overdraft.
//!
//! Each line trades `fraction` of its gap today (1 = all of it; a spread
//! rebalance with `k` days left trades `1/k`), truncated to whole shares,
//! and at most `cap × ADV` shares when a participation cap is set (no cap
//! for a line without an ADV). If the buys still need more cash than the
//! sells free, every buy is scaled down by the same factor.

use std::collections::BTreeMap;

use rankday_core::{Date, Sec};

use crate::costs::{CostModel, DayLiquidity};
use crate::portfolio::{Portfolio, PriceBook};
use crate::Trade;

pub(crate) struct TradeDay<'a, 'm> {
    pub date: Date,
    pub prices: &'a PriceBook,
    pub costs: &'a CostModel,
    pub liq: &'a mut DayLiquidity<'m>,
    /// Participation cap as a share of ADV, if any.
    pub cap: Option<f64>,
}

impl TradeDay<'_, '_> {
    fn cost(&mut self, sec: Sec, q: f64) -> f64 {
        if q == 0.0 || self.costs.is_zero() {
            return 0.0;
        }
        let p = self.prices.get(sec);
        let liq = self.liq.of(sec);
        let cap = self.liq.total_cap(sec, p);
        self.costs.cost(q, p, cap, &liq)
    }

    fn cap_shares(&mut self, sec: Sec) -> f64 {
        match self.cap {
            Some(c) => {
                let adv = self.liq.of(sec).adv_shares;
                if adv.is_finite() && adv > 0.0 {
                    (c * adv).floor()
                } else {
                    f64::INFINITY
                }
            }
            None => f64::INFINITY,
        }
    }
}

/// Orders (sec, signed whole shares) toward `target` at investable `v`.
fn orders(
    pf: &Portfolio,
    target: &BTreeMap<Sec, f64>,
    v: f64,
    fraction: f64,
    td: &mut TradeDay,
) -> Vec<(Sec, f64)> {
    let tv: f64 = target
        .iter()
        .map(|(&s, &n)| n * td.prices.get(s))
        .filter(|x| *x > 0.0)
        .sum();
    let mut out = Vec::new();
    let lines: std::collections::BTreeSet<Sec> =
        target.keys().chain(pf.shares.keys()).copied().collect();
    for sec in lines {
        let p = td.prices.get(sec);
        if p.is_nan() || p <= 0.0 || tv <= 0.0 {
            continue; // no price: cannot trade it
        }
        let n = target.get(&sec).copied().unwrap_or(0.0);
        let want = if n > 0.0 {
            (v.max(0.0) * n / tv).floor()
        } else {
            0.0
        };
        let gap = want - pf.held(sec);
        let mut q = if fraction >= 1.0 {
            gap
        } else {
            (gap * fraction).trunc()
        };
        let c = td.cap_shares(sec);
        if q.abs() > c {
            q = c * q.signum();
        }
        if q != 0.0 {
            out.push((sec, q));
        }
    }
    out
}

/// Trades `pf` toward `target`; returns the day's cost and pushes the trades.
pub(crate) fn trade_toward(
    pf: &mut Portfolio,
    target: &BTreeMap<Sec, f64>,
    fraction: f64,
    td: &mut TradeDay,
    trades: &mut Vec<Trade>,
) -> f64 {
    let v = pf.securities_value(td.prices) + pf.cash;
    let mut ords = orders(pf, target, v, fraction, td);
    if !td.costs.is_zero() {
        let est: f64 = ords.iter().map(|&(s, q)| td.cost(s, q)).sum();
        ords = orders(pf, target, v - est, fraction, td);
    }
    let mut costs: Vec<f64> = ords.iter().map(|&(s, q)| td.cost(s, q)).collect();
    // No buying on credit: scale buys to what cash plus sells provide.
    let (mut free, mut need) = (pf.cash, 0.0);
    for (k, &(s, q)) in ords.iter().enumerate() {
        let x = q * td.prices.get(s);
        if q < 0.0 {
            free += -x - costs[k];
        } else {
            need += x + costs[k];
        }
    }
    if need > free.max(0.0) && need > 0.0 {
        let f = (free.max(0.0) / need).clamp(0.0, 1.0);
        for (k, o) in ords.iter_mut().enumerate() {
            if o.1 > 0.0 {
                o.1 = (o.1 * f).floor();
                costs[k] = td.cost(o.0, o.1);
            }
        }
    }
    let mut total = 0.0;
    for (k, &(sec, q)) in ords.iter().enumerate() {
        if q == 0.0 {
            continue;
        }
        let p = td.prices.get(sec);
        let h = pf.held(sec) + q;
        pf.set(sec, h);
        pf.cash -= q * p + costs[k];
        total += costs[k];
        trades.push(Trade {
            date: td.date,
            sec,
            shares: q,
            price: p,
            cost: costs[k],
        });
    }
    total
}
