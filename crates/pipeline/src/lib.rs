//! rankday's job as a library: the one place that chains the crates below
//! it (market → history → levels → flows → fund → report), so that every
//! front end (the `rankday` command line, the Python package, the
//! benchmarks) runs the same steps and gets the same numbers.
//!
//! A [`Job`] holds a loaded market, its reconstitution calendar, the
//! construction policy and the calculation, flow and fund settings; its
//! methods return typed results ([`rankday_method::History`],
//! [`rankday_calc::CalcOutput`], [`Flows`], [`Forecast`],
//! [`rankday_fund::FundResult`], [`Benchmark`], the report's
//! [`rankday_report::ReportData`]) and one error type, [`PipelineError`].
//! [`tables`] turns results into the output tables the front ends write or
//! hand out. Nothing here prints or writes files.
//!
//! ```no_run
//! use rankday_pipeline::{tables, Job};
//! let job = Job::open(std::path::Path::new("market"))?;
//! let (history, levels) = job.history_and_levels()?;
//! println!("{} reconstitutions", history.recons.len());
//! for (name, table) in tables::calc(job.market(), &levels) {
//!     rankday_io::write_table(std::path::Path::new("out"), name, &table, rankday_io::FileFormat::Csv)?;
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod benchmark;
mod calibration;
mod error;
mod flows;
mod job;
mod pit;
mod progress;
mod recon;
mod report;
pub mod tables;

pub use benchmark::{stats_rows, Against, Benchmark, BenchmarkSpec};
pub use calibration::{calibration_date, Calibration};
pub use error::{PipelineError, Result};
pub use flows::{Flows, Forecast};
pub use job::{
    costs_for, demo_fund, generate, load_market, load_market_checked, passive_model, policy,
    recon_calendar, CalcSettings, FlowSettings, Job,
};
pub use pit::{BenchmarkDay, HeldLine, BENCHMARK_SERIES};
pub use progress::{Progress, Silent};
pub use recon::ReconHeadline;
pub use report::report_data;
