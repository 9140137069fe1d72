//! Typed errors of the construction rules.

use rankday_core::Date;

/// Everything `rankday-method` can fail with.
#[derive(Debug, thiserror::Error)]
pub enum MethodError {
    #[error("policy: {0}")]
    Policy(String),
    #[error("policy file {path}: {source}")]
    PolicyFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("rank date {0} is before the first trading day of the market")]
    RankDateBeforeHistory(Date),
    #[error("effective date {effective} is before rank date {rank}")]
    EffectiveBeforeRank { rank: Date, effective: Date },
    #[error("the market has no trading days")]
    EmptyMarket,
    #[error("membership refers to security index {0}, which the market does not have")]
    UnknownSecurity(u32),
    #[error("no rank day between {earliest} and {last}: the history is too short to reconstitute (a rank day needs 30 trading days of prices before it)")]
    HistoryTooShort { earliest: Date, last: Date },
    #[error("IPO rank date {ipo} is not after the last reconstitution's rank date {recon}")]
    IpoBeforeRecon { ipo: Date, recon: Date },
    #[error("calculating what the index holds: {0}")]
    Calc(Box<rankday_calc::CalcError>),
}

impl From<rankday_calc::CalcError> for MethodError {
    fn from(e: rankday_calc::CalcError) -> Self {
        MethodError::Calc(Box::new(e))
    }
}
