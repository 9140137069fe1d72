//! Typed errors of the fund simulation and benchmarking.

use rankday_calc::CalcError;
use rankday_core::{ActionKind, Date, IndexId};

/// Why a simulation or a comparison could not run. Variants name the
/// field, security, date or file position involved so the input can be found.
#[derive(Debug, thiserror::Error)]
pub enum FundError {
    #[error(transparent)]
    Calc(#[from] CalcError),
    #[error("fund config: {field}: {reason}")]
    BadConfig { field: &'static str, reason: String },
    #[error("index {index} has no levels{}: it has no members there, or the window holds no trading day", window(*from, *to))]
    NoIndexLevels {
        index: IndexId,
        from: Option<Date>,
        to: Option<Date>,
    },
    #[error("flow of {amount} on {date} lies outside the simulated period {start}..={end}")]
    FlowOutsideRange {
        date: Date,
        amount: f64,
        start: Date,
        end: Date,
    },
    #[error("the fund's net assets fell to {nav} on {date}: nothing left to track with")]
    Exhausted { date: Date, nav: f64 },
    #[error("{kind} action for '{security_id}' on {date}: {reason}")]
    BadAction {
        kind: ActionKind,
        security_id: String,
        date: Date,
        reason: String,
    },
    #[error("series lengths differ: {what} has {left} values against {right}")]
    LengthMismatch {
        what: &'static str,
        left: usize,
        right: usize,
    },
    #[error("the two series have no date in common")]
    NoOverlap,
    #[error("{what}: dates must be strictly increasing: {prev} is followed by {next}")]
    Unsorted {
        what: &'static str,
        prev: Date,
        next: Date,
    },
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
