//! A generated year of a few names with every kind of corporate action and
//! a reconstitution: enough for a fund or a calculation to meet each rule
//! once, small enough to check by reading.

use rankday_core::{ActionKind, DailyRow, Date, Market, MarketBuilder, Membership, Sec, Security};

use crate::{act, float_on, member_row, r2000, weekdays, Rng};

/// A year (252 days) of `n` names with random-walk prices (1.5% daily σ),
/// and, on fixed days: quarterly dividends on every third name, a 2-for-1
/// split of name 1 on day 60, a 3-for-2 split of name 4 on day 90, a special
/// dividend on name 5 on day 100, a reconstitution on day 125 (drops names
/// 0 and 7, adds the last two, new float for the rest), a stock-and-cash
/// acquisition of name 2 by name 3 on day 200, a delisting of name 6 on
/// day 220, and a spin-off from name 8 on day 160 (one child share for two
/// parent shares; the child, `child`, is an extra line trading from then,
/// worth a fifth of the parent before the spin).
pub struct YearMarket {
    /// The market.
    pub market: Market,
    /// The two reconstitution states (day 0 and day 125).
    pub memberships: Vec<Membership>,
    /// The 252 trading days.
    pub dates: Vec<Date>,
    /// The `n` names, in order.
    pub secs: Vec<Sec>,
    /// The spun-off line.
    pub child: Sec,
}

/// The market of [`YearMarket`] with `n` names (at least 9) and `seed`.
pub fn year_market(n: usize, seed: u64) -> YearMarket {
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
        let mut p = 20.0 + 80.0 * rng.unit();
        let mut shares = 1e6 * (1.0 + 9.0 * rng.unit());
        let float_frac = 0.6 + 0.4 * rng.unit();
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
                volume: 2e4 * (0.5 + rng.unit()),
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
    YearMarket {
        market,
        memberships: vec![ms0, ms1],
        dates,
        secs,
        child,
    }
}
