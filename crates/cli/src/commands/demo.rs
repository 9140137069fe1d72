use std::time::Instant;

use rankday_core::money::usd;
use rankday_core::IndexId;
use rankday_pipeline::{report_data, tables, Job, ReconHeadline};
use rankday_synth::GenConfig;

use crate::args::DemoArgs;
use crate::output::Output;

/// The main job on the built-in market: generate (or reuse) it, rebuild the
/// index family on every rank day, calculate the levels, measure the last
/// reconstitution's flows and forecast the next, and write the report.
pub fn run(a: DemoArgs, out: &Output) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let market_dir = a.out.join("market");
    let fmt = rankday_io::FileFormat::Parquet;
    let mut o = super::stage(
        &a.out,
        &[
            "membership",
            "levels",
            "divisors",
            "halts",
            "flows",
            "flows_forecast",
        ],
    )?;
    let reuse = market_dir.join("format.toml").exists() && !a.regenerate;
    if reuse && (a.years.is_some() || a.seed.is_some()) {
        anyhow::bail!(
            "--years and --seed make a new market, but {} already holds one that would be reused; add --regenerate to replace it",
            market_dir.display()
        );
    }
    let market = if reuse {
        out.say(format!(
            "reusing the demo market in {} (--regenerate to rebuild it)",
            market_dir.display()
        ));
        let loaded =
            rankday_pipeline::load_market_checked(&market_dir, &rankday_io::Checks::default())?;
        out.warnings(&loaded.warnings);
        loaded.market
    } else {
        let cfg = GenConfig {
            seed: a.seed.unwrap_or(7),
            years: a.years.unwrap_or(12),
            ..GenConfig::default()
        };
        let m = rankday_pipeline::generate(&cfg, &*out.progress())?;
        o.write_market(Some("market"), &m, fmt)?;
        m
    };
    out.say(format!(
        "1. market: {} securities, {} trading days ({} to {}), {} daily rows, {} corporate actions",
        market.n_securities(),
        market.n_days(),
        market.first_date().unwrap_or_default(),
        market.last_date().unwrap_or_default(),
        market.n_rows(),
        market.actions().len()
    ));

    let job = Job::new(market)?.with_progress(out.progress());
    let market = job.market();
    let (history, levels) = job.history_and_levels()?;
    let recon_states: Vec<_> = history
        .recons
        .iter()
        .map(|r| r.result.membership.clone())
        .collect();
    o.write_table(
        "membership",
        &tables::membership(market, &recon_states),
        fmt,
    )?;
    if let Some(last) = history.recons.last() {
        let h = ReconHeadline::of(market, &last.result);
        out.say(format!(
            "2. reconstitution: {} rank days; latest {} -> R1000 {} / R2000 {} / R3000E {} lines, breakpoint #1000 {}, #3000 {}",
            history.recons.len(),
            h.rank_date,
            h.count(IndexId::R1000),
            h.count(IndexId::R2000),
            h.count(IndexId::R3000E),
            usd(h.cap_rank_1000),
            usd(h.cap_rank_3000)
        ));
    }

    super::write_tables(&mut o, &tables::calc(market, &levels), fmt)?;
    let last_of = |i: IndexId| levels.levels.iter().rev().find(|l| l.index == i);
    if let (Some(r2), Some(r1)) = (last_of(IndexId::R2000), last_of(IndexId::R1000)) {
        out.say(format!(
            "3. levels: {} rows, {} divisor changes; on {} R2000 {:.2} (TR {:.2}), R1000 {:.2} (TR {:.2})",
            levels.levels.len(),
            levels.divisor_changes.len(),
            r2.date,
            r2.price_return,
            r2.total_return,
            r1.price_return,
            r1.total_return
        ));
    }

    let realised = job.last_realised_flows();
    if let Some(f) = &realised {
        o.write_table("flows", &tables::flows(market, &f.rows), fmt)?;
        out.say(format!(
            "4. flows of the {} reconstitution: {} one way, R2000 one-way turnover {:.2}%, {} names",
            f.effective_date,
            usd(f.summary.index_one_way_usd),
            100.0 * f.summary.index(IndexId::R2000).map_or(0.0, |x| x.one_way_turnover),
            f.rows.len()
        ));
    }
    if market.last_date().is_some() {
        if let Ok(fc) = job.forecast(None) {
            o.write_table("flows_forecast", &tables::flows(market, &fc.rows), fmt)?;
            out.say(format!(
                "   forecast as of {} for the reconstitution effective {}: {} one way",
                fc.as_of,
                fc.effective_date,
                usd(fc.summary.index_one_way_usd)
            ));
        }
    }

    let fund = job.fund()?;
    let s = &fund.stats;
    out.say(format!(
        "5. IWM-like fund ($75B, 0.19%, costs on): tracking difference {:.1} bp/yr, TE (std) {:.1} bp, TE (RMS) {:.1} bp; {:.0} trades/yr, turnover {:.1}%/yr (index {:.1}%/yr)",
        1e4 * s.tracking_difference_annualised,
        1e4 * s.te_std,
        1e4 * s.te_rms,
        fund.activity.trades_per_year,
        100.0 * fund.activity.turnover,
        100.0 * fund.activity.index_turnover
    ));

    let data = report_data(
        market,
        history,
        Some(&levels),
        realised.as_ref(),
        Some(&fund),
    );
    let html = rankday_report::render(&data)?;
    let path = o.write_bytes("report.html", html.as_bytes())?;
    // Everything appears in the output directory at once, or nothing does.
    o.publish()?;
    out.say(format!("6. report -> {}", path.display()));
    out.say(format!(
        "done in {:.1}s; outputs in {}",
        t0.elapsed().as_secs_f64(),
        a.out.display()
    ));
    out.json_value(
        &serde_json::json!({ "out": a.out, "report": path, "seconds": t0.elapsed().as_secs_f64() }),
    );
    Ok(())
}
