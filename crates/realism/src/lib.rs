//! # rankday-realism: is a market realistic?
//!
//! The checks a desk would run on a market before trusting what rankday
//! says about it, each printed with its target and PASS or FAIL:
//!
//! * **returns** ([`rankday_synth::returns::return_checks`]): Russell 2000 and
//!   Russell 1000 volatility, their daily correlation and tracking error, no
//!   built-in small-cap premium, a deep large-cap bear market over a long
//!   history, fat tails and volatility clustering;
//! * **bands** ([`rankday_synth::returns::band_checks`]): the R1000 and R2000
//!   line counts after every June reconstitution, and R1000↔R2000
//!   migrations before and after banding (methodology §4);
//! * **liquidity** ([`liquidity_checks`]): days of volume of the R2000
//!   additions, the square-root impact of the largest trades, the volume of
//!   the reconstitution day, no NaN in the flow tables, and the same count
//!   of changes in `flows` and `reconstitute` (methodology §8);
//! * **fund** ([`fund_checks`]): the IWM-like fund's trades per year, its
//!   cash, and its turnover against the index's own.
//!
//! The same code judges a small generated market (`tests/`) and the 50-year
//! market (`cargo bench -p rankday-realism --bench realism`). A market runs
//! through the job library (`rankday_pipeline::Job`) exactly as the CLI runs
//! it: the shipped Russell calendar and policy, every rank day chained with
//! its IPO rounds, levels with the quarterly share updates.

use rankday_core::{Change, Date, IndexId, Market};
use rankday_pipeline::{Job, ReconHeadline};
use rankday_synth::returns::{band_checks, return_checks, Check, CheckTable, Verdict};
use rankday_synth::stats::median;

pub use rankday_synth::returns;

/// The return table of a job (one failing line if the levels are too short
/// to judge).
pub fn returns_table(job: &Job) -> anyhow::Result<CheckTable> {
    Ok(match job.return_stats()? {
        Some(p) => return_checks(&p),
        None => {
            let mut t = CheckTable::new("Returns");
            t.push(Check::range(
                "R2000 and R1000 levels",
                f64::NAN,
                "too few levels".into(),
                (0.0, 0.0),
                "at least three common days".into(),
                "",
            ));
            t
        }
    })
}

/// The band table of a job.
pub fn bands_table(job: &Job) -> anyhow::Result<CheckTable> {
    Ok(band_checks(&job.recon_counts()?))
}

/// What one June reconstitution's flows look like.
#[derive(Clone, Debug)]
pub struct ReconLiquidity {
    /// The reconstitution's effective date.
    pub effective_date: Date,
    /// Median days of volume of the lines added to the R2000 (from outside
    /// the family).
    pub adds_median_dov: f64,
    /// Lines added to the R2000 from outside the family.
    pub adds: usize,
    /// The same median for IWM's assets alone (IWM's part of the R2000
    /// passive dollars of the event, see [`R2000_PASSIVE_2026`], times the
    /// line's Russell 2000 weight after): the figure the real 2025 additions
    /// give.
    pub adds_median_dov_iwm: f64,
    /// Median over those additions of the shares passive funds hold after
    /// the reconstitution over the line's float: what the passive model
    /// makes them buy, the numerator of their days of volume.
    pub adds_median_passive_float: f64,
    /// Median over those additions of their ADV over their float: daily
    /// float turnover, the denominator.
    pub adds_median_turnover: f64,
    /// Largest |impact| among the 20 largest trades by dollars, bp.
    pub top20_max_impact_bps: f64,
    /// The trade of the 20 largest with that impact: ticker, change,
    /// dollars, days of volume and daily σ.
    pub top20_worst: String,
    /// Non-finite numbers in the `flows` table.
    pub non_finite_cells: usize,
    /// Volume of the R2000's lines on the effective date over their mean
    /// daily volume in the 20 days before.
    pub recon_day_volume_multiple: f64,
    /// Median over the R2000 additions of their own recon-day multiple.
    pub adds_volume_multiple: f64,
    /// `flows` reports reconstitute's adds, deletes, ups and downs, and its
    /// traded counts differ from them only by the lines gone before the
    /// pricing day and the lines an IPO round added since the previous rank
    /// day.
    pub counts_agree: bool,
    /// Both counts, as printed when they differ.
    pub counts: String,
}

/// IWM's assets, the fund whose 2025 holdings measure the real additions'
/// days of volume: $75.4bn (May 2026, `policy/passive.toml` of rankday-flows).
pub const IWM_AUM: f64 = 75.4e9;

/// All passive R2000 money in 2026 ($300bn, the figure the R2000's share of
/// float cap in `policy/passive.toml` is derived from). IWM is taken to stay
/// the same part of it, [`IWM_AUM`] / this, on any market and in any year:
/// its dollars on an event are that part of the R2000 dollars flows resolved
/// for it, so that IWM, like the model, owns the same share of each member's
/// float whatever the index's size.
pub const R2000_PASSIVE_2026: f64 = 300e9;

