//! Generation timing: `cargo bench -p rankday-synth --bench generate`
//! (env YEARS, default 50; SEED, default 7; THREADS, default all cores).
//! Prints wall seconds, rows, rows per second and the thread count.

use std::time::Instant;

use rankday_synth::{generate, GenConfig};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let years: u32 = env("YEARS", 50);
    let seed: u64 = env("SEED", 7);
    let threads: usize = env("THREADS", 0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let cfg = GenConfig {
        seed,
        years,
        ..GenConfig::default()
    };
    let t0 = Instant::now();
    let m = pool
        .install(|| generate(&cfg, &|_, _| {}))
        .expect("generate");
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "generate years={years} seed={seed} threads={}: {secs:.2} s, {} rows, {} securities, {} actions, {:.1} M rows/s",
        pool.current_num_threads(),
        m.n_rows(),
        m.n_securities(),
        m.actions().len(),
        m.n_rows() as f64 / secs / 1e6
    );
}
