//! Reconstitution orchestration (methodology engine checklist steps 1–5 and
//! 7), in named phases: the previous state (`Previous`), the rank-day
//! snapshot and the lines considered (`consider`), company evaluation
//! (`evaluate`), ranking with the corporate events between rank day and
//! lock-down ([`crate::events`]), the family and float-adjusted index shares
//! of every member line (`member_rows`), and the delete rows
//! (`deleted_rows`).

use rankday_calc::Held;
use rankday_calendar::{BufferThresholds, ReconCalendar, ReconEvent, ReconKind};
use rankday_core::{
    Change, Date, IndexId, IndexSet, Market, MemberRow, Membership, Sec, SplitFactors, StateKind,
};
use rayon::prelude::*;

use crate::banding::{self, ActiveBand};
use crate::company::{self, CompanyRecord, Ctx, ScreenRecord};
use crate::float::{self, PreviousFloat};
use crate::policy::{AddvThreshold, NamedAddv};
use crate::ranking::{self, Breakpoints};
use crate::snapshot::{self, LineSnap, Snapshot};
use crate::{MethodError, Policy};

/// What to reconstitute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReconSpec {
    /// Caps are taken at the close of the last trading day on or before this date.
    pub rank_date: Date,
    /// The new membership applies after this day's close.
    pub effective_date: Date,
    /// December recon: float buffered (FTSE Russell v7.0 §7.1.1, §9.3.3),
    /// voting rights not re-researched (App. F).
    pub december: bool,
    /// Apply §4 percentile banding to existing R3000 members.
    pub banding: bool,
    /// The thresholds of the December float buffer: those of the quarterly
    /// updates (the schedule's `[buffers]`).
    pub buffers: BufferThresholds,
    /// The first day of the lock-down: mergers and spin-offs effective after
    /// rank day and before it re-rank the companies they touch (v7.0 §6.4.1).
    /// `None`: no corporate event is re-evaluated.
    pub lockdown_date: Option<Date>,
}

impl ReconSpec {
    /// A spec whose banding flag follows the policy (`banding.from_year`, §4:
    /// from 2007), with the v7.0 buffers and no lock-down re-evaluation.
    pub fn for_policy(
        rank_date: Date,
        effective_date: Date,
        december: bool,
        p: &Policy,
    ) -> ReconSpec {
        ReconSpec {
            rank_date,
            effective_date,
            december,
            banding: rank_date.year() >= p.banding.from_year,
            buffers: BufferThresholds::RUSSELL,
            lockdown_date: None,
        }
    }

    /// A spec from a reconstitution of `cal`: its dates, December unless it
    /// is a full float review, banding as the calendar says (from 2007), the
    /// calendar's buffers and lock-down.
    pub fn of(ev: &ReconEvent, cal: &ReconCalendar) -> ReconSpec {
        ReconSpec {
            rank_date: ev.rank_date,
            effective_date: ev.effective_date,
            december: ev.kind == ReconKind::December,
            banding: ev.banding,
            buffers: cal.buffer_thresholds(),
            lockdown_date: Some(ev.lockdown_date),
        }
    }
}

/// The full result of one reconstitution.
#[derive(Clone, Debug, PartialEq)]
pub struct Reconstitution {
    /// What was asked.
    pub spec: ReconSpec,
    /// The trading day whose closes were used (last on or before `spec.rank_date`).
    pub rank_day_date: Date,
    /// The new membership state.
    pub membership: Membership,
    /// Every cut with its rank, cap, percentile and band.
    pub breakpoints: Breakpoints,
    /// One per line considered on rank day, sorted by security.
    pub screens: Vec<ScreenRecord>,
    /// One per company with a considered line, sorted by company index.
    pub companies: Vec<CompanyRecord>,
    /// The ADDV bar used for extra share classes.
    pub extra_class_min_addv: f64,
    /// Bands that were applied (Top 200, Top 500, R1000, Microcap top).
    pub active_bands: [Option<ActiveBand>; 4],
    /// The corporate events between rank day and lock-down that re-ranked
    /// companies (v7.0 §6.4.1).
    pub events: Vec<crate::events::Event>,
    /// The policy the reconstitution ran under.
    pub policy: Policy,
}

