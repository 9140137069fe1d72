//! The return calibration table: how an index family's daily levels behave
//! (volatility, fat tails, drawdowns, clustering) and how the Russell 2000
//! moves against the Russell 1000, with the targets a realistic US market
//! meets. One place for the statistics, shared by `rankday inspect
//! --returns`, the generator's calibration tests and the realism bench, and
//! applicable to any series: a generated market's levels, an imported
//! market's, or a published index history such as ^RUT.
//!
//! Conventions (and why):
//! * daily returns are close-to-close on the series' own dates; volatility,
//!   correlation and tracking error use log returns (additive over time, the
//!   usual basis of annualised risk), annualised with √252;
//! * annualised returns are compound growth over calendar time
//!   (`(L_end / L_start)^(365.25 / days) − 1`), so a history with holidays or
//!   gaps is not mis-scaled;
//! * "days beyond ±5%" counts simple daily returns with |r| > 5%, the
//!   headline fat-tail count (^RUT: 74 days in 1987–2026);
//! * the drawdown is of the price level, peak to trough.
//!
//! Every figure is an `f64` from sums in date order: the same levels give
//! the same bytes.

use std::fmt;

use serde::Serialize;

use rankday_core::Date;

const TRADING_DAYS: f64 = 252.0;

/// Daily levels of one index on ascending dates. `total` (total-return
/// level) is optional: a published price series has none.
#[derive(Clone, Copy, Debug)]
pub struct Levels<'a> {
    /// Trading dates, ascending.
    pub dates: &'a [Date],
    /// Price-return level on each date.
    pub price: &'a [f64],
    /// Total-return level on each date, if known.
    pub total: Option<&'a [f64]>,
}

/// A drawdown: the price level fell by `depth` from its peak on `peak` to
/// its trough on `trough`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Drawdown {
    /// Fall from the peak, a fraction (0.55 = −55%).
    pub depth: f64,
    /// Date of the peak level.
    pub peak: Date,
    /// Date of the lowest level before a new peak.
    pub trough: Date,
}

/// Statistics of one index's daily levels.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndexStats {
    /// First date with a level.
    pub first: Date,
    /// Last date with a level.
    pub last: Date,
    /// Calendar years from `first` to `last`.
    pub years: f64,
    /// Daily returns used (consecutive dates with finite, positive levels).
    pub days: usize,
    /// Compound annual growth of the price level.
    pub price_return_ann: f64,
    /// Compound annual growth of the total-return level, if given.
    pub total_return_ann: Option<f64>,
    /// Standard deviation of daily log returns × √252.
    pub volatility_ann: f64,
    /// Worst and best simple daily returns, with their dates.
    pub worst_day: (Date, f64),
    /// Best simple daily return, with its date.
    pub best_day: (Date, f64),
    /// Days with |simple return| > 5%, and per calendar year.
    pub days_beyond_5pct: usize,
    /// `days_beyond_5pct` per calendar year.
    pub days_beyond_5pct_per_year: f64,
    /// Excess kurtosis of daily log returns (0 for a normal distribution).
    pub excess_kurtosis: f64,
    /// Autocorrelation of |daily log return| at lag 1: volatility
    /// clustering (0 without it; ^RUT 0.33).
    pub abs_return_autocorr: f64,
    /// The deepest drawdown, and every distinct drawdown deeper than 20%
    /// (a bear market), deepest first.
    pub max_drawdown: Drawdown,
    /// Every distinct drawdown deeper than 20%, deepest first.
    pub bear_markets: Vec<Drawdown>,
}

/// Statistics of the Russell 2000 against the Russell 1000 (or any small-cap
/// index against any large-cap one) on their common dates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairStats {
    /// The small-cap index (the Russell 2000).
    pub small: IndexStats,
    /// The large-cap index (the Russell 1000).
    pub large: IndexStats,
    /// Pearson correlation of daily log returns.
    pub correlation: f64,
    /// Standard deviation of the daily log-return difference × √252.
    pub tracking_error: f64,
    /// Annualised total return of `small` minus that of `large` (price
    /// returns when either has no total-return level).
    pub return_gap_ann: f64,
}

