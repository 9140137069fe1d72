//! Index shares per line over time.
//!
//! The Russell family holds one number of float-adjusted index shares `N_i`
//! per line, the same in every index the line belongs to (a [`MemberRow`]
//! carries one `index_shares` and an index set). So the holdings of the
//! whole family are one dense vector indexed by [`Sec`]: `N_i` and the
//! line's index mask, plus each line's last price. The daily walk sums the
//! day's rows by mask group (module `walk`); a full revaluation after a
//! bulk change (`Holdings::market_values`) sums by mask, then adds the
//! per-mask values into the indexes whose bit they carry (`fold`). Every
//! sum runs in a fixed order, so results do not depend on anything but the
//! inputs.
//!
//! Quarterly and intra-quarter share/float updates (FTSE Russell, Russell US
//! Equity Indexes: Construction and Methodology v7.0 (May 2026), §9.3) live
//! here too: each line keeps the shares outstanding and float factor its
//! `N_i` stands for (its [`Basis`]); a quarterly update compares them with
//! the daily row of the data cut-off through the buffers of
//! [`UpdateBuffer`] ([`BufferThresholds::apply`], the one rule the December
//! reconstitution uses too), an offering moves them by its terms.

use rankday_calendar::{BufferThresholds, UpdateBuffer};
use rankday_core::{IndexId, Market, MemberRow, OfferingType, RowsOnOrBefore, Sec, SplitFactors};

use crate::walk::Groups;

/// Number of index bits: one per index of the family.
pub(crate) const N_INDEX: usize = IndexId::COUNT;
/// Bit marking a member valued at an exit price today (acquisition target,
/// delisting): the daily walk adds it into no index.
pub(crate) const SKIP: u16 = 1 << N_INDEX;
/// Buckets cover every mask with or without [`SKIP`].
pub(crate) const N_BUCKETS: usize = 2 << N_INDEX;

/// A line's holding.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Line {
    /// Index shares (0 when not a member).
    pub n: f64,
    /// Last close, adjusted for later splits; 0 if the line never traded.
    /// Kept beside `n` so the daily walk touches one place per row.
    pub price: f64,
    /// Index bits (0 when not a member), plus [`SKIP`] on an exit day.
    pub mask: u16,
    /// The daily walk's group of the line ([`Groups`]): its id + 1, or 0
    /// when the walk adds the line into no index (not a member, or exiting
    /// today).
    pub group: u16,
    /// `1 << id` of the group when the id has a vector lane, else 0. Kept
    /// with `mask` (one derivation on a change instead of one per row of
    /// the walk).
    pub lane: u16,
}

/// The index bits the daily walk adds a line into: `mask`, or none on an
/// exit day.
pub(crate) fn walk_bits(mask: u16) -> u16 {
    if mask & SKIP != 0 {
        0
    } else {
        mask
    }
}

/// What a line's `N` stands for, for the quarterly and intra-quarter
/// updates: `N = shares · float_frac · scale`, the shares outstanding and
/// the float factor the index holds. A membership state sets them from its
/// rank day (the data cut-off of the reconstitution or IPO round): when its
/// index shares are the line's float-adjusted shares up to the buffer (every
/// state the construction makes: a December state keeps a factor within the
/// buffer of the data's), the factor held is `N / shares` and `scale` is 1;
/// a state in other units (a fund's holdings, a hand-made basket) keeps the
/// data's factor and a `scale`, so its holdings move in proportion to the
/// line's shares and float. Splits, stock deals and updates move them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Basis {
    pub shares: f64,
    pub float_frac: f64,
    pub scale: f64,
    /// The day whose data the basis reflects (a state's rank day, an
    /// update's cut-off, an offering's effective day): a quarterly update
    /// whose cut-off is earlier has nothing newer and leaves it alone.
    pub asof: u32,
}

const NO_BASIS: Basis = Basis {
    shares: f64::NAN,
    float_frac: f64::NAN,
    scale: f64::NAN,
    asof: 0,
};

impl Basis {
    fn known(&self) -> bool {
        self.shares > 0.0
            && self.float_frac > 0.0
            && self.float_frac.is_finite()
            && self.scale > 0.0
    }

