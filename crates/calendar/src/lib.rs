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
//! * `policy/russell.toml` → [`ReconCalendar::russell`]. The Russell schedule of
//!   `russell-methodology.md` §1 (timeline: rank day, preliminary lists, lock-down, effective
//!   date; June annual since 1989, semi-annual June + December from 2026; quarterly IPO
//!   additions) and §6 (quarterly share/float updates and their buffers), as date rules by
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
//! file and the field, e.g. `field `holiday[3].month`: 13 is not a month 1..12`.
//!
//! When observed market dates exist (e.g. a market store's dates),
//! [`TradingCalendar::with_history`] makes them authoritative over their range and keeps the
//! rules for projecting the future.

mod error;
mod policy;
mod recon;
mod recon_policy;
mod rules;
mod schedule;
mod trading;

pub use error::CalendarError;
pub use recon::{
    IpoEvent, ReconCalendar, ReconEvent, ReconKind, ScheduleItem, ShareUpdate, UpdateBuffer,
    RUSSELL_POLICY,
};
pub use recon_policy::BufferThresholds;
pub use schedule::format_schedule;
pub use trading::{TradingCalendar, HISTORY_CLOSURE, NYSE_POLICY};
