//! The job library's own contract, on a small generated market: the
//! history is made once per job and remade when what decides it changes;
//! given states and the history give the same levels; the steps' errors
//! name what was asked and what exists; the output tables have the
//! documented columns.

use std::sync::{Arc, OnceLock};

use rankday_core::{Date, IndexId, Market};
use rankday_method::Policy;
use rankday_pipeline::{tables, CalcSettings, Job, PipelineError};
use rankday_synth::{generate, GenConfig};

/// Three years, 2,500 lines: three June reconstitutions with IPO rounds and a
/// Russell 2000 of 500-700 lines (at 1,500 the Russell 1000 takes nearly every
/// eligible line).
fn market() -> Arc<Market> {
    static M: OnceLock<Arc<Market>> = OnceLock::new();
    M.get_or_init(|| {
        let cfg = GenConfig {
            seed: 11,
            years: 3,
            target_lines: 2500,
            ..GenConfig::default()
        };
        Arc::new(generate(&cfg, &|_, _| {}).expect("generate"))
    })
    .clone()
}

fn job() -> Job {
    Job::new(market()).expect("job")
}

#[test]
fn the_history_is_made_once_and_remade_when_the_policy_changes() {
    let job = job();
    let first: *const _ = job.history().unwrap();
    let again: *const _ = job.history().unwrap();
    assert!(std::ptr::eq(first, again), "one history per job");
    assert!(job.history().unwrap().recons.len() >= 2);
    // The levels after a made history reuse it.
    let (h, _) = job.history_and_levels().unwrap();
    assert!(std::ptr::eq(first, h));

    // A stricter float screen is a different history.
    let mut policy = Policy::russell();
    policy.eligibility.min_float_pct = 60.0;
    let job = job.with_policy(policy);
    let strict = job.history().unwrap();
    let loose = Job::new(market()).unwrap();
    let loose = loose.history().unwrap();
    assert_ne!(
        strict.states.last().unwrap().count(IndexId::R3000E),
        loose.states.last().unwrap().count(IndexId::R3000E),
        "the history follows the policy it was given"
    );
}

#[test]
fn given_states_give_the_levels_of_the_history_they_came_from() {
    let job = job();
    let (history, beside) = job.history_and_levels().unwrap();
    let given = Job::new(market())
        .unwrap()
        .with_membership(history.states.clone())
        .levels()
        .unwrap();
    assert!(given == beside, "same states, same levels, bit for bit");
    // Only the indexes asked for.
    let r2000 = Job::new(market())
        .unwrap()
        .with_calc(CalcSettings {
            indexes: vec![IndexId::R2000],
            ..CalcSettings::default()
        })
        .levels()
        .unwrap();
    assert!(r2000.levels.iter().all(|l| l.index == IndexId::R2000));
    let from_family: Vec<_> = beside
        .levels
        .iter()
        .filter(|l| l.index == IndexId::R2000)
        .collect();
    assert_eq!(r2000.levels.len(), from_family.len());
}

#[test]
fn a_date_that_is_not_a_rank_day_is_refused_naming_the_rank_days() {
    let job = job();
    let rank_days: Vec<Date> = job
        .history()
        .unwrap()
        .recons
        .iter()
        .map(|r| r.event.rank_date)
        .collect();
    let last = *rank_days.last().unwrap();
    let one = job.reconstitutions(Some(last)).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].event.rank_date, last);
    let all = job.reconstitutions(None).unwrap();
    assert_eq!(all.len(), rank_days.len());

    let wrong = last.add_days(1);
    match job.reconstitutions(Some(wrong)) {
        Err(e @ PipelineError::NotARankDay { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(&wrong.to_string()), "{msg}");
            assert!(
                msg.contains(&last.to_string()),
                "names the rank days: {msg}"
            );
        }
        other => panic!("expected NotARankDay, got {other:?}"),
    }
    match job.explain("NO-SUCH-LINE", last) {
        Err(e @ PipelineError::UnknownSecurity { .. }) => {
            assert!(e.to_string().contains("NO-SUCH-LINE"), "{e}");
        }
        other => panic!("expected UnknownSecurity, got {other:?}"),
    }
}

#[test]
fn flows_refuse_a_date_without_a_reconstitution_and_the_first_one() {
    let job = job();
    let history = job.history().unwrap();
    let first = history.recons[0].event.effective_date;
    assert!(matches!(
        job.realised_flows(first),
        Err(PipelineError::FirstRecon)
    ));
    assert!(matches!(
        job.realised_flows(first.add_days(1)),
        Err(PipelineError::NoReconEffective { .. })
    ));
    let last = job.last_realised_flows().expect("a later reconstitution");
    assert!(last.effective_date > first);
    assert!(!last.rows.is_empty());
}

#[test]
fn output_tables_have_the_documented_columns() {
    let job = job();
    let (history, levels) = job.history_and_levels().unwrap();
    let names = |t: &rankday_io::Table| -> Vec<String> {
        t.columns.iter().map(|(n, _)| n.clone()).collect()
    };
    let calc = tables::calc(job.market(), &levels);
    let order: Vec<&str> = calc.iter().map(|(n, _)| *n).collect();
    assert_eq!(order, ["levels", "divisors", "halts"]);
    assert_eq!(
        names(&calc[0].1),
        [
            "date",
            "index",
            "price_return",
            "total_return",
            "net_return",
            "divisor",
            "market_value",
            "constituents"
        ]
    );
    assert_eq!(calc[0].1.n_rows(), levels.levels.len());
    assert_eq!(
        names(&calc[2].1),
        ["security_id", "ticker", "from", "to", "trading_days"]
    );
    for (_, t) in &calc {
        t.check().unwrap();
    }
    let fund = job.fund().unwrap();
    let f = tables::fund(job.market(), &fund);
    assert_eq!(f[0].1.n_rows(), fund.days.len());
    assert_eq!(f[1].1.n_rows(), fund.trades.len());
    let m = tables::membership(job.market(), &history.states);
    m.check().unwrap();
    assert!(m.n_rows() > 0);
}
