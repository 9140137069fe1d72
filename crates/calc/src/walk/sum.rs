//! The row loop of the daily walk: each row's close into its line, and
//! close × index shares into every index of the line's mask.
//!
//! The sum is defined once, whatever the CPU: row `r` of a run adds into
//! lane set `r % LANES`, each index of a lane set adds the rows of its
//! members in row order, and [`Lanes::total`] combines the sets pairwise.
//! Three implementations follow that definition: AVX-512 (a masked add of
//! the row's value into the index lanes: two instructions a row for nine
//! indexes), AVX2 (the value ANDed with the mask's lanes), and portable
//! scalar code. IEEE addition is deterministic and none of them fuses or
//! reorders, so they give the same bits (a test checks it on every CPU the
//! suite runs on); the fastest the CPU has is chosen once, at run time.
//!
//! Why lanes by index rather than sums by mask group: a group's
//! accumulator lives in memory (the group is known only at run time), so
//! rows of one group wait on each other's store; nine index lanes live in
//! registers.

use crate::holdings::{Line, N_INDEX};

/// Lane sets: consecutive rows add into different sets so that they do not
/// wait on each other's addition.
pub(crate) const LANES: usize = 4;
/// Index lanes per set, padded to two 8-wide vectors.
const WIDTH: usize = 16;

/// Per-index sums of one run of rows, by lane set.
#[derive(Clone, Copy)]
pub(crate) struct Lanes([[f64; WIDTH]; LANES]);

impl Lanes {
    pub const ZERO: Lanes = Lanes([[0.0; WIDTH]; LANES]);

    /// The per-index totals, lane sets added pairwise in a fixed order.
    pub fn total(&self) -> [f64; N_INDEX] {
        let a = &self.0;
        std::array::from_fn(|i| (a[0][i] + a[1][i]) + (a[2][i] + a[3][i]))
    }
}

/// Is a close usable (positive and finite)? Others keep the carried price.
#[inline(always)]
fn usable(p: f64) -> bool {
    (p > 0.0) & (p < f64::INFINITY)
}

/// The implementation this CPU runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Kernel(Isa);

/// The instruction sets; private, so that a [`Kernel`] naming one exists
/// only where [`Kernel::detect`] or [`Kernel::available`] found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Isa {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
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
            if std::arch::is_x86_feature_detected!("avx2") {
                return Kernel(Isa::Avx2);
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
            if std::arch::is_x86_feature_detected!("avx2") {
                v.push(Kernel(Isa::Avx2));
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                v.push(Kernel(Isa::Avx512));
            }
        }
        v
    }

    /// Runs the row loop over `sec`/`close` (same length, `sec` indexing
    /// `lines`): stores each usable close in its line and sums the lines'
    /// price × index shares by index. Returns the sums and how many rows
    /// were of members valued at the close.
    pub fn rows(self, sec: &[u32], close: &[f64], lines: &mut [Line]) -> (Lanes, usize) {
        assert_eq!(sec.len(), close.len());
        match self.0 {
            Isa::Scalar => scalar(sec, close, lines),
            // SAFETY: `detect` and `available` return these only when the
            // CPU has the feature.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { x86::avx2(sec, close, lines) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { x86::avx512(sec, close, lines) },
        }
    }
}

/// Rows go in blocks of [`BLOCK`]: one test of a block's closes lets the
/// rows of a block whose closes are all usable (most blocks: a few percent
/// of a long history's closes are missing, clustered on few lines) store
/// and value their close without a select against the carried price.
const BLOCK: usize = 2 * LANES;

/// Whether every close is usable. Branch-free integer arithmetic on the
/// bits: for a close with bits `b`, `x = b - 1` is below
/// `0x7FEF_FFFF_FFFF_FFFF` exactly when the close is in (0, +inf); `x` then
/// has its top bit clear, and so has `x + 0x0010_0000_0000_0001`, while
/// zero, negatives, infinity and NaN set the top bit of one of the two.
#[inline(always)]
fn all_usable(close: &[f64]) -> bool {
    const C: u64 = 0x0010_0000_0000_0001;
    let bad = close.iter().fold(0u64, |acc, p| {
        let x = p.to_bits().wrapping_sub(1);
        acc | x | x.wrapping_add(C)
    });
    bad >> 63 == 0
}

/// One row: the close into the line (`CLEAN`: it is usable), and the
/// line's value and index bits.
#[inline(always)]
fn row<const CLEAN: bool>(l: &mut Line, p: f64) -> (f64, u16) {
    if CLEAN || usable(p) {
        l.price = p;
    }
    (l.price * l.n, l.walk_bits)
}

