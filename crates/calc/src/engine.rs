//! The daily loop.
//!
//! For each trading day, in this order:
//! 1. **Before the open**: the day's corporate actions ([`crate::actions`]):
//!    splits first, then dividends, special dividends, spin-offs, and the
//!    marking of acquisition targets and delisted lines, which are valued at
//!    their exit price for the day.
//! 2. **The close**: one pass over the day's rows records each line's close
//!    and adds close × index shares into the line's mask (module `walk`);
//!    members without a row (halts) count at their last price, exiting
//!    lines at their exit price; levels, total and net return follow.
//! 3. **After the close**: exits (acquisitions, delistings, ineligible
//!    spin-offs), quarterly share/float updates, then membership states
//!    effective that day, each with its divisor reset; indexes that get their
//!    first members start.
//!
//! The loop is sequential by nature (each divisor depends on the previous
//! one) and computes the whole family in the same pass, so results are the
//! same whatever the thread count of the caller. A second thread, when the
//! caller's pool has one, only reads the next days' rows into the cache
//! (module `ahead`).

use rankday_core::{Change, Date, IndexId, Market, MemberRow, Membership, Sec, StateKind};

use crate::ahead::Ahead;
use crate::config::{CalcConfig, UpdateBuffer};
use crate::divisor::{reset, DivisorChange, DivisorReason};
use crate::feed::States;
pub use crate::halts::Halt;
use crate::halts::HaltBook;
use crate::holdings::{add_to, Holdings, N_INDEX};
use crate::levels::{apply_base_values, IndexState, LevelRow};
use crate::walk::Walk;
use crate::CalcError;

/// One line of an index at a close.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constituent {
    /// The line.
    pub sec: Sec,
    /// Shares the index holds (float-adjusted).
    pub index_shares: f64,
    /// The close used (last close if halted, exit price on an exit day).
    pub price: f64,
    /// `index_shares × price`.
    pub market_value: f64,
    /// Share of the index market value, in [0, 1].
    pub weight: f64,
}

/// The holdings of one index at the close of `date`, after that day's
/// after-the-close changes.
#[derive(Clone, Debug, PartialEq)]
pub struct HoldingsSnapshot {
    /// The close the snapshot is taken at.
    pub date: Date,
    /// The index.
    pub index: IndexId,
    /// Its lines.
    pub constituents: Vec<Constituent>,
}

/// Everything [`calculate`] produces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CalcOutput {
    /// One row per (date, index), date-major, indexes in `IndexId::ALL` order.
    pub levels: Vec<LevelRow>,
    /// Every divisor reset, in date order.
    pub divisor_changes: Vec<DivisorChange>,
    /// Every member line without a close on days it was held.
    pub halts: Vec<Halt>,
    /// Snapshots at [`CalcConfig::holdings_dates`].
    pub holdings_at: Vec<HoldingsSnapshot>,
}

pub(crate) const ALL_MASK: u16 = (1 << N_INDEX) - 1;

pub(crate) enum ExitKind {
    Delisting {
        final_price: Option<f64>,
    },
    Acquisition {
        acquirer: Option<Sec>,
        ratio: f64,
        cash: f64,
    },
}

pub(crate) struct Exit {
    pub sec: Sec,
    pub kind: ExitKind,
}

pub(crate) struct Engine<'a> {
    pub m: &'a Market,
    pub cfg: &'a CalcConfig,
    pub cfg_mask: u16,
    /// The calculated indexes, `IndexId::ALL` order.
    pub indexes: Vec<IndexId>,
    pub h: Holdings,
    walker: Walk,
    /// Market value of every index at the day's close.
    values: [f64; N_INDEX],
    /// Market value of every index after the last close's changes: the
    /// value each divisor was last set against, which a special dividend
    /// before the next open resets from (instead of revaluing every member
    /// for each of them).
    pub after_close: [f64; N_INDEX],
    pub states: [IndexState; N_INDEX],
    pub exits: Vec<Exit>,
    pub spin_removals: Vec<Sec>,
    /// Lines that left through an acquisition or delisting: later
    /// membership states cannot bring them back.
    pub gone: Vec<bool>,
    /// Scratch of [`Engine::apply_membership`]: (shares, mask) by sec of
    /// the state being applied, read only where that state lists the sec.
    pub listed: Vec<(f64, u16)>,
    halts: HaltBook,
    pub emitted: [bool; N_INDEX],
    pub out: CalcOutput,
    pub day: usize,
    pub date: Date,
}

