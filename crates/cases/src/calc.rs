//! Kind `calc`: a format-1 market (`market/`) and its membership states
//! (`membership.csv`) through the calculation (`rankday-calc`).
//!
//! `[calc]` in `case.toml`: `indexes` (default all), `tr_convention`
//! (`"provider"` or `"compound_same_day"`), `withholding` (default 0.30).
//!
//! Keys (dates ISO, indexes as `R2000`, securities by `security_id`):
//! `level|total|net|divisor|market_value|constituents:<INDEX>:<date>` (the
//! close's row), `shares|weight|price:<INDEX>:<SID>:<date>` (held after the
//! close), `exit_price:<INDEX>:<SID>:<date>` (the price a line leaving after
//! that close was valued at: the index's value at the close less what it
//! still holds, over the shares held the day before), and
//! `divisor_change:<INDEX>:<date>:<old|new|mv_before|mv_after|delta_mv|unadjusted_level|reason>`
//! (the first reset of that index on that date).

use std::collections::BTreeMap;

use anyhow::{bail, Context};
use rankday_calc::{calculate, CalcConfig, CalcOutput, TrConvention};
use rankday_core::{Date, IndexId, Market};

use crate::{date, Case, Value};

fn index(s: &str) -> anyhow::Result<IndexId> {
    s.parse().map_err(|e: String| anyhow::anyhow!(e))
}

/// The calculation configuration of a case's `[calc]` table.
fn config(case: &Case) -> anyhow::Result<CalcConfig> {
    let mut cfg = CalcConfig::default();
    let Some(t) = case.spec.get("calc").and_then(|v| v.as_table()) else {
        return Ok(cfg);
    };
    if let Some(list) = t.get("indexes").and_then(|v| v.as_array()) {
        cfg.indexes = list
            .iter()
            .map(|v| index(v.as_str().unwrap_or_default()))
            .collect::<anyhow::Result<_>>()?;
    }
    if let Some(c) = t.get("tr_convention").and_then(|v| v.as_str()) {
        cfg.tr_convention = match c {
            "provider" => TrConvention::ProviderStyle,
            "compound_same_day" => TrConvention::CompoundSameDay,
            _ => bail!(
                "{}: tr_convention '{c}' is not provider or compound_same_day",
                case.id
            ),
        };
    }
    if t.contains_key("withholding") {
        cfg.withholding_rate = crate::num(t, "withholding")?;
    }
    Ok(cfg)
}

/// The market and states of a case.
pub(crate) fn load(case: &Case) -> anyhow::Result<(Market, Vec<rankday_core::Membership>)> {
    let market = rankday_io::read_market(&case.dir.join("market"))
        .with_context(|| format!("{}: reading market/", case.id))?;
    let states = rankday_io::read_membership(&case.dir.join("membership.csv"), &market)
        .with_context(|| format!("{}: reading membership.csv", case.id))?;
    Ok((market, states))
}

pub(crate) fn compute(case: &Case, keys: &[String]) -> anyhow::Result<BTreeMap<String, Value>> {
    let (market, states) = load(case)?;
    let mut cfg = config(case)?;
    // Snapshots on the days the keys ask about (and the day before an exit).
    for k in keys {
        let p: Vec<&str> = k.split(':').collect();
        match p[0] {
            "shares" | "weight" | "price" => cfg.holdings_dates.push(date(p[3])?),
            "exit_price" => {
                let d = date(p[3])?;
                cfg.holdings_dates.push(d);
                let day = market.day_index(d).context("exit date is a trading day")?;
                cfg.holdings_dates
                    .push(market.dates()[day.saturating_sub(1)]);
            }
            _ => {}
        }
    }
    let out = calculate(&market, &states, &cfg)?;
    let mut got = BTreeMap::new();
    for k in keys {
        if let Some(v) = value(&market, &out, k)? {
            got.insert(k.clone(), v);
        }
    }
    Ok(got)
}

fn value(market: &Market, out: &CalcOutput, key: &str) -> anyhow::Result<Option<Value>> {
    let p: Vec<&str> = key.split(':').collect();
    let row = |ix: &str, d: &str| -> anyhow::Result<Option<rankday_calc::LevelRow>> {
        let (ix, d) = (index(ix)?, date(d)?);
        Ok(out
            .levels
            .iter()
            .find(|r| r.index == ix && r.date == d)
            .copied())
    };
    let held =
        |ix: &str, sid: &str, d: Date| -> anyhow::Result<Option<rankday_calc::Constituent>> {
            let ix = index(ix)?;
            let sec = market
                .sec_by_id(sid)
                .with_context(|| format!("no security {sid}"))?;
            Ok(out
                .holdings_at
                .iter()
                .find(|s| s.index == ix && s.date == d)
                .and_then(|s| s.constituents.iter().find(|c| c.sec == sec))
                .copied())
        };
    Ok(match (p[0], p.len()) {
        ("level" | "total" | "net" | "divisor" | "market_value" | "constituents", 3) => {
            row(p[1], p[2])?.map(|r| {
                Value::Num(match p[0] {
                    "level" => r.price_return,
                    "total" => r.total_return,
                    "net" => r.net_return,
                    "divisor" => r.divisor,
                    "market_value" => r.market_value,
                    _ => f64::from(r.constituents),
                })
            })
        }
        ("shares" | "weight" | "price", 4) => held(p[1], p[2], date(p[3])?)?.map(|c| {
            Value::Num(match p[0] {
                "shares" => c.index_shares,
                "weight" => c.weight,
                _ => c.price,
            })
        }),
        ("exit_price", 4) => {
            let d = date(p[3])?;
            let day = market.day_index(d).context("exit date is a trading day")?;
            let before = held(p[1], p[2], market.dates()[day.saturating_sub(1)])?
                .context("the leaving line was held the day before")?;
            let ix = index(p[1])?;
            let still: f64 = out
                .holdings_at
                .iter()
                .find(|s| s.index == ix && s.date == d)
                .map_or(0.0, |s| s.constituents.iter().map(|c| c.market_value).sum());
            row(p[1], p[3])?.map(|r| Value::Num((r.market_value - still) / before.index_shares))
        }
        ("divisor_change", 4) => {
            let (ix, d) = (index(p[1])?, date(p[2])?);
            out.divisor_changes
                .iter()
                .find(|c| c.index == ix && c.date == d)
                .map(|c| match p[3] {
                    "old" => Value::Num(c.old),
                    "new" => Value::Num(c.new),
                    "mv_before" => Value::Num(c.mv_before),
                    "mv_after" => Value::Num(c.mv_after),
                    "delta_mv" => Value::Num(c.mv_after - c.mv_before),
                    "unadjusted_level" => Value::Num(c.mv_after / c.old),
                    // The kind of reset, without the security it names.
                    _ => Value::Text(
                        c.reason
                            .to_string()
                            .split('(')
                            .next()
                            .unwrap_or("")
                            .to_string(),
                    ),
                })
        }
        _ => bail!("unknown calc key '{key}'"),
    })
}
