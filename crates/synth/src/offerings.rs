//! Offerings: the generator's share issues and float sales, also recorded as
//! `offering` actions (market format 1), so the calculation's intra-quarter
//! updates (FTSE Russell, Russell US Equity Indexes: Construction and
//! Methodology v7.0 (May 2026), §9.3.6–§9.3.10) have something to act on.
//!
//! Derived from the generated rows and `share_change` actions after the
//! simulation, so the simulation itself does not change: on a `share_change`
//! day of an eligible-type listed line,
//!
//! * shares outstanding up by at least [`MIN_PRIMARY`] (an issue at market)
//!   is a **primary** offering of the new shares;
//! * float up by at least [`MIN_SECONDARY`] of shares outstanding, shares
//!   unchanged, is a **secondary** sale by restricted holders of the shares
//!   freed, for half of such days (chosen by a hash of seed, line and day):
//!   the other half stand for lock-up expiries and other float changes that
//!   wait for the quarterly update (§9.3.12).
//!
//! Each priced the trading day before its ex-date (the day the rows show
//! it) at the previous close less a 3% discount, rounded to the cent; lines
//! closing under $1 make none.
//!
//! The shares an acquirer issues to pay for a stock acquisition are not an
//! offering: the `acquisition` action itself carries them (its ratio times
//! the target's shares), and the calculation adds them to the acquirer's
//! index shares when the target leaves. Recorded as an offering as well,
//! they would be added a second time two days later.

use std::collections::HashMap;

use rankday_core::{
    Action, ActionKind, Date, MarketBuilder, OfferingTerms, OfferingType, Sec, SecurityType,
};

/// Smallest rise of shares outstanding recorded as a primary offering.
pub const MIN_PRIMARY: f64 = 0.02;
/// Smallest rise of float, as a fraction of shares outstanding, recorded as
/// a secondary offering.
pub const MIN_SECONDARY: f64 = 0.02;
/// Discount of the offer price to the previous close.
const DISCOUNT: f64 = 0.03;

/// Appends the offering actions of the market being built (see the module doc).
pub(crate) fn add(b: &mut MarketBuilder, seed: u64) {
    let eligible: Vec<bool> = b
        .securities()
        .iter()
        .map(|s| {
            matches!(
                s.security_type,
                SecurityType::Common | SecurityType::Reit | SecurityType::Tracking
            ) && s.exchange != rankday_core::Exchange::Unlisted
        })
        .collect();
    // The days to look at: the share_change days of eligible lines, but
    // for an acquirer's issue to pay for a stock acquisition.
    let mut wanted: HashMap<(u32, Date), ()> = HashMap::new();
    for a in b.actions() {
        if a.kind == ActionKind::ShareChange && eligible[a.sec.idx()] {
            wanted.insert((a.sec.0, a.ex_date), ());
        }
    }
    for a in b.actions() {
        if let (ActionKind::Acquisition, Some(acq), Some(r)) = (a.kind, a.other, a.ratio) {
            if r > 0.0 {
                wanted.remove(&(acq.0, a.ex_date));
            }
        }
    }
    if wanted.is_empty() {
        return;
    }
    // One pass over the rows (date-major), with each line's last row.
    let mut last: Vec<Option<(Date, f64, f64, f64)>> = vec![None; eligible.len()];
    let mut found: Vec<Action> = Vec::new();
    for r in b.daily_rows() {
        let i = r.sec.idx();
        if wanted.contains_key(&(r.sec.0, r.date)) {
            if let Some((d0, close0, shares0, float0)) = last[i] {
                if let Some(a) = offering(seed, r.sec, d0, close0, shares0, float0, &r) {
                    found.push(a);
                }
            }
        }
        last[i] = Some((r.date, r.close, r.shares_outstanding, r.float_shares));
    }
    for a in found {
        b.push_action(a);
    }
}

/// The offering a share_change day shows, if any.
fn offering(
    seed: u64,
    sec: Sec,
    priced: Date,
    close: f64,
    shares: f64,
    float: f64,
    r: &rankday_core::DailyRow,
) -> Option<Action> {
    // Penny lines dilute by issuance all the time (a model of their own):
    // offerings are issues priced at $1 or more.
    if !(close >= 1.0 && shares > 0.0 && close.is_finite()) {
        return None;
    }
    let issued = r.shares_outstanding - shares;
    let freed = r.float_shares - float;
    let (offer_type, n) = if issued >= MIN_PRIMARY * shares {
        (OfferingType::Primary, issued)
    } else if issued == 0.0 && freed >= MIN_SECONDARY * shares && coin(seed, sec, r.date) {
        (OfferingType::Secondary, freed)
    } else {
        return None;
    };
    Some(Action {
        ex_date: r.date,
        sec,
        kind: ActionKind::Offering,
        ratio: None,
        amount: Some((close * (1.0 - DISCOUNT) * 100.0).round() / 100.0),
        other: None,
        offering: Some(OfferingTerms {
            offer_type,
            shares: n,
            pricing_date: priced,
        }),
    })
}

/// A fair, deterministic coin for (seed, line, day) (splitmix64 finaliser).
fn coin(seed: u64, sec: Sec, d: Date) -> bool {
    let mut x = seed ^ (u64::from(sec.0) << 32) ^ (d.0 as u32 as u64);
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (x ^ (x >> 31)) & 1 == 1
}
