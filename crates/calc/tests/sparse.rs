//! Sparse markets (market-format.md, calendar paragraph): valued on their
//! observation dates only; a state, share update or action dated on an
//! unobserved day takes effect at the next observation.

use rankday_calc::{calculate, constituents_at, CalcConfig, ShareUpdate, UpdateBuffer};
use rankday_core::{ActionKind, Date, IndexId, Market, Observations, Sec};
use rankday_testkit::*;

const R1: &[IndexId] = &[IndexId::R3000, IndexId::R1000];

fn cfg() -> CalcConfig {
    CalcConfig {
        indexes: vec![IndexId::R1000],
        ..CalcConfig::default()
    }
}

/// Prices of A, B, C on 10 weekdays; A splits 2-for-1 on day 7.
fn price(sec: usize, day: usize) -> f64 {
    let base = [50.0, 20.0, 8.0][sec] * (1.0 + 0.01 * (day as f64) * (sec as f64 + 1.0));
    if sec == 0 && day >= 7 {
        base / 2.0
    } else {
        base
    }
}

/// The market on `days` only (all 10 weekdays: a full market).
fn market(days: &[usize], o: Observations) -> (Market, Vec<Date>, [Sec; 3]) {
    let d = weekdays(Date::ymd(2024, 3, 4), 10);
    let mut m = HandMarket::new(d.clone());
    let secs = [m.sec("A"), m.sec("B"), m.sec("C")];
    for &day in days {
        for (k, &s) in secs.iter().enumerate() {
            // A splits on day 7; B issues 20% more shares on day 5.
            let shares = match k {
                0 if day >= 7 => 2e6,
                1 if day >= 5 => 1.2e6,
                _ => 1e6,
            };
            m.row(day, s, price(k, day), shares, shares);
        }
    }
    m.b.push_action(rankday_core::Action {
        ex_date: d[7],
        sec: secs[0],
        kind: ActionKind::Split,
        ratio: Some(2.0),
        amount: None,
        other: None,
        offering: None,
    });
    m.b.set_observations(o);
    (m.build(), d, secs)
}

#[test]
fn a_state_between_observations_applies_at_the_next_one_through_the_split() {
    let (sparse, d, [a, b, c]) = market(&[0, 4, 9], Observations::Sparse);
    // The second state is dated on day 6 (unobserved), before the split, in
    // pre-split shares of A.
    let states = vec![
        state(d[0], &[(a, 10.0, R1), (b, 20.0, R1)]),
        state(d[6], &[(a, 10.0, R1), (c, 5.0, R1)]),
    ];
    let out = calculate(&sparse, &states, &cfg()).unwrap();
    let dates: Vec<Date> = out.levels.iter().map(|r| r.date).collect();
    assert_eq!(dates, [d[0], d[4], d[9]], "valued on observations only");
    // Day 9: the old basket (A through its split: 20 shares at the
    // post-split price) until the close, then the new state.
    let v0 = 10.0 * price(0, 0) + 20.0 * price(1, 0);
    let v9 = 20.0 * price(0, 9) + 20.0 * price(1, 9);
    let got = out.levels[2].price_return;
    assert!(close_to(got, 100.0 * v9 / v0, 1e-12), "{got}");
    assert_eq!(out.divisor_changes.len(), 1);
    assert_eq!(out.divisor_changes[0].date, d[9]);
    assert!(out.halts.is_empty(), "unobserved days are not halts");
    let held = constituents_at(&sparse, &states, IndexId::R1000, d[9], &cfg()).unwrap();
    let n: Vec<(Sec, f64)> = held.iter().map(|h| (h.sec, h.index_shares)).collect();
    assert_eq!(
        n,
        [(a, 20.0), (c, 5.0)],
        "the state's A count carried through the split"
    );

    // The same rows declared full: day 6 is then a closed day, the state
    // takes effect at day 4's close and the split on day 7 is an ex-date
    // without a day (not applied): what a full market must never contain.
    let (full, ..) = market(&[0, 4, 9], Observations::Full);
    let out_full = calculate(&full, &states, &cfg()).unwrap();
    assert_eq!(out_full.divisor_changes[0].date, d[4]);
}

#[test]
fn observations_of_a_full_market_give_its_levels_when_nothing_happens_between() {
    let all: Vec<usize> = (0..10).collect();
    let (full, d, [a, b, _]) = market(&all, Observations::Full);
    let (sparse, ..) = market(&[0, 3, 7, 9], Observations::Sparse);
    let states = vec![state(d[0], &[(a, 10.0, R1), (b, 20.0, R1)])];
    let lf = calculate(&full, &states, &cfg()).unwrap().levels;
    let ls = calculate(&sparse, &states, &cfg()).unwrap().levels;
    for r in &ls {
        let f = lf.iter().find(|x| x.date == r.date).unwrap();
        assert!(
            close_to(r.price_return, f.price_return, 1e-12),
            "{r:?} {f:?}"
        );
    }
}

#[test]
fn events_after_the_last_observation_do_not_take_effect() {
    let (sparse, d, [a, b, c]) = market(&[0, 4], Observations::Sparse);
    let states = vec![
        state(d[0], &[(a, 10.0, R1), (b, 20.0, R1)]),
        state(d[6], &[(c, 5.0, R1)]),
    ];
    let cfg = CalcConfig {
        share_updates: vec![ShareUpdate {
            cutoff_date: d[8],
            effective_date: d[8],
            buffer: UpdateBuffer::None,
            with_recon: false,
        }],
        ..cfg()
    };
    let out = calculate(&sparse, &states, &cfg).unwrap();
    assert_eq!(out.levels.len(), 2);
    assert!(out.divisor_changes.is_empty());
    // A share update between observations applies at the next one.
    let (sparse, ..) = market(&[0, 4, 9], Observations::Sparse);
    let cfg = CalcConfig {
        share_updates: vec![ShareUpdate {
            cutoff_date: d[5],
            effective_date: d[5],
            buffer: UpdateBuffer::None,
            with_recon: false,
        }],
        ..cfg
    };
    let out = calculate(&sparse, &states[..1], &cfg).unwrap();
    let up: Vec<Date> = out.divisor_changes.iter().map(|c| c.date).collect();
    assert_eq!(up, [d[9]]);
    let held = constituents_at(&sparse, &states[..1], IndexId::R1000, d[9], &cfg).unwrap();
    assert!(close_to(held[1].index_shares, 24.0, 1e-12), "{held:?}");
}
