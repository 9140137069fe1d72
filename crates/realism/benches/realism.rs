//! The realism checks on a long generated market (plain main,
//! `harness = false`): every target printed with PASS or FAIL; exits
//! non-zero if one fails.
//!
//! `cargo bench -p rankday-realism --bench realism`
//! Environment: YEARS (default 50), SEED (default 7); MARKET=DIR reads a
//! market directory (e.g. one written by `rankday generate`) instead of
//! generating one.

use std::time::Instant;

use rankday_synth::{generate, GenConfig};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    let t = Instant::now();
    let market = match std::env::var_os("MARKET") {
        Some(dir) => rankday_io::read_market(std::path::Path::new(&dir))?,
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
    println!(
        "market: {} to {}, {} securities ({:.1?})",
        market.first_date().unwrap_or_default(),
        market.last_date().unwrap_or_default(),
        market.n_securities(),
        t.elapsed()
    );
    let t = Instant::now();
    let run = rankday_realism::Run::new(&market)?;
    println!("history and levels in {:.1?}", t.elapsed());
    let tables = [
        rankday_realism::returns_table(&run),
        rankday_realism::band_checks(&run.history),
    ];
    let mut ok = true;
    for t in &tables {
        println!("\n{t}");
        ok &= t.all_pass();
    }
    if std::env::var_os("COUNTS").is_some() {
        for c in rankday_realism::recon_counts(&run.history) {
            println!(
                "{} {:?} band {} R1000 {} R2000 {} up {} down {} kept R1000 {} R2000 {} P1000 {:.2} eligible {}",
                c.rank_date, c.kind, c.banding, c.r1000, c.r2000, c.ups, c.downs,
                c.r1000_kept_below, c.r2000_kept_above, c.p1000, c.n_eligible
            );
        }
    }
    if !ok {
        anyhow::bail!("some realism checks FAIL");
    }
    println!("\nall realism checks PASS");
    Ok(())
}
