//! Corporate events between rank day and lock-down (FTSE Russell v7.0
//! §6.4.1, §6.6.1) and the extra share classes' liquidity bar (§6.5.1), on
//! small constructed markets.

mod common;

use common::*;
use rankday_core::{Action, ActionKind, Date, IndexId, Market, Sec};
use rankday_method::*;

fn policy() -> Policy {
    Policy::from_toml(
        "[ranking]\ntop200 = 2\ntop500 = 4\nr1000 = 10\nmicro_top = 20\nr3000 = 30\nr3000e = 40\n",
    )
    .unwrap()
}

const N: usize = 60;
const RANK: usize = 30;

/// 35 plain companies with caps 100m..3.5bn (rank 10 = 2.6bn).
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

/// Ranked on day RANK, effective 30 calendar days later; the lock-down
/// starts 20 calendar days after rank day unless `lockdown` is false.
fn spec(m: &Market, lockdown: bool) -> ReconSpec {
    let d = m.dates()[RANK];
    ReconSpec {
        lockdown_date: lockdown.then(|| d.add_days(20)),
        ..ReconSpec::for_policy(d, d.add_days(30), false, &policy())
    }
}

fn row(r: &Reconstitution, s: Sec) -> Option<&rankday_core::MemberRow> {
    r.membership.rows.iter().find(|x| x.sec == s)
}

/// §6.4.1: two R2000 companies of 1.5bn merge (1 ACQ share per TGT share)
/// after rank day and before the lock-down: the survivor is re-ranked on
/// 3.0bn, past the 2.6bn R1000 breakpoint, and holds both floats; the target
/// leaves the ranking. Without the rule the survivor stays in the R2000 on
/// its rank-day cap.
#[test]
fn a_merger_before_the_lockdown_reranks_the_survivor_on_its_combined_cap() {
    let mut u = Universe::new(Date::ymd(2024, 3, 1), N);
    base(&mut u);
    let ex = RANK + 5;
    let acq = u.line(common("ACQ", "CACQ"), 0..N, |d| {
        if d < ex {
            (100.0, 1e5, 15e6, 9e6)
        } else {
            (100.0, 1e5, 30e6, 18e6)
        }
    });
    let tgt = u.line(common("TGT", "CTGT"), 0..ex, |_| (100.0, 1e5, 15e6, 9e6));
    let days = u.days.clone();
    u.b.push_action(Action {
        ex_date: days[ex],
        sec: tgt,
        kind: ActionKind::Acquisition,
        ratio: Some(1.0),
        amount: Some(0.0),
        other: Some(acq),
        offering: None,
    });
    let m = u.build();
    let p = policy();
    let r = reconstitute(&m, &spec(&m, true), None, &p).unwrap();
    let a = row(&r, acq).expect("the survivor is ranked");
    assert!(a.indexes.contains(IndexId::R1000), "{:?}", a.indexes);
    assert_eq!(a.total_market_cap, 3.0e9);
    assert_eq!(a.index_shares, 18e6, "its own float and the target's");
    assert!(row(&r, tgt).is_none(), "the target is not ranked");
    let c = r.company(m.company_of(tgt) as u32).unwrap();
    assert!(matches!(c.reason, Some(Exclusion::Merged { .. })));
    assert_eq!(r.events.len(), 1);
    // Without a lock-down date the merger is not re-evaluated.
    let plain = reconstitute(&m, &spec(&m, false), None, &p).unwrap();
    assert!(row(&plain, acq).unwrap().indexes.contains(IndexId::R2000));
    // A merger during the lock-down is not re-evaluated either.
    let late = ReconSpec {
        lockdown_date: Some(days[ex]),
        ..spec(&m, true)
    };
    let r = reconstitute(&m, &late, None, &p).unwrap();
    assert!(row(&r, acq).unwrap().indexes.contains(IndexId::R2000));
}

/// §6.4.1 and §6.6.1: a spin-off before the lock-down lowers the parent's
/// cap, and the child joins the parent's indexes only if its cap clears the
/// smallest Russell 3000E company (100m here, market-adjusted: flat prices).
#[test]
fn a_spin_off_before_the_lockdown_adds_a_child_that_clears_the_minimum() {
    let mut u = Universe::new(Date::ymd(2024, 3, 1), N);
    base(&mut u);
    let ex = RANK + 5;
    let big = u.line(common("PAR", "CPAR"), 0..N, |d| {
        (if d < ex { 100.0 } else { 80.0 }, 1e5, 30e6, 24e6)
    });
    let kid = u.line(common("KID", "CKID"), ex..N, |_| (20.0, 1e5, 30e6, 30e6));
    let small = u.line(common("SML", "CSML"), 0..N, |d| {
        (if d < ex { 100.0 } else { 99.0 }, 1e5, 20e6, 16e6)
    });
    let tiny = u.line(common("TNY", "CTNY"), ex..N, |_| (1.0, 1e5, 20e6, 20e6));
    let days = u.days.clone();
    for (parent, child) in [(big, kid), (small, tiny)] {
        u.b.push_action(Action {
            ex_date: days[ex],
            sec: parent,
            kind: ActionKind::SpinOff,
            ratio: Some(1.0),
            amount: None,
            other: Some(child),
            offering: None,
        });
    }
    let m = u.build();
    let r = reconstitute(&m, &spec(&m, true), None, &policy()).unwrap();
    let parent = row(&r, big).unwrap();
    // 3.0bn less the 600m child: 2.4bn, below the 2.6bn R1000 breakpoint.
    assert!(
        parent.indexes.contains(IndexId::R2000),
        "{:?}",
        parent.indexes
    );
    let child = row(&r, kid).expect("a 600m child joins");
    assert_eq!(child.indexes, parent.indexes);
    assert_eq!(child.index_shares, 30e6);
    assert_eq!(child.change, rankday_core::Change::Add);
    assert!(row(&r, tiny).is_none(), "a 20m child is below the minimum");
    let plain = reconstitute(&m, &spec(&m, false), None, &policy()).unwrap();
    assert!(row(&plain, kid).is_none());
    assert!(row(&plain, big).unwrap().indexes.contains(IndexId::R1000));
}

/// §6.5.1: an extra listed class is an index line if its average daily
/// dollar volume exceeds the global median, USD 175,000 at the 2026 rank
/// date. A class trading USD 200,000 a day qualifies, though the market's
/// own median line trades USD 1m a day (the old universe-median bar).
#[test]
fn an_extra_class_needs_the_global_median_dollar_volume() {
    let mut u = Universe::new(Date::ymd(2026, 3, 2), N);
    base(&mut u);
    let a = u.flat(common("DUA", "CDUAL"), 100.0, 20e6, 16e6, 1e6);
    let b = u.flat(common("DUB", "CDUAL"), 100.0, 5e6, 4e6, 2e3);
    let m = u.build();
    let p = policy();
    let r = reconstitute(&m, &spec(&m, false), None, &p).unwrap();
    assert_eq!(r.extra_class_min_addv, 175_000.0);
    assert!(r.screen(a).unwrap().passed && r.screen(b).unwrap().passed);
    assert!(row(&r, b).is_some());
    let median = Policy::from_toml(
        "[ranking]\ntop200 = 2\ntop500 = 4\nr1000 = 10\nmicro_top = 20\nr3000 = 30\nr3000e = 40\n[company]\nextra_class_min_addv = \"universe_median\"\n",
    )
    .unwrap();
    let r = reconstitute(&m, &spec(&m, false), None, &median).unwrap();
    assert!(matches!(
        r.screen(b).unwrap().reason,
        Some(Exclusion::ExtraClassLiquidity { .. })
    ));
}
