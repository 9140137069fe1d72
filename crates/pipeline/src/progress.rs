//! Progress of the job's long steps, told to whatever front end runs it (a
//! terminal bar in the CLI, a callback in Python, nothing in a benchmark).
//! The library never draws anything itself: a front end knows whether a
//! person is watching.

/// Receives the progress of the job's long steps, one step at a time.
///
/// Calls may come from a worker thread (the history runs on one core while
/// the levels run on another), hence `Send + Sync`.
pub trait Progress: Send + Sync {
    /// A step starts; `what` names it for a person ("reconstituting").
    fn start(&self, what: &str) {
        let _ = what;
    }
    /// `done` of `total` units of the current step are finished.
    fn update(&self, done: usize, total: usize) {
        let _ = (done, total);
    }
    /// The current step has ended, well or not.
    fn finish(&self) {}
}

/// Progress nobody watches.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {}

/// One step's progress: started when made, finished when dropped, so a step
/// that fails with `?` still closes its bar.
pub(crate) struct Step<'a>(&'a dyn Progress);

impl<'a> Step<'a> {
    pub(crate) fn start(p: &'a dyn Progress, what: &str) -> Step<'a> {
        p.start(what);
        Step(p)
    }

    pub(crate) fn update(&self, done: usize, total: usize) {
        self.0.update(done, total);
    }
}

impl Drop for Step<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}
