//! The year's dated steps as [`ScheduleItem`]s and a plain-text table for the CLI.

use crate::recon::{ReconCalendar, ScheduleItem, UpdateBuffer};

fn month_name(m: u32) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(m - 1) as usize]
}

pub(crate) fn year_schedule(cal: &ReconCalendar, year: i32) -> Vec<ScheduleItem> {
    let mut items = Vec::new();
    let mut push = |date, what: String| items.push(ScheduleItem { date, what });
    for ev in cal.recons(year) {
        let tag = if ev.synthetic_era {
            " [synthetic era]"
        } else {
            ""
        };
        let name = format!("{} reconstitution", ev.kind.label());
        push(ev.rank_date, format!("{name}: rank day{tag}"));
        push(
            ev.preliminary_date,
            format!("{name}: preliminary lists{tag}"),
        );
        push(ev.lockdown_date, format!("{name}: lock-down begins{tag}"));
        push(
            ev.effective_date,
            format!("{name}: effective after the close{tag}"),
        );
    }
    for ipo in cal.ipo_events(year) {
        let name = format!("{} IPO additions", month_name(ipo.effective_date.month()));
        push(ipo.rank_date, format!("{name}: IPO rank date"));
        push(ipo.announce_date, format!("{name}: announcement"));
        push(
            ipo.effective_date,
            format!("{name}: effective after the close"),
        );
    }
    let b = cal.buffer_thresholds();
    for u in cal.share_updates(year) {
        let name = format!(
            "{} share/float update",
            month_name(u.effective_date.month())
        );
        let buffer = match u.buffer {
            UpdateBuffer::None => "no buffer".to_string(),
            UpdateBuffer::FloatOnly => format!(
                "float buffer {}pt ({}pt at float <= {}%)",
                b.float_points, b.low_float_points, b.low_float_max_pct
            ),
            UpdateBuffer::SharesAndFloat => format!(
                "buffers {}% shares, {}pt float ({}pt at float <= {}%)",
                b.shares_pct, b.float_points, b.low_float_points, b.low_float_max_pct
            ),
        };
        let with = if u.with_recon {
            ", with the reconstitution"
        } else {
            ""
        };
        push(u.cutoff_date, format!("{name}: data cut-off"));
        push(
            u.effective_date,
            format!("{name}: effective ({buffer}{with})"),
        );
    }
    items.sort_by_key(|i| i.date);
    items
}

/// An aligned text table of schedule items (`rankday calendar 2026`): date, weekday, step.
pub fn format_schedule(items: &[ScheduleItem]) -> String {
    let mut out = String::from("Date        Day  Step\n");
    for i in items {
        out.push_str(&format!(
            "{}  {:<3}  {}\n",
            i.date,
            i.date.weekday().to_string(),
            i.what
        ));
    }
    out
}
