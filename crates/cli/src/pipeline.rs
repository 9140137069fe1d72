//! Orchestration shared by several commands: loading a market with the
//! right policies, and running the reconstitution history in order (each
//! rank day sees the membership left by the previous one, plus the quarterly
//! IPO additions in between).

use std::path::Path;

use anyhow::Context;
use rankday_calc::{CalcConfig, CalcOutput};
use rankday_calendar::{ReconCalendar, TradingCalendar};
use rankday_core::{Date, Market, Membership};
use rankday_method::{HistoryOptions, Policy};

use crate::args::{MembershipArg, PolicyArgs};
use crate::output::Output;

pub fn load_market(dir: &Path) -> anyhow::Result<Market> {
    rankday_io::read_market(dir).with_context(|| {
        format!(
            "loading the market at {} (see `rankday generate --help` to make one)",
            dir.display()
        )
    })
}

/// The reconstitution calendar: the user's TOML or the shipped schedule, on
/// the policy's NYSE trading calendar. A market's dates never decide which
/// days trade (market-format.md, calendar paragraph): a sparse market holds
/// a few observation dates, and a full one is checked against the calendar.
pub fn recon_calendar(p: &PolicyArgs, _market: Option<&Market>) -> anyhow::Result<ReconCalendar> {
    let trading = TradingCalendar::nyse();
    match &p.calendar {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading calendar policy {}", path.display()))?;
            ReconCalendar::from_toml(&text, trading)
                .with_context(|| format!("in calendar policy {}", path.display()))
        }
        None => Ok(ReconCalendar::russell_with(trading)?),
    }
}

pub fn method_policy(p: &PolicyArgs) -> anyhow::Result<Policy> {
    match &p.policy {
        Some(path) => Policy::from_file(path)
            .with_context(|| format!("in construction policy {}", path.display())),
        None => Ok(Policy::russell()),
    }
}

pub use rankday_method::{History, Recon};

/// Every reconstitution of the history (`rankday_method::run_history`), with
/// a progress bar. `only`: stop after that rank day (the IPO rounds and
/// updates before it included, so it is the full history's reconstitution).
pub fn run_history(
    market: &Market,
    cal: &ReconCalendar,
    policy: &Policy,
    only: Option<Date>,
    out: &Output,
) -> anyhow::Result<History> {
    let pb = out.progress(0, "reconstituting");
    let opts = HistoryOptions {
        until_rank_date: only,
        without_ipos: false,
    };
    let h = rankday_method::run_history(market, cal, policy, opts, &|done, total| {
        pb.set_length(total as u64);
        pb.set_position(done as u64);
    })?;
    pb.finish_and_clear();
    Ok(h)
}

/// The reconstitution history and the levels of its states, from one run
/// (`rankday_method::run_history_with_levels`: each state starts from what
/// the calculation holds on its rank day), with a progress bar.
pub fn history_and_levels(
    market: &Market,
    cal: &ReconCalendar,
    policy: &Policy,
    cfg: &CalcConfig,
    out: &Output,
) -> anyhow::Result<(History, CalcOutput)> {
    let plan = rankday_method::HistoryPlan::new(market, cal, HistoryOptions::default())?;
    let pb = out.progress(0, "reconstituting and calculating");
    let progress = |done: usize, total: usize| {
        pb.set_length(total as u64);
        pb.set_position(done as u64);
    };
    let (history, levels) = plan
        .run(market, policy, cfg, &progress)
        .context("reconstituting and calculating index levels")?;
    pb.finish_and_clear();
    Ok((history, levels))
}

/// The membership states a command works from: the user's `membership`
/// table when given, else the reconstitution history of the market.
pub fn states(
    market: &Market,
    cal: &ReconCalendar,
    p: &PolicyArgs,
    m: &MembershipArg,
    out: &Output,
) -> anyhow::Result<Vec<Membership>> {
    match &m.membership {
        Some(path) => rankday_io::read_membership(path, market)
            .with_context(|| format!("reading the membership states in {}", path.display())),
        None => Ok(run_history(market, cal, &method_policy(p)?, None, out)?.states),
    }
}

/// Cap of the company at a breakpoint (e.g. rank 1,000).
pub fn cap_at(b: &rankday_method::Breakpoints, cut: rankday_method::Cut) -> f64 {
    b.get(cut).cap
}

/// A breakpoint's band edges in dollars, low then high: a member below the
/// low edge moves down, one above the high edge moves up (methodology §4).
/// NaN when no band applied (before 2007, or a cut without a band).
pub fn band_usd(b: &rankday_method::Breakpoints, cut: rankday_method::Cut) -> (f64, f64) {
    match b.get(cut).band {
        Some(x) => (
            x.cap_at_lower_pct.min(x.cap_at_upper_pct),
            x.cap_at_lower_pct.max(x.cap_at_upper_pct),
        ),
        None => (f64::NAN, f64::NAN),
    }
}
