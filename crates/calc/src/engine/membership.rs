//! Membership states (reconstitutions, IPO and fast-entry rounds) applied
//! after the close of their effective date, and the start of indexes.
//!
//! A reconstitution state is the full new family: lines it does not list
//! leave, listed lines take its `index_shares` (valid after the close of the
//! effective date: the method carries rank-day counts through the splits in
//! between) and index set. An additions state (the quarterly IPO rounds,
//! [`StateKind::Additions`]) only adds the lines the index does not hold:
//! incumbents keep the holdings the calculation has carried through splits,
//! share and float updates, spin-offs and stock acquisitions, whatever the
//! state lists for them.
//! Lines that left through an acquisition or delisting do not come back
//! through a state computed before their exit. A state that only adds lines
//! resets the divisors as an [`DivisorReason::IpoAddition`], any other as a
//! [`DivisorReason::Reconstitution`].

use rankday_core::{Membership, Sec, StateKind};

use super::{Engine, ALL_MASK};
use crate::divisor::{DivisorChange, DivisorReason};
use crate::holdings::{row_shares, DayRows, N_INDEX, SKIP};
use crate::levels::LevelRow;
use crate::CalcError;

impl Engine<'_> {
    /// Applies a membership state after today's close.
    pub(crate) fn apply_membership(
        &mut self,
        ms: &Membership,
        mv: &mut [f64; N_INDEX],
    ) -> Result<(), CalcError> {
        let n = self.m.n_securities();
        // A state lists thousands of rows in rank order: they are scattered
        // into the dense `listed` table and collected in sec order through a
        // bitset, instead of sorted.
        let mut seen = vec![0u64; n.div_ceil(64)];
        let mut first_dup: Option<Sec> = None;
        for r in &ms.rows {
            if r.sec.idx() >= n {
                return Err(CalcError::UnknownSecurity {
                    effective: ms.effective_date,
                    sec: r.sec.0,
                });
            }
            // Holdings follow the whole family whatever is calculated, so a
            // subset sees the same corporate-action consequences.
            let mask = r.indexes.0 & ALL_MASK;
            if mask == 0 || self.gone[r.sec.idx()] {
                continue;
            }
            let shares = row_shares(r).ok_or_else(|| CalcError::BadIndexShares {
                security_id: self.security_id(r.sec),
                effective: ms.effective_date,
                value: r.index_shares,
            })?;
            // A sparse market applies a state dated on an unobserved day at
            // the next observation: its counts go through the splits of
            // the days in between, as the holdings already did.
            let shares = if self.date > ms.effective_date {
                shares * self.m.split_factor(r.sec, ms.effective_date, self.date)
            } else {
                shares
            };
            if !self.has_price(r.sec) {
                return Err(CalcError::NoPrice {
                    security_id: self.security_id(r.sec),
                    date: self.date,
                });
            }
            let (word, bit) = (r.sec.idx() / 64, 1u64 << (r.sec.idx() % 64));
            if seen[word] & bit != 0 {
                first_dup = Some(first_dup.map_or(r.sec, |d| d.min(r.sec)));
            }
            seen[word] |= bit;
            self.listed[r.sec.idx()] = (shares, mask);
        }
        if let Some(sec) = first_dup {
            return Err(CalcError::DuplicateMember {
                security_id: self.security_id(sec),
                effective: ms.effective_date,
            });
        }
        let mut next: Vec<(Sec, f64, u16)> = Vec::with_capacity(ms.rows.len());
        for (word, &w) in seen.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                let s = word * 64 + w.trailing_zeros() as usize;
                w &= w - 1;
                let (shares, mask) = self.listed[s];
                next.push((Sec(s as u32), shares, mask));
            }
        }
        let mut touched = 0u16;
        let mut only_additions = true;
        let additions = ms.kind == StateKind::Additions;
        // An additions round leaves every line the index holds as it is.
        let old: Vec<u32> = if additions {
            Vec::new()
        } else {
            self.h.members().to_vec()
        };
        self.h.begin_bulk();
        let mut j = 0;
        for &s in &old {
            while j < next.len() && next[j].0 .0 < s {
                j += 1;
            }
            if j < next.len() && next[j].0 .0 == s {
                continue;
            }
            touched |= self.h.line(Sec(s)).mask & !SKIP;
            only_additions = false;
            self.h.remove(Sec(s));
        }
        // The basis of each line the state sets: its shares outstanding on
        // the state's rank day (the data cut-off of a reconstitution or IPO
        // round), carried through the splits since; the float factor is the
        // index shares over them. So a change between rank day and the
        // effective date reaches the next quarterly update.
        let rank_day = self
            .m
            .day_on_or_before(ms.rank_date)
            .unwrap_or(self.day)
            .min(self.day);
        let mut at_rank = DayRows::new(self.m, rank_day);
        let mut today = DayRows::new(self.m, self.day);
        let splits = self.m.split_factors(self.m.dates()[rank_day], self.date);
        let mut basis = |sec: Sec| match at_rank.get_dated(sec) {
            Some((s, f, d)) => Some((s * splits.get(sec), f, d)),
            None => today.get_dated(sec),
        };
        let th = self.cfg.buffers;
        for &(sec, shares, mask) in &next {
            let l = self.h.line(sec);
            if additions && l.mask != 0 {
                continue;
            }
            if l.n == shares && l.mask == mask {
                // Held as the state says: only the basis is renewed.
                self.h.set_basis(sec, basis(sec), &th);
                continue;
            }
            if l.mask != 0 {
                only_additions = false;
            }
            // Indexes whose holdings of this line change: all of its old and
            // new indexes if N moves, else those it enters or leaves.
            let old_mask = l.mask & !SKIP;
            touched |= if l.n != shares {
                old_mask | mask
            } else {
                old_mask ^ mask
            };
            self.h.set(sec, shares, mask, basis(sec), &th);
        }
        let reason = if only_additions {
            DivisorReason::IpoAddition
        } else {
            DivisorReason::Reconstitution
        };
        self.divisor_event(mv, touched, reason);
        Ok(())
    }

    /// Starts indexes that have members and no level yet (or resumes dormant ones).
    /// The value of each index started goes into `mv`.
    pub(crate) fn start_indexes(&mut self, mv: &mut [f64; N_INDEX]) {
        let counts = self.h.counts();
        let need = self
            .indexes
            .iter()
            .any(|&i| !self.states[i as usize].live && counts[i as usize] > 0);
        if !need {
            return;
        }
        let fresh = self.h.market_values();
        for index in self.indexes.clone() {
            let i = index as usize;
            let st = &mut self.states[i];
            if st.live || counts[i] == 0 {
                continue;
            }
            let resumed = st.start.map(|_| st.divisor);
            st.begin(self.date, fresh[i]);
            mv[i] = fresh[i];
            if let Some(old) = resumed {
                // A dormant index resumes at its last level: record the reset.
                self.out.divisor_changes.push(DivisorChange {
                    date: self.date,
                    index,
                    old,
                    new: st.divisor,
                    mv_before: old * st.level,
                    mv_after: mv[i],
                    reason: DivisorReason::Reconstitution,
                });
            }
            if !self.emitted[i] {
                self.out.levels.push(LevelRow {
                    date: self.date,
                    index,
                    price_return: st.level,
                    total_return: st.tr,
                    net_return: st.nr,
                    divisor: st.divisor,
                    market_value: mv[i],
                    constituents: counts[i],
                });
                self.emitted[i] = true;
            }
        }
    }
}
