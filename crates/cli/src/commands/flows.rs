use anyhow::Context;
use rankday_core::{Date, IndexId, Market, Membership};
use rankday_flows::{FlowConfig, FlowRow, FlowSummary, PassiveModel};
use rankday_io::{Column, Table};
use rankday_method::ReconSpec;

use crate::args::FlowsArgs;
use crate::output::{usd, Output};
use crate::pipeline::{self, History};

pub fn run(a: FlowsArgs, out: &Output) -> anyhow::Result<()> {
    let market = pipeline::load_market(&a.market.market)?;
    let cal = pipeline::recon_calendar(&a.policy, Some(&market))?;
    let policy = pipeline::method_policy(&a.policy)?;
    let model = match &a.passive {
        Some(p) => PassiveModel::from_file(p)
            .with_context(|| format!("in passive model {}", p.display()))?,
        None => PassiveModel::russell_default(),
    };
    let cfg = FlowConfig::default();
    let history = pipeline::run_history(&market, &cal, &policy, None, out)?;
    let fmt = a.out.format.into();
    match (a.recon, a.as_of) {
        (Some(eff), _) => {
            let (rows, summary) = realised(&market, &cal, &history, eff, &model, &cfg)?;
            let p =
                rankday_io::write_table(&a.out.out, "flows", &flows_table(&market, &rows), fmt)?;
            print_summary(&summary, &rows, out);
            out.say(format!("flows -> {}", p.display()));
            out.json_value(&serde_json::json!({ "flows": p, "summary": summary_json(&summary) }));
        }
        (None, as_of) => {
            let as_of = as_of.or(market.last_date()).context("empty market")?;
            let fc = forecast(&market, &cal, &policy, &history, as_of, &model, &cfg)?;
            let p =
                rankday_io::write_table(&a.out.out, "flows", &flows_table(&market, &fc.rows), fmt)?;
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
            let conv = convergence(&market, &cal, &policy, &history, as_of, &model, &cfg)?;
            print_convergence(&conv, out);
            out.say(format!("flows -> {}", p.display()));
            out.json_value(&serde_json::json!({ "flows": p, "as_of": as_of, "effective_date": fc.effective_date, "summary": summary_json(&fc.summary) }));
        }
    }
    Ok(())
}

/// What the index family holds after the close of `date`, with every
/// quarterly update and corporate action since the last reconstitution: the
/// side passive funds trade from (the last membership state does not show
/// those).
fn held(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    history: &History,
    date: Date,
) -> anyhow::Result<Membership> {
    let mut states = held_at(market, cal, history, &[date])?;
    Ok(states.pop().expect("one state per date").state)
}

/// [`held`] at several dates, from one pass of the calculation
/// (`rankday_method::previous_state` for each: the holdings after the close,
/// and the float factors they stand for).
fn held_at(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    history: &History,
    dates: &[Date],
) -> anyhow::Result<Vec<rankday_calc::Held>> {
    let cfg = super::calc::calc_config(market, cal, vec![IndexId::R3000E]);
    rankday_calc::holdings_states(market, &history.states, dates, &cfg)
        .context("valuing the index holdings")
}

/// The rank date of the forecast of the next reconstitution made at `as_of`:
/// the rank day once it is reached, else the as-of day.
fn forecast_rank_date(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    as_of: Date,
) -> anyhow::Result<Date> {
    let ev = cal.next_recon_after(as_of);
    Ok(if as_of < ev.rank_date {
        market.dates()[market
            .day_on_or_before(as_of)
            .context("as-of date before the history")?]
    } else {
        ev.rank_date
    })
}

