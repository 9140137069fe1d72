//! NYSE calendar against real data (test 8 of the shared real-data folder's
//! `data/real/README.md`).
//!
//! The oracle is every weekday 1990-01-02..2026-02-20 with no Russell 2000 close. The tests
//! skip (with a message) when `../shared` is not next to the workspace.

use std::collections::BTreeSet;

use rankday_calendar::TradingCalendar;
use rankday_core::Date;
use rankday_testkit::shared::read_real;

fn first_column_dates(text: &str) -> Vec<Date> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| Date::parse(l.split(',').next().unwrap().trim()).unwrap())
        .collect()
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn reproduces_all_328_weekday_closures_1990_2026_exactly() {
    let text = read_real("nyse_calendar/weekday_closures_1990_2026_from_RUT.csv");
    let oracle: BTreeSet<Date> = first_column_dates(&text).into_iter().collect();
    assert_eq!(oracle.len(), 328, "oracle file changed");
    let cal = TradingCalendar::nyse();
    let (from, to) = (Date::ymd(1990, 1, 2), Date::ymd(2026, 2, 20));
    let mut ours = BTreeSet::new();
    let mut d = from;
    while d <= to {
        if !d.is_weekend() && !cal.is_trading_day(d) {
            ours.insert(d);
        }
        d = d.add_days(1);
    }
    let missing: Vec<_> = oracle.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&oracle).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "closures missing from calendar: {missing:?}; calendar closes on trading days: {extra:?}"
    );
    // closures() agrees with is_trading_day over the same span.
    let listed: BTreeSet<Date> = (1990..=2026)
        .flat_map(|y| cal.closures(y))
        .map(|(d, _)| d)
        .filter(|d| (from..=to).contains(d))
        .collect();
    assert_eq!(listed, oracle);
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn hand_kept_list_is_wrong_on_13_days_and_we_trade_them() {
    let text = read_real("nyse_calendar/us_market_holidays_1990_2022.csv");
    let cal = TradingCalendar::nyse();
    let listed: Vec<Date> = first_column_dates(&text);
    let open_in_ours: Vec<Date> = listed
        .iter()
        .copied()
        .filter(|d| !d.is_weekend() && cal.is_trading_day(*d))
        .collect();
    let mut expected: Vec<Date> = [1993, 1999, 2004, 2010, 2021]
        .iter()
        .map(|&y| Date::ymd(y, 12, 31))
        .collect();
    // MLK Day 1990..1997: third Monday of January, a one-minute pause, not a closure.
    for y in 1990..=1997 {
        let mut d = Date::ymd(y, 1, 15);
        while d.weekday() != chrono::Weekday::Mon {
            d = d.add_days(1);
        }
        expected.push(d);
    }
    expected.sort();
    assert_eq!(open_in_ours, expected);
    assert_eq!(open_in_ours.len(), 13);
}

/// The full ^RUT history (1987-09-10 on) is a trading-day oracle too: it extends the check
/// two years before the 328-closure file and tests `with_history` on real dates.
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn matches_every_rut_trading_day_since_1987() {
    let text = read_real("index_prices/RUT_alitalbi.csv");
    let mut days = first_column_dates(&text);
    // PROVENANCE.md: the last row (2026-02-23) was downloaded intraday; it is still a trading day.
    let last = days.pop().unwrap();
    assert_eq!(last, Date::ymd(2026, 2, 23));
    let cal = TradingCalendar::nyse();
    let (from, to) = (days[0], *days.last().unwrap());
    assert_eq!(from, Date::ymd(1987, 9, 10));
    let ours = cal.trading_days(from, to);
    if ours != days {
        let a: BTreeSet<Date> = ours.iter().copied().collect();
        let b: BTreeSet<Date> = days.iter().copied().collect();
        panic!(
            "calendar-only days {:?}; RUT-only days {:?}",
            a.difference(&b).collect::<Vec<_>>(),
            b.difference(&a).collect::<Vec<_>>()
        );
    }
    assert!(cal.is_trading_day(last));
    // Taking the history from the data changes nothing, and the rules continue after it.
    let h = cal.clone().with_history(&days);
    assert_eq!(h.history_range(), Some((from, to)));
    assert_eq!(h.trading_days(from, to), days);
    for y in 1988..=2025 {
        assert_eq!(h.closures(y), cal.closures(y), "{y}");
    }
    assert_eq!(h.next_trading_day(to), Date::ymd(2026, 2, 23));
    assert!(!h.is_trading_day(Date::ymd(2026, 4, 3))); // Good Friday 2026
}
