//! The result of a reconstitution: who is in which index, with what shares.
//!
//! Lives in core, not in `rankday-method`, because every downstream crate
//! (calc, flows, fund, report) consumes it and none of them should depend on
//! the construction rules themselves.

use std::fmt;
use std::str::FromStr;

use crate::{Date, Sec};

crate::security::string_enum!(
    /// The Russell US size indexes (methodology §3).
    IndexId, "index" {
    R3000E => "R3000E",
    R3000 => "R3000",
    R1000 => "R1000",
    R2000 => "R2000",
    RTop200 => "RTOP200",
    RMidcap => "RMIDCAP",
    RTop500 => "RTOP500",
    R2500 => "R2500",
    RMicro => "RMICRO",
});

impl IndexId {
    /// How many indexes the family has: the one count every per-index
    /// array and bit mask of the other crates is sized by.
    pub const COUNT: usize = IndexId::ALL.len();

    /// Column name in the `membership` table (format spec: `r3000e`, `r2000`, ...).
    pub fn column(self) -> &'static str {
        match self {
            IndexId::R3000E => "r3000e",
            IndexId::R3000 => "r3000",
            IndexId::R1000 => "r1000",
            IndexId::R2000 => "r2000",
            IndexId::RTop200 => "rtop200",
            IndexId::RMidcap => "rmidcap",
            IndexId::RTop500 => "rtop500",
            IndexId::R2500 => "r2500",
            IndexId::RMicro => "rmicro",
        }
    }
    /// The index's bit in an [`IndexSet`].
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
    /// Parses a comma-separated list such as `R2000,R1000` (case-insensitive).
    /// An empty list is an error: a command asked for no index would
    /// silently write empty tables.
    pub fn parse_list(s: &str) -> Result<Vec<IndexId>, String> {
        let v: Vec<IndexId> = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| IndexId::from_str(&p.trim().to_ascii_uppercase()))
            .collect::<Result<_, _>>()?;
        if v.is_empty() {
            let all: Vec<&str> = IndexId::ALL.iter().map(|i| i.as_str()).collect();
            return Err(format!(
                "no index named in '{s}' (expected a comma-separated list of: {})",
                all.join(", ")
            ));
        }
        Ok(v)
    }
}

// An `IndexSet` holds one bit per index, and the calculation keeps one more
// bit above them (a line valued at an exit price).
const _: () = assert!(IndexId::COUNT < 16, "IndexSet is a u16 mask");

/// A set of [`IndexId`]s as a bit mask.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct IndexSet(pub u16);

impl IndexSet {
    /// No index: the set of a deleted line.
    pub const EMPTY: IndexSet = IndexSet(0);
    /// Whether `i` is in the set.
    pub fn contains(self, i: IndexId) -> bool {
        self.0 & i.bit() != 0
    }
    /// Adds `i`.
    pub fn insert(&mut self, i: IndexId) {
        self.0 |= i.bit();
    }
    /// Removes `i`.
    pub fn remove(&mut self, i: IndexId) {
        self.0 &= !i.bit();
    }
    /// No index in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The indexes of the set, in [`IndexId::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = IndexId> {
        IndexId::ALL
            .iter()
            .copied()
            .filter(move |i| self.contains(*i))
    }
}

impl FromIterator<IndexId> for IndexSet {
    fn from_iter<T: IntoIterator<Item = IndexId>>(iter: T) -> Self {
        let mut s = IndexSet::EMPTY;
        for i in iter {
            s.insert(i);
        }
        s
    }
}

impl fmt::Debug for IndexSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

crate::security::string_enum!(
    /// A line's change against the previous reconstitution, judged on the
    /// Russell 1000 / 2000 / 3000E boundaries: `add` (new to the R3000E),
    /// `delete` (left it), `up` (R2000 or Microcap -> R1000, or Microcap ->
    /// R2000), `down` (the reverse), `stay`.
    Change, "change" {
    Add => "add",
    Delete => "delete",
    Up => "up",
    Down => "down",
    Stay => "stay",
});

/// One security's line in a membership state.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberRow {
    /// The line.
    pub sec: Sec,
    /// Interned company index (see [`crate::Market::company_of`]).
    pub company: u32,
    /// Company rank by total market cap on rank day (1 = largest); 0 for
    /// rows that are not ranked (deletions).
    pub rank: u32,
    /// The company's total market cap on rank day (USD): every share class, priced at the pricing vehicle; what the ranking uses.
    pub total_market_cap: f64,
    /// The line's float-adjusted market cap on rank day (USD): what its weight starts from.
    pub float_market_cap: f64,
    /// Cumulative share of Russell 3000E total cap down to and including this
    /// company, in percent (0-100].
    pub cumulative_percentile: f64,
    /// The indexes the line belongs to (empty for a deletion).
    pub indexes: IndexSet,
    /// How the line moved against the previous state.
    pub change: Change,
    /// Float-adjusted shares the index holds of this line after the close of
    /// the effective date: counted on rank day and carried through the splits
    /// up to the effective date (before later corporate actions).
    pub index_shares: f64,
}

crate::security::string_enum!(
    /// What a membership state may change (methodology §1 "Timeline" and
    /// "IPOs"). A `reconstitution` sets the whole family and every line's
    /// index shares anew. An `additions` round (the quarterly IPO additions)
    /// only adds lines: incumbents keep the holdings the index has carried
    /// since the last reconstitution, through splits, quarterly share and
    /// float updates and corporate actions, whatever shares the state lists
    /// for them. An `update` records what the family holds after a quarterly
    /// share and float update (FTSE Russell, Russell US Equity Indexes:
    /// Construction and Methodology v7.0 (May 2026), §9.3): the calculation
    /// applies those updates itself, from the calendar and the data of the
    /// cut-off, and takes nothing from such a state; it is there for readers
    /// of the history.
    StateKind, "state kind" {
        Reconstitution => "reconstitution",
        Additions => "additions",
        Update => "update",
    }
);

// `string_enum!` cannot mark a default variant, hence the hand-written impl.
#[allow(clippy::derivable_impls)]
impl Default for StateKind {
    fn default() -> Self {
        StateKind::Reconstitution
    }
}

/// The family after one reconstitution (or an IPO addition round): rows for
/// every member line, plus deleted lines flagged `Change::Delete` with an
/// empty index set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Membership {
    /// The date whose closes ranked the state (for an IPO round, its IPO rank date).
    pub rank_date: Date,
    /// Changes take effect after the close of this date.
    pub effective_date: Date,
    /// What the state may change (see [`StateKind`]).
    pub kind: StateKind,
    /// One row per member line, in rank order, then the deletions.
    pub rows: Vec<MemberRow>,
}

impl Membership {
    /// Member rows of one index.
    pub fn members(&self, index: IndexId) -> impl Iterator<Item = &MemberRow> + '_ {
        self.rows.iter().filter(move |r| r.indexes.contains(index))
    }
    /// Member lines of one index.
    pub fn count(&self, index: IndexId) -> usize {
        self.members(index).count()
    }
}