impl Reconstitution {
    /// The screening record of a line, if it was considered.
    pub fn screen(&self, sec: Sec) -> Option<&ScreenRecord> {
        self.screens
            .binary_search_by_key(&sec, |r| r.sec)
            .ok()
            .map(|i| &self.screens[i])
    }
    /// The record of a company, if it was considered.
    pub fn company(&self, company: u32) -> Option<&CompanyRecord> {
        self.companies
            .binary_search_by_key(&company, |c| c.company)
            .ok()
            .map(|i| &self.companies[i])
    }
}

/// Companies per task of the parallel evaluation.
const EVALUATE_CHUNK: usize = 512;

/// The state a reconstitution or IPO round starts from, indexed for lookups
/// by security and company.
pub(crate) struct Previous<'a> {
    pub m: &'a Membership,
    /// Row index of each security's member row (u32::MAX if none).
    pub row_of: Vec<u32>,
    /// Union of the index sets of each company's lines.
    pub company_set: Vec<IndexSet>,
    /// The float factor each member row's index shares stand for, when the
    /// previous state is what the index held ([`Held`]); empty otherwise.
    held_factor: Vec<f64>,
}

impl<'a> Previous<'a> {
    pub fn new(market: &Market, m: &'a Membership) -> Result<Previous<'a>, MethodError> {
        let mut row_of = vec![u32::MAX; market.n_securities()];
        let mut company_set = vec![IndexSet::EMPTY; market.n_companies()];
        for (i, r) in m.rows.iter().enumerate() {
            if r.sec.idx() >= row_of.len() {
                return Err(MethodError::UnknownSecurity(r.sec.0));
            }
            if r.indexes.is_empty() {
                continue;
            }
            row_of[r.sec.idx()] = i as u32;
            let c = market.company_of(r.sec);
            company_set[c].0 |= r.indexes.0;
        }
        Ok(Previous {
            m,
            row_of,
            company_set,
            held_factor: Vec::new(),
        })
    }

    /// What the index held ([`Held`]): its rows, and the float factor of each.
    pub fn held(market: &Market, h: &'a Held) -> Result<Previous<'a>, MethodError> {
        let mut p = Previous::new(market, &h.state)?;
        p.held_factor = h.basis.iter().map(|b| b.float_factor).collect();
        Ok(p)
    }

    pub fn row(&self, sec: Sec) -> Option<&MemberRow> {
        let i = *self.row_of.get(sec.idx())?;
        (i != u32::MAX).then(|| &self.m.rows[i as usize])
    }

    /// The float factor held for `sec`, if the state is a [`Held`] one and
    /// knows it.
    fn held_factor(&self, sec: Sec) -> Option<f64> {
        let i = *self.row_of.get(sec.idx())?;
        let f = *self.held_factor.get(i as usize)?;
        (f > 0.0 && f.is_finite()).then_some(f)
    }

    pub fn member_secs(&self) -> Vec<Sec> {
        self.m
            .rows
            .iter()
            .filter(|r| !r.indexes.is_empty())
            .map(|r| r.sec)
            .collect()
    }
}

/// Tier on the R1000 / R2000 / Microcap boundaries used for `change`.
pub(crate) fn tier(s: IndexSet) -> u8 {
    if s.contains(IndexId::R1000) {
        3
    } else if s.contains(IndexId::R2000) {
        2
    } else if !s.is_empty() {
        1
    } else {
        0
    }
}

pub(crate) fn change(old: IndexSet, new: IndexSet) -> Change {
    match (tier(old), tier(new)) {
        (0, n) if n > 0 => Change::Add,
        (o, 0) if o > 0 => Change::Delete,
        (o, n) if n > o => Change::Up,
        (o, n) if n < o => Change::Down,
        _ => Change::Stay,
    }
}

/// Resolves the extra-class ADDV bar: a fixed amount, or the median ADDV of
/// the listed lines that traded on rank day on an eligible exchange.
fn extra_addv_min(market: &Market, lines: &[LineSnap], p: &Policy) -> f64 {
    match p.company.extra_class_min_addv {
        AddvThreshold::Usd(x) => x,
        AddvThreshold::Named(NamedAddv::UniverseMedian) => {
            let mut v: Vec<f64> = lines
                .iter()
                .filter(|l| {
                    l.on_rank_day
                        && p.eligibility
                            .exchanges
                            .contains(&market.security(l.sec).exchange)
                })
                .map(|l| l.addv())
                .collect();
            if v.is_empty() {
                return 0.0;
            }
            let mid = v.len() / 2;
            let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
            *m
        }
    }
}

/// Builds the Russell family on `spec.rank_date` from `market`, banded
/// against `previous`, a membership state (`None` = first reconstitution).
/// The December float buffer starts from that state's index shares over the
/// line's shares outstanding on its rank date; [`reconstitute_held`] starts
/// from what the index actually held, as the history does.
pub fn reconstitute(
    market: &Market,
    spec: &ReconSpec,
    previous: Option<&Membership>,
    policy: &Policy,
) -> Result<Reconstitution, MethodError> {
    let prev = previous.map(|m| Previous::new(market, m)).transpose()?;
    run(market, spec, prev, policy, None)
}

/// [`reconstitute`] from what the index held after the close of rank day
/// ([`crate::previous_state`]): its index sets band and change, its float
/// factors start the December buffer.
pub fn reconstitute_held(
    market: &Market,
    spec: &ReconSpec,
    previous: Option<&Held>,
    policy: &Policy,
) -> Result<Reconstitution, MethodError> {
    reconstitute_held_from(market, spec, previous, policy, None)
}

/// [`reconstitute_held`] with the rank day's window already taken
/// ([`window_of`]), e.g. while the calculation ran on to the rank day.
pub(crate) fn reconstitute_held_from(
    market: &Market,
    spec: &ReconSpec,
    previous: Option<&Held>,
    policy: &Policy,
    window: Option<Snapshot>,
) -> Result<Reconstitution, MethodError> {
    let prev = previous.map(|h| Previous::held(market, h)).transpose()?;
    run(market, spec, prev, policy, window)
}

/// The part of `spec`'s rank-day snapshot that does not depend on the
/// previous membership ([`snapshot::take_window`]); `None` when the rank day
/// is not in the market (the reconstitution itself then says why).
pub(crate) fn window_of(market: &Market, spec: &ReconSpec, policy: &Policy) -> Option<Snapshot> {
    let day = rank_day(market, spec).ok()?;
    Some(snapshot::take_window(market, day, policy))
}

fn run(
    market: &Market,
    spec: &ReconSpec,
    prev: Option<Previous<'_>>,
    policy: &Policy,
    window: Option<Snapshot>,
) -> Result<Reconstitution, MethodError> {
    let rank_day = rank_day(market, spec)?;
    let cands = consider(market, rank_day, prev.as_ref(), policy, window);
    let ctx = Ctx {
        market,
        policy,
        rank_day,
        year: spec.rank_date.year(),
        december: spec.december,
        extra_addv_min: cands.extra_min,
    };
    let (mut companies, screens) = evaluate(&ctx, &cands);
    let (order, breakpoints, events) =
        crate::events::rank_with_events(market, spec, rank_day, &mut companies, policy);
    let bands = banding::active_bands(&breakpoints, spec.banding);
    let mut rows = member_rows(
        market,
        spec,
        rank_day,
        prev.as_ref(),
        &cands,
        &companies,
        &order,
        &breakpoints,
        &bands,
        &events,
        policy,
    );
    crate::events::add_spin_offs(market, spec, prev.as_ref(), &events, &mut rows);
    if let Some(p) = &prev {
        deleted_rows(market, p, &companies, &mut rows);
    }
    Ok(Reconstitution {
        spec: *spec,
        rank_day_date: market.dates()[rank_day],
        membership: Membership {
            rank_date: spec.rank_date,
            effective_date: spec.effective_date,
            kind: StateKind::Reconstitution,
            rows,
        },
        breakpoints,
        screens,
        companies,
        extra_class_min_addv: cands.extra_min,
        active_bands: bands,
        events,
        policy: policy.clone(),
    })
}

/// Phase 0: the rank day (the last trading day on or before the rank date).
fn rank_day(market: &Market, spec: &ReconSpec) -> Result<usize, MethodError> {
    if market.n_days() == 0 {
        return Err(MethodError::EmptyMarket);
    }
    if spec.effective_date < spec.rank_date {
        return Err(MethodError::EffectiveBeforeRank {
            rank: spec.rank_date,
            effective: spec.effective_date,
        });
    }
    market
        .day_on_or_before(spec.rank_date)
        .ok_or(MethodError::RankDateBeforeHistory(spec.rank_date))
}

/// The lines a rank day considers, grouped by company.
pub(crate) struct Candidates {
    /// The considered lines' snapshots, in (company, security) order.
    pub lines: Vec<LineSnap>,
    /// Whether each line was a previous member.
    pub members: Vec<bool>,
    /// `[a, b)` ranges of `lines`, one per company.
    pub groups: Vec<(usize, usize)>,
    /// Position in `lines` of each considered security (u32::MAX if none).
    pub line_of: Vec<u32>,
    /// The ADDV bar of extra share classes.
    pub extra_min: f64,
}

impl Candidates {
    pub fn line(&self, sec: Sec) -> Option<&LineSnap> {
        let k = *self.line_of.get(sec.idx())?;
        (k != u32::MAX).then(|| &self.lines[k as usize])
    }
}

/// Phase 1: the rank-day snapshot and the lines considered: rows within the
/// stale-close window, unlisted classes with a row in the snapshot window
/// (for total shares), and every previous member line (read from history
/// if it has no row in the window).
fn consider(
    market: &Market,
    rank_day: usize,
    prev: Option<&Previous<'_>>,
    policy: &Policy,
    window: Option<Snapshot>,
) -> Candidates {
    let extra = prev.map(|p| p.member_secs()).unwrap_or_default();
    let snap = match window {
        Some(w) if w.rank_day == rank_day => w.including(market, &extra),
        _ => snapshot::take(market, rank_day, &extra, policy),
    };
    let is_member = |s: Sec| prev.is_some_and(|p| p.row(s).is_some());
    let stale = policy.eligibility.stale_close_days;
    // (company, sec, position in the snapshot) keys: sorted small, and the
    // lines gathered once in company order.
    let mut considered: Vec<(u32, Sec, u32)> = snap
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            is_member(l.sec)
                || (l.has_row()
                    && (l.last_day + stale >= rank_day
                        || market.security(l.sec).exchange == rankday_core::Exchange::Unlisted))
        })
        .map(|(k, l)| (market.company_of(l.sec) as u32, l.sec, k as u32))
        .collect();
    considered.sort_unstable();
    let extra_min = extra_addv_min(market, &snap.lines, policy);
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut a = 0;
    for b in 1..=considered.len() {
        if b == considered.len() || considered[b].0 != considered[a].0 {
            groups.push((a, b));
            a = b;
        }
    }
    let lines: Vec<LineSnap> = considered
        .iter()
        .map(|&(_, _, k)| snap.lines[k as usize])
        .collect();
    let mut line_of = vec![u32::MAX; market.n_securities()];
    for (k, l) in lines.iter().enumerate() {
        line_of[l.sec.idx()] = k as u32;
    }
    let members = lines.iter().map(|l| is_member(l.sec)).collect();
    Candidates {
        lines,
        members,
        groups,
        line_of,
        extra_min,
    }
}

