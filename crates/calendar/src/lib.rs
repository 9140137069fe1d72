//! Trading and reconstitution calendars: NYSE holiday rules and the Russell schedule, as shipped TOML policy.

mod error;
mod policy;
mod rules;
mod trading;

pub use error::CalendarError;
pub use trading::{TradingCalendar, HISTORY_CLOSURE, NYSE_POLICY};
