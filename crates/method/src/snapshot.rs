//! The rank-day snapshot (methodology checklist step 1, §2 Price, §2 Multiple
//! share classes): for every line with a row in the short look-back window,
//! its rank-day (or last) close, shares, float, the average close over the
//! `avg_price_days` trading days before rank day, and its average daily dollar
//! volume over the `addv_days` trading days ending on rank day.
//!
//! One sequential pass over the store's cross-sections of that short window
//! (about 31 days); accumulators are dense vectors indexed by [`Sec`], no
//! hashing. The 2-year volume that picks a pricing vehicle is needed only for
//! companies with more than one candidate class, and is read per security by
//! [`vehicle_volume`] through the per-security row index: the window is a
//! store-row range, so no per-row date lookups are needed.

use rankday_core::{Market, Sec};

use crate::Policy;

/// One line on rank day.
#[derive(Clone, Copy, Debug)]
pub struct LineSnap {
    /// The line.
    pub sec: Sec,
    /// Has a row on rank day itself.
    pub on_rank_day: bool,
    /// Day index of the last row on or before rank day (`usize::MAX` if none in the window).
    pub last_day: usize,
    /// Close of that row (NaN for unlisted lines).
    pub close: f64,
    /// Shares outstanding of that row.
    pub shares: f64,
    /// Float shares of that row.
    pub float: f64,
    /// Mean close over the `avg_price_days` trading days before rank day (NaN if no rows).
    pub avg_close: f64,
    /// Dollar volume over the ADDV window and the number of days with a row in it.
    pub dollar_volume: f64,
    /// Days with a row in the ADDV window.
    pub days: u32,
}

impl LineSnap {
    fn empty(sec: Sec) -> LineSnap {
        LineSnap {
            sec,
            on_rank_day: false,
            last_day: usize::MAX,
            close: f64::NAN,
            shares: f64::NAN,
            float: f64::NAN,
            avg_close: f64::NAN,
            dollar_volume: 0.0,
            days: 0,
        }
    }
    /// The line has a row in the window.
    pub fn has_row(&self) -> bool {
        self.last_day != usize::MAX
    }
    /// Float as a percentage of shares outstanding.
    pub fn float_pct(&self) -> f64 {
        100.0 * self.float / self.shares
    }
    /// Average daily dollar volume over the days with a row.
    pub fn addv(&self) -> f64 {
        if self.days == 0 {
            0.0
        } else {
            self.dollar_volume / self.days as f64
        }
    }
}

/// Every line with a row in the window, sorted by security.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Day index of rank day.
    pub rank_day: usize,
    /// The lines.
    pub lines: Vec<LineSnap>,
}

/// The day window of a snapshot: every trading day any of its figures
/// reads, with the sub-windows of each figure (day indexes).
#[derive(Clone, Copy, Debug)]
struct Window {
    first: usize,
    /// First day of the ADDV window (ends on rank day).
    vol_first: usize,
    /// First day of the average-price window (ends the day before rank day).
    avg_first: usize,
    rank_day: usize,
}

impl Window {
    fn new(rank_day: usize, policy: &Policy) -> Window {
        let vol_days = policy.company.addv_days;
        let avg_days = policy.eligibility.avg_price_days;
        let stale = policy.eligibility.stale_close_days;
        Window {
            first: (rank_day + 1).saturating_sub(vol_days.max(avg_days + 1).max(stale + 1)),
            vol_first: (rank_day + 1).saturating_sub(vol_days),
            avg_first: rank_day.saturating_sub(avg_days),
            rank_day,
        }
    }
}

/// Running figures of one line over the window, in day order, and where
/// its last row is (32 bytes: one aligned slot per line for the window
/// pass to update).
#[derive(Clone, Copy)]
#[repr(align(32))]
struct Acc {
    dollar_volume: f64,
    avg_sum: f64,
    days: u32,
    avg_n: u32,
    /// Store row and day index of the last row seen (`u32::MAX`: none).
    last_row: u32,
    last_day: u32,
}

