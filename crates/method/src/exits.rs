//! Lines that stopped trading before a state takes effect (methodology,
//! reconstitution cycle: "Corporate events between rank day and lock-down:
//! ... membership re-evaluated"; §6 "No replacement").
//!
//! A state is ranked on its rank day and takes effect weeks later. A company
//! acquired or delisted in between no longer exists on the effective date:
//! the index cannot add it, keep it or move it between indexes, and it is
//! not replaced (ranks and breakpoints stay those of rank day). Without this
//! rule the state would list it, and a calculation applying the state would
//! hold a line with no price, at a stale close, until the next
//! reconstitution.
//!
//! "Stopped trading" is read from the data, the way the flows read it: the
//! line's last row lies before the last trading day on or before the date
//! the state is known through. That covers `acquisition` and `delisting`
//! actions (the target's last row is the day before the ex-date) and
//! histories that simply end (imported holdings, CRSP-style panels without
//! an exit record). A halt is not an exit: a halted line has later rows.
//! Only the data up to `through` decides, so a forecast made as of a date
//! does not see exits after it; the one approximation is a line halted on
//! the last day of the data, which cannot be told from one that stopped.

use rankday_core::{Change, Date, IndexSet, Market, Membership, Sec, StateKind};

/// The date of `sec`'s last trade, if it stopped trading before the last
/// trading day on or before `through` (None: it trades on that day or
/// later, it never traded, or `through` precedes the history).
pub fn stopped_before(market: &Market, sec: Sec, through: Date) -> Option<Date> {
    let day = market.day_on_or_before(through)?;
    let h = market.history(sec);
    if h.trades_from(day) {
        return None;
    }
    h.last_day().map(|l| market.dates()[l])
}

/// Applies the rule to a state known through `through` (its effective date
/// in a history; the as-of date in a forecast). A gone line that the state
/// would add is left out; one that was a member becomes a `delete` row of a
/// reconstitution, and is left out of an additions round (whose incumbents
/// are only carried). Returns how many member rows it took out.
pub fn drop_gone(market: &Market, state: &mut Membership, through: Date) -> usize {
    let Some(day) = market.day_on_or_before(through) else {
        return 0;
    };
    let gone = |sec: Sec| !market.history(sec).trades_from(day);
    let additions = state.kind == StateKind::Additions;
    let mut dropped = 0;
    state.rows.retain_mut(|r| {
        if r.indexes.is_empty() || !gone(r.sec) {
            return true;
        }
        dropped += 1;
        if additions || r.change == Change::Add {
            return false;
        }
        r.indexes = IndexSet::EMPTY;
        r.change = Change::Delete;
        r.rank = 0;
        r.float_market_cap = 0.0;
        r.cumulative_percentile = 0.0;
        r.index_shares = 0.0;
        true
    });
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;
    use rankday_core::{DailyRow, IndexId, MarketBuilder, MemberRow, Security};

    /// Three lines over days 0..5: A trades throughout, B stops after day 2,
    /// C is halted on day 3 and trades again on day 4.
    fn market() -> Market {
        let mut b = MarketBuilder::new();
        let secs: Vec<Sec> = ["A", "B", "C"]
            .iter()
            .map(|id| b.add_security(Security::us_common(id, id, id)).unwrap())
            .collect();
        for d in 0..5 {
            for (k, &sec) in secs.iter().enumerate() {
                if (k == 1 && d > 2) || (k == 2 && d == 3) {
                    continue;
                }
                b.push_daily(DailyRow {
                    date: Date::ymd(2024, 6, 3).add_days(d),
                    sec,
                    close: 10.0,
                    volume: 1.0,
                    shares_outstanding: 1.0,
                    float_shares: 1.0,
                });
            }
        }
        b.build().unwrap()
    }

    fn row(sec: u32, change: Change) -> MemberRow {
        MemberRow {
            sec: Sec(sec),
            company: sec,
            rank: sec + 1,
            total_market_cap: 10.0,
            float_market_cap: 10.0,
            cumulative_percentile: 50.0,
            indexes: IndexSet::from_iter([IndexId::R2000]),
            change,
            index_shares: 1.0,
        }
    }

    fn state(kind: StateKind, changes: [Change; 3]) -> Membership {
        Membership {
            rank_date: Date::ymd(2024, 6, 3),
            effective_date: Date::ymd(2024, 6, 6),
            kind,
            rows: (0..3).map(|k| row(k, changes[k as usize])).collect(),
        }
    }

    #[test]
    fn a_line_that_stopped_leaves_and_a_halted_one_stays() {
        let m = market();
        let eff = Date::ymd(2024, 6, 6); // day 3: B has stopped, C is halted
        assert_eq!(stopped_before(&m, Sec(1), eff), Some(Date::ymd(2024, 6, 5)));
        assert_eq!(stopped_before(&m, Sec(2), eff), None);
        assert_eq!(stopped_before(&m, Sec(0), eff), None);
        // Known only through day 2, B has not stopped yet.
        assert_eq!(stopped_before(&m, Sec(1), Date::ymd(2024, 6, 5)), None);

        let mut s = state(StateKind::Reconstitution, [Change::Stay; 3]);
        assert_eq!(drop_gone(&m, &mut s, eff), 1);
        let b = s.rows.iter().find(|r| r.sec == Sec(1)).unwrap();
        assert_eq!(
            (b.change, b.indexes, b.index_shares),
            (Change::Delete, IndexSet::EMPTY, 0.0)
        );
        assert_eq!(s.count(IndexId::R2000), 2);
    }

    #[test]
    fn a_gone_addition_is_left_out_and_so_is_a_gone_incumbent_of_an_ipo_round() {
        let m = market();
        let eff = Date::ymd(2024, 6, 6);
        let mut s = state(
            StateKind::Reconstitution,
            [Change::Stay, Change::Add, Change::Stay],
        );
        assert_eq!(drop_gone(&m, &mut s, eff), 1);
        assert_eq!(s.rows.len(), 2);
        let mut s = state(StateKind::Additions, [Change::Stay; 3]);
        assert_eq!(drop_gone(&m, &mut s, eff), 1);
        assert!(s.rows.iter().all(|r| r.sec != Sec(1)));
        // Delete rows are left as they are; nothing before the history.
        let mut s = state(StateKind::Reconstitution, [Change::Stay; 3]);
        s.rows[1].indexes = IndexSet::EMPTY;
        s.rows[1].change = Change::Delete;
        assert_eq!(drop_gone(&m, &mut s, eff), 0);
        assert_eq!(drop_gone(&m, &mut s, Date::ymd(2020, 1, 1)), 0);
    }
}