fn log_returns(dates: &[Date], level: &[f64]) -> Vec<(Date, f64)> {
    let mut out = Vec::with_capacity(level.len());
    for i in 1..level.len().min(dates.len()) {
        let (a, b) = (level[i - 1], level[i]);
        if a.is_finite() && b.is_finite() && a > 0.0 && b > 0.0 {
            out.push((dates[i], (b / a).ln()));
        }
    }
    out
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return f64::NAN;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

fn years_between(a: Date, b: Date) -> f64 {
    b.days_since(a) as f64 / 365.25
}

fn cagr(first: f64, last: f64, years: f64) -> f64 {
    if years <= 0.0 || !(first > 0.0 && last > 0.0) {
        return f64::NAN;
    }
    (last / first).powf(1.0 / years) - 1.0
}

/// First and last finite, positive value with their positions.
fn ends(level: &[f64]) -> Option<(usize, usize)> {
    let ok = |v: &f64| v.is_finite() && *v > 0.0;
    Some((level.iter().position(ok)?, level.iter().rposition(ok)?))
}

/// Drawdowns of a level series: the deepest, and every distinct episode
/// deeper than `bear` (an episode ends when the level regains its peak).
fn drawdowns(dates: &[Date], level: &[f64], bear: f64) -> (Drawdown, Vec<Drawdown>) {
    let mut worst = Drawdown {
        depth: 0.0,
        peak: dates[0],
        trough: dates[0],
    };
    let mut episodes = Vec::new();
    let (mut peak, mut peak_day) = (f64::NAN, dates[0]);
    let mut cur: Option<Drawdown> = None;
    for (i, &l) in level.iter().enumerate() {
        if !(l.is_finite() && l > 0.0) {
            continue;
        }
        // A new peak (or the first level: `peak` starts NaN).
        if peak.is_nan() || l >= peak {
            if let Some(d) = cur.take() {
                if d.depth > bear {
                    episodes.push(d);
                }
            }
            peak = l;
            peak_day = dates[i];
            continue;
        }
        let depth = 1.0 - l / peak;
        let d = cur.get_or_insert(Drawdown {
            depth: 0.0,
            peak: peak_day,
            trough: dates[i],
        });
        if depth > d.depth {
            d.depth = depth;
            d.trough = dates[i];
        }
        if depth > worst.depth {
            worst = *d;
        }
    }
    if let Some(d) = cur {
        if d.depth > bear {
            episodes.push(d);
        }
    }
    episodes.sort_by(|a, b| b.depth.total_cmp(&a.depth));
    (worst, episodes)
}

impl IndexStats {
    /// Statistics of one series; `None` with fewer than three valid levels.
    pub fn of(l: &Levels) -> Option<IndexStats> {
        let (i0, i1) = ends(l.price)?;
        if i1 < i0 + 2 {
            return None;
        }
        let rets = log_returns(l.dates, l.price);
        let r: Vec<f64> = rets.iter().map(|x| x.1).collect();
        if r.len() < 2 {
            return None;
        }
        let years = years_between(l.dates[i0], l.dates[i1]);
        let vol = sd(&r);
        let m = mean(&r);
        let m4 = r.iter().map(|v| (v - m).powi(4)).sum::<f64>() / r.len() as f64;
        let m2 = r.iter().map(|v| (v - m).powi(2)).sum::<f64>() / r.len() as f64;
        let abs: Vec<f64> = r.iter().map(|v| v.abs()).collect();
        let simple = |x: f64| x.exp() - 1.0;
        let (mut worst, mut best) = (rets[0], rets[0]);
        for &x in &rets {
            if x.1 < worst.1 {
                worst = x;
            }
            if x.1 > best.1 {
                best = x;
            }
        }
        let beyond = r.iter().filter(|&&x| simple(x).abs() > 0.05).count();
        let total_return_ann = l.total.and_then(|t| {
            let (j0, j1) = ends(t)?;
            Some(cagr(t[j0], t[j1], years_between(l.dates[j0], l.dates[j1])))
        });
        let (max_drawdown, bear_markets) = drawdowns(l.dates, l.price, 0.20);
        Some(IndexStats {
            first: l.dates[i0],
            last: l.dates[i1],
            years,
            days: r.len(),
            price_return_ann: cagr(l.price[i0], l.price[i1], years),
            total_return_ann,
            volatility_ann: vol * TRADING_DAYS.sqrt(),
            worst_day: (worst.0, simple(worst.1)),
            best_day: (best.0, simple(best.1)),
            days_beyond_5pct: beyond,
            days_beyond_5pct_per_year: beyond as f64 / years.max(1e-9),
            excess_kurtosis: m4 / (m2 * m2) - 3.0,
            abs_return_autocorr: corr(&abs[..abs.len() - 1], &abs[1..]),
            max_drawdown,
            bear_markets,
        })
    }
}

impl PairStats {
    /// `small` against `large`; `None` if either has too few levels or they
    /// share fewer than three daily returns.
    pub fn of(small: &Levels, large: &Levels) -> Option<PairStats> {
        let s = IndexStats::of(small)?;
        let l = IndexStats::of(large)?;
        let rs = log_returns(small.dates, small.price);
        let rl = log_returns(large.dates, large.price);
        // Common dates (both ascending): a merge.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let (mut i, mut j) = (0, 0);
        while i < rs.len() && j < rl.len() {
            match rs[i].0.cmp(&rl[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    a.push(rs[i].1);
                    b.push(rl[j].1);
                    i += 1;
                    j += 1;
                }
            }
        }
        if a.len() < 3 {
            return None;
        }
        let diff: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
        let gap = match (s.total_return_ann, l.total_return_ann) {
            (Some(x), Some(y)) => x - y,
            _ => s.price_return_ann - l.price_return_ann,
        };
        Some(PairStats {
            correlation: corr(&a, &b),
            tracking_error: sd(&diff) * TRADING_DAYS.sqrt(),
            return_gap_ann: gap,
            small: s,
            large: l,
        })
    }
}

/// The outcome of one check against a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// The figure is within its target.
    Pass,
    /// The figure is outside its target.
    Fail,
    /// The target does not apply (e.g. a 50-year figure on a 3-year history).
    NotApplicable,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::NotApplicable => "n/a",
        })
    }
}