/// Calculates the levels of `cfg.indexes` from the start of the market's
/// history to `cfg.to`.
///
/// `memberships` must be sorted by `effective_date`; each is the full state
/// of the family after the close of its effective date, with `index_shares`
/// valid on that date. Deleted names are not replaced. The day a dated
/// event (state, share update, action) takes effect is the market's
/// ([`Market::day_taking_effect`]): in a full market the last trading day on
/// or before its date, in a sparse one the next observation; a sparse market
/// is valued on its observation dates only.
pub fn calculate(
    market: &Market,
    memberships: &[Membership],
    cfg: &CalcConfig,
) -> Result<CalcOutput, CalcError> {
    calculate_states(market, memberships, cfg)
}

/// [`calculate`] over states that may still be in the making
/// ([`crate::feed`]).
pub(crate) fn calculate_states(
    market: &Market,
    memberships: &(impl States + ?Sized),
    cfg: &CalcConfig,
) -> Result<CalcOutput, CalcError> {
    let first = market.first_date().ok_or(CalcError::EmptyMarket)?;
    if !(0.0..=1.0).contains(&cfg.withholding_rate) {
        return Err(CalcError::BadWithholding(cfg.withholding_rate));
    }
    if let (Some(from), Some(to)) = (cfg.from, cfg.to) {
        if from > to {
            return Err(CalcError::BadRange { from, to });
        }
    }
    let effective = memberships.dates();
    let mut mem_days = Vec::with_capacity(effective.len());
    for (k, &date) in effective.iter().enumerate() {
        if k > 0 && effective[k - 1] > date {
            return Err(CalcError::UnsortedMemberships {
                prev: effective[k - 1],
                next: date,
            });
        }
        if date < first {
            return Err(CalcError::MembershipBeforeHistory {
                effective: date,
                first,
            });
        }
        // A state after a sparse market's last observation never takes
        // effect within it: a day past the loop's last.
        mem_days.push(market.day_taking_effect(date).unwrap_or(usize::MAX));
    }
    let mut updates = Vec::with_capacity(cfg.share_updates.len());
    for u in &cfg.share_updates {
        if u.effective_date < first {
            return Err(CalcError::ShareUpdateBeforeHistory(u.effective_date));
        }
        if let Some(day) = market.day_taking_effect(u.effective_date) {
            updates.push((day, u.buffer));
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
    let Some(last) = (match cfg.to {
        Some(to) => market.day_on_or_before(to),
        None => Some(market.n_days() - 1),
    }) else {
        return Ok(CalcOutput::default());
    };

    let mut e = Engine::new(market, cfg);
    // States still in the making have a producer on the second core.
    let ahead = Ahead::new(market, last, memberships.ready());
    std::thread::scope(|scope| {
        let _reader = ahead.start(scope);
        let plan = Plan {
            last,
            memberships,
            mem_days: &mem_days,
            updates: &updates,
            snap_days: &snap_days,
        };
        e.run(&plan, &ahead)
    })?;
    Ok(e.finish(last))
}

/// What happens on which day of the loop (day indexes, ascending).
struct Plan<'p, S: States + ?Sized> {
    last: usize,
    memberships: &'p S,
    mem_days: &'p [usize],
    updates: &'p [(usize, UpdateBuffer)],
    snap_days: &'p [usize],
}

impl Engine<'_> {
    /// The daily loop over days `0..=plan.last` (see the module doc).
    fn run<S: States + ?Sized>(
        &mut self,
        plan: &Plan<'_, S>,
        ahead: &Ahead<'_>,
    ) -> Result<(), CalcError> {
        let m = self.m;
        let (mut mi, mut ui, mut si, mut ai) = (0, 0, 0, 0);
        for day in 0..=plan.last {
            ahead.at(day);
            self.day = day;
            self.date = m.dates()[day];
            self.emitted = [false; N_INDEX];
            // A cursor over the ex-date-sorted actions (a search per day
            // would miss cache on every step).
            // A sparse market applies the actions of the unobserved days
            // since the last observation before this one's open
            // (`Market::day_of_ex_date`); a full market those of the day.
            let all = m.actions();
            while ai < all.len() && all[ai].ex_date < self.date && (day == 0 || !m.is_sparse()) {
                ai += 1;
            }
            let a0 = ai;
            while ai < all.len() && all[ai].ex_date <= self.date {
                ai += 1;
            }
            self.pre_open(&all[a0..ai])?;
            self.walk()?;
            let mut mv = self.close_levels();
            self.exits_after_close(&mut mv);
            while ui < plan.updates.len() && plan.updates[ui].0 == day {
                let touched = self.h.share_update(m, day, plan.updates[ui].1);
                self.divisor_event(&mut mv, touched, DivisorReason::ShareUpdate);
                ui += 1;
            }
            while mi < plan.mem_days.len() && plan.mem_days[mi] == day {
                self.apply_membership(plan.memberships.get(mi)?, &mut mv)?;
                mi += 1;
            }
            self.start_indexes(&mut mv);
            self.after_close = mv;
            while si < plan.snap_days.len() && plan.snap_days[si] < day {
                si += 1;
            }
            if si < plan.snap_days.len() && plan.snap_days[si] == day {
                self.snapshot();
            }
        }
        Ok(())
    }
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
) -> Result<Vec<crate::Constituent>, CalcError> {
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
/// membership state: every line held, its index set and index shares (the
/// same number in every index it belongs to), with `float_market_cap` the
/// holding's value at that close and `total_market_cap` unknown (NaN).
///
/// This is the index as a fund tracking it holds it: through quarterly share
/// and float updates, splits, spin-offs and stock deals since the last
/// reconstitution, which the last membership state does not show. The
/// passive flows of a reconstitution trade from these holdings.
pub fn holdings_state(
    market: &Market,
    memberships: &[Membership],
    date: Date,
    cfg: &CalcConfig,
) -> Result<Membership, CalcError> {
    let mut states = holdings_states(market, memberships, &[date], cfg)?;
    Ok(states.pop().expect("one state per date"))
}

/// [`holdings_state`] at each of `dates` (any order), from one pass of the
/// calculation: one state per date, in the order given.
pub fn holdings_states(
    market: &Market,
    memberships: &[Membership],
    dates: &[Date],
    cfg: &CalcConfig,
) -> Result<Vec<Membership>, CalcError> {
    let (Some(&first), Some(&last)) = (dates.iter().min(), dates.iter().max()) else {
        return Ok(Vec::new());
    };
    let cfg = CalcConfig {
        indexes: IndexId::ALL.to_vec(),
        from: Some(first),
        to: Some(last),
        holdings_dates: dates.to_vec(),
        ..cfg.clone()
    };
    let out = calculate(market, memberships, &cfg)?;
    Ok(dates
        .iter()
        .map(|&date| {
            let held_on = market
                .day_on_or_before(date)
                .map_or(date, |d| market.dates()[d]);
            let snaps = out.holdings_at.iter().filter(|s| s.date == held_on);
            state_of(market, snaps, held_on)
        })
        .collect())
}

/// One state from the per-index snapshots of one close.
fn state_of<'s>(
    market: &Market,
    snaps: impl Iterator<Item = &'s HoldingsSnapshot>,
    held_on: Date,
) -> Membership {
    let mut lines: Vec<(Sec, IndexId, f64, f64)> = Vec::new();
    for snap in snaps {
        for c in &snap.constituents {
            lines.push((c.sec, snap.index, c.index_shares, c.market_value));
        }
    }
    lines.sort_by_key(|l| l.0);
    let mut rows: Vec<MemberRow> = Vec::new();
    for (sec, index, n, value) in lines {
        match rows.last_mut() {
            Some(r) if r.sec == sec => r.indexes.insert(index),
            _ => rows.push(MemberRow {
                sec,
                company: market.company_of(sec) as u32,
                rank: 0,
                total_market_cap: f64::NAN,
                float_market_cap: value,
                cumulative_percentile: 0.0,
                indexes: [index].into_iter().collect(),
                change: Change::Stay,
                index_shares: n,
            }),
        }
    }
    Membership {
        rank_date: held_on,
        effective_date: held_on,
        kind: StateKind::Reconstitution,
        rows,
    }
}