/// Flows of a reconstitution that happened (its effective date is in the history or ahead).
pub fn realised(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    history: &History,
    effective: Date,
    model: &PassiveModel,
    cfg: &FlowConfig,
) -> anyhow::Result<(Vec<FlowRow>, FlowSummary)> {
    let recon = history
        .recons
        .iter()
        .find(|r| r.event.effective_date == effective)
        .with_context(|| {
            let days: Vec<String> = history
                .recons
                .iter()
                .map(|r| r.event.effective_date.to_string())
                .collect();
            format!(
                "no reconstitution effective {effective}; effective dates are: {}",
                days.join(", ")
            )
        })?;
    history
        .state_before(effective)
        .context("no membership before this reconstitution: it is the first of the history")?;
    let pricing = effective.min(market.last_date().unwrap_or(effective));
    // Holdings after the close of the day before the effective date: the
    // recon itself is applied after the effective date's close.
    let day = market
        .day_on_or_before(effective)
        .context("effective date before the history")?;
    let before = held(market, cal, history, market.dates()[day.saturating_sub(1)])?;
    Ok(rankday_flows::compute_flows(
        market,
        &before,
        &recon.result.membership,
        pricing,
        model,
        cfg,
    )?)
}

pub struct Forecast {
    pub rank_date: Date,
    pub effective_date: Date,
    pub rows: Vec<FlowRow>,
    pub summary: FlowSummary,
}

/// The upcoming reconstitution as seen with the data known at `as_of`:
/// before rank day the caps are those of `as_of`; after it, rank-day caps
/// (frozen) with prices of `as_of` for the trade sizes. It starts from what
/// the index held after the close of its rank date, as the history's
/// reconstitutions do.
pub fn forecast(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    policy: &rankday_method::Policy,
    history: &History,
    as_of: Date,
    model: &PassiveModel,
    cfg: &FlowConfig,
) -> anyhow::Result<Forecast> {
    let pricing = as_of.min(market.last_date().unwrap_or(as_of));
    let rank_date = forecast_rank_date(market, cal, as_of)?;
    let mut held = held_at(market, cal, history, &[rank_date, pricing])?;
    let before = held.pop().expect("two dates").state;
    let previous = held.pop().expect("two dates");
    forecast_from(market, cal, policy, as_of, &before, &previous, model, cfg)
}

/// [`forecast`] trading from `before`, the holdings at the pricing date
/// (`as_of`, or the market's last date if earlier), and ranked from
/// `previous`, the holdings after the close of its rank date.
#[allow(clippy::too_many_arguments)]
fn forecast_from(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    policy: &rankday_method::Policy,
    as_of: Date,
    before: &Membership,
    previous: &rankday_calc::Held,
    model: &PassiveModel,
    cfg: &FlowConfig,
) -> anyhow::Result<Forecast> {
    let ev = cal.next_recon_after(as_of);
    let rank_date = forecast_rank_date(market, cal, as_of)?;
    let pricing = as_of.min(market.last_date().unwrap_or(as_of));
    let spec = ReconSpec {
        rank_date,
        // Corporate events re-ranked only as far as they are known.
        lockdown_date: Some(ev.lockdown_date.min(pricing.add_days(1))),
        ..ReconSpec::of(&ev, cal)
    };
    if previous.state.rows.is_empty() {
        anyhow::bail!("no membership in force at the as-of date: the history starts too late");
    }
    let mut recon = rankday_method::reconstitute_held(market, &spec, Some(previous), policy)?;
    // What is known at the as-of date: exits up to it, none after.
    rankday_method::drop_gone(market, &mut recon.membership, pricing);
    let (rows, summary) =
        rankday_flows::compute_flows(market, before, &recon.membership, pricing, model, cfg)?;
    Ok(Forecast {
        rank_date: ev.rank_date,
        effective_date: ev.effective_date,
        rows,
        summary,
    })
}

