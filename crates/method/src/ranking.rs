//! Ranking and family definition (methodology §3, §4 steps 1–2): eligible
//! companies sorted by total cap (not float-adjusted), cumulative percentiles
//! of the Russell 3000E total, breakpoints, and the index set implied by a
//! company's rank and its (possibly banded) side of each banded breakpoint.

use rankday_core::{IndexId, IndexSet};

use crate::company::CompanyRecord;
use crate::Policy;

/// The family cut-offs, in the order of [`Breakpoints::list`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// Rank 200: the Top 200 and the Midcap split the R1000 there.
    Top200,
    /// Rank 500: the Top 500 and the R2500.
    Top500,
    /// Rank 1,000: the R1000 and the R2000.
    R1000,
    /// Top of the Microcap (rank 2,000): the largest 2,000 are not Microcap.
    MicroTop,
    /// Rank 3,000: the bottom of the Russell 3000.
    R3000,
    /// Rank 4,000: the bottom of the Russell 3000E.
    R3000E,
}

impl Cut {
    /// Every cut, in rank order.
    pub const ALL: [Cut; 6] = [
        Cut::Top200,
        Cut::Top500,
        Cut::R1000,
        Cut::MicroTop,
        Cut::R3000,
        Cut::R3000E,
    ];
    /// The cuts that can carry a band (§4), in the order of `upper` arrays.
    pub const BANDED: [Cut; 4] = [Cut::Top200, Cut::Top500, Cut::R1000, Cut::MicroTop];

    /// The rank of the cut under `p`.
    pub fn nominal_rank(self, p: &Policy) -> u32 {
        let r = &p.ranking;
        match self {
            Cut::Top200 => r.top200,
            Cut::Top500 => r.top500,
            Cut::R1000 => r.r1000,
            Cut::MicroTop => r.micro_top,
            Cut::R3000 => r.r3000,
            Cut::R3000E => r.r3000e,
        }
    }
    /// Band half-width in percentile points (0 = none).
    pub fn band(self, p: &Policy) -> f64 {
        let b = &p.banding;
        match self {
            Cut::Top200 => b.top200,
            Cut::Top500 => b.top500,
            Cut::R1000 => b.r1000,
            Cut::MicroTop => b.micro_top,
            Cut::R3000 | Cut::R3000E => 0.0,
        }
    }
    /// The cut's name, for explanations and tables.
    pub fn name(self) -> &'static str {
        match self {
            Cut::Top200 => "Top 200",
            Cut::Top500 => "Top 500",
            Cut::R1000 => "Russell 1000",
            Cut::MicroTop => "Microcap top (2000)",
            Cut::R3000 => "Russell 3000",
            Cut::R3000E => "Russell 3000E",
        }
    }
}

/// A band around a breakpoint, in percentile points and in dollars.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    /// Half-width in percentile points.
    pub half_width: f64,
    /// The band's low edge, in cumulative percentile.
    pub lower_pct: f64,
    /// The band's high edge.
    pub upper_pct: f64,
    /// Cap of the first company whose percentile is >= `lower_pct` (the large-cap edge).
    pub cap_at_lower_pct: f64,
    /// Cap of the last company whose percentile is <= `upper_pct` (the small-cap edge).
    pub cap_at_upper_pct: f64,
}

/// One breakpoint: the company at rank `rank` (the nominal cut, or the last
/// ranked company if fewer are eligible).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Breakpoint {
    /// The cut.
    pub cut: Cut,
    /// Its nominal rank under the policy.
    pub nominal_rank: u32,
    /// 0 if no company is eligible.
    pub rank: u32,
    /// The total cap of the company at `rank` (USD).
    pub cap: f64,
    /// Its cumulative percentile.
    pub percentile: f64,
    /// `None` if the cut has no band or fewer than `nominal_rank` companies are eligible.
    pub band: Option<Band>,
}

/// All breakpoints of one reconstitution.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakpoints {
    /// One per [`Cut`], in [`Cut::ALL`] order.
    pub list: Vec<Breakpoint>,
    /// Total cap of the Russell 3000E (USD): the percentiles' denominator.
    pub r3000e_total_cap: f64,
    /// Companies that passed every screen.
    pub n_eligible: u32,
    /// Companies in the Russell 3000E (min of eligible and the cut).
    pub n_r3000e: u32,
}

impl Breakpoints {
    /// The breakpoint of a cut.
    pub fn get(&self, cut: Cut) -> &Breakpoint {
        self.list
            .iter()
            .find(|b| b.cut == cut)
            .expect("every cut has a breakpoint")
    }
}

/// A sort key that orders caps largest first, as `f64::total_cmp`
/// reversed does (NaN and signed zeros included), so ranking sorts plain
/// integers.
fn largest_first(x: f64) -> u64 {
    let b = x.to_bits() as i64;
    let ascending = (b ^ (((b >> 63) as u64) >> 1) as i64) as u64 ^ (1 << 63);
    !ascending
}

