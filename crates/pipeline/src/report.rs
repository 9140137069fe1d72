//! The report's view model: the plain data `rankday-report` draws, filled
//! from whatever results a run has (levels, the last reconstitution's
//! flows, the fund). Here rather than in `rankday-report`, which knows
//! nothing of the crates that make the numbers.

use rankday_calc::CalcOutput;
use rankday_core::{IndexId, Market};
use rankday_flows::FlowRow;
use rankday_fund::FundResult;
use rankday_method::History;
use rankday_report::{
    FlowName, FlowsSection, FundSection, LevelSeries, ReconSummary, RelativeSeries, ReportData,
};

use crate::{Flows, Job, ReconHeadline, Result};

impl Job {
    /// The whole report: the history with the levels of the family beside
    /// it, the flows of the last reconstitution in the history, and the
    /// job's fund.
    pub fn report(&self) -> Result<ReportData> {
        let (history, levels) = self.history_and_levels()?;
        let flows = self.last_realised_flows();
        let fund = self.fund()?;
        Ok(report_data(
            self.market(),
            history,
            Some(&levels),
            flows.as_ref(),
            Some(&fund),
        ))
    }
}

/// Assembles the report from whatever results a run has; missing parts are
/// left out of the page.
pub fn report_data(
    market: &Market,
    history: &History,
    levels: Option<&CalcOutput>,
    flows: Option<&Flows>,
    fund: Option<&FundResult>,
) -> ReportData {
    let mut data = ReportData {
        title: "rankday report".into(),
        generated_by: format!("rankday {}", env!("CARGO_PKG_VERSION")),
        market_summary: market_summary(market, history),
        ..ReportData::default()
    };
    if let Some(calc) = levels {
        data.levels = level_series(calc);
        data.relative = relative_series(calc);
    }
    data.recons = history
        .recons
        .iter()
        .map(|r| recon_summary(&ReconHeadline::of(market, &r.result)))
        .collect();
    if let Some(f) = flows {
        data.flows = Some(flows_section(f));
        data.market_summary.push((
            format!("Flows {}", f.effective_date),
            format!(
                "{} traded one way",
                rankday_core::money::usd(f.summary.index_one_way_usd)
            ),
        ));
    }
    data.fund = fund.map(fund_section);
    data
}

fn market_summary(market: &Market, history: &History) -> Vec<(String, String)> {
    vec![
        (
            "History".into(),
            format!(
                "{} to {}",
                market.first_date().unwrap_or_default(),
                market.last_date().unwrap_or_default()
            ),
        ),
        ("Trading days".into(), format!("{} days", market.n_days())),
        (
            "Securities".into(),
            format!("{} lines", market.n_securities()),
        ),
        ("Daily rows".into(), format!("{} rows", market.n_rows())),
        (
            "Corporate actions".into(),
            format!("{} actions", market.actions().len()),
        ),
        (
            "Reconstitutions".into(),
            format!("{} rank days", history.recons.len()),
        ),
    ]
}

/// The indexes drawn on the levels chart.
const CHARTED: [IndexId; 5] = [
    IndexId::R3000,
    IndexId::R1000,
    IndexId::R2000,
    IndexId::RMidcap,
    IndexId::RMicro,
];

fn level_series(calc: &CalcOutput) -> Vec<LevelSeries> {
    let mut out = Vec::new();
    for i in CHARTED {
        let rows: Vec<_> = calc.levels.iter().filter(|l| l.index == i).collect();
        if rows.is_empty() {
            continue;
        }
        out.push(LevelSeries {
            index: i.as_str().into(),
            dates: rows.iter().map(|l| l.date).collect(),
            price_return: rows.iter().map(|l| l.price_return).collect(),
            total_return: rows.iter().map(|l| l.total_return).collect(),
        });
    }
    out
}

/// Small caps against large caps: the same series as `rankday benchmark
/// --against-index` (one definition).
fn relative_series(calc: &CalcOutput) -> Option<RelativeSeries> {
    use rankday_fund::benchmark::{index_levels, relative_performance, Series};
    let small = index_levels(&calc.levels, IndexId::R2000, Series::Total);
    let large = index_levels(&calc.levels, IndexId::R1000, Series::Total);
    let rel = relative_performance(&small, &large).ok()?;
    Some(RelativeSeries {
        name: "Russell 2000 / Russell 1000 (total return, rebased to 100)".into(),
        dates: rel.iter().map(|p| p.0).collect(),
        ratio: rel.iter().map(|p| p.1).collect(),
    })
}

