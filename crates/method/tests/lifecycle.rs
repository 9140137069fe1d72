//! June → December (float buffer, shares update), IPO additions at
//! market-adjusted breakpoints, deletions.

mod common;

use common::*;
use rankday_core::{Change, Date, IndexId, Market};
use rankday_method::*;

fn policy() -> Policy {
    Policy::from_toml(
        "[ranking]\ntop200 = 2\ntop500 = 4\nr1000 = 10\nmicro_top = 20\nr3000 = 30\nr3000e = 40\n",
    )
    .unwrap()
}

const N: usize = 80;
const JUNE: usize = 30;
const DEC: usize = 60;

/// 35 plain companies with caps 100m..3.5bn, plus special lines.
fn base(u: &mut Universe) {
    for i in 0..35 {
        let cap = 1e8 * (i + 1) as f64;
        u.flat(
            common(&format!("S{i}"), &format!("C{i}")),
            10.0,
            cap / 10.0,
            cap / 20.0,
            1e5,
        );
    }
}

fn spec(m: &Market, day: usize, december: bool) -> ReconSpec {
    let d = m.dates()[day];
    ReconSpec {
        rank_date: d,
        effective_date: d.add_days(30),
        december,
        banding: true,
        buffers: rankday_calendar::BufferThresholds::RUSSELL,
        lockdown_date: None,
    }
}

#[test]
fn december_float_buffer_and_share_update() {
    let mut u = Universe::new(Date::ymd(2024, 3, 1), N);
    base(&mut u);
    // Small float move (60% -> 62%) with a share increase; large move (60% -> 70%).
    let small = u.line(common("FS", "CFS"), 0..N, |d| {
        if d <= JUNE {
            (20.0, 1e5, 10e6, 6e6)
        } else {
            (20.0, 1e5, 12e6, 7.44e6)
        }
    });
    let large = u.line(common("FL", "CFL"), 0..N, |d| {
        if d <= JUNE {
            (20.0, 1e5, 10e6, 6e6)
        } else {
            (20.0, 1e5, 10e6, 7e6)
        }
    });
    let m = u.build();
    let p = policy();
    let june = reconstitute(&m, &spec(&m, JUNE, false), None, &p).unwrap();
    let row = |r: &Reconstitution, s| {
        r.membership
            .rows
            .iter()
            .find(|x| x.sec == s)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&june, small).index_shares, 6e6);
    let dec = reconstitute(&m, &spec(&m, DEC, true), Some(&june.membership), &p).unwrap();
    // Within 3 points: keep the 60% factor on the new 12m shares.
    assert!((row(&dec, small).index_shares - 7.2e6).abs() < 1e-3);
    // Beyond 3 points: the new float.
    assert_eq!(row(&dec, large).index_shares, 7e6);
    // A June recon on the same day takes the full float.
    let june2 = reconstitute(&m, &spec(&m, DEC, false), Some(&june.membership), &p).unwrap();
    assert_eq!(row(&june2, small).index_shares, 7.44e6);
    assert!((row(&june2, small).float_market_cap - 7.44e6 * 20.0).abs() < 1e-3);
}

