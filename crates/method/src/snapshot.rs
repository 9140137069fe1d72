//! The rank-day snapshot (methodology checklist step 1, §2 Price, §2 Multiple
//! share classes): for every line with a row in the look-back window, its
//! rank-day (or last) close, shares, float, the average close over the
//! `avg_price_days` trading days before rank day, and its volume over the
//! `vehicle_volume_days` trading days ending on rank day.
//!
//! One sequential pass over the store's flat (date, security)-sorted columns
//! for the window; per-security accumulators are dense vectors indexed by
//! [`Sec`], so the pass touches memory once and needs no hashing.

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
    /// Share volume and dollar volume over the volume window, and the number of days with a row.
    pub volume: f64,
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
            volume: 0.0,
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
/// (previous members), with empty data if they have no row in the window.
pub fn take(market: &Market, rank_day: usize, extra: &[Sec], policy: &Policy) -> Snapshot {
    let n_sec = market.n_securities();
    let vol_days = policy.company.vehicle_volume_days;
    let avg_days = policy.eligibility.avg_price_days;
    let first_day = (rank_day + 1).saturating_sub(vol_days.max(avg_days + 1));
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
                a.volume += v;
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
            acc.push(LineSnap::empty(s));
        }
    }
    acc.sort_unstable_by_key(|a| a.sec);
    Snapshot {
        rank_day,
        lines: acc,
    }
}
