//! Totals of a set of flow rows: per-index turnover and dollars, net demand,
//! demand by size decile, the hardest names to trade, change counts.
//!
//! Why both per-index and net dollars: each fund trades its own one-way
//! turnover (`AUM × ½Σ|Δw|`, the figure checked against IWM's 7.45% in 2025,
//! data README test 5), but on the recon close funds cross against each
//! other: an R1000 fund selling a down-migrant meets an R2000 fund buying it.
//! `crossed_usd` is the part of the funds' buying that nets out inside the
//! passive complex; `buys_usd` is what must come from the rest of the market.

use rankday_core::{Change, Date, IndexId, Sec};

use crate::{FlowRow, N_INDEXES};

/// Below this many dollars of net demand a stayer counts as untouched.
pub const AFFECTED_MIN_USD: f64 = 1.0;

/// One index's side of the event.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexFlow {
    /// The index.
    pub index: IndexId,
    /// Its passive assets in dollars, as used for this event (a policy share
    /// of float cap already resolved on the state before the event).
    pub aum_usd: f64,
    /// Member lines before.
    pub members_before: usize,
    /// Member lines after.
    pub members_after: usize,
    /// ½ Σ |w_after − w_before|, in [0, 1].
    pub one_way_turnover: f64,
    /// Dollars the index's passive funds buy (Σ AUM × max(Δw, 0)).
    pub buys_usd: f64,
    /// Dollars they sell, as a positive number.
    pub sells_usd: f64,
}

/// Net demand of the names in one decile of total market cap.
#[derive(Clone, Debug, PartialEq)]
pub struct DecileFlow {
    /// 1 = smallest tenth of the affected names, 10 = largest.
    pub decile: u8,
    /// Names in the decile.
    pub names: usize,
    /// Smallest total cap in the decile.
    pub min_total_cap: f64,
    /// Largest total cap in the decile.
    pub max_total_cap: f64,
    /// Passive buying of the decile's names.
    pub buys_usd: f64,
    /// Passive selling of the decile's names, positive.
    pub sells_usd: f64,
    /// Buying minus selling.
    pub net_usd: f64,
}

/// A name among the hardest to trade.
#[derive(Clone, Debug, PartialEq)]
pub struct TopName {
    /// The line.
    pub sec: Sec,
    /// Its ticker.
    pub ticker: String,
    /// How it moved.
    pub change: Change,
    /// Net passive demand in dollars (> 0 buying).
    pub demand_usd: f64,
    /// Demand ÷ ADV.
    pub days_of_volume: f64,
    /// Estimated price impact, basis points.
    pub impact_bps: f64,
}

/// Names by their change between the two states, counted on the same
/// R1000 / R2000 / R3000E tiers as a reconstitution's `change` column.
///
/// Why `gone` apart: a reconstitution deletes the lines that stopped trading
/// between the state before it and its effective date (acquired or
/// delisted), but the index dropped them when they stopped, so passive
/// funds trade nothing for them at the reconstitution. `rankday
/// reconstitute` counts them in its deletes and shows them apart; here
/// `delete + gone` equals its deletes, and `add`, `up` and `down` equal its.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChangeCounts {
    /// Lines added to the family.
    pub add: usize,
    /// Deleted lines that still trade: sold by passive funds at the event.
    pub delete: usize,
    /// Moves up from the R2000 to the R1000.
    pub up: usize,
    /// Moves down.
    pub down: usize,
    /// Lines that stayed in their tier.
    pub stay: usize,
    /// Deleted lines that had stopped trading before the pricing day.
    pub gone: usize,
    /// Lines the index held on the pricing day that the previous rank day's
    /// state did not (an IPO round added them in between): the
    /// reconstitution counts them as adds (or not at all if it does not keep
    /// them), the trades by their move from what the index held (a stay, a
    /// move or a delete).
    pub held: usize,
}

impl ChangeCounts {
    /// The count of one change.
    pub fn of(&self, c: Change) -> usize {
        match c {
            Change::Add => self.add,
            Change::Delete => self.delete,
            Change::Up => self.up,
            Change::Down => self.down,
            Change::Stay => self.stay,
        }
    }
}

/// Totals of one event.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowSummary {
    /// The reconstitution's effective date.
    pub effective_date: Date,
    /// The trading day whose closes priced both states.
    pub pricing_date: Date,
    /// Every index with passive assets or members, in [`IndexId::ALL`] order.
    pub per_index: Vec<IndexFlow>,
    /// Net passive buying across names (Σ positive `demand_usd`).
    pub buys_usd: f64,
    /// Net passive selling across names, positive (Σ negative `demand_usd`, negated).
    pub sells_usd: f64,
    /// Σ `demand_usd`: zero when every funded index is invested in both states.
    pub net_usd: f64,
    /// Σ over indexes of `buys_usd`: what the funds trade one way, index by index.
    pub index_one_way_usd: f64,
    /// `index_one_way_usd − buys_usd`: buying matched by other passive funds' selling.
    pub crossed_usd: f64,
    /// Ten deciles of total market cap over the affected names (a change of
    /// membership, or at least [`AFFECTED_MIN_USD`] of demand).
    pub deciles: Vec<DecileFlow>,
    /// Names by days of volume, largest first (names without an ADV are left out).
    pub top_by_days_of_volume: Vec<TopName>,
    /// Names by their change from what the index holds on the pricing day
    /// to the new state: what passive funds trade.
    pub counts: ChangeCounts,
    /// The reconstitution's own changes, as the new state's `change` column
    /// records them against the previous rank day's state: what `rankday
    /// reconstitute` counts. The two differ only by the `gone` lines (in
    /// `recon_counts.delete`, not traded) and the `held` ones (each shifts at
    /// most two of the counts).
    pub recon_counts: ChangeCounts,
    /// Rows (names with a weight in either state).
    pub names: usize,
    /// Members of `before` left out because they stopped trading before the pricing day.
    pub dropped_before: usize,
    /// Members of `after` left out for the same reason (acquired or delisted
    /// between rank day and the effective date).
    pub dropped_after: usize,
}

