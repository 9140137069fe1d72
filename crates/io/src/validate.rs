//! Semantic validation: the checks a market must pass after every row has
//! passed its own (types, ranges, ids), because they compare rows with each
//! other, with the actions, or with the trading calendar.
//!
//! Why here, in one module: data that parses and is still wrong goes
//! straight into an index (a Saturday row makes that date a trading day of
//! every index; a $1M dividend on a $47 stock multiplies the total return; a
//! split the prices do not show moves the index by the split), so every rule
//! that catches such data lives in one place, run once on load, with one
//! message convention (`file:line:column (name): what was found, what was
//! expected`).
//!
//! Two severities:
//!
//! * **errors** — data the format forbids: a `daily` row or an action dated
//!   on a day the policy's trading calendar closes (market-format, "the
//!   trading calendar"); a dividend at or above the previous close (amounts
//!   are USD per share: such a dividend is a unit mistake or a liquidation
//!   booked as a dividend); a duplicated action (it would be applied twice),
//!   or a second split, acquisition or delisting of a line on one ex_date; a
//!   split whose ratio the closes around its ex_date contradict
//!   ([`SPLIT_TOLERANCE`]).
//! * **warnings** ([`WarningKind`]) — what real data legitimately does now
//!   and then, so a person should look: a single-day move of the close
//!   beyond [`Checks::max_daily_move`] once the day's splits, dividends and
//!   spin-offs are accounted for; a change of `shares_outstanding` beyond
//!   [`Checks::max_shares_jump`] on a day without an action of the line.
//!   [`Checks::strict`] makes the first warning an error.
//!
//! A sparse market (`observations = "sparse"`) skips the checks that compare
//! neighbouring rows (the split against its closes, the two bounds): its
//! rows are observations weeks apart.
//!
//! Tolerances were set on real data: the 2025 daily closes of the 186
//! Russell 3000 adds and deletes in the project's shared real data (30,786
//! day-on-day moves, largest ×4.1 and ×0.23, none beyond ×5) and generated
//! markets (see the io tests).

use std::collections::HashMap;

use rayon::prelude::*;

use rankday_calendar::TradingCalendar;
use rankday_core::{Action, ActionKind, Date, Market, Sec};

use crate::error::{At, Location, Site};
use crate::IoError;

/// A split is contradicted by the prices when the close-to-close move on
/// its ex_date, corrected by the ratio, is beyond this factor either way
/// *and* the uncorrected move fits "no split" better than the split. Real
/// split days move like any other day (a few percent; the largest daily
/// moves in the shared real data are about ×4 on news days, not on split
/// days), while a split the prices do not show leaves the corrected move at
/// the ratio itself (×2 for a 2-for-1).
pub const SPLIT_TOLERANCE: f64 = 1.5;

/// The settings of the semantic checks.
#[derive(Clone, Debug)]
pub struct Checks {
    /// The exchange calendar of the policy: a `daily` row or an action
    /// dated on a day it closes is an error.
    pub calendar: TradingCalendar,
    /// A close more than this factor above or below the previous close of
    /// the line (after the day's splits, dividends and spin-offs) is a
    /// [`WarningKind::PriceMove`]. Default 5 (+400% / −80%).
    pub max_daily_move: f64,
    /// A `shares_outstanding` more than this factor above or below the
    /// previous row's (after the day's splits), on a day without any action
    /// of the line, is a [`WarningKind::SharesJump`]. Default 2.
    pub max_shares_jump: f64,
    /// Warnings are errors.
    pub strict: bool,
}

impl Default for Checks {
    fn default() -> Checks {
        Checks {
            calendar: TradingCalendar::nyse(),
            max_daily_move: 5.0,
            max_shares_jump: 2.0,
            strict: false,
        }
    }
}

impl Checks {
    /// The settings' own sanity (a bound of 0.5 or NaN would be a typo).
    pub fn check(&self) -> Result<(), IoError> {
        for (name, v) in [
            ("max_daily_move", self.max_daily_move),
            ("max_shares_jump", self.max_shares_jump),
        ] {
            if !(v.is_finite() && v > 1.0) {
                return Err(IoError::Usage(format!(
                    "{name} must be a factor above 1 (5 = a fivefold move either way), got {v}"
                )));
            }
        }
        Ok(())
    }
}

/// What a warning is about; its name is stable (scripts read it from
/// `--json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A single-day move of the close beyond [`Checks::max_daily_move`].
    PriceMove,
    /// `shares_outstanding` jumped beyond [`Checks::max_shares_jump`] with no action.
    SharesJump,
}

impl WarningKind {
    /// The kind as `--json` and the messages spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::PriceMove => "price_move",
            WarningKind::SharesJump => "shares_jump",
        }
    }
}

impl std::fmt::Display for WarningKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a person should look at, which real data legitimately does.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// What was seen.
    pub kind: WarningKind,
    /// Where: the file, the row and the column.
    pub at: Location,
    /// The values seen and the threshold, for a person.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} [{}]", self.at, self.message, self.kind)
    }
}

