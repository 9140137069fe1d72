//! Shared fixtures: a small market that exercises every column and kind.
#![allow(dead_code)]

use rankday_core::{
    Action, ActionKind, Country, DailyRow, Date, Exchange, Market, MarketBuilder, Sec, Security,
    SecurityType,
};

pub fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// Five securities over four days: a quoted id, an unlisted class (empty
/// close/volume), a spin-off child from day 3, an acquisition target and a
/// delisting; daily rows pushed out of (date, security) order, actions out of
/// date order; awkward floats. Semantically valid (splits shown in the
/// closes, dividends below the close), so every check passes; its huge
/// moves are warnings.
pub fn sample_market() -> Market {
    let mut b = MarketBuilder::new();
    let mut a = Security::us_common("A,1", "CA", "AAA");
    a.name = Some("Alpha \"Quoted\" Inc".into());
    a.sector = Some("Tech".into());
    a.country_assets = Some(Country(*b"GB"));
    a.votes_per_share = 0.1;
    let a = b.add_security(a).unwrap();
    let mut u = Security::us_common("A-B", "CA", "AAA.B");
    u.exchange = Exchange::Unlisted;
    u.votes_per_share = 10.0;
    let u = b.add_security(u).unwrap();
    let mut c = Security::us_common("C", "CC", "CCC");
    c.security_type = SecurityType::Reit;
    c.exchange = Exchange::Nasdaq;
    c.country_revenue = Some(Country(*b"CA"));
    let c = b.add_security(c).unwrap();
    let t = b
        .add_security(Security::us_common("T", "CT", "TGT"))
        .unwrap();
    let k = b
        .add_security(Security::us_common("K", "CK", "KID"))
        .unwrap();
    let days = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"].map(d);
    let row = |date, sec: Sec, close: f64, vol: f64, sh: f64, fl: f64| DailyRow {
        date,
        sec,
        close,
        volume: vol,
        shares_outstanding: sh,
        float_shares: fl,
    };
    // Deliberately shuffled.
    let rows = vec![
        row(days[1], c, 20.25, 1e7, 5e8, 4.5e8),
        row(days[0], a, 0.1 + 0.2, 123456.0, 1e9, 9.87654321e8),
        row(days[0], u, f64::NAN, f64::NAN, 2e8, 1.5e7),
        row(days[0], c, 19.999999999999996, 0.0, 5e8, 4.5e8),
        row(days[0], t, 41.0, 10.0, 1e6, 1e6),
        row(days[1], a, 246913578.246, 1.5, 1e9, 1e9),
        row(days[1], u, f64::NAN, f64::NAN, 2e8, 1.5e7),
        row(days[1], t, 41.5, 12.0, 1e6, 1e6),
        row(days[2], a, 123456789.123, 7.0, 2e9, 1.9e9),
        row(days[2], u, f64::NAN, f64::NAN, 2e8, 1.5e7),
        row(days[2], c, 10.125, 3.0, 1e9, 9e8),
        row(days[2], k, 5.5, 1e3, 1e8, 1e8),
        row(days[3], k, 5.75, 2e3, 1e8, 1e8),
        row(days[3], a, 1.7976931348623157e308, 0.0, 2e9, 2e9),
        row(days[3], c, 10.0, 3.0, 1e9, 9e8),
        row(days[3], u, 1e-7, 0.0, 2e8, 1.5e7),
    ];
    for r in rows {
        b.push_daily(r);
    }
    let act = |ex: Date, sec, kind, ratio, amount, other| Action {
        ex_date: ex,
        sec,
        kind,
        ratio,
        amount,
        other,
        offering: None,
    };
    for a in [
        act(days[2], c, ActionKind::Split, Some(2.0), None, None),
        act(
            days[1],
            a,
            ActionKind::CashDividend,
            None,
            Some(0.1 / 3.0),
            None,
        ),
        act(days[2], a, ActionKind::SpinOff, Some(0.25), None, Some(k)),
        act(
            days[2],
            t,
            ActionKind::Acquisition,
            Some(0.5),
            Some(12.0),
            Some(a),
        ),
        act(
            days[3],
            c,
            ActionKind::SpecialDividend,
            None,
            Some(1.0),
            None,
        ),
        act(days[0], c, ActionKind::ShareChange, None, None, None),
        act(days[2], a, ActionKind::Split, Some(2.0), None, None),
    ] {
        b.push_action(a);
    }
    b.build().unwrap()
}

/// Bit-exact comparison of two markets, in input order.
pub fn assert_same(a: &Market, b: &Market) {
    assert_eq!(a.observations(), b.observations());
    assert_eq!(a.securities(), b.securities());
    let ra: Vec<_> = a.rows_in_input_order().collect();
    let rb: Vec<_> = b.rows_in_input_order().collect();
    assert_eq!(ra.len(), rb.len());
    for (x, y) in ra.iter().zip(&rb) {
        assert_eq!(x.date, y.date);
        assert_eq!(x.sec, y.sec);
        for (p, q) in [
            (x.close, y.close),
            (x.volume, y.volume),
            (x.shares_outstanding, y.shares_outstanding),
            (x.float_shares, y.float_shares),
        ] {
            assert_eq!(p.to_bits(), q.to_bits(), "{x:?} vs {y:?}");
        }
    }
    let aa: Vec<_> = a.actions_in_input_order().cloned().collect();
    let ab: Vec<_> = b.actions_in_input_order().cloned().collect();
    assert_eq!(aa, ab);
}
