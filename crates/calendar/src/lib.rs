//! Trading and reconstitution calendars: NYSE holiday rules and the Russell schedule, as
//! shipped TOML policy rather than code.
//!
//! # Policy files
//!
//! Two policy files ship inside the crate (`include_str!`, so the binary never needs a data
//! directory):
//!
//! * `policy/nyse.toml` → [`TradingCalendar::nyse`]. NYSE full-day closures as holiday rules
//!   by era (fixed date, nth weekday, Easter offset; weekend observance Sat→Fri / Sun→Mon,
//!   with New Year's Day on a Saturday not observed, per NYSE Rule 7.2) plus dated one-off
//!   closures (presidential funerals, 9/11, Hurricane Sandy, ...). It reproduces every
//!   weekday closure 1990–2026 seen in the Russell 2000 price history (the oracle of
//!   `shared/data/real/README.md`, test 8).
//! * `policy/russell.toml` → [`ReconCalendar::russell`]. The Russell schedule of FTSE
//!   Russell's Russell US Equity Indexes Construction and Methodology v7.0, §4.2, §4.3 and
//!   Appendix F (timeline: rank day, preliminary lists, lock-down, effective date; June
//!   annual since 1989, semi-annual June + December from 2026; quarterly IPO additions) and
//!   §9.3 (quarterly share/float updates and their buffers), as date rules by
//!   era plus pinned historical dates. "Business day" there means an NYSE trading day; a
//!   computed date that falls on a closure moves to the previous trading day (the start of a
//!   lock-down moves to the next one).
//!
//! Each file documents its schema at the top.
//!
//! # Overriding
//!
//! A user copies a shipped file (the texts are [`NYSE_POLICY`] and [`RUSSELL_POLICY`]), edits
//! it and loads it with [`TradingCalendar::from_file`] / [`ReconCalendar::from_file`]; the CLI's
//! `--calendar FILE` does this. A user file replaces the shipped policy wholesale, so it is
//! always clear which rules produced a date. Errors are typed ([`CalendarError`]) and name the
//! file and the field, e.g. ``calendar policy my.toml: field `holiday[3].month`: 13 is not a
//! month 1..12``.
//!
//! # Example
//!
//! ```
//! use rankday_calendar::{format_schedule, ReconCalendar, TradingCalendar};
//! use rankday_core::Date;
//!
//! let nyse = TradingCalendar::nyse();
//! assert!(!nyse.is_trading_day(Date::ymd(2025, 1, 9))); // Carter day of mourning
//! assert_eq!(nyse.next_trading_day(Date::ymd(2025, 1, 8)), Date::ymd(2025, 1, 10));
//!
//! let russell = ReconCalendar::russell();
//! let next = russell.next_recon_after(Date::ymd(2026, 7, 1));
//! assert_eq!(next.rank_date, Date::ymd(2026, 10, 30));
//! assert_eq!(next.effective_date, Date::ymd(2026, 12, 11));
//! println!("{}", format_schedule(&russell.schedule(2026)));
//! ```
//!
//! # Documented choices
//!
//! * Years before the first real reconstitution (1989) reconstitute every June with the
//!   oldest rules and carry `synthetic_era = true`, so synthetic histories from the 1978 base
//!   date rebalance yearly.
//! * Quarterly IPO additions and share/float updates start in 2004. Until 2025 (annual
//!   recon) the December IPO addition and share update are their own event on the 3rd Friday
//!   of December, as the IWM holdings of December 2025 show; from 2026 they ride with the
//!   December recon (2nd Friday). So [`ReconCalendar::ipo_events`] lists March, September and
//!   (before 2026) December.
//! * Lock-down dates exist in published schedules from 2022; earlier years use the Monday of
//!   recon week. The policy file's comments give the source of every era.
//!
//! When observed market dates exist (e.g. a market store's dates),
//! [`TradingCalendar::with_history`] makes them authoritative over their range and keeps the
//! rules for projecting the future.

mod buffers;
mod error;
mod policy;
mod recon;
mod recon_policy;
mod rules;
mod schedule;
mod trading;

pub use buffers::OfferingThresholds;
pub use error::CalendarError;
pub use recon::{
    IpoEvent, ReconCalendar, ReconEvent, ReconKind, ScheduleItem, ShareUpdate, UpdateBuffer,
    RUSSELL_POLICY,
};
pub use recon_policy::BufferThresholds;
pub use schedule::format_schedule;
pub use trading::{TradingCalendar, HISTORY_CLOSURE, NYSE_POLICY};
