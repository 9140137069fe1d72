//! Building the [`Market`]: securities, rows and actions are pushed in any
//! order; [`MarketBuilder::build`] checks the invariants every reader of the
//! store relies on (each row and action names an added security, one row per
//! date and security), sorts rows by (date, security) and actions by
//! ex-date, and builds the indexes once, so the store never checks again.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{row_index, Action, ActionKind, DailyRow, Market, Observations, Sec};
use crate::{CoreError, Date, Security};

/// Assembles a [`Market`], then sorts and indexes it once in [`build`](Self::build).
#[derive(Default)]
pub struct MarketBuilder {
    securities: Vec<Security>,
    by_id: HashMap<String, Sec>,
    /// Day numbers (`Date.0`): zeroed by the allocator in [`Self::append_daily`].
    rows_date: Vec<i32>,
    rows_sec: Vec<u32>,
    close: Vec<f64>,
    volume: Vec<f64>,
    shares: Vec<f64>,
    float: Vec<f64>,
    actions: Vec<Action>,
    observations: Observations,
}

/// Daily rows lent by [`MarketBuilder::append_daily`], one slice per column
/// of the `daily` table (dates as day numbers, `Date.0`; empties as NaN).
#[derive(Debug)]
pub struct DailyColumnsMut<'a> {
    /// `date`, as day numbers (`Date.0`).
    pub date: &'a mut [i32],
    /// `security_id`, as the index of its security.
    pub sec: &'a mut [u32],
    /// `close`; NaN for empty.
    pub close: &'a mut [f64],
    /// `volume`; NaN for empty.
    pub volume: &'a mut [f64],
    /// `shares_outstanding`.
    pub shares: &'a mut [f64],
    /// `float_shares`.
    pub float: &'a mut [f64],
}

impl<'a> DailyColumnsMut<'a> {
    /// Rows lent.
    pub fn len(&self) -> usize {
        self.sec.len()
    }
    /// No rows lent.
    pub fn is_empty(&self) -> bool {
        self.sec.is_empty()
    }
    /// The first `k` rows and the rest, e.g. one part per row group.
    pub fn split_at(self, k: usize) -> (DailyColumnsMut<'a>, DailyColumnsMut<'a>) {
        let (d0, d1) = self.date.split_at_mut(k);
        let (s0, s1) = self.sec.split_at_mut(k);
        let (c0, c1) = self.close.split_at_mut(k);
        let (v0, v1) = self.volume.split_at_mut(k);
        let (h0, h1) = self.shares.split_at_mut(k);
        let (f0, f1) = self.float.split_at_mut(k);
        (
            DailyColumnsMut {
                date: d0,
                sec: s0,
                close: c0,
                volume: v0,
                shares: h0,
                float: f0,
            },
            DailyColumnsMut {
                date: d1,
                sec: s1,
                close: c1,
                volume: v1,
                shares: h1,
                float: f1,
            },
        )
    }
}

/// Why [`MarketBuilder::build`] refused what was pushed.
///
/// Positions are 0-based push positions, so a file reader that pushed its
/// rows in file order can turn them into lines or rows of its own file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// A row or action pushed with a [`Sec`] no security was added for (a
    /// programming error of the builder's caller: file readers resolve ids
    /// first).
    #[error("{what} {position} (0-based, in push order) names security index {sec}, but only {known} securities were added")]
    UnknownSec {
        /// "daily row" or "action".
        what: &'static str,
        /// Its position in push order, from 0.
        position: usize,
        /// The security index it names.
        sec: u32,
        /// How many securities were added.
        known: usize,
    },
    /// Two daily rows for one (date, security): `first` and `second` are
    /// their push positions, `first < second`.
    #[error("duplicate daily row for ({date}, {security_id})")]
    DuplicateDaily {
        /// The date of both rows.
        date: Date,
        /// The line of both rows.
        security_id: String,
        /// Push position of the first row.
        first: usize,
        /// Push position of the second row.
        second: usize,
    },
}

/// The daily columns in store order, and where each day starts.
struct Rows {
    dates: Vec<Date>,
    day_start: Vec<usize>,
    sec: Vec<u32>,
    close: Vec<f64>,
    volume: Vec<f64>,
    shares: Vec<f64>,
    float: Vec<f64>,
    input_order: Option<Vec<u32>>,
}

