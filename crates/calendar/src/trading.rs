//! [`TradingCalendar`]: which days an exchange trades, from a TOML policy.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rankday_core::Date;

use crate::error::CalendarError;
use crate::policy::Rules;

/// The NYSE policy shipped with the crate (see `policy/nyse.toml`).
pub const NYSE_POLICY: &str = include_str!("../policy/nyse.toml");

/// Name given to weekday closures learned from observed history that no rule explains.
pub const HISTORY_CLOSURE: &str = "Closed (no trading in observed history)";

/// Full-day trading calendar of one exchange.
///
/// Why a bitset: index calculation, flow forecasting and fund simulation ask
/// "is this a trading day?" for every date of 50-year histories; the answer for the
/// policy's precompute range (1900..2100 for NYSE) is one bit read. Dates outside that range
/// are evaluated from the rules on demand, so the calendar is total.
///
/// Business day in the Russell methodology (spec §1, §6) means an NYSE trading day, which is
/// why [`crate::ReconCalendar`] is built on top of this type.
#[derive(Clone)]
pub struct TradingCalendar {
    rules: Arc<Rules>,
    /// First day held in `open`.
    start: Date,
    /// Number of days held in `open`.
    len: i32,
    /// Bit `i` set when `start + i` is a trading day.
    open: Vec<u64>,
    /// Weekday closures within the bitset range, with their names. Shared:
    /// every load clones the NYSE calendar, and a century of holiday names
    /// is worth copying only when [`Self::with_history`] changes them.
    names: Arc<BTreeMap<Date, String>>,
    /// Inclusive date range taken from observed history, if any (see [`Self::with_history`]).
    history: Option<(Date, Date)>,
}

impl std::fmt::Debug for TradingCalendar {
    // The bitset is thousands of words: show what identifies the calendar instead.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TradingCalendar")
            .field("name", &self.rules.name)
            .field(
                "precomputed",
                &(self.start, self.start.add_days(self.len - 1)),
            )
            .field("history", &self.history)
            .finish()
    }
}

impl TradingCalendar {
    /// The NYSE calendar from the embedded policy `policy/nyse.toml`.
    pub fn nyse() -> TradingCalendar {
        static NYSE: OnceLock<TradingCalendar> = OnceLock::new();
        NYSE.get_or_init(|| {
            Self::build(NYSE_POLICY, "<embedded nyse.toml>")
                .expect("embedded policy/nyse.toml is valid (checked by tests)")
        })
        .clone()
    }

    /// A calendar from policy text in the `nyse.toml` schema.
    pub fn from_toml(text: &str) -> Result<TradingCalendar, CalendarError> {
        Self::build(text, "<string>")
    }

