//! # rankday-realism: is a market realistic?
//!
//! The checks a desk would run on a market before trusting what rankday
//! says about it, each printed with its target and PASS or FAIL:
//!
//! * **returns** ([`rankday_synth::returns::return_checks`]): Russell 2000 and
//!   Russell 1000 volatility, their daily correlation and tracking error, no
//!   built-in small-cap premium, a deep large-cap bear market over a long
//!   history, fat tails and volatility clustering;
//! * **bands** ([`band_checks`]): the R1000 and R2000 line counts after every
//!   June reconstitution, and R1000↔R2000 migrations before and after
//!   banding (methodology §4);
//! * **liquidity** ([`liquidity_checks`]): days of volume of the R2000
//!   additions and the square-root impact of the largest trades at the June
//!   reconstitutions (methodology §8), and no NaN in the flow tables;
//! * **fund** ([`fund_checks`]): the IWM-like fund's trades per year, its
//!   cash, and its turnover against the index's own.
//!
//! The same code judges a small generated market (`tests/`) and the 50-year
//! market (`cargo bench -p rankday-realism --bench realism`). A market is run
//! the way the CLI runs it: the shipped Russell calendar and policy, every
//! rank day chained with its IPO rounds, levels with the quarterly share
//! updates.

use anyhow::Context;
use rankday_calc::{CalcConfig, CalcOutput, ShareUpdate};
use rankday_calendar::{ReconCalendar, ReconKind, TradingCalendar};
use rankday_core::{Date, IndexId, Market};
use rankday_method::{History, HistoryOptions, Policy};
use rankday_synth::returns::{return_checks, Check, CheckTable, Levels, PairStats};

/// A market with its reconstitution history and R1000/R2000 levels.
pub struct Run<'m> {
    pub market: &'m Market,
    pub cal: ReconCalendar,
    pub policy: Policy,
    pub history: History,
    pub levels: CalcOutput,
}

/// The CLI's calculation settings for a market: the given indexes, the
/// calendar's quarterly share updates.
pub fn calc_config(market: &Market, cal: &ReconCalendar, indexes: Vec<IndexId>) -> CalcConfig {
    CalcConfig {
        indexes,
        share_updates: ShareUpdate::for_market(cal, market),
        ..CalcConfig::default()
    }
}