/// One line of a calibration table: a measured figure, its unit-bearing
/// text, the target and the verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// What is checked.
    pub name: String,
    /// The figure judged (its unit is in `shown`).
    pub value: f64,
    /// The value as printed, with its unit.
    pub shown: String,
    /// The target, as text.
    pub target: String,
    /// What a real market shows, where known (e.g. ^RUT's figure).
    pub real: String,
    /// PASS, FAIL or not applicable.
    pub verdict: Verdict,
}

impl Check {
    /// A check that passes when `lo <= value <= hi`.
    pub fn range(
        name: &str,
        value: f64,
        shown: String,
        (lo, hi): (f64, f64),
        target: String,
        real: &str,
    ) -> Check {
        let ok = value >= lo && value <= hi;
        Check {
            name: name.to_string(),
            value,
            shown,
            target,
            real: real.to_string(),
            verdict: if ok { Verdict::Pass } else { Verdict::Fail },
        }
    }

    /// A check that does not apply, with the reason in place of the target.
    pub fn not_applicable(name: &str, value: f64, shown: String, why: String, real: &str) -> Check {
        Check {
            name: name.to_string(),
            value,
            shown,
            target: why,
            real: real.to_string(),
            verdict: Verdict::NotApplicable,
        }
    }
}

/// A titled list of checks, printed as an aligned table.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CheckTable {
    /// What the table judges, and on what span.
    pub title: String,
    /// Its lines, in print order.
    pub checks: Vec<Check>,
}

impl CheckTable {
    /// An empty table.
    pub fn new(title: impl Into<String>) -> CheckTable {
        CheckTable {
            title: title.into(),
            checks: Vec::new(),
        }
    }
    /// Adds a line.
    pub fn push(&mut self, c: Check) {
        self.checks.push(c);
    }
    /// No check failed (not-applicable ones do not count).
    pub fn all_pass(&self) -> bool {
        self.checks.iter().all(|c| c.verdict != Verdict::Fail)
    }
    /// The lines that failed.
    pub fn failures(&self) -> Vec<&Check> {
        self.checks
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .collect()
    }
}

impl fmt::Display for CheckTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        let w = |g: fn(&Check) -> &str, min: usize| {
            self.checks
                .iter()
                .map(|c| g(c).chars().count())
                .max()
                .unwrap_or(0)
                .max(min)
        };
        let (wn, wv, wt) = (w(|c| &c.name, 6), w(|c| &c.shown, 5), w(|c| &c.target, 6));
        writeln!(
            f,
            "  {:<wn$}  {:>wv$}  {:<wt$}  {:<7}  real",
            "figure", "value", "target", "verdict"
        )?;
        for c in &self.checks {
            writeln!(
                f,
                "  {:<wn$}  {:>wv$}  {:<wt$}  {:<7}  {}",
                c.name,
                c.shown,
                c.target,
                c.verdict.to_string(),
                c.real
            )?;
        }
        Ok(())
    }
}

