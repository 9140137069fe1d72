use anyhow::Context;
use rankday_core::{Change, IndexId};

use crate::args::ReconstituteArgs;
use crate::output::{usd, Output};
use crate::pipeline;

pub fn run(a: ReconstituteArgs, out: &Output) -> anyhow::Result<()> {
    let market = pipeline::load_market(&a.market.market)?;
    let cal = pipeline::recon_calendar(&a.policy, Some(&market))?;
    let policy = pipeline::method_policy(&a.policy)?;
    let history = pipeline::run_history(&market, &cal, &policy, a.rank_date, out)?;
    let recons: Vec<&pipeline::Recon> = match a.rank_date {
        Some(d) => {
            let r = history
                .recons
                .iter()
                .find(|r| r.event.rank_date == d)
                .with_context(|| {
                    let days: Vec<String> = history
                        .recons
                        .iter()
                        .map(|r| r.event.rank_date.to_string())
                        .collect();
                    format!(
                        "{d} is not a rank day of this history; rank days are: {}",
                        days.join(", ")
                    )
                })?;
            vec![r]
        }
        None => history.recons.iter().collect(),
    };
    // Every state of the history up to the last reconstitution ranked:
    // reconstitutions, IPO rounds and quarterly updates, so that `calc
    // --membership` over this table gives the history's levels.
    let states = history.all_states();
    let table = rankday_io::membership_table(&market, &states);
    let path = rankday_io::write_table(&a.out.out, "membership", &table, a.out.format.into())?;

    let mut json = Vec::new();
    out.say(format!(
        "{:<10} {:<10} {:>6} {:>6} {:>6} {:>6} {:>10} {:>10} {:>21} {:>5} {:>5} {:>4} {:>4}",
        "rank day",
        "effective",
        "R3000E",
        "R3000",
        "R1000",
        "R2000",
        "cap #1000",
        "cap #3000",
        "R1000 band (USD)",
        "adds",
        "dels",
        "up",
        "down"
    ));
    for r in &recons {
        let m = &r.result.membership;
        let b = &r.result.breakpoints;
        let count = |c: Change| m.rows.iter().filter(|x| x.change == c).count();
        out.say(format!(
            "{:<10} {:<10} {:>6} {:>6} {:>6} {:>6} {:>10} {:>10} {:>10}-{:<10} {:>5} {:>5} {:>4} {:>4}",
            m.rank_date.to_string(),
            m.effective_date.to_string(),
            m.count(IndexId::R3000E),
            m.count(IndexId::R3000),
            m.count(IndexId::R1000),
            m.count(IndexId::R2000),
            usd(pipeline::cap_at(b, rankday_method::Cut::R1000)),
            usd(pipeline::cap_at(b, rankday_method::Cut::R3000)),
            usd(pipeline::band_usd(b, rankday_method::Cut::R1000).0),
            usd(pipeline::band_usd(b, rankday_method::Cut::R1000).1),
            count(Change::Add),
            count(Change::Delete),
            count(Change::Up),
            count(Change::Down)
        ));
        json.push(serde_json::json!({
            "rank_date": m.rank_date, "effective_date": m.effective_date,
            "counts": IndexId::ALL.iter().map(|i| (i.as_str(), m.count(*i))).collect::<std::collections::BTreeMap<_,_>>(),
            "cap_rank_1000": pipeline::cap_at(b, rankday_method::Cut::R1000), "cap_rank_3000": pipeline::cap_at(b, rankday_method::Cut::R3000),
            "band_1000_usd": [pipeline::band_usd(b, rankday_method::Cut::R1000).0, pipeline::band_usd(b, rankday_method::Cut::R1000).1],
            "adds": count(Change::Add), "deletes": count(Change::Delete), "up": count(Change::Up), "down": count(Change::Down),
        }));
    }
    out.say(format!("membership -> {}", path.display()));
    out.json_value(&serde_json::json!({ "membership": path, "reconstitutions": json }));
    Ok(())
}
