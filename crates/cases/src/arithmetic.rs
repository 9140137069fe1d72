//! Kinds whose inputs are a few numbers in `case.toml`, computed by the
//! engine's own functions and calculation:
//!
//! * `breakpoint` (GC-04): `breakpoint`, `r3000e_return`; key `adjusted`
//!   (`rankday_method::market_adjusted_breakpoint`).
//! * `buffer` (GC-08): `held_float_pct`; keys `upper_trigger_pct` and
//!   `lower_trigger_pct` (the float, in percent, past which a March or
//!   September update moves a float held at `held_float_pct`, found from
//!   `BufferThresholds::apply` by bisection), and `applies:<new float pct>`.
//! * `tr_identity` (GC-17): `end_value`, `income`, `total_return`; key `v0`
//!   (the start value whose total return over the period is
//!   `total_return`, from `rankday_calc::tr_step`).
//! * `nse_total_return` (GC-10): `price_index` (daily closes from the base
//!   date), `[[dividend]]` (`day`, `payout`, `base_cap`); keys
//!   `indexed_dividend:<day>` (payout × 1000 / base cap) and
//!   `tr:<compound_same_day|provider>:<day>` (days from 1) from the
//!   calculation of a one-line index whose close is the price index.
//! * `solactive` (GC-09): `prices` (the assessment's price file) and
//!   `published_levels` (its level file, dd/mm/yyyy): a total-return index of
//!   the month's top 3 by price at 50/25/25, chained through each monthly
//!   rebalance; key `level:<date>`. The published file's rows are the
//!   published expectations (`published_levels`).

use std::collections::BTreeMap;

use anyhow::Context;
use rankday_calc::{calculate, tr_step, CalcConfig, TrConvention};
use rankday_calendar::{BufferThresholds, UpdateBuffer};
use rankday_core::{
    Action, ActionKind, Change, DailyRow, Date, IndexId, IndexSet, Market, MarketBuilder,
    MemberRow, Membership, Sec, Security, StateKind,
};

use crate::{num, Case, Expected, Value};

pub(crate) fn breakpoint(case: &Case) -> anyhow::Result<BTreeMap<String, Value>> {
    let t = &case.spec;
    let x =
        rankday_method::market_adjusted_breakpoint(num(t, "breakpoint")?, num(t, "r3000e_return")?);
    Ok(BTreeMap::from([("adjusted".to_string(), Value::Num(x))]))
}

pub(crate) fn buffer(case: &Case, keys: &[String]) -> anyhow::Result<BTreeMap<String, Value>> {
    let held = num(&case.spec, "held_float_pct")? / 100.0;
    let b = BufferThresholds::RUSSELL;
    let moves = |new: f64| {
        b.apply(UpdateBuffer::SharesAndFloat, (1e6, held), (1e6, new))
            .1
            == new
            && new != held
    };
    // The first float past which the update applies, on each side.
    let edge = |mut inside: f64, mut outside: f64| {
        for _ in 0..100 {
            let mid = 0.5 * (inside + outside);
            if moves(mid) {
                outside = mid;
            } else {
                inside = mid;
            }
        }
        100.0 * outside
    };
    let mut got = BTreeMap::from([
        ("upper_trigger_pct".to_string(), Value::Num(edge(held, 1.0))),
        ("lower_trigger_pct".to_string(), Value::Num(edge(held, 0.0))),
    ]);
    for k in keys {
        if let Some(p) = k.strip_prefix("applies:") {
            let pct: f64 = p
                .parse()
                .with_context(|| format!("'{p}' is not a float pct"))?;
            let v = if moves(pct / 100.0) { "true" } else { "false" };
            got.insert(k.clone(), v.into());
        }
    }
    Ok(got)
}

