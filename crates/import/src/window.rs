//! What the Russell calendar says happened between two file dates.
//!
//! Two holdings files bracket a window; what an index does inside it
//! depends on the calendar events it crosses: a reconstitution replaces
//! the membership (FTSE Russell, Russell US Equity Indexes Construction and
//! Methodology, §1 and §5), a rank day fixes the caps the next one ranks
//! on (§1, §3), a quarterly IPO round adds lines (§1 "IPOs"). A buy-and-hold
//! basket of the first file follows none of them, so the importer warns
//! when a window crosses one, and the rename and split rules weigh their
//! evidence by whether index share counts were reset in between.

use rankday_calendar::ReconCalendar;
use rankday_core::Date;

/// A dated calendar event inside a window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WindowEvent {
    /// A reconstitution's rank day (its effective date may lie after the window).
    RankDay {
        /// The rank day.
        date: Date,
        /// Which reconstitution ("June", "December").
        recon: &'static str,
    },
    /// A reconstitution taking effect (after the close of `date`).
    Reconstitution {
        /// The effective date.
        date: Date,
        /// Which reconstitution.
        recon: &'static str,
    },
    /// A quarterly IPO round taking effect.
    IpoRound {
        /// The effective date.
        date: Date,
    },
}

impl WindowEvent {
    /// The event's date.
    pub fn date(&self) -> Date {
        match self {
            WindowEvent::RankDay { date, .. }
            | WindowEvent::Reconstitution { date, .. }
            | WindowEvent::IpoRound { date } => *date,
        }
    }
}

impl std::fmt::Display for WindowEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WindowEvent::RankDay { date, recon } => {
                write!(
                    f,
                    "the {recon} {} reconstitution's rank day {date}",
                    date.year()
                )
            }
            WindowEvent::Reconstitution { date, recon } => {
                write!(
                    f,
                    "the {recon} {} reconstitution effective {date}",
                    date.year()
                )
            }
            WindowEvent::IpoRound { date } => write!(f, "the quarterly IPO round effective {date}"),
        }
    }
}

/// The calendar events dated strictly after `from` and on or before `to`.
/// A fund trades into a reconstitution at the close of its effective date,
/// and the holdings file of that date already shows the new basket (the
/// scraped IWM lists of 2025-06-27 do), so an effective date on `to` is
/// inside the window and one on `from` is not.
pub fn events_between(cal: &ReconCalendar, from: Date, to: Date) -> Vec<WindowEvent> {
    let mut out = Vec::new();
    if from >= to {
        return out;
    }
    for year in from.year()..=to.year() {
        for r in cal.recons(year) {
            if r.synthetic_era {
                continue;
            }
            let recon = r.kind.label();
            if from < r.rank_date && r.rank_date <= to {
                out.push(WindowEvent::RankDay {
                    date: r.rank_date,
                    recon,
                });
            }
            if from < r.effective_date && r.effective_date <= to {
                out.push(WindowEvent::Reconstitution {
                    date: r.effective_date,
                    recon,
                });
            }
        }
        for ipo in cal.ipo_events(year) {
            if from < ipo.effective_date && ipo.effective_date <= to {
                out.push(WindowEvent::IpoRound {
                    date: ipo.effective_date,
                });
            }
        }
    }
    out.sort_by_key(WindowEvent::date);
    out
}

/// True when a reconstitution takes effect inside the window (index share
/// counts and memberships were reset in between).
pub fn crosses_reconstitution(events: &[WindowEvent]) -> bool {
    events
        .iter()
        .any(|e| matches!(e, WindowEvent::Reconstitution { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2025_june_reconstitution_and_its_rank_day() {
        let cal = ReconCalendar::russell();
        let d = |y, m, dd| Date::ymd(y, m, dd);
        // IWM 2024-09-27 -> 2025-05-13: the December 2024 IPO round, the
        // March 2025 one and the 2025 rank day (April 30), no reconstitution.
        let e = events_between(&cal, d(2024, 9, 27), d(2025, 5, 13));
        assert!(!crosses_reconstitution(&e));
        assert!(e.contains(&WindowEvent::RankDay {
            date: d(2025, 4, 30),
            recon: "June"
        }));
        assert!(e.iter().any(|x| matches!(x, WindowEvent::IpoRound { .. })));
        // IWV 2025-05-21 -> 06-30 crosses the June 27 reconstitution.
        let e = events_between(&cal, d(2025, 5, 21), d(2025, 6, 30));
        assert_eq!(
            e,
            [WindowEvent::Reconstitution {
                date: d(2025, 6, 27),
                recon: "June"
            }]
        );
        // A file dated on the effective date already holds the new basket.
        assert!(!crosses_reconstitution(&events_between(
            &cal,
            d(2025, 6, 27),
            d(2025, 6, 30)
        )));
        assert!(crosses_reconstitution(&events_between(
            &cal,
            d(2025, 6, 26),
            d(2025, 6, 27)
        )));
        assert!(events_between(&cal, d(2025, 5, 2), d(2025, 5, 21)).is_empty());
        assert!(events_between(&cal, d(2025, 5, 21), d(2025, 5, 2)).is_empty());
    }
}
