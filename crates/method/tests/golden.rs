//! GC-04, GC-05 and GC-06 of the golden cases (`spec/golden/golden-cases.md`
//! of the shared spec folder), end to end.

mod common;

use common::*;
use rankday_core::{Change, Date, Exchange, IndexId, IndexSet, MemberRow, Membership};
use rankday_method::*;

/// GC-05 end to end. The source's table cannot come from a sorted universe at
/// rank 1,000 (994 companies of $2.1bn+ cannot sum to $151,885m), so the
/// R1000 cut is moved to rank 77 by policy and the nine rows sit at ranks
/// 72–80 with the table's exact caps and cumulative caps; the total R3000E
/// cap is $182,500m, so every percentile equals the published one.
#[test]
fn gc05_banding_end_to_end() {
    let policy = Policy::from_toml("[ranking]\ntop200 = 10\ntop500 = 30\nr1000 = 77\n").unwrap();
    let mut caps_m: Vec<f64> = vec![2155.0];
    caps_m.extend(std::iter::repeat_n(2139.0, 70));
    let table = [
        ("XYZ Company", "R1", 2115.0, 154_000.0, 84.38, "R1"),
        ("ABC Company", "R2", 2105.0, 156_105.0, 85.54, "R1"),
        ("Drugstore Inc.", "R1", 2100.0, 158_205.0, 86.69, "R1"),
        ("PYK Shipping", "R2", 2011.0, 160_216.0, 87.79, "R2"),
        ("Z Technology", "R2", 2010.0, 162_226.0, 88.89, "R2"),
        ("RE Trust", "R2", 2000.0, 164_226.0, 89.99, "R2"),
        ("Foods Inc.", "R1", 1995.0, 166_221.0, 91.08, "R1"),
        ("PETs & More", "R2", 1950.0, 168_171.0, 92.15, "R2"),
        ("RYT Inc.", "R1", 1923.0, 170_094.0, 93.20, "R2"),
    ];
    caps_m.extend(table.iter().map(|r| r.2));
    caps_m.extend([1800.0; 6]);
    caps_m.push(1606.0);
    assert_eq!(caps_m.iter().sum::<f64>(), 182_500.0);

    let mut u = Universe::new(Date::ymd(2020, 3, 2), 45);
    let secs: Vec<_> = caps_m
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            u.flat(
                common(&format!("S{i:03}"), &format!("C{i:03}")),
                10.0,
                c * 1e6 / 10.0,
                c * 1e6 / 20.0,
                1e5,
            )
        })
        .collect();
    let market = u.build();
    let rank_date = market.last_date().unwrap();

    // Previous membership: by rank with the test cuts, except the table's "current" column.
    let prev_rows = secs
        .iter()
        .enumerate()
        .map(|(i, &sec)| {
            let rank = i as u32 + 1;
            let mut upper = ranking::sides_by_rank(rank, &policy);
            if (72..=80).contains(&rank) {
                upper[2] = table[i - 71].1 == "R1";
            }
            let indexes = ranking::family(rank, upper, &policy);
            MemberRow {
                sec,
                company: market.company_of(sec) as u32,
                rank,
                total_market_cap: caps_m[i] * 1e6,
                float_market_cap: caps_m[i] * 5e5,
                cumulative_percentile: 0.0,
                indexes,
                change: Change::Stay,
                index_shares: caps_m[i] * 1e6 / 20.0,
            }
        })
        .collect();
    let prev = Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: Date::ymd(2019, 4, 30),
        effective_date: Date::ymd(2019, 6, 28),
        rows: prev_rows,
    };

    let spec = ReconSpec {
        rank_date,
        effective_date: rank_date.add_days(50),
        december: false,
        banding: true,
    };
    let r = reconstitute(&market, &spec, Some(&prev), &policy).unwrap();
    let bp = r.breakpoints.get(Cut::R1000);
    assert_eq!(bp.rank, 77);
    assert!((bp.percentile - 89.99).abs() < 0.005, "{}", bp.percentile);
    let band = bp.band.unwrap();
    assert!((band.lower_pct - 87.49).abs() < 0.005 && (band.upper_pct - 92.49).abs() < 0.005);
    assert!((r.breakpoints.r3000e_total_cap - 182_500e6).abs() < 1.0);

    for (k, row) in table.iter().enumerate() {
        let sec = secs[71 + k];
        let m = r.membership.rows.iter().find(|x| x.sec == sec).unwrap();
        assert_eq!(m.rank, 72 + k as u32, "{}", row.0);
        assert!(
            (m.cumulative_percentile - row.4).abs() < 0.005,
            "{}: {}",
            row.0,
            m.cumulative_percentile
        );
        let want_r1 = row.5 == "R1";
        assert_eq!(m.indexes.contains(IndexId::R1000), want_r1, "{}", row.0);
        assert_eq!(m.indexes.contains(IndexId::R2000), !want_r1, "{}", row.0);
        let want_change = match (row.1, row.5) {
            ("R1", "R2") => Change::Down,
            ("R2", "R1") => Change::Up,
            _ => Change::Stay,
        };
        assert_eq!(m.change, want_change, "{}", row.0);
    }

    // The explanation says why: PYK Shipping kept in the R2000 by the band, RYT Inc. outside it.
    let pyk = explain(&market, &r, Some(&prev), secs[74]).to_string();
    assert!(
        pyk.contains(
            "band [87.4868, 92.4868]: inside — existing member kept on its side by the band"
        ),
        "{pyk}"
    );
    assert!(pyk.contains("change stay (R2000 -> R2000)"), "{pyk}");
    let ryt = explain(&market, &r, Some(&prev), secs[79]).to_string();
    assert!(
        ryt.contains(": outside") && ryt.contains("change down (R1000 -> R2000)"),
        "{ryt}"
    );

    // Without banding everyone is placed by rank.
    let unbanded = reconstitute(
        &market,
        &ReconSpec {
            banding: false,
            ..spec
        },
        Some(&prev),
        &policy,
    )
    .unwrap();
    for (k, row) in table.iter().enumerate() {
        let m = unbanded
            .membership
            .rows
            .iter()
            .find(|x| x.sec == secs[71 + k])
            .unwrap();
        assert_eq!(
            m.indexes.contains(IndexId::R1000),
            m.rank <= 77,
            "{}",
            row.0
        );
    }
}

