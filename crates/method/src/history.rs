//! The reconstitution history: every rank day of a market, in order, with
//! the quarterly IPO additions in between (methodology §1 "Timeline" and
//! "IPOs"), each starting from what the index actually held.
//!
//! This is the one place that chains reconstitutions; the CLI, the
//! benchmarks and the tests all call it. The previous state of every
//! reconstitution and IPO round is [`previous_state`]: what the family holds
//! after the close of its rank day, through every quarterly and
//! intra-quarter share and float update, IPO round and corporate action
//! since the last reconstitution. So the history runs the calculation
//! (`rankday-calc`) alongside, step by step: through a rank day, read what
//! the index holds, make the state, schedule it, go on; the levels come out
//! of the same run. Each state leaves out the lines that stopped trading
//! before it took effect ([`crate::exits`]).

use rankday_calc::{CalcConfig, CalcOutput, Calculation, Held};
use rankday_calendar::{IpoEvent, ReconCalendar, ReconEvent};
use rankday_core::{Date, IndexId, Market, Membership, Sec, StateKind};

use crate::reconstitute::{reconstitute_held_from, window_of, ReconSpec};
use crate::{drop_gone, ipo_additions, MethodError, Policy, Reconstitution};

/// One reconstitution of the history with its calendar event and the state
/// it started from.
#[derive(Clone, Debug)]
pub struct Recon {
    /// The reconstitution's calendar event (dates, June or December).
    pub event: ReconEvent,
    /// What it produced.
    pub result: Reconstitution,
    /// What the index held after the close of the rank day ([`previous_state`]).
    pub previous: Held,
}

/// Every reconstitution whose rank day lies in the history, plus the
/// membership states in force over time (recons and IPO rounds), in order.
///
/// `states` holds only states whose effective date is inside the history:
/// a reconstitution ranked but not yet effective (the upcoming one) is in
/// `recons`, for forecasting, and is never applied to levels or funds.
/// `updates` holds what the family held after each quarterly share and
/// float update ([`StateKind::Update`] states, for readers: the calculation
/// applies the updates itself).
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Every reconstitution whose rank day lies in the history, oldest first.
    pub recons: Vec<Recon>,
    /// The membership states in force over time, oldest first.
    pub states: Vec<Membership>,
    /// What the family held after each quarterly share and float update,
    /// oldest first (for readers; not in `states`).
    pub updates: Vec<Membership>,
}

impl History {
    /// The state in force just before the close of `date`.
    pub fn state_before(&self, date: Date) -> Option<&Membership> {
        self.states.iter().rev().find(|s| s.effective_date < date)
    }

    /// Every state of the history in effective-date order: reconstitutions
    /// (the upcoming one included), IPO rounds and quarterly updates (an
    /// update after the other states of its day). This is the table
    /// `rankday reconstitute` writes; the calculation over it gives the
    /// history's levels bit for bit.
    pub fn all_states(&self) -> Vec<Membership> {
        let mut v: Vec<(Date, u8, Membership)> = Vec::new();
        let upcoming = self
            .recons
            .iter()
            .filter(|r| !self.states.iter().any(|s| same(s, &r.result.membership)));
        for s in &self.states {
            v.push((s.effective_date, 0, s.clone()));
        }
        for r in upcoming {
            v.push((
                r.result.membership.effective_date,
                0,
                r.result.membership.clone(),
            ));
        }
        for u in &self.updates {
            v.push((u.effective_date, 1, u.clone()));
        }
        v.sort_by_key(|x| (x.0, x.1));
        v.into_iter().map(|x| x.2).collect()
    }
}

fn same(a: &Membership, b: &Membership) -> bool {
    a.kind == b.kind && a.rank_date == b.rank_date && a.effective_date == b.effective_date
}

/// What the whole family holds after the close of `date`, calculated over
/// `states` (a history's, or a table's) under `cfg`: the previous state of a
/// reconstitution or IPO round ranked on `date` (FTSE Russell v7.0 §9.3:
/// the index as updated quarterly, between quarters after offerings, and by
/// corporate actions). The history reads the same thing step by step from
/// its own calculation ([`Calculation::held`]); `rankday explain`, `flows
/// --as-of` and any caller with a finished history call this.
pub fn previous_state(
    market: &Market,
    states: &[Membership],
    date: Date,
    cfg: &CalcConfig,
) -> Result<Held, MethodError> {
    let mut v = rankday_calc::holdings_states(market, states, &[date], cfg)?;
    Ok(v.pop().expect("one per date"))
}

