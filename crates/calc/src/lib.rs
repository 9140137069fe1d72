//! Index calculation: divisor-continuous price, total and net return levels
//! through corporate actions and membership changes (methodology §6).
//!
//! [`calculate`] walks the market once, day by day, for the whole family of
//! requested indexes, from [`Membership`](rankday_core::Membership) states
//! (reconstitutions and IPO rounds), the market's corporate actions and the
//! caller's quarterly [`ShareUpdate`]s. It returns one [`LevelRow`] per
//! (date, index), every [`DivisorChange`] with its reason, and the
//! [`Halt`]s met. [`constituents_at`] gives the holdings of an index at a
//! close.
//!
//! Modules: [`divisor`] (the reset rule and its reasons), [`actions`] (one
//! function per corporate-action rule), [`holdings`] (index shares over
//! time, quarterly updates), [`levels`] (price/total/net series, base
//! values), [`engine`] (the daily loop).

pub mod actions;
mod aligned;
pub mod config;
pub mod divisor;
pub mod engine;
mod error;
mod halts;
pub mod holdings;
pub mod levels;

pub use config::{CalcConfig, ShareUpdate, TrConvention, UpdateBuffer};
pub use divisor::{DivisorChange, DivisorReason};
pub use engine::{calculate, constituents_at, CalcOutput, Constituent, Halt, HoldingsSnapshot};
pub use error::CalcError;
pub use levels::{base_of, tr_step, LevelRow};
