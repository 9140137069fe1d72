//! The daily loop of a fund tracking one index.
//!
//! Set-up: the index is calculated once for its levels and divisor changes
//! (every change of its holdings — reconstitutions, IPO rounds, quarterly
//! share updates, deletions, acquisitions, special dividends — moves the
//! divisor), then once more with a holdings snapshot on each of those
//! dates. The fund starts with `start_assets` in cash at the close of the
//! first day the index has a level in the period and buys the index there.
//!
//! Each trading day, in this order:
//! 1. **before the open**: corporate actions on the fund's holdings
//!    ([`crate::portfolio`]), then dividends due that day are paid;
//! 2. **the close**: prices; NAV = securities + cash + receivables; the
//!    expense ratio accrues, `expense_ratio / 252 × NAV` per trading day
//!    (a trading-day basis, so a year of accruals is the ratio whatever the
//!    holidays), taken from cash (the fee payable is netted in cash);
//! 3. creations (+) and redemptions (−) of the day enter cash;
//! 4. **trading at the close**: on a date the index's holdings change, the
//!    fund trades to the index snapshot (all at once for
//!    [`Rebalance::FullReplication`], over `days` trading days within a
//!    participation cap for [`Rebalance::Spread`]; the launch purchase is
//!    always made in full at the first close). With a `tolerance`, only the
//!    lines whose holding is off its target by more than that share are
//!    traded (the lines the index changed), and cash is kept in a band:
//!    beyond `cash_threshold × NAV` it buys the most underweight lines
//!    first, each up to half its tolerance above its target, down to a
//!    fifth of the band; cash is never left negative at a
//!    close (fees and costs are raised by selling the most overweight lines
//!    first): the fund does not borrow. Without a tolerance (exact
//!    replication, the frictionless reference) every line is traded to the
//!    target and cash beyond the threshold, either sign, is invested or
//!    raised pro rata to the holdings.
//!
//! Returns: `fund_return_t = (NAV_t − flow_t) / NAV_{t−1} − 1` (NAV after
//! the day's fees, flows and trading costs). The first day is the launch:
//! its fund return is the cost of the initial purchase (NAV after buying
//! over the money put in) and its index return 0; it is one observation of
//! the tracking statistics. The launch is a seed in kind and costs nothing,
//! so the statistics measure running the fund, not buying it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rankday_calc::{calculate, CalcConfig};
use rankday_core::{Date, IndexId, Market, Membership, Sec};

use crate::costs::{CostModel, DayLiquidity};
use crate::portfolio::{Portfolio, PriceBook};
use crate::rebalance::{invest_cash, raise_cash, trade_toward, TradeDay};
use crate::tracking::{tracking_stats, TrackingStats, TRADING_DAYS};
use crate::FundError;

/// How the fund trades to a new index portfolio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rebalance {
    /// Trade everything at the close of each effective date.
    FullReplication,
    /// Trade `1/k` of the remaining gap on each of the `days` trading days
    /// from the effective date (`k` days left), at most
    /// `participation_cap × ADV` shares per name per day. What the cap left
    /// undone after the last day is reported in [`FundResult::unfilled`].
    Spread {
        /// Trading days the rebalance is spread over.
        days: usize,
        /// At most this share of a name's 20-day ADV per day.
        participation_cap: f64,
    },
}

/// What fund to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct FundConfig {
    /// The index tracked.
    pub index: IndexId,
    /// Assets at launch, in $ (IWM: about 75e9, methodology §8).
    pub start_assets: f64,
    /// Annual expense ratio (IWM: 0.0019), accrued daily as ratio / 252.
    pub expense_ratio: f64,
    /// Trading days from ex-date to pay date of dividends (0 = paid at the
    /// ex-date close).
    pub dividend_lag_days: u32,
    /// How the fund trades to the index's changes.
    pub rebalance: Rebalance,
    /// What trading costs it pays.
    pub costs: CostModel,
    /// Creations (+) / redemptions (−) in $ at the close of a date (a
    /// non-trading date is taken on the next trading day).
    pub flows: Vec<(Date, f64)>,
    /// Cash (either sign) beyond this share of NAV is invested (raised) at
    /// the close outside rebalance dates. Default 0.001 (10 bp): it keeps
    /// dividend cash from dragging while not trading every day for pennies.
    pub cash_threshold: f64,
    /// Share of a line's target below which its gap is not traded (see the
    /// module documentation); 0 replicates exactly. An IWM-like fund uses
    /// 0.02: a line the index re-weights by less than 2% keeps its shares.
    pub tolerance: f64,
    /// Launch: the fund starts at the index's close on the first trading day on or after it (default: the index's first level).
    pub from: Option<Date>,
    /// Last day simulated (default: the last level).
    pub to: Option<Date>,
}

