use anyhow::Context;
use rankday_core::IndexId;
use rankday_fund::benchmark::{self, Series};
use rankday_io::{Column, Table};

use crate::args::BenchmarkArgs;
use crate::commands::{calc, fund};
use crate::output::Output;
use crate::pipeline;

/// A portfolio's daily returns (or another index's total return) against an
/// index's total return: tracking, information ratio, beta, capture, and the
/// relative-performance series.
pub fn run(a: BenchmarkArgs, out: &Output) -> anyhow::Result<()> {
    let parse = |s: &str| -> anyhow::Result<IndexId> {
        s.to_ascii_uppercase().parse().map_err(anyhow::Error::msg)
    };
    let bench = parse(&a.index)?;
    let other = a.against_index.as_deref().map(parse).transpose()?;
    if other.is_none() && a.portfolio.is_none() {
        anyhow::bail!(
            "give --portfolio FILE (daily returns, columns date,return) or --against-index INDEX"
        );
    }
    let market = pipeline::load_market(&a.market.market)?;
    let cal = pipeline::recon_calendar(&a.policy, Some(&market))?;
    let states = pipeline::states(&market, &cal, &a.policy, &a.membership, out)?;
    let mut indexes = vec![bench];
    indexes.extend(other);
    let mut cfg = calc::calc_config(&market, &cal, indexes);
    cfg.to = a.to;
    let levels = calc::calculate(&market, &states, &cfg, out)?.levels;
    let clip = |v: Vec<(rankday_core::Date, f64)>| -> Vec<(rankday_core::Date, f64)> {
        v.into_iter()
            .filter(|(d, _)| a.from.is_none_or(|f| *d >= f) && a.to.is_none_or(|t| *d <= t))
            .collect()
    };
    let bench_levels = clip(benchmark::index_levels(&levels, bench, Series::Total));
    let (name, portfolio_returns, portfolio_levels) = match (&a.portfolio, other) {
        (Some(path), _) => {
            let r = benchmark::read_portfolio_returns(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let mut lv = Vec::with_capacity(r.len());
            let mut x = 100.0;
            for &(d, ret) in &r {
                x *= 1.0 + ret;
                lv.push((d, x));
            }
            (path.display().to_string(), clip(r), clip(lv))
        }
        (None, Some(o)) => {
            let lv = clip(benchmark::index_levels(&levels, o, Series::Total));
            (
                format!("{} total return", o.as_str()),
                benchmark::returns_from_levels(&lv)?,
                lv,
            )
        }
        (None, None) => unreachable!("checked above"),
    };
    let cmp = benchmark::compare_returns(&portfolio_returns, &bench_levels)?;
    let rel = benchmark::relative_performance(&portfolio_levels, &bench_levels)?;
    let table = Table {
        columns: vec![
            (
                "date".into(),
                Column::Date(rel.iter().map(|x| x.0).collect()),
            ),
            (
                "relative_performance".into(),
                Column::F64(rel.iter().map(|x| x.1).collect()),
            ),
        ],
    };
    let p = rankday_io::write_table(&a.out.out, "relative", &table, a.out.format.into())?;
    out.say(format!(
        "{name} against the {} total return:",
        bench.as_str()
    ));
    for (k, v) in fund::stats_rows(&cmp.stats) {
        out.say(format!("  {k:<58} {v:>14}"));
    }
    out.say(format!(
        "relative performance (rebased to 100) -> {}",
        p.display()
    ));
    out.json_value(&serde_json::json!({ "portfolio": name, "benchmark": bench.as_str(), "stats": fund::stats_json(&cmp.stats), "relative": p }));
    Ok(())
}
