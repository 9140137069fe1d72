//! Percentile banding (methodology §4 "Algorithm").
//!
//! For a banded cut at rank `b` with half-width `w`, `P_b` is the cumulative
//! percentile of the company ranked `b`. An existing Russell 3000 member whose
//! rank puts it on the other side of `b` than its current index stays where it
//! is if its percentile lies in `[P_b − w, P_b + w]` (closed). Everyone else —
//! including Microcap members outside the R3000, treated as new — is placed by
//! rank. A member inside several bands is subject to each. Banding applies
//! only when the reconstitution asks for it (from 2007, §4) and only to cuts
//! that at least `b` eligible companies reach.

use rankday_core::{IndexId, IndexSet};

use crate::ranking::{Breakpoints, Cut};
use crate::Policy;

/// Side of each banded cut ([`Cut::BANDED`] order) implied by a previous
/// membership index set, if the company was a Russell 3000 member.
pub fn previous_sides(prev: IndexSet) -> Option<[bool; 4]> {
    prev.contains(IndexId::R3000).then(|| {
        [
            prev.contains(IndexId::RTop200),
            prev.contains(IndexId::RTop500),
            prev.contains(IndexId::R1000),
            !prev.contains(IndexId::RMicro),
        ]
    })
}

/// One band's parameters for [`band_sides`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActiveBand {
    /// The cut's nominal rank (1,000 for the R1000 band).
    pub cut_rank: u32,
    /// Cumulative percentile of the company ranked at the cut.
    pub p_b: f64,
    /// Half the band's width, in percentile points (2.5).
    pub half_width: f64,
}

/// The active bands of a reconstitution, in [`Cut::BANDED`] order (`None` =
/// no band at that cut).
pub fn active_bands(bp: &Breakpoints, enabled: bool) -> [Option<ActiveBand>; 4] {
    Cut::BANDED.map(|c| {
        let b = bp.get(c);
        match (enabled, b.band) {
            (true, Some(band)) => Some(ActiveBand {
                cut_rank: b.nominal_rank,
                p_b: b.percentile,
                half_width: band.half_width,
            }),
            _ => None,
        }
    })
}

/// Sides after banding, and which cuts the band decided (kept against rank).
/// Upper sides are then made consistent downwards: at or above a smaller cut
/// implies at or above every larger cut.
pub fn band_sides(
    rank: u32,
    pct: f64,
    prev: Option<[bool; 4]>,
    bands: &[Option<ActiveBand>; 4],
    p: &Policy,
) -> ([bool; 4], [bool; 4]) {
    let mut upper = crate::ranking::sides_by_rank(rank, p);
    let mut kept = [false; 4];
    if let Some(prev) = prev {
        for i in 0..4 {
            if let Some(b) = bands[i] {
                if prev[i] != upper[i] && in_band(pct, b) {
                    upper[i] = prev[i];
                    kept[i] = true;
                }
            }
        }
    }
    for i in 1..4 {
        upper[i] |= upper[i - 1];
    }
    (upper, kept)
}

/// Closed band test.
pub fn in_band(pct: f64, b: ActiveBand) -> bool {
    pct >= b.p_b - b.half_width && pct <= b.p_b + b.half_width
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GC-05 on the band rule alone: the table's cumulative caps over the
    /// $182,500m total, breakpoint at rank 1000.
    #[test]
    fn gc05_band_rule() {
        let p = Policy::russell();
        let total: f64 = 182_500.0;
        let rows: [(u32, bool, f64, f64, bool); 9] = [
            (995, true, 154_000.0, 84.38, true),
            (996, false, 156_105.0, 85.54, true),
            (997, true, 158_205.0, 86.69, true),
            (998, false, 160_216.0, 87.79, false),
            (999, false, 162_226.0, 88.89, false),
            (1000, false, 164_226.0, 89.99, false),
            (1001, true, 166_221.0, 91.08, true),
            (1002, false, 168_171.0, 92.15, false),
            (1003, true, 170_094.0, 93.20, false),
        ];
        let p_b = 100.0 * 164_226.0 / total;
        assert!((p_b - 89.99).abs() < 0.005);
        let bands = [
            None,
            None,
            Some(ActiveBand {
                cut_rank: 1000,
                p_b,
                half_width: 2.5,
            }),
            None,
        ];
        for (rank, was_r1, cum, pub_pct, want_r1) in rows {
            let pct = 100.0 * cum / total;
            assert!((pct - pub_pct).abs() < 0.005, "rank {rank}: {pct}");
            let prev = [false, false, was_r1, true];
            let (upper, _) = band_sides(rank, pct, Some(prev), &bands, &p);
            assert_eq!(upper[2], want_r1, "rank {rank}");
        }
    }

    #[test]
    fn non_members_and_microcap_only_are_placed_by_rank() {
        let p = Policy::russell();
        let bands = [
            None,
            None,
            Some(ActiveBand {
                cut_rank: 1000,
                p_b: 90.0,
                half_width: 2.5,
            }),
            None,
        ];
        assert!(band_sides(999, 90.0, None, &bands, &p).0[2]);
        let micro_only: IndexSet = [IndexId::R3000E, IndexId::RMicro].into_iter().collect();
        assert_eq!(previous_sides(micro_only), None);
        let r2: IndexSet = [IndexId::R3000E, IndexId::R3000, IndexId::R2000]
            .into_iter()
            .collect();
        assert_eq!(previous_sides(r2), Some([false, false, false, true]));
    }
}
