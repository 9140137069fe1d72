//! Typed errors of the fund simulation and benchmarking.

use rankday_calc::CalcError;
use rankday_core::{ActionKind, Date, IndexId};

/// Why a simulation or a comparison could not run. Variants name the
/// field, security, date or file position involved so the input can be found.
#[derive(Debug, thiserror::Error)]
pub enum FundError {
    /// The index levels the fund tracks could not be calculated.
    #[error(transparent)]
    Calc(#[from] CalcError),
    /// A fund setting is out of range.
    #[error("fund config: {field}: {reason}")]
    BadConfig {
        /// The setting.
        field: &'static str,
        /// Why its value is refused.
        reason: String,
    },
    /// The tracked index has no level in the window.
    #[error("index {index} has no levels{}: it has no members there, or the window holds no trading day", window(*from, *to))]
    NoIndexLevels {
        /// The index.
        index: IndexId,
        /// The window's start, if given.
        from: Option<Date>,
        /// The window's end, if given.
        to: Option<Date>,
    },
    /// A creation or redemption is dated outside the simulation.
    #[error("flow of {amount} on {date} lies outside the simulated period {start}..={end}")]
    FlowOutsideRange {
        /// Its date.
        date: Date,
        /// Its amount (USD; negative for a redemption).
        amount: f64,
        /// The first simulated day.
        start: Date,
        /// The last simulated day.
        end: Date,
    },
    /// Redemptions or losses took the fund's assets to zero or below.
    #[error("the fund's net assets fell to {nav} on {date}: nothing left to track with")]
    Exhausted {
        /// The day it happened.
        date: Date,
        /// The net assets left.
        nav: f64,
    },
    /// A corporate action the fund cannot apply to its holdings.
    #[error("{kind} action for '{security_id}' on {date}: {reason}")]
    BadAction {
        /// The action's kind.
        kind: ActionKind,
        /// The line.
        security_id: String,
        /// The ex-date.
        date: Date,
        /// Why.
        reason: String,
    },
    /// Two series to compare have different lengths.
    #[error("series lengths differ: {what} has {left} values against {right}")]
    LengthMismatch {
        /// Which series.
        what: &'static str,
        /// Length of the first.
        left: usize,
        /// Length of the second.
        right: usize,
    },
    /// The two series share no date.
    #[error("the two series have no date in common")]
    NoOverlap,
    /// A series' dates go backwards or repeat.
    #[error("{what}: dates must be strictly increasing: {prev} is followed by {next}")]
    Unsorted {
        /// Which series.
        what: &'static str,
        /// The earlier date.
        prev: Date,
        /// The date that follows it.
        next: Date,
    },
    /// Holdings name a line the market does not have.
    #[error("holdings name security index {0}, which the market does not have")]
    UnknownSecurity(u32),
}

/// " between A and B", " from A", " up to B" or nothing.
fn window(from: Option<Date>, to: Option<Date>) -> String {
    match (from, to) {
        (Some(a), Some(b)) => format!(" between {a} and {b}"),
        (Some(a), None) => format!(" from {a}"),
        (None, Some(b)) => format!(" up to {b}"),
        (None, None) => String::new(),
    }
}
