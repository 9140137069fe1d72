//! Parsing and checking `securities` and `actions` rows (both formats, via
//! [`Raw`]), and the action-date rules that need the loaded daily panel.

use std::borrow::Cow;
use std::collections::HashMap;

use rankday_core::{
    Action, ActionKind, Country, Exchange, Market, OfferingTerms, OfferingType, Sec, Security,
    SecurityType,
};

use rayon::prelude::*;

use crate::raw::{Raw, RowRef};
use crate::IoError;

/// Securities in file order with their positions; rejects duplicate ids
/// naming both rows.
pub(crate) fn parse_securities(raw: &Raw) -> Result<Vec<Security>, IoError> {
    let c_id = raw.req("security_id")?;
    let c_co = raw.req("company_id")?;
    let c_tk = raw.req("ticker")?;
    let c_ty = raw.req("security_type")?;
    let c_ex = raw.req("exchange")?;
    let c_ci = raw.req("country_incorporation")?;
    let c_ch = raw.req("country_headquarters")?;
    let c_ce = raw.req("country_exchange")?;
    let c_name = raw.col("name");
    let c_ca = raw.col("country_assets");
    let c_cr = raw.col("country_revenue");
    let c_vps = raw.col("votes_per_share");
    let c_sector = raw.col("sector");
    let mut seen: HashMap<Cow<'_, str>, u64> = HashMap::with_capacity(raw.rows.len());
    let mut out = Vec::with_capacity(raw.rows.len());
    for (pos, cells) in &raw.rows {
        let r = RowRef {
            site: &raw.site,
            pos: *pos,
            cells,
        };
        let id = r.req(c_id, "security_id")?;
        if let Some(first) = seen.insert(id.clone(), *pos) {
            return Err(r.err(
                "security_id",
                format!(
                    "duplicate security_id '{id}' (first at {})",
                    raw.site.at(first).describe()
                ),
            ));
        }
        let votes = r.opt_f64(c_vps, "votes_per_share")?.unwrap_or(1.0);
        if votes < 0.0 {
            return Err(r.err("votes_per_share", format!("must be >= 0, got {votes}")));
        }
        out.push(Security {
            security_id: id.to_string(),
            company_id: r.req(c_co, "company_id")?.to_string(),
            ticker: r.req(c_tk, "ticker")?.to_string(),
            name: r.opt(c_name).map(Cow::into_owned),
            security_type: r.parse::<SecurityType>(c_ty, "security_type")?,
            exchange: r.parse::<Exchange>(c_ex, "exchange")?,
            country_incorporation: r.parse::<Country>(c_ci, "country_incorporation")?,
            country_headquarters: r.parse::<Country>(c_ch, "country_headquarters")?,
            country_exchange: r.parse::<Country>(c_ce, "country_exchange")?,
            country_assets: r.opt_parse::<Country>(c_ca, "country_assets")?,
            country_revenue: r.opt_parse::<Country>(c_cr, "country_revenue")?,
            votes_per_share: votes,
            sector: r.opt(c_sector).map(Cow::into_owned),
        });
    }
    Ok(out)
}

/// Actions in file order with their positions, each checked on its own
/// (ids known, per-kind fields present and in range).
pub(crate) fn parse_actions(
    raw: &Raw,
    by_id: &dyn Fn(&str) -> Option<Sec>,
) -> Result<Vec<(u64, Action)>, IoError> {
    let c_date = raw.req("ex_date")?;
    let c_id = raw.req("security_id")?;
    let c_kind = raw.req("kind")?;
    let (c_ratio, c_amount, c_other) = (raw.col("ratio"), raw.col("amount"), raw.col("other_id"));
    let (c_otype, c_shares, c_pricing) = (
        raw.col("offer_type"),
        raw.col("shares"),
        raw.col("pricing_date"),
    );
    let mut out = Vec::with_capacity(raw.rows.len());
    for (pos, cells) in &raw.rows {
        let r = RowRef {
            site: &raw.site,
            pos: *pos,
            cells,
        };
        let ex_date = r.date(c_date, "ex_date")?;
        let id = r.req(c_id, "security_id")?;
        let sec = by_id(&id).ok_or_else(|| {
            r.err(
                "security_id",
                format!("unknown security_id '{id}' (not in securities)"),
            )
        })?;
        let kind = r.parse::<ActionKind>(c_kind, "kind")?;
        let ratio = r.opt_f64(c_ratio, "ratio")?;
        let amount = r.opt_f64(c_amount, "amount")?;
        let other = match r.opt(c_other) {
            None => None,
            Some(o) => Some(by_id(&o).ok_or_else(|| {
                r.err(
                    "other_id",
                    format!("unknown security_id '{o}' (not in securities)"),
                )
            })?),
        };
        let need = |v: Option<f64>, col: &str, strict: bool| -> Result<f64, IoError> {
            let v =
                v.ok_or_else(|| r.err(col, format!("required for {kind}, got an empty field")))?;
            if v < 0.0 || (strict && v == 0.0) {
                let op = if strict { ">" } else { ">=" };
                return Err(r.err(col, format!("{kind} needs {col} {op} 0, got {v}")));
            }
            Ok(v)
        };
        let mut offering = None;
        match kind {
            ActionKind::Split => {
                need(ratio, "ratio", true)?;
            }
            ActionKind::CashDividend | ActionKind::SpecialDividend => {
                need(amount, "amount", false)?;
            }
            ActionKind::SpinOff => {
                need(ratio, "ratio", true)?;
                match other {
                    None => {
                        return Err(r.err(
                            "other_id",
                            "spin_off needs the child security_id, got an empty field",
                        ))
                    }
                    Some(o) if o == sec => {
                        return Err(r.err(
                            "other_id",
                            format!("spin_off child '{id}' is the parent itself"),
                        ))
                    }
                    Some(_) => {}
                }
            }
            ActionKind::Acquisition => {
                if ratio.is_none() && amount.is_none() {
                    return Err(r.err("ratio", "acquisition needs ratio (acquirer shares) or amount (cash), both are empty"));
                }
                if ratio.is_some() {
                    need(ratio, "ratio", false)?;
                }
                if amount.is_some() {
                    need(amount, "amount", false)?;
                }
            }
            ActionKind::Delisting => {
                if amount.is_some() {
                    need(amount, "amount", false)?;
                }
            }
            ActionKind::ShareChange => {}
            ActionKind::Offering => {
                need(amount, "amount", true)?;
                let offer_type: OfferingType =
                    r.opt_parse(c_otype, "offer_type")?.ok_or_else(|| {
                        r.err(
                            "offer_type",
                            "required for offering (primary or secondary), got an empty field",
                        )
                    })?;
                let shares = need(r.opt_f64(c_shares, "shares")?, "shares", true)?;
                let pricing_date = match c_pricing {
                    Some(c) if r.opt(Some(c)).is_some() => r.date(c, "pricing_date")?,
                    _ => {
                        return Err(
                            r.err("pricing_date", "required for offering, got an empty field")
                        )
                    }
                };
                if pricing_date > ex_date {
                    return Err(r.err(
                        "pricing_date",
                        format!("offering priced on {pricing_date}, after its ex_date {ex_date} (the pricing comes first)"),
                    ));
                }
                offering = Some(OfferingTerms {
                    offer_type,
                    shares,
                    pricing_date,
                });
            }
        }
        out.push((
            *pos,
            Action {
                ex_date,
                sec,
                kind,
                ratio,
                amount,
                other,
                offering,
            },
        ));
    }
    Ok(out)
}

