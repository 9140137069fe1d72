use rankday_calc::CalcOutput;
use rankday_core::{Change, Date, IndexId, Market};
use rankday_flows::{FlowRow, FlowSummary};
use rankday_report::{
    FlowName, FlowsSection, FundSection, LevelSeries, ReconSummary, RelativeSeries, ReportData,
};

use crate::args::ReportArgs;
use crate::commands::{calc, flows};
use crate::output::{usd, Output};
use crate::pipeline::{self, History};

pub fn run(a: ReportArgs, out: &Output) -> anyhow::Result<()> {
    let market = pipeline::load_market(&a.market.market)?;
    let cal = pipeline::recon_calendar(&a.policy, Some(&market))?;
    let policy = pipeline::method_policy(&a.policy)?;
    let cfg = calc::calc_config(&market, &cal, IndexId::ALL.to_vec());
    let (history, levels) = pipeline::history_and_levels(&market, &cal, &policy, &cfg, out)?;
    let flows = last_realised_flows(&market, &cal, &history);
    let fund = crate::commands::fund::simulate(
        &market,
        &history.states,
        &cal,
        &crate::commands::fund::demo_fund(),
        out,
    )?;
    let data = build(
        &market,
        &history,
        Some(&levels),
        flows.as_ref().map(|(d, r, s)| (*d, r.as_slice(), s)),
        Some(&fund),
    );
    let path = a.out.join("report.html");
    std::fs::create_dir_all(&a.out)?;
    rankday_report::write_report(&path, &data)?;
    out.say(format!("report -> {}", path.display()));
    out.json_value(&serde_json::json!({ "report": path }));
    Ok(())
}

/// Flows of the most recent reconstitution whose effective date is in the history.
pub fn last_realised_flows(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    history: &History,
) -> Option<(Date, Vec<FlowRow>, FlowSummary)> {
    let last = market.last_date()?;
    let recon = history.recons.iter().rev().find(|r| {
        r.event.effective_date <= last && history.state_before(r.event.effective_date).is_some()
    })?;
    let eff = recon.event.effective_date;
    let model = rankday_flows::PassiveModel::russell_default();
    let (rows, summary) = flows::realised(
        market,
        cal,
        history,
        eff,
        &model,
        &rankday_flows::FlowConfig::default(),
    )
    .ok()?;
    Some((eff, rows, summary))
}

