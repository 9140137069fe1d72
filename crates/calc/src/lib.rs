//! Index calculation: divisor-continuous price, total and net return levels
//! through corporate actions and membership changes (methodology §6).
//!
//! [`calculate`] walks the market once, day by day, for the whole family of
//! requested indexes, from [`Membership`](rankday_core::Membership) states
//! (reconstitutions and IPO rounds), the market's corporate actions
//! (offerings included) and the calendar's quarterly [`ShareUpdate`]s. It
//! returns one [`LevelRow`] per (date, index), every [`DivisorChange`] with
//! its reason, and the [`Halt`]s met. [`constituents_at`] gives the holdings
//! of an index at a close, [`holdings_state`] what the whole family holds.
//! [`Calculation`] runs the same loop step by step for a producer of states
//! that needs what the index holds before it makes the next one (the
//! reconstitution history: each state starts from [`Held`]).
//!
//! Modules: [`divisor`] (the reset rule and its reasons), [`actions`] (one
//! function per corporate-action rule), `holdings` (index shares over time
//! and what they stand for), [`levels`] (price/total/net series, base
//! values), [`engine`] (the daily loop, its membership states and its share
//! updates), `walk` (the daily pass over prices), `halts`.
//!
//! ```
//! use rankday_calc::{calculate, CalcConfig};
//! use rankday_core::{DailyRow, Date, IndexId, IndexSet, MarketBuilder, MemberRow,
//!     Membership, Change, Security, StateKind};
//!
//! let mut b = MarketBuilder::new();
//! let a = b.add_security(Security::us_common("A", "CA", "AAA")).unwrap();
//! for (d, close) in [(2, 10.0), (3, 11.0)] {
//!     b.push_daily(DailyRow { date: Date::ymd(2024, 1, d), sec: a, close,
//!         volume: 0.0, shares_outstanding: 1e6, float_shares: 1e6 });
//! }
//! let market = b.build().unwrap();
//! let state = Membership {
//!     kind: StateKind::Reconstitution,
//!     rank_date: Date::ymd(2024, 1, 2),
//!     effective_date: Date::ymd(2024, 1, 2),
//!     rows: vec![MemberRow { sec: a, company: 0, rank: 1, total_market_cap: 1e7,
//!         float_market_cap: 1e7, cumulative_percentile: 100.0,
//!         indexes: [IndexId::R1000].into_iter().collect::<IndexSet>(),
//!         change: Change::Add, index_shares: 1e6 }],
//! };
//! let cfg = CalcConfig { indexes: vec![IndexId::R1000], ..CalcConfig::default() };
//! let out = calculate(&market, &[state], &cfg)?;
//! assert_eq!(out.levels.len(), 2);
//! assert!((out.levels[1].price_return - 110.0).abs() < 1e-12);
//! # Ok::<(), rankday_calc::CalcError>(())
//! ```

mod ahead;
pub mod config;
pub mod divisor;
pub mod engine;
mod error;
mod halts;
pub(crate) mod holdings;
pub mod levels;
#[cfg(test)]
mod testutil;
mod walk;

pub use config::{share_updates, CalcConfig, TrConvention};
pub use divisor::{DivisorChange, DivisorReason};
pub use engine::actions;
pub use engine::{
    calculate, constituents_at, holdings_state, holdings_states, CalcOutput, Calculation,
    Constituent, Halt, Held, HoldingsSnapshot, ShareBasis,
};
pub use error::CalcError;
pub use levels::{base_of, tr_step, LevelRow};
pub use rankday_calendar::{BufferThresholds, OfferingThresholds, ShareUpdate, UpdateBuffer};

#[doc(hidden)]
pub use walk::{bench_row_loop, bench_row_loop_day};