/// The ex_date rules against the loaded panel (see the crate docs for the
/// reasoning). `positions[k]` is the position of the k-th action as read.
pub(crate) fn check_action_dates(m: &Market, raw: &Raw, positions: &[u64]) -> Result<(), IoError> {
    // Each action is checked on its own, on the rayon pool, security by
    // security (a security's rows stay in cache for all its actions); the
    // first error in file order is the one reported, whatever thread found
    // it.
    let actions: Vec<(&rankday_core::Action, u64)> = m
        .actions_in_input_order()
        .zip(positions.iter().copied())
        .collect();
    let mut order: Vec<u32> = (0..actions.len() as u32).collect();
    order.par_sort_unstable_by_key(|&k| actions[k as usize].0.sec);
    match order
        .par_iter()
        .filter_map(|&k| {
            let (a, pos) = actions[k as usize];
            check_action_date(m, raw, a, pos).err().map(|e| (k, e))
        })
        .min_by_key(|(k, _)| *k)
    {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

fn check_action_date(
    m: &Market,
    raw: &Raw,
    a: &rankday_core::Action,
    pos: u64,
) -> Result<(), IoError> {
    let err = |col: &str, msg: String| raw.site.invalid(pos, col, msg);
    let id = &m.security(a.sec).security_id;
    let h = m.history(a.sec);
    let first = (!h.is_empty()).then(|| m.dates()[h.day(0)]);
    let last = (!h.is_empty()).then(|| m.dates()[h.day(h.len() - 1)]);
    // Searched in the line's own rows, not the day's cross-section.
    let trades_on = |s: Sec| {
        m.day_index(a.ex_date)
            .is_some_and(|d| !m.history(s).rows_on_days(d, d).is_empty())
    };
    match a.kind {
        ActionKind::Acquisition => {
            if first.is_none_or(|f| f >= a.ex_date) {
                return Err(err("ex_date", format!(
                    "acquisition target '{id}' has no daily row before the ex_date {} (its last trading day is the trading day before ex_date)",
                    a.ex_date
                )));
            }
            if let Some(l) = last.filter(|&l| l >= a.ex_date) {
                return Err(err("ex_date", format!(
                    "acquisition target '{id}' still trades on {l}, on or after the ex_date {} (its last trading day must be before ex_date)",
                    a.ex_date
                )));
            }
        }
        ActionKind::Delisting => {
            if first.is_none_or(|f| f > a.ex_date) {
                return Err(err(
                    "ex_date",
                    format!(
                        "delisted security '{id}' has no daily row on or before the ex_date {}",
                        a.ex_date
                    ),
                ));
            }
            if let Some(l) = last.filter(|&l| l > a.ex_date) {
                return Err(err(
                    "ex_date",
                    format!(
                        "delisted security '{id}' still trades on {l}, after the ex_date {}",
                        a.ex_date
                    ),
                ));
            }
        }
        _ => {
            if !trades_on(a.sec) {
                return Err(err("ex_date", format!(
                    "{} on {} but '{id}' has no daily row that day (the ex_date must be a trading day of the security)",
                    a.kind, a.ex_date
                )));
            }
            if let (ActionKind::SpinOff, Some(child)) = (a.kind, a.other) {
                if !trades_on(child) {
                    return Err(err("other_id", format!(
                        "spin_off child '{}' has no daily row on the ex_date {} (the child trades from ex_date)",
                        m.security(child).security_id,
                        a.ex_date
                    )));
                }
            }
        }
    }
    Ok(())
}
