//! Running the daily loop: over a list of membership states in one go
//! ([`calculate`]), or step by step for a producer of states
//! ([`Calculation`]), and what the family holds after a close ([`Held`]).

use rankday_calendar::ShareUpdate;
use rankday_core::{Change, Date, IndexId, Market, MemberRow, Membership, Sec, StateKind};

use super::{Engine, ALL_MASK};
use crate::ahead::Ahead;
use crate::{CalcConfig, CalcError, CalcOutput, Constituent};

/// The shares outstanding and float factor a held line's index shares stand
/// for (`index_shares = shares × float_factor`): what the next quarterly
/// update, or the December reconstitution's float buffer, compares the data
/// with. NaN when the calculation does not know them (a line set by a state
/// without a daily row on or before its rank day).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShareBasis {
    /// Shares outstanding.
    pub shares: f64,
    /// Float shares over shares outstanding.
    pub float_factor: f64,
}

/// What the whole family holds after a close: the previous state of any
/// reconstitution or IPO round ranked on that day.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    /// Every line held, its index set and index shares (the same number in
    /// every index it belongs to), with `float_market_cap` the holding's
    /// value at that close and `total_market_cap` unknown (NaN), rank 0 and
    /// change `stay`; `rank_date` and `effective_date` are the close's date.
    pub state: Membership,
    /// The basis of each row of `state`, in the same order.
    pub basis: Vec<ShareBasis>,
}

/// A calculation run step by step: a producer of membership states (the
/// reconstitution history) runs it through a day, reads what the index
/// holds ([`Calculation::held`]), makes the next state and schedules it
/// ([`Calculation::push`]). The levels are the same bits as [`calculate`]
/// over the states pushed.
pub struct Calculation<'a> {
    e: Engine<'a>,
    /// Quarterly updates by effective day, ascending.
    updates: Vec<(usize, ShareUpdate)>,
    next_update: usize,
    /// Scheduled states by effective day, ascending.
    pending: Vec<(usize, Membership)>,
    next_state: usize,
    /// Snapshot days (`CalcConfig::holdings_dates`), ascending.
    snap_days: Vec<usize>,
    next_snap: usize,
    /// The next day to run, and the last day the calculation runs.
    next: usize,
    last: Option<usize>,
    /// Effective date of the last state pushed (states come in order).
    last_pushed: Option<Date>,
}