/// GC-06: 100m listed class A (1 vote, 65% float) + 300m unlisted class B
/// (10 votes): 65m / 3.1bn = 2.097% of votes in public hands → excluded.
#[test]
fn gc06_voting_rights() {
    let mut u = Universe::new(Date::ymd(2024, 3, 1), 45);
    let a = u.flat(common("A", "DUAL"), 20.0, 100e6, 65e6, 1e6);
    let b = with(common("B", "DUAL"), |s| {
        s.exchange = Exchange::Unlisted;
        s.votes_per_share = 10.0;
    });
    let n = u.days.len();
    u.line(b, 0..n, |_| (f64::NAN, f64::NAN, 300e6, 0.0 + 1.0));
    u.flat(common("OTHER", "OTHER"), 20.0, 100e6, 90e6, 1e6);
    let market = u.build();
    let d = market.last_date().unwrap();
    let p = Policy::russell();
    let r = reconstitute(
        &market,
        &ReconSpec {
            rank_date: d,
            effective_date: d,
            december: false,
            banding: true,
        },
        None,
        &p,
    )
    .unwrap();
    let s = r.screen(a).unwrap();
    assert!(!s.passed);
    match s.reason.clone().unwrap() {
        Exclusion::VotingRights { pct, min } => {
            assert!((pct - 2.097).abs() < 0.0005, "{pct}");
            assert_eq!(min, 5.0);
        }
        e => panic!("expected voting rights exclusion, got {e}"),
    }
    let c = r.company(market.company_of(a) as u32).unwrap();
    assert!(
        (c.total_shares - 400e6).abs() < 1.0,
        "unlisted class counts toward total shares"
    );
    assert!((c.total_cap - 8e9).abs() < 1.0);
    assert_eq!(r.membership.rows.len(), 1);
    // Before 2017 the test did not exist.
    let mut u2 = Universe::new(Date::ymd(2015, 3, 2), 45);
    let a2 = u2.flat(common("A", "DUAL"), 20.0, 100e6, 65e6, 1e6);
    let b2 = with(common("B", "DUAL"), |s| {
        s.exchange = Exchange::Unlisted;
        s.votes_per_share = 10.0;
    });
    u2.line(b2, 0..n, |_| (f64::NAN, f64::NAN, 300e6, 1.0));
    let m2 = u2.build();
    let d2 = m2.last_date().unwrap();
    let r2 = reconstitute(
        &m2,
        &ReconSpec {
            rank_date: d2,
            effective_date: d2,
            december: false,
            banding: true,
        },
        None,
        &p,
    )
    .unwrap();
    assert!(r2.screen(a2).unwrap().passed);
    let row = &r2.membership.rows[0];
    assert!(row.indexes.contains(IndexId::R1000) && row.indexes != IndexSet::EMPTY);
}
