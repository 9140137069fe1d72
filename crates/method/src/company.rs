//! Company aggregation (methodology §2 "Multiple share classes", "Voting
//! rights", "Size and float"): the pricing vehicle, total shares across all
//! classes including unlisted ones, total cap, the company-level screens, and
//! which listed classes become index lines.

use rankday_core::{Market, Sec, SecurityType};
use smallvec::SmallVec;

use crate::eligibility::{self, Exclusion};
use crate::nationality::{self, NationalityDecision};
use crate::policy::VolumeBasis;
use crate::snapshot::{self, LineSnap};
use crate::Policy;

/// One line's screening outcome on rank day.
#[derive(Clone, Debug, PartialEq)]
pub struct ScreenRecord {
    /// The line.
    pub sec: Sec,
    /// Its company (interned index).
    pub company: u32,
    /// An index line of an eligible company.
    pub passed: bool,
    /// Why the line is out, if it is.
    pub reason: Option<Exclusion>,
    /// The line's own nationality decision (the company uses its pricing vehicle's).
    pub nationality: Option<NationalityDecision>,
    /// Close used on rank day.
    pub close: f64,
    /// Shares outstanding of the line on rank day.
    pub shares: f64,
    /// Average close over the days before rank day (NaN if none).
    pub avg_close: f64,
    /// Float as a percentage of shares outstanding.
    pub float_pct: f64,
    /// Average daily dollar volume over the `addv_days` window.
    pub addv: f64,
    /// Volume over the 2-year window on the policy's basis (shares or
    /// dollars); computed only when the company has more than one candidate
    /// class for pricing vehicle, NaN otherwise.
    pub vehicle_volume: f64,
    /// Days with a row in the 2-year window (0 when not computed).
    pub vehicle_volume_days: u32,
    /// The line prices its company (its close values every class).
    pub pricing_vehicle: bool,
    /// The line was a member of the previous membership.
    pub existing_member: bool,
}

/// One company's aggregation and, once ranked, its place.
#[derive(Clone, Debug, PartialEq)]
pub struct CompanyRecord {
    /// The company (interned index).
    pub company: u32,
    /// The line whose close prices every class of the company.
    pub pricing_vehicle: Option<Sec>,
    /// All common classes, listed and unlisted (conversion ratio 1).
    pub total_shares: f64,
    /// Total shares × the pricing vehicle's rank-day close.
    pub total_cap: f64,
    /// Votes in public hands, percent of all votes (NaN if not computed).
    pub voting_pct: f64,
    /// The company's nationality (its pricing vehicle's).
    pub nationality: Option<NationalityDecision>,
    /// Passed every company screen.
    pub eligible: bool,
    /// Why the company is out, if it is.
    pub reason: Option<Exclusion>,
    /// 1 = largest eligible; 0 if not ranked.
    pub rank: u32,
    /// Cumulative percent of the R3000E total cap; 0 if not ranked.
    pub cumulative_percentile: f64,
    /// The company's index lines: one for nearly every company, so held
    /// inline (a rank day makes thousands of these records).
    pub index_lines: SmallVec<[Sec; 2]>,
    /// Some line of the company was in the previous membership.
    pub existing_member: bool,
}

/// Share types that never count toward total shares (§2 Excluded share types).
fn counts_toward_total_shares(t: SecurityType) -> bool {
    !matches!(
        t,
        SecurityType::Preferred
            | SecurityType::Warrant
            | SecurityType::Right
            | SecurityType::Unit
            | SecurityType::Adr
    )
}

/// Context shared by all companies of one rank day.
pub struct Ctx<'a> {
    /// The market.
    pub market: &'a Market,
    /// The construction policy.
    pub policy: &'a Policy,
    /// Day index of rank day.
    pub rank_day: usize,
    /// The rank day's year (rules that start in a year check it).
    pub year: i32,
    /// December recon: voting rights are not re-researched for existing members (§1).
    pub december: bool,
    /// ADDV bar for extra classes (already resolved from the policy).
    pub extra_addv_min: f64,
}