impl<'m> Run<'m> {
    /// Reconstitutes every rank day (with IPO rounds) and calculates the
    /// R1000 and R2000 levels.
    pub fn new(market: &'m Market) -> anyhow::Result<Run<'m>> {
        let cal =
            ReconCalendar::russell_with(TradingCalendar::nyse().with_history(market.dates()))?;
        let policy = Policy::russell();
        let history = rankday_method::run_history(
            market,
            &cal,
            &policy,
            HistoryOptions::default(),
            &|_, _| {},
        )
        .context("running the reconstitution history")?;
        let cfg = calc_config(market, &cal, vec![IndexId::R1000, IndexId::R2000]);
        let levels = rankday_calc::calculate(market, &history.states, &cfg)
            .context("calculating the R1000 and R2000 levels")?;
        Ok(Run {
            market,
            cal,
            policy,
            history,
            levels,
        })
    }

    /// The levels of one index: (dates, price, total).
    pub fn series(&self, index: IndexId) -> (Vec<Date>, Vec<f64>, Vec<f64>) {
        let rows = self.levels.levels.iter().filter(|r| r.index == index);
        let mut d = Vec::new();
        let mut p = Vec::new();
        let mut t = Vec::new();
        for r in rows {
            d.push(r.date);
            p.push(r.price_return);
            t.push(r.total_return);
        }
        (d, p, t)
    }

    /// Return statistics of the R2000 against the R1000.
    pub fn pair_stats(&self) -> Option<PairStats> {
        let (ds, ps, ts) = self.series(IndexId::R2000);
        let (dl, pl, tl) = self.series(IndexId::R1000);
        PairStats::of(
            &Levels {
                dates: &ds,
                price: &ps,
                total: Some(&ts),
            },
            &Levels {
                dates: &dl,
                price: &pl,
                total: Some(&tl),
            },
        )
    }
}

/// The return checks of a run (an empty table, failing, if the levels are
/// too short to judge).
pub fn returns_table(run: &Run) -> CheckTable {
    match run.pair_stats() {
        Some(p) => return_checks(&p),
        None => {
            let mut t = CheckTable::new("Returns");
            t.push(Check::range(
                "R2000 and R1000 levels",
                f64::NAN,
                "too few levels".into(),
                (0.0, 0.0),
                "at least three common days".into(),
                "",
            ));
            t
        }
    }
}

/// One reconstitution's counts and R1000↔R2000 migrations.
#[derive(Clone, Debug)]
pub struct ReconCounts {
    pub rank_date: Date,
    pub kind: ReconKind,
    pub banding: bool,
    pub r1000: usize,
    pub r2000: usize,
    /// R2000 lines of the state before now in the R1000, and the reverse.
    pub ups: usize,
    pub downs: usize,
    /// R1000 lines of the state before (the denominator of the rates).
    pub r1000_before: usize,
    /// R1000 lines ranked below 1,000 (kept by the band) and R2000 lines
    /// ranked 1,000 or better (kept by the band).
    pub r1000_kept_below: usize,
    pub r2000_kept_above: usize,
    /// Cumulative percentile at rank 1,000, and companies ranked.
    pub p1000: f64,
    pub n_eligible: u32,
}

impl ReconCounts {
    pub fn up_pct(&self) -> f64 {
        100.0 * self.ups as f64 / self.r1000_before.max(1) as f64
    }
    pub fn down_pct(&self) -> f64 {
        100.0 * self.downs as f64 / self.r1000_before.max(1) as f64
    }
}

/// Counts and migrations of every reconstitution of the history.
pub fn recon_counts(history: &History) -> Vec<ReconCounts> {
    history
        .recons
        .iter()
        .filter(|r| {
            history
                .states
                .iter()
                .any(|s| s.effective_date == r.event.effective_date)
        })
        .map(|r| {
            let m = &r.result.membership;
            let (mut ups, mut downs, mut r1000_before) = (0, 0, 0);
            if let Some(b) = history.state_before(r.event.effective_date) {
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
            let bp = &r.result.breakpoints;
            ReconCounts {
                rank_date: r.event.rank_date,
                kind: r.event.kind,
                banding: r.event.banding,
                r1000: m.count(IndexId::R1000),
                r2000: m.count(IndexId::R2000),
                ups,
                downs,
                r1000_before,
                r1000_kept_below: m.members(IndexId::R1000).filter(|x| x.rank > 1000).count(),
                r2000_kept_above: m
                    .members(IndexId::R2000)
                    .filter(|x| x.rank > 0 && x.rank <= 1000)
                    .count(),
                p1000: bp.get(rankday_method::Cut::R1000).percentile,
                n_eligible: bp.n_eligible,
            }
        })
        .collect()
}

/// Lines after every June reconstitution and R1000↔R2000 migrations
/// (methodology §4: the R1000 held 1,013 lines and the R2000 2,010 in 2024;
/// before banding about 10% of R1000 names moved down and 6% up a year,
/// after it about 3% each way, Chang, Hong & Liskovich 2015).
pub fn band_checks(history: &History) -> CheckTable {
    let counts = recon_counts(history);
    let june: Vec<&ReconCounts> = counts
        .iter()
        .filter(|c| c.kind == ReconKind::June)
        .collect();
    let mut t = CheckTable::new(format!(
        "Bands: {} June reconstitutions ({} to {})",
        june.len(),
        june.first().map_or("-".into(), |c| c.rank_date.to_string()),
        june.last().map_or("-".into(), |c| c.rank_date.to_string())
    ));
    let span = |f: fn(&ReconCounts) -> usize, lo: usize, hi: usize, name: &str, real: &str| {
        let min = june.iter().min_by_key(|c| f(c));
        let max = june.iter().max_by_key(|c| f(c));
        let (Some(min), Some(max)) = (min, max) else {
            return Check::range(
                name,
                f64::NAN,
                "no June recon".into(),
                (0.0, 0.0),
                String::new(),
                real,
            );
        };
        let ok = june.iter().all(|c| (lo..=hi).contains(&f(c)));
        let mut c = Check::range(
            name,
            f(min) as f64,
            format!(
                "{}-{} lines ({} in {}, {} in {})",
                f(min),
                f(max),
                f(min),
                min.rank_date.year(),
                f(max),
                max.rank_date.year()
            ),
            (lo as f64, hi as f64),
            format!("{lo}-{hi} lines every June"),
            real,
        );
        if !ok {
            c.verdict = rankday_synth::returns::Verdict::Fail;
        }
        c
    };
    t.push(span(
        |c| c.r1000,
        990,
        1020,
        "R1000 lines after June recons",
        "1,013 (2024)",
    ));
    t.push(span(
        |c| c.r2000,
        1950,
        2010,
        "R2000 lines after June recons",
        "2,010 (2024), 2,013 (2020)",
    ));
    let rate = |banding: bool, f: fn(&ReconCounts) -> f64| -> (f64, usize) {
        let v: Vec<f64> = june
            .iter()
            .filter(|c| c.banding == banding && c.r1000_before > 0)
            .map(|c| f(c))
            .collect();
        (v.iter().sum::<f64>() / v.len().max(1) as f64, v.len())
    };
    for (name, f, real) in [
        (
            "banded ups (R2000 -> R1000)",
            ReconCounts::up_pct as fn(&ReconCounts) -> f64,
            "about 3%/yr (Chang, Hong & Liskovich)",
        ),
        (
            "banded downs (R1000 -> R2000)",
            ReconCounts::down_pct,
            "about 3%/yr (Chang, Hong & Liskovich)",
        ),
    ] {
        let (v, n) = rate(true, f);
        let shown = format!("{v:.2}% of R1000 a year ({n} Junes)");
        if n == 0 {
            t.push(Check::not_applicable(
                name,
                v,
                shown,
                "no banded June".into(),
                real,
            ));
        } else {
            t.push(Check::range(
                name,
                v / 100.0,
                shown,
                (0.02, 0.045),
                "2-4.5% a year".into(),
                real,
            ));
        }
    }
    let (up, n) = rate(false, ReconCounts::up_pct);
    let (down, _) = rate(false, ReconCounts::down_pct);
    let shown = format!(
        "{:.2}% (up {up:.2}%, down {down:.2}%; {n} Junes)",
        up + down
    );
    let real = "about 16%/yr (10% down, 6% up)";
    if n == 0 {
        t.push(Check::not_applicable(
            "pre-2007 migrations",
            up + down,
            shown,
            "no June before banding".into(),
            real,
        ));
    } else {
        t.push(Check::range(
            "pre-2007 migrations",
            (up + down) / 100.0,
            shown,
            (0.08, 0.25),
            "8-25% a year".into(),
            real,
        ));
    }
    t
}
