//! Helpers of the `peers` benchmark (`benches/peers.rs`): the full-history
//! job through the job library (`rankday_pipeline::Job`, the same calls as
//! the `rankday` command line), the market filter that restricts a
//! comparison to the corporate-action kinds the Python peers implement, the
//! tables exported to the peers, and the level comparison.

use std::sync::Arc;

use rankday_calc::{CalcOutput, LevelRow};
use rankday_core::{ActionKind, Date, IndexId, Market, MarketBuilder, Membership};
use rankday_io::{Column, Table};
use rankday_pipeline::{CalcSettings, Job};

/// The job the bench times: with `full`, as `rankday calc` runs it (every
/// rank day with its IPO rounds, the levels of the nine indexes with the
/// calendar's quarterly share updates); without, the comparison scope of
/// the peers (neither IPO rounds nor share updates).
pub fn job(market: Arc<Market>, full: bool) -> anyhow::Result<Job> {
    Ok(Job::new(market)?
        .with_ipo_rounds(full)
        .with_calc(CalcSettings {
            share_updates: full,
            ..CalcSettings::default()
        }))
}

/// The market without the actions of the given kinds (daily rows and
/// securities unchanged).
pub fn without_kinds(market: &Market, drop: &[ActionKind]) -> Market {
    let mut b = MarketBuilder::with_capacity(market.n_rows());
    for s in market.securities() {
        b.add_security(s.clone()).expect("ids are unique already");
    }
    let (secs, close, volume, shares, float) = market.columns();
    let dates = market.dates();
    let starts = market.day_starts();
    for day in 0..market.n_days() {
        for r in starts[day]..starts[day + 1] {
            b.push_daily(rankday_core::DailyRow {
                date: dates[day],
                sec: rankday_core::Sec(secs[r]),
                close: close[r],
                volume: volume[r],
                shares_outstanding: shares[r],
                float_shares: float[r],
            });
        }
    }
    for a in market.actions_in_input_order() {
        if !drop.contains(&a.kind) {
            b.push_action(a.clone());
        }
    }
    b.build().expect("rows of a valid market")
}

/// Counts of actions by kind, `ActionKind::ALL` order.
pub fn action_counts(market: &Market) -> Vec<(ActionKind, usize)> {
    ActionKind::ALL
        .iter()
        .map(|&k| (k, market.actions().iter().filter(|a| a.kind == k).count()))
        .collect()
}

/// The membership states for the peers: one row per (state, member line)
/// with `state` (ordinal), `effective_date`, `security_id`, `index_shares`
/// and the nine index flags. Rows without an index (deletions) are left out.
pub fn membership_table(market: &Market, states: &[Membership]) -> Table {
    let mut state = Vec::new();
    let mut effective = Vec::new();
    let mut sid = Vec::new();
    let mut shares = Vec::new();
    let mut flags: Vec<Vec<bool>> = vec![Vec::new(); IndexId::ALL.len()];
    for (k, s) in states.iter().enumerate() {
        for r in s.rows.iter().filter(|r| !r.indexes.is_empty()) {
            state.push(k as i64);
            effective.push(s.effective_date);
            sid.push(market.security(r.sec).security_id.clone());
            shares.push(r.index_shares);
            for (j, i) in IndexId::ALL.iter().enumerate() {
                flags[j].push(r.indexes.contains(*i));
            }
        }
    }
    let mut t = Table::new()
        .with("state", Column::I64(state))
        .with("effective_date", Column::Date(effective))
        .with("security_id", Column::Str(sid))
        .with("index_shares", Column::F64(shares));
    for (j, i) in IndexId::ALL.iter().enumerate() {
        t.push(i.column(), Column::Bool(std::mem::take(&mut flags[j])));
    }
    t
}

/// A level series keyed by (date, index name).
pub type Levels = std::collections::BTreeMap<(Date, String), (f64, f64)>;

/// rankday's levels as price and total return by (date, index).
pub fn levels_of(rows: &[LevelRow]) -> Levels {
    rows.iter()
        .map(|r| {
            (
                (r.date, r.index.as_str().to_string()),
                (r.price_return, r.total_return),
            )
        })
        .collect()
}

/// A peer's levels table (`date`, `index`, `price_return`, `total_return`).
pub fn levels_from_table(t: &Table) -> anyhow::Result<Levels> {
    let (Some(Column::Date(d)), Some(Column::Str(i)), Some(Column::F64(p)), Some(Column::F64(tr))) = (
        t.column("date"),
        t.column("index"),
        t.column("price_return"),
        t.column("total_return"),
    ) else {
        anyhow::bail!(
            "levels table needs date (date), index (str), price_return and total_return (f64)"
        );
    };
    Ok((0..d.len())
        .map(|k| ((d[k], i[k].clone()), (p[k], tr[k])))
        .collect())
}

/// How two level series compare: rows only in one of them, and the largest
/// relative difference of price and total return over the shared rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    /// (date, index) rows in both series.
    pub shared: usize,
    /// Rows only in the left series.
    pub only_left: usize,
    /// Rows only in the right series.
    pub only_right: usize,
    /// Largest relative difference of the price-return levels over the shared rows.
    pub max_rel_price: f64,
    /// Largest relative difference of the total-return levels over the shared rows.
    pub max_rel_total: f64,
    /// Where the largest difference (of either series) is.
    pub worst: Option<(Date, String)>,
}

