/// Invariant violations found while assembling a [`crate::Market`].
///
/// Readers (`rankday-io`) check rows as they parse them and report file, row
/// and column; these errors are the last line of defence for builders that do
/// not come from files (the generator, importers, tests).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoreError {
    /// Two securities share a `security_id`: every row keyed by it would be ambiguous.
    #[error("security_id '{0}' appears twice in securities")]
    DuplicateSecurity(String),
    /// A row names a `security_id` that `securities` does not list.
    #[error("unknown security_id '{0}'")]
    UnknownSecurity(String),
    /// [`crate::MarketBuilder::build`] refused its rows or actions.
    #[error(transparent)]
    Build(#[from] crate::BuildError),
    /// A value outside what the format allows (a negative price, float above shares outstanding, …).
    #[error("{what} for security '{security_id}' on {date}: {reason}")]
    BadValue {
        /// Which field.
        what: &'static str,
        /// The line.
        security_id: String,
        /// The date of the row.
        date: String,
        /// Why the value is refused.
        reason: String,
    },
}
