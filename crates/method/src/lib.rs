//! The Russell US construction rules: eligibility, company caps, ranking,
//! banding, float, reconstitution, IPO additions and per-security explanations.
//!
//! Every rule lives in one module whose doc comment names the section of
//! FTSE Russell, Russell US Equity Indexes: Construction and Methodology
//! v7.0 (May 2026) it implements; thresholds and switches come from a
//! [`Policy`] (shipped default `policy/russell.toml`) and, for the share and
//! float buffers, from the schedule (`rankday-calendar`). docs/methodology.md
//! is the project's methodology document.
//!
//! Every reconstitution and IPO round starts from what the index actually
//! held after the close of its rank day ([`previous_state`]), which the
//! history reads from the calculation it runs alongside ([`run_history`]).

// Screens are written `!(value >= threshold)` on purpose: a NaN value fails.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod banding;
pub mod company;
pub mod eligibility;
mod error;
pub mod events;
pub mod exits;
pub mod explain;
pub mod float;
pub mod history;
pub mod ipo;
pub mod nationality;
pub mod policy;
pub mod ranking;
pub mod reconstitute;
pub mod snapshot;

pub use company::{CompanyRecord, ScreenRecord};
pub use eligibility::Exclusion;
pub use error::MethodError;
pub use exits::{drop_gone, stopped_before};
pub use explain::{explain, Explanation};
pub use history::{
    previous_state, r3000e_price_return, run_history, run_history_with_levels, History,
    HistoryOptions, HistoryPlan, Recon,
};
pub use ipo::{ipo_additions, market_adjusted_breakpoint};
pub use nationality::{NationalityDecision, NationalityStep};
pub use policy::Policy;
pub use ranking::{Band, Breakpoint, Breakpoints, Cut};
pub use reconstitute::{reconstitute, reconstitute_held, ReconSpec, Reconstitution};