impl FlowSummary {
    /// The side of index `i`, if it has assets or members.
    pub fn index(&self, i: IndexId) -> Option<&IndexFlow> {
        self.per_index.iter().find(|f| f.index == i)
    }
}

fn weight_in(w: &[(IndexId, f64)], i: IndexId) -> Option<f64> {
    w.iter().find(|(j, _)| *j == i).map(|&(_, x)| x)
}

/// Summarises rows (expected sorted by security, as `compute_flows` returns
/// them; sums run in row order) with each index's passive dollars already
/// resolved (`aum_usd`, indexed by `IndexId as usize`). Dates and
/// `dropped_before` are left for the caller to fill.
pub fn summarize(rows: &[FlowRow], aum_usd: &[f64; N_INDEXES], top_n: usize) -> FlowSummary {
    let mut per_index = Vec::new();
    for &i in IndexId::ALL {
        let (mut nb, mut na, mut abs, mut up, mut down) = (0, 0, 0.0, 0.0, 0.0);
        for r in rows {
            let wb = weight_in(&r.weights_before, i);
            let wa = weight_in(&r.weights_after, i);
            nb += wb.is_some() as usize;
            na += wa.is_some() as usize;
            let d = wa.unwrap_or(0.0) - wb.unwrap_or(0.0);
            abs += d.abs();
            if d > 0.0 {
                up += d;
            } else {
                down -= d;
            }
        }
        let aum = aum_usd[i as usize];
        if nb + na == 0 && aum == 0.0 {
            continue;
        }
        per_index.push(IndexFlow {
            index: i,
            aum_usd: aum,
            members_before: nb,
            members_after: na,
            one_way_turnover: 0.5 * abs,
            buys_usd: aum * up,
            sells_usd: aum * down,
        });
    }
    debug_assert!(per_index.len() <= N_INDEXES);

    let (mut buys, mut sells, mut net) = (0.0, 0.0, 0.0);
    let mut counts = ChangeCounts::default();
    for r in rows {
        if r.demand_usd > 0.0 {
            buys += r.demand_usd;
        } else {
            sells -= r.demand_usd;
        }
        net += r.demand_usd;
        match r.change {
            Change::Add => counts.add += 1,
            Change::Delete => counts.delete += 1,
            Change::Up => counts.up += 1,
            Change::Down => counts.down += 1,
            Change::Stay => counts.stay += 1,
        }
    }
    let index_one_way_usd: f64 = per_index.iter().map(|f| f.buys_usd).sum();

    FlowSummary {
        effective_date: rows.first().map_or(Date::default(), |r| r.effective_date),
        pricing_date: Date::default(),
        per_index,
        buys_usd: buys,
        sells_usd: sells,
        net_usd: net,
        index_one_way_usd,
        crossed_usd: (index_one_way_usd - buys).max(0.0),
        deciles: deciles(rows),
        top_by_days_of_volume: top_names(rows, top_n),
        counts,
        recon_counts: ChangeCounts::default(),
        names: rows.len(),
        dropped_before: 0,
        dropped_after: 0,
    }
}

/// Ten deciles by (total cap, sec) over the affected names; always ten
/// entries, some empty when there are fewer than ten names.
pub fn deciles(rows: &[FlowRow]) -> Vec<DecileFlow> {
    let mut affected: Vec<&FlowRow> = rows
        .iter()
        .filter(|r| {
            r.total_market_cap.is_finite()
                && (r.change != Change::Stay || r.demand_usd.abs() >= AFFECTED_MIN_USD)
        })
        .collect();
    affected.sort_by(|a, b| {
        a.total_market_cap
            .total_cmp(&b.total_market_cap)
            .then(a.sec.cmp(&b.sec))
    });
    let n = affected.len();
    let mut out: Vec<DecileFlow> = (1..=10)
        .map(|d| DecileFlow {
            decile: d,
            names: 0,
            min_total_cap: f64::NAN,
            max_total_cap: f64::NAN,
            buys_usd: 0.0,
            sells_usd: 0.0,
            net_usd: 0.0,
        })
        .collect();
    for (k, r) in affected.iter().enumerate() {
        let d = &mut out[k * 10 / n];
        if d.names == 0 {
            d.min_total_cap = r.total_market_cap;
        }
        d.max_total_cap = r.total_market_cap;
        d.names += 1;
        if r.demand_usd > 0.0 {
            d.buys_usd += r.demand_usd;
        } else {
            d.sells_usd -= r.demand_usd;
        }
        d.net_usd += r.demand_usd;
    }
    out
}

/// The `n` names with the most days of volume (ties broken by sec).
pub fn top_names(rows: &[FlowRow], n: usize) -> Vec<TopName> {
    let mut v: Vec<&FlowRow> = rows
        .iter()
        .filter(|r| !r.days_of_volume.is_nan() && r.demand_shares != 0.0)
        .collect();
    v.sort_by(|a, b| {
        b.days_of_volume
            .total_cmp(&a.days_of_volume)
            .then(a.sec.cmp(&b.sec))
    });
    v.into_iter()
        .take(n)
        .map(|r| TopName {
            sec: r.sec,
            ticker: r.ticker.clone(),
            change: r.change,
            demand_usd: r.demand_usd,
            days_of_volume: r.days_of_volume,
            impact_bps: r.impact_bps,
        })
        .collect()
}
