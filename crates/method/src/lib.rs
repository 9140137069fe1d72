//! The Russell US construction rules: eligibility, company caps, ranking,
//! banding, float, reconstitution, IPO additions and per-security explanations.
//!
//! Every rule lives in one module whose doc comment names the section it
//! implements of FTSE Russell, *Russell US Equity Indexes Construction and
//! Methodology*, version 7.0 (May 2026): eligibility §5, §6.2, §6.5 and
//! Appendix B; ranking §4.2 and §6.10; banding §6.10–§6.11; float §7 and
//! §9.3; IPOs §4.3 and §6.8–§6.9; the June and December cycle Appendix F.
//! Thresholds and switches come from a [`Policy`] (shipped default
//! `policy/russell.toml`). `docs/methodology.md` is the project's
//! methodology document: every rule with its section, module and policy
//! key, and every choice made where the published rules are silent.
//!
//! Every reconstitution and IPO round starts from what the index actually
//! held after the close of its rank day ([`previous_state`]), which the
//! history reads from the calculation it runs alongside ([`run_history`]).
//! The December float buffer is the quarterly updates' rule, with the
//! schedule's thresholds (`rankday-calendar`).

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