    /// The basis of `n` index shares of a line with `shares` outstanding and
    /// float factor `frac` in the data of day `asof` (see the type's doc).
    pub fn of(n: f64, shares: f64, frac: f64, asof: usize, th: &BufferThresholds) -> Basis {
        if !(shares > 0.0 && shares.is_finite() && frac > 0.0 && frac.is_finite() && n > 0.0) {
            return NO_BASIS;
        }
        let held = n / shares;
        let band = if frac <= th.low_float_max_pct / 100.0 {
            th.low_float_points / 100.0
        } else {
            th.float_points / 100.0
        };
        if (held - frac).abs() <= band {
            Basis {
                shares,
                float_frac: held,
                scale: 1.0,
                asof: asof as u32,
            }
        } else {
            Basis {
                shares,
                float_frac: frac,
                scale: n / (shares * frac),
                asof: asof as u32,
            }
        }
    }

    /// The float factor the index shares stand for (`N / shares`).
    pub fn held_factor(&self) -> f64 {
        self.float_frac * self.scale
    }

    pub fn n(&self) -> f64 {
        self.shares * self.float_frac * self.scale
    }
}

/// The family's holdings.
///
/// The member list, the number of members per mask and per index are kept
/// up to date line by line (exits, spin-offs, splits happen on most days of
/// a long history); a bulk change (a reconstitution) marks them stale
/// instead and one scan of the line table rebuilds them.
pub(crate) struct Holdings {
    pub lines: Vec<Line>,
    basis: Vec<Basis>,
    /// Member secs (mask without [`SKIP`] not 0), ascending.
    members: Vec<u32>,
    /// Members per mask (without [`SKIP`]).
    per_mask: Vec<u32>,
    /// Distinct member masks, ascending (derived from `per_mask`).
    masks: Vec<u16>,
    masks_stale: bool,
    counts: [u32; N_INDEX],
    /// Members marked [`SKIP`].
    skipping: u32,
    /// The bookkeeping above is stale: rebuild from `lines`.
    dirty: bool,
    /// Scratch of [`Holdings::market_values`], all zero between calls.
    buckets: Box<[f64; N_BUCKETS]>,
    /// The daily walk's groups of the lines (kept current even in bulk).
    pub groups: Groups,
}

impl Holdings {
    pub fn new(n_secs: usize) -> Self {
        Holdings {
            lines: vec![Line::default(); n_secs],
            basis: vec![NO_BASIS; n_secs],
            members: Vec::new(),
            per_mask: vec![0; 1 << N_INDEX],
            masks: Vec::new(),
            masks_stale: false,
            counts: [0; N_INDEX],
            skipping: 0,
            dirty: false,
            buckets: Box::new([0.0; N_BUCKETS]),
            groups: Groups::default(),
        }
    }

    /// Marks the bookkeeping stale before many line changes (a
    /// reconstitution): one rebuild is cheaper than many list edits.
    pub fn begin_bulk(&mut self) {
        self.dirty = true;
    }

    /// Replaces a line's mask, keeping the bookkeeping current.
    fn set_mask(&mut self, i: usize, mask: u16) {
        let old = self.lines[i].mask;
        if old == mask {
            return;
        }
        self.lines[i].mask = mask;
        self.groups.assign(&mut self.lines[i], walk_bits(mask));
        if self.dirty {
            return;
        }
        let (was, now) = (old & !SKIP, mask & !SKIP);
        if was != now {
            if was != 0 {
                self.per_mask[was as usize] -= 1;
            }
            if now != 0 {
                self.per_mask[now as usize] += 1;
            }
            for (b, c) in self.counts.iter_mut().enumerate() {
                let bit = 1 << b;
                *c = *c + u32::from(now & bit != 0) - u32::from(was & bit != 0);
            }
            self.masks_stale = true;
            let at = self.members.binary_search(&(i as u32));
            match (was != 0, now != 0, at) {
                (false, true, Err(k)) => self.members.insert(k, i as u32),
                (true, false, Ok(k)) => {
                    self.members.remove(k);
                }
                _ => {}
            }
        }
        let (skip_was, skip_now) = (was != 0 && old & SKIP != 0, now != 0 && mask & SKIP != 0);
        self.skipping = self.skipping + u32::from(skip_now) - u32::from(skip_was);
    }

    pub fn price(&self, sec: Sec) -> f64 {
        self.lines[sec.idx()].price
    }
    pub fn set_price(&mut self, sec: Sec, price: f64) {
        self.lines[sec.idx()].price = price;
    }