/// Published figures of ^RUT (Russell 2000 price index, 1987-09-10 to
/// 2026; computed from the public daily closes by this module, see the
/// synth crate's `tests/returns.rs`) and the public large-cap facts the
/// targets rest on.
pub mod real {
    /// ^RUT annualised daily volatility, 1987–2026.
    pub const RUT_VOLATILITY: &str = "^RUT 21.6%/yr";
    /// ^RUT days beyond ±5%, 1987–2026.
    pub const RUT_DAYS_BEYOND_5PCT: &str = "^RUT 1.9/yr (74 days in 38 yrs)";
    /// ^RUT's two deepest drawdowns.
    pub const RUT_MAX_DRAWDOWN: &str = "^RUT -60% (2007-09), -43% (2018-20)";
    /// ^RUT excess kurtosis of daily log returns.
    pub const RUT_KURTOSIS: &str = "^RUT 9.6";
    /// ^RUT lag-1 autocorrelation of absolute daily returns.
    pub const RUT_CLUSTERING: &str = "^RUT 0.33";
    /// Large-cap volatility (public figure).
    pub const LARGE_VOL_GAP: &str = "large caps 15-18%/yr";
    /// Daily correlation of the Russell 2000 with the Russell 1000.
    pub const CORRELATION: &str = "about 0.85-0.9";
    /// Tracking error of the Russell 2000 against the Russell 1000.
    pub const TRACKING_ERROR: &str = "R2000 vs R1000 about 8-10%/yr";
    /// Long-run small-cap minus large-cap total return.
    pub const RETURN_GAP: &str = "R2000 trailed by 1-2%/yr since 1979";
    /// The Russell 1000's deepest drawdown.
    pub const LARGE_DRAWDOWN: &str = "R1000 about -55% (2008)";
}

/// The return targets of a realistic US market (issue of the demo's
/// realism): volatility, the R2000/R1000 relationship, no built-in size
/// premium, a deep large-cap bear market over a long history, fat tails.
///
/// Long-horizon targets scale with the history: the ±3%/yr bound on the
/// return gap is for 50 years and widens as √(50 / years) below (the
/// sampling error of a mean return); the R1000 drawdown deeper than 35% and
/// the days-beyond-±5% frequency are judged on 40 years or more only (a
/// calm decade has neither, in real data too).
pub fn return_checks(p: &PairStats) -> CheckTable {
    use real::*;
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let years = p.small.years.min(p.large.years);
    let mut t = CheckTable::new(format!(
        "Returns {} to {} ({:.1} years, {} daily returns)",
        p.small.first, p.small.last, years, p.small.days
    ));
    let (vs, vl) = (p.small.volatility_ann, p.large.volatility_ann);
    t.push(Check::range(
        "R2000 volatility",
        vs,
        format!("{}/yr", pct(vs)),
        (0.18, 0.26),
        "18-26%/yr".into(),
        RUT_VOLATILITY,
    ));
    t.push(Check::range(
        "R2000 - R1000 volatility",
        vs - vl,
        format!("{:.1} pts (R1000 {}/yr)", 100.0 * (vs - vl), pct(vl)),
        (0.03, 0.08),
        "3-8 pts".into(),
        LARGE_VOL_GAP,
    ));
    t.push(Check::range(
        "daily correlation",
        p.correlation,
        format!("{:.3}", p.correlation),
        (0.80, 0.92),
        "0.80-0.92".into(),
        CORRELATION,
    ));
    t.push(Check::range(
        "tracking error R2000 vs R1000",
        p.tracking_error,
        format!("{}/yr", pct(p.tracking_error)),
        (0.06, 0.12),
        "6-12%/yr".into(),
        TRACKING_ERROR,
    ));
    let bound = 0.03 * (50.0 / years.max(1e-9)).sqrt().max(1.0);
    t.push(Check::range(
        "R2000 - R1000 total return",
        p.return_gap_ann,
        format!("{:+.2}%/yr", 100.0 * p.return_gap_ann),
        (-bound, bound),
        format!("within ±{:.1}%/yr", 100.0 * bound),
        RETURN_GAP,
    ));
    let dd = p.large.max_drawdown;
    let dd_shown = format!("-{:.1}% ({} to {})", 100.0 * dd.depth, dd.peak, dd.trough);
    if years >= 40.0 {
        t.push(Check::range(
            "R1000 max drawdown",
            dd.depth,
            dd_shown,
            (0.35, 1.0),
            "deeper than 35%".into(),
            LARGE_DRAWDOWN,
        ));
    } else {
        t.push(Check::not_applicable(
            "R1000 max drawdown",
            dd.depth,
            dd_shown,
            "deeper than 35% over 40+ years".into(),
            LARGE_DRAWDOWN,
        ));
    }
    let f = p.small.days_beyond_5pct_per_year;
    let f_shown = format!("{:.2}/yr ({} days)", f, p.small.days_beyond_5pct);
    if years >= 40.0 {
        t.push(Check::range(
            "R2000 days beyond ±5%",
            f,
            f_shown,
            (0.8, 4.0),
            "0.8-4 a year".into(),
            RUT_DAYS_BEYOND_5PCT,
        ));
    } else {
        t.push(Check::not_applicable(
            "R2000 days beyond ±5%",
            f,
            f_shown,
            "0.8-4 a year over 40+ years".into(),
            RUT_DAYS_BEYOND_5PCT,
        ));
    }
    let k = p.small.excess_kurtosis;
    t.push(Check::range(
        "R2000 excess kurtosis",
        k,
        format!("{k:.1}"),
        (2.0, f64::INFINITY),
        "at least 2 (fat tails)".into(),
        RUT_KURTOSIS,
    ));
    let c = p.small.abs_return_autocorr;
    t.push(Check::range(
        "R2000 |return| autocorrelation",
        c,
        format!("{c:.2}"),
        (0.1, 1.0),
        "at least 0.1 (clustering)".into(),
        RUT_CLUSTERING,
    ));
    t
}

