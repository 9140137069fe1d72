//! Kind `history`: a constructed market described in `case.toml`, run
//! through the full reconstitution history on the shipped Russell calendar
//! (`rankday_method::run_history_with_levels`), as `rankday calc` runs it.
//!
//! ```toml
//! kind = "history"
//! start = "2026-01-02"          # first and last day (NYSE trading days between)
//! end = "2026-12-31"
//! policy = "[ranking]\nr1000 = 10\n..."   # construction policy overrides (TOML text)
//! [fillers]                     # plain companies: caps first, first + step, ...
//! count = 40
//! cap_first = 1e8
//! cap_step = 1e8
//! [[line]]                      # a line of its own: close, then shares and float
//! id = "STEADY"                 # by step (a step holds from its date on)
//! close = 20.0
//! steps = [{ from = "2026-01-02", shares = 10e6, float = 6e6 }]
//! [[action]]                    # market-format actions (offering terms included)
//! ex_date = "2026-08-04"; id = "X"; kind = "offering"; amount = 38.0
//! offer_type = "primary"; shares = 2e7; pricing_date = "2026-08-03"
//! ```
//!
//! Fillers close at 10 with half their shares in the float and trade 100,000
//! shares a day; lines trade 1,000,000.
//!
//! Keys: `held:<SID>:<date>` (index shares the family holds after the close
//! of that day), `state:<kind>:<effective date>:<SID>` (index shares a state
//! of the history lists: `reconstitution`, `additions` or `update`),
//! `in:<INDEX>:<SID>:<date>` (1 if held in that index after that close),
//! `level:<INDEX>:<date>`.

use std::collections::BTreeMap;

use anyhow::{bail, Context};
use rankday_calc::CalcConfig;
use rankday_calendar::{ReconCalendar, TradingCalendar};
use rankday_core::{
    Action, ActionKind, DailyRow, Date, IndexId, Market, MarketBuilder, OfferingTerms, Security,
};
use rankday_method::{HistoryOptions, Policy};

use crate::{date, num, Case, Value};

fn toml_date(v: Option<&toml::Value>, what: &str) -> anyhow::Result<Date> {
    match v {
        Some(toml::Value::String(s)) => date(s),
        Some(toml::Value::Datetime(d)) => date(&d.to_string()),
        _ => bail!("needs a date `{what}`"),
    }
}

/// The market a `history` case describes.
pub(crate) fn market(case: &Case) -> anyhow::Result<Market> {
    let s = &case.spec;
    let (start, end) = (
        toml_date(s.get("start"), "start")?,
        toml_date(s.get("end"), "end")?,
    );
    let days = TradingCalendar::nyse().trading_days(start, end);
    let mut b = MarketBuilder::new();
    let push = |b: &mut MarketBuilder, sec, d: Date, close, volume, shares, float| {
        b.push_daily(DailyRow {
            date: d,
            sec,
            close,
            volume,
            shares_outstanding: shares,
            float_shares: float,
        })
    };
    if let Some(f) = s.get("fillers").and_then(|v| v.as_table()) {
        let (n, first, step) = (num(f, "count")?, num(f, "cap_first")?, num(f, "cap_step")?);
        for k in 0..n as usize {
            let id = format!("F{k:03}");
            let sec = b.add_security(Security::us_common(&id, &id, &id))?;
            let shares = (first + step * k as f64) / 10.0;
            for &d in &days {
                push(&mut b, sec, d, 10.0, 1e5, shares, shares / 2.0);
            }
        }
    }
    for l in s
        .get("line")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let t = l.as_table().context("[[line]] is a table")?;
        let id = t
            .get("id")
            .and_then(|v| v.as_str())
            .context("[[line]] needs an id")?;
        let close = num(t, "close").with_context(|| format!("line {id}"))?;
        let mut steps = Vec::new();
        for st in t
            .get("steps")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let st = st.as_table().context("a step is a table")?;
            steps.push((
                toml_date(st.get("from"), "from")?,
                num(st, "shares")?,
                num(st, "float")?,
                st.get("close").map(|_| num(st, "close")).transpose()?,
            ));
        }
        steps.sort_by_key(|x| x.0);
        let sec = b.add_security(Security::us_common(id, id, id))?;
        let mut px = close;
        for &d in &days {
            let Some(&(_, shares, float, c)) = steps.iter().rfind(|x| x.0 <= d) else {
                continue;
            };
            px = c.unwrap_or(px);
            push(&mut b, sec, d, px, 1e6, shares, float);
        }
    }
    for a in s
        .get("action")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let t = a.as_table().context("[[action]] is a table")?;
        let sid = |k: &str| -> anyhow::Result<Option<rankday_core::Sec>> {
            match t.get(k).and_then(|v| v.as_str()) {
                None => Ok(None),
                Some(id) => b
                    .sec_by_id(id)
                    .map(Some)
                    .with_context(|| format!("no line {id}")),
            }
        };
        let kind: ActionKind = t
            .get("kind")
            .and_then(|v| v.as_str())
            .context("[[action]] needs a kind")?
            .parse()
            .map_err(|e: String| anyhow::anyhow!(e))?;
        let opt = |k: &str| t.get(k).map(|_| num(t, k)).transpose();
        let offering = match kind {
            ActionKind::Offering => Some(OfferingTerms {
                offer_type: t
                    .get("offer_type")
                    .and_then(|v| v.as_str())
                    .context("an offering needs offer_type")?
                    .parse()
                    .map_err(|e: String| anyhow::anyhow!(e))?,
                shares: num(t, "shares")?,
                pricing_date: toml_date(t.get("pricing_date"), "pricing_date")?,
            }),
            _ => None,
        };
        let action = Action {
            ex_date: toml_date(t.get("ex_date"), "ex_date")?,
            sec: sid("id")?.context("[[action]] needs an id")?,
            kind,
            ratio: opt("ratio")?,
            amount: opt("amount")?,
            other: sid("other")?,
            offering,
        };
        b.push_action(action);
    }
    b.build()
        .with_context(|| format!("{}: building the market", case.id))
}

