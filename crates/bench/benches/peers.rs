//! The full-history job against idiomatic pandas and polars peers
//! (issue 4, item 7). Run:
//!
//! ```text
//! pip install -r benches/peers/requirements.txt
//! cargo bench -p rankday-bench --bench peers
//! ```
//!
//! Environment: `RANKDAY_BENCH_MARKET=DIR` loads a market instead of
//! generating one; `RANKDAY_BENCH_YEARS` (50) and `RANKDAY_BENCH_SEED` (7)
//! size the generated one (`rankday generate --years 50 --seed 7`);
//! `RANKDAY_BENCH_REPS` (3) repetitions of each rankday timing, best kept,
//! threads 1 and 2 interleaved; `RANKDAY_BENCH_PEER_REPS` (1);
//! `RANKDAY_BENCH_PEERS` (`polars,pandas`; empty skips them);
//! `RANKDAY_BENCH_WORK=DIR` where the exported Parquet and the peers' levels
//! go (default a fresh directory under the system temp dir, removed after).
//!
//! What is timed, and the scope of the comparison, are printed with the
//! results and documented in `benches/peers/README.md`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;
use std::sync::Arc;

use rankday_bench::{
    action_counts, compare, levels_from_table, levels_of, membership_table, same_bits, sum_closes,
    without_kinds,
};
use rankday_calc::CalcOutput;
use rankday_core::{ActionKind, Market, Membership};
use rankday_io::FileFormat;

const TOL: f64 = 1e-9;

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// One run of the job: (states, levels output, history time, calc time,
/// time of the whole job with the levels beside the history).
struct JobRun {
    states: Vec<Membership>,
    out: CalcOutput,
    recon: Duration,
    calc: Duration,
    together: Duration,
}

/// The job; `full`: with the quarterly share updates and IPO rounds, else
/// the comparison scope (neither, like the peers).
fn job(market: &Arc<Market>, full: bool, threads: usize) -> anyhow::Result<JobRun> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    pool.install(|| {
        let t0 = Instant::now();
        let job = rankday_bench::job(market.clone(), full)?;
        let states = job.history()?.states.clone();
        let recon = t0.elapsed();
        let t1 = Instant::now();
        // The history is made: the levels run after it.
        let out = job.levels()?;
        let calc = t1.elapsed();
        // The same job as the CLI runs it: the levels beside the history.
        let t2 = Instant::now();
        let job = rankday_bench::job(market.clone(), full)?;
        let (history, out2) = job.history_and_levels()?;
        let together = t2.elapsed();
        anyhow::ensure!(
            history.states == states && same_bits(&out, &out2),
            "the levels beside the history differ from the levels after it ({threads} threads)"
        );
        Ok(JobRun {
            states,
            out,
            recon,
            calc,
            together,
        })
    })
}

/// Best-of-`reps` timings of the job at 1 and 2 threads (interleaved), with
/// the check that every run gives bit-identical states and levels. Each
/// part is its own best (rank days, levels, the whole job), so a slow
/// levels run beside a fast rank-days run does not hide a fast levels run.
struct Timed {
    /// (rank days, levels, total one after the other, total side by side)
    /// per thread count.
    best: [(Duration, Duration, Duration, Duration); 2],
    run: JobRun,
}

fn timed_job(market: &Arc<Market>, full: bool, reps: usize) -> anyhow::Result<Timed> {
    let never = Duration::from_secs(1 << 40);
    let mut best = [(never, never, never, never); 2];
    let mut first: Option<JobRun> = None;
    for _ in 0..reps {
        for (k, threads) in [1usize, 2].into_iter().enumerate() {
            let r = job(market, full, threads)?;
            let b = &mut best[k];
            *b = (
                b.0.min(r.recon),
                b.1.min(r.calc),
                b.2.min(r.recon + r.calc),
                b.3.min(r.together),
            );
            match &first {
                None => first = Some(r),
                Some(f) => {
                    anyhow::ensure!(
                        f.states == r.states && same_bits(&f.out, &r.out),
                        "results differ between runs ({threads} threads)"
                    );
                }
            }
        }
    }
    Ok(Timed {
        best,
        run: first.expect("reps >= 1"),
    })
}

struct PeerRun {
    wall: f64,
    import: f64,
    load: f64,
    compute: f64,
    write: f64,
    levels: PathBuf,
}

fn peers_available() -> Result<(), String> {
    let o = Command::new("python3")
        .args(["-c", "import pandas, polars, pyarrow, numpy"])
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).trim().to_string())
    }
}

