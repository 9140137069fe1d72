//! The fast path of the daily loop: the holdings aligned with the day's
//! cross-section.
//!
//! Between events the holdings do not change, and the set of lines that
//! trade rarely does. So the members are kept grouped by index mask (one
//! contiguous range per mask, in sec order inside a range) together with
//! their positions in the cross-section, and a day's market values are one
//! short dot product per mask range over the day's close slice. The
//! positions are recomputed only when the day's list of lines differs from
//! the previous one; the groups only when the holdings change. Members
//! without a row (halts) count at their carried price. A day on which a
//! member has no valid close or is valued at an exit price falls back to
//! the general walk of [`crate::engine`].
//!
//! Sums run in a fixed order (mask by mask, four interleaved partial sums
//! per range added in a fixed order), so results depend on the inputs only.

use rankday_core::CrossSection;

use crate::holdings::{Holdings, N_INDEX};

const NONE: u32 = u32::MAX;

pub(crate) struct Aligned<'a> {
    /// Holdings version the groups were built for.
    version: Option<u64>,
    /// Members grouped by mask: `(mask, start, end)` into `secs`/`n`.
    secs: Vec<u32>,
    n: Vec<f64>,
    ranges: Vec<(u16, usize, usize)>,
    /// The members present in `layout`, same grouping: their positions in
    /// it and their shares, with `(mask, start, end)` ranges.
    pos: Vec<u32>,
    w: Vec<f64>,
    present: Vec<(u16, usize, usize)>,
    /// Members absent from `layout` (halted): `(mask, sec, n)`, valued at
    /// their carried price.
    missing: Vec<(u16, u32, f64)>,
    /// The cross-section `pos` indexes (empty: positions unknown).
    layout: &'a [u32],
    stamp: Vec<u32>,
    at: Vec<u32>,
}

impl<'a> Aligned<'a> {
    pub fn new(n_secs: usize) -> Self {
        Aligned {
            version: None,
            secs: Vec::new(),
            n: Vec::new(),
            ranges: Vec::new(),
            pos: Vec::new(),
            w: Vec::new(),
            present: Vec::new(),
            missing: Vec::new(),
            layout: &[],
            stamp: vec![NONE; n_secs],
            at: vec![0; n_secs],
        }
    }

    /// Whether `cs` lists other lines than the last day seen (the caller
    /// then brings the lines' carried prices up to date).
    pub fn layout_changes(&self, cs: &CrossSection<'a>) -> bool {
        self.layout != cs.sec
    }

    /// Members without a row on the last day computed, `(mask, sec, n)`.
    pub fn missing(&self) -> &[(u16, u32, f64)] {
        &self.missing
    }