impl FundConfig {
    /// A frictionless fund: no fees, no costs, no dividend lag, full
    /// replication, 10 bp cash threshold.
    pub fn frictionless(index: IndexId, start_assets: f64) -> Self {
        FundConfig {
            index,
            start_assets,
            expense_ratio: 0.0,
            dividend_lag_days: 0,
            rebalance: Rebalance::FullReplication,
            costs: CostModel::zero(),
            flows: Vec::new(),
            cash_threshold: 0.001,
            tolerance: 0.0,
            from: None,
            to: None,
        }
    }

    /// An IWM-like fund on the R2000: $75bn, 0.19%, dividends paid 20
    /// trading days after the ex-date, default costs, full replication of
    /// the index's changes with a 2% tolerance per line and a 25 bp cash
    /// band (trades when the index changes, cash arrives or a flow comes:
    /// a few thousand trades a year, not a sweep of every line).
    pub fn iwm_like() -> Self {
        FundConfig {
            expense_ratio: 0.0019,
            dividend_lag_days: 20,
            costs: CostModel::default(),
            cash_threshold: 0.0025,
            tolerance: 0.02,
            ..FundConfig::frictionless(IndexId::R2000, 75e9)
        }
    }

    fn validate(&self) -> Result<(), FundError> {
        let bad = |field, reason: String| Err(FundError::BadConfig { field, reason });
        if !(self.start_assets.is_finite() && self.start_assets > 0.0) {
            return bad(
                "start_assets",
                format!("must be > 0, got {}", self.start_assets),
            );
        }
        if !(self.expense_ratio.is_finite() && (0.0..1.0).contains(&self.expense_ratio)) {
            return bad(
                "expense_ratio",
                format!("must be in [0, 1), got {}", self.expense_ratio),
            );
        }
        if !(self.cash_threshold.is_finite() && self.cash_threshold >= 0.0) {
            return bad(
                "cash_threshold",
                format!("must be >= 0, got {}", self.cash_threshold),
            );
        }
        if !(self.tolerance.is_finite() && (0.0..1.0).contains(&self.tolerance)) {
            return bad(
                "tolerance",
                format!("must be in [0, 1), got {}", self.tolerance),
            );
        }
        if let Rebalance::Spread {
            days,
            participation_cap,
        } = self.rebalance
        {
            if days == 0 {
                return bad("rebalance.days", "must be at least 1".into());
            }
            if participation_cap.is_nan() || participation_cap <= 0.0 {
                return bad(
                    "rebalance.participation_cap",
                    format!("must be > 0, got {participation_cap}"),
                );
            }
        }
        if let Some(&(d, a)) = self.flows.iter().find(|f| !f.1.is_finite()) {
            return bad("flows", format!("flow on {d} is not finite: {a}"));
        }
        self.costs
            .validate()
            .map_err(|reason| FundError::BadConfig {
                field: "costs",
                reason,
            })
    }
}

/// One day of the fund.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct FundDay {
    /// The trading day.
    pub date: Date,
    /// Net asset value at the close, after fees, flows and trading costs.
    pub nav: f64,
    /// Cash at the close.
    pub cash: f64,
    /// Dividends receivable (in `nav`).
    pub receivables: f64,
    /// Creations (+) / redemptions (−) of the day.
    pub flow: f64,
    /// Index total-return level.
    pub index_tr: f64,
    /// The fund's return on the day (NAV per unit, flows taken out).
    pub fund_return: f64,
    /// The index's total return on the day.
    pub index_return: f64,
    /// Trading costs paid today, $.
    pub costs: f64,
    /// Expense accrued today, $.
    pub fees: f64,
}

