//! The daily pass over prices.
//!
//! One loop over the day's rows, whatever happens in the market: each row's
//! close goes into its line (a NaN or non-positive close keeps the last
//! price) and, times the line's index shares, into the sum of the line's
//! mask group (module `sum`, vectorised where the CPU allows; groups in
//! module `groups`), and the group sums then into the indexes of their
//! masks. Non-members and exiting lines are in no group, so the loop has
//! no branch on membership. The rows are sorted by sec, so the reads and writes
//! of the line table walk memory forward, and the loop reads each row once
//! (the price column in one pass, plus the sec column).
//!
//! Members without a row that day (halts) count at their carried price: the
//! loop counts the member rows it saw, and only on a day when that count
//! falls short does a merge of the member list with the day's secs name
//! them and add their carried value. Exiting members (acquisition targets,
//! delistings, mask bit [`SKIP`]) are left out and valued by the engine at
//! their exit price.
//!
//! Sums run in a fixed order (see `sum` and `groups`), then the halted
//! members in sec order: results depend on the inputs only, not on the CPU.

mod groups;
mod sum;

use rankday_core::CrossSection;

pub(crate) use groups::Groups;

use crate::holdings::{add_to, walk_bits, Holdings, Line, N_INDEX, SKIP};
use sum::Kernel;

pub(crate) struct Walk {
    kernel: Kernel,
    missing: Vec<u32>,
    /// Scratch: the day's group sums.
    sums: Vec<f64>,
}

impl Walk {
    pub fn new() -> Self {
        Walk {
            kernel: Kernel::detect(),
            missing: Vec::new(),
            sums: Vec::new(),
        }
    }

    /// Members (not exiting) without a row on the last day walked.
    pub fn missing(&self) -> &[u32] {
        &self.missing
    }

    /// Records the day's closes in `h`'s prices and returns the market
    /// value of every index at the close, exiting lines left out.
    pub fn day(&mut self, cs: &CrossSection<'_>, h: &mut Holdings) -> [f64; N_INDEX] {
        let span = h.groups.span();
        let seen = self
            .kernel
            .rows(cs.sec, cs.close, &mut h.lines, span, &mut self.sums);
        let mut values = h.groups.fold(&self.sums);
        let want = h.valued_count();
        if seen == want {
            self.missing.clear();
        } else if !self.still_missing(cs, h, want - seen) {
            self.missing.clear();
            self.find_missing(cs, h);
        }
        for &s in &self.missing {
            let l = h.lines[s as usize];
            add_to(&mut values, l.mask, l.price * l.n);
        }
        values
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
}

/// The daily walk's row loop alone, over every day of `market`, with the
/// holdings given per security (`shares`, `masks`: index bits, both cycled
/// over the securities): what the calculation costs before any of its
/// events, for the floor benchmark (`cargo run --release -p rankday-bench
/// --example walk_floor`). Returns the index values summed over the days.
pub fn bench_row_loop(
    market: &rankday_core::Market,
    shares: &[f64],
    masks: &[u16],
) -> [f64; N_INDEX] {
    row_loop_days(market, shares, masks, (0..market.n_days()).map(|d| (d, 1)))
}

/// [`bench_row_loop`] over day `day` only, `reps` times in a row: with the
/// day's rows in cache, what the row loop costs in compute alone, which is
/// its floor on a machine whose memory keeps up with it (`walk_floor`
/// compares it with the pass over the same closes).
pub fn bench_row_loop_day(
    market: &rankday_core::Market,
    day: usize,
    shares: &[f64],
    masks: &[u16],
    reps: usize,
) -> [f64; N_INDEX] {
    row_loop_days(market, shares, masks, std::iter::once((day, reps)))
}

fn row_loop_days(
    market: &rankday_core::Market,
    shares: &[f64],
    masks: &[u16],
    days: impl Iterator<Item = (usize, usize)>,
) -> [f64; N_INDEX] {
    let mut groups = Groups::default();
    let mut lines: Vec<Line> = (0..market.n_securities())
        .map(|s| {
            let mask = masks[s % masks.len()];
            let mut l = Line {
                n: shares[s % shares.len()],
                mask,
                ..Line::default()
            };
            groups.assign(&mut l, walk_bits(mask));
            l
        })
        .collect();
    let kernel = Kernel::detect();
    let span = groups.span();
    let mut sums = Vec::new();
    let mut total = [0.0; N_INDEX];
    for (day, reps) in days {
        let cs = market.cross_section(day);
        for _ in 0..reps {
            kernel.rows(cs.sec, cs.close, &mut lines, span, &mut sums);
            for (t, v) in total.iter_mut().zip(groups.fold(&sums)) {
                *t += v;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holdings::N_INDEX;
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
        let mut rnd = crate::testutil::xorshift(7);
        for day in 0..6 {
            for k in 0..n {
                if rnd().is_multiple_of(9) {
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
        let m = b.build().unwrap();
        let mut h = Holdings::new(n as usize);
        for k in 0..n {
            let mask = (rnd() as u16) & ((1 << N_INDEX) - 1);
            if mask != 0 {
                h.set(
                    Sec(k),
                    1.0 + (rnd() % 100) as f64,
                    mask,
                    None,
                    &rankday_calendar::BufferThresholds::RUSSELL,
                );
                h.set_price(Sec(k), 3.0);
            }
        }
        let mut w = Walk::new();
        for day in 0..m.n_days() {
            let cs = m.cross_section(day);
            let fast = w.day(&cs, &mut h);
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
        let m = b.build().unwrap();
        let mut h = Holdings::new(3);
        for k in 0..3 {
            h.set(
                Sec(k),
                1.0,
                1,
                None,
                &rankday_calendar::BufferThresholds::RUSSELL,
            );
        }
        let mut w = Walk::new();
        let want: [&[u32]; 5] = [&[], &[0], &[0], &[1], &[]];
        assert_eq!(m.n_days(), want.len());
        for (day, want) in want.iter().enumerate() {
            let fast = w.day(&m.cross_section(day), &mut h);
            assert_eq!(w.missing(), *want, "day {day}");
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
            let mut rnd = crate::testutil::xorshift(seed | 1);
            let mut b = MarketBuilder::new();
            for k in 0..n {
                let id = format!("S{k}");
                b.add_security(Security::us_common(&id, &id, &id)).unwrap();
            }
            for day in 0..days {
                for k in 0..n {
                    if rnd().is_multiple_of(5) {
                        continue;
                    }
                    let close = if rnd().is_multiple_of(17) { f64::NAN } else { 1.0 + (rnd() % 500) as f64 / 7.0 };
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
            let m = b.build().unwrap();
            let mut h = Holdings::new(n as usize);
            let mut w = Walk::new();
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
                        0 | 1 => h.set(sec, 1.0 + (rnd() % 9) as f64, (rnd() % ((1 << N_INDEX) - 1)) as u16 + 1, None, &rankday_calendar::BufferThresholds::RUSSELL),
                        2 => h.remove(sec),
                        3 => h.mark_skip(sec),
                        4 => h.scale_shares(sec, 2.0),
                        _ => {
                            let _ = h.members();
                            h.begin_bulk();
                            h.set(sec, 3.0, 7, None, &rankday_calendar::BufferThresholds::RUSSELL);
                        }
                    }
                }
                let cs = m.cross_section(day);
                for (&s, &p) in cs.sec.iter().zip(cs.close) {
                    if p > 0.0 && p < f64::INFINITY {
                        last[s as usize] = p;
                    }
                }
                let fast = w.day(&cs, &mut h);
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
