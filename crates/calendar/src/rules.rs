//! Date arithmetic shared by the holiday rules and the Russell schedule: nth / last weekday
//! of a month, Easter, weekday names in policy files.

use chrono::Weekday;
use rankday_core::Date;

/// Parses a weekday as written in a policy file ("Mon", "Monday", case-insensitive).
pub(crate) fn parse_weekday(s: &str) -> Option<Weekday> {
    let l = s.to_ascii_lowercase();
    let w = match l.get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    };
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    if l.len() == 3 || full.contains(&l.as_str()) {
        Some(w)
    } else {
        None
    }
}

/// Last calendar day of a month.
pub(crate) fn last_of_month(year: i32, month: u32) -> Date {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    Date::ymd(y, m, 1).add_days(-1)
}

/// The `n`-th `weekday` of a month; `n = -1` is the last, `-2` the second to last.
/// `None` if the month has no such day (e.g. a 5th Friday) or `n == 0`.
pub(crate) fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: i32) -> Option<Date> {
    let target = weekday.num_days_from_monday() as i32;
    if n > 0 {
        let first = Date::ymd(year, month, 1);
        let shift = (target - first.weekday().num_days_from_monday() as i32).rem_euclid(7);
        let d = first.add_days(shift + 7 * (n - 1));
        (d.month() == month).then_some(d)
    } else if n < 0 {
        let last = last_of_month(year, month);
        let shift = (last.weekday().num_days_from_monday() as i32 - target).rem_euclid(7);
        let d = last.add_days(-shift - 7 * (-n - 1));
        (d.month() == month).then_some(d)
    } else {
        None
    }
}

/// Gregorian Easter Sunday (anonymous Gregorian computus, Meeus/Jones/Butcher).
/// NYSE closes on Good Friday, Easter − 2 days.
pub(crate) fn easter(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::ymd(year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_known_years() {
        assert_eq!(easter(1990), Date::ymd(1990, 4, 15));
        assert_eq!(easter(2000), Date::ymd(2000, 4, 23));
        assert_eq!(easter(2008), Date::ymd(2008, 3, 23));
        assert_eq!(easter(2019), Date::ymd(2019, 4, 21));
        assert_eq!(easter(2025), Date::ymd(2025, 4, 20));
        assert_eq!(easter(2038), Date::ymd(2038, 4, 25));
    }

    #[test]
    fn nth_and_last_weekday() {
        assert_eq!(
            nth_weekday(2026, 6, Weekday::Fri, 4),
            Some(Date::ymd(2026, 6, 26))
        );
        assert_eq!(
            nth_weekday(2026, 12, Weekday::Fri, 2),
            Some(Date::ymd(2026, 12, 11))
        );
        assert_eq!(
            nth_weekday(2021, 6, Weekday::Fri, -1),
            Some(Date::ymd(2021, 6, 25))
        );
        assert_eq!(
            nth_weekday(2024, 5, Weekday::Mon, -1),
            Some(Date::ymd(2024, 5, 27))
        );
        assert_eq!(nth_weekday(2026, 2, Weekday::Fri, 5), None);
        assert_eq!(last_of_month(2024, 2), Date::ymd(2024, 2, 29));
        assert_eq!(last_of_month(2025, 12), Date::ymd(2025, 12, 31));
    }

    #[test]
    fn weekday_names() {
        assert_eq!(parse_weekday("Fri"), Some(Weekday::Fri));
        assert_eq!(parse_weekday("thursday"), Some(Weekday::Thu));
        assert_eq!(parse_weekday("Frx"), None);
        assert_eq!(parse_weekday("Fridays"), None);
    }
}