/// One execution at a close.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trade {
    /// The day of the close the trade executes at.
    pub date: Date,
    /// The line.
    pub sec: Sec,
    /// Whole shares, signed (+ buy).
    pub shares: f64,
    /// The close it executes at.
    pub price: f64,
    /// Half-spread + impact, $.
    pub cost: f64,
}

/// Everything [`simulate`] produces.
#[derive(Clone, Debug, PartialEq)]
pub struct FundResult {
    /// One entry per simulated day.
    pub days: Vec<FundDay>,
    /// Every execution, in order.
    pub trades: Vec<Trade>,
    /// Shares held after the last close, by security.
    pub holdings_end: Vec<(Sec, f64)>,
    /// Gaps (target − held shares) a capped spread rebalance left at the end
    /// of its window.
    pub unfilled: Vec<(Date, Sec, f64)>,
    /// Tracking statistics of the fund against the index's total return.
    pub stats: TrackingStats,
    /// How much the fund and its index trade (see [`Activity`]).
    pub activity: Activity,
}

/// How much a fund trades, against what its index itself turns over.
///
/// Turnover is one way and annual, the SEC's mutual-fund definition: the
/// lesser of purchases and sales over average net assets, per year (cash
/// invested from dividends or creations is not turnover). The index's own
/// turnover is the same measure for a portfolio that holds the index
/// exactly: at every change of its holdings, half the sum of absolute
/// weight changes at that day's closes, summed and put per year.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Activity {
    /// Calendar years from the first to the last day.
    pub years: f64,
    /// Trades after the launch purchase.
    pub trades: usize,
    /// `trades` per calendar year.
    pub trades_per_year: f64,
    /// Fund turnover, one way, per year (0.08 = 8%).
    pub turnover: f64,
    /// The index's own turnover, one way, per year.
    pub index_turnover: f64,
    /// Lowest cash at a close, and its share of that day's NAV.
    pub min_cash: f64,
    /// `min_cash` over that day's NAV.
    pub min_cash_share: f64,
}

/// A spread rebalance being worked: target index shares, days left.
struct Work {
    target: Portfolio,
    days_left: usize,
}

/// The fund stepped one trading day at a time; [`simulate`] runs it to the
/// end. Stepping lets a caller inspect the book at every close.
pub struct Simulator<'a> {
    market: &'a Market,
    cfg: FundConfig,
    pf: Portfolio,
    prices: PriceBook,
    tr: HashMap<Date, f64>,
    snapshots: HashMap<Date, BTreeMap<Sec, f64>>,
    flows: HashMap<usize, f64>,
    start_day: usize,
    end_day: usize,
    day: usize,
    last_tr: f64,
    last_nav: f64,
    work: Option<Work>,
    /// The index's holdings (shares) as of the last snapshot, carried
    /// through corporate actions: what the fund tracks between changes.
    index: Portfolio,
    /// Σ over index changes of ½ Σ |Δweight| (the index's own trading).
    index_turnover: f64,
    /// Executions so far.
    pub trades: Vec<Trade>,
    /// Gaps a capped spread rebalance left: (date, line, shares still to trade).
    pub unfilled: Vec<(Date, Sec, f64)>,
}

