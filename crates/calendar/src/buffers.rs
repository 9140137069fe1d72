//! The share and float buffers of the quarterly updates and of the December
//! reconstitution, and the thresholds of intra-quarter updates after offerings:
//! one home for each rule, used by the calculation (quarterly and intra-quarter
//! updates) and by the construction (the December float review).

use serde::Deserialize;

use crate::recon_policy::BufferThresholds;
use crate::UpdateBuffer;

impl BufferThresholds {
    /// The thresholds of FTSE Russell, Russell US Equity Indexes: Construction
    /// and Methodology v7.0 (May 2026), §9.3.4: shares move past a 1% change,
    /// float past 3 percentage points, or 1 point for a constituent whose free
    /// float is 15% or below.
    pub const RUSSELL: BufferThresholds = BufferThresholds {
        shares_pct: 1.0,
        float_points: 3.0,
        low_float_points: 1.0,
        low_float_max_pct: 15.0,
    };

    /// The shares outstanding and float factor an update adopts, from those
    /// the index holds (`held`) and those of the data cut-off (`new`), each
    /// `(shares, float factor)` with the factor in [0, 1].
    ///
    /// FTSE Russell, Russell US Equity Indexes: Construction and Methodology
    /// v7.0 (May 2026): §9.3.2 June takes every change (no buffer); §9.3.3
    /// December updates shares in full and float only past the buffer (and §7.1.1:
    /// "free float is updated only for material changes, consistent with the
    /// quarterly review process"); §9.3.4 March and September buffer both:
    /// cumulative shares past `shares_pct`, float past `float_points`, or past
    /// `low_float_points` when the float the index holds is at or below
    /// `low_float_max_pct` (GC-08: from 8%, only above 9% or below 7%).
    pub fn apply(&self, buffer: UpdateBuffer, held: (f64, f64), new: (f64, f64)) -> (f64, f64) {
        let (shares, frac) = held;
        let (new_shares, new_frac) = new;
        let band = if frac <= self.low_float_max_pct / 100.0 {
            self.low_float_points / 100.0
        } else {
            self.float_points / 100.0
        };
        let float = if (new_frac - frac).abs() > band {
            new_frac
        } else {
            frac
        };
        match buffer {
            UpdateBuffer::None => (new_shares, new_frac),
            UpdateBuffer::FloatOnly => (new_shares, float),
            UpdateBuffer::SharesAndFloat => {
                let moved = (new_shares / shares - 1.0).abs() > self.shares_pct / 100.0;
                (if moved { new_shares } else { shares }, float)
            }
        }
    }
}

impl Default for BufferThresholds {
    fn default() -> Self {
        BufferThresholds::RUSSELL
    }
}

/// When an offering of a member's shares triggers an update outside the
/// quarterly cycle (FTSE Russell, Russell US Equity Indexes: Construction and
/// Methodology v7.0 (May 2026), §9.3.6–§9.3.7): the change to index shares
/// times the offer price is at least `min_usd`, or the change is at least
/// `min_pct` percent of index shares and at least `min_usd_with_pct`; the
/// update takes effect after the close `notice_days` trading days after the
/// pricing date. Smaller offerings wait for the quarterly update.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct OfferingThresholds {
    /// Investable market cap change that triggers an update on its own (USD 1bn).
    pub min_usd: f64,
    /// Change in index shares, in percent, that triggers an update together
    /// with `min_usd_with_pct` (5%).
    pub min_pct: f64,
    /// Investable market cap change required with `min_pct` (USD 250m).
    pub min_usd_with_pct: f64,
    /// Trading days of notice from the close of the pricing date (2).
    pub notice_days: u32,
}

impl OfferingThresholds {
    /// The v7.0 thresholds (§9.3.6): USD 1bn, or 5% of index shares and USD 250m; two days' notice.
    pub const RUSSELL: OfferingThresholds = OfferingThresholds {
        min_usd: 1e9,
        min_pct: 5.0,
        min_usd_with_pct: 2.5e8,
        notice_days: 2,
    };

    /// Whether a change of `delta` index shares at `price`, against `held`
    /// index shares, triggers an intra-quarter update (§9.3.6).
    pub fn triggers(&self, delta: f64, held: f64, price: f64) -> bool {
        let usd = (delta * price).abs();
        usd >= self.min_usd
            || (held > 0.0
                && (delta / held).abs() * 100.0 >= self.min_pct
                && usd >= self.min_usd_with_pct)
    }
}

impl Default for OfferingThresholds {
    fn default() -> Self {
        OfferingThresholds::RUSSELL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GC-08 (§9.3.4): a constituent at 8% float moves only above 9% or below 7%.
    #[test]
    fn low_float_band_is_one_point() {
        let b = BufferThresholds::RUSSELL;
        let q = UpdateBuffer::SharesAndFloat;
        assert_eq!(b.apply(q, (1e6, 0.08), (1e6, 0.095)).1, 0.095);
        assert_eq!(b.apply(q, (1e6, 0.08), (1e6, 0.085)).1, 0.08);
        assert_eq!(
            b.apply(UpdateBuffer::FloatOnly, (1e6, 0.08), (1e6, 0.069))
                .1,
            0.069
        );
        assert_eq!(b.apply(q, (1e6, 0.30), (1e6, 0.32)).1, 0.30);
        assert_eq!(b.apply(q, (1e6, 0.30), (1e6, 0.34)).1, 0.34);
        // Shares: 1% in March/September, in full in December and June.
        assert_eq!(b.apply(q, (1e6, 0.5), (1.005e6, 0.5)).0, 1e6);
        assert_eq!(b.apply(q, (1e6, 0.5), (1.02e6, 0.5)).0, 1.02e6);
        assert_eq!(
            b.apply(UpdateBuffer::FloatOnly, (1e6, 0.5), (1.005e6, 0.5))
                .0,
            1.005e6
        );
        assert_eq!(
            b.apply(UpdateBuffer::None, (1e6, 0.5), (1.005e6, 0.501)),
            (1.005e6, 0.501)
        );
    }

    /// §9.3.6: USD 1bn alone, or 5% of index shares with USD 250m.
    #[test]
    fn offering_thresholds() {
        let t = OfferingThresholds::RUSSELL;
        assert!(t.triggers(50e6, 1e9, 20.0)); // $1bn, 5% of 1bn shares
        assert!(!t.triggers(49e6, 1e9, 20.0)); // $980m, 4.9%
        assert!(t.triggers(6e6, 100e6, 50.0)); // $300m, 6%
        assert!(!t.triggers(6e6, 100e6, 40.0)); // $240m, 6%
        assert!(!t.triggers(4e6, 100e6, 100.0)); // $400m, 4%
    }
}
