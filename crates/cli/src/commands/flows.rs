use rankday_core::money::usd;
use rankday_flows::{ConvergenceRow, FlowRow, FlowSummary};
use rankday_pipeline::{passive_model, tables, FlowSettings};

use crate::args::FlowsArgs;
use crate::output::Output;

pub fn run(a: FlowsArgs, out: &Output) -> anyhow::Result<()> {
    let job = super::job(&a.market, None, out)?.with_flows(FlowSettings {
        model: passive_model(a.passive.as_deref())?,
        ..FlowSettings::default()
    });
    let fmt = a.out.format.into();
    let mut o = super::stage(&a.out.out, &["flows"])?;
    match a.recon {
        Some(eff) => {
            let f = job.realised_flows(eff)?;
            let p = o.write_table("flows", &tables::flows(job.market(), &f.rows), fmt)?;
            o.publish()?;
            print_summary(&f.summary, &f.rows, out);
            out.say(format!("flows -> {}", p.display()));
            out.json_value(&serde_json::json!({ "flows": p, "summary": summary_json(&f.summary) }));
        }
        None => {
            let fc = job.forecast(a.as_of)?;
            let conv = job.convergence(Some(fc.as_of))?;
            let p = o.write_table("flows", &tables::flows(job.market(), &fc.rows), fmt)?;
            o.publish()?;
            let as_of = fc.as_of;
            out.say(format!(
                "forecast as of {as_of} of the reconstitution effective {} (rank day {}{})",
                fc.effective_date,
                fc.rank_date,
                if as_of < fc.rank_date {
                    ", not yet reached: prices as of the as-of date"
                } else {
                    ", caps frozen at rank day"
                }
            ));
            print_summary(&fc.summary, &fc.rows, out);
            print_convergence(&conv, out);
            out.say(format!("flows -> {}", p.display()));
            out.json_value(&serde_json::json!({ "flows": p, "as_of": as_of, "effective_date": fc.effective_date, "summary": summary_json(&fc.summary) }));
        }
    }
    Ok(())
}

/// The summary as JSON for `--json`.
fn summary_json(s: &FlowSummary) -> serde_json::Value {
    serde_json::json!({
        "effective_date": s.effective_date, "pricing_date": s.pricing_date,
        "buys_usd": s.buys_usd, "sells_usd": s.sells_usd, "net_usd": s.net_usd,
        "index_one_way_usd": s.index_one_way_usd, "crossed_usd": s.crossed_usd,
        "counts": { "add": s.counts.add, "delete": s.counts.delete, "up": s.counts.up, "down": s.counts.down, "stay": s.counts.stay, "gone": s.counts.gone, "held": s.counts.held },
        "recon_counts": { "add": s.recon_counts.add, "delete": s.recon_counts.delete, "up": s.recon_counts.up, "down": s.recon_counts.down, "stay": s.recon_counts.stay },
        "per_index": s.per_index.iter().map(|f| serde_json::json!({
            "index": f.index.as_str(), "aum_usd": f.aum_usd, "members_before": f.members_before,
            "members_after": f.members_after, "one_way_turnover": f.one_way_turnover,
            "buys_usd": f.buys_usd, "sells_usd": f.sells_usd })).collect::<Vec<_>>(),
        "deciles": s.deciles.iter().map(|d| serde_json::json!({
            "decile": d.decile, "names": d.names, "min_total_cap": d.min_total_cap,
            "max_total_cap": d.max_total_cap, "net_usd": d.net_usd })).collect::<Vec<_>>(),
    })
}

fn print_summary(s: &FlowSummary, rows: &[FlowRow], out: &Output) {
    out.say(format!(
        "priced at the {} close: {} add, {} delete, {} up, {} down, {} stay; passive funds trade {} one way ({} crossed between funds), net names buy {} / sell {}",
        s.pricing_date, s.counts.add, s.counts.delete, s.counts.up, s.counts.down, s.counts.stay,
        usd(s.index_one_way_usd), usd(s.crossed_usd), usd(s.buys_usd), usd(s.sells_usd)
    ));
    let r = &s.recon_counts;
    if r.add + r.delete + r.up + r.down > 0 {
        out.say(format!(
            "  the reconstitution against the previous rank day's state (as `rankday reconstitute` counts): {} add, {} delete, {} up, {} down; the trades above differ by {} deleted lines that stopped trading before the pricing day (the index dropped them then) and {} lines an IPO round added since that rank day (traded by their move from what the index held)",
            r.add, r.delete, r.up, r.down, s.counts.gone, s.counts.held
        ));
    }
    out.say(format!(
        "{:<8} {:>10} {:>8} {:>8} {:>10} {:>12}",
        "index", "AUM", "before", "after", "turnover", "one way"
    ));
    for f in &s.per_index {
        out.say(format!(
            "{:<8} {:>10} {:>8} {:>8} {:>9.2}% {:>12}",
            f.index.as_str(),
            usd(f.aum_usd),
            f.members_before,
            f.members_after,
            100.0 * f.one_way_turnover,
            usd(f.buys_usd)
        ));
    }
    out.say("net buying by total-cap decile (1 = smallest caps, 10 = largest), USD:");
    for d in &s.deciles {
        out.say(format!(
            "  {:>2} {:>10}..{:<10} {:>5} names {:>12}",
            d.decile,
            usd(d.min_total_cap),
            usd(d.max_total_cap),
            d.names,
            usd(d.net_usd)
        ));
    }
    let mut top: Vec<&FlowRow> = rows
        .iter()
        .filter(|r| r.days_of_volume.is_finite())
        .collect();
    top.sort_by(|a, b| b.days_of_volume.total_cmp(&a.days_of_volume));
    out.say(format!(
        "{:<8} {:<7} {:>12} {:>8} {:>9}",
        "ticker", "change", "demand", "days vol", "impact bp"
    ));
    for r in top.iter().take(10) {
        out.say(format!(
            "{:<8} {:<7} {:>12} {:>8.2} {:>9.1}",
            r.ticker,
            r.change.as_str(),
            usd(r.demand_usd),
            r.days_of_volume,
            r.impact_bps
        ));
    }
}

fn print_convergence(rows: &[ConvergenceRow], out: &Output) {
    if rows.len() < 2 {
        return;
    }
    out.say("how the forecast firms up (overlap of each list with the latest forecast):");
    out.say(format!(
        "{:<10} {:>5} {:>5} {:>5} {:>5} {:>12} {:>8} {:>8}",
        "as of", "adds", "dels", "ups", "downs", "one way", "adds ov", "dels ov"
    ));
    for r in rows {
        out.say(format!(
            "{:<10} {:>5} {:>5} {:>5} {:>5} {:>12} {:>7.0}% {:>7.0}%",
            r.as_of.to_string(),
            r.adds,
            r.deletes,
            r.ups,
            r.downs,
            usd(r.index_one_way_usd),
            100.0 * r.add_jaccard,
            100.0 * r.delete_jaccard
        ));
    }
}
