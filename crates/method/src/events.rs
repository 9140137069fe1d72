//! Corporate events between rank day and lock-down (FTSE Russell, Russell US
//! Equity Indexes: Construction and Methodology v7.0 (May 2026), §6.4.1, and
//! §6.6.1 for distributed shares).
//!
//! "For merger and spin-off transactions that are effective between rank day
//! and the business day immediately before the index lock down takes effect
//! ..., the market capitalizations of the impacted securities are
//! recalculated and membership is reevaluated as of the effective date of the
//! corporate action." Events from the first day of the lock-down on are not
//! re-evaluated, nor are companies ineligible on rank day.
//!
//! * **Stock merger between two ranked companies** (an `acquisition` with a
//!   ratio, ex-date after rank day and before the lock-down): the target
//!   leaves the ranking (no replacement: every other rank stays), and the
//!   survivor's total cap becomes its rank-day total shares plus the shares
//!   issued (target shares × ratio), at its rank-day price. The survivor is
//!   placed again by that cap against the rank-day ranking: its rank is one
//!   more than the companies with a larger cap, its cumulative percentile
//!   that of its place, banding as for any member. The survivor's index line
//!   holds its own float plus the target's float × ratio (the target's free
//!   shares become free shares of the survivor).
//! * **Spin-off from a ranked company** (a `spin_off`, same window): the
//!   parent's cap drops by the child's value at its first close (child shares
//!   × close) and the parent is placed again; the child joins with the
//!   parent's index set if its cap clears the smallest Russell 3000E company
//!   of this reconstitution, market-adjusted by the Russell 3000E return from
//!   rank day to the ex-date (§6.6.1), and its structure and exchange are
//!   eligible (methodology §2); it holds its float of that first day.
//!   Otherwise it is not added (the calculation holds it from the ex-date to
//!   the effective date, as for any spin-off, then the state drops it).
//!
//! Without a lock-down date in the spec (a reconstitution run outside a
//! calendar) nothing is re-evaluated.

use rankday_core::{ActionKind, Date, Market, MemberRow, Sec};

use crate::company::CompanyRecord;
use crate::eligibility::Exclusion;
use crate::ranking::{self, Breakpoints, Cut};
use crate::reconstitute::{change, Previous, ReconSpec};
use crate::Policy;

/// A corporate event that re-placed companies.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The action's ex-date.
    pub ex_date: Date,
    /// What happened.
    pub kind: EventKind,
}

/// What happened (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// `target` merged into `survivor` (its line `into`) for `ratio` shares
    /// each: the survivor's cap rose by `added_cap`, its line's float by
    /// `added_float` (rank-day shares).
    Merger {
        /// The line merged away.
        target: Sec,
        /// The survivor's line that received the target's holders.
        into: Sec,
        /// The surviving company.
        survivor: u32,
        /// Survivor shares per target share.
        ratio: f64,
        /// Rank-day cap the survivor gained (USD).
        added_cap: f64,
        /// Float shares its line gained (rank-day shares).
        added_float: f64,
    },
    /// `child` was spun off `parent`: the parent company's cap fell by
    /// `child_cap`; the child joined its indexes if `joins`, against the
    /// market-adjusted minimum `min_cap`.
    SpinOff {
        /// The parent's line.
        parent: Sec,
        /// The parent company.
        company: u32,
        /// The child's line.
        child: Sec,
        /// The child's total cap at its first close (USD).
        child_cap: f64,
        /// The child's float shares on its first row.
        child_float: f64,
        /// The market-adjusted minimum size it was tested against (USD).
        min_cap: f64,
        /// Whether it met the minimum and joined its parent's indexes.
        joins: bool,
    },
}

