//! Corporate actions, halts, quarterly updates, base values and errors.

use rankday_calc::{
    calculate, constituents_at, CalcConfig, CalcError, DivisorReason, LevelRow, ShareUpdate,
    UpdateBuffer,
};
use rankday_core::{ActionKind, Date, IndexId, SecurityType};
use rankday_testkit::*;

const R1: &[IndexId] = &[IndexId::R3000, IndexId::R1000];

fn r1000(out: &[LevelRow]) -> Vec<LevelRow> {
    out.iter()
        .filter(|r| r.index == IndexId::R1000)
        .copied()
        .collect()
}

fn cfg1() -> CalcConfig {
    CalcConfig {
        indexes: vec![IndexId::R1000],
        ..CalcConfig::default()
    }
}

#[test]
fn split_scales_shares_without_divisor_change_even_when_halted() {
    let d = weekdays(Date::ymd(2022, 1, 3), 5);
    let mut m = HandMarket::new(d.clone());
    let (a, b) = (m.sec("A"), m.sec("B"));
    m.flat(a, 0..2, 100.0);
    m.flat(a, 2..5, 50.0);
    m.action(2, a, ActionKind::Split, Some(2.0), None, None);
    // B is halted on its 1-for-10 reverse split date and the day after.
    m.flat(b, 0..2, 4.0);
    m.flat(b, 4..5, 40.0);
    m.action(2, b, ActionKind::Split, Some(0.1), None, None);
    let market = m.build();
    let ms = vec![state(d[0], &[(a, 10.0, R1), (b, 100.0, R1)])];
    let out = calculate(&market, &ms, &cfg1()).unwrap();
    assert!(out.divisor_changes.is_empty());
    for r in r1000(&out.levels) {
        assert!((r.price_return - 100.0).abs() < 1e-12, "{r:?}");
    }
    assert_eq!(out.halts.len(), 1);
    assert_eq!(
        (out.halts[0].sec, out.halts[0].from, out.halts[0].to),
        (b, d[2], d[3])
    );
    let held = constituents_at(&market, &ms, IndexId::R1000, d[4], &cfg1()).unwrap();
    assert_eq!(held[0].index_shares, 20.0);
    assert!((held[1].index_shares - 10.0).abs() < 1e-12);
}

#[test]
fn special_dividend_cuts_divisor_and_is_reinvested() {
    let d = weekdays(Date::ymd(2022, 1, 3), 3);
    let mut m = HandMarket::new(d.clone());
    let (a, b) = (m.sec("A"), m.sec("B"));
    m.flat(a, 0..1, 100.0);
    m.flat(a, 1..3, 90.0);
    m.flat(b, 0..3, 100.0);
    m.action(1, a, ActionKind::SpecialDividend, None, Some(10.0), None);
    let market = m.build();
    let ms = vec![state(d[0], &[(a, 1.0, R1), (b, 1.0, R1)])];
    let out = calculate(&market, &ms, &cfg1()).unwrap();
    let c = out.divisor_changes[0];
    assert_eq!(c.reason, DivisorReason::SpecialDividend { sec: a });
    assert_eq!((c.date, c.mv_before, c.mv_after), (d[1], 200.0, 190.0));
    let rows = r1000(&out.levels);
    assert!((rows[1].price_return - 100.0).abs() < 1e-12);
    assert!((rows[1].total_return - 100.0).abs() < 1e-12);
    // Net return gives back 30% of the special: 10 of 200 paid out = 5 points.
    assert!((rows[1].net_return - (100.0 - 0.3 * 5.0)).abs() < 1e-12);
}

#[test]
fn spin_off_child_joins_without_divisor_change_and_ineligible_child_leaves() {
    let d = weekdays(Date::ymd(2022, 1, 3), 4);
    let mut m = HandMarket::new(d.clone());
    let (p, c, e) = (m.sec("P"), m.sec("C"), m.sec("E"));
    m.b.add_security({
        let mut s = rankday_core::Security::us_common("ETF", "CETF", "ETF");
        s.security_type = SecurityType::Etf;
        s
    })
    .unwrap();
    let etf = market_sec(&m, "ETF");
    m.flat(p, 0..1, 100.0);
    m.flat(p, 1..4, 70.0);
    m.flat(c, 1..4, 15.0);
    m.flat(e, 0..4, 50.0);
    m.flat(etf, 2..4, 5.0);
    m.action(1, p, ActionKind::SpinOff, Some(2.0), None, Some(c));
    m.action(2, e, ActionKind::SpinOff, Some(1.0), None, Some(etf));
    let market = m.build();
    let ms = vec![state(d[0], &[(p, 10.0, R1), (e, 10.0, R1)])];
    let out = calculate(&market, &ms, &cfg1()).unwrap();
    // E's price stays at 50 although it spun off 5 of value: the level rises
    // by exactly that value until the ETF child is removed.
    let rows = r1000(&out.levels);
    assert!((rows[1].price_return - 100.0).abs() < 1e-12);
    let held = constituents_at(&market, &ms, IndexId::R1000, d[1], &cfg1()).unwrap();
    let child = held.iter().find(|x| x.sec == c).unwrap();
    assert_eq!(child.index_shares, 20.0);
    assert_eq!(out.divisor_changes.len(), 1);
    let ch = out.divisor_changes[0];
    assert_eq!(ch.reason, DivisorReason::SpinOffRemoval { sec: etf });
    assert_eq!(ch.date, d[2]);
    let held = constituents_at(&market, &ms, IndexId::R1000, d[2], &cfg1()).unwrap();
    assert!(held.iter().all(|x| x.sec != etf));
}

