//! Typed errors of the calculation.

use rankday_core::{ActionKind, Date};

/// Why a calculation could not run. Every variant names the security (by its
/// `security_id`) and the date involved, so a checker can find the input row.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalcError {
    /// The market has no trading day.
    #[error("the market has no trading days")]
    EmptyMarket,
    /// The withholding rate is outside [0, 1].
    #[error("withholding_rate must lie in [0, 1], got {0}")]
    BadWithholding(f64),
    /// `from` is after `to`.
    #[error("calculation range is empty: from {from} is after to {to}")]
    BadRange {
        /// The start asked for.
        from: Date,
        /// The end asked for.
        to: Date,
    },
    /// Membership states are not in effective-date order.
    #[error("memberships must be sorted by effective_date: {prev} is followed by {next}")]
    UnsortedMemberships {
        /// The earlier state's effective date.
        prev: Date,
        /// The one that follows it.
        next: Date,
    },
    #[error(
        "membership effective {effective} lies before the first trading day of the market ({first})"
    )]
    /// A membership state takes effect before the history starts.
    MembershipBeforeHistory {
        /// The state's effective date.
        effective: Date,
        /// The market's first day.
        first: Date,
    },
    /// A membership state names a line the market does not have.
    #[error("membership effective {effective} names security index {sec}, which the market does not have")]
    UnknownSecurity {
        /// The state's effective date.
        effective: Date,
        /// The security index.
        sec: u32,
    },
    /// A line is listed twice in one state.
    #[error("security '{security_id}' appears twice in the membership effective {effective}")]
    DuplicateMember {
        /// The line.
        security_id: String,
        /// The state's effective date.
        effective: Date,
    },
    #[error(
        "index_shares of '{security_id}' in the membership effective {effective} must be finite and > 0, got {value}"
    )]
    /// A state holds a zero, negative or non-finite share count.
    BadIndexShares {
        /// The line.
        security_id: String,
        /// The state's effective date.
        effective: Date,
        /// The share count.
        value: f64,
    },
    #[error(
        "security '{security_id}' joins an index on {date} but has no close on or before that day"
    )]
    /// A line joins an index with no close to value it at.
    NoPrice {
        /// The line.
        security_id: String,
        /// The day it joins.
        date: Date,
    },
    /// A corporate action the calculation cannot apply.
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
    /// A quarterly update takes effect before the history starts.
    #[error("share update effective {0} lies before the first trading day of the market")]
    ShareUpdateBeforeHistory(Date),
    #[error(
        "the membership state effective {effective} came after the calculation ran through {ran_through}: a state must be scheduled before its effective day"
    )]
    /// A state arrived after the calculation had passed its effective day.
    StateAfterItsDay {
        /// The state's effective date.
        effective: Date,
        /// The last day the calculation had run through.
        ran_through: Date,
    },
}