    pub fn line(&self, sec: Sec) -> Line {
        self.lines[sec.idx()]
    }
    pub fn is_member(&self, sec: Sec) -> bool {
        self.lines[sec.idx()].mask & !SKIP != 0
    }

    /// Sets a line's shares and mask (mask 0 removes it) and its update
    /// basis from `data`, the line's (shares outstanding, float factor, day)
    /// at the data cut-off of the state that sets it, shares carried through
    /// later splits ([`Basis::of`]).
    pub fn set(
        &mut self,
        sec: Sec,
        n: f64,
        mask: u16,
        data: Option<(f64, f64, usize)>,
        th: &BufferThresholds,
    ) {
        self.set_mask(sec.idx(), mask);
        self.lines[sec.idx()].n = n;
        self.set_basis(sec, data, th);
    }

    /// Sets the update basis of a held line (see [`Holdings::set`]).
    pub fn set_basis(&mut self, sec: Sec, data: Option<(f64, f64, usize)>, th: &BufferThresholds) {
        let i = sec.idx();
        self.basis[i] = match data {
            Some((s, f, day)) if self.lines[i].mask != 0 => {
                Basis::of(self.lines[i].n, s, f, day, th)
            }
            _ => NO_BASIS,
        };
    }

    /// The basis of a line (NaN fields when unknown).
    pub fn basis(&self, sec: Sec) -> Basis {
        self.basis[sec.idx()]
    }

    pub fn remove(&mut self, sec: Sec) {
        self.set_mask(sec.idx(), 0);
        self.lines[sec.idx()].n = 0.0;
        self.basis[sec.idx()] = NO_BASIS;
    }

    /// Multiplies a line's shares (splits): the basis shares move with it.
    pub fn scale_shares(&mut self, sec: Sec, ratio: f64) {
        let i = sec.idx();
        self.lines[i].n *= ratio;
        self.basis[i].shares *= ratio;
    }

    /// Adds shares to a member (acquirer of a stock deal, spin-off child
    /// already held): the basis shares absorb the change.
    pub fn add_shares(&mut self, sec: Sec, extra: f64) {
        let i = sec.idx();
        self.lines[i].n += extra;
        let b = &mut self.basis[i];
        b.shares = self.lines[i].n / (b.float_frac * b.scale);
    }

    pub fn mark_skip(&mut self, sec: Sec) {
        if self.is_member(sec) {
            let mask = self.lines[sec.idx()].mask | SKIP;
            self.set_mask(sec.idx(), mask);
        }
    }

    fn refresh(&mut self) {
        if self.dirty {
            // Members are a minority of the lines, scattered among them:
            // every line is written and the cursor moves past members only,
            // with no branch to mispredict; the counts come from the members
            // after.
            let n = self.lines.len();
            self.members.clear();
            self.members.resize(n, 0);
            let (mut len, mut skipping) = (0, 0);
            for (s, l) in self.lines.iter().enumerate() {
                let member = l.mask & !SKIP != 0;
                self.members[len] = s as u32;
                len += usize::from(member);
                skipping += u32::from(member & (l.mask & SKIP != 0));
            }
            self.members.truncate(len);
            self.skipping = skipping;
            self.per_mask.iter_mut().for_each(|c| *c = 0);
            for &s in &self.members {
                self.per_mask[usize::from(self.lines[s as usize].mask & !SKIP)] += 1;
            }
            self.counts = [0; N_INDEX];
            for (m, &c) in self.per_mask.iter().enumerate() {
                for (b, x) in self.counts.iter_mut().enumerate() {
                    if m & (1 << b) != 0 {
                        *x += c;
                    }
                }
            }
            self.masks_stale = true;
            self.dirty = false;
        }
    }

    /// [`Holdings::refresh`], and the distinct member masks too (only a
    /// revaluation needs them; the daily walk does not).
    fn refresh_masks(&mut self) {
        self.refresh();
        if self.masks_stale {
            self.masks.clear();
            let per_mask = &self.per_mask;
            self.masks
                .extend((1..1u16 << N_INDEX).filter(|&m| per_mask[m as usize] > 0));
            self.masks_stale = false;
        }
    }