impl<'a> Calculation<'a> {
    /// A calculation of `market` under `cfg`, before its first day.
    pub fn new(market: &'a Market, cfg: &'a CalcConfig) -> Result<Calculation<'a>, CalcError> {
        let first = market.first_date().ok_or(CalcError::EmptyMarket)?;
        if !(0.0..=1.0).contains(&cfg.withholding_rate) {
            return Err(CalcError::BadWithholding(cfg.withholding_rate));
        }
        if let (Some(from), Some(to)) = (cfg.from, cfg.to) {
            if from > to {
                return Err(CalcError::BadRange { from, to });
            }
        }
        let mut updates = Vec::with_capacity(cfg.share_updates.len());
        for u in &cfg.share_updates {
            if u.effective_date < first {
                return Err(CalcError::ShareUpdateBeforeHistory(u.effective_date));
            }
            // The day it takes effect (a sparse market's next observation);
            // none past a sparse market's last observation.
            if let Some(day) = market.day_taking_effect(u.effective_date) {
                updates.push((day, u.clone()));
            }
        }
        updates.sort_by_key(|u| u.0);
        let mut snap_days: Vec<usize> = cfg
            .holdings_dates
            .iter()
            .filter_map(|&d| market.day_on_or_before(d))
            .collect();
        snap_days.sort_unstable();
        snap_days.dedup();
        let last = match cfg.to {
            Some(to) => market.day_on_or_before(to),
            None => Some(market.n_days() - 1),
        };
        Ok(Calculation {
            e: Engine::new(market, cfg),
            updates,
            next_update: 0,
            pending: Vec::new(),
            next_state: 0,
            snap_days,
            next_snap: 0,
            next: 0,
            last,
            last_pushed: None,
        })
    }

    /// The date of the last day run, if any.
    pub fn date(&self) -> Option<Date> {
        self.next.checked_sub(1).map(|d| self.e.m.dates()[d])
    }

    /// Schedules `state`, effective after the close of its effective date
    /// (the last trading day on or before it). States come in effective-date
    /// order, each after the last day run. A state effective after the end
    /// of the data is not in effect inside the history and is not applied;
    /// an `update` state only records what the family holds after a
    /// quarterly update, which the calculation applies itself.
    pub fn push(&mut self, state: Membership) -> Result<(), CalcError> {
        let m = self.e.m;
        let first = m.first_date().ok_or(CalcError::EmptyMarket)?;
        if let Some(prev) = self.last_pushed {
            if prev > state.effective_date {
                return Err(CalcError::UnsortedMemberships {
                    prev,
                    next: state.effective_date,
                });
            }
        }
        self.last_pushed = Some(state.effective_date);
        if state.effective_date < first {
            return Err(CalcError::MembershipBeforeHistory {
                effective: state.effective_date,
                first,
            });
        }
        // The day it takes effect: in a full market the last trading day on
        // or before its date, in a sparse one the next observation
        // (`Market::day_taking_effect`).
        let after_data = m.last_date().is_some_and(|l| state.effective_date > l);
        let day = m.day_taking_effect(state.effective_date);
        let Some(day) = day.filter(|_| !after_data && state.kind != StateKind::Update) else {
            return Ok(());
        };
        if day < self.next {
            return Err(CalcError::StateAfterItsDay {
                effective: state.effective_date,
                ran_through: self.e.m.dates()[self.next - 1],
            });
        }
        self.pending.push((day, state));
        Ok(())
    }

    /// Runs the days up to `date` (the last trading day on or before it, and
    /// at most the calculation's last day), each through its after-the-close
    /// changes.
    pub fn run_through(&mut self, date: Date) -> Result<(), CalcError> {
        let Some(day) = self.e.m.day_on_or_before(date) else {
            return Ok(());
        };
        self.run_days(day, None)
    }

    fn run_days(&mut self, day: usize, ahead: Option<&Ahead<'_>>) -> Result<(), CalcError> {
        let Some(last) = self.last else {
            return Ok(());
        };
        let end = day.min(last);
        while self.next <= end {
            let d = self.next;
            if let Some(a) = ahead {
                a.at(d);
            }
            while self.next_update < self.updates.len() && self.updates[self.next_update].0 < d {
                self.next_update += 1;
            }
            let u_from = self.next_update;
            while self.next_update < self.updates.len() && self.updates[self.next_update].0 == d {
                self.next_update += 1;
            }
            let s_from = self.next_state;
            while self.next_state < self.pending.len() && self.pending[self.next_state].0 == d {
                self.next_state += 1;
            }
            while self.next_snap < self.snap_days.len() && self.snap_days[self.next_snap] < d {
                self.next_snap += 1;
            }
            let snap = self.snap_days.get(self.next_snap) == Some(&d);
            let updates: Vec<ShareUpdate> = self.updates[u_from..self.next_update]
                .iter()
                .map(|u| u.1.clone())
                .collect();
            // States of the day move out of the queue: applied once, then
            // only their memory would be kept.
            let states: Vec<Membership> = self.pending[s_from..self.next_state]
                .iter_mut()
                .map(|s| std::mem::take(&mut s.1))
                .collect();
            self.e.run_day(d, &updates, &states, snap)?;
            self.next = d + 1;
        }
        Ok(())
    }

    /// What the family holds after the last day run (see [`Held`]).
    pub fn held(&mut self) -> Held {
        let date = self.date().unwrap_or(Date(0));
        let m = self.e.m;
        let h = &mut self.e.h;
        let members = h.members().to_vec();
        let mut rows = Vec::with_capacity(members.len());
        let mut basis = Vec::with_capacity(members.len());
        for s in members {
            let sec = Sec(s);
            let l = h.line(sec);
            let b = h.basis(sec);
            rows.push(MemberRow {
                sec,
                company: m.company_of(sec) as u32,
                rank: 0,
                total_market_cap: f64::NAN,
                float_market_cap: l.price * l.n,
                cumulative_percentile: 0.0,
                indexes: rankday_core::IndexSet(l.mask & ALL_MASK),
                change: Change::Stay,
                index_shares: l.n,
            });
            basis.push(ShareBasis {
                shares: b.shares,
                float_factor: b.held_factor(),
            });
        }
        Held {
            state: Membership {
                rank_date: date,
                effective_date: date,
                kind: StateKind::Reconstitution,
                rows,
            },
            basis,
        }
    }

    /// Runs the remaining days and returns the output.
    pub fn finish(mut self) -> Result<CalcOutput, CalcError> {
        if let Some(last) = self.last {
            self.run_days(last, None)?;
        }
        Ok(self.e.finish())
    }

    fn finish_with(mut self, ahead: &Ahead<'_>) -> Result<CalcOutput, CalcError> {
        if let Some(last) = self.last {
            self.run_days(last, Some(ahead))?;
        }
        Ok(self.e.finish())
    }
}

