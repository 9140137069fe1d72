use rankday_core::IndexId;
use rankday_io::FileFormat;
use rankday_pipeline::{tables, BENCHMARK_SERIES};

use crate::args::ExportArgs;
use crate::output::Output;

/// Daily constituents with weights (`weights.parquet`) and, per index, the
/// total- and price-return series as zipline's `--benchmark-file` reads
/// them (`benchmark_<index>_<series>.csv`; docs/backtesting.md).
pub fn run(a: ExportArgs, out: &Output) -> anyhow::Result<()> {
    let indexes = IndexId::parse_list(&a.index).map_err(anyhow::Error::msg)?;
    let job = super::job(&a.market, Some(&a.membership), out)?;
    let stems: Vec<String> = indexes
        .iter()
        .flat_map(|i| BENCHMARK_SERIES.map(|(s, _)| format!("benchmark_{}_{s}", i.column())))
        .collect();
    let mut owned = vec!["weights"];
    owned.extend(stems.iter().map(String::as_str));
    let mut o = super::stage(&a.out, &owned)?;
    let held = job.held_lines(&indexes, a.from, a.to)?;
    let weights = tables::weights(job.market(), &held);
    let mut paths = vec![o.write_table("weights", &weights, FileFormat::Parquet)?];
    let mut stem = stems.iter();
    for &i in &indexes {
        for (_, series) in BENCHMARK_SERIES {
            let days = job.benchmark_series(i, series, a.from, a.to)?;
            let t = tables::benchmark_returns(&days);
            let name = stem.next().expect("one stem per index and series");
            paths.push(o.write_table(name, &t, FileFormat::Csv)?);
        }
    }
    o.publish()?;
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