/// Phase 2: every company's screens and aggregation, in parallel chunks of
/// companies (each into its own pair of vectors, in company order, whatever
/// the thread count); screens come back in security order.
fn evaluate(ctx: &Ctx<'_>, c: &Candidates) -> (Vec<CompanyRecord>, Vec<ScreenRecord>) {
    let mut evaluated: Vec<(Vec<CompanyRecord>, Vec<ScreenRecord>)> = c
        .groups
        .par_chunks(EVALUATE_CHUNK)
        .map(|chunk| {
            let n_lines = chunk.last().map_or(0, |g| g.1) - chunk.first().map_or(0, |g| g.0);
            let mut companies = Vec::with_capacity(chunk.len());
            let mut screens = Vec::with_capacity(n_lines);
            for &(a, b) in chunk {
                let first = screens.len();
                let rec =
                    company::evaluate_into(ctx, &c.lines[a..b], &c.members[a..b], &mut screens);
                // Companies made only of unlisted lines are not companies on rank day.
                if screens[first..]
                    .iter()
                    .all(|r| matches!(r.reason, Some(crate::Exclusion::UnlistedClass)))
                {
                    screens.truncate(first);
                    continue;
                }
                companies.push(rec);
            }
            (companies, screens)
        })
        .collect();
    let mut companies = Vec::with_capacity(c.groups.len());
    // Screens go back to security order straight from the chunks: sort
    // small (sec, chunk, position) keys, then move each record once.
    let mut by_sec: Vec<(Sec, u32, u32)> = Vec::with_capacity(c.lines.len());
    for (ci, (cs, s)) in evaluated.iter_mut().enumerate() {
        companies.append(cs);
        by_sec.extend(
            s.iter()
                .enumerate()
                .map(|(k, r)| (r.sec, ci as u32, k as u32)),
        );
    }
    by_sec.sort_unstable();
    let screens = by_sec
        .iter()
        .map(|&(_, ci, k)| evaluated[ci as usize].1[k as usize].clone())
        .collect();
    (companies, screens)
}

