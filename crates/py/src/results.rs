//! The results that are more than one table (a fund, a benchmark
//! comparison), the statistics and totals that come with tables, and the
//! calendar.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rankday_core::Date;
use rankday_fund::TrackingStats;

use crate::convert::py_date;
use crate::error::pipeline;
use crate::table::Table;

/// The result of `Market.fund`.
#[pyclass(module = "rankday._rankday", name = "FundResult", frozen)]
pub struct FundResult {
    /// One row per day: NAV, cash, receivables, flows, returns beside the
    /// index's, costs, fees.
    #[pyo3(get)]
    pub(crate) nav: Py<Table>,
    /// One row per trade.
    #[pyo3(get)]
    pub(crate) trades: Py<Table>,
    /// Tracking statistics (named as `rankday fund --json` names them).
    #[pyo3(get)]
    pub(crate) stats: Py<PyDict>,
    /// How much the fund traded (as `rankday fund --json`'s `activity`):
    /// `trades` after the launch purchase and `trades_per_year`, one-way
    /// `turnover` a year beside the index's own (`index_turnover`), and the
    /// lowest cash at a close (`min_cash`, `min_cash_share` of NAV), so a
    /// user can judge whether the fund trades like a real one.
    #[pyo3(get)]
    pub(crate) activity: Py<PyDict>,
}

#[pymethods]
impl FundResult {
    fn __repr__(&self) -> String {
        format!(
            "rankday.FundResult({} days, {} trades)",
            self.nav.get().num_rows(),
            self.trades.get().num_rows()
        )
    }
}

/// The result of `Market.benchmark`.
#[pyclass(module = "rankday._rankday", name = "BenchmarkResult", frozen)]
pub struct BenchmarkResult {
    /// What was measured (the file, or "R1000 total return").
    #[pyo3(get)]
    pub(crate) name: String,
    /// Tracking statistics of the daily returns.
    #[pyo3(get)]
    pub(crate) stats: Py<PyDict>,
    /// Relative performance, rebased to 100 (`date`, `relative_performance`).
    #[pyo3(get)]
    pub(crate) relative: Py<Table>,
}

#[pymethods]
impl BenchmarkResult {
    fn __repr__(&self) -> String {
        format!("rankday.BenchmarkResult({})", self.name)
    }
}

/// The tracking statistics with the names of the command line's `--json`.
/// The fund's [`Activity`](rankday_fund::Activity), keyed as the CLI's JSON keys it.
pub(crate) fn activity_dict<'py>(
    py: Python<'py>,
    a: &rankday_fund::Activity,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("years", a.years)?;
    d.set_item("trades", a.trades)?;
    for (k, v) in [
        ("trades_per_year", a.trades_per_year),
        ("turnover", a.turnover),
        ("index_turnover", a.index_turnover),
        ("min_cash", a.min_cash),
        ("min_cash_share", a.min_cash_share),
    ] {
        d.set_item(k, v)?;
    }
    Ok(d)
}

pub(crate) fn stats_dict<'py>(py: Python<'py>, s: &TrackingStats) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("days", s.days)?;
    for (k, v) in [
        ("fund_return", s.fund_return),
        ("index_return", s.index_return),
        ("fund_return_annualised", s.fund_return_annualised),
        ("index_return_annualised", s.index_return_annualised),
        ("tracking_difference", s.tracking_difference),
        (
            "tracking_difference_annualised",
            s.tracking_difference_annualised,
        ),
        ("mean_active_daily", s.mean_active_daily),
        ("tracking_error_std_annualised", s.te_std),
        ("tracking_error_rms_annualised", s.te_rms),
        ("information_ratio", s.information_ratio),
        ("beta", s.beta),
        ("up_capture", s.up_capture),
        ("down_capture", s.down_capture),
    ] {
        d.set_item(k, v)?;
    }
    Ok(d)
}

/// A flow summary's totals into `meta` (the names of `rankday flows --json`).
pub(crate) fn summary_into(
    py: Python<'_>,
    s: &rankday_flows::FlowSummary,
    meta: &Bound<'_, PyDict>,
) -> PyResult<()> {
    meta.set_item("pricing_date", py_date(py, s.pricing_date)?)?;
    for (k, v) in [
        ("buys_usd", s.buys_usd),
        ("sells_usd", s.sells_usd),
        ("net_usd", s.net_usd),
        ("index_one_way_usd", s.index_one_way_usd),
        ("crossed_usd", s.crossed_usd),
    ] {
        meta.set_item(k, v)?;
    }
    let counts = PyDict::new(py);
    for (k, v) in [
        ("add", s.counts.add),
        ("delete", s.counts.delete),
        ("up", s.counts.up),
        ("down", s.counts.down),
        ("stay", s.counts.stay),
    ] {
        counts.set_item(k, v)?;
    }
    meta.set_item("counts", counts)?;
    let per_index = PyList::empty(py);
    for f in &s.per_index {
        let d = PyDict::new(py);
        d.set_item("index", f.index.as_str())?;
        d.set_item("aum_usd", f.aum_usd)?;
        d.set_item("members_before", f.members_before)?;
        d.set_item("members_after", f.members_after)?;
        d.set_item("one_way_turnover", f.one_way_turnover)?;
        d.set_item("buys_usd", f.buys_usd)?;
        d.set_item("sells_usd", f.sells_usd)?;
        per_index.append(d)?;
    }
    meta.set_item("per_index", per_index)?;
    Ok(())
}

/// The reconstitution, IPO and share-update schedule of `year` (as
/// `rankday calendar`): columns `date` and `what`. `calendar`: a calendar
/// policy TOML overriding the shipped schedule.
#[pyfunction]
#[pyo3(signature = (year, *, calendar = None))]
pub fn calendar(py: Python<'_>, year: i32, calendar: Option<PathBuf>) -> PyResult<Table> {
    let cal = pipeline(py, rankday_pipeline::recon_calendar(calendar.as_deref()))?;
    let items = cal.schedule(year);
    let t = rankday_io::Table::new()
        .with(
            "date",
            rankday_io::Column::Date(items.iter().map(|i| i.date).collect::<Vec<Date>>()),
        )
        .with(
            "what",
            rankday_io::Column::Str(items.iter().map(|i| i.what.clone()).collect()),
        );
    Table::from_io(py, t)
}
