//! As-of logic for forecasts, and how forecasts converge.
//!
//! A desk forecasts the same recon many times: from rank day (caps known,
//! lists not), at the preliminary lists, at lock-down, on the day. The CLI
//! builds a forecast membership at each as-of date (with `rankday-method`)
//! and calls [`crate::compute_flows`] priced on that date; this module gives
//! the standard dates and compares the forecasts with the final answer.

use std::collections::BTreeSet;

use rankday_core::{Change, Date, Market, Sec};

use crate::{FlowError, FlowRow, FlowSummary};

/// Milestones of a reconstitution (methodology §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Caps taken at the close (last business day of April / October).
    RankDay,
    /// Preliminary lists: 5 weeks before implementation in June, 4 in December.
    Preliminary,
    /// Lock-down: membership final. The Monday after the Friday 3 weeks (June)
    /// or 2 weeks (December) before implementation; 2024: 10 June for 28 June.
    LockDown,
    /// Implementation, after the close.
    Effective,
}

impl Stage {
    /// The stage as tables spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::RankDay => "rank_day",
            Stage::Preliminary => "preliminary",
            Stage::LockDown => "lock_down",
            Stage::Effective => "effective",
        }
    }
}

/// Calendar dates of the milestones of a recon with these rank and
/// effective dates. Calendar arithmetic only: price each with
/// [`pricing_date`], which steps back to a trading day.
pub fn stage_dates(rank_date: Date, effective_date: Date) -> Vec<(Stage, Date)> {
    let december = effective_date.month() == 12;
    let (prelim_weeks, lock_weeks) = if december { (4, 2) } else { (5, 3) };
    vec![
        (Stage::RankDay, rank_date),
        (
            Stage::Preliminary,
            effective_date.add_days(-7 * prelim_weeks),
        ),
        (
            Stage::LockDown,
            effective_date.add_days(-7 * lock_weeks + 3),
        ),
        (Stage::Effective, effective_date),
    ]
}

/// The trading day a forecast as of `as_of` is priced on: the last one on or
/// before it (a forecast made on a Sunday uses Friday's close).
pub fn pricing_date(market: &Market, as_of: Date) -> Result<Date, FlowError> {
    market
        .day_on_or_before(as_of)
        .map(|d| market.dates()[d])
        .ok_or(FlowError::NoPricingDay(as_of))
}

/// One forecast compared with the final one.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvergenceRow {
    /// The date whose data the forecast used.
    pub as_of: Date,
    /// Predicted additions.
    pub adds: usize,
    /// Predicted deletions.
    pub deletes: usize,
    /// Predicted moves up from the R2000 to the R1000.
    pub ups: usize,
    /// Predicted moves down.
    pub downs: usize,
    /// Net passive buying (one way) predicted across names.
    pub buys_usd: f64,
    /// Net passive selling (one way) predicted across names.
    pub sells_usd: f64,
    /// Σ over indexes of the funds' one-way dollars.
    pub index_one_way_usd: f64,
    /// |A ∩ F| / |A ∪ F| of the predicted and final lists (1 when both are empty).
    pub add_jaccard: f64,
    /// Overlap of the predicted and final deletions, as for `add_jaccard`.
    pub delete_jaccard: f64,
    /// Overlap of the predicted and final moves up.
    pub up_jaccard: f64,
    /// Overlap of the predicted and final moves down.
    pub down_jaccard: f64,
}

fn names(rows: &[FlowRow], c: Change) -> BTreeSet<Sec> {
    rows.iter()
        .filter(|r| r.change == c)
        .map(|r| r.sec)
        .collect()
}

/// Jaccard overlap of two sets; 1 when both are empty (nothing to disagree on).
pub fn jaccard(a: &BTreeSet<Sec>, b: &BTreeSet<Sec>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The convergence table of a series of forecasts, sorted by as-of date; the
/// forecast with the latest as-of date is the final one it is judged against.
pub fn convergence(points: &[(Date, Vec<FlowRow>, FlowSummary)]) -> Vec<ConvergenceRow> {
    let Some(last) = points.iter().max_by_key(|p| p.0) else {
        return Vec::new();
    };
    let finals: Vec<BTreeSet<Sec>> = [Change::Add, Change::Delete, Change::Up, Change::Down]
        .iter()
        .map(|&c| names(&last.1, c))
        .collect();
    let mut out: Vec<ConvergenceRow> = points
        .iter()
        .map(|(as_of, rows, s)| {
            let j = |k: usize, c: Change| jaccard(&names(rows, c), &finals[k]);
            ConvergenceRow {
                as_of: *as_of,
                adds: s.counts.add,
                deletes: s.counts.delete,
                ups: s.counts.up,
                downs: s.counts.down,
                buys_usd: s.buys_usd,
                sells_usd: s.sells_usd,
                index_one_way_usd: s.index_one_way_usd,
                add_jaccard: j(0, Change::Add),
                delete_jaccard: j(1, Change::Delete),
                up_jaccard: j(2, Change::Up),
                down_jaccard: j(3, Change::Down),
            }
        })
        .collect();
    out.sort_by_key(|r| r.as_of);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_dates_reproduce_2024_and_december() {
        let s = stage_dates(Date::ymd(2024, 4, 30), Date::ymd(2024, 6, 28));
        assert_eq!(s[1], (Stage::Preliminary, Date::ymd(2024, 5, 24)));
        assert_eq!(s[2], (Stage::LockDown, Date::ymd(2024, 6, 10)));
        let d = stage_dates(Date::ymd(2026, 10, 30), Date::ymd(2026, 12, 11));
        assert_eq!(d[1].1, Date::ymd(2026, 11, 13));
        assert_eq!(d[2].1, Date::ymd(2026, 11, 30));
        assert_eq!(d[2].1.weekday().to_string(), "Mon");
    }

    #[test]
    fn jaccard_edge_cases() {
        let a: BTreeSet<Sec> = [Sec(1), Sec(2), Sec(3)].into();
        let b: BTreeSet<Sec> = [Sec(2), Sec(3), Sec(4), Sec(5)].into();
        assert_eq!(jaccard(&a, &b), 2.0 / 5.0);
        assert_eq!(jaccard(&BTreeSet::new(), &BTreeSet::new()), 1.0);
        assert_eq!(jaccard(&a, &BTreeSet::new()), 0.0);
    }
}
