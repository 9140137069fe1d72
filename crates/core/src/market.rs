//! The in-memory market store.
//!
//! Layout, and why: every hot path of rankday walks the market one trading day
//! at a time (index levels, rank-day snapshots, fund NAV), so daily rows are
//! kept sorted by (date, security) in flat columns (`close`, `volume`,
//! `shares`, `float`), and a day is a contiguous slice: a
//! [`CrossSection`]. Per-security look-backs (30-day average price, 20-day
//! ADV) go through a second, compressed index of each security's rows.
//! Shares and float are stored per row, as format 1 delivers them; that costs
//! 16 bytes a row (about 1 GB for a 50-year, 60-million-row history), well
//! inside the 24 GiB budget, and keeps loading a straight copy.

use std::collections::HashMap;

mod builder;
mod observations;
mod row_index;

pub use builder::{BuildError, DailyColumnsMut, MarketBuilder};
pub use observations::Observations;

use crate::security::string_enum;
use crate::{Date, Security};

/// Interned index of a security in [`Market::securities`]; dense from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sec(pub u32);

impl Sec {
    /// The position of the line in [`Market::securities`], for indexing dense per-line tables.
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

string_enum!(
    /// `kind` of the `actions` table of market-format 1.
    ActionKind, "action kind" {
    Split => "split",
    CashDividend => "cash_dividend",
    SpecialDividend => "special_dividend",
    SpinOff => "spin_off",
    Acquisition => "acquisition",
    Delisting => "delisting",
    ShareChange => "share_change",
    Offering => "offering",
});

string_enum!(
    /// Who sells in an `offering` (FTSE Russell, Russell US Equity Indexes:
    /// Construction and Methodology v7.0 (May 2026), §9.3.9–§9.3.11): the
    /// company issuing new shares (`primary`: shares outstanding rise, the float
    /// factor does not change), or restricted holders selling shares they held
    /// (`secondary`: shares outstanding stay, the float rises by the shares sold).
    OfferingType, "offering type" {
    Primary => "primary",
    Secondary => "secondary",
});

/// The terms of an `offering` action: who sells, how many shares, and when it
/// priced (the offer price is the action's `amount`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OfferingTerms {
    /// Primary (new shares) or secondary (restricted holders sell).
    pub offer_type: OfferingType,
    /// Shares offered: new shares of a primary offering, previously
    /// restricted shares sold in a secondary one.
    pub shares: f64,
    /// The day the offering priced, which starts its notice period.
    pub pricing_date: Date,
}

/// A corporate action, as in the `actions` table. `other` is the spin-off
/// child or the acquirer; `offering` holds the terms of an `offering`.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// Ex-date: the action applies before the open of this trading day.
    pub ex_date: Date,
    /// The line the action is about.
    pub sec: Sec,
    /// What happens (the rule that applies, in `rankday-calc`'s `actions`).
    pub kind: ActionKind,
    /// Split ratio (new shares per old), spin-off child shares per parent share, or acquisition shares of the acquirer per target share.
    pub ratio: Option<f64>,
    /// Cash per share: dividend, acquisition cash, or a delisting's final price.
    pub amount: Option<f64>,
    /// The spin-off child or the acquirer.
    pub other: Option<Sec>,
    /// The terms of an `offering` action; `None` for every other kind.
    pub offering: Option<OfferingTerms>,
}

/// One row of `daily`. `close` and `volume` are NaN where format 1 allows
/// them empty (unlisted share classes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DailyRow {
    /// The trading day.
    pub date: Date,
    /// The line.
    pub sec: Sec,
    /// Closing price in USD.
    pub close: f64,
    /// Shares traded.
    pub volume: f64,
    /// Shares outstanding of the line.
    pub shares_outstanding: f64,
    /// Shares available to the public (free float): the index weight's basis.
    pub float_shares: f64,
}

