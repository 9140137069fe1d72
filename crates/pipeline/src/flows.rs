//! The passive flows of a reconstitution: measured after the fact, or
//! forecast with only the data known at a date, and how a forecast firms up
//! as the reconstitution approaches.

use rankday_core::{Date, IndexId, Membership};
use rankday_flows::{ConvergenceRow, FlowRow, FlowSummary};
use rankday_method::ReconSpec;

use crate::{Job, PipelineError, Result};

/// The flows of one reconstitution: what passive funds trade, per line and
/// in total.
#[derive(Clone, Debug, PartialEq)]
pub struct Flows {
    /// The reconstitution's effective date.
    pub effective_date: Date,
    /// One row per line that trades.
    pub rows: Vec<FlowRow>,
    /// Totals, per index and by size decile.
    pub summary: FlowSummary,
}

/// The flows of the next reconstitution as seen at a date.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// The date whose data the forecast uses.
    pub as_of: Date,
    /// The rank day of the forecast reconstitution (possibly after `as_of`).
    pub rank_date: Date,
    /// Its effective date.
    pub effective_date: Date,
    /// One row per line that trades.
    pub rows: Vec<FlowRow>,
    /// Totals, per index and by size decile.
    pub summary: FlowSummary,
}

impl Job {
    /// What the index family holds after the close of each of `dates`, with
    /// every quarterly update and corporate action since the last
    /// reconstitution: the side passive funds trade from (the last
    /// membership state does not show those). One pass of the calculation.
    pub fn holdings_at(&self, dates: &[Date]) -> Result<Vec<Membership>> {
        Ok(self.held_at(dates)?.into_iter().map(|h| h.state).collect())
    }

    /// [`Job::holdings_at`] with the shares and float factor each holding
    /// stands for: at a rank date, the previous state of a reconstitution
    /// ranked then (`rankday_method::previous_state`).
    pub fn held_at(&self, dates: &[Date]) -> Result<Vec<rankday_calc::Held>> {
        let cfg = self.calc_config_of(vec![IndexId::R3000E]);
        rankday_calc::holdings_states(self.market(), &self.history()?.states, dates, &cfg)
            .map_err(PipelineError::Holdings)
    }

    fn held(&self, date: Date) -> Result<Membership> {
        let mut states = self.holdings_at(&[date])?;
        Ok(states.pop().expect("one state per date"))
    }

    /// The rank date of the forecast of the next reconstitution made at
    /// `as_of`: the rank day once it is reached, else the as-of day.
    fn forecast_rank_date(&self, as_of: Date) -> Result<Date> {
        let market = self.market();
        let ev = self.calendar().next_recon_after(as_of);
        Ok(if as_of < ev.rank_date {
            market.dates()[market
                .day_on_or_before(as_of)
                .ok_or(PipelineError::BeforeHistory { what: "as-of date" })?]
        } else {
            ev.rank_date
        })
    }

    /// The flows of the reconstitution effective `effective` (in the
    /// history, or ranked and ahead), trading from the holdings after the
    /// close of the day before.
    pub fn realised_flows(&self, effective: Date) -> Result<Flows> {
        let market = self.market();
        let history = self.history()?;
        let recon = history
            .recons
            .iter()
            .find(|r| r.event.effective_date == effective)
            .ok_or_else(|| PipelineError::NoReconEffective {
                date: effective,
                effective_dates: history
                    .recons
                    .iter()
                    .map(|r| r.event.effective_date)
                    .collect(),
            })?;
        history
            .state_before(effective)
            .ok_or(PipelineError::FirstRecon)?;
        let pricing = effective.min(market.last_date().unwrap_or(effective));
        // Holdings after the close of the day before the effective date: the
        // recon itself is applied after the effective date's close.
        let day = market
            .day_on_or_before(effective)
            .ok_or(PipelineError::BeforeHistory {
                what: "effective date",
            })?;
        let before = self.held(market.dates()[day.saturating_sub(1)])?;
        let (rows, summary) = rankday_flows::compute_flows(
            market,
            &before,
            &recon.result.membership,
            pricing,
            &self.flow_settings().model,
            &self.flow_settings().config,
        )?;
        Ok(Flows {
            effective_date: effective,
            rows,
            summary,
        })
    }

    /// The flows of the most recent reconstitution whose effective date is
    /// in the history and that has a membership before it; `None` when
    /// there is none or they cannot be computed.
    pub fn last_realised_flows(&self) -> Option<Flows> {
        let last = self.market().last_date()?;
        let history = self.history().ok()?;
        let recon = history.recons.iter().rev().find(|r| {
            r.event.effective_date <= last && history.state_before(r.event.effective_date).is_some()
        })?;
        self.realised_flows(recon.event.effective_date).ok()
    }