fn market_sec(m: &HandMarket, id: &str) -> rankday_core::Sec {
    m.b.sec_by_id(id).unwrap()
}

#[test]
fn delisting_counts_at_final_price_then_leaves() {
    let d = weekdays(Date::ymd(2022, 1, 3), 4);
    let mut m = HandMarket::new(d.clone());
    let (a, b) = (m.sec("A"), m.sec("B"));
    m.flat(a, 0..4, 100.0);
    m.flat(b, 0..2, 100.0);
    m.action(2, b, ActionKind::Delisting, None, Some(1.0), None);
    let market = m.build();
    let ms = vec![state(d[0], &[(a, 1.0, R1), (b, 1.0, R1)])];
    let out = calculate(&market, &ms, &cfg1()).unwrap();
    let rows = r1000(&out.levels);
    assert!((rows[2].price_return - 50.5).abs() < 1e-12, "{:?}", rows[2]);
    assert!((rows[3].price_return - 50.5).abs() < 1e-12);
    assert_eq!(rows[3].constituents, 1);
    assert_eq!(
        out.divisor_changes[0].reason,
        DivisorReason::Deletion { sec: b }
    );
    // Users read the line by its security id, not the store's index.
    assert_eq!(
        out.divisor_changes[0].reason.describe(&market),
        "deletion(B)"
    );
    assert_eq!(out.divisor_changes[0].reason.to_string(), "deletion");
    assert!(out.halts.is_empty(), "an exit is not a halt");
    // B cannot come back through a later state computed before its exit.
    let ms2 = vec![ms[0].clone(), state(d[3], &[(a, 1.0, R1), (b, 1.0, R1)])];
    let out2 = calculate(&market, &ms2, &cfg1()).unwrap();
    assert_eq!(r1000(&out2.levels)[3].constituents, 1);
}

#[test]
fn quarterly_update_moves_shares_and_divisor_not_level() {
    let d = weekdays(Date::ymd(2022, 3, 14), 4);
    let mut m = HandMarket::new(d.clone());
    let (a, b) = (m.sec("A"), m.sec("B"));
    for k in 0..4 {
        // A's float rises from 50% to 60% on day 2; B's shares by 0.5%.
        let fa = if k >= 2 { 6e5 } else { 5e5 };
        m.row(k, a, 10.0, 1e6, fa);
        let sb = if k >= 2 { 1.005e6 } else { 1e6 };
        m.row(k, b, 10.0, sb, sb);
    }
    let market = m.build();
    let ms = vec![state(d[0], &[(a, 5e5, R1), (b, 1e6, R1)])];
    let cfg = CalcConfig {
        share_updates: vec![ShareUpdate {
            cutoff_date: d[2],
            effective_date: d[2],
            buffer: UpdateBuffer::SharesAndFloat,
            with_recon: false,
        }],
        ..cfg1()
    };
    let out = calculate(&market, &ms, &cfg).unwrap();
    let c = out.divisor_changes[0];
    assert_eq!((c.reason, c.date), (DivisorReason::ShareUpdate, d[2]));
    assert!((c.mv_after - c.mv_before - 1e6).abs() < 1e-6);
    let held = constituents_at(&market, &ms, IndexId::R1000, d[3], &cfg).unwrap();
    assert!((held[0].index_shares - 6e5).abs() < 1e-6);
    assert_eq!(held[1].index_shares, 1e6, "0.5% share change is buffered");
    for r in r1000(&out.levels) {
        assert!((r.price_return - 100.0).abs() < 1e-12);
    }
}

