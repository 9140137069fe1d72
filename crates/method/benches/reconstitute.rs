//! Reconstitution timings (plain main, `harness = false`):
//! one reconstitution of a ~5,500-line universe (target < 10 ms) and every
//! yearly rank day of a 50-year history, chained with banding (target < 1 s).
//!
//! `cargo bench -p rankday-method --bench reconstitute`
//! Environment: RANKDAY_BENCH_YEARS (default 50), RANKDAY_BENCH_LINES (5500).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use rankday_core::{Date, IndexId};
use rankday_method::{reconstitute, Policy, ReconSpec};

fn env(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn main() {
    let years = env("RANKDAY_BENCH_YEARS", 50) as u32;
    let lines = env("RANKDAY_BENCH_LINES", 5500);
    let t = Instant::now();
    let market = common::history_market(7, years, lines);
    println!(
        "market: {years} years, {} days, {} securities, {} rows, built in {:.2?}",
        market.n_days(),
        market.n_securities(),
        market.n_rows(),
        t.elapsed()
    );
    println!("rayon threads: {}", rayon::current_num_threads());
    let policy = Policy::russell();
    let last = market.last_date().unwrap();

    // One reconstitution on the last rank day (median of 15).
    let rank = Date::ymd(last.year(), 4, 30).min(last);
    let spec = ReconSpec::for_policy(rank, rank.add_days(57), false, &policy);
    let first = reconstitute(&market, &spec, None, &policy).unwrap();
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let r = reconstitute(&market, &spec, Some(&first.membership), &policy).unwrap();
        times.push(t.elapsed());
        std::hint::black_box(r);
    }
    times.sort();
    println!(
        "one reconstitution ({} lines considered, {} eligible companies, R1000 {}, R2000 {}): median {:.2?}, min {:.2?}",
        first.screens.len(),
        first.breakpoints.n_eligible,
        first.membership.count(IndexId::R1000),
        first.membership.count(IndexId::R2000),
        times[times.len() / 2],
        times[0]
    );

    // Every yearly rank day (30 April or the last trading day before), chained.
    let t = Instant::now();
    let first_year = market.first_date().unwrap().year() + 1;
    let mut prev = None;
    let mut n = 0;
    for y in first_year..=last.year() {
        let rank = Date::ymd(y, 4, 30);
        if rank > last {
            break;
        }
        let spec = ReconSpec::for_policy(rank, Date::ymd(y, 6, 26), false, &policy);
        let r = reconstitute(&market, &spec, prev.as_ref(), &policy).unwrap();
        prev = Some(r.membership);
        n += 1;
    }
    println!(
        "{n} yearly reconstitutions chained: {:.2?} total",
        t.elapsed()
    );
}