impl<'a> Engine<'a> {
    fn new(m: &'a Market, cfg: &'a CalcConfig) -> Self {
        let n = m.n_securities();
        Engine {
            m,
            cfg,
            cfg_mask: cfg.index_list().iter().fold(0, |a, i| a | i.bit()),
            indexes: cfg.index_list(),
            h: Holdings::new(n),
            walker: Walk::new(),
            values: [0.0; N_INDEX],
            after_close: [0.0; N_INDEX],
            states: [IndexState::new(); N_INDEX],
            exits: Vec::new(),
            spin_removals: Vec::new(),
            gone: vec![false; n],
            listed: vec![(0.0, 0); n],
            halts: HaltBook::new(n),
            emitted: [false; N_INDEX],
            out: CalcOutput::default(),
            day: 0,
            date: Date(0),
        }
    }

    pub fn security_id(&self, sec: Sec) -> String {
        self.m.security(sec).security_id.clone()
    }

    /// Has `sec` a close on or before today?
    pub fn has_price(&self, sec: Sec) -> bool {
        self.h.price(sec) > 0.0
    }

    /// The day's pass over prices (module `walk`), halts and exits.
    fn walk(&mut self) -> Result<(), CalcError> {
        let m = self.m;
        let cs = m.cross_section(self.day);
        self.values = self.walker.day(&cs, &mut self.h);
        let d = self.day as u32;
        for k in 0..self.walker.missing().len() {
            let s = self.walker.missing()[k] as usize;
            self.halts.mark(s, d);
        }
        self.close_halts();
        self.value_exits()
    }