impl serde::Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Warning", 3)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("location", &self.at.to_string())?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

/// Where the loaded rows came from, to turn store rows and action indexes
/// back into file positions.
pub(crate) struct Sources<'a> {
    pub daily: &'a std::path::Path,
    pub daily_csv: bool,
    /// The actions file and the position of each action in input order.
    pub actions: Option<(&'a Site, &'a [u64])>,
}

impl Sources<'_> {
    /// Where the k-th action (input order) is, in words.
    fn action_position(&self, k: usize) -> String {
        match self.actions {
            Some((site, positions)) => site.at(positions[k]).describe(),
            None => format!("action {}", k + 1),
        }
    }
}

/// A finding before its position in the file is resolved.
struct Finding {
    place: Place,
    column: &'static str,
    message: String,
}

enum Place {
    /// A store row of `daily`.
    Daily(usize),
    /// An action, by its index in input order.
    Action(usize),
}

/// The semantic checks alone, on a market already in memory whose `daily`
/// table is the file `daily` (CSV or Parquet): what [`crate::load_market`]
/// runs after reading, public so their cost can be measured apart from the
/// read (the speed bench). Actions found wrong are named by their position
/// in input order, not by their line.
pub fn check_loaded(
    m: &Market,
    daily: &std::path::Path,
    checks: &Checks,
) -> Result<Vec<Warning>, IoError> {
    let daily_csv = daily.extension().is_some_and(|e| e == "csv");
    let src = Sources {
        daily,
        daily_csv,
        actions: None,
    };
    check(m, &src, checks)
}

/// Runs every check; the first error stops, warnings are returned in file
/// order (or, under `strict`, the first of them is the error).
pub(crate) fn check(m: &Market, src: &Sources, checks: &Checks) -> Result<Vec<Warning>, IoError> {
    checks.check()?;
    // Reported in this order, each its first finding. The checks read the
    // market only, so they run side by side on the rayon pool, and beside
    // the warnings' sweep (whose findings are dropped if an error is found:
    // bad input is rare, a wasted sweep costs a fraction of a second).
    let action_position = |k| src.action_position(k);
    let errors: [&(dyn Fn() -> Option<Finding> + Sync); 5] = [
        &|| closed_days(m, &checks.calendar),
        &|| closed_ex_dates(m, &checks.calendar),
        &|| duplicate_actions(m, &action_position),
        &|| dividends(m),
        // A split is checked against the closes either side of its
        // ex-date; a sparse market's are observations weeks apart, where
        // the price's own move swamps the split's.
        &|| {
            if m.is_sparse() {
                None
            } else {
                splits(m, &checks.calendar)
            }
        },
    ];
    let (found, (moves, jumps)) = rayon::join(
        || {
            errors
                .par_iter()
                .map(|check| check())
                .collect::<Vec<_>>()
                .into_iter()
                .flatten()
                .next()
        },
        // The bounds are per trading day; a sparse market's consecutive
        // rows are observations apart (market-format.md, calendar
        // paragraph).
        || {
            if m.is_sparse() {
                (Vec::new(), Vec::new())
            } else {
                moves_and_jumps(m, checks)
            }
        },
    );
    if let Some(f) = found {
        let at = resolve(m, src, std::slice::from_ref(&f))?.remove(0);
        return Err(IoError::Content {
            at: Box::new(at),
            msg: f.message,
        });
    }
    let mut findings: Vec<(WarningKind, Finding)> = moves
        .into_iter()
        .map(|f| (WarningKind::PriceMove, f))
        .chain(jumps.into_iter().map(|f| (WarningKind::SharesJump, f)))
        .collect();
    findings.sort_by_key(|(k, f)| (store_key(&f.place), *k));
    let (kinds, findings): (Vec<WarningKind>, Vec<Finding>) = findings.into_iter().unzip();
    let places = resolve(m, src, &findings)?;
    let warnings: Vec<Warning> = kinds
        .into_iter()
        .zip(findings)
        .zip(places)
        .map(|((kind, f), at)| Warning {
            kind,
            at,
            message: f.message,
        })
        .collect();
    if checks.strict {
        if let Some(w) = warnings.first() {
            return Err(IoError::Content {
                at: Box::new(w.at.clone()),
                msg: format!(
                    "{} [{}; --strict makes warnings errors{}]",
                    w.message,
                    w.kind,
                    match warnings.len() - 1 {
                        0 => String::new(),
                        n => format!(", {n} more"),
                    }
                ),
            });
        }
    }
    Ok(warnings)
}

fn store_key(p: &Place) -> usize {
    match p {
        Place::Daily(r) | Place::Action(r) => *r,
    }
}

