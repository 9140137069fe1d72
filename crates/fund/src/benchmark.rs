//! Benchmarking any portfolio against any index, and indexes against each
//! other.
//!
//! A portfolio comes either as daily returns (`Vec<(Date, f64)>`, e.g. from
//! `rankday_io::read_returns`) or as holdings over time (`(date, sec,
//! shares)` rows, valued with market closes by [`holdings_returns`]). An
//! index comes as its total-return levels (`(date, level)`, e.g. from
//! [`index_levels`]). Series are aligned on their common dates: returns are
//! compared day by day only where both have one, so a portfolio series with
//! gaps is not silently compared with a multi-day index move.

use std::collections::BTreeMap;

use rankday_calc::LevelRow;
use rankday_core::{Date, IndexId, Market, Sec};

use crate::portfolio::{Portfolio, PriceBook};
use crate::tracking::{active_returns, tracking_stats, TrackingStats};
use crate::FundError;

/// Which level series of an index to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// Price return: what the index's prices did.
    Price,
    /// Total return: with dividends reinvested (what a fund can earn).
    Total,
    /// Net return: with dividends reinvested after withholding.
    Net,
}

/// `(date, level)` of one index from calculated levels.
pub fn index_levels(levels: &[LevelRow], index: IndexId, series: Series) -> Vec<(Date, f64)> {
    levels
        .iter()
        .filter(|r| r.index == index)
        .map(|r| {
            let v = match series {
                Series::Price => r.price_return,
                Series::Total => r.total_return,
                Series::Net => r.net_return,
            };
            (r.date, v)
        })
        .collect()
}

/// Daily returns of a level series (one fewer than levels), dated by the
/// later day.
pub fn returns_from_levels(levels: &[(Date, f64)]) -> Result<Vec<(Date, f64)>, FundError> {
    check_sorted("levels", levels)?;
    Ok(levels
        .windows(2)
        .map(|w| (w[1].0, w[1].1 / w[0].1 - 1.0))
        .collect())
}

/// A portfolio compared with an index on their common days.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The dates both series have.
    pub dates: Vec<Date>,
    /// The portfolio's daily returns on those dates.
    pub portfolio: Vec<f64>,
    /// The index's daily returns on those dates.
    pub index: Vec<f64>,
    /// `portfolio − index` per day.
    pub active: Vec<f64>,
    /// Tracking statistics of the active returns.
    pub stats: TrackingStats,
}

/// Compares daily portfolio returns with an index's level series: index
/// returns are taken between consecutive index levels, and only dates that
/// carry both a portfolio return and an index return enter.
pub fn compare_returns(
    portfolio: &[(Date, f64)],
    index_levels: &[(Date, f64)],
) -> Result<Comparison, FundError> {
    check_sorted("portfolio returns", portfolio)?;
    let idx: BTreeMap<Date, f64> = returns_from_levels(index_levels)?.into_iter().collect();
    let (mut dates, mut p, mut i) = (Vec::new(), Vec::new(), Vec::new());
    for &(d, r) in portfolio {
        if let Some(&x) = idx.get(&d) {
            dates.push(d);
            p.push(r);
            i.push(x);
        }
    }
    if dates.is_empty() {
        return Err(FundError::NoOverlap);
    }
    Ok(Comparison {
        active: active_returns(&p, &i)?,
        stats: tracking_stats(&p, &i)?,
        dates,
        portfolio: p,
        index: i,
    })
}