/// All rows of one trading day, sorted by security index.
#[derive(Clone, Copy, Debug)]
pub struct CrossSection<'a> {
    /// Day index in [`Market::dates`].
    pub day: usize,
    /// The date of `day`.
    pub date: Date,
    /// Store row index of the first entry (row `first_row + i` is entry `i`).
    pub first_row: usize,
    /// Security indexes, ascending.
    pub sec: &'a [u32],
    /// Closing prices, aligned with `sec`.
    pub close: &'a [f64],
    /// Volumes, aligned with `sec`.
    pub volume: &'a [f64],
    /// Shares outstanding, aligned with `sec`.
    pub shares: &'a [f64],
    /// Float shares, aligned with `sec`.
    pub float: &'a [f64],
}

impl CrossSection<'_> {
    /// Rows (securities) on the day.
    pub fn len(&self) -> usize {
        self.sec.len()
    }
    /// No row on the day.
    pub fn is_empty(&self) -> bool {
        self.sec.is_empty()
    }
    /// Position of `sec` in this day's arrays, if it traded.
    pub fn find(&self, sec: Sec) -> Option<usize> {
        self.sec.binary_search(&sec.0).ok()
    }
}

/// The last row on or before one day of any number of securities asked in
/// ascending order: a merge with the day's cross-section, falling back to
/// the security's own history only for those without a row that day
/// (halted, delisted). Asking out of order is allowed and restarts the
/// merge.
#[derive(Clone, Copy, Debug)]
pub struct RowsOnOrBefore<'a> {
    market: &'a Market,
    cs: CrossSection<'a>,
    at: usize,
}

impl<'a> RowsOnOrBefore<'a> {
    /// The day's cross-section the cursor merges with.
    pub fn cross_section(&self) -> &CrossSection<'a> {
        &self.cs
    }

    /// Store row of the last row of `sec` on or before the day, if any.
    pub fn row(&mut self, sec: Sec) -> Option<usize> {
        let secs = self.cs.sec;
        if self.at > 0 && secs.get(self.at - 1).is_some_and(|&s| s >= sec.0) {
            self.at = 0;
        }
        // A few steps of merge, then a search of the rest (sparse asks).
        let stop = (self.at + 8).min(secs.len());
        while self.at < stop && secs[self.at] < sec.0 {
            self.at += 1;
        }
        if self.at == stop {
            self.at += secs[self.at..].partition_point(|&s| s < sec.0);
        }
        if secs.get(self.at) == Some(&sec.0) {
            self.at += 1;
            return Some(self.cs.first_row + self.at - 1);
        }
        let h = self.market.history(sec);
        h.last_on_or_before(self.cs.day).map(|i| h.rows[i] as usize)
    }
}

/// The rows of one security, oldest first: `(day index, store row)` pairs.
#[derive(Clone, Copy, Debug)]
pub struct SecurityDays<'a> {
    /// Store rows of the line, oldest first.
    pub rows: &'a [u32],
    market: &'a Market,
}

impl<'a> SecurityDays<'a> {
    /// Rows of the line.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    /// The line has no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    /// Day index of the i-th row.
    pub fn day(&self, i: usize) -> usize {
        self.market.day_of_row(self.rows[i] as usize)
    }
    /// Day index of the line's last row: its last trade in the data. A
    /// line that exited (acquired, delisted) trades no more after it.
    pub fn last_day(&self) -> Option<usize> {
        self.len().checked_sub(1).map(|i| self.day(i))
    }
    /// Whether the line has a row on or after `day` (out of range: false).
    /// Rows are stored in (date, security) order, so this compares the last
    /// row with the day's first row, without searching the day index.
    pub fn trades_from(&self, day: usize) -> bool {
        let start = self.market.day_starts().get(day).copied();
        matches!((self.rows.last(), start), (Some(&r), Some(s)) if r as usize >= s)
    }
    /// Index into `rows` of the last row on or before `day`.
    ///
    /// Rows are stored in (date, security) order, so "on or before `day`"
    /// is "before the first row of the next day": one search over this
    /// line's rows, with no search of the day index inside it.
    pub fn last_on_or_before(&self, day: usize) -> Option<usize> {
        let starts = self.market.day_starts();
        let end = starts[(day + 1).min(starts.len() - 1)];
        // Lines asked about after their last row (delisted members) need
        // no search.
        if self.rows.last().is_some_and(|&r| (r as usize) < end) {
            return Some(self.rows.len() - 1);
        }
        let n = self.rows.partition_point(|&r| (r as usize) < end);
        n.checked_sub(1)
    }
    /// The line's `i`-th row, oldest first.
    pub fn row(&self, i: usize) -> DailyRow {
        self.market.row(self.rows[i] as usize)
    }
    /// Store rows of this line on days `first..=last`: a run of `rows`,
    /// found from the store's day boundaries (no per-row date lookups).
    /// Lines that ended before the days or start after them, most of those
    /// asked about in a long history, need no search.
    pub fn rows_on_days(&self, first: usize, last: usize) -> &'a [u32] {
        let starts = self.market.day_starts();
        let (from, to) = (starts[first] as u32, starts[last + 1] as u32);
        let rows = self.rows;
        if rows.last().is_none_or(|&r| r < from) || rows[0] >= to {
            return &[];
        }
        let a = rows.partition_point(|&r| r < from);
        let b = rows.partition_point(|&r| r < to);
        &rows[a..b.max(a)]
    }
}