/// Rank days need a month of prices before them (30-day average price rule,
/// methodology §2), so the first usable rank day is a little after the start.
pub const MIN_DAYS_BEFORE_RANK: usize = 30;

/// Options of [`run_history`].
#[derive(Clone, Copy, Debug, Default)]
pub struct HistoryOptions {
    /// Stop after this rank day (inclusive), with no IPO round after it;
    /// `None`: every rank day.
    pub until_rank_date: Option<Date>,
    /// Skip the quarterly IPO rounds.
    pub without_ipos: bool,
}

/// Runs every reconstitution of the market's history (see the module doc)
/// under the calendar's quarterly updates and offering thresholds.
/// `progress(done, total)` is called after each reconstitution.
pub fn run_history(
    market: &Market,
    cal: &ReconCalendar,
    policy: &Policy,
    opts: HistoryOptions,
    progress: &dyn Fn(usize, usize),
) -> Result<History, MethodError> {
    let cfg = CalcConfig {
        // What the index holds does not depend on which levels are
        // calculated; one index keeps the levels' work small.
        indexes: vec![IndexId::R3000E],
        ..CalcConfig::for_calendar(cal, market)
    };
    let plan = HistoryPlan::new(market, cal, opts)?;
    Ok(plan.run(market, policy, &cfg, progress)?.0)
}

/// [`run_history`] with the levels of `cfg`, from the same run.
pub fn run_history_with_levels(
    market: &Market,
    cal: &ReconCalendar,
    policy: &Policy,
    opts: HistoryOptions,
    cfg: &CalcConfig,
    progress: &dyn Fn(usize, usize),
) -> Result<(History, CalcOutput), MethodError> {
    HistoryPlan::new(market, cal, opts)?.run(market, policy, cfg, progress)
}

/// One step of a history.
#[derive(Clone, Debug)]
enum Step {
    Recon(ReconEvent, ReconSpec),
    /// An IPO round after the reconstitution before it.
    Ipo(IpoEvent),
}

/// What a history will do, known from the calendar and the market's dates
/// before any reconstitution runs: its steps, and so the effective date of
/// every membership state it will produce.
#[derive(Clone, Debug)]
pub struct HistoryPlan {
    steps: Vec<Step>,
    n_recons: usize,
    last: Date,
}

impl HistoryPlan {
    /// The steps of [`run_history`] with these options.
    pub fn new(
        market: &Market,
        cal: &ReconCalendar,
        opts: HistoryOptions,
    ) -> Result<HistoryPlan, MethodError> {
        let (first, last) = match (market.first_date(), market.last_date()) {
            (Some(f), Some(l)) => (f, l),
            _ => return Err(MethodError::EmptyMarket),
        };
        let earliest = market
            .dates()
            .get(MIN_DAYS_BEFORE_RANK)
            .copied()
            .unwrap_or(last);
        let events: Vec<ReconEvent> = cal
            .recons_between(first, last)
            .into_iter()
            .filter(|e| e.rank_date >= earliest)
            .filter(|e| opts.until_rank_date.is_none_or(|d| e.rank_date <= d))
            .collect();
        if events.is_empty() {
            return Err(MethodError::HistoryTooShort { earliest, last });
        }
        let mut steps = Vec::new();
        for (k, ev) in events.iter().enumerate() {
            steps.push(Step::Recon(ev.clone(), ReconSpec::of(ev, cal)));
            // A reconstitution ranked but not effective inside the history
            // is kept for forecasting; no IPO round follows it, nor the last
            // reconstitution of a history cut at a rank day.
            if ev.effective_date > last || opts.without_ipos {
                continue;
            }
            let next_rank = match events.get(k + 1) {
                Some(e) => e.rank_date,
                None if opts.until_rank_date.is_some() => continue,
                None => last,
            };
            for ipo in ipo_events_between(cal, ev.effective_date, next_rank) {
                if ipo.rank_date > last || ipo.effective_date > last {
                    break;
                }
                steps.push(Step::Ipo(ipo));
            }
        }
        Ok(HistoryPlan {
            steps,
            n_recons: events.len(),
            last,
        })
    }

