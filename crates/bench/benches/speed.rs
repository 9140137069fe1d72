//! End to end: loading a market and `rankday calc` against polars's and
//! pyarrow's reader of the same file, the job on one and two threads, and a
//! pass over the price column, in one run, with a verdict on each target of
//! the speed work. Run:
//!
//! ```text
//! pip install -r benches/peers/requirements.txt
//! cargo build --release -p rankday
//! cargo bench -p rankday-bench --bench speed
//! ```
//!
//! Environment: `RANKDAY_BENCH_MARKET=DIR`, a market directory with a
//! `daily.parquet`, else the bench generates `rankday generate --years 50
//! --seed 7` into a temporary directory (`RANKDAY_BENCH_YEARS`,
//! `RANKDAY_BENCH_SEED`) and removes it after; `RANKDAY_BENCH_REPS` (3)
//! repetitions of everything, interleaved (polars, pyarrow, rankday's load,
//! `rankday calc`; then the job at 1 and 2 threads), best kept and every
//! run printed; `RANKDAY_BIN`, the `rankday` binary (default: the release
//! build beside this bench).
//!
//! What is timed:
//! * peers: `python3 benches/peers/read_parquet.py polars|pyarrow FILE`,
//!   a fresh process each, the read alone (not the interpreter's start);
//! * rankday's load: `rankday_io::read_market` of the directory in a fresh
//!   process (this bench run again with `--probe-load DIR`), with its peak
//!   RSS (`VmHWM`), against the in-memory size of the columns loaded (the
//!   six `daily` columns at the store's widths: 4-byte dates and ids, four
//!   8-byte values, 40 bytes a row; Arrow's widths for the same columns),
//!   and, in the same process after it, the semantic checks the load ran
//!   (`rankday_io::validate::check_loaded`) timed alone: their share;
//! * `rankday calc --market DIR --out TMP`: wall time of the command,
//!   loading, the job, and writing levels, divisors and halts;
//! * the job as `rankday calc` runs it (every rank day with its IPO
//!   rounds, the levels of the nine indexes beside them,
//!   `rankday_pipeline::Job::history_and_levels`) in rayon pools of 1 and 2
//!   threads, from the market in memory; bit-identical at both or the
//!   bench fails;
//! * one pass over the close column (the sum of its finite values).
//!
//! Two probes for profiling (`perf record` of the bench binary, found with
//! `cargo bench -p rankday-bench --bench speed --no-run`): `--probe-load
//! DIR` loads once; `--probe-job DIR [REPS]` loads once, then runs the job
//! on 1 and 2 threads, and the levels alone from the history's states on
//! one thread (the part that runs day after day), printing each time.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rankday_bench::same_bits;
use rankday_calc::CalcOutput;
use rankday_core::Market;
use rankday_io::FileFormat;

