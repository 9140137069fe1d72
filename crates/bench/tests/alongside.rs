//! The full job as the CLI runs it, the levels beside the reconstitution
//! history (`rankday_bench::history_and_levels`, the peers bench's timing),
//! gives the states and levels of the history followed by the levels, bit
//! for bit, on one thread and on two, on a generated market with its June
//! reconstitutions, IPO rounds and every kind of corporate action.

use rankday_bench::{calc_config, calendar, history, history_and_levels};
use rankday_method::Policy;
use rankday_synth::{generate, GenConfig};

#[test]
fn levels_beside_the_history_equal_levels_after_it() {
    let cfg = GenConfig {
        seed: 11,
        years: 3,
        target_lines: 1500,
        ..GenConfig::default()
    };
    let t = std::time::Instant::now();
    let market = generate(&cfg, &|_, _| {}).expect("generate");
    let cal = calendar(&market).unwrap();
    let policy = Policy::russell();
    let calc_cfg = calc_config(&market, &cal, true);
    let states = history(&market, &cal, &policy, true).unwrap();
    assert!(
        states.len() >= 6,
        "recons and IPO rounds: {} states",
        states.len()
    );
    let after = rankday_calc::calculate(&market, &states, &calc_cfg).unwrap();
    println!("{} states, {:.2?} to here", states.len(), t.elapsed());
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (states2, beside) = pool
            .install(|| history_and_levels(&market, &cal, &policy, true, &calc_cfg))
            .unwrap();
        assert!(states2 == states, "states differ on {threads} threads");
        assert_eq!(beside.levels.len(), after.levels.len());
        for (x, y) in after.levels.iter().zip(&beside.levels) {
            assert_eq!(x.price_return.to_bits(), y.price_return.to_bits(), "{x:?}");
            assert_eq!(x.total_return.to_bits(), y.total_return.to_bits(), "{x:?}");
        }
        assert!(beside == after, "outputs differ on {threads} threads");
    }
}
