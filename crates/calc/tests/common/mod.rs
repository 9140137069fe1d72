//! Small hand-built markets for the calculation tests.
#![allow(dead_code)]

use rankday_core::{
    Action, ActionKind, Change, DailyRow, Date, IndexId, IndexSet, Market, MarketBuilder,
    MemberRow, Membership, Sec, Security,
};

/// Consecutive weekdays from `start`.
pub fn weekdays(start: Date, n: usize) -> Vec<Date> {
    let mut out = Vec::with_capacity(n);
    let mut d = start;
    while out.len() < n {
        if !d.is_weekend() {
            out.push(d);
        }
        d = d.add_days(1);
    }
    out
}

pub struct Mk {
    pub b: MarketBuilder,
    pub dates: Vec<Date>,
}

impl Mk {
    pub fn new(dates: Vec<Date>) -> Self {
        Mk {
            b: MarketBuilder::new(),
            dates,
        }
    }
    pub fn sec(&mut self, id: &str) -> Sec {
        self.b
            .add_security(Security::us_common(id, &format!("C{id}"), id))
            .unwrap()
    }
    /// A close on day `d` with 1e6 shares, all float.
    pub fn px(&mut self, d: usize, sec: Sec, close: f64) {
        self.row(d, sec, close, 1e6, 1e6);
    }
    pub fn row(&mut self, d: usize, sec: Sec, close: f64, shares: f64, float: f64) {
        self.b.push_daily(DailyRow {
            date: self.dates[d],
            sec,
            close,
            volume: 1000.0,
            shares_outstanding: shares,
            float_shares: float,
        });
    }
    /// The same close on every day in `days`.
    pub fn flat(&mut self, sec: Sec, days: std::ops::Range<usize>, close: f64) {
        for d in days {
            self.px(d, sec, close);
        }
    }
    pub fn action(
        &mut self,
        d: usize,
        sec: Sec,
        kind: ActionKind,
        ratio: Option<f64>,
        amount: Option<f64>,
        other: Option<Sec>,
    ) {
        self.b.push_action(Action {
            ex_date: self.dates[d],
            sec,
            kind,
            ratio,
            amount,
            other,
            offering: None,
        });
    }
    pub fn build(self) -> Market {
        self.b.build().unwrap()
    }
}

/// A membership state effective after the close of `eff`.
pub fn state(eff: Date, rows: &[(Sec, f64, &[IndexId])]) -> Membership {
    Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: eff,
        effective_date: eff,
        rows: rows
            .iter()
            .map(|&(sec, n, ix)| MemberRow {
                sec,
                company: sec.0,
                rank: 1,
                total_market_cap: 0.0,
                float_market_cap: 0.0,
                cumulative_percentile: 0.0,
                indexes: ix.iter().copied().collect::<IndexSet>(),
                change: Change::Stay,
                index_shares: n,
            })
            .collect(),
    }
}

pub fn close_to(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}