    /// The effective date of each membership state the history will
    /// produce (`History::states`), in order.
    pub fn state_dates(&self) -> Vec<Date> {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::Recon(ev, _) if ev.effective_date > self.last => None,
                Step::Recon(ev, _) => Some(ev.effective_date),
                Step::Ipo(ipo) => Some(ipo.effective_date),
            })
            .collect()
    }

    /// Runs the steps in order with the calculation of `cfg` alongside (see
    /// the module doc); returns the history and the levels.
    pub fn run(
        &self,
        market: &Market,
        policy: &Policy,
        cfg: &CalcConfig,
        progress: &dyn Fn(usize, usize),
    ) -> Result<(History, CalcOutput), MethodError> {
        let mut calc = Calculation::new(market, cfg)?;
        let mut history = History::default();
        let mut updates = UpdateRecorder::new(market, cfg);
        let mut done = 0;
        // A calculation cut at `cfg.to` cannot hold what a later rank day
        // starts from: the steps after it are not run.
        let until = cfg.to.unwrap_or(self.last);
        for (i, step) in self.steps.iter().enumerate() {
            let rank_date = match step {
                Step::Recon(_, spec) => spec.rank_date,
                Step::Ipo(ipo) => ipo.rank_date,
            };
            if rank_date > until {
                break;
            }
            // A reconstitution's rank-day window does not depend on what
            // the index holds: it is taken on the pool's other thread while
            // the calculation runs on to the rank day.
            let (segment, window) = rayon::join(
                || -> Result<(), MethodError> {
                    updates.record_through(&mut calc, rank_date, &mut history)?;
                    calc.run_through(rank_date)?;
                    Ok(())
                },
                || match step {
                    Step::Recon(_, spec) => window_of(market, spec, policy),
                    Step::Ipo(_) => None,
                },
            );
            segment?;
            let effective = match step {
                Step::Recon(ev, _) => ev.effective_date,
                Step::Ipo(ipo) => ipo.effective_date,
            };
            // While the state is made, the calculation runs on through the
            // days before it takes effect, on the pool's other thread.
            let limit = self.ahead_limit(market, i, effective, until);
            let run_ahead = |calc: &mut Calculation<'_>,
                             updates: &mut UpdateRecorder,
                             history: &mut History|
             -> Result<(), MethodError> {
                if let Some(d) = limit {
                    updates.record_through(calc, d, history)?;
                    calc.run_through(d)?;
                }
                Ok(())
            };
            match step {
                Step::Recon(ev, spec) => {
                    let previous = calc.held();
                    let (result, ahead) = rayon::join(
                        || reconstitute_held_from(market, spec, Some(&previous), policy, window),
                        || run_ahead(&mut calc, &mut updates, &mut history),
                    );
                    let mut result = result?;
                    // Known through its effective date, or the end of the
                    // data for the upcoming one.
                    drop_gone(
                        market,
                        &mut result.membership,
                        ev.effective_date.min(self.last),
                    );
                    if ev.effective_date <= self.last {
                        calc.push(result.membership.clone())?;
                        history.states.push(result.membership.clone());
                    }
                    ahead?;
                    history.recons.push(Recon {
                        event: ev.clone(),
                        result,
                        previous,
                    });
                    done += 1;
                    progress(done, self.n_recons);
                }
                Step::Ipo(ipo) => {
                    let current = calc.held();
                    let recon = history.recons.last().expect("a round follows a recon");
                    let make = || -> Result<Membership, MethodError> {
                        let ret = r3000e_price_return(
                            market,
                            &current.state,
                            recon.event.rank_date,
                            ipo.rank_date,
                        );
                        let mut next = ipo_additions(
                            market,
                            ipo.rank_date,
                            ipo.effective_date,
                            &current.state,
                            &recon.result,
                            ret,
                            policy,
                        )?;
                        drop_gone(market, &mut next, ipo.effective_date);
                        Ok(next)
                    };
                    let mut later = History::default();
                    let (next, ahead) =
                        rayon::join(make, || run_ahead(&mut calc, &mut updates, &mut later));
                    let next = next?;
                    calc.push(next.clone())?;
                    history.states.push(next);
                    ahead?;
                    history.updates.append(&mut later.updates);
                }
            }
        }
        let end = cfg.to.unwrap_or(self.last).min(self.last);
        updates.record_through(&mut calc, end, &mut history)?;
        let levels = calc.finish()?;
        Ok((history, levels))
    }
}

