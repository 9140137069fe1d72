//! [`Market`]: a market and the job library's results on it, named after
//! the command line's nouns. Each method is one call of
//! `rankday_pipeline::Job`, run without the GIL, its result handed over as
//! Arrow ([`Table`]).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rankday_core::{IndexId, Observations};
use rankday_fund::benchmark::Series;
use rankday_fund::{FundConfig, Rebalance};
use rankday_io::FileFormat;
use rankday_pipeline::{
    costs_for, passive_model, tables, Against, BenchmarkSpec, CalcSettings, FlowSettings, Job,
    PipelineError,
};

use crate::convert::{arrow_table, date, indexes, opt_date, py_date};
use crate::error::{pipeline, to_py, RankdayWarning};
use crate::results::{activity_dict, stats_dict, summary_into, BenchmarkResult, FundResult};
use crate::table::Table;

/// A market (securities, daily prices and shares, corporate actions) with
/// the Russell policy and calendar, and every result of the job on it.
///
/// Make one with `Market.open(dir)`, `Market.generate(years, seed)` or
/// `Market.from_tables(securities=…, daily=…, actions=…)`. The
/// reconstitution history is computed once, on first use, and shared by
/// the results that need it. Methods release the GIL while they compute;
/// calls on one market from several threads run one after another.
#[pyclass(module = "rankday._rankday", name = "Market", frozen)]
pub struct Market {
    /// `None` only while a method reconfigures the job (the settings a
    /// call asks for), under the lock.
    job: Mutex<Option<Job>>,
    /// Where the market was opened from, for `repr`.
    origin: Option<PathBuf>,
    /// The warnings of the semantic checks on load.
    warnings: Vec<String>,
}

impl Market {
    /// The market of `job`, warning in Python of what its checks found.
    fn of(py: Python<'_>, job: Job, warnings: &[rankday_io::Warning]) -> PyResult<Market> {
        let warnings: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        let category = py.get_type::<RankdayWarning>();
        for w in &warnings {
            let msg = std::ffi::CString::new(w.replace('\0', " ")).expect("no NUL left");
            PyErr::warn(py, category.as_any(), &msg, 2)?;
        }
        Ok(Market {
            origin: job.origin().map(PathBuf::from),
            job: Mutex::new(Some(job)),
            warnings,
        })
    }

    /// Runs `f` on the job without the GIL, with the default settings
    /// changed by `configure` to what the call asks for: no call sees the
    /// settings of an earlier one. The history computed so far is kept
    /// (it depends on the market, policy and calendar only).
    fn run<R: Send>(
        &self,
        py: Python<'_>,
        configure: impl FnOnce(Job) -> Job + Send,
        f: impl FnOnce(&Job) -> Result<R, PipelineError> + Send,
    ) -> PyResult<R> {
        let r = py.detach(|| {
            let mut slot = self.job.lock().unwrap_or_else(|e| e.into_inner());
            let job = slot.take().expect("the job is always put back");
            let job = job
                .with_calc(CalcSettings::default())
                .with_flows(FlowSettings::default())
                .with_fund(rankday_pipeline::demo_fund());
            let job = slot.insert(configure(job));
            f(job)
        });
        pipeline(py, r)
    }

    /// [`Market::run`] with the default settings.
    fn call<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Job) -> Result<R, PipelineError> + Send,
    ) -> PyResult<R> {
        self.run(py, |j| j, f)
    }

    /// A facts-of-the-market value, read under the lock.
    fn fact<R>(&self, f: impl FnOnce(&rankday_core::Market) -> R) -> R {
        let slot = self.job.lock().unwrap_or_else(|e| e.into_inner());
        f(slot.as_ref().expect("the job is always put back").market())
    }
}

fn with_files(
    job: Job,
    policy: Option<PathBuf>,
    calendar: Option<PathBuf>,
    membership: Option<PathBuf>,
) -> Result<Job, PipelineError> {
    job.with_calendar_file(calendar.as_deref())?
        .with_policy_file(policy.as_deref())?
        .with_membership_file(membership.as_deref())
}

/// The load checks as the command line's `--strict` and
/// `--max-daily-move` set them; the rest are the defaults.
fn checks(strict: bool, max_daily_move: f64) -> rankday_io::Checks {
    rankday_io::Checks {
        max_daily_move,
        strict,
        ..rankday_io::Checks::default()
    }
}

