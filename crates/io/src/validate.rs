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

/// Runs every check; the first error stops, warnings are returned in file
/// order (or, under `strict`, the first of them is the error).
pub(crate) fn check(m: &Market, src: &Sources, checks: &Checks) -> Result<Vec<Warning>, IoError> {
    checks.check()?;
    // In this order, each stopping at its first finding.
    let action_position = |k| src.action_position(k);
    let errors: [&dyn Fn() -> Option<Finding>; 5] = [
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
    if let Some(f) = errors.iter().find_map(|check| check()) {
        let at = resolve(m, src, std::slice::from_ref(&f))?.remove(0);
        return Err(IoError::Content {
            at: Box::new(at),
            msg: f.message,
        });
    }
    // The bounds are per trading day; a sparse market's consecutive rows
    // are observations apart (market-format.md, calendar paragraph).
    let (moves, jumps) = if m.is_sparse() {
        (Vec::new(), Vec::new())
    } else {
        moves_and_jumps(m, checks)
    };
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
fn duplicate_actions(m: &Market, pos_word: &dyn Fn(usize) -> String) -> Option<Finding> {
    let mut seen = HashMap::new();
    let mut once = HashMap::new();
    for (k, a) in actions_in_input_order(m) {
        if let Some(&first) = seen.get(&action_key(a)) {
            return Some(Finding {
                place: Place::Action(k),
                column: "kind",
                message: format!(
                    "duplicate of {}: the same {} of '{}' on {} would be applied twice",
                    pos_word(first),
                    a.kind,
                    m.security(a.sec).security_id,
                    a.ex_date
                ),
            });
        }
        seen.insert(action_key(a), k);
        if matches!(
            a.kind,
            ActionKind::Split | ActionKind::Acquisition | ActionKind::Delisting
        ) {
            if let Some(&first) = once.get(&(a.ex_date, a.sec, a.kind)) {
                return Some(Finding {
                    place: Place::Action(k),
                    column: "kind",
                    message: format!(
                        "a second {} of '{}' on {} (the first is {}): one {} per line and ex_date",
                        a.kind,
                        m.security(a.sec).security_id,
                        a.ex_date,
                        pos_word(first),
                        a.kind
                    ),
                });
            }
            once.insert((a.ex_date, a.sec, a.kind), k);
        }
    }
    None
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
fn dividends(m: &Market) -> Option<Finding> {
    actions_in_input_order(m).find_map(|(k, a)| {
        if !matches!(
            a.kind,
            ActionKind::CashDividend | ActionKind::SpecialDividend
        ) {
            return None;
        }
        let amount = a.amount?;
        let (d, close) = previous_close(m, a.sec, a.ex_date)?;
        (amount >= close).then(|| Finding {
            place: Place::Action(k),
            column: "amount",
            message: format!(
                "{} of {amount} per share is at or above '{}''s previous close {close} ({d}): amounts are USD per share and must be below the close before the ex_date",
                a.kind,
                m.security(a.sec).security_id
            ),
        })
    })
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
/// row, so a halted line's actions still count; findings come out in store
/// order.
fn moves_and_jumps(m: &Market, checks: &Checks) -> (Vec<Finding>, Vec<Finding>) {
    let (lmove, ljump) = (checks.max_daily_move.ln(), checks.max_shares_jump.ln());
    let (_, close, _, shares, _) = m.columns();
    let mut st = vec![Since::NEW; m.n_securities()];
    let acts = m.actions();
    let mut ai = 0;
    let (mut moves, mut jumps) = (Vec::new(), Vec::new());
    for day in 0..m.n_days() {
        let date = m.dates()[day];
        while ai < acts.len() && acts[ai].ex_date <= date {
            let a = &acts[ai];
            let s = &mut st[a.sec.idx()];
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
            // An acquirer issuing shares, a spin-off child appearing.
            if let Some(o) = a.other {
                st[o.idx()].acted = true;
            }
            ai += 1;
        }
        let cs = m.cross_section(day);
        for (i, &sec) in cs.sec.iter().enumerate() {
            let row = cs.first_row + i;
            let s = st[sec as usize];
            st[sec as usize] = Since {
                row,
                day,
                ..Since::NEW
            };
            if s.row == usize::MAX {
                continue;
            }
            let id = || &m.security(Sec(sec)).security_id;
            let (c0, c1) = (close[s.row], close[row]);
            let d0 = m.dates()[s.day];
            if c0.is_finite() && c1.is_finite() {
                let mv = (c1 * s.ratio + s.paid) / c0;
                if mv.ln().abs() > lmove {
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
            let (h0, h1) = (shares[s.row], shares[row]);
            let jump = h1 / (h0 * s.ratio);
            if !s.acted && jump.ln().abs() > ljump {
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
