//! Every corporate action agrees with `daily`, and every change of shares
//! or float in `daily` is explained by an action (market-format 1).

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rankday_core::{ActionKind, DailyRow, Exchange, Market, Sec};

fn market() -> &'static Market {
    static M: OnceLock<Market> = OnceLock::new();
    M.get_or_init(|| common::small(21, 3, 3000))
}

/// (previous row, row on `day`) of a security, if it traded on `day`.
fn rows_at(m: &Market, sec: Sec, day: usize) -> (Option<DailyRow>, Option<DailyRow>) {
    let h = m.history(sec);
    match h.last_on_or_before(day) {
        Some(i) if h.day(i) == day => (i.checked_sub(1).map(|j| h.row(j)), Some(h.row(i))),
        Some(i) => (Some(h.row(i)), None),
        None => (None, None),
    }
}

fn last_row(m: &Market, sec: Sec) -> (usize, DailyRow) {
    let h = m.history(sec);
    let i = h.len() - 1;
    (h.day(i), h.row(i))
}

#[test]
fn every_action_is_consistent_with_daily() {
    let seen = check_actions(market());
    for k in ActionKind::ALL {
        assert!(
            seen.get(k).copied().unwrap_or(0) > 0,
            "no {k} in 3 years: {seen:?}"
        );
    }
}

#[test]
fn every_change_of_shares_or_float_has_an_action() {
    assert!(check_changes(market()) > 100);
}

/// The same bookkeeping on other seeds and sizes (a small property sweep).
#[test]
fn bookkeeping_holds_for_other_seeds() {
    for seed in [1, 2, 3] {
        let m = common::small(seed, 2, 1200);
        check_actions(&m);
        check_changes(&m);
    }
}

fn check_actions(m: &Market) -> HashMap<ActionKind, usize> {
    let mut seen: HashMap<ActionKind, usize> = HashMap::new();
    for a in m.actions() {
        *seen.entry(a.kind).or_default() += 1;
        let day = m.day_index(a.ex_date).expect("ex_date is a trading day");
        let s = m.security(a.sec);
        let ctx = format!("{a:?} {}", s.security_id);
        match a.kind {
            ActionKind::Split => {
                let (p, r) = rows_at(m, a.sec, day);
                let (p, r) = (p.expect(&ctx), r.expect(&ctx));
                let ratio = a.ratio.expect(&ctx);
                assert_eq!(
                    r.shares_outstanding,
                    (p.shares_outstanding * ratio).round().max(1.0),
                    "{ctx}"
                );
                if !s.exchange.eq(&Exchange::Unlisted) {
                    let move_ = (r.close * ratio / p.close).ln();
                    assert!(
                        move_.abs() < 0.5,
                        "{ctx}: price did not divide by the ratio"
                    );
                }
            }
            ActionKind::CashDividend | ActionKind::SpecialDividend => {
                let (p, r) = rows_at(m, a.sec, day);
                let (p, _) = (p.expect(&ctx), r.expect(&ctx));
                let amt = a.amount.expect(&ctx);
                assert!(amt > 0.0 && amt < p.close * 0.3, "{ctx}");
            }
            ActionKind::Offering => {
                // The rows show the offering on its ex-date: new shares for a
                // primary, freed float for a secondary; priced the day before.
                let (p, r) = rows_at(m, a.sec, day);
                let (p, r) = (p.expect(&ctx), r.expect(&ctx));
                let t = a.offering.expect(&ctx);
                assert_eq!(t.pricing_date, p.date, "{ctx}");
                let moved = match t.offer_type {
                    rankday_core::OfferingType::Primary => {
                        r.shares_outstanding - p.shares_outstanding
                    }
                    rankday_core::OfferingType::Secondary => r.float_shares - p.float_shares,
                };
                assert_eq!(moved, t.shares, "{ctx}");
                assert!(
                    a.amount.expect(&ctx) < p.close,
                    "{ctx}: offered at a discount"
                );
            }
            ActionKind::SpinOff => {
                let child = a.other.expect(&ctx);
                let ratio = a.ratio.expect(&ctx);
                let hc = m.history(child);
                assert_eq!(hc.day(0), day, "{ctx}: child must trade from ex_date");
                let c = hc.row(0);
                let (p, r) = rows_at(m, a.sec, day);
                let (p, r) = (p.expect(&ctx), r.expect(&ctx));
                assert_eq!(r.shares_outstanding, p.shares_outstanding, "{ctx}");
                assert!(
                    (c.shares_outstanding - p.shares_outstanding * ratio).abs() <= 1.0,
                    "{ctx}"
                );
                // Parent + distributed value ≈ yesterday's parent (one day of moves).
                let total = (r.close + ratio * c.close) / p.close;
                assert!((0.7..1.4).contains(&total), "{ctx}: {total}");
                assert!(ratio * c.close < p.close, "{ctx}");
            }
            ActionKind::Acquisition => {
                let (last_day, last) = last_row(m, a.sec);
                assert_eq!(
                    last_day + 1,
                    day,
                    "{ctx}: last trade must be the day before ex_date"
                );
                let ratio = a.ratio.expect(&ctx);
                let cash = a.amount.expect(&ctx);
                assert!(ratio >= 0.0 && cash >= 0.0, "{ctx}");
                if let Some(acq) = a.other {
                    if ratio > 0.0
                        && s.exchange != Exchange::Unlisted
                        && m.security(acq).company_id != s.company_id
                    {
                        let (ap, ar) = rows_at(m, acq, day);
                        let (ap, ar) = (ap.expect(&ctx), ar.expect(&ctx));
                        // Target's common shares (all classes) on its last day.
                        let co = m.company_of(a.sec);
                        let target_shares: f64 = m
                            .cross_section(last_day)
                            .sec
                            .iter()
                            .enumerate()
                            .filter(|(_, &x)| {
                                m.company_of(Sec(x)) == co
                                    && m.security(Sec(x)).security_type
                                        != rankday_core::SecurityType::Preferred
                            })
                            .map(|(i, _)| m.cross_section(last_day).shares[i])
                            .sum();
                        let issued = ar.shares_outstanding - ap.shares_outstanding;
                        assert_eq!(issued, (ratio * target_shares).round(), "{ctx}");
                        let value = cash + ratio * ap.close;
                        assert!(
                            (value / last.close - 1.0).abs() < 0.1,
                            "{ctx}: {value} vs {}",
                            last.close
                        );
                    }
                } else {
                    assert_eq!(ratio, 0.0, "{ctx}");
                }
            }
            ActionKind::Delisting => {
                let (last_day, last) = last_row(m, a.sec);
                assert_eq!(last_day + 1, day, "{ctx}");
                if let Some(x) = a.amount {
                    assert_eq!(x, last.close, "{ctx}");
                }
            }
            ActionKind::ShareChange => {
                let (p, r) = rows_at(m, a.sec, day);
                let (p, r) = (p.expect(&ctx), r.expect(&ctx));
                assert!(
                    p.shares_outstanding != r.shares_outstanding
                        || p.float_shares != r.float_shares,
                    "{ctx}: nothing changed"
                );
            }
        }
    }
    seen
}

