//! A synthetic, calibrated US equity market for demos, tests and benchmarks.
//!
//! [`generate`] builds a [`Market`] of ~5,500 listed lines on the NYSE
//! calendar, deterministic for a seed and independent of the thread count:
//!
//! * `universe`: who exists: ~4,250 eligible US companies (incl. REITs,
//!   multi-class companies, BDI-incorporated and assets/revenue-decided
//!   nationality cases) and every ineligible case of methodology §2 (foreign
//!   companies, ADRs, ETFs, CEFs, BDCs, LPs, LLCs, SPACs with units and
//!   warrants, royalty trusts, UBTI REITs, preferreds, OTC, sub-$1, low float,
//!   low voting rights, tracking stocks);
//! * `caps`: the size curve (log-normal body, Pareto tail) calibrated to the
//!   2024 Russell figures, and [`cap_stats`];
//! * `factors`: market (GJR-GARCH with Student-t shocks, pinned to the 2024
//!   anchor), size (small minus big) and sector factors;
//! * `entity` / `birth`: company paths (random walks on the factors, no
//!   built-in size premium), prices, volume and local corporate actions
//!   (dividends, specials, splits, reverse splits, issuance, buybacks,
//!   float changes, IPO lock-ups);
//! * `exit`: when and how companies leave, by their current size;
//! * `sim`: births, exits (acquisitions, bankruptcies, delistings),
//!   spin-offs and halts, and the two-pass calibration;
//! * `offerings`: the share issues and float sales among those events that
//!   are offerings, as `offering` actions;
//! * [`stats`]: the summary `rankday inspect` prints;
//! * [`returns`]: the return calibration table (`rankday inspect --returns`);
//! * [`volume`]: daily volume (float turnover by size, news, and the
//!   reconstitution day's closing auction).
//!
//! Conventions: unlisted classes have `close`/`volume` NaN and
//! `float_shares = shares_outstanding` (the float of an unlisted class is not
//! an index quantity; its votes count through `votes_per_share`). ETF share
//! counts move by creations/redemptions, each with a `share_change` row.
//! Histories before the 2024 anchor sit on the 7.5%/yr growth line.
//!
//! Consistency contract (tested): every change of `shares_outstanding` or
//! `float_shares` between two consecutive rows of a line is explained by an
//! action with that ex-date (split, share_change, spin-off or stock
//! acquisition on the acquirer); prices in `daily` already reflect each
//! action on its ex-date.

mod birth;
pub mod caps;
mod entity;
mod exit;
mod factors;
mod names;
mod offerings;
pub mod returns;
mod sim;
pub mod stats;
mod universe;
pub mod volume;

use std::collections::HashMap;

use rankday_core::{CoreError, Date, Market};

pub use caps::{cap_stats, CapStats, CapStatsTarget, TARGET_2024};
pub use factors::anchor_date;

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenConfig {
    /// Generator seed: the same seed (and years, end, lines) gives the same market, byte for byte.
    pub seed: u64,
    /// Length of the history in years, ending on `end`.
    pub years: u32,
    /// Last day of the history (fixed by default so the default market is
    /// reproducible whatever today is).
    pub end: Date,
    /// Listed lines alive at a time (~5,500 like the US market).
    pub target_lines: usize,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 7,
            years: 50,
            end: Date::ymd(2026, 11, 20),
            target_lines: 5500,
        }
    }
}

/// Why a market could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The configuration cannot make a market (no years, a start before the calendar, …).
    #[error("invalid generator config: {0}")]
    InvalidConfig(String),
    /// The generated rows broke a store invariant: a generator bug, reported rather than hidden.
    #[error("generated market violates a store invariant: {0}")]
    Build(#[from] CoreError),
}

/// The trading days of the history. One private seam over the calendar
/// crate, so the generator and the engine share one holiday rule set.
fn trading_days(from: Date, to: Date) -> Vec<Date> {
    rankday_calendar::TradingCalendar::nyse().trading_days(from, to)
}

fn start_date(end: Date, years: u32) -> Result<Date, SynthError> {
    let y = end.year() - years as i32;
    Date::from_ymd(y, end.month(), end.day())
        .or_else(|| Date::from_ymd(y, end.month(), end.day() - 1))
        .map(|d| d.add_days(1))
        .ok_or_else(|| {
            SynthError::InvalidConfig(format!("no start date {years} years before {end}"))
        })
}