/// Split factors of every line over one window ([`Market::split_factors`]).
#[derive(Clone, Debug, Default)]
pub struct SplitFactors {
    /// Lines with a split in the window, by security.
    factors: Vec<(Sec, f64)>,
}

impl SplitFactors {
    /// The factor of `sec` (1 without a split in the window).
    pub fn get(&self, sec: Sec) -> f64 {
        match self.factors.binary_search_by_key(&sec, |f| f.0) {
            Ok(i) => self.factors[i].1,
            Err(_) => 1.0,
        }
    }
}

/// The immutable market: securities, daily cross-sections, actions.
#[derive(Debug, Clone)]
pub struct Market {
    securities: Vec<Security>,
    by_id: HashMap<String, Sec>,
    company_of: Vec<u32>,
    companies: Vec<String>,
    dates: Vec<Date>,
    day_start: Vec<usize>,
    sec: Vec<u32>,
    close: Vec<f64>,
    volume: Vec<f64>,
    shares: Vec<f64>,
    float: Vec<f64>,
    /// `input_order[k]` = store row of the k-th row as read, when that was not
    /// already (date, security) order; kept so a round trip preserves order.
    input_order: Option<Vec<u32>>,
    sec_row_start: Vec<u32>,
    sec_rows: Vec<u32>,
    actions: Vec<Action>,
    action_input_order: Option<Vec<u32>>,
    sec_action_start: Vec<u32>,
    sec_actions: Vec<u32>,
    /// Each line's splits as (ex-date, ratio), ex-date order: most lines have
    /// none or a few, and share counts are carried through them often.
    sec_split_start: Vec<u32>,
    sec_splits: Vec<(Date, f64)>,
    /// Full or sparse (see [`Observations`]).
    observations: Observations,
}

impl Market {
    /// Every security, in the order they were added ([`Sec`] order).
    pub fn securities(&self) -> &[Security] {
        &self.securities
    }
    /// The record of `sec`.
    pub fn security(&self, sec: Sec) -> &Security {
        &self.securities[sec.idx()]
    }
    /// Number of securities (lines).
    pub fn n_securities(&self) -> usize {
        self.securities.len()
    }
    /// The line with this `security_id`.
    pub fn sec_by_id(&self, id: &str) -> Option<Sec> {
        self.by_id.get(id).copied()
    }
    /// Interned company index of a security (dense from 0).
    pub fn company_of(&self, sec: Sec) -> usize {
        self.company_of[sec.idx()] as usize
    }
    /// The `company_id` of an interned company index.
    pub fn company_id(&self, company: usize) -> &str {
        &self.companies[company]
    }
    /// Number of distinct companies.
    pub fn n_companies(&self) -> usize {
        self.companies.len()
    }