    /// The upcoming reconstitution as seen with the data known at `as_of`
    /// (default: the market's last day): before rank day the caps are those
    /// of `as_of`; after it, rank-day caps (frozen) with prices of `as_of`
    /// for the trade sizes.
    pub fn forecast(&self, as_of: Option<Date>) -> Result<Forecast> {
        if let Some(d) = as_of {
            self.check_date("as-of date", d)?;
        }
        let market = self.market();
        let as_of = as_of
            .or(market.last_date())
            .ok_or(PipelineError::EmptyMarket)?;
        let pricing = as_of.min(market.last_date().unwrap_or(as_of));
        let rank_date = self.forecast_rank_date(as_of)?;
        let mut held = self.held_at(&[rank_date, pricing])?;
        let before = held.pop().expect("two dates").state;
        let previous = held.pop().expect("two dates");
        self.forecast_from(as_of, &before, &previous)
    }

    /// [`Job::forecast`] trading from `before`, the holdings at the pricing
    /// date (`as_of`, or the market's last date if earlier), and ranked from
    /// `previous`, what the index held after the close of its rank date (as
    /// every reconstitution of the history starts).
    fn forecast_from(
        &self,
        as_of: Date,
        before: &Membership,
        previous: &rankday_calc::Held,
    ) -> Result<Forecast> {
        let market = self.market();
        let ev = self.calendar().next_recon_after(as_of);
        let rank_date = self.forecast_rank_date(as_of)?;
        let pricing = as_of.min(market.last_date().unwrap_or(as_of));
        let spec = ReconSpec {
            rank_date,
            // Corporate events re-rank only as far as they are known.
            lockdown_date: Some(ev.lockdown_date.min(pricing.add_days(1))),
            ..ReconSpec::of(&ev, self.calendar())
        };
        if previous.state.rows.is_empty() {
            return Err(PipelineError::NoStateAt);
        }
        let mut recon =
            rankday_method::reconstitute_held(market, &spec, Some(previous), self.policy())?;
        // What is known at the as-of date: exits up to it, none after.
        rankday_method::drop_gone(market, &mut recon.membership, pricing);
        let settings = self.flow_settings();
        let (rows, summary) = rankday_flows::compute_flows(
            market,
            before,
            &recon.membership,
            pricing,
            &settings.model,
            &settings.config,
        )?;
        Ok(Forecast {
            as_of,
            rank_date: ev.rank_date,
            effective_date: ev.effective_date,
            rows,
            summary,
        })
    }

    /// Forecasts of the reconstitution ahead of `as_of` (default: the
    /// market's last day) made at its milestones up to `as_of` (a month
    /// before rank day, rank day, preliminary lists, lock-down, effective
    /// date; methodology §1), judged against the latest one: how the lists
    /// and the demand firm up as the date approaches.
    pub fn convergence(&self, as_of: Option<Date>) -> Result<Vec<ConvergenceRow>> {
        if let Some(d) = as_of {
            self.check_date("as-of date", d)?;
        }
        let market = self.market();
        let as_of = as_of
            .or(market.last_date())
            .ok_or(PipelineError::EmptyMarket)?;
        let ev = self.calendar().next_recon_after(as_of);
        let last = market.last_date().unwrap_or(as_of);
        let mut dates: Vec<Date> = [
            ev.rank_date.add_days(-30),
            ev.rank_date,
            ev.preliminary_date,
            ev.lockdown_date,
            ev.effective_date,
        ]
        .into_iter()
        .filter(|d| *d < as_of && *d <= last)
        .collect();
        dates.push(as_of.min(last));
        dates.dedup();
        // Every milestone's holdings, and those of each forecast's rank
        // date, from one pass of the calculation.
        let ranks: Vec<Date> = dates
            .iter()
            .map(|&d| self.forecast_rank_date(d))
            .collect::<Result<_>>()?;
        let all: Vec<Date> = dates.iter().chain(&ranks).copied().collect();
        let held = self.held_at(&all)?;
        let (before, previous) = held.split_at(dates.len());
        let mut points = Vec::with_capacity(dates.len());
        for (k, &d) in dates.iter().enumerate() {
            if let Ok(fc) = self.forecast_from(d, &before[k].state, &previous[k]) {
                if fc.effective_date == ev.effective_date {
                    points.push((d, fc.rows, fc.summary));
                }
            }
        }
        Ok(rankday_flows::convergence(&points))
    }
}
