//! TradingCalendar API behaviour that does not need real data.

use rankday_calendar::{CalendarError, TradingCalendar, HISTORY_CLOSURE};
use rankday_core::Date;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn next_and_prev_skip_weekends_and_holidays() {
    let cal = TradingCalendar::nyse();
    // Thanksgiving 2025 is Thu Nov 27.
    assert!(!cal.is_trading_day(d("2025-11-27")));
    assert_eq!(cal.next_trading_day(d("2025-11-26")), d("2025-11-28"));
    assert_eq!(cal.prev_trading_day(d("2025-11-28")), d("2025-11-26"));
    // Strictly after / before even when d itself trades.
    assert_eq!(cal.next_trading_day(d("2026-06-26")), d("2026-06-29"));
    assert_eq!(cal.prev_trading_day(d("2026-06-29")), d("2026-06-26"));
    // 9/11: Monday 2001-09-10 to Monday 2001-09-17.
    assert_eq!(cal.next_trading_day(d("2001-09-10")), d("2001-09-17"));
    assert_eq!(
        cal.trading_days(d("2001-09-10"), d("2001-09-17")),
        vec![d("2001-09-10"), d("2001-09-17")]
    );
    assert!(cal
        .trading_days(d("2026-01-02"), d("2026-01-01"))
        .is_empty());
    assert_eq!(cal.last_trading_day_of_month(2023, 4), d("2023-04-28"));
    assert_eq!(cal.last_trading_day_of_month(2026, 10), d("2026-10-30"));
}

#[test]
fn rule_eras_before_the_oracle_and_after_it() {
    let cal = TradingCalendar::nyse();
    // Memorial Day on May 30 before 1971, Washington's Birthday on Feb 22.
    assert!(!cal.is_trading_day(d("1969-05-30")));
    assert!(!cal.is_trading_day(d("1968-02-22")));
    assert!(!cal.is_trading_day(d("1980-11-04"))); // presidential Election Day
    assert!(cal.is_trading_day(d("1982-11-02"))); // mid-term: open
    assert!(!cal.is_trading_day(d("1985-09-27"))); // Hurricane Gloria
                                                   // Historical closings list: 1968 paperwork-crisis Wednesdays, 1933 Bank Holiday.
    assert!(!cal.is_trading_day(d("1968-08-14")));
    assert!(cal.is_trading_day(d("1968-09-04"))); // Labor Day week: open Wednesday
    assert!(!cal.is_trading_day(d("1933-03-13")));
    // May 30 1970 was a Saturday and not moved; Christmas 1954 (Sat) closed Friday 24th,
    // Christmas 1948 (Sat) did not.
    assert!(cal.is_trading_day(d("1970-05-29")));
    assert!(!cal.is_trading_day(d("1954-12-24")));
    assert!(cal.is_trading_day(d("1948-12-24")));
    // Juneteenth 2027 is a Saturday: observed Friday 2027-06-18.
    assert!(!cal.is_trading_day(d("2027-06-18")));
    // New Year's Day 2028 is a Saturday: no closure on Fri 2027-12-31.
    assert!(cal.is_trading_day(d("2027-12-31")));
    // Christmas 2032 is a Saturday: observed Fri 2032-12-24.
    assert!(!cal.is_trading_day(d("2032-12-24")));
    let names: Vec<String> = cal.closures(2026).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names.len(), 10, "{names:?}");
    assert_eq!(names[0], "New Year's Day");
    assert!(names.contains(&"Juneteenth".to_string()));
}

#[test]
fn outside_the_precomputed_range_rules_still_apply() {
    let cal = TradingCalendar::nyse();
    // 2101: Jan 1 is a Saturday; Christmas 2101 Sunday -> Monday Dec 26.
    assert!(cal.is_trading_day(d("2100-12-31")));
    assert!(!cal.is_trading_day(d("2101-12-26")));
    // Nine: New Year's Day 2101 falls on a Saturday and is not observed.
    assert_eq!(cal.closures(2101).len(), 9);
    assert!(cal
        .closures(2101)
        .iter()
        .all(|(d, _)| !cal.is_trading_day(*d)));
}

