//! Fund simulation against the index on generated and hand-built markets.

mod common;

use common::*;
use rankday_calc::CalcConfig;
use rankday_core::IndexId;
use rankday_fund::{simulate, CostModel, FundConfig, HalfSpreads, Simulator};

fn rms(x: &[f64]) -> f64 {
    (x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64).sqrt()
}

fn active(r: &rankday_fund::FundResult) -> Vec<f64> {
    r.days
        .iter()
        .map(|d| d.fund_return - d.index_return)
        .collect()
}

#[test]
fn frictionless_fund_tracks_total_return_within_a_tenth_of_a_bp() {
    let g = generated(30, 7);
    let mut cfg = FundConfig::frictionless(IndexId::R2000, 1e10);
    cfg.cash_threshold = 1e-4;
    let calc = CalcConfig::default();
    let r = simulate(&g.market, &g.memberships, &calc, &cfg).unwrap();
    assert_eq!(r.days.len(), 252);
    let a = active(&r);
    let e = rms(&a);
    eprintln!(
        "frictionless: rms daily active {:.3e}, max {:.3e}, TD {:.3e}, te_std {:.3e}, te_rms {:.3e}, trades {}",
        e,
        a.iter().fold(0.0f64, |m, x| m.max(x.abs())),
        r.stats.tracking_difference,
        r.stats.te_std,
        r.stats.te_rms,
        r.trades.len()
    );
    assert!(e < 1e-5, "rms of daily active returns {e:e} above 0.1 bp");
    assert!(r.stats.tracking_difference.abs() < 1e-4);
    for d in &r.days {
        assert!(d.cash.abs() <= 2e-4 * d.nav, "{:?}", d);
        assert_eq!((d.costs, d.fees), (0.0, 0.0));
    }
    // The residual, explained day by day. Stepping the same fund:
    // * any day: the fund holds index shares scaled and rounded down plus
    //   cash c, so its active return is −(c/NAV) × index return, up to the
    //   rounding of weights (≈ 1e−7 of each) times the dispersion of returns;
    // * the special dividend's ex-date (name 5, day 100): the index
    //   reinvests the distribution at the previous close (divisor cut before
    //   the open), the fund gets it as cash at the close, so it misses the
    //   day's return on it: active = (s − s(1+r))/(1 − s)·… ≈ −s·r, with s
    //   the distribution over yesterday's NAV.
    let mut sim = Simulator::new(&g.market, &g.memberships, &calc, &cfg).unwrap();
    let special = g.market.actions_on(g.dates[100])[0].clone();
    assert_eq!(special.kind, rankday_core::ActionKind::SpecialDividend);
    let (mut c_prev, mut nav_prev, mut h5) = (0.0, 1.0, 0.0);
    let mut k = 0;
    while let Some(d) = sim.step() {
        let d = d.unwrap();
        let act = d.fund_return - d.index_return;
        if k > 0 {
            let explained = if k == 100 {
                let s = special.amount.unwrap() * h5 / nav_prev;
                -(s + c_prev / nav_prev) * d.index_return
            } else {
                -(c_prev / nav_prev) * d.index_return
            };
            assert!(
                (act - explained).abs() < 2e-8 + 0.02 * explained.abs(),
                "day {k}: active {act:e}, explained {explained:e}"
            );
        }
        c_prev = d.cash;
        nav_prev = d.nav;
        h5 = sim.portfolio().held(special.sec);
        k += 1;
    }
    assert_eq!(k, 252);
    // The index went through the events: the fund ends holding the members
    // (not the dropped, acquired or delisted names), the acquirer included.
    let held: Vec<u32> = r.holdings_end.iter().map(|h| h.0 .0).collect();
    for gone in [0, 2, 6, 7] {
        assert!(!held.contains(&gone), "still holds {gone}");
    }
    assert!(held.contains(&3) && held.contains(&28) && held.contains(&29));
    assert!((r.stats.beta - 1.0).abs() < 1e-3);
}

#[test]
fn expense_ratio_alone_costs_its_ratio_per_year() {
    let g = generated(30, 11);
    // A tight cash threshold: fees are raised by selling as soon as they
    // reach 0.1 bp of NAV, so negative cash (leverage) stays negligible.
    let base = FundConfig {
        cash_threshold: 1e-5,
        ..FundConfig::frictionless(IndexId::R2000, 1e10)
    };
    let fee = FundConfig {
        expense_ratio: 0.0019,
        ..base.clone()
    };
    let calc = CalcConfig::default();
    let r0 = simulate(&g.market, &g.memberships, &calc, &base).unwrap();
    let r1 = simulate(&g.market, &g.memberships, &calc, &fee).unwrap();
    // 251 accrual days (none on launch day): NAV × (1 − 0.0019/252)^251.
    let n = (r1.days.len() - 1) as f64;
    let years = n / 252.0;
    let want = (1.0 - 0.0019 / 252.0f64).powf(n) - 1.0; // ≈ −0.0019 × 251/252
    let got = (1.0 + r1.stats.fund_return) / (1.0 + r0.stats.fund_return) - 1.0;
    eprintln!(
        "fee: relative TD {got:.6e}, want {want:.6e}, −ratio×years {:.6e}",
        -0.0019 * years
    );
    assert!((got - want).abs() < 5e-7, "{got} vs {want}");
    assert!((got + 0.0019 * years).abs() < 2e-5);
    let fees: f64 = r1.days.iter().map(|d| d.fees).sum();
    assert!((fees / 1e10 - 0.0019 * years).abs() < 1e-4 * (1.0 + 0.0019));
    // Arithmetic TD = (1+I)·(relative TD) to first order.
    let td = r1.stats.tracking_difference - r0.stats.tracking_difference;
    assert!((td - (1.0 + r0.stats.index_return) * want).abs() < 1e-5);
}

#[test]
fn half_spread_alone_costs_traded_dollars_times_half_spread() {
    let g = generated(30, 13);
    let base = FundConfig::frictionless(IndexId::R2000, 1e10);
    let hs = FundConfig {
        costs: CostModel::half_spread_only(HalfSpreads::flat(10.0)),
        ..base.clone()
    };
    let calc = CalcConfig::default();
    let r0 = simulate(&g.market, &g.memberships, &calc, &base).unwrap();
    let r1 = simulate(&g.market, &g.memberships, &calc, &hs).unwrap();
    // Every trade pays exactly |shares × price| × 10 bp.
    for t in &r1.trades {
        assert!((t.cost - (t.shares * t.price).abs() * 1e-3).abs() < 1e-6 * (1.0 + t.cost));
    }
    // Hand form: TD ≈ −Σ(|trade $| × half-spread) / NAV, each day's cost
    // over that day's NAV (compounded, which is the same to 1e-8 here).
    let mut want = 1.0;
    for d in &r1.days {
        let traded: f64 = r1
            .trades
            .iter()
            .filter(|t| t.date == d.date)
            .map(|t| (t.shares * t.price).abs())
            .sum();
        want *= 1.0 - traded * 1e-3 / (d.nav + d.costs);
    }
    let want = want - 1.0;
    let got = (1.0 + r1.stats.fund_return) / (1.0 + r0.stats.fund_return) - 1.0;
    let launch = r1.days[0].costs / 1e10;
    eprintln!("half-spread: relative TD {got:.6e}, hand {want:.6e}, launch {launch:.3e}");
    assert!(
        launch > 0.99e-3 && launch < 1.0e-3,
        "launch buys ~all of NAV at 10 bp"
    );
    assert!((got - want).abs() < 1e-3 * want.abs(), "{got} vs {want}");
}
