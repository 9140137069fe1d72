//! Reading ahead: a helper thread touches the rows and corporate actions of
//! the next days while the daily loop works on today, so that the loop finds
//! them in the shared cache instead of waiting on main memory (a day's
//! events touch other memory between two walks, which the hardware
//! prefetcher does not bridge).
//!
//! The helper only reads the market, which is immutable, so it cannot
//! change a result: levels are the same bits with or without it. It runs
//! when the caller's rayon pool has a second thread and the market is large
//! enough for memory to matter. On the 50-year benchmark market it takes
//! about a tenth to a quarter off the levels, the less the slower the
//! machine's memory (`cargo bench -p rankday-bench --bench peers` prints the
//! levels at 1 and 2 threads; machines in `docs/performance.md`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{Scope, ScopedJoinHandle};

use rankday_core::Market;

/// Days read ahead of the loop (about 140 kB of a large market's rows):
/// further ahead, the rows start to leave the cache before the walk gets
/// to them.
const DAYS_AHEAD: usize = 2;
/// Below this many rows the market mostly stays in cache anyway.
const MIN_ROWS: usize = 2_000_000;
#[cfg(not(test))]
fn min_rows() -> usize {
    MIN_ROWS
}

/// Tests turn the helper on for small markets (the rest of the suite may
/// see it on too, which changes nothing but speed).
#[cfg(test)]
static TEST_MIN_ROWS: AtomicUsize = AtomicUsize::new(MIN_ROWS);

#[cfg(test)]
fn min_rows() -> usize {
    TEST_MIN_ROWS.load(Ordering::Relaxed)
}

/// Spins before the helper yields its core while it waits for the loop.
const SPINS: u32 = 256;
const DONE: usize = usize::MAX;

pub(crate) struct Ahead<'m> {
    market: &'m Market,
    last: usize,
    /// The day the loop is at, or [`DONE`].
    day: AtomicUsize,
    on: bool,
}

impl<'m> Ahead<'m> {
    /// A reader for days `0..=last` of `market`; `allowed` is false when
    /// the second core has other work (a producer of the states, see
    /// [`crate::feed`]: in a trial on the 50-year market the job was no
    /// faster with the reader as a third thread on two cores).
    pub fn new(market: &'m Market, last: usize, allowed: bool) -> Self {
        Ahead {
            market,
            last,
            day: AtomicUsize::new(0),
            on: allowed && rayon::current_num_threads() > 1 && market.n_rows() >= min_rows(),
        }
    }

    /// Starts the helper in `scope` when it is worth it; it stops when the
    /// returned guard drops.
    pub fn start<'s>(&'s self, scope: &'s Scope<'s, '_>) -> Option<Stop<'s, 'm>> {
        self.on.then(|| Stop {
            ahead: self,
            _handle: scope.spawn(|| self.read()),
        })
    }

    /// The loop is at `day`.
    pub fn at(&self, day: usize) {
        if self.on {
            self.day.store(day, Ordering::Relaxed);
        }
    }

    fn read(&self) {
        let (dates, actions) = (self.market.dates(), self.market.actions());
        let mut next = 0;
        let mut ai = 0;
        let mut sink = 0u64;
        let mut spins = 0;
        loop {
            let day = self.day.load(Ordering::Relaxed);
            if day == DONE {
                break;
            }
            next = next.max(day + 1);
            if next > (day + DAYS_AHEAD).min(self.last) {
                spins += 1;
                if spins < SPINS {
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
                continue;
            }
            spins = 0;
            let cs = self.market.cross_section(next);
            // One read per cache line of the two columns the walk reads.
            sink = cs
                .close
                .iter()
                .step_by(8)
                .fold(sink, |a, p| a ^ p.to_bits());
            sink = cs
                .sec
                .iter()
                .step_by(16)
                .fold(sink, |a, &s| a ^ u64::from(s));
            // And the day's corporate actions (ex-date sorted, read by the
            // loop before the open).
            while ai < actions.len() && actions[ai].ex_date <= dates[next] {
                sink ^= u64::from(actions[ai].sec.0);
                ai += 1;
            }
            next += 1;
        }
        std::hint::black_box(sink);
    }
}