pub(crate) fn compute(case: &Case, keys: &[String]) -> anyhow::Result<BTreeMap<String, Value>> {
    let market = market(case)?;
    let policy = match case.spec.get("policy").and_then(|v| v.as_str()) {
        Some(p) => Policy::from_toml(p)?,
        None => Policy::russell(),
    };
    let cal = ReconCalendar::russell();
    let cfg = CalcConfig::for_calendar(&cal, &market);
    let (h, out) = rankday_method::run_history_with_levels(
        &market,
        &cal,
        &policy,
        HistoryOptions::default(),
        &cfg,
        &|_, _| {},
    )?;
    let mut dates: Vec<Date> = Vec::new();
    for k in keys {
        let p: Vec<&str> = k.split(':').collect();
        match p[0] {
            "held" => dates.push(date(p[2])?),
            "in" => dates.push(date(p[3])?),
            _ => {}
        }
    }
    let held = rankday_calc::holdings_states(&market, &h.states, &dates, &cfg)?;
    let held_at = |d: Date| {
        held.iter()
            .zip(&dates)
            .find(|(_, x)| **x == d)
            .map(|(h, _)| h)
    };
    let sec = |id: &str| {
        market
            .sec_by_id(id)
            .with_context(|| format!("no line {id}"))
    };
    let states = h.all_states();
    let mut got = BTreeMap::new();
    for k in keys {
        let p: Vec<&str> = k.split(':').collect();
        let v = match (p[0], p.len()) {
            ("held", 3) => {
                let (s, d) = (sec(p[1])?, date(p[2])?);
                held_at(d).map(|h| {
                    Value::Num(
                        h.state
                            .rows
                            .iter()
                            .find(|r| r.sec == s)
                            .map_or(0.0, |r| r.index_shares),
                    )
                })
            }
            ("in", 4) => {
                let (ix, s, d): (IndexId, _, _) = (
                    p[1].parse().map_err(|e: String| anyhow::anyhow!(e))?,
                    sec(p[2])?,
                    date(p[3])?,
                );
                held_at(d).map(|h| {
                    let member = h
                        .state
                        .rows
                        .iter()
                        .any(|r| r.sec == s && r.indexes.contains(ix));
                    Value::Num(if member { 1.0 } else { 0.0 })
                })
            }
            ("state", 4) => {
                let (eff, s) = (date(p[2])?, sec(p[3])?);
                states
                    .iter()
                    .find(|m| m.kind.as_str() == p[1] && m.effective_date == eff)
                    .map(|m| {
                        Value::Num(
                            m.rows
                                .iter()
                                .find(|r| r.sec == s && !r.indexes.is_empty())
                                .map_or(0.0, |r| r.index_shares),
                        )
                    })
            }
            ("level", 3) => {
                let (ix, d): (IndexId, _) = (
                    p[1].parse().map_err(|e: String| anyhow::anyhow!(e))?,
                    date(p[2])?,
                );
                out.levels
                    .iter()
                    .find(|r| r.index == ix && r.date == d)
                    .map(|r| Value::Num(r.price_return))
            }
            _ => bail!("unknown history key '{k}'"),
        };
        if let Some(v) = v {
            got.insert(k.clone(), v);
        }
    }
    Ok(got)
}
