//! The day loop: population events (births, exits, acquisitions, spin-offs,
//! halts) in a sequential phase, then every entity's step in parallel, then
//! rows and actions in (date, security) order.
//!
//! Determinism: population events draw from one global stream and select by
//! what both passes share (birth size, the uncalibrated size `mu + y`,
//! scheduled exit days), so the set of who lives when is the same in the
//! calibration pass and the output pass;
//! each entity's path uses its own streams; the parallel phase touches one
//! entity at a time and output is gathered in id order. Thread count cannot
//! change a single bit of the result.

use std::collections::HashMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use rankday_core::{Action, ActionKind, DailyRow, Date, MarketBuilder, Sec};

use crate::birth::{create, Birth, Origin, SpinFrom};
use crate::entity::{DayCtx, Entity, Exit, DPY};
use crate::factors::Factors;
use crate::names::{securities_of, Tickers};
use crate::universe::{Kind, KINDS};
use crate::SynthError;

mod deals;

/// An independent ChaCha8 stream for (a, b), through a SplitMix64 mix so
/// nearby keys give unrelated streams.
pub fn stream(a: u64, b: u64) -> ChaCha8Rng {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b.wrapping_mul(0xD1B5_4A32_D192_ED03))
        .wrapping_add(0x2545_F491_4F6C_DD1D);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    ChaCha8Rng::seed_from_u64(z)
}

fn poisson(r: &mut ChaCha8Rng, lambda: f64) -> usize {
    if lambda <= 0.0 {
        return 0;
    }
    let l = (-lambda).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= r.random::<f64>();
        if p <= l || k > 200 {
            return k;
        }
        k += 1;
    }
}

/// Day indices of the rank days (with whether the §4 band applies) and
/// effective dates of the Russell reconstitutions (June, and December from
/// 2026) inside `dates`, each sorted (methodology §1 timeline, from the
/// calendar crate's policy).
fn recon_days(dates: &[Date]) -> (Vec<(usize, bool)>, Vec<usize>) {
    let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
        return (Vec::new(), Vec::new());
    };
    let cal = rankday_calendar::ReconCalendar::russell();
    let (mut rank, mut eff) = (Vec::new(), Vec::new());
    for y in first.year()..=last.year() {
        for r in cal.recons(y) {
            rank.extend(
                dates
                    .binary_search(&r.rank_date)
                    .ok()
                    .map(|d| (d, r.banding)),
            );
            eff.extend(dates.binary_search(&r.effective_date).ok());
        }
    }
    rank.sort_unstable();
    eff.sort_unstable();
    (rank, eff)
}

/// The rank-day ranking that volume needs: eligible companies trading on
/// day `t` by total cap, largest first (ties by id), each given the band of
/// its rank from its present one (methodology §5 and §4: see `volume`).
fn rank_by_total_cap(alive: &mut [Entity], t: usize, banding: bool) {
    let mut order: Vec<usize> = (0..alive.len())
        .filter(|&i| alive[i].designed_eligible && !alive[i].is_halted(t))
        .collect();
    order.sort_by(|&a, &b| {
        alive[b]
            .cap
            .total_cmp(&alive[a].cap)
            .then(alive[a].id.cmp(&alive[b].id))
    });
    for e in alive.iter_mut() {
        e.band_next = crate::volume::Band::Out;
    }
    for (k, &i) in order.iter().enumerate() {
        alive[i].band_next = if banding {
            alive[i].band.after(k + 1)
        } else {
            crate::volume::Band::of_rank(k + 1)
        };
    }
}

pub struct PassOut {
    pub anchor_values: Vec<(u32, f64)>,
    /// Birth size (`mu0`) of each company of `anchor_values`, same order.
    pub anchor_mu0: Vec<f64>,
    /// Rows the pass would write (exact; sizes the output pass's builder).
    pub rows: usize,
    pub builder: Option<MarketBuilder>,
}

