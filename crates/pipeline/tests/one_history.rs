//! One history, one answer: a reconstitution asked for alone (`rankday
//! reconstitute --rank-date`, `rankday explain`) is the full history's, IPO
//! rounds and quarterly updates before it included, and starts from what the
//! index held after the close of its rank day.

use std::sync::Arc;

use rankday_core::{Change, StateKind};
use rankday_pipeline::Job;
use rankday_synth::{generate, GenConfig};

#[test]
fn a_rank_day_alone_is_the_full_historys() {
    let cfg = GenConfig {
        seed: 1,
        years: 3,
        ..GenConfig::default()
    };
    let market = Arc::new(generate(&cfg, &|_, _| {}).expect("generate"));
    let job = Job::new(market.clone()).unwrap();
    let history = job.history().unwrap();
    let last = market.last_date().unwrap();
    // The last reconstitution in effect inside the history, with IPO rounds
    // before it.
    let k = history
        .recons
        .iter()
        .rposition(|r| r.event.effective_date <= last)
        .unwrap();
    let full = &history.recons[k];
    let d = full.event.rank_date;
    let since = history.recons[k - 1].event.effective_date;
    // The IPO rounds between the reconstitution before and this rank day.
    let rounds: Vec<_> = history
        .states
        .iter()
        .filter(|s| {
            s.kind == StateKind::Additions && s.effective_date > since && s.effective_date < d
        })
        .collect();
    assert!(!rounds.is_empty(), "IPO rounds between {since} and {d}");

    let alone = Job::new(market.clone()).unwrap();
    let alone = &alone.reconstitutions(Some(d)).unwrap()[0];
    assert!(alone.result.membership == full.result.membership);
    let key = |h: &rankday_calc::Held| -> Vec<(u32, u16, u64)> {
        h.state
            .rows
            .iter()
            .map(|r| (r.sec.0, r.indexes.0, r.index_shares.to_bits()))
            .collect()
    };
    assert_eq!(key(&alone.previous), key(&full.previous));

    // A line an IPO round added since the last reconstitution and the index
    // still held on rank day: its explanation starts from that holding, not
    // from "none" (the last reconstitution's membership).
    let ipo = rounds
        .iter()
        .flat_map(|s| s.rows.iter().filter(|r| r.change == Change::Add))
        .find_map(|r| {
            full.previous
                .state
                .rows
                .iter()
                .find(|h| h.sec == r.sec && !h.indexes.is_empty())
        })
        .expect("an IPO line held on rank day");
    let id = &market.security(ipo.sec).security_id;
    let e = job.explain(id, d).unwrap().to_string();
    let held: Vec<&str> = ipo.indexes.iter().map(|i| i.as_str()).collect();
    assert!(
        e.contains(&format!("previous membership: {}", held.join(", "))),
        "{e}"
    );
    assert!(!e.contains("previous membership: none"), "{e}");
}