/// Actions in ex-date order, with the permutation back to push order.
struct Actions {
    actions: Vec<Action>,
    input_order: Option<Vec<u32>>,
}

impl MarketBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }
    /// An empty builder with room for `rows` daily rows (readers know the count from the file and avoid regrowing gigabyte columns).
    pub fn with_capacity(rows: usize) -> Self {
        let mut b = Self::default();
        b.reserve(rows);
        b
    }
    /// Room for `rows` more daily rows.
    pub fn reserve(&mut self, rows: usize) {
        self.rows_date.reserve(rows);
        self.rows_sec.reserve(rows);
        self.close.reserve(rows);
        self.volume.reserve(rows);
        self.shares.reserve(rows);
        self.float.reserve(rows);
    }

    /// Adds a line; refuses a `security_id` already added.
    pub fn add_security(&mut self, s: Security) -> Result<Sec, CoreError> {
        if self.by_id.contains_key(&s.security_id) {
            return Err(CoreError::DuplicateSecurity(s.security_id));
        }
        let sec = Sec(self.securities.len() as u32);
        self.by_id.insert(s.security_id.clone(), sec);
        self.securities.push(s);
        Ok(sec)
    }
    /// The line added with this `security_id`.
    pub fn sec_by_id(&self, id: &str) -> Option<Sec> {
        self.by_id.get(id).copied()
    }
    /// The lines added so far, in [`Sec`] order.
    pub fn securities(&self) -> &[Security] {
        &self.securities
    }
    /// Daily rows pushed so far.
    pub fn n_rows(&self) -> usize {
        self.rows_sec.len()
    }

    /// Adds a daily row, in any order: `build` sorts by (date, security) and keeps the push order for writers.
    pub fn push_daily(&mut self, r: DailyRow) {
        self.rows_date.push(r.date.0);
        self.rows_sec.push(r.sec.0);
        self.close.push(r.close);
        self.volume.push(r.volume);
        self.shares.push(r.shares_outstanding);
        self.float.push(r.float_shares);
    }
    /// Appends `n` daily rows of zeros and lends their columns, to be
    /// filled in place: how the Parquet reader decodes row groups in
    /// parallel straight into the store, with no copy through row structs.
    /// Rows count in push order like [`Self::push_daily`]'s, and every one
    /// must be filled before [`Self::build`] (zeros name security 0 on
    /// 1970-01-01). On an empty builder the columns come zeroed from the
    /// allocator, untouched until written, so no thread pays for a fill.
    pub fn append_daily(&mut self, n: usize) -> DailyColumnsMut<'_> {
        fn grow<T: Copy + Default>(
            v: &mut Vec<T>,
            n: usize,
            fresh: fn(usize) -> Vec<T>,
        ) -> &mut [T] {
            let len = v.len();
            if len == 0 && v.capacity() < n {
                *v = fresh(n);
            } else {
                v.resize(len + n, T::default());
            }
            &mut v[len..]
        }
        DailyColumnsMut {
            date: grow(&mut self.rows_date, n, |n| vec![0; n]),
            sec: grow(&mut self.rows_sec, n, |n| vec![0; n]),
            close: grow(&mut self.close, n, |n| vec![0.0; n]),
            volume: grow(&mut self.volume, n, |n| vec![0.0; n]),
            shares: grow(&mut self.shares, n, |n| vec![0.0; n]),
            float: grow(&mut self.float, n, |n| vec![0.0; n]),
        }
    }
    /// Adds a corporate action, in any order: `build` sorts by ex-date, stable.
    pub fn push_action(&mut self, a: Action) {
        self.actions.push(a);
    }
    /// Adds corporate actions, in any order, as [`Self::push_action`] one
    /// by one would. Into an empty builder the vector moves as it is: a
    /// reader's million actions are not copied again through a growing one.
    pub fn push_actions(&mut self, actions: Vec<Action>) {
        if self.actions.is_empty() {
            self.actions = actions;
        } else {
            self.actions.extend(actions);
        }
    }
    /// The daily rows pushed so far, in push order (for a producer that
    /// derives more actions from its own rows before building).
    pub fn daily_rows(&self) -> impl Iterator<Item = DailyRow> + '_ {
        (0..self.rows_sec.len()).map(move |i| DailyRow {
            date: Date(self.rows_date[i]),
            sec: Sec(self.rows_sec[i]),
            close: self.close[i],
            volume: self.volume[i],
            shares_outstanding: self.shares[i],
            float_shares: self.float[i],
        })
    }
    /// The actions pushed so far, in push order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }
    /// Declares the market full (the default) or sparse ([`Observations`]).
    pub fn set_observations(&mut self, o: Observations) {
        self.observations = o;
    }

    /// Checks that every row and action names a security that was added,
    /// sorts rows by (date, security), checks there are no duplicates, and
    /// builds the per-day and per-security indexes.
    pub fn build(self) -> Result<Market, BuildError> {
        self.check_secs()?;
        let perm = self.row_order()?;
        let ns = self.securities.len();
        let MarketBuilder {
            securities,
            by_id,
            rows_date,
            rows_sec,
            close,
            volume,
            shares,
            float,
            actions,
            observations,
        } = self;
        let rows = Rows::gather(perm, rows_date, rows_sec, [close, volume, shares, float]);
        let (sec_row_start, sec_rows) = row_index::rows_by_security(ns, &rows.sec, &rows.day_start);
        let actions = Actions::sort(actions);
        let (sec_action_start, sec_actions) =
            group_by_security(ns, actions.actions.iter().map(|a| a.sec.idx()));
        let (sec_split_start, sec_splits) =
            split_index(&actions.actions, &sec_action_start, &sec_actions);
        let (companies, company_of) = intern_companies(&securities);
        Ok(Market {
            securities,
            by_id,
            company_of,
            companies,
            dates: rows.dates,
            day_start: rows.day_start,
            sec: rows.sec,
            close: rows.close,
            volume: rows.volume,
            shares: rows.shares,
            float: rows.float,
            input_order: rows.input_order,
            sec_row_start,
            sec_rows,
            actions: actions.actions,
            action_input_order: actions.input_order,
            sec_action_start,
            sec_actions,
            sec_split_start,
            sec_splits,
            observations,
        })
    }

    /// Every row's and action's securities were added: the store indexes
    /// per-security tables with them, and every reader relies on it.
    fn check_secs(&self) -> Result<(), BuildError> {
        let known = self.securities.len();
        let unknown = |what, position, sec: u32| BuildError::UnknownSec {
            what,
            position,
            sec,
            known,
        };
        if let Some(k) = self
            .rows_sec
            .par_iter()
            .position_first(|&s| s as usize >= known)
        {
            return Err(unknown("daily row", k, self.rows_sec[k]));
        }
        for (k, a) in self.actions.iter().enumerate() {
            for sec in std::iter::once(a.sec).chain(a.other) {
                if sec.idx() >= known {
                    return Err(unknown("action", k, sec.0));
                }
            }
        }
        Ok(())
    }

    /// The (date, security) order of the rows as a permutation of push
    /// positions, `None` when they were pushed in that order already (the
    /// generator's case); a duplicate pair is an error naming both pushes.
    fn row_order(&self) -> Result<Option<Vec<u32>>, BuildError> {
        let n = self.rows_sec.len();
        let key = |i: usize| (self.rows_date[i], self.rows_sec[i]);
        if row_index::strictly_ascending(&self.rows_date, &self.rows_sec) {
            return Ok(None);
        }
        let mut p: Vec<u32> = (0..n as u32).collect();
        p.sort_by_key(|&i| key(i as usize));
        // Duplicates are adjacent once sorted.
        for w in p.windows(2) {
            let (i, j) = (w[0] as usize, w[1] as usize);
            if key(i) == key(j) {
                return Err(BuildError::DuplicateDaily {
                    date: Date(self.rows_date[i]),
                    security_id: self.securities[self.rows_sec[i] as usize]
                        .security_id
                        .clone(),
                    first: i.min(j),
                    second: i.max(j),
                });
            }
        }
        Ok(Some(p))
    }
}