#[test]
fn ipo_additions_at_market_adjusted_breakpoints() {
    let mut u = Universe::new(Date::ymd(2024, 3, 1), N);
    base(&mut u);
    // IPOs listing after the June rank day: big, mid, tiny.
    let big = u.line(common("IPOB", "CIPOB"), JUNE + 5..N, |_| {
        (50.0, 1e6, 100e6, 60e6)
    });
    let mid = u.line(common("IPOM", "CIPOM"), JUNE + 5..N, |_| {
        (10.0, 1e5, 16e6, 10e6)
    });
    let tiny = u.line(common("IPOT", "CIPOT"), JUNE + 5..N, |_| {
        (10.0, 1e5, 3e6, 2e6)
    });
    // Ineligible on rank day (penny), recovers later: not revisited.
    let penny = u.line(common("PNY", "CPNY"), 0..N, |d| {
        (if d <= JUNE { 0.5 } else { 20.0 }, 1e5, 100e6, 80e6)
    });
    let m = u.build();
    let p = policy();
    let june = reconstitute(&m, &spec(&m, JUNE, false), None, &p).unwrap();
    let bp = june.breakpoints.get(Cut::R1000).cap;
    assert_eq!(bp, 2.6e9, "rank 10 of 35 companies, 100m steps");
    let ipo_date = m.dates()[DEC];
    // R3000E return +5%: R1000 bar 2.73bn, smallest R3000E 105m, R3000 bar (rank 30) 630m,
    // so the 160m IPO joins the R3000E and Microcap only.
    let out = ipo_additions(
        &m,
        ipo_date,
        ipo_date.add_days(30),
        &june.membership,
        &june,
        0.05,
        &p,
    )
    .unwrap();
    let get = |s| out.rows.iter().find(|x| x.sec == s);
    let b = get(big).expect("5bn IPO added");
    assert!(b.indexes.contains(IndexId::R1000) && b.change == Change::Add);
    assert_eq!(b.index_shares, 60e6);
    let mm = get(mid).expect("160m IPO added");
    assert!(
        !mm.indexes.contains(IndexId::R3000) && mm.indexes.contains(IndexId::RMicro),
        "{:?}",
        mm.indexes
    );
    assert!(
        get(tiny).is_none(),
        "30m IPO is below the adjusted smallest R3000E company"
    );
    assert!(
        get(penny).is_none(),
        "ineligible on rank day: not revisited"
    );
    assert_eq!(
        out.rows.iter().filter(|r| r.change == Change::Stay).count(),
        june.membership.rows.len()
    );
    // The adjusted R1000 bar is the GC-04 arithmetic.
    assert!((market_adjusted_breakpoint(bp, 0.05) - 2.73e9).abs() < 1.0);
    // Errors: IPO date not after the recon.
    assert!(matches!(
        ipo_additions(
            &m,
            june.spec.rank_date,
            ipo_date,
            &june.membership,
            &june,
            0.0,
            &p
        ),
        Err(MethodError::IpoBeforeRecon { .. })
    ));
}

#[test]
fn errors_are_typed() {
    let mut u = Universe::new(Date::ymd(2024, 3, 1), 5);
    base(&mut u);
    let m = u.build();
    let p = Policy::russell();
    let early = ReconSpec {
        rank_date: Date::ymd(2000, 1, 3),
        effective_date: Date::ymd(2000, 2, 1),
        december: false,
        banding: false,
        buffers: rankday_calendar::BufferThresholds::RUSSELL,
        lockdown_date: None,
    };
    assert!(matches!(
        reconstitute(&m, &early, None, &p),
        Err(MethodError::RankDateBeforeHistory(_))
    ));
    let d = m.last_date().unwrap();
    let back = ReconSpec {
        rank_date: d,
        effective_date: d.add_days(-1),
        december: false,
        banding: false,
        buffers: rankday_calendar::BufferThresholds::RUSSELL,
        lockdown_date: None,
    };
    assert!(matches!(
        reconstitute(&m, &back, None, &p),
        Err(MethodError::EffectiveBeforeRank { .. })
    ));
}

/// Voting rights are not re-researched in December (§1): an existing member
/// under 5% stays in December and goes at the next June recon.
#[test]
fn december_does_not_rescreen_voting_rights() {
    let mut u = Universe::new(Date::ymd(2024, 3, 1), N);
    base(&mut u);
    // Listed class with 100% float at first; from June on its float is 10%,
    // under a 10-vote unlisted class: 10m / (100m + 3bn) = 0.3% of votes.
    let a = u.line(common("VA", "CV"), 0..N, |d| {
        (20.0, 1e5, 100e6, if d <= JUNE { 100e6 } else { 10e6 })
    });
    let b = with(common("VB", "CV"), |s| {
        s.exchange = rankday_core::Exchange::Unlisted;
        s.votes_per_share = 10.0;
    });
    u.line(b, 0..N, |d| {
        (f64::NAN, f64::NAN, if d <= JUNE { 1.0 } else { 300e6 }, 1.0)
    });
    let m = u.build();
    let p = policy();
    let june = reconstitute(&m, &spec(&m, JUNE, false), None, &p).unwrap();
    assert!(june.screen(a).unwrap().passed);
    let dec = reconstitute(&m, &spec(&m, DEC, true), Some(&june.membership), &p).unwrap();
    assert!(dec.screen(a).unwrap().passed, "{:?}", dec.screen(a));
    let next_june = reconstitute(&m, &spec(&m, DEC, false), Some(&june.membership), &p).unwrap();
    assert!(matches!(
        next_june.screen(a).unwrap().reason,
        Some(Exclusion::VotingRights { .. })
    ));
    let row = next_june
        .membership
        .rows
        .iter()
        .find(|r| r.sec == a)
        .unwrap();
    assert_eq!(row.change, Change::Delete);
}

