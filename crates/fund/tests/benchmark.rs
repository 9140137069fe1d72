//! Benchmarking against calculated indexes.

use rankday_calc::{calculate, CalcConfig};
use rankday_core::{ActionKind, Date, IndexId, Sec};
use rankday_fund::benchmark::{
    compare_returns, holdings_returns, index_levels, relative_performance, Series,
};
use rankday_fund::{simulate, FundConfig};
use rankday_testkit::*;

/// The index's own holdings, snapshotted at every change, replayed as a
/// portfolio reproduce its total return to 1e-12 on every day but the
/// special dividend's ex-date (where the index reinvests at the previous
/// close): so holdings valuation, corporate actions and the TR convention
/// agree with the engine.
#[test]
fn index_holdings_replayed_reproduce_the_total_return() {
    let g = year_market(30, 17);
    let first = calculate(
        &g.market,
        &g.memberships,
        &CalcConfig {
            indexes: vec![IndexId::R2000],
            ..Default::default()
        },
    )
    .unwrap();
    let mut snap_dates: Vec<Date> = first.divisor_changes.iter().map(|c| c.date).collect();
    snap_dates.push(g.dates[0]);
    let out = calculate(
        &g.market,
        &g.memberships,
        &CalcConfig {
            indexes: vec![IndexId::R2000],
            holdings_dates: snap_dates,
            ..Default::default()
        },
    )
    .unwrap();
    let holdings: Vec<(Date, Sec, f64)> = out
        .holdings_at
        .iter()
        .flat_map(|s| {
            s.constituents
                .iter()
                .map(move |c| (s.date, c.sec, c.index_shares))
        })
        .collect();
    let port = holdings_returns(&g.market, &holdings, None).unwrap();
    let tr = index_levels(&out.levels, IndexId::R2000, Series::Total);
    let c = compare_returns(&port, &tr).unwrap();
    assert_eq!(c.dates.len(), 251);
    let special = g
        .market
        .actions()
        .iter()
        .find(|a| a.kind == ActionKind::SpecialDividend)
        .unwrap()
        .ex_date;
    for (k, &d) in c.dates.iter().enumerate() {
        if d != special {
            assert!(c.active[k].abs() < 1e-12, "{d}: {:e}", c.active[k]);
        }
    }
    assert!(c.stats.te_rms < 1e-5);
    assert!((c.stats.beta - 1.0).abs() < 1e-3);
}

/// The fund's return series benchmarked against the index's level series
/// gives back the simulation's own figures.
#[test]
fn fund_returns_benchmark_like_the_simulation_says() {
    let g = year_market(30, 19);
    let calc = CalcConfig::default();
    let cfg = FundConfig {
        expense_ratio: 0.0019,
        ..FundConfig::frictionless(IndexId::R2000, 1e10)
    };
    let r = simulate(&g.market, &g.memberships, &calc, &cfg).unwrap();
    let out = calculate(&g.market, &g.memberships, &calc).unwrap();
    let tr = index_levels(&out.levels, IndexId::R2000, Series::Total);
    let port: Vec<(Date, f64)> = r.days[1..]
        .iter()
        .map(|d| (d.date, d.fund_return))
        .collect();
    let c = compare_returns(&port, &tr).unwrap();
    assert_eq!(c.stats.days, r.days.len() - 1);
    // The index returns the comparison derives from the level series are
    // those the simulation reported, day by day.
    for (k, d) in r.days[1..].iter().enumerate() {
        assert_eq!(c.dates[k], d.date);
        assert!((c.index[k] - d.index_return).abs() < 1e-15);
    }
    // Launch day aside (no costs: its active return is 0), same figures.
    let f: Vec<f64> = r.days[1..].iter().map(|d| d.fund_return).collect();
    let i: Vec<f64> = r.days[1..].iter().map(|d| d.index_return).collect();
    assert_eq!(c.stats, rankday_fund::tracking_stats(&f, &i).unwrap());
    assert!((c.stats.tracking_difference - r.stats.tracking_difference).abs() < 1e-12);
    assert!(c.stats.tracking_difference < -0.0018 && c.stats.information_ratio < 0.0);

    // R2000 against R3000E (same members here, so relative performance
    // stays at 100), and the price index against total return: the ratio
    // falls by the dividends (and the special dividend, which the price
    // index also reinvests via its divisor — so only ordinary dividends).
    let r3e = index_levels(&out.levels, IndexId::R3000E, Series::Total);
    let rel = relative_performance(&tr, &r3e).unwrap();
    assert!(rel.iter().all(|x| (x.1 - 100.0).abs() < 1e-9));
    let pr = index_levels(&out.levels, IndexId::R2000, Series::Price);
    let rel = relative_performance(&pr, &tr).unwrap();
    assert_eq!(rel[0].1, 100.0);
    let end = rel.last().unwrap().1;
    assert!(end < 100.0 && end > 99.0, "{end}");
    for w in rel.windows(2) {
        assert!(w[1].1 <= w[0].1 + 1e-9);
    }
}
