//! Russell schedule: published dates (spec §1, README test 9), era rules, ordering, errors.

use proptest::prelude::*;
use rankday_calendar::{
    format_schedule, ReconCalendar, ReconKind, TradingCalendar, UpdateBuffer, RUSSELL_POLICY,
};
use rankday_core::Date;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn june(cal: &ReconCalendar, year: i32) -> rankday_calendar::ReconEvent {
    cal.recons(year)
        .into_iter()
        .find(|e| e.kind == ReconKind::June)
        .unwrap()
}

/// The shipped policy without its `[[historical]]` pins: the rules alone.
fn rules_only() -> ReconCalendar {
    let marker = "# --- historical dates";
    let cut = RUSSELL_POLICY.find(marker).expect("marker in russell.toml");
    assert!(RUSSELL_POLICY[cut..].contains("[[historical]]"));
    let text = &RUSSELL_POLICY[..cut];
    assert!(!text.contains("[[historical]]"));
    ReconCalendar::from_toml(text, TradingCalendar::nyse()).unwrap()
}

#[test]
fn published_effective_dates() {
    let cal = ReconCalendar::russell();
    assert_eq!(june(&cal, 2021).effective_date, d("2021-06-25"));
    assert_eq!(june(&cal, 2024).effective_date, d("2024-06-28"));
    assert_eq!(june(&cal, 2025).effective_date, d("2025-06-27"));
    assert_eq!(june(&cal, 2026).effective_date, d("2026-06-26"));
    let r2026 = cal.recons(2026);
    assert_eq!(r2026.len(), 2);
    let dec = &r2026[1];
    assert_eq!(dec.kind, ReconKind::December);
    assert_eq!(dec.rank_date, d("2026-10-30"));
    assert_eq!(dec.effective_date, d("2026-12-11"));
    assert!(!dec.full_float_review && r2026[0].full_float_review);
    assert_eq!(cal.recons(2025).len(), 1, "annual until 2025");
}

/// Published June schedules: (rank, preliminary, lock-down, effective); "" = not published.
const PUBLISHED: [(&str, &str, &str, &str); 10] = [
    ("2015-05-29", "2015-06-12", "", "2015-06-26"),
    ("2016-05-27", "2016-06-10", "", "2016-06-24"),
    ("2017-05-12", "2017-06-09", "", "2017-06-23"),
    ("2018-05-11", "2018-06-08", "", "2018-06-22"),
    ("2020-05-08", "2020-06-05", "", "2020-06-26"),
    ("2021-05-07", "", "", "2021-06-25"),
    ("2022-05-06", "2022-06-03", "2022-06-13", "2022-06-24"),
    ("2023-04-28", "2023-05-19", "2023-06-05", "2023-06-23"),
    ("2024-04-30", "2024-05-24", "2024-06-10", "2024-06-28"),
    ("2025-04-30", "", "", "2025-06-27"),
];

#[test]
fn rules_alone_reproduce_every_published_date() {
    let pinned = ReconCalendar::russell();
    let rules = rules_only();
    for cal in [&rules, &pinned] {
        for (rank, pre, lock, eff) in PUBLISHED {
            let y = d(rank).year();
            let e = june(cal, y);
            assert_eq!(e.rank_date, d(rank), "rank day {y}");
            assert_eq!(e.effective_date, d(eff), "effective {y}");
            if !pre.is_empty() {
                assert_eq!(e.preliminary_date, d(pre), "preliminary {y}");
            }
            if !lock.is_empty() {
                assert_eq!(e.lockdown_date, d(lock), "lock-down {y}");
            }
        }
    }
    // The pins change nothing: rules and pinned policy agree in every year.
    for y in 1979..=2030 {
        assert_eq!(rules.recons(y), pinned.recons(y), "{y}");
    }
    // Early-May era: 2019 follows the same rule (first Friday on or after May 6).
    assert_eq!(june(&rules, 2019).rank_date, d("2019-05-10"));
    assert_eq!(june(&rules, 2019).preliminary_date, d("2019-06-07"));
}

#[test]
fn last_friday_rule_with_29_30_exception_is_the_fourth_friday() {
    let cal = ReconCalendar::russell();
    // M §9.3.1: last Friday of June, previous Friday if that is the 29th or 30th.
    for y in [2007, 2012, 2018] {
        assert_eq!(june(&cal, y).effective_date, Date::ymd(y, 6, 22), "{y}");
    }
    for y in 1989..=2040 {
        let eff = june(&cal, y).effective_date;
        assert_eq!(eff.weekday(), chrono::Weekday::Fri, "{y}");
        assert!((22..=28).contains(&eff.day()), "{y}: {eff}");
    }
}