fn run_peer(
    script: &Path,
    market: &Path,
    membership: &Path,
    out: &Path,
) -> anyhow::Result<PeerRun> {
    let t0 = Instant::now();
    let o = Command::new("python3")
        .arg(script)
        .arg(market)
        .arg(membership)
        .arg(out)
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    let wall = secs(t0.elapsed());
    let stdout = String::from_utf8_lossy(&o.stdout);
    anyhow::ensure!(
        o.status.success(),
        "{} failed:\n{}\n{}",
        script.display(),
        stdout,
        String::from_utf8_lossy(&o.stderr)
    );
    // The script's last line: `TIMES import=.. load=.. compute=.. write=..`.
    let line = stdout
        .lines()
        .rfind(|l| l.starts_with("TIMES "))
        .with_context(|| format!("{} printed no TIMES line:\n{stdout}", script.display()))?;
    let get = |k: &str| -> f64 {
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    Ok(PeerRun {
        wall,
        import: get("import"),
        load: get("load"),
        compute: get("compute"),
        write: get("write"),
        levels: out.to_path_buf(),
    })
}

/// Writes what the peers read: the market (format 1, Parquet) and the
/// membership states.
fn export(
    market: &Market,
    states: &[Membership],
    work: &Path,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let mdir = work.join("market");
    rankday_io::write_market(market, &mdir, FileFormat::Parquet)?;
    let mem = rankday_io::write_table(
        work,
        "membership",
        &membership_table(market, states),
        FileFormat::Parquet,
    )?;
    Ok((mdir, mem))
}

fn main() -> anyhow::Result<()> {
    let years: u32 = env_num("RANKDAY_BENCH_YEARS", 50);
    let seed: u64 = env_num("RANKDAY_BENCH_SEED", 7);
    let reps: usize = env_num("RANKDAY_BENCH_REPS", 3).max(1);
    let peer_reps: usize = env_num("RANKDAY_BENCH_PEER_REPS", 1).max(1);
    let peers: Vec<String> = std::env::var("RANKDAY_BENCH_PEERS")
        .unwrap_or_else(|_| "polars,pandas".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let peer_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/peers");

    // The market.
    let t0 = Instant::now();
    let (market, source): (Market, String) = match std::env::var_os("RANKDAY_BENCH_MARKET") {
        Some(dir) => (
            rankday_io::read_market(Path::new(&dir))?,
            format!("loaded from {}", PathBuf::from(dir).display()),
        ),
        None => {
            let cfg = rankday_synth::GenConfig {
                seed,
                years,
                ..rankday_synth::GenConfig::default()
            };
            (
                rankday_synth::generate(&cfg, &|_, _| {})?,
                format!("generated, {years} years, seed {seed}"),
            )
        }
    };
    println!(
        "market: {source} ({:.1} s): {} rows, {} trading days {}..{}, {} securities, {} actions",
        secs(t0.elapsed()),
        market.n_rows(),
        market.n_days(),
        market
            .first_date()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        market
            .last_date()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        market.n_securities(),
        market.actions().len()
    );
    let counts: Vec<String> = action_counts(&market)
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("actions by kind: {}", counts.join(", "));
    println!(
        "machine: {} logical cores; rankday timings best of {reps}, threads 1 and 2 interleaved",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // 1. The full job, as `rankday calc` runs it.
    let market = Arc::new(market);
    let full = timed_job(&market, true, reps)?;
    println!(
        "full job (all action kinds, quarterly share updates, IPO rounds): {} states, {} level rows; identical at 1 and 2 threads: yes",
        full.run.states.len(),
        full.run.out.levels.len()
    );

    // 2. One pass over the price column in memory.
    let (_, close, ..) = market.columns();
    let mut one_pass = Duration::MAX;
    let mut sum = 0.0;
    for _ in 0..20 {
        let t = Instant::now();
        sum = std::hint::black_box(sum_closes(std::hint::black_box(close)));
        one_pass = one_pass.min(t.elapsed());
    }
    println!(
        "one pass over the close column ({} values, sum {sum:.6e}): {:.4} s",
        close.len(),
        secs(one_pass)
    );
    // 3. The levels' own row loop alone, without any event (made-up
    // holdings): the floor of the levels on this machine. How far it sits
    // above the pass depends on the machine (memory bandwidth against
    // compute), so the report shows both.
    let (shares, masks) = rankday_bench::floor_holdings();
    let mut row_loop = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(rankday_calc::bench_row_loop(&market, &shares, &masks));
        row_loop = row_loop.min(t.elapsed());
    }

    // 3. The comparison job: the kinds the peers implement, no share updates,
    // no IPO rounds (the peers apply every state as a full reconstitution).
    let dropped = [ActionKind::SpinOff];
    let cmp_market = Arc::new(without_kinds(&market, &dropped));
    // Free the full market (gigabytes at 50 years) before the peers need memory.
    drop(market);
    let cmp = timed_job(&cmp_market, false, reps)?;

    // Export for the peers.
    let (work, remove_work) = match std::env::var_os("RANKDAY_BENCH_WORK") {
        Some(d) => (PathBuf::from(d), false),
        None => (
            std::env::temp_dir().join(format!("rankday-bench-{}", std::process::id())),
            true,
        ),
    };
    let mut peer_results: Vec<(String, PeerRun, rankday_bench::Agreement)> = Vec::new();
    if !remove_work {
        export(&cmp_market, &cmp.run.states, &work)?;
        // rankday's levels of the comparison job, for inspection.
        let t = rankday_pipeline::tables::levels(&cmp.run.out);
        rankday_io::write_table(&work, "levels_rankday", &t, FileFormat::Parquet)?;
    }
    if !peers.is_empty() {
        match peers_available() {
            Err(e) => println!(
                "\npeers skipped: the Python peers need pandas, polars, pyarrow and numpy ({e}).\n\
                 Install them with: pip install -r benches/peers/requirements.txt"
            ),
            Ok(()) => {
                let (mdir, mem) = if remove_work {
                    export(&cmp_market, &cmp.run.states, &work)?
                } else {
                    (work.join("market"), work.join("membership.parquet"))
                };
                let ours = levels_of(&cmp.run.out.levels);
                for name in &peers {
                    let script = peer_dir.join(format!("{name}_job.py"));
                    let out = work.join(format!("levels_{name}.parquet"));
                    let mut best: Option<PeerRun> = None;
                    for _ in 0..peer_reps {
                        let r = run_peer(&script, &mdir, &mem, &out)?;
                        if best.as_ref().is_none_or(|b| r.wall < b.wall) {
                            best = Some(r);
                        }
                    }
                    let best = best.expect("peer_reps >= 1");
                    let theirs = levels_from_table(&rankday_io::read_table(&best.levels)?)?;
                    let agree = compare(&ours, &theirs);
                    peer_results.push((name.clone(), best, agree));
                }
            }
        }
    }

    // Report.
    let [(r1, c1, t1, s1), (r2, c2, t2, s2)] = full.best;
    let [(cr1, cc1, ct1, _), (cr2, cc2, ct2, _)] = cmp.best;
    println!("\n== rankday (seconds, best of {reps}) ==");
    println!("{:<44} {:>10} {:>10}", "task", "1 thread", "2 threads");
    let row = |t: &str, a: Duration, b: Duration| {
        println!("{t:<44} {:>10.3} {:>10.3}", secs(a), secs(b));
    };
    row("full job: rank days + IPO rounds", r1, r2);
    row("full job: levels, 9 indexes (calc)", c1, c2);
    row("full job: total, levels after the history", t1, t2);
    row("full job: total, levels beside the history", s1, s2);
    row("comparison job: rank days", cr1, cr2);
    row("comparison job: levels (calc)", cc1, cc2);
    row("comparison job: total", ct1, ct2);
    row("one pass over the close column", one_pass, one_pass);
    row("levels' row loop alone (no events)", row_loop, row_loop);
    println!(
        "full job (levels beside the history) / one pass: {:.1}x on 1 thread, {:.1}x on 2;  full-job levels (calc) / one pass: {:.1}x on 1 thread, {:.1}x on 2; row loop alone / one pass: {:.1}x",
        secs(s1) / secs(one_pass),
        secs(s2) / secs(one_pass),
        secs(c1) / secs(one_pass),
        secs(c2) / secs(one_pass),
        secs(row_loop) / secs(one_pass)
    );
    if !peer_results.is_empty() {
        let job = secs(ct1.min(ct2));
        let calc = secs(cc1.min(cc2));
        println!(
            "\n== peers on the comparison job (seconds; spin-offs removed from the market, no quarterly share updates, no IPO rounds) =="
        );
        println!(
            "{:<8} {:>9} {:>8} {:>8} {:>9} {:>7} {:>12} {:>13} {:>11} {:>11}",
            "peer",
            "wall",
            "import",
            "load",
            "compute",
            "write",
            "wall/rankday",
            "compute/calc",
            "max rel PR",
            "max rel TR"
        );
        for (name, r, a) in &peer_results {
            println!(
                "{name:<8} {:>9.2} {:>8.2} {:>8.2} {:>9.2} {:>7.2} {:>11.1}x {:>12.1}x {:>11.2e} {:>11.2e}",
                r.wall,
                r.import,
                r.load,
                r.compute,
                r.write,
                r.wall / job,
                r.compute / calc,
                a.max_rel_price,
                a.max_rel_total
            );
        }
        println!(
            "rankday comparison job: {job:.3} s (rank days + levels), levels alone {calc:.3} s; peers read rankday's membership states (they do not rank)"
        );
        let mut ok = true;
        for (name, _, a) in &peer_results {
            let verdict = if a.within(TOL) { "OK" } else { "MISMATCH" };
            ok &= a.within(TOL);
            println!(
                "{name}: {} shared (date, index) rows, {} only in rankday, {} only in {name}; within {TOL:e}: {verdict}{}",
                a.shared,
                a.only_left,
                a.only_right,
                a.worst
                    .as_ref()
                    .map(|(d, i)| format!(" (largest difference at {d} {i})"))
                    .unwrap_or_default()
            );
        }
        if let Some((name, r, _)) = peer_results
            .iter()
            .min_by(|a, b| a.1.wall.total_cmp(&b.1.wall))
        {
            println!(
                "faster peer: {name}; rankday full comparison job is {:.1}x faster (wall), levels alone {:.1}x (peer compute only)",
                r.wall / job,
                r.compute / calc
            );
        }
        if remove_work {
            let _ = std::fs::remove_dir_all(&work);
        }
        anyhow::ensure!(
            ok,
            "a peer's levels differ from rankday's by more than {TOL:e}"
        );
    }
    Ok(())
}