/// The file positions of findings: daily store rows through the input order
/// (and, for CSV, one rescan of the file for their line numbers).
fn resolve(m: &Market, src: &Sources, found: &[Finding]) -> Result<Vec<Location>, IoError> {
    let wanted: Vec<usize> = found
        .iter()
        .filter_map(|f| match f.place {
            Place::Daily(r) => Some(r),
            Place::Action(_) => None,
        })
        .collect();
    // Store row -> push position (= data record k, = Parquet row k+1).
    let mut input_of: HashMap<usize, usize> = wanted.iter().map(|&r| (r, r)).collect();
    if let Some(order) = m.input_order() {
        for (k, &row) in order.iter().enumerate() {
            if let Some(slot) = input_of.get_mut(&(row as usize)) {
                *slot = k;
            }
        }
    }
    let lines = if src.daily_csv {
        let ks: Vec<usize> = input_of.values().copied().collect();
        crate::csv_read::lines_of_records(src.daily, &ks)?
    } else {
        HashMap::new()
    };
    let daily_site = Site::new(src.daily, src.daily_csv).with_columns(crate::daily::COLUMNS);
    Ok(found
        .iter()
        .map(|f| match f.place {
            Place::Daily(r) => {
                let k = input_of[&r];
                let at = if src.daily_csv {
                    At::Line(lines.get(&k).copied().unwrap_or(0))
                } else {
                    At::Row(k as u64 + 1)
                };
                daily_site.locate(at, f.column)
            }
            Place::Action(k) => match src.actions {
                Some((site, positions)) => site.locate(site.at(positions[k]), f.column),
                None => Location::file(src.daily),
            },
        })
        .collect())
}

/// The actions in input order with their indexes into `Market::actions`.
fn actions_in_input_order(m: &Market) -> impl Iterator<Item = (usize, &Action)> {
    let order = m.action_input_order();
    (0..m.actions().len()).map(move |k| {
        let i = order.map_or(k, |o| o[k] as usize);
        (k, &m.actions()[i])
    })
}

/// Why a date is closed, for messages.
fn closed_reason(cal: &TradingCalendar, d: Date) -> String {
    if d.is_weekend() {
        let saturday = d.weekday().num_days_from_monday() == 5;
        return if saturday { "a Saturday" } else { "a Sunday" }.into();
    }
    match cal.closures(d.year()).into_iter().find(|(c, _)| *c == d) {
        Some((_, name)) => format!("a closure ({name})"),
        None => "a closed day".into(),
    }
}

/// Rows dated on a day the calendar closes: the first such row in file
/// order... in store order, which is date order, so the earliest bad date.
fn closed_days(m: &Market, cal: &TradingCalendar) -> Option<Finding> {
    let day = m.dates().iter().position(|&d| !cal.is_trading_day(d))?;
    let d = m.dates()[day];
    Some(Finding {
        place: Place::Daily(m.day_starts()[day]),
        column: "date",
        message: format!(
            "{d} is {}, not a trading day of the {} calendar (a daily row must be dated on a trading day; {} row(s) of daily are dated {d})",
            closed_reason(cal, d),
            cal.name(),
            m.cross_section(day).len()
        ),
    })
}

/// Actions whose ex_date is a closed day (the ex_date is "the first trading
/// day on which the action is in effect").
fn closed_ex_dates(m: &Market, cal: &TradingCalendar) -> Option<Finding> {
    actions_in_input_order(m)
        .find(|(_, a)| !cal.is_trading_day(a.ex_date))
        .map(|(k, a)| Finding {
            place: Place::Action(k),
            column: "ex_date",
            message: format!(
                "{} of '{}' on {}, which is {}, not a trading day of the {} calendar (the ex_date is the first trading day the action is in effect)",
                a.kind,
                m.security(a.sec).security_id,
                a.ex_date,
                closed_reason(cal, a.ex_date),
                cal.name()
            ),
        })
}

/// Same bits, same action: f64 fields compared by bits so NaN never hides one.
fn action_key(a: &Action) -> (Date, Sec, ActionKind, Option<u64>, Option<u64>, Option<Sec>) {
    (
        a.ex_date,
        a.sec,
        a.kind,
        a.ratio.map(f64::to_bits),
        a.amount.map(f64::to_bits),
        a.other,
    )
}

