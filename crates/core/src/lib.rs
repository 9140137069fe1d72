//! rankday's shared vocabulary.
//!
//! Every other crate speaks in these types: [`Date`] (an `i32` day number, the
//! same representation as Arrow's `Date32`, so columns move between the store
//! and Parquet without conversion), the enums of market-format 1
//! ([`SecurityType`], [`Exchange`], [`ActionKind`]), interned security indexes
//! ([`Sec`]), and the in-memory [`Market`] store laid out for the hot paths:
//! one flat, date-sorted cross-section array per field, plus per-security
//! action lists.
//!
//! The store is built once (by `rankday-io` from files, or by `rankday-synth`)
//! through [`MarketBuilder`], which checks the invariants every consumer relies
//! on, and is immutable afterwards.

mod date;
mod error;
mod market;
mod security;

pub use date::{Date, DateParseError};
pub use error::CoreError;
pub use market::{
    Action, ActionKind, BuildError, CrossSection, DailyRow, Market, MarketBuilder, Observations,
    OfferingTerms, OfferingType, RowsOnOrBefore, Sec, SecurityDays, SplitFactors,
};
pub use security::{Country, Exchange, Security, SecurityType};

mod membership;
pub mod money;
pub use membership::{Change, IndexId, IndexSet, MemberRow, Membership, StateKind};
