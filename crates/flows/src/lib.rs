//! # rankday-flows: reconstitution flows
//!
//! Given two membership states of the Russell US family (what the index
//! holds before an effective date, best `rankday_calc::holdings_state` so the
//! quarterly updates are in it, and the new reconstitution; or any two
//! states) and a market,
//! this crate answers the questions of a reconstitution desk: **what will
//! passive money buy and sell, name by name, how hard is it to trade, and how
//! large is the event** index by index and across the complex.
//!
//! ## The model
//!
//! * **Passive ownership** ([`passive`]). A fully invested fund tracking index
//!   `I` with assets `AUM_I` holds `AUM_I × w_I(s)` dollars of member `s`, so
//!   passive shares held = `Σ_I AUM_I × w_I(s) / price(s)`. Assets per index
//!   come from a TOML policy, each as dollars (`aum_usd`) or as a share of
//!   the index's float-adjusted cap (`share_of_float_cap`, resolved on the
//!   state before the event at its close, so that a fund owns the same
//!   fraction of a member's float on any market and in any year). The shipped
//!   policy (`policy/passive.toml`) gives shares: 2026 passive dollars over
//!   2026 float caps (caps approximate, our assumption):
//!
//!   | index | share of float cap | 2026 $ | basis |
//!   |---|---|---|---|
//!   | R1000 | 0.014 | 800bn | IWB, VONE, R1000 Growth/Value ETFs, institutional mandates |
//!   | R3000 | 0.0117 | 700bn | IWV, VTHR, all-cap pension and collective-trust mandates |
//!   | R2000 | 0.10 | 300bn | **IWM $75.4bn (May 2026)**, VTWO, IWO/IWN, small-cap mandates |
//!   | Midcap | 0.0053 | 80bn | IWR and mid-cap mandates |
//!   | R2500 | 0.005 | 40bn | SMMD, SMID mandates |
//!   | Top 200 | 0.00071 | 30bn | IWL, IWX/IWY |
//!   | R3000E | 0.0005 | 30bn | extended-market mandates |
//!   | Microcap | 0.014 | 10bn | IWC and micro-cap mandates |
//!   | Top 500 | 0.0002 | 10bn | Top 500 trackers |
//!
//!   The 2026 total, $2.0T, matches ">$2T indexed directly" (Nasdaq 2022) and
//!   "~$2T passive" (CME 2025) against $12.2T benchmarked (FTSE Russell, June
//!   2025); IWM's size is from iShares (methodology note §8). **The split is
//!   our assumption**: no source splits the total by index. It is chosen so
//!   that, with R1000 float cap near $55T and R2000 near $3T, passive funds
//!   own roughly 2.5% of an R1000 stock's float but about 11% of an R2000
//!   stock's: the discontinuity at rank 1,000 that Chang, Hong & Liskovich
//!   (RFS 2015) and Appel, Gormley & Keim (JFE 2016) exploit (index weights
//!   just inside the R2000 are 10–15× those just inside the R1000). Style
//!   indexes (Growth/Value) are out of scope: rankday builds no style
//!   probabilities, and style funds hold the stocks of their parent size
//!   index, so their dollars are counted under it.
//!   Replace or amend the policy with [`PassiveModel::from_file`]
//!   (`extends = "russell_default"` keeps the defaults you do not override).
//!
//! * **Weights** ([`demand`]). Each state is weighted at one close, the last
//!   trading day on or before the pricing date (the effective date for a
//!   realised recon, the as-of date for a forecast): `index_shares × close`
//!   over the index total. Index shares are rolled forward over splits since
//!   the state took effect; members of the old state that stopped trading
//!   before the pricing day (acquired, delisted) are taken as already gone.
//!   Assets are held fixed, so each fund's buys equal its sells.
//!
//! * **Demand** = passive shares after − before, in shares and dollars. One
//!   formula covers additions, deletions (selling equal to the whole passive
//!   holding), up- and down-migrations, stayers' re-weighting, and share or
//!   float changes implemented the same day.
//!
//! * **Liquidity** ([`liquidity`]). ADV = mean split-adjusted volume over the
//!   last `adv_days` (20) trading days before the effective date, excluding
//!   it; days of volume = |demand| / ADV; auction multiple = |demand| /
//!   (closing-auction share × ADV), because recon demand executes at one
//!   closing auction (over $219bn at the 2024 recon close, §8).
//!
//! * **Impact** ([`impact`]). Square-root law at the close,
//!   `Y · σ_daily · √(|Q|/V_close)` with `V_close = |Q| + closing-auction
//!   share × ADV`, the volume the effective date's close is expected to
//!   trade (the order crosses there, against liquidity pre-positioned for
//!   it), signed, in bp, with `σ_daily` from `vol_days` (60) close-to-close
//!   log returns and `Y ≈ 1` (Almgren et al. 2005; Tóth et al. 2011). At most
//!   `Y · σ_daily`: see [`impact::close_impact_bps`].
//!
//! * **Summary** ([`summary`]): per-index one-way turnover `½Σ|Δw|` and
//!   dollars, net buys and sells across names, the part crossed inside the
//!   passive complex, net buying by total-cap decile, the top names by days
//!   of volume, and counts of adds, deletes, ups and downs. For scale: IWM's
//!   one-way turnover at the 2025 recon was 7.45%, about $4.8bn (data README,
//!   test 5).
//!
//! * **Forecasts** ([`forecast`]): the standard as-of dates of a recon (rank
//!   day, preliminary lists, lock-down, effective date; methodology §1) and a
//!   convergence table of forecasts made at each against the final one.
//!
//! All sums run in security order: results are reproducible to the bit.
//!
//! ```
//! use rankday_flows::{FlowConfig, PassiveModel, PassiveSize};
//! use rankday_core::IndexId;
//! let model = PassiveModel::russell_default();
//! let r2000 = model.size(IndexId::R2000);
//! assert_eq!(r2000, PassiveSize::ShareOfFloatCap(0.10));
//! // On a Russell 2000 of $3T float cap, 10% is $300bn.
//! assert_eq!(r2000.resolve(3.0e12), 300e9);
//! let cfg = FlowConfig::default();
//! assert_eq!((cfg.adv_days, cfg.vol_days), (20, 60));
//! ```

