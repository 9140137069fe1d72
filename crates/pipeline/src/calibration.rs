//! How a market compares with the published Russell figures it should
//! resemble: the statistics `rankday inspect` prints, and the return and
//! band tables of `rankday inspect --returns`.

use std::collections::HashMap;

use rankday_calendar::ReconKind;
use rankday_core::{Date, IndexId};
use rankday_method::{Cut, ReconSpec};
use rankday_synth::returns::{Levels, PairStats, ReconCounts};
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
        if let Some(d) = date {
            self.check_date("date", d)?;
        }
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
            banding: false,
            ..ReconSpec::for_policy(date, date, false, &rankday_method::Policy::russell())
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

impl Job {
    /// The Russell 2000 against the Russell 1000 over the whole history
    /// (levels of the reconstitution history, or of the given membership
    /// states): volatility, correlation, tracking error, return gap,
    /// drawdowns, fat tails ([`rankday_synth::returns`]). `None` when the
    /// two indexes share fewer than three daily returns.
    pub fn return_stats(&self) -> Result<Option<PairStats>> {
        let cfg = self.calc_config_of(vec![IndexId::R1000, IndexId::R2000]);
        let levels = self.calculate(self.states()?, &cfg)?;
        let series = |index: IndexId| {
            let rows = levels.levels.iter().filter(|r| r.index == index);
            let mut s = (Vec::new(), Vec::new(), Vec::new());
            for r in rows {
                s.0.push(r.date);
                s.1.push(r.price_return);
                s.2.push(r.total_return);
            }
            s
        };
        let (ds, ps, ts) = series(IndexId::R2000);
        let (dl, pl, tl) = series(IndexId::R1000);
        Ok(PairStats::of(
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
        ))
    }

    /// Line counts and R1000↔R2000 migrations of every reconstitution of
    /// the history that took effect (the input of
    /// [`rankday_synth::returns::band_checks`]).
    pub fn recon_counts(&self) -> Result<Vec<ReconCounts>> {
        let h = self.history()?;
        Ok(h.recons
            .iter()
            .filter(|r| {
                h.states
                    .iter()
                    .any(|s| s.effective_date == r.event.effective_date)
            })
            .map(|r| {
                let m = &r.result.membership;
                let (mut ups, mut downs, mut r1000_before) = (0, 0, 0);
                if let Some(b) = h.state_before(r.event.effective_date) {
                    let before: HashMap<_, _> = b.rows.iter().map(|x| (x.sec, x.indexes)).collect();
                    r1000_before = b.count(IndexId::R1000);
                    for row in &m.rows {
                        let Some(s) = before.get(&row.sec) else {
                            continue;
                        };
                        ups += usize::from(
                            s.contains(IndexId::R2000) && row.indexes.contains(IndexId::R1000),
                        );
                        downs += usize::from(
                            s.contains(IndexId::R1000) && row.indexes.contains(IndexId::R2000),
                        );
                    }
                }
                ReconCounts {
                    rank_date: r.event.rank_date,
                    june: r.event.kind == ReconKind::June,
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
                    p1000: r.result.breakpoints.get(Cut::R1000).percentile,
                    n_eligible: r.result.breakpoints.n_eligible,
                }
            })
            .collect())
    }
}
