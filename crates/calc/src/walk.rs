//! The daily pass over prices.
//!
//! Two short loops a day, whatever happens in the market:
//! 1. a scatter of the day's closes into a dense price vector by sec (the
//!    one read of the day's rows; a NaN or non-positive close keeps the last
//!    price), stamping each line that has a row;
//! 2. per index mask, a dot product of the member prices with their index
//!    shares. Members are kept grouped by mask (one contiguous range per
//!    mask, sec order inside), regrouped only when holdings change.
//!
//! Halted members count at their carried price; the stamps show who they
//! are. Exiting members (acquisition targets, delistings) are left out of
//! the groups and valued by the engine at their exit price.
//!
//! Sums run in a fixed order: mask by mask, four interleaved partial sums
//! per range added in a fixed order. Results depend on the inputs only.

use rankday_core::CrossSection;

use crate::holdings::{Holdings, N_INDEX, SKIP};

const NONE: u32 = u32::MAX;

pub(crate) struct Walk {
    /// Last day each line had a row.
    stamp: Vec<u32>,
    /// Holdings version the groups were built for.
    version: Option<u64>,
    secs: Vec<u32>,
    n: Vec<f64>,
    /// `(mask, start, end)` into `secs`/`n`, ascending mask.
    ranges: Vec<(u16, usize, usize)>,
    missing: Vec<u32>,
}

impl Walk {
    pub fn new(n_secs: usize) -> Self {
        Walk {
            stamp: vec![NONE; n_secs],
            version: None,
            secs: Vec::new(),
            n: Vec::new(),
            ranges: Vec::new(),
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
        if self.version != Some(h.version()) {
            self.group(h);
        }
        let d = cs.day as u32;
        let price = &mut h.price[..];
        let stamp = &mut self.stamp[..];
        for (&s, &p) in cs.sec.iter().zip(cs.close) {
            let (x, t) = (&mut price[s as usize], &mut stamp[s as usize]);
            // Non-short-circuit: two compares, no bit tricks.
            if (p > 0.0) & (p < f64::INFINITY) {
                *x = p;
            }
            *t = d;
        }
        let mut miss = 0u32;
        for &(mask, a, b) in &self.ranges {
            let mut acc = [0.0f64; 4];
            let (secs, n) = (&self.secs[a..b], &self.n[a..b]);
            let mut sc = secs.chunks_exact(4);
            let mut nc = n.chunks_exact(4);
            for (s4, n4) in (&mut sc).zip(&mut nc) {
                for i in 0..4 {
                    let s = s4[i] as usize;
                    acc[i] += price[s] * n4[i];
                    miss |= stamp[s] ^ d;
                }
            }
            for (i, (&s, &x)) in sc.remainder().iter().zip(nc.remainder()).enumerate() {
                acc[i] += price[s as usize] * x;
                miss |= stamp[s as usize] ^ d;
            }
            by_mask[mask as usize] += (acc[0] + acc[1]) + (acc[2] + acc[3]);
        }
        self.missing.clear();
        if miss != 0 {
            let stamp = &self.stamp;
            self.missing
                .extend(self.secs.iter().filter(|&&s| stamp[s as usize] != d));
            self.missing.sort_unstable();
        }
    }

    /// Groups the members not exiting by mask (counting sort; sec order
    /// within a mask).
    fn group(&mut self, h: &mut Holdings) {
        let (members, lines) = h.members_and_lines();
        let mut count = vec![0usize; 1 << N_INDEX];
        for &s in members {
            let m = lines[s as usize].mask;
            if m & SKIP == 0 {
                count[m as usize] += 1;
            }
        }
        self.ranges.clear();
        let mut start = vec![0usize; 1 << N_INDEX];
        let mut at = 0;
        for (m, &c) in count.iter().enumerate() {
            if c > 0 {
                self.ranges.push((m as u16, at, at + c));
                start[m] = at;
                at += c;
            }
        }
        self.secs.resize(at, 0);
        self.n.resize(at, 0.0);
        for &s in members {
            let l = lines[s as usize];
            if l.mask & SKIP != 0 {
                continue;
            }
            let k = &mut start[l.mask as usize];
            self.secs[*k] = s;
            self.n[*k] = l.n;
            *k += 1;
        }
        self.version = Some(h.version());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holdings::fold;
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
        let mut w = Walk::new(n as usize);
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
}
