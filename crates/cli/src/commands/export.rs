use rankday_core::IndexId;
use rankday_io::FileFormat;
use rankday_pipeline::tables;

use crate::args::ExportArgs;
use crate::output::Output;

/// Daily constituents with weights (`weights.parquet`) and, per index, the
/// total- and price-return series as zipline's `--benchmark-file` reads
/// them (`benchmark_<index>_<series>.csv`; docs/backtesting.md).
pub fn run(a: ExportArgs, out: &Output) -> anyhow::Result<()> {
    let indexes = IndexId::parse_list(&a.index).map_err(anyhow::Error::msg)?;
    let job = super::job(&a.market.market, &a.policy, Some(&a.membership), out)?;
    let held = job.held_lines(&indexes, a.from, a.to)?;
    let weights = tables::weights(job.market(), &held);
    let mut paths = vec![rankday_io::write_table(
        &a.out,
        "weights",
        &weights,
        FileFormat::Parquet,
    )?];
    for &i in &indexes {
        for (name, series) in rankday_pipeline::BENCHMARK_SERIES {
            let days = job.benchmark_series(i, series, a.from, a.to)?;
            let stem = format!("benchmark_{}_{name}", i.column());
            let t = tables::benchmark_returns(&days);
            paths.push(rankday_io::write_table(&a.out, &stem, &t, FileFormat::Csv)?);
        }
    }
    out.say(format!(
        "{} rows of daily constituents ({}) -> {}",
        held.len(),
        a.index.to_ascii_uppercase(),
        paths[0].display()
    ));
    for p in &paths[1..] {
        out.say(format!("benchmark series -> {}", p.display()));
    }
    out.json_value(
        &serde_json::json!({ "weights": paths[0], "rows": held.len(), "benchmarks": &paths[1..] }),
    );
    Ok(())
}
