//! Float-adjusted index shares of a reconstitution.
//!
//! FTSE Russell, Russell US Equity Indexes: Construction and Methodology v7.0
//! (May 2026), §7.1.1 and §9.3.2–§9.3.3: in June free float is fully
//! reviewed (index shares = the line's rank-day float shares, no buffer); in
//! December shares are updated in full but the float factor changes only
//! "for material changes, consistent with the quarterly review process":
//! past 3 percentage points, or 1 point when the float the index holds is
//! 15% or below (§9.3.4). The rule is the quarterly updates' own,
//! [`BufferThresholds::apply`] with [`UpdateBuffer::FloatOnly`]; its
//! thresholds come with the schedule (`ReconSpec::buffers`).
//!
//! The factor the December buffer starts from is the one the index holds on
//! rank day (after the September update, the IPO round and every corporate
//! action: `Previous::held` in `reconstitute`); for a previous state that is only a
//! membership (a table read from a file) it is that state's index shares over
//! the line's shares outstanding on its rank date. Float factors are not
//! rounded (\[UNCONFIRMED\] whether Russell US rounds; see docs/methodology.md).

use rankday_calendar::{BufferThresholds, UpdateBuffer};

/// The float factor a line's previous index shares stand for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PreviousFloat {
    /// Shares the index held of the line.
    pub index_shares: f64,
    /// Shares outstanding those index shares stand for.
    pub shares: f64,
}

impl PreviousFloat {
    /// The float factor the index held (index shares ÷ shares outstanding), if defined.
    pub fn factor(&self) -> Option<f64> {
        let f = self.index_shares / self.shares;
        (self.shares > 0.0 && f.is_finite() && f > 0.0).then_some(f)
    }
}

/// Index shares of a line with `shares` outstanding and `float` available
/// shares on rank day; `december` buffers the float against `prev`.
pub fn index_shares(
    shares: f64,
    float: f64,
    december: bool,
    prev: Option<PreviousFloat>,
    buffers: &BufferThresholds,
) -> f64 {
    if !december {
        return float;
    }
    let Some(old) = prev.and_then(|x| x.factor()) else {
        return float;
    };
    let (s, f) = buffers.apply(
        UpdateBuffer::FloatOnly,
        (shares, old),
        (shares, float / shares),
    );
    if f == float / shares {
        // The new float (not shares × a factor that rounds back to it).
        float
    } else {
        s * f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn june_full_review_december_buffer() {
        let b = BufferThresholds::RUSSELL;
        let prev = Some(PreviousFloat {
            index_shares: 600.0,
            shares: 1000.0,
        }); // 60%
        assert_eq!(index_shares(2000.0, 1250.0, false, prev, &b), 1250.0);
        // 62.5% vs 60%: within 3 points, keep 60% of the new share count.
        assert_eq!(index_shares(2000.0, 1250.0, true, prev, &b), 1200.0);
        // 65% vs 60%: beyond the buffer, take the new float.
        assert_eq!(index_shares(2000.0, 1300.0, true, prev, &b), 1300.0);
        // New line in December: its float.
        assert_eq!(index_shares(2000.0, 1250.0, true, None, &b), 1250.0);
    }

    /// §9.3.4: a float of 15% or below moves past 1 point, not 3.
    #[test]
    fn december_low_float_buffer_is_one_point() {
        let b = BufferThresholds::RUSSELL;
        let prev = Some(PreviousFloat {
            index_shares: 100.0,
            shares: 1000.0,
        }); // 10%
            // 12% vs 10%: past 1 point, the new float.
        assert_eq!(index_shares(1000.0, 120.0, true, prev, &b), 120.0);
        // 10.5%: within the point, the held 10%.
        assert_eq!(index_shares(1000.0, 105.0, true, prev, &b), 100.0);
    }
}
