//! One reconstitution, its headline numbers, and the explanation of one
//! security's fate on a rank day.

use std::borrow::Cow;

use rankday_core::{Change, Date, IndexId, Market, Membership, Sec};
use rankday_method::{Cut, Explanation, Recon, Reconstitution};

use crate::{Job, PipelineError, Result};

/// What a reconstitution did, in the numbers a desk reads first: the size
/// of each index, the breakpoints and the R1000 band, and how many lines
/// moved.
#[derive(Clone, Debug, PartialEq)]
pub struct ReconHeadline {
    /// The rank day.
    pub rank_date: Date,
    /// The day after whose close the new membership applies.
    pub effective_date: Date,
    /// Member lines per index, in [`IndexId::ALL`] order.
    pub counts: Vec<(IndexId, usize)>,
    /// Total market cap (USD) of the company ranked #1000: the R1000/R2000 breakpoint.
    pub cap_rank_1000: f64,
    /// Total market cap (USD) of the company ranked #3000: the bottom of the R2000.
    pub cap_rank_3000: f64,
    /// The R1000 band's edges in USD, low then high (NaN without a band).
    pub band_1000_usd: (f64, f64),
    /// Lines added to the family.
    pub adds: usize,
    /// Lines deleted from the family: those the rules take out plus `gone`.
    pub deletes: usize,
    /// Of `deletes`, lines that had stopped trading (acquired or delisted)
    /// before the effective date: the index dropped them when they stopped,
    /// so they are not traded at the reconstitution (`rankday flows` counts
    /// them apart, and its deletes are `deletes - gone`).
    pub gone: usize,
    /// Lines that moved up from the R2000 to the R1000.
    pub ups: usize,
    /// Lines that moved down from the R1000 to the R2000.
    pub downs: usize,
}

impl ReconHeadline {
    /// The headline of one reconstitution.
    pub fn of(market: &Market, r: &Reconstitution) -> ReconHeadline {
        let m = &r.membership;
        let b = &r.breakpoints;
        let count = |c: Change| m.rows.iter().filter(|x| x.change == c).count();
        let gone = m
            .rows
            .iter()
            .filter(|x| {
                x.change == Change::Delete
                    && rankday_method::exits::stopped_before(market, x.sec, m.effective_date)
                        .is_some()
            })
            .count();
        ReconHeadline {
            rank_date: m.rank_date,
            effective_date: m.effective_date,
            counts: IndexId::ALL.iter().map(|&i| (i, m.count(i))).collect(),
            cap_rank_1000: b.get(Cut::R1000).cap,
            cap_rank_3000: b.get(Cut::R3000).cap,
            band_1000_usd: band_usd(b, Cut::R1000),
            adds: count(Change::Add),
            deletes: count(Change::Delete),
            gone,
            ups: count(Change::Up),
            downs: count(Change::Down),
        }
    }

    /// Member lines of `index`.
    pub fn count(&self, index: IndexId) -> usize {
        self.counts.iter().find(|c| c.0 == index).map_or(0, |c| c.1)
    }
}

/// A breakpoint's band edges in dollars, low then high: a member below the
/// low edge moves down, one above the high edge moves up (methodology §4).
/// NaN when no band applied (before 2007, or a cut without a band).
fn band_usd(b: &rankday_method::Breakpoints, cut: Cut) -> (f64, f64) {
    match b.get(cut).band {
        Some(x) => (
            x.cap_at_lower_pct.min(x.cap_at_upper_pct),
            x.cap_at_lower_pct.max(x.cap_at_upper_pct),
        ),
        None => (f64::NAN, f64::NAN),
    }
}

