use anyhow::Context;
use rankday_calc::{CalcConfig, CalcOutput};
use rankday_core::{IndexId, Market, Membership};
use rankday_io::{Column, Table};

use crate::args::CalcArgs;
use crate::output::Output;
use crate::pipeline;

pub fn run(a: CalcArgs, out: &Output) -> anyhow::Result<()> {
    let market = pipeline::load_market(&a.market.market)?;
    let cal = pipeline::recon_calendar(&a.policy, Some(&market))?;
    let indexes = match &a.index {
        Some(s) => IndexId::parse_list(s).map_err(anyhow::Error::msg)?,
        None => IndexId::ALL.to_vec(),
    };
    let mut cfg = calc_config(&market, &cal, indexes);
    cfg.from = a.from;
    cfg.to = a.to;
    cfg.withholding_rate = a.withholding;
    let (states, result) = if a.membership.membership.is_some() {
        let states = pipeline::states(&market, &cal, &a.policy, &a.membership, out)?;
        let result = calculate(&market, &states, &cfg, out)?;
        (states, result)
    } else {
        let policy = pipeline::method_policy(&a.policy)?;
        let (history, result) = pipeline::history_and_levels(&market, &cal, &policy, &cfg, out)?;
        (history.states, result)
    };
    let paths = write_outputs(&market, &result, &a.out.out, a.out.format.into())?;
    if let Some(d) = a.constituents_at {
        let t = constituents_table(&market, &states, &cfg, d)?;
        let p = rankday_io::write_table(&a.out.out, "constituents", &t, a.out.format.into())?;
        out.say(format!("constituents at {d} -> {}", p.display()));
    }
    summarize(&result, &cfg.indexes, out);
    out.say(format!(
        "levels -> {}\ndivisors -> {}\nhalts -> {}",
        paths.levels.display(),
        paths.divisors.display(),
        paths.halts.display()
    ));
    out.json_value(&serde_json::json!({
        "levels": paths.levels,
        "divisors": paths.divisors,
        "halts_table": paths.halts,
        "rows": result.levels.len(),
        "divisor_changes": result.divisor_changes.len(),
        "halts": result.halts.len(),
    }));
    Ok(())
}

/// Where [`write_outputs`] put the tables.
pub struct OutputPaths {
    pub levels: std::path::PathBuf,
    pub divisors: std::path::PathBuf,
    pub halts: std::path::PathBuf,
}

/// Calc configuration with the calendar's quarterly share/float updates
/// (methodology §6) over the market's history.
pub fn calc_config(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    indexes: Vec<IndexId>,
) -> CalcConfig {
    CalcConfig {
        indexes,
        ..CalcConfig::for_calendar(cal, market)
    }
}

pub fn calculate(
    market: &Market,
    states: &[Membership],
    cfg: &CalcConfig,
    out: &Output,
) -> anyhow::Result<CalcOutput> {
    let pb = out.progress(0, "calculating");
    let r = rankday_calc::calculate(market, states, cfg).context("calculating index levels")?;
    pb.finish_and_clear();
    Ok(r)
}

