//! Per-stock passive demand between two membership states.
//!
//! For each state and each index `I`, a member's weight is its float-adjusted
//! index shares times its close on the pricing date, over the index total
//! (Russell indexes are float-cap weighted, methodology §6). Passive holding
//! in shares is `Σ_I AUM_I × w_I / price`; demand is after minus before. That
//! one formula covers additions, deletions, up- and down-migrations, the
//! re-weighting of stayers, and share or float changes implemented on the
//! same day (they are in the `after` index shares). `AUM_I` is the policy's
//! dollars, or its share of `I`'s float cap resolved on the `before` state at
//! the pricing close (see [`crate::PassiveModel::resolve`]).
//!
//! Both states are priced at the same close, so the money of each fund is
//! conserved: its buys equal its sells whenever the index has members on both
//! sides (tested as a property).

use std::collections::BTreeMap;

use rankday_core::{Change, Date, IndexId, IndexSet, Market, MemberRow, Membership, Sec};

use crate::liquidity::{self, close_on_or_before};
use crate::summary::ChangeCounts;
use crate::{impact, summary, FlowConfig, FlowError, FlowRow, FlowSummary, N_INDEXES};

/// One state priced on the pricing date.
struct PricedState<'a> {
    rows: BTreeMap<Sec, &'a MemberRow>,
    /// Market value each member contributes to its indexes (split-rolled shares × price).
    mv: BTreeMap<Sec, f64>,
    /// Total market value per index, summed in sec order.
    cap: [f64; N_INDEXES],
    /// Members dropped because they had stopped trading before the pricing day.
    dropped: usize,
}

