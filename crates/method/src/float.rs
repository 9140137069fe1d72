//! Float-adjusted index shares (methodology §5; §1 "What the December recon
//! does differently").
//!
//! June: a full review, index shares = the line's rank-day float shares.
//! December: shares are updated, but the float factor changes only if it moved
//! by more than `float.december_buffer_pts` percentage points against the
//! factor of the previous membership (that membership's index shares over the
//! line's shares outstanding on its rank date). Float factors are not rounded
//! (\[UNCONFIRMED\] whether Russell US rounds; see docs/methodology.md).

use crate::Policy;

/// The previous membership's view of a line, for the December buffer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PreviousFloat {
    /// Shares the index held of the line.
    pub index_shares: f64,
    /// Shares outstanding of the line on the previous rank date.
    pub shares: f64,
}

impl PreviousFloat {
    /// The float factor the index held (index shares ÷ shares outstanding), if defined.
    pub fn factor(&self) -> Option<f64> {
        (self.shares > 0.0 && self.index_shares.is_finite())
            .then(|| self.index_shares / self.shares)
    }
}

/// Index shares of a line with `shares` outstanding and `float` available shares on rank day.
pub fn index_shares(
    shares: f64,
    float: f64,
    december: bool,
    prev: Option<PreviousFloat>,
    p: &Policy,
) -> f64 {
    if !december {
        return float;
    }
    let Some(old) = prev.and_then(|x| x.factor()) else {
        return float;
    };
    let new = float / shares;
    if (100.0 * (new - old)).abs() > p.float.december_buffer_pts {
        float
    } else {
        shares * old
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn june_full_review_december_buffer() {
        let p = Policy::russell();
        let prev = Some(PreviousFloat {
            index_shares: 600.0,
            shares: 1000.0,
        }); // 60%
        assert_eq!(index_shares(2000.0, 1250.0, false, prev, &p), 1250.0);
        // 62.5% vs 60%: within 3 points, keep 60% of the new share count.
        assert_eq!(index_shares(2000.0, 1250.0, true, prev, &p), 1200.0);
        // 65% vs 60%: beyond the buffer, take the new float.
        assert_eq!(index_shares(2000.0, 1300.0, true, prev, &p), 1300.0);
        // New line in December: its float.
        assert_eq!(index_shares(2000.0, 1250.0, true, None, &p), 1250.0);
    }
}