#[test]
fn with_history_trusts_observed_dates_then_rules() {
    let cal = TradingCalendar::nyse();
    let mut observed = cal.trading_days(d("2020-01-02"), d("2020-12-31"));
    // Pretend the vendor had an unscheduled closure and traded on Good Friday.
    observed.retain(|x| *x != d("2020-03-16"));
    observed.push(d("2020-04-10"));
    let h = cal.clone().with_history(&observed);
    assert_eq!(h.history_range(), Some((d("2020-01-02"), d("2020-12-31"))));
    assert!(!h.is_trading_day(d("2020-03-16")));
    assert!(h.is_trading_day(d("2020-04-10")));
    let c2020 = h.closures(2020);
    assert!(c2020.contains(&(d("2020-03-16"), HISTORY_CLOSURE.to_string())));
    assert!(!c2020.iter().any(|(x, _)| *x == d("2020-04-10")));
    assert!(c2020.contains(&(d("2020-01-01"), "New Year's Day".to_string())));
    // After the history the rules decide again.
    assert!(!h.is_trading_day(d("2021-04-02")));
    assert_eq!(h.next_trading_day(d("2020-12-31")), d("2021-01-04"));
    // History outside the precomputed range widens it.
    let far = cal
        .clone()
        .with_history(&[d("2150-06-01"), d("2150-06-03")]);
    assert!(!far.is_trading_day(d("2150-06-02")));
    assert!(far.is_trading_day(d("2150-06-04")));
    // Empty history: unchanged.
    assert_eq!(cal.clone().with_history(&[]).history_range(), None);
}

fn err(text: &str) -> String {
    match TradingCalendar::from_toml(text) {
        Ok(_) => panic!("policy accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_policy_errors_name_the_field() {
    let head = "[calendar]\nname = \"X\"\n";
    let e = err(&format!(
        "{head}[[holiday]]\nname = \"A\"\nkind = \"fixed\"\nmonth = 13\nday = 1\nobservance = \"none\"\n"
    ));
    assert!(e.contains("holiday[0].month"), "{e}");
    let e = err(&format!(
        "{head}[[holiday]]\nname = \"A\"\nkind = \"nth_weekday\"\nmonth = 1\nweekday = \"Mun\"\nn = 1\nobservance = \"none\"\n"
    ));
    assert!(e.contains("holiday[0].weekday") && e.contains("Mun"), "{e}");
    let e = err(&format!(
        "{head}[[holiday]]\nname = \"A\"\nkind = \"easter\"\noffset = -2\nobservance = \"sometimes\"\n"
    ));
    assert!(e.contains("holiday[0].observance"), "{e}");
    let e = err(&format!(
        "{head}[[closure]]\ndate = \"2026-13-01\"\nname = \"x\"\n"
    ));
    assert!(e.contains("date") && e.contains("2026-13-01"), "{e}");
    let e = err(&format!(
        "{head}[[closure]]\ndate = \"2026-01-05\"\nnmae = \"x\"\n"
    ));
    assert!(e.contains("nmae"), "{e}");
    let e = err("[calendar]\n");
    assert!(e.contains("name"), "{e}");
    // A file error names the path.
    let missing = std::path::Path::new("/nonexistent/rankday/cal.toml");
    let e = TradingCalendar::from_file(missing).unwrap_err();
    assert!(matches!(e, CalendarError::Io { .. }));
    assert!(e.to_string().contains("/nonexistent/rankday/cal.toml"));
}

#[test]
fn user_file_overrides_the_embedded_policy() {
    let dir = std::env::temp_dir().join(format!("rankday-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cal.toml");
    let text = format!(
        "{}\n[[closure]]\ndate = \"2030-03-15\"\nname = \"Test closure\"\n",
        rankday_calendar::NYSE_POLICY
    );
    std::fs::write(&path, text).unwrap();
    let cal = TradingCalendar::from_file(&path).unwrap();
    assert!(!cal.is_trading_day(d("2030-03-15")));
    assert!(TradingCalendar::nyse().is_trading_day(d("2030-03-15")));
    assert!(cal
        .closures(2030)
        .contains(&(d("2030-03-15"), "Test closure".to_string())));
    // Errors in a user file name the file.
    std::fs::write(&path, "[calendar]\nname = 3\n").unwrap();
    let e = TradingCalendar::from_file(&path).unwrap_err().to_string();
    assert!(e.contains("cal.toml") && e.contains("name"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