/// Volume of `secs` on day `d` over their mean daily volume on the 20 days
/// before it (split-adjusted is not needed: share counts of a day's volume
/// change with splits, but a 20-day window rarely holds one and the ratio is
/// of sums over many lines).
fn volume_multiple(market: &Market, secs: &[rankday_core::Sec], d: usize) -> f64 {
    if d < 20 {
        return f64::NAN;
    }
    let vol = |s: rankday_core::Sec, day: usize| -> f64 {
        market
            .row_of(s, day)
            .map(|i| market.row(i).volume)
            .filter(|v| v.is_finite())
            .unwrap_or(0.0)
    };
    let on: f64 = secs.iter().map(|&s| vol(s, d)).sum();
    let before: f64 = secs
        .iter()
        .map(|&s| (d - 20..d).map(|k| vol(s, k)).sum::<f64>())
        .sum::<f64>()
        / 20.0;
    if before > 0.0 {
        on / before
    } else {
        f64::NAN
    }
}

/// The liquidity figures of every June reconstitution effective on or
/// after `from` (and in the history, with a state before it).
pub fn recon_liquidity(job: &Job, from: Date) -> anyhow::Result<Vec<ReconLiquidity>> {
    let market = job.market();
    let last = market.last_date().unwrap_or_default();
    let history = job.history()?;
    let mut out = Vec::new();
    for r in &history.recons {
        let eff = r.event.effective_date;
        if r.event.kind != rankday_calendar::ReconKind::June
            || eff < from
            || eff > last
            || history.state_before(eff).is_none()
        {
            continue;
        }
        let f = job.realised_flows(eff)?;
        let iwm_usd = f
            .summary
            .index(IndexId::R2000)
            .map_or(0.0, |x| x.aum_usd * IWM_AUM / R2000_PASSIVE_2026);
        let in_r2000 = |w: &[(IndexId, f64)]| w.iter().any(|x| x.0 == IndexId::R2000);
        let adds: Vec<&rankday_flows::FlowRow> = f
            .rows
            .iter()
            .filter(|x| x.change == Change::Add && in_r2000(&x.weights_after))
            .collect();
        let mut by_size: Vec<&rankday_flows::FlowRow> = f.rows.iter().collect();
        by_size.sort_by(|a, b| {
            b.demand_usd
                .abs()
                .total_cmp(&a.demand_usd.abs())
                .then(a.sec.cmp(&b.sec))
        });
        let top20 = by_size
            .iter()
            .take(20)
            .map(|x| x.impact_bps.abs())
            .fold(
                0.0f64,
                |m, x| if x.is_nan() { f64::INFINITY } else { m.max(x) },
            );
        let top20_worst = by_size
            .iter()
            .take(20)
            .max_by(|a, b| a.impact_bps.abs().total_cmp(&b.impact_bps.abs()))
            .map_or(String::new(), |x| {
                format!(
                    "{} {:?} {} {:.1} days of volume, sigma {:.2}%/day, {:.0} bp",
                    x.ticker,
                    x.change,
                    rankday_core::money::usd(x.demand_usd),
                    x.days_of_volume,
                    100.0 * x.daily_sigma,
                    x.impact_bps
                )
            });
        let table = rankday_pipeline::tables::flows(market, &f.rows);
        let non_finite = table
            .columns
            .iter()
            .map(|(_, c)| match c {
                rankday_io::Column::F64(v) => v.iter().filter(|x| !x.is_finite()).count(),
                rankday_io::Column::OptF64(v) => {
                    v.iter().flatten().filter(|x| !x.is_finite()).count()
                }
                _ => 0,
            })
            .sum();
        let day = market.day_index(eff).unwrap_or(0);
        let float_before = |s: rankday_core::Sec| -> f64 {
            market
                .row_of(s, day.saturating_sub(1))
                .map_or(f64::NAN, |i| market.row(i).float_shares)
        };
        let members: Vec<rankday_core::Sec> = r
            .result
            .membership
            .members(IndexId::R2000)
            .map(|x| x.sec)
            .collect();
        let add_secs: Vec<rankday_core::Sec> = adds.iter().map(|x| x.sec).collect();
        let h = ReconHeadline::of(market, &r.result);
        let c = &f.summary.counts;
        let rc = &f.summary.recon_counts;
        // The reconstitution's own count is reconstitute's, and the traded
        // count differs from it only by the lines gone and the lines an IPO
        // round added since the previous rank day (each shifts at most two
        // counts: its change against the holdings, its change against the
        // previous state).
        let moved = c.add.abs_diff(h.adds)
            + (c.delete + c.gone).abs_diff(h.deletes)
            + c.up.abs_diff(h.ups)
            + c.down.abs_diff(h.downs);
        let agree = (rc.add, rc.delete, rc.up, rc.down) == (h.adds, h.deletes, h.ups, h.downs)
            && c.gone == h.gone
            && moved <= 2 * c.held;
        out.push(ReconLiquidity {
            effective_date: eff,
            adds_median_dov: median(adds.iter().map(|x| x.days_of_volume).collect()),
            adds: adds.len(),
            adds_median_dov_iwm: median(
                adds.iter()
                    .map(|x| {
                        let w = x
                            .weights_after
                            .iter()
                            .find(|w| w.0 == IndexId::R2000)
                            .map_or(0.0, |w| w.1);
                        iwm_usd * w / x.price / x.adv_shares
                    })
                    .collect(),
            ),
            adds_median_passive_float: median(
                adds.iter()
                    .map(|x| x.passive_shares_after / float_before(x.sec))
                    .collect(),
            ),
            adds_median_turnover: median(
                adds.iter()
                    .map(|x| x.adv_shares / float_before(x.sec))
                    .collect(),
            ),
            top20_max_impact_bps: top20,
            top20_worst,
            non_finite_cells: non_finite,
            recon_day_volume_multiple: volume_multiple(market, &members, day),
            adds_volume_multiple: median(
                add_secs
                    .iter()
                    .map(|&s| volume_multiple(market, &[s], day))
                    .collect(),
            ),
            counts_agree: agree,
            counts: format!(
                "flows traded {}+{} held/{}+{} gone/{}/{}, recon {}/{}/{}/{} vs reconstitute {}/{} ({} gone)/{}/{}",
                c.add, c.held, c.delete, c.gone, c.up, c.down, rc.add, rc.delete, rc.up, rc.down,
                h.adds, h.deletes, h.gone, h.ups, h.downs
            ),
        });
    }
    Ok(out)
}