impl Rows {
    /// Puts the columns in store order (moving them, not copying, when they
    /// already are: a 50-year market is ~2.5 GB of columns) and finds where
    /// each day starts.
    fn gather(
        perm: Option<Vec<u32>>,
        rows_date: Vec<i32>,
        rows_sec: Vec<u32>,
        values: [Vec<f64>; 4],
    ) -> Rows {
        let gather = |v: Vec<f64>| -> Vec<f64> {
            match &perm {
                None => v,
                Some(p) => p.iter().map(|&i| v[i as usize]).collect(),
            }
        };
        let sec: Vec<u32> = match &perm {
            None => rows_sec,
            Some(p) => p.iter().map(|&i| rows_sec[i as usize]).collect(),
        };
        let [close, volume, shares, float] = values.map(gather);
        let n = sec.len();
        let at = |k: usize| perm.as_ref().map_or(k, |p| p[k] as usize);
        let (dates, day_start) = row_index::day_starts(n, |k| rows_date[at(k)]);
        Rows {
            dates,
            day_start,
            sec,
            close,
            volume,
            shares,
            float,
            input_order: perm.map(|p| inverse(&p)),
        }
    }
}

impl Actions {
    /// Sorts actions by ex-date, stably (same-day actions keep push order).
    fn sort(actions: Vec<Action>) -> Actions {
        let na = actions.len();
        if (1..na).all(|i| actions[i - 1].ex_date <= actions[i].ex_date) {
            return Actions {
                actions,
                input_order: None,
            };
        }
        let mut p: Vec<u32> = (0..na as u32).collect();
        p.sort_by_key(|&i| actions[i as usize].ex_date);
        Actions {
            actions: p.iter().map(|&i| actions[i as usize].clone()).collect(),
            input_order: Some(inverse(&p)),
        }
    }
}

