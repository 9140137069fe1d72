//! Typed errors of the calculation.

use rankday_core::{ActionKind, Date};

/// Why a calculation could not run. Every variant names the security (by its
/// `security_id`) and the date involved, so a checker can find the input row.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalcError {
    #[error("the market has no trading days")]
    EmptyMarket,
    #[error("withholding_rate must lie in [0, 1], got {0}")]
    BadWithholding(f64),
    #[error("calculation range is empty: from {from} is after to {to}")]
    BadRange { from: Date, to: Date },
    #[error("memberships must be sorted by effective_date: {prev} is followed by {next}")]
    UnsortedMemberships { prev: Date, next: Date },
    #[error(
        "membership effective {effective} lies before the first trading day of the market ({first})"
    )]
    MembershipBeforeHistory { effective: Date, first: Date },
    #[error("membership effective {effective} names security index {sec}, which the market does not have")]
    UnknownSecurity { effective: Date, sec: u32 },
    #[error("security '{security_id}' appears twice in the membership effective {effective}")]
    DuplicateMember {
        security_id: String,
        effective: Date,
    },
    #[error(
        "index_shares of '{security_id}' in the membership effective {effective} must be finite and > 0, got {value}"
    )]
    BadIndexShares {
        security_id: String,
        effective: Date,
        value: f64,
    },
    #[error(
        "security '{security_id}' joins an index on {date} but has no close on or before that day"
    )]
    NoPrice { security_id: String, date: Date },
    #[error("{kind} action for '{security_id}' on {date}: {reason}")]
    BadAction {
        kind: ActionKind,
        security_id: String,
        date: Date,
        reason: String,
    },
    #[error("share update effective {0} lies before the first trading day of the market")]
    ShareUpdateBeforeHistory(Date),
    #[error(
        "the membership state effective {effective} came after the calculation ran through {ran_through}: a state must be scheduled before its effective day"
    )]
    StateAfterItsDay { effective: Date, ran_through: Date },
}
