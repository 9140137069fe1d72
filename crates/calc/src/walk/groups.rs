//! The daily walk's mask groups: lines that add into the same indexes
//! (same walk mask) share one accumulator lane.
//!
//! Why groups and not index lanes: a row then adds into one lane instead of
//! every index of its mask. With AVX-512 that is one masked fused
//! multiply-add a row, the close broadcast from memory and the shares
//! folded into the instruction, where nine index lanes took a scalar
//! product, a broadcast, two mask moves and two masked adds. With the rows
//! in cache the row loop went from 1.84 to 1.20 ns a row (3.5 to 2.4 times
//! the pass over the same closes) on VM-A of `docs/performance.md` (`cargo
//! run --release -p rankday-bench --example walk_floor -- DIR`, "in cache"
//! line). The family has few distinct masks (six on the 50-year benchmark
//! market: Top 200, Midcap in and out of the Top 500, R2000 in and out of
//! the Microcap, Microcap only), so one register of eight lanes holds
//! them; sixteen lanes take two.

//! A group's id says which lane it uses; ids are reused as groups empty,
//! so they depend on the order of changes. Values do not: the walk adds the
//! group sums into the indexes in ascending order of the groups' masks
//! ([`Groups::fold`]), and a group's sum depends only on the rows of its
//! lines.

use crate::holdings::{Line, N_INDEX};

/// Groups with a vector lane (ids below this); more groups take the scalar
/// kernel.
pub(crate) const VECTOR_GROUPS: usize = 16;

/// Which group each walk mask is, and which lines are in each group.
#[derive(Clone, Debug)]
pub(crate) struct Groups {
    /// Walk mask → group id + 1 (0: no group).
    id_of: Box<[u16; 1 << N_INDEX]>,
    /// Group id → walk mask (0 when the id is free).
    mask_of: Vec<u16>,
    /// Group id → lines in the group.
    count: Vec<u32>,
    /// Group ids in ascending order of their masks.
    order: Vec<u16>,
    order_stale: bool,
}

impl Default for Groups {
    fn default() -> Self {
        Groups {
            id_of: Box::new([0; 1 << N_INDEX]),
            mask_of: Vec::new(),
            count: Vec::new(),
            order: Vec::new(),
            order_stale: false,
        }
    }
}

impl Groups {
    /// Moves `line` to the group of walk mask `walk` (0: none), keeping the
    /// counts and the line's `group` and `lane` current.
    pub fn assign(&mut self, line: &mut Line, walk: u16) {
        let walk = walk & ((1 << N_INDEX) - 1);
        if line.group != 0 {
            let id = usize::from(line.group - 1);
            if self.mask_of[id] == walk {
                return;
            }
            self.leave(id);
        }
        if walk == 0 {
            line.group = 0;
            line.lane = 0;
            return;
        }
        let id = self.join(walk);
        line.group = id as u16 + 1;
        line.lane = if id < VECTOR_GROUPS { 1 << id } else { 0 };
    }

    fn join(&mut self, walk: u16) -> usize {
        let known = self.id_of[usize::from(walk)];
        let id = if known != 0 {
            usize::from(known - 1)
        } else {
            let id = match self.count.iter().position(|&c| c == 0) {
                Some(id) => id,
                None => {
                    self.count.push(0);
                    self.mask_of.push(0);
                    self.count.len() - 1
                }
            };
            self.mask_of[id] = walk;
            self.id_of[usize::from(walk)] = id as u16 + 1;
            self.order_stale = true;
            id
        };
        self.count[id] += 1;
        id
    }

    fn leave(&mut self, id: usize) {
        self.count[id] -= 1;
        if self.count[id] == 0 {
            self.id_of[usize::from(self.mask_of[id])] = 0;
            self.mask_of[id] = 0;
            while self.count.last() == Some(&0) {
                self.count.pop();
                self.mask_of.pop();
            }
            self.order_stale = true;
        }
    }

    /// One more than the highest group id in use: the lanes a day's sums
    /// need.
    pub fn span(&self) -> usize {
        self.count.len()
    }