    /// Every date present in `daily`, ascending: the trading days of a full
    /// market, the observation dates of a sparse one ([`Observations`]).
    /// Not the trading calendar: that is the policy's exchange calendar.
    pub fn dates(&self) -> &[Date] {
        &self.dates
    }
    /// Number of dates in `daily`.
    pub fn n_days(&self) -> usize {
        self.dates.len()
    }
    /// Number of daily rows.
    pub fn n_rows(&self) -> usize {
        self.sec.len()
    }
    /// The first date of the history.
    pub fn first_date(&self) -> Option<Date> {
        self.dates.first().copied()
    }
    /// The last date of the history.
    pub fn last_date(&self) -> Option<Date> {
        self.dates.last().copied()
    }
    /// Day index of an exact trading date.
    pub fn day_index(&self, date: Date) -> Option<usize> {
        self.dates.binary_search(&date).ok()
    }
    /// Day index of the last trading date on or before `date`.
    pub fn day_on_or_before(&self, date: Date) -> Option<usize> {
        self.dates.partition_point(|&d| d <= date).checked_sub(1)
    }
    /// Day index of the first trading date on or after `date`.
    pub fn day_on_or_after(&self, date: Date) -> Option<usize> {
        let i = self.dates.partition_point(|&d| d < date);
        (i < self.dates.len()).then_some(i)
    }

