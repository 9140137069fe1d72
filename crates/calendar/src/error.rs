//! Typed errors for calendar policies.

use std::path::PathBuf;

/// Everything that can go wrong while loading or validating a calendar policy.
///
/// Every variant names the policy `source` (a file path, or `<embedded nyse.toml>` for the
/// shipped policy, or `<string>` for [`crate::TradingCalendar::from_toml`]) so a user who
/// passes `--calendar FILE` learns which file and which field is wrong.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The policy file could not be read.
    #[error("cannot read calendar policy {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid TOML or does not match the policy schema (the message from the
    /// TOML parser names the key, line and column).
    #[error("calendar policy {source_name}: {message}")]
    Parse {
        /// The file (or `<shipped>`, `<string>`).
        source_name: String,
        /// The parser's message, with key, line and column.
        message: String,
    },
    /// The TOML parsed but a field has a value the calendar cannot use.
    #[error("calendar policy {source_name}: field `{field}`: {message}")]
    Invalid {
        /// The file (or `<shipped>`, `<string>`).
        source_name: String,
        /// The key whose value is refused.
        field: String,
        /// Why.
        message: String,
    },
}

impl CalendarError {
    pub(crate) fn parse(source_name: &str, e: toml::de::Error) -> CalendarError {
        CalendarError::Parse {
            source_name: source_name.to_string(),
            message: e.to_string(),
        }
    }

    pub(crate) fn invalid(
        source_name: &str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> CalendarError {
        CalendarError::Invalid {
            source_name: source_name.to_string(),
            field: field.into(),
            message: message.into(),
        }
    }
}