/// Daily total returns of a portfolio given as holdings over time.
///
/// Rows `(date, sec, shares)` give the whole portfolio held after the close
/// of `date` (all rows of a date form one snapshot; a line missing from a
/// later snapshot is sold). Between snapshots the book is carried through
/// corporate actions by the fund's rules (fractional shares allowed),
/// dividends count on their ex-date, and cash from dividends and exits is
/// reinvested pro rata at the close (the total-return convention of the
/// indexes, so the comparison is like for like). Returns run from the day
/// after the first snapshot to `to` (default: the market's last day).
pub fn holdings_returns(
    market: &Market,
    holdings: &[(Date, Sec, f64)],
    to: Option<Date>,
) -> Result<Vec<(Date, f64)>, FundError> {
    let mut snaps: BTreeMap<usize, BTreeMap<Sec, f64>> = BTreeMap::new();
    for &(d, s, n) in holdings {
        if s.idx() >= market.n_securities() {
            return Err(FundError::UnknownSecurity(s.0));
        }
        let Some(day) = market.day_on_or_before(d) else {
            return Err(FundError::NoOverlap);
        };
        *snaps.entry(day).or_default().entry(s).or_insert(0.0) += n;
    }
    let Some((&first, _)) = snaps.iter().next() else {
        return Ok(Vec::new());
    };
    let last = match to {
        Some(t) => market.day_on_or_before(t).ok_or(FundError::NoOverlap)?,
        None => market.n_days() - 1,
    };
    let mut prices = PriceBook::new(market.n_securities());
    let mut pf = Portfolio::new(0.0, false);
    let mut out = Vec::new();
    let mut base = 0.0;
    for day in 0..=last {
        let date = market.dates()[day];
        let acts = market.actions_on(date);
        prices.pre_open(acts);
        if day > first {
            pf.apply_actions(market, acts, day, &mut prices, 0)?;
            pf.collect(day);
        }
        prices.close(market, day);
        if day > first {
            let v = pf.securities_value(&prices) + pf.cash;
            out.push((date, if base > 0.0 { v / base - 1.0 } else { 0.0 }));
            // Reinvest the day's cash pro rata.
            let sv = pf.securities_value(&prices);
            if pf.cash != 0.0 && sv > 0.0 {
                let k = v / sv;
                for n in pf.shares.values_mut() {
                    *n *= k;
                }
                pf.cash = 0.0;
            }
        }
        if let Some(snap) = snaps.get(&day) {
            pf.shares = snap
                .iter()
                .filter(|(_, &n)| n != 0.0)
                .map(|(&s, &n)| (s, n))
                .collect();
            pf.cash = 0.0;
        }
        if day >= first {
            base = pf.securities_value(&prices) + pf.cash;
        }
    }
    Ok(out)
}

/// Relative performance of `a` against `b`: `100 · (a_t/a_0) / (b_t/b_0)`
/// on their common dates, rebased at the first one. Rising means `a`
/// outperforms.
pub fn relative_performance(
    a: &[(Date, f64)],
    b: &[(Date, f64)],
) -> Result<Vec<(Date, f64)>, FundError> {
    check_sorted("a", a)?;
    check_sorted("b", b)?;
    let bm: BTreeMap<Date, f64> = b.iter().copied().collect();
    let pairs: Vec<(Date, f64, f64)> = a
        .iter()
        .filter_map(|&(d, x)| bm.get(&d).map(|&y| (d, x, y)))
        .collect();
    let Some(&(_, a0, b0)) = pairs.first() else {
        return Err(FundError::NoOverlap);
    };
    Ok(pairs
        .into_iter()
        .map(|(d, x, y)| (d, 100.0 * (x / a0) / (y / b0)))
        .collect())
}

fn check_sorted(what: &'static str, s: &[(Date, f64)]) -> Result<(), FundError> {
    match s.windows(2).find(|w| w[0].0 >= w[1].0) {
        Some(w) => Err(FundError::Unsorted {
            what,
            prev: w[0].0,
            next: w[1].0,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(k: i32) -> Date {
        Date::ymd(2024, 1, 1).add_days(k)
    }

    #[test]
    fn relative_performance_by_hand() {
        // a: 100 → 110 → 99; b: 50 → 50 → 55.
        // day 1: 100·1.1/1 = 110; day 2: 100·0.99/1.1 = 90.
        let a = [(d(0), 100.0), (d(1), 110.0), (d(2), 99.0)];
        let b = [(d(0), 50.0), (d(1), 50.0), (d(2), 55.0), (d(3), 56.0)];
        let r = relative_performance(&a, &b).unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0], (d(0), 100.0));
        assert!((r[1].1 - 110.0).abs() < 1e-12 && (r[2].1 - 90.0).abs() < 1e-12);
        assert!(matches!(
            relative_performance(&a, &b[3..]),
            Err(FundError::NoOverlap)
        ));
        let unsorted = [(d(1), 1.0), (d(0), 1.0)];
        assert!(matches!(
            relative_performance(&unsorted, &b),
            Err(FundError::Unsorted { .. })
        ));
    }

    #[test]
    fn compare_aligns_on_common_days() {
        // Index levels 100, 101, 99.99 (returns +1%, −1%); the portfolio has
        // a return on day 1 and day 2 and an extra day the index lacks.
        let idx = [(d(0), 100.0), (d(1), 101.0), (d(2), 99.99)];
        let p = [(d(1), 0.012), (d(2), -0.009), (d(5), 0.5)];
        let c = compare_returns(&p, &idx).unwrap();
        assert_eq!(c.dates, vec![d(1), d(2)]);
        assert!((c.active[0] - 0.002).abs() < 1e-12);
        assert!((c.active[1] - 0.001).abs() < 1e-12);
        assert_eq!(c.stats.days, 2);
    }
}