    /// Market value of every index on the day of `cs`, or `None` if the day
    /// needs the general walk. Halted members count at `h`'s carried prices.
    /// `changed` is [`Self::layout_changes`] of `cs`.
    pub fn market_values(
        &mut self,
        cs: &CrossSection<'a>,
        changed: bool,
        h: &mut Holdings,
    ) -> Option<[f64; N_INDEX]> {
        let mut changed = changed;
        if self.version != Some(h.version()) {
            if h.has_skip() {
                return None;
            }
            self.group(h);
            changed = true;
        }
        if changed {
            self.align(cs);
        }
        let close = cs.close;
        // Stream the day's closes into cache in order before the gathers,
        // which would otherwise wait on memory one line at a time.
        let mut touch = 0.0;
        for c in close.iter().step_by(8) {
            touch += *c;
        }
        std::hint::black_box(touch);
        let mut by_mask = [0.0; 1 << N_INDEX];
        // Lowest close gathered: a NaN poisons the sums, a close <= 0 shows
        // here; either sends the day to the general walk.
        let mut lo = [f64::INFINITY; 4];
        for &(mask, a, b) in &self.present {
            let mut acc = [0.0f64; 4];
            let (pos, w) = (&self.pos[a..b], &self.w[a..b]);
            let mut pc = pos.chunks_exact(4);
            let mut wc = w.chunks_exact(4);
            for (p4, w4) in (&mut pc).zip(&mut wc) {
                for i in 0..4 {
                    let c = close[p4[i] as usize];
                    lo[i] = if c < lo[i] { c } else { lo[i] };
                    acc[i] += c * w4[i];
                }
            }
            for (i, (&p, &x)) in pc.remainder().iter().zip(wc.remainder()).enumerate() {
                let c = close[p as usize];
                lo[i] = if c < lo[i] { c } else { lo[i] };
                acc[i] += c * x;
            }
            by_mask[mask as usize] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        }
        let bad = lo.iter().any(|&x| x <= 0.0);
        for &(mask, s, n) in &self.missing {
            by_mask[mask as usize] += h.lines[s as usize].price * n;
        }
        let mut mv = [0.0; N_INDEX];
        for &(mask, _, _) in &self.ranges {
            for (i, x) in mv.iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    *x += by_mask[mask as usize];
                }
            }
        }
        (!bad && mv.iter().all(|v| v.is_finite())).then_some(mv)
    }

    /// Positions of the members in `cs`; the absent ones go to `missing`.
    fn align(&mut self, cs: &CrossSection<'a>) {
        let d = cs.day as u32;
        for (k, &s) in cs.sec.iter().enumerate() {
            self.stamp[s as usize] = d;
            self.at[s as usize] = k as u32;
        }
        self.pos.clear();
        self.w.clear();
        self.present.clear();
        self.missing.clear();
        for &(mask, a, b) in &self.ranges {
            let start = self.pos.len();
            for j in a..b {
                let s = self.secs[j];
                if self.stamp[s as usize] == d {
                    self.pos.push(self.at[s as usize]);
                    self.w.push(self.n[j]);
                } else {
                    self.missing.push((mask, s, self.n[j]));
                }
            }
            self.present.push((mask, start, self.pos.len()));
        }
        self.layout = cs.sec;
    }

    /// Groups the members by mask (counting sort; sec order within a mask).
    fn group(&mut self, h: &mut Holdings) {
        let (members, lines) = h.members_and_lines();
        let mut count = vec![0usize; 1 << N_INDEX];
        for &s in members {
            count[lines[s as usize].mask as usize] += 1;
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
            let k = &mut start[l.mask as usize];
            self.secs[*k] = s;
            self.n[*k] = l.n;
            *k += 1;
        }
        self.layout = &[];
        self.version = Some(h.version());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holdings::SKIP;
    use rankday_core::{DailyRow, Date, MarketBuilder, Sec, Security};

    /// The fast path agrees with the member-by-member sum at the same
    /// prices, and lists the members without a row.
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
            let mask = (rnd() as u16) & ((1 << N_INDEX) - 1) & !SKIP;
            if mask != 0 {
                h.set(Sec(k), 1.0 + (rnd() % 100) as f64, mask, None);
                h.set_price(Sec(k), 3.0);
            }
        }
        let mut a = Aligned::new(n as usize);
        for day in 0..m.n_days() {
            let cs = m.cross_section(day);
            let changed = a.layout_changes(&cs);
            let fast = a.market_values(&cs, changed, &mut h).unwrap();
            for (&s, &p) in cs.sec.iter().zip(cs.close) {
                h.set_price(Sec(s), p);
            }
            let slow = h.market_values();
            for i in 0..N_INDEX {
                let tol = 1e-12 * slow[i].abs().max(1.0);
                assert!((fast[i] - slow[i]).abs() <= tol, "{day} {i}");
            }
            let mut want: Vec<u32> = h
                .members()
                .iter()
                .copied()
                .filter(|&s| cs.find(Sec(s)).is_none())
                .collect();
            let mut got: Vec<u32> = a.missing().iter().map(|m| m.1).collect();
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want);
        }
    }
}