impl<'a> Simulator<'a> {
    /// A fund at its launch, ready to step; checks the settings and calculates the index's levels first.
    pub fn new(
        market: &'a Market,
        memberships: &[Membership],
        calc_cfg: &CalcConfig,
        cfg: &FundConfig,
    ) -> Result<Self, FundError> {
        cfg.validate()?;
        let base = CalcConfig {
            indexes: vec![cfg.index],
            from: cfg.from.or(calc_cfg.from),
            to: cfg.to.or(calc_cfg.to),
            holdings_dates: Vec::new(),
            ..calc_cfg.clone()
        };
        let first = calculate(market, memberships, &base)?;
        let levels: Vec<(Date, f64)> = first
            .levels
            .iter()
            .filter(|r| r.index == cfg.index)
            .map(|r| (r.date, r.total_return))
            .collect();
        let (Some(&(start, _)), Some(&(end, _))) = (levels.first(), levels.last()) else {
            return Err(FundError::NoIndexLevels {
                index: cfg.index,
                from: base.from,
                to: base.to,
            });
        };
        let mut reb: BTreeSet<Date> = first
            .divisor_changes
            .iter()
            .filter(|c| c.index == cfg.index && c.date >= start && c.date <= end)
            .map(|c| c.date)
            .collect();
        reb.insert(start);
        let second = calculate(
            market,
            memberships,
            &CalcConfig {
                holdings_dates: reb.iter().copied().collect(),
                ..base
            },
        )?;
        let snapshots = second
            .holdings_at
            .into_iter()
            .filter(|s| s.index == cfg.index)
            .map(|s| {
                let m = s.constituents.iter().map(|c| (c.sec, c.index_shares));
                (s.date, m.collect())
            })
            .collect();
        let start_day = market.day_index(start).expect("levels are on trading days");
        let end_day = market.day_index(end).expect("levels are on trading days");
        let mut flows = HashMap::new();
        for &(d, a) in &cfg.flows {
            let day = market
                .day_on_or_after(d)
                .filter(|&k| d >= start && k <= end_day);
            let Some(k) = day else {
                return Err(FundError::FlowOutsideRange {
                    date: d,
                    amount: a,
                    start,
                    end,
                });
            };
            *flows.entry(k).or_insert(0.0) += a;
        }
        // Carried prices up to the day before the start, as the engine has them.
        let mut prices = PriceBook::new(market.n_securities());
        for day in 0..start_day {
            prices.pre_open(market.actions_on(market.dates()[day]));
            prices.close(market, day);
        }
        Ok(Simulator {
            market,
            cfg: cfg.clone(),
            pf: Portfolio::new(cfg.start_assets, true),
            prices,
            tr: levels.into_iter().collect(),
            snapshots,
            flows,
            start_day,
            end_day,
            day: start_day,
            last_tr: f64::NAN,
            last_nav: f64::NAN,
            work: None,
            index: Portfolio::new(0.0, false),
            index_turnover: 0.0,
            trades: Vec::new(),
            unfilled: Vec::new(),
        })
    }

    /// The holdings, cash and receivables now.
    pub fn portfolio(&self) -> &Portfolio {
        &self.pf
    }
    /// The last prices the fund has seen.
    pub fn prices(&self) -> &PriceBook {
        &self.prices
    }

    /// Runs the next trading day; `None` after the last one.
    pub fn step(&mut self) -> Option<Result<FundDay, FundError>> {
        if self.day > self.end_day {
            return None;
        }
        let r = self.run_day(self.day);
        self.day += 1;
        Some(r)
    }