/// The indexes whose sizes the reconstitution table shows.
const COUNTED: [IndexId; 5] = [
    IndexId::R3000E,
    IndexId::R3000,
    IndexId::R1000,
    IndexId::R2000,
    IndexId::RMicro,
];

fn recon_summary(h: &ReconHeadline) -> ReconSummary {
    ReconSummary {
        rank_date: h.rank_date,
        effective_date: h.effective_date,
        counts: COUNTED
            .iter()
            .map(|&i| (i.as_str().to_string(), h.count(i) as u32))
            .collect(),
        cap_rank_1000: h.cap_rank_1000,
        cap_rank_3000: h.cap_rank_3000,
        band_lower_usd: h.band_1000_usd.0,
        band_upper_usd: h.band_1000_usd.1,
        adds: h.adds as u32,
        deletes: h.deletes as u32,
        ups: h.ups as u32,
        downs: h.downs as u32,
    }
}

fn flows_section(f: &Flows) -> FlowsSection {
    let name = |r: &FlowRow| FlowName {
        ticker: r.ticker.clone(),
        demand_usd: r.demand_usd,
        days_of_volume: r.days_of_volume,
        impact_bps: r.impact_bps,
    };
    let mut by_dov: Vec<&FlowRow> = f
        .rows
        .iter()
        .filter(|r| r.days_of_volume.is_finite())
        .collect();
    by_dov.sort_by(|a, b| {
        b.days_of_volume
            .total_cmp(&a.days_of_volume)
            .then(a.sec.cmp(&b.sec))
    });
    let top = |buy: bool| {
        by_dov
            .iter()
            .filter(|r| {
                if buy {
                    r.demand_usd > 0.0
                } else {
                    r.demand_usd < 0.0
                }
            })
            .take(15)
            .map(|r| name(r))
            .collect()
    };
    let edges = [0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, f64::INFINITY];
    let mut hist = Vec::new();
    for w in edges.windows(2) {
        let n = f
            .rows
            .iter()
            .filter(|r| r.days_of_volume >= w[0] && r.days_of_volume < w[1])
            .count() as u32;
        let label = if w[1].is_infinite() {
            format!("≥{}", w[0])
        } else {
            format!("{}–{}", w[0], w[1])
        };
        hist.push((label, n));
    }
    FlowsSection {
        effective_date: f.effective_date,
        top_buys: top(true),
        top_sells: top(false),
        decile_net_usd: f.summary.deciles.iter().map(|d| d.net_usd).collect(),
        dov_histogram: hist,
        turnover: f
            .summary
            .per_index
            .iter()
            .map(|x| (x.index.as_str().to_string(), x.one_way_turnover))
            .collect(),
    }
}

fn fund_section(f: &FundResult) -> FundSection {
    let (mut cf, mut ci) = (1.0, 1.0);
    let mut td = Vec::with_capacity(f.days.len());
    for d in &f.days {
        cf *= 1.0 + d.fund_return;
        ci *= 1.0 + d.index_return;
        td.push(1e4 * (cf - ci));
    }
    let a = &f.activity;
    let mut stats = crate::stats_rows(&f.stats);
    stats.extend([
        (
            "Trades".into(),
            format!("{:.0} a year ({} in all)", a.trades_per_year, a.trades),
        ),
        (
            "Turnover, one way".into(),
            format!(
                "{:.1}%/yr (the index's own {:.1}%/yr)",
                100.0 * a.turnover,
                100.0 * a.index_turnover
            ),
        ),
        (
            "Lowest cash at a close".into(),
            format!(
                "{} ({:.3}% of NAV)",
                rankday_core::money::usd(a.min_cash),
                100.0 * a.min_cash_share
            ),
        ),
    ]);
    FundSection {
        dates: f.days.iter().map(|d| d.date).collect(),
        tracking_difference_bp: td,
        nav: f.days.iter().map(|d| d.nav).collect(),
        stats,
    }
}
