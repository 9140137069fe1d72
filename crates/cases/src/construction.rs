//! Kinds `banding` and `voting`: one reconstitution (`rankday-method`) of a
//! flat market of companies described in `case.toml`.
//!
//! `banding` (GC-05): `policy` (construction policy overrides, TOML text),
//! `[[group]]` runs of plain companies in rank order (`count`, `cap_m` in
//! USD millions) and `[[company]]` named ones (`name`, `cap_m`, `current` =
//! `"R1"` or `"R2"`: its side of the R1000 cut in the previous state), listed
//! in rank order as `[[rows]]` entries of either form (`rows` = an array of
//! tables with `count` or `name`). The previous state puts everyone by rank
//! except the named companies. Keys: `rank|percentile|index|change:<name>`
//! (`index`: `R1` or `R2`), `breakpoint_rank|breakpoint_percentile|band_lower|band_upper`,
//! `total_cap_m`, and `unbanded_index:<name>` (the same reconstitution
//! without banding).
//!
//! `voting` (GC-06): `rank_date`, `[[line]]` (`id`, `company`, `listed`,
//! `shares`, `float`, `votes`, `close`). Keys: `voting_pct:<company>`,
//! `eligible:<id>` (`true`/`false`), `total_shares:<company>`.

use std::collections::BTreeMap;

use anyhow::Context;
use rankday_core::{
    Change, DailyRow, Date, Exchange, IndexId, MarketBuilder, MemberRow, Membership, Security,
    StateKind,
};
use rankday_method::{ranking, reconstitute, Cut, Policy, ReconSpec};

use crate::{num, Case, Value};

/// 45 weekdays from `start`.
fn weekdays(start: Date, n: usize) -> Vec<Date> {
    let mut v = Vec::new();
    let mut d = start;
    while v.len() < n {
        if !d.is_weekend() {
            v.push(d);
        }
        d = d.add_days(1);
    }
    v
}

fn spec(rank_date: Date, banding: bool) -> ReconSpec {
    ReconSpec {
        banding,
        ..ReconSpec::for_policy(rank_date, rank_date.add_days(50), false, &Policy::russell())
    }
}

/// A `banding` case built and reconstituted: the market, the previous
/// state, the reconstitution with and without banding, and the named
/// companies' lines.
pub struct Banding {
    /// The constructed market.
    pub market: rankday_core::Market,
    /// The state before the reconstitution.
    pub previous: Membership,
    /// The reconstitution with banding.
    pub banded: rankday_method::Reconstitution,
    /// The same reconstitution without banding.
    pub unbanded: rankday_method::Reconstitution,
    /// The case's named companies and their lines.
    pub named: Vec<(String, rankday_core::Sec)>,
}

/// Builds and reconstitutes a `banding` case (see the module doc).
pub fn banding_world(case: &Case) -> anyhow::Result<Banding> {
    let policy = Policy::from_toml(case.str("policy")?)?;
    // (name if named, cap in USD millions, current side).
    let mut rows: Vec<(Option<String>, f64, Option<bool>)> = Vec::new();
    for r in case
        .spec
        .get("rows")
        .and_then(|v| v.as_array())
        .context("needs [[rows]]")?
    {
        let t = r.as_table().context("a row is a table")?;
        let cap = num(t, "cap_m")?;
        match t.get("name").and_then(|v| v.as_str()) {
            Some(name) => {
                let cur = t.get("current").and_then(|v| v.as_str()) == Some("R1");
                rows.push((Some(name.to_string()), cap, Some(cur)));
            }
            None => {
                for _ in 0..num(t, "count")? as usize {
                    rows.push((None, cap, None));
                }
            }
        }
    }
    let days = weekdays(Date::ymd(2020, 3, 2), 45);
    let mut b = MarketBuilder::new();
    let mut secs = Vec::new();
    for (i, (_, cap, _)) in rows.iter().enumerate() {
        let id = format!("S{i:03}");
        let sec = b.add_security(Security::us_common(&id, &format!("C{i:03}"), &id))?;
        for &d in &days {
            b.push_daily(DailyRow {
                date: d,
                sec,
                close: 10.0,
                volume: 1e5,
                shares_outstanding: cap * 1e6 / 10.0,
                float_shares: cap * 1e6 / 20.0,
            });
        }
        secs.push(sec);
    }
    let market = b.build()?;
    let rank_date = *days.last().expect("days");
    let previous = Membership {
        kind: StateKind::Reconstitution,
        rank_date: Date::ymd(2019, 4, 30),
        effective_date: Date::ymd(2019, 6, 28),
        rows: rows
            .iter()
            .zip(&secs)
            .enumerate()
            .map(|(i, ((_, cap, cur), &sec))| {
                let rank = i as u32 + 1;
                let mut upper = ranking::sides_by_rank(rank, &policy);
                if let Some(c) = cur {
                    upper[2] = *c;
                }
                MemberRow {
                    sec,
                    company: market.company_of(sec) as u32,
                    rank,
                    total_market_cap: cap * 1e6,
                    float_market_cap: cap * 5e5,
                    cumulative_percentile: 0.0,
                    indexes: ranking::family(rank, upper, &policy),
                    change: Change::Stay,
                    index_shares: cap * 1e6 / 20.0,
                }
            })
            .collect(),
    };
    let banded = reconstitute(&market, &spec(rank_date, true), Some(&previous), &policy)?;
    let unbanded = reconstitute(&market, &spec(rank_date, false), Some(&previous), &policy)?;
    let named = rows
        .iter()
        .zip(&secs)
        .filter_map(|((n, _, _), &s)| n.clone().map(|n| (n, s)))
        .collect();
    Ok(Banding {
        market,
        previous,
        banded,
        unbanded,
        named,
    })
}