    /// Adds group sums (`sums[id]`) into the indexes of each group's mask,
    /// groups in ascending mask order.
    pub fn fold(&mut self, sums: &[f64]) -> [f64; N_INDEX] {
        if self.order_stale {
            self.order.clear();
            self.order
                .extend((0..self.count.len() as u16).filter(|&id| self.count[usize::from(id)] > 0));
            let mask_of = &self.mask_of;
            self.order
                .sort_unstable_by_key(|&id| mask_of[usize::from(id)]);
            self.order_stale = false;
        }
        let mut values = [0.0; N_INDEX];
        for &id in &self.order {
            let (m, v) = (self.mask_of[usize::from(id)], sums[usize::from(id)]);
            for (i, x) in values.iter_mut().enumerate() {
                if m & (1 << i) != 0 {
                    *x += v;
                }
            }
        }
        values
    }
}

#[cfg(test)]
impl Groups {
    /// Whether the groups say what `lines` (with the walk masks `walk`)
    /// say: each line in its mask's group with its lane, the counts, and
    /// the span just covering the ids in use.
    pub fn check(&self, lines: &[Line], walk: impl Fn(&Line) -> u16) -> Result<(), String> {
        let mut count = vec![0u32; self.count.len()];
        for (s, l) in lines.iter().enumerate() {
            let w = walk(l);
            if w == 0 {
                if (l.group, l.lane) != (0, 0) {
                    return Err(format!("line {s} has no walk mask but group {}", l.group));
                }
                continue;
            }
            let id = usize::from(l.group)
                .checked_sub(1)
                .ok_or(format!("line {s}: no group"))?;
            if self.mask_of.get(id) != Some(&w) || self.id_of[usize::from(w)] as usize != id + 1 {
                return Err(format!("line {s}: group {id} is not mask {w:#x}"));
            }
            let lane = if id < VECTOR_GROUPS { 1 << id } else { 0 };
            if l.lane != lane {
                return Err(format!("line {s}: lane {:#x}, want {lane:#x}", l.lane));
            }
            count[id] += 1;
        }
        if count != self.count || self.count.last() == Some(&0) {
            return Err(format!("counts {:?}, want {count:?}", self.count));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids are reused lowest first, the span shrinks when the top ids
    /// empty, and the fold goes by mask whatever the ids.
    #[test]
    fn ids_lanes_span_and_fold() {
        let mut g = Groups::default();
        let mut lines = [Line::default(); 4];
        g.assign(&mut lines[0], 0b110);
        g.assign(&mut lines[1], 0b011);
        g.assign(&mut lines[2], 0b110);
        assert_eq!((lines[0].group, lines[1].group, lines[2].group), (1, 2, 1));
        assert_eq!((lines[0].lane, lines[1].lane), (1, 2));
        assert_eq!(g.span(), 2);
        // Group 0 (mask 0b110) empties; its id goes to the next new mask.
        g.assign(&mut lines[0], 0);
        g.assign(&mut lines[2], 0);
        assert_eq!((lines[0].group, lines[0].lane), (0, 0));
        assert_eq!(g.span(), 2);
        g.assign(&mut lines[3], 0b101);
        assert_eq!(lines[3].group, 1);
        // Ascending mask order: 0b011 (id 1) then 0b101 (id 0).
        let v = g.fold(&[4.0, 1.0]);
        assert_eq!(&v[..3], &[1.0 + 4.0, 1.0, 4.0]);
        g.assign(&mut lines[1], 0);
        assert_eq!(g.span(), 1);
        g.assign(&mut lines[3], 0);
        assert_eq!(g.span(), 0);
        assert_eq!(g.fold(&[]), [0.0; N_INDEX]);
    }

    /// Past [`VECTOR_GROUPS`] masks, ids go on but the lines get no lane.
    #[test]
    fn groups_past_the_vector_lanes() {
        let mut g = Groups::default();
        let mut lines = vec![Line::default(); VECTOR_GROUPS + 2];
        for (k, l) in lines.iter_mut().enumerate() {
            g.assign(l, k as u16 + 1);
        }
        assert_eq!(g.span(), VECTOR_GROUPS + 2);
        assert_eq!(lines[VECTOR_GROUPS - 1].lane, 1 << (VECTOR_GROUPS - 1));
        assert_eq!(lines[VECTOR_GROUPS].lane, 0);
        assert_eq!(lines[VECTOR_GROUPS].group, VECTOR_GROUPS as u16 + 1);
    }
}