    fn run_day(&mut self, day: usize) -> Result<FundDay, FundError> {
        let m = self.market;
        let date = m.dates()[day];
        let launch = day == self.start_day;
        let lag = self.cfg.dividend_lag_days as usize;
        let acts = m.actions_on(date);
        self.prices.pre_open(acts);
        if !launch {
            self.pf.apply_actions(m, acts, day, &mut self.prices, lag)?;
            if let Some(w) = self.work.as_mut() {
                w.target.apply_actions(m, acts, day, &mut self.prices, 0)?;
                w.target.receivables.clear();
            }
            self.index
                .apply_actions(m, acts, day, &mut self.prices, 0)?;
            self.index.receivables.clear();
            self.index.cash = 0.0;
        }
        self.pf.collect(day);
        self.prices.close(m, day);

        let nav_pre = self.pf.nav(&self.prices);
        let fees = if launch {
            0.0
        } else {
            self.cfg.expense_ratio / TRADING_DAYS * nav_pre
        };
        self.pf.cash -= fees;
        let flow = self.flows.get(&day).copied().unwrap_or(0.0);
        self.pf.cash += flow;
        let base = self.pf.nav(&self.prices);
        if base.is_nan() || base <= 0.0 {
            return Err(FundError::Exhausted { date, nav: base });
        }

        let mut liq = DayLiquidity::new(m, day, &self.cfg.costs);
        let (days, cap) = match self.cfg.rebalance {
            // The launch is a seed: the whole index is bought at the first
            // close, uncapped and without costs, so the fund starts invested.
            _ if launch => (1, None),
            Rebalance::FullReplication => (1, None),
            Rebalance::Spread {
                days,
                participation_cap,
            } => (days, Some(participation_cap)),
        };
        // The launch is a seed in kind (an ETF starts from a creation basket),
        // so it carries no trading cost; costs start with the first rebalance.
        let seed_costs = CostModel::zero();
        let mut td = TradeDay {
            date,
            prices: &self.prices,
            costs: if launch { &seed_costs } else { &self.cfg.costs },
            liq: &mut liq,
            cap,
        };
        let mut costs = 0.0;
        let tol = if launch { 0.0 } else { self.cfg.tolerance };
        if let Some(snap) = self.snapshots.get(&date) {
            if !launch {
                self.index_turnover += weight_change(&self.index.shares, snap, &self.prices);
            }
            self.index.shares = snap.clone();
            let mut target = Portfolio::new(0.0, false);
            target.shares = snap.clone();
            self.work = Some(Work {
                target,
                days_left: days,
            });
        }
        let mut traded = false;
        if let Some(w) = self.work.as_mut() {
            let fraction = 1.0 / w.days_left as f64;
            costs += trade_toward(
                &mut self.pf,
                &w.target.shares,
                fraction,
                tol,
                &mut td,
                &mut self.trades,
            );
            traded = true;
            w.days_left -= 1;
            if w.days_left == 0 {
                let w = self.work.take().expect("just used");
                if cap.is_some() {
                    let gaps = unfilled_gaps(&self.pf, td.prices, date, &w.target, tol);
                    self.unfilled.extend(gaps);
                }
            }
        }
        if self.cfg.tolerance == 0.0 {
            // Exact replication: cash beyond the threshold, either sign,
            // invested or raised pro rata to the holdings.
            if !traded
                && self.pf.cash.abs() > self.cfg.cash_threshold * base
                && !self.pf.shares.is_empty()
            {
                let target = self.pf.shares.clone();
                costs += trade_toward(&mut self.pf, &target, 1.0, 0.0, &mut td, &mut self.trades);
            }
        } else if !self.pf.shares.is_empty() {
            // The cash band: invest beyond it down to a fifth of it, the
            // most underweight lines first, each into the upper half of
            // its tolerance band (a few lines, not every line by a little).
            let band = self.cfg.cash_threshold * base;
            if self.pf.cash > band {
                let amount = self.pf.cash - 0.2 * band;
                costs += invest_cash(
                    &mut self.pf,
                    &self.index.shares,
                    amount,
                    0.5 * self.cfg.tolerance,
                    &mut td,
                    &mut self.trades,
                );
            }
        }
        // No borrowing: fees and costs are raised by selling, the most
        // overweight lines first, back to a fifth of the band.
        if self.pf.cash < 0.0 && !self.pf.shares.is_empty() && self.cfg.tolerance > 0.0 {
            let need = -self.pf.cash + 0.2 * self.cfg.cash_threshold * base;
            costs += raise_cash(
                &mut self.pf,
                &self.index.shares,
                need,
                &mut td,
                &mut self.trades,
            );
        }

        let nav = self.pf.nav(&self.prices);
        let index_tr = self.tr.get(&date).copied().unwrap_or(self.last_tr);
        let (fund_return, index_return) = if launch {
            (nav / base - 1.0, 0.0)
        } else {
            (
                (nav - flow) / self.last_nav - 1.0,
                index_tr / self.last_tr - 1.0,
            )
        };
        self.last_nav = nav;
        self.last_tr = index_tr;
        Ok(FundDay {
            date,
            nav,
            cash: self.pf.cash,
            receivables: self.pf.receivable_total(),
            flow,
            index_tr,
            fund_return,
            index_return,
            costs,
            fees,
        })
    }

    /// Runs to the end and assembles the result.
    pub fn run(mut self) -> Result<FundResult, FundError> {
        let mut days = Vec::with_capacity(self.end_day + 1 - self.start_day);
        while let Some(d) = self.step() {
            days.push(d?);
        }
        let f: Vec<f64> = days.iter().map(|d| d.fund_return).collect();
        let i: Vec<f64> = days.iter().map(|d| d.index_return).collect();
        let stats = tracking_stats(&f, &i)?;
        let activity = activity(&days, &self.trades, self.index_turnover);
        Ok(FundResult {
            days,
            trades: self.trades,
            holdings_end: self.pf.shares.into_iter().collect(),
            unfilled: self.unfilled,
            stats,
            activity,
        })
    }
}

