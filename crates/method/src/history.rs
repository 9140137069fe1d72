//! The reconstitution history: every rank day of a market, in order, each
//! seeing the membership left by the one before, with the quarterly IPO
//! additions in between (methodology §1 "Timeline" and "IPOs").
//!
//! This is the one place that chains reconstitutions; the CLI, the
//! benchmarks and the tests all call it. Each state leaves out the lines
//! that stopped trading before it took effect ([`crate::exits`]).

use rankday_calendar::{IpoEvent, ReconCalendar, ReconEvent};
use rankday_core::{Date, IndexId, Market, Membership, Sec};

use crate::{drop_gone, ipo_additions, reconstitute, MethodError, Policy, Reconstitution};

/// One reconstitution of the history with its calendar event.
#[derive(Clone, Debug)]
pub struct Recon {
    /// The reconstitution's calendar event (dates, June or December).
    pub event: ReconEvent,
    /// What it produced.
    pub result: Reconstitution,
}

/// Every reconstitution whose rank day lies in the history, plus the
/// membership states in force over time (recons and IPO rounds), in order.
///
/// `states` holds only states whose effective date is inside the history:
/// a reconstitution ranked but not yet effective (the upcoming one) is in
/// `recons`, for forecasting, and is never applied to levels or funds.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Every reconstitution whose rank day lies in the history, oldest first.
    pub recons: Vec<Recon>,
    /// The membership states in force over time, oldest first.
    pub states: Vec<Membership>,
}

impl History {
    /// The state in force just before the close of `date`.
    pub fn state_before(&self, date: Date) -> Option<&Membership> {
        self.states.iter().rev().find(|s| s.effective_date < date)
    }
}

/// Rank days need a month of prices before them (30-day average price rule,
/// methodology §2), so the first usable rank day is a little after the start.
pub const MIN_DAYS_BEFORE_RANK: usize = 30;

/// Options of [`run_history`].
#[derive(Clone, Copy, Debug, Default)]
pub struct HistoryOptions {
    /// Stop after this rank day (inclusive); `None`: every rank day.
    pub until_rank_date: Option<Date>,
    /// Skip the quarterly IPO rounds.
    pub without_ipos: bool,
}

/// Runs every reconstitution of the market's history (see the module doc).
/// `progress(done, total)` is called after each reconstitution.
pub fn run_history(
    market: &Market,
    cal: &ReconCalendar,
    policy: &Policy,
    opts: HistoryOptions,
    progress: &dyn Fn(usize, usize),
) -> Result<History, MethodError> {
    HistoryPlan::new(market, cal, opts)?.run(market, policy, progress, &mut |_| {})
}

/// One step of a history.
#[derive(Clone, Debug)]
enum Step {
    Recon(ReconEvent),
    /// An IPO round after the reconstitution before it.
    Ipo(IpoEvent),
}

/// What a history will do, known from the calendar and the market's dates
/// before any reconstitution runs: its steps, and so the effective date of
/// every membership state it will produce. A consumer of the states (the
/// levels) can start on the first while the later ones are computed.
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
            steps.push(Step::Recon(ev.clone()));
            // A reconstitution ranked but not effective inside the history
            // is kept for forecasting; no IPO round follows it.
            if ev.effective_date > last || opts.without_ipos {
                continue;
            }
            let next_rank = events.get(k + 1).map_or(last, |e| e.rank_date);
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
                Step::Recon(ev) if ev.effective_date > self.last => None,
                Step::Recon(ev) => Some(ev.effective_date),
                Step::Ipo(ipo) => Some(ipo.effective_date),
            })
            .collect()
    }

    /// Runs the steps in order; `on_state` sees each membership state as
    /// soon as it is made, before the next step runs (the states of
    /// [`HistoryPlan::state_dates`], in that order).
    pub fn run(
        &self,
        market: &Market,
        policy: &Policy,
        progress: &dyn Fn(usize, usize),
        on_state: &mut dyn FnMut(&Membership),
    ) -> Result<History, MethodError> {
        let mut history = History::default();
        let mut done = 0;
        for step in &self.steps {
            match step {
                Step::Recon(ev) => {
                    let mut result =
                        reconstitute(market, &ev.into(), history.states.last(), policy)?;
                    // Known through its effective date, or the end of the
                    // data for the upcoming one.
                    drop_gone(
                        market,
                        &mut result.membership,
                        ev.effective_date.min(self.last),
                    );
                    if ev.effective_date <= self.last {
                        on_state(&result.membership);
                        history.states.push(result.membership.clone());
                    }
                    history.recons.push(Recon {
                        event: ev.clone(),
                        result,
                    });
                    done += 1;
                    progress(done, self.n_recons);
                }
                Step::Ipo(ipo) => {
                    let recon = history.recons.last().expect("a round follows a recon");
                    let current = history.states.last().expect("its recon is a state");
                    let ret =
                        r3000e_price_return(market, current, recon.event.rank_date, ipo.rank_date);
                    let mut next = ipo_additions(
                        market,
                        ipo.rank_date,
                        ipo.effective_date,
                        current,
                        &recon.result,
                        ret,
                        policy,
                    )?;
                    drop_gone(market, &mut next, ipo.effective_date);
                    on_state(&next);
                    history.states.push(next);
                }
            }
        }
        Ok(history)
    }
}

fn ipo_events_between(cal: &ReconCalendar, after: Date, before: Date) -> Vec<IpoEvent> {
    (after.year()..=before.year())
        .flat_map(|y| cal.ipo_events(y))
        .filter(|e| e.rank_date > after && e.rank_date < before)
        .collect()
}

/// Price return of the Russell 3000E members, index shares held fixed, from
/// the last rank day to an IPO rank date: the market adjustment of the
/// breakpoints (methodology §1 "IPOs", GC-04).
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
    let (mut c0, mut c1) = (market.rows_on_or_before(d0), market.rows_on_or_before(d1));
    let close = market.columns().1;
    let (mut v0, mut v1) = (0.0, 0.0);
    for (sec, n) in members {
        let (Some(i0), Some(i1)) = (c0.row(sec), c1.row(sec)) else {
            continue;
        };
        let (p0, p1) = (close[i0], close[i1]);
        if p0.is_finite() && p1.is_finite() {
            v0 += p0 * n;
            v1 += p1 * n;
        }
    }
    if v0 > 0.0 {
        v1 / v0 - 1.0
    } else {
        0.0
    }
}