/// The inverse of a permutation: `inverse(p)[p[k]] = k` (input position ->
/// sorted position).
fn inverse(p: &[u32]) -> Vec<u32> {
    let mut inv = vec![0u32; p.len()];
    for (pos, &input) in p.iter().enumerate() {
        inv[input as usize] = pos as u32;
    }
    inv
}

/// A compressed per-security index of items given by their security, in
/// item order: `start[s]..start[s + 1]` are the positions in `items` of the
/// items of security `s`.
fn group_by_security(ns: usize, secs: impl Iterator<Item = usize> + Clone) -> (Vec<u32>, Vec<u32>) {
    let mut counts = vec![0u32; ns + 1];
    for s in secs.clone() {
        counts[s + 1] += 1;
    }
    for i in 0..ns {
        counts[i + 1] += counts[i];
    }
    let start = counts.clone();
    let mut fill = counts;
    let mut items = vec![0u32; start[ns] as usize];
    for (i, s) in secs.enumerate() {
        items[fill[s] as usize] = i as u32;
        fill[s] += 1;
    }
    (start, items)
}

/// Each line's splits as (ex-date, ratio) in ex-date order, indexed by
/// security; ratios that are not finite and positive are left out.
fn split_index(
    actions: &[Action],
    sec_action_start: &[u32],
    sec_actions: &[u32],
) -> (Vec<u32>, Vec<(Date, f64)>) {
    let ns = sec_action_start.len() - 1;
    let mut start = vec![0u32; ns + 1];
    let mut splits = Vec::new();
    for k in 0..ns {
        for &i in &sec_actions[sec_action_start[k] as usize..sec_action_start[k + 1] as usize] {
            let a = &actions[i as usize];
            if a.kind == ActionKind::Split {
                if let Some(r) = a.ratio.filter(|r| r.is_finite() && *r > 0.0) {
                    splits.push((a.ex_date, r));
                }
            }
        }
        start[k + 1] = splits.len() as u32;
    }
    (start, splits)
}

/// Company ids interned in order of first appearance, and each security's company.
fn intern_companies(securities: &[Security]) -> (Vec<String>, Vec<u32>) {
    let mut companies: Vec<String> = Vec::new();
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut company_of = Vec::with_capacity(securities.len());
    for s in securities {
        let next = companies.len() as u32;
        let c = *index.entry(s.company_id.as_str()).or_insert_with(|| {
            companies.push(s.company_id.clone());
            next
        });
        company_of.push(c);
    }
    (companies, company_of)
}
