//! Point-in-time exports for backtesters: what each index held on every
//! day of a range, with the weights a fund tracking it held, and each
//! index's daily returns as the benchmark series backtesting tools read.
//!
//! Why here: survivorship-free membership *and weights*, dated by when the
//! index held the lines (effective dates) and not by when the changes were
//! announced, are what backtest users cannot find for free; every front end
//! (the `rankday export` command, the Python package) must give the same
//! rows, so they are built once, from the levels' own holdings.

use rankday_calendar::ReconCalendar;
use rankday_core::{Date, IndexId, Membership, Sec, StateKind};
use rankday_fund::benchmark::{index_levels, Series};
use rankday_method::History;

use crate::{Job, PipelineError, Result};

/// One line held by one index after the close of one day.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldLine {
    /// The trading day whose close the holding is valued at.
    pub date: Date,
    /// The index holding the line.
    pub index: IndexId,
    /// The line.
    pub sec: Sec,
    /// Float-adjusted shares the index holds, after that close's changes.
    pub index_shares: f64,
    /// The close used (the last close while the line is halted).
    pub price: f64,
    /// `index_shares × price`.
    pub market_value: f64,
    /// Share of the index's market value, in [0, 1]; an index's weights sum
    /// to 1 on each date.
    pub weight: f64,
    /// Effective date of the reconstitution or quarterly IPO round that put
    /// the line in the index as held (changes apply after that day's
    /// close); `None` for a line the index took in through a corporate
    /// action (a spin-off's child).
    pub effective_date: Option<Date>,
    /// The day that reconstitution or IPO round was made public: the
    /// preliminary lists of a reconstitution (methodology §1, "Timeline"),
    /// the announcement of an IPO round; `None` where `effective_date` is,
    /// and for membership states the user gave (their announcement is not
    /// known).
    pub announcement_date: Option<Date>,
}

/// The series of the benchmark exports, by the name their files take:
/// total return (dividends reinvested) and price return.
pub const BENCHMARK_SERIES: [(&str, Series); 2] =
    [("total", Series::Total), ("price", Series::Price)];

/// A benchmark day: the index's level at the close and its return since the
/// previous trading day's close.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchmarkDay {
    /// The trading day.
    pub date: Date,
    /// `level / previous level − 1`; 0 on the index's first day.
    pub ret: f64,
    /// The index level at the close.
    pub level: f64,
}

