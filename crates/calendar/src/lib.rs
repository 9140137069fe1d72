//! Trading and reconstitution calendars: NYSE holiday rules and the Russell schedule, as shipped TOML policy.
