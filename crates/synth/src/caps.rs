//! Size distribution and calibration.
//!
//! The cross-section of eligible US companies' total caps (in 2024 dollars,
//! i.e. relative to the market level on 2024-04-30) is a log-normal body with
//! an upper-truncated Pareto tail, written as a quantile function of the
//! upper fraction `q` (rank / reference count). Its parameters were fitted to
//! the published 2024 Russell figures (methodology §9): largest ≈ $2.9T,
//! 1,000th ≈ $4.6B, 3,000th ≈ $150M, median of the top 3,000 ≈ $2B, top-3,000
//! total ≈ $53T (the fit lands within 7% of each; see the unit test).
//!
//! Why quantiles by rank rather than plain sampling: with a Pareto tail the
//! largest company and the total of the top 3,000 are dominated by a handful
//! of draws and vary by ±50% from sample to sample. The generator instead
//! conditions each company's path on its rank-day value ([`anchor_shifts`]):
//! the company ranked k on 2024-04-30 is given exactly the curve's k-th value
//! by a constant shift of its whole history (which moves no return), and the
//! companies that are not on that date take the median shift of those born
//! at their size ([`ShiftByBirthSize`]).

use serde::Serialize;

/// Log-normal body: mean and sd of ln(cap in $).
pub const BODY_M: f64 = 20.331_344;
/// Standard deviation of ln(cap in $) of the log-normal body.
pub const BODY_S: f64 = 2.739_419;
/// Upper fraction where the Pareto tail starts.
pub const TAIL_Q: f64 = 0.056_173;
/// Pareto exponent of the tail.
pub const TAIL_ALPHA: f64 = 1.363_692;
/// ln of the tail's upper truncation (≈ $4.9T).
pub const TAIL_LN_MAX: f64 = 29.217_129;
/// Eligible companies the curve's ranks refer to, per 5,500 lines.
pub const REFERENCE_COUNT: f64 = 4250.0;
/// Smallest and largest upper fraction used when drawing the first
/// population: the whole curve down to ~$5M.
pub const Q_DRAW: (f64, f64) = (1.0e-4, 0.985);
/// The same for new listings: IPOs enter below the top ranks (about ten a
/// year above the R1000/R2000 breakpoint, as in the real market; the large
/// caps of later years are companies that grew).
pub const Q_NEW: (f64, f64) = (0.19, 0.985);

/// ln(cap) at upper fraction `q` (0 = largest).
pub fn ln_cap_at_q(q: f64) -> f64 {
    let q = q.clamp(1e-9, 1.0 - 1e-9);
    if q < TAIL_Q {
        let lu = BODY_M + BODY_S * inv_norm(1.0 - TAIL_Q);
        let (u, h) = (lu.exp(), TAIL_LN_MAX.exp());
        let a = TAIL_ALPHA;
        let inner = h.powf(-a) + (q / TAIL_Q) * (u.powf(-a) - h.powf(-a));
        -inner.ln() / a
    } else {
        BODY_M + BODY_S * inv_norm(1.0 - q)
    }
}

/// ln(cap) of the company ranked `k` (1-based) among `n_ref` reference companies.
pub fn ln_cap_at_rank(k: usize, n_ref: f64) -> f64 {
    ln_cap_at_q(((k as f64 - 0.5) / n_ref).min(0.999))
}

/// Inverse standard normal CDF (Acklam's rational approximation, |rel err| < 1.2e-9).
pub fn inv_norm(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383_577_518_672_69e2,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// Summary of a ranked list of company caps, as `rankday inspect` prints it
/// next to the published 2024 figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapStats {
    /// Number of companies given.
    pub n: usize,
    /// Sum of the top 3,000 (the Russell 3000 total), or of all if fewer.
    pub total: f64,
    /// The largest company's cap.
    pub largest: f64,
    /// Median of the top 3,000 (or of all if fewer).
    pub median: f64,
    /// Cap of the 1,000th company (the R1000/R2000 breakpoint), if present.
    pub cap_at_1000: Option<f64>,
    /// Cap of the 3,000th company (the R3000 floor), if present.
    pub cap_at_3000: Option<f64>,
}

/// Stats of company total caps sorted in descending order.
pub fn cap_stats(sorted_desc_caps: &[f64]) -> CapStats {
    let top = &sorted_desc_caps[..sorted_desc_caps.len().min(3000)];
    let median = match top.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => top[n / 2],
        n => 0.5 * (top[n / 2 - 1] + top[n / 2]),
    };
    CapStats {
        n: sorted_desc_caps.len(),
        total: top.iter().sum(),
        largest: top.first().copied().unwrap_or(f64::NAN),
        median,
        cap_at_1000: sorted_desc_caps.get(999).copied(),
        cap_at_3000: sorted_desc_caps.get(2999).copied(),
    }
}

/// Published 2024-04-30 figures the calibration aims at (methodology §9).
pub const TARGET_2024: CapStatsTarget = CapStatsTarget {
    total: 53.0e12,
    largest: 2.9e12,
    median: 2.0e9,
    cap_at_1000: 4.6e9,
    cap_at_3000: 150.0e6,
};

