//! Parsing and checking `securities` and `actions` rows (both formats, via
//! [`Raw`]), and the action-date rules that need the loaded daily panel.

use std::borrow::Cow;
use std::collections::HashMap;

use rankday_core::{
    Action, ActionKind, Country, Exchange, Market, OfferingTerms, OfferingType, Sec, Security,
    SecurityType,
};

use rayon::prelude::*;

use crate::raw::Raw;
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
    let mut seen: HashMap<Cow<'_, str>, u64> = HashMap::with_capacity(raw.len());
    let mut out = Vec::with_capacity(raw.len());
    for r in raw.rows() {
        let pos = r.pos;
        let id = r.req(c_id, "security_id")?;
        if let Some(first) = seen.insert(id.clone(), pos) {
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
    let mut out = Vec::with_capacity(raw.len());
    for r in raw.rows() {
        let pos = r.pos;
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
            pos,
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
///
/// Every line's actions are first passed or failed together on the rayon
/// pool ([`line_passes`]: a line's actions in ex_date order walk forward
/// through its rows, one short search each, where a search of its whole
/// history per action missed the cache at nearly every step). Only when an
/// action fails are they checked one by one ([`first_error`]), which names
/// the first error in file order.
pub(crate) fn check_action_dates(m: &Market, raw: &Raw, positions: &[u64]) -> Result<(), IoError> {
    let all_pass = (0..m.n_securities() as u32)
        .into_par_iter()
        .with_min_len(64)
        .all(|s| line_passes(m, Sec(s)));
    if all_pass {
        return Ok(());
    }
    first_error(m, raw, positions)
}

/// Whether every action of `sec` keeps the ex_date rules of
/// [`check_action_date`] (the same rules, asked of the line's rows in one
/// forward walk).
fn line_passes(m: &Market, sec: Sec) -> bool {
    let js = m.action_positions_of(sec);
    if js.is_empty() {
        return true;
    }
    let h = m.history(sec);
    let rows = h.rows;
    let starts = m.day_starts();
    let first = (!h.is_empty()).then(|| m.dates()[h.day(0)]);
    let last = (!h.is_empty()).then(|| m.dates()[h.day(h.len() - 1)]);
    let actions = m.actions();
    // Ex-dates ascend along `js`, so the row bounds do too.
    let mut at = 0;
    js.iter().all(|&j| {
        let a = &actions[j as usize];
        let ex = a.ex_date;
        match a.kind {
            ActionKind::Acquisition => {
                first.is_some_and(|f| f < ex) && last.is_some_and(|l| l < ex)
            }
            ActionKind::Delisting => {
                first.is_some_and(|f| f <= ex) && last.is_some_and(|l| l <= ex)
            }
            _ => {
                let Some(d) = m.day_index(ex) else {
                    return false;
                };
                at = crate::validate::gallop(rows, at, starts[d]);
                let own = rows.get(at).is_some_and(|&r| (r as usize) < starts[d + 1]);
                let child = match (a.kind, a.other) {
                    (ActionKind::SpinOff, Some(c)) => !m.history(c).rows_on_days(d, d).is_empty(),
                    _ => true,
                };
                own && child
            }
        }
    })
}

/// The first action in file order that breaks an ex_date rule, checked
/// one by one, security by security (a security's rows stay in cache for
/// all its actions), on the rayon pool.
fn first_error(m: &Market, raw: &Raw, positions: &[u64]) -> Result<(), IoError> {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rankday_core::{DailyRow, Date, MarketBuilder};

    use super::*;
    use crate::error::Site;
    use crate::table::Table;

    const KINDS: [ActionKind; 5] = [
        ActionKind::CashDividend,
        ActionKind::Split,
        ActionKind::SpinOff,
        ActionKind::Acquisition,
        ActionKind::Delisting,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// The forward walk of a line's actions passes a line exactly when
        /// every one of its actions passes the one-by-one check, on lines
        /// with gaps in their rows and actions on and off their days.
        #[test]
        fn line_walk_agrees_with_each_action(
            present in prop::collection::vec(prop::collection::vec(any::<bool>(), 12), 4),
            acts in prop::collection::vec((0u32..4, 0i32..14, 0usize..5, 0u32..4), 0..24),
        ) {
            let mut b = MarketBuilder::new();
            for s in 0..4 {
                b.add_security(rankday_core::Security::us_common(&format!("S{s}"), &format!("C{s}"), "T"))
                    .unwrap();
            }
            // Day 11 always has a row, so every date 0..=11 is a trading day.
            for day in 0..12i32 {
                for (s, p) in present.iter().enumerate() {
                    if p[day as usize] || (s == 0 && day == 11) {
                        b.push_daily(DailyRow {
                            date: Date(20_000 + day),
                            sec: Sec(s as u32),
                            close: 10.0,
                            volume: 1.0,
                            shares_outstanding: 100.0,
                            float_shares: 50.0,
                        });
                    }
                }
            }
            for &(s, day, kind, other) in &acts {
                let kind = KINDS[kind];
                b.push_action(Action {
                    ex_date: Date(20_000 + day),
                    sec: Sec(s),
                    kind,
                    ratio: Some(2.0),
                    amount: Some(1.0),
                    other: (kind == ActionKind::SpinOff).then_some(Sec(other)),
                    offering: None,
                });
            }
            let m = b.build().unwrap();
            let raw = Raw::from_table(Site::new(std::path::Path::new("actions.csv"), true), Table::new());
            for s in 0..4u32 {
                let each = m
                    .actions_of(Sec(s))
                    .all(|a| check_action_date(&m, &raw, a, 1).is_ok());
                prop_assert_eq!(line_passes(&m, Sec(s)), each, "line {}", s);
            }
        }
    }
}
