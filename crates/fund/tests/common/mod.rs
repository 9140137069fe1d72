//! Small generated markets for the fund tests.
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

/// A deterministic generator (xorshift64*), so tests need no seed plumbing.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Mean 0, sd 1 (sum of 12 uniforms).
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

pub fn r2000() -> IndexSet {
    [IndexId::R3000E, IndexId::R3000, IndexId::R2000]
        .into_iter()
        .collect()
}

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

/// Float shares of `sec` on `day` (the index shares a membership would give).
pub fn float_on(m: &Market, sec: Sec, day: usize) -> f64 {
    let r = m.row(m.row_of(sec, day).expect("trades that day"));
    r.float_shares
}

/// A year (252 days) of `n` names with random-walk prices (1.5% daily σ),
/// and, on fixed days: quarterly dividends on every third name, a 2-for-1
/// split of name 1 on day 60, a 3-for-2 split of name 4 on day 90, a special
/// dividend on name 5 on day 100, a reconstitution on day 125 (drops names
/// 0 and 7, adds the last two, new float for the rest), a stock-and-cash
/// acquisition of name 2 by name 3 on day 200, a delisting of name 6 on
/// day 220, and a spin-off from name 8 on day 160 (one child share for two
/// parent shares; the child, `child`, is an extra line trading from then,
/// worth a fifth of the parent before the spin).
pub struct Generated {
    pub market: Market,
    pub memberships: Vec<Membership>,
    pub dates: Vec<Date>,
    pub secs: Vec<Sec>,
    pub child: Sec,
}

pub fn generated(n: usize, seed: u64) -> Generated {
    let days = 252;
    let dates = weekdays(Date::ymd(2024, 1, 2), days);
    let mut rng = Rng(seed | 1);
    let mut b = MarketBuilder::new();
    let secs: Vec<Sec> = (0..n)
        .map(|k| {
            let id = format!("S{k:02}");
            b.add_security(Security::us_common(&id, &format!("C{id}"), &id))
                .unwrap()
        })
        .collect();
    let (split1, split4, special5, recon, acq, delist) = (60, 90, 100, 125, 200, 220);
    let spin = 160;
    let child = b
        .add_security(Security::us_common("SPIN", "CSPIN", "SPIN"))
        .unwrap();
    let mut child_start = 0.0;
    let mut actions = Vec::new();
    for (k, &s) in secs.iter().enumerate() {
        let mut p = 20.0 + 80.0 * rng.uniform();
        let mut shares = 1e6 * (1.0 + 9.0 * rng.uniform());
        let float_frac = 0.6 + 0.4 * rng.uniform();
        for (d, &date) in dates.iter().enumerate() {
            if k == 2 && d >= acq {
                break;
            }
            if k == 6 && d > delist {
                break;
            }
            if d > 0 {
                p *= (0.015 * rng.normal()).exp();
            }
            if k == 1 && d == split1 {
                p /= 2.0;
                shares *= 2.0;
                actions.push(act(date, s, ActionKind::Split, Some(2.0), None, None));
            }
            if k == 4 && d == split4 {
                p /= 1.5;
                shares *= 1.5;
                actions.push(act(date, s, ActionKind::Split, Some(1.5), None, None));
            }
            if k % 3 == 0 && d % 63 == 20 {
                let div = (p * 0.005 * 100.0).round() / 100.0;
                p -= div;
                actions.push(act(
                    date,
                    s,
                    ActionKind::CashDividend,
                    None,
                    Some(div),
                    None,
                ));
            }
            if k == 5 && d == special5 {
                let amt = (p * 0.05 * 100.0).round() / 100.0;
                p -= amt;
                actions.push(act(
                    date,
                    s,
                    ActionKind::SpecialDividend,
                    None,
                    Some(amt),
                    None,
                ));
            }
            if k == 8 && d == spin {
                // Parent keeps 80%; a child share (one per two parents) is worth 40%.
                child_start = p * 0.4;
                p *= 0.8;
                actions.push(act(
                    date,
                    s,
                    ActionKind::SpinOff,
                    Some(0.5),
                    None,
                    Some(child),
                ));
            }
            let f = if d >= recon {
                float_frac * 0.95
            } else {
                float_frac
            };
            b.push_daily(DailyRow {
                date,
                sec: s,
                close: p,
                volume: 2e4 * (0.5 + rng.uniform()),
                shares_outstanding: shares,
                float_shares: (shares * f).round(),
            });
        }
    }
    let mut c = child_start;
    for &date in &dates[spin..] {
        c *= (0.02 * rng.normal()).exp();
        b.push_daily(DailyRow {
            date,
            sec: child,
            close: c,
            volume: 1e4,
            shares_outstanding: 5e5,
            float_shares: 5e5,
        });
    }
    actions.push(act(
        dates[acq],
        secs[2],
        ActionKind::Acquisition,
        Some(0.8),
        Some(3.0),
        Some(secs[3]),
    ));
    actions.push(act(
        dates[delist],
        secs[6],
        ActionKind::Delisting,
        None,
        Some(1.25),
        None,
    ));
    for a in actions {
        b.push_action(a);
    }
    let market = b.build().unwrap();
    let ms0 = Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: dates[0],
        effective_date: dates[0],
        rows: secs[..n - 2]
            .iter()
            .map(|&s| member_row(&market, s, float_on(&market, s, 0), r2000()))
            .collect(),
    };
    let ms1 = Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: dates[recon - 20],
        effective_date: dates[recon],
        rows: secs
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != 0 && *k != 7)
            .map(|(_, &s)| member_row(&market, s, float_on(&market, s, recon), r2000()))
            .collect(),
    };
    Generated {
        market,
        memberships: vec![ms0, ms1],
        dates,
        secs,
        child,
    }
}

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
