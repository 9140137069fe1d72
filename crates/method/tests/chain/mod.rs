//! The reconstitution history of a market as the `rankday` CLI runs it
//! ([`rankday_method::run_history`] on the shipped calendar, IPO rounds on),
//! and the per-recon figures of issue 3: index counts and R1000↔R2000
//! migrations.
//!
//! Shared by `tests/history.rs`, `benches/history.rs` and the flows crate's
//! `tests/demo_market.rs` (included by path).

#![allow(dead_code)]

use rankday_calendar::{ReconCalendar, ReconKind, TradingCalendar};
use rankday_core::{Date, IndexId, Market, Membership};
use rankday_method::{Cut, HistoryOptions, Policy, Reconstitution};

/// One reconstitution of the history with the state in force before it.
pub struct Recon {
    pub event: rankday_calendar::ReconEvent,
    /// The state in force just before this reconstitution (the previous
    /// recon or the IPO round after it); `None` for the first one.
    pub before: Option<Membership>,
    pub result: Reconstitution,
}

pub struct History {
    pub recons: Vec<Recon>,
    /// Every state in order: recons and IPO rounds.
    pub states: Vec<Membership>,
}

/// The calendar the CLI uses for a market: the shipped Russell schedule on
/// the market's own trading days.
pub fn recon_calendar(market: &Market) -> ReconCalendar {
    ReconCalendar::russell_with(TradingCalendar::nyse().with_history(market.dates()))
        .expect("shipped calendar")
}

/// [`rankday_method::run_history`] with the CLI's defaults (every rank day,
/// IPO rounds on), each recon paired with the state before it.
pub fn run_history(market: &Market, policy: &Policy) -> History {
    let cal = recon_calendar(market);
    let h =
        rankday_method::run_history(market, &cal, policy, HistoryOptions::default(), &|_, _| {})
            .expect("history");
    let recons = h
        .recons
        .iter()
        .map(|r| Recon {
            event: r.event.clone(),
            before: h.state_before(r.event.effective_date).cloned(),
            result: r.result.clone(),
        })
        .collect();
    History {
        recons,
        states: h.states,
    }
}

/// One reconstitution's counts and R1000↔R2000 migrations.
#[derive(Clone, Debug)]
pub struct ReconStats {
    pub rank_date: Date,
    pub kind: ReconKind,
    pub banding: bool,
    pub r1000: usize,
    pub r2000: usize,
    pub r3000e: usize,
    /// Lines in the R2000 before and in the R1000 after.
    pub ups: usize,
    /// Lines in the R1000 before and in the R2000 after.
    pub downs: usize,
    /// R1000 lines of the state before (the denominator of the rates).
    pub r1000_before: usize,
    /// Cumulative percentile of R3000E cap at rank 1,000, and the cap there ($M).
    pub p1000: f64,
    pub cap1000_m: f64,
}

impl ReconStats {
    pub fn up_pct(&self) -> f64 {
        100.0 * self.ups as f64 / self.r1000_before.max(1) as f64
    }
    pub fn down_pct(&self) -> f64 {
        100.0 * self.downs as f64 / self.r1000_before.max(1) as f64
    }
}

pub fn recon_stats(r: &Recon) -> ReconStats {
    let m = &r.result.membership;
    let (mut ups, mut downs, mut r1000_before) = (0, 0, 0);
    if let Some(b) = &r.before {
        let before: std::collections::HashMap<_, _> =
            b.rows.iter().map(|x| (x.sec, x.indexes)).collect();
        r1000_before = b.count(IndexId::R1000);
        for row in &m.rows {
            let Some(s) = before.get(&row.sec) else {
                continue;
            };
            if s.contains(IndexId::R2000) && row.indexes.contains(IndexId::R1000) {
                ups += 1;
            }
            if s.contains(IndexId::R1000) && row.indexes.contains(IndexId::R2000) {
                downs += 1;
            }
        }
    }
    ReconStats {
        rank_date: r.event.rank_date,
        kind: r.event.kind,
        banding: r.event.banding,
        r1000: m.count(IndexId::R1000),
        r2000: m.count(IndexId::R2000),
        r3000e: m.count(IndexId::R3000E),
        ups,
        downs,
        r1000_before,
        p1000: r.result.breakpoints.get(Cut::R1000).percentile,
        cap1000_m: r.result.breakpoints.get(Cut::R1000).cap / 1e6,
    }
}

/// Acceptance of issue 3, as figures: R2000 size range over the recons, and
/// mean yearly migration rates (ups + downs, % of R1000 lines) before and
/// after banding. June recons only for the rates (one a year); the first
/// recon (no previous state) is left out.
pub struct Acceptance {
    pub r2000_min: usize,
    pub r2000_max: usize,
    pub pre_band_up: f64,
    pub pre_band_down: f64,
    pub post_band_up: f64,
    pub post_band_down: f64,
    pub pre_years: usize,
    pub post_years: usize,
}

pub fn acceptance(stats: &[ReconStats]) -> Acceptance {
    let r2000_min = stats.iter().map(|s| s.r2000).min().unwrap_or(0);
    let r2000_max = stats.iter().map(|s| s.r2000).max().unwrap_or(0);
    let mean = |banding: bool, f: fn(&ReconStats) -> f64| -> (f64, usize) {
        let v: Vec<f64> = stats
            .iter()
            .filter(|s| s.kind == ReconKind::June && s.banding == banding && s.r1000_before > 0)
            .map(f)
            .collect();
        let n = v.len();
        (v.iter().sum::<f64>() / n.max(1) as f64, n)
    };
    let (pre_band_up, pre_years) = mean(false, ReconStats::up_pct);
    let (pre_band_down, _) = mean(false, ReconStats::down_pct);
    let (post_band_up, post_years) = mean(true, ReconStats::up_pct);
    let (post_band_down, _) = mean(true, ReconStats::down_pct);
    Acceptance {
        r2000_min,
        r2000_max,
        pre_band_up,
        pre_band_down,
        post_band_up,
        post_band_down,
        pre_years,
        post_years,
    }
}

pub fn print_stats(stats: &[ReconStats]) {
    println!(
        "{:<11} {:<4} {:>4} {:>6} {:>6} {:>7} {:>5} {:>5} {:>6} {:>6} {:>6} {:>8}",
        "rank_date",
        "kind",
        "band",
        "R1000",
        "R2000",
        "R3000E",
        "ups",
        "downs",
        "up%",
        "down%",
        "P1000",
        "cap1000"
    );
    for s in stats {
        println!(
            "{:<11} {:<4} {:>4} {:>6} {:>6} {:>7} {:>5} {:>5} {:>6.2} {:>6.2} {:>6.2} {:>7.0}M",
            s.rank_date.to_string(),
            if s.kind == ReconKind::June {
                "Jun"
            } else {
                "Dec"
            },
            if s.banding { "yes" } else { "no" },
            s.r1000,
            s.r2000,
            s.r3000e,
            s.ups,
            s.downs,
            s.up_pct(),
            s.down_pct(),
            s.p1000,
            s.cap1000_m
        );
    }
}