/// The December float factor of each previous member line, for a previous
/// state that is a plain membership: its index shares over the line's shares
/// outstanding on the state's rank day, both carried through the splits up
/// to the state's effective date (a reverse split in between would
/// otherwise make the factor ten times too small).
struct StateFactors {
    /// Store row of each previous member on the previous rank day (u32::MAX: none).
    rows: Vec<u32>,
    splits: SplitFactors,
}

impl StateFactors {
    fn new(market: &Market, p: &Previous<'_>) -> Option<StateFactors> {
        let day = market.day_on_or_before(p.m.rank_date)?;
        let mut secs = p.member_secs();
        secs.sort_unstable();
        let mut at = market.rows_on_or_before(day);
        let mut rows = vec![u32::MAX; market.n_securities()];
        for s in secs {
            if let Some(r) = at.row(s) {
                rows[s.idx()] = r as u32;
            }
        }
        Some(StateFactors {
            rows,
            splits: market.split_factors(market.dates()[day], p.m.effective_date),
        })
    }

    fn get(&self, market: &Market, sec: Sec, index_shares: f64) -> Option<PreviousFloat> {
        let row = self.rows.get(sec.idx()).copied().unwrap_or(u32::MAX);
        (row != u32::MAX).then(|| PreviousFloat {
            index_shares,
            shares: market.row(row as usize).shares_outstanding * self.splits.get(sec),
        })
    }
}