/// Ranks the eligible companies in place (`rank`, `cumulative_percentile`)
/// and returns the breakpoints. Returns the eligible companies' positions in
/// `companies`, largest first. Ties in cap go to the lower company index.
pub fn rank(companies: &mut [CompanyRecord], p: &Policy) -> (Vec<usize>, Breakpoints) {
    // Keys beside the positions: the sort does not chase the records.
    // (cap, company) is unique, so the order is the same however sorted.
    let mut keyed: Vec<(u64, u32, u32)> = (0..companies.len())
        .filter(|&k| companies[k].eligible)
        .map(|k| {
            (
                largest_first(companies[k].total_cap),
                companies[k].company,
                k as u32,
            )
        })
        .collect();
    keyed.sort_unstable();
    let order: Vec<usize> = keyed.into_iter().map(|(_, _, k)| k as usize).collect();
    let n = order.len() as u32;
    let n_e = n.min(p.ranking.r3000e);
    let total: f64 = order[..n_e as usize]
        .iter()
        .map(|&k| companies[k].total_cap)
        .sum();
    let mut cum = 0.0;
    for (i, &k) in order.iter().enumerate() {
        cum += companies[k].total_cap;
        companies[k].rank = i as u32 + 1;
        companies[k].cumulative_percentile = if total > 0.0 {
            100.0 * cum / total
        } else {
            0.0
        };
    }
    let at = |r: u32| &companies[order[r as usize - 1]];
    let list = Cut::ALL
        .iter()
        .map(|&cut| {
            let nominal = cut.nominal_rank(p);
            let r = nominal.min(n);
            if r == 0 {
                return Breakpoint {
                    cut,
                    nominal_rank: nominal,
                    rank: 0,
                    cap: 0.0,
                    percentile: 0.0,
                    band: None,
                };
            }
            let c = at(r);
            let w = cut.band(p);
            let band = (w > 0.0 && nominal <= n).then(|| {
                let (lo, hi) = (c.cumulative_percentile - w, c.cumulative_percentile + w);
                let first_ge = order
                    .iter()
                    .position(|&k| companies[k].cumulative_percentile >= lo)
                    .unwrap_or(0);
                let last_le = order
                    .iter()
                    .rposition(|&k| companies[k].cumulative_percentile <= hi)
                    .unwrap_or(0);
                Band {
                    half_width: w,
                    lower_pct: lo,
                    upper_pct: hi,
                    cap_at_lower_pct: companies[order[first_ge]].total_cap,
                    cap_at_upper_pct: companies[order[last_le]].total_cap,
                }
            });
            Breakpoint {
                cut,
                nominal_rank: nominal,
                rank: r,
                cap: c.total_cap,
                percentile: c.cumulative_percentile,
                band,
            }
        })
        .collect();
    (
        order,
        Breakpoints {
            list,
            r3000e_total_cap: total,
            n_eligible: n,
            n_r3000e: n_e,
        },
    )
}

/// Side of each banded cut by rank alone (`true` = at or above the cut).
pub fn sides_by_rank(rank: u32, p: &Policy) -> [bool; 4] {
    Cut::BANDED.map(|c| rank <= c.nominal_rank(p))
}

/// The index set of a company ranked `rank` whose side of each banded cut is
/// `upper` (after banding). §3: R3000E = ranks 1..r3000e, R3000 = 1..r3000,
/// R1000 = upper side of the 1,000 cut within the R3000, R2000 = R3000 minus
/// R1000, Top 200 and Midcap split the R1000, Top 500 and R2500 split the
/// R3000, Microcap = R3000E below the 2,000 cut.
pub fn family(rank: u32, upper: [bool; 4], p: &Policy) -> IndexSet {
    let mut s = IndexSet::EMPTY;
    if rank == 0 || rank > p.ranking.r3000e {
        return s;
    }
    let [t200, t500, r1, micro_top] = upper;
    s.insert(IndexId::R3000E);
    // Below the R3000 cut (no band) a company is Microcap whatever its banded
    // side of the 2,000 cut: R3000E = R3000 ∪ Microcap.
    if !micro_top || rank > p.ranking.r3000 {
        s.insert(IndexId::RMicro);
    }
    if rank > p.ranking.r3000 {
        return s;
    }
    s.insert(IndexId::R3000);
    if r1 {
        s.insert(IndexId::R1000);
        s.insert(if t200 {
            IndexId::RTop200
        } else {
            IndexId::RMidcap
        });
    } else {
        s.insert(IndexId::R2000);
    }
    s.insert(if t500 {
        IndexId::RTop500
    } else {
        IndexId::R2500
    });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_first_orders_as_total_cmp_reversed() {
        let xs = [
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            0.0,
            -0.0,
            1.0,
            -1.0,
            1.8e9,
            1.8e9 + 256.0,
            -3.5e7,
        ];
        for &a in &xs {
            for &b in &xs {
                assert_eq!(
                    largest_first(a).cmp(&largest_first(b)),
                    b.total_cmp(&a),
                    "{a:e} vs {b:e}"
                );
            }
        }
    }

    #[test]
    fn family_by_rank_matches_section_3() {
        let p = Policy::russell();
        let f = |r: u32| family(r, sides_by_rank(r, &p), &p);
        use IndexId::*;
        let has = |s: IndexSet, ids: &[IndexId]| {
            IndexId::ALL
                .iter()
                .all(|i| s.contains(*i) == ids.contains(i))
        };
        assert!(has(f(1), &[R3000E, R3000, R1000, RTop200, RTop500]));
        assert!(has(f(201), &[R3000E, R3000, R1000, RMidcap, RTop500]));
        assert!(has(f(501), &[R3000E, R3000, R1000, RMidcap, R2500]));
        assert!(has(f(1001), &[R3000E, R3000, R2000, R2500]));
        assert!(has(f(2000), &[R3000E, R3000, R2000, R2500]));
        assert!(has(f(2001), &[R3000E, R3000, R2000, R2500, RMicro]));
        assert!(has(f(3001), &[R3000E, RMicro]));
        assert!(has(f(4000), &[R3000E, RMicro]));
        assert!(f(4001).is_empty());
        // A banded "upper" side at the 2,000 cut cannot keep a company ranked
        // below the R3000 out of the Microcap.
        assert!(has(
            family(3001, [false, false, false, true], &p),
            &[R3000E, RMicro]
        ));
    }
}
