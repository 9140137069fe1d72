//! rankday's report: one self-contained HTML file that opens offline.
//!
//! Why one file: reports are mailed, archived next to a run's outputs and
//! opened on locked-down desks years later. So the page carries everything it
//! needs — the vendored uPlot chart library (`assets/vendor/`, see
//! `PROVENANCE.md`), its own CSS and script, and the data itself as JSON — and
//! a Content-Security-Policy that forbids any network request, so a mistake
//! that would reach out to a CDN fails loudly in the browser test instead of
//! silently at a reader's desk.
//!
//! Tables are rendered here in Rust (they read without JavaScript); charts are
//! drawn by `assets/report.js` from the embedded JSON. The page signals its
//! state for automated checks: every `[data-chart]` gets `data-drawn="1"` when
//! drawn with data and `data-rect` with its plot area in page pixels, errors go
//! to `window.__rankdayErrors` (mirrored into `<body data-errors>`), and
//! `<body data-ready="1">` is set last.
//!
//! ```no_run
//! use rankday_report::{render, write_report, ReportData};
//! let data = ReportData { title: "Russell US indexes".into(), ..Default::default() };
//! let html: String = render(&data)?;
//! write_report(std::path::Path::new("report.html"), &data)?;
//! # Ok::<(), rankday_report::ReportError>(())
//! ```

mod fmt;
mod html;
mod model;

use std::io::Write;
use std::path::Path;

pub use model::{
    FlowName, FlowsSection, FundSection, LevelSeries, ReconSummary, RelativeSeries, ReportData,
};

/// Why a report could not be rendered or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Two parallel vectors of one series differ in length; drawing them would
    /// silently misalign values and dates.
    #[error("{series}: {field} has {got} values but there are {expected} dates")]
    LengthMismatch {
        /// The series' name.
        series: String,
        /// The vector whose length differs.
        field: &'static str,
        /// Number of dates.
        expected: usize,
        /// Number of values.
        got: usize,
    },
    /// A series' dates are not strictly increasing (the chart's x axis must be).
    #[error("{series}: dates not strictly increasing at position {position} ({date})")]
    DatesNotIncreasing {
        /// The series' name.
        series: String,
        /// Position of the offending date, from 0.
        position: usize,
        /// The offending date.
        date: rankday_core::Date,
    },
    /// The data could not be serialized for embedding.
    #[error("serializing report data: {0}")]
    Json(#[from] serde_json::Error),
    /// The output file could not be written or moved into place
    /// (`rankday-io` names the file and the cause).
    #[error(transparent)]
    Write(#[from] rankday_io::IoError),
}

/// Renders the complete HTML page.
///
/// Fails only on inconsistent input (see [`ReportError`]); empty sections are
/// fine and are left out of the page.
pub fn render(data: &ReportData) -> Result<String, ReportError> {
    validate(data)?;
    html::page(data)
}

/// Renders and writes the report atomically (`rankday_io::atomic_write`:
/// a temporary file in the destination's directory, flushed and synced,
/// then renamed over `path`). Why: a reader (or a browser auto-reloading
/// the file) never sees a half-written report, and a failed run leaves the
/// previous report intact. Commands publish it with their other outputs
/// through `rankday_io::OutputDir::write_file` and [`render`] instead.
pub fn write_report(path: &Path, data: &ReportData) -> Result<(), ReportError> {
    let html = render(data)?;
    rankday_io::atomic_write(path, |w| {
        w.write_all(html.as_bytes())
            .map_err(|e| rankday_io::IoError::Io {
                path: path.to_path_buf(),
                source: e,
            })
    })?;
    Ok(())
}

fn check_len(
    series: &str,
    field: &'static str,
    expected: usize,
    got: usize,
) -> Result<(), ReportError> {
    if expected == got {
        Ok(())
    } else {
        Err(ReportError::LengthMismatch {
            series: series.to_string(),
            field,
            expected,
            got,
        })
    }
}

fn check_dates(series: &str, dates: &[rankday_core::Date]) -> Result<(), ReportError> {
    match dates.windows(2).position(|w| w[1] <= w[0]) {
        None => Ok(()),
        Some(i) => Err(ReportError::DatesNotIncreasing {
            series: series.to_string(),
            position: i + 1,
            date: dates[i + 1],
        }),
    }
}

/// Checks the invariants the charts rely on, so bad input is a typed error
/// here rather than a misdrawn chart.
fn validate(data: &ReportData) -> Result<(), ReportError> {
    for s in &data.levels {
        let name = format!("levels {}", s.index);
        check_dates(&name, &s.dates)?;
        check_len(&name, "price_return", s.dates.len(), s.price_return.len())?;
        if !s.total_return.is_empty() {
            check_len(&name, "total_return", s.dates.len(), s.total_return.len())?;
        }
    }
    if let Some(r) = &data.relative {
        check_dates(&r.name, &r.dates)?;
        check_len(&r.name, "ratio", r.dates.len(), r.ratio.len())?;
    }
    let rank_dates: Vec<_> = data.recons.iter().map(|r| r.rank_date).collect();
    check_dates("recons", &rank_dates)?;
    if let Some(f) = &data.fund {
        check_dates("fund", &f.dates)?;
        check_len(
            "fund",
            "tracking_difference_bp",
            f.dates.len(),
            f.tracking_difference_bp.len(),
        )?;
        check_len("fund", "nav", f.dates.len(), f.nav.len())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
