//! The report's input model.
//!
//! Deliberately plain data (strings, numbers, [`Date`]s) rather than the other
//! crates' types: the report must not depend on calc, flows or fund, so the CLI
//! fills this from whatever capabilities exist and every section is optional.
//! An empty `Vec` or `None` means "no such section"; the page then omits it.
//!
//! The whole struct is embedded verbatim as JSON in the page, so a report is
//! also a machine-readable archive of its own numbers. Non-finite floats
//! serialize as `null`, which the charts draw as gaps.

use rankday_core::Date;
use serde::{Deserialize, Serialize};

/// Everything one report shows.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ReportData {
    /// Page title and `<title>`.
    pub title: String,
    /// Producer and version, e.g. `"rankday 0.1.0"`, shown in the header.
    pub generated_by: String,
    /// Key facts (label, value) shown first, as given.
    pub market_summary: Vec<(String, String)>,
    /// Daily index levels: one log-scale chart, price return solid, total return dashed.
    pub levels: Vec<LevelSeries>,
    /// A relative-strength line, e.g. Russell 2000 / Russell 1000.
    pub relative: Option<RelativeSeries>,
    /// One row per reconstitution, oldest first.
    pub recons: Vec<ReconSummary>,
    /// Forecast flows around one reconstitution.
    pub flows: Option<FlowsSection>,
    /// A simulated tracking fund.
    pub fund: Option<FundSection>,
}

/// Daily levels of one index.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LevelSeries {
    /// Display name, e.g. `"R2000"` or `"Russell 2000"`.
    pub index: String,
    /// Strictly increasing trading dates.
    pub dates: Vec<Date>,
    /// Price-return level, same length as `dates`.
    pub price_return: Vec<f64>,
    /// Total-return level, same length as `dates`, or empty when not calculated.
    pub total_return: Vec<f64>,
}

/// The ratio of two indexes over time.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RelativeSeries {
    /// Legend and heading, e.g. `"Russell 2000 / Russell 1000"`.
    pub name: String,
    /// Strictly increasing dates.
    pub dates: Vec<Date>,
    /// The ratio. The page rebases it so the first finite value is 100, which
    /// is a no-op when the caller has already rebased.
    pub ratio: Vec<f64>,
}

/// One reconstitution's headline numbers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ReconSummary {
    /// The rank day.
    pub rank_date: Date,
    /// The day after whose close the new membership applies.
    pub effective_date: Date,
    /// Member count per index after the reconstitution, e.g. `("R2000", 2000)`.
    /// Indexes become table columns in order of first appearance.
    pub counts: Vec<(String, u32)>,
    /// Total market cap (USD) of the company ranked #1000: the R1000/R2000 breakpoint.
    pub cap_rank_1000: f64,
    /// Total market cap (USD) of the company ranked #3000: the bottom of the R2000.
    pub cap_rank_3000: f64,
    /// Lower edge (USD) of the ±2.5% cumulative-cap banding zone around #1000.
    pub band_lower_usd: f64,
    /// Upper edge (USD) of the banding zone.
    pub band_upper_usd: f64,
    /// Securities added to the R3000E.
    pub adds: u32,
    /// Securities deleted from the R3000E.
    pub deletes: u32,
    /// Migrations from the R2000 up to the R1000.
    pub ups: u32,
    /// Migrations from the R1000 down to the R2000.
    pub downs: u32,
}

/// Forecast demand for one security on an effective date.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FlowName {
    /// The line's ticker.
    pub ticker: String,
    /// Net index-fund demand in USD; positive buys, negative sells.
    pub demand_usd: f64,
    /// `|demand|` divided by average daily dollar volume.
    pub days_of_volume: f64,
    /// Estimated price impact in basis points.
    pub impact_bps: f64,
}

/// Reconstitution flow forecast.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FlowsSection {
    /// The reconstitution's effective date.
    pub effective_date: Date,
    /// Largest buys, largest first.
    pub top_buys: Vec<FlowName>,
    /// Largest sells, largest first (demand negative).
    pub top_sells: Vec<FlowName>,
    /// Net demand (USD) by total-cap decile of the affected names, decile 1 =
    /// smallest caps, as `rankday_flows::summary::deciles` orders them.
    /// Normally 10 values.
    pub decile_net_usd: Vec<f64>,
    /// Histogram of days-of-volume: (bucket label, number of securities).
    pub dov_histogram: Vec<(String, u32)>,
    /// One-way turnover per index as a fraction (0.23 = 23%).
    pub turnover: Vec<(String, f64)>,
}

/// A simulated fund tracking an index.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FundSection {
    /// Strictly increasing dates.
    pub dates: Vec<Date>,
    /// Cumulative tracking difference (fund minus index) in basis points.
    pub tracking_difference_bp: Vec<f64>,
    /// Net asset value, same length as `dates`.
    pub nav: Vec<f64>,
    /// Summary statistics (label, value) shown as given.
    pub stats: Vec<(String, String)>,
}
