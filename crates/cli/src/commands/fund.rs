use anyhow::Context;
use rankday_core::{IndexId, Market, Membership};
use rankday_fund::{CostModel, FundConfig, FundResult, Rebalance, TrackingStats};
use rankday_io::{Column, Table};

use crate::args::{FundArgs, RebalanceMode};
use crate::commands::calc;
use crate::output::{usd, Output};
use crate::pipeline;

pub fn run(a: FundArgs, out: &Output) -> anyhow::Result<()> {
    let market = pipeline::load_market(&a.market.market)?;
    let cal = pipeline::recon_calendar(&a.policy, Some(&market))?;
    let states = pipeline::states(&market, &cal, &a.policy, &a.membership, out)?;
    let index: IndexId = a
        .index
        .to_ascii_uppercase()
        .parse()
        .map_err(anyhow::Error::msg)?;
    let cfg = FundConfig {
        index,
        start_assets: a.assets,
        expense_ratio: a.expense_ratio,
        dividend_lag_days: a.dividend_lag,
        rebalance: match a.rebalance {
            RebalanceMode::Full => Rebalance::FullReplication,
            RebalanceMode::Spread => Rebalance::Spread {
                days: a.spread_days,
                participation_cap: a.participation_cap,
            },
        },
        costs: costs_for(a.no_costs, a.rebalance),
        from: a.from,
        to: a.to,
        ..FundConfig::iwm_like()
    };
    let result = simulate(&market, &states, &cal, &cfg, out)?;
    let fmt = a.out.format.into();
    let p1 = rankday_io::write_table(&a.out.out, "fund_nav", &nav_table(&result), fmt)?;
    let p2 = rankday_io::write_table(
        &a.out.out,
        "fund_trades",
        &trades_table(&market, &result),
        fmt,
    )?;
    print_stats(&result, &cfg, out);
    out.say(format!(
        "NAV -> {}\ntrades -> {}",
        p1.display(),
        p2.display()
    ));
    out.json_value(
        &serde_json::json!({ "nav": p1, "trades": p2, "stats": stats_json(&result.stats) }),
    );
    Ok(())
}

/// Trading costs relative to the index. Full replication trades in the
/// closing auction at the very close the index uses, so price impact is
/// already in the index and is not a cost relative to it; only the
/// half-spread (fees, auction imbalance) remains. A spread rebalance trades
/// away from the index's close and pays square-root impact too.
pub fn costs_for(no_costs: bool, mode: RebalanceMode) -> CostModel {
    match (no_costs, mode) {
        (true, _) => CostModel::zero(),
        (false, RebalanceMode::Full) => {
            CostModel::half_spread_only(CostModel::default().half_spread_bps)
        }
        (false, RebalanceMode::Spread) => CostModel::default(),
    }
}

pub fn simulate(
    market: &Market,
    states: &[Membership],
    cal: &rankday_calendar::ReconCalendar,
    cfg: &FundConfig,
    out: &Output,
) -> anyhow::Result<FundResult> {
    let calc_cfg = calc::calc_config(market, cal, vec![cfg.index]);
    let pb = out.progress(0, "fund");
    let r =
        rankday_fund::simulate(market, states, &calc_cfg, cfg).context("simulating the fund")?;
    pb.finish_and_clear();
    Ok(r)
}

fn nav_table(r: &FundResult) -> Table {
    let d = &r.days;
    let f = |g: fn(&rankday_fund::FundDay) -> f64| Column::F64(d.iter().map(g).collect());
    Table {
        columns: vec![
            (
                "date".into(),
                Column::Date(d.iter().map(|x| x.date).collect()),
            ),
            ("nav".into(), f(|x| x.nav)),
            ("cash".into(), f(|x| x.cash)),
            ("receivables".into(), f(|x| x.receivables)),
            ("flow".into(), f(|x| x.flow)),
            ("index_total_return".into(), f(|x| x.index_tr)),
            ("fund_return".into(), f(|x| x.fund_return)),
            ("index_return".into(), f(|x| x.index_return)),
            ("costs".into(), f(|x| x.costs)),
            ("fees".into(), f(|x| x.fees)),
        ],
    }
}

fn trades_table(m: &Market, r: &FundResult) -> Table {
    let t = &r.trades;
    Table {
        columns: vec![
            (
                "date".into(),
                Column::Date(t.iter().map(|x| x.date).collect()),
            ),
            (
                "security_id".into(),
                Column::Str(
                    t.iter()
                        .map(|x| m.security(x.sec).security_id.clone())
                        .collect(),
                ),
            ),
            (
                "ticker".into(),
                Column::Str(t.iter().map(|x| m.security(x.sec).ticker.clone()).collect()),
            ),
            (
                "shares".into(),
                Column::F64(t.iter().map(|x| x.shares).collect()),
            ),
            (
                "price".into(),
                Column::F64(t.iter().map(|x| x.price).collect()),
            ),
            (
                "cost".into(),
                Column::F64(t.iter().map(|x| x.cost).collect()),
            ),
        ],
    }
}

pub fn stats_json(s: &TrackingStats) -> serde_json::Value {
    serde_json::json!({
        "days": s.days, "fund_return": s.fund_return, "index_return": s.index_return,
        "fund_return_annualised": s.fund_return_annualised, "index_return_annualised": s.index_return_annualised,
        "tracking_difference": s.tracking_difference, "tracking_difference_annualised": s.tracking_difference_annualised,
        "mean_active_daily": s.mean_active_daily,
        "tracking_error_std_annualised": s.te_std, "tracking_error_rms_annualised": s.te_rms,
        "information_ratio": s.information_ratio, "beta": s.beta,
        "up_capture": s.up_capture, "down_capture": s.down_capture,
    })
}

/// The statistics as (name, value) pairs, named unambiguously.
pub fn stats_rows(s: &TrackingStats) -> Vec<(String, String)> {
    vec![
        ("Days".into(), s.days.to_string()),
        (
            "Fund return".into(),
            format!("{:.3}%", 100.0 * s.fund_return),
        ),
        (
            "Index total return".into(),
            format!("{:.3}%", 100.0 * s.index_return),
        ),
        (
            "Tracking difference (cumulative)".into(),
            format!("{:.1} bp", 1e4 * s.tracking_difference),
        ),
        (
            "Tracking difference (annualised)".into(),
            format!("{:.1} bp/yr", 1e4 * s.tracking_difference_annualised),
        ),
        (
            "Tracking error, std of daily active return x sqrt(252)".into(),
            format!("{:.2} bp", 1e4 * s.te_std),
        ),
        (
            "Tracking error, RMS of daily active return x sqrt(252)".into(),
            format!("{:.2} bp", 1e4 * s.te_rms),
        ),
        (
            "Information ratio".into(),
            format!("{:.2}", s.information_ratio),
        ),
        ("Beta".into(), format!("{:.4}", s.beta)),
        (
            "Up / down capture".into(),
            format!("{:.4} / {:.4}", s.up_capture, s.down_capture),
        ),
    ]
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
    for (k, v) in stats_rows(&r.stats) {
        out.say(format!("  {k:<58} {v:>14}"));
    }
}

/// The fund of the demo and the report: IWM-like ($75B, 0.19%, dividends
/// paid 20 trading days after the ex-date), full replication at the close.
pub fn demo_fund() -> FundConfig {
    FundConfig {
        costs: costs_for(false, RebalanceMode::Full),
        ..FundConfig::iwm_like()
    }
}
