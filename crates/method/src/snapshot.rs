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
    pub sec: Sec,
    /// Has a row on rank day itself.
    pub on_rank_day: bool,
    /// Day index of the last row on or before rank day (`usize::MAX` if none in the window).
    pub last_day: usize,
    /// Close of that row (NaN for unlisted lines).
    pub close: f64,
    pub shares: f64,
    pub float: f64,
    /// Mean close over the `avg_price_days` trading days before rank day (NaN if no rows).
    pub avg_close: f64,
    /// Dollar volume over the ADDV window and the number of days with a row in it.
    pub dollar_volume: f64,
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
    pub rank_day: usize,
    pub lines: Vec<LineSnap>,
}

/// Builds the snapshot for `rank_day`, also including the lines in `extra`
/// (previous members and unlisted classes), from their last row on or before
/// rank day if they have none in the window.
pub fn take(market: &Market, rank_day: usize, extra: &[Sec], policy: &Policy) -> Snapshot {
    let n_sec = market.n_securities();
    let vol_days = policy.company.addv_days;
    let avg_days = policy.eligibility.avg_price_days;
    let stale = policy.eligibility.stale_close_days;
    let first_day = (rank_day + 1).saturating_sub(vol_days.max(avg_days + 1).max(stale + 1));
    let vol_first = (rank_day + 1).saturating_sub(vol_days);
    let avg_first = rank_day.saturating_sub(avg_days);

    let mut acc: Vec<LineSnap> = Vec::new();
    let mut pos = vec![u32::MAX; n_sec];
    let mut avg_sum = Vec::new();
    let mut avg_n: Vec<u32> = Vec::new();
    for day in first_day..=rank_day {
        let cs = market.cross_section(day);
        let in_vol = day >= vol_first;
        let in_avg = day >= avg_first && day < rank_day;
        for i in 0..cs.len() {
            let s = cs.sec[i] as usize;
            let mut p = pos[s];
            if p == u32::MAX {
                p = acc.len() as u32;
                pos[s] = p;
                acc.push(LineSnap::empty(Sec(s as u32)));
                avg_sum.push(0.0);
                avg_n.push(0);
            }
            let a = &mut acc[p as usize];
            let (c, v) = (cs.close[i], cs.volume[i]);
            a.last_day = day;
            a.close = c;
            a.shares = cs.shares[i];
            a.float = cs.float[i];
            if in_vol && v.is_finite() {
                if c.is_finite() {
                    a.dollar_volume += v * c;
                }
                a.days += 1;
            }
            if in_avg && c.is_finite() {
                avg_sum[p as usize] += c;
                avg_n[p as usize] += 1;
            }
        }
    }
    for (k, a) in acc.iter_mut().enumerate() {
        a.on_rank_day = a.last_day == rank_day;
        if avg_n[k] > 0 {
            a.avg_close = avg_sum[k] / avg_n[k] as f64;
        }
    }
    for &s in extra {
        if s.idx() < n_sec && pos[s.idx()] == u32::MAX {
            pos[s.idx()] = acc.len() as u32;
            acc.push(from_history(market, s, rank_day));
        }
    }
    acc.sort_unstable_by_key(|a| a.sec);
    Snapshot {
        rank_day,
        lines: acc,
    }
}

/// Volume of `sec` over the `days` trading days ending on `rank_day`:
/// (share volume, dollar volume, number of days with a row).
pub fn vehicle_volume(market: &Market, sec: Sec, rank_day: usize, days: usize) -> (f64, f64, u32) {
    let starts = market.day_starts();
    let first_row = starts[(rank_day + 1).saturating_sub(days)] as u32;
    let end_row = starts[rank_day + 1] as u32;
    let rows = market.history(sec).rows;
    let a = rows.partition_point(|&r| r < first_row);
    let b = rows.partition_point(|&r| r < end_row);
    let (_, close, volume, _, _) = market.columns();
    let (mut v, mut dv) = (0.0, 0.0);
    for &r in &rows[a..b] {
        let (c, x) = (close[r as usize], volume[r as usize]);
        if x.is_finite() {
            v += x;
            if c.is_finite() {
                dv += x * c;
            }
        }
    }
    (v, dv, (b - a) as u32)
}

/// Fills a line with no row in the short window from its last row on or
/// before rank day (for previous members and unlisted classes).
pub fn from_history(market: &Market, sec: Sec, rank_day: usize) -> LineSnap {
    let mut l = LineSnap::empty(sec);
    let h = market.history(sec);
    if let Some(i) = h.last_on_or_before(rank_day) {
        let r = h.row(i);
        l.last_day = h.day(i);
        l.on_rank_day = l.last_day == rank_day;
        l.close = r.close;
        l.shares = r.shares_outstanding;
        l.float = r.float_shares;
    }
    l
}