/// Ranks the eligible companies ([`ranking::rank`]), then re-places the
/// companies touched by the events of the window. Returns the companies'
/// positions by rank (eligible ones, re-placed companies at their new
/// place), the rank-day breakpoints, and the events.
pub(crate) fn rank_with_events(
    market: &Market,
    spec: &ReconSpec,
    rank_day: usize,
    companies: &mut [CompanyRecord],
    policy: &Policy,
) -> (Vec<usize>, Breakpoints, Vec<Event>) {
    let (mut order, bp) = ranking::rank(companies, policy);
    let Some(lockdown) = spec.lockdown_date else {
        return (order, bp, Vec::new());
    };
    let rank_date = market.dates()[rank_day];
    let window: Vec<_> = market
        .actions_between(rank_date.add_days(1), lockdown.add_days(-1))
        .iter()
        .filter(|a| matches!(a.kind, ActionKind::Acquisition | ActionKind::SpinOff))
        .cloned()
        .collect();
    if window.is_empty() {
        return (order, bp, Vec::new());
    }
    let pos = |companies: &[CompanyRecord], c: usize| {
        companies
            .binary_search_by_key(&(c as u32), |r| r.company)
            .ok()
            .filter(|&k| companies[k].rank > 0)
    };
    let mut events = Vec::new();
    let mut moved: Vec<usize> = Vec::new();
    for a in &window {
        let Some(pk) = pos(companies, market.company_of(a.sec)) else {
            continue;
        };
        match (a.kind, a.other) {
            (ActionKind::Acquisition, Some(acq)) if a.ratio.is_some_and(|r| r > 0.0) => {
                let Some(sk) = pos(companies, market.company_of(acq)) else {
                    continue;
                };
                if sk == pk {
                    continue;
                }
                let ratio = a.ratio.unwrap_or(0.0);
                // The target line's rank-day shares and float.
                let Some(row) = market
                    .day_on_or_before(rank_date)
                    .and_then(|d| market.rows_on_or_before(d).row(a.sec))
                    .map(|r| market.row(r))
                else {
                    continue;
                };
                let s = &companies[sk];
                let price = s.total_cap / s.total_shares;
                let added = row.shares_outstanding * ratio;
                let added_cap = added * price;
                if !added_cap.is_finite() {
                    continue;
                }
                companies[sk].total_shares += added;
                companies[sk].total_cap += added_cap;
                let t = &mut companies[pk];
                t.eligible = false;
                t.reason = Some(Exclusion::Merged {
                    into: acq,
                    ex_date: a.ex_date,
                });
                t.rank = 0;
                t.cumulative_percentile = 0.0;
                moved.push(sk);
                events.push(Event {
                    ex_date: a.ex_date,
                    kind: EventKind::Merger {
                        target: a.sec,
                        into: acq,
                        survivor: companies[sk].company,
                        ratio,
                        added_cap,
                        added_float: row.float_shares * ratio,
                    },
                });
            }
            (ActionKind::SpinOff, Some(child)) => {
                let h = market.history(child);
                if h.is_empty() {
                    continue;
                }
                let first = h.row(0);
                let child_cap = first.shares_outstanding * first.close;
                if !(child_cap > 0.0 && child_cap.is_finite()) {
                    continue;
                }
                companies[pk].total_cap = (companies[pk].total_cap - child_cap).max(0.0);
                moved.push(pk);
                let ret =
                    r3000e_return(market, companies, &order, bp.n_r3000e, rank_date, a.ex_date);
                let min_cap = bp.get(Cut::R3000E).cap * (1.0 + ret);
                let joins = child_cap > min_cap
                    && rankday_calc::actions::spin_off_eligible(market.security(child));
                events.push(Event {
                    ex_date: a.ex_date,
                    kind: EventKind::SpinOff {
                        parent: a.sec,
                        company: companies[pk].company,
                        child,
                        child_cap,
                        child_float: first.float_shares,
                        min_cap,
                        joins,
                    },
                });
            }
            _ => {}
        }
    }
    replace(companies, &mut order, &moved, &bp);
    (order, bp, events)
}