/// Generates the market. `progress(done, total)` counts simulated days over
/// both passes (calibration up to the 2024-04-30 anchor, then output) when
/// the history contains the anchor, else over the one output pass.
pub fn generate(cfg: &GenConfig, progress: &dyn Fn(usize, usize)) -> Result<Market, SynthError> {
    if cfg.years == 0 || cfg.years > 100 {
        return Err(SynthError::InvalidConfig(format!(
            "years must be 1..=100, got {}",
            cfg.years
        )));
    }
    if cfg.target_lines < 300 {
        return Err(SynthError::InvalidConfig(format!(
            "target_lines must be at least 300, got {}",
            cfg.target_lines
        )));
    }
    let start = start_date(cfg.end, cfg.years)?;
    let dates = trading_days(start, cfg.end);
    if dates.len() < 2 {
        return Err(SynthError::InvalidConfig(format!(
            "no trading days between {start} and {}",
            cfg.end
        )));
    }
    let f = factors::Factors::generate(cfg.seed, &dates);
    let a = anchor_date();
    let anchor = if a >= dates[0] && a <= dates[dates.len() - 1] {
        Some(dates.partition_point(|&d| d <= a) - 1)
    } else {
        None
    };
    let scale = cfg.target_lines as f64 / 5500.0;
    let n = dates.len();
    let total = n + anchor.map_or(0, |a| a + 1);
    let mut est_rows = (n as f64 * cfg.target_lines as f64 * 1.12) as usize;
    let empty = HashMap::new();
    let mut shifts = HashMap::new();
    let mut other_shifts = caps::ShiftByBirthSize::default();
    let mut done = 0;
    if let Some(ai) = anchor {
        let sim = sim::Sim {
            seed: cfg.seed,
            dates: &dates,
            f: &f,
            anchor: ai,
            scale,
            emit: false,
            shifts: &empty,
            other_shifts: &other_shifts,
        };
        let out = sim.run(&mut |d| progress(d, total), 0)?;
        done = ai + 1;
        // Rows up to the anchor are exact; extrapolate the rest.
        est_rows = out.rows * n / (ai + 1) * 103 / 100 + n * 200;
        let n_ref = caps::REFERENCE_COUNT * scale;
        let v = caps::anchor_shifts(&out.anchor_values, n_ref);
        let mu0: HashMap<u32, f64> = out
            .anchor_values
            .iter()
            .map(|a| a.0)
            .zip(out.anchor_mu0.iter().copied())
            .collect();
        let by_birth: Vec<(f64, f64)> = v.iter().map(|&(id, s)| (s, mu0[&id])).collect();
        other_shifts = caps::ShiftByBirthSize::new(&by_birth);
        if std::env::var_os("SYNTH_DEBUG").is_some() {
            let b = [0usize, 20, 100, 300, 1000, 2000, 3000, 4000, usize::MAX];
            for w in b.windows(2) {
                let s: Vec<f64> = v.iter().skip(w[0]).take(w[1] - w[0]).map(|x| x.1).collect();
                let m = s.iter().sum::<f64>() / s.len().max(1) as f64;
                let sd =
                    (s.iter().map(|x| (x - m).powi(2)).sum::<f64>() / s.len().max(1) as f64).sqrt();
                eprintln!(
                    "shifts ranks {}..{}: n {} mean {m:.3} sd {sd:.3}",
                    w[0] + 1,
                    w[1],
                    s.len()
                );
            }
            eprintln!("by birth size {other_shifts:?}");
        }
        shifts = v.into_iter().collect();
    }
    let sim = sim::Sim {
        seed: cfg.seed,
        dates: &dates,
        f: &f,
        anchor: anchor.unwrap_or(usize::MAX),
        scale,
        emit: true,
        shifts: &shifts,
        other_shifts: &other_shifts,
    };
    let out = sim.run(&mut |d| progress(done + d, total), est_rows)?;
    let mut builder = out.builder.expect("output pass has a builder");
    offerings::add(&mut builder, cfg.seed);
    builder.build().map_err(|e| SynthError::Build(e.into()))
}
