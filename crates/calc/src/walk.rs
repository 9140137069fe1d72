//! The daily pass over prices.
//!
//! One loop over the day's rows, whatever happens in the market: each row's
//! close goes into the dense price vector by sec (a NaN or non-positive
//! close keeps the last price) and, times the line's index shares, into the
//! accumulator of the line's index mask. Non-members land in a scratch
//! group whose sum is never read, so the loop has no branch on membership.
//! The rows are sorted by sec, so the reads of the line table and the
//! writes of the price vector walk memory forward, and the loop reads each
//! row once (the price column in one pass, plus the sec column).
//!
//! Members without a row that day (halts) count at their carried price: the
//! loop counts the member rows it saw, and only on a day when that count
//! falls short does a merge of the member list with the day's secs name
//! them and add their carried value. Exiting members (acquisition targets,
//! delistings, mask bit [`SKIP`]) are left out and valued by the engine at
//! their exit price.
//!
//! Sums run in a fixed order: rows in sec order, spread over eight
//! accumulators by row position (so consecutive rows of one mask do not
//! wait on each other), added in a fixed order. Results depend on the
//! inputs only.

use rankday_core::CrossSection;

use crate::holdings::{Holdings, Line, N_BUCKETS, N_INDEX, SKIP};

/// Accumulators per group: row `k` of the day adds into lane `k % LANES`.
const LANES: usize = 8;
/// Groups are distinct member masks plus the scratch group: at most one per
/// mask of [`N_INDEX`] bits.
const MAX_GROUPS: usize = 1 << N_INDEX;

pub(crate) struct Walk {
    /// Holdings mask version the groups were built for.
    version: Option<u64>,
    /// Group of every bucket mask; 0 (scratch) for non-members and lines
    /// exiting today.
    gid: Box<[u16; N_BUCKETS]>,
    /// Mask of every group; group 0 is the scratch group.
    group_mask: Vec<u16>,
    /// `LANES` accumulators per group, group-major. Fixed sizes let the
    /// compiler drop the bounds checks of the row loop.
    acc: Box<[[f64; LANES]; MAX_GROUPS]>,
    missing: Vec<u32>,
}

impl Walk {
    pub fn new() -> Self {
        Walk {
            version: None,
            gid: Box::new([0; N_BUCKETS]),
            group_mask: vec![0],
            acc: Box::new([[0.0; LANES]; MAX_GROUPS]),
            missing: Vec::new(),
        }
    }

    /// Members (not exiting) without a row on the last day walked.
    pub fn missing(&self) -> &[u32] {
        &self.missing
    }

    /// Records the day's closes in `h`'s prices and adds each mask's market
    /// value into `by_mask` (indexed by mask).
    pub fn day(&mut self, cs: &CrossSection<'_>, h: &mut Holdings, by_mask: &mut [f64]) {
        if self.version != Some(h.mask_version()) {
            self.regroup(h);
        }
        let groups = self.group_mask.len();
        self.acc[..groups].fill([0.0; LANES]);
        // A vectorised check first: on a day with only valid closes the
        // main loop needs no select against the carried price.
        let clean = all_valid(cs.close);
        let seen = if clean {
            accumulate::<true>(cs, &mut h.lines, &self.gid, &mut self.acc)
        } else {
            accumulate::<false>(cs, &mut h.lines, &self.gid, &mut self.acc)
        };
        for g in 1..groups {
            // Pairwise, in a fixed order.
            let a = &self.acc[g];
            let v = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
            by_mask[self.group_mask[g] as usize] += v;
        }
        let want = h.valued_count();
        if seen == want {
            self.missing.clear();
        } else if !self.still_missing(cs, h, want - seen) {
            self.missing.clear();
            self.find_missing(cs, h);
        }
        for &s in &self.missing {
            let l = h.lines[s as usize];
            by_mask[l.mask as usize] += l.price * l.n;
        }
    }

