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
    /// [`crate::MarketBuilder::build`] refused its rows or actions.
    #[error(transparent)]
    Build(#[from] crate::BuildError),
    #[error("{what} for security '{security_id}' on {date}: {reason}")]
    BadValue {
        what: &'static str,
        security_id: String,
        date: String,
        reason: String,
    },
}
