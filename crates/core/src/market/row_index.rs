//! The store's row indexes, built on every core: the order check, the day
//! boundaries and each security's rows.
//!
//! Why a module of its own: on a 50-year market (72 million rows) these
//! passes were the longest single-threaded stretch of loading, and the
//! per-security index is a transpose (a day's rows go to thousands of
//! security lists at once) whose cost is misses, not arithmetic. Each
//! function gives the same result as the obvious sequential loop.

use rayon::prelude::*;

use crate::Date;

/// Rows per task of the passes over all rows.
const CHUNK: usize = 1 << 16;

/// Securities per task of [`rows_by_security`]: enough tasks to share the
/// work, few enough open lists per task that their pages stay in the TLB.
const SECS_PER_TASK: usize = 512;

fn key(date: &[i32], sec: &[u32], i: usize) -> i64 {
    (i64::from(date[i]) << 32) | i64::from(sec[i])
}

/// Whether the rows' (date, security) keys strictly ascend.
pub(super) fn strictly_ascending(date: &[i32], sec: &[u32]) -> bool {
    let n = sec.len();
    (0..n.div_ceil(CHUNK)).into_par_iter().all(|c| {
        let (a, b) = ((c * CHUNK).max(1), ((c + 1) * CHUNK).min(n));
        (a..b).fold(true, |ok, i| {
            ok & (key(date, sec, i - 1) < key(date, sec, i))
        })
    })
}

/// The distinct dates of `n` rows in store order (`date_of(k)` is the date
/// of store row `k`) and the store row where each starts, plus `n`.
pub(super) fn day_starts(
    n: usize,
    date_of: impl Fn(usize) -> i32 + Sync,
) -> (Vec<Date>, Vec<usize>) {
    let starts: Vec<Vec<usize>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let (a, b) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let mut prev = if a == 0 { None } else { Some(date_of(a - 1)) };
            let mut out = Vec::new();
            for k in a..b {
                let d = date_of(k);
                if prev != Some(d) {
                    out.push(k);
                    prev = Some(d);
                }
            }
            out
        })
        .collect();
    let mut day_start: Vec<usize> = starts.into_iter().flatten().collect();
    let dates = day_start.iter().map(|&k| Date(date_of(k))).collect();
    day_start.push(n);
    (dates, day_start)
}

/// Each security's store rows, ascending: `(start, rows)` with the rows of
/// security `s` at `rows[start[s]..start[s + 1]]`. `sec` is in store order
/// (sorted by security within each day of `day_start`), every entry below
/// `ns`.
pub(super) fn rows_by_security(
    ns: usize,
    sec: &[u32],
    day_start: &[usize],
) -> (Vec<u32>, Vec<u32>) {
    let n = sec.len();
    let counts = sec
        .par_chunks(CHUNK)
        .fold(
            || vec![0u32; ns],
            |mut c, part| {
                for &s in part {
                    c[s as usize] += 1;
                }
                c
            },
        )
        .reduce(
            || vec![0u32; ns],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        );
    let mut start = Vec::with_capacity(ns + 1);
    start.push(0u32);
    for c in counts {
        start.push(start.last().expect("non-empty") + c);
    }
    // Where each task's securities start in each day: one sequential pass
    // over the rows. A binary search of every day by every task instead
    // missed the cache at nearly every step (tasks x days x 2 x log2(day)
    // misses: on a 50-year market most of this function's time).
    let tasks = ns.div_ceil(SECS_PER_TASK);
    let stride = tasks + 1;
    let nd = day_start.len().saturating_sub(1);
    let mut bounds = vec![0u32; nd * stride];
    bounds
        .par_chunks_mut(stride.max(1))
        .enumerate()
        .for_each(|(d, b)| day_bounds(&sec[day_start[d]..day_start[d + 1]], b));
    let mut rows = vec![0u32; n];
    // One disjoint run of `rows` per range of securities.
    let mut parts = Vec::new();
    let mut rest: &mut [u32] = &mut rows;
    for (t, s0) in (0..ns).step_by(SECS_PER_TASK).enumerate() {
        let s1 = (s0 + SECS_PER_TASK).min(ns);
        let (part, tail) = rest.split_at_mut((start[s1] - start[s0]) as usize);
        parts.push((t, s0, s1, part));
        rest = tail;
    }
    parts.into_par_iter().for_each(|(t, s0, s1, out)| {
        let base = start[s0];
        let mut fill: Vec<u32> = start[s0..s1].iter().map(|&x| x - base).collect();
        for d in 0..nd {
            let first = day_start[d];
            // The day's rows of these securities are one run of the day.
            let (a, b) = (
                bounds[d * stride + t] as usize,
                bounds[d * stride + t + 1] as usize,
            );
            for (i, &s) in sec[first + a..first + b].iter().enumerate() {
                let f = &mut fill[s as usize - s0];
                out[*f as usize] = (first + a + i) as u32;
                *f += 1;
            }
        }
    });
    (start, rows)
}

/// `b[t]`: the position in `day` (securities ascending) of its first row
/// of a security at or above `t * SECS_PER_TASK`.
fn day_bounds(day: &[u32], b: &mut [u32]) {
    let mut t = 0;
    for (i, &s) in day.iter().enumerate() {
        let k = s as usize / SECS_PER_TASK;
        while t <= k && t < b.len() {
            b[t] = i as u32;
            t += 1;
        }
    }
    b[t..].fill(day.len() as u32);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the sequential loops, on rows spanning several chunks and
    /// security ranges, with empty days' worth of securities.
    #[test]
    fn indexes_match_the_sequential_loops() {
        let ns = 5000;
        let (mut date, mut sec) = (Vec::new(), Vec::new());
        let mut x = 7u64;
        for d in 0..120 {
            let mut s = 0u32;
            loop {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s += 1 + (x % 5) as u32;
                if s as usize >= ns {
                    break;
                }
                date.push(1000 + d * 3);
                sec.push(s);
            }
        }
        let n = sec.len();
        assert!(n > 2 * CHUNK);
        assert!(strictly_ascending(&date, &sec));
        let (dates, day_start) = day_starts(n, |k| date[k]);
        let mut want_starts = Vec::new();
        for k in 0..n {
            if k == 0 || date[k] != date[k - 1] {
                want_starts.push(k);
            }
        }
        want_starts.push(n);
        assert_eq!(day_start, want_starts);
        assert_eq!(dates.len(), 120);
        let (start, rows) = rows_by_security(ns, &sec, &day_start);
        let mut want: Vec<Vec<u32>> = vec![Vec::new(); ns];
        for (r, &s) in sec.iter().enumerate() {
            want[s as usize].push(r as u32);
        }
        for s in 0..ns {
            assert_eq!(
                &rows[start[s] as usize..start[s + 1] as usize],
                &want[s][..],
                "{s}"
            );
        }
        // A repeated key across a chunk boundary.
        (date[CHUNK], sec[CHUNK]) = (date[CHUNK - 1], sec[CHUNK - 1]);
        assert!(!strictly_ascending(&date, &sec));
        assert!(strictly_ascending(&[], &[]) && strictly_ascending(&[1], &[1]));
    }
}
