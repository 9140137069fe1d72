//! Reconstitution orchestration (methodology engine checklist steps 1–5 and
//! 7): snapshot → screens → company aggregation → ranking → banding → family
//! → float-adjusted index shares → changes against the previous membership.

use rankday_core::{
    Change, Date, IndexId, IndexSet, Market, MemberRow, Membership, Sec, StateKind,
};
use rayon::prelude::*;

use crate::banding::{self, ActiveBand};
use crate::company::{self, CompanyRecord, Ctx, ScreenRecord};
use crate::float::{self, PreviousFloat};
use crate::policy::{AddvThreshold, NamedAddv};
use crate::ranking::{self, Breakpoints};
use crate::snapshot::{self, LineSnap};
use crate::{MethodError, Policy};

/// What to reconstitute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReconSpec {
    /// Caps are taken at the close of the last trading day on or before this date.
    pub rank_date: Date,
    /// The new membership applies after this day's close.
    pub effective_date: Date,
    /// December recon: float buffered (§1, §5).
    pub december: bool,
    /// Apply §4 percentile banding to existing R3000 members.
    pub banding: bool,
}

impl ReconSpec {
    /// A spec whose banding flag follows the policy (`banding.from_year`, §4: from 2007).
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
        }
    }
}

impl From<&rankday_calendar::ReconEvent> for ReconSpec {
    /// A spec from the Russell calendar: December unless it is a full float
    /// review, banding as the calendar says (from 2007).
    fn from(ev: &rankday_calendar::ReconEvent) -> ReconSpec {
        ReconSpec {
            rank_date: ev.rank_date,
            effective_date: ev.effective_date,
            december: ev.kind == rankday_calendar::ReconKind::December,
            banding: ev.banding,
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

/// A previous membership indexed for lookups by security and company.
pub(crate) struct Previous<'a> {
    pub m: &'a Membership,
    /// Row index of each security's member row (u32::MAX if none).
    pub row_of: Vec<u32>,
    /// Union of the index sets of each company's lines.
    pub company_set: Vec<IndexSet>,
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
        })
    }
    pub fn row(&self, sec: Sec) -> Option<&MemberRow> {
        let i = *self.row_of.get(sec.idx())?;
        (i != u32::MAX).then(|| &self.m.rows[i as usize])
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
/// against `previous` (the last membership; `None` = first reconstitution).
pub fn reconstitute(
    market: &Market,
    spec: &ReconSpec,
    previous: Option<&Membership>,
    policy: &Policy,
) -> Result<Reconstitution, MethodError> {
    if market.n_days() == 0 {
        return Err(MethodError::EmptyMarket);
    }
    if spec.effective_date < spec.rank_date {
        return Err(MethodError::EffectiveBeforeRank {
            rank: spec.rank_date,
            effective: spec.effective_date,
        });
    }
    let rank_day = market
        .day_on_or_before(spec.rank_date)
        .ok_or(MethodError::RankDateBeforeHistory(spec.rank_date))?;
    let prev = previous.map(|m| Previous::new(market, m)).transpose()?;
    // Previous members with no row in the snapshot window are read from history.
    let extra = prev.as_ref().map(|p| p.member_secs()).unwrap_or_default();
    let snap = snapshot::take(market, rank_day, &extra, policy);

    // Lines considered: rows within the stale-close window, unlisted classes
    // with a row in the snapshot window (for total shares), and every
    // previous member line.
    let is_member = |s: Sec| prev.as_ref().is_some_and(|p| p.row(s).is_some());
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
    // Position in `lines` of each considered security.
    let mut line_of = vec![u32::MAX; market.n_securities()];
    for (k, l) in lines.iter().enumerate() {
        line_of[l.sec.idx()] = k as u32;
    }
    let members: Vec<bool> = lines.iter().map(|l| is_member(l.sec)).collect();
    let ctx = Ctx {
        market,
        policy,
        rank_day,
        year: spec.rank_date.year(),
        december: spec.december,
        extra_addv_min: extra_min,
    };
    // Chunks of companies, each into its own pair of vectors (in company
    // order, whatever the thread count).
    let mut evaluated: Vec<(Vec<CompanyRecord>, Vec<ScreenRecord>)> = groups
        .par_chunks(EVALUATE_CHUNK)
        .map(|chunk| {
            let n_lines = chunk.last().map_or(0, |g| g.1) - chunk.first().map_or(0, |g| g.0);
            let mut companies = Vec::with_capacity(chunk.len());
            let mut screens = Vec::with_capacity(n_lines);
            for &(a, b) in chunk {
                let first = screens.len();
                let c = company::evaluate_into(&ctx, &lines[a..b], &members[a..b], &mut screens);
                // Companies made only of unlisted lines are not companies on rank day.
                if screens[first..]
                    .iter()
                    .all(|r| matches!(r.reason, Some(crate::Exclusion::UnlistedClass)))
                {
                    screens.truncate(first);
                    continue;
                }
                companies.push(c);
            }
            (companies, screens)
        })
        .collect();
    let mut companies = Vec::with_capacity(groups.len());
    // Screens go back to security order straight from the chunks: sort
    // small (sec, chunk, position) keys, then move each record once.
    let mut by_sec: Vec<(Sec, u32, u32)> = Vec::with_capacity(lines.len());
    for (ci, (c, s)) in evaluated.iter_mut().enumerate() {
        companies.append(c);
        by_sec.extend(
            s.iter()
                .enumerate()
                .map(|(k, r)| (r.sec, ci as u32, k as u32)),
        );
    }
    by_sec.sort_unstable();
    let screens: Vec<ScreenRecord> = by_sec
        .iter()
        .map(|&(_, ci, k)| evaluated[ci as usize].1[k as usize].clone())
        .collect();

    let (order, breakpoints) = ranking::rank(&mut companies, policy);
    let bands = banding::active_bands(&breakpoints, spec.banding);
    // The previous state's rank day and effective date, for its float factor.
    let prev_days = prev.as_ref().and_then(|p| {
        market
            .day_on_or_before(p.m.rank_date)
            .map(|d| (d, p.m.effective_date))
    });

    // Counted on rank day, held from the effective date: splits in between
    // change the count, not the holding.
    let to_effective = market.split_factors(market.dates()[rank_day], spec.effective_date);
    // December: the previous factor as counted on its rank day, whose
    // index shares are held from its effective date.
    let prev_to_effective = prev_days
        .filter(|_| spec.december)
        .map(|(day, prev_effective)| market.split_factors(market.dates()[day], prev_effective))
        .unwrap_or_default();
    // December: each previous member's last store row on or before the
    // previous rank day, found in one merge with that day's cross-section
    // (a search of each member's history only for those without a row).
    let prev_rank_rows = match (&prev, prev_days) {
        (Some(p), Some((day, _))) if spec.december => {
            let mut secs = p.member_secs();
            secs.sort_unstable();
            let mut at = market.rows_on_or_before(day);
            let mut rows = vec![u32::MAX; market.n_securities()];
            for s in secs {
                if let Some(r) = at.row(s) {
                    rows[s.idx()] = r as u32;
                }
            }
            rows
        }
        _ => Vec::new(),
    };
    let mut rows = Vec::new();
    let mut member_now = vec![false; market.n_securities()];
    for &k in order.iter().take(breakpoints.n_r3000e as usize) {
        let c = &companies[k];
        let prev_set = prev
            .as_ref()
            .map_or(IndexSet::EMPTY, |p| p.company_set[c.company as usize]);
        let prev_sides = banding::previous_sides(prev_set);
        let (upper, _) =
            banding::band_sides(c.rank, c.cumulative_percentile, prev_sides, &bands, policy);
        let set = ranking::family(c.rank, upper, policy);
        for &sec in &c.index_lines {
            let l = &lines[line_of[sec.idx()] as usize];
            let prev_row = prev.as_ref().and_then(|p| p.row(sec));
            let prev_float = match prev_row {
                Some(r) if spec.december => {
                    // The rank-day shares outstanding go through the same
                    // splits as the index shares held since.
                    let row = prev_rank_rows.get(sec.idx()).copied().unwrap_or(u32::MAX);
                    (row != u32::MAX).then(|| PreviousFloat {
                        index_shares: r.index_shares,
                        shares: market.row(row as usize).shares_outstanding
                            * prev_to_effective.get(sec),
                    })
                }
                _ => None,
            };
            let rank_day_shares =
                float::index_shares(l.shares, l.float, spec.december, prev_float, policy);
            let index_shares = rank_day_shares * to_effective.get(sec);
            member_now[sec.idx()] = true;
            rows.push(MemberRow {
                sec,
                company: c.company,
                rank: c.rank,
                total_market_cap: c.total_cap,
                float_market_cap: rank_day_shares * l.close,
                cumulative_percentile: c.cumulative_percentile,
                indexes: set,
                change: change(prev_row.map_or(IndexSet::EMPTY, |r| r.indexes), set),
                index_shares,
            });
        }
    }
    if let Some(p) = &prev {
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
        extra_class_min_addv: extra_min,
        active_bands: bands,
        policy: policy.clone(),
    })
}
