//! Share and float updates between reconstitutions (FTSE Russell v7.0 §9.3):
//! quarterly updates read the data cut-off, against the shares and float a
//! state counted on its rank day; offerings update a member between quarters
//! when they are large enough.

use rankday_calc::{holdings_state, CalcConfig, DivisorReason, ShareUpdate, UpdateBuffer};
use rankday_core::{Action, ActionKind, Date, IndexId, Market, OfferingTerms, OfferingType, Sec};
use rankday_testkit::*;

const R2: &[IndexId] = &[IndexId::R3000, IndexId::R2000];

/// Trading days of 2025 from April to October (weekdays; enough for dates).
fn days() -> Vec<Date> {
    weekdays(Date::ymd(2025, 4, 1), 150)
}

fn at(days: &[Date], d: Date) -> usize {
    days.iter()
        .position(|&x| x == d)
        .expect("a weekday of the market")
}

/// A line with `shares`/`float` (millions) changing on the given dates.
fn line(m: &mut HandMarket, id: &str, close: f64, steps: &[(Date, f64, f64)]) -> Sec {
    let s = m.sec(id);
    for d in 0..m.dates.len() {
        let date = m.dates[d];
        let (_, sh, fl) = *steps.iter().rfind(|x| x.0 <= date).expect("a first step");
        m.row(d, s, close, sh * 1e6, fl * 1e6);
    }
    s
}

fn september(cutoff: Date, effective: Date) -> CalcConfig {
    CalcConfig {
        indexes: vec![IndexId::R2000],
        share_updates: vec![ShareUpdate {
            cutoff_date: cutoff,
            effective_date: effective,
            buffer: UpdateBuffer::SharesAndFloat,
            with_recon: false,
        }],
        ..CalcConfig::default()
    }
}

fn held(
    market: &Market,
    states: &[rankday_core::Membership],
    d: Date,
    cfg: &CalcConfig,
    s: Sec,
) -> f64 {
    let h = holdings_state(market, states, d, cfg).unwrap();
    h.rows
        .iter()
        .find(|r| r.sec == s)
        .map_or(0.0, |r| r.index_shares)
}

/// §9.3.5: the September update reads the July cut-off against the shares
/// and float the June state counted on its rank day (April 30). Shares +20%
/// in May (between rank day and the effective date) reach the index in
/// September (7.2M held, not 6.0M); shares +10% in August (after the
/// cut-off) wait for the next update.
#[test]
fn quarterly_update_reads_the_cutoff_against_the_rank_day_count() {
    let d = days();
    let (rank, june, cutoff, sept) = (
        Date::ymd(2025, 4, 30),
        Date::ymd(2025, 6, 27),
        Date::ymd(2025, 7, 31),
        Date::ymd(2025, 9, 19),
    );
    let mut m = HandMarket::new(d.clone());
    let start = d[0];
    let may = line(
        &mut m,
        "MAY",
        20.0,
        &[(start, 10.0, 6.0), (Date::ymd(2025, 5, 15), 12.0, 7.2)],
    );
    let aug = line(
        &mut m,
        "AUG",
        20.0,
        &[(start, 10.0, 6.0), (Date::ymd(2025, 8, 15), 11.0, 6.6)],
    );
    let market = m.build();
    let mut s = state(june, &[(may, 6e6, R2), (aug, 6e6, R2)]);
    s.rank_date = rank;
    let states = vec![s];
    let cfg = september(cutoff, sept);
    let before = d[at(&d, sept) - 1];
    assert_eq!(held(&market, &states, before, &cfg, may), 6e6);
    assert!((held(&market, &states, sept, &cfg, may) - 7.2e6).abs() < 1e-3);
    assert_eq!(held(&market, &states, sept, &cfg, aug), 6e6);
    let out = rankday_calc::calculate(&market, &states, &cfg).unwrap();
    let ch: Vec<_> = out
        .divisor_changes
        .iter()
        .filter(|c| c.reason == DivisorReason::ShareUpdate)
        .collect();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].date, sept);
}

fn offering(d: Date, sec: Sec, t: OfferingType, shares: f64, price: f64, priced: Date) -> Action {
    Action {
        ex_date: d,
        sec,
        kind: ActionKind::Offering,
        ratio: None,
        amount: Some(price),
        other: None,
        offering: Some(OfferingTerms {
            offer_type: t,
            shares,
            pricing_date: priced,
        }),
    }
}

