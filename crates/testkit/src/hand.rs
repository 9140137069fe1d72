//! Hand-made markets and membership states: a few named lines, a close on
//! the days a test says, the actions it says, and nothing else, so a test
//! can work out every expected level by hand.

use rankday_core::{
    Action, ActionKind, Change, DailyRow, Date, IndexId, IndexSet, Market, MarketBuilder,
    MemberRow, Membership, Sec, Security,
};

/// A market built row by row over fixed dates (`dates[d]` is day `d`).
pub struct HandMarket {
    /// The builder the rows go into.
    pub b: MarketBuilder,
    /// The market's trading days.
    pub dates: Vec<Date>,
}

impl HandMarket {
    /// An empty market over `dates`.
    pub fn new(dates: Vec<Date>) -> Self {
        HandMarket {
            b: MarketBuilder::new(),
            dates,
        }
    }

    /// A US common stock with security id and ticker `id`, company `C{id}`.
    pub fn sec(&mut self, id: &str) -> Sec {
        self.b
            .add_security(Security::us_common(id, &format!("C{id}"), id))
            .unwrap()
    }

    /// A close on day `d` with 1e6 shares, all float.
    pub fn px(&mut self, d: usize, sec: Sec, close: f64) {
        self.row(d, sec, close, 1e6, 1e6);
    }

    /// A row on day `d` with the given shares and float (volume 1,000).
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

    /// A corporate action of `sec` with ex-date day `d`.
    pub fn action(
        &mut self,
        d: usize,
        sec: Sec,
        kind: ActionKind,
        ratio: Option<f64>,
        amount: Option<f64>,
        other: Option<Sec>,
    ) {
        self.b
            .push_action(act(self.dates[d], sec, kind, ratio, amount, other));
    }

    /// The market; panics on rows a test got wrong.
    pub fn build(self) -> Market {
        self.b.build().unwrap()
    }
}

/// A corporate action.
pub fn act(
    date: Date,
    sec: Sec,
    kind: ActionKind,
    ratio: Option<f64>,
    amount: Option<f64>,
    other: Option<Sec>,
) -> Action {
    Action {
        ex_date: date,
        sec,
        kind,
        ratio,
        amount,
        other,
        offering: None,
    }
}

/// A reconstitution state effective after the close of `eff`: each row a
/// line, its index shares and its indexes (company = the line's index).
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

/// A member row of `sec` holding `n` index shares in `indexes`, with the
/// line's own company.
pub fn member_row(m: &Market, sec: Sec, n: f64, indexes: IndexSet) -> MemberRow {
    MemberRow {
        sec,
        company: m.company_of(sec) as u32,
        rank: sec.0 + 1,
        total_market_cap: 0.0,
        float_market_cap: 0.0,
        cumulative_percentile: 0.0,
        indexes,
        change: Change::Stay,
        index_shares: n,
    }
}

/// The index set of a Russell 2000 member (R3000E, R3000, R2000).
pub fn r2000() -> IndexSet {
    [IndexId::R3000E, IndexId::R3000, IndexId::R2000]
        .into_iter()
        .collect()
}

/// Float shares of `sec` on `day` (the index shares a membership would give).
pub fn float_on(m: &Market, sec: Sec, day: usize) -> f64 {
    let r = m.row(m.row_of(sec, day).expect("trades that day"));
    r.float_shares
}

/// `a` and `b` agree to `rel` relative to the larger.
pub fn close_to(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}