/// Evaluates one company from its lines (`lines`: snapshot entries, `member`:
/// whether each was an existing member line).
pub fn evaluate(
    ctx: &Ctx,
    lines: &[LineSnap],
    member: &[bool],
) -> (CompanyRecord, Vec<ScreenRecord>) {
    let mut recs = Vec::with_capacity(lines.len());
    let rec = evaluate_into(ctx, lines, member, &mut recs);
    (rec, recs)
}

/// [`evaluate`], with the company's screen records (one per line, in
/// `lines` order) appended to `screens`: a rank day evaluates thousands of
/// companies into one vector instead of one allocation each.
pub fn evaluate_into(
    ctx: &Ctx,
    lines: &[LineSnap],
    member: &[bool],
    screens: &mut Vec<ScreenRecord>,
) -> CompanyRecord {
    let p = ctx.policy;
    let m = ctx.market;
    let company = m.company_of(lines[0].sec) as u32;
    let existing = member.iter().any(|&b| b);
    let first = screens.len();
    screens.extend(lines.iter().zip(member).map(|(l, &mem)| {
        let s = m.security(l.sec);
        let reason = eligibility::structural(s, l, ctx.rank_day, mem, p);
        let listed = !matches!(reason, Some(Exclusion::UnlistedClass));
        ScreenRecord {
            sec: l.sec,
            company,
            passed: false,
            reason,
            nationality: listed.then(|| nationality::decide(s, &p.nationality)),
            close: l.close,
            shares: l.shares,
            avg_close: l.avg_close,
            float_pct: l.float_pct(),
            addv: l.addv(),
            vehicle_volume: f64::NAN,
            vehicle_volume_days: 0,
            pricing_vehicle: false,
            existing_member: mem,
        }
    }));
    let recs = &mut screens[first..];

    let mut rec = CompanyRecord {
        company,
        pricing_vehicle: None,
        total_shares: f64::NAN,
        total_cap: f64::NAN,
        voting_pct: f64::NAN,
        nationality: None,
        eligible: false,
        reason: None,
        rank: 0,
        cumulative_percentile: 0.0,
        index_lines: SmallVec::new(),
        existing_member: existing,
    };

    let Some(v) = pricing_vehicle(ctx, lines, recs, existing) else {
        rec.reason = Some(Exclusion::NoPricingVehicle);
        return rec;
    };
    let vl = &lines[v];
    recs[v].pricing_vehicle = true;
    rec.pricing_vehicle = Some(vl.sec);
    rec.nationality = recs[v].nationality;

    // Total shares over every common class with a row, listed or not.
    let mut total_shares = 0.0;
    let mut all_votes = 0.0;
    let mut public_votes = 0.0;
    for (l, r) in lines.iter().zip(recs.iter()) {
        let s = m.security(l.sec);
        if !counts_toward_total_shares(s.security_type) || !l.shares.is_finite() {
            continue;
        }
        total_shares += l.shares;
        all_votes += s.votes_per_share * l.shares;
        if r.reason.is_none() && l.float.is_finite() {
            public_votes += s.votes_per_share * l.float;
        }
    }
    rec.total_shares = total_shares;
    rec.total_cap = total_shares * vl.close;
    rec.voting_pct = if all_votes > 0.0 {
        100.0 * public_votes / all_votes
    } else {
        0.0
    };

    let voting_applies = ctx.year >= p.eligibility.voting_rights_from_year
        && !(existing && ctx.year < p.eligibility.voting_grandfather_until_year)
        && !(existing && ctx.december);
    let nat = rec.nationality.expect("listed vehicle has a nationality");
    let company_reason = if !nat.is_us() {
        Some(Exclusion::NonUs {
            country: nat.country,
            step: nat.step,
        })
    } else if let Some(e) = eligibility::price(vl, member[v], p) {
        Some(e)
    } else if let Some(e) = eligibility::float(vl, p) {
        Some(e)
    } else if ctx.year >= p.eligibility.min_total_cap_from_year
        && !(rec.total_cap >= p.eligibility.min_total_cap)
    {
        Some(Exclusion::CapUnder30M {
            total_cap: rec.total_cap,
            min: p.eligibility.min_total_cap,
        })
    } else if voting_applies && rec.voting_pct < p.eligibility.min_voting_pct {
        Some(Exclusion::VotingRights {
            pct: rec.voting_pct,
            min: p.eligibility.min_voting_pct,
        })
    } else {
        None
    };

    if let Some(e) = company_reason {
        recs[v].reason = Some(e.clone());
        for r in recs.iter_mut() {
            if r.reason.is_none() {
                r.reason = Some(Exclusion::CompanyIneligible);
            }
        }
        rec.reason = Some(e);
        return rec;
    }

    rec.eligible = true;
    for (k, (l, r)) in lines.iter().zip(recs.iter_mut()).enumerate() {
        if k == v {
            r.passed = true;
            rec.index_lines.push(l.sec);
            continue;
        }
        if r.reason.is_some() {
            continue;
        }
        r.reason = extra_class(l, member[k], ctx);
        r.passed = r.reason.is_none();
        if r.passed {
            rec.index_lines.push(l.sec);
        }
    }
    rec
}

