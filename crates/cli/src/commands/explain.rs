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
                "no security with ticker or security_id '{}' in {}{}",
                a.ticker,
                a.market.market.display(),
                suggest_tickers(&market, &a.ticker, a.rank_date)
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
            let before = history
                .recons
                .iter()
                .rev()
                .find(|r| r.event.rank_date < a.rank_date);
            let after = history
                .recons
                .iter()
                .find(|r| r.event.rank_date > a.rank_date);
            let near: Vec<String> = [before, after]
                .into_iter()
                .flatten()
                .map(|r| r.event.rank_date.to_string())
                .collect();
            format!(
                "{} is not a rank day of this history (see `rankday calendar`){}",
                a.rank_date,
                if near.is_empty() {
                    String::new()
                } else {
                    format!("; nearest rank days: {}", near.join(", "))
                }
            )
        })?;
    // What the index held after the close of rank day: the state the
    // history's reconstitution started from.
    let recon = &history.recons[k];
    let previous = k.checked_sub(1).map(|_| &recon.previous.state);
    let e = rankday_method::explain(&market, &recon.result, previous, sec);
    out.say(e.to_string());
    out.json_value(&serde_json::json!({ "explanation": e.to_string() }));
    Ok(())
}

/// "; did you mean ..." with up to five tickers that trade on the rank date
/// and look like `asked` (Jaro-Winkler similarity at least 0.8, best first,
/// ties by ticker), or an empty string.
fn suggest_tickers(
    market: &rankday_core::Market,
    asked: &str,
    rank_date: rankday_core::Date,
) -> String {
    let Some(day) = market.day_on_or_before(rank_date) else {
        return String::new();
    };
    let asked = asked.to_ascii_uppercase();
    let cs = market.cross_section(day);
    let mut near: Vec<(f64, &str)> = cs
        .sec
        .iter()
        .map(|&s| market.security(rankday_core::Sec(s)).ticker.as_str())
        .map(|t| (strsim::jaro_winkler(&asked, &t.to_ascii_uppercase()), t))
        .filter(|&(score, _)| score >= 0.8)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    near.dedup_by(|a, b| a.1 == b.1);
    near.truncate(5);
    if near.is_empty() {
        return String::new();
    }
    let list: Vec<&str> = near.iter().map(|n| n.1).collect();
    format!(
        "; tickers trading on {} that look like it: {}",
        market.dates()[day],
        list.join(", ")
    )
}