pub(crate) fn tr_identity(case: &Case) -> anyhow::Result<BTreeMap<String, Value>> {
    let t = &case.spec;
    let (v1, income, tr) = (
        num(t, "end_value")?,
        num(t, "income")?,
        num(t, "total_return")?,
    );
    // One step of the total-return series from a unit start: (V1 + income) / V0
    // with V0 = 1; the start value is what makes that step 1 + tr.
    let growth_per_unit = tr_step(TrConvention::ProviderStyle, 1.0, 1.0, v1, income);
    Ok(BTreeMap::from([(
        "v0".to_string(),
        Value::Num(growth_per_unit / (1.0 + tr)),
    )]))
}

/// Consecutive weekdays from `start`.
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

fn state(eff: Date, rows: &[(Sec, f64)], index: IndexId) -> Membership {
    Membership {
        kind: StateKind::Reconstitution,
        rank_date: eff,
        effective_date: eff,
        rows: rows
            .iter()
            .map(|&(sec, n)| MemberRow {
                sec,
                company: sec.0,
                rank: 1,
                total_market_cap: 0.0,
                float_market_cap: 0.0,
                cumulative_percentile: 0.0,
                indexes: [index].into_iter().collect::<IndexSet>(),
                change: Change::Stay,
                index_shares: n,
            })
            .collect(),
    }
}

fn row(b: &mut MarketBuilder, date: Date, sec: Sec, close: f64) {
    b.push_daily(DailyRow {
        date,
        sec,
        close,
        volume: 1000.0,
        shares_outstanding: 1e6,
        float_shares: 1e6,
    });
}

fn numbers(v: Option<&toml::Value>, what: &str) -> anyhow::Result<Vec<f64>> {
    v.and_then(|v| v.as_array())
        .with_context(|| format!("needs an array `{what}`"))?
        .iter()
        .map(|x| match x {
            toml::Value::Float(f) => Ok(*f),
            toml::Value::Integer(i) => Ok(*i as f64),
            _ => anyhow::bail!("`{what}` holds numbers"),
        })
        .collect()
}

pub(crate) fn nse_total_return(case: &Case) -> anyhow::Result<BTreeMap<String, Value>> {
    let pr = numbers(case.spec.get("price_index"), "price_index")?;
    let mut got = BTreeMap::new();
    let mut divs = Vec::new();
    for d in case
        .spec
        .get("dividend")
        .and_then(|v| v.as_array())
        .context("[[dividend]]")?
    {
        let t = d.as_table().context("a dividend is a table")?;
        let day = num(t, "day")? as usize;
        let id = num(t, "payout")? * 1000.0 / num(t, "base_cap")?;
        got.insert(format!("indexed_dividend:{day}"), Value::Num(id));
        divs.push((day, id));
    }
    // The R3000E from its base date (2005-06-24 = 1,000): one line whose close
    // is the price index and whose dividend per share is the indexed dividend.
    let dates = weekdays(Date::ymd(2005, 6, 24), pr.len());
    for (name, conv) in [
        ("compound_same_day", TrConvention::CompoundSameDay),
        ("provider", TrConvention::ProviderStyle),
    ] {
        let mut b = MarketBuilder::new();
        let s = b.add_security(Security::us_common("NIFTY", "NIFTY", "NIFTY"))?;
        for (d, &p) in pr.iter().enumerate() {
            row(&mut b, dates[d], s, p);
        }
        for &(day, id) in &divs {
            b.push_action(Action {
                ex_date: dates[day - 1],
                sec: s,
                kind: ActionKind::CashDividend,
                ratio: None,
                amount: Some(id),
                other: None,
                offering: None,
            });
        }
        let market = b.build()?;
        let cfg = CalcConfig {
            indexes: vec![IndexId::R3000E],
            tr_convention: conv,
            withholding_rate: 0.0,
            ..CalcConfig::default()
        };
        let out = calculate(
            &market,
            &[state(dates[0], &[(s, 1e6)], IndexId::R3000E)],
            &cfg,
        )?;
        for (k, r) in out.levels.iter().enumerate() {
            got.insert(format!("tr:{name}:{}", k + 1), Value::Num(r.total_return));
            got.insert(format!("pr:{}", k + 1), Value::Num(r.price_return));
        }
    }
    Ok(got)
}

