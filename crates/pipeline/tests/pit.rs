//! Point-in-time exports: the daily holdings with weights, and the
//! benchmark return series, on a generated market with reconstitutions,
//! IPO rounds and every kind of corporate action.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rankday_core::{Date, IndexId, StateKind};
use rankday_fund::benchmark::Series;
use rankday_pipeline::{tables, Job};
use rankday_synth::{generate, GenConfig};

/// 2,500 lines: a Russell 2000 of 500-700 lines in each of the three years
/// (at 1,500 lines the Russell 1000 takes nearly every eligible line).
fn job() -> Job {
    let cfg = GenConfig {
        seed: 11,
        years: 3,
        target_lines: 2500,
        ..GenConfig::default()
    };
    Job::new(Arc::new(generate(&cfg, &|_, _| {}).expect("generate"))).unwrap()
}

#[test]
fn held_lines_are_the_levels_holdings_dated_by_effective_date() {
    let job = job();
    let market = job.market();
    let indexes = [IndexId::R1000, IndexId::R2000];
    let rows = job.held_lines(&indexes, None, None).unwrap();
    let levels = job.levels().unwrap();
    let history = job.history().unwrap();

    // One group per (date, index): weights sum to 1.
    let mut groups: HashMap<(Date, IndexId), f64> = HashMap::new();
    for r in &rows {
        *groups.entry((r.date, r.index)).or_default() += r.weight;
        assert!(r.weight > 0.0 && r.weight < 1.0, "{r:?}");
        assert!((r.market_value - r.index_shares * r.price).abs() <= 1e-9 * r.market_value);
    }
    for (k, w) in &groups {
        assert!((w - 1.0).abs() < 1e-12, "{k:?}: weights sum to {w}");
    }
    let day = |d: Date| market.day_index(d).unwrap();
    let level = |i: IndexId, d: Date| {
        levels
            .levels
            .iter()
            .find(|l| l.index == i && l.date == d)
            .copied()
            .unwrap()
    };
    let moved: HashSet<(Date, IndexId)> = levels
        .divisor_changes
        .iter()
        .map(|c| (c.date, c.index))
        .collect();

    // The weights of D earn the index's price return of the next day:
    // Σ w·p(D+1)·split/p(D) = I(D+1)/I(D) wherever no divisor change
    // falls on D or D+1 (a corporate action or a membership change moves
    // both sides differently).
    let mut checked = 0;
    for &(d, i) in groups.keys() {
        let k = day(d);
        if k + 1 >= market.n_days() {
            continue;
        }
        let next = market.dates()[k + 1];
        if moved.contains(&(d, i)) || moved.contains(&(next, i)) {
            continue;
        }
        // A spin-off's child joins at the open without moving the divisor.
        if market
            .actions_on(next)
            .iter()
            .any(|a| a.kind == rankday_core::ActionKind::SpinOff)
        {
            continue;
        }
        let implied: f64 = rows
            .iter()
            .filter(|r| r.date == d && r.index == i)
            .map(|r| {
                let p1 = market
                    .row_of(r.sec, k + 1)
                    .map(|row| market.row(row).close)
                    .filter(|p| p.is_finite())
                    .unwrap_or(r.price);
                // A split on D+1 moves the close, not the holding's value.
                let split = market.split_factor(r.sec, d, next);
                r.weight * p1 * split / r.price
            })
            .sum();
        let want = level(i, next).price_return / level(i, d).price_return;
        assert!(
            (implied - want).abs() < 1e-12,
            "{d} {i}: weights give {implied}, levels {want}"
        );
        checked += 1;
    }
    assert!(checked > 500, "only {checked} days checked");

    // Dated by effective date, announced before it; a reconstitution's
    // lines carry its dates from its effective date on.
    let recon = history
        .states
        .iter()
        .find(|s| s.kind == StateKind::Reconstitution && s.effective_date > market.dates()[0])
        .unwrap();
    let announced = history
        .recons
        .iter()
        .find(|r| r.event.effective_date == recon.effective_date)
        .unwrap()
        .event
        .preliminary_date;
    let on_effective: Vec<_> = rows
        .iter()
        .filter(|r| r.date == recon.effective_date)
        .collect();
    assert!(!on_effective.is_empty());
    let own = on_effective
        .iter()
        .filter(|r| r.effective_date == Some(recon.effective_date))
        .count();
    assert!(
        own * 100 >= on_effective.len() * 99,
        "{own} of {}",
        on_effective.len()
    );
    for r in &on_effective {
        if r.effective_date == Some(recon.effective_date) {
            assert_eq!(r.announcement_date, Some(announced));
        }
    }
    for r in &rows {
        if let Some(e) = r.effective_date {
            assert!(e <= r.date, "{r:?}");
            assert!(r.announcement_date.is_some_and(|a| a < e), "{r:?}");
        }
    }
    // IPO rounds add lines dated by their own effective dates.
    let ipo_dates: HashSet<Date> = history
        .states
        .iter()
        .filter(|s| s.kind == StateKind::Additions)
        .map(|s| s.effective_date)
        .collect();
    assert!(rows
        .iter()
        .any(|r| r.effective_date.is_some_and(|e| ipo_dates.contains(&e))));

    // A range gives the same rows as the whole history restricted to it.
    let (from, to) = (market.dates()[300], market.dates()[320]);
    let part = job
        .held_lines(&[IndexId::R2000], Some(from), Some(to))
        .unwrap();
    let whole: Vec<_> = rows
        .iter()
        .filter(|r| r.index == IndexId::R2000 && r.date >= from && r.date <= to)
        .cloned()
        .collect();
    assert!(part == whole);
    let t = tables::weights(market, &part);
    assert_eq!(t.n_rows(), part.len());
}

