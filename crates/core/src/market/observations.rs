//! Full and sparse markets: what the dates of `daily` stand for.
//!
//! market-format.md, calendar paragraph: the trading calendar is the
//! policy's exchange calendar, never the set of dates `daily` holds. A
//! *full* market has a row for every trading day a line trades, so a date
//! missing for a line is a halt. A *sparse* market (a few holdings
//! snapshots, month-end panels) declares itself in `format.toml`
//! (`observations = "sparse"`): its dates are observation dates, a subset of
//! the trading calendar, and the days between two of them are unobserved,
//! not closed and not halted.
//!
//! The one place the difference changes arithmetic is *when* a dated event
//! (a membership state, a quarterly share update, a corporate action) takes
//! effect in the store's day index: [`Market::day_taking_effect`].

use super::Market;
use crate::Date;

/// What the dates of a market's `daily` table are (see the module notes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Observations {
    /// Every trading day a line trades has its row (the default, and what
    /// a market directory without the key is).
    #[default]
    Full,
    /// Rows only on observation dates; the days between are unobserved.
    Sparse,
}

impl Observations {
    /// The `format.toml` spelling: `full` or `sparse`.
    pub fn as_str(self) -> &'static str {
        match self {
            Observations::Full => "full",
            Observations::Sparse => "sparse",
        }
    }
    /// Parses the `format.toml` spelling.
    pub fn parse(s: &str) -> Option<Observations> {
        match s {
            "full" => Some(Observations::Full),
            "sparse" => Some(Observations::Sparse),
            _ => None,
        }
    }
}

impl std::fmt::Display for Observations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Market {
    /// Whether the market is full or sparse (`format.toml`'s `observations`).
    pub fn observations(&self) -> Observations {
        self.observations
    }

    /// True for a sparse market ([`Observations::Sparse`]).
    pub fn is_sparse(&self) -> bool {
        self.observations == Observations::Sparse
    }

    /// The same market declared full or sparse (the rows do not change).
    pub fn with_observations(mut self, o: Observations) -> Market {
        self.observations = o;
        self
    }

    /// Day index at whose close an event dated `date` (after the close of
    /// `date`) takes effect, or `None` when it falls outside the store.
    ///
    /// - Full market: the last day on or before `date` (every trading day
    ///   is in the store, so a date missing from it closed; a non-trading
    ///   date means the close before it). `None` before the first day.
    /// - Sparse market: `date` itself when observed, else the next
    ///   observation (the event happened on an unobserved day; its effect
    ///   is first seen at the next observation). `None` after the last
    ///   observation. A date before the first observation takes effect at
    ///   the first one.
    pub fn day_taking_effect(&self, date: Date) -> Option<usize> {
        match self.observations {
            Observations::Full => self.day_on_or_before(date),
            Observations::Sparse => self.day_on_or_after(date),
        }
    }

    /// The store's days an action with ex-date `ex_date` is applied before
    /// the open of: its own day in a full market (an ex-date is a trading
    /// day), the first observation on or after it in a sparse one (the
    /// observation's prices and shares already reflect it). `None` when no
    /// such day is in the store.
    pub fn day_of_ex_date(&self, ex_date: Date) -> Option<usize> {
        match self.observations {
            Observations::Full => self.day_index(ex_date),
            Observations::Sparse => self.day_on_or_after(ex_date),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DailyRow, MarketBuilder, Security};

    fn market(o: Observations) -> Market {
        let mut b = MarketBuilder::new();
        let a = b
            .add_security(Security::us_common("A", "CA", "AAA"))
            .unwrap();
        for d in [5, 12, 20] {
            b.push_daily(DailyRow {
                date: Date::ymd(2024, 3, d),
                sec: a,
                close: 10.0,
                volume: 0.0,
                shares_outstanding: 1.0,
                float_shares: 1.0,
            });
        }
        b.set_observations(o);
        b.build().unwrap()
    }

    #[test]
    fn events_between_dates_take_effect_before_in_full_and_after_in_sparse() {
        let d = |day| Date::ymd(2024, 3, day);
        let full = market(Observations::Full);
        let sparse = market(Observations::Sparse);
        assert!(!full.is_sparse() && sparse.is_sparse());
        // On a date of the store: that day in both.
        assert_eq!(full.day_taking_effect(d(12)), Some(1));
        assert_eq!(sparse.day_taking_effect(d(12)), Some(1));
        // Between two dates.
        assert_eq!(full.day_taking_effect(d(15)), Some(1));
        assert_eq!(sparse.day_taking_effect(d(15)), Some(2));
        // Before the first and after the last.
        assert_eq!(full.day_taking_effect(d(1)), None);
        assert_eq!(sparse.day_taking_effect(d(1)), Some(0));
        assert_eq!(full.day_taking_effect(d(25)), Some(2));
        assert_eq!(sparse.day_taking_effect(d(25)), None);
        // Ex-dates.
        assert_eq!(full.day_of_ex_date(d(15)), None);
        assert_eq!(sparse.day_of_ex_date(d(15)), Some(2));
        assert_eq!(full.day_of_ex_date(d(20)), Some(2));
        assert_eq!(
            sparse
                .clone()
                .with_observations(Observations::Full)
                .observations(),
            Observations::Full
        );
    }

    #[test]
    fn spellings() {
        for o in [Observations::Full, Observations::Sparse] {
            assert_eq!(Observations::parse(o.as_str()), Some(o));
        }
        assert_eq!(Observations::parse("daily"), None);
        assert_eq!(Observations::default(), Observations::Full);
    }
}