#[test]
fn schedule_2026_lists_the_semi_annual_steps() {
    let cal = ReconCalendar::russell();
    let items = cal.schedule(2026);
    for want in ["2026-04-30", "2026-06-26", "2026-10-30", "2026-12-11"] {
        assert!(items.iter().any(|i| i.date == d(want)), "{want} missing");
    }
    assert!(items.windows(2).all(|w| w[0].date <= w[1].date));
    assert!(items.iter().any(|i| i.date == d("2026-12-11")
        && i.what == "December reconstitution: effective after the close"));
    let text = format_schedule(&items);
    assert!(text.lines().count() == items.len() + 1);
    assert!(text.contains("2026-06-26  Fri  June reconstitution: effective after the close"));
    let json = serde_json::to_string(&items[0]).unwrap();
    assert!(
        json.starts_with("{\"date\":\"2026-01-30\",\"what\":"),
        "{json}"
    );
    let ev = serde_json::to_value(&cal.recons(2026)[1]).unwrap();
    assert_eq!(ev["kind"], "December");
    assert_eq!(ev["effective_date"], "2026-12-11");
}

#[test]
fn ipo_additions_2025_and_2026() {
    let cal = ReconCalendar::russell();
    let eff: Vec<Date> = cal
        .ipo_events(2025)
        .iter()
        .map(|e| e.effective_date)
        .collect();
    // README test 9: IWM adds names between the 09-20/09-27 and 12-20/12-27 snapshots.
    assert_eq!(eff, vec![d("2025-03-21"), d("2025-09-19"), d("2025-12-19")]);
    let e26 = cal.ipo_events(2026);
    assert_eq!(
        e26.len(),
        2,
        "June and December ride with the recon from 2026"
    );
    assert_eq!(e26[0].rank_date, d("2026-01-30"));
    assert_eq!(e26[0].announce_date, d("2026-02-20"));
    assert_eq!(e26[1].effective_date, d("2026-09-18"));
    assert!(cal.ipo_events(2003).is_empty());
    // Good Friday 2008 was the 3rd Friday of March: moves to Thursday.
    assert_eq!(cal.ipo_events(2008)[0].effective_date, d("2008-03-20"));
}

#[test]
fn share_updates_carry_their_buffers() {
    let cal = ReconCalendar::russell();
    let u = cal.share_updates(2026);
    let got: Vec<(Date, Date, UpdateBuffer, bool)> = u
        .iter()
        .map(|u| (u.cutoff_date, u.effective_date, u.buffer, u.with_recon))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                d("2026-01-30"),
                d("2026-03-20"),
                UpdateBuffer::SharesAndFloat,
                false
            ),
            (d("2026-04-30"), d("2026-06-26"), UpdateBuffer::None, true),
            (
                d("2026-07-31"),
                d("2026-09-18"),
                UpdateBuffer::SharesAndFloat,
                false
            ),
            (
                d("2026-10-30"),
                d("2026-12-11"),
                UpdateBuffer::FloatOnly,
                true
            ),
        ]
    );
    let b = cal.buffer_thresholds();
    assert_eq!(
        (
            b.shares_pct,
            b.float_points,
            b.low_float_points,
            b.low_float_max_pct
        ),
        (1.0, 3.0, 1.0, 15.0)
    );
    let u25 = cal.share_updates(2025);
    assert_eq!(u25[3].effective_date, d("2025-12-19"));
    assert!(!u25[3].with_recon);
    assert!(cal.share_updates(1999).is_empty());
}

#[test]
fn synthetic_years_banding_and_lookups() {
    let cal = ReconCalendar::russell();
    let e = june(&cal, 1979);
    assert!(e.synthetic_era && !e.banding);
    assert_eq!(e.rank_date, d("1979-05-31"));
    assert!(!june(&cal, 1989).synthetic_era);
    assert!(!june(&cal, 2006).banding && june(&cal, 2007).banding);
    assert_eq!(
        cal.next_recon_after(d("2026-06-26")).effective_date,
        d("2026-06-26")
    );
    assert_eq!(
        cal.next_recon_after(d("2026-06-27")).effective_date,
        d("2026-12-11")
    );
    assert_eq!(
        cal.next_recon_after(d("2026-12-12")).effective_date,
        d("2027-06-25")
    );
    let between = cal.recons_between(d("2025-05-01"), d("2026-10-30"));
    let ranks: Vec<Date> = between.iter().map(|e| e.rank_date).collect();
    assert_eq!(ranks, vec![d("2026-04-30"), d("2026-10-30")]);
    assert!(cal
        .recons_between(d("2026-10-31"), d("2026-10-01"))
        .is_empty());
}