/// A spec straight from the Russell calendar.
#[test]
fn spec_from_calendar_event() {
    let cal = rankday_calendar::ReconCalendar::russell();
    let events = cal.recons(2026);
    let dec = events
        .iter()
        .find(|e| e.kind == rankday_calendar::ReconKind::December)
        .expect("December 2026 recon");
    let s = ReconSpec::of(dec, &cal);
    assert!(s.december && s.banding);
    assert_eq!(
        (s.rank_date, s.effective_date),
        (dec.rank_date, dec.effective_date)
    );
    let june = ReconSpec::of(&cal.recons(2005)[0], &cal);
    assert!(!june.december && !june.banding);
}

/// Index shares are counted on rank day and held from the effective date:
/// a split in between is carried into the state (a 1-for-10 reverse split
/// turns 60m float shares into 6m held). The IPO round after it is an
/// `Additions` state whose incumbents carry the splits since the last state.
#[test]
fn splits_between_rank_day_and_effective_date_are_carried() {
    let mut u = Universe::new(Date::ymd(2024, 3, 1), N);
    base(&mut u);
    // Rank day JUNE; effective JUNE + 30 calendar days (about day JUNE + 21).
    let rev = JUNE + 5;
    let later = DEC - 3;
    let s = u.line(common("RS", "CRS"), 0..N, |d| {
        if d < rev {
            (5.0, 1e6, 100e6, 60e6)
        } else if d < later {
            (50.0, 1e5, 10e6, 6e6)
        } else {
            (100.0, 5e4, 5e6, 3e6)
        }
    });
    let days = u.days.clone();
    u.b.push_action(rankday_core::Action {
        ex_date: days[rev],
        sec: s,
        kind: rankday_core::ActionKind::Split,
        ratio: Some(0.1),
        amount: None,
        other: None,
        offering: None,
    });
    u.b.push_action(rankday_core::Action {
        ex_date: days[later],
        sec: s,
        kind: rankday_core::ActionKind::Split,
        ratio: Some(0.5),
        amount: None,
        other: None,
        offering: None,
    });
    let m = u.build();
    let p = policy();
    let june = reconstitute(&m, &spec(&m, JUNE, false), None, &p).unwrap();
    assert!(june.membership.kind == rankday_core::StateKind::Reconstitution);
    let row = june.membership.rows.iter().find(|r| r.sec == s).unwrap();
    assert_eq!(
        row.index_shares, 6e6,
        "60m on rank day, 1-for-10 before effective"
    );
    assert_eq!(row.float_market_cap, 60e6 * 5.0, "rank-day terms");
    let ipo_date = m.dates()[DEC];
    let round = ipo_additions(
        &m,
        ipo_date,
        ipo_date.add_days(7),
        &june.membership,
        &june,
        0.0,
        &p,
    )
    .unwrap();
    assert!(round.kind == rankday_core::StateKind::Additions);
    let inc = round.rows.iter().find(|r| r.sec == s).unwrap();
    assert_eq!(
        inc.index_shares, 3e6,
        "the 1-for-2 after the June effective date"
    );
    // A December reconstitution measures the previous float factor on its own
    // terms (60%), not against post-split shares.
    let dec = reconstitute(&m, &spec(&m, DEC, true), Some(&june.membership), &p).unwrap();
    let d = dec.membership.rows.iter().find(|r| r.sec == s).unwrap();
    assert!((d.index_shares - 3e6).abs() < 1e-6, "{}", d.index_shares);
}