impl Default for Acc {
    fn default() -> Acc {
        Acc {
            dollar_volume: 0.0,
            avg_sum: 0.0,
            days: 0,
            avg_n: 0,
            last_row: u32::MAX,
            last_day: u32::MAX,
        }
    }
}

impl Acc {
    #[inline(always)]
    fn add<const VOL: bool, const AVG: bool>(&mut self, close: f64, volume: f64) {
        // Selects, not branches: adding +0.0 to a sum that starts at +0.0
        // leaves its bits as skipping would.
        let (c_ok, v_ok) = (close.is_finite(), volume.is_finite());
        if VOL {
            self.dollar_volume += if v_ok & c_ok { volume * close } else { 0.0 };
            self.days += v_ok as u32;
        }
        if AVG {
            self.avg_sum += if c_ok { close } else { 0.0 };
            self.avg_n += c_ok as u32;
        }
    }
}

impl Window {
    /// Day index of store row `row`, which lies in the window.
    fn day_of(&self, market: &Market, row: usize) -> usize {
        let starts = &market.day_starts()[self.first..=self.rank_day + 1];
        self.first + starts.partition_point(|&s| s <= row) - 1
    }
}

/// The line of `sec` whose last row on or before `rank_day` is store row
/// `row`, on day `last_day`, with the window's figures `acc`.
fn line_of(
    market: &Market,
    sec: Sec,
    row: usize,
    last_day: usize,
    rank_day: usize,
    acc: &Acc,
) -> LineSnap {
    let (_, close, _, shares, float) = market.columns();
    LineSnap {
        sec,
        on_rank_day: last_day == rank_day,
        last_day,
        close: close[row],
        shares: shares[row],
        float: float[row],
        avg_close: if acc.avg_n > 0 {
            acc.avg_sum / acc.avg_n as f64
        } else {
            f64::NAN
        },
        dollar_volume: acc.dollar_volume,
        days: acc.days,
    }
}

/// Adds one day's rows into the dense per-security figures.
fn add_day<const VOL: bool, const AVG: bool>(market: &Market, day: usize, acc: &mut [Acc]) {
    let cs = market.cross_section(day);
    let (secs, close, volume) = (cs.sec, cs.close, &cs.volume[..cs.sec.len()]);
    let close = &close[..secs.len()];
    for (i, &s) in secs.iter().enumerate() {
        let a = &mut acc[s as usize];
        a.last_row = (cs.first_row + i) as u32;
        a.last_day = day as u32;
        a.add::<VOL, AVG>(close[i], volume[i]);
    }
}

/// Builds the snapshot for `rank_day`, also including the lines in `extra`
/// (previous members and unlisted classes), from their last row on or before
/// rank day if they have none in the window: [`take_window`], then
/// [`Snapshot::including`].
pub fn take(market: &Market, rank_day: usize, extra: &[Sec], policy: &Policy) -> Snapshot {
    take_window(market, rank_day, policy).including(market, extra)
}

/// The snapshot's lines with a row in the window: everything of a rank day
/// that does not depend on the previous membership, so a history can take
/// it while the calculation runs on to the rank day.
///
/// One pass over the window's cross-sections into dense per-security
/// figures (last row, sums), then one ascending scan of the securities, so
/// the lines come out sorted with no sort; each sum adds its rows in day
/// order, as [`take_for`] does.
pub fn take_window(market: &Market, rank_day: usize, policy: &Policy) -> Snapshot {
    let n_sec = market.n_securities();
    let w = Window::new(rank_day, policy);
    let mut acc = vec![Acc::default(); n_sec];
    for day in w.first..=rank_day {
        let in_vol = day >= w.vol_first;
        let in_avg = day >= w.avg_first && day < rank_day;
        match (in_vol, in_avg) {
            (true, true) => add_day::<true, true>(market, day, &mut acc),
            (true, false) => add_day::<true, false>(market, day, &mut acc),
            (false, true) => add_day::<false, true>(market, day, &mut acc),
            (false, false) => add_day::<false, false>(market, day, &mut acc),
        }
    }
    let mut lines = Vec::with_capacity(market.cross_section(rank_day).sec.len());
    for (s, a) in acc.iter().enumerate() {
        if a.last_row != u32::MAX {
            let (row, day) = (a.last_row as usize, a.last_day as usize);
            lines.push(line_of(market, Sec(s as u32), row, day, rank_day, a));
        }
    }
    Snapshot { rank_day, lines }
}