impl Agreement {
    /// The two agree: the same rows, and every shared level within `tol` relative.
    pub fn within(&self, tol: f64) -> bool {
        self.only_left == 0
            && self.only_right == 0
            && self.shared > 0
            && self.max_rel_price <= tol
            && self.max_rel_total <= tol
    }
}

fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        let d = (a - b).abs() / a.abs().max(b.abs());
        if d.is_nan() {
            f64::INFINITY
        } else {
            d
        }
    }
}

/// Compares two level series row by row (`left` is rankday's).
pub fn compare(left: &Levels, right: &Levels) -> Agreement {
    let mut a = Agreement {
        shared: 0,
        only_left: 0,
        only_right: right.keys().filter(|k| !left.contains_key(*k)).count(),
        max_rel_price: 0.0,
        max_rel_total: 0.0,
        worst: None,
    };
    let mut worst = -1.0;
    for (k, &(p, t)) in left {
        let Some(&(q, u)) = right.get(k) else {
            a.only_left += 1;
            continue;
        };
        a.shared += 1;
        let (dp, dt) = (rel(p, q), rel(t, u));
        a.max_rel_price = a.max_rel_price.max(dp);
        a.max_rel_total = a.max_rel_total.max(dt);
        if dp.max(dt) > worst {
            worst = dp.max(dt);
            a.worst = Some(k.clone());
        }
    }
    a
}

/// Made-up holdings for the row-loop floors (`rankday_calc::bench_row_loop`):
/// index shares and index masks, cycled over the securities. The floors are
/// about memory traffic and compute, not index values, but the masks are
/// those of the family's members (the row loop's cost depends on how many
/// distinct masks there are): Top 200, Midcap in and out of the Top 500,
/// R2000 in and out of the Microcap, Microcap only, and non-members.
pub fn floor_holdings() -> (Vec<f64>, Vec<u16>) {
    use IndexId::*;
    let set = |ids: &[IndexId]| ids.iter().fold(0u16, |m, i| m | i.bit());
    let top200 = set(&[R3000E, R3000, R1000, RTop200, RTop500]);
    let mid500 = set(&[R3000E, R3000, R1000, RMidcap, RTop500]);
    let mid = set(&[R3000E, R3000, R1000, RMidcap, R2500]);
    let small = set(&[R3000E, R3000, R2000, R2500]);
    let micro = small | RMicro.bit();
    let micro_only = set(&[R3000E, RMicro]);
    (
        (0..7).map(|k| f64::from(k) + 1.0).collect(),
        vec![
            top200, mid500, mid, mid, small, small, micro, micro, micro_only, micro_only, 0, 0, 0,
        ],
    )
}

/// One pass over the price column: the sum of the finite closes.
pub fn sum_closes(close: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut c = close.chunks_exact(4);
    for x in &mut c {
        for i in 0..4 {
            if x[i].is_finite() {
                acc[i] += x[i];
            }
        }
    }
    for &x in c.remainder() {
        if x.is_finite() {
            acc[0] += x;
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// Whether two calculations are bit-identical (NaN-safe): the benches
/// fail when a parallel or alternative path changes a single bit.
pub fn same_bits(a: &CalcOutput, b: &CalcOutput) -> bool {
    a.levels.len() == b.levels.len()
        && a.divisor_changes.len() == b.divisor_changes.len()
        && a.levels.iter().zip(&b.levels).all(|(x, y)| {
            x.date == y.date
                && x.index == y.index
                && x.constituents == y.constituents
                && [
                    (x.price_return, y.price_return),
                    (x.total_return, y.total_return),
                    (x.net_return, y.net_return),
                    (x.divisor, y.divisor),
                    (x.market_value, y.market_value),
                ]
                .iter()
                .all(|(p, q)| p.to_bits() == q.to_bits())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_finds_missing_rows_and_relative_differences() {
        let d = Date::ymd(2024, 1, 2);
        let mut l = Levels::new();
        l.insert((d, "R1000".into()), (100.0, 200.0));
        l.insert((d, "R2000".into()), (50.0, 50.0));
        let mut r = l.clone();
        r.insert((d, "R1000".into()), (100.0 * (1.0 + 1e-10), 200.0));
        let a = compare(&l, &r);
        assert_eq!(a.shared, 2);
        assert!(a.max_rel_price > 0.9e-10 && a.max_rel_price < 1.1e-10);
        assert_eq!(a.max_rel_total, 0.0);
        assert!(a.within(1e-9));
        assert_eq!(a.worst, Some((d, "R1000".to_string())));
        r.remove(&(d, "R2000".to_string()));
        r.insert((d, "RMICRO".into()), (f64::NAN, 1.0));
        let b = compare(&l, &r);
        assert_eq!((b.only_left, b.only_right), (1, 1));
        assert!(!b.within(1e-9));
    }

    #[test]
    fn sum_skips_missing_closes() {
        let v = [1.0, f64::NAN, 2.0, 3.0, 4.0, 5.0, f64::NAN];
        assert_eq!(sum_closes(&v), 15.0);
    }
}