/// A duplicated action is applied twice (a dividend paid twice, a split
/// squared); a line cannot split, be acquired or be delisted twice on one
/// ex_date either.
///
/// The finding is the first action in input order that repeats an earlier
/// one (the same [`action_key`], or for those three kinds the same line,
/// kind and ex_date), named with the earlier one. Duplicates share an
/// ex_date, and the store holds actions by ex_date, so each day's actions
/// are sorted by key on the rayon pool and equal keys are adjacent: no
/// table of every action (a 50-year market has 784,000; hashing them one by
/// one was most of the semantic checks' single-threaded time).
fn duplicate_actions(m: &Market, pos_word: &(dyn Fn(usize) -> String + Sync)) -> Option<Finding> {
    let acts = m.actions();
    // Store index -> input position.
    let input_of: Option<Vec<u32>> = m.action_input_order().map(|order| {
        let mut inv = vec![0u32; order.len()];
        for (k, &i) in order.iter().enumerate() {
            inv[i as usize] = k as u32;
        }
        inv
    });
    let pos = |i: usize| input_of.as_ref().map_or(i, |inv| inv[i] as usize);
    let mut days: Vec<usize> = (1..acts.len())
        .filter(|&i| acts[i].ex_date != acts[i - 1].ex_date)
        .collect();
    days.insert(0, 0);
    days.push(acts.len());
    // (input position of the repeat, whether only the line, kind and date
    // repeat, input position of the first): the smallest wins, so at one
    // position a full repeat comes first, as when checked one by one.
    let (k, once, first) = days
        .par_windows(2)
        .filter_map(|w| {
            let key = |i: usize| action_key(&acts[i]);
            let mut by_key: Vec<(usize, usize)> = (w[0]..w[1]).map(|i| (i, pos(i))).collect();
            by_key.sort_unstable_by(|x, y| key(x.0).cmp(&key(y.0)).then(x.1.cmp(&y.1)));
            let mut best: Option<(usize, bool, usize)> = None;
            let mut keep = |c: (usize, bool, usize)| {
                if best.is_none_or(|b| c < b) {
                    best = Some(c);
                }
            };
            for run in by_key.chunk_by(|x, y| key(x.0) == key(y.0)) {
                if let [a, b, ..] = run {
                    keep((b.1, false, a.1));
                }
            }
            // The key begins with (ex_date, line, kind): a line's actions of
            // one kind are adjacent too, first in input order first.
            let line_kind = |i: usize| (acts[i].sec, acts[i].kind);
            for run in by_key.chunk_by(|x, y| line_kind(x.0) == line_kind(y.0)) {
                let once_kind = matches!(
                    acts[run[0].0].kind,
                    ActionKind::Split | ActionKind::Acquisition | ActionKind::Delisting
                );
                if !once_kind || run.len() < 2 {
                    continue;
                }
                let mut ks: Vec<usize> = run.iter().map(|x| x.1).collect();
                ks.sort_unstable();
                keep((ks[1], true, ks[0]));
            }
            best
        })
        .min()?;
    let a = &acts[m.action_input_order().map_or(k, |o| o[k] as usize)];
    let message = if once {
        format!(
            "a second {} of '{}' on {} (the first is {}): one {} per line and ex_date",
            a.kind,
            m.security(a.sec).security_id,
            a.ex_date,
            pos_word(first),
            a.kind
        )
    } else {
        format!(
            "duplicate of {}: the same {} of '{}' on {} would be applied twice",
            pos_word(first),
            a.kind,
            m.security(a.sec).security_id,
            a.ex_date
        )
    };
    Some(Finding {
        place: Place::Action(k),
        column: "kind",
        message,
    })
}

/// The last close of `sec` strictly before `date`, with its date.
fn previous_close(m: &Market, sec: Sec, date: Date) -> Option<(Date, f64)> {
    let h = m.history(sec);
    let day = m.day_index(date).or_else(|| m.day_on_or_before(date))?;
    // Rows on or before `date`; the previous one is before the ex_date.
    let i = h.last_on_or_before(day)?;
    let i = if m.dates()[h.day(i)] >= date {
        i.checked_sub(1)?
    } else {
        i
    };
    let r = h.row(i);
    r.close.is_finite().then_some((r.date, r.close))
}

/// The close of `sec` on `date`, if it has a row that day.
fn close_on(m: &Market, sec: Sec, date: Date) -> Option<f64> {
    let day = m.day_index(date)?;
    let r = m.row_of(sec, day)?;
    let c = m.row(r).close;
    c.is_finite().then_some(c)
}

