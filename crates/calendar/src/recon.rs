//! [`ReconCalendar`]: the Russell reconstitution, IPO-addition and share-update schedule
//! (spec §1 timeline, §6 quarterly updates), from `policy/russell.toml`.

use std::path::Path;
use std::sync::OnceLock;

use rankday_core::Date;
use serde::Serialize;

use crate::error::CalendarError;
use crate::recon_policy::{BufferThresholds, ReconEra, SchedulePolicy, ShareEffective};
use crate::trading::TradingCalendar;

/// The Russell schedule policy shipped with the crate (see `policy/russell.toml`).
pub const RUSSELL_POLICY: &str = include_str!("../policy/russell.toml");

/// Which of the two reconstitutions (spec §1): June since 1989, December from 2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ReconKind {
    /// The annual reconstitution, effective on the 4th Friday of June.
    June,
    /// The second reconstitution from 2026, effective on the 2nd Friday of December.
    December,
}

impl ReconKind {
    /// "June" or "December", for schedules and messages.
    pub fn label(self) -> &'static str {
        match self {
            ReconKind::June => "June",
            ReconKind::December => "December",
        }
    }
}

/// One reconstitution with its four dated steps, all NYSE trading days, in the order
/// `rank_date < preliminary_date < lockdown_date < effective_date`.
///
/// `effective_date` is the Friday after whose close the new membership applies (live at the
/// next open). `synthetic_era` marks years before the first real recon (1989): the engine
/// still reconstitutes them, with the oldest rules, so synthetic histories back to the
/// 1978 base date rebalance yearly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconEvent {
    /// June or December.
    pub kind: ReconKind,
    /// Rank day: the closes that rank the market.
    pub rank_date: Date,
    /// Preliminary membership lists are published.
    pub preliminary_date: Date,
    /// Lock-down: membership is final except in exceptional cases.
    pub lockdown_date: Date,
    /// The new membership applies after this day's close.
    pub effective_date: Date,
    /// Rank-based banding around the breakpoints applies (from 2007, spec §4).
    pub banding: bool,
    /// Float is fully re-researched (June); December changes float only beyond a buffer.
    pub full_float_review: bool,
    /// Year before the first real reconstitution; dates come from the oldest era's rules.
    pub synthetic_era: bool,
}

/// A quarterly IPO addition outside the recon months (spec §1 "IPOs"): ranked on the last
/// business day of the quarter's first month, announced 4 weeks ahead, effective after the
/// close of the 3rd Friday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpoEvent {
    /// IPO rank date: the last business day of the quarter's first month.
    pub rank_date: Date,
    /// The additions are announced.
    pub announce_date: Date,
    /// The additions apply after this day's close.
    pub effective_date: Date,
}

/// Which buffer a quarterly share/float update applies (spec §6). The thresholds are
/// [`ReconCalendar::buffer_thresholds`]; applying them is the calc crate's job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UpdateBuffer {
    /// Every change applies (June, with the full recon review).
    None,
    /// Shares update fully; float only beyond the float buffer (December from 2026).
    FloatOnly,
    /// Both buffers (March, September; December before 2026).
    SharesAndFloat,
}

/// A quarterly share and float update (spec §6, M §9.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareUpdate {
    /// Data cut-off: last business day of Jan/Apr/Jul/Oct.
    pub cutoff_date: Date,
    /// The update applies after this day's close.
    pub effective_date: Date,
    /// Which buffer the update applies.
    pub buffer: UpdateBuffer,
    /// Implemented together with a reconstitution (same effective date).
    pub with_recon: bool,
}

/// One dated step of the year's schedule, for `rankday calendar YEAR`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleItem {
    /// The trading day of the step.
    pub date: Date,
    /// The step, for a person ("rank day", "IPO additions effective", …).
    pub what: String,
}

/// The Russell schedule over an NYSE trading calendar.
#[derive(Debug, Clone)]
pub struct ReconCalendar {
    policy: SchedulePolicy,
    trading: TradingCalendar,
}

impl ReconCalendar {
    /// The embedded Russell policy over [`TradingCalendar::nyse`].
    pub fn russell() -> ReconCalendar {
        static RUSSELL: OnceLock<ReconCalendar> = OnceLock::new();
        RUSSELL
            .get_or_init(|| {
                Self::build(
                    RUSSELL_POLICY,
                    "<embedded russell.toml>",
                    TradingCalendar::nyse(),
                )
                .expect("embedded policy/russell.toml is valid (checked by tests)")
            })
            .clone()
    }

