//! Every exclusion reason triggered by a dedicated line, pricing-vehicle
//! selection, extra classes, fewer than 4,000 (and 3,000) eligible companies.

mod common;

use common::*;
use rankday_core::{
    Change, Date, Exchange, IndexId, Market, MemberRow, Membership, Sec, SecurityType,
};
use rankday_method::*;

struct Case {
    market: Market,
    prev: Membership,
}

fn member_row(m: &Market, sec: Sec) -> MemberRow {
    MemberRow {
        sec,
        company: m.company_of(sec) as u32,
        rank: 1,
        total_market_cap: 1e9,
        float_market_cap: 1e9,
        cumulative_percentile: 50.0,
        indexes: [
            IndexId::R3000E,
            IndexId::R3000,
            IndexId::R2000,
            IndexId::R2500,
        ]
        .into_iter()
        .collect(),
        change: Change::Stay,
        index_shares: 1e6,
    }
}

const N: usize = 60;

fn build() -> (Case, Vec<(&'static str, Sec)>) {
    let mut u = Universe::new(Date::ymd(2024, 2, 1), N);
    let mut named: Vec<(&'static str, Sec)> = Vec::new();
    #[allow(clippy::too_many_arguments)]
    fn add_to(
        named: &mut Vec<(&'static str, Sec)>,
        u: &mut Universe,
        name: &'static str,
        s: rankday_core::Security,
        close: f64,
        shares: f64,
        float: f64,
        vol: f64,
    ) {
        let sec = u.flat(s, close, shares, float, vol);
        named.push((name, sec));
    }
    macro_rules! add {
        ($u:expr, $($a:expr),+ $(,)?) => { add_to(&mut named, $u, $($a),+) };
    }
    // A healthy filler population so the ADDV median is meaningful.
    for i in 0..20 {
        add!(
            &mut u,
            "filler",
            common(&format!("F{i}"), &format!("CF{i}")),
            50.0,
            10e6,
            8e6,
            1e5
        );
    }
    add!(&mut u, "ok", common("OK", "COK"), 20.0, 10e6, 9e6, 1e5);
    add!(
        &mut u,
        "etf",
        with(common("ETF", "CETF"), |s| s.security_type =
            SecurityType::Etf),
        20.0,
        10e6,
        9e6,
        1e5
    );
    add!(
        &mut u,
        "bdc",
        with(common("BDC", "CBDC"), |s| s.security_type =
            SecurityType::Bdc),
        20.0,
        10e6,
        9e6,
        1e5
    );
    add!(
        &mut u,
        "otc",
        with(common("OTC", "COTC"), |s| s.exchange = Exchange::Otc),
        20.0,
        10e6,
        9e6,
        1e5
    );
    add!(
        &mut u,
        "nonus",
        with(common("GB1", "CGB"), |s| {
            s.country_incorporation = country("IE");
            s.country_headquarters = country("GB");
        }),
        20.0,
        10e6,
        9e6,
        1e5,
    );
    add!(
        &mut u,
        "penny",
        common("PEN", "CPEN"),
        0.8,
        100e6,
        90e6,
        1e5
    );
    add!(&mut u, "small", common("SML", "CSML"), 2.0, 10e6, 9e6, 1e5);
    add!(
        &mut u,
        "thin_float",
        common("THN", "CTHN"),
        20.0,
        10e6,
        499_990.0,
        1e5
    );
    add!(
        &mut u,
        "float_5",
        common("FIVE", "CFIVE"),
        20.0,
        10e6,
        500_000.0,
        1e5
    );
    // Member whose price fell below $1 on rank day but averaged above: stays. And one that averaged below.
    let n = u.days.len();
    let fallen = u.line(common("FAL", "CFAL"), 0..n, |d| {
        (if d + 1 == n { 0.9 } else { 1.4 }, 1e5, 100e6, 90e6)
    });
    named.push(("member_fallen_ok", fallen));
    let sunk = u.line(common("SNK", "CSNK"), 0..n, |d| {
        (if d + 10 >= n { 0.5 } else { 1.2 }, 1e5, 100e6, 90e6)
    });
    named.push(("member_sunk", sunk));
    // Member that stopped trading 2 days before rank day (kept, stale close) and one 20 days before.
    let halted = u.line(common("HLT", "CHLT"), 0..n - 2, |_| (30.0, 1e5, 10e6, 9e6));
    named.push(("member_halted", halted));
    let gone = u.line(common("GON", "CGON"), 0..n - 20, |_| (30.0, 1e5, 10e6, 9e6));
    named.push(("member_gone", gone));
    let nontrading = u.line(common("NTR", "CNTR"), 0..n - 2, |_| (30.0, 1e5, 10e6, 9e6));
    named.push(("nonmember_not_trading", nontrading));
    // Dual class: A (vehicle, high volume), B listed but tiny cap, C listed but illiquid, U unlisted.
    add!(
        &mut u,
        "dual_a",
        common("DA", "CDUAL"),
        40.0,
        50e6,
        40e6,
        1e6
    );
    add!(
        &mut u,
        "dual_b_small",
        common("DB", "CDUAL"),
        40.0,
        0.5e6,
        0.45e6,
        1e5
    );
    add!(
        &mut u,
        "dual_c_illiquid",
        common("DC", "CDUAL"),
        40.0,
        10e6,
        9e6,
        1.0
    );
    add!(
        &mut u,
        "dual_d_ok",
        common("DD", "CDUAL"),
        40.0,
        10e6,
        9e6,
        2e5
    );
    let un = with(common("DU", "CDUAL"), |s| s.exchange = Exchange::Unlisted);
    let du = u.line(un, 0..n, |_| (f64::NAN, f64::NAN, 20e6, 0.0 + 1.0));
    named.push(("dual_unlisted", du));
    // Company whose vehicle fails price: its other line is CompanyIneligible.
    add!(
        &mut u,
        "pv_penny",
        common("PV1", "CPV"),
        0.5,
        400e6,
        300e6,
        1e7
    );
    add!(
        &mut u,
        "pv_other",
        common("PV2", "CPV"),
        5.0,
        10e6,
        9e6,
        1e5
    );
    // Company with only an OTC line and an unlisted class: no pricing vehicle.
    add!(
        &mut u,
        "novehicle_otc",
        with(common("NV1", "CNV"), |s| s.exchange = Exchange::Otc),
        5.0,
        10e6,
        9e6,
        1e5
    );
    // Vehicle choice: two classes within 20% volume -> more float wins.
    add!(
        &mut u,
        "tie_low_float",
        common("T1", "CTIE"),
        10.0,
        20e6,
        5e6,
        1.0e6
    );
    add!(
        &mut u,
        "tie_high_float",
        common("T2", "CTIE"),
        10.0,
        20e6,
        15e6,
        0.9e6
    );
    // Volumes more than 20% apart: the higher volume wins despite less float.
    add!(
        &mut u,
        "vol_winner",
        common("V1", "CVOL"),
        10.0,
        20e6,
        5e6,
        1.0e6
    );
    add!(
        &mut u,
        "vol_loser",
        common("V2", "CVOL"),
        10.0,
        20e6,
        15e6,
        0.5e6
    );
    let market = u.build();
    let prev_secs = [
        "member_fallen_ok",
        "member_sunk",
        "member_halted",
        "member_gone",
    ];
    let prev = Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: Date::ymd(2023, 4, 28),
        effective_date: Date::ymd(2023, 6, 23),
        rows: named
            .iter()
            .filter(|(n, _)| prev_secs.contains(n))
            .map(|(_, s)| member_row(&market, *s))
            .collect(),
    };
    (Case { market, prev }, named)
}

fn run(c: &Case) -> Reconstitution {
    let d = c.market.last_date().unwrap();
    let spec = ReconSpec {
        rank_date: d,
        effective_date: d.add_days(40),
        december: false,
        banding: true,
        buffers: rankday_calendar::BufferThresholds::RUSSELL,
        lockdown_date: None,
    };
    reconstitute(&c.market, &spec, Some(&c.prev), &Policy::russell()).unwrap()
}

#[test]
fn every_exclusion_reason_has_a_case() {
    let (case, named) = build();
    let r = run(&case);
    let sec = |n: &str| named.iter().find(|(x, _)| *x == n).unwrap().1;
    let reason = |n: &str| {
        r.screen(sec(n))
            .unwrap_or_else(|| panic!("{n} has no screen"))
            .reason
            .clone()
    };
    assert_eq!(reason("ok"), None);
    assert_eq!(
        reason("etf"),
        Some(Exclusion::SecurityType(SecurityType::Etf))
    );
    assert_eq!(
        reason("bdc"),
        Some(Exclusion::SecurityType(SecurityType::Bdc))
    );
    assert_eq!(reason("otc"), Some(Exclusion::Exchange(Exchange::Otc)));
    match reason("nonus") {
        Some(Exclusion::NonUs { country: c, step }) => {
            assert_eq!(c.as_str(), "GB");
            assert_eq!(step, NationalityStep::Headquarters);
        }
        x => panic!("{x:?}"),
    }
    assert!(matches!(
        reason("penny"),
        Some(Exclusion::Price {
            avg_close: None,
            ..
        })
    ));
    assert!(matches!(
        reason("small"),
        Some(Exclusion::CapUnder30M { .. })
    ));
    assert!(matches!(
        reason("thin_float"),
        Some(Exclusion::FloatUnder5 { .. })
    ));
    assert_eq!(reason("float_5"), None);
    assert_eq!(reason("member_fallen_ok"), None);
    assert!(matches!(
        reason("member_sunk"),
        Some(Exclusion::Price {
            avg_close: Some(_),
            ..
        })
    ));
    assert_eq!(reason("member_halted"), None);
    assert_eq!(reason("member_gone"), Some(Exclusion::NotListedOnRankDay));
    assert_eq!(
        reason("nonmember_not_trading"),
        Some(Exclusion::NotTradingOnRankDay)
    );
    assert_eq!(reason("dual_a"), None);
    assert!(matches!(
        reason("dual_b_small"),
        Some(Exclusion::ExtraClassCap { .. })
    ));
    assert!(matches!(
        reason("dual_c_illiquid"),
        Some(Exclusion::ExtraClassLiquidity { .. })
    ));
    assert_eq!(reason("dual_d_ok"), None);
    assert_eq!(reason("dual_unlisted"), Some(Exclusion::UnlistedClass));
    assert!(matches!(reason("pv_penny"), Some(Exclusion::Price { .. })));
    assert_eq!(reason("pv_other"), Some(Exclusion::CompanyIneligible));
    assert_eq!(
        reason("novehicle_otc"),
        Some(Exclusion::Exchange(Exchange::Otc))
    );
    let nv = r
        .company(case.market.company_of(sec("novehicle_otc")) as u32)
        .unwrap();
    assert_eq!(nv.reason, Some(Exclusion::NoPricingVehicle));

    // Dual class: total shares include every class (A + B + C + D + unlisted).
    let dual = r
        .company(case.market.company_of(sec("dual_a")) as u32)
        .unwrap();
    assert_eq!(dual.pricing_vehicle, Some(sec("dual_a")));
    assert!((dual.total_shares - (50e6 + 0.5e6 + 10e6 + 10e6 + 20e6)).abs() < 1.0);
    assert!((dual.total_cap - 40.0 * 90.5e6).abs() < 1.0);
    assert_eq!(
        dual.index_lines.to_vec(),
        vec![sec("dual_a"), sec("dual_d_ok")]
    );
    // Volumes within 20%: the class with more available shares is the vehicle.
    let tie = r
        .company(case.market.company_of(sec("tie_low_float")) as u32)
        .unwrap();
    assert_eq!(tie.pricing_vehicle, Some(sec("tie_high_float")));
    let vc = r
        .company(case.market.company_of(sec("vol_winner")) as u32)
        .unwrap();
    assert_eq!(vc.pricing_vehicle, Some(sec("vol_winner")));
    let vw = r.screen(sec("vol_winner")).unwrap();
    assert_eq!(
        (vw.vehicle_volume, vw.vehicle_volume_days),
        (1.0e6 * N as f64, N as u32)
    );

    // Members: exactly the passed lines; every deleted previous member has a Delete row.
    for row in &r.membership.rows {
        let s = r.screen(row.sec).unwrap();
        if row.change == Change::Delete {
            assert!(row.indexes.is_empty() && !s.passed);
        } else {
            assert!(s.passed, "{:?}", s);
        }
    }
    let deleted: Vec<Sec> = r
        .membership
        .rows
        .iter()
        .filter(|x| x.change == Change::Delete)
        .map(|x| x.sec)
        .collect();
    assert_eq!(deleted, vec![sec("member_sunk"), sec("member_gone")]);
    let halted = r
        .membership
        .rows
        .iter()
        .find(|x| x.sec == sec("member_halted"))
        .unwrap();
    assert_eq!(
        halted.change,
        Change::Up,
        "R2000 -> R1000 with fewer than 1,000 companies"
    );

    // Explanations name the failing screen and its numbers.
    let e = explain(&case.market, &r, Some(&case.prev), sec("thin_float")).to_string();
    assert!(e.contains("[FAIL] float 4.9999% vs minimum 5%"), "{e}");
    let e = explain(&case.market, &r, Some(&case.prev), sec("member_sunk")).to_string();
    assert!(
        e.contains("30-day average") && e.contains("not an index line: price"),
        "{e}"
    );
    let e = explain(&case.market, &r, Some(&case.prev), sec("dual_d_ok")).to_string();
    assert!(
        e.contains("pricing vehicle DA")
            && e.contains("rank ")
            && e.contains("Russell 1000 breakpoint"),
        "{e}"
    );
}

/// 2,500 eligible companies: the R3000E and the Microcap shrink; R1000 and
/// R2000 are full (§3). 700 companies: fewer than 1,000, everything is R1000.
#[test]
fn fewer_than_4000_and_1000_eligible() {
    for (n, r1000, r2000, micro) in [
        (2500usize, 1000usize, 1500usize, 500usize),
        (700, 700, 0, 0),
    ] {
        let mut u = Universe::new(Date::ymd(2021, 3, 1), 3);
        for i in 0..n {
            let cap = 1e8 + (n - i) as f64 * 1e7;
            u.flat(
                common(&format!("S{i}"), &format!("C{i}")),
                10.0,
                cap / 10.0,
                cap / 20.0,
                1e4,
            );
        }
        let m = u.build();
        let d = m.last_date().unwrap();
        let r = reconstitute(
            &m,
            &ReconSpec {
                rank_date: d,
                effective_date: d,
                december: false,
                banding: true,
                buffers: rankday_calendar::BufferThresholds::RUSSELL,
                lockdown_date: None,
            },
            None,
            &Policy::russell(),
        )
        .unwrap();
        let mem = &r.membership;
        assert_eq!(mem.count(IndexId::R3000E), n);
        assert_eq!(mem.count(IndexId::R3000), n);
        assert_eq!(mem.count(IndexId::R1000), r1000);
        assert_eq!(mem.count(IndexId::R2000), r2000);
        assert_eq!(mem.count(IndexId::RMicro), micro);
        assert_eq!(mem.count(IndexId::RTop200), 200);
        assert_eq!(r.breakpoints.n_r3000e as usize, n);
        let last = r.breakpoints.get(Cut::R3000E);
        assert_eq!(last.rank as usize, n);
        assert!((last.percentile - 100.0).abs() < 1e-9);
        assert!(r.breakpoints.get(Cut::R1000).band.is_some() == (n >= 1000));
        assert!(mem.rows.iter().all(|x| x.change == Change::Add));
    }
}

/// The voting-rights screen applies from 2017 (FTSE Russell v7.0 §5.15.2):
/// a listed class with 2% of the votes in public hands (GC-06's structure,
/// `tests/cases/GC-06`) is excluded in 2024 and eligible in 2015.
#[test]
fn voting_rights_screen_starts_in_2017() {
    let screened = |start: Date| {
        let mut u = Universe::new(start, 45);
        let a = u.flat(common("A", "DUAL"), 20.0, 100e6, 65e6, 1e6);
        let b = with(common("B", "DUAL"), |s| {
            s.exchange = Exchange::Unlisted;
            s.votes_per_share = 10.0;
        });
        let n = u.days.len();
        u.line(b, 0..n, |_| (f64::NAN, f64::NAN, 300e6, 300e6));
        let m = u.build();
        let d = m.last_date().unwrap();
        let spec = ReconSpec::for_policy(d, d, false, &Policy::russell());
        let r = reconstitute(&m, &spec, None, &Policy::russell()).unwrap();
        r.screen(a).unwrap().clone()
    };
    assert!(matches!(
        screened(Date::ymd(2024, 3, 1)).reason,
        Some(Exclusion::VotingRights { .. })
    ));
    assert!(screened(Date::ymd(2015, 3, 2)).passed);
}