/// Stops the helper when dropped, on success or an early error return.
pub(crate) struct Stop<'s, 'm> {
    ahead: &'s Ahead<'m>,
    _handle: ScopedJoinHandle<'s, ()>,
}

impl Drop for Stop<'_, '_> {
    fn drop(&mut self) {
        self.ahead.day.store(DONE, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use rankday_core::{
        Change, DailyRow, Date, IndexId, IndexSet, MarketBuilder, MemberRow, Membership, Sec,
        Security, StateKind,
    };

    use super::*;
    use crate::{calculate, CalcConfig, CalcError};

    fn market(n: u32, days: u32) -> Market {
        let mut b = MarketBuilder::new();
        for k in 0..n {
            let id = format!("S{k}");
            b.add_security(Security::us_common(&id, &id, &id)).unwrap();
        }
        let mut rnd = crate::testutil::xorshift(99);
        for day in 0..days {
            for k in 0..n {
                let x = rnd();
                b.push_daily(DailyRow {
                    date: Date::ymd(2024, 1, 1).add_days(day as i32),
                    sec: Sec(k),
                    close: if day > 0 && x.is_multiple_of(31) {
                        f64::NAN
                    } else {
                        10.0 + (x % 1000) as f64 / 100.0
                    },
                    volume: 0.0,
                    shares_outstanding: 1e6,
                    float_shares: 1e6,
                });
            }
        }
        b.build().unwrap()
    }

    fn state(m: &Market, day: usize, shares: f64) -> Membership {
        let date = m.dates()[day];
        Membership {
            kind: StateKind::Reconstitution,
            rank_date: date,
            effective_date: date,
            rows: (0..m.n_securities() as u32)
                .map(|k| MemberRow {
                    sec: Sec(k),
                    company: k,
                    rank: k + 1,
                    total_market_cap: 1e7,
                    float_market_cap: 1e7,
                    cumulative_percentile: 0.0,
                    indexes: [IndexId::R3000, IndexId::R2000]
                        .into_iter()
                        .collect::<IndexSet>(),
                    change: Change::Add,
                    index_shares: shares,
                })
                .collect(),
        }
    }

    /// With the helper forced on (2 threads, any market size), levels are
    /// the same bits as without it, and an error part-way through the loop
    /// returns (the helper stops) instead of hanging.
    #[test]
    fn reading_ahead_changes_nothing_and_stops_on_error() {
        let m = market(40, 60);
        let good = vec![state(&m, 0, 1e6), state(&m, 30, 2e6)];
        let bad = vec![state(&m, 0, 1e6), state(&m, 30, -1.0)];
        let cfg = CalcConfig::default();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let run = |states: &[Membership], on: bool| {
            TEST_MIN_ROWS.store(if on { 1 } else { usize::MAX }, Ordering::Relaxed);
            let ahead_on = pool.install(|| Ahead::new(&m, m.n_days() - 1, true).on);
            assert_eq!(ahead_on, on);
            pool.install(|| calculate(&m, states, &cfg))
        };
        let with = run(&good, true).unwrap();
        let without = run(&good, false).unwrap();
        TEST_MIN_ROWS.store(MIN_ROWS, Ordering::Relaxed);
        assert!(!with.levels.is_empty());
        assert_eq!(with.levels.len(), without.levels.len());
        for (a, b) in with.levels.iter().zip(&without.levels) {
            assert_eq!(a.price_return.to_bits(), b.price_return.to_bits());
            assert_eq!(a.total_return.to_bits(), b.total_return.to_bits());
        }
        let err = run(&bad, true);
        TEST_MIN_ROWS.store(MIN_ROWS, Ordering::Relaxed);
        assert!(
            matches!(err, Err(CalcError::BadIndexShares { .. })),
            "{err:?}"
        );
    }
}