/// Phase 4: one row per index line of every Russell 3000E company: its
/// index set after banding, its change, and its index shares (June: the
/// rank-day float; December: buffered against the factor held), counted on
/// rank day and carried through the splits and stock mergers up to the
/// effective date.
#[allow(clippy::too_many_arguments)]
fn member_rows(
    market: &Market,
    spec: &ReconSpec,
    rank_day: usize,
    prev: Option<&Previous<'_>>,
    cands: &Candidates,
    companies: &[CompanyRecord],
    order: &[usize],
    breakpoints: &Breakpoints,
    bands: &[Option<ActiveBand>; 4],
    events: &[crate::events::Event],
    policy: &Policy,
) -> Vec<MemberRow> {
    // Counted on rank day, held from the effective date: splits in between
    // change the count, not the holding.
    let to_effective = market.split_factors(market.dates()[rank_day], spec.effective_date);
    let state_factors = match prev {
        Some(p) if spec.december && p.held_factor.is_empty() => StateFactors::new(market, p),
        _ => None,
    };
    let mut rows = Vec::new();
    // In rank order; a company re-placed by a corporate event may share a
    // rank with the company it displaced (no one is replaced).
    for &k in order {
        let c = &companies[k];
        if c.rank == 0 || c.rank > breakpoints.n_r3000e {
            continue;
        }
        let prev_set = prev.map_or(IndexSet::EMPTY, |p| p.company_set[c.company as usize]);
        let prev_sides = banding::previous_sides(prev_set);
        let (upper, _) =
            banding::band_sides(c.rank, c.cumulative_percentile, prev_sides, bands, policy);
        let set = ranking::family(c.rank, upper, policy);
        for &sec in &c.index_lines {
            let l = cands.line(sec).expect("an index line was considered");
            let prev_row = prev.and_then(|p| p.row(sec));
            let prev_float = match (prev_row, prev) {
                (Some(r), Some(p)) if spec.december => match p.held_factor(sec) {
                    Some(f) => Some(PreviousFloat {
                        index_shares: f,
                        shares: 1.0,
                    }),
                    None => state_factors
                        .as_ref()
                        .and_then(|sf| sf.get(market, sec, r.index_shares)),
                },
                _ => None,
            };
            let own =
                float::index_shares(l.shares, l.float, spec.december, prev_float, &spec.buffers);
            let rank_day_shares = own + crate::events::merged_float(events, sec);
            rows.push(MemberRow {
                sec,
                company: c.company,
                rank: c.rank,
                total_market_cap: c.total_cap,
                float_market_cap: rank_day_shares * l.close,
                cumulative_percentile: c.cumulative_percentile,
                indexes: set,
                change: change(prev_row.map_or(IndexSet::EMPTY, |r| r.indexes), set),
                index_shares: rank_day_shares * to_effective.get(sec),
            });
        }
    }
    rows
}

/// Phase 5: a `delete` row (empty index set, rank 0) for every line of the
/// previous state that is not in the new one, in security order.
fn deleted_rows(
    market: &Market,
    p: &Previous<'_>,
    companies: &[CompanyRecord],
    rows: &mut Vec<MemberRow>,
) {
    let mut member_now = vec![false; market.n_securities()];
    for r in rows.iter() {
        member_now[r.sec.idx()] = true;
    }
    let mut deleted: Vec<&MemberRow> =
        p.m.rows
            .iter()
            .filter(|r| !r.indexes.is_empty() && !member_now[r.sec.idx()])
            .collect();
    deleted.sort_by_key(|r| r.sec);
    for r in deleted {
        let comp = market.company_of(r.sec) as u32;
        let total = companies
            .binary_search_by_key(&comp, |c| c.company)
            .ok()
            .map_or(0.0, |i| companies[i].total_cap);
        rows.push(MemberRow {
            sec: r.sec,
            company: comp,
            rank: 0,
            total_market_cap: if total.is_finite() { total } else { 0.0 },
            float_market_cap: 0.0,
            cumulative_percentile: 0.0,
            indexes: IndexSet::EMPTY,
            change: Change::Delete,
            index_shares: 0.0,
        });
    }
}
