//! README test 9: the dates the schedule computes are the days IWM's holdings file jumps.
//!
//! `iwm_daily_2025_2026/index.tsv` lists git-scraped IWM holdings files with their line
//! counts. A snapshot committed before about 12:00 UTC on the day after an event still shows
//! the pre-event portfolio (iShares had not yet published the event day's file); a later
//! snapshot shows the additions. An addition of index names makes the line count jump by
//! 10 or more; ordinary weeks move it by a few lines.

use rankday_calendar::ReconCalendar;
use rankday_core::Date;

struct Snap {
    /// Commit time as minutes since 1970-01-01 UTC.
    t: i64,
    lines: i64,
}

fn snapshots() -> Vec<Snap> {
    let text = rankday_testkit::shared::read_real("iwm_daily_2025_2026/index.tsv");
    let mut out: Vec<Snap> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let (day, time) = f[0].split_at(10);
            let hh: i64 = time[1..3].parse().unwrap();
            let mm: i64 = time[3..5].parse().unwrap();
            let d = Date::parse(day).unwrap().0 as i64;
            Snap {
                t: d * 1440 + hh * 60 + mm,
                lines: f[4].trim().parse().unwrap(),
            }
        })
        .collect();
    out.sort_by_key(|s| s.t);
    out
}

/// Line-count change across an event effective after the close of `e`, or `None` when the
/// scrape has no snapshot within a week on either side.
fn jump_across(snaps: &[Snap], e: Date) -> Option<i64> {
    let cut = (e.0 as i64 + 1) * 1440 + 12 * 60;
    let before = snaps.iter().rev().find(|s| s.t < cut)?;
    let after = snaps.iter().find(|s| s.t >= cut)?;
    if cut - before.t > 8 * 1440 || after.t - cut > 8 * 1440 {
        return None;
    }
    Some(after.lines - before.lines)
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn iwm_adds_names_on_the_computed_dates() {
    let snaps = snapshots();
    let cal = ReconCalendar::russell();
    let mut events: Vec<Date> = Vec::new();
    for y in [2025, 2026] {
        events.extend(cal.recons(y).iter().map(|e| e.effective_date));
        events.extend(cal.ipo_events(y).iter().map(|e| e.effective_date));
    }
    let mut checked = Vec::new();
    for e in events {
        if let Some(j) = jump_across(&snaps, e) {
            assert!(j >= 10, "no additions across {e}: {j:+} lines");
            checked.push(e);
        }
    }
    let want =
        ["2025-06-27", "2025-09-19", "2025-12-19", "2026-06-26"].map(|s| Date::parse(s).unwrap());
    for w in want {
        assert!(
            checked.contains(&w),
            "{w} not covered by the scrape: {checked:?}"
        );
    }
    // The alternative reading for December 2025 (2nd Friday, 12-12, the v7.0 December date)
    // shows no additions: before 2026 the Q4 IPO additions ran on the 3rd Friday.
    let alt = jump_across(&snaps, Date::ymd(2025, 12, 12)).unwrap();
    assert!(alt < 10, "{alt:+}");
}
