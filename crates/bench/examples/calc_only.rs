use std::time::Instant;
fn main() -> anyhow::Result<()> {
    let dir = std::env::args().nth(1).unwrap();
    let m = rankday_io::read_market(std::path::Path::new(&dir))?;
    let cal = rankday_bench::calendar(&m)?;
    let policy = rankday_method::Policy::russell();
    let states = rankday_bench::history(&m, &cal, &policy, true)?;
    let cfg = rankday_bench::calc_config(&m, &cal, true);
    for threads in [1, 2, 1, 2, 1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            let out = pool.install(|| rankday_calc::calculate(&m, &states, &cfg))?;
            best = best.min(t.elapsed().as_secs_f64());
            std::hint::black_box(out);
        }
        println!("threads {threads}: calc {best:.4} s");
    }
    Ok(())
}
