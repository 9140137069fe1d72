//! Issue 3 acceptance on a generated market, in the normal suite: the
//! shorter sibling of `benches/history.rs` (which runs the 50-year seed-7
//! market). 25 years ending 2026-11-20 give the June recons 2002–2006
//! without banding and 2007–2026 with it, plus the first December recon.
//!
//! Why not the full 50 years here: it takes too long in the dev profile, and
//! before ~2001 the generated market has fewer than 3,000 companies above the
//! nominal $30M size floor, so the R2000 cannot be full (see the bench).

mod chain;

use std::sync::OnceLock;

use chain::{Acceptance, ReconStats};
use rankday_method::Policy;
use rankday_synth::{generate, GenConfig};

/// One 25-year history shared by the tests of this file (~20 s to generate).
fn history() -> &'static (Vec<ReconStats>, Acceptance) {
    static H: OnceLock<(Vec<ReconStats>, Acceptance)> = OnceLock::new();
    H.get_or_init(|| {
        let cfg = GenConfig {
            seed: 7,
            years: 25,
            ..GenConfig::default()
        };
        let t = std::time::Instant::now();
        let market = generate(&cfg, &|_, _| {}).expect("generate");
        let t_gen = t.elapsed();
        let h = chain::run_history(&market, &Policy::russell());
        println!("generate {t_gen:.2?}, history {:.2?}", t.elapsed() - t_gen);
        let stats: Vec<_> = h.recons.iter().map(chain::recon_stats).collect();
        chain::print_stats(&stats);
        let a = chain::acceptance(&stats);
        println!(
            "R2000 {}..={}; migrations/yr % of R1000: pre-banding up {:.2} down {:.2} ({} yrs), banded up {:.2} down {:.2} ({} yrs)",
            a.r2000_min, a.r2000_max, a.pre_band_up, a.pre_band_down, a.pre_years,
            a.post_band_up, a.post_band_down, a.post_years
        );
        (stats, a)
    })
}

#[test]
fn banding_cuts_r1000_r2000_migrations_to_a_few_percent() {
    let (_, a) = history();
    let pre = a.pre_band_up + a.pre_band_down;
    let post = a.post_band_up + a.post_band_down;
    assert!(
        a.pre_years >= 4 && a.post_years >= 15,
        "history spans both regimes"
    );
    // Methodology §4: ≈16% a year (10% down + 6% up) before banding, ≈6% (3% + 3%) after.
    assert!(pre > 8.0, "pre-banding migrations {pre:.2}% look too low");
    assert!(
        post < 0.5 * pre,
        "banding must at least halve migrations: {post:.2}% vs {pre:.2}%"
    );
    assert!(
        a.post_band_up < 5.0 && a.post_band_down < 5.0,
        "banded migrations should be a few percent each way: up {:.2}%, down {:.2}%",
        a.post_band_up,
        a.post_band_down
    );
}

#[test]
fn r1000_and_r2000_stay_near_nominal_size() {
    let (stats, _) = history();
    for s in stats {
        // R1000 + R2000 = R3000 by construction (no band at #3,000), so a full
        // R3000 and a bounded R1000 drift keep the R2000 near 2,000.
        assert!(
            s.r1000 + s.r2000 >= 2950,
            "R3000 short of 3,000 on {}",
            s.rank_date
        );
        // Banding lets the R1000 run over 1,000; companies that stop
        // trading between rank day and the effective date leave it without
        // replacement (`exits`), so it can also fall a few lines short. The
        // real range, 990-1,020, is judged on the 50-year demo market by
        // `cargo bench -p rankday-realism --bench realism` (998-1,025 there);
        // this shorter market runs higher (up to 1,027 lines, in 2014), so
        // this bound only guards against a runaway.
        assert!(
            (990..=1075).contains(&s.r1000),
            "R1000 holds {} lines after {}",
            s.r1000,
            s.rank_date
        );
    }
}

/// 1,975-2,016 lines on this market: the R2000 is the R3000 less an R1000
/// that banding lets run over 1,000 (up to 1,027 lines here).
#[test]
fn r2000_holds_1950_to_2050_lines_after_every_recon() {
    let (stats, _) = history();
    for s in stats {
        assert!(
            (1950..=2050).contains(&s.r2000),
            "R2000 holds {} lines after the recon of {}",
            s.r2000,
            s.rank_date
        );
    }
}