fn table(py: Python<'_>, t: rankday_io::Table) -> PyResult<Table> {
    Table::from_io(py, t)
}

fn series(name: &str) -> PyResult<Series> {
    match name.to_ascii_lowercase().as_str() {
        "total" | "total_return" => Ok(Series::Total),
        "price" | "price_return" => Ok(Series::Price),
        "net" | "net_return" => Ok(Series::Net),
        _ => Err(PyValueError::new_err(format!(
            "series must be 'total', 'price' or 'net', got '{name}'"
        ))),
    }
}

#[pymethods]
impl Market {
    /// Opens a market directory (format 1: `securities`, `daily`,
    /// `actions` as CSV or Parquet), validating every row. `policy` and
    /// `calendar` are TOML files overriding the shipped Russell rules and
    /// schedule; `membership` is a `membership` table to use instead of
    /// reconstituting the history (for the levels, weights, fund and
    /// benchmark).
    ///
    /// The semantic checks (large one-day moves, share jumps without an
    /// action) give `RankdayWarning`s, listed again in `warnings`; with
    /// `strict` the first one is an error. `max_daily_move` is the factor
    /// of a one-day close move (after the day's actions) beyond which it
    /// is a warning, as `--max-daily-move` on the command line.
    #[staticmethod]
    #[pyo3(signature = (path, *, policy = None, calendar = None, membership = None, strict = false, max_daily_move = 5.0))]
    #[allow(clippy::too_many_arguments)]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        policy: Option<PathBuf>,
        calendar: Option<PathBuf>,
        membership: Option<PathBuf>,
        strict: bool,
        max_daily_move: f64,
    ) -> PyResult<Market> {
        let checks = checks(strict, max_daily_move);
        let job = py.detach(|| {
            with_files(
                Job::open_checked(&path, &checks)?,
                policy,
                calendar,
                membership,
            )
        });
        let job = pipeline(py, job)?;
        let warnings = job.warnings().to_vec();
        Market::of(py, job, &warnings)
    }

    /// Generates the synthetic, calibrated US market (the demo's): `years`
    /// of daily history ending on `end` (default: a fixed recent date), the
    /// same market for the same `seed`, byte for byte.
    #[staticmethod]
    #[pyo3(signature = (years = 12, seed = 7, *, end = None, target_lines = None))]
    fn generate(
        py: Python<'_>,
        years: u32,
        seed: u64,
        end: Option<Bound<'_, PyAny>>,
        target_lines: Option<usize>,
    ) -> PyResult<Market> {
        let mut cfg = rankday_synth::GenConfig {
            seed,
            years,
            ..Default::default()
        };
        if let Some(end) = opt_date(end.as_ref())? {
            cfg.end = end;
        }
        if let Some(n) = target_lines {
            cfg.target_lines = n;
        }
        let job = py.detach(|| {
            let m = rankday_pipeline::generate(&cfg, &rankday_pipeline::Silent)?;
            Job::new(Arc::new(m))
        });
        Market::of(py, pipeline(py, job)?, &[])
    }

    /// A market from tables in memory: any Arrow producer (pyarrow tables,
    /// polars or pandas data frames) with the columns of the market format.
    /// Validated exactly as the files are; an error names the table
    /// (`daily`), the 1-based row and the column. `sparse` declares
    /// observations on a few dates only (format.toml's `observations =
    /// "sparse"`); `strict` and `max_daily_move` set the checks as in `open`.
    #[staticmethod]
    #[pyo3(signature = (securities, daily, actions = None, *, sparse = false, policy = None, calendar = None, strict = false, max_daily_move = 5.0))]
    #[allow(clippy::too_many_arguments)]
    fn from_tables(
        py: Python<'_>,
        securities: Bound<'_, PyAny>,
        daily: Bound<'_, PyAny>,
        actions: Option<Bound<'_, PyAny>>,
        sparse: bool,
        policy: Option<PathBuf>,
        calendar: Option<PathBuf>,
        strict: bool,
        max_daily_move: f64,
    ) -> PyResult<Market> {
        let sec = arrow_table("securities", &securities)?;
        let day = arrow_table("daily", &daily)?;
        let act = actions
            .filter(|a| !a.is_none())
            .map(|a| arrow_table("actions", &a))
            .transpose()?;
        let obs = if sparse {
            Observations::Sparse
        } else {
            Observations::Full
        };
        let checks = checks(strict, max_daily_move);
        let job = py.detach(|| -> Result<_, PipelineError> {
            let loaded = rankday_io::market_from_arrow(&sec, &day, act.as_ref(), obs, &checks)?;
            let job = with_files(Job::new(Arc::new(loaded.market))?, policy, calendar, None)?;
            Ok((job, loaded.warnings))
        });
        let (job, warnings) = pipeline(py, job)?;
        Market::of(py, job, &warnings)
    }

    /// Writes the market as a market directory (`format`: "parquet" or
    /// "csv"), every file atomically.
    #[pyo3(signature = (path, format = "parquet"))]
    fn save(&self, py: Python<'_>, path: PathBuf, format: &str) -> PyResult<()> {
        let fmt = match format.to_ascii_lowercase().as_str() {
            "parquet" => FileFormat::Parquet,
            "csv" => FileFormat::Csv,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "format must be 'parquet' or 'csv', got '{format}'"
                )))
            }
        };
        self.call(py, |j| {
            rankday_io::write_market(j.market(), &path, fmt).map_err(PipelineError::from)
        })
    }

    /// The first trading day of the market.
    #[getter]
    fn first_date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.fact(|m| m.first_date())
            .map(|d| py_date(py, d))
            .transpose()
    }

    /// The last trading day of the market.
    #[getter]
    fn last_date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.fact(|m| m.last_date())
            .map(|d| py_date(py, d))
            .transpose()
    }

    /// Number of securities (lines).
    #[getter]
    fn num_securities(&self) -> usize {
        self.fact(|m| m.n_securities())
    }

    /// Number of trading days.
    #[getter]
    fn num_days(&self) -> usize {
        self.fact(|m| m.n_days())
    }

    /// Number of daily rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.fact(|m| m.n_rows())
    }

    /// What the semantic checks on load warned of (each also raised as a
    /// `RankdayWarning`): location, message and kind.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// Number of corporate actions.
    #[getter]
    fn num_actions(&self) -> usize {
        self.fact(|m| m.actions().len())
    }

    fn __repr__(&self) -> String {
        let (n, d, first, last) = self.fact(|m| {
            (
                m.n_securities(),
                m.n_days(),
                m.first_date().map(|d| d.to_string()).unwrap_or_default(),
                m.last_date().map(|d| d.to_string()).unwrap_or_default(),
            )
        });
        let from = self
            .origin
            .as_ref()
            .map(|p| format!(" from {}", p.display()))
            .unwrap_or_default();
        format!("rankday.Market({n} securities, {d} trading days, {first} to {last}{from})")
    }

    /// Every membership state of the history: reconstitutions, IPO rounds
    /// and quarterly updates (what `rankday reconstitute` writes; `calc`
    /// over it as a membership table gives the same levels): one row per
    /// (state, line),
    /// with its rank, caps, cumulative percentile, index shares, one
    /// boolean column per index and its change.
    fn history(&self, py: Python<'_>) -> PyResult<Table> {
        let t = self.call(py, |j| {
            let (_, states) = j.reconstitutions_and_states(None)?;
            Ok(tables::membership(j.market(), &states))
        })?;
        table(py, t)
    }

    /// The states of the history through the reconstitution ranked on
    /// `rank_date` (reconstitutions, IPO rounds, quarterly updates), as
    /// `rankday reconstitute --rank-date` writes them: its own rows are
    /// the last `state_kind == "reconstitution"` state.
    fn reconstitute(&self, py: Python<'_>, rank_date: Bound<'_, PyAny>) -> PyResult<Table> {
        let d = date(&rank_date)?;
        let t = self.call(py, |j| {
            let (_, states) = j.reconstitutions_and_states(Some(d))?;
            Ok(tables::membership(j.market(), &states))
        })?;
        table(py, t)
    }

    /// Every screen, the rank, the cumulative percentile, the band and the
    /// decision for one line (`ticker`, or a security id) on `rank_date`,
    /// as `rankday explain` prints it.
    fn explain(
        &self,
        py: Python<'_>,
        rank_date: Bound<'_, PyAny>,
        ticker: String,
    ) -> PyResult<String> {
        let d = date(&rank_date)?;
        self.call(py, |j| Ok(j.explain(&ticker, d)?.to_string()))
    }

    /// The calculation's three tables, as `rankday calc` writes them:
    /// `levels` (price, total and net return, divisor, market value,
    /// constituents per date and index), `divisors` (every divisor change
    /// with its reason) and `halts`. `indexes`: names (default: the whole
    /// family); `start`/`end`: the dates reported (the calculation always
    /// runs from the market's first day).
    #[pyo3(signature = (indexes = None, start = None, end = None, *, withholding = 0.30))]
    fn calc<'py>(
        &self,
        py: Python<'py>,
        indexes: Option<Bound<'py, PyAny>>,
        start: Option<Bound<'py, PyAny>>,
        end: Option<Bound<'py, PyAny>>,
        withholding: f64,
    ) -> PyResult<Bound<'py, PyDict>> {
        let settings = CalcSettings {
            withholding_rate: withholding,
            ..calc_settings(indexes.as_ref(), start.as_ref(), end.as_ref())?
        };
        let named = self.run(
            py,
            |j| j.with_calc(settings),
            |j| Ok(tables::calc(j.market(), &j.levels()?)),
        )?;
        let out = PyDict::new(py);
        for (name, t) in named {
            out.set_item(name, table(py, t)?)?;
        }
        Ok(out)
    }

    /// Daily levels: one row per (date, index) with the price, total and
    /// net return levels, the divisor, the market value and the number of
    /// constituents (the `levels` table of `calc`).
    #[pyo3(signature = (indexes = None, start = None, end = None))]
    fn levels<'py>(
        &self,
        py: Python<'py>,
        indexes: Option<Bound<'py, PyAny>>,
        start: Option<Bound<'py, PyAny>>,
        end: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Table> {
        let settings = calc_settings(indexes.as_ref(), start.as_ref(), end.as_ref())?;
        let t = self.run(
            py,
            |j| j.with_calc(settings),
            |j| Ok(tables::levels(&j.levels()?)),
        )?;
        table(py, t)
    }

    /// Point-in-time constituents with weights: one row per (date, index,
    /// line) held after the close of each trading day of `date`, or of
    /// `start..end` (default: the whole history), with the index shares,
    /// close, market value, weight, and the effective and announcement
    /// dates of the change that put the line in the index
    /// (docs/backtesting.md).
    #[pyo3(signature = (index = None, date = None, *, start = None, end = None))]
    fn weights<'py>(
        &self,
        py: Python<'py>,
        index: Option<Bound<'py, PyAny>>,
        date: Option<Bound<'py, PyAny>>,
        start: Option<Bound<'py, PyAny>>,
        end: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Table> {
        let idx = match &index {
            None => vec![IndexId::R2000],
            Some(_) => indexes(index.as_ref())?,
        };
        let (from, to) = match opt_date(date.as_ref())? {
            Some(d) if start.is_none() && end.is_none() => (Some(d), Some(d)),
            Some(_) => {
                return Err(PyValueError::new_err(
                    "give either date or start/end, not both",
                ))
            }
            None => (opt_date(start.as_ref())?, opt_date(end.as_ref())?),
        };
        let t = self.call(py, |j| {
            Ok(tables::weights(j.market(), &j.held_lines(&idx, from, to)?))
        })?;
        table(py, t)
    }

    /// An index's daily returns with its level (`series`: "total", "price"
    /// or "net"), as the benchmark files of `export` hold them: columns
    /// `date`, `return`, `level`.
    #[pyo3(signature = (index = "R2000", series = "total", *, start = None, end = None))]
    fn benchmark_returns<'py>(
        &self,
        py: Python<'py>,
        index: &str,
        series: &str,
        start: Option<Bound<'py, PyAny>>,
        end: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Table> {
        let (i, s) = (crate::convert::index(index)?, self::series(series)?);
        let (from, to) = (opt_date(start.as_ref())?, opt_date(end.as_ref())?);
        let t = self.call(py, |j| {
            Ok(tables::benchmark_returns(
                &j.benchmark_series(i, s, from, to)?,
            ))
        })?;
        table(py, t)
    }

    /// Writes the point-in-time exports into the directory `path`, as
    /// `rankday export` does: `weights.parquet` and
    /// `benchmark_<index>_<total|price>.csv` per index. Returns the paths.
    #[pyo3(signature = (path, indexes = None, *, start = None, end = None))]
    fn export<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        indexes: Option<Bound<'py, PyAny>>,
        start: Option<Bound<'py, PyAny>>,
        end: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let idx = match &indexes {
            None => vec![IndexId::R2000],
            Some(_) => crate::convert::indexes(indexes.as_ref())?,
        };
        let (from, to) = (opt_date(start.as_ref())?, opt_date(end.as_ref())?);
        self.call(py, |j| {
            let held = j.held_lines(&idx, from, to)?;
            let weights = tables::weights(j.market(), &held);
            let mut paths = vec![rankday_io::write_table(
                &path,
                "weights",
                &weights,
                FileFormat::Parquet,
            )?];
            for &i in &idx {
                for (name, series) in rankday_pipeline::BENCHMARK_SERIES {
                    let days = j.benchmark_series(i, series, from, to)?;
                    let stem = format!("benchmark_{}_{name}", i.column());
                    let t = tables::benchmark_returns(&days);
                    paths.push(rankday_io::write_table(&path, &stem, &t, FileFormat::Csv)?);
                }
            }
            Ok(paths.iter().map(|p| p.display().to_string()).collect())
        })
    }

    /// The passive flows of a reconstitution, one row per line that trades
    /// (the `flows` table of `rankday flows`): of the reconstitution
    /// effective `recon`, measured; or, without `recon`, the forecast of
    /// the next one with only the data known at `as_of` (default: the
    /// market's last day). `passive`: a passive-assets TOML overriding the
    /// shipped model. `Table.meta` holds the dates and the totals.
    #[pyo3(signature = (recon = None, *, as_of = None, passive = None))]
    fn flows<'py>(
        &self,
        py: Python<'py>,
        recon: Option<Bound<'py, PyAny>>,
        as_of: Option<Bound<'py, PyAny>>,
        passive: Option<PathBuf>,
    ) -> PyResult<Table> {
        let recon = opt_date(recon.as_ref())?;
        let as_of = opt_date(as_of.as_ref())?;
        if recon.is_some() && as_of.is_some() {
            return Err(PyValueError::new_err(
                "give recon (a past reconstitution) or as_of (a forecast), not both",
            ));
        }
        let model = pipeline(py, passive_model(passive.as_deref()))?;
        let (rows_table, summary, dates) = self.run(
            py,
            |j| {
                j.with_flows(FlowSettings {
                    model,
                    ..FlowSettings::default()
                })
            },
            |j| match recon {
                Some(eff) => {
                    let f = j.realised_flows(eff)?;
                    let dates = vec![("effective_date", f.effective_date)];
                    Ok((tables::flows(j.market(), &f.rows), f.summary, dates))
                }
                None => {
                    let fc = j.forecast(as_of)?;
                    let dates = vec![
                        ("as_of", fc.as_of),
                        ("rank_date", fc.rank_date),
                        ("effective_date", fc.effective_date),
                    ];
                    Ok((tables::flows(j.market(), &fc.rows), fc.summary, dates))
                }
            },
        )?;
        let batch = rows_table.into_record_batch().map_err(|e| to_py(py, &e))?;
        let meta = PyDict::new(py);
        for (k, d) in dates {
            meta.set_item(k, py_date(py, d)?)?;
        }
        summary_into(py, &summary, &meta)?;
        Ok(Table::new(batch, meta))
    }

    /// An index-tracking fund over the history (as `rankday fund`): whole
    /// shares, cash, lagged dividends, fees, costs; `rebalance` "full"
    /// (everything at the close of each change) or "spread" (over
    /// `spread_days` under `participation_cap` × ADV). Returns the daily
    /// NAV table, the trades and the tracking statistics.
    #[pyo3(signature = (index = "R2000", *, start = None, end = None, assets = 75e9,
        expense_ratio = 0.0019, dividend_lag = 20, rebalance = "full", spread_days = 5,
        participation_cap = 0.2, costs = true))]
    #[allow(clippy::too_many_arguments)]
    fn fund<'py>(
        &self,
        py: Python<'py>,
        index: &str,
        start: Option<Bound<'py, PyAny>>,
        end: Option<Bound<'py, PyAny>>,
        assets: f64,
        expense_ratio: f64,
        dividend_lag: u32,
        rebalance: &str,
        spread_days: usize,
        participation_cap: f64,
        costs: bool,
    ) -> PyResult<FundResult> {
        let rebalance = match rebalance {
            "full" => Rebalance::FullReplication,
            "spread" => Rebalance::Spread {
                days: spread_days,
                participation_cap,
            },
            other => {
                return Err(PyValueError::new_err(format!(
                    "rebalance must be 'full' or 'spread', got '{other}'"
                )))
            }
        };
        let cfg = FundConfig {
            index: crate::convert::index(index)?,
            start_assets: assets,
            expense_ratio,
            dividend_lag_days: dividend_lag,
            costs: costs_for(&rebalance, costs),
            rebalance,
            from: opt_date(start.as_ref())?,
            to: opt_date(end.as_ref())?,
            ..FundConfig::iwm_like()
        };
        let (named, stats) = self.run(
            py,
            |j| j.with_fund(cfg),
            |j| {
                let r = j.fund()?;
                Ok((tables::fund(j.market(), &r), (r.stats, r.activity)))
            },
        )?;
        let mut named = named.into_iter();
        let mut next = || -> PyResult<Py<Table>> {
            let (_, t) = named.next().expect("nav and trades");
            Py::new(py, table(py, t)?)
        };
        Ok(FundResult {
            nav: next()?,
            trades: next()?,
            stats: stats_dict(py, &stats.0)?.unbind(),
            activity: activity_dict(py, &stats.1)?.unbind(),
        })
    }

    /// A portfolio's daily returns (`portfolio`: a CSV file with columns
    /// `date,return`), or another index's total return (`against_index`),
    /// measured against `index`'s total return: tracking statistics and
    /// the relative performance rebased to 100 (as `rankday benchmark`).
    #[pyo3(signature = (index = "R2000", *, against_index = None, portfolio = None, start = None, end = None))]
    fn benchmark<'py>(
        &self,
        py: Python<'py>,
        index: &str,
        against_index: Option<&str>,
        portfolio: Option<PathBuf>,
        start: Option<Bound<'py, PyAny>>,
        end: Option<Bound<'py, PyAny>>,
    ) -> PyResult<BenchmarkResult> {
        let against = match (portfolio, against_index) {
            (Some(p), None) => Against::Portfolio(p),
            (None, Some(i)) => Against::Index(crate::convert::index(i)?),
            _ => {
                return Err(PyValueError::new_err(
                    "give one of portfolio (a CSV of date,return) or against_index",
                ))
            }
        };
        let spec = BenchmarkSpec {
            index: crate::convert::index(index)?,
            against,
            from: opt_date(start.as_ref())?,
            to: opt_date(end.as_ref())?,
        };
        let b = self.call(py, |j| j.benchmark(&spec))?;
        Ok(BenchmarkResult {
            name: b.name,
            stats: stats_dict(py, &b.stats)?.unbind(),
            relative: Py::new(py, table(py, tables::relative(&b.relative))?)?,
        })
    }

    /// Writes the self-contained HTML report (history, levels, the last
    /// reconstitution's flows, the fund) to the file `path`; returns it.
    fn report(&self, py: Python<'_>, path: PathBuf) -> PyResult<String> {
        let data = self.call(py, |j| j.report())?;
        let written = py.detach(|| {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            rankday_report::write_report(&path, &data).map_err(std::io::Error::other)
        });
        written.map_err(|e| to_py(py, &e))?;
        Ok(path.display().to_string())
    }
}

/// The calculation's settings from the Python arguments every levels call
/// takes: index names (default: the whole family) and the dates reported.
fn calc_settings(
    indexes: Option<&Bound<'_, PyAny>>,
    start: Option<&Bound<'_, PyAny>>,
    end: Option<&Bound<'_, PyAny>>,
) -> PyResult<CalcSettings> {
    Ok(CalcSettings {
        indexes: crate::convert::indexes(indexes)?,
        from: opt_date(start)?,
        to: opt_date(end)?,
        ..CalcSettings::default()
    })
}
