//! Acquisitions: who buys whom, on the announcement day, and how a deal
//! settles on the target's exit day (with the day's other exits, which
//! delist).

use rand::RngExt;

use rankday_core::{Action, ActionKind, Date, Sec};

use super::{kind_index, Sim, State};
use crate::entity::{Deal, Exit};
use crate::universe::{Kind, LineRole, PriceModel};
use crate::SynthError;

/// How many times its target's size an acquirer is at least, on the
/// announcement day (the uncalibrated size `mu + y`, which both passes
/// share).
///
/// Why: a stock deal pays for the target with new shares of the acquirer,
/// and real acquirers are the larger company: most targets are a fraction
/// of their buyer, and the largest deals are mergers of near-equals, not a
/// company buying one many times its own value. Chosen by birth size
/// instead (a larger `mu0`), a company that had shrunk to $100M could buy
/// one grown to $3.4B, issuing 34 times its own shares. At twice the
/// target's size and the largest premium (45%), a stock deal issues at most
/// about three quarters of the acquirer's shares at the announcement, in
/// the uncalibrated sizes; the two companies' calibration shifts move that
/// either way (`tests/acquisitions.rs` holds it under 1.5 on four small
/// markets).
const ACQUIRER_SIZE: f64 = 2.0;

impl Sim<'_> {
    /// Entities whose exit day is today: acquisitions settle, others delist.
    pub(super) fn exits(&self, st: &mut State, t: usize, date: Date) -> Result<(), SynthError> {
        let leaving: Vec<usize> = (0..st.alive.len())
            .filter(|&i| st.alive[i].end == t)
            .collect();
        if leaving.is_empty() {
            return Ok(());
        }
        for &i in &leaving {
            let (exit, deal, s_t, target_shift) = {
                let e = &st.alive[i];
                (e.exit, e.deal, e.common_shares(), e.shift)
            };
            let mut ratio = 0.0;
            let mut cash = 0.0;
            let mut acquirer_sec = None;
            if let (Exit::Acquired { .. }, Some(d)) = (exit, deal) {
                let per_share = d.value / s_t;
                cash = per_share * (1.0 - d.stock_frac);
                // An acquirer with no row today, halted or leaving itself
                // today, cannot carry the shares it would issue (an action's
                // ex_date is a trading day of its line): the deal settles in
                // cash.
                let acquirer = d
                    .acquirer
                    .and_then(|id| Self::find(st, id))
                    .filter(|&ai| st.alive[ai].end > t && !st.alive[ai].is_halted(t));
                // Nor can an acquirer that has agreed to be taken over
                // itself since this deal was announced (exits are planned
                // day by day, so the announcement could not know): its price
                // is its own deal's value over its shares (`Entity::step`),
                // so every share it issued would cut that price instead of
                // growing its cap, by 1 + the value issued over its cap.
                // It pays in cash; its own deal's value stays whole.
                let stock_ok = acquirer.is_some_and(
                    |ai| !matches!(st.alive[ai].exit, Exit::Acquired { ann } if ann < t),
                );
                if let Some(ai) = acquirer {
                    if d.stock_frac > 0.0 && !stock_ok {
                        cash = per_share;
                    } else if d.stock_frac > 0.0 {
                        let a = &mut st.alive[ai];
                        ratio = (per_share * d.stock_frac / a.price * 10_000.0).round() / 10_000.0;
                        let new_shares = (ratio * s_t).round();
                        if new_shares >= 1.0 {
                            let old_cap = a.cap;
                            a.lines[0].shares += new_shares;
                            let rho = new_shares * a.price / old_cap;
                            // Issued at the market price: the cap grows by
                            // the value issued, the price does not move. The
                            // uncalibrated size grows as in the calibration
                            // pass (the same deal between the uncalibrated
                            // companies); the difference the two companies'
                            // shifts make goes into the acquirer's shift,
                            // so both passes walk the same path.
                            let rho_raw = rho * (a.shift - target_shift).exp();
                            a.mu += (1.0 + rho_raw).ln();
                            a.shift += (1.0 + rho).ln() - (1.0 + rho_raw).ln();
                            a.blocked = true;
                            let sec = a.lines[0].sec;
                            Self::push_action(
                                st,
                                Action {
                                    ex_date: date,
                                    sec: Sec(sec),
                                    kind: ActionKind::ShareChange,
                                    ratio: None,
                                    amount: None,
                                    other: None,
                                    offering: None,
                                },
                            );
                        }
                    }
                    acquirer_sec = Some(Sec(st.alive[ai].lines[0].sec));
                } else {
                    cash = per_share;
                }
                cash = (cash * 100.0).round() / 100.0;
            }
            let e = &st.alive[i];
            let acts: Vec<Action> = e
                .lines
                .iter()
                .map(|l| {
                    let common = matches!(
                        l.role,
                        LineRole::Primary | LineRole::SecondClass | LineRole::Unlisted
                    );
                    if matches!(exit, Exit::Acquired { .. }) && deal.is_some() && common {
                        Action {
                            ex_date: date,
                            sec: Sec(l.sec),
                            kind: ActionKind::Acquisition,
                            ratio: Some(ratio),
                            amount: Some(cash),
                            other: acquirer_sec,
                            offering: None,
                        }
                    } else {
                        Action {
                            ex_date: date,
                            sec: Sec(l.sec),
                            kind: ActionKind::Delisting,
                            ratio: None,
                            amount: (!l.last_close.is_nan()).then_some(l.last_close),
                            other: None,
                            offering: None,
                        }
                    }
                })
                .collect();
            for a in acts {
                Self::push_action(st, a);
            }
        }
        for &i in leaving.iter().rev() {
            let e = st.alive.remove(i);
            st.counts[kind_index(e.kind)] -= 1;
            if let Some(b) = st.bases.remove(&e.id) {
                st.tickers.release(&b);
            }
        }
        Ok(())
    }

    /// Deals announced today: pick an acquirer among the companies at least
    /// [`ACQUIRER_SIZE`] times the target's size today that outlive the
    /// closing; without one among the picks the deal is a cash deal with no
    /// listed acquirer.
    pub(super) fn announcements(&self, st: &mut State, t: usize) {
        let targets: Vec<usize> = (0..st.alive.len())
            .filter(|&i| matches!(st.alive[i].exit, Exit::Acquired { ann } if ann == t))
            .collect();
        for i in targets {
            let (tid, tend) = (st.alive[i].id, st.alive[i].end);
            let min_size = st.alive[i].mu + st.alive[i].y + ACQUIRER_SIZE.ln();
            let picks: Vec<f64> = (0..24).map(|_| st.global.random::<f64>()).collect();
            let (u_form, u_prem): (f64, f64) = (st.global.random(), st.global.random());
            let len = st.alive.len();
            let mut acquirer = None;
            for p in picks {
                let j = ((p * len as f64) as usize).min(len - 1);
                let a = &st.alive[j];
                let ann_a = match a.exit {
                    Exit::Acquired { ann } => ann,
                    _ => usize::MAX,
                };
                let ok = a.id != tid
                    && a.designed_eligible
                    && a.model == PriceModel::Cap
                    && a.kind != Kind::MultiListed
                    && a.mu + a.y >= min_size
                    && a.end > tend.saturating_add(5)
                    && ann_a > tend.saturating_add(5)
                    && a.busy_until < t
                    && a.halt.1 < t;
                if ok {
                    acquirer = Some(j);
                    break;
                }
            }
            let stock_frac = match acquirer {
                None => 0.0,
                Some(_) if u_form < 0.45 => 0.0,
                Some(_) if u_form < 0.75 => 1.0,
                Some(_) => 0.5,
            };
            let acq_id = acquirer.map(|j| {
                st.alive[j].busy_until = tend + 1;
                st.alive[j].id
            });
            st.alive[i].deal = Some(Deal {
                acquirer: acq_id,
                stock_frac,
                premium: 0.15 + 0.3 * u_prem,
                value: 0.0,
            });
            st.alive[i].busy_until = tend;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::stream;
    use super::*;
    use crate::birth::{create, Birth, Origin};
    use crate::entity::DayCtx;
    use crate::factors::Factors;
    use crate::names::Tickers;
    use crate::universe::KINDS;

    /// A stock deal settled on day 12 by an acquirer that, with `own_deal`,
    /// agreed on day 6 to be bought for cash itself: the acquirer's price
    /// and common shares the day before the settlement and on its day.
    fn settle(own_deal: bool) -> ((f64, f64), (f64, f64)) {
        let dates = crate::trading_days(Date::ymd(2020, 1, 2), Date::ymd(2020, 3, 31));
        let f = Factors::generate(7, &dates);
        let (shifts, other_shifts) = (HashMap::new(), crate::caps::ShiftByBirthSize::default());
        let sim = Sim {
            seed: 7,
            dates: &dates,
            f: &f,
            anchor: usize::MAX,
            scale: 1.0,
            emit: false,
            shifts: &shifts,
            other_shifts: &other_shifts,
        };
        let born = |id| {
            create(&Birth {
                seed: 7,
                id,
                kind: Kind::UsCommon,
                day: 0,
                ln_level: 0.0,
                origin: Origin::Initial,
                spin: None,
                first_sec: 10 * id,
            })
        };
        let (mut acq, mut tgt) = (born(0), born(1));
        // The two companies of the same size: the deal issues about as many
        // shares as the acquirer has.
        tgt.mu = acq.mu + acq.y - tgt.y;
        tgt.exit = Exit::Acquired { ann: 2 };
        tgt.end = 12;
        tgt.deal = Some(Deal {
            acquirer: Some(acq.id),
            stock_frac: 1.0,
            premium: 0.3,
            value: 0.0,
        });
        acq.exit = if own_deal {
            Exit::Acquired { ann: 6 }
        } else {
            Exit::Delisted
        };
        acq.end = 40;
        acq.deal = own_deal.then_some(Deal {
            acquirer: None,
            stock_frac: 0.0,
            premium: 0.2,
            value: 0.0,
        });
        let mut st = State {
            alive: vec![acq, tgt],
            next_id: 2,
            next_sec: 20,
            counts: vec![0; KINDS.len()],
            global: stream(7, 0),
            tickers: Tickers::default(),
            bases: HashMap::new(),
            builder: None,
            spins: Vec::new(),
        };
        st.counts[kind_index(Kind::UsCommon)] = 2;
        let mut before = (0.0, 0.0);
        for (t, &date) in dates.iter().enumerate().take(13) {
            sim.exits(&mut st, t, date).unwrap();
            for e in st.alive.iter_mut() {
                e.step(&DayCtx::quiet(t));
            }
            if t == 11 {
                before = (st.alive[0].price, st.alive[0].common_shares());
            }
        }
        assert_eq!(st.alive.len(), 1, "the target left on day 12");
        (before, (st.alive[0].price, st.alive[0].common_shares()))
    }

    /// The acquirer's price goes through the settlement of a stock deal: an
    /// acquirer free to issue does so at its market price, one that has
    /// agreed to be bought itself (its price is its own deal's value per
    /// share) pays in cash.
    #[test]
    fn a_stock_deal_keeps_the_acquirers_price() {
        for own_deal in [false, true] {
            let ((p0, s0), (p1, s1)) = settle(own_deal);
            let mv = p1 / p0;
            let bound = if own_deal { 0.02 } else { 0.25 };
            assert!(
                (mv - 1.0).abs() < bound,
                "own deal {own_deal}: price {p0} -> {p1} (x{mv:.3})"
            );
            let issued = s1 / s0 - 1.0;
            assert_eq!(
                issued > 1.0,
                !own_deal,
                "own deal {own_deal}: issued {issued}"
            );
        }
    }
}
