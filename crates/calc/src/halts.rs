//! Halts: member lines without a row on a trading day (market-format
//! `daily`: "its last close carries forward and the gap is reported").

use rankday_core::{Date, Sec};

/// A member line without a close on trading days between `from` and `to`
/// (inclusive); its last close carried the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Halt {
    /// The line.
    pub sec: Sec,
    /// The first trading day without a close.
    pub from: Date,
    /// The last trading day without a close.
    pub to: Date,
}

const NONE: u32 = u32::MAX;

/// Open halts by sec (day indexes), and the closed ones.
pub(crate) struct HaltBook {
    start: Vec<u32>,
    last: Vec<u32>,
    open: Vec<u32>,
    pub closed: Vec<Halt>,
}

impl HaltBook {
    pub fn new(n_secs: usize) -> Self {
        HaltBook {
            start: vec![NONE; n_secs],
            last: vec![NONE; n_secs],
            open: Vec::new(),
            closed: Vec::new(),
        }
    }

    /// `s` is a member without a row on day `d`.
    pub fn mark(&mut self, s: usize, d: u32) {
        if self.start[s] == NONE {
            self.start[s] = d;
            self.open.push(s as u32);
        }
        self.last[s] = d;
    }

    /// Closes the halts of lines not marked on day `d` or no longer members.
    pub fn close_stale(&mut self, d: u32, is_member: impl Fn(Sec) -> bool, dates: &[Date]) {
        let mut k = 0;
        while k < self.open.len() {
            let s = self.open[k] as usize;
            if self.last[s] == d && is_member(Sec(s as u32)) {
                k += 1;
                continue;
            }
            self.close(s, dates);
            self.open.swap_remove(k);
        }
    }

    fn close(&mut self, s: usize, dates: &[Date]) {
        self.closed.push(Halt {
            sec: Sec(s as u32),
            from: dates[self.start[s] as usize],
            to: dates[self.last[s] as usize],
        });
        self.start[s] = NONE;
        self.last[s] = NONE;
    }

    /// Closes every open halt; returns all, ordered by start then sec.
    pub fn finish(mut self, dates: &[Date]) -> Vec<Halt> {
        for s in std::mem::take(&mut self.open) {
            self.close(s as usize, dates);
        }
        self.closed.sort_by_key(|h| (h.from, h.sec));
        self.closed
    }
}