fn check_changes(m: &Market) -> usize {
    let explained: HashSet<(u32, usize)> = m
        .actions()
        .iter()
        .filter(|a| matches!(a.kind, ActionKind::Split | ActionKind::ShareChange))
        .map(|a| (a.sec.0, m.day_index(a.ex_date).unwrap()))
        .collect();
    let mut changes = 0;
    for s in 0..m.n_securities() {
        let h = m.history(Sec(s as u32));
        for i in 1..h.len() {
            let (p, r) = (h.row(i - 1), h.row(i));
            if p.shares_outstanding != r.shares_outstanding || p.float_shares != r.float_shares {
                changes += 1;
                assert!(
                    explained.contains(&(s as u32, h.day(i))),
                    "{} on {}",
                    m.security(Sec(s as u32)).security_id,
                    r.date
                );
            }
        }
    }
    changes
}

#[test]
fn a_few_halts_a_year() {
    let m = market();
    let mut halts = 0;
    for s in 0..m.n_securities() {
        let h = m.history(Sec(s as u32));
        halts += (1..h.len())
            .filter(|&i| h.day(i) > h.day(i - 1) + 1)
            .count();
    }
    let years = m.n_days() as f64 / 252.0;
    let per_year = halts as f64 / years;
    assert!((1.0..20.0).contains(&per_year), "{per_year}");
}

#[test]
fn bankruptcies_collapse_before_delisting() {
    let m = market();
    let mut collapsed = 0;
    for a in m
        .actions()
        .iter()
        .filter(|a| a.kind == ActionKind::Delisting)
    {
        let h = m.history(a.sec);
        if h.len() < 80 || m.security(a.sec).exchange == Exchange::Unlisted {
            continue;
        }
        let last = h.row(h.len() - 1).close;
        let before = h.row(h.len() - 70).close;
        if last < 0.3 * before {
            collapsed += 1;
        }
    }
    assert!(collapsed >= 2, "{collapsed}");
}