impl Job {
    /// What each of `indexes` held after the close of every trading day in
    /// `from..=to` (default: the whole history), valued at that close: one
    /// row per (date, index, line), dates ascending, indexes in
    /// [`IndexId::ALL`] order, lines in the index's own order.
    ///
    /// The holdings of date D are those after D's after-the-close changes
    /// (the reconstitution effective D is in D's rows): what a fund holds
    /// from D's close, and so the weights that earn the index's return of
    /// the next trading day. One pass of the calculation.
    pub fn held_lines(
        &self,
        indexes: &[IndexId],
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Vec<HeldLine>> {
        let market = self.market();
        let (Some(first), Some(last)) = (market.first_date(), market.last_date()) else {
            return Err(PipelineError::EmptyMarket);
        };
        let (from, to) = (from.unwrap_or(first), to.unwrap_or(last).min(last));
        if from < first {
            return Err(PipelineError::BeforeStart { date: from, first });
        }
        let dates: Vec<Date> = market
            .dates()
            .iter()
            .copied()
            .filter(|d| (from..=to).contains(d))
            .collect();
        if dates.is_empty() {
            // A range that selects no trading day is the user's mistake,
            // not an empty export: the error names the data's span.
            self.check_range(Some(from), Some(to))?;
        }
        let mut cfg = self.calc_config_of(indexes.to_vec());
        cfg.from = Some(from);
        cfg.to = Some(to);
        cfg.holdings_dates = dates;
        let states = self.states()?;
        let out = self.calculate(states, &cfg)?;
        let history = if self.membership_given() {
            None
        } else {
            Some(self.history()?)
        };
        let mut origin = Origins::new(market.n_securities(), states, history, self.calendar());
        let mut rows = Vec::new();
        for snap in &out.holdings_at {
            origin.advance_to(snap.date);
            for c in &snap.constituents {
                let (effective_date, announcement_date) = origin.of(c.sec);
                rows.push(HeldLine {
                    date: snap.date,
                    index: snap.index,
                    sec: c.sec,
                    index_shares: c.index_shares,
                    price: c.price,
                    market_value: c.market_value,
                    weight: c.weight,
                    effective_date,
                    announcement_date,
                });
            }
        }
        Ok(rows)
    }

    /// `index`'s `series` (price, total or net return) as daily returns
    /// with its level, on every day in `from..=to` the index has a level
    /// (default: all). A day's return is against the previous trading day
    /// of the whole history, so a range starting mid-history still has its
    /// first day's return; the index's very first day returns 0.
    pub fn benchmark_series(
        &self,
        index: IndexId,
        series: Series,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Vec<BenchmarkDay>> {
        self.check_range(from, to)?;
        let mut cfg = self.calc_config_of(vec![index]);
        cfg.to = to;
        let levels = self.calculate(self.states()?, &cfg)?.levels;
        let lv = index_levels(&levels, index, series);
        let mut out = Vec::with_capacity(lv.len());
        for (k, &(date, level)) in lv.iter().enumerate() {
            if from.is_some_and(|f| date < f) || to.is_some_and(|t| date > t) {
                continue;
            }
            let ret = match k.checked_sub(1).map(|j| lv[j].1) {
                Some(prev) => level / prev - 1.0,
                None => 0.0,
            };
            out.push(BenchmarkDay { date, ret, level });
        }
        Ok(out)
    }
}

/// Which state put each held line in its index, walked forward in date
/// order: the last reconstitution in force, and the IPO rounds since.
struct Origins<'a> {
    states: &'a [Membership],
    history: Option<&'a History>,
    calendar: &'a ReconCalendar,
    /// States with an effective date on or before the current day.
    in_force: usize,
    /// Per line: (effective, announced) of the state that put it in.
    by_sec: Vec<Option<(Date, Option<Date>)>>,
}

impl<'a> Origins<'a> {
    fn new(
        n_secs: usize,
        states: &'a [Membership],
        history: Option<&'a History>,
        calendar: &'a ReconCalendar,
    ) -> Origins<'a> {
        Origins {
            states,
            history,
            calendar,
            in_force: 0,
            by_sec: vec![None; n_secs],
        }
    }

    /// Applies every state effective on or before `date` (states are in
    /// effective-date order).
    fn advance_to(&mut self, date: Date) {
        while let Some(s) = self.states.get(self.in_force) {
            if s.effective_date > date {
                break;
            }
            self.apply(s);
            self.in_force += 1;
        }
    }

    fn apply(&mut self, s: &Membership) {
        let announced = self.announced(s);
        let stamp = Some((s.effective_date, announced));
        match s.kind {
            // A reconstitution sets the whole family anew: every line it
            // holds is its own, and a line it does not hold has no origin.
            StateKind::Reconstitution => {
                self.by_sec.iter_mut().for_each(|x| *x = None);
                for r in s.rows.iter().filter(|r| !r.indexes.is_empty()) {
                    self.by_sec[r.sec.idx()] = stamp;
                }
            }
            // An IPO round only adds lines; incumbents keep their origin.
            StateKind::Additions => {
                for r in &s.rows {
                    if r.change == rankday_core::Change::Add && !r.indexes.is_empty() {
                        self.by_sec[r.sec.idx()] = stamp;
                    }
                }
            }
            // A quarterly share and float update changes index shares, not
            // who is in: every line keeps its origin.
            StateKind::Update => {}
        }
    }

    /// The announcement of a state of the history (unknown for states the
    /// user gave).
    fn announced(&self, s: &Membership) -> Option<Date> {
        let history = self.history?;
        match s.kind {
            StateKind::Reconstitution => history
                .recons
                .iter()
                .find(|r| r.event.effective_date == s.effective_date)
                .map(|r| r.event.preliminary_date),
            StateKind::Additions => self
                .calendar
                .ipo_events(s.effective_date.year())
                .into_iter()
                .find(|e| e.effective_date == s.effective_date)
                .map(|e| e.announce_date),
            // Never the origin of a line (see `apply`).
            StateKind::Update => None,
        }
    }

    fn of(&self, sec: Sec) -> (Option<Date>, Option<Date>) {
        match self.by_sec[sec.idx()] {
            Some((e, a)) => (Some(e), a),
            None => (None, None),
        }
    }
}