#[test]
fn ipo_round_dormancy_and_base_date() {
    // History from 1978-12-26: the R1000 is 100 on the last trading day on
    // or before 1978-12-31 (Friday 29th) whatever it started at.
    let d = weekdays(Date::ymd(1978, 12, 26), 8);
    let mut m = HandMarket::new(d.clone());
    let (a, b) = (m.sec("A"), m.sec("B"));
    for k in 0..8 {
        m.px(k, a, 10.0 + k as f64);
    }
    m.flat(b, 0..8, 30.0);
    let market = m.build();
    let ms = vec![
        state(d[0], &[(a, 1.0, R1)]),
        state(d[4], &[(a, 1.0, R1), (b, 1.0, R1)]),
        state(d[5], &[]),
        state(d[6], &[(b, 1.0, R1)]),
    ];
    let out = calculate(&market, &ms, &cfg1()).unwrap();
    let rows = r1000(&out.levels);
    let at = |date: Date| rows.iter().find(|r| r.date == date).copied();
    assert!((at(Date::ymd(1978, 12, 29)).unwrap().price_return - 100.0).abs() < 1e-12);
    assert_eq!(out.divisor_changes[0].reason, DivisorReason::IpoAddition);
    // Empty on day 5 after the close: no row on day 6's... resumes at day 6's close.
    let l5 = at(d[5]).unwrap().price_return;
    let l6 = at(d[6]).unwrap();
    assert!((l6.price_return - l5).abs() < 1e-12);
    assert_eq!(l6.constituents, 1);
    let l7 = at(d[7]).unwrap();
    assert!((l7.price_return - l5).abs() < 1e-12, "B is flat");
}

#[test]
fn output_range_and_errors() {
    let d = weekdays(Date::ymd(2022, 1, 3), 5);
    let mut m = HandMarket::new(d.clone());
    let a = m.sec("A");
    let late = m.sec("LATE");
    m.flat(a, 0..5, 10.0);
    m.flat(late, 3..5, 10.0);
    let market = m.build();
    let ms = vec![state(d[0], &[(a, 1.0, R1)])];
    let cfg = CalcConfig {
        from: Some(d[1]),
        to: Some(d[3]),
        ..cfg1()
    };
    let out = calculate(&market, &ms, &cfg).unwrap();
    assert_eq!(
        out.levels.iter().map(|r| r.date).collect::<Vec<_>>(),
        d[1..4].to_vec()
    );
    let bad = CalcConfig {
        withholding_rate: 1.5,
        ..cfg1()
    };
    assert_eq!(
        calculate(&market, &ms, &bad),
        Err(CalcError::BadWithholding(1.5))
    );
    let unsorted = vec![ms[0].clone(), state(d[0].add_days(-1), &[])];
    assert!(matches!(
        calculate(&market, &unsorted, &cfg1()),
        Err(CalcError::UnsortedMemberships { .. })
    ));
    let no_price = vec![state(d[1], &[(late, 1.0, R1)])];
    let err = calculate(&market, &no_price, &cfg1()).unwrap_err();
    assert!(err.to_string().contains("'LATE'"), "{err}");
    let zero = vec![state(d[1], &[(a, 0.0, R1)])];
    assert!(matches!(
        calculate(&market, &zero, &cfg1()),
        Err(CalcError::BadIndexShares { .. })
    ));
    // Two lines listed twice, in rank order: the error names the lower sec.
    let twice = vec![state(
        d[3],
        &[(late, 1.0, R1), (a, 1.0, R1), (late, 2.0, R1), (a, 3.0, R1)],
    )];
    assert_eq!(
        calculate(&market, &twice, &cfg1()),
        Err(CalcError::DuplicateMember {
            security_id: "A".into(),
            effective: d[3],
        })
    );
}

