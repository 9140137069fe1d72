//! Typed errors of the construction rules.

use rankday_core::Date;

/// Everything `rankday-method` can fail with.
#[derive(Debug, thiserror::Error)]
pub enum MethodError {
    /// The policy TOML is not valid (a key, a type, inconsistent cuts).
    #[error("policy: {0}")]
    Policy(String),
    /// The policy file could not be read.
    #[error("policy file {path}: {source}")]
    PolicyFile {
        /// The file.
        path: String,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A rank date before the market's first day.
    #[error("rank date {0} is before the first trading day of the market")]
    RankDateBeforeHistory(Date),
    /// An effective date before its rank date.
    #[error("effective date {effective} is before rank date {rank}")]
    EffectiveBeforeRank {
        /// The rank date.
        rank: Date,
        /// The effective date.
        effective: Date,
    },
    /// The market has no trading day.
    #[error("the market has no trading days")]
    EmptyMarket,
    /// A membership names a line the market does not have.
    #[error("membership refers to security index {0}, which the market does not have")]
    UnknownSecurity(u32),
    /// No rank day has the month of prices it needs.
    #[error("no rank day between {earliest} and {last}: the history is too short to reconstitute (a rank day needs 30 trading days of prices before it)")]
    HistoryTooShort {
        /// The earliest possible rank day.
        earliest: Date,
        /// The market's last day.
        last: Date,
    },
    /// An IPO round ranked before the reconstitution it follows.
    #[error("IPO rank date {ipo} is not after the last reconstitution's rank date {recon}")]
    IpoBeforeRecon {
        /// The IPO rank date.
        ipo: Date,
        /// The reconstitution's rank date.
        recon: Date,
    },
    /// Calculating what the index held (the previous state of a
    /// reconstitution or quarterly update) failed.
    #[error("calculating what the index holds: {0}")]
    Calc(Box<rankday_calc::CalcError>),
}

impl From<rankday_calc::CalcError> for MethodError {
    fn from(e: rankday_calc::CalcError) -> Self {
        MethodError::Calc(Box::new(e))
    }
}
