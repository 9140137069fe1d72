//! The realism checks on a long generated market (plain main,
//! `harness = false`): every target printed with PASS or FAIL; exits
//! non-zero if one fails.
//!
//! `cargo bench -p rankday-realism --bench realism`
//! Environment: YEARS (default 50), SEED (default 7); MARKET=DIR reads a
//! market directory (e.g. one written by `rankday generate`) instead of
//! generating one; FUND_YEARS (default 12, the demo's span) sets how many
//! final years the fund and the liquidity checks cover; COUNTS prints every
//! reconstitution's counts; BANDS=1 judges only the returns and the bands
//! (no flows, liquidity or fund: the quick loop for the band dynamics).
//!
//! SEEDS=1-10 judges the return targets instead on one market per seed
//! (YEARS long, default 20 here), one market at a time, and prints PASS or
//! FAIL per seed: `SEEDS=1-10 cargo bench -p rankday-realism --bench realism`.

use std::time::Instant;

use rankday_core::Date;
use rankday_pipeline::Job;
use rankday_synth::{generate, GenConfig};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The return table of one market per seed of `spec` ("1-10" or "3").
fn per_seed(spec: &str) -> anyhow::Result<()> {
    let (a, b) = spec.split_once('-').unwrap_or((spec, spec));
    let (a, b): (u64, u64) = (a.trim().parse()?, b.trim().parse()?);
    let years: u32 = env("YEARS", 20);
    let mut failed = Vec::new();
    for seed in a..=b {
        let t = Instant::now();
        let market = generate(
            &GenConfig {
                seed,
                years,
                ..GenConfig::default()
            },
            &|_, _| {},
        )?;
        let table = rankday_realism::returns_table(&Job::new(market)?)?;
        let ok = table.all_pass();
        println!(
            "\nseed {seed}, {years} years: {} ({:.1?})\n{table}",
            if ok { "PASS" } else { "FAIL" },
            t.elapsed()
        );
        if !ok {
            failed.push(seed);
        }
    }
    if !failed.is_empty() {
        anyhow::bail!("return checks FAIL on seeds {failed:?}");
    }
    println!("\nreturn checks PASS on seeds {a}-{b}, {years} years");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    if let Ok(spec) = std::env::var("SEEDS") {
        return per_seed(&spec);
    }
    let t = Instant::now();
    let market = match std::env::var_os("MARKET") {
        Some(dir) => rankday_pipeline::load_market(std::path::Path::new(&dir))?,
        None => {
            let years: u32 = env("YEARS", 50);
            let seed: u64 = env("SEED", 7);
            println!("generating {years} years, seed {seed}");
            generate(
                &GenConfig {
                    seed,
                    years,
                    ..GenConfig::default()
                },
                &|_, _| {},
            )?
        }
    };
    let last = market.last_date().unwrap_or_default();
    println!(
        "market: {} to {}, {} securities ({:.1?})",
        market.first_date().unwrap_or_default(),
        last,
        market.n_securities(),
        t.elapsed()
    );
    let t = Instant::now();
    let job = Job::new(market)?;
    if let Some(p) = job.return_stats()? {
        let pct = |x: Option<f64>| x.map_or("-".into(), |x| format!("{:.2}%", 100.0 * x));
        println!(
            "R1000 price return {}/yr, total {}/yr; R2000 price return {}/yr, total {}/yr",
            pct(Some(p.large.price_return_ann)),
            pct(p.large.total_return_ann),
            pct(Some(p.small.price_return_ann)),
            pct(p.small.total_return_ann)
        );
    }
    let mut tables = vec![
        rankday_realism::returns_table(&job)?,
        rankday_realism::bands_table(&job)?,
    ];
    let counts = std::env::var_os("COUNTS").is_some();
    if counts {
        for c in job.recon_counts()? {
            println!("{c:?}");
        }
    }
    if std::env::var_os("BANDS").is_some() {
        return finish(&tables, t);
    }
    let fund_years: i32 = env("FUND_YEARS", 12);
    let from = Date::ymd(last.year() - fund_years, last.month(), 1);
    let liq = rankday_realism::recon_liquidity(&job, from)?;
    tables.push(rankday_realism::liquidity_checks(&liq));
    if counts {
        for l in &liq {
            println!("{l:?}");
        }
    }
    tables.push(rankday_realism::fund_checks(job, from)?);
    finish(&tables, t)
}

/// Prints the tables; fails if one check fails.
fn finish(tables: &[rankday_realism::returns::CheckTable], t: Instant) -> anyhow::Result<()> {
    println!("checks in {:.1?}", t.elapsed());
    let mut ok = true;
    for t in tables {
        println!("\n{t}");
        ok &= t.all_pass();
    }
    if !ok {
        anyhow::bail!("some realism checks FAIL");
    }
    println!("\nall realism checks PASS");
    Ok(())
}