    /// The embedded Russell policy over another trading calendar: a user `--calendar FILE`,
    /// or NYSE with observed history ([`TradingCalendar::with_history`]).
    pub fn russell_with(trading: TradingCalendar) -> Result<ReconCalendar, CalendarError> {
        Self::build(RUSSELL_POLICY, "<embedded russell.toml>", trading)
    }

    /// A schedule from policy text in the `russell.toml` schema.
    pub fn from_toml(text: &str, trading: TradingCalendar) -> Result<ReconCalendar, CalendarError> {
        Self::build(text, "<string>", trading)
    }

    /// A schedule from a user policy file. Errors name the file.
    pub fn from_file(
        path: &Path,
        trading: TradingCalendar,
    ) -> Result<ReconCalendar, CalendarError> {
        let text = std::fs::read_to_string(path).map_err(|source| CalendarError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::build(&text, &path.display().to_string(), trading)
    }

    fn build(
        text: &str,
        source: &str,
        trading: TradingCalendar,
    ) -> Result<ReconCalendar, CalendarError> {
        let policy = SchedulePolicy::parse(text, source)?;
        let cal = ReconCalendar { policy, trading };
        // Historical dates must be trading days of the right year.
        for (i, (_, h)) in cal.policy.historical.iter().enumerate() {
            for (k, d) in [
                ("rank_date", h.rank_date),
                ("preliminary_date", h.preliminary_date),
                ("lockdown_date", h.lockdown_date),
                ("effective_date", h.effective_date),
            ] {
                if let Some(d) = d {
                    if d.year() != h.year || !cal.trading.is_trading_day(d) {
                        return Err(CalendarError::invalid(
                            source,
                            format!("historical[{i}].{k}"),
                            format!("{d} is not an NYSE trading day in {}", h.year),
                        ));
                    }
                }
            }
        }
        // Every era must give ordered steps: check each year it governs (bounded to the
        // range an index history can use).
        for y in 1900..=2100 {
            for ev in cal.recons(y) {
                if !(ev.rank_date < ev.preliminary_date
                    && ev.preliminary_date < ev.lockdown_date
                    && ev.lockdown_date < ev.effective_date)
                {
                    return Err(CalendarError::invalid(
                        source,
                        "recon_era",
                        format!(
                            "{} {y} steps out of order: rank {}, preliminary {}, lock-down {}, effective {}",
                            ev.kind.label(),
                            ev.rank_date,
                            ev.preliminary_date,
                            ev.lockdown_date,
                            ev.effective_date
                        ),
                    ));
                }
            }
        }
        Ok(cal)
    }

    /// The trading calendar whose business days the schedule uses.
    pub fn trading(&self) -> &TradingCalendar {
        &self.trading
    }

    /// Name of the schedule (`[schedule] name`).
    pub fn name(&self) -> &str {
        &self.policy.name
    }

    /// First year with a real reconstitution (1989); earlier years are synthetic.
    pub fn first_real_year(&self) -> i32 {
        self.policy.first_real_year
    }

    /// Thresholds of the quarterly update buffers (spec §6).
    pub fn buffer_thresholds(&self) -> BufferThresholds {
        self.policy.buffers
    }

    /// Thresholds of the intra-quarter updates after offerings (`[offerings]`,
    /// FTSE Russell v7.0 §9.3.6; the v7.0 values when the policy has none).
    pub fn offering_thresholds(&self) -> crate::OfferingThresholds {
        self.policy.offerings
    }

    fn era(&self, kind: ReconKind, year: i32) -> Option<(&ReconEra, bool)> {
        let eras = || {
            self.policy
                .recon_eras
                .iter()
                .filter(move |e| e.kind == kind)
        };
        if year < self.policy.first_real_year {
            // Synthetic years: the oldest June era; no December recon before it existed.
            return if kind == ReconKind::June {
                eras().min_by_key(|e| e.from).map(|e| (e, true))
            } else {
                None
            };
        }
        eras()
            .find(|e| e.from <= year && year <= e.to)
            .map(|e| (e, false))
    }

    /// Reconstitutions of `year` (June, then December from 2026).
    pub fn recons(&self, year: i32) -> Vec<ReconEvent> {
        let mut out = Vec::new();
        for kind in [ReconKind::June, ReconKind::December] {
            let Some((era, synthetic)) = self.era(kind, year) else {
                continue;
            };
            let t = &self.trading;
            let hist = self
                .policy
                .historical
                .iter()
                .find(|(k, h)| *k == kind && h.year == year)
                .map(|(_, h)| h);
            let pick = |f: fn(&crate::recon_policy::Historical) -> Option<Date>, d: Date| {
                hist.and_then(f).unwrap_or(d)
            };
            let effective = pick(
                |h| h.effective_date,
                era.effective.resolve(year, None, None, t),
            );
            let rank = pick(|h| h.rank_date, era.rank.resolve(year, None, None, t));
            let prelim = pick(
                |h| h.preliminary_date,
                era.preliminary
                    .resolve(year, Some(rank), Some(effective), t),
            );
            let lock = pick(
                |h| h.lockdown_date,
                era.lockdown.resolve(year, Some(rank), Some(effective), t),
            );
            out.push(ReconEvent {
                kind,
                rank_date: rank,
                preliminary_date: prelim,
                lockdown_date: lock,
                effective_date: effective,
                banding: year >= self.policy.banding_from,
                full_float_review: era.full_float_review,
                synthetic_era: synthetic,
            });
        }
        out
    }

    /// Reconstitutions whose rank date lies in `[from, to]`, in date order.
    pub fn recons_between(&self, from: Date, to: Date) -> Vec<ReconEvent> {
        if from > to {
            return Vec::new();
        }
        (from.year()..=to.year())
            .flat_map(|y| self.recons(y))
            .filter(|e| from <= e.rank_date && e.rank_date <= to)
            .collect()
    }

    /// The first reconstitution whose effective date is on or after `d`.
    pub fn next_recon_after(&self, d: Date) -> ReconEvent {
        (d.year()..)
            .flat_map(|y| self.recons(y))
            .find(|e| e.effective_date >= d)
            .expect("every year has a June recon")
    }

    /// Quarterly IPO additions of `year` outside the recon months: March and September, and
    /// also December while the recon is annual (before 2026). None before the first IPO era.
    pub fn ipo_events(&self, year: i32) -> Vec<IpoEvent> {
        let Some(era) = self
            .policy
            .ipo_eras
            .iter()
            .find(|e| e.from <= year && year <= e.to)
        else {
            return Vec::new();
        };
        let mut out: Vec<IpoEvent> = era
            .additions
            .iter()
            .map(|(rank, eff)| {
                let effective_date = eff.resolve(year, None, None, &self.trading);
                IpoEvent {
                    rank_date: rank.resolve(year, None, None, &self.trading),
                    announce_date: self
                        .trading
                        .on_or_before(effective_date.add_days(-era.announce_days_before)),
                    effective_date,
                }
            })
            .collect();
        out.sort_by_key(|e| e.effective_date);
        out
    }

    /// Quarterly share/float updates of `year`, by effective date. None before the first era.
    pub fn share_updates(&self, year: i32) -> Vec<ShareUpdate> {
        let Some(era) = self
            .policy
            .share_eras
            .iter()
            .find(|e| e.from <= year && year <= e.to)
        else {
            return Vec::new();
        };
        let recons = self.recons(year);
        let mut out: Vec<ShareUpdate> = era
            .updates
            .iter()
            .filter_map(|(cutoff, eff, buffer)| {
                let (effective_date, with_recon) = match eff {
                    ShareEffective::Rule(r) => (r.resolve(year, None, None, &self.trading), false),
                    ShareEffective::WithRecon(k) => {
                        (recons.iter().find(|e| e.kind == *k)?.effective_date, true)
                    }
                };
                Some(ShareUpdate {
                    cutoff_date: cutoff.resolve(year, None, None, &self.trading),
                    effective_date,
                    buffer: *buffer,
                    with_recon,
                })
            })
            .collect();
        out.sort_by_key(|u| u.effective_date);
        out
    }

    /// Every dated step of `year` (recons, IPO additions, share updates), sorted by date.
    pub fn schedule(&self, year: i32) -> Vec<ScheduleItem> {
        crate::schedule::year_schedule(self, year)
    }
}
