//! Property tests over random markets, corporate actions and reconstitutions.
//!
//! * In an economically flat market (prices move only by the mechanics of
//!   splits, special dividends, spin-offs, deal terms and halts) the price
//!   index never moves.
//! * In a random-walk market, every divisor reset keeps the level at the
//!   moment of the event (1e-12 relative); at every close, the holdings after
//!   the after-the-close changes, at the prices of the close, over the new
//!   divisor, give the published level; nothing is NaN or infinite.
//! * Calculating a subset of the family gives the same rows, bit for bit.

use proptest::prelude::*;
use rankday_calc::{calculate, CalcConfig, CalcOutput, Calculation, DivisorReason};
use rankday_core::{ActionKind, Date, IndexId, IndexSet, Market, Membership, Sec, SecurityType};
use rankday_testkit::*;

#[derive(Clone, Copy, PartialEq)]
enum St {
    Waiting,
    Alive,
    Gone,
}

struct World {
    market: Market,
    memberships: Vec<Membership>,
}

#[allow(clippy::needless_range_loop)]
fn world(seed: u64, n_secs: usize, n_days: usize, flat: bool) -> World {
    let mut r = Rng(seed | 1);
    let dates = weekdays(Date::ymd(2010, 1, 4), n_days);
    let mut m = HandMarket::new(dates.clone());
    let n_children = 3;
    let mut secs = Vec::new();
    for k in 0..n_secs + n_children {
        let mut s = rankday_core::Security::us_common(&format!("S{k}"), &format!("C{k}"), "T");
        if k >= n_secs && r.chance(0.3) {
            s.security_type = SecurityType::Etf;
        }
        secs.push(m.b.add_security(s).unwrap());
    }
    let mut st: Vec<St> = (0..secs.len())
        .map(|k| if k < n_secs { St::Alive } else { St::Waiting })
        .collect();
    let mut price: Vec<f64> = (0..secs.len()).map(|_| 5.0 + 95.0 * r.unit()).collect();
    let mut shares: Vec<f64> = vec![1e6; secs.len()];
    let mut halt_until = vec![0usize; secs.len()];
    let mut memberships = Vec::new();
    for d in 0..n_days {
        if !flat {
            for p in price.iter_mut() {
                *p *= 1.0 + 0.04 * (r.unit() - 0.5);
            }
        }
        // At most one corporate action a day, on a trading line.
        let trading: Vec<usize> = (0..secs.len())
            .filter(|&k| st[k] == St::Alive && halt_until[k] <= d)
            .collect();
        if d >= 1 && !trading.is_empty() && r.chance(0.5) {
            let mut k = trading[r.below(trading.len())];
            let kind = r.below(7);
            if kind == 0 {
                // Splits also hit halted lines (their carried price must follow).
                let alive: Vec<usize> = (0..secs.len()).filter(|&k| st[k] == St::Alive).collect();
                k = alive[r.below(alive.len())];
            }
            let s = secs[k];
            match kind {
                0 => {
                    let ratio = [2.0, 3.0, 0.5, 0.1, 1.5][r.below(5)];
                    price[k] /= ratio;
                    shares[k] *= ratio;
                    m.action(d, s, ActionKind::Split, Some(ratio), None, None);
                }
                1 => {
                    let amt = 0.01 * price[k];
                    m.action(d, s, ActionKind::CashDividend, None, Some(amt), None);
                }
                2 => {
                    let amt = 0.1 * price[k];
                    price[k] -= amt;
                    m.action(d, s, ActionKind::SpecialDividend, None, Some(amt), None);
                }
                3 => {
                    if let Some(c) = (n_secs..secs.len()).find(|&c| st[c] == St::Waiting) {
                        let ratio = [0.5, 1.0, 2.0][r.below(3)];
                        price[c] = 0.2 * price[k] / ratio;
                        price[k] -= ratio * price[c];
                        st[c] = St::Alive;
                        m.action(d, s, ActionKind::SpinOff, Some(ratio), None, Some(secs[c]));
                    }
                }
                4 => {
                    let others: Vec<usize> = trading.iter().copied().filter(|&a| a != k).collect();
                    if !others.is_empty() {
                        let a = others[r.below(others.len())];
                        let (ratio, cash) = match r.below(3) {
                            0 => (price[k] / price[a], 0.0),
                            1 => (0.0, price[k]),
                            _ => (0.5 * price[k] / price[a], 0.5 * price[k]),
                        };
                        st[k] = St::Gone;
                        let other = (ratio > 0.0).then_some(secs[a]);
                        m.action(
                            d,
                            s,
                            ActionKind::Acquisition,
                            Some(ratio),
                            Some(cash),
                            other,
                        );
                    }
                }
                5 => {
                    st[k] = St::Gone;
                    let last = r.chance(0.5).then_some(price[k]);
                    m.action(d, s, ActionKind::Delisting, None, last, None);
                }
                _ => halt_until[k] = d + 1 + r.below(3),
            }
        }
        for k in 0..secs.len() {
            if st[k] == St::Alive && halt_until[k] <= d {
                m.row(d, secs[k], price[k], shares[k], shares[k] * 0.8);
            }
        }
        // Reconstitutions: random members among lines that have traded.
        if d == 0 || r.chance(0.12) {
            let mut rows: Vec<(Sec, f64, u16)> = Vec::new();
            for k in 0..secs.len() {
                if st[k] == St::Alive && halt_until[k] <= d && r.chance(0.7) {
                    let mask = (r.next_u64() as u16) & ((1 << IndexId::COUNT) - 1);
                    if mask != 0 {
                        rows.push((secs[k], 100.0 + 1e4 * r.unit(), mask));
                    }
                }
            }
            let mut ms = state(dates[d], &[]);
            // Some later states are IPO rounds: only lines not held join.
            if d > 0 && r.chance(0.3) {
                ms.kind = rankday_core::StateKind::Additions;
            }
            ms.rows = rows
                .iter()
                .map(|&(sec, n, mask)| {
                    let mut row = state(dates[d], &[(sec, n, &[])]).rows.remove(0);
                    row.indexes = IndexSet(mask);
                    row
                })
                .collect();
            memberships.push(ms);
        }
    }
    World {
        market: m.build(),
        memberships,
    }
}