/// A dividend is USD per share: at or above the previous close it is a unit
/// mistake (cents, a total in dollars) or a liquidation booked as a
/// dividend, and the total-return index would jump by it.
///
/// The first such dividend in input order is the finding. Most actions are
/// dividends (a 50-year market has about 700,000), so they are not looked
/// up one by one: they are sorted by line and ex_date, and each line's are
/// walked forward through its rows on the rayon pool ([`gallop`]).
fn dividends(m: &Market) -> Option<Finding> {
    let mut divs: Vec<(u32, Date, usize)> = actions_in_input_order(m)
        .filter(|(_, a)| {
            matches!(
                a.kind,
                ActionKind::CashDividend | ActionKind::SpecialDividend
            ) && a.amount.is_some()
        })
        .map(|(k, a)| (a.sec.0, a.ex_date, k))
        .collect();
    divs.par_sort_unstable();
    let order = m.action_input_order();
    let amount = |k: usize| m.actions()[order.map_or(k, |o| o[k] as usize)].amount;
    let (_, close, ..) = m.columns();
    let starts = m.day_starts();
    let first = divs
        .par_chunk_by(|a, b| a.0 == b.0)
        .filter_map(|line| {
            let rows = m.history(Sec(line[0].0)).rows;
            let mut at = 0;
            line.iter()
                .filter(|&&(_, ex, k)| {
                    // Rows dated before the ex_date: before the first row
                    // of its day, or of the next trading day.
                    let bound = starts[m.dates().partition_point(|&d| d < ex)];
                    at = gallop(rows, at, bound);
                    let Some(prev) = at.checked_sub(1) else {
                        return false;
                    };
                    let c = close[rows[prev] as usize];
                    c.is_finite() && amount(k).is_some_and(|a| a >= c)
                })
                .map(|&(_, _, k)| k)
                .min()
        })
        .min()?;
    let a = &m.actions()[order.map_or(first, |o| o[first] as usize)];
    let amount = a.amount?;
    let (d, close) = previous_close(m, a.sec, a.ex_date)?;
    Some(Finding {
        place: Place::Action(first),
        column: "amount",
        message: format!(
            "{} of {amount} per share is at or above '{}''s previous close {close} ({d}): amounts are USD per share and must be below the close before the ex_date",
            a.kind,
            m.security(a.sec).security_id
        ),
    })
}

/// The position in `rows` (ascending) of the first entry at or above
/// `bound`, searched forward from `from` (every entry before `from` is below
/// `bound`) by doubling steps: a line's next dividend is a few dozen rows
/// on, a cache line or two, where a search of its whole history misses the
/// cache at nearly every step.
pub(crate) fn gallop(rows: &[u32], from: usize, bound: usize) -> usize {
    let (mut lo, mut hi, mut step) = (from, from, 1);
    while hi < rows.len() && (rows[hi] as usize) < bound {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(rows.len());
    lo + rows[lo..hi].partition_point(|&r| (r as usize) < bound)
}

/// The first position of the ascending `v` whose value is not below
/// `target` (`v.partition_point(|&s| s < target)`), searched outward from
/// `guess` by doubling steps: where a line range starts in one day's
/// securities is where it started the day before, give or take the few
/// lines that listed or left, so the search stays within a cache line or
/// two where a binary search of the day misses the cache at nearly every
/// step.
fn seek(v: &[u32], guess: usize, target: u32) -> usize {
    let g = guess.min(v.len());
    if g < v.len() && v[g] < target {
        return gallop(v, g + 1, target as usize);
    }
    // The answer is at or before `g`.
    let (mut hi, mut step) = (g, 1);
    let lo = loop {
        if hi == 0 {
            break 0;
        }
        let p = hi.saturating_sub(step);
        if v[p] < target {
            break p + 1;
        }
        hi = p;
        step *= 2;
    };
    lo + v[lo..hi].partition_point(|&s| s < target)
}

/// Splits whose ratio the closes around the ex_date contradict (see
/// [`SPLIT_TOLERANCE`]). Only the split ratios of the day count (two
/// actions of one line on one day are compounded).
///
/// The tolerance is for one trading day between the two closes; over `n`
/// trading days (a line halted before its ex_date) a price wanders about √n
/// times as far, so the bound widens to `SPLIT_TOLERANCE^√n`. (A sparse
/// market is not checked at all: see [`check`].)
fn splits(m: &Market, calendar: &TradingCalendar) -> Option<Finding> {
    actions_in_input_order(m).find_map(|(k, a)| {
        if a.kind != ActionKind::Split {
            return None;
        }
        let ratio = a.ratio.filter(|r| r.is_finite() && *r > 0.0)?;
        let (d0, c0) = previous_close(m, a.sec, a.ex_date)?;
        let c1 = close_on(m, a.sec, a.ex_date)?;
        let days = calendar.trading_days(d0, a.ex_date).len().saturating_sub(1).max(1);
        let tol = SPLIT_TOLERANCE.ln() * (days as f64).sqrt();
        let moved = c1 / c0;
        let corrected = (moved * ratio).ln().abs();
        (corrected > tol && corrected > moved.ln().abs()).then(|| Finding {
            place: Place::Action(k),
            column: "ratio",
            message: format!(
                "split ratio {ratio} (prices ÷ {ratio}) is contradicted by daily: '{}' closed {c0} on {d0} and {c1} on the ex_date {}, a move of ×{} where the split implies about ×{} (tolerance ×{} over {days} trading day{}); daily closes are as traded, so a split shows in them",
                m.security(a.sec).security_id,
                a.ex_date,
                round_sig(moved),
                round_sig(1.0 / ratio),
                round_sig(tol.exp()),
                if days == 1 { "" } else { "s" }
            ),
        })
    })
}

/// Four significant digits, for ratios in messages.
fn round_sig(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return x.to_string();
    }
    let digits = 3 - x.abs().log10().floor() as i32;
    let f = 10f64.powi(digits.max(0));
    ((x * f).round() / f).to_string()
}

