use crate::args::ExplainArgs;
use crate::output::Output;

pub fn run(a: ExplainArgs, out: &Output) -> anyhow::Result<()> {
    let job = super::job(&a.market, None, out)?;
    let e = job.explain(&a.ticker, a.rank_date)?;
    out.say(e.to_string());
    out.json_value(&serde_json::json!({ "explanation": e.to_string() }));
    Ok(())
}
