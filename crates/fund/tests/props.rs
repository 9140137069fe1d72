//! Property tests: the fund's accounts hold on random markets and configs.

use proptest::prelude::{
    any, prop, prop_assert, prop_assert_eq, prop_oneof, proptest, Just, ProptestConfig,
};
use rankday_calc::CalcConfig;
use rankday_core::{
    ActionKind, DailyRow, Date, IndexId, Market, MarketBuilder, Membership, Sec, Security,
};
use rankday_fund::{CostModel, FundConfig, Rebalance, Simulator};
use rankday_testkit::*;

/// A random market of `n` names over `days` days: random walks, splits
/// (including reverse and fractional ratios), dividends, a special dividend,
/// optionally an acquisition of name 0 by name 1, a delisting of name 2 and
/// a spin-off from name 3 (its child an extra line, trading from the
/// ex-date); two membership states.
fn random_market(seed: u64, n: usize, days: usize) -> (Market, Vec<Membership>) {
    let mut rng = Rng(seed | 1);
    let dates = weekdays(Date::ymd(2023, 5, 1), days);
    let mut b = MarketBuilder::new();
    let secs: Vec<Sec> = (0..=n)
        .map(|k| {
            let id = format!("P{k}");
            b.add_security(Security::us_common(&id, &format!("C{id}"), &id))
                .unwrap()
        })
        .collect();
    let child = secs[n];
    let pick = |rng: &mut Rng| 1 + (rng.unit() * (days - 2) as f64) as usize;
    let acq_day = (rng.unit() < 0.6).then(|| pick(&mut rng));
    let del_day = (rng.unit() < 0.6).then(|| pick(&mut rng));
    let spin_day = (n > 3 && rng.unit() < 0.6).then(|| pick(&mut rng));
    let mut actions = Vec::new();
    for (k, &s) in secs.iter().enumerate() {
        let mut p = 5.0 + 95.0 * rng.unit();
        let mut shares = 1e5 * (1.0 + 20.0 * rng.unit());
        let split_day = (rng.unit() < 0.4).then(|| pick(&mut rng));
        let ratio = [2.0, 1.5, 0.5, 3.0, 0.25][(rng.unit() * 5.0) as usize];
        let first = if k == n { spin_day.unwrap_or(days) } else { 0 };
        for (d, &date) in dates.iter().enumerate().skip(first) {
            if k == 0 && acq_day.is_some_and(|a| d >= a) {
                break;
            }
            if k == 2 && del_day.is_some_and(|a| d > a) {
                break;
            }
            if d > first {
                p *= (0.03 * rng.normal()).exp();
            }
            if k < n && split_day == Some(d) {
                p /= ratio;
                shares *= ratio;
                actions.push(act(date, s, ActionKind::Split, Some(ratio), None, None));
            }
            if k < n && d > 0 && rng.unit() < 0.05 {
                let div = p * 0.01;
                actions.push(act(
                    date,
                    s,
                    ActionKind::CashDividend,
                    None,
                    Some(div),
                    None,
                ));
            }
            if k == 4 && d == days / 2 {
                actions.push(act(
                    date,
                    s,
                    ActionKind::SpecialDividend,
                    None,
                    Some(p * 0.1),
                    None,
                ));
            }
            b.push_daily(DailyRow {
                date,
                sec: s,
                close: p,
                volume: 1e3 + 1e5 * rng.unit(),
                shares_outstanding: shares,
                float_shares: (shares * 0.8).round(),
            });
        }
    }
    if let Some(d) = acq_day {
        let (ratio, cash) =
            [(0.7, 0.0), (0.0, 40.0), (1.3, 2.5), (0.0, 0.0)][(rng.unit() * 4.0) as usize];
        let (r, c) = ((ratio > 0.0).then_some(ratio), (cash > 0.0).then_some(cash));
        actions.push(act(
            dates[d],
            secs[0],
            ActionKind::Acquisition,
            r,
            c,
            Some(secs[1]),
        ));
    }
    if let Some(d) = del_day {
        let fin = (rng.unit() < 0.5).then_some(0.5);
        actions.push(act(
            dates[d],
            secs[2],
            ActionKind::Delisting,
            None,
            fin,
            None,
        ));
    }
    if let Some(d) = spin_day {
        actions.push(act(
            dates[d],
            secs[3],
            ActionKind::SpinOff,
            Some(0.37),
            None,
            Some(child),
        ));
    }
    for a in actions {
        b.push_action(a);
    }
    let m = b.build().unwrap();
    let mid = days / 2 + 1;
    let ms0 = Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: dates[0],
        effective_date: dates[0],
        rows: secs[..n]
            .iter()
            .map(|&s| member_row(&m, s, 1e5 * (1.0 + 9.0 * rng.unit()), r2000()))
            .collect(),
    };
    let mut rows = Vec::new();
    for &s in &secs[..n] {
        if m.row_of(s, mid).is_some() && rng.unit() < 0.8 {
            rows.push(member_row(&m, s, 1e5 * (1.0 + 9.0 * rng.unit()), r2000()));
        }
    }
    let ms1 = Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: dates[mid - 3],
        effective_date: dates[mid],
        rows,
    };
    (m, vec![ms0, ms1])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// At every close: NAV = Σ shares × that day's market close + cash +
    /// receivables, shares are whole and not negative, cash is not negative
    /// for a fund with a tolerance, and the simulation runs through every
    /// day of the index.
    #[test]
    fn nav_is_shares_times_closes_plus_cash_plus_receivables(
        seed in any::<u64>(),
        n in 4usize..8,
        days in 12usize..40,
        assets in 1e4f64..1e9,
        fee in 0.0f64..0.02,
        lag in 0u32..6,
        costs in any::<bool>(),
        spread in prop::option::of((1usize..4, 0.01f64..2.0)),
        flow in prop::option::of((1usize..10, -0.5f64..0.5)),
        threshold in 0.0f64..0.01,
        tolerance in prop_oneof![Just(0.0), 0.001f64..0.05],
    ) {
        let (m, ms) = random_market(seed, n, days);
        let calc = CalcConfig::default();
        let cfg = FundConfig {
            index: IndexId::R2000,
            start_assets: assets,
            expense_ratio: fee,
            dividend_lag_days: lag,
            rebalance: match spread {
                Some((d, c)) => Rebalance::Spread { days: d, participation_cap: c },
                None => Rebalance::FullReplication,
            },
            costs: if costs { CostModel::default() } else { CostModel::zero() },
            flows: flow.map(|(d, f)| vec![(m.dates()[d], f * assets)]).unwrap_or_default(),
            cash_threshold: threshold,
            tolerance,
            from: None,
            to: None,
        };
        let mut sim = match Simulator::new(&m, &ms, &calc, &cfg) {
            Ok(sim) => sim,
            // The random index can lose its last member before the flow's
            // day: a flow after its last level is refused, by name.
            Err(rankday_fund::FundError::FlowOutsideRange { date, start, end, .. })
                if flow.is_some() && (date < start || date > end) => return Ok(()),
            Err(e) => panic!("{e}"),
        };
        let mut k = 0;
        let mut exhausted = false;
        while let Some(day) = sim.step() {
            let day = match day {
                Ok(d) => d,
                // A redemption larger than what is left is refused, by name.
                Err(rankday_fund::FundError::Exhausted { .. }) if flow.is_some_and(|f| f.1 < 0.0) => {
                    exhausted = true;
                    break;
                }
                Err(e) => panic!("{e}"),
            };
            let d = m.day_index(day.date).unwrap();
            let pf = sim.portfolio();
            let mut value = 0.0;
            for (&s, &q) in &pf.shares {
                prop_assert!(q > 0.0 && q == q.round(), "{:?} holds {} of {:?}", day.date, q, s);
                let row = m.row_of(s, d).expect("a held line trades");
                value += q * m.row(row).close;
            }
            let recv: f64 = pf.receivables.iter().map(|r| r.amount).sum();
            let want = value + pf.cash + recv;
            prop_assert!(
                (day.nav - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{:?}: nav {} vs {}", day.date, day.nav, want
            );
            prop_assert_eq!(day.cash, pf.cash);
            prop_assert_eq!(day.receivables, recv);
            prop_assert!(day.costs >= 0.0 && day.fees >= 0.0);
            // With a tolerance the fund never borrows: no negative cash at
            // a close while it holds anything it could sell.
            if tolerance > 0.0 && !pf.shares.is_empty() {
                prop_assert!(day.cash >= 0.0, "{:?}: cash {}", day.date, day.cash);
            }
            k += 1;
        }
        // Every trading day from the index's first level to its last (an
        // index whose members all leave stops early).
        let out = rankday_calc::calculate(&m, &ms, &CalcConfig {
            indexes: vec![IndexId::R2000],
            ..calc
        }).unwrap();
        let first = m.day_index(out.levels[0].date).unwrap();
        let last = m.day_index(out.levels.last().unwrap().date).unwrap();
        if !exhausted {
            prop_assert_eq!(k, last + 1 - first);
        }
    }
}