    /// Member secs (ascending) and the line table.
    pub fn members_and_lines(&mut self) -> (&[u32], &[Line]) {
        self.refresh();
        (&self.members, &self.lines)
    }

    /// Member secs, ascending.
    pub fn members(&mut self) -> &[u32] {
        self.refresh();
        &self.members
    }
    /// Distinct member masks, ascending.
    #[cfg(test)]
    pub fn masks(&mut self) -> &[u16] {
        self.refresh_masks();
        &self.masks
    }
    /// Members per index bit.
    pub fn counts(&mut self) -> [u32; N_INDEX] {
        self.refresh();
        self.counts
    }
    /// Members valued at the close (not exiting today).
    pub fn valued_count(&mut self) -> usize {
        self.refresh();
        self.members.len() - self.skipping as usize
    }

    /// Market value of every index at the lines' current prices, member by
    /// member in sec order (the order of the daily walk).
    pub fn market_values(&mut self) -> [f64; N_INDEX] {
        self.refresh_masks();
        // `fold` leaves the buckets zero again, so they are kept between calls.
        let buckets = &mut self.buckets;
        for &s in &self.members {
            let l = self.lines[s as usize];
            buckets[usize::from(l.mask & !SKIP) & (N_BUCKETS - 1)] += l.price * l.n;
        }
        fold(&mut buckets[..], &self.masks)
    }

    /// Applies a quarterly share/float update to every member: each line's
    /// shares outstanding and float factor at the data cut-off (`rows`, with
    /// the shares carried through the splits since, `splits`) against those
    /// its index shares stand for, through `buffer` (FTSE Russell v7.0
    /// §9.3.2–§9.3.5). Returns the mask of indexes whose holdings moved.
    pub fn share_update(
        &mut self,
        rows: &mut DayRows<'_>,
        cutoff: usize,
        splits: &SplitFactors,
        buffer: UpdateBuffer,
        thresholds: &BufferThresholds,
    ) -> u16 {
        self.refresh();
        let mut touched = 0u16;
        for k in 0..self.members.len() {
            let sec = Sec(self.members[k]);
            let i = sec.idx();
            let b = self.basis[i];
            // Set from data later than the cut-off (an offering after it):
            // the cut-off has nothing newer.
            if !b.known() || b.asof as usize > cutoff {
                continue;
            }
            let Some((shares, frac)) = rows.get(sec) else {
                continue;
            };
            let shares = shares * splits.get(sec);
            let (s_new, f_new) = thresholds.apply(buffer, (b.shares, b.float_frac), (shares, frac));
            if s_new == b.shares && f_new == b.float_frac {
                self.basis[i].asof = cutoff as u32;
                continue;
            }
            let next = Basis {
                shares: s_new,
                float_frac: f_new,
                scale: b.scale,
                asof: cutoff as u32,
            };
            self.basis[i] = next;
            let n = next.n();
            if n != self.lines[i].n {
                self.lines[i].n = n;
                touched |= self.lines[i].mask & !SKIP;
            }
        }
        touched
    }

    /// The basis a member would take after an offering of `shares` shares
    /// (FTSE Russell v7.0 §9.3.9–§9.3.10): a primary offering adds the new
    /// shares at the float factor the index holds (the float does not
    /// change between quarterly updates); a secondary sale by restricted
    /// holders leaves shares outstanding and adds the shares sold to the
    /// float. `None` if the line is not held with a known basis. The new
    /// basis reflects the data of day `asof`.
    pub fn after_offering(
        &self,
        sec: Sec,
        offer: OfferingType,
        shares: f64,
        asof: usize,
    ) -> Option<Basis> {
        let b = self.basis[sec.idx()];
        if !(self.is_member(sec) && b.known() && shares > 0.0 && shares.is_finite()) {
            return None;
        }
        Some(match offer {
            OfferingType::Primary => Basis {
                shares: b.shares + shares,
                asof: asof as u32,
                ..b
            },
            OfferingType::Secondary => Basis {
                float_frac: (b.float_frac + shares / b.shares).min(1.0),
                asof: asof as u32,
                ..b
            },
        })
    }

    /// Holds a line at `basis` (an intra-quarter update): `N` becomes
    /// `shares · float_frac · scale`. Returns the line's index bits.
    pub fn set_held_basis(&mut self, sec: Sec, basis: Basis) -> u16 {
        let i = sec.idx();
        self.basis[i] = basis;
        self.lines[i].n = basis.n();
        self.lines[i].mask & !SKIP
    }
}