/// §2: an extra listed class is an index line only if it passes the price and
/// float screens itself, its own cap is above `extra_class_min_cap`, and its
/// ADDV is above the policy's bar.
fn extra_class(l: &LineSnap, member: bool, ctx: &Ctx) -> Option<Exclusion> {
    let p = ctx.policy;
    if let Some(e) = eligibility::price(l, member, p) {
        return Some(e);
    }
    if let Some(e) = eligibility::float(l, p) {
        return Some(e);
    }
    let cap = l.shares * l.close;
    if !(cap > p.company.extra_class_min_cap) {
        return Some(Exclusion::ExtraClassCap {
            cap,
            min: p.company.extra_class_min_cap,
        });
    }
    if !(l.addv() > ctx.extra_addv_min) {
        return Some(Exclusion::ExtraClassLiquidity {
            addv: l.addv(),
            min: ctx.extra_addv_min,
        });
    }
    None
}

/// §2 pricing vehicle: among listed lines passing the structural screens, the
/// highest volume over the window; lines within `vehicle_tie_pct` of it are
/// tied and the one with more available (float) shares wins. For an existing
/// member, lines with fewer than `vehicle_min_days_existing` days of data are
/// used only if no line has enough. Ties after that go to the lower security index.
fn pricing_vehicle(
    ctx: &Ctx,
    lines: &[LineSnap],
    recs: &mut [ScreenRecord],
    existing: bool,
) -> Option<usize> {
    let p = ctx.policy;
    let mut candidates = (0..lines.len()).filter(|&k| recs[k].reason.is_none());
    let first = candidates.next()?;
    if candidates.next().is_none() {
        return Some(first);
    }
    let ok: Vec<usize> = (0..lines.len())
        .filter(|&k| recs[k].reason.is_none())
        .collect();
    for &k in &ok {
        let (v, dv, days) = snapshot::vehicle_volume(
            ctx.market,
            lines[k].sec,
            ctx.rank_day,
            p.company.vehicle_volume_days,
        );
        recs[k].vehicle_volume = match p.company.vehicle_volume_basis {
            VolumeBasis::Shares => v,
            VolumeBasis::Dollars => dv,
        };
        recs[k].vehicle_volume_days = days;
    }
    let min_days = p.company.vehicle_min_days_existing;
    let seasoned: Vec<usize> = ok
        .iter()
        .copied()
        .filter(|&k| recs[k].vehicle_volume_days >= min_days)
        .collect();
    let cands = if existing && !seasoned.is_empty() {
        seasoned
    } else {
        ok
    };
    let top = cands
        .iter()
        .map(|&k| recs[k].vehicle_volume)
        .fold(f64::NEG_INFINITY, f64::max);
    let bar = top * (1.0 - p.company.vehicle_tie_pct / 100.0);
    let mut best: Option<usize> = None;
    for &k in &cands {
        if recs[k].vehicle_volume < bar {
            continue;
        }
        best = match best {
            None => Some(k),
            Some(b) if lines[k].float > lines[b].float => Some(k),
            keep => keep,
        };
    }
    best
}