/// One reconstitution's line counts and R1000↔R2000 migrations: the input
/// of [`band_checks`] (any market's history gives them; see
/// `rankday_pipeline::Job::recon_counts`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReconCounts {
    /// The reconstitution's rank day.
    pub rank_date: Date,
    /// A June (annual) reconstitution, not a December one.
    pub june: bool,
    /// The ±2.5-point bands applied (from 2007).
    pub banding: bool,
    /// Russell 1000 lines after the reconstitution.
    pub r1000: usize,
    /// Russell 2000 lines after the reconstitution.
    pub r2000: usize,
    /// R2000 lines of the state before now in the R1000, and the reverse.
    pub ups: usize,
    /// R1000 lines of the state before now in the R2000.
    pub downs: usize,
    /// R1000 lines of the state before (the denominator of the rates).
    pub r1000_before: usize,
    /// R1000 lines ranked below 1,000 and R2000 lines ranked 1,000 or
    /// better: the incumbents the band kept.
    pub r1000_kept_below: usize,
    /// R2000 lines ranked 1,000 or better (kept by the band).
    pub r2000_kept_above: usize,
    /// Cumulative percentile of the R3000E at rank 1,000 (methodology §4).
    pub p1000: f64,
    /// Companies ranked (eligible).
    pub n_eligible: u32,
}

impl ReconCounts {
    /// Ups, % of the R1000 before.
    pub fn up_pct(&self) -> f64 {
        100.0 * self.ups as f64 / self.r1000_before.max(1) as f64
    }
    /// Downs, % of the R1000 before.
    pub fn down_pct(&self) -> f64 {
        100.0 * self.downs as f64 / self.r1000_before.max(1) as f64
    }
}

