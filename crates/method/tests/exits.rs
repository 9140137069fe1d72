//! Lines that stop trading between a state's rank day and its effective
//! date (acquired, delisted) are not in the state (`rankday_method::exits`),
//! on a generated market whose companies are taken over all year round.

use rankday_core::{Change, IndexSet, Market};
use rankday_method::{
    reconstitute_held, run_history, stopped_before, HistoryOptions, Policy, ReconSpec,
};
use rankday_synth::{generate, GenConfig};

fn market() -> Market {
    let cfg = GenConfig {
        seed: 11,
        years: 3,
        ..GenConfig::default()
    };
    generate(&cfg, &|_, _| {}).expect("generate")
}

#[test]
fn no_state_holds_a_line_that_stopped_trading_before_it_took_effect() {
    let m = market();
    let cal = rankday_calendar::ReconCalendar::russell();
    let policy = Policy::russell();
    let h = run_history(&m, &cal, &policy, HistoryOptions::default(), &|_, _| {}).unwrap();
    let last = m.last_date().unwrap();
    let mut states = 0;
    for s in &h.states {
        let through = s.effective_date.min(last);
        for r in s.rows.iter().filter(|r| !r.indexes.is_empty()) {
            assert_eq!(
                stopped_before(&m, r.sec, through),
                None,
                "{} is a member from {} though it stopped trading",
                m.security(r.sec).security_id,
                s.effective_date
            );
        }
        states += 1;
    }
    assert!(states >= 4, "{states} states");

    // The rule did work: each reconstitution run bare (as on rank day)
    // lists members that stopped before the effective date, and the
    // history's state turns those that were members into deletions.
    let mut bare_gone = 0;
    for (k, rc) in h.recons.iter().enumerate() {
        let prev = k.checked_sub(1).map(|_| &rc.previous);
        let bare = reconstitute_held(&m, &ReconSpec::of(&rc.event, &cal), prev, &policy).unwrap();
        let through = rc.event.effective_date.min(last);
        for r in bare
            .membership
            .rows
            .iter()
            .filter(|r| !r.indexes.is_empty())
        {
            if stopped_before(&m, r.sec, through).is_none() {
                continue;
            }
            bare_gone += 1;
            let kept = rc.result.membership.rows.iter().find(|x| x.sec == r.sec);
            match r.change {
                Change::Add => assert!(kept.is_none(), "a gone addition is left out"),
                _ => {
                    let kept = kept.expect("a gone member stays as a deletion");
                    assert_eq!(
                        (kept.change, kept.indexes),
                        (Change::Delete, IndexSet::EMPTY)
                    );
                }
            }
        }
    }
    println!("{bare_gone} member lines of the bare reconstitutions had stopped trading");
    assert!(bare_gone > 0, "the market must exercise the rule");
}
