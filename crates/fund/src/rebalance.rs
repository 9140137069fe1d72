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
//! sells free, every buy is scaled down by the same factor; with a
//! tolerance, the lines furthest below their targets are bought in full
//! first and the others wait.
//!
//! With a tolerance `tol > 0`, a line the fund holds and the index keeps is
//! left alone while its holding is within `tol` of its target (`|T − H| ≤
//! tol × T`): an index change trades the lines it changes (additions,
//! deletions, share and float updates), not every line by a few shares.
//! Cash between index changes is handled by [`invest_cash`] and
//! [`raise_cash`]: the most underweight lines are bought first, the most
//! overweight sold first, so a dividend's cash buys a few lines, not all.

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
        // No participation cap: the trade crosses in one closing auction.
        self.costs.cost(q, p, cap, &liq, self.cap.is_none())
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
    tol: f64,
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
        let held = pf.held(sec);
        let gap = want - held;
        if tol > 0.0 && want > 0.0 && held > 0.0 && gap.abs() <= tol * want {
            continue; // within the tolerance band: not traded
        }
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
    tol: f64,
    td: &mut TradeDay,
    trades: &mut Vec<Trade>,
) -> f64 {
    let v = pf.securities_value(td.prices) + pf.cash;
    let mut ords = orders(pf, target, v, fraction, tol, td);
    if !td.costs.is_zero() {
        let est: f64 = ords.iter().map(|&(s, q)| td.cost(s, q)).sum();
        ords = orders(pf, target, v - est, fraction, tol, td);
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
    if need > free.max(0.0) && need > 0.0 && tol > 0.0 {
        // With a tolerance, the lines furthest below their targets are
        // bought in full first and the rest wait for cash: scaling every
        // buy down would leave them all just outside their bands, to be
        // topped up by a few shares on every later change day.
        let short = |s: Sec, q: f64| q / (pf.held(s) + q);
        let mut buys: Vec<usize> = (0..ords.len()).filter(|&k| ords[k].1 > 0.0).collect();
        buys.sort_by(|&a, &b| {
            short(ords[b].0, ords[b].1)
                .total_cmp(&short(ords[a].0, ords[a].1))
                .then(ords[a].0.cmp(&ords[b].0))
        });
        let mut left = free.max(0.0);
        for k in buys {
            let x = ords[k].1 * td.prices.get(ords[k].0) + costs[k];
            if x <= left {
                left -= x;
            } else {
                ords[k].1 = 0.0;
                costs[k] = 0.0;
            }
        }
    } else if need > free.max(0.0) && need > 0.0 {
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
        total += execute(pf, sec, q, costs[k], td, trades);
    }
    total
}

/// Books one trade of `q` shares of `sec` at today's close; returns its cost.
fn execute(
    pf: &mut Portfolio,
    sec: Sec,
    q: f64,
    cost: f64,
    td: &TradeDay,
    trades: &mut Vec<Trade>,
) -> f64 {
    if q == 0.0 {
        return 0.0;
    }
    let p = td.prices.get(sec);
    let h = pf.held(sec) + q;
    pf.set(sec, h);
    pf.cash -= q * p + cost;
    trades.push(Trade {
        date: td.date,
        sec,
        shares: q,
        price: p,
        cost,
    });
    cost
}

/// Dollar gap of every line to the index weight at the fund's investable
/// value (securities + cash): > 0 underweight, < 0 overweight. Lines the
/// fund holds outside the index are wholly overweight. In line order.
struct Gap {
    sec: Sec,
    /// Target value less held value, $.
    gap: f64,
    /// Target value, $.
    want: f64,
}

fn gaps(pf: &Portfolio, index: &BTreeMap<Sec, f64>, td: &TradeDay) -> Vec<Gap> {
    let price = |s: Sec| td.prices.get(s);
    let tv: f64 = index
        .iter()
        .map(|(&s, &n)| n * price(s))
        .filter(|x| *x > 0.0)
        .sum();
    let v = pf.securities_value(td.prices) + pf.cash;
    let lines: std::collections::BTreeSet<Sec> =
        index.keys().chain(pf.shares.keys()).copied().collect();
    lines
        .into_iter()
        .filter(|&s| price(s) > 0.0)
        .map(|s| {
            let n = index.get(&s).copied().unwrap_or(0.0);
            let want = if tv > 0.0 { v * n * price(s) / tv } else { 0.0 };
            Gap {
                sec: s,
                gap: want - pf.held(s) * price(s),
                want,
            }
        })
        .collect()
}

/// Invests up to `amount` of cash in the most underweight lines first, each
/// up to its gap plus `headroom` of its target value (in whole shares).
/// Returns the costs paid.
///
/// Why the headroom: cash held is an underweight of every line alike, so
/// filling gaps alone spreads a dividend's or an acquisition's cash over
/// nearly every line, a few thousand dollars each. A fund with a tolerance
/// leaves a line alone while it is within that tolerance of its target, so
/// it may as well buy a line into the upper half of its band (the caller
/// passes half the tolerance): the same cash then finds a home in a few
/// lines, and no line leaves its band. Cash beyond the headroom of the
/// whole book (a large creation) fills gaps only: it buys every line anyway,
/// and the lines left unbought would fall out of their bands.
pub(crate) fn invest_cash(
    pf: &mut Portfolio,
    index: &BTreeMap<Sec, f64>,
    amount: f64,
    headroom: f64,
    td: &mut TradeDay,
    trades: &mut Vec<Trade>,
) -> f64 {
    let mut g = gaps(pf, index, td);
    g.retain(|x| x.want > 0.0 && index.contains_key(&x.sec));
    // Beyond the headroom of the whole book (a creation of several percent)
    // the lines left unbought would fall out of their bands: fill gaps only.
    let book: f64 = g.iter().map(|x| x.want).sum();
    let headroom = if amount <= headroom * book {
        headroom.max(0.0)
    } else {
        0.0
    };
    g.retain(|x| x.gap > 0.0);
    // Largest gap first; ties by line, so the result is reproducible.
    g.sort_by(|a, b| b.gap.total_cmp(&a.gap).then(a.sec.cmp(&b.sec)));
    let (mut left, mut total) = (amount, 0.0);
    for Gap { sec, gap, want } in g {
        let p = td.prices.get(sec);
        if left < p {
            break;
        }
        let room = gap + headroom * want;
        let mut q = (room.min(left) / p).floor();
        let mut c = td.cost(sec, q);
        while q > 0.0 && q * p + c > left {
            q -= 1.0;
            c = td.cost(sec, q);
        }
        if q > 0.0 {
            left -= q * p + c;
            total += execute(pf, sec, q, c, td, trades);
        }
    }
    total
}

/// Raises at least `amount` of cash by selling the most overweight lines
/// first (lines outside the index before any), each down to its target,
/// then the largest holdings if that is not enough. Returns the costs paid.
pub(crate) fn raise_cash(
    pf: &mut Portfolio,
    index: &BTreeMap<Sec, f64>,
    amount: f64,
    td: &mut TradeDay,
    trades: &mut Vec<Trade>,
) -> f64 {
    let mut g = gaps(pf, index, td);
    g.retain(|x| pf.held(x.sec) > 0.0);
    let outside = |s: &Sec| !index.contains_key(s);
    g.sort_by(|a, b| {
        outside(&b.sec)
            .cmp(&outside(&a.sec))
            .then(a.gap.total_cmp(&b.gap))
            .then(a.sec.cmp(&b.sec))
    });
    let (mut need, mut total) = (amount, 0.0);
    // Pass 0: down to the targets; then whatever is needed, round after
    // round (a sale's costs can leave a little to raise), until covered or
    // nothing is left to sell.
    let mut pass = 0;
    loop {
        let before = need;
        for &Gap { sec, gap, .. } in &g {
            if need <= 0.0 {
                return total;
            }
            let (p, h) = (td.prices.get(sec), pf.held(sec));
            if h <= 0.0 {
                continue;
            }
            // Pass 0: down to the target; later: whatever is needed.
            let room = if pass == 0 { (-gap).max(0.0) } else { h * p };
            let q = (need.min(room) / p).ceil().min(h);
            if q <= 0.0 {
                continue;
            }
            let c = td.cost(sec, -q);
            need -= q * p - c;
            total += execute(pf, sec, -q, c, td, trades);
        }
        if need <= 0.0 || (pass > 0 && need >= before) {
            return total;
        }
        pass += 1;
    }
}
