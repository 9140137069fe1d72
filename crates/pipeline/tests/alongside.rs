//! The full job as the CLI runs it, the levels beside the reconstitution
//! history (`Job::history_and_levels`, also the peers bench's timing),
//! gives the states and levels of the history followed by the levels, bit
//! for bit, on one thread and on two, on a generated market with its June
//! reconstitutions, IPO rounds and every kind of corporate action.

use std::sync::Arc;

use rankday_pipeline::Job;
use rankday_synth::{generate, GenConfig};

#[test]
fn levels_beside_the_history_equal_levels_after_it() {
    // 2,500 lines: a Russell 2000 of 500-700 lines throughout.
    let cfg = GenConfig {
        seed: 11,
        years: 3,
        target_lines: 2500,
        ..GenConfig::default()
    };
    let t = std::time::Instant::now();
    let market = Arc::new(generate(&cfg, &|_, _| {}).expect("generate"));
    let job = Job::new(market.clone()).unwrap();
    let states = job.history().unwrap().states.clone();
    assert!(
        states.len() >= 6,
        "recons and IPO rounds: {} states",
        states.len()
    );
    // The history is made: these levels run after it.
    let after = job.levels().unwrap();
    println!("{} states, {:.2?} to here", states.len(), t.elapsed());
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (states2, beside) = pool.install(|| {
            let job = Job::new(market.clone()).unwrap();
            let (history, levels) = job.history_and_levels().unwrap();
            (history.states.clone(), levels)
        });
        assert!(states2 == states, "states differ on {threads} threads");
        assert_eq!(beside.levels.len(), after.levels.len());
        for (x, y) in after.levels.iter().zip(&beside.levels) {
            assert_eq!(x.price_return.to_bits(), y.price_return.to_bits(), "{x:?}");
            assert_eq!(x.total_return.to_bits(), y.total_return.to_bits(), "{x:?}");
        }
        assert!(beside == after, "outputs differ on {threads} threads");
    }
}
