//! The daily loop.
//!
//! For each trading day, in this order:
//! 1. **Before the open**: the day's corporate actions ([`actions`]):
//!    splits first, then dividends, special dividends, spin-offs, and the
//!    marking of acquisition targets and delisted lines, which are valued at
//!    their exit price for the day.
//! 2. **The close**: one pass over the day's rows records each line's close
//!    and adds close × index shares into the line's mask (module `walk`);
//!    members without a row (halts) count at their last price, exiting
//!    lines at their exit price; levels, total and net return follow.
//! 3. **After the close**: exits (acquisitions, delistings, ineligible
//!    spin-offs), intra-quarter updates after offerings, quarterly share and
//!    float updates (`updates`), then membership states effective that day
//!    (`membership`), each with its divisor reset; indexes that get their
//!    first members start.
//!
//! The loop is sequential by nature (each divisor depends on the previous
//! one) and computes the whole family in the same pass, so results are the
//! same whatever the thread count of the caller. It runs in one go over a
//! list of states ([`calculate`]) or step by step under a producer of states
//! that needs to see what the index holds before it makes the next one
//! ([`Calculation`], the reconstitution history); both are the same loop
//! and give the same bits. A second thread, when the caller's pool has one
//! and no producer needs it, only reads the next days' rows into the cache
//! (module `ahead`).
//!
//! The engine's state is private to this module and its children (the
//! corporate-action rules, the membership states and the updates are the
//! engine's own steps); the rest of the crate sees it through methods.

pub mod actions;
mod membership;
mod run;
mod updates;

use rankday_core::{Date, IndexId, Market, Membership, Sec};

use crate::config::CalcConfig;
use crate::divisor::{reset, DivisorChange, DivisorReason};
pub use crate::halts::Halt;
use crate::halts::HaltBook;
use crate::holdings::{add_to, Holdings, N_INDEX};
use crate::levels::{apply_base_values, IndexState, LevelRow};
use crate::walk::Walk;
use crate::CalcError;

pub use run::{
    calculate, constituents_at, holdings_state, holdings_states, Calculation, Held, ShareBasis,
};

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

enum ExitKind {
    Delisting {
        final_price: Option<f64>,
    },
    Acquisition {
        acquirer: Option<Sec>,
        ratio: f64,
        cash: f64,
    },
}

struct Exit {
    sec: Sec,
    kind: ExitKind,
}

/// The calculation's state over the daily loop.
pub(crate) struct Engine<'a> {
    m: &'a Market,
    cfg: &'a CalcConfig,
    cfg_mask: u16,
    /// The calculated indexes, `IndexId::ALL` order.
    indexes: Vec<IndexId>,
    h: Holdings,
    walker: Walk,
    /// Market value of every index at the day's close.
    values: [f64; N_INDEX],
    /// Market value of every index after the last close's changes: the
    /// value each divisor was last set against, which a special dividend
    /// before the next open resets from (instead of revaluing every member
    /// for each of them).
    after_close: [f64; N_INDEX],
    states: [IndexState; N_INDEX],
    exits: Vec<Exit>,
    spin_removals: Vec<Sec>,
    /// Lines that left through an acquisition or delisting: later
    /// membership states cannot bring them back.
    gone: Vec<bool>,
    /// Scratch of [`Engine::apply_membership`]: (shares, mask) by sec of
    /// the state being applied, read only where that state lists the sec.
    listed: Vec<(f64, u16)>,
    halts: HaltBook,
    emitted: [bool; N_INDEX],
    out: CalcOutput,
    /// The day being run (its index, its date).
    day: usize,
    date: Date,
    /// Cursor into the market's ex-date sorted actions.
    next_action: usize,
    /// `offering` actions by the day their intra-quarter update takes
    /// effect (module `updates`), with the cursor of the next one.
    offers: Vec<(usize, u32)>,
    next_offer: usize,
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
            next_action: 0,
            offers: updates::offering_days(m, &cfg.offerings),
            next_offer: 0,
        }
    }

    fn security_id(&self, sec: Sec) -> String {
        self.m.security(sec).security_id.clone()
    }

    /// Has `sec` a close on or before today?
    fn has_price(&self, sec: Sec) -> bool {
        self.h.price(sec) > 0.0
    }

    /// One trading day, through its close and its after-the-close changes:
    /// `updates` are the quarterly updates effective today, `states` the
    /// membership states effective today, in order.
    fn run_day(
        &mut self,
        day: usize,
        updates: &[rankday_calendar::ShareUpdate],
        states: &[Membership],
        snapshot: bool,
    ) -> Result<(), CalcError> {
        let m = self.m;
        self.day = day;
        self.date = m.dates()[day];
        self.emitted = [false; N_INDEX];
        // A cursor over the ex-date-sorted actions (a search per day
        // would miss cache on every step). A sparse market applies the
        // actions of the unobserved days since the last observation before
        // this one's open (`Market::day_of_ex_date`); a full market those of
        // the day.
        let all = m.actions();
        let mut ai = self.next_action;
        while ai < all.len() && all[ai].ex_date < self.date && (day == 0 || !m.is_sparse()) {
            ai += 1;
        }
        let a0 = ai;
        while ai < all.len() && all[ai].ex_date <= self.date {
            ai += 1;
        }
        self.next_action = ai;
        self.pre_open(&all[a0..ai])?;
        self.walk()?;
        let mut mv = self.close_levels();
        self.exits_after_close(&mut mv);
        self.offering_updates(&mut mv);
        for u in updates {
            self.share_update(u, &mut mv);
        }
        for s in states {
            self.apply_membership(s, &mut mv)?;
        }
        self.start_indexes(&mut mv);
        self.after_close = mv;
        if snapshot {
            self.snapshot();
        }
        Ok(())
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

    /// Values today's exiting lines at their exit prices (see [`actions`]).
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
    fn divisor_event(&mut self, mv: &mut [f64; N_INDEX], affected: u16, reason: DivisorReason) {
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
    fn divisor_event_delta(
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
    fn mark_gone(&mut self, sec: Sec) {
        self.gone[sec.idx()] = true;
    }

    fn snapshot(&mut self) {
        for index in self.indexes.clone() {
            let bit = index.bit();
            let members = self.h.members().to_vec();
            let mut cons: Vec<Constituent> = members
                .iter()
                .map(|&s| (s, self.h.line(Sec(s))))
                .filter(|(_, l)| l.mask & bit != 0)
                .map(|(s, l)| Constituent {
                    sec: Sec(s),
                    index_shares: l.n,
                    price: l.price,
                    market_value: l.price * l.n,
                    weight: 0.0,
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

    fn finish(mut self) -> CalcOutput {
        self.out.halts = self.halts.finish(self.m.dates());
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