/// The loop every implementation shares: blocks of [`BLOCK`] rows, each
/// tested with `clean` and run with `add(lane set, value, bits)` per row;
/// the remainder row by row. Row `r` adds into lane set `r % LANES`.
#[inline(always)]
fn blocks(
    sec: &[u32],
    close: &[f64],
    lines: &mut [Line],
    clean: impl Fn(&[f64; BLOCK]) -> bool,
    mut add: impl FnMut(usize, f64, u16),
) -> usize {
    let mut seen = 0;
    let mut s8 = sec.chunks_exact(BLOCK);
    let mut p8 = close.chunks_exact(BLOCK);
    for (s, p) in (&mut s8).zip(&mut p8) {
        let p: &[f64; BLOCK] = p.try_into().expect("chunks of BLOCK");
        if clean(p) {
            for j in 0..BLOCK {
                let (v, m) = row::<true>(&mut lines[s[j] as usize], p[j]);
                seen += usize::from(m != 0);
                add(j % LANES, v, m);
            }
        } else {
            for j in 0..BLOCK {
                let (v, m) = row::<false>(&mut lines[s[j] as usize], p[j]);
                seen += usize::from(m != 0);
                add(j % LANES, v, m);
            }
        }
    }
    for (j, (&s, &p)) in s8.remainder().iter().zip(p8.remainder()).enumerate() {
        let (v, m) = row::<false>(&mut lines[s as usize], p);
        seen += usize::from(m != 0);
        add(j % LANES, v, m);
    }
    seen
}

