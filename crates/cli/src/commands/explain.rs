use anyhow::Context;

use crate::args::ExplainArgs;
use crate::output::Output;
use crate::pipeline;

pub fn run(a: ExplainArgs, out: &Output) -> anyhow::Result<()> {
    let market = pipeline::load_market(&a.market.market)?;
    let sec = market
        .sec_by_id(&a.ticker)
        .or_else(|| {
            // Tickers are reused over time; prefer the line alive on rank day.
            let day = market.day_on_or_before(a.rank_date)?;
            let all: Vec<rankday_core::Sec> = (0..market.n_securities() as u32)
                .map(rankday_core::Sec)
                .filter(|&s| market.security(s).ticker.eq_ignore_ascii_case(&a.ticker))
                .collect();
            all.iter()
                .copied()
                .find(|&s| market.row_of(s, day).is_some())
                .or(all.first().copied())
        })
        .with_context(|| {
            format!(
                "no security with ticker or security_id '{}' in {}",
                a.ticker,
                a.market.market.display()
            )
        })?;
    let cal = pipeline::recon_calendar(&a.policy, Some(&market))?;
    let policy = pipeline::method_policy(&a.policy)?;
    let history = pipeline::run_history(&market, &cal, &policy, Some(a.rank_date), out)?;
    let k = history
        .recons
        .iter()
        .position(|r| r.event.rank_date == a.rank_date)
        .with_context(|| {
            format!(
                "{} is not a rank day of this history (see `rankday calendar`)",
                a.rank_date
            )
        })?;
    let previous = k
        .checked_sub(1)
        .map(|j| &history.recons[j].result.membership);
    let e = rankday_method::explain(&market, &history.recons[k].result, previous, sec);
    out.say(e.to_string());
    out.json_value(&serde_json::json!({ "explanation": e.to_string() }));
    Ok(())
}
