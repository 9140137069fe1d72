//! The divisor and why it changes.
//!
//! Methodology §6 "Index level": `I_t = Σ p_i,t · N_i / D_t`. After every
//! change of index shares `N_i` (reconstitution, IPO addition, quarterly
//! update, deletion, acquisition, special dividend) the divisor is reset so
//! that the level does not move at the (adjusted) prices of the moment:
//! `D_new = D_old · MV_after / MV_before`.
//!
//! The divisor changes only on such events, never in response to prices
//! (field notes A.1, the `tradefloor` failure). Splits and spin-offs change
//! `N_i` without changing the market value, so they leave it alone.

use std::fmt;

use rankday_core::{Date, IndexId, Sec};

/// Why a divisor changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DivisorReason {
    /// A membership state that moved, removed or re-weighted existing lines.
    Reconstitution,
    /// A membership state that only added lines (IPO or fast-entry round).
    IpoAddition,
    /// A quarterly share/float update.
    ShareUpdate,
    /// An intra-quarter update of `sec` after an offering (FTSE Russell v7.0 §9.3.6).
    Offering {
        /// The line updated.
        sec: Sec,
    },
    /// A delisting or bankruptcy removed the line at its final price.
    Deletion {
        /// The line removed.
        sec: Sec,
    },
    /// A special dividend (return of capital) went ex.
    SpecialDividend {
        /// The paying line.
        sec: Sec,
    },
    /// `sec` (the target) was acquired: deleted at the deal value; the
    /// acquirer's shares were raised if it is a member.
    Acquisition {
        /// The target.
        sec: Sec,
    },
    /// A spun-off line that is structurally ineligible left after the close
    /// of its ex-date.
    SpinOffRemoval {
        /// The spun-off line.
        sec: Sec,
    },
}

impl DivisorReason {
    /// The kind of event: `reconstitution`, `ipo_addition`, `share_update`,
    /// `offering`, `deletion`, `special_dividend`, `acquisition`, `spin_off_removal`.
    pub fn kind(&self) -> &'static str {
        match self {
            DivisorReason::Reconstitution => "reconstitution",
            DivisorReason::IpoAddition => "ipo_addition",
            DivisorReason::ShareUpdate => "share_update",
            DivisorReason::Offering { .. } => "offering",
            DivisorReason::Deletion { .. } => "deletion",
            DivisorReason::SpecialDividend { .. } => "special_dividend",
            DivisorReason::Acquisition { .. } => "acquisition",
            DivisorReason::SpinOffRemoval { .. } => "spin_off_removal",
        }
    }

    /// The line the event is about, if one.
    pub fn sec(&self) -> Option<Sec> {
        match *self {
            DivisorReason::Offering { sec }
            | DivisorReason::Deletion { sec }
            | DivisorReason::SpecialDividend { sec }
            | DivisorReason::Acquisition { sec }
            | DivisorReason::SpinOffRemoval { sec } => Some(sec),
            _ => None,
        }
    }

    /// The reason as users read it: the kind, and the line by its
    /// `security_id` (`acquisition(S002413)`), never the store's internal
    /// index.
    pub fn describe(&self, market: &rankday_core::Market) -> String {
        match self.sec() {
            Some(sec) => format!("{}({})", self.kind(), market.security(sec).security_id),
            None => self.kind().to_string(),
        }
    }
}

/// The kind only: a line is named by [`DivisorReason::describe`], which needs
/// the market to give its `security_id`.
impl fmt::Display for DivisorReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

/// One divisor reset. `mv_before / old == mv_after / new`: the level at the
/// moment of the event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DivisorChange {
    /// The ex-date for before-the-open events (special dividends), the
    /// effective date for after-the-close events (everything else).
    pub date: Date,
    /// The index.
    pub index: IndexId,
    /// The divisor before the event.
    pub old: f64,
    /// The divisor after it.
    pub new: f64,
    /// The index's market value before the event (USD).
    pub mv_before: f64,
    /// The index's market value after it.
    pub mv_after: f64,
    /// What moved the divisor.
    pub reason: DivisorReason,
}

impl DivisorChange {
    /// Level implied before and after the change.
    pub fn levels(&self) -> (f64, f64) {
        (self.mv_before / self.old, self.mv_after / self.new)
    }
}

/// `D_new = D_old · MV_after / MV_before`.
pub fn reset(old: f64, mv_before: f64, mv_after: f64) -> f64 {
    old * (mv_after / mv_before)
}
