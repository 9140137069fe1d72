use std::time::Instant;

use anyhow::Context;
use rankday_core::IndexId;
use rankday_synth::GenConfig;

use crate::args::{DemoArgs, PolicyArgs};
use crate::commands::{calc, flows, fund, generate, report};
use crate::output::{usd, Output};
use crate::pipeline;

/// The main job on the built-in market: generate (or reuse) it, rebuild the
/// index family on every rank day, calculate the levels, measure the last
/// reconstitution's flows and forecast the next, and write the report.
pub fn run(a: DemoArgs, out: &Output) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let market_dir = a.out.join("market");
    let fmt = rankday_io::FileFormat::Parquet;
    let market = if market_dir.join("format.toml").exists() && !a.regenerate {
        out.say(format!(
            "reusing the demo market in {} (--regenerate to rebuild it)",
            market_dir.display()
        ));
        pipeline::load_market(&market_dir)?
    } else {
        let cfg = GenConfig {
            seed: a.seed,
            years: a.years,
            ..GenConfig::default()
        };
        let m = generate::generate(&cfg, out)?;
        rankday_io::write_market(&m, &market_dir, fmt).context("writing the demo market")?;
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

    let no_policy = PolicyArgs {
        policy: None,
        calendar: None,
    };
    let cal = pipeline::recon_calendar(&no_policy, Some(&market))?;
    let policy = pipeline::method_policy(&no_policy)?;
    let cfg = calc::calc_config(&market, &cal, IndexId::ALL.to_vec());
    let (history, levels) = pipeline::history_and_levels(&market, &cal, &policy, &cfg, out)?;
    let recon_states: Vec<_> = history
        .recons
        .iter()
        .map(|r| r.result.membership.clone())
        .collect();
    rankday_io::write_table(
        &a.out,
        "membership",
        &rankday_io::membership_table(&market, &recon_states),
        fmt,
    )?;
    if let Some(last) = history.recons.last() {
        let m = &last.result.membership;
        let b = &last.result.breakpoints;
        out.say(format!(
            "2. reconstitution: {} rank days; latest {} -> R1000 {} / R2000 {} / R3000E {} lines, breakpoint #1000 {}, #3000 {}",
            history.recons.len(),
            m.rank_date,
            m.count(IndexId::R1000),
            m.count(IndexId::R2000),
            m.count(IndexId::R3000E),
            usd(pipeline::cap_at(b, rankday_method::Cut::R1000)),
            usd(pipeline::cap_at(b, rankday_method::Cut::R3000))
        ));
    }

    calc::write_outputs(&market, &levels, &a.out, fmt)?;
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

    let realised = report::last_realised_flows(&market, &cal, &history);
    if let Some((eff, rows, summary)) = &realised {
        rankday_io::write_table(&a.out, "flows", &flows::flows_table(&market, rows), fmt)?;
        out.say(format!(
            "4. flows of the {eff} reconstitution: {} one way, R2000 one-way turnover {:.2}%, {} names",
            usd(summary.index_one_way_usd),
            100.0 * summary.index(IndexId::R2000).map_or(0.0, |f| f.one_way_turnover),
            rows.len()
        ));
    }
    if let Some(as_of) = market.last_date() {
        let model = rankday_flows::PassiveModel::russell_default();
        if let Ok(fc) = flows::forecast(
            &market,
            &cal,
            &policy,
            &history,
            as_of,
            &model,
            &rankday_flows::FlowConfig::default(),
        ) {
            rankday_io::write_table(
                &a.out,
                "flows_forecast",
                &flows::flows_table(&market, &fc.rows),
                fmt,
            )?;
            out.say(format!(
                "   forecast as of {as_of} for the reconstitution effective {}: {} one way",
                fc.effective_date,
                usd(fc.summary.index_one_way_usd)
            ));
        }
    }

    let fund_cfg = crate::commands::fund::demo_fund();
    let fund = fund::simulate(&market, &history.states, &cal, &fund_cfg, out)?;
    let s = &fund.stats;
    out.say(format!(
        "5. IWM-like fund ($75B, 0.19%, costs on): tracking difference {:.1} bp/yr, TE (std) {:.1} bp, TE (RMS) {:.1} bp, {} trades",
        1e4 * s.tracking_difference_annualised,
        1e4 * s.te_std,
        1e4 * s.te_rms,
        fund.trades.len()
    ));

    let data = report::build(
        &market,
        &history,
        Some(&levels),
        realised.as_ref().map(|(d, r, s)| (*d, r.as_slice(), s)),
        Some(&fund),
    );
    let path = a.out.join("report.html");
    rankday_report::write_report(&path, &data)?;
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
