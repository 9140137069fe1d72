//! Membership states delivered while the levels run.
//!
//! The full-history job makes its membership states one rank day after the
//! other and the levels consume them one effective day after the other; the
//! levels of 1980 do not need the state of 2020. Since the effective date
//! of every state is known from the calendar before any state is made, the
//! daily loop can run on one core while the reconstitutions run on another,
//! waiting only when it reaches the effective day of a state not made yet
//! (and then running the producer's pending parallel tasks rather than
//! idling, see `StateFeed::wait`). [`calculate_alongside`] runs the two side by side; the states, and so the
//! levels, are the same bits as when the history runs first.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use rankday_core::{Date, Market, Membership};

use crate::{CalcConfig, CalcError, CalcOutput};

/// Membership states in effective-date order, each perhaps still being
/// made: the engine's view of its input.
pub(crate) trait States: Sync {
    /// Effective date of every state, in order.
    fn dates(&self) -> Vec<Date>;
    /// State `k`, once it is made.
    fn get(&self, k: usize) -> Result<&Membership, CalcError>;
    /// Whether the states are all there already (no producer running on
    /// another thread).
    fn ready(&self) -> bool;
}

impl States for [Membership] {
    fn dates(&self) -> Vec<Date> {
        self.iter().map(|m| m.effective_date).collect()
    }
    fn get(&self, k: usize) -> Result<&Membership, CalcError> {
        Ok(&self[k])
    }
    fn ready(&self) -> bool {
        true
    }
}

/// States made by a producer (one per scheduled effective date, in order)
/// for a calculation that may already be running.
#[derive(Debug)]
pub struct StateFeed {
    dates: Vec<Date>,
    /// `Some` once delivered; `None` when the producer stopped without it.
    slots: Vec<OnceLock<Option<Membership>>>,
    pushed: AtomicUsize,
    /// The producer runs on another rayon worker, so a waiting calculation
    /// may help it (see [`StateFeed::wait`]).
    producing_elsewhere: AtomicBool,
}

impl StateFeed {
    /// A feed for states effective on `dates` (ascending).
    pub fn new(dates: Vec<Date>) -> StateFeed {
        StateFeed {
            slots: dates.iter().map(|_| OnceLock::new()).collect(),
            dates,
            pushed: AtomicUsize::new(0),
            producing_elsewhere: AtomicBool::new(false),
        }
    }

    /// Delivers the next state. States beyond the schedule are counted and
    /// dropped; [`calculate_alongside`] reports them.
    pub fn push(&self, state: Membership) {
        let k = self.pushed.fetch_add(1, Ordering::AcqRel);
        if let Some(slot) = self.slots.get(k) {
            let _ = slot.set(Some(state));
        }
    }

    /// No more states: a calculation waiting for one that was not
    /// delivered stops with [`CalcError::StateNotMade`] instead of waiting
    /// for ever.
    pub fn close(&self) {
        for slot in &self.slots {
            let _ = slot.set(None);
        }
    }

    fn check_count(&self) -> Result<(), CalcError> {
        let pushed = self.pushed.load(Ordering::Acquire);
        if pushed > self.dates.len() {
            return Err(CalcError::StateCount {
                scheduled: self.dates.len(),
                made: pushed,
            });
        }
        Ok(())
    }

    /// Slot `k` once it is filled. While the producer is behind, the
    /// calculation's thread runs the producer's pending parallel tasks
    /// (a reconstitution's company evaluation) instead of idling: the
    /// calculation would wait for them anyway. Only once the producer
    /// runs on another worker: before that, the producer itself is the
    /// task this thread would pick up, and running it here would put the
    /// whole history before the levels.
    fn wait(&self, k: usize) -> &Option<Membership> {
        let slot = &self.slots[k];
        while slot.get().is_none() && self.producing_elsewhere.load(Ordering::Acquire) {
            match rayon::yield_now() {
                Some(rayon::Yield::Executed) => {}
                Some(rayon::Yield::Idle) => std::thread::park_timeout(Duration::from_micros(20)),
                None => break,
            }
        }
        slot.wait()
    }
}

impl States for StateFeed {
    fn dates(&self) -> Vec<Date> {
        self.dates.clone()
    }
    fn get(&self, k: usize) -> Result<&Membership, CalcError> {
        let effective = self.dates[k];
        match self.wait(k) {
            Some(m) if m.effective_date == effective => Ok(m),
            Some(m) => Err(CalcError::StateOffSchedule {
                scheduled: effective,
                made: m.effective_date,
            }),
            None => Err(CalcError::StateNotMade { effective }),
        }
    }
    fn ready(&self) -> bool {
        false
    }
}

/// Closes the feed when the producer returns or unwinds, so the
/// calculation never waits on a producer that is gone.
struct CloseOnDrop<'f>(&'f StateFeed);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Runs `produce`, which pushes the states effective on `dates` into the
/// feed, and the calculation of those states side by side on the caller's
/// rayon pool: on two threads when the pool has them, else one after the
/// other. Returns what `produce` returned and the calculation's result,
/// which is the same as [`crate::calculate`]'s over the states pushed.
///
/// The producer must push the states in `dates` order (checked: a state
/// off its date, one too many or one missing is an error of the
/// calculation, never a wait without end).
pub fn calculate_alongside<R: Send>(
    market: &Market,
    dates: Vec<Date>,
    cfg: &CalcConfig,
    produce: impl FnOnce(&StateFeed) -> R + Send,
) -> (R, Result<CalcOutput, CalcError>) {
    let feed = StateFeed::new(dates);
    let producer = |elsewhere: bool| {
        let _close = CloseOnDrop(&feed);
        feed.producing_elsewhere.store(elsewhere, Ordering::Release);
        produce(&feed)
    };
    let (r, out) = if rayon::current_num_threads() < 2 {
        let r = producer(false);
        (r, crate::engine::calculate_states(market, &feed, cfg))
    } else {
        // The calculation holds this thread; the producer is the half
        // another worker steals. While it waits for a state the
        // calculation only helps with the producer's own parallel tasks
        // (`StateFeed::wait`), and the producer never waits on the
        // calculation, so neither can wait on the other in a circle,
        // whatever rayon's scheduling order.
        let (out, r) = rayon::join_context(
            |_| crate::engine::calculate_states(market, &feed, cfg),
            |ctx| producer(ctx.migrated()),
        );
        (r, out)
    };
    let out = out.and_then(|o| feed.check_count().map(|()| o));
    (r, out)
}