    /// A cursor for the last rows on or before `day` (see [`RowsOnOrBefore`]).
    pub fn rows_on_or_before(&self, day: usize) -> RowsOnOrBefore<'_> {
        RowsOnOrBefore {
            market: self,
            cs: self.cross_section(day),
            at: 0,
        }
    }

    /// Every row of day `day`, sorted by security.
    pub fn cross_section(&self, day: usize) -> CrossSection<'_> {
        let (a, b) = (self.day_start[day], self.day_start[day + 1]);
        CrossSection {
            day,
            date: self.dates[day],
            first_row: a,
            sec: &self.sec[a..b],
            close: &self.close[a..b],
            volume: &self.volume[a..b],
            shares: &self.shares[a..b],
            float: &self.float[a..b],
        }
    }

    /// Day index of a store row.
    pub fn day_of_row(&self, row: usize) -> usize {
        self.day_start.partition_point(|&s| s <= row) - 1
    }

    /// Store row `row` as a record.
    pub fn row(&self, row: usize) -> DailyRow {
        DailyRow {
            date: self.dates[self.day_of_row(row)],
            sec: Sec(self.sec[row]),
            close: self.close[row],
            volume: self.volume[row],
            shares_outstanding: self.shares[row],
            float_shares: self.float[row],
        }
    }

    /// Store row of `sec` on `day`, if it traded.
    pub fn row_of(&self, sec: Sec, day: usize) -> Option<usize> {
        let cs = self.cross_section(day);
        cs.find(sec).map(|i| cs.first_row + i)
    }

    /// Every row of `sec`, oldest first.
    pub fn history(&self, sec: Sec) -> SecurityDays<'_> {
        let (a, b) = (
            self.sec_row_start[sec.idx()] as usize,
            self.sec_row_start[sec.idx() + 1] as usize,
        );
        SecurityDays {
            rows: &self.sec_rows[a..b],
            market: self,
        }
    }

    /// Rows in the order they were given to the builder (the order a file
    /// had), so writers reproduce the input exactly.
    pub fn rows_in_input_order(&self) -> impl Iterator<Item = DailyRow> + '_ {
        let n = self.n_rows();
        (0..n).map(move |k| {
            let r = match &self.input_order {
                Some(p) => p[k] as usize,
                None => k,
            };
            self.row(r)
        })
    }

    /// Flat column access for writers and vectorised consumers, in store
    /// (date, security) order: (security, close, volume, shares, float).
    #[allow(clippy::type_complexity)]
    pub fn columns(&self) -> (&[u32], &[f64], &[f64], &[f64], &[f64]) {
        (
            &self.sec,
            &self.close,
            &self.volume,
            &self.shares,
            &self.float,
        )
    }
    /// Store row where each day starts; one more entry than days (the last is [`Market::n_rows`]).
    pub fn day_starts(&self) -> &[usize] {
        &self.day_start
    }
    /// The input order of the rows (see `rows_in_input_order`), if it differed from store order.
    pub fn input_order(&self) -> Option<&[u32]> {
        self.input_order.as_deref()
    }

    /// All actions, sorted by ex-date (stable: same-day actions keep input order).
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }
    /// `action_input_order()[k]` = index in [`Market::actions`] of the k-th
    /// action as pushed, when that was not already ex-date order.
    pub fn action_input_order(&self) -> Option<&[u32]> {
        self.action_input_order.as_deref()
    }
    /// Actions in the order they were given to the builder, so writers reproduce the input.
    pub fn actions_in_input_order(&self) -> impl Iterator<Item = &Action> + '_ {
        (0..self.actions.len()).map(move |k| match &self.action_input_order {
            Some(p) => &self.actions[p[k] as usize],
            None => &self.actions[k],
        })
    }
    /// Actions whose ex-date lies in `[from, to]`.
    pub fn actions_between(&self, from: Date, to: Date) -> &[Action] {
        let a = self.actions.partition_point(|x| x.ex_date < from);
        let b = self.actions.partition_point(|x| x.ex_date <= to);
        &self.actions[a..b.max(a)]
    }
    /// The actions with ex-date `date`.
    pub fn actions_on(&self, date: Date) -> &[Action] {
        self.actions_between(date, date)
    }
    /// Product of the ratios of `sec`'s splits with ex-date in `(from, to]`:
    /// multiply a share count valid after the close of `from` by this to
    /// express it in shares valid at the close of `to`. 1 when `to <= from`.
    pub fn split_factor(&self, sec: Sec, from: Date, to: Date) -> f64 {
        if to <= from {
            return 1.0;
        }
        let (a, b) = (
            self.sec_split_start[sec.idx()] as usize,
            self.sec_split_start[sec.idx() + 1] as usize,
        );
        self.sec_splits[a..b]
            .iter()
            .filter(|(d, _)| *d > from && *d <= to)
            .map(|(_, r)| r)
            .product()
    }

    /// Every line's [`Market::split_factor`] over one window `(from, to]`,
    /// from one pass over the window's actions: for callers that ask for
    /// thousands of lines (a reconstitution's members), where a lookup of
    /// each line's own splits would miss cache for each. The same bits as
    /// `split_factor` (the same ratios multiplied in the same order).
    pub fn split_factors(&self, from: Date, to: Date) -> SplitFactors {
        let mut splits: Vec<(Sec, f64)> = Vec::new();
        if to > from {
            for a in self.actions_between(from, to) {
                if a.ex_date > from && a.kind == ActionKind::Split {
                    if let Some(r) = a.ratio.filter(|r| r.is_finite() && *r > 0.0) {
                        splits.push((a.sec, r));
                    }
                }
            }
        }
        // Stable: a line's splits stay in ex-date order.
        splits.sort_by_key(|s| s.0);
        let mut factors: Vec<(Sec, f64)> = Vec::with_capacity(splits.len());
        for (sec, r) in splits {
            match factors.last_mut() {
                Some(f) if f.0 == sec => f.1 *= r,
                _ => factors.push((sec, 1.0 * r)),
            }
        }
        SplitFactors { factors }
    }

    /// Positions in [`Market::actions`] of the actions of one security,
    /// oldest first (those [`Market::actions_of`] gives).
    pub fn action_positions_of(&self, sec: Sec) -> &[u32] {
        let (a, b) = (
            self.sec_action_start[sec.idx()] as usize,
            self.sec_action_start[sec.idx() + 1] as usize,
        );
        &self.sec_actions[a..b]
    }

    /// Actions of one security, oldest first.
    pub fn actions_of(&self, sec: Sec) -> impl Iterator<Item = &Action> + '_ {
        let (a, b) = (
            self.sec_action_start[sec.idx()] as usize,
            self.sec_action_start[sec.idx() + 1] as usize,
        );
        self.sec_actions[a..b]
            .iter()
            .map(move |&i| &self.actions[i as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> MarketBuilder {
        let mut b = MarketBuilder::new();
        let a = b
            .add_security(Security::us_common("A", "CA", "AAA"))
            .unwrap();
        let c = b
            .add_security(Security::us_common("B", "CB", "BBB"))
            .unwrap();
        let d1 = Date::ymd(2024, 1, 2);
        let d2 = Date::ymd(2024, 1, 3);
        // Deliberately out of order.
        for (d, s, p) in [(d2, c, 11.0), (d1, a, 10.0), (d2, a, 10.5), (d1, c, 20.0)] {
            b.push_daily(DailyRow {
                date: d,
                sec: s,
                close: p,
                volume: 100.0,
                shares_outstanding: 1e6,
                float_shares: 9e5,
            });
        }
        b.push_action(Action {
            ex_date: d2,
            sec: c,
            kind: ActionKind::Split,
            ratio: Some(2.0),
            amount: None,
            other: None,
            offering: None,
        });
        b
    }

    /// Actions added as one vector (moved into an empty builder, appended
    /// to a non-empty one) build the same store as added one by one.
    #[test]
    fn actions_pushed_together_or_one_by_one_build_the_same_store() {
        let act = |day: u32, sec: u32| Action {
            ex_date: Date::ymd(2024, 1, day),
            sec: Sec(sec),
            kind: ActionKind::CashDividend,
            ratio: None,
            amount: Some(f64::from(day)),
            other: None,
            offering: None,
        };
        let (first, rest) = (
            vec![act(3, 1), act(2, 0)],
            vec![act(2, 1), act(3, 0), act(2, 0)],
        );
        let one_by_one = {
            let mut b = tiny();
            for a in first.iter().chain(&rest) {
                b.push_action(a.clone());
            }
            b.build().unwrap()
        };
        for together in [
            {
                let mut b = tiny();
                b.push_actions(first.iter().chain(&rest).cloned().collect());
                b
            },
            {
                let mut b = MarketBuilder::new();
                b.push_actions(first.clone());
                let mut t = tiny();
                // `tiny` holds one action already: push_actions appends.
                t.push_actions(first.clone());
                t.push_actions(rest.clone());
                assert_eq!(b.actions(), &first[..]);
                t
            },
        ] {
            let m = together.build().unwrap();
            assert_eq!(m.actions(), one_by_one.actions());
            assert!(m
                .actions_in_input_order()
                .eq(one_by_one.actions_in_input_order()));
        }
    }

    #[test]
    fn sorts_into_cross_sections_and_keeps_input_order() {
        let m = tiny().build().unwrap();
        assert_eq!(m.n_days(), 2);
        let cs = m.cross_section(1);
        assert_eq!(cs.sec, &[0, 1]);
        assert_eq!(cs.close, &[10.5, 11.0]);
        let input: Vec<f64> = m.rows_in_input_order().map(|r| r.close).collect();
        assert_eq!(input, vec![11.0, 10.0, 10.5, 20.0]);
        let h = m.history(Sec(1));
        assert_eq!(h.len(), 2);
        assert_eq!(h.row(1).close, 11.0);
        assert_eq!(h.last_on_or_before(0), Some(0));
        assert_eq!(h.last_day(), Some(1));
        assert!(h.trades_from(0) && h.trades_from(1) && !h.trades_from(2));
        assert_eq!(m.actions_of(Sec(1)).count(), 1);
        assert_eq!(m.actions_on(Date::ymd(2024, 1, 3)).len(), 1);
        assert_eq!(m.row_of(Sec(0), 1).map(|r| m.row(r).close), Some(10.5));
    }

    /// One pass over a window's splits gives each line's own product, bit
    /// for bit: several splits of a line in a window (ratios whose product
    /// depends on the order), same-day splits, invalid ratios, other kinds,
    /// splits on the window's edges, empty and reversed windows.
    #[test]
    fn split_factors_agree_with_split_factor() {
        let mut b = MarketBuilder::new();
        let secs: Vec<Sec> = (0..6)
            .map(|k| {
                b.add_security(Security::us_common(&format!("S{k}"), "C", "T"))
                    .unwrap()
            })
            .collect();
        let day = |k: i32| Date::ymd(2024, 1, 1).add_days(k);
        let ratios = [3.0, 0.1, 1.5, 7.0, 0.3, f64::NAN, -2.0, 1.1];
        let mut k = 0;
        for d in 0..30 {
            for (j, &sec) in secs.iter().enumerate() {
                if (d * 7 + j as i32 * 3) % 5 == 0 {
                    let kind = if k % 9 == 4 {
                        ActionKind::CashDividend
                    } else {
                        ActionKind::Split
                    };
                    b.push_action(Action {
                        ex_date: day(d),
                        sec,
                        kind,
                        ratio: Some(ratios[k % ratios.len()]),
                        amount: Some(1.0),
                        other: None,
                        offering: None,
                    });
                    k += 1;
                }
            }
        }
        let m = b.build().unwrap();
        for from in -1..31 {
            for to in (from - 2)..32 {
                let f = m.split_factors(day(from), day(to));
                for &sec in &secs {
                    assert_eq!(
                        f.get(sec).to_bits(),
                        m.split_factor(sec, day(from), day(to)).to_bits(),
                        "{sec:?} ({from}, {to}]"
                    );
                }
            }
        }
        assert!(m.split_factor(secs[0], day(-1), day(31)) != 1.0);
    }

    /// The cursor agrees with a search of each line's history, asked in
    /// order, out of order and for lines with gaps or no rows at all.
    #[test]
    fn rows_on_or_before_agrees_with_history() {
        let mut b = MarketBuilder::new();
        let n = 40u32;
        for k in 0..n {
            let id = format!("S{k}");
            b.add_security(Security::us_common(&id, &id, &id)).unwrap();
        }
        let mut x = 11u64;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for day in 0..20 {
            for k in 0..n - 1 {
                if rnd() % 4 == 0 {
                    continue;
                }
                b.push_daily(DailyRow {
                    date: Date::ymd(2024, 3, 1 + day),
                    sec: Sec(k),
                    close: 1.0,
                    volume: 0.0,
                    shares_outstanding: 1.0,
                    float_shares: 1.0,
                });
            }
        }
        let m = b.build().unwrap();
        let want = |sec: Sec, day: usize| {
            let h = m.history(sec);
            h.last_on_or_before(day).map(|i| h.rows[i] as usize)
        };
        for day in 0..m.n_days() {
            let mut c = m.rows_on_or_before(day);
            for k in 0..n {
                assert_eq!(c.row(Sec(k)), want(Sec(k), day), "day {day} sec {k}");
            }
            for _ in 0..60 {
                let k = (rnd() % u64::from(n)) as u32;
                assert_eq!(c.row(Sec(k)), want(Sec(k), day), "day {day} sec {k}");
            }
        }
    }

    /// The searched split factor equals a scan of every action, on ranges
    /// that start and end on, before and after ex-dates.
    #[test]
    fn split_factor_agrees_with_a_scan() {
        let mut b = MarketBuilder::new();
        let a = b.add_security(Security::us_common("A", "CA", "A")).unwrap();
        let o = b.add_security(Security::us_common("O", "CO", "O")).unwrap();
        let day = |k: u32| Date::ymd(2024, 1, 1).add_days(k as i32);
        for k in 0..40u32 {
            for s in [a, o] {
                b.push_daily(DailyRow {
                    date: day(k),
                    sec: s,
                    close: 1.0,
                    volume: 0.0,
                    shares_outstanding: 1.0,
                    float_shares: 1.0,
                });
            }
        }
        let act = |k: u32, sec: Sec, kind: ActionKind, ratio: Option<f64>| Action {
            ex_date: day(k),
            sec,
            kind,
            ratio,
            amount: (kind == ActionKind::CashDividend).then_some(0.1),
            other: None,
            offering: None,
        };
        // Out of ex-date order on input, dividends in between, another line's split.
        for x in [
            act(30, a, ActionKind::Split, Some(3.0)),
            act(5, a, ActionKind::Split, Some(2.0)),
            act(5, a, ActionKind::CashDividend, None),
            act(12, a, ActionKind::CashDividend, None),
            act(12, o, ActionKind::Split, Some(7.0)),
            act(20, a, ActionKind::Split, Some(0.1)),
        ] {
            b.push_action(x);
        }
        let m = b.build().unwrap();
        let scan = |from: Date, to: Date| -> f64 {
            m.actions()
                .iter()
                .filter(|x| x.sec == a && x.kind == ActionKind::Split)
                .filter(|x| x.ex_date > from && x.ex_date <= to)
                .map(|x| x.ratio.unwrap())
                .product()
        };
        for f in 0..40 {
            for t in f..40 {
                assert_eq!(
                    m.split_factor(a, day(f), day(t)),
                    scan(day(f), day(t)),
                    "{f}..{t}"
                );
            }
        }
        assert_eq!(m.split_factor(a, day(4), day(30)), 2.0 * 0.1 * 3.0);
        assert_eq!(m.split_factor(a, day(30), day(4)), 1.0);
    }

    /// Rows filled in place are the rows pushed one by one, in push order,
    /// whether the columns were empty (allocator-zeroed) or not.
    #[test]
    fn appended_rows_are_pushed_rows() {
        let pushed = tiny();
        let rows: Vec<DailyRow> = {
            let m = tiny().build().unwrap();
            m.rows_in_input_order().collect()
        };
        let mut b = MarketBuilder::new();
        for s in pushed.securities() {
            b.add_security(s.clone()).unwrap();
        }
        b.push_daily(rows[0]);
        let cols = b.append_daily(rows.len() - 1);
        assert_eq!(cols.len(), rows.len() - 1);
        let (first, rest) = cols.split_at(1);
        for (k, c) in [(1, first), (2, rest)] {
            for (i, r) in rows[k..k + c.len()].iter().enumerate() {
                c.date[i] = r.date.0;
                c.sec[i] = r.sec.0;
                c.close[i] = r.close;
                c.volume[i] = r.volume;
                c.shares[i] = r.shares_outstanding;
                c.float[i] = r.float_shares;
            }
        }
        let m = b.build().unwrap();
        let back: Vec<DailyRow> = m.rows_in_input_order().collect();
        assert_eq!(back, rows);
        let mut fresh = MarketBuilder::new();
        assert!(fresh.append_daily(3).close.iter().all(|&x| x == 0.0));
    }

    #[test]
    fn duplicate_rows_are_named_by_position() {
        let mut b = tiny();
        b.push_daily(DailyRow {
            date: Date::ymd(2024, 1, 2),
            sec: Sec(0),
            close: 1.0,
            volume: 0.0,
            shares_outstanding: 1.0,
            float_shares: 1.0,
        });
        let err = b.build().unwrap_err();
        assert_eq!(err.to_string(), "duplicate daily row for (2024-01-02, A)");
        assert_eq!(
            err,
            crate::BuildError::DuplicateDaily {
                date: Date::ymd(2024, 1, 2),
                security_id: "A".into(),
                first: 1,
                second: 4
            }
        );
    }

    /// A row or action naming a security that was never added is an error
    /// naming its push position, not a panic of the index building.
    #[test]
    fn unknown_securities_are_errors_not_panics() {
        let mut b = tiny();
        b.push_daily(DailyRow {
            date: Date::ymd(2024, 1, 4),
            sec: Sec(7),
            close: 1.0,
            volume: 0.0,
            shares_outstanding: 1.0,
            float_shares: 1.0,
        });
        let err = b.build().unwrap_err();
        assert_eq!(
            err.to_string(),
            "daily row 4 (0-based, in push order) names security index 7, but only 2 securities were added"
        );

        let mut b = tiny();
        b.push_action(Action {
            ex_date: Date::ymd(2024, 1, 3),
            sec: Sec(0),
            kind: ActionKind::SpinOff,
            ratio: Some(0.5),
            amount: None,
            other: Some(Sec(2)),
            offering: None,
        });
        let err = b.build().unwrap_err();
        assert!(
            matches!(
                err,
                crate::BuildError::UnknownSec {
                    what: "action",
                    position: 1,
                    sec: 2,
                    known: 2
                }
            ),
            "{err}"
        );
    }
}
