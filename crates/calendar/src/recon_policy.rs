//! Schema of `policy/russell.toml` and its validated, compiled form.
//!
//! A schedule is a set of eras; each era holds date rules (see [`DateRule`]). Parsing turns
//! field errors into [`CalendarError::Invalid`] with a dotted path such as
//! `recon_era[3].effective.weekday`.

use chrono::Weekday;
use rankday_core::Date;
use serde::Deserialize;

use crate::error::CalendarError;
use crate::rules::{last_of_month, nth_weekday, parse_weekday};
use crate::trading::TradingCalendar;
use crate::{OfferingThresholds, ReconKind, UpdateBuffer};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    schedule: ScheduleSpec,
    buffers: BufferThresholds,
    #[serde(default)]
    offerings: OfferingThresholds,
    #[serde(default)]
    recon_era: Vec<ReconEraSpec>,
    #[serde(default)]
    ipo_era: Vec<IpoEraSpec>,
    #[serde(default)]
    share_update_era: Vec<ShareEraSpec>,
    #[serde(default)]
    historical: Vec<Historical>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleSpec {
    name: String,
    first_real_year: i32,
    banding_from: i32,
}

/// Thresholds of the quarterly share/float update buffers (spec §6, M §9.3), carried as
/// schedule data; the calc crate applies them according to each [`crate::ShareUpdate`]'s
/// [`UpdateBuffer`].
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct BufferThresholds {
    /// Minimum change in shares, in percent, for a buffered update to apply (1%).
    pub shares_pct: f64,
    /// Minimum change in float, in percentage points (3).
    pub float_points: f64,
    /// Float threshold for low-float companies, in points (1).
    pub low_float_points: f64,
    /// Float at or below which `low_float_points` applies, in percent (15).
    pub low_float_max_pct: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DateRuleSpec {
    rule: String,
    month: Option<u32>,
    day: Option<u32>,
    weekday: Option<String>,
    n: Option<i32>,
    not_after_day: Option<u32>,
    days: Option<i32>,
    adjust: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReconEraSpec {
    kind: String,
    from: i32,
    to: Option<i32>,
    rank: DateRuleSpec,
    effective: DateRuleSpec,
    preliminary: DateRuleSpec,
    lockdown: DateRuleSpec,
    full_float_review: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IpoEraSpec {
    from: i32,
    to: Option<i32>,
    announce_days_before: i32,
    additions: Vec<IpoSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IpoSpec {
    rank: DateRuleSpec,
    effective: DateRuleSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareEraSpec {
    from: i32,
    to: Option<i32>,
    updates: Vec<ShareSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareSpec {
    cutoff: DateRuleSpec,
    effective: Option<DateRuleSpec>,
    with_recon: Option<String>,
    buffer: String,
}

/// Published dates that pin a recon regardless of the rules (`[[historical]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Historical {
    pub year: i32,
    pub kind: String,
    pub rank_date: Option<Date>,
    pub preliminary_date: Option<Date>,
    pub lockdown_date: Option<Date>,
    pub effective_date: Option<Date>,
}

/// Which way a rule's date moves when it is not an NYSE trading day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Adjust {
    Previous,
    Next,
}

/// One date rule of the schedule, relative to a year (and for recon steps, to the effective
/// date of the same event).
#[derive(Debug, Clone)]
pub(crate) enum DateRule {
    LastBusinessDay {
        month: u32,
    },
    NthWeekday {
        month: u32,
        weekday: Weekday,
        n: i32,
        not_after_day: Option<u32>,
        adjust: Adjust,
    },
    WeekdayOnOrAfter {
        month: u32,
        day: u32,
        weekday: Weekday,
        adjust: Adjust,
    },
    DaysBeforeEffective {
        days: i32,
        adjust: Adjust,
    },
    DaysAfterRank {
        days: i32,
        adjust: Adjust,
    },
}

impl DateRule {
    /// The business day this rule gives in `year`. The relative rules need the event's
    /// `rank` (`days_after_rank`) or `effective` date (`days_before_effective`).
    pub fn resolve(
        &self,
        year: i32,
        rank: Option<Date>,
        effective: Option<Date>,
        cal: &TradingCalendar,
    ) -> Date {
        let adjust = |d: Date, a: Adjust| match (cal.is_trading_day(d), a) {
            (true, _) => d,
            (false, Adjust::Previous) => cal.prev_trading_day(d),
            (false, Adjust::Next) => cal.next_trading_day(d),
        };
        match *self {
            DateRule::LastBusinessDay { month } => cal.on_or_before(last_of_month(year, month)),
            DateRule::NthWeekday {
                month,
                weekday,
                n,
                not_after_day,
                adjust: a,
            } => {
                let mut d = nth_weekday(year, month, weekday, n).expect("validated n");
                if let Some(max) = not_after_day {
                    if d.day() > max {
                        d = d.add_days(-7);
                    }
                }
                adjust(d, a)
            }
            DateRule::WeekdayOnOrAfter {
                month,
                day,
                weekday,
                adjust: a,
            } => {
                let start = Date::ymd(year, month, day);
                let shift = (weekday.num_days_from_monday() as i32
                    - start.weekday().num_days_from_monday() as i32)
                    .rem_euclid(7);
                adjust(start.add_days(shift), a)
            }
            DateRule::DaysBeforeEffective { days, adjust: a } => adjust(
                effective
                    .expect("days_before_effective is only accepted for recon steps")
                    .add_days(-days),
                a,
            ),
            DateRule::DaysAfterRank { days, adjust: a } => adjust(
                rank.expect("days_after_rank is only accepted for recon steps")
                    .add_days(days),
                a,
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ReconEra {
    pub kind: ReconKind,
    pub from: i32,
    pub to: i32,
    pub rank: DateRule,
    pub effective: DateRule,
    pub preliminary: DateRule,
    pub lockdown: DateRule,
    pub full_float_review: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct IpoEra {
    pub from: i32,
    pub to: i32,
    pub announce_days_before: i32,
    pub additions: Vec<(DateRule, DateRule)>,
}

#[derive(Debug, Clone)]
pub(crate) enum ShareEffective {
    Rule(DateRule),
    WithRecon(ReconKind),
}

#[derive(Debug, Clone)]
pub(crate) struct ShareEra {
    pub from: i32,
    pub to: i32,
    pub updates: Vec<(DateRule, ShareEffective, UpdateBuffer)>,
}

/// The validated schedule policy.
#[derive(Debug, Clone)]
pub(crate) struct SchedulePolicy {
    pub name: String,
    pub first_real_year: i32,
    pub banding_from: i32,
    pub buffers: BufferThresholds,
    pub offerings: OfferingThresholds,
    pub recon_eras: Vec<ReconEra>,
    pub ipo_eras: Vec<IpoEra>,
    pub share_eras: Vec<ShareEra>,
    pub historical: Vec<(ReconKind, Historical)>,
}

fn parse_kind(s: &str) -> Option<ReconKind> {
    match s {
        "June" | "june" => Some(ReconKind::June),
        "December" | "december" => Some(ReconKind::December),
        _ => None,
    }
}

struct Ctx<'a> {
    source: &'a str,
}

impl Ctx<'_> {
    fn bad(&self, field: &str, msg: impl Into<String>) -> CalendarError {
        CalendarError::invalid(self.source, field, msg)
    }

    fn rule(
        &self,
        field: &str,
        s: &DateRuleSpec,
        allow_relative: bool,
    ) -> Result<DateRule, CalendarError> {
        let f = |k: &str| format!("{field}.{k}");
        let month = || match s.month {
            Some(m) if (1..=12).contains(&m) => Ok(m),
            Some(m) => Err(self.bad(&f("month"), format!("{m} is not a month 1..12"))),
            None => Err(self.bad(&f("month"), format!("required for rule '{}'", s.rule))),
        };
        let weekday = || {
            let w = s.weekday.as_deref().ok_or_else(|| {
                self.bad(&f("weekday"), format!("required for rule '{}'", s.rule))
            })?;
            parse_weekday(w)
                .ok_or_else(|| self.bad(&f("weekday"), format!("'{w}' is not a weekday")))
        };
        let adjust = match s.adjust.as_deref() {
            None | Some("previous") => Adjust::Previous,
            Some("next") => Adjust::Next,
            Some(a) => {
                return Err(self.bad(&f("adjust"), format!("'{a}' is not one of previous, next")))
            }
        };
        Ok(match s.rule.as_str() {
            "last_business_day" => DateRule::LastBusinessDay { month: month()? },
            "nth_weekday" => {
                let n = s
                    .n
                    .ok_or_else(|| self.bad(&f("n"), "required for rule 'nth_weekday'"))?;
                if !(1..=4).contains(&n) && n != -1 {
                    return Err(self.bad(
                        &f("n"),
                        format!("{n} must be 1..4 or -1 (last): a 5th weekday does not exist every month"),
                    ));
                }
                if let Some(d) = s.not_after_day {
                    if !(22..=31).contains(&d) {
                        return Err(self.bad(&f("not_after_day"), format!("{d} must be 22..31")));
                    }
                }
                DateRule::NthWeekday {
                    month: month()?,
                    weekday: weekday()?,
                    n,
                    not_after_day: s.not_after_day,
                    adjust,
                }
            }
            "weekday_on_or_after" => {
                let m = month()?;
                let day = s
                    .day
                    .ok_or_else(|| self.bad(&f("day"), "required for rule 'weekday_on_or_after'"))?;
                // A week from the start day must stay inside the month in every year.
                if day == 0 || day > 22 || Date::from_ymd(2001, m, day).is_none() {
                    return Err(self.bad(&f("day"), format!("{day} must be 1..22")));
                }
                DateRule::WeekdayOnOrAfter {
                    month: m,
                    day,
                    weekday: weekday()?,
                    adjust,
                }
            }
            "days_before_effective" if allow_relative => {
                let days = s.days.ok_or_else(|| {
                    self.bad(&f("days"), "required for rule 'days_before_effective'")
                })?;
                if !(1..=120).contains(&days) {
                    return Err(self.bad(&f("days"), format!("{days} must be 1..120")));
                }
                DateRule::DaysBeforeEffective { days, adjust }
            }
            "days_after_rank" if allow_relative => {
                let days = s
                    .days
                    .ok_or_else(|| self.bad(&f("days"), "required for rule 'days_after_rank'"))?;
                if !(1..=120).contains(&days) {
                    return Err(self.bad(&f("days"), format!("{days} must be 1..120")));
                }
                DateRule::DaysAfterRank { days, adjust }
            }
            "days_before_effective" | "days_after_rank" => {
                return Err(self.bad(
                    &f("rule"),
                    format!("'{}' is only allowed for preliminary and lockdown", s.rule),
                ))
            }
            r => {
                return Err(self.bad(
                    &f("rule"),
                    format!("'{r}' is not one of last_business_day, nth_weekday, weekday_on_or_after, days_before_effective, days_after_rank"),
                ))
            }
        })
    }

    fn years(&self, field: &str, from: i32, to: Option<i32>) -> Result<(i32, i32), CalendarError> {
        let to = to.unwrap_or(i32::MAX);
        if from > to {
            return Err(self.bad(
                &format!("{field}.to"),
                format!("{to} is before from {from}"),
            ));
        }
        Ok((from, to))
    }
}

fn check_no_overlap<T>(
    ctx: &Ctx,
    field: &str,
    items: &[T],
    key: impl Fn(&T) -> (i32, i32, Option<ReconKind>),
) -> Result<(), CalendarError> {
    for (i, a) in items.iter().enumerate() {
        for b in &items[..i] {
            let ((a0, a1, ak), (b0, b1, bk)) = (key(a), key(b));
            if ak == bk && a0 <= b1 && b0 <= a1 {
                return Err(ctx.bad(
                    &format!("{field}[{i}].from"),
                    format!("years {a0}.. overlap another {field} of the same kind"),
                ));
            }
        }
    }
    Ok(())
}

impl SchedulePolicy {
    pub fn parse(text: &str, source: &str) -> Result<SchedulePolicy, CalendarError> {
        let file: FileSpec = toml::from_str(text).map_err(|e| CalendarError::parse(source, e))?;
        let ctx = Ctx { source };

        let mut recon_eras = Vec::new();
        for (i, e) in file.recon_era.iter().enumerate() {
            let p = format!("recon_era[{i}]");
            let kind = parse_kind(&e.kind).ok_or_else(|| {
                ctx.bad(
                    &format!("{p}.kind"),
                    format!("'{}' is not June or December", e.kind),
                )
            })?;
            let (from, to) = ctx.years(&p, e.from, e.to)?;
            recon_eras.push(ReconEra {
                kind,
                from,
                to,
                rank: ctx.rule(&format!("{p}.rank"), &e.rank, false)?,
                effective: ctx.rule(&format!("{p}.effective"), &e.effective, false)?,
                preliminary: ctx.rule(&format!("{p}.preliminary"), &e.preliminary, true)?,
                lockdown: ctx.rule(&format!("{p}.lockdown"), &e.lockdown, true)?,
                full_float_review: e.full_float_review,
            });
        }
        check_no_overlap(&ctx, "recon_era", &recon_eras, |e| {
            (e.from, e.to, Some(e.kind))
        })?;
        if !recon_eras.iter().any(|e| e.kind == ReconKind::June) {
            return Err(ctx.bad("recon_era", "at least one June era is required"));
        }

        let mut ipo_eras = Vec::new();
        for (i, e) in file.ipo_era.iter().enumerate() {
            let p = format!("ipo_era[{i}]");
            let (from, to) = ctx.years(&p, e.from, e.to)?;
            if !(0..=90).contains(&e.announce_days_before) {
                return Err(ctx.bad(&format!("{p}.announce_days_before"), "must be 0..90"));
            }
            let mut additions = Vec::new();
            for (j, a) in e.additions.iter().enumerate() {
                let q = format!("{p}.additions[{j}]");
                additions.push((
                    ctx.rule(&format!("{q}.rank"), &a.rank, false)?,
                    ctx.rule(&format!("{q}.effective"), &a.effective, false)?,
                ));
            }
            ipo_eras.push(IpoEra {
                from,
                to,
                announce_days_before: e.announce_days_before,
                additions,
            });
        }
        check_no_overlap(&ctx, "ipo_era", &ipo_eras, |e| (e.from, e.to, None))?;

        let mut share_eras = Vec::new();
        for (i, e) in file.share_update_era.iter().enumerate() {
            let p = format!("share_update_era[{i}]");
            let (from, to) = ctx.years(&p, e.from, e.to)?;
            let mut updates = Vec::new();
            for (j, u) in e.updates.iter().enumerate() {
                let q = format!("{p}.updates[{j}]");
                let cutoff = ctx.rule(&format!("{q}.cutoff"), &u.cutoff, false)?;
                let eff = match (&u.effective, &u.with_recon) {
                    (Some(r), None) => {
                        ShareEffective::Rule(ctx.rule(&format!("{q}.effective"), r, false)?)
                    }
                    (None, Some(k)) => {
                        ShareEffective::WithRecon(parse_kind(k).ok_or_else(|| {
                            ctx.bad(
                                &format!("{q}.with_recon"),
                                format!("'{k}' is not June or December"),
                            )
                        })?)
                    }
                    _ => {
                        return Err(ctx.bad(
                            &format!("{q}.effective"),
                            "give exactly one of effective or with_recon",
                        ))
                    }
                };
                let buffer = match u.buffer.as_str() {
                    "none" => UpdateBuffer::None,
                    "float_only" => UpdateBuffer::FloatOnly,
                    "shares_and_float" => UpdateBuffer::SharesAndFloat,
                    b => {
                        return Err(ctx.bad(
                            &format!("{q}.buffer"),
                            format!("'{b}' is not one of none, float_only, shares_and_float"),
                        ))
                    }
                };
                updates.push((cutoff, eff, buffer));
            }
            share_eras.push(ShareEra { from, to, updates });
        }
        check_no_overlap(&ctx, "share_update_era", &share_eras, |e| {
            (e.from, e.to, None)
        })?;

        let b = &file.buffers;
        for (k, v) in [
            ("shares_pct", b.shares_pct),
            ("float_points", b.float_points),
            ("low_float_points", b.low_float_points),
            ("low_float_max_pct", b.low_float_max_pct),
        ] {
            if !(0.0..=100.0).contains(&v) {
                return Err(ctx.bad(&format!("buffers.{k}"), format!("{v} must be 0..100")));
            }
        }
        let o = &file.offerings;
        for (k, v) in [
            ("min_usd", o.min_usd),
            ("min_pct", o.min_pct),
            ("min_usd_with_pct", o.min_usd_with_pct),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(ctx.bad(&format!("offerings.{k}"), format!("{v} must be >= 0")));
            }
        }

        let mut historical = Vec::new();
        for (i, h) in file.historical.iter().enumerate() {
            let kind = parse_kind(&h.kind).ok_or_else(|| {
                ctx.bad(
                    &format!("historical[{i}].kind"),
                    format!("'{}' is not June or December", h.kind),
                )
            })?;
            historical.push((kind, h.clone()));
        }

        Ok(SchedulePolicy {
            name: file.schedule.name,
            first_real_year: file.schedule.first_real_year,
            banding_from: file.schedule.banding_from,
            buffers: file.buffers,
            offerings: file.offerings,
            recon_eras,
            ipo_eras,
            share_eras,
            historical,
        })
    }
}
