//! How a market compares with the published Russell figures it should
//! resemble: the statistics `rankday inspect` prints.

use rankday_core::{Date, IndexId};
use rankday_method::ReconSpec;
use rankday_synth::stats::MarketSummary;
use rankday_synth::CapStats;

use crate::{Job, PipelineError, Result};

/// The date of the published 2024 figures the generator is calibrated to
/// (methodology §9).
pub fn calibration_date() -> Date {
    Date::ymd(2024, 4, 30)
}

/// A market's statistics at a date, with the Russell 3000 of that day.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The trading day described.
    pub date: Date,
    /// Lines, prices, volumes and actions of the market.
    pub summary: MarketSummary,
    /// The size curve of the Russell 3000 ranked on `date`, one cap per company.
    pub r3000: CapStats,
    /// Lines that passed every eligibility screen.
    pub eligible_lines: usize,
}

impl Job {
    /// The statistics of the trading day on or before `date` (default: the
    /// calibration date if in the history, else the last day), with the
    /// Russell 3000 ranked on it under the shipped rules, without banding.
    pub fn calibration(&self, date: Option<Date>) -> Result<Calibration> {
        let market = self.market();
        let (first, last) = (
            market.first_date().unwrap_or_default(),
            market.last_date().unwrap_or_default(),
        );
        let published = calibration_date();
        let date = date.unwrap_or(if published >= first && published <= last {
            published
        } else {
            last
        });
        let day = market
            .day_on_or_before(date)
            .ok_or(PipelineError::BeforeStart { date, first })?;
        let date = market.dates()[day];
        let summary = rankday_synth::stats::summarize(market, date);
        let spec = ReconSpec {
            rank_date: date,
            effective_date: date,
            december: false,
            banding: false,
        };
        let recon =
            rankday_method::reconstitute(market, &spec, None, &rankday_method::Policy::russell())?;
        let mut caps: Vec<(u32, f64)> = recon
            .membership
            .members(IndexId::R3000)
            .map(|r| (r.company, r.total_market_cap))
            .collect();
        caps.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        caps.dedup_by_key(|c| c.0);
        let sorted: Vec<f64> = caps.iter().map(|c| c.1).collect();
        Ok(Calibration {
            date,
            summary,
            r3000: rankday_synth::cap_stats(&sorted),
            eligible_lines: recon.screens.iter().filter(|s| s.passed).count(),
        })
    }
}
