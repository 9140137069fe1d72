//! Per-security explanation of a reconstitution decision: every screen with
//! its value against the threshold, the company's total cap and pricing
//! vehicle, rank, cumulative percentile, the bands it sits in, the decision
//! and why (methodology §2–§4).

use std::fmt;

use rankday_core::{IndexId, IndexSet, Market, Membership, Sec};

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

/// Explains what happened to `sec` in `recon` (banded against `previous`).
pub fn explain(
    market: &Market,
    recon: &Reconstitution,
    previous: Option<&Membership>,
    sec: Sec,
) -> Explanation {
    let p = &recon.policy;
    let e = &p.eligibility;
    let s = market.security(sec);
    let mut out = Vec::new();
    out.push(format!(
        "{} ({}), company {}, rank day {} (closes of {})",
        s.security_id, s.ticker, s.company_id, recon.spec.rank_date, recon.rank_day_date
    ));
    let prev_line = previous
        .and_then(|m| {
            m.rows
                .iter()
                .find(|r| r.sec == sec && !r.indexes.is_empty())
        })
        .map_or(IndexSet::EMPTY, |r| r.indexes);
    let comp = market.company_of(sec) as u32;
    let prev_company = previous.map_or(IndexSet::EMPTY, |m| {
        m.rows
            .iter()
            .filter(|r| market.company_of(r.sec) as u32 == comp)
            .fold(IndexSet::EMPTY, |a, r| IndexSet(a.0 | r.indexes.0))
    });
    let row = recon.membership.rows.iter().find(|r| r.sec == sec);
    let now = row.map_or(IndexSet::EMPTY, |r| r.indexes);
    out.push(format!("previous membership: {}", set_names(prev_line)));

    let Some(sr) = recon.screen(sec).cloned() else {
        out.push(format!(
            "not considered: no row within {} trading days before rank day and not a previous member",
            e.stale_close_days
        ));
        return Explanation {
            sec,
            screen: None,
            company: None,
            previous: prev_line,
            now,
            lines: out,
        };
    };
    let cr = recon.company(comp).cloned();

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
    if let Some(c) = &cr {
        out.push("company:".into());
        let vehicle = c
            .pricing_vehicle
            .map_or("none".to_string(), |v| market.security(v).ticker.clone());
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
                mark(sr.addv > recon.extra_class_min_addv),
                sr.addv,
                recon.extra_class_min_addv
            ));
        }
    }

    out.push("ranking:".into());
    match &cr {
        Some(c) if c.rank > 0 => {
            out.push(format!(
                "  rank {} of {} eligible, cumulative percentile {:.4} of R3000E total ${:.2}M",
                c.rank,
                recon.breakpoints.n_eligible,
                c.cumulative_percentile,
                recon.breakpoints.r3000e_total_cap / 1e6
            ));
            let prev_sides = banding::previous_sides(prev_company);
            let (_, kept) = banding::band_sides(
                c.rank,
                c.cumulative_percentile,
                prev_sides,
                &recon.active_bands,
                p,
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
            if prev_sides.is_none() && !prev_company.is_empty() {
                out.push(
                    "  previous Microcap-only member: placed by rank like a new addition".into(),
                );
            }
        }
        _ => out.push("  not ranked (company ineligible)".into()),
    }

    out.push("decision:".into());
    let through = recon
        .spec
        .effective_date
        .min(market.last_date().unwrap_or(recon.spec.effective_date));
    let stopped = crate::exits::stopped_before(market, sec, through).filter(|_| now.is_empty());
    let why = match (&r, sr.passed, stopped) {
        (Some(x), _, _) => format!("not an index line: {x}"),
        (None, true, Some(last)) => format!(
            "last traded on {last}, before the effective date {}: gone, so not in the index (and not replaced)",
            recon.spec.effective_date
        ),
        (None, true, None) if now.is_empty() => {
            "eligible but ranked below the Russell 3000E".into()
        }
        _ => "index line".into(),
    };
    out.push(format!("  {why}"));
    out.push(format!("  indexes now: {}", set_names(now)));
    if let Some(row) = row {
        out.push(format!(
            "  change {} ({} -> {}), index shares {:.0}",
            row.change,
            tier_name(tier(prev_line)),
            tier_name(tier(now)),
            row.index_shares
        ));
    }
    Explanation {
        sec,
        screen: Some(sr),
        company: cr,
        previous: prev_line,
        now,
        lines: out,
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
