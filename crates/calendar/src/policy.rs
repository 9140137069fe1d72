//! The trading-calendar policy file schema (`policy/nyse.toml`) and its compiled rules.
//!
//! The file is data, not code: a holiday rule is an anchor (fixed date, nth weekday of a
//! month, or an offset from Easter), an era (`from`/`to` years or an explicit `years` list),
//! and a weekend observance. One-off closures (funerals, storms, 9/11) are dated entries.

use std::collections::BTreeMap;

use chrono::Weekday;
use rankday_core::Date;
use serde::Deserialize;

use crate::error::CalendarError;
use crate::rules::{easter, nth_weekday, parse_weekday};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyFile {
    pub calendar: CalendarSection,
    #[serde(default)]
    pub holiday: Vec<HolidayEntry>,
    #[serde(default)]
    pub closure: Vec<ClosureEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CalendarSection {
    pub name: String,
    #[serde(default = "default_weekend")]
    pub weekend: Vec<String>,
    #[serde(default = "default_from")]
    pub precompute_from: i32,
    #[serde(default = "default_to")]
    pub precompute_to: i32,
}

fn default_weekend() -> Vec<String> {
    vec!["Sat".into(), "Sun".into()]
}
fn default_from() -> i32 {
    1900
}
fn default_to() -> i32 {
    2100
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HolidayEntry {
    pub name: String,
    pub kind: String,
    pub month: Option<u32>,
    pub day: Option<u32>,
    pub weekday: Option<String>,
    pub n: Option<i32>,
    pub offset: Option<i32>,
    #[serde(default)]
    pub offset_days: i32,
    pub observance: String,
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub years: Option<Vec<i32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClosureEntry {
    pub date: Date,
    pub to: Option<Date>,
    pub name: String,
}

/// Where a holiday falls in a year before observance.
#[derive(Debug, Clone)]
pub(crate) enum Anchor {
    Fixed {
        month: u32,
        day: u32,
    },
    NthWeekday {
        month: u32,
        weekday: Weekday,
        n: i32,
    },
    Easter {
        offset: i32,
    },
}

/// How a holiday that falls on a weekend is observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Observance {
    None,
    NearestWeekday,
    SundayToMonday,
}

#[derive(Debug, Clone)]
pub(crate) struct HolidayRule {
    pub name: String,
    pub anchor: Anchor,
    pub offset_days: i32,
    pub observance: Observance,
    pub from: i32,
    pub to: i32,
    pub years: Option<Vec<i32>>,
}

impl HolidayRule {
    /// The observed closure date in `year`, if the rule applies that year and the
    /// observed day is not a weekend day.
    pub fn observed(&self, year: i32) -> Option<Date> {
        if year < self.from || year > self.to {
            return None;
        }
        if let Some(ys) = &self.years {
            if !ys.contains(&year) {
                return None;
            }
        }
        let base = match self.anchor {
            Anchor::Fixed { month, day } => Date::from_ymd(year, month, day)?,
            Anchor::NthWeekday { month, weekday, n } => nth_weekday(year, month, weekday, n)?,
            Anchor::Easter { offset } => easter(year).add_days(offset),
        }
        .add_days(self.offset_days);
        match (self.observance, base.weekday()) {
            (Observance::None, _) => Some(base),
            (Observance::NearestWeekday, Weekday::Sat) => Some(base.add_days(-1)),
            (Observance::NearestWeekday | Observance::SundayToMonday, Weekday::Sun) => {
                Some(base.add_days(1))
            }
            (Observance::SundayToMonday, Weekday::Sat) => None,
            _ => Some(base),
        }
    }
}

/// A validated policy: rules plus dated closures, ready to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    pub name: String,
    pub weekend: [bool; 7],
    pub from_year: i32,
    pub to_year: i32,
    pub holidays: Vec<HolidayRule>,
    pub closures: BTreeMap<Date, String>,
}

impl Rules {
    pub fn is_weekend(&self, d: Date) -> bool {
        self.weekend[d.weekday().num_days_from_monday() as usize]
    }

    /// Closures falling on non-weekend days of `year`, by rule and one-off, with names.
    /// When two rules land on the same day the first listed name is kept.
    pub fn closures_in_year(&self, year: i32) -> BTreeMap<Date, String> {
        let mut out = BTreeMap::new();
        // Observance can move a holiday across a year boundary (Sat Jan 1 -> Fri Dec 31 under
        // "nearest_weekday"), so evaluate the neighbouring years too.
        for y in [year - 1, year, year + 1] {
            for r in &self.holidays {
                if let Some(d) = r.observed(y) {
                    if d.year() == year && !self.is_weekend(d) {
                        out.entry(d).or_insert_with(|| r.name.clone());
                    }
                }
            }
        }
        let lo = Date::ymd(year, 1, 1);
        let hi = Date::ymd(year, 12, 31);
        for (d, n) in self.closures.range(lo..=hi) {
            if !self.is_weekend(*d) {
                out.entry(*d).or_insert_with(|| n.clone());
            }
        }
        out
    }

    pub fn parse(text: &str, source: &str) -> Result<Rules, CalendarError> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| CalendarError::parse(source, e))?;
        let bad = |field: String, msg: String| CalendarError::invalid(source, field, msg);

        let mut weekend = [false; 7];
        for (i, w) in file.calendar.weekend.iter().enumerate() {
            let wd = parse_weekday(w).ok_or_else(|| {
                bad(
                    format!("calendar.weekend[{i}]"),
                    format!("'{w}' is not a weekday"),
                )
            })?;
            weekend[wd.num_days_from_monday() as usize] = true;
        }
        if weekend.iter().all(|&w| w) {
            return Err(bad(
                "calendar.weekend".into(),
                "every day is a weekend day".into(),
            ));
        }
        let (pf, pt) = (file.calendar.precompute_from, file.calendar.precompute_to);
        if !(1800..=2400).contains(&pf) || !(1800..=2400).contains(&pt) || pf > pt {
            return Err(bad(
                "calendar.precompute_from".into(),
                format!("precompute range {pf}..{pt} must be ordered years within 1800..2400"),
            ));
        }

        let mut holidays = Vec::new();
        for (i, h) in file.holiday.iter().enumerate() {
            let f = |name: &str| format!("holiday[{i}].{name}");
            let need_month = || -> Result<u32, CalendarError> {
                match h.month {
                    Some(m) if (1..=12).contains(&m) => Ok(m),
                    Some(m) => Err(bad(f("month"), format!("{m} is not a month 1..12"))),
                    None => Err(bad(f("month"), format!("required for kind '{}'", h.kind))),
                }
            };
            let anchor = match h.kind.as_str() {
                "fixed" => {
                    let month = need_month()?;
                    let day = h
                        .day
                        .ok_or_else(|| bad(f("day"), "required for kind 'fixed'".into()))?;
                    // 2000 is a leap year, so Feb 29 is accepted here.
                    if Date::from_ymd(2000, month, day).is_none() {
                        return Err(bad(
                            f("day"),
                            format!("{month}-{day} is not a calendar day"),
                        ));
                    }
                    Anchor::Fixed { month, day }
                }
                "nth_weekday" => {
                    let month = need_month()?;
                    let w = h.weekday.as_deref().ok_or_else(|| {
                        bad(f("weekday"), "required for kind 'nth_weekday'".into())
                    })?;
                    let weekday = parse_weekday(w)
                        .ok_or_else(|| bad(f("weekday"), format!("'{w}' is not a weekday")))?;
                    let n =
                        h.n.ok_or_else(|| bad(f("n"), "required for kind 'nth_weekday'".into()))?;
                    if n == 0 || !(-5..=5).contains(&n) {
                        return Err(bad(
                            f("n"),
                            format!("{n} must be 1..5 or -1..-5 (from the end)"),
                        ));
                    }
                    Anchor::NthWeekday { month, weekday, n }
                }
                "easter" => Anchor::Easter {
                    offset: h
                        .offset
                        .ok_or_else(|| bad(f("offset"), "required for kind 'easter'".into()))?,
                },
                k => {
                    return Err(bad(
                        f("kind"),
                        format!("'{k}' is not one of fixed, nth_weekday, easter"),
                    ))
                }
            };
            let observance = match h.observance.as_str() {
                "none" => Observance::None,
                "nearest_weekday" => Observance::NearestWeekday,
                "sunday_to_monday" => Observance::SundayToMonday,
                o => {
                    return Err(bad(
                        f("observance"),
                        format!("'{o}' is not one of none, nearest_weekday, sunday_to_monday"),
                    ))
                }
            };
            let (from, to) = (h.from.unwrap_or(i32::MIN), h.to.unwrap_or(i32::MAX));
            if from > to {
                return Err(bad(f("from"), format!("from {from} is after to {to}")));
            }
            if h.name.trim().is_empty() {
                return Err(bad(f("name"), "must not be empty".into()));
            }
            holidays.push(HolidayRule {
                name: h.name.clone(),
                anchor,
                offset_days: h.offset_days,
                observance,
                from,
                to,
                years: h.years.clone(),
            });
        }

        let mut closures = BTreeMap::new();
        for (i, c) in file.closure.iter().enumerate() {
            let end = c.to.unwrap_or(c.date);
            if end < c.date {
                return Err(bad(
                    format!("closure[{i}].to"),
                    format!("{end} is before date {}", c.date),
                ));
            }
            if end.days_since(c.date) > 366 {
                return Err(bad(
                    format!("closure[{i}].to"),
                    "range longer than a year".into(),
                ));
            }
            let mut d = c.date;
            while d <= end {
                closures.insert(d, c.name.clone());
                d = d.add_days(1);
            }
        }

        Ok(Rules {
            name: file.calendar.name,
            weekend,
            from_year: pf,
            to_year: pt,
            holidays,
            closures,
        })
    }
}