    /// A calendar from a user policy file (the CLI's `--calendar FILE`). Errors name the file.
    pub fn from_file(path: &Path) -> Result<TradingCalendar, CalendarError> {
        let text = std::fs::read_to_string(path).map_err(|source| CalendarError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::build(&text, &path.display().to_string())
    }

    fn build(text: &str, source: &str) -> Result<TradingCalendar, CalendarError> {
        let rules = Rules::parse(text, source)?;
        let (from, to) = (rules.from_year, rules.to_year);
        Ok(Self::precompute(Arc::new(rules), from, to))
    }

    fn precompute(rules: Arc<Rules>, from_year: i32, to_year: i32) -> TradingCalendar {
        let start = Date::ymd(from_year, 1, 1);
        let len = Date::ymd(to_year, 12, 31).days_since(start) + 1;
        let mut open = vec![0u64; (len as usize).div_ceil(64)];
        let mut names = BTreeMap::new();
        for year in from_year..=to_year {
            names.extend(rules.closures_in_year(year));
        }
        for i in 0..len {
            let d = start.add_days(i);
            if !rules.is_weekend(d) && !names.contains_key(&d) {
                open[(i / 64) as usize] |= 1u64 << (i % 64);
            }
        }
        TradingCalendar {
            rules,
            start,
            len,
            open,
            names: Arc::new(names),
            history: None,
        }
    }

    /// Name of the calendar (`[calendar] name` in the policy).
    pub fn name(&self) -> &str {
        &self.rules.name
    }

    /// Inclusive range of dates taken from observed history, if [`Self::with_history`] was used.
    pub fn history_range(&self) -> Option<(Date, Date)> {
        self.history
    }

    fn index(&self, d: Date) -> Option<i32> {
        let i = d.days_since(self.start);
        (0..self.len).contains(&i).then_some(i)
    }

    /// True when the exchange is open for a full or partial session on `d`.
    pub fn is_trading_day(&self, d: Date) -> bool {
        match self.index(d) {
            Some(i) => self.open[(i / 64) as usize] >> (i % 64) & 1 == 1,
            None => {
                !self.rules.is_weekend(d) && !self.rules.closures_in_year(d.year()).contains_key(&d)
            }
        }
    }

    /// Every trading day in `[from, to]`, ascending. Empty when `from > to`.
    pub fn trading_days(&self, from: Date, to: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut d = from;
        while d <= to {
            if self.is_trading_day(d) {
                out.push(d);
            }
            d = d.add_days(1);
        }
        out
    }

    /// The first trading day strictly after `d`.
    pub fn next_trading_day(&self, d: Date) -> Date {
        let mut x = d.add_days(1);
        while !self.is_trading_day(x) {
            x = x.add_days(1);
        }
        x
    }

    /// The last trading day strictly before `d`.
    pub fn prev_trading_day(&self, d: Date) -> Date {
        let mut x = d.add_days(-1);
        while !self.is_trading_day(x) {
            x = x.add_days(-1);
        }
        x
    }

    /// `d` if it is a trading day, else the previous trading day. This is how the Russell
    /// schedule moves a computed Friday that falls on a holiday (see [`crate::ReconCalendar`]).
    pub fn on_or_before(&self, d: Date) -> Date {
        if self.is_trading_day(d) {
            d
        } else {
            self.prev_trading_day(d)
        }
    }

    /// The last trading day of a month ("last business day of April" in spec §1).
    pub fn last_trading_day_of_month(&self, year: i32, month: u32) -> Date {
        self.on_or_before(crate::rules::last_of_month(year, month))
    }

    /// Weekday closures in `year`, ascending, with the holiday or event name.
    pub fn closures(&self, year: i32) -> Vec<(Date, String)> {
        let lo = Date::ymd(year, 1, 1);
        let hi = Date::ymd(year, 12, 31);
        let covered = self.index(lo).is_some() && self.index(hi).is_some();
        if covered {
            self.names
                .range(lo..=hi)
                .map(|(d, n)| (*d, n.clone()))
                .collect()
        } else {
            // History always lies inside the bitset range, so outside it the rules decide.
            self.rules.closures_in_year(year).into_iter().collect()
        }
    }

    /// A calendar that takes history from observed trading dates (e.g. `Market::dates()`)
    /// from their first to their last date, and the policy rules outside that range.
    ///
    /// Why: a market store is the ground truth for the days it covers (a data vendor's
    /// calendar may include unscheduled closures a policy file lacks); the rules are still
    /// needed to project future trading days for reconstitution schedules and forecasts.
    /// Inside the range a day is a trading day exactly when it is in `observed`; weekday
    /// closures there keep the rule name when a rule explains them, else [`HISTORY_CLOSURE`].
    /// An empty `observed` returns the calendar unchanged.
    pub fn with_history(self, observed: &[Date]) -> TradingCalendar {
        let set: BTreeSet<Date> = observed.iter().copied().collect();
        let (Some(&first), Some(&last)) = (set.first(), set.last()) else {
            return self;
        };
        let mut cal = if self.index(first).is_some() && self.index(last).is_some() {
            self
        } else {
            let from = first.year().min(self.start.year());
            let to = last.year().max(self.start.add_days(self.len - 1).year());
            let mut wider = Self::precompute(self.rules.clone(), from, to);
            // Keep any earlier history.
            if let Some((a, b)) = self.history {
                let prior: Vec<Date> = self.trading_days(a, b);
                wider = wider.with_history(&prior);
            }
            wider
        };
        let mut d = first;
        while d <= last {
            let i = cal.index(d).expect("range covers history");
            let (w, b) = ((i / 64) as usize, 1u64 << (i % 64));
            if set.contains(&d) {
                cal.open[w] |= b;
                Arc::make_mut(&mut cal.names).remove(&d);
            } else {
                cal.open[w] &= !b;
                if !cal.rules.is_weekend(d) {
                    Arc::make_mut(&mut cal.names)
                        .entry(d)
                        .or_insert_with(|| HISTORY_CLOSURE.to_string());
                }
            }
            d = d.add_days(1);
        }
        cal.history = Some(match cal.history {
            Some((a, b)) => (a.min(first), b.max(last)),
            None => (first, last),
        });
        cal
    }
}
