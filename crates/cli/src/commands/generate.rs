use rankday_synth::GenConfig;

use crate::args::GenerateArgs;
use crate::output::Output;

pub fn run(a: GenerateArgs, out: &Output) -> anyhow::Result<()> {
    let mut cfg = GenConfig {
        seed: a.seed,
        years: a.years,
        ..GenConfig::default()
    };
    if let Some(end) = a.end {
        cfg.end = end;
    }
    let mut o = super::stage(&a.out, &[])?;
    let market = rankday_pipeline::generate(&cfg, &*out.progress())?;
    o.write_market(None, &market, a.format.into())?;
    o.publish()?;
    out.say(format!(
        "generated {} securities, {} trading days ({} to {}), {} daily rows, {} actions -> {}",
        market.n_securities(),
        market.n_days(),
        market.first_date().unwrap_or_default(),
        market.last_date().unwrap_or_default(),
        market.n_rows(),
        market.actions().len(),
        a.out.display()
    ));
    out.json_value(&serde_json::json!({
        "out": a.out, "securities": market.n_securities(), "days": market.n_days(),
        "rows": market.n_rows(), "actions": market.actions().len(),
    }));
    Ok(())
}
