//! The fund's book: whole shares per line, cash, and dividends receivable;
//! and the rules that carry it through corporate actions.
//!
//! The rules mirror the index engine (`rankday_calc::actions`), so that a
//! fund holding the index's shares ends each ex-date holding what the index
//! holds, up to whole-share rounding:
//!
//! * **split**: shares × ratio; a fractional share is paid out in cash at
//!   the split-adjusted previous close (cash in lieu);
//! * **ordinary and special dividends**: `amount × shares` becomes a
//!   receivable paid `dividend_lag` trading days after the ex-date (0 = paid
//!   at the ex-date close). Net asset value counts the receivable, so the lag
//!   costs only the return the cash misses until it is paid and invested;
//! * **spin-off**: child shares = parent shares × ratio (fraction in cash at
//!   the child's first close);
//! * **acquisition**: cash terms → cash; stock terms → acquirer shares
//!   (fraction in cash at the acquirer's ex-date close); neither → cash at
//!   the target's last close (as the index values it);
//! * **delisting**: cash at the final price, or the last close without one.
//!
//! Actions apply before the open of the ex-date, splits first, then the rest
//! in input order (the order of the index engine). Shares are `f64` holding
//! integers when the book is `whole` (the fund), any value when it is not
//! (a benchmarked portfolio, a target being worked).

use std::collections::BTreeMap;

use rankday_core::{Action, ActionKind, Date, Market, Sec};
use rankday_flows::liquidity::close_on_or_before;

use crate::FundError;

/// Last close of every line, split-adjusted as actions go ex: the prices a
/// halted line is carried at, as in the index engine.
#[derive(Clone, Debug)]
pub struct PriceBook {
    prices: Vec<f64>,
}

impl PriceBook {
    /// A book of `n_securities` lines, all unpriced (0).
    pub fn new(n_securities: usize) -> Self {
        PriceBook {
            prices: vec![0.0; n_securities],
        }
    }
    /// The last price recorded for `sec` (0 before its first).
    pub fn get(&self, sec: Sec) -> f64 {
        self.prices[sec.idx()]
    }
    /// Records a price.
    pub fn set(&mut self, sec: Sec, p: f64) {
        self.prices[sec.idx()] = p;
    }
    /// Records the closes of `day` (finite, positive ones).
    pub fn close(&mut self, market: &Market, day: usize) {
        let cs = market.cross_section(day);
        for k in 0..cs.len() {
            let p = cs.close[k];
            if p > 0.0 && p.is_finite() {
                self.prices[cs.sec[k] as usize] = p;
            }
        }
    }
    /// Before the open of `day`: carried prices follow splits and special
    /// dividends, as the engine's do.
    pub fn pre_open(&mut self, actions: &[Action]) {
        for a in actions {
            let i = a.sec.idx();
            match a.kind {
                ActionKind::Split => {
                    if let Some(r) = a.ratio.filter(|r| *r > 0.0 && r.is_finite()) {
                        self.prices[i] /= r;
                    }
                }
                ActionKind::SpecialDividend => {
                    if let Some(x) = a.amount.filter(|x| *x > 0.0 && *x < self.prices[i]) {
                        self.prices[i] -= x;
                    }
                }
                _ => {}
            }
        }
    }
}

/// A dividend owed to the fund.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Receivable {
    /// Trading-day index on which it is paid (at the open).
    pub pay_day: usize,
    /// The paying line.
    pub sec: Sec,
    /// The dividend's ex-date.
    pub ex_date: Date,
    /// Cash owed (USD).
    pub amount: f64,
}

/// Holdings, cash and receivables.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Portfolio {
    /// Shares per line; no zero entries.
    pub shares: BTreeMap<Sec, f64>,
    /// Cash (USD), after fees and costs.
    pub cash: f64,
    /// Dividends owed and not yet paid.
    pub receivables: Vec<Receivable>,
    /// Whole shares only (fractions from actions are paid out in cash).
    pub whole: bool,
}

impl Portfolio {
    /// A portfolio of cash only; `whole` keeps whole shares.
    pub fn new(cash: f64, whole: bool) -> Self {
        Portfolio {
            cash,
            whole,
            ..Default::default()
        }
    }

    /// Shares held of `sec` (0 if none).
    pub fn held(&self, sec: Sec) -> f64 {
        self.shares.get(&sec).copied().unwrap_or(0.0)
    }

    /// Sets a holding (removing it at zero).
    pub fn set(&mut self, sec: Sec, n: f64) {
        if n == 0.0 {
            self.shares.remove(&sec);
        } else {
            self.shares.insert(sec, n);
        }
    }

    /// Σ shares × price.
    pub fn securities_value(&self, prices: &PriceBook) -> f64 {
        self.shares.iter().map(|(&s, &n)| n * prices.get(s)).sum()
    }

    /// Cash owed to the fund.
    pub fn receivable_total(&self) -> f64 {
        self.receivables.iter().map(|r| r.amount).sum()
    }

    /// Net asset value: securities + cash + receivables.
    pub fn nav(&self, prices: &PriceBook) -> f64 {
        self.securities_value(prices) + self.cash + self.receivable_total()
    }

    /// Moves receivables due on or before `day` into cash; returns the amount.
    pub fn collect(&mut self, day: usize) -> f64 {
        let mut got = 0.0;
        self.receivables.retain(|r| {
            if r.pay_day <= day {
                got += r.amount;
                false
            } else {
                true
            }
        });
        self.cash += got;
        got
    }

