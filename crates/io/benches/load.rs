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
    b.build().map_err(|e| e.0).unwrap()
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

fn run(label: &str, m: &Market, format: FileFormat, base: &Path) -> Market {
    let dir = base.join(label);
    let n = m.n_rows() as f64;
    let t = Instant::now();
    write_market(m, &dir, format).unwrap();
    let tw = t.elapsed().as_secs_f64();
    let size = dir_size(&dir, "daily");
    let t = Instant::now();
    let back = read_market(&dir).unwrap();
    let tr = t.elapsed().as_secs_f64();
    assert_eq!(back.n_rows(), m.n_rows());
    println!(
        "{label:8} rows {:>11}  write {:6.2}s {:>6.2} M rows/s  load {:6.2}s {:>6.2} M rows/s  daily file {:>8.1} MB ({:.1} B/row)",
        m.n_rows(),
        tw,
        n / tw / 1e6,
        tr,
        n / tr / 1e6,
        size as f64 / 1e6,
        size as f64 / n.max(1.0)
    );
    back
}

fn main() {
    // `cargo bench` passes `--bench`; a plain main ignores it.
    let tmp = tempfile::tempdir().unwrap();
    println!("threads: {}", rayon::current_num_threads());
    let (pq_market, csv_market) = match std::env::var("RANKDAY_BENCH_MARKET") {
        Ok(dir) => {
            let t = Instant::now();
            let m = read_market(Path::new(&dir)).unwrap();
            println!(
                "loaded {dir}: {} rows in {:.2}s",
                m.n_rows(),
                t.elapsed().as_secs_f64()
            );
            (m.clone(), m)
        }
        Err(_) => {
            let rows = env_usize("RANKDAY_BENCH_ROWS", 60_000_000);
            let csv_rows = env_usize("RANKDAY_BENCH_CSV_ROWS", 5_000_000);
            let t = Instant::now();
            let csv_m = synthetic(csv_rows);
            println!(
                "built synthetic CSV panel ({csv_rows} rows) in {:.2}s",
                t.elapsed().as_secs_f64()
            );
            let csv_back = run("csv", &csv_m, FileFormat::Csv, tmp.path());
            drop((csv_m, csv_back));
            let t = Instant::now();
            let m = synthetic(rows);
            println!(
                "built synthetic Parquet panel ({rows} rows) in {:.2}s; VmHWM {}",
                t.elapsed().as_secs_f64(),
                vm_hwm()
            );
            (m, Market::clone(&synthetic(0)))
        }
    };
    if std::env::var("RANKDAY_BENCH_MARKET").is_ok() {
        let b = run("csv", &csv_market, FileFormat::Csv, tmp.path());
        drop(b);
    }
    drop(csv_market);
    let back = run("parquet", &pq_market, FileFormat::Parquet, tmp.path());
    println!(
        "peak RSS after Parquet load (VmHWM, includes the source panel): {}",
        vm_hwm()
    );
    drop(back);
}