impl PricedState<'_> {
    fn weights(&self, sec: Sec) -> Vec<(IndexId, f64)> {
        match (self.rows.get(&sec), self.mv.get(&sec)) {
            (Some(r), Some(&mv)) => r
                .indexes
                .iter()
                .map(|i| {
                    let c = self.cap[i as usize];
                    (i, if c > 0.0 { mv / c } else { 0.0 })
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Prices a state. `drop_dead`: members whose last trade in the whole history
/// precedes the pricing day are treated as already gone (an acquired or
/// delisted name leaves the index when it stops trading, not at the next
/// recon). Index shares are rolled forward over splits that went ex after the
/// state took effect and on or before the pricing date.
fn price_state<'a>(
    market: &Market,
    m: &'a Membership,
    pricing_day: usize,
    pricing_date: Date,
    prices: &mut BTreeMap<Sec, f64>,
    drop_dead: bool,
    which: &'static str,
) -> Result<PricedState<'a>, FlowError> {
    let mut rows = BTreeMap::new();
    for r in &m.rows {
        if r.sec.idx() >= market.n_securities() {
            return Err(FlowError::UnknownSec {
                sec: r.sec.0,
                which,
            });
        }
        if rows.insert(r.sec, r).is_some() {
            return Err(FlowError::DuplicateRow {
                security_id: market.security(r.sec).security_id.clone(),
                which,
            });
        }
    }
    let mut mv = BTreeMap::new();
    let mut cap = [0.0; N_INDEXES];
    let mut dropped = 0;
    for (&sec, r) in &rows {
        if r.indexes.is_empty() {
            continue;
        }
        if drop_dead && !market.history(sec).trades_from(pricing_day) {
            dropped += 1;
            continue;
        }
        let price = match prices.get(&sec) {
            Some(&p) => p,
            None => {
                let (_, p) = close_on_or_before(market, sec, pricing_day).ok_or_else(|| {
                    FlowError::NoPrice {
                        security_id: market.security(sec).security_id.clone(),
                        ticker: market.security(sec).ticker.clone(),
                        date: pricing_date,
                    }
                })?;
                prices.insert(sec, p);
                p
            }
        };
        if !(r.index_shares.is_finite() && r.index_shares >= 0.0) {
            return Err(FlowError::BadShares {
                security_id: market.security(sec).security_id.clone(),
                which,
                shares: r.index_shares,
            });
        }
        let shares = r.index_shares * market.split_factor(sec, m.effective_date, pricing_date);
        let v = shares * price;
        for i in r.indexes.iter() {
            cap[i as usize] += v;
        }
        mv.insert(sec, v);
    }
    Ok(PricedState {
        rows,
        mv,
        cap,
        dropped,
    })
}

/// Each index's passive dollars for one event. Shares of float cap resolve
/// against the cap of the state the funds hold before the event, priced at
/// the event's close: that is the money in the funds when they trade, and it
/// is held fixed across the reconstitution (no creations or redemptions on
/// the effective date). An index with no members before (a first state, or an
/// index the old state did not build) resolves against the new state's cap.
fn resolve_aum(
    model: &crate::PassiveModel,
    before: &PricedState<'_>,
    after: &PricedState<'_>,
) -> [f64; N_INDEXES] {
    let cap: [f64; N_INDEXES] = std::array::from_fn(|k| {
        if before.cap[k] > 0.0 {
            before.cap[k]
        } else {
            after.cap[k]
        }
    });
    model.resolve(&cap)
}

/// Boundary tier of an index set: 3 = R1000, 2 = R2000, 1 = Microcap or
/// R3000E only, 0 = none (the boundaries of [`Change`]).
fn tier(s: IndexSet) -> u8 {
    if s.contains(IndexId::R1000) {
        3
    } else if s.contains(IndexId::R2000) {
        2
    } else if s.contains(IndexId::RMicro) || s.contains(IndexId::R3000E) {
        1
    } else {
        0
    }
}

/// The change between two index sets, judged on the R1000 / R2000 / R3000E
/// boundaries. Derived here rather than read from `after.change` because the
/// two states need not be consecutive reconstitutions.
pub fn change_between(before: IndexSet, after: IndexSet) -> Change {
    match (tier(before), tier(after)) {
        (0, 0) => Change::Stay,
        (0, _) => Change::Add,
        (_, 0) => Change::Delete,
        (b, a) if a > b => Change::Up,
        (b, a) if a < b => Change::Down,
        _ => Change::Stay,
    }
}

/// Passive demand, liquidity and impact for every name in either state.
///
/// `before` is the state in force before the event, `after` the new state;
/// both are weighted at the last close on or before `pricing_date` (the
/// effective date for a realised recon, the as-of date for a forecast).
/// Rows come back sorted by security, one per name that has a weight in
/// either state; sums in the summary run in that order, so results are
/// bit-for-bit reproducible.
pub fn compute_flows(
    market: &Market,
    before: &Membership,
    after: &Membership,
    pricing_date: Date,
    model: &crate::PassiveModel,
    cfg: &FlowConfig,
) -> Result<(Vec<FlowRow>, FlowSummary), FlowError> {
    cfg.validate()?;
    let pricing_day = market
        .day_on_or_before(pricing_date)
        .ok_or(FlowError::NoPricingDay(pricing_date))?;
    let priced_on = market.dates()[pricing_day];
    let mut prices = BTreeMap::new();
    let b = price_state(
        market,
        before,
        pricing_day,
        priced_on,
        &mut prices,
        true,
        "before",
    )?;
    let a = price_state(
        market,
        after,
        pricing_day,
        priced_on,
        &mut prices,
        // A name of the new state that stopped trading before the pricing
        // day (acquired or delisted between rank day and the effective date)
        // will not be bought: the same rule as for the old state.
        true,
        "after",
    )?;
    let window_end = liquidity::window_end(market, after.effective_date, pricing_day);
    let aum = resolve_aum(model, &b, &a);
    let passive = |w: &[(IndexId, f64)], price: f64| -> f64 {
        w.iter().map(|&(i, x)| aum[i as usize] * x).sum::<f64>() / price
    };

    let secs: Vec<Sec> = {
        let mut v: Vec<Sec> = b.mv.keys().chain(a.mv.keys()).copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut rows = Vec::with_capacity(secs.len());
    for sec in secs {
        let price = prices[&sec];
        let weights_before = b.weights(sec);
        let weights_after = a.weights(sec);
        let set_b = if b.mv.contains_key(&sec) {
            b.rows[&sec].indexes
        } else {
            IndexSet::EMPTY
        };
        let set_a = a.rows.get(&sec).map_or(IndexSet::EMPTY, |r| r.indexes);
        let passive_shares_before = passive(&weights_before, price);
        let passive_shares_after = passive(&weights_after, price);
        let demand_shares = passive_shares_after - passive_shares_before;
        let liq = match window_end {
            Some(end) => {
                liquidity::liquidity(market, sec, end, priced_on, cfg.adv_days, cfg.vol_days)
            }
            None => liquidity::Liquidity::NONE,
        };
        let total_market_cap = a
            .rows
            .get(&sec)
            .or_else(|| b.rows.get(&sec))
            .map_or(f64::NAN, |r| r.total_market_cap);
        rows.push(FlowRow {
            effective_date: after.effective_date,
            sec,
            ticker: market.security(sec).ticker.clone(),
            change: change_between(set_b, set_a),
            weights_before,
            weights_after,
            passive_shares_before,
            passive_shares_after,
            demand_shares,
            demand_usd: demand_shares * price,
            adv_shares: liq.adv_shares,
            days_of_volume: liquidity::days_of_volume(demand_shares, liq.adv_shares),
            auction_multiple: liquidity::auction_multiple(
                demand_shares,
                liq.adv_shares,
                cfg.closing_auction_share,
            ),
            impact_bps: impact::close_impact_bps(
                cfg.impact_y,
                liq.daily_sigma,
                demand_shares,
                liq.adv_shares,
                cfg.closing_auction_share,
            ),
            daily_sigma: liq.daily_sigma,
            price,
            total_market_cap,
        });
    }
    let mut s = summary::summarize(&rows, &aum, cfg.top_n);
    s.effective_date = after.effective_date;
    s.pricing_date = priced_on;
    s.dropped_before = b.dropped;
    s.dropped_after = a.dropped;
    // Deletions of the new state whose line stopped trading before the
    // pricing day: out of the index already (acquired or delisted), so not
    // flows, but a reconstitution lists them (`rankday reconstitute`).
    s.counts.gone = after
        .rows
        .iter()
        .filter(|r| {
            r.change == Change::Delete
                && r.indexes.is_empty()
                && !b.mv.contains_key(&r.sec)
                && r.sec.idx() < market.n_securities()
                && !market.history(r.sec).trades_from(pricing_day)
        })
        .count();
    // The reconstitution's own count, and the lines the index held that the
    // previous rank day's state did not (an IPO round since): the
    // reconstitution adds them (or, if it does not keep them, does not list
    // them), the trades move or delete them from what the index held.
    let mut rc = ChangeCounts::default();
    for r in &after.rows {
        match r.change {
            Change::Add => rc.add += 1,
            Change::Delete => rc.delete += 1,
            Change::Up => rc.up += 1,
            Change::Down => rc.down += 1,
            Change::Stay => rc.stay += 1,
        }
    }
    rc.gone = s.counts.gone;
    let recon_change: std::collections::HashMap<Sec, Change> =
        after.rows.iter().map(|r| (r.sec, r.change)).collect();
    s.counts.held = rows
        .iter()
        .filter(|r| {
            let rc = recon_change.get(&r.sec).copied();
            (rc == Some(Change::Add) && r.change != Change::Add)
                || (r.change == Change::Delete && rc != Some(Change::Delete))
        })
        .count();
    rc.held = s.counts.held;
    s.recon_counts = rc;
    Ok((rows, s))
}

/// Passive ownership of one name in one state.
#[derive(Clone, Debug, PartialEq)]
pub struct PassiveHolding {
    /// The line.
    pub sec: Sec,
    /// Its weight in each index it belongs to.
    pub weights: Vec<(IndexId, f64)>,
    /// The close that converts dollars to shares.
    pub price: f64,
    /// Shares passive funds hold: Σ over indexes of assets × weight ÷ price.
    pub passive_shares: f64,
    /// The same in dollars.
    pub passive_usd: f64,
    /// `passive_shares` over the market's float shares on the pricing day
    /// (NaN if the name did not trade that day or has no float).
    pub share_of_float: f64,
}

/// Passive holdings of every member of one state, priced like
/// [`compute_flows`] prices it (sorted by security); shares of float cap
/// resolve against this state's own index caps. The fraction of float is
/// the quantity Appel, Gormley & Keim (2016) instrument with index assignment.
pub fn passive_holdings(
    market: &Market,
    state: &Membership,
    pricing_date: Date,
    model: &crate::PassiveModel,
) -> Result<Vec<PassiveHolding>, FlowError> {
    let pricing_day = market
        .day_on_or_before(pricing_date)
        .ok_or(FlowError::NoPricingDay(pricing_date))?;
    let priced_on = market.dates()[pricing_day];
    let mut prices = BTreeMap::new();
    let st = price_state(
        market,
        state,
        pricing_day,
        priced_on,
        &mut prices,
        true,
        "state",
    )?;
    let cs = market.cross_section(pricing_day);
    let aum = model.resolve(&st.cap);
    Ok(st
        .mv
        .keys()
        .map(|&sec| {
            let price = prices[&sec];
            let weights = st.weights(sec);
            let usd: f64 = weights.iter().map(|&(i, w)| aum[i as usize] * w).sum();
            let float = cs.find(sec).map_or(f64::NAN, |k| cs.float[k]);
            let shares = usd / price;
            PassiveHolding {
                sec,
                weights,
                price,
                passive_shares: shares,
                passive_usd: usd,
                share_of_float: if float > 0.0 {
                    shares / float
                } else {
                    f64::NAN
                },
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[IndexId]) -> IndexSet {
        v.iter().copied().collect()
    }

    #[test]
    fn change_follows_the_size_boundaries() {
        use IndexId::*;
        let big = set(&[R3000E, R3000, R1000, RMidcap]);
        let small = set(&[R3000E, R3000, R2000, R2500]);
        let micro = set(&[R3000E, RMicro]);
        assert_eq!(change_between(big, small), Change::Down);
        assert_eq!(change_between(small, big), Change::Up);
        assert_eq!(change_between(micro, small), Change::Up);
        assert_eq!(change_between(set(&[R2000, RMicro]), micro), Change::Down);
        assert_eq!(change_between(IndexSet::EMPTY, micro), Change::Add);
        assert_eq!(change_between(small, IndexSet::EMPTY), Change::Delete);
        assert_eq!(change_between(small, small), Change::Stay);
    }
}