/// Whole-share gaps to the target a capped window leaves when it closes
/// (gaps within the tolerance band were left on purpose and do not count).
fn unfilled_gaps(
    pf: &Portfolio,
    prices: &PriceBook,
    date: Date,
    target: &Portfolio,
    tol: f64,
) -> Vec<(Date, Sec, f64)> {
    let v = pf.securities_value(prices) + pf.cash;
    let tv = target.securities_value(prices);
    if tv <= 0.0 {
        return Vec::new();
    }
    let lines: BTreeSet<Sec> = target
        .shares
        .keys()
        .chain(pf.shares.keys())
        .copied()
        .collect();
    let mut out = Vec::new();
    for sec in lines {
        let want = (v * target.held(sec) / tv).floor();
        let gap = want - pf.held(sec);
        // One share of slack: the cash a full trade would spend on costs.
        if gap.abs() > 1.0 && gap.abs() > tol * want {
            out.push((date, sec, gap));
        }
    }
    out
}

/// ½ Σ |w_new − w_old| between two sets of index shares valued at the same
/// closes: the one-way turnover of an index change.
fn weight_change(old: &BTreeMap<Sec, f64>, new: &BTreeMap<Sec, f64>, prices: &PriceBook) -> f64 {
    let value = |m: &BTreeMap<Sec, f64>| -> f64 {
        m.iter()
            .map(|(&s, &n)| n * prices.get(s))
            .filter(|x| x.is_finite())
            .sum()
    };
    let (vo, vn) = (value(old), value(new));
    if !(vo > 0.0 && vn > 0.0) {
        return 0.0;
    }
    let lines: BTreeSet<Sec> = old.keys().chain(new.keys()).copied().collect();
    let mut sum = 0.0;
    for s in lines {
        let p = prices.get(s);
        if !p.is_finite() {
            continue;
        }
        let wo = old.get(&s).copied().unwrap_or(0.0) * p / vo;
        let wn = new.get(&s).copied().unwrap_or(0.0) * p / vn;
        sum += (wn - wo).abs();
    }
    0.5 * sum
}

/// Trades, turnover and cash of a run (see [`Activity`]).
fn activity(days: &[FundDay], trades: &[Trade], index_turnover: f64) -> Activity {
    let years = match (days.first(), days.last()) {
        (Some(a), Some(b)) => (b.date.days_since(a.date) as f64 / 365.25).max(1.0 / 365.25),
        _ => 1.0,
    };
    // The launch purchase is the seed, not trading.
    let first = days.first().map(|d| d.date);
    let (mut buys, mut sells) = (0.0, 0.0);
    let mut n = 0;
    for t in trades.iter().filter(|t| Some(t.date) != first) {
        n += 1;
        let v = t.shares * t.price;
        if v > 0.0 {
            buys += v;
        } else {
            sells -= v;
        }
    }
    let avg_nav = days.iter().map(|d| d.nav).sum::<f64>() / days.len().max(1) as f64;
    let (mut min_cash, mut min_share) = (f64::INFINITY, f64::INFINITY);
    for d in days {
        if d.cash < min_cash {
            min_cash = d.cash;
            min_share = d.cash / d.nav;
        }
    }
    Activity {
        years,
        trades: n,
        trades_per_year: n as f64 / years,
        turnover: buys.min(sells) / avg_nav.max(f64::MIN_POSITIVE) / years,
        index_turnover: index_turnover / years,
        min_cash: if days.is_empty() { 0.0 } else { min_cash },
        min_cash_share: if days.is_empty() { 0.0 } else { min_share },
    }
}

/// Simulates a fund tracking `cfg.index` (see the module documentation).
pub fn simulate(
    market: &Market,
    memberships: &[Membership],
    calc_cfg: &CalcConfig,
    cfg: &FundConfig,
) -> Result<FundResult, FundError> {
    Simulator::new(market, memberships, calc_cfg, cfg)?.run()
}