/// What happened to a line since its last row: the splits, payouts and
/// actions dated after that row, up to and including the current day.
#[derive(Clone, Copy)]
struct Since {
    /// Store row and day of the line's last row (`usize::MAX`: none yet).
    row: usize,
    day: usize,
    ratio: f64,
    paid: f64,
    acted: bool,
}

impl Since {
    const NEW: Since = Since {
        row: usize::MAX,
        day: 0,
        ratio: 1.0,
        paid: 0.0,
        acted: false,
    };
}

/// The price-move and shares-jump warnings, from one sweep of the store in
/// (date, security) order that carries each line's actions to its next
/// row, so a halted line's actions still count; findings come out by range
/// of lines (the caller sorts them into store order).
fn moves_and_jumps(m: &Market, checks: &Checks) -> (Vec<Finding>, Vec<Finding>) {
    // Lines are independent: fixed ranges of them swept side by side on the
    // rayon pool (the same ranges at any thread count; the caller sorts the
    // findings into store order).
    let ns = m.n_securities();
    let per = ns.div_ceil(SWEEP_RANGES).max(1);
    let parts: Vec<(Vec<Finding>, Vec<Finding>)> = (0..SWEEP_RANGES)
        .into_par_iter()
        .map(|k| {
            let lo = (k * per).min(ns) as u32;
            let hi = ((k + 1) * per).min(ns) as u32;
            sweep(m, checks, lo..hi)
        })
        .collect();
    let (mut moves, mut jumps) = (Vec::new(), Vec::new());
    for (mv, jp) in parts {
        moves.extend(mv);
        jumps.extend(jp);
    }
    (moves, jumps)
}

/// Ranges of lines [`moves_and_jumps`] sweeps side by side.
const SWEEP_RANGES: usize = 8;

/// Values strictly between `1/bound` and `bound`, with a margin of 1e-9
/// for the rounding of `ln`, are inside the bound: `|ln x| > ln bound`,
/// two logarithms a row, is only worked out for the few others, with the
/// same result.
fn clearly_inside(x: f64, bound: f64) -> bool {
    let (lo, hi) = ((1.0 / bound) * (1.0 + 1e-9), bound * (1.0 - 1e-9));
    x > lo && x < hi
}

/// [`moves_and_jumps`] over the lines `secs`.
fn sweep(m: &Market, checks: &Checks, secs: std::ops::Range<u32>) -> (Vec<Finding>, Vec<Finding>) {
    let (lmove, ljump) = (checks.max_daily_move.ln(), checks.max_shares_jump.ln());
    let (_, close, _, shares, _) = m.columns();
    let base = secs.start as usize;
    let mut st = vec![Since::NEW; secs.len()];
    let acts = m.actions();
    let mut ai = 0;
    let (mut moves, mut jumps) = (Vec::new(), Vec::new());
    // Where the range started and ended in the day before.
    let (mut from_before, mut to_before) = (0, 0);
    for day in 0..m.n_days() {
        let date = m.dates()[day];
        while ai < acts.len() && acts[ai].ex_date <= date {
            let a = &acts[ai];
            ai += 1;
            // An acquirer issuing shares, a spin-off child appearing.
            if let Some(o) = a.other.filter(|o| secs.contains(&o.0)) {
                st[o.idx() - base].acted = true;
            }
            if !secs.contains(&a.sec.0) {
                continue;
            }
            let s = &mut st[a.sec.idx() - base];
            s.acted = true;
            match a.kind {
                ActionKind::Split => s.ratio *= a.ratio.unwrap_or(1.0),
                ActionKind::CashDividend | ActionKind::SpecialDividend => {
                    s.paid += a.amount.unwrap_or(0.0)
                }
                // The parent drops by the child's value.
                ActionKind::SpinOff => {
                    if let (Some(c), Some(q)) =
                        (a.other.and_then(|o| close_on(m, o, a.ex_date)), a.ratio)
                    {
                        s.paid += c * q;
                    }
                }
                _ => {}
            }
        }
        let cs = m.cross_section(day);
        let from = seek(cs.sec, from_before, secs.start);
        let to = seek(cs.sec, to_before, secs.end);
        (from_before, to_before) = (from, to);
        for (i, &sec) in cs.sec[from..to].iter().enumerate() {
            let row = cs.first_row + from + i;
            let slot = &mut st[sec as usize - base];
            let s = *slot;
            *slot = Since {
                row,
                day,
                ..Since::NEW
            };
            if s.row == usize::MAX {
                continue;
            }
            let id = || &m.security(Sec(sec)).security_id;
            let (c0, c1) = (close[s.row], close[row]);
            if c0.is_finite() && c1.is_finite() {
                let mv = (c1 * s.ratio + s.paid) / c0;
                if !clearly_inside(mv, checks.max_daily_move) && mv.ln().abs() > lmove {
                    let d0 = m.dates()[s.day];
                    moves.push(Finding {
                        place: Place::Daily(row),
                        column: "close",
                        message: format!(
                            "'{}' closed {c1} on {date} after {c0} on {d0}, a move of ×{}{}, beyond the daily-move bound ×{} (--max-daily-move)",
                            id(),
                            round_sig(mv),
                            if s.acted { " after the day's actions" } else { " with no action" },
                            checks.max_daily_move
                        ),
                    });
                }
            }
            if s.acted {
                continue;
            }
            let (h0, h1) = (shares[s.row], shares[row]);
            let jump = h1 / (h0 * s.ratio);
            if !clearly_inside(jump, checks.max_shares_jump) && jump.ln().abs() > ljump {
                let d0 = m.dates()[s.day];
                jumps.push(Finding {
                    place: Place::Daily(row),
                    column: "shares_outstanding",
                    message: format!(
                        "'{}' has {h1} shares outstanding on {date} after {h0} on {d0} (×{}) with no action of the line (split, spin_off, acquisition, share_change), beyond the shares-jump bound ×{}",
                        id(),
                        round_sig(jump),
                        checks.max_shares_jump
                    ),
                });
            }
        }
    }
    (moves, jumps)
}