/// Judges every June reconstitution of [`recon_liquidity`] against the
/// targets (methodology §8, and the real 2025 reconstitution in the shared
/// data: R3000 additions traded a median 11× their 20-day volume on the
/// day, ^RUT's members 1.1-2.1× in 2000-2025, median 1.42×).
///
/// Days of volume are judged twice: for IWM's assets alone, the one fund
/// whose real holdings measure it (the 2025 additions held by IWM in
/// November 2025: a median 2.1 days of their 20-day volume before the
/// effective date), and for every passive dollar of the shipped passive
/// policy (about 15% of a Russell 2000 member's float). The second has no
/// direct real measure; the closest is the additions' own recon-day volume,
/// 11× a normal day, which is about ten days of index demand traded at the
/// close. Its target is therefore about ten days, 5-15, not the 0.5-5 of
/// IWM alone: passive funds own 10-15% of an addition's float and the
/// additions trade about 1% of it a day, in the real market as here, so
/// every passive dollar is ten-odd days of volume by arithmetic, and a
/// market that made it less would have too much volume or too little
/// passive money.
pub fn liquidity_checks(rows: &[ReconLiquidity]) -> CheckTable {
    let mut t = CheckTable::new(format!(
        "Liquidity: {} June reconstitutions ({} to {})",
        rows.len(),
        rows.first()
            .map_or("-".into(), |r| r.effective_date.to_string()),
        rows.last()
            .map_or("-".into(), |r| r.effective_date.to_string())
    ));
    let each = |name: &str,
                f: fn(&ReconLiquidity) -> f64,
                (lo, hi): (f64, f64),
                unit: &str,
                target: &str,
                real: &str|
     -> Check {
        if rows.is_empty() {
            return Check::not_applicable(
                name,
                f64::NAN,
                "no June reconstitution".into(),
                target.into(),
                real,
            );
        }
        let v: Vec<f64> = rows.iter().map(f).collect();
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let bad = v.iter().filter(|x| !(**x >= lo && **x <= hi)).count();
        let mut c = Check::range(
            name,
            bad as f64,
            format!("{min:.2}-{max:.2}{unit}; {bad} of {} outside", v.len()),
            (0.0, 0.0),
            target.into(),
            real,
        );
        c.value = max;
        c
    };
    t.push(each(
        "median days of volume, R2000 adds, IWM alone",
        |r| r.adds_median_dov_iwm,
        (0.5, 5.0),
        " days",
        "0.5-5 days every June",
        "2025: 2.1 days (IWM's holdings over the 20-day ADV)",
    ));
    t.push(each(
        "median days of volume, R2000 adds, every passive dollar",
        |r| r.adds_median_dov,
        (5.0, 15.0),
        " days",
        "5-15 days every June",
        "2025: about 10 (adds traded 11x their ADV on the day)",
    ));
    t.push(each(
        "daily float turnover, R2000 adds (median)",
        |r| 100.0 * r.adds_median_turnover,
        (0.5, 2.0),
        "% of float",
        "0.5-2% a day",
        "2025 adds about 1.1% (shared data)",
    ));
    t.push(each(
        "largest 20 trades' impact",
        |r| r.top20_max_impact_bps,
        (0.0, 500.0),
        " bp",
        "at most 500 bp every June",
        "",
    ));
    t.push(each(
        "recon-day volume, R2000 lines",
        |r| r.recon_day_volume_multiple,
        (1.2, 2.5),
        "x their 20-day mean",
        "1.2-2.5x",
        "^RUT 1.1-2.1x, median 1.42x (2000-25)",
    ));
    t.push(each(
        "recon-day volume, R2000 adds (median)",
        |r| r.adds_volume_multiple,
        (3.0, 30.0),
        "x their 20-day mean",
        "3-30x",
        "2025 R3000 adds: median 11x",
    ));
    t.push(each(
        "non-finite cells in the flows table",
        |r| r.non_finite_cells as f64,
        (0.0, 0.0),
        "",
        "none",
        "",
    ));
    let disagree: Vec<&ReconLiquidity> = rows.iter().filter(|r| !r.counts_agree).collect();
    t.push(Check {
        name: "flows and reconstitute count the same changes".into(),
        value: disagree.len() as f64,
        shown: match disagree.first() {
            None => format!("all {} Junes agree", rows.len()),
            Some(r) => format!(
                "{} of {} differ, e.g. {}: {}",
                disagree.len(),
                rows.len(),
                r.effective_date,
                r.counts
            ),
        },
        target: "same counts; traded ones differ by gone and held only".into(),
        real: String::new(),
        verdict: if rows.is_empty() {
            Verdict::NotApplicable
        } else if disagree.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        },
    });
    t
}