/// A quarterly IPO round (`StateKind::Additions`) adds its new lines and
/// leaves incumbents as the index holds them: a split after the last
/// reconstitution is not undone by the stale count the state carries, and a
/// line the state does not list (a spin-off child, say) is not removed. The
/// same state applied as a reconstitution would reset both.
#[test]
fn additions_round_keeps_incumbents_holdings() {
    let d = weekdays(Date::ymd(2024, 3, 4), 8);
    let mut m = HandMarket::new(d.clone());
    let (a, b, ipo) = (m.sec("A"), m.sec("B"), m.sec("IPO"));
    // A: 1-for-10 reverse split on day 2 (close 10 -> 100).
    for k in 0..8 {
        m.px(k, a, if k < 2 { 10.0 } else { 100.0 });
    }
    m.action(2, a, ActionKind::Split, Some(0.1), None, None);
    m.flat(b, 0..8, 20.0);
    m.flat(ipo, 3..8, 5.0);
    let market = m.build();
    let recon = state(d[0], &[(a, 1000.0, R1), (b, 100.0, R1)]);
    // The round lists A with its pre-split count and forgets B.
    let mut round = state(d[4], &[(a, 1000.0, R1), (ipo, 400.0, R1)]);
    round.kind = rankday_core::StateKind::Additions;
    let cfg = CalcConfig {
        holdings_dates: vec![d[5]],
        ..cfg1()
    };
    let out = calculate(&market, &[recon.clone(), round.clone()], &cfg).unwrap();
    let held = |out: &rankday_calc::CalcOutput, s| {
        out.holdings_at[0]
            .constituents
            .iter()
            .find(|c| c.sec == s)
            .map(|c| c.index_shares)
    };
    assert_eq!(held(&out, a), Some(100.0), "split-adjusted count kept");
    assert_eq!(held(&out, b), Some(100.0), "unlisted incumbent kept");
    assert_eq!(held(&out, ipo), Some(400.0), "the IPO joins");
    let change = out.divisor_changes.iter().find(|c| c.date == d[4]).unwrap();
    assert_eq!(change.reason, DivisorReason::IpoAddition);
    assert!(close_to(
        change.mv_after - change.mv_before,
        400.0 * 5.0,
        1e-12
    ));
    // The level is continuous and moves only with prices: flat from day 2.
    let l = r1000(&out.levels);
    for k in 3..8 {
        assert!(close_to(l[k].price_return, l[2].price_return, 1e-12), "{k}");
    }

    // Applied as a reconstitution, the same rows reset A and drop B.
    round.kind = rankday_core::StateKind::Reconstitution;
    let out = calculate(&market, &[recon, round], &cfg).unwrap();
    assert_eq!(held(&out, a), Some(1000.0));
    assert_eq!(held(&out, b), None);
}

/// `holdings_state` is the family as held after a day's close: one row per
/// line with every index it is in and the carried index shares (here after
/// a reverse split the last state does not show).
#[test]
fn holdings_state_is_what_the_index_holds() {
    let d = weekdays(Date::ymd(2024, 3, 4), 6);
    let mut m = HandMarket::new(d.clone());
    let (a, b) = (m.sec("A"), m.sec("B"));
    for k in 0..6 {
        m.px(k, a, if k < 2 { 10.0 } else { 100.0 });
    }
    m.action(2, a, ActionKind::Split, Some(0.1), None, None);
    m.flat(b, 0..6, 20.0);
    let market = m.build();
    let states = [state(
        d[0],
        &[
            (a, 1000.0, R1),
            (b, 100.0, &[IndexId::R3000, IndexId::R2000]),
        ],
    )];
    let held = rankday_calc::holdings_state(&market, &states, d[3], &cfg1()).unwrap();
    assert_eq!(held.effective_date, d[3]);
    assert_eq!(held.rows.len(), 2);
    let ra = held.rows.iter().find(|r| r.sec == a).unwrap();
    assert_eq!(ra.index_shares, 100.0);
    assert!(ra.indexes.contains(IndexId::R1000) && ra.indexes.contains(IndexId::R3000));
    assert_eq!(ra.float_market_cap, 100.0 * 100.0);
    let rb = held.rows.iter().find(|r| r.sec == b).unwrap();
    assert!(rb.indexes.contains(IndexId::R2000) && !rb.indexes.contains(IndexId::R1000));
    // Several dates from one pass, in the order asked, equal one at a time.
    // (total_market_cap is NaN, so compare the rest.)
    let key = |m: &rankday_core::Membership| -> Vec<_> {
        m.rows
            .iter()
            .map(|r| (r.sec, r.indexes, r.index_shares, r.float_market_cap))
            .collect()
    };
    let both = rankday_calc::holdings_states(&market, &states, &[d[3], d[1]], &cfg1()).unwrap();
    assert_eq!(
        (both[0].state.effective_date, key(&both[0].state)),
        (held.effective_date, key(&held))
    );
    let early = rankday_calc::holdings_state(&market, &states, d[1], &cfg1()).unwrap();
    assert_eq!(
        (both[1].state.effective_date, key(&both[1].state)),
        (early.effective_date, key(&early))
    );
    assert_eq!(
        early.rows.iter().find(|r| r.sec == a).unwrap().index_shares,
        1000.0
    );
}

/// The net-return series withholds 30% of an ordinary dividend.
#[test]
fn net_return_withholds_dividends() {
    let dates = weekdays(Date::ymd(2021, 1, 4), 3);
    let mut m = HandMarket::new(dates.clone());
    let s = m.sec("S");
    m.flat(s, 0..3, 100.0);
    m.action(1, s, ActionKind::CashDividend, None, Some(1.0), None);
    let market = m.build();
    let ms = vec![state(dates[0], &[(s, 10.0, R1)])];
    let out = calculate(&market, &ms, &CalcConfig::default()).unwrap();
    let r = r1000(&out.levels)[1];
    assert!((r.price_return - 100.0).abs() < 1e-12);
    assert!((r.total_return - 101.0).abs() < 1e-12);
    assert!((r.net_return - 100.7).abs() < 1e-12);
}
