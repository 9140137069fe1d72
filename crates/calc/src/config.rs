//! What to calculate, and how.

use rankday_calendar::{BufferThresholds, OfferingThresholds, ReconCalendar, ShareUpdate};
use rankday_core::{Date, IndexId, Market};

/// How ordinary dividends are reinvested in the total-return (and net-return)
/// series. Methodology §6 "Total and net return".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TrConvention {
    /// S&P / FTSE Russell style (the default):
    /// `TR_t = TR_{t-1} · (I_t + XD_t) / I_{t-1}`, with `XD_t = Σ div_i·N_i / D_t`
    /// the dividend points of the day. The dividend is reinvested at the
    /// previous close, before the day's price move.
    #[default]
    ProviderStyle,
    /// NSE style: the indexed dividend is compounded with the same day's
    /// return, `TR_t = (TR_{t-1} + ID_t)(1 + R_t)`, `R_t = I_t/I_{t-1} - 1`.
    /// NSE adds the dividend points `ID_t` (price-index points) to the TR
    /// level as they are; that is only scale-consistent while TR and price
    /// index share a value, so we add `ID_t · TR_{t-1}/I_{t-1}`, which is NSE's
    /// formula exactly on its base date and stays meaningful over decades
    /// (GC-10 matches to 1e-4 either way).
    CompoundSameDay,
}

/// The quarterly share/float updates of a reconstitution calendar with
/// effective dates in `[from, to]` that the calculation applies itself.
/// June's (and from 2026 December's) ride with the reconstitution, whose
/// state carries fresh shares and float (the December one through the same
/// buffer rule, [`BufferThresholds::apply`]), so only March and September
/// (and before 2026 December's 3rd-Friday update) are returned.
pub fn share_updates(cal: &ReconCalendar, from: Date, to: Date) -> Vec<ShareUpdate> {
    let mut v = Vec::new();
    for y in from.year()..=to.year() {
        for u in cal.share_updates(y) {
            if u.with_recon || u.effective_date < from || u.effective_date > to {
                continue;
            }
            v.push(u);
        }
    }
    v
}

/// What [`crate::calculate`] computes.
#[derive(Clone, Debug, PartialEq)]
pub struct CalcConfig {
    /// Indexes to calculate; empty means all nine. Output rows follow
    /// `IndexId::ALL` order whatever the order here.
    pub indexes: Vec<IndexId>,
    /// First date of output. Levels are path-dependent, so the calculation
    /// always runs from the start of the history; `from` only trims output
    /// (levels, divisor changes, halts, snapshots).
    pub from: Option<Date>,
    /// Last date calculated (inclusive).
    pub to: Option<Date>,
    /// Dividend withholding rate of the net-return series, in [0, 1].
    /// Default 0.30: the US statutory rate on dividends paid to non-resident
    /// holders without a treaty, the convention of "net" US index series.
    pub withholding_rate: f64,
    /// How total return treats an ex-date (provider style by default).
    pub tr_convention: TrConvention,
    /// Quarterly share/float updates, in any order: each reads the members'
    /// shares and float at its data cut-off and applies its buffer
    /// (FTSE Russell v7.0 §9.3.1–§9.3.5).
    pub share_updates: Vec<ShareUpdate>,
    /// The thresholds of those buffers (§9.3.4).
    pub buffers: BufferThresholds,
    /// When an `offering` action updates a member between quarterly updates
    /// (§9.3.6–§9.3.7).
    pub offerings: OfferingThresholds,
    /// Dates at whose close (after that day's after-the-close changes) the
    /// holdings of every calculated index are recorded in
    /// [`crate::CalcOutput::holdings_at`]. A date that is not a trading day
    /// is taken at the last trading day on or before it.
    pub holdings_dates: Vec<Date>,
}

impl Default for CalcConfig {
    fn default() -> Self {
        CalcConfig {
            indexes: Vec::new(),
            from: None,
            to: None,
            withholding_rate: 0.30,
            tr_convention: TrConvention::ProviderStyle,
            share_updates: Vec::new(),
            buffers: BufferThresholds::RUSSELL,
            offerings: OfferingThresholds::RUSSELL,
            holdings_dates: Vec::new(),
        }
    }
}

impl CalcConfig {
    /// The configuration of a calculation under a reconstitution calendar:
    /// its quarterly updates over the history of `market` and the thresholds
    /// of its buffers and of intra-quarter updates.
    pub fn for_calendar(cal: &ReconCalendar, market: &Market) -> CalcConfig {
        let share_updates = match (market.first_date(), market.last_date()) {
            (Some(f), Some(l)) => share_updates(cal, f, l),
            _ => Vec::new(),
        };
        CalcConfig {
            share_updates,
            buffers: cal.buffer_thresholds(),
            offerings: cal.offering_thresholds(),
            ..CalcConfig::default()
        }
    }

    /// The calculated indexes in `IndexId::ALL` order, duplicates removed.
    pub fn index_list(&self) -> Vec<IndexId> {
        IndexId::ALL
            .iter()
            .copied()
            .filter(|i| self.indexes.is_empty() || self.indexes.contains(i))
            .collect()
    }
}
