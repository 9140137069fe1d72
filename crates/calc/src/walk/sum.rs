//! The row loop of the daily walk: each row's close into its line, and
//! close × index shares into the accumulator of the line's mask group
//! (module `groups`).
//!
//! The sum is defined once, whatever the CPU: row `r` of a run adds into
//! lane set `r % LANES`, each group of a lane set adds the rows of its
//! lines in row order as a fused multiply-add (`acc = price · n + acc`,
//! one rounding), and the lane sets are combined pairwise. Three
//! implementations follow that definition: AVX-512 (one masked fused
//! multiply-add a row, the group's one-hot lane as the mask), AVX2 with FMA
//! (the price ANDed with the group's lanes), and portable scalar code
//! (`f64::mul_add`, which is the same single rounding in software where the
//! CPU has no FMA). None of them reorders, so they give the same bits (a
//! test checks it on every CPU the suite runs on); the fastest the CPU has
//! for the day's number of groups is chosen per call.
//!
//! Why lanes in registers: a group's accumulator in memory makes the rows
//! of one group wait on each other's store; sixteen group lanes live in
//! registers. More groups than that (possible only with a hand-made
//! membership of many index combinations) take the scalar code.
//!
//! The one module of rankday that uses `unsafe` (the workspace denies it
//! everywhere else): calls of the vector code after run-time feature
//! detection, and unaligned vector loads and stores into fixed-size arrays,
//! each with its `SAFETY:` reason.
#![allow(unsafe_code)]

use super::groups::VECTOR_GROUPS;
use crate::holdings::Line;

/// Lane sets: consecutive rows add into different sets so that they do not
/// wait on each other's addition.
pub(crate) const LANES: usize = 4;

/// A group's sum from its [`LANES`] lane-set sums `v(0..4)`, combined
/// pairwise: the one order every implementation uses, so that they agree
/// bit for bit.
#[inline(always)]
fn combine(v: impl Fn(usize) -> f64) -> f64 {
    (v(0) + v(1)) + (v(2) + v(3))
}

/// Is a close usable (positive and finite)? Others keep the carried price.
#[inline(always)]
fn usable(p: f64) -> bool {
    (p > 0.0) & (p < f64::INFINITY)
}

/// The implementations this CPU can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Kernel(Isa);

/// The instruction sets; private, so that a [`Kernel`] naming one exists
/// only where [`Kernel::detect`] or [`Kernel::available`] found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Isa {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2Fma,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Kernel {
    /// The fastest available.
    pub fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Kernel(Isa::Avx512);
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                return Kernel(Isa::Avx2Fma);
            }
        }
        Kernel(Isa::Scalar)
    }

    /// Every implementation this CPU can run (for tests).
    #[cfg(test)]
    pub fn available() -> Vec<Kernel> {
        let mut v = vec![Kernel(Isa::Scalar)];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                v.push(Kernel(Isa::Avx2Fma));
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                v.push(Kernel(Isa::Avx512));
            }
        }
        v
    }

    /// Runs the row loop over `sec`/`close` (same length, `sec` indexing
    /// `lines`, whose groups have ids below `span`): stores each usable
    /// close in its line and leaves in `sums[id]` the sum of group `id`'s
    /// price × index shares. Returns how many rows were of lines in a group
    /// (members valued at the close).
    pub fn rows(
        self,
        sec: &[u32],
        close: &[f64],
        lines: &mut [Line],
        span: usize,
        sums: &mut Vec<f64>,
    ) -> usize {
        assert_eq!(sec.len(), close.len());
        sums.clear();
        if span > VECTOR_GROUPS {
            return scalar(sec, close, lines, span, sums);
        }
        let mut lanes = [[0.0; VECTOR_GROUPS]; LANES];
        let seen = match self.0 {
            Isa::Scalar => return scalar(sec, close, lines, span, sums),
            // SAFETY: `detect` and `available` return these only when the
            // CPU has the features.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2Fma => unsafe {
                match span.div_ceil(4) {
                    0 | 1 => x86::avx2::<1>(sec, close, lines, &mut lanes),
                    2 => x86::avx2::<2>(sec, close, lines, &mut lanes),
                    3 => x86::avx2::<3>(sec, close, lines, &mut lanes),
                    _ => x86::avx2::<4>(sec, close, lines, &mut lanes),
                }
            },
            // SAFETY: as above, `Avx512` only where the CPU has AVX-512F.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe {
                if span <= 8 {
                    x86::avx512::<false>(sec, close, lines, &mut lanes)
                } else {
                    x86::avx512::<true>(sec, close, lines, &mut lanes)
                }
            },
        };
        let a = &lanes;
        sums.extend((0..span).map(|g| combine(|k| a[k][g])));
        seen
    }
}