fn err(text: &str) -> String {
    match ReconCalendar::from_toml(text, TradingCalendar::nyse()) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_policy_errors_name_the_field() {
    let e = err(&RUSSELL_POLICY.replacen(
        "month = 6, weekday = \"Fri\", n = 4",
        "month = 6, weekday = \"Fry\", n = 4",
        1,
    ));
    assert!(
        e.contains("recon_era[5].effective.weekday") && e.contains("Fry"),
        "{e}"
    );
    let e = err(&RUSSELL_POLICY.replacen("days = 35", "days = 350", 1));
    assert!(e.contains("recon_era[4].preliminary.days"), "{e}");
    let e = err(&RUSSELL_POLICY.replacen("buffer = \"float_only\"", "buffer = \"floaty\"", 1));
    assert!(e.contains("share_update_era[1].updates[3].buffer"), "{e}");
    let e = err(&RUSSELL_POLICY.replacen("shares_pct = 1.0", "shares_pct = \"1%\"", 1));
    assert!(e.contains("shares_pct"), "{e}");
    let e = err(&RUSSELL_POLICY.replacen("from = 2017", "from = 2016", 1));
    assert!(
        e.contains("recon_era[2].from") && e.contains("overlap"),
        "{e}"
    );
    let e = err(&RUSSELL_POLICY.replacen(
        "rank_date = \"2015-05-29\"",
        "rank_date = \"2015-05-30\"",
        1,
    ));
    assert!(e.contains("historical[0].rank_date"), "{e}");
    // Steps out of order: preliminary after lock-down.
    let e = err(&RUSSELL_POLICY.replacen("days = 14 }", "days = 2 }", 1));
    assert!(e.contains("out of order"), "{e}");
    let e = err(&RUSSELL_POLICY.replacen(
        "additions = [\n  { rank = { rule = \"last_business_day\", month = 1 }",
        "additions = [\n  { rank = { rule = \"days_after_rank\", days = 3 }",
        1,
    ));
    assert!(
        e.contains("ipo_era[0].additions[0].rank.rule") && e.contains("only allowed"),
        "{e}"
    );
    let e = err(&RUSSELL_POLICY.replacen("banding_from", "bandingfrom", 1));
    assert!(e.contains("bandingfrom"), "{e}");
}

proptest! {
    #[test]
    fn every_event_date_is_a_trading_day_and_ordered(year in 1950i32..2100) {
        let cal = ReconCalendar::russell();
        let t = cal.trading();
        for e in cal.recons(year) {
            for x in [e.rank_date, e.preliminary_date, e.lockdown_date, e.effective_date] {
                prop_assert!(t.is_trading_day(x), "{x} in {e:?}");
                prop_assert_eq!(x.year(), year);
            }
            prop_assert!(e.rank_date < e.preliminary_date);
            prop_assert!(e.preliminary_date < e.lockdown_date);
            prop_assert!(e.lockdown_date < e.effective_date);
        }
        for i in cal.ipo_events(year) {
            for x in [i.rank_date, i.announce_date, i.effective_date] {
                prop_assert!(t.is_trading_day(x), "{x} in {i:?}");
            }
            prop_assert!(i.rank_date < i.announce_date && i.announce_date < i.effective_date);
        }
        for u in cal.share_updates(year) {
            prop_assert!(t.is_trading_day(u.cutoff_date) && t.is_trading_day(u.effective_date));
            prop_assert!(u.cutoff_date < u.effective_date);
        }
        for s in cal.schedule(year) {
            prop_assert!(t.is_trading_day(s.date), "{s:?}");
        }
    }
}

#[test]
fn schedule_follows_the_trading_calendar_it_is_given() {
    // A user calendar that closes Friday 2027-06-25 (the computed June effective date) moves
    // the recon to the previous trading day, and the schedule still validates.
    let text = format!(
        "{}\n[[closure]]\ndate = \"2027-06-25\"\nname = \"Test closure\"\n",
        rankday_calendar::NYSE_POLICY
    );
    let trading = TradingCalendar::from_toml(&text).unwrap();
    let cal = ReconCalendar::russell_with(trading).unwrap();
    let e = june(&cal, 2027);
    assert_eq!(e.effective_date, d("2027-06-24"));
    assert_eq!(
        june(&ReconCalendar::russell(), 2027).effective_date,
        d("2027-06-25")
    );
    // Rank day on a closure: last business day of April 2027 is Fri 04-30; close it.
    let text = format!(
        "{}\n[[closure]]\ndate = \"2027-04-30\"\nname = \"Test closure\"\n",
        rankday_calendar::NYSE_POLICY
    );
    let cal = ReconCalendar::russell_with(TradingCalendar::from_toml(&text).unwrap()).unwrap();
    assert_eq!(june(&cal, 2027).rank_date, d("2027-04-29"));
}