pub mod demand;
pub mod forecast;
pub mod impact;
pub mod liquidity;
pub mod passive;
pub mod summary;

use rankday_core::{Change, Date, IndexId, Sec};

pub use demand::{change_between, compute_flows, passive_holdings, PassiveHolding};
pub use forecast::{convergence, stage_dates, ConvergenceRow, Stage};
pub use passive::{IndexAum, PassiveModel, PassiveSize};
pub use summary::{ChangeCounts, DecileFlow, FlowSummary, IndexFlow, TopName};

/// Number of indexes in the family ([`IndexId::ALL`]).
pub(crate) const N_INDEXES: usize = IndexId::COUNT;

/// Errors of flow computation and policy loading.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The passive model TOML is not valid.
    #[error("passive policy: {0}")]
    Policy(String),
    /// The passive model file could not be read.
    #[error("cannot read passive policy {path}: {source}")]
    PolicyFile {
        /// The file.
        path: String,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A flow setting is out of range.
    #[error("invalid flow configuration: {0}")]
    Config(String),
    /// No trading day to price on: the date is before the history.
    #[error("no trading day on or before the pricing date {0}")]
    NoPricingDay(Date),
    /// A line to be weighted has no close: its weight would be undefined.
    #[error("no close for {ticker} ({security_id}) on or before {date}: cannot weight it")]
    NoPrice {
        /// The line.
        security_id: String,
        /// Its ticker.
        ticker: String,
        /// The pricing date.
        date: Date,
    },
    /// A membership row names a line the market does not have.
    #[error("security index {sec} of the {which} membership is not in the market")]
    UnknownSec {
        /// The security index.
        sec: u32,
        /// "before" or "after".
        which: &'static str,
    },
    /// A line is listed twice in one state.
    #[error("{security_id} appears twice in the {which} membership")]
    DuplicateRow {
        /// The line.
        security_id: String,
        /// "before" or "after".
        which: &'static str,
    },
    /// A line has a negative or non-finite share count in a state.
    #[error("{security_id} has index_shares {shares} in the {which} membership")]
    BadShares {
        /// The line.
        security_id: String,
        /// "before" or "after".
        which: &'static str,
        /// The shares.
        shares: f64,
    },
}

