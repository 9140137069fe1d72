/// Invariant violations found while assembling a [`crate::Market`].
///
/// Readers (`rankday-io`) check rows as they parse them and report file, row
/// and column; these errors are the last line of defence for builders that do
/// not come from files (the generator, importers, tests).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoreError {
    #[error("security_id '{0}' appears twice in securities")]
    DuplicateSecurity(String),
    #[error("unknown security_id '{0}'")]
    UnknownSecurity(String),
    /// A row or action pushed with a [`crate::Sec`] no security was added
    /// for (a programming error of the builder's caller: file readers
    /// resolve ids first).
    #[error("{what} {position} (0-based, in push order) names security index {sec}, but only {known} securities were added")]
    UnknownSec {
        what: &'static str,
        position: usize,
        sec: u32,
        known: usize,
    },
    #[error("duplicate daily row for ({date}, {security_id})")]
    DuplicateDaily { date: String, security_id: String },
    #[error("{what} for security '{security_id}' on {date}: {reason}")]
    BadValue {
        what: &'static str,
        security_id: String,
        date: String,
        reason: String,
    },
}