fn all_dates(w: &World) -> CalcConfig {
    CalcConfig {
        holdings_dates: w.market.dates().to_vec(),
        ..CalcConfig::default()
    }
}

fn check_finite(out: &CalcOutput) -> Result<(), TestCaseError> {
    for r in &out.levels {
        for v in [
            r.price_return,
            r.total_return,
            r.net_return,
            r.divisor,
            r.market_value,
        ] {
            prop_assert!(v.is_finite() && v > 0.0, "{r:?}");
        }
        prop_assert!(r.net_return <= r.total_return * (1.0 + 1e-12), "{r:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn flat_market_flat_price_index(seed in any::<u64>(), n in 3usize..9, days in 5usize..40) {
        let w = world(seed, n, days, true);
        let out = calculate(&w.market, &w.memberships, &CalcConfig::default()).unwrap();
        check_finite(&out)?;
        for r in &out.levels {
            prop_assert!((r.price_return / 100.0 - 1.0).abs() < 1e-9, "{r:?}");
            prop_assert!(r.total_return >= r.price_return * (1.0 - 1e-12));
        }
    }

    #[test]
    fn divisor_resets_keep_the_level(seed in any::<u64>(), n in 3usize..9, days in 5usize..40) {
        let w = world(seed, n, days, false);
        let cfg = all_dates(&w);
        let out = calculate(&w.market, &w.memberships, &cfg).unwrap();
        check_finite(&out)?;
        for c in &out.divisor_changes {
            let (l0, l1) = c.levels();
            prop_assert!(l0.is_finite() && l1.is_finite() && c.new > 0.0, "{c:?}");
            prop_assert!(close_to(l0, l1, 1e-12), "{c:?}");
        }
        // Holdings after the close's changes, at the close, over the new
        // divisor, give the published level.
        for r in &out.levels {
            let Some(snap) = out.holdings_at.iter().find(|s| s.date == r.date && s.index == r.index)
            else { continue };
            let d_after = out
                .divisor_changes
                .iter()
                .rfind(|c| c.date == r.date && c.index == r.index
                    && !matches!(c.reason, DivisorReason::SpecialDividend { .. }))
                .map_or(r.divisor, |c| c.new);
            let mv: f64 = snap.constituents.iter().map(|c| c.market_value).sum();
            prop_assert!(close_to(mv / d_after, r.price_return, 1e-12),
                "{} {}: {} vs {}", r.date, r.index, mv / d_after, r.price_return);
        }
    }

    #[test]
    fn subset_equals_family(seed in any::<u64>(), n in 3usize..9, days in 5usize..30) {
        let w = world(seed, n, days, false);
        let full = calculate(&w.market, &w.memberships, &CalcConfig::default()).unwrap();
        for ix in [IndexId::R2000, IndexId::RMicro] {
            let cfg = CalcConfig { indexes: vec![ix], ..CalcConfig::default() };
            let sub = calculate(&w.market, &w.memberships, &cfg).unwrap();
            let a: Vec<_> = full.levels.iter().filter(|r| r.index == ix).copied().collect();
            prop_assert_eq!(a, sub.levels);
        }
    }
}

/// The levels of a calculation driven step by step, as the reconstitution
/// history drives it: run through the day before each state's effective
/// date, read what the index holds, then schedule the state.
fn stepped(w: &World, cfg: &CalcConfig) -> CalcOutput {
    let mut c = Calculation::new(&w.market, cfg).unwrap();
    for m in &w.memberships {
        if let Some(day) = w.market.day_on_or_before(m.effective_date) {
            if day > 0 {
                c.run_through(w.market.dates()[day - 1]).unwrap();
                let held = c.held();
                assert_eq!(held.state.rows.len(), held.basis.len());
            }
        }
        c.push(m.clone()).unwrap();
    }
    c.finish().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// States scheduled while the calculation runs give the levels of the
    /// states given up front, bit for bit.
    #[test]
    fn levels_driven_step_by_step_equal_levels_in_one_go(
        seed in any::<u64>(), n in 3usize..9, days in 5usize..40,
    ) {
        let w = world(seed, n, days, false);
        let cfg = all_dates(&w);
        let after = calculate(&w.market, &w.memberships, &cfg).unwrap();
        let beside = stepped(&w, &cfg);
        prop_assert_eq!(&after.divisor_changes, &beside.divisor_changes);
        prop_assert_eq!(after.levels.len(), beside.levels.len());
        for (x, y) in after.levels.iter().zip(&beside.levels) {
            prop_assert_eq!(x.price_return.to_bits(), y.price_return.to_bits());
            prop_assert_eq!(x.total_return.to_bits(), y.total_return.to_bits());
            prop_assert_eq!(x.net_return.to_bits(), y.net_return.to_bits());
        }
        prop_assert_eq!(&after, &beside);
    }
}

/// The engine is sequential by nature (each divisor depends on the last);
/// callers parallelise across markets or configurations. Results are the
/// same bits on 1 and 2 threads, whatever runs beside them.
#[test]
fn same_bits_on_one_and_two_threads() {
    use rayon::prelude::*;
    let worlds: Vec<World> = (0..16).map(|k| world(0xABCD + k, 8, 40, false)).collect();
    let run = |threads: usize| -> Vec<CalcOutput> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            worlds
                .par_iter()
                .map(|w| calculate(&w.market, &w.memberships, &all_dates(w)).unwrap())
                .collect()
        })
    };
    let (one, two) = (run(1), run(2));
    assert!(one.iter().any(|o| !o.divisor_changes.is_empty()));
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.levels.len(), b.levels.len());
        for (x, y) in a.levels.iter().zip(&b.levels) {
            assert_eq!(x.price_return.to_bits(), y.price_return.to_bits());
            assert_eq!(x.total_return.to_bits(), y.total_return.to_bits());
            assert_eq!(x.net_return.to_bits(), y.net_return.to_bits());
        }
        assert_eq!(a, b);
    }
}