    /// Ends the halts of lines that traded again or left the family.
    fn close_halts(&mut self) {
        let h = &self.h;
        self.halts
            .close_stale(self.day as u32, |s| h.is_member(s), self.m.dates());
    }

    /// Values today's exiting lines at their exit prices (see [`crate::actions`]).
    fn value_exits(&mut self) -> Result<(), CalcError> {
        for k in 0..self.exits.len() {
            let sec = self.exits[k].sec;
            let price = self.exit_price(k)?;
            let l = self.h.line(sec);
            self.h.set_price(sec, price);
            add_to(&mut self.values, l.mask, price * l.n);
        }
        Ok(())
    }

    /// Levels at the close; returns the market value of every index.
    fn close_levels(&mut self) -> [f64; N_INDEX] {
        let mv = self.values;
        let counts = self.h.counts();
        for &index in &self.indexes {
            let i = index as usize;
            let st = &mut self.states[i];
            if !st.live {
                st.div_amt = 0.0;
                st.special_pts = 0.0;
                continue;
            }
            let (p, t, n) = st.close(mv[i], self.cfg.tr_convention, self.cfg.withholding_rate);
            self.out.levels.push(LevelRow {
                date: self.date,
                index,
                price_return: p,
                total_return: t,
                net_return: n,
                divisor: st.divisor,
                market_value: mv[i],
                constituents: counts[i],
            });
            self.emitted[i] = true;
        }
        mv
    }

    /// Resets the divisors of the live indexes in `affected` (those whose
    /// holdings changed; each gets a record, even if rounding is all that
    /// moved) after holdings changed; `mv` is the market value before and
    /// becomes the one after, revalued member by member.
    pub fn divisor_event(&mut self, mv: &mut [f64; N_INDEX], affected: u16, reason: DivisorReason) {
        if affected & self.cfg_mask == 0 {
            return;
        }
        let after = self.h.market_values();
        self.reset_divisors(mv, after, affected, reason);
    }