/// The five published figures, for comparisons in tests and `inspect`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CapStatsTarget {
    /// Total cap of the Russell 3000: $53.0T.
    pub total: f64,
    /// The largest company: $2.9T.
    pub largest: f64,
    /// The median company of the Russell 3000: $2.0B.
    pub median: f64,
    /// The R1000/R2000 breakpoint: $4.6B.
    pub cap_at_1000: f64,
    /// The bottom of the Russell 3000: $150M.
    pub cap_at_3000: f64,
}

impl CapStats {
    /// Largest relative deviation from `t` over the five figures.
    pub fn worst_deviation(&self, t: &CapStatsTarget) -> f64 {
        let rel = |a: Option<f64>, b: f64| a.map_or(f64::INFINITY, |a| (a / b - 1.0).abs());
        [
            rel(Some(self.total), t.total),
            rel(Some(self.largest), t.largest),
            rel(Some(self.median), t.median),
            rel(self.cap_at_1000, t.cap_at_1000),
            rel(self.cap_at_3000, t.cap_at_3000),
        ]
        .into_iter()
        .fold(0.0, f64::max)
    }
}

/// Shifts of ln(relative cap) that move each ranked company onto the curve.
///
/// `values` are (company key, ln relative cap on the anchor date) of the
/// companies the calibration ranks; returns (key, shift) with the k-th
/// largest moved to [`ln_cap_at_rank`]`(k)`. Ties keep key order, so the
/// result is deterministic.
pub fn anchor_shifts(values: &[(u32, f64)], n_ref: f64) -> Vec<(u32, f64)> {
    let mut v = values.to_vec();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.iter()
        .enumerate()
        .map(|(i, &(key, x))| (key, ln_cap_at_rank(i + 1, n_ref) - x))
        .collect()
}

/// The shift of companies that are not on the anchor (they died before it
/// or are born after it): the median shift of the calibrated companies born
/// at a similar size (`mu0`, in ten buckets by birth size), so the whole
/// population sits on the curve at every date, not only the anchor's
/// companies on the anchor. A constant per company, so no return changes.
#[derive(Clone, Debug, Default)]
pub struct ShiftByBirthSize {
    /// Upper edge of each bucket's birth sizes (the last is +inf).
    edges: Vec<f64>,
    shifts: Vec<f64>,
}

impl ShiftByBirthSize {
    /// From (shift, birth size) of the calibrated companies.
    pub fn new(shift_and_mu0: &[(f64, f64)]) -> ShiftByBirthSize {
        const BUCKETS: usize = 10;
        let mut v = shift_and_mu0.to_vec();
        if v.is_empty() {
            return ShiftByBirthSize::default();
        }
        v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
        let n = v.len();
        let mut edges = Vec::with_capacity(BUCKETS);
        let mut shifts = Vec::with_capacity(BUCKETS);
        for k in 0..BUCKETS {
            let (lo, hi) = (k * n / BUCKETS, (k + 1) * n / BUCKETS);
            if hi <= lo {
                continue;
            }
            shifts.push(crate::stats::median(
                v[lo..hi].iter().map(|x| x.0).collect(),
            ));
            edges.push(if k + 1 == BUCKETS {
                f64::INFINITY
            } else {
                v[hi - 1].1
            });
        }
        ShiftByBirthSize { edges, shifts }
    }

    /// The shift of a company born at relative size `mu0` (0 without data).
    pub fn of(&self, mu0: f64) -> f64 {
        let i = self.edges.partition_point(|&e| e < mu0);
        self.shifts
            .get(i.min(self.shifts.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_normal_is_accurate() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_985),
            (0.001, -3.090_232_306),
            (0.8413447461, 1.0),
        ] {
            assert!((inv_norm(p) - z).abs() < 1e-6, "{p}");
        }
    }

    #[test]
    fn curve_reproduces_the_2024_figures() {
        let caps: Vec<f64> = (1..=4250)
            .map(|k| ln_cap_at_rank(k, REFERENCE_COUNT).exp())
            .collect();
        let s = cap_stats(&caps);
        assert!(s.worst_deviation(&TARGET_2024) < 0.10, "{s:?}");
        // Monotone decreasing.
        assert!(caps[..4200].windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn shifts_by_birth_size_take_the_bucket_median() {
        let v: Vec<(f64, f64)> = (0..100).map(|i| (i as f64 / 10.0, i as f64)).collect();
        let s = ShiftByBirthSize::new(&v);
        // Bucket 0 holds birth sizes 0..=9 (shifts 0.0..0.9): median 0.45.
        assert!((s.of(-5.0) - 0.45).abs() < 1e-12);
        assert!((s.of(9.0) - 0.45).abs() < 1e-12);
        assert!((s.of(9.5) - 1.45).abs() < 1e-12);
        assert!((s.of(1e9) - 9.45).abs() < 1e-12);
        assert_eq!(ShiftByBirthSize::new(&[]).of(3.0), 0.0);
    }

    #[test]
    fn cap_stats_handles_short_lists() {
        let s = cap_stats(&[5.0, 3.0, 1.0]);
        assert_eq!((s.n, s.total, s.largest, s.median), (3, 9.0, 5.0, 3.0));
        assert_eq!(s.cap_at_1000, None);
        assert!(cap_stats(&[]).median.is_nan());
    }
}
