use rankday_core::money::usd;
use rankday_core::IndexId;
use rankday_pipeline::{tables, ReconHeadline};

use crate::args::ReconstituteArgs;
use crate::output::Output;

pub fn run(a: ReconstituteArgs, out: &Output) -> anyhow::Result<()> {
    let job = super::job(&a.market, None, out)?;
    let mut o = super::stage(&a.out.out, &["membership"])?;
    // Every state of the history (reconstitutions, IPO rounds, quarterly
    // updates): `calc --membership` over the table gives `calc`'s levels.
    let (recons, states) = job.reconstitutions_and_states(a.rank_date)?;
    let table = tables::membership(job.market(), &states);
    let path = o.write_table("membership", &table, a.out.format.into())?;
    o.publish()?;

    let mut json = Vec::new();
    out.say(format!(
        "{:<10} {:<10} {:>6} {:>6} {:>6} {:>6} {:>10} {:>10} {:>21} {:>5} {:>5} {:>5} {:>4} {:>4}",
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
        "gone",
        "up",
        "down"
    ));
    for r in recons.iter() {
        let h = ReconHeadline::of(job.market(), &r.result);
        out.say(format!(
            "{:<10} {:<10} {:>6} {:>6} {:>6} {:>6} {:>10} {:>10} {:>10}-{:<10} {:>5} {:>5} {:>5} {:>4} {:>4}",
            h.rank_date.to_string(),
            h.effective_date.to_string(),
            h.count(IndexId::R3000E),
            h.count(IndexId::R3000),
            h.count(IndexId::R1000),
            h.count(IndexId::R2000),
            usd(h.cap_rank_1000),
            usd(h.cap_rank_3000),
            usd(h.band_1000_usd.0),
            usd(h.band_1000_usd.1),
            h.adds,
            h.deletes,
            h.gone,
            h.ups,
            h.downs
        ));
        json.push(serde_json::json!({
            "rank_date": h.rank_date, "effective_date": h.effective_date,
            "counts": h.counts.iter().map(|(i, n)| (i.as_str(), n)).collect::<std::collections::BTreeMap<_,_>>(),
            "cap_rank_1000": h.cap_rank_1000, "cap_rank_3000": h.cap_rank_3000,
            "band_1000_usd": [h.band_1000_usd.0, h.band_1000_usd.1],
            "adds": h.adds, "deletes": h.deletes, "gone": h.gone, "up": h.ups, "down": h.downs,
        }));
    }
    out.say(
        "changes against the previous rank day's state; gone: deleted lines that stopped trading \
         (acquired or delisted) before the effective date. `rankday flows` trades against what the \
         index holds on the pricing day: it counts dels - gone, and the lines an IPO round added \
         since the previous rank day by their move from what the index held",
    );
    out.say(format!("membership -> {}", path.display()));
    out.json_value(&serde_json::json!({ "membership": path, "reconstitutions": json }));
    Ok(())
}