/// Calculates the levels of `cfg.indexes` from the start of the market's
/// history to `cfg.to`.
///
/// `memberships` must be sorted by `effective_date`; each is the full state
/// of the family after the close of its effective date (the last trading
/// day on or before it), with `index_shares` valid on that date. Deleted
/// names are not replaced. States effective after the end of the data, and
/// `update` states, are not applied (see [`Calculation::push`]). The day a
/// dated event (state, share update, action) takes effect is the market's
/// ([`Market::day_taking_effect`]): in a full market the last trading day on
/// or before its date, in a sparse one the next observation; a sparse market
/// is valued on its observation dates only.
pub fn calculate(
    market: &Market,
    memberships: &[Membership],
    cfg: &CalcConfig,
) -> Result<CalcOutput, CalcError> {
    let mut c = Calculation::new(market, cfg)?;
    for s in memberships {
        c.push(s.clone())?;
    }
    let Some(last) = c.last else {
        return Ok(CalcOutput::default());
    };
    let ahead = Ahead::new(market, last, true);
    std::thread::scope(|scope| {
        let _reader = ahead.start(scope);
        c.finish_with(&ahead)
    })
}

/// The constituents of `index` at the close of `date` (the last trading day
/// on or before it), after that day's after-the-close changes; empty if the
/// index has no members then.
pub fn constituents_at(
    market: &Market,
    memberships: &[Membership],
    index: IndexId,
    date: Date,
    cfg: &CalcConfig,
) -> Result<Vec<Constituent>, CalcError> {
    let cfg = CalcConfig {
        indexes: vec![index],
        from: Some(date),
        to: Some(date),
        holdings_dates: vec![date],
        ..cfg.clone()
    };
    let out = calculate(market, memberships, &cfg)?;
    Ok(out
        .holdings_at
        .into_iter()
        .find(|s| s.index == index)
        .map(|s| s.constituents)
        .unwrap_or_default())
}

/// What the whole family holds after the close of `date` (the last trading
/// day on or before it), after that day's after-the-close changes, as a
/// membership state (see [`Held`]).
///
/// This is the index as a fund tracking it holds it: through quarterly share
/// and float updates, splits, spin-offs and stock deals since the last
/// reconstitution, which the last membership state does not show. The
/// passive flows of a reconstitution trade from these holdings, and a
/// reconstitution ranked on `date` starts from them.
pub fn holdings_state(
    market: &Market,
    memberships: &[Membership],
    date: Date,
    cfg: &CalcConfig,
) -> Result<Membership, CalcError> {
    let mut states = holdings_states(market, memberships, &[date], cfg)?;
    Ok(states.pop().expect("one state per date").state)
}

/// [`Held`] at each of `dates` (any order), from one pass of the
/// calculation: one per date, in the order given.
pub fn holdings_states(
    market: &Market,
    memberships: &[Membership],
    dates: &[Date],
    cfg: &CalcConfig,
) -> Result<Vec<Held>, CalcError> {
    let Some(&last) = dates.iter().max() else {
        return Ok(Vec::new());
    };
    let cfg = CalcConfig {
        to: Some(last),
        holdings_dates: Vec::new(),
        ..cfg.clone()
    };
    let mut c = Calculation::new(market, &cfg)?;
    for s in memberships {
        c.push(s.clone())?;
    }
    let mut order: Vec<usize> = (0..dates.len()).collect();
    order.sort_by_key(|&k| dates[k]);
    let mut out: Vec<Option<Held>> = vec![None; dates.len()];
    for k in order {
        c.run_through(dates[k])?;
        out[k] = Some(c.held());
    }
    Ok(out.into_iter().map(|h| h.expect("every date")).collect())
}