/// Assembles the report from whatever capabilities ran; missing parts are
/// left out of the page.
pub fn build(
    market: &Market,
    history: &History,
    levels: Option<&CalcOutput>,
    flows: Option<(Date, &[FlowRow], &FlowSummary)>,
    fund: Option<&rankday_fund::FundResult>,
) -> ReportData {
    let mut data = ReportData {
        title: "rankday report".into(),
        generated_by: format!("rankday {}", env!("CARGO_PKG_VERSION")),
        ..ReportData::default()
    };
    data.market_summary = vec![
        (
            "History".into(),
            format!(
                "{} to {}",
                market.first_date().unwrap_or_default(),
                market.last_date().unwrap_or_default()
            ),
        ),
        ("Trading days".into(), market.n_days().to_string()),
        ("Securities".into(), market.n_securities().to_string()),
        ("Daily rows".into(), market.n_rows().to_string()),
        (
            "Corporate actions".into(),
            market.actions().len().to_string(),
        ),
        ("Reconstitutions".into(), history.recons.len().to_string()),
    ];
    if let Some(calc) = levels {
        for i in [
            IndexId::R3000,
            IndexId::R1000,
            IndexId::R2000,
            IndexId::RMidcap,
            IndexId::RMicro,
        ] {
            let rows: Vec<_> = calc.levels.iter().filter(|l| l.index == i).collect();
            if rows.is_empty() {
                continue;
            }
            data.levels.push(LevelSeries {
                index: i.as_str().into(),
                dates: rows.iter().map(|l| l.date).collect(),
                price_return: rows.iter().map(|l| l.price_return).collect(),
                total_return: rows.iter().map(|l| l.total_return).collect(),
            });
        }
        // Same series as `rankday benchmark --against-index`: one definition.
        use rankday_fund::benchmark::{index_levels, relative_performance, Series};
        let small = index_levels(&calc.levels, IndexId::R2000, Series::Total);
        let large = index_levels(&calc.levels, IndexId::R1000, Series::Total);
        if let Ok(rel) = relative_performance(&small, &large) {
            data.relative = Some(RelativeSeries {
                name: "Russell 2000 / Russell 1000 (total return, rebased to 100)".into(),
                dates: rel.iter().map(|p| p.0).collect(),
                ratio: rel.iter().map(|p| p.1).collect(),
            });
        }
    }
    for r in &history.recons {
        let m = &r.result.membership;
        let b = &r.result.breakpoints;
        let count = |c: Change| m.rows.iter().filter(|x| x.change == c).count() as u32;
        data.recons.push(ReconSummary {
            rank_date: m.rank_date,
            effective_date: m.effective_date,
            counts: [
                IndexId::R3000E,
                IndexId::R3000,
                IndexId::R1000,
                IndexId::R2000,
                IndexId::RMicro,
            ]
            .iter()
            .map(|i| (i.as_str().to_string(), m.count(*i) as u32))
            .collect(),
            cap_rank_1000: pipeline::cap_at(b, rankday_method::Cut::R1000),
            cap_rank_3000: pipeline::cap_at(b, rankday_method::Cut::R3000),
            band_lower_usd: pipeline::band_usd(b, rankday_method::Cut::R1000).0,
            band_upper_usd: pipeline::band_usd(b, rankday_method::Cut::R1000).1,
            adds: count(Change::Add),
            deletes: count(Change::Delete),
            ups: count(Change::Up),
            downs: count(Change::Down),
        });
    }
    if let Some((eff, rows, summary)) = flows {
        let name = |r: &FlowRow| FlowName {
            ticker: r.ticker.clone(),
            demand_usd: r.demand_usd,
            days_of_volume: r.days_of_volume,
            impact_bps: r.impact_bps,
        };
        let mut by_dov: Vec<&FlowRow> = rows
            .iter()
            .filter(|r| r.days_of_volume.is_finite())
            .collect();
        by_dov.sort_by(|a, b| {
            b.days_of_volume
                .total_cmp(&a.days_of_volume)
                .then(a.sec.cmp(&b.sec))
        });
        let top_buys = by_dov
            .iter()
            .filter(|r| r.demand_usd > 0.0)
            .take(15)
            .map(|r| name(r))
            .collect();
        let top_sells = by_dov
            .iter()
            .filter(|r| r.demand_usd < 0.0)
            .take(15)
            .map(|r| name(r))
            .collect();
        let edges = [0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, f64::INFINITY];
        let mut hist = Vec::new();
        for w in edges.windows(2) {
            let n = rows
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
        data.flows = Some(FlowsSection {
            effective_date: eff,
            top_buys,
            top_sells,
            decile_net_usd: summary.deciles.iter().map(|d| d.net_usd).collect(),
            dov_histogram: hist,
            turnover: summary
                .per_index
                .iter()
                .map(|f| (f.index.as_str().to_string(), f.one_way_turnover))
                .collect(),
        });
        data.market_summary.push((
            format!("Flows {eff}"),
            format!("{} traded one way", usd(summary.index_one_way_usd)),
        ));
    }
    if let Some(f) = fund {
        let (mut cf, mut ci) = (1.0, 1.0);
        let mut td = Vec::with_capacity(f.days.len());
        for d in &f.days {
            cf *= 1.0 + d.fund_return;
            ci *= 1.0 + d.index_return;
            td.push(1e4 * (cf - ci));
        }
        data.fund = Some(FundSection {
            dates: f.days.iter().map(|d| d.date).collect(),
            tracking_difference_bp: td,
            nav: f.days.iter().map(|d| d.nav).collect(),
            stats: crate::commands::fund::stats_rows(&f.stats),
        });
    }
    data
}