    /// Credits `n` (possibly fractional) shares of `sec`: the whole part is
    /// held, the fraction paid in cash at `price` when the book is whole.
    fn credit(&mut self, sec: Sec, n: f64, price: f64) {
        let (keep, frac) = if self.whole {
            let w = n.floor();
            (w, n - w)
        } else {
            (n, 0.0)
        };
        let total = self.held(sec) + keep;
        self.set(sec, total);
        if frac > 0.0 {
            self.cash += frac * price;
        }
    }

    /// Applies the actions of `day` (before its open) to the holdings.
    /// `prices` must already be adjusted by [`PriceBook::pre_open`].
    pub fn apply_actions(
        &mut self,
        market: &Market,
        actions: &[Action],
        day: usize,
        prices: &mut PriceBook,
        dividend_lag: usize,
    ) -> Result<(), FundError> {
        for a in actions.iter().filter(|a| a.kind == ActionKind::Split) {
            let h = self.held(a.sec);
            if h == 0.0 {
                continue;
            }
            let r = checked(market, a, a.ratio, "ratio", |r| r > 0.0)?;
            self.shares.remove(&a.sec);
            self.credit(a.sec, h * r, prices.get(a.sec));
        }
        for a in actions {
            let h = self.held(a.sec);
            if h == 0.0 {
                continue;
            }
            match a.kind {
                // A fund's own shares do not change with the issuer's offering.
                ActionKind::Split | ActionKind::ShareChange | ActionKind::Offering => {}
                ActionKind::CashDividend | ActionKind::SpecialDividend => {
                    let amt = checked(market, a, a.amount, "amount", |x| x >= 0.0)?;
                    if amt > 0.0 {
                        self.receivables.push(Receivable {
                            pay_day: day + dividend_lag,
                            sec: a.sec,
                            ex_date: a.ex_date,
                            amount: amt * h,
                        });
                    }
                }
                ActionKind::SpinOff => {
                    let r = checked(market, a, a.ratio, "ratio", |r| r > 0.0)?;
                    let child = other(a, market)?;
                    // The child's first close on or after the ex-date, as the
                    // engine values it; a child that never trades is not added.
                    let Some(p) = first_close_on_or_after(market, child, day) else {
                        continue;
                    };
                    if prices.get(child) <= 0.0 {
                        prices.set(child, p);
                    }
                    self.credit(child, h * r, p);
                }
                ActionKind::Acquisition => {
                    let ratio = a.ratio.unwrap_or(0.0);
                    let cash = a.amount.unwrap_or(0.0);
                    if !(ratio >= 0.0 && ratio.is_finite() && cash >= 0.0 && cash.is_finite()) {
                        return Err(bad(market, a, "ratio and amount must be finite and >= 0"));
                    }
                    let last = prices.get(a.sec);
                    self.shares.remove(&a.sec);
                    if ratio > 0.0 {
                        let acq = other(a, market)?;
                        let p = close_on_or_before(market, acq, day)
                            .map(|x| x.1)
                            .unwrap_or(prices.get(acq));
                        self.credit(acq, h * ratio, p);
                        self.cash += h * cash;
                    } else if cash > 0.0 {
                        self.cash += h * cash;
                    } else {
                        self.cash += h * last;
                    }
                }
                ActionKind::Delisting => {
                    let p = match a.amount {
                        Some(p) if p >= 0.0 && p.is_finite() => p,
                        Some(p) => {
                            return Err(bad(market, a, format!("final price {p} is not >= 0")))
                        }
                        None => prices.get(a.sec),
                    };
                    self.shares.remove(&a.sec);
                    self.cash += h * p;
                }
            }
        }
        Ok(())
    }
}

fn bad(m: &Market, a: &Action, reason: impl Into<String>) -> FundError {
    FundError::BadAction {
        kind: a.kind,
        security_id: m
            .securities()
            .get(a.sec.idx())
            .map_or_else(|| format!("#{}", a.sec.0), |s| s.security_id.clone()),
        date: a.ex_date,
        reason: reason.into(),
    }
}

fn checked(
    m: &Market,
    a: &Action,
    v: Option<f64>,
    what: &str,
    ok: impl Fn(f64) -> bool,
) -> Result<f64, FundError> {
    match v {
        Some(x) if x.is_finite() && ok(x) => Ok(x),
        _ => Err(bad(
            m,
            a,
            match v {
                Some(x) => format!("{what} is out of range: {x}"),
                None => format!("{what} is missing"),
            },
        )),
    }
}

fn other(a: &Action, market: &Market) -> Result<Sec, FundError> {
    match a.other {
        Some(o) if o.idx() < market.n_securities() && o != a.sec => Ok(o),
        _ => Err(bad(market, a, "needs a distinct known other security")),
    }
}

/// First finite positive close of `sec` on or after `day`.
pub(crate) fn first_close_on_or_after(market: &Market, sec: Sec, day: usize) -> Option<f64> {
    let h = market.history(sec);
    let start = match h.last_on_or_before(day) {
        Some(i) if h.day(i) == day => i,
        Some(i) => i + 1,
        None => 0,
    };
    (start..h.len())
        .map(|i| h.row(i).close)
        .find(|c| *c > 0.0 && c.is_finite())
}
