//! What to calculate, and how.

use rankday_core::{Date, IndexId};

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

/// Which buffers a quarterly share/float update applies (methodology §6,
/// "Shares and float", M §9.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UpdateBuffer {
    /// June: every change is applied.
    None,
    /// December: shares are updated in full, float only if it moved by more
    /// than 3 percentage points (1 point when the current float is 15% or less).
    FloatOnly,
    /// March and September: shares only if they moved by more than 1%, float
    /// only past the 3-point (1-point) buffer.
    SharesAndFloat,
}

/// One quarterly share/float update, effective after the close of
/// `effective_date` (the 3rd Friday of March/September, 4th Friday of June,
/// 2nd Friday of December; the caller computes them, e.g. with
/// `rankday-calendar`, so the calendar stays configuration). Each member's
/// shares outstanding and float are read from its daily row on the
/// effective date (its last row on or before it) and compared with those its
/// index shares stand for; the data cut-off is the caller's business (pass
/// rows as of the cut-off if the history has them later).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShareUpdate {
    /// The update applies after this day's close.
    pub effective_date: Date,
    /// Which changes it applies (see [`UpdateBuffer`]).
    pub buffer: UpdateBuffer,
}

impl ShareUpdate {
    /// The quarterly updates of a reconstitution calendar with effective
    /// dates in `[from, to]`. June and December updates ride with the
    /// reconstitution itself (its membership carries fresh shares and float),
    /// so only the March and September ones (and, before 2026, December's
    /// 3rd-Friday update) are returned.
    pub fn from_calendar(
        cal: &rankday_calendar::ReconCalendar,
        from: Date,
        to: Date,
    ) -> Vec<ShareUpdate> {
        let mut v = Vec::new();
        for y in from.year()..=to.year() {
            for u in cal.share_updates(y) {
                if u.with_recon || u.effective_date < from || u.effective_date > to {
                    continue;
                }
                let buffer = match u.buffer {
                    rankday_calendar::UpdateBuffer::None => UpdateBuffer::None,
                    rankday_calendar::UpdateBuffer::FloatOnly => UpdateBuffer::FloatOnly,
                    rankday_calendar::UpdateBuffer::SharesAndFloat => UpdateBuffer::SharesAndFloat,
                };
                v.push(ShareUpdate {
                    effective_date: u.effective_date,
                    buffer,
                });
            }
        }
        v
    }

    /// [`ShareUpdate::from_calendar`] over the whole history of `market`
    /// (none for an empty market): what a calculation of that market applies.
    pub fn for_market(
        cal: &rankday_calendar::ReconCalendar,
        market: &rankday_core::Market,
    ) -> Vec<ShareUpdate> {
        match (market.first_date(), market.last_date()) {
            (Some(f), Some(l)) => Self::from_calendar(cal, f, l),
            _ => Vec::new(),
        }
    }
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
    /// Quarterly share/float updates, in any order.
    pub share_updates: Vec<ShareUpdate>,
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
            holdings_dates: Vec::new(),
        }
    }
}

impl CalcConfig {
    /// The calculated indexes in `IndexId::ALL` order, duplicates removed.
    pub fn index_list(&self) -> Vec<IndexId> {
        IndexId::ALL
            .iter()
            .copied()
            .filter(|i| self.indexes.is_empty() || self.indexes.contains(i))
            .collect()
    }
}
