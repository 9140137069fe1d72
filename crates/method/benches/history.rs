//! Issue 3 acceptance on the long generated market (plain main, `harness = false`):
//! `rankday generate --years 50 --seed 7`, every rank day chained like the CLI
//! (with IPO rounds), then per reconstitution the R1000 / R2000 / R3000E
//! counts and the R1000↔R2000 migrations. Exits non-zero unless
//! - every R2000 holds 1,950–2,050 lines, and
//! - the mean yearly migration rate (ups + downs, % of R1000 lines) with
//!   banding (2007 on) is at most half the rate before it (methodology §4:
//!   ≈10% down + ≈6% up a year before, ≈3% each after).
//!
//! `cargo bench -p rankday-method --bench history`
//! Environment: YEARS (default 50), SEED (default 7), DIAG (set: print the
//! exclusion reasons of every reconstitution), POLICY_TOML (policy keys merged
//! over the shipped policy, to test a cause).

#[path = "../tests/chain/mod.rs"]
mod chain;

use std::time::Instant;

use rankday_method::Policy;
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
    let cfg = GenConfig {
        seed,
        years,
        ..GenConfig::default()
    };
    let t = Instant::now();
    let market = generate(&cfg, &|_, _| {}).expect("generate");
    println!(
        "generated {years} years seed {seed}: {} days, {} securities in {:.2?}",
        market.n_days(),
        market.n_securities(),
        t.elapsed()
    );
    let t = Instant::now();
    // POLICY_TOML: keys merged over the shipped policy, to test a cause, e.g.
    // POLICY_TOML=$'[eligibility]\nmin_total_cap = 1e6'.
    let policy = match std::env::var("POLICY_TOML") {
        Ok(t) => {
            println!("policy override: {t:?}");
            Policy::from_toml(&t).expect("POLICY_TOML")
        }
        Err(_) => Policy::russell(),
    };
    let h = chain::run_history(&market, &policy);
    println!(
        "{} reconstitutions, {} states (with IPO rounds) in {:.2?}",
        h.recons.len(),
        h.states.len(),
        t.elapsed()
    );
    if std::env::var_os("DIAG").is_some() {
        // Why lines were left out, by reason (first word of the message), per recon.
        for r in &h.recons {
            let mut by: std::collections::BTreeMap<String, usize> = Default::default();
            for s in &r.result.screens {
                let k = match &s.reason {
                    None => "Eligible".to_string(),
                    Some(e) => {
                        let d = format!("{e:?}");
                        d.split(['(', ' ', '{']).next().unwrap_or("").to_string()
                    }
                };
                *by.entry(k).or_default() += 1;
            }
            println!(
                "{} considered {} eligible companies {}: {by:?}",
                r.event.rank_date,
                r.result.screens.len(),
                r.result.breakpoints.n_eligible
            );
        }
    }
    let stats: Vec<_> = h.recons.iter().map(chain::recon_stats).collect();
    chain::print_stats(&stats);
    let a = chain::acceptance(&stats);
    let pre = a.pre_band_up + a.pre_band_down;
    let post = a.post_band_up + a.post_band_down;
    println!(
        "R2000 lines {}..={}; migrations % of R1000 a year: before banding ({} yrs) up {:.2} down {:.2} total {:.2}; with banding ({} yrs) up {:.2} down {:.2} total {:.2}",
        a.r2000_min, a.r2000_max, a.pre_years, a.pre_band_up, a.pre_band_down, pre,
        a.post_years, a.post_band_up, a.post_band_down, post
    );
    let mut fail = Vec::new();
    let out: Vec<String> = stats
        .iter()
        .filter(|s| !(1950..=2050).contains(&s.r2000))
        .map(|s| format!("{} {} (R3000E {})", s.rank_date, s.r2000, s.r3000e))
        .collect();
    if !out.is_empty() {
        fail.push(format!(
            "R2000 outside 1,950-2,050 lines at {} of {} recons: {}",
            out.len(),
            stats.len(),
            out.join(", ")
        ));
    }
    if a.pre_years == 0 || a.post_years == 0 {
        fail.push("history does not span both banding regimes".into());
    } else if post > 0.5 * pre {
        fail.push(format!(
            "migrations do not drop with banding: {post:.2}% vs {pre:.2}% before"
        ));
    }
    if fail.is_empty() {
        println!("issue 3 acceptance: PASS");
    } else {
        for f in &fail {
            eprintln!("issue 3 acceptance FAILED: {f}");
        }
        std::process::exit(1);
    }
}