#[test]
fn benchmark_returns_compound_to_the_levels() {
    let job = job();
    let dates = job.market().dates().to_vec();
    let all = job
        .benchmark_series(IndexId::R2000, Series::Total, None, None)
        .unwrap();
    assert_eq!(all[0].ret, 0.0);
    let (from, to) = (dates[200], dates[400]);
    let part = job
        .benchmark_series(IndexId::R2000, Series::Total, Some(from), Some(to))
        .unwrap();
    assert_eq!(part.first().unwrap().date, from);
    assert_eq!(part.last().unwrap().date, to);
    let before = all.iter().rev().find(|d| d.date < from).unwrap().level;
    let compounded: f64 = part.iter().map(|d| 1.0 + d.ret).product();
    let want = part.last().unwrap().level / before;
    assert!(
        (compounded / want - 1.0).abs() < 1e-12,
        "{compounded} vs {want}"
    );
    for d in &part {
        let same = all.iter().find(|x| x.date == d.date).unwrap();
        assert_eq!(d.ret.to_bits(), same.ret.to_bits());
    }
    let price = job
        .benchmark_series(IndexId::R2000, Series::Price, Some(from), Some(to))
        .unwrap();
    let tr: f64 = part.iter().map(|d| 1.0 + d.ret).product();
    let pr: f64 = price.iter().map(|d| 1.0 + d.ret).product();
    assert!(tr > pr, "dividends make total return exceed price return");
    let t = tables::benchmark_returns(&part);
    let names: Vec<_> = t.columns.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["date", "return", "level"]);
}

#[test]
fn a_range_without_a_trading_day_is_an_error_not_an_empty_export() {
    let job = job();
    let last = job.market().last_date().unwrap();
    let after = Some(last.add_days(10));
    let empty = |r: &Result<usize, rankday_pipeline::PipelineError>| {
        matches!(r, Err(rankday_pipeline::PipelineError::EmptyRange { .. }))
    };
    let held = job
        .held_lines(&[IndexId::R2000], after, None)
        .map(|v| v.len());
    assert!(empty(&held), "{held:?}");
    let days = job
        .benchmark_series(IndexId::R2000, Series::Total, after, None)
        .map(|v| v.len());
    assert!(empty(&days), "{days:?}");
    // A weekend alone selects no trading day either.
    let sat = (0..7)
        .map(|k| last.add_days(-10 - k))
        .find(|d| d.is_weekend() && d.add_days(1).is_weekend())
        .unwrap();
    let held = job
        .held_lines(&[IndexId::R2000], Some(sat), Some(sat.add_days(1)))
        .map(|v| v.len());
    assert!(empty(&held), "{held:?}");
}