pub(crate) fn banding(case: &Case) -> anyhow::Result<BTreeMap<String, Value>> {
    let w = banding_world(case)?;
    let (r, plain) = (&w.banded, &w.unbanded);
    let side = |s: rankday_core::IndexSet| {
        if s.contains(IndexId::R1000) {
            "R1"
        } else {
            "R2"
        }
    };
    let mut got = BTreeMap::new();
    let bp = r.breakpoints.get(Cut::R1000);
    got.insert("breakpoint_rank".into(), Value::Num(f64::from(bp.rank)));
    got.insert("breakpoint_percentile".into(), Value::Num(bp.percentile));
    if let Some(band) = bp.band {
        got.insert("band_lower".into(), Value::Num(band.lower_pct));
        got.insert("band_upper".into(), Value::Num(band.upper_pct));
    }
    got.insert(
        "total_cap_m".into(),
        Value::Num(r.breakpoints.r3000e_total_cap / 1e6),
    );
    for (name, sec) in &w.named {
        let m = r
            .membership
            .rows
            .iter()
            .find(|x| x.sec == *sec)
            .context("a member")?;
        got.insert(format!("rank:{name}"), Value::Num(f64::from(m.rank)));
        got.insert(
            format!("percentile:{name}"),
            Value::Num(m.cumulative_percentile),
        );
        got.insert(format!("index:{name}"), side(m.indexes).into());
        got.insert(format!("change:{name}"), m.change.as_str().into());
        let u = plain
            .membership
            .rows
            .iter()
            .find(|x| x.sec == *sec)
            .context("a member")?;
        got.insert(format!("unbanded_index:{name}"), side(u.indexes).into());
    }
    Ok(got)
}

pub(crate) fn voting(case: &Case) -> anyhow::Result<BTreeMap<String, Value>> {
    let days = weekdays(Date::ymd(2024, 3, 1), 45);
    let mut b = MarketBuilder::new();
    let mut lines = Vec::new();
    for l in case
        .spec
        .get("line")
        .and_then(|v| v.as_array())
        .context("needs [[line]]")?
    {
        let t = l.as_table().context("a line is a table")?;
        let id = t.get("id").and_then(|v| v.as_str()).context("id")?;
        let company = t
            .get("company")
            .and_then(|v| v.as_str())
            .context("company")?;
        let listed = t.get("listed").and_then(|v| v.as_bool()).unwrap_or(true);
        let mut s = Security::us_common(id, company, id);
        s.votes_per_share = num(t, "votes")?;
        if !listed {
            s.exchange = Exchange::Unlisted;
        }
        let sec = b.add_security(s)?;
        let (shares, float) = (num(t, "shares")?, num(t, "float")?);
        let close = if listed { num(t, "close")? } else { f64::NAN };
        for &d in &days {
            b.push_daily(DailyRow {
                date: d,
                sec,
                close,
                volume: if listed { 1e6 } else { f64::NAN },
                shares_outstanding: shares,
                float_shares: float,
            });
        }
        lines.push((id.to_string(), company.to_string(), sec));
    }
    let market = b.build()?;
    let d = *days.last().expect("days");
    let r = reconstitute(&market, &spec(d, true), None, &Policy::russell())?;
    let mut got = BTreeMap::new();
    for (id, company, sec) in &lines {
        if let Some(s) = r.screen(*sec) {
            got.insert(
                format!("eligible:{id}"),
                (if s.passed { "true" } else { "false" }).into(),
            );
        }
        if let Some(c) = r.company(market.company_of(*sec) as u32) {
            got.insert(format!("voting_pct:{company}"), Value::Num(c.voting_pct));
            got.insert(
                format!("total_shares:{company}"),
                Value::Num(c.total_shares),
            );
        }
    }
    Ok(got)
}