/// The IWM-like fund (the demo's: `rankday_pipeline::demo_fund`) from
/// `from`: trades per year, cash, and turnover against the index's own.
///
/// The index's own turnover is measured as the fund's is, on the SEC's
/// definition (the lesser of purchases and sales over average net assets),
/// by a frictionless fund that replicates the index exactly from the same
/// day with the same assets. The index's one-way weight change
/// ([`rankday_fund::Activity::index_turnover`]) is printed beside it but
/// is not the yardstick: it counts what the fund's figure does not (a cash
/// takeover leaves the index without a sale, and the fund's reinvestment
/// of the proceeds is a purchase with no matching sale), so only the
/// replica measures what the fund's own rules, its tolerance above all,
/// save. The table prints all three, so the size of the difference
/// between the definitions can be read off any market.
pub fn fund_checks(job: Job, from: Date) -> anyhow::Result<CheckTable> {
    let cfg = rankday_fund::FundConfig {
        from: Some(from),
        ..rankday_pipeline::demo_fund()
    };
    let exact = rankday_fund::FundConfig {
        from: Some(from),
        ..rankday_fund::FundConfig::frictionless(cfg.index, cfg.start_assets)
    };
    let job = job.with_fund(cfg);
    let r = job.fund()?;
    let reference = job.with_fund(exact).fund()?.activity;
    let a = r.activity;
    let mut t = CheckTable::new(format!(
        "Fund: IWM-like ($75B, 0.19%) from {} ({:.1} years)",
        r.days.first().map_or(from, |d| d.date),
        a.years
    ));
    t.push(Check::range(
        "trades per year",
        a.trades_per_year,
        format!("{:.0} ({} trades)", a.trades_per_year, a.trades),
        (0.0, 20_000.0),
        "below 20,000".into(),
        "IWM: one trade list per index change",
    ));
    t.push(Check::range(
        "lowest cash at a close",
        a.min_cash,
        format!(
            "{} ({:.3}% of NAV)",
            rankday_core::money::usd(a.min_cash),
            100.0 * a.min_cash_share
        ),
        (0.0, f64::INFINITY),
        "never negative".into(),
        "",
    ));
    let ratio = a.turnover / reference.turnover;
    t.push(Check::range(
        "turnover against the index's own",
        ratio,
        format!(
            "{:.1}%/yr vs {:.1}%/yr ({ratio:.2}x; the index's one-way weight change {:.1}%/yr)",
            100.0 * a.turnover,
            100.0 * reference.turnover,
            100.0 * a.index_turnover
        ),
        (0.75, 1.33),
        "0.75-1.33x of an exact replica's, both min(buys, sells) / NAV".into(),
        "",
    ));
    t.push(Check::range(
        "tracking difference",
        r.stats.tracking_difference_annualised,
        format!("{:.1} bp/yr", 1e4 * r.stats.tracking_difference_annualised),
        (-0.01, 0.0),
        "between -100 and 0 bp/yr".into(),
        "IWM about -20 to -30 bp/yr",
    ));
    Ok(t)
}