pub fn flows_table(market: &Market, rows: &[FlowRow]) -> Table {
    let w = |v: &Vec<(IndexId, f64)>, i: IndexId| v.iter().find(|x| x.0 == i).map_or(0.0, |x| x.1);
    let moving: Vec<IndexId> = IndexId::ALL
        .iter()
        .copied()
        .filter(|&i| {
            rows.iter()
                .any(|r| w(&r.weights_before, i) != 0.0 || w(&r.weights_after, i) != 0.0)
        })
        .collect();
    let mut columns = vec![
        (
            "effective_date".to_string(),
            Column::Date(rows.iter().map(|r| r.effective_date).collect()),
        ),
        (
            "security_id".into(),
            Column::Str(
                rows.iter()
                    .map(|r| market.security(r.sec).security_id.clone())
                    .collect(),
            ),
        ),
        (
            "ticker".into(),
            Column::Str(rows.iter().map(|r| r.ticker.clone()).collect()),
        ),
        (
            "change".into(),
            Column::Str(rows.iter().map(|r| r.change.as_str().to_string()).collect()),
        ),
    ];
    for &i in &moving {
        columns.push((
            format!("weight_before_{}", i.column()),
            Column::F64(rows.iter().map(|r| w(&r.weights_before, i)).collect()),
        ));
        columns.push((
            format!("weight_after_{}", i.column()),
            Column::F64(rows.iter().map(|r| w(&r.weights_after, i)).collect()),
        ));
    }
    let f = |g: fn(&FlowRow) -> f64| Column::F64(rows.iter().map(g).collect());
    columns.extend([
        (
            "passive_shares_before".to_string(),
            f(|r| r.passive_shares_before),
        ),
        ("passive_shares_after".into(), f(|r| r.passive_shares_after)),
        ("demand_shares".into(), f(|r| r.demand_shares)),
        ("demand_usd".into(), f(|r| r.demand_usd)),
        ("adv_shares".into(), f(|r| r.adv_shares)),
        ("days_of_volume".into(), f(|r| r.days_of_volume)),
        ("auction_multiple".into(), f(|r| r.auction_multiple)),
        ("impact_bps".into(), f(|r| r.impact_bps)),
    ]);
    Table { columns }
}

/// The summary as JSON for `--json`.
pub fn summary_json(s: &FlowSummary) -> serde_json::Value {
    serde_json::json!({
        "effective_date": s.effective_date, "pricing_date": s.pricing_date,
        "buys_usd": s.buys_usd, "sells_usd": s.sells_usd, "net_usd": s.net_usd,
        "index_one_way_usd": s.index_one_way_usd, "crossed_usd": s.crossed_usd,
        "counts": { "add": s.counts.add, "delete": s.counts.delete, "up": s.counts.up, "down": s.counts.down, "stay": s.counts.stay },
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
    out.say("net buying by total-cap decile (1 = smallest):");
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

/// Forecasts of the same reconstitution made at its milestones up to `as_of`
/// (a month before rank day, rank day, preliminary lists, lock-down,
/// effective date; methodology §1), judged against the latest one: how the
/// lists and the demand firm up as the date approaches.
pub fn convergence(
    market: &Market,
    cal: &rankday_calendar::ReconCalendar,
    policy: &rankday_method::Policy,
    history: &History,
    as_of: Date,
    model: &PassiveModel,
    cfg: &FlowConfig,
) -> anyhow::Result<Vec<rankday_flows::forecast::ConvergenceRow>> {
    let ev = cal.next_recon_after(as_of);
    let last = market.last_date().unwrap_or(as_of);
    let mut dates: Vec<Date> = [
        ev.rank_date.add_days(-30),
        ev.rank_date,
        ev.preliminary_date,
        ev.lockdown_date,
        ev.effective_date,
    ]
    .into_iter()
    .filter(|d| *d < as_of && *d <= last)
    .collect();
    dates.push(as_of.min(last));
    dates.dedup();
    // Every milestone's holdings, and each forecast's rank date's, from one
    // pass of the calculation.
    let ranks: Vec<Date> = dates
        .iter()
        .map(|&d| forecast_rank_date(market, cal, d))
        .collect::<anyhow::Result<_>>()?;
    let all: Vec<Date> = dates.iter().chain(&ranks).copied().collect();
    let held = held_at(market, cal, history, &all)?;
    let (before, previous) = held.split_at(dates.len());
    let mut points = Vec::with_capacity(dates.len());
    for (k, &d) in dates.iter().enumerate() {
        let fc = forecast_from(
            market,
            cal,
            policy,
            d,
            &before[k].state,
            &previous[k],
            model,
            cfg,
        );
        if let Ok(fc) = fc {
            if fc.effective_date == ev.effective_date {
                points.push((d, fc.rows, fc.summary));
            }
        }
    }
    Ok(rankday_flows::forecast::convergence(&points))
}

fn print_convergence(rows: &[rankday_flows::forecast::ConvergenceRow], out: &Output) {
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