/// §9.3.6–§9.3.10: an offering updates a member after the close two trading
/// days after its pricing date when index shares × offer price move by USD
/// 1bn, or by 5% and USD 250m; a primary offering adds its shares at the
/// float factor held, a secondary sale by restricted holders adds the shares
/// sold to the float; a smaller offering waits for the quarterly update.
#[test]
fn large_offerings_update_between_quarters() {
    let d = days();
    let eff = d[0];
    let (priced, ex) = (d[20], d[21]);
    let notice = d[22];
    let mut m = HandMarket::new(d.clone());
    // PRI: 100M shares, 60% float; issues 20M at $38 (12M index shares, $456m, 20%).
    let pri = line(
        &mut m,
        "PRI",
        40.0,
        &[(d[0], 100.0, 60.0), (ex, 120.0, 72.0)],
    );
    // SEC: 100M shares, 40% float; holders sell 10M at $120 ($1.2bn, 25%).
    let sec = line(
        &mut m,
        "SEC",
        125.0,
        &[(d[0], 100.0, 40.0), (ex, 100.0, 50.0)],
    );
    // SML: 100M shares, 60% float; issues 3M at $50 (1.8M, 3%, $90m): waits.
    let sml = line(
        &mut m,
        "SML",
        50.0,
        &[(d[0], 100.0, 60.0), (ex, 103.0, 61.8)],
    );
    m.b.push_action(offering(ex, pri, OfferingType::Primary, 20e6, 38.0, priced));
    m.b.push_action(offering(
        ex,
        sec,
        OfferingType::Secondary,
        10e6,
        120.0,
        priced,
    ));
    m.b.push_action(offering(ex, sml, OfferingType::Primary, 3e6, 50.0, priced));
    let market = m.build();
    let states = vec![state(
        eff,
        &[(pri, 60e6, R2), (sec, 40e6, R2), (sml, 60e6, R2)],
    )];
    let cfg = CalcConfig {
        indexes: vec![IndexId::R2000],
        ..CalcConfig::default()
    };
    for s in [pri, sec, sml] {
        let before = held(&market, &states, ex, &cfg, s);
        assert_eq!(
            before,
            held(&market, &states, eff, &cfg, s),
            "no change before the notice"
        );
    }
    assert!((held(&market, &states, notice, &cfg, pri) - 72e6).abs() < 1e-3);
    assert!((held(&market, &states, notice, &cfg, sec) - 50e6).abs() < 1e-3);
    assert_eq!(held(&market, &states, notice, &cfg, sml), 60e6);
    let out = rankday_calc::calculate(&market, &states, &cfg).unwrap();
    let offers: Vec<_> = out
        .divisor_changes
        .iter()
        .filter(|c| matches!(c.reason, DivisorReason::Offering { .. }))
        .map(|c| (c.date, c.reason))
        .collect();
    assert_eq!(
        offers,
        [
            (notice, DivisorReason::Offering { sec: pri }),
            (notice, DivisorReason::Offering { sec })
        ]
    );
    // Each offering moves the value by its own line's change alone; after
    // both, the value is that of every member revalued at its close.
    let changes: Vec<_> = out
        .divisor_changes
        .iter()
        .filter(|c| matches!(c.reason, DivisorReason::Offering { .. }))
        .collect();
    assert!(close_to(
        changes[0].mv_after - changes[0].mv_before,
        12e6 * 40.0,
        1e-12
    ));
    assert!(close_to(
        changes[1].mv_after - changes[1].mv_before,
        10e6 * 125.0,
        1e-12
    ));
    assert_eq!(changes[1].mv_before, changes[0].mv_after);
    let revalued: f64 = [(pri, 40.0), (sec, 125.0), (sml, 50.0)]
        .iter()
        .map(|&(s, close)| held(&market, &states, notice, &cfg, s) * close)
        .sum();
    assert!(close_to(changes[1].mv_after, revalued, 1e-12));
    // The level does not move with the divisor.
    let r = |date| {
        out.levels
            .iter()
            .find(|r| r.date == date)
            .map(|r| r.price_return)
            .unwrap()
    };
    assert!(close_to(r(notice), r(ex), 1e-12));
}

/// An update applied after an offering keeps it: a quarterly update whose
/// cut-off precedes the offering has nothing newer for that line (its data
/// still show the shares before the issue) and leaves it alone.
#[test]
fn a_quarterly_update_does_not_undo_a_later_offering() {
    let d = days();
    let (priced, ex, notice) = (d[20], d[21], d[22]);
    let mut m = HandMarket::new(d.clone());
    let pri = line(
        &mut m,
        "PRI",
        40.0,
        &[(d[0], 100.0, 60.0), (ex, 120.0, 72.0)],
    );
    let oth = line(
        &mut m,
        "OTH",
        40.0,
        &[(d[0], 100.0, 60.0), (d[5], 110.0, 66.0)],
    );
    m.b.push_action(offering(ex, pri, OfferingType::Primary, 20e6, 38.0, priced));
    let market = m.build();
    let states = vec![state(d[0], &[(pri, 60e6, R2), (oth, 60e6, R2)])];
    let cfg = september(d[10], d[40]);
    assert!((held(&market, &states, notice, &cfg, pri) - 72e6).abs() < 1e-3);
    // The update of day 40 reads day 10: OTH's +10% arrives, PRI keeps its issue.
    assert!((held(&market, &states, d[40], &cfg, oth) - 66e6).abs() < 1e-3);
    assert!((held(&market, &states, d[40], &cfg, pri) - 72e6).abs() < 1e-3);
}