/// Places the `moved` companies again by their new caps against the others'
/// rank-day ranks and percentiles (every other company keeps its place), and
/// puts `order` back in rank order, leaving out companies no longer ranked.
fn replace(
    companies: &mut [CompanyRecord],
    order: &mut Vec<usize>,
    moved: &[usize],
    bp: &Breakpoints,
) {
    order.retain(|&k| companies[k].rank > 0);
    let total = bp.r3000e_total_cap;
    let mut moved = moved.to_vec();
    moved.sort_unstable();
    moved.dedup();
    // Ranks and caps of the companies that stay where they were.
    let fixed: Vec<(f64, u32, f64)> = order
        .iter()
        .filter(|k| moved.binary_search(k).is_err())
        .map(|&k| {
            let c = &companies[k];
            (c.total_cap, c.rank, c.cumulative_percentile)
        })
        .collect();
    for &k in &moved {
        let cap = companies[k].total_cap;
        // The first fixed company with a smaller cap takes the place after it.
        let at = fixed.partition_point(|f| f.0 >= cap);
        let (rank, above_pct) = match at.checked_sub(1) {
            Some(j) => (fixed[j].1 + 1, fixed[j].2),
            None => (1, 0.0),
        };
        let c = &mut companies[k];
        c.rank = rank;
        c.cumulative_percentile = if total > 0.0 {
            above_pct + 100.0 * cap / total
        } else {
            0.0
        };
    }
    order.sort_by(|&a, &b| {
        let (x, y) = (&companies[a], &companies[b]);
        x.rank
            .cmp(&y.rank)
            .then(y.total_cap.total_cmp(&x.total_cap))
            .then(x.company.cmp(&y.company))
    });
}

/// Price return of the Russell 3000E companies of this reconstitution
/// (their index lines at rank-day shares, split-adjusted) from rank day to
/// `to`: the market adjustment of the minimum size (§6.6.1).
fn r3000e_return(
    market: &Market,
    companies: &[CompanyRecord],
    order: &[usize],
    n_r3000e: u32,
    from: Date,
    to: Date,
) -> f64 {
    let (Some(d0), Some(d1)) = (market.day_on_or_before(from), market.day_on_or_before(to)) else {
        return 0.0;
    };
    let mut secs: Vec<Sec> = order
        .iter()
        .take(n_r3000e as usize)
        .flat_map(|&k| companies[k].index_lines.iter().copied())
        .collect();
    secs.sort_unstable();
    let splits = market.split_factors(from, to);
    let (mut r0, mut r1) = (market.rows_on_or_before(d0), market.rows_on_or_before(d1));
    let (mut v0, mut v1) = (0.0, 0.0);
    for s in secs {
        let (Some(i0), Some(i1)) = (r0.row(s), r1.row(s)) else {
            continue;
        };
        let (a, b) = (market.row(i0), market.row(i1));
        let (p0, p1) = (a.close, b.close * splits.get(s));
        if p0.is_finite() && p1.is_finite() {
            v0 += p0 * a.float_shares;
            v1 += p1 * a.float_shares;
        }
    }
    if v0 > 0.0 {
        v1 / v0 - 1.0
    } else {
        0.0
    }
}

/// Float shares (rank-day count) a line gains from the mergers into it.
pub(crate) fn merged_float(events: &[Event], sec: Sec) -> f64 {
    events
        .iter()
        .map(|e| match e.kind {
            EventKind::Merger {
                into, added_float, ..
            } if into == sec => added_float,
            _ => 0.0,
        })
        .sum()
}

/// Adds the spun-off children that join (see the module doc) to the state's
/// member rows, with their parent's index set.
pub(crate) fn add_spin_offs(
    market: &Market,
    spec: &ReconSpec,
    prev: Option<&Previous<'_>>,
    events: &[Event],
    rows: &mut Vec<MemberRow>,
) {
    for e in events {
        let EventKind::SpinOff {
            parent,
            child,
            child_cap,
            child_float,
            joins: true,
            ..
        } = e.kind
        else {
            continue;
        };
        let Some(p) = rows.iter().find(|r| r.sec == parent).cloned() else {
            continue;
        };
        if rows.iter().any(|r| r.sec == child) {
            continue;
        }
        let first = market.dates()[market.history(child).day(0)];
        let shares = child_float * market.split_factor(child, first, spec.effective_date);
        let old = prev
            .and_then(|q| q.row(child))
            .map_or(rankday_core::IndexSet::EMPTY, |r| r.indexes);
        rows.push(MemberRow {
            sec: child,
            company: market.company_of(child) as u32,
            rank: 0,
            total_market_cap: child_cap,
            float_market_cap: child_float * market.history(child).row(0).close,
            cumulative_percentile: 0.0,
            indexes: p.indexes,
            change: change(old, p.indexes),
            index_shares: shares,
        });
    }
}