fn scalar(sec: &[u32], close: &[f64], lines: &mut [Line]) -> (Lanes, usize) {
    let mut acc = Lanes::ZERO;
    let seen = blocks(
        sec,
        close,
        lines,
        |p| all_usable(p),
        |k, v, m| {
            for (i, x) in acc.0[k].iter_mut().enumerate().take(N_INDEX) {
                if m & (1 << i) != 0 {
                    *x += v;
                }
            }
        },
    );
    (acc, seen)
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{blocks, Lanes, Line, BLOCK, LANES, WIDTH};

    // The lane layout the vector code assumes.
    const _: () = assert!(LANES == 4 && BLOCK == 8 && WIDTH == 16 && super::N_INDEX <= WIDTH);

    /// Index lanes 0-7 and 8-15 of each lane set in two registers; a row
    /// adds its value into the lanes of its mask bits (masked add: the
    /// other lanes are left as they are, as the scalar code does).
    #[target_feature(enable = "avx512f")]
    pub(super) fn avx512(sec: &[u32], close: &[f64], lines: &mut [Line]) -> (Lanes, usize) {
        let mut lo = [_mm512_setzero_pd(); LANES];
        let mut hi = [_mm512_setzero_pd(); LANES];
        let zero = _mm512_setzero_pd();
        let inf = _mm512_set1_pd(f64::INFINITY);
        let clean = |p: &[f64; BLOCK]| {
            // SAFETY: a block is 8 f64s.
            let x = unsafe { _mm512_loadu_pd(p.as_ptr()) };
            let ok = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(x, zero)
                & _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x, inf);
            ok == 0xFF
        };
        let seen = blocks(sec, close, lines, clean, |k, v, m| {
            let v = _mm512_set1_pd(v);
            lo[k] = _mm512_mask_add_pd(lo[k], m as u8, lo[k], v);
            hi[k] = _mm512_mask_add_pd(hi[k], (m >> 8) as u8, hi[k], v);
        });
        let mut acc = Lanes::ZERO;
        for k in 0..LANES {
            let a = acc.0[k].as_mut_ptr();
            // SAFETY: a lane set is 16 f64s: two stores of 8.
            unsafe {
                _mm512_storeu_pd(a, lo[k]);
                _mm512_storeu_pd(a.add(8), hi[k]);
            }
        }
        (acc, seen)
    }

    /// Index lanes 0-11 of each lane set in three registers of four; a row
    /// adds its value ANDed with the lanes of each nibble of its mask:
    /// +0.0 in the other lanes, which leaves their sums as they are (sums
    /// of values >= 0 are never -0.0), as the scalar code does.
    #[target_feature(enable = "avx2")]
    pub(super) fn avx2(sec: &[u32], close: &[f64], lines: &mut [Line]) -> (Lanes, usize) {
        // Lane masks of each nibble value: lane j all ones when bit j set.
        let nib: [__m256d; 16] = std::array::from_fn(|x| {
            let b = |j: usize| if x & (1 << j) != 0 { -1i64 } else { 0 };
            _mm256_castsi256_pd(_mm256_set_epi64x(b(3), b(2), b(1), b(0)))
        });
        let mut a = [[_mm256_setzero_pd(); 3]; LANES];
        let zero = _mm256_setzero_pd();
        let inf = _mm256_set1_pd(f64::INFINITY);
        let clean = |p: &[f64; BLOCK]| {
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
            _mm256_movemask_pd(_mm256_and_pd(ok(x), ok(y))) == 0xF
        };
        let seen = blocks(sec, close, lines, clean, |k, v, m| {
            let v = _mm256_set1_pd(v);
            let m = usize::from(m);
            let a = &mut a[k];
            a[0] = _mm256_add_pd(a[0], _mm256_and_pd(v, nib[m & 15]));
            a[1] = _mm256_add_pd(a[1], _mm256_and_pd(v, nib[(m >> 4) & 15]));
            a[2] = _mm256_add_pd(a[2], _mm256_and_pd(v, nib[(m >> 8) & 15]));
        });
        let mut acc = Lanes::ZERO;
        for (set, regs) in acc.0.iter_mut().zip(&a) {
            for (j, r) in regs.iter().enumerate() {
                // SAFETY: lanes 4j..4j+4 of a 16-wide set.
                unsafe { _mm256_storeu_pd(set.as_mut_ptr().add(4 * j), *r) };
            }
        }
        (acc, seen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holdings::SKIP;

    /// The bit test agrees with `p > 0 && p < inf` on the edges.
    #[test]
    fn all_usable_matches_the_float_definition() {
        let edges = [
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            1.0,
            -1.0,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7FF0_0000_0000_0001),
            f64::from_bits(u64::MAX),
        ];
        for &p in &edges {
            let want = usable(p);
            assert_eq!(want, p > 0.0 && p < f64::INFINITY);
            assert_eq!(all_usable(&[p]), want, "{p:e} {:x}", p.to_bits());
            assert_eq!(all_usable(&[1.0, 2.0, p, 3.0, 4.0]), want);
        }
        assert!(all_usable(&[]));
    }

    proptest::proptest! {
        /// Every implementation gives the same bits and the same line
        /// prices as the scalar one, on random rows (some closes unusable,
        /// some lines skipping or not members), and the scalar one equals
        /// the definition written out.
        #[test]
        fn implementations_agree_bit_for_bit(seed in 0u64..u64::MAX, len in 0usize..200, dirty in proptest::bool::ANY) {
            let mut rnd = crate::testutil::xorshift(seed | 1);
            let n_lines = 300usize;
            let lines: Vec<Line> = (0..n_lines)
                .map(|_| {
                    let member = !rnd().is_multiple_of(4);
                    let mask = if member { (rnd() % 511) as u16 + 1 } else { 0 };
                    Line::new(
                        if member { 1.0 + (rnd() % 1_000_000) as f64 / 3.0 } else { 0.0 },
                        (rnd() % 5000) as f64 / 7.0,
                        if rnd().is_multiple_of(10) { mask | SKIP } else { mask },
                    )
                })
                .collect();
            let mut sec: Vec<u32> = (0..len).map(|_| (rnd() % n_lines as u64) as u32).collect();
            sec.sort_unstable();
            sec.dedup();
            let close: Vec<f64> = sec
                .iter()
                .map(|_| match rnd() % if dirty { 23 } else { 400 } {
                    0 => f64::NAN,
                    1 => -1.0,
                    2 => 0.0,
                    _ => 0.01 + (rnd() % 100_000) as f64 / 13.0,
                })
                .collect();
            // The definition.
            let mut want_lines = lines.clone();
            let mut want = [[0.0f64; N_INDEX]; LANES];
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
                for (i, w) in want[r % LANES].iter_mut().enumerate() {
                    if l.mask & (1 << i) != 0 {
                        *w += l.price * l.n;
                    }
                }
            }
            let want_total: [f64; N_INDEX] = std::array::from_fn(|i| (want[0][i] + want[1][i]) + (want[2][i] + want[3][i]));
            for k in Kernel::available() {
                let mut got_lines = lines.clone();
                let (lanes, seen) = k.rows(&sec, &close, &mut got_lines);
                proptest::prop_assert_eq!(seen, want_seen, "{:?}", k);
                proptest::prop_assert_eq!(&got_lines, &want_lines, "{:?}", k);
                let got = lanes.total();
                for i in 0..N_INDEX {
                    proptest::prop_assert_eq!(got[i].to_bits(), want_total[i].to_bits(), "{:?} index {}", k, i);
                }
            }
        }
    }
}