#[cfg(test)]
mod tests {
    use super::{
        action_key, actions_in_input_order, clearly_inside, dividends, duplicate_actions,
        moves_and_jumps, previous_close, seek, sweep, Checks, Finding, Place,
    };
    use proptest::prelude::*;
    use rankday_core::{Action, ActionKind, DailyRow, Date, Market, MarketBuilder, Sec, Security};

    /// 37 lines over 60 days with big moves, share jumps, splits, dividends
    /// and spin-offs whose child is in another range of lines.
    fn market() -> Market {
        market_with(0.0)
    }

    /// [`market`] with dividends of 0.5 plus up to `extra` (closes are
    /// about 10 to 11, or up to 110).
    fn market_with(extra: f64) -> Market {
        let mut b = MarketBuilder::new();
        let ns = 37u32;
        for k in 0..ns {
            let id = format!("S{k}");
            b.add_security(Security::us_common(&id, &id, &id)).unwrap();
        }
        let mut x = 7u64;
        let mut rnd = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as f64 / (1u64 << 31) as f64
        };
        let day0 = Date::parse("2024-01-01").unwrap();
        for d in 0..60 {
            let date = Date(day0.0 + d);
            for k in 0..ns {
                if rnd() < 0.1 {
                    continue; // a halt
                }
                let big = rnd() < 0.05;
                b.push_daily(DailyRow {
                    date,
                    sec: Sec(k),
                    close: 10.0 + rnd() * if big { 100.0 } else { 1.0 },
                    volume: 1.0,
                    shares_outstanding: 1e6 * if rnd() < 0.05 { 3.0 } else { 1.0 },
                    float_shares: 1e5,
                });
            }
            for k in 0..ns {
                let r = rnd();
                let (kind, ratio, amount, other) = match (r * 40.0) as u32 {
                    0 => (ActionKind::Split, Some(2.0), None, None),
                    1 => (
                        ActionKind::CashDividend,
                        None,
                        Some(0.5 + extra * rnd()),
                        None,
                    ),
                    2 => (
                        ActionKind::SpinOff,
                        Some(0.5),
                        None,
                        Some(Sec((k + 19) % ns)),
                    ),
                    _ => continue,
                };
                b.push_action(Action {
                    ex_date: date,
                    sec: Sec(k),
                    kind,
                    ratio,
                    amount,
                    other,
                    offering: None,
                });
            }
        }
        b.build().unwrap()
    }

    /// Each dividend against its previous close, one by one, in input order.
    fn dividends_one_by_one(m: &Market) -> Option<(usize, String)> {
        actions_in_input_order(m).find_map(|(k, a)| {
            if a.kind != ActionKind::CashDividend {
                return None;
            }
            let (_, close) = previous_close(m, a.sec, a.ex_date)?;
            (a.amount? >= close).then(|| (k, a.sec.0.to_string()))
        })
    }

    /// The walk of each line's dividends finds the first one at or above
    /// the previous close in input order, as looking each up does.
    #[test]
    fn dividends_walked_by_line_find_the_first_in_input_order() {
        assert!(dividends(&market()).is_none());
        for extra in [12.0, 20.0, 30.0, 60.0] {
            let m = market_with(extra);
            let want = dividends_one_by_one(&m).expect("a dividend above its close");
            let got = dividends(&m).expect("found");
            let Place::Action(k) = got.place else {
                panic!("not an action")
            };
            assert_eq!(k, want.0, "extra {extra}: {}", got.message);
        }
    }

    fn keyed(v: &[Finding]) -> Vec<(usize, &str, &str)> {
        let mut k: Vec<_> = v
            .iter()
            .map(|f| match f.place {
                Place::Daily(r) | Place::Action(r) => (r, f.column, f.message.as_str()),
            })
            .collect();
        k.sort();
        k
    }

    /// Lines swept in ranges side by side find what one sweep of every line
    /// finds, whatever the thread count.
    #[test]
    fn ranges_find_what_one_sweep_finds() {
        let m = market();
        let checks = Checks::default();
        let (moves, jumps) = sweep(&m, &checks, 0..m.n_securities() as u32);
        assert!(
            moves.len() > 5 && jumps.len() > 5,
            "{} {}",
            moves.len(),
            jumps.len()
        );
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (m2, j2) = pool.install(|| moves_and_jumps(&m, &checks));
            assert_eq!(keyed(&moves), keyed(&m2));
            assert_eq!(keyed(&jumps), keyed(&j2));
        }
    }

    proptest! {
        /// The shortcut never skips a value the logarithms would flag.
        #[test]
        fn clearly_inside_is_inside(x in -10.0f64..1e3, bound in 1.0f64..100.0) {
            if clearly_inside(x, bound) {
                prop_assert!(x.ln().abs() <= bound.ln());
            }
        }

        /// Near the bounds, where rounding matters.
        #[test]
        fn clearly_inside_near_the_bounds(e in -1e-6f64..1e-6, bound in 1.0f64..100.0) {
            for x in [bound * (1.0 + e), (1.0 + e) / bound] {
                if clearly_inside(x, bound) {
                    prop_assert!(x.ln().abs() <= bound.ln());
                }
            }
        }
    }

    /// The first repeat, checked action by action in input order with
    /// tables of the actions seen (the rule as first written).
    fn first_repeat_one_by_one(m: &Market) -> Option<(usize, String)> {
        use std::collections::HashMap;
        let (mut seen, mut once) = (HashMap::new(), HashMap::new());
        for (k, a) in actions_in_input_order(m) {
            if let Some(&first) = seen.get(&action_key(a)) {
                return Some((k, format!("full {first}")));
            }
            seen.insert(action_key(a), k);
            if matches!(
                a.kind,
                ActionKind::Split | ActionKind::Acquisition | ActionKind::Delisting
            ) {
                if let Some(&first) = once.get(&(a.ex_date, a.sec, a.kind)) {
                    return Some((k, format!("once {first}")));
                }
                once.insert((a.ex_date, a.sec, a.kind), k);
            }
        }
        None
    }

    proptest! {
        /// Day by day, sorted, on the pool: the same first repeat, named
        /// with the same earlier action, as one by one in input order
        /// (actions pushed out of date order, few lines, kinds and values,
        /// so repeats of both sorts are common).
        #[test]
        fn duplicates_by_day_match_one_by_one(
            acts in prop::collection::vec((0i32..4, 0u32..3, 0usize..5, 0u8..3, 0u8..2), 0..40)
        ) {
            let mut b = MarketBuilder::new();
            for k in 0..3 {
                let id = format!("S{k}");
                b.add_security(Security::us_common(&id, &id, &id)).unwrap();
            }
            let day0 = Date::parse("2024-01-01").unwrap();
            for &(d, s, kind, v, other) in &acts {
                let kind = [
                    ActionKind::Split,
                    ActionKind::CashDividend,
                    ActionKind::Acquisition,
                    ActionKind::Delisting,
                    ActionKind::SpinOff,
                ][kind];
                b.push_action(Action {
                    ex_date: Date(day0.0 + d),
                    sec: Sec(s),
                    kind,
                    ratio: Some(1.0 + f64::from(v)),
                    amount: (v > 0).then_some(0.25),
                    other: (other > 0).then_some(Sec((s + 1) % 3)),
                    offering: None,
                });
            }
            let m = b.build().unwrap();
            let word = |k: usize| format!("{k}");
            let got = duplicate_actions(&m, &word).map(|f| match f.place {
                Place::Action(k) => (k, f.message),
                Place::Daily(_) => panic!("an action's finding"),
            });
            let want = first_repeat_one_by_one(&m);
            prop_assert_eq!(got.as_ref().map(|g| g.0), want.as_ref().map(|w| w.0));
            if let (Some((_, msg)), Some((_, w))) = (got, want) {
                let (sort, first) = w.split_once(' ').unwrap();
                let first_named = if sort == "once" {
                    msg.contains(&format!("(the first is {first})"))
                } else {
                    msg.starts_with(&format!("duplicate of {first}:"))
                };
                prop_assert!(first_named, "{} / {}", msg, w);
            }
        }
    }

    proptest! {
        /// The search from a guess finds what a binary search of the whole
        /// slice finds, whatever the guess (inside, at the end, beyond).
        #[test]
        fn seek_from_a_guess_is_a_partition_point(
            v in prop::collection::btree_set(0u32..200, 0..60),
            guess in 0usize..70,
            target in 0u32..210,
        ) {
            let v: Vec<u32> = v.into_iter().collect();
            prop_assert_eq!(seek(&v, guess, target), v.partition_point(|&s| s < target));
        }
    }
}
