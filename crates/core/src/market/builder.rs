//! Building the [`Market`]: securities, rows and actions are pushed in any
//! order; [`MarketBuilder::build`] checks the invariants every reader of the
//! store relies on (each row and action names an added security, one row per
//! date and security), sorts rows by (date, security) and actions by
//! ex-date, and builds the indexes once, so the store never checks again.

use std::collections::HashMap;

use super::{Action, ActionKind, DailyRow, Market, Observations, Sec};
use crate::{CoreError, Date, Security};

/// Assembles a [`Market`], then sorts and indexes it once in [`build`](Self::build).
#[derive(Default)]
pub struct MarketBuilder {
    securities: Vec<Security>,
    by_id: HashMap<String, Sec>,
    rows_date: Vec<Date>,
    rows_sec: Vec<u32>,
    close: Vec<f64>,
    volume: Vec<f64>,
    shares: Vec<f64>,
    float: Vec<f64>,
    actions: Vec<Action>,
    observations: Observations,
}

/// A duplicate (date, security) pair found by [`MarketBuilder::build`], with
/// the 0-based push positions of both rows, so file readers can name rows.
/// Errors that are not about a pair of daily rows carry none.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateRows {
    pub first: usize,
    pub second: usize,
}

impl MarketBuilder {
    /// Every row's and action's securities were added: the store indexes
    /// per-security tables with them, and every reader relies on it.
    fn check_secs(&self) -> Result<(), CoreError> {
        let known = self.securities.len();
        let unknown = |what, position, sec: u32| CoreError::UnknownSec {
            what,
            position,
            sec,
            known,
        };
        if let Some(k) = self.rows_sec.iter().position(|&s| s as usize >= known) {
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

    pub fn new() -> Self {
        Self::default()
    }
    pub fn with_capacity(rows: usize) -> Self {
        let mut b = Self::default();
        b.reserve(rows);
        b
    }
    pub fn reserve(&mut self, rows: usize) {
        self.rows_date.reserve(rows);
        self.rows_sec.reserve(rows);
        self.close.reserve(rows);
        self.volume.reserve(rows);
        self.shares.reserve(rows);
        self.float.reserve(rows);
    }

    pub fn add_security(&mut self, s: Security) -> Result<Sec, CoreError> {
        if self.by_id.contains_key(&s.security_id) {
            return Err(CoreError::DuplicateSecurity(s.security_id));
        }
        let sec = Sec(self.securities.len() as u32);
        self.by_id.insert(s.security_id.clone(), sec);
        self.securities.push(s);
        Ok(sec)
    }
    pub fn sec_by_id(&self, id: &str) -> Option<Sec> {
        self.by_id.get(id).copied()
    }
    pub fn securities(&self) -> &[Security] {
        &self.securities
    }
    pub fn n_rows(&self) -> usize {
        self.rows_sec.len()
    }

    pub fn push_daily(&mut self, r: DailyRow) {
        self.rows_date.push(r.date);
        self.rows_sec.push(r.sec.0);
        self.close.push(r.close);
        self.volume.push(r.volume);
        self.shares.push(r.shares_outstanding);
        self.float.push(r.float_shares);
    }
    pub fn push_action(&mut self, a: Action) {
        self.actions.push(a);
    }
    /// The daily rows pushed so far, in push order (for a producer that
    /// derives more actions from its own rows before building).
    pub fn daily_rows(&self) -> impl Iterator<Item = DailyRow> + '_ {
        (0..self.rows_sec.len()).map(move |i| DailyRow {
            date: self.rows_date[i],
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
    pub fn build(self) -> Result<Market, (CoreError, Option<DuplicateRows>)> {
        self.check_secs().map_err(|e| (e, None))?;
        let n = self.rows_sec.len();
        let already_sorted = (1..n).all(|i| {
            (self.rows_date[i - 1], self.rows_sec[i - 1]) < (self.rows_date[i], self.rows_sec[i])
        });
        let perm: Option<Vec<u32>> = if already_sorted {
            None
        } else {
            let mut p: Vec<u32> = (0..n as u32).collect();
            p.sort_by_key(|&i| (self.rows_date[i as usize], self.rows_sec[i as usize]));
            Some(p)
        };
        let at = |k: usize| perm.as_ref().map_or(k, |p| p[k] as usize);
        // Duplicates are adjacent once sorted.
        if let Some(p) = perm.as_ref() {
            for k in 1..n {
                let (i, j) = (p[k - 1] as usize, p[k] as usize);
                if self.rows_date[i] == self.rows_date[j] && self.rows_sec[i] == self.rows_sec[j] {
                    let (first, second) = (i.min(j), i.max(j));
                    return Err((
                        CoreError::DuplicateDaily {
                            date: self.rows_date[i].to_string(),
                            security_id: self.securities[self.rows_sec[i] as usize]
                                .security_id
                                .clone(),
                        },
                        Some(DuplicateRows { first, second }),
                    ));
                }
            }
        }
        // Already in order (the generator's case): move the columns, do not
        // copy them; a 50-year market is ~2.5 GB of columns.
        let gather = |v: Vec<f64>| -> Vec<f64> {
            match &perm {
                None => v,
                Some(p) => p.iter().map(|&i| v[i as usize]).collect(),
            }
        };
        let rows_date = self.rows_date;
        let sec: Vec<u32> = match &perm {
            None => self.rows_sec,
            Some(p) => p.iter().map(|&i| self.rows_sec[i as usize]).collect(),
        };
        let (close, volume, shares, float) = (
            gather(self.close),
            gather(self.volume),
            gather(self.shares),
            gather(self.float),
        );
        let mut dates = Vec::new();
        let mut day_start = Vec::new();
        for k in 0..n {
            let d = rows_date[at(k)];
            if dates.last() != Some(&d) {
                dates.push(d);
                day_start.push(k);
            }
        }
        day_start.push(n);
        // Inverse permutation: input position -> store row.
        let input_order = perm.map(|p| {
            let mut inv = vec![0u32; n];
            for (store_row, &input) in p.iter().enumerate() {
                inv[input as usize] = store_row as u32;
            }
            inv
        });

        let ns = self.securities.len();
        let mut counts = vec![0u32; ns + 1];
        for &s in &sec {
            counts[s as usize + 1] += 1;
        }
        for i in 0..ns {
            counts[i + 1] += counts[i];
        }
        let sec_row_start = counts.clone();
        let mut fill = counts;
        let mut sec_rows = vec![0u32; n];
        for (row, &s) in sec.iter().enumerate() {
            sec_rows[fill[s as usize] as usize] = row as u32;
            fill[s as usize] += 1;
        }

        let mut actions = self.actions;
        let na = actions.len();
        let a_sorted = (1..na).all(|i| actions[i - 1].ex_date <= actions[i].ex_date);
        let action_input_order = if a_sorted {
            None
        } else {
            let mut p: Vec<u32> = (0..na as u32).collect();
            p.sort_by_key(|&i| actions[i as usize].ex_date);
            let sorted: Vec<Action> = p.iter().map(|&i| actions[i as usize].clone()).collect();
            actions = sorted;
            let mut inv = vec![0u32; na];
            for (pos, &input) in p.iter().enumerate() {
                inv[input as usize] = pos as u32;
            }
            Some(inv)
        };
        let mut acounts = vec![0u32; ns + 1];
        for a in &actions {
            acounts[a.sec.idx() + 1] += 1;
        }
        for i in 0..ns {
            acounts[i + 1] += acounts[i];
        }
        let sec_action_start = acounts.clone();
        let mut afill = acounts;
        let mut sec_actions = vec![0u32; na];
        for (i, a) in actions.iter().enumerate() {
            sec_actions[afill[a.sec.idx()] as usize] = i as u32;
            afill[a.sec.idx()] += 1;
        }

        let mut sec_split_start = vec![0u32; ns + 1];
        let mut sec_splits = Vec::new();
        for k in 0..ns {
            for &i in &sec_actions[sec_action_start[k] as usize..sec_action_start[k + 1] as usize] {
                let a = &actions[i as usize];
                if a.kind == ActionKind::Split {
                    if let Some(r) = a.ratio.filter(|r| r.is_finite() && *r > 0.0) {
                        sec_splits.push((a.ex_date, r));
                    }
                }
            }
            sec_split_start[k + 1] = sec_splits.len() as u32;
        }

        let mut companies: Vec<String> = Vec::new();
        let mut company_index: HashMap<&str, u32> = HashMap::new();
        let mut company_of = Vec::with_capacity(ns);
        for s in &self.securities {
            let next = companies.len() as u32;
            let c = *company_index
                .entry(s.company_id.as_str())
                .or_insert_with(|| {
                    companies.push(s.company_id.clone());
                    next
                });
            company_of.push(c);
        }

        Ok(Market {
            securities: self.securities,
            by_id: self.by_id,
            company_of,
            companies,
            dates,
            day_start,
            sec,
            close,
            volume,
            shares,
            float,
            input_order,
            sec_row_start,
            sec_rows,
            actions,
            action_input_order,
            sec_action_start,
            sec_actions,
            sec_split_start,
            sec_splits,
            observations: self.observations,
        })
    }
}
