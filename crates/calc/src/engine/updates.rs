//! Share and float updates between reconstitutions (FTSE Russell, Russell US
//! Equity Indexes: Construction and Methodology v7.0 (May 2026), §9.3).
//!
//! * **Quarterly** (§9.3.1–§9.3.5): after the close of the update's
//!   effective date, every member's shares outstanding and float factor *at
//!   the data cut-off* (the last business day of January, April, July or
//!   October; shares carried through the splits since) are compared with
//!   those its index shares stand for, through the update's buffer
//!   ([`rankday_calendar::BufferThresholds::apply`]). A change between a
//!   reconstitution's rank day and its effective date is therefore seen by
//!   the next quarterly update, and a change after the cut-off waits for the
//!   one after.
//! * **Intra-quarter, after an offering** (§9.3.6–§9.3.10): an `offering`
//!   action of a member changes its index shares after the close
//!   `notice_days` trading days after its pricing date, if the change times
//!   the offer price reaches the thresholds
//!   ([`rankday_calendar::OfferingThresholds::triggers`]); otherwise it waits
//!   for the quarterly update. A primary offering adds its new shares at the
//!   float factor held (§9.3.9: the float does not change); a secondary sale
//!   by restricted holders adds the shares sold to the float (§9.3.10).
//!   Discovery is taken to be the pricing date, so the §9.3.7 deferral (found
//!   more than two days after pricing) does not arise from format-1 data.

use rankday_calendar::{OfferingThresholds, ShareUpdate};
use rankday_core::{ActionKind, Market, Sec};

use super::Engine;
use crate::divisor::DivisorReason;
use crate::holdings::{add_to, DayRows, N_INDEX};

/// The `offering` actions of `market` as (effective day, action index), in
/// effective-day order (ties: action order); those whose effective day lies
/// past the data are left out.
pub(super) fn offering_days(market: &Market, t: &OfferingThresholds) -> Vec<(usize, u32)> {
    let mut v: Vec<(usize, u32)> = market
        .actions()
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == ActionKind::Offering)
        .filter_map(|(k, a)| {
            let terms = a.offering?;
            let day = if market.is_sparse() {
                // Observation dates are not trading days: the first one
                // after the notice period, counted in calendar days.
                let notice = terms.pricing_date.add_days(t.notice_days as i32);
                market.day_taking_effect(notice)?
            } else {
                market.day_on_or_after(terms.pricing_date)? + t.notice_days as usize
            };
            (day < market.n_days()).then_some((day, k as u32))
        })
        .collect();
    v.sort_unstable();
    v
}

impl Engine<'_> {
    /// A quarterly update effective today (see the module doc).
    pub(super) fn share_update(&mut self, u: &ShareUpdate, mv: &mut [f64; N_INDEX]) {
        let m = self.m;
        // The cut-off's data: its day in a full market, the next
        // observation in a sparse one (never after the update's own day).
        let Some(cutoff) = m.day_taking_effect(u.cutoff_date).map(|d| d.min(self.day)) else {
            return;
        };
        let mut rows = DayRows::new(m, cutoff);
        let splits = m.split_factors(m.dates()[cutoff], self.date);
        let touched = self
            .h
            .share_update(&mut rows, cutoff, &splits, u.buffer, &self.cfg.buffers);
        self.divisor_event(mv, touched, DivisorReason::ShareUpdate);
    }

    /// The intra-quarter updates effective today (see the module doc).
    pub(super) fn offering_updates(&mut self, mv: &mut [f64; N_INDEX]) {
        while self.next_offer < self.offers.len() && self.offers[self.next_offer].0 < self.day {
            self.next_offer += 1;
        }
        while self.next_offer < self.offers.len() && self.offers[self.next_offer].0 == self.day {
            let a = &self.m.actions()[self.offers[self.next_offer].1 as usize];
            self.next_offer += 1;
            let (Some(terms), Some(price)) = (a.offering, a.amount) else {
                continue;
            };
            let sec: Sec = a.sec;
            let Some(after) = self
                .h
                .after_offering(sec, terms.offer_type, terms.shares, self.day)
            else {
                continue;
            };
            let line = self.h.line(sec);
            let delta = after.n() - line.n;
            if !self.cfg.offerings.triggers(delta, line.n, price) {
                continue;
            }
            let mask = self.h.set_held_basis(sec, after);
            // One line's holding changed: the value after is the value
            // before plus its change at the line's close, not a
            // revaluation of every member (offerings are among the most
            // common actions of a long history).
            let mut change = [0.0; N_INDEX];
            add_to(&mut change, mask, delta * line.price);
            self.divisor_event_delta(mv, mask, DivisorReason::Offering { sec }, &change);
        }
    }
}
