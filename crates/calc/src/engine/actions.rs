//! Corporate actions: one function per rule (methodology §6 "Corporate
//! actions", M §9 and App. E; market-format `actions` kinds).
//!
//! Actions apply before the open of their ex-date (the `daily` rows of the
//! ex-date already reflect them). Exits (acquisitions, delistings) value the
//! line at its exit price on the ex-date and remove it after that close.
//! `share_change` is informational: shares and float move at the quarterly
//! updates; an `offering` moves them between updates (module `updates`). Actions on lines that are not members only matter for splits
//! (the carried last price of a halted line is split-adjusted).

use rankday_core::{Action, ActionKind, Exchange, SecurityType};

use super::{Engine, Exit, ExitKind};
use crate::divisor::DivisorReason;
use crate::holdings::{add_to, DayRows, N_INDEX, SKIP};
use crate::CalcError;

impl Engine<'_> {
    /// The day's actions, before the open: splits first, then the rest in
    /// input order.
    pub(crate) fn pre_open(&mut self, actions: &[Action]) -> Result<(), CalcError> {
        for a in actions.iter().filter(|a| a.kind == ActionKind::Split) {
            self.split(a)?;
        }
        for a in actions {
            match a.kind {
                // Offerings act after the close of their notice period
                // (module `updates`), not before the open.
                ActionKind::Split | ActionKind::ShareChange | ActionKind::Offering => {}
                ActionKind::CashDividend => self.cash_dividend(a)?,
                ActionKind::SpecialDividend => self.special_dividend(a)?,
                ActionKind::SpinOff => self.spin_off(a)?,
                ActionKind::Acquisition => self.acquisition(a)?,
                ActionKind::Delisting => self.delisting(a)?,
            }
        }
        Ok(())
    }

    fn bad(&self, a: &Action, reason: impl Into<String>) -> CalcError {
        CalcError::BadAction {
            kind: a.kind,
            security_id: self.security_id(a.sec),
            date: a.ex_date,
            reason: reason.into(),
        }
    }

    /// §6 generic CA guide: "Splits change price and shares with no divisor
    /// change". `N × ratio`; the carried last price ÷ ratio, so a line halted
    /// on its split date does not jump.
    fn split(&mut self, a: &Action) -> Result<(), CalcError> {
        let r = a.ratio.unwrap_or(f64::NAN);
        if !(r > 0.0 && r.is_finite()) {
            return Err(self.bad(a, format!("ratio must be finite and > 0, got {r}")));
        }
        let p = self.h.price(a.sec);
        self.h.set_price(a.sec, p / r);
        if self.h.is_member(a.sec) {
            self.h.scale_shares(a.sec, r);
        }
        Ok(())
    }

    /// §6 "Total and net return": an ordinary dividend adds `div·N` to the
    /// dividend points of every index holding the line; the price index does
    /// not adjust.
    fn cash_dividend(&mut self, a: &Action) -> Result<(), CalcError> {
        if !self.h.is_member(a.sec) {
            return Ok(());
        }
        let amt = a.amount.unwrap_or(f64::NAN);
        if !(amt >= 0.0 && amt.is_finite()) {
            return Err(self.bad(a, format!("amount must be finite and >= 0, got {amt}")));
        }
        let l = self.h.line(a.sec);
        for (i, st) in self.states.iter_mut().enumerate() {
            if l.mask & (1 << i) != 0 && st.live {
                st.div_amt += amt * l.n;
            }
        }
        Ok(())
    }

    /// §6 generic CA guide: "Special dividends: price-index divisor
    /// adjustment plus reinvestment in total return". Before the open the
    /// previous close is lowered by the amount and the divisor cut so the
    /// level does not move; the total return gets the distribution through
    /// the unchanged price index, the net return gives back the withholding.
    fn special_dividend(&mut self, a: &Action) -> Result<(), CalcError> {
        if !self.h.is_member(a.sec) {
            return Ok(());
        }
        let amt = a.amount.unwrap_or(f64::NAN);
        let prev = self.h.price(a.sec);
        if !(amt > 0.0 && amt < prev) {
            return Err(self.bad(
                a,
                format!("amount must be > 0 and below the previous close {prev}, got {amt}"),
            ));
        }
        let l = self.h.line(a.sec);
        // Points at the previous close's divisor: the share of the index
        // paid out, before the reset below reinvests it.
        for (i, st) in self.states.iter_mut().enumerate() {
            if l.mask & (1 << i) != 0 && st.live {
                st.special_pts += amt * l.n / st.divisor;
            }
        }
        // From the value the divisor was set against at the previous close,
        // the line's drop by the amount (no revaluation of every member:
        // there are hundreds of these).
        self.h.set_price(a.sec, prev - amt);
        let mut delta = [0.0; N_INDEX];
        add_to(&mut delta, l.mask & !SKIP, -amt * l.n);
        let mut mv = self.after_close;
        self.divisor_event_delta(
            &mut mv,
            l.mask,
            DivisorReason::SpecialDividend { sec: a.sec },
            &delta,
        );
        self.after_close = mv;
        Ok(())
    }

    /// §6 generic CA guide: "A spin-off ... joins the parent's indexes with no
    /// divisor change; an ineligible spin-off is removed later". The child
    /// joins every index of the parent on the ex-date with
    /// `N_child = N_parent × ratio`: the parent's drop is the child's value.
    /// It stays until the next membership state (which drops it unless it
    /// was selected), except a child that is structurally ineligible
    /// ([`spin_off_eligible`]), removed after the close of its ex-date at
    /// that close. A child without a close on its ex-date is valued at its
    /// first close (a when-issued substitute) and reported as halted; a child
    /// that never trades is not added.
    fn spin_off(&mut self, a: &Action) -> Result<(), CalcError> {
        if !self.h.is_member(a.sec) {
            return Ok(());
        }
        let r = a.ratio.unwrap_or(f64::NAN);
        let Some(child) = a.other else {
            return Err(self.bad(a, "spin-off without the child's security (other_id)"));
        };
        if !(r > 0.0 && r.is_finite()) {
            return Err(self.bad(a, format!("ratio must be finite and > 0, got {r}")));
        }
        if child.idx() >= self.m.n_securities() || child == a.sec {
            return Err(self.bad(a, "the child is not a distinct known security"));
        }
        let parent = self.h.line(a.sec);
        let n_child = parent.n * r;
        if self.h.is_member(child) {
            self.h.add_shares(child, n_child);
            return Ok(());
        }
        let h = self.m.history(child);
        let first_row = match h.last_on_or_before(self.day) {
            Some(i) if h.day(i) == self.day => Some(i),
            Some(i) if i + 1 < h.len() => Some(i + 1),
            None if !h.is_empty() => Some(0),
            _ => None,
        };
        let Some(k) = first_row else { return Ok(()) };
        let close = h.row(k).close;
        if !(close > 0.0 && close.is_finite()) {
            return Ok(());
        }
        if h.day(k) != self.day {
            self.h.set_price(child, close);
        }
        let day = h.day(k).max(self.day);
        let data = DayRows::new(self.m, day).get_dated(child);
        self.h
            .set(child, n_child, parent.mask & !SKIP, data, &self.cfg.buffers);
        if !spin_off_eligible(self.m.security(child)) {
            self.spin_removals.push(child);
        }
        Ok(())
    }

    /// Appendix E (GC-01..03): the target stays one more day, on the ex-date
    /// (the first day it no longer trades), at the deal value — acquirer
    /// close × ratio + cash for stock terms, the cash price for cash terms,
    /// its last close if the action gives neither — and is deleted after that
    /// close. If the acquirer is a member its index shares rise by
    /// `N_target × ratio`; the divisors absorb the rest (the cash part, and
    /// the whole value in indexes that hold the target but not the acquirer).
    fn acquisition(&mut self, a: &Action) -> Result<(), CalcError> {
        if !self.h.is_member(a.sec) {
            return Ok(());
        }
        let ratio = a.ratio.unwrap_or(0.0);
        let cash = a.amount.unwrap_or(0.0);
        if !(ratio >= 0.0 && ratio.is_finite() && cash >= 0.0 && cash.is_finite()) {
            return Err(self.bad(
                a,
                format!("ratio and amount must be finite and >= 0, got {ratio} and {cash}"),
            ));
        }
        if ratio > 0.0 {
            match a.other {
                Some(o) if o.idx() < self.m.n_securities() && o != a.sec => {}
                _ => return Err(self.bad(a, "stock terms need a distinct known acquirer")),
            }
        }
        self.h.mark_skip(a.sec);
        self.exits.push(Exit {
            sec: a.sec,
            kind: ExitKind::Acquisition {
                acquirer: a.other,
                ratio,
                cash,
            },
        });
        Ok(())
    }

    /// §6 (generic CA guide): delisted and bankrupt lines are removed at
    /// their last trade, or at the final price the action gives (a nominal
    /// price for a bankruptcy). The line counts at that price on the ex-date
    /// and leaves after its close.
    fn delisting(&mut self, a: &Action) -> Result<(), CalcError> {
        if !self.h.is_member(a.sec) {
            return Ok(());
        }
        if let Some(p) = a.amount {
            if !(p >= 0.0 && p.is_finite()) {
                return Err(self.bad(a, format!("final price must be finite and >= 0, got {p}")));
            }
        }
        self.h.mark_skip(a.sec);
        self.exits.push(Exit {
            sec: a.sec,
            kind: ExitKind::Delisting {
                final_price: a.amount,
            },
        });
        Ok(())
    }

    /// The price an exiting line counts at today (after the walk, so the
    /// acquirer's close of the day is known).
    pub(crate) fn exit_price(&self, k: usize) -> Result<f64, CalcError> {
        let ex = &self.exits[k];
        Ok(match ex.kind {
            ExitKind::Delisting { final_price } => final_price.unwrap_or(self.h.price(ex.sec)),
            ExitKind::Acquisition {
                acquirer,
                ratio,
                cash,
            } => {
                if ratio > 0.0 {
                    let acq = acquirer.expect("checked when the action was read");
                    if !self.has_price(acq) {
                        return Err(CalcError::BadAction {
                            kind: ActionKind::Acquisition,
                            security_id: self.security_id(ex.sec),
                            date: self.date,
                            reason: format!(
                                "acquirer '{}' has no close to value the stock terms",
                                self.security_id(acq)
                            ),
                        });
                    }
                    self.h.price(acq) * ratio + cash
                } else if cash > 0.0 {
                    cash
                } else {
                    self.h.price(ex.sec)
                }
            }
        })
    }

    /// After the close: removes today's exits (raising acquirers' shares)
    /// and ineligible spin-offs, one divisor reset each.
    pub(crate) fn exits_after_close(&mut self, mv: &mut [f64; N_INDEX]) {
        for ex in std::mem::take(&mut self.exits) {
            // Valued at its exit price today (`value_exits`), it leaves.
            let l = self.h.line(ex.sec);
            let mut affected = l.mask;
            let mut delta = [0.0; N_INDEX];
            add_to(&mut delta, l.mask & !SKIP, -l.price * l.n);
            self.h.remove(ex.sec);
            self.mark_gone(ex.sec);
            let reason = match ex.kind {
                ExitKind::Delisting { .. } => DivisorReason::Deletion { sec: ex.sec },
                ExitKind::Acquisition {
                    acquirer, ratio, ..
                } => {
                    if let Some(acq) = acquirer.filter(|&q| ratio > 0.0 && self.h.is_member(q)) {
                        self.h.add_shares(acq, l.n * ratio);
                        let q = self.h.line(acq);
                        affected |= q.mask;
                        add_to(&mut delta, q.mask & !SKIP, q.price * l.n * ratio);
                    }
                    DivisorReason::Acquisition { sec: ex.sec }
                }
            };
            self.divisor_event_delta(mv, affected, reason, &delta);
        }
        for child in std::mem::take(&mut self.spin_removals) {
            let l = self.h.line(child);
            if l.mask == 0 {
                continue;
            }
            let mut delta = [0.0; N_INDEX];
            add_to(&mut delta, l.mask & !SKIP, -l.price * l.n);
            self.h.remove(child);
            self.divisor_event_delta(
                mv,
                l.mask,
                DivisorReason::SpinOffRemoval { sec: child },
                &delta,
            );
        }
    }
}

/// Whether a spun-off line may stay in the indexes until the next
/// membership state: an eligible structure and share type on an eligible
/// exchange (methodology §2 "Exchanges", "Excluded structures", "Excluded
/// share types"). Size, price and nationality wait for the next rank day.
pub fn spin_off_eligible(s: &rankday_core::Security) -> bool {
    let structure = matches!(
        s.security_type,
        SecurityType::Common | SecurityType::Reit | SecurityType::Tracking
    );
    let exchange = matches!(
        s.exchange,
        Exchange::Nyse
            | Exchange::Nasdaq
            | Exchange::NyseAmerican
            | Exchange::NyseArca
            | Exchange::Cboe
    );
    structure && exchange
}
