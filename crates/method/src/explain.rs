//! Per-security explanation of a reconstitution decision: every screen with
//! its value against the threshold, the company's total cap and pricing
//! vehicle, rank, cumulative percentile, the bands it sits in, the decision
//! and why (methodology §2–§4).

use std::fmt;

use rankday_core::{IndexId, IndexSet, Market, MemberRow, Membership, Sec};

use crate::banding::{self, in_band};
use crate::company::{CompanyRecord, ScreenRecord};
use crate::eligibility::Exclusion;
use crate::ranking::Cut;
use crate::reconstitute::{tier, Reconstitution};

/// The explanation of one security; `Display` renders it as text.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The line explained.
    pub sec: Sec,
    /// Its screening record, if it was considered.
    pub screen: Option<ScreenRecord>,
    /// Its company's record, if it was considered.
    pub company: Option<CompanyRecord>,
    /// Indexes before the reconstitution.
    pub previous: IndexSet,
    /// Indexes after it.
    pub now: IndexSet,
    /// Rendered lines.
    pub lines: Vec<String>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.lines {
            writeln!(f, "{l}")?;
        }
        Ok(())
    }
}

fn set_names(s: IndexSet) -> String {
    if s.is_empty() {
        return "none".into();
    }
    s.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(", ")
}

fn mark(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "FAIL"
    }
}

/// What the explanation of one security works from.
struct Subject<'a> {
    market: &'a Market,
    recon: &'a Reconstitution,
    sec: Sec,
    /// The line's index set in the previous state, and its company's.
    prev_line: IndexSet,
    prev_company: IndexSet,
    /// The line's row in the new state.
    row: Option<&'a MemberRow>,
    now: IndexSet,
}

/// Explains what happened to `sec` in `recon` (banded against `previous`,
/// the state the reconstitution started from: in a history, what the index
/// held after the close of rank day, [`crate::Recon::previous`]).
pub fn explain(
    market: &Market,
    recon: &Reconstitution,
    previous: Option<&Membership>,
    sec: Sec,
) -> Explanation {
    let comp = market.company_of(sec) as u32;
    let prev_row = previous.and_then(|m| {
        m.rows
            .iter()
            .find(|r| r.sec == sec && !r.indexes.is_empty())
    });
    let row = recon.membership.rows.iter().find(|r| r.sec == sec);
    let x = Subject {
        market,
        recon,
        sec,
        prev_line: prev_row.map_or(IndexSet::EMPTY, |r| r.indexes),
        prev_company: previous.map_or(IndexSet::EMPTY, |m| {
            m.rows
                .iter()
                .filter(|r| market.company_of(r.sec) as u32 == comp)
                .fold(IndexSet::EMPTY, |a, r| IndexSet(a.0 | r.indexes.0))
        }),
        row,
        now: row.map_or(IndexSet::EMPTY, |r| r.indexes),
    };
    let mut out = header(&x, prev_row);
    let Some(sr) = recon.screen(sec).cloned() else {
        out.push(format!(
            "not considered: no row within {} trading days before rank day and not a previous member",
            recon.policy.eligibility.stale_close_days
        ));
        return Explanation {
            sec,
            screen: None,
            company: None,
            previous: x.prev_line,
            now: x.now,
            lines: out,
        };
    };
    let cr = recon.company(comp).cloned();
    let structural = screen_lines(&x, &sr, &mut out);
    if let Some(c) = &cr {
        company_lines(&x, &sr, c, structural, &mut out);
    }
    ranking_lines(&x, cr.as_ref(), &mut out);
    decision_lines(&x, &sr, &mut out);
    Explanation {
        sec,
        screen: Some(sr),
        company: cr,
        previous: x.prev_line,
        now: x.now,
        lines: out,
    }
}

/// The line, its rank day and its previous membership.
fn header(x: &Subject<'_>, prev_row: Option<&MemberRow>) -> Vec<String> {
    let s = x.market.security(x.sec);
    let mut out = vec![format!(
        "{} ({}), company {}, rank day {} (closes of {})",
        s.security_id, s.ticker, s.company_id, x.recon.spec.rank_date, x.recon.rank_day_date
    )];
    out.push(match prev_row {
        Some(r) => format!(
            "previous membership: {} (index shares {:.0})",
            set_names(x.prev_line),
            r.index_shares
        ),
        None => format!("previous membership: {}", set_names(x.prev_line)),
    });
    out
}

