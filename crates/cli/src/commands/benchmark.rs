use rankday_pipeline::{tables, Against, BenchmarkSpec};

use crate::args::BenchmarkArgs;
use crate::output::{stats_json, Output};

/// A portfolio's daily returns (or another index's total return) against an
/// index's total return: tracking, information ratio, beta, capture, and the
/// relative-performance series.
pub fn run(a: BenchmarkArgs, out: &Output) -> anyhow::Result<()> {
    let index = a.index;
    let against = match (&a.portfolio, a.against_index) {
        (Some(path), _) => Against::Portfolio(path.clone()),
        (None, Some(o)) => Against::Index(o),
        (None, None) => anyhow::bail!(
            "give --portfolio FILE (daily returns, columns date,return) or --against-index INDEX"
        ),
    };
    let job = super::job(&a.market, Some(&a.membership), out)?;
    let mut o = super::stage(&a.out.out, &["relative"])?;
    let b = job.benchmark(&BenchmarkSpec {
        index,
        against,
        from: a.from,
        to: a.to,
    })?;
    let p = o.write_table(
        "relative",
        &tables::relative(&b.relative),
        a.out.format.into(),
    )?;
    o.publish()?;
    out.say(format!(
        "{} against the {} total return:",
        b.name,
        index.as_str()
    ));
    out.stats(&b.stats);
    out.say(format!(
        "relative performance (rebased to 100) -> {}",
        p.display()
    ));
    out.json_value(&serde_json::json!({ "portfolio": b.name, "benchmark": index.as_str(), "stats": stats_json(&b.stats), "relative": p }));
    Ok(())
}
