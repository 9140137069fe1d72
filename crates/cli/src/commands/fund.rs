use rankday_core::money::usd;
use rankday_fund::{FundConfig, FundResult, Rebalance};
use rankday_pipeline::{costs_for, tables};

use crate::args::{FundArgs, RebalanceMode};
use crate::output::{stats_json, Output};

pub fn run(a: FundArgs, out: &Output) -> anyhow::Result<()> {
    let index = a.index;
    let rebalance = match a.rebalance {
        RebalanceMode::Full => {
            if a.spread_days.is_some() || a.participation_cap.is_some() {
                anyhow::bail!(
                    "--spread-days and --participation-cap apply only to --rebalance spread (a full rebalance trades everything at the close)"
                );
            }
            Rebalance::FullReplication
        }
        RebalanceMode::Spread => Rebalance::Spread {
            days: a.spread_days.unwrap_or(5) as usize,
            participation_cap: a.participation_cap.unwrap_or(0.2),
        },
    };
    let cfg = FundConfig {
        index,
        start_assets: a.assets,
        expense_ratio: a.expense_ratio,
        dividend_lag_days: a.dividend_lag,
        costs: costs_for(&rebalance, !a.no_costs),
        rebalance,
        from: a.from,
        to: a.to,
        ..FundConfig::iwm_like()
    };
    let job = super::job(&a.market, Some(&a.membership), out)?.with_fund(cfg);
    let mut o = super::stage(&a.out.out, &["fund_nav", "fund_trades"])?;
    let result = job.fund()?;
    let paths = super::write_tables(
        &mut o,
        &tables::fund(job.market(), &result),
        a.out.format.into(),
    )?;
    o.publish()?;
    print_stats(&result, job.fund_config(), out);
    out.say(format!(
        "NAV -> {}\ntrades -> {}",
        paths[0].display(),
        paths[1].display()
    ));
    out.json_value(
        &serde_json::json!({ "nav": paths[0], "trades": paths[1], "stats": stats_json(&result.stats), "activity": result.activity }),
    );
    Ok(())
}

fn print_stats(r: &FundResult, cfg: &FundConfig, out: &Output) {
    let (first, last) = (r.days.first(), r.days.last());
    if let (Some(f), Some(l)) = (first, last) {
        out.say(format!(
            "fund tracking {} from {} to {}: NAV {} -> {}, {} trades, costs {}, fees {}",
            cfg.index.as_str(),
            f.date,
            l.date,
            usd(f.nav),
            usd(l.nav),
            r.trades.len(),
            usd(r.days.iter().map(|d| d.costs).sum::<f64>()),
            usd(r.days.iter().map(|d| d.fees).sum::<f64>())
        ));
    }
    out.stats(&r.stats);
    let a = &r.activity;
    out.say(format!(
        "trading: {:.0} trades/yr; turnover {:.1}%/yr one way (the index's own {:.1}%/yr); lowest cash {} ({:.2}% of NAV)",
        a.trades_per_year,
        100.0 * a.turnover,
        100.0 * a.index_turnover,
        usd(a.min_cash),
        100.0 * a.min_cash_share
    ));
}