impl Snapshot {
    /// Adds a line for each security of `extra` without one, read from its
    /// last row on or before rank day (none in the window), keeping the
    /// lines sorted by security.
    pub fn including(mut self, market: &Market, extra: &[Sec]) -> Snapshot {
        let mut have = vec![false; market.n_securities()];
        for l in &self.lines {
            have[l.sec.idx()] = true;
        }
        let mut missing: Vec<Sec> = extra
            .iter()
            .copied()
            .filter(|s| have.get(s.idx()) == Some(&false))
            .collect();
        if missing.is_empty() {
            return self;
        }
        missing.sort_unstable();
        missing.dedup();
        let rank_day = self.rank_day;
        self.lines.extend(
            missing
                .into_iter()
                .map(|s| from_history(market, s, rank_day)),
        );
        // Two ascending runs: the stable sort finds them and merges once.
        self.lines.sort_by_key(|l| l.sec);
        self
    }
}

/// The lines of [`take`] for the securities `secs` only (ascending, no
/// duplicates): those with a row in the window, read from each one's own
/// rows. The same figures, bit for bit, as `take`'s lines of those
/// securities, for callers that need a few lines (an IPO round's new
/// companies) and not the whole cross-section.
pub fn take_for(market: &Market, rank_day: usize, secs: &[Sec], policy: &Policy) -> Vec<LineSnap> {
    let w = Window::new(rank_day, policy);
    let starts = market.day_starts();
    let (vol_row, avg_row, rank_row) = (
        starts[w.vol_first] as u32,
        starts[w.avg_first] as u32,
        starts[rank_day] as u32,
    );
    let (_, close, volume, _, _) = market.columns();
    let mut lines = Vec::new();
    for &sec in secs {
        let rows = market.history(sec).rows_on_days(w.first, rank_day);
        let Some(&last) = rows.last() else {
            continue;
        };
        let mut acc = Acc::default();
        for &r in rows {
            let (c, v) = (close[r as usize], volume[r as usize]);
            match (r >= vol_row, r >= avg_row && r < rank_row) {
                (true, true) => acc.add::<true, true>(c, v),
                (true, false) => acc.add::<true, false>(c, v),
                (false, true) => acc.add::<false, true>(c, v),
                (false, false) => {}
            }
        }
        let row = last as usize;
        lines.push(line_of(
            market,
            sec,
            row,
            w.day_of(market, row),
            rank_day,
            &acc,
        ));
    }
    lines
}

/// Volume of `sec` over the `days` trading days ending on `rank_day`:
/// (share volume, dollar volume, number of days with a row).
pub fn vehicle_volume(market: &Market, sec: Sec, rank_day: usize, days: usize) -> (f64, f64, u32) {
    let rows = market
        .history(sec)
        .rows_on_days((rank_day + 1).saturating_sub(days), rank_day);
    let (_, close, volume, _, _) = market.columns();
    let (mut v, mut dv) = (0.0, 0.0);
    for &r in rows {
        let (c, x) = (close[r as usize], volume[r as usize]);
        if x.is_finite() {
            v += x;
            if c.is_finite() {
                dv += x * c;
            }
        }
    }
    (v, dv, rows.len() as u32)
}

/// Fills a line with no row in the short window from its last row on or
/// before rank day (for previous members and unlisted classes).
pub fn from_history(market: &Market, sec: Sec, rank_day: usize) -> LineSnap {
    let h = market.history(sec);
    match h.last_on_or_before(rank_day) {
        Some(i) => line_of(
            market,
            sec,
            h.rows[i] as usize,
            h.day(i),
            rank_day,
            &Acc::default(),
        ),
        None => LineSnap::empty(sec),
    }
}