    /// [`Engine::divisor_event`] for a change of a few lines whose value
    /// change per index is `delta`: the market value after is `mv + delta`
    /// instead of a revaluation of every member (exits happen on most days
    /// of a long history). When a change takes more than half of an index's
    /// value the subtraction would lose digits, so that event revalues
    /// every member instead.
    pub fn divisor_event_delta(
        &mut self,
        mv: &mut [f64; N_INDEX],
        affected: u16,
        reason: DivisorReason,
        delta: &[f64; N_INDEX],
    ) {
        if affected & self.cfg_mask == 0 {
            return;
        }
        let exact = (0..N_INDEX).all(|i| {
            delta[i] == 0.0 || (delta[i].is_finite() && delta[i].abs() <= 0.5 * mv[i].abs())
        });
        if !exact {
            return self.divisor_event(mv, affected, reason);
        }
        let after = std::array::from_fn(|i| mv[i] + delta[i]);
        self.reset_divisors(mv, after, affected, reason);
    }

    /// Resets the divisors of the live calculated indexes in `affected`
    /// from `mv` to `after`, and takes `after` as the value of every index
    /// in `affected`. The others keep their value as it is: their holdings
    /// did not change, and a revaluation would only add the rounding of
    /// another summation order, which would make an index calculated alone
    /// differ from the same index calculated with the family.
    fn reset_divisors(
        &mut self,
        mv: &mut [f64; N_INDEX],
        after: [f64; N_INDEX],
        affected: u16,
        reason: DivisorReason,
    ) {
        let changed = affected;
        let affected = affected & self.cfg_mask;
        let counts = self.h.counts();
        for i in 0..N_INDEX {
            let st = &mut self.states[i];
            if affected & (1 << i) == 0 || !st.live {
                continue;
            }
            if counts[i] == 0 {
                st.live = false;
                continue;
            }
            let new = reset(st.divisor, mv[i], after[i]);
            self.out.divisor_changes.push(DivisorChange {
                date: self.date,
                index: IndexId::ALL[i],
                old: st.divisor,
                new,
                mv_before: mv[i],
                mv_after: after[i],
                reason,
            });
            st.divisor = new;
        }
        for (i, v) in mv.iter_mut().enumerate() {
            if changed & (1 << i) != 0 {
                *v = after[i];
            }
        }
    }

    /// Marks a line as gone for good (acquired or delisted).
    pub fn mark_gone(&mut self, sec: Sec) {
        self.gone[sec.idx()] = true;
    }

    fn snapshot(&mut self) {
        for index in self.indexes.clone() {
            let bit = index.bit();
            let members = self.h.members().to_vec();
            let lines = &self.h.lines;
            let mut cons: Vec<crate::Constituent> = members
                .iter()
                .filter(|&&s| lines[s as usize].mask & bit != 0)
                .map(|&s| {
                    let l = lines[s as usize];
                    let price = l.price;
                    Constituent {
                        sec: Sec(s),
                        index_shares: l.n,
                        price,
                        market_value: price * l.n,
                        weight: 0.0,
                    }
                })
                .collect();
            if cons.is_empty() {
                continue;
            }
            let total: f64 = cons.iter().map(|c| c.market_value).sum();
            for c in &mut cons {
                c.weight = c.market_value / total;
            }
            self.out.holdings_at.push(HoldingsSnapshot {
                date: self.date,
                index,
                constituents: cons,
            });
        }
    }

    fn finish(mut self, last: usize) -> CalcOutput {
        self.out.halts = self.halts.finish(self.m.dates());
        let _ = last;
        let mut out = self.out;
        out.levels.sort_by_key(|r| (r.date, r.index));
        apply_base_values(&mut out.levels, &mut out.divisor_changes);
        if let Some(from) = self.cfg.from {
            out.levels.retain(|r| r.date >= from);
            out.divisor_changes.retain(|c| c.date >= from);
            out.halts.retain(|h| h.to >= from);
            out.holdings_at.retain(|s| s.date >= from);
        }
        out
    }
}