/// The definition, for any number of groups: accumulators in memory.
fn scalar(
    sec: &[u32],
    close: &[f64],
    lines: &mut [Line],
    span: usize,
    sums: &mut Vec<f64>,
) -> usize {
    sums.resize(LANES * span, 0.0);
    let mut seen = 0;
    for (r, (&s, &p)) in sec.iter().zip(close).enumerate() {
        let l = &mut lines[s as usize];
        if usable(p) {
            l.price = p;
        }
        if l.group != 0 {
            let a = &mut sums[(r % LANES) * span + usize::from(l.group - 1)];
            *a = l.price.mul_add(l.n, *a);
            seen += 1;
        }
    }
    for g in 0..span {
        sums[g] = combine(|k| sums[k * span + g]);
    }
    sums.truncate(span);
    seen
}

/// Rows go in blocks of [`BLOCK`]: one vector test of a block's closes lets
/// the rows of a block whose closes are all usable (most blocks: a few
/// percent of a long history's closes are missing, clustered on few lines)
/// store and value their close without a select against the carried price,
/// and gives the other blocks each row's answer as a bit.
#[cfg(target_arch = "x86_64")]
const BLOCK: usize = 2 * LANES;

/// The loop the vector implementations share: blocks of [`BLOCK`] rows,
/// each tested with `usable_bits` (bit `j`: close `j` is usable) and run
/// with `add(lane set, price, n, lane)` per row; the remainder row by row.
/// Row `r` adds into lane set `r % LANES`. Returns the rows of lines with
/// a lane.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn blocks(
    sec: &[u32],
    close: &[f64],
    lines: &mut [Line],
    usable_bits: impl Fn(&[f64; BLOCK]) -> u8,
    mut add: impl FnMut(usize, f64, f64, u16),
) -> usize {
    let mut seen = 0;
    let n_blocks = close.len() / BLOCK;
    let block = |b: usize| -> &[f64; BLOCK] {
        close[b * BLOCK..(b + 1) * BLOCK]
            .try_into()
            .expect("a block")
    };
    // Each block's test runs one block ahead: testing the block at hand
    // lets the compiler take its closes out of the test's vector register,
    // a shuffle a row, instead of broadcasting them from memory.
    let mut next_ok = if n_blocks > 0 {
        usable_bits(block(0))
    } else {
        0
    };
    for b in 0..n_blocks {
        let (s, p) = (&sec[b * BLOCK..(b + 1) * BLOCK], block(b));
        let ok = next_ok;
        if b + 1 < n_blocks {
            next_ok = usable_bits(block(b + 1));
        }
        if ok == 0xFF {
            for j in 0..BLOCK {
                let l = &mut lines[s[j] as usize];
                l.price = p[j];
                seen += usize::from(l.lane != 0);
                add(j % LANES, p[j], l.n, l.lane);
            }
        } else {
            for j in 0..BLOCK {
                let l = &mut lines[s[j] as usize];
                if ok & (1 << j) != 0 {
                    l.price = p[j];
                }
                seen += usize::from(l.lane != 0);
                add(j % LANES, l.price, l.n, l.lane);
            }
        }
    }
    let tail = n_blocks * BLOCK;
    for (j, (&s, &p)) in sec[tail..].iter().zip(&close[tail..]).enumerate() {
        let l = &mut lines[s as usize];
        if usable(p) {
            l.price = p;
        }
        seen += usize::from(l.lane != 0);
        add(j % LANES, l.price, l.n, l.lane);
    }
    seen
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{blocks, Line, BLOCK, LANES, VECTOR_GROUPS};

    // The lane layout the vector code assumes.
    const _: () = assert!(LANES == 4 && BLOCK == 8 && VECTOR_GROUPS == 16);

    /// Group lanes 0-7 (and 8-15 with `TWO`) of each lane set in one (two)
    /// registers; a row multiplies its price by its shares and adds into
    /// the lane of its group (masked: the other lanes are left as they are,
    /// as the scalar code does).
    #[target_feature(enable = "avx512f")]
    pub(super) fn avx512<const TWO: bool>(
        sec: &[u32],
        close: &[f64],
        lines: &mut [Line],
        out: &mut [[f64; VECTOR_GROUPS]; LANES],
    ) -> usize {
        let mut lo = [_mm512_setzero_pd(); LANES];
        let mut hi = [_mm512_setzero_pd(); LANES];
        let zero = _mm512_setzero_pd();
        let inf = _mm512_set1_pd(f64::INFINITY);
        let usable_bits = |p: &[f64; BLOCK]| {
            // SAFETY: a block is 8 f64s.
            let x = unsafe { _mm512_loadu_pd(p.as_ptr()) };
            _mm512_cmp_pd_mask::<_CMP_GT_OQ>(x, zero) & _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x, inf)
        };
        let seen = blocks(sec, close, lines, usable_bits, |k, p, n, lane| {
            let (p, n) = (_mm512_set1_pd(p), _mm512_set1_pd(n));
            lo[k] = _mm512_mask3_fmadd_pd(p, n, lo[k], lane as u8);
            if TWO {
                hi[k] = _mm512_mask3_fmadd_pd(p, n, hi[k], (lane >> 8) as u8);
            }
        });
        for k in 0..LANES {
            let a = out[k].as_mut_ptr();
            // SAFETY: a lane set is 16 f64s: two stores of 8.
            unsafe {
                _mm512_storeu_pd(a, lo[k]);
                _mm512_storeu_pd(a.add(8), hi[k]);
            }
        }
        seen
    }

    /// Group lanes 0..4R of each lane set in R registers of four; a row
    /// adds price × shares with the price ANDed with the lanes of each
    /// nibble of its group's one-hot lane: +0.0 × shares in the other
    /// lanes, which leaves their sums as they are (sums of values >= 0 are
    /// never -0.0), as the scalar code does.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn avx2<const R: usize>(
        sec: &[u32],
        close: &[f64],
        lines: &mut [Line],
        out: &mut [[f64; VECTOR_GROUPS]; LANES],
    ) -> usize {
        // Lane masks of each nibble value: lane j all ones when bit j set.
        let nib: [__m256d; 16] = std::array::from_fn(|x| {
            let b = |j: usize| if x & (1 << j) != 0 { -1i64 } else { 0 };
            _mm256_castsi256_pd(_mm256_set_epi64x(b(3), b(2), b(1), b(0)))
        });
        let mut a = [[_mm256_setzero_pd(); R]; LANES];
        let zero = _mm256_setzero_pd();
        let inf = _mm256_set1_pd(f64::INFINITY);
        let usable_bits = |p: &[f64; BLOCK]| {
            // SAFETY: a block is 8 f64s: two loads of 4.
            let (x, y) = unsafe {
                (
                    _mm256_loadu_pd(p.as_ptr()),
                    _mm256_loadu_pd(p.as_ptr().add(4)),
                )
            };
            let ok = |x| {
                _mm256_and_pd(
                    _mm256_cmp_pd::<_CMP_GT_OQ>(x, zero),
                    _mm256_cmp_pd::<_CMP_LT_OQ>(x, inf),
                )
            };
            (_mm256_movemask_pd(ok(x)) | _mm256_movemask_pd(ok(y)) << 4) as u8
        };
        let seen = blocks(sec, close, lines, usable_bits, |k, p, n, lane| {
            let (p, n) = (_mm256_set1_pd(p), _mm256_set1_pd(n));
            let lane = usize::from(lane);
            for (j, acc) in a[k].iter_mut().enumerate() {
                let pm = _mm256_and_pd(p, nib[(lane >> (4 * j)) & 15]);
                *acc = _mm256_fmadd_pd(pm, n, *acc);
            }
        });
        for (set, regs) in out.iter_mut().zip(&a) {
            for (j, r) in regs.iter().enumerate() {
                // SAFETY: lanes 4j..4j+4 of a 16-wide set, j < R <= 4.
                unsafe { _mm256_storeu_pd(set.as_mut_ptr().add(4 * j), *r) };
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holdings::{N_INDEX, SKIP};
    use crate::walk::groups::Groups;

    /// Lines of random holdings (some not members, some exiting, up to
    /// `masks` distinct masks), assigned to groups as the holdings do.
    fn random_lines(
        rnd: &mut impl FnMut() -> u64,
        n_lines: usize,
        masks: u64,
    ) -> (Vec<Line>, Groups) {
        let mut groups = Groups::default();
        let lines = (0..n_lines)
            .map(|_| {
                let member = !rnd().is_multiple_of(4);
                let mask = if member {
                    (rnd() % masks) as u16 * 7 % ((1 << N_INDEX) - 1) + 1
                } else {
                    0
                };
                let mask = if rnd().is_multiple_of(10) {
                    mask | SKIP
                } else {
                    mask
                };
                let mut l = Line {
                    n: if member {
                        1.0 + (rnd() % 1_000_000) as f64 / 3.0
                    } else {
                        0.0
                    },
                    price: (rnd() % 5000) as f64 / 7.0,
                    mask,
                    ..Line::default()
                };
                groups.assign(&mut l, crate::holdings::walk_bits(mask));
                l
            })
            .collect();
        (lines, groups)
    }

    proptest::proptest! {
        /// Every implementation gives the same bits and the same line
        /// prices as the scalar one, on random rows (some closes unusable,
        /// some lines exiting or not members; few groups, a vector
        /// register's worth, two, and more than the vector lanes), and the
        /// scalar one equals the definition written out.
        #[test]
        fn implementations_agree_bit_for_bit(
            seed in 0u64..u64::MAX,
            len in 0usize..200,
            dirty in proptest::bool::ANY,
            masks in proptest::sample::select(vec![3u64, 8, 16, 40]),
        ) {
            let mut rnd = crate::testutil::xorshift(seed | 1);
            let n_lines = 300usize;
            let (lines, mut groups) = random_lines(&mut rnd, n_lines, masks);
            let span = groups.span();
            let mut sec: Vec<u32> = (0..len).map(|_| (rnd() % n_lines as u64) as u32).collect();
            sec.sort_unstable();
            sec.dedup();
            let close: Vec<f64> = sec
                .iter()
                .map(|_| match rnd() % if dirty { 23 } else { 400 } {
                    0 => f64::NAN,
                    1 => -1.0,
                    2 => 0.0,
                    3 => -0.0,
                    4 => f64::INFINITY,
                    5 => f64::from_bits(1),
                    _ => 0.01 + (rnd() % 100_000) as f64 / 13.0,
                })
                .collect();
            // The definition.
            let mut want_lines = lines.clone();
            let mut want = vec![[0.0f64; LANES]; span];
            let mut want_seen = 0;
            for (r, (&s, &p)) in sec.iter().zip(&close).enumerate() {
                let l = &mut want_lines[s as usize];
                if p > 0.0 && p < f64::INFINITY {
                    l.price = p;
                }
                if l.mask & SKIP != 0 || l.mask == 0 {
                    continue;
                }
                want_seen += 1;
                let a = &mut want[usize::from(l.group - 1)][r % LANES];
                *a = l.price.mul_add(l.n, *a);
            }
            let want_sums: Vec<f64> = want.iter().map(|a| (a[0] + a[1]) + (a[2] + a[3])).collect();
            let want_values = groups.fold(&want_sums);
            let mut sums = Vec::new();
            for k in Kernel::available() {
                let mut got_lines = lines.clone();
                let seen = k.rows(&sec, &close, &mut got_lines, span, &mut sums);
                proptest::prop_assert_eq!(seen, want_seen, "{:?}", k);
                proptest::prop_assert_eq!(&got_lines, &want_lines, "{:?}", k);
                proptest::prop_assert_eq!(sums.len(), span);
                for g in 0..span {
                    proptest::prop_assert_eq!(sums[g].to_bits(), want_sums[g].to_bits(), "{:?} group {}", k, g);
                }
                let got = groups.fold(&sums);
                for i in 0..N_INDEX {
                    proptest::prop_assert_eq!(got[i].to_bits(), want_values[i].to_bits(), "{:?} index {}", k, i);
                }
            }
        }
    }
}