    /// Keeps those of yesterday's missing members that are still valued
    /// and still without a row, and says whether they are all of today's
    /// `count`: they are a subset of today's missing members, so equal
    /// counts mean equal sets. A long halt then costs a few searches a day
    /// instead of a merge of the member list.
    fn still_missing(&mut self, cs: &CrossSection<'_>, h: &Holdings, count: usize) -> bool {
        let lines = &h.lines;
        self.missing.retain(|&s| {
            let m = lines[s as usize].mask;
            m != 0 && m & SKIP == 0 && cs.sec.binary_search(&s).is_err()
        });
        self.missing.len() == count
    }

    /// Names the valued members without a row (a merge of two ascending
    /// lists).
    fn find_missing(&mut self, cs: &CrossSection<'_>, h: &mut Holdings) {
        let mut rows = cs.sec.iter().peekable();
        let (members, lines) = h.members_and_lines();
        for &s in members {
            if lines[s as usize].mask & SKIP != 0 {
                continue;
            }
            while rows.next_if(|&&r| r < s).is_some() {}
            if rows.peek() != Some(&&s) {
                self.missing.push(s);
            }
        }
    }

    /// Numbers the distinct masks of the members.
    fn regroup(&mut self, h: &mut Holdings) {
        for &m in &self.group_mask[1..] {
            self.gid[m as usize] = 0;
        }
        self.group_mask.truncate(1);
        for &m in h.masks() {
            self.gid[m as usize] = self.group_mask.len() as u16;
            self.group_mask.push(m);
        }
        self.version = Some(h.mask_version());
    }
}

/// Is every close positive and finite? Branch-free integer arithmetic on
/// the bits, so it vectorises on any x86-64: for a close with bits `b`,
/// `x = b - 1` is below `0x7FEF_FFFF_FFFF_FFFF` exactly when the close is
/// in (0, +inf); `x` then has its top bit clear, and so has
/// `x + 0x0010_0000_0000_0001`, while zero, negatives, infinity and NaN set
/// the top bit of one of the two.
fn all_valid(close: &[f64]) -> bool {
    const C: u64 = 0x0010_0000_0000_0001;
    let bad = close.iter().fold(0u64, |acc, p| {
        let x = p.to_bits().wrapping_sub(1);
        acc | x | x.wrapping_add(C)
    });
    bad >> 63 == 0
}

/// The loop over the day's rows; returns how many rows were of valued
/// members. `CLEAN`: every close of the day is positive and finite.
fn accumulate<const CLEAN: bool>(
    cs: &CrossSection<'_>,
    lines: &mut [Line],
    gid: &[u16; N_BUCKETS],
    acc: &mut [[f64; LANES]; MAX_GROUPS],
) -> usize {
    let mut seen = [0usize; LANES];
    let mut secs = cs.sec.chunks_exact(LANES);
    let mut closes = cs.close.chunks_exact(LANES);
    let mut row = |lane: usize, s: u32, p: f64, seen: &mut [usize; LANES]| {
        let l = &mut lines[s as usize];
        if CLEAN || ((p > 0.0) & (p < f64::INFINITY)) {
            l.price = p;
        }
        let g = usize::from(gid[usize::from(l.mask) & (N_BUCKETS - 1)]) & (MAX_GROUPS - 1);
        acc[g][lane] += l.price * l.n;
        seen[lane] += usize::from(g != 0);
    };
    for (s8, p8) in (&mut secs).zip(&mut closes) {
        for lane in 0..LANES {
            row(lane, s8[lane], p8[lane], &mut seen);
        }
    }
    for (lane, (&s, &p)) in secs.remainder().iter().zip(closes.remainder()).enumerate() {
        row(lane, s, p, &mut seen);
    }
    seen.iter().sum()
}