impl HistoryPlan {
    /// The last date the calculation may run to while step `i`'s state
    /// (effective `effective`) is being made: the trading day before the
    /// state takes effect, and no later than the next step's rank day or
    /// `until`. Every day up to it is run in the same order whether before
    /// or after the state is made, so running them beside it changes no
    /// bit of the levels or of any state (`None`: nothing to run ahead).
    fn ahead_limit(&self, market: &Market, i: usize, effective: Date, until: Date) -> Option<Date> {
        let mut limit = until.min(self.last);
        if effective <= self.last {
            let day = market.day_taking_effect(effective)?;
            limit = limit.min(market.dates()[day.checked_sub(1)?]);
        }
        if let Some(next) = self.steps.get(i + 1) {
            limit = limit.min(match next {
                Step::Recon(_, spec) => spec.rank_date,
                Step::Ipo(ipo) => ipo.rank_date,
            });
        }
        Some(limit)
    }
}

/// Records what the family holds after each quarterly update of the
/// calculation, as `update` states (rank date: the update's data cut-off).
struct UpdateRecorder {
    /// (effective date, cut-off), ascending.
    dates: Vec<(Date, Date)>,
    next: usize,
}

impl UpdateRecorder {
    fn new(market: &Market, cfg: &CalcConfig) -> UpdateRecorder {
        let mut dates: Vec<(Date, Date)> = cfg
            .share_updates
            .iter()
            .filter_map(|u| {
                let d = market.day_on_or_before(u.effective_date)?;
                Some((market.dates()[d], u.cutoff_date))
            })
            .collect();
        dates.sort_unstable();
        dates.dedup_by_key(|d| d.0);
        UpdateRecorder { dates, next: 0 }
    }

    /// Runs the calculation through every update effective on or before
    /// `date` not recorded yet, recording each.
    fn record_through(
        &mut self,
        calc: &mut Calculation<'_>,
        date: Date,
        history: &mut History,
    ) -> Result<(), MethodError> {
        while self.next < self.dates.len() && self.dates[self.next].0 <= date {
            let (effective, cutoff) = self.dates[self.next];
            self.next += 1;
            if calc.date().is_some_and(|d| d > effective) {
                continue;
            }
            calc.run_through(effective)?;
            let mut s = calc.held().state;
            s.kind = StateKind::Update;
            s.rank_date = cutoff;
            s.effective_date = effective;
            history.updates.push(s);
        }
        Ok(())
    }
}

fn ipo_events_between(cal: &ReconCalendar, after: Date, before: Date) -> Vec<IpoEvent> {
    (after.year()..=before.year())
        .flat_map(|y| cal.ipo_events(y))
        .filter(|e| e.rank_date > after && e.rank_date < before)
        .collect()
}

/// Price return of the Russell 3000E lines of `state`, index shares held
/// fixed, from the last rank day to an IPO rank date: the market adjustment
/// of the breakpoints (methodology §1 "IPOs", GC-04). Shares held at the
/// IPO rank date are carried back through the splits since the rank day, so
/// a split in between does not read as a return.
pub fn r3000e_price_return(market: &Market, state: &Membership, from: Date, to: Date) -> f64 {
    let (Some(d0), Some(d1)) = (market.day_on_or_before(from), market.day_on_or_before(to)) else {
        return 0.0;
    };
    // Members in security order: placed in a dense table and read back,
    // cheaper than sorting thousands of rows each round.
    let mut held: Vec<Option<f64>> = vec![None; market.n_securities()];
    for r in state.members(IndexId::R3000E) {
        if let Some(h) = held.get_mut(r.sec.idx()) {
            *h = Some(r.index_shares);
        }
    }
    let members = held
        .iter()
        .enumerate()
        .filter_map(|(s, h)| h.map(|n| (Sec(s as u32), n)));
    let splits = market.split_factors(market.dates()[d0], state.effective_date);
    let (mut c0, mut c1) = (market.rows_on_or_before(d0), market.rows_on_or_before(d1));
    let close = market.columns().1;
    let (mut v0, mut v1) = (0.0, 0.0);
    for (sec, n) in members {
        let (Some(i0), Some(i1)) = (c0.row(sec), c1.row(sec)) else {
            continue;
        };
        let (p0, p1) = (close[i0], close[i1]);
        if p0.is_finite() && p1.is_finite() {
            v0 += p0 * n / splits.get(sec);
            v1 += p1 * n;
        }
    }
    if v0 > 0.0 {
        v1 / v0 - 1.0
    } else {
        0.0
    }
}