/// Every line screen with its value and threshold; returns whether the line
/// failed a structural screen (listing, type, exchange).
fn screen_lines(x: &Subject<'_>, sr: &ScreenRecord, out: &mut Vec<String>) -> bool {
    let e = &x.recon.policy.eligibility;
    let s = x.market.security(x.sec);
    out.push("screens:".into());
    let r = sr.reason.clone();
    let structural_fail = matches!(
        r,
        Some(
            Exclusion::NotListedOnRankDay
                | Exclusion::NotTradingOnRankDay
                | Exclusion::UnlistedClass
                | Exclusion::SecurityType(_)
                | Exclusion::Exchange(_)
        )
    );
    out.push(format!(
        "  [{}] security type {} (eligible: {})",
        mark(e.eligible_types.contains(&s.security_type)),
        s.security_type,
        e.eligible_types
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push(format!(
        "  [{}] exchange {}",
        mark(e.exchanges.contains(&s.exchange)),
        s.exchange
    ));
    if let Some(n) = sr.nationality {
        out.push(format!(
            "  [{}] nationality {} by {} (incorporation {}, headquarters {}, exchange {})",
            mark(n.is_us()),
            n.country,
            n.step,
            s.country_incorporation,
            s.country_headquarters,
            s.country_exchange
        ));
    }
    if !structural_fail {
        let close_ok = sr.close >= e.min_price;
        let avg_ok = sr.existing_member && sr.avg_close >= e.min_price;
        out.push(format!(
            "  [{}] price: close {:.4} vs minimum {:.2}{}",
            mark(close_ok || avg_ok),
            sr.close,
            e.min_price,
            if sr.existing_member {
                format!(
                    "; existing member, {}-day average {:.4}",
                    e.avg_price_days, sr.avg_close
                )
            } else {
                String::new()
            }
        ));
        out.push(format!(
            "  [{}] float {:.4}% vs minimum {}%",
            mark(sr.float_pct >= e.min_float_pct),
            sr.float_pct,
            e.min_float_pct
        ));
    } else if let Some(x) = &r {
        out.push(format!("  [FAIL] {x}"));
    }
    structural_fail
}

/// The company: pricing vehicle, total shares and cap, voting rights, and
/// the extra-class tests of a line that is not the pricing vehicle.
fn company_lines(
    x: &Subject<'_>,
    sr: &ScreenRecord,
    c: &CompanyRecord,
    structural_fail: bool,
    out: &mut Vec<String>,
) {
    let p = &x.recon.policy;
    let e = &p.eligibility;
    out.push("company:".into());
    let vehicle = c
        .pricing_vehicle
        .map_or("none".to_string(), |v| x.market.security(v).ticker.clone());
    if sr.vehicle_volume.is_finite() {
        out.push(format!(
            "  pricing vehicle {} (highest {}-day volume within {}%, then more float; this line: volume {:.0} over {} days)",
            vehicle,
            p.company.vehicle_volume_days,
            p.company.vehicle_tie_pct,
            sr.vehicle_volume,
            sr.vehicle_volume_days
        ));
    } else {
        out.push(format!(
            "  pricing vehicle {vehicle} (the only candidate class)"
        ));
    }
    out.push(format!(
        "  total shares {:.0} (all common classes incl. unlisted), total cap ${:.2}M",
        c.total_shares,
        c.total_cap / 1e6
    ));
    out.push(format!(
        "  [{}] total cap ${:.2}M vs minimum ${:.2}M (applies from {})",
        mark(c.total_cap >= e.min_total_cap),
        c.total_cap / 1e6,
        e.min_total_cap / 1e6,
        e.min_total_cap_from_year
    ));
    if c.voting_pct.is_finite() {
        out.push(format!(
            "  [{}] votes in public hands {:.4}% vs minimum {}% (applies from {}; members grandfathered before {})",
            mark(c.voting_pct >= e.min_voting_pct),
            c.voting_pct,
            e.min_voting_pct,
            e.voting_rights_from_year,
            e.voting_grandfather_until_year
        ));
    }
    if !sr.pricing_vehicle && !structural_fail {
        out.push(format!(
            "  [{}] extra class: own cap ${:.2}M vs minimum ${:.2}M",
            mark(sr.close * sr.shares > p.company.extra_class_min_cap),
            sr.close * sr.shares / 1e6,
            p.company.extra_class_min_cap / 1e6
        ));
        out.push(format!(
            "  [{}] extra class: ADDV ${:.0} vs bar ${:.0}",
            mark(sr.addv > x.recon.extra_class_min_addv),
            sr.addv,
            x.recon.extra_class_min_addv
        ));
    }
    if let Some(Exclusion::Merged { .. }) = &c.reason {
        out.push(format!("  [FAIL] {}", c.reason.clone().expect("matched")));
    }
}

/// Rank, cumulative percentile, every breakpoint with its band and whether
/// the band kept the company on its side.
fn ranking_lines(x: &Subject<'_>, cr: Option<&CompanyRecord>, out: &mut Vec<String>) {
    let recon = x.recon;
    out.push("ranking:".into());
    let Some(c) = cr.filter(|c| c.rank > 0) else {
        out.push("  not ranked (company ineligible)".into());
        return;
    };
    out.push(format!(
        "  rank {} of {} eligible, cumulative percentile {:.4} of R3000E total ${:.2}M",
        c.rank,
        recon.breakpoints.n_eligible,
        c.cumulative_percentile,
        recon.breakpoints.r3000e_total_cap / 1e6
    ));
    for e in &recon.events {
        if let crate::events::EventKind::Merger {
            target, survivor, ..
        } = e.kind
        {
            if survivor == c.company {
                out.push(format!(
                    "  re-placed on its cap with {} merged in on {} (before the lock-down)",
                    x.market.security(target).ticker,
                    e.ex_date
                ));
            }
        }
    }
    let prev_sides = banding::previous_sides(x.prev_company);
    let (_, kept) = banding::band_sides(
        c.rank,
        c.cumulative_percentile,
        prev_sides,
        &recon.active_bands,
        &recon.policy,
    );
    for (i, cut) in Cut::BANDED.iter().enumerate() {
        let bp = recon.breakpoints.get(*cut);
        match recon.active_bands[i] {
            Some(b) => {
                let inside = in_band(c.cumulative_percentile, b);
                out.push(format!(
                    "  {} breakpoint rank {} at {:.4} (${:.2}M), band [{:.4}, {:.4}]: {}{}",
                    cut.name(),
                    bp.rank,
                    bp.percentile,
                    bp.cap / 1e6,
                    b.p_b - b.half_width,
                    b.p_b + b.half_width,
                    if inside { "inside" } else { "outside" },
                    if kept[i] {
                        " — existing member kept on its side by the band"
                    } else {
                        ""
                    }
                ));
            }
            None => out.push(format!(
                "  {} breakpoint rank {} at {:.4} (${:.2}M), no band applied",
                cut.name(),
                bp.rank,
                bp.percentile,
                bp.cap / 1e6
            )),
        }
    }
    if c.rank > recon.breakpoints.n_r3000e {
        out.push(format!(
            "  ranked below the Russell 3000E cut ({})",
            recon.breakpoints.n_r3000e
        ));
    }
    if prev_sides.is_none() && !x.prev_company.is_empty() {
        out.push("  previous Microcap-only member: placed by rank like a new addition".into());
    }
}

/// The decision: why the line is in or out, its index set, change and
/// index shares.
fn decision_lines(x: &Subject<'_>, sr: &ScreenRecord, out: &mut Vec<String>) {
    let recon = x.recon;
    out.push("decision:".into());
    let through = recon
        .spec
        .effective_date
        .min(x.market.last_date().unwrap_or(recon.spec.effective_date));
    let stopped =
        crate::exits::stopped_before(x.market, x.sec, through).filter(|_| x.now.is_empty());
    let why = match (&sr.reason, sr.passed, stopped) {
        (Some(e), _, _) => format!("not an index line: {e}"),
        (None, true, Some(last)) => format!(
            "last traded on {last}, before the effective date {}: gone, so not in the index (and not replaced)",
            recon.spec.effective_date
        ),
        (None, true, None) if x.now.is_empty() => {
            "eligible but ranked below the Russell 3000E".into()
        }
        _ => "index line".into(),
    };
    out.push(format!("  {why}"));
    out.push(format!("  indexes now: {}", set_names(x.now)));
    if let Some(row) = x.row {
        out.push(format!(
            "  change {} ({} -> {}), index shares {:.0}",
            row.change,
            tier_name(tier(x.prev_line)),
            tier_name(tier(x.now)),
            row.index_shares
        ));
    }
}

fn tier_name(t: u8) -> &'static str {
    match t {
        3 => IndexId::R1000.as_str(),
        2 => IndexId::R2000.as_str(),
        1 => "Microcap only",
        _ => "not a member",
    }
}