pub struct Sim<'a> {
    pub seed: u64,
    pub dates: &'a [Date],
    pub f: &'a Factors,
    pub anchor: usize,
    pub scale: f64,
    pub emit: bool,
    pub shifts: &'a HashMap<u32, f64>,
    /// Shift of the companies not on the anchor, by birth size.
    pub other_shifts: &'a crate::caps::ShiftByBirthSize,
}

struct State {
    alive: Vec<Entity>,
    next_id: u32,
    next_sec: u32,
    counts: Vec<usize>,
    global: ChaCha8Rng,
    tickers: Tickers,
    bases: HashMap<u32, String>,
    builder: Option<MarketBuilder>,
    /// (parent id, child id, ratio) of today's spin-offs.
    spins: Vec<(u32, u32, f64)>,
}

fn kind_index(k: Kind) -> usize {
    KINDS.iter().position(|s| s.kind == k).unwrap()
}

impl Sim<'_> {
    pub fn run(
        &self,
        progress: &mut dyn FnMut(usize),
        est_rows: usize,
    ) -> Result<PassOut, SynthError> {
        let n = self.dates.len();
        let mut st = State {
            alive: Vec::new(),
            next_id: 0,
            next_sec: 0,
            counts: vec![0; KINDS.len()],
            global: stream(self.seed, 0x009e_0ba1),
            tickers: Tickers::default(),
            bases: HashMap::new(),
            builder: self.emit.then(|| MarketBuilder::with_capacity(est_rows)),
            spins: Vec::new(),
        };
        let mut anchor_values = Vec::new();
        let mut anchor_mu0 = Vec::new();
        let mut rows = 0usize;
        let (rank_days, effective_days) = recon_days(self.dates);
        // A ranking waits for its effective date; the first one has no
        // previous membership to trade against.
        let (mut pending, mut have_prev) = (false, false);
        let n_elig_target: f64 = KINDS
            .iter()
            .filter(|s| s.designed_eligible)
            .map(|s| s.per_5500 * self.scale)
            .sum();
        for t in 0..n {
            let date = self.dates[t];
            self.exits(&mut st, t, date)?;
            self.announcements(&mut st, t);
            self.births(&mut st, t)?;
            // Spin-offs: ~0.3% of eligible companies a year.
            let k = poisson(&mut st.global, 0.003 * n_elig_target / DPY);
            for _ in 0..k {
                self.spin_off(&mut st, t)?;
            }
            // Halts: a few a year.
            let k = poisson(&mut st.global, 5.0 * self.scale.max(0.2) / DPY);
            for _ in 0..k {
                self.halt(&mut st, t);
            }
            let ctx = DayCtx {
                t,
                ln_level: self.f.ln_level[t],
                r_mkt: self.f.r_mkt[t],
                var_mkt: self.f.var_mkt[t],
                r_size: self.f.r_size[t],
                var_size: self.f.var_size[t],
                d_sector: self.f.d_sector[t],
                emit: self.emit,
            };
            let effective = self.emit && effective_days.binary_search(&t).is_ok();
            if effective && pending && have_prev {
                for e in st.alive.iter_mut() {
                    e.recon_today = crate::volume::recon_day(e.band, e.band_next);
                }
            }
            st.alive
                .par_iter_mut()
                .with_min_len(64)
                .for_each(|e| e.step(&ctx));
            self.spin_fixups(&mut st, &ctx);
            if effective && pending {
                for e in st.alive.iter_mut() {
                    e.recon_today = None;
                    e.band = e.band_next;
                }
                (pending, have_prev) = (false, true);
            }
            if let (true, Ok(k)) = (self.emit, rank_days.binary_search_by_key(&t, |r| r.0)) {
                rank_by_total_cap(&mut st.alive, t, rank_days[k].1);
                pending = true;
            }
            if t == self.anchor {
                for e in &st.alive {
                    if e.designed_eligible && !e.is_halted(t) {
                        anchor_values.push((e.id, e.cap.ln() - ctx.ln_level));
                        anchor_mu0.push(e.mu0);
                    }
                }
            }
            rows += st
                .alive
                .iter()
                .filter(|e| !e.is_halted(t))
                .map(|e| e.lines.len())
                .sum::<usize>();
            if let Some(b) = st.builder.as_mut() {
                for e in &st.alive {
                    for r in &e.out {
                        b.push_daily(DailyRow {
                            date,
                            sec: Sec(r.sec),
                            close: r.close,
                            volume: r.volume,
                            shares_outstanding: r.shares,
                            float_shares: r.float,
                        });
                    }
                    for a in &e.acts {
                        b.push_action(Action {
                            ex_date: date,
                            sec: Sec(a.sec),
                            kind: a.kind,
                            ratio: a.ratio,
                            amount: a.amount,
                            other: None,
                            offering: None,
                        });
                    }
                }
            }
            progress(t + 1);
            if !self.emit && t == self.anchor {
                // The calibration pass only needs the anchor values.
                break;
            }
        }
        Ok(PassOut {
            anchor_values,
            anchor_mu0,
            rows,
            builder: st.builder,
        })
    }

    fn find(st: &State, id: u32) -> Option<usize> {
        st.alive.binary_search_by_key(&id, |e| e.id).ok()
    }

    fn push_action(st: &mut State, a: Action) {
        if let Some(b) = st.builder.as_mut() {
            b.push_action(a);
        }
    }

    fn new_entity(
        &self,
        st: &mut State,
        kind: Kind,
        t: usize,
        origin: Origin,
        spin: Option<SpinFrom>,
    ) -> Result<u32, SynthError> {
        let id = st.next_id;
        st.next_id += 1;
        let mut e = create(&Birth {
            seed: self.seed,
            id,
            kind,
            day: t,
            ln_level: self.f.ln_level[t],
            origin,
            spin,
            first_sec: st.next_sec,
        });
        st.next_sec += e.lines.len() as u32;
        // Calibrated companies take their own shift, the others the median
        // shift of calibrated companies born at their size; a spin-off child
        // keeps its parent's (set in `create`: its first price is the value
        // the parent distributes).
        if spin.is_none() {
            e.shift = match self.shifts.get(&id) {
                Some(&s) => s,
                None => self.other_shifts.of(e.mu0),
            };
        }
        if let Some(b) = st.builder.as_mut() {
            let base = st.tickers.take(self.seed, id, kind);
            for s in securities_of(self.seed, &e, &base) {
                b.add_security(s).map_err(SynthError::Build)?;
            }
            st.bases.insert(id, base);
        }
        st.counts[kind_index(kind)] += 1;
        st.alive.push(e);
        Ok(id)
    }

    fn births(&self, st: &mut State, t: usize) -> Result<(), SynthError> {
        if t == 0 {
            for s in KINDS {
                let k = (s.per_5500 * self.scale).round() as usize;
                for _ in 0..k {
                    self.new_entity(st, s.kind, 0, Origin::Initial, None)?;
                }
            }
            return Ok(());
        }
        // IPO window: more listings after good years, few after bad ones.
        let cyc = (1.0 + 2.0 * (self.f.trailing_1y[t] - 0.075)).clamp(0.4, 1.6);
        for (ki, s) in KINDS.iter().enumerate() {
            let target = s.per_5500 * self.scale;
            // Births replace deaths at the table's base hazard; the
            // regulator pulls the population back to its target (the
            // size-scaled hazards differ from the base by ±20%).
            let h = s.hazards.0 + s.hazards.1 + s.hazards.2;
            let gap = (target - st.counts[ki] as f64) / target.max(1.0);
            let reg = (1.0 + 10.0 * gap).clamp(0.0, 5.0);
            let c = if s.ipo { cyc } else { 1.0 };
            let k = poisson(&mut st.global, h * target * reg * c / DPY);
            for _ in 0..k {
                self.new_entity(st, s.kind, t, Origin::New, None)?;
            }
        }
        Ok(())
    }

    fn spin_off(&self, st: &mut State, t: usize) -> Result<(), SynthError> {
        let picks: Vec<f64> = (0..24).map(|_| st.global.random::<f64>()).collect();
        let frac = 0.08 + 0.22 * st.global.random::<f64>();
        let len = st.alive.len();
        let found = picks.into_iter().find_map(|p| {
            let j = ((p * len as f64) as usize).min(len - 1);
            let e = &st.alive[j];
            let ok = e.kind == Kind::UsCommon
                && e.mu0 > 1e9f64.ln()
                && e.birth + 20 < t
                && e.end > t + 30
                && !matches!(e.exit, Exit::Acquired { ann } if ann <= t + 30)
                && e.busy_until < t
                && !e.is_halted(t)
                && !e.is_halted(t.saturating_sub(1))
                && e.lines.len() == 1;
            ok.then_some(j)
        });
        let Some(j) = found else { return Ok(()) };
        let p = &mut st.alive[j];
        p.busy_until = t;
        p.blocked = true;
        let spin = SpinFrom {
            mu0: p.mu0,
            y: p.y,
            shift: p.shift,
            theta: p.theta,
            beta0: p.beta0,
            size_k: p.size_k,
            sector: p.sector,
            parent_shares: p.common_shares(),
            parent_price: p.price,
            fraction: frac,
        };
        let pid = p.id;
        let cid = self.new_entity(st, Kind::UsCommon, t, Origin::Spin, Some(spin))?;
        let child = st.alive.last().unwrap();
        let ratio = child.lines[0].shares / spin.parent_shares;
        let nice = [0.05, 0.1, 0.125, 0.2, 0.25, 1.0 / 3.0, 0.5, 1.0, 2.0];
        let ratio = nice
            .iter()
            .copied()
            .min_by(|a, b| (a - ratio).abs().total_cmp(&(b - ratio).abs()))
            .unwrap();
        st.spins.push((pid, cid, ratio));
        Ok(())
    }

    fn spin_fixups(&self, st: &mut State, ctx: &DayCtx) {
        for (pid, cid, ratio) in std::mem::take(&mut st.spins) {
            let (Some(pi), Some(ci)) = (Self::find(st, pid), Self::find(st, cid)) else {
                continue;
            };
            let child_price = st.alive[ci].price;
            let child_sec = st.alive[ci].lines[0].sec;
            let p = &mut st.alive[pi];
            let per_share = ratio * child_price;
            p.apply_spin_drop(per_share, ctx);
            let sec = p.lines[0].sec;
            Self::push_action(
                st,
                Action {
                    ex_date: self.dates[ctx.t],
                    sec: Sec(sec),
                    kind: ActionKind::SpinOff,
                    ratio: Some(ratio),
                    amount: None,
                    other: Some(Sec(child_sec)),
                    offering: None,
                },
            );
        }
    }

    /// Halts of 1-8 days, never near an exit, a deal, a spin-off or the
    /// calibration anchor (so rank-day rows exist).
    fn halt(&self, st: &mut State, t: usize) {
        let (u, ul): (f64, f64) = (st.global.random(), st.global.random());
        let len = st.alive.len();
        if len == 0 {
            return;
        }
        let j = ((u * len as f64) as usize).min(len - 1);
        let days = 1 + (ul * 8.0) as usize;
        let (from, to) = (t + 1, t + 1 + days);
        let e = &mut st.alive[j];
        let near_anchor = self.anchor.saturating_add(2) >= from && self.anchor <= to + 1;
        let deal = matches!(e.exit, Exit::Acquired { ann } if ann <= to + 150);
        if e.birth + 5 < t
            && e.end > to + 150
            && !deal
            && e.busy_until + 2 < t
            && !near_anchor
            && e.halt.1 + 5 < t
        {
            e.halt = (from, to);
            e.busy_until = to + 1;
        }
    }
}
