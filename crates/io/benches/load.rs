//! Load/write throughput of market-format 1 (plain main, `harness = false`).
//!
//! Builds a synthetic daily panel (or loads `RANKDAY_BENCH_MARKET`), writes
//! it as Parquet and as CSV into a temp dir, reads each back with
//! `read_market`, and prints rows/s, file sizes and peak RSS.
//!
//! Env: `RANKDAY_BENCH_ROWS` (Parquet panel rows, default 60,000,000 ≈ 5,000
//! securities × 12,600 days), `RANKDAY_BENCH_CSV_ROWS` (default 5,000,000),
//! `RANKDAY_BENCH_MARKET` (an existing market directory instead of synthetic).
//!
//! Run: `cargo bench -p rankday-io --bench load`

use std::path::Path;
use std::time::Instant;

use rankday_core::{Country, DailyRow, Date, Exchange, Market, MarketBuilder, Sec, Security};
use rankday_io::{read_market, write_market, FileFormat};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// A panel of `rows` rows: 5,000 securities (or fewer) over as many weekdays
/// as needed, prices on a deterministic walk, one unlisted line in 500.
fn synthetic(rows: usize) -> Market {
    let n_sec = 5_000.min(rows.max(1));
    let days = rows.div_ceil(n_sec);
    let mut b = MarketBuilder::with_capacity(rows);
    for i in 0..n_sec {
        let mut s = Security::us_common(&format!("S{i:05}"), &format!("C{i:05}"), &format!("T{i}"));
        if i % 500 == 499 {
            s.exchange = Exchange::Unlisted;
        }
        if i % 7 == 0 {
            s.country_assets = Some(Country(*b"GB"));
        }
        b.add_security(s).unwrap();
    }
    let mut d = Date::ymd(1976, 1, 2);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut pushed = 0;
    'outer: for _ in 0..days {
        while d.is_weekend() {
            d = d.add_days(1);
        }
        for i in 0..n_sec {
            if pushed == rows {
                break 'outer;
            }
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let unlisted = i % 500 == 499;
            let price = 5.0 + (x % 100_000) as f64 / 100.0;
            let shares = 1e6 + (i as f64) * 1e4;
            b.push_daily(DailyRow {
                date: d,
                sec: Sec(i as u32),
                close: if unlisted { f64::NAN } else { price },
                volume: if unlisted { f64::NAN } else { (x >> 40) as f64 },
                shares_outstanding: shares,
                float_shares: shares * 0.8,
            });
            pushed += 1;
        }
        d = d.add_days(1);
    }
    b.build().unwrap()
}

fn dir_size(dir: &Path, table: &str) -> u64 {
    ["csv", "parquet"]
        .iter()
        .filter_map(|e| std::fs::metadata(dir.join(format!("{table}.{e}"))).ok())
        .map(|m| m.len())
        .sum()
}

fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "n/a".into())
}

/// Writes `m` in `format`, drops it, then loads it back with the peak-RSS
/// counter reset, so the reported peak is the load's own.
fn run(label: &str, m: Market, format: FileFormat, base: &Path) {
    let dir = base.join(label);
    let rows = m.n_rows();
    let n = rows as f64;
    let t = Instant::now();
    write_market(&m, &dir, format).unwrap();
    let tw = t.elapsed().as_secs_f64();
    drop(m);
    let size = dir_size(&dir, "daily");
    // Reset VmHWM (Linux >= 4.0) so it measures the load alone.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let t = Instant::now();
    let back = read_market(&dir).unwrap();
    let tr = t.elapsed().as_secs_f64();
    assert_eq!(back.n_rows(), rows);
    println!(
        "{label:8} rows {rows:>11}  write {tw:6.2}s {:>6.2} M rows/s  load {tr:6.2}s {:>6.2} M rows/s  daily file {:>8.1} MB ({:.1} B/row)  {}VmHWM {}",
        n / tw / 1e6,
        n / tr / 1e6,
        size as f64 / 1e6,
        size as f64 / n.max(1.0),
        if reset { "load " } else { "process " },
        vm_hwm()
    );
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    println!("threads: {}", rayon::current_num_threads());
    if let Ok(dir) = std::env::var("RANKDAY_BENCH_MARKET") {
        let t = Instant::now();
        let m = read_market(Path::new(&dir)).unwrap();
        println!(
            "loaded {dir}: {} rows in {:.2}s",
            m.n_rows(),
            t.elapsed().as_secs_f64()
        );
        run("csv", m.clone(), FileFormat::Csv, tmp.path());
        run("parquet", m, FileFormat::Parquet, tmp.path());
        return;
    }
    let rows = env_usize("RANKDAY_BENCH_ROWS", 60_000_000);
    let csv_rows = env_usize("RANKDAY_BENCH_CSV_ROWS", 5_000_000);
    let t = Instant::now();
    let m = synthetic(csv_rows);
    println!(
        "synthetic CSV panel: {csv_rows} rows built in {:.2}s",
        t.elapsed().as_secs_f64()
    );
    run("csv", m, FileFormat::Csv, tmp.path());
    let t = Instant::now();
    let m = synthetic(rows);
    println!(
        "synthetic Parquet panel: {rows} rows built in {:.2}s",
        t.elapsed().as_secs_f64()
    );
    run("parquet", m, FileFormat::Parquet, tmp.path());
}