/// Writes `levels`, `divisors` and `halts`. The halts table names every
/// member line that had no close on trading days it was held (market format:
/// "its last close carries forward and the gap is reported"), so a user can
/// see which prices the levels carried and for how long.
pub fn write_outputs(
    market: &Market,
    r: &CalcOutput,
    dir: &std::path::Path,
    format: rankday_io::FileFormat,
) -> anyhow::Result<OutputPaths> {
    let l = &r.levels;
    let levels = Table {
        columns: vec![
            (
                "date".into(),
                Column::Date(l.iter().map(|x| x.date).collect()),
            ),
            (
                "index".into(),
                Column::Str(l.iter().map(|x| x.index.as_str().to_string()).collect()),
            ),
            (
                "price_return".into(),
                Column::F64(l.iter().map(|x| x.price_return).collect()),
            ),
            (
                "total_return".into(),
                Column::F64(l.iter().map(|x| x.total_return).collect()),
            ),
            (
                "net_return".into(),
                Column::F64(l.iter().map(|x| x.net_return).collect()),
            ),
            (
                "divisor".into(),
                Column::F64(l.iter().map(|x| x.divisor).collect()),
            ),
            (
                "market_value".into(),
                Column::F64(l.iter().map(|x| x.market_value).collect()),
            ),
            (
                "constituents".into(),
                Column::I64(l.iter().map(|x| x.constituents as i64).collect()),
            ),
        ],
    };
    let p1 = rankday_io::write_table(dir, "levels", &levels, format)?;
    let d = &r.divisor_changes;
    let divisors = Table {
        columns: vec![
            (
                "date".into(),
                Column::Date(d.iter().map(|x| x.date).collect()),
            ),
            (
                "index".into(),
                Column::Str(d.iter().map(|x| x.index.as_str().to_string()).collect()),
            ),
            (
                "old_divisor".into(),
                Column::F64(d.iter().map(|x| x.old).collect()),
            ),
            (
                "new_divisor".into(),
                Column::F64(d.iter().map(|x| x.new).collect()),
            ),
            (
                "mv_before".into(),
                Column::F64(d.iter().map(|x| x.mv_before).collect()),
            ),
            (
                "mv_after".into(),
                Column::F64(d.iter().map(|x| x.mv_after).collect()),
            ),
            (
                "reason".into(),
                Column::Str(d.iter().map(|x| x.reason.to_string()).collect()),
            ),
        ],
    };
    let p2 = rankday_io::write_table(dir, "divisors", &divisors, format)?;
    let h = &r.halts;
    let day = |d| market.day_index(d).expect("a halt is dated on market days");
    let halts = Table {
        columns: vec![
            (
                "security_id".into(),
                Column::Str(
                    h.iter()
                        .map(|x| market.security(x.sec).security_id.clone())
                        .collect(),
                ),
            ),
            (
                "ticker".into(),
                Column::Str(
                    h.iter()
                        .map(|x| market.security(x.sec).ticker.clone())
                        .collect(),
                ),
            ),
            (
                "from".into(),
                Column::Date(h.iter().map(|x| x.from).collect()),
            ),
            ("to".into(), Column::Date(h.iter().map(|x| x.to).collect())),
            (
                "trading_days".into(),
                Column::I64(
                    h.iter()
                        .map(|x| (day(x.to) - day(x.from) + 1) as i64)
                        .collect(),
                ),
            ),
        ],
    };
    let p3 = rankday_io::write_table(dir, "halts", &halts, format)?;
    Ok(OutputPaths {
        levels: p1,
        divisors: p2,
        halts: p3,
    })
}

pub fn constituents_table(
    market: &Market,
    states: &[Membership],
    cfg: &CalcConfig,
    date: rankday_core::Date,
) -> anyhow::Result<Table> {
    let mut idx = Vec::new();
    let mut sid = Vec::new();
    let mut tick = Vec::new();
    let mut shares = Vec::new();
    let mut price = Vec::new();
    let mut mv = Vec::new();
    let mut w = Vec::new();
    for &i in &cfg.indexes {
        for c in rankday_calc::constituents_at(market, states, i, date, cfg)? {
            let s = market.security(c.sec);
            idx.push(i.as_str().to_string());
            sid.push(s.security_id.clone());
            tick.push(s.ticker.clone());
            shares.push(c.index_shares);
            price.push(c.price);
            mv.push(c.market_value);
            w.push(c.weight);
        }
    }
    let n = idx.len();
    Ok(Table {
        columns: vec![
            ("date".into(), Column::Date(vec![date; n])),
            ("index".into(), Column::Str(idx)),
            ("security_id".into(), Column::Str(sid)),
            ("ticker".into(), Column::Str(tick)),
            ("index_shares".into(), Column::F64(shares)),
            ("price".into(), Column::F64(price)),
            ("market_value".into(), Column::F64(mv)),
            ("weight".into(), Column::F64(w)),
        ],
    })
}

fn summarize(r: &CalcOutput, indexes: &[IndexId], out: &Output) {
    out.say(format!(
        "{:<8} {:<10} {:<10} {:>12} {:>12} {:>12} {:>7}",
        "index", "from", "to", "price", "total", "net", "names"
    ));
    for &i in indexes {
        let rows: Vec<_> = r.levels.iter().filter(|x| x.index == i).collect();
        if let (Some(f), Some(l)) = (rows.first(), rows.last()) {
            out.say(format!(
                "{:<8} {:<10} {:<10} {:>12.2} {:>12.2} {:>12.2} {:>7}",
                i.as_str(),
                f.date.to_string(),
                l.date.to_string(),
                l.price_return,
                l.total_return,
                l.net_return,
                l.constituents
            ));
        }
    }
    out.say(format!(
        "{} divisor changes, {} halts (member lines without a close, carried at their last price)",
        r.divisor_changes.len(),
        r.halts.len()
    ));
}