impl Job {
    /// The reconstitution of `rank_date` (from the history up to it, IPO
    /// rounds and updates included: the full history's reconstitution), or
    /// every reconstitution of the history.
    pub fn reconstitutions(&self, rank_date: Option<Date>) -> Result<Cow<'_, [Recon]>> {
        Ok(self.reconstitutions_and_states(rank_date)?.0)
    }

    /// [`Job::reconstitutions`] and every state of the history they come
    /// from, up to the last of them (`History::all_states`: the
    /// reconstitutions, the IPO rounds and the quarterly updates), which
    /// `rankday reconstitute` writes: the calculation over those states
    /// gives the history's levels bit for bit.
    pub fn reconstitutions_and_states(
        &self,
        rank_date: Option<Date>,
    ) -> Result<(Cow<'_, [Recon]>, Vec<Membership>)> {
        let Some(d) = rank_date else {
            let h = self.history()?;
            return Ok((Cow::Borrowed(&h.recons), h.all_states()));
        };
        let mut history = self.run_history(Some(d))?;
        let states = history.all_states();
        match history.recons.iter().position(|r| r.event.rank_date == d) {
            Some(k) => Ok((Cow::Owned(vec![history.recons.swap_remove(k)]), states)),
            None => Err(PipelineError::NotARankDay {
                date: d,
                rank_days: history.recons.iter().map(|r| r.event.rank_date).collect(),
            }),
        }
    }

    /// Every screen and decision of the rank day `rank_date` for the
    /// security `ticker` (a ticker, as of the security's last row, or a
    /// security id), banded against what the index held after the close of
    /// that rank day (the full history's previous state, IPO rounds and
    /// updates included).
    pub fn explain(&self, ticker: &str, rank_date: Date) -> Result<Explanation> {
        let sec = self.find_security(ticker, rank_date)?;
        let history = self.run_history(Some(rank_date))?;
        let recons = &history.recons;
        let Some(k) = recons.iter().position(|r| r.event.rank_date == rank_date) else {
            let before = recons.iter().rev().find(|r| r.event.rank_date < rank_date);
            let after = recons.iter().find(|r| r.event.rank_date > rank_date);
            return Err(PipelineError::NotARankDayNear {
                date: rank_date,
                nearest: [before, after]
                    .into_iter()
                    .flatten()
                    .map(|r| r.event.rank_date)
                    .collect(),
            });
        };
        // What the index held after the close of rank day: the state the
        // history's reconstitution started from.
        let previous = k.checked_sub(1).map(|_| &recons[k].previous.state);
        Ok(rankday_method::explain(
            self.market(),
            &recons[k].result,
            previous,
            sec,
        ))
    }

    /// The security with this security id, else with this ticker (tickers
    /// are reused over time: the line alive on `rank_date` first). When none
    /// matches, the error suggests tickers trading then that look like it.
    pub fn find_security(&self, ticker: &str, rank_date: Date) -> Result<Sec> {
        let market = self.market();
        market
            .sec_by_id(ticker)
            .or_else(|| {
                let day = market.day_on_or_before(rank_date)?;
                let all: Vec<Sec> = (0..market.n_securities() as u32)
                    .map(Sec)
                    .filter(|&s| market.security(s).ticker.eq_ignore_ascii_case(ticker))
                    .collect();
                all.iter()
                    .copied()
                    .find(|&s| market.row_of(s, day).is_some())
                    .or(all.first().copied())
            })
            .ok_or_else(|| PipelineError::UnknownSecurity {
                ticker: ticker.to_string(),
                market: self
                    .origin()
                    .map_or_else(|| "the market".to_string(), |p| p.display().to_string()),
                hint: suggest_tickers(market, ticker, rank_date),
            })
    }
}

/// "; tickers trading on … that look like it: …" with up to five tickers
/// that trade on the rank date and look like `asked` (Jaro-Winkler
/// similarity at least 0.8, best first, ties by ticker), or an empty string.
fn suggest_tickers(market: &Market, asked: &str, rank_date: Date) -> String {
    let Some(day) = market.day_on_or_before(rank_date) else {
        return String::new();
    };
    let asked = asked.to_ascii_uppercase();
    let cs = market.cross_section(day);
    let mut near: Vec<(f64, &str)> = cs
        .sec
        .iter()
        .map(|&s| market.security(Sec(s)).ticker.as_str())
        .map(|t| (strsim::jaro_winkler(&asked, &t.to_ascii_uppercase()), t))
        .filter(|&(score, _)| score >= 0.8)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    near.dedup_by(|a, b| a.1 == b.1);
    near.truncate(5);
    if near.is_empty() {
        return String::new();
    }
    let list: Vec<&str> = near.iter().map(|n| n.1).collect();
    format!(
        "; tickers trading on {} that look like it: {}",
        market.dates()[day],
        list.join(", ")
    )
}