/// Rows of a CSV file with a byte-order mark allowed, split on commas.
fn csv_rows(path: &std::path::Path) -> anyhow::Result<Vec<Vec<String>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .trim_start_matches('\u{feff}')
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|f| f.trim().to_string()).collect())
        .collect())
}

fn dmy(s: &str) -> anyhow::Result<Date> {
    let p: Vec<&str> = s.split('/').collect();
    anyhow::ensure!(p.len() == 3, "'{s}' is not dd/mm/yyyy");
    Date::from_ymd(p[2].parse()?, p[1].parse()?, p[0].parse()?)
        .with_context(|| format!("'{s}' is not a date"))
}

/// The published expectations of a `solactive` case: every row of its
/// published level file, as `level:<date>` to 2 decimals (± 0.005).
pub(crate) fn published_levels(case: &Case) -> anyhow::Result<Vec<Expected>> {
    let Some(file) = case.spec.get("published_levels").and_then(|v| v.as_str()) else {
        return Ok(Vec::new());
    };
    let rows = csv_rows(&case.dir.join(file))?;
    anyhow::ensure!(rows.len() > 1, "{}: {file} has no levels", case.id);
    rows[1..]
        .iter()
        .map(|r| {
            Ok(Expected {
                key: format!("level:{}", dmy(&r[0])?),
                value: r[1].clone(),
                tolerance: Some(0.005),
                rest: Vec::new(),
            })
        })
        .collect()
}

pub(crate) fn solactive(case: &Case) -> anyhow::Result<BTreeMap<String, Value>> {
    let prices = csv_rows(&case.dir.join(case.str("prices")?))?;
    let year = num(&case.spec, "year")? as i32;
    let names = prices[0][1..].to_vec();
    let dates: Vec<Date> = prices[1..]
        .iter()
        .map(|r| dmy(&r[0]))
        .collect::<anyhow::Result<_>>()?;
    let mut b = MarketBuilder::new();
    let secs: Vec<Sec> = names
        .iter()
        .map(|n| b.add_security(Security::us_common(n, n, n)))
        .collect::<Result<_, _>>()?;
    let mut close = vec![vec![0.0; secs.len()]; dates.len()];
    for (d, r) in prices[1..].iter().enumerate() {
        for (k, &s) in secs.iter().enumerate() {
            close[d][k] = r[k + 1].parse()?;
            row(&mut b, dates[d], s, close[d][k]);
        }
    }
    let market: Market = b.build()?;
    // One state per month of the year: the top 3 by price (equal shares, so
    // by cap) on the last business day of the previous month, 50/25/25 at
    // the close of the first business day, converted to index shares at
    // that close.
    let mut states = Vec::new();
    for d in 1..dates.len() {
        if dates[d].year() != year || dates[d].month() == dates[d - 1].month() {
            continue;
        }
        let sel = d - 1;
        let mut order: Vec<usize> = (0..secs.len()).collect();
        order.sort_by(|&x, &y| close[sel][y].total_cmp(&close[sel][x]));
        let rows: Vec<(Sec, f64)> = order[..3]
            .iter()
            .zip([0.5, 0.25, 0.25])
            .map(|(&k, w)| (secs[k], w * 1e9 / close[d][k]))
            .collect();
        states.push(state(dates[d], &rows, IndexId::R1000));
    }
    let cfg = CalcConfig {
        indexes: vec![IndexId::R1000],
        ..CalcConfig::default()
    };
    let out = calculate(&market, &states, &cfg)?;
    Ok(out
        .levels
        .iter()
        .map(|r| (format!("level:{}", r.date), Value::Num(r.price_return)))
        .collect())
}