/// Bytes a row of the six `daily` columns takes in memory once loaded.
const COLUMN_BYTES_PER_ROW: u64 = 4 + 4 + 4 * 8;

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// `key=value` fields of the last line starting with `tag`.
fn fields(out: &str, tag: &str) -> anyhow::Result<Vec<(String, String)>> {
    let line = out
        .lines()
        .rfind(|l| l.starts_with(tag))
        .with_context(|| format!("no {tag} line in:\n{out}"))?;
    Ok(line
        .split_whitespace()
        .filter_map(|f| f.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

fn field<T: std::str::FromStr>(f: &[(String, String)], key: &str) -> anyhow::Result<T> {
    f.iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
        .with_context(|| format!("no number {key}= in {f:?}"))
}

fn run(cmd: &mut Command) -> anyhow::Result<(Duration, String)> {
    let t = Instant::now();
    let o = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    let wall = t.elapsed();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    if !o.status.success() {
        bail!(
            "{cmd:?} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    Ok((wall, stdout))
}

/// The child side of `--probe-load DIR`: load, report time and peak RSS.
fn probe_load(dir: &Path) -> anyhow::Result<()> {
    let t = Instant::now();
    let m = rankday_io::read_market(dir)?;
    let seconds = secs(t.elapsed());
    let rss_kb = vm_hwm_kb().unwrap_or(0);
    // The semantic checks again, alone: their share of the load.
    let daily = ["daily.parquet", "daily.csv"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
        .context("no daily table")?;
    let t = Instant::now();
    rankday_io::validate::check_loaded(&m, &daily, &rankday_io::Checks::default())?;
    let checks = secs(t.elapsed());
    println!(
        "PROBE seconds={seconds:.4} rows={} rss_kb={rss_kb} checks={checks:.4}",
        m.n_rows(),
    );
    Ok(())
}

/// `--probe-job DIR [REPS]`: loads the market once, then runs the job
/// `REPS` times on 1 and on 2 threads, interleaved, printing each time: a
/// process to profile the job alone in (`perf record`), the load left out.
fn probe_job(dir: &Path, reps: usize) -> anyhow::Result<()> {
    let market = Arc::new(rankday_io::read_market(dir)?);
    for rep in 0..reps {
        for threads in [1, 2] {
            let (t, _) = job(&market, threads)?;
            println!(
                "PROBE-JOB rep={rep} threads={threads} seconds={:.4}",
                secs(t)
            );
        }
    }
    // The levels alone from the history's states (one thread): the part of
    // the job that runs day after day, whatever the cores.
    let j = rankday_bench::job(market.clone(), true)?;
    let cfg = j.calc_config();
    let states = j.history_and_levels()?.0.states.clone();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    for rep in 0..reps {
        let t = Instant::now();
        pool.install(|| rankday_calc::calculate(&market, &states, &cfg))?;
        println!(
            "PROBE-LEVELS rep={rep} threads=1 seconds={:.4}",
            secs(t.elapsed())
        );
    }
    Ok(())
}

fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

/// CPU model, logical cores and memory, from /proc.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or_else(
            || "memory unknown".into(),
            |kb| format!("{:.1} GiB", kb / (1 << 20) as f64),
        );
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} logical cores, {mem}")
}

/// The job as `rankday calc` runs it, in a pool of `threads`.
fn job(market: &Arc<Market>, threads: usize) -> anyhow::Result<(Duration, CalcOutput)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    pool.install(|| {
        let t = Instant::now();
        let job = rankday_bench::job(market.clone(), true)?;
        let (_, out) = job.history_and_levels()?;
        Ok((t.elapsed(), out))
    })
}

/// Timings of one measure over the repetitions, in run order.
#[derive(Default)]
struct Runs(Vec<f64>);

impl Runs {
    fn best(&self) -> f64 {
        self.0.iter().copied().fold(f64::INFINITY, f64::min)
    }
    fn list(&self, unit: &str) -> String {
        self.0
            .iter()
            .map(|x| format!("{x:.3}{unit}"))
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--probe-load") {
        let dir = args.get(i + 1).context("--probe-load needs a directory")?;
        return probe_load(Path::new(dir));
    }
    if let Some(i) = args.iter().position(|a| a == "--probe-job") {
        let dir = args.get(i + 1).context("--probe-job needs a directory")?;
        let reps: usize = args.get(i + 2).map_or(Ok(10), |r| r.parse())?;
        return probe_job(Path::new(dir), reps);
    }
    let reps: usize = env_num("RANKDAY_BENCH_REPS", 3).max(1);
    let exe = std::env::current_exe()?;
    let bin = match std::env::var_os("RANKDAY_BIN") {
        Some(b) => PathBuf::from(b),
        // The bench runs from target/<profile>/deps; the binary is built in
        // target/release.
        None => exe
            .parent()
            .and_then(Path::parent)
            .and_then(Path::parent)
            .map(|t| t.join("release").join("rankday"))
            .context("locating the rankday binary")?,
    };
    if !bin.is_file() {
        bail!(
            "no rankday binary at {}: run `cargo build --release -p rankday` first (or set RANKDAY_BIN)",
            bin.display()
        );
    }
    let peers_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/peers");
    let work = std::env::temp_dir().join(format!("rankday-speed-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let result = bench(reps, &bin, &exe, &peers_dir, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn bench(reps: usize, bin: &Path, exe: &Path, peers_dir: &Path, work: &Path) -> anyhow::Result<()> {
    let market_dir = match std::env::var_os("RANKDAY_BENCH_MARKET") {
        Some(d) => PathBuf::from(d),
        None => {
            let years: u32 = env_num("RANKDAY_BENCH_YEARS", 50);
            let seed: u64 = env_num("RANKDAY_BENCH_SEED", 7);
            let t = Instant::now();
            let cfg = rankday_synth::GenConfig {
                seed,
                years,
                ..rankday_synth::GenConfig::default()
            };
            let m = rankday_pipeline::generate(&cfg, &rankday_pipeline::Silent)?;
            let dir = work.join("market");
            rankday_io::write_market(&m, &dir, FileFormat::Parquet)?;
            println!(
                "market: generated, {years} years, seed {seed} ({:.1} s)",
                secs(t.elapsed())
            );
            dir
        }
    };
    let daily = market_dir.join("daily.parquet");
    anyhow::ensure!(
        daily.is_file(),
        "{} has no daily.parquet (the peers read Parquet)",
        market_dir.display()
    );
    println!("machine: {}", machine());
    println!(
        "market: {} (daily.parquet {:.1} MB); {reps} repetitions, interleaved",
        market_dir.display(),
        std::fs::metadata(&daily)?.len() as f64 / 1e6
    );

    // 1. Processes: the peers' reads, rankday's load, the command.
    let (mut polars, mut pyarrow) = (Runs::default(), Runs::default());
    let (mut load, mut rss, mut calc) = (Runs::default(), Runs::default(), Runs::default());
    let mut checks = Runs::default();
    let mut rows = 0u64;
    let mut peer_rows = Vec::new();
    let script = peers_dir.join("read_parquet.py");
    for rep in 0..reps {
        for (name, runs) in [("polars", &mut polars), ("pyarrow", &mut pyarrow)] {
            let (_, out) = run(Command::new("python3").arg(&script).arg(name).arg(&daily))
                .with_context(|| {
                    "the peers need polars and pyarrow: pip install -r benches/peers/requirements.txt"
                })?;
            let f = fields(&out, "READ ")?;
            runs.0.push(field(&f, "seconds")?);
            peer_rows.push(field::<u64>(&f, "rows")?);
        }
        let (_, out) = run(Command::new(exe).arg("--probe-load").arg(&market_dir))?;
        let f = fields(&out, "PROBE ")?;
        load.0.push(field(&f, "seconds")?);
        checks.0.push(field(&f, "checks")?);
        rss.0.push(field::<f64>(&f, "rss_kb")? * 1024.0);
        rows = field(&f, "rows")?;
        let out_dir = work.join(format!("calc-{rep}"));
        let (wall, _) = run(Command::new(bin)
            .arg("calc")
            .arg("--market")
            .arg(&market_dir)
            .arg("--out")
            .arg(&out_dir))?;
        calc.0.push(secs(wall));
        let _ = std::fs::remove_dir_all(&out_dir);
        println!(
            "run {}: polars {:.3} s, pyarrow {:.3} s, rankday load {:.3} s ({:.2} GB peak), rankday calc {:.3} s",
            rep + 1,
            polars.0[rep],
            pyarrow.0[rep],
            load.0[rep],
            rss.0[rep] / 1e9,
            calc.0[rep]
        );
    }
    anyhow::ensure!(
        peer_rows.iter().all(|&r| r == rows),
        "the peers read {peer_rows:?} rows, rankday {rows}"
    );

    // 2. The job in memory, 1 and 2 threads interleaved, and the pass.
    let market = Arc::new(rankday_io::read_market(&market_dir)?);
    let (mut job1, mut job2) = (Runs::default(), Runs::default());
    let mut first: Option<CalcOutput> = None;
    for _ in 0..reps {
        for (threads, runs) in [(1usize, &mut job1), (2, &mut job2)] {
            let (t, out) = job(&market, threads)?;
            runs.0.push(secs(t));
            match &first {
                None => first = Some(out),
                Some(f) => anyhow::ensure!(
                    same_bits(f, &out),
                    "levels differ between runs ({threads} threads)"
                ),
            }
        }
    }
    let (_, close, ..) = market.columns();
    let mut pass = Duration::MAX;
    for _ in 0..20 {
        let t = Instant::now();
        std::hint::black_box(rankday_bench::sum_closes(std::hint::black_box(close)));
        pass = pass.min(t.elapsed());
    }
    let pass = secs(pass);

    // 3. Report.
    let columns = rows as f64 * COLUMN_BYTES_PER_ROW as f64;
    println!("\n== speed: best of {reps} (every run in run order) ==");
    let line = |what: &str, r: &Runs| println!("{what:<46} {:>8.3} s   {}", r.best(), r.list(""));
    line("polars.read_parquet (daily.parquet)", &polars);
    line("pyarrow.parquet.read_table (daily.parquet)", &pyarrow);
    line("rankday load (read_market, whole directory)", &load);
    println!(
        "{:<46} {:>8.2} GB  {} (columns loaded: {:.2} GB, {rows} rows x {COLUMN_BYTES_PER_ROW} B)",
        "rankday load peak RSS",
        rss.best() / 1e9,
        rss.0
            .iter()
            .map(|x| format!("{:.2}", x / 1e9))
            .collect::<Vec<_>>()
            .join(" / "),
        columns / 1e9
    );
    line("  of which the semantic checks (validate)", &checks);
    line("rankday calc (command, wall)", &calc);
    line("job in memory, 1 thread", &job1);
    line("job in memory, 2 threads", &job2);
    println!("{:<46} {pass:>8.4} s", "one pass over the close column");
    let (p, l, c, j1, j2) = (
        polars.best(),
        load.best(),
        calc.best(),
        job1.best(),
        job2.best(),
    );
    let per_run = |f: &dyn Fn(usize) -> f64| {
        (0..reps)
            .map(|k| format!("{:.2}", f(k)))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    println!("\n== targets (ratio of the best figures; each run's ratio after it) ==");
    let target = |what: &str, ratio: f64, limit: f64, runs: String| {
        println!(
            "{what:<52} {ratio:>6.2} <= {limit:<4} {}   runs: {runs}",
            verdict(ratio <= limit)
        );
    };
    target(
        "load / polars read",
        l / p,
        1.0,
        per_run(&|k| load.0[k] / polars.0[k]),
    );
    println!(
        "{:<52} {:>6.2}      (pyarrow / polars {:.2})",
        "load / pyarrow read",
        l / pyarrow.best(),
        pyarrow.best() / p
    );
    println!(
        "{:<52} {:>6.2}      (runs: {})",
        "semantic checks / load",
        checks.best() / l,
        per_run(&|k| checks.0[k] / load.0[k])
    );
    target(
        "load peak RSS / columns loaded",
        rss.best() / columns,
        1.5,
        per_run(&|k| rss.0[k] / columns),
    );
    target(
        "calc / (polars read + job on 2 threads)",
        c / (p + j2),
        1.5,
        per_run(&|k| calc.0[k] / (polars.0[k] + job2.0[k])),
    );
    target(
        "job on 2 threads / job on 1 thread",
        j2 / j1,
        0.6,
        per_run(&|k| job2.0[k] / job1.0[k]),
    );
    target(
        "job on 2 threads / one pass",
        j2 / pass,
        3.0,
        per_run(&|k| job2.0[k] / pass),
    );
    println!("{:<52} {:>6.2}", "job on 1 thread / one pass", j1 / pass);
    Ok(())
}
