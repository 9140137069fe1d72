//! A portfolio, or another index, measured against an index: tracking,
//! information ratio, beta, capture and the relative-performance series.

use std::path::PathBuf;

use rankday_core::{Date, IndexId};
use rankday_fund::benchmark::{self, Series};
use rankday_fund::TrackingStats;

use crate::{Job, PipelineError, Result};

/// What is measured against the benchmark index.
#[derive(Clone, Debug, PartialEq)]
pub enum Against {
    /// A portfolio's daily returns: CSV with columns `date,return` (0.01 = 1%).
    Portfolio(PathBuf),
    /// Another index's total return.
    Index(IndexId),
}

/// One comparison: `against` measured against `index`'s total return over
/// the window `from..=to` (default: the whole series).
#[derive(Clone, Debug, PartialEq)]
pub struct BenchmarkSpec {
    /// The benchmark index.
    pub index: IndexId,
    /// What is measured against it.
    pub against: Against,
    /// First date of the window.
    pub from: Option<Date>,
    /// Last date of the window.
    pub to: Option<Date>,
}

/// The result of a [`BenchmarkSpec`].
#[derive(Clone, Debug, PartialEq)]
pub struct Benchmark {
    /// What was measured, as a person reads it (the file, or "R1000 total return").
    pub name: String,
    /// Tracking statistics of the daily returns.
    pub stats: TrackingStats,
    /// Relative performance, rebased to 100.
    pub relative: Vec<(Date, f64)>,
}

impl Job {
    /// Measures `spec.against` against `spec.index`'s total return, with
    /// the levels of the job's membership states.
    pub fn benchmark(&self, spec: &BenchmarkSpec) -> Result<Benchmark> {
        self.check_range(spec.from, spec.to)?;
        let states = self.states()?;
        let mut indexes = vec![spec.index];
        if let Against::Index(o) = spec.against {
            indexes.push(o);
        }
        let mut cfg = self.calc_config_of(indexes);
        cfg.to = spec.to;
        let levels = self.calculate(states, &cfg)?.levels;
        let clip = |v: Vec<(Date, f64)>| -> Vec<(Date, f64)> {
            v.into_iter()
                .filter(|(d, _)| {
                    spec.from.is_none_or(|f| *d >= f) && spec.to.is_none_or(|t| *d <= t)
                })
                .collect()
        };
        let bench_levels = clip(benchmark::index_levels(&levels, spec.index, Series::Total));
        let (name, returns, own_levels) = match &spec.against {
            Against::Portfolio(path) => {
                let r = rankday_io::read_returns(path).map_err(|error| {
                    PipelineError::ReadPortfolio {
                        path: path.clone(),
                        error,
                    }
                })?;
                let mut lv = Vec::with_capacity(r.len());
                let mut x = 100.0;
                for &(d, ret) in &r {
                    x *= 1.0 + ret;
                    lv.push((d, x));
                }
                (path.display().to_string(), clip(r), clip(lv))
            }
            Against::Index(o) => {
                let lv = clip(benchmark::index_levels(&levels, *o, Series::Total));
                (
                    format!("{} total return", o.as_str()),
                    benchmark::returns_from_levels(&lv)?,
                    lv,
                )
            }
        };
        let cmp = benchmark::compare_returns(&returns, &bench_levels)?;
        let relative = benchmark::relative_performance(&own_levels, &bench_levels)?;
        Ok(Benchmark {
            name,
            stats: cmp.stats,
            relative,
        })
    }
}

/// Tracking statistics as (name, value) pairs, each named so that nobody
/// has to guess its convention (cumulative or annualised, std or RMS).
pub fn stats_rows(s: &TrackingStats) -> Vec<(String, String)> {
    vec![
        ("Days".into(), format!("{} trading days", s.days)),
        (
            "Fund return".into(),
            format!("{:.3}%", 100.0 * s.fund_return),
        ),
        (
            "Index total return".into(),
            format!("{:.3}%", 100.0 * s.index_return),
        ),
        (
            "Tracking difference (cumulative)".into(),
            format!("{:.1} bp", 1e4 * s.tracking_difference),
        ),
        (
            "Tracking difference (annualised)".into(),
            format!("{:.1} bp/yr", 1e4 * s.tracking_difference_annualised),
        ),
        (
            "Tracking error, std of daily active return x sqrt(252)".into(),
            format!("{:.2} bp/yr", 1e4 * s.te_std),
        ),
        (
            "Tracking error, RMS of daily active return x sqrt(252)".into(),
            format!("{:.2} bp/yr", 1e4 * s.te_rms),
        ),
        (
            "Information ratio".into(),
            format!("{:.2} (ratio)", s.information_ratio),
        ),
        ("Beta".into(), format!("{:.4} (ratio)", s.beta)),
        (
            "Up / down capture".into(),
            format!(
                "{:.2}% / {:.2}%",
                100.0 * s.up_capture,
                100.0 * s.down_capture
            ),
        ),
    ]
}