/// Knobs of the liquidity and impact model. Deserialises from TOML with
/// every key optional (missing keys keep the defaults, unknown keys are
/// errors), so a CLI can read it from a `[flows]` table.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlowConfig {
    /// Trading days of volume in the ADV (20: the desk convention, one month).
    pub adv_days: usize,
    /// Square-root-law prefactor `Y` (≈1; Tóth et al. 2011 report Y of order
    /// one; Almgren et al. 2005 fit about 0.3–1 depending on definitions).
    pub impact_y: f64,
    /// Trading days of returns for the daily σ (60: about a quarter).
    pub vol_days: usize,
    /// Share of a normal day's volume traded in the closing auction (0.09).
    /// \[UNCONFIRMED\] No figure in our sources; industry market-structure
    /// reports put US closing auctions at roughly 7–11% of consolidated volume
    /// in 2020–2025 (higher for NYSE listings, lower for small Nasdaq names).
    pub closing_auction_share: f64,
    /// How many names [`FlowSummary::top_by_days_of_volume`] keeps.
    pub top_n: usize,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            adv_days: 20,
            impact_y: 1.0,
            vol_days: 60,
            closing_auction_share: 0.09,
            top_n: 25,
        }
    }
}

impl FlowConfig {
    /// Parses and validates a TOML table such as `adv_days = 10`.
    pub fn from_toml(s: &str) -> Result<Self, FlowError> {
        let cfg: FlowConfig = toml::from_str(s).map_err(|e| FlowError::Config(e.to_string()))?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks every knob is in range, so a bad setting is an error before any computation.
    pub fn validate(&self) -> Result<(), FlowError> {
        if self.adv_days == 0 {
            return Err(FlowError::Config("adv_days must be at least 1".into()));
        }
        if self.vol_days < 2 {
            return Err(FlowError::Config("vol_days must be at least 2".into()));
        }
        if !(self.impact_y.is_finite() && self.impact_y >= 0.0) {
            return Err(FlowError::Config(format!(
                "impact_y must be finite and non-negative, got {}",
                self.impact_y
            )));
        }
        if !(self.closing_auction_share > 0.0 && self.closing_auction_share <= 1.0) {
            return Err(FlowError::Config(format!(
                "closing_auction_share must be in (0, 1], got {}",
                self.closing_auction_share
            )));
        }
        Ok(())
    }
}

/// One name's passive flow at an event (the `flows` table of the format spec).
#[derive(Clone, Debug, PartialEq)]
pub struct FlowRow {
    /// The reconstitution's effective date.
    pub effective_date: Date,
    /// The line.
    pub sec: Sec,
    /// Its ticker.
    pub ticker: String,
    /// Change on the R1000 / R2000 / R3000E boundaries between the two states.
    pub change: Change,
    /// Weight in every index the name belongs to before (IndexId order).
    pub weights_before: Vec<(IndexId, f64)>,
    /// Weight in every index the name belongs to after.
    pub weights_after: Vec<(IndexId, f64)>,
    /// Shares passive funds hold before.
    pub passive_shares_before: f64,
    /// Shares passive funds hold after.
    pub passive_shares_after: f64,
    /// after − before, in pricing-date shares: > 0 passive buying.
    pub demand_shares: f64,
    /// `demand_shares` at the pricing close.
    pub demand_usd: f64,
    /// Split-adjusted 20-day ADV before the effective date; NaN if none.
    pub adv_shares: f64,
    /// |demand| ÷ ADV: how many days of normal trading the demand is.
    pub days_of_volume: f64,
    /// |demand| / (closing-auction share × ADV).
    pub auction_multiple: f64,
    /// Signed square-root impact, bp.
    pub impact_bps: f64,
    /// Daily return volatility over the impact window.
    pub daily_sigma: f64,
    /// Close on the pricing day that weighted both states.
    pub price: f64,
    /// Total market cap from the `after` row (else `before`), for deciles.
    pub total_market_cap: f64,
}