/// Lines after every June reconstitution and R1000↔R2000 migrations
/// (methodology §4: the R1000 held 1,013 lines and the R2000 2,010 in 2024;
/// before banding about 10% of R1000 names moved down and 6% up a year,
/// after it about 3% each way, Chang, Hong & Liskovich 2015).
pub fn band_checks(counts: &[ReconCounts]) -> CheckTable {
    let june: Vec<&ReconCounts> = counts.iter().filter(|c| c.june).collect();
    let mut t = CheckTable::new(format!(
        "Bands: {} June reconstitutions ({} to {})",
        june.len(),
        june.first().map_or("-".into(), |c| c.rank_date.to_string()),
        june.last().map_or("-".into(), |c| c.rank_date.to_string())
    ));
    let span = |f: fn(&ReconCounts) -> usize, lo: usize, hi: usize, name: &str, real: &str| {
        let (Some(min), Some(max)) = (
            june.iter().min_by_key(|c| f(c)),
            june.iter().max_by_key(|c| f(c)),
        ) else {
            return Check::not_applicable(
                name,
                f64::NAN,
                "no June recon".into(),
                format!("{lo}-{hi} lines every June"),
                real,
            );
        };
        let outside = june.iter().filter(|c| !(lo..=hi).contains(&f(c))).count();
        let mut c = Check::range(
            name,
            outside as f64,
            format!(
                "{}-{} lines ({} in {}, {} in {}); {outside} of {} Junes outside",
                f(min),
                f(max),
                f(min),
                min.rank_date.year(),
                f(max),
                max.rank_date.year(),
                june.len()
            ),
            (0.0, 0.0),
            format!("{lo}-{hi} lines every June"),
            real,
        );
        c.value = f(min) as f64;
        c
    };
    t.push(span(
        |c| c.r1000,
        990,
        1020,
        "R1000 lines after June recons",
        "1,013 (2024); IWB 987-1,032 after the Junes of 2013-24",
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
    let real = "about 3%/yr (Chang, Hong & Liskovich)";
    for (name, f) in [
        (
            "banded ups (R2000 -> R1000)",
            ReconCounts::up_pct as fn(&ReconCounts) -> f64,
        ),
        ("banded downs (R1000 -> R2000)", ReconCounts::down_pct),
    ] {
        let (v, n) = rate(true, f);
        if n == 0 {
            t.push(Check::not_applicable(
                name,
                f64::NAN,
                "no banded June".into(),
                "1.5-4.5% of the R1000 a year".into(),
                real,
            ));
        } else {
            t.push(Check::range(
                name,
                v / 100.0,
                format!("{v:.2}% of the R1000 a year ({n} Junes)"),
                (0.015, 0.045),
                "1.5-4.5% of the R1000 a year".into(),
                real,
            ));
        }
    }
    let (up, n) = rate(false, ReconCounts::up_pct);
    let (down, _) = rate(false, ReconCounts::down_pct);
    let real = "about 16%/yr (10% down, 6% up)";
    if n == 0 {
        t.push(Check::not_applicable(
            "pre-2007 migrations",
            f64::NAN,
            "no June before banding".into(),
            "8-25% of the R1000 a year".into(),
            real,
        ));
    } else {
        t.push(Check::range(
            "pre-2007 migrations",
            (up + down) / 100.0,
            format!(
                "{:.2}% of the R1000 a year (up {up:.2}%, down {down:.2}%; {n} Junes)",
                up + down
            ),
            (0.08, 0.25),
            "8-25% of the R1000 a year".into(),
            real,
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: usize) -> Vec<Date> {
        let mut d = Date::ymd(2000, 1, 3);
        let mut v = Vec::new();
        while v.len() < n {
            if !d.is_weekend() {
                v.push(d);
            }
            d = d.add_days(1);
        }
        v
    }

    #[test]
    fn hand_computed_series() {
        let dates = days(6);
        let price = [100.0, 110.0, 99.0, 99.0, 120.0, 60.0];
        let s = IndexStats::of(&Levels {
            dates: &dates,
            price: &price,
            total: None,
        })
        .unwrap();
        assert_eq!(s.days, 5);
        assert_eq!(s.days_beyond_5pct, 4); // +10%, -10%, +21.2%, -50%
        assert!((s.worst_day.1 + 0.5).abs() < 1e-12);
        assert_eq!(s.worst_day.0, dates[5]);
        assert!((s.best_day.1 - (120.0 / 99.0 - 1.0)).abs() < 1e-12);
        // Peak 120 -> 60: -50%; the earlier 110 -> 99 is -10%.
        assert!((s.max_drawdown.depth - 0.5).abs() < 1e-12);
        assert_eq!(
            (s.max_drawdown.peak, s.max_drawdown.trough),
            (dates[4], dates[5])
        );
        assert_eq!(s.bear_markets.len(), 1);
        let r: Vec<f64> = price.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        assert!((s.volatility_ann - sd(&r) * 252f64.sqrt()).abs() < 1e-12);
        let years = dates[5].days_since(dates[0]) as f64 / 365.25;
        assert!((s.price_return_ann - (0.6f64.powf(1.0 / years) - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn pair_of_identical_series_has_unit_correlation_and_no_tracking_error() {
        let dates = days(50);
        let price: Vec<f64> = (0..50).map(|i| 100.0 + (i as f64).sin() * 3.0).collect();
        let l = Levels {
            dates: &dates,
            price: &price,
            total: Some(&price),
        };
        let p = PairStats::of(&l, &l).unwrap();
        assert!((p.correlation - 1.0).abs() < 1e-12);
        assert!(p.tracking_error.abs() < 1e-12 && p.return_gap_ann.abs() < 1e-12);
        // Two-to-one leverage of the same moves: correlation 1, TE = vol.
        let lev: Vec<f64> = price
            .iter()
            .map(|p| 100.0 * (2.0 * (p / 100.0).ln()).exp())
            .collect();
        let q = PairStats::of(
            &Levels {
                dates: &dates,
                price: &lev,
                total: None,
            },
            &l,
        )
        .unwrap();
        assert!((q.correlation - 1.0).abs() < 1e-9);
        assert!((q.tracking_error - p.large.volatility_ann).abs() < 1e-9);
    }

    #[test]
    fn pair_uses_common_dates_only() {
        let dates = days(10);
        let a: Vec<f64> = (0..10).map(|i| 100.0 * 1.01f64.powi(i)).collect();
        let l1 = Levels {
            dates: &dates,
            price: &a,
            total: None,
        };
        let l2 = Levels {
            dates: &dates[3..],
            price: &a[3..],
            total: None,
        };
        let p = PairStats::of(&l1, &l2).unwrap();
        assert!(p.tracking_error.abs() < 1e-12);
    }

    #[test]
    fn checks_pass_and_fail_by_range_and_scale_with_history() {
        let c = Check::range("x", 0.5, "50%".into(), (0.0, 1.0), "0-100%".into(), "");
        assert_eq!(c.verdict, Verdict::Pass);
        let c = Check::range("x", 1.5, "150%".into(), (0.0, 1.0), "0-100%".into(), "");
        assert_eq!(c.verdict, Verdict::Fail);
        let c = Check::range("x", f64::NAN, "NaN".into(), (0.0, 1.0), "".into(), "");
        assert_eq!(c.verdict, Verdict::Fail, "a NaN never passes");
        let mut t = CheckTable::new("t");
        t.push(Check::not_applicable(
            "n",
            1.0,
            "1".into(),
            "why".into(),
            "",
        ));
        assert!(t.all_pass());
        t.push(Check::range(
            "x",
            2.0,
            "2".into(),
            (0.0, 1.0),
            "".into(),
            "",
        ));
        assert!(!t.all_pass() && t.failures().len() == 1);
        let text = t.to_string();
        assert!(text.contains("FAIL") && text.contains("n/a"));
    }

    fn counts(year: i32, r1000: usize, r2000: usize, banding: bool) -> ReconCounts {
        ReconCounts {
            rank_date: Date::ymd(year, 5, 31),
            june: true,
            banding,
            r1000,
            r2000,
            ups: 30,
            downs: 20,
            r1000_before: 1000,
            r1000_kept_below: 0,
            r2000_kept_above: 0,
            p1000: 94.0,
            n_eligible: 3500,
        }
    }

    #[test]
    fn band_checks_judge_every_june() {
        let ok = [
            counts(2008, 1005, 1990, true),
            counts(2009, 1019, 1960, true),
        ];
        let t = band_checks(&ok);
        assert!(t.all_pass(), "{t}");
        // Ups 3%, downs 2% of the R1000; no June before banding: n/a.
        assert!((t.checks[2].value - 0.03).abs() < 1e-12);
        assert!((t.checks[3].value - 0.02).abs() < 1e-12);
        assert_eq!(t.checks[4].verdict, Verdict::NotApplicable);
        let bad = [
            counts(2008, 1005, 1990, true),
            counts(2009, 1030, 1950, true),
        ];
        let t = band_checks(&bad);
        assert_eq!(t.checks[0].verdict, Verdict::Fail, "{t}");
        assert!(t.checks[0].shown.contains("1 of 2 Junes outside"), "{t}");
        assert_eq!(t.checks[1].verdict, Verdict::Pass);
        // December recons do not count.
        let mut dec = counts(2009, 1100, 1800, true);
        dec.june = false;
        assert!(band_checks(&[counts(2008, 1005, 1990, true), dec]).all_pass());
    }

    #[test]
    fn too_short_series_give_none() {
        let dates = days(2);
        let l = Levels {
            dates: &dates,
            price: &[1.0, 2.0],
            total: None,
        };
        assert!(IndexStats::of(&l).is_none());
    }
}