#[cfg(test)]
mod tests {
    /// The bit test agrees with `p > 0 && p < inf` on the edges.
    #[test]
    fn all_valid_matches_the_float_definition() {
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
            let want = p > 0.0 && p < f64::INFINITY;
            assert_eq!(super::all_valid(&[p]), want, "{p:e} {:x}", p.to_bits());
            assert_eq!(super::all_valid(&[1.0, 2.0, p, 3.0, 4.0]), want);
        }
        assert!(super::all_valid(&[]));
    }

    use super::*;
    use crate::holdings::{fold, N_INDEX};
    use rankday_core::{DailyRow, Date, MarketBuilder, Sec, Security};

    /// The walk agrees with the member-by-member sum at the same prices and
    /// lists the members without a row.
    #[test]
    fn agrees_with_member_sums_and_finds_halts() {
        let mut b = MarketBuilder::new();
        let n = 60;
        for k in 0..n {
            let id = format!("S{k}");
            b.add_security(Security::us_common(&id, &id, &id)).unwrap();
        }
        let mut x = 7u64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for day in 0..6 {
            for k in 0..n {
                if rnd() % 9 == 0 {
                    continue;
                }
                b.push_daily(DailyRow {
                    date: Date::ymd(2024, 1, 1 + day),
                    sec: Sec(k),
                    close: 1.0 + (rnd() % 1000) as f64 / 7.0,
                    volume: 0.0,
                    shares_outstanding: 1.0,
                    float_shares: 1.0,
                });
            }
        }
        let m = b.build().map_err(|e| e.0).unwrap();
        let mut h = Holdings::new(n as usize);
        for k in 0..n {
            let mask = (rnd() as u16) & ((1 << N_INDEX) - 1);
            if mask != 0 {
                h.set(Sec(k), 1.0 + (rnd() % 100) as f64, mask, None);
                h.set_price(Sec(k), 3.0);
            }
        }
        let mut w = Walk::new();
        let mut by_mask = vec![0.0; 1 << N_INDEX];
        for day in 0..m.n_days() {
            let cs = m.cross_section(day);
            w.day(&cs, &mut h, &mut by_mask);
            let masks = h.masks().to_vec();
            let fast = fold(&mut by_mask, &masks);
            let slow = h.market_values();
            for i in 0..N_INDEX {
                let tol = 1e-12 * slow[i].abs().max(1.0);
                assert!((fast[i] - slow[i]).abs() <= tol, "{day} {i}");
            }
            let want: Vec<u32> = h
                .members()
                .iter()
                .copied()
                .filter(|&s| cs.find(Sec(s)).is_none())
                .collect();
            assert_eq!(w.missing(), &want[..]);
        }
    }

    /// A halt that lasts is recognised without a merge, and a different
    /// line missing on the next day (same count) is still named.
    #[test]
    fn lasting_and_moving_halts() {
        let mut b = MarketBuilder::new();
        for k in 0..3 {
            let id = format!("S{k}");
            b.add_security(Security::us_common(&id, &id, &id)).unwrap();
        }
        // Day 0: all trade; days 1-2: S0 missing; day 3: S1 missing; day 4: all.
        let absent = [None, Some(0), Some(0), Some(1), None];
        for (day, gone) in absent.iter().enumerate() {
            for k in 0..3u32 {
                if *gone == Some(k) {
                    continue;
                }
                b.push_daily(DailyRow {
                    date: Date::ymd(2024, 1, 1 + day as u32),
                    sec: Sec(k),
                    close: 10.0 + day as f64 + k as f64,
                    volume: 0.0,
                    shares_outstanding: 1.0,
                    float_shares: 1.0,
                });
            }
        }
        let m = b.build().map_err(|e| e.0).unwrap();
        let mut h = Holdings::new(3);
        for k in 0..3 {
            h.set(Sec(k), 1.0, 1, None);
        }
        let mut w = Walk::new();
        let mut by_mask = vec![0.0; 1 << N_INDEX];
        let want: [&[u32]; 5] = [&[], &[0], &[0], &[1], &[]];
        assert_eq!(m.n_days(), want.len());
        for (day, want) in want.iter().enumerate() {
            w.day(&m.cross_section(day), &mut h, &mut by_mask);
            assert_eq!(w.missing(), *want, "day {day}");
            let masks = h.masks().to_vec();
            let fast = fold(&mut by_mask, &masks);
            assert!((fast[0] - h.market_values()[0]).abs() < 1e-12, "day {day}");
        }
    }

    proptest::proptest! {
        /// Over random days (lines trading or not, some closes NaN) with
        /// random holdings changes between them (joins, leaves, exits,
        /// splits, bulk changes), the walk names exactly the valued members
        /// without a row and its mask sums equal a member-by-member sum of
        /// the valued members at their last valid close.
        #[test]
        fn walk_matches_brute_force_through_changes(
            seed in 0u64..u64::MAX,
            days in 2usize..25,
        ) {
            let n = 24u32;
            let mut x = seed | 1;
            let mut rnd = move || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            let mut b = MarketBuilder::new();
            for k in 0..n {
                let id = format!("S{k}");
                b.add_security(Security::us_common(&id, &id, &id)).unwrap();
            }
            for day in 0..days {
                for k in 0..n {
                    if rnd() % 5 == 0 {
                        continue;
                    }
                    let close = if rnd() % 17 == 0 { f64::NAN } else { 1.0 + (rnd() % 500) as f64 / 7.0 };
                    b.push_daily(DailyRow {
                        date: Date::ymd(2024, 1, 1).add_days(day as i32),
                        sec: Sec(k),
                        close,
                        volume: 0.0,
                        shares_outstanding: 1.0,
                        float_shares: 1.0,
                    });
                }
            }
            let m = b.build().map_err(|e| e.0).unwrap();
            let mut h = Holdings::new(n as usize);
            let mut w = Walk::new();
            let mut by_mask = vec![0.0; 1 << N_INDEX];
            let mut last = vec![0.0f64; n as usize];
            for day in 0..m.n_days() {
                // Exiting lines leave after the close they were valued at.
                for k in 0..n {
                    if h.line(Sec(k)).mask & SKIP != 0 {
                        h.remove(Sec(k));
                    }
                }
                for _ in 0..(rnd() % 4) {
                    let sec = Sec((rnd() % u64::from(n)) as u32);
                    match rnd() % 6 {
                        0 | 1 => h.set(sec, 1.0 + (rnd() % 9) as f64, (rnd() % 511) as u16 + 1, None),
                        2 => h.remove(sec),
                        3 => h.mark_skip(sec),
                        4 => h.scale_shares(sec, 2.0),
                        _ => {
                            let _ = h.members();
                            h.begin_bulk();
                            h.set(sec, 3.0, 7, None);
                        }
                    }
                }
                let cs = m.cross_section(day);
                for (&s, &p) in cs.sec.iter().zip(cs.close) {
                    if p > 0.0 && p < f64::INFINITY {
                        last[s as usize] = p;
                    }
                }
                w.day(&cs, &mut h, &mut by_mask);
                let masks = h.masks().to_vec();
                let fast = fold(&mut by_mask, &masks);
                let mut slow = [0.0f64; N_INDEX];
                let mut want_missing = Vec::new();
                for k in 0..n {
                    let l = h.line(Sec(k));
                    if l.mask == 0 || l.mask & SKIP != 0 {
                        continue;
                    }
                    if cs.find(Sec(k)).is_none() {
                        want_missing.push(k);
                    }
                    for (i, v) in slow.iter_mut().enumerate() {
                        if l.mask & (1 << i) != 0 {
                            *v += last[k as usize] * l.n;
                        }
                    }
                }
                proptest::prop_assert_eq!(w.missing(), &want_missing[..], "day {}", day);
                for i in 0..N_INDEX {
                    let tol = 1e-12 * slow[i].abs().max(1.0);
                    proptest::prop_assert!((fast[i] - slow[i]).abs() <= tol, "day {} index {}: {} vs {}", day, i, fast[i], slow[i]);
                }
            }
        }
    }
}