/// Adds `v` to the values of the indexes whose bits `mask` carries (bits
/// above the index bits, such as [`SKIP`], are ignored).
pub(crate) fn add_to(values: &mut [f64; N_INDEX], mask: u16, v: f64) {
    for (i, x) in values.iter_mut().enumerate() {
        if mask & (1 << i) != 0 {
            *x += v;
        }
    }
}

/// Folds mask buckets into per-index sums (ascending mask order) and clears
/// the buckets it read.
pub(crate) fn fold(buckets: &mut [f64], masks: &[u16]) -> [f64; N_INDEX] {
    let mut mv = [0.0; N_INDEX];
    for &m in masks {
        let v = buckets[m as usize];
        buckets[m as usize] = 0.0;
        for (i, x) in mv.iter_mut().enumerate() {
            if m & (1 << i) != 0 {
                *x += v;
            }
        }
    }
    mv
}

/// Shares outstanding and float fraction of lines on one day (the last row
/// on or before it for a line without a row that day). Secs asked in
/// ascending order merge with the day's cross-section in one pass.
pub(crate) struct DayRows<'m> {
    rows: RowsOnOrBefore<'m>,
    shares: &'m [f64],
    float: &'m [f64],
    day: usize,
}

impl<'m> DayRows<'m> {
    pub fn new(market: &'m Market, day: usize) -> Self {
        let (_, _, _, shares, float) = market.columns();
        DayRows {
            rows: market.rows_on_or_before(day),
            shares,
            float,
            day,
        }
    }

    pub fn get(&mut self, sec: Sec) -> Option<(f64, f64)> {
        let r = self.rows.row(sec)?;
        let (s, f) = (self.shares[r], self.float[r]);
        (s > 0.0 && f > 0.0 && s.is_finite() && f.is_finite()).then(|| (s, f / s))
    }

    /// [`DayRows::get`] with the day the rows are read as of.
    pub fn get_dated(&mut self, sec: Sec) -> Option<(f64, f64, usize)> {
        self.get(sec).map(|(s, f)| (s, f, self.day))
    }
}

/// `N` of a membership row, checked.
pub(crate) fn row_shares(row: &MemberRow) -> Option<f64> {
    (row.index_shares.is_finite() && row.index_shares > 0.0).then_some(row.index_shares)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the bookkeeping must say, computed from the line table alone.
    fn rebuilt(h: &Holdings) -> (Vec<u32>, Vec<u16>, [u32; N_INDEX], usize) {
        let mut fresh = Holdings::new(h.lines.len());
        fresh.lines = h.lines.clone();
        fresh.dirty = true;
        let members = fresh.members().to_vec();
        let masks = fresh.masks().to_vec();
        (members, masks, fresh.counts(), fresh.valued_count())
    }

    proptest! {
        /// Line-by-line upkeep of members, masks, counts and the number of
        /// valued members agrees with a rebuild from the line table, and the
        /// walk's groups with the lines' masks, through any sequence of
        /// sets, removals, skips, share changes and bulk changes (up to 40
        /// distinct masks: past the vector lanes too).
        #[test]
        fn incremental_bookkeeping_matches_a_rebuild(
            ops in prop::collection::vec((0u8..6, 0u32..40, 0u16..(1 << N_INDEX)), 1..200)
        ) {
            let mut h = Holdings::new(40);
            for (op, s, mask) in ops {
                let sec = Sec(s);
                match op {
                    0 | 1 => h.set(sec, 1.0 + f64::from(s), mask, None, &BufferThresholds::RUSSELL),
                    2 => h.remove(sec),
                    3 => h.mark_skip(sec),
                    4 => h.scale_shares(sec, 2.0),
                    _ => {
                        let _ = h.members();
                        h.begin_bulk();
                    }
                }
                let want = rebuilt(&h);
                let got = (
                    h.members().to_vec(),
                    h.masks().to_vec(),
                    h.counts(),
                    h.valued_count(),
                );
                prop_assert_eq!(got, want);
                let groups = h.groups.check(&h.lines, |l| walk_bits(l.mask));
                prop_assert!(groups.is_ok(), "{:?}", groups);
            }
        }
    }
}
