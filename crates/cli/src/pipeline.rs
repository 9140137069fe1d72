//! Orchestration shared by several commands: loading a market with the
//! right policies, and running the reconstitution history in order (each
//! rank day sees the membership left by the previous one, plus the quarterly
//! IPO additions in between).

use std::path::Path;

use anyhow::Context;
use rankday_calendar::{ReconCalendar, ReconEvent, ReconKind, TradingCalendar};
use rankday_core::{Date, IndexId, Market, Membership};
use rankday_io::{Column, Table};
use rankday_method::{Policy, ReconSpec, Reconstitution};

use crate::args::PolicyArgs;
use crate::output::Output;

pub fn load_market(dir: &Path) -> anyhow::Result<Market> {
    rankday_io::read_market(dir).with_context(|| {
        format!(
            "loading the market at {} (see `rankday generate --help` to make one)",
            dir.display()
        )
    })
}

/// The reconstitution calendar: the user's TOML or the shipped schedule; when
/// a market is given, its own trading dates decide the historical calendar.
pub fn recon_calendar(p: &PolicyArgs, market: Option<&Market>) -> anyhow::Result<ReconCalendar> {
    let mut trading = TradingCalendar::nyse();
    if let Some(m) = market {
        trading = trading.with_history(m.dates());
    }
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

/// One reconstitution of the history with its calendar event.
pub struct Recon {
    pub event: ReconEvent,
    pub result: Reconstitution,
}

/// Every reconstitution whose rank day lies in the history, plus the
/// membership states in force over time (recons and IPO rounds), in order.
///
/// `states` holds only states whose effective date is inside the history:
/// a reconstitution ranked but not yet effective (the upcoming one) is in
/// `recons` for forecasting, never applied to levels or funds.
pub struct History {
    pub recons: Vec<Recon>,
    pub states: Vec<Membership>,
}

/// Rank days need a month of prices before them (30-day average price rule,
/// methodology §2), so the first usable rank day is a little after the start.
const MIN_DAYS_BEFORE_RANK: usize = 30;

pub fn run_history(
    market: &Market,
    cal: &ReconCalendar,
    policy: &Policy,
    only: Option<Date>,
    out: &Output,
) -> anyhow::Result<History> {
    let (first, last) = match (market.first_date(), market.last_date()) {
        (Some(f), Some(l)) => (f, l),
        _ => anyhow::bail!("the market has no daily rows"),
    };
    let earliest = market
        .dates()
        .get(MIN_DAYS_BEFORE_RANK)
        .copied()
        .unwrap_or(last);
    let events: Vec<ReconEvent> = cal
        .recons_between(first, last)
        .into_iter()
        .filter(|e| e.rank_date >= earliest)
        .filter(|e| only.is_none_or(|d| e.rank_date <= d))
        .collect();
    if events.is_empty() {
        anyhow::bail!(
            "no rank day between {earliest} and {last}: the history is too short to reconstitute"
        );
    }
    let pb = out.progress(events.len() as u64, "reconstituting");
    let mut recons: Vec<Recon> = Vec::with_capacity(events.len());
    let mut states: Vec<Membership> = Vec::new();
    for (k, ev) in events.iter().enumerate() {
        let spec = ReconSpec {
            rank_date: ev.rank_date,
            effective_date: ev.effective_date,
            december: ev.kind == ReconKind::December,
            banding: ev.banding,
        };
        let result = rankday_method::reconstitute(market, &spec, states.last(), policy)
            .with_context(|| format!("reconstituting on rank day {}", ev.rank_date))?;
        if ev.effective_date > last {
            recons.push(Recon {
                event: ev.clone(),
                result,
            });
            pb.inc(1);
            continue;
        }
        states.push(result.membership.clone());
        // Quarterly IPO additions until the next rank day (methodology §1, "IPOs").
        let next_rank = events.get(k + 1).map(|e| e.rank_date).unwrap_or(last);
        if only.is_none() {
            for ipo in ipo_events_between(cal, ev.effective_date, next_rank) {
                if ipo.rank_date > last {
                    break;
                }
                let ret = r3000e_price_return(
                    market,
                    states.last().expect("state"),
                    ev.rank_date,
                    ipo.rank_date,
                );
                let next = rankday_method::ipo_additions(
                    market,
                    ipo.rank_date,
                    ipo.effective_date,
                    states.last().expect("state"),
                    &result,
                    ret,
                    policy,
                )
                .with_context(|| format!("IPO additions of {}", ipo.effective_date))?;
                states.push(next);
            }
        }
        recons.push(Recon {
            event: ev.clone(),
            result,
        });
        pb.inc(1);
    }
    pb.finish_and_clear();
    Ok(History { recons, states })
}

fn ipo_events_between(
    cal: &ReconCalendar,
    after: Date,
    before: Date,
) -> Vec<rankday_calendar::IpoEvent> {
    let mut v = Vec::new();
    for y in after.year()..=before.year() {
        for e in cal.ipo_events(y) {
            if e.rank_date > after && e.rank_date < before {
                v.push(e);
            }
        }
    }
    v
}

/// Price return of the Russell 3000E members, index shares held fixed, from
/// the last rank day to an IPO rank date: the market adjustment of the
/// breakpoints (methodology §1, GC-04).
pub fn r3000e_price_return(market: &Market, state: &Membership, from: Date, to: Date) -> f64 {
    let (Some(d0), Some(d1)) = (market.day_on_or_before(from), market.day_on_or_before(to)) else {
        return 0.0;
    };
    let (mut v0, mut v1) = (0.0, 0.0);
    for r in state.members(IndexId::R3000E) {
        let h = market.history(r.sec);
        let (Some(i0), Some(i1)) = (h.last_on_or_before(d0), h.last_on_or_before(d1)) else {
            continue;
        };
        let (p0, p1) = (h.row(i0).close, h.row(i1).close);
        if p0.is_finite() && p1.is_finite() {
            v0 += p0 * r.index_shares;
            v1 += p1 * r.index_shares;
        }
    }
    if v0 > 0.0 {
        v1 / v0 - 1.0
    } else {
        0.0
    }
}

/// The `membership` table of the format spec, one row per (state, security).
pub fn membership_table(market: &Market, states: &[Membership]) -> Table {
    let n: usize = states.iter().map(|s| s.rows.len()).sum();
    let mut rank_date = Vec::with_capacity(n);
    let mut effective = Vec::with_capacity(n);
    let mut sid = Vec::with_capacity(n);
    let mut cid = Vec::with_capacity(n);
    let mut ticker = Vec::with_capacity(n);
    let mut rank = Vec::with_capacity(n);
    let mut tcap = Vec::with_capacity(n);
    let mut fcap = Vec::with_capacity(n);
    let mut pct = Vec::with_capacity(n);
    let mut shares = Vec::with_capacity(n);
    let mut change = Vec::with_capacity(n);
    let mut flags: Vec<Vec<bool>> = vec![Vec::with_capacity(n); IndexId::ALL.len()];
    for s in states {
        for r in &s.rows {
            let sec = market.security(r.sec);
            rank_date.push(s.rank_date);
            effective.push(s.effective_date);
            sid.push(sec.security_id.clone());
            cid.push(sec.company_id.clone());
            ticker.push(sec.ticker.clone());
            rank.push(r.rank as i64);
            tcap.push(r.total_market_cap);
            fcap.push(r.float_market_cap);
            pct.push(r.cumulative_percentile);
            shares.push(r.index_shares);
            change.push(r.change.as_str().to_string());
            for (k, i) in IndexId::ALL.iter().enumerate() {
                flags[k].push(r.indexes.contains(*i));
            }
        }
    }
    let mut columns = vec![
        ("rank_date".to_string(), Column::Date(rank_date)),
        ("effective_date".into(), Column::Date(effective)),
        ("security_id".into(), Column::Str(sid)),
        ("company_id".into(), Column::Str(cid)),
        ("ticker".into(), Column::Str(ticker)),
        ("rank".into(), Column::I64(rank)),
        ("total_market_cap".into(), Column::F64(tcap)),
        ("float_market_cap".into(), Column::F64(fcap)),
        ("cumulative_percentile".into(), Column::F64(pct)),
        ("index_shares".into(), Column::F64(shares)),
    ];
    for (k, i) in IndexId::ALL.iter().enumerate() {
        columns.push((
            i.column().to_string(),
            Column::Bool(std::mem::take(&mut flags[k])),
        ));
    }
    columns.push(("change".into(), Column::Str(change)));
    Table { columns }
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
