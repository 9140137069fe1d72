//! One company (or fund) and its lines: state and the daily step.
//!
//! Price model of an operating company, and why: ln(total cap) =
//! ln(market level) + x, with x = mu + y + shift. `y` is a random walk
//! driven by the company's excess market beta, its size-factor loading, its
//! sector and idiosyncratic noise (with rare jumps), less a convexity term
//! that makes the company's expected *simple* return its beta times the
//! market's, plus the market's dividend yield ([`DIVIDEND_DRIFT`]; the
//! company's own dividends come off its price on their ex-dates): no stock,
//! and so no index, has a built-in premium for its size. Beta, size loading
//! and idiosyncratic volatility follow the
//! company's current size (a small company that grows takes on large-cap
//! risk). `mu` is the company's long-run level, moved permanently by
//! issuance, buybacks, spin-offs and stock acquisitions; `shift` is the
//! constant calibration offset that puts the company on the 2024 size curve
//! on the anchor date (see `caps`): constant, so it scales the whole path
//! and changes no return.
//!
//! Why a random walk and not mean reversion: a company whose relative size
//! reverts is predictable, and an index that selects on size (the Russell
//! 2000 buys the companies that fell) would earn the reversion as a premium
//! (double digits a year with a one-year half-life). The cross-section stays
//! stationary instead through births, exits and the size-dependent risk.
//! Kinds that never enter an index (funds, ADRs, OTC lines) keep a
//! mean-reverting `y` so their own size ranges stay put.
//!
//! Every random number a path consumes comes from the entity's own stream in
//! a fixed pattern (three draws a day whatever happens), so the path does not
//! depend on thread count, on other entities, or on whether rows are being
//! written (the calibration pass); loadings depend on the uncalibrated size
//! `mu + y`, so the two passes walk the same path. Draws that only shape
//! output (volume noise, second-class spreads, preferred and warrant
//! prices) come from a second stream.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use crate::universe::{Kind, LineRole, PriceModel};
use rankday_core::ActionKind;

pub const DPY: f64 = 252.0;

/// One line (security) of an entity.
#[derive(Clone, Debug)]
pub struct Line {
    pub role: LineRole,
    /// Store index (`Sec`) of the line.
    pub sec: u32,
    pub shares: f64,
    /// Free-float factor; float_shares = round(shares × factor).
    pub float_factor: f64,
    /// Own ln price (preferred, unit, warrant) or ln spread (second class).
    pub ln_px: f64,
    /// Level the own ln price reverts to.
    pub px_level: f64,
    pub last_close: f64,
}

/// How and when an entity leaves the market.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Exit {
    /// Survives past the end of the history.
    None,
    /// Acquired: announced on `ann`, last trade on `end - 1`.
    Acquired { ann: usize },
    /// Bankrupt: price collapses from `distress` on, delisted after `end - 1`.
    Bankrupt { distress: usize, drop: f64 },
    /// Delisted (non-compliance, liquidation, fund closure).
    Delisted,
}

/// Terms of a pending acquisition.
#[derive(Clone, Copy, Debug)]
pub struct Deal {
    pub acquirer: Option<u32>,
    /// Share of the consideration paid in acquirer stock.
    pub stock_frac: f64,
    pub premium: f64,
    /// Total deal value (set on the announcement day).
    pub value: f64,
}

#[derive(Clone, Copy, Debug)]
pub struct Dividend {
    pub yield_a: f64,
    pub phase: u32,
    pub amount: f64,
    pub paid: u32,
}

/// One output row.
#[derive(Clone, Copy, Debug)]
pub struct RowOut {
    pub sec: u32,
    pub close: f64,
    pub volume: f64,
    pub shares: f64,
    pub float: f64,
}

/// One action produced by the step (the sim adds date and ids).
#[derive(Clone, Copy, Debug)]
pub struct ActOut {
    pub sec: u32,
    pub kind: ActionKind,
    pub ratio: Option<f64>,
    pub amount: Option<f64>,
}

pub struct Entity {
    pub id: u32,
    pub kind: Kind,
    pub model: PriceModel,
    pub sector: u8,
    pub designed_eligible: bool,
    pub birth: usize,
    /// First day without a row (exit day), `usize::MAX` until an exit is
    /// planned (see `exit`).
    pub end: usize,
    pub exit: Exit,
    /// Yearly base hazards of the kind (acquisition, bankruptcy, delisting).
    pub base_hazards: (f64, f64, f64),
    /// What is left of the exit clock (an exponential draw at birth).
    pub exit_clock: f64,
    pub mu: f64,
    pub y: f64,
    /// Mean reversion of `y` per year: 0 for index candidates (a random
    /// walk), > 0 for kinds that never enter an index and for `Level` prices.
    pub theta: f64,
    /// Idiosyncratic volatility fixed by the kind; `None`: by current size.
    pub sigma_fixed: Option<f64>,
    /// The company's own beta offset; beta = `beta0` + the size tilt.
    pub beta0: f64,
    /// Scale of the company's size-factor loading (0 for funds).
    pub size_k: f64,
    pub sector_load: f64,
    /// Constant calibration offset of x (see `caps::anchor_shifts`).
    pub shift: f64,
    /// Expected log growth per year on top of the market exposures:
    /// [`DIVIDEND_DRIFT`] for index candidates, 0 for kinds that revert to
    /// their own size.
    pub dividend_drift: f64,
    pub lines: Vec<Line>,
    pub div: Option<Dividend>,
    pub split_at: f64,
    /// Day and float factor of an IPO lock-up expiry.
    pub lockup: Option<(usize, f64)>,
    /// Halted on days [from, to).
    pub halt: (usize, usize),
    pub deal: Option<Deal>,
    /// ln relative cap at birth: the static size used for event selection,
    /// so who is picked never depends on the path (both passes agree).
    pub mu0: f64,
    /// Busy as an acquirer or spin-off parent until this day.
    pub busy_until: usize,
    /// Daily float turnover fixed by the kind; `None`: by current size.
    pub turnover: Option<f64>,
    /// Size index of the last reconstitution's ranking (volume only).
    pub band: crate::volume::Band,
    /// Size index of the coming reconstitution's rank-day ranking.
    pub band_next: crate::volume::Band,
    /// On a reconstitution's effective date: the members' volume multiple
    /// and the share of float index funds trade (`volume::recon_day`).
    pub recon_today: Option<(f64, f64)>,
    /// No share-changing local event today (a cross-entity event happened).
    pub blocked: bool,
    pub rng: ChaCha8Rng,
    pub vrng: ChaCha8Rng,
    pub price: f64,
    pub cap: f64,
    pub out: Vec<RowOut>,
    pub acts: Vec<ActOut>,
}

/// Read-only inputs of one day's step.
pub struct DayCtx {
    pub t: usize,
    pub ln_level: f64,
    pub r_mkt: f64,
    /// Conditional variances of today's market and size innovations.
    pub var_mkt: f64,
    pub r_size: f64,
    pub var_size: f64,
    pub d_sector: [f64; 11],
    pub emit: bool,
}

#[cfg(test)]
impl DayCtx {
    /// Day `t` without a market, size or sector move, writing no rows: a
    /// company stepped through such days moves only by its own drifts.
    pub(crate) fn quiet(t: usize) -> DayCtx {
        DayCtx {
            t,
            ln_level: 0.0,
            r_mkt: 0.0,
            var_mkt: 0.0,
            r_size: 0.0,
            var_size: 0.0,
            d_sector: [0.0; 11],
            emit: false,
        }
    }
}

/// Probability and size (in standard deviations) of an idiosyncratic jump day.
const JUMP_P: f64 = 0.0025;
const JUMP: f64 = 4.0;

/// ln of $100B and $300M, the ends of the size tilt.
const LN_LARGE: f64 = 25.328_436;
const LN_SMALL: f64 = 19.519_293;

/// Offset from the uncalibrated relative size `mu + y` to the size the
/// loadings read: the median calibration shift of a long history (the
/// random walks drift below the curve between births; `caps` measures it).
pub const SIZE_OFFSET: f64 = 0.4;

/// Size score: 0 for a $100B+ company, 1 at $300M and below (2024 dollars).
pub fn size_score(x: f64) -> f64 {
    ((LN_LARGE - x) / (LN_LARGE - LN_SMALL)).clamp(0.0, 1.0)
}

/// The market's dividend yield (per year), added to the expected log growth
/// of every index candidate: the market factor is the market's *price*
/// level, and a company's expected total return is the market's price
/// return plus this yield, so its price return is that less its own yield.
///
/// Why: without it every dividend came out of the cap of its payer and none
/// went back, so the companies' caps fell behind the market level (and
/// behind the size curve that new listings and the rank-1,000 breakpoint
/// follow) by the market's yield, about 1.6% a year: on the 50-year seed-7
/// market the R1000's price return was 5.35%/yr (total return 6.94%/yr)
/// under a market factor growing 7.5%/yr in log terms. Companies drifting down
/// through the breakpoint is what banding turns into extra R1000 members
/// (it keeps the fallen incumbents of the band's lower half, which holds
/// about twice the companies of its upper half): the R1000 held 1,000-1,044
/// lines after the Junes of 2007-2026 (9 of 50 Junes above 1,020), against
/// 987-1,032 for the real one (IWB, 2013-2024, median 1,010). With the yield
/// back it holds 998-1,025; other seeds gain less (seed 3: 997-1,053 lines,
/// 12 Junes outside 990-1,020; seed 11: 1,001-1,032, 6 Junes; `SEED=3
/// BANDS=1 cargo bench -p rankday-realism --bench realism`).
/// The cost: fewer companies fall through the whole band, so banded downs
/// run at 1.8% of the R1000 a year (2.3% before; real about 3%).
///
/// The figure is the generator's own: three quarters of large caps and 60%
/// of mid caps pay 0.8-4% (`birth`), REITs 3-7%; on the 50-year seed-7
/// market the R1000's total return beats its price return by 1.7% a year
/// (printed by `cargo bench -p rankday-realism --bench realism`).
pub const DIVIDEND_DRIFT: f64 = 0.016;

/// Extra market beta of the smallest companies over the largest.
const BETA_TILT: f64 = 0.2;

/// Idiosyncratic vol by size (2024 dollars, log-linear between knots): 56%/yr
/// at $100M and below, 44% at $1B, 31% at $5B, 25% from $100B.
///
/// Why mid caps sit near 30%: the residual volatility of US stocks falls
/// with size, from 50-70% a year among microcaps to 20-25% among the
/// largest, with mid caps ($2-10B) around 30% (Campbell, Lettau, Malkiel &
/// Xu 2001; Ang, Hodrick, Xing & Zhang 2006, size quintiles). The companies
/// around rank 1,000 ($4-5B in 2024) are those that cross between the
/// Russell 1000 and 2000: their residual volatility sets the migrations
/// across the line (13% of the Russell 1000 a year before banding, and
/// 2.4% up and 1.8% down after it, on the 50-year seed-7 market; real about
/// 16% and 3%, methodology §4; a higher mid-cap volatility raises the
/// downs but lets banding keep more fallen incumbents, see
/// [`DIVIDEND_DRIFT`]) and the tracking error of the R2000 against the
/// R1000 (real 8-10%). A straight line in ln size from 56% to 25% put them
/// at 38%, with the tracking error at 11.3%.
pub fn idio_vol(x: f64) -> f64 {
    crate::exit::interp(x, &[(1e8, 0.56), (1e9, 0.44), (5e9, 0.31), (1e11, 0.25)])
}

pub fn round_price(p: f64) -> f64 {
    if p >= 1.0 {
        (p * 100.0).round() / 100.0
    } else {
        (p * 10_000.0).round().max(1.0) / 10_000.0
    }
}

impl Entity {
    pub fn common_shares(&self) -> f64 {
        self.lines
            .iter()
            .filter(|l| {
                matches!(
                    l.role,
                    LineRole::Primary | LineRole::SecondClass | LineRole::Unlisted
                )
            })
            .map(|l| l.shares)
            .sum()
    }
    pub fn is_halted(&self, t: usize) -> bool {
        t >= self.halt.0 && t < self.halt.1
    }
    /// (beta, size loading, idiosyncratic vol) at the uncalibrated relative
    /// size `x_raw`.
    pub fn loadings(&self, x_raw: f64) -> (f64, f64, f64) {
        let score = size_score(x_raw + SIZE_OFFSET);
        let sigma = self
            .sigma_fixed
            .unwrap_or_else(|| idio_vol(x_raw + SIZE_OFFSET));
        if self.size_k == 0.0 {
            return (self.beta0, 0.0, sigma);
        }
        (self.beta0 + BETA_TILT * score, self.size_k * score, sigma)
    }

    /// Advances one day: price, local corporate actions, rows.
    pub fn step(&mut self, c: &DayCtx) {
        self.out.clear();
        self.acts.clear();
        let t = c.t;
        let z: f64 = self.rng.sample(StandardNormal);
        let u: f64 = self.rng.random();
        let z2: f64 = self.rng.sample(StandardNormal);
        let prev_price = self.price;
        let first_day = t == self.birth;
        let halted = self.is_halted(t);
        let s_common = self.common_shares();

        // 1. The no-event price.
        let mut price = match self.model {
            PriceModel::Level(level) => {
                let age = (t - self.birth) as f64 / DPY;
                let target = (level + 0.35 * age).ln();
                let sigma = self.sigma_fixed.unwrap_or(0.02);
                self.y += -self.theta / DPY * (self.y - target) + sigma / DPY.sqrt() * z;
                self.y.exp()
            }
            _ => {
                if let (Some(d), Exit::Acquired { ann }) = (self.deal, self.exit) {
                    if t > ann && !first_day {
                        let left = (self.end - t) as f64 / (self.end - ann).max(1) as f64;
                        (d.value * (1.0 - 0.04 * left) * (0.003 * z).exp()) / s_common
                    } else {
                        self.cap_price(c, z, u, t, s_common)
                    }
                } else {
                    self.cap_price(c, z, u, t, s_common)
                }
            }
        };
        if let Exit::Acquired { ann } = self.exit {
            if t == ann {
                if let Some(d) = self.deal.as_mut() {
                    d.value = price * s_common * (1.0 + d.premium);
                }
                price *= 1.0 + self.deal.map_or(0.0, |d| d.premium);
            }
        }

        // 2. Local events: never on the first day, while halted, in a deal
        // or on a day with a cross-entity event.
        let in_deal = matches!(self.exit, Exit::Acquired { ann } if t >= ann);
        let quiet = first_day || halted || in_deal || self.blocked;
        let no_event_price = price;
        if !quiet {
            let events_done = self.scheduled_events(t, prev_price, &mut price);
            if !events_done {
                self.random_events(t, u, prev_price, &mut price);
            }
        }
        self.blocked = false;
        self.tick_exit(t, halted);
        let s_common = self.common_shares();
        self.price = price;
        self.cap = price * s_common;
        // Keep the state consistent with a price an event moved.
        if price != no_event_price && !matches!(self.model, PriceModel::Level(_)) && !in_deal {
            let x_now = self.cap.ln() - c.ln_level - self.shift;
            self.y = x_now - self.mu;
        }
        if !c.emit || halted {
            // Own-priced lines still need a price when the next row comes.
            return;
        }
        self.emit_rows(t, price, prev_price, z2);
    }

    /// Price of a cap-driven entity before local events.
    fn cap_price(&mut self, c: &DayCtx, z: f64, u: f64, t: usize, s_common: f64) -> f64 {
        let (beta, s_load, sigma) = self.loadings(self.mu + self.y);
        let jump = if u < JUMP_P { JUMP } else { 1.0 };
        let var_idio = sigma * sigma / DPY * (1.0 + JUMP_P * (JUMP * JUMP - 1.0));
        let lam = self.sector_load;
        // Convexity: E[exp(log return)] = E[market simple return]^beta, so the
        // expected simple return depends on beta only, never on size.
        let convexity = 0.5
            * ((beta * beta - beta) * c.var_mkt
                + s_load * s_load * c.var_size
                + lam * lam * crate::factors::sector_var()
                + var_idio);
        let mut dy = -self.theta / DPY * self.y
            + (beta - 1.0) * c.r_mkt
            + s_load * c.r_size
            + lam * c.d_sector[self.sector as usize]
            + sigma / DPY.sqrt() * z * jump
            - convexity;
        dy += self.dividend_drift / DPY;
        if self.kind == Kind::Penny {
            // Penny names do not grow with the market: they dilute.
            self.mu -= 0.075 / DPY;
        }
        if let Exit::Bankrupt { distress, drop } = self.exit {
            if t >= distress && self.end > distress {
                dy += drop / (self.end - distress) as f64 + sigma / DPY.sqrt() * z;
            }
        }
        self.y += dy;
        let x = self.mu + self.y + self.shift;
        (c.ln_level + x).exp() / s_common
    }

    /// Dividends and lock-up expiries, on their schedule. Returns whether one happened.
    fn scheduled_events(&mut self, t: usize, prev: f64, price: &mut f64) -> bool {
        if let Some((day, ff)) = self.lockup {
            if t == day {
                self.lockup = None;
                if (self.lines[0].float_factor - ff).abs() < 0.01 {
                    return false;
                }
                let mut secs = Vec::new();
                for l in self.lines.iter_mut() {
                    if matches!(l.role, LineRole::Primary | LineRole::SecondClass) {
                        l.float_factor = ff;
                        secs.push(l.sec);
                    }
                }
                for sec in secs {
                    self.act(sec, ActionKind::ShareChange, None, None);
                }
                return true;
            }
        }
        let age = (t - self.birth) as u32;
        if let Some(d) = self.div.as_mut() {
            if (age + d.phase).is_multiple_of(63) {
                if d.paid.is_multiple_of(4) {
                    d.amount = ((d.yield_a / 4.0 * prev) * 100.0).round() / 100.0;
                }
                d.paid += 1;
                let amount = d.amount;
                if amount >= 0.01 && amount < 0.25 * *price {
                    *price -= amount;
                    let sec = self.lines[0].sec;
                    self.act(sec, ActionKind::CashDividend, None, Some(amount));
                    if let Some(i) = self
                        .lines
                        .iter()
                        .position(|l| l.role == LineRole::SecondClass)
                    {
                        let sec = self.lines[i].sec;
                        self.act(sec, ActionKind::CashDividend, None, Some(amount));
                    }
                    return true;
                }
            }
            // Preferred dividends, a week later.
            if (age + d.phase) % 63 == 5 {
                if let Some(i) = self
                    .lines
                    .iter()
                    .position(|l| l.role == LineRole::Preferred)
                {
                    let l = &mut self.lines[i];
                    let amount = ((l.px_level.exp() * 0.015) * 100.0).round() / 100.0;
                    let p = l.ln_px.exp();
                    l.ln_px = (p - amount).ln();
                    let sec = l.sec;
                    self.act(sec, ActionKind::CashDividend, None, Some(amount));
                }
            }
        }
        false
    }

    /// Issuance, buybacks, float changes, specials, splits: rare, decided by
    /// the day's uniform against rates that depend on the uncalibrated size
    /// only, so both passes see the same events.
    ///
    /// Issuance and buybacks follow size as US net issuance does (Fama &
    /// French 2008, "Dissecting anomalies"; Pontiff & Woodgate 2008): small
    /// companies issue shares (offerings, ATM programmes, stock pay), large
    /// ones buy back. Net, about +6%/yr of shares at $100M, +4% at $2B, +1%
    /// at $20B and -2% at $100B+. It moves caps without moving prices, and
    /// it is how small companies grow into the large-cap ranks.
    fn random_events(&mut self, t: usize, u: f64, prev: f64, price: &mut f64) {
        let per_day = |rate: f64| rate / DPY;
        let cap_like = matches!(self.model, PriceModel::Cap);
        let ln_size = self.mu + self.y + SIZE_OFFSET;
        let mut lo = 0.01;
        let mut band = |p: f64| {
            let hit = u >= lo && u < lo + p;
            lo += p;
            hit
        };
        let etf = self.kind == Kind::Etf;
        let issue_rate = match self.kind {
            Kind::Penny => 0.3,
            Kind::Etf => 12.0,
            _ => crate::exit::interp(
                ln_size,
                &[(1e8, 0.75), (2e9, 0.55), (2e10, 0.35), (2e11, 0.2)],
            ),
        };
        if (cap_like || etf) && band(per_day(issue_rate)) {
            let mut a = self.aux(t, 1);
            let d = if etf {
                // Creations and redemptions, pulled back towards the fund's
                // size at launch so fund assets track the market.
                let pull = (-0.2 * (self.mu - self.mu0)).clamp(-0.1, 0.1);
                let d: f64 = a.random_range(-0.06..0.06) + pull;
                if d.abs() < 0.005 {
                    0.01
                } else {
                    d
                }
            } else if self.kind == Kind::Penny {
                a.random_range(0.1..0.5)
            } else {
                a.random_range(0.02..0.15)
            };
            self.change_shares(d, self.kind != Kind::Penny);
            if self.kind == Kind::Penny {
                *price /= 1.0 + d;
            }
            return;
        }
        let buyback_rate = crate::exit::interp(ln_size, &[(1e9, 0.03), (1e10, 0.08), (1e11, 0.15)]);
        if cap_like && !etf && band(per_day(buyback_rate)) {
            let d = -self.aux(t, 2).random_range(0.02..0.08);
            self.change_shares(d, true);
            return;
        }
        if cap_like && !etf && band(per_day(0.02)) {
            let mut a = self.aux(t, 3);
            let mv: f64 = a.random_range(-0.1..0.1);
            let ff = self.lines[0].float_factor;
            let mv = if mv.abs() < 0.01 { 0.02 } else { mv };
            let (lo, hi, step) = if self.kind == Kind::LowFloat {
                (0.005, 0.049, 0.1)
            } else {
                (0.06, 1.0, 1.0)
            };
            // Move away from a bound rather than stay put.
            let mut new = (ff + mv * step).clamp(lo, hi);
            if (new - ff).abs() < 0.005 * step {
                new = (ff - mv * step).clamp(lo, hi);
            }
            self.lines[0].float_factor = new;
            let sec = self.lines[0].sec;
            self.act(sec, ActionKind::ShareChange, None, None);
            return;
        }
        if self.div.is_some() && band(per_day(0.005)) {
            let f = self.aux(t, 4).random_range(0.03..0.10);
            let amount = ((*price * f) * 100.0).round() / 100.0;
            if amount >= 0.01 {
                *price -= amount;
                let sec = self.lines[0].sec;
                self.act(sec, ActionKind::SpecialDividend, None, Some(amount));
            }
            return;
        }
        let split_band = band(1.0 / 40.0);
        if split_band && prev > self.split_at {
            // Split back into a "normal" $40-120 range: 2:1 for a modest
            // overshoot, 3:1 to 10:1 (and 20:1) after long runs, as
            // companies do; large ratios keep the split rate near 1-2%/yr.
            let target: f64 = self.aux(t, 5).random_range(40.0..120.0);
            let want = prev / target;
            let ratio = [2.0, 3.0, 4.0, 5.0, 10.0, 20.0]
                .into_iter()
                .min_by(|a: &f64, b: &f64| (a / want).ln().abs().total_cmp(&(b / want).ln().abs()))
                .unwrap_or(2.0);
            self.split(ratio, price);
            return;
        }
        let rev_ok = !matches!(self.kind, Kind::Penny | Kind::Etf | Kind::Spac);
        if split_band && rev_ok && prev < 1.5 && prev > 0.0 {
            let r: f64 = self.aux(t, 6).random();
            let ratio = if r < 0.5 {
                0.1
            } else if r < 0.75 {
                0.2
            } else if r < 0.9 {
                0.05
            } else {
                0.125
            };
            self.split(ratio, price);
        }
    }

    fn split(&mut self, ratio: f64, price: &mut f64) {
        for l in self.lines.iter_mut() {
            if l.role != LineRole::Preferred {
                l.shares = (l.shares * ratio).round().max(1.0);
                if l.role == LineRole::Warrant || l.role == LineRole::SpacUnit {
                    l.ln_px -= ratio.ln();
                }
            }
        }
        *price /= ratio;
        let secs: Vec<u32> = self
            .lines
            .iter()
            .filter(|l| l.role != LineRole::Preferred)
            .map(|l| l.sec)
            .collect();
        for sec in secs {
            self.act(sec, ActionKind::Split, Some(ratio), None);
        }
    }

    /// Shares of the primary line × (1 + d); `at_market` moves the cap with
    /// them (price unchanged).
    fn change_shares(&mut self, d: f64, at_market: bool) {
        let old = self.common_shares();
        let l = &mut self.lines[0];
        l.shares = (l.shares * (1.0 + d)).round().max(1.0);
        let new = self.common_shares();
        if at_market {
            self.mu += (new / old).ln();
        }
        let sec = self.lines[0].sec;
        self.act(sec, ActionKind::ShareChange, None, None);
    }

    /// A fresh stream for the parameters of an event on day `t`.
    pub fn aux(&self, t: usize, tag: u64) -> ChaCha8Rng {
        crate::sim::stream(self.id as u64 ^ (tag << 40), t as u64 + 1)
    }

    pub fn act(&mut self, sec: u32, kind: ActionKind, ratio: Option<f64>, amount: Option<f64>) {
        self.acts.push(ActOut {
            sec,
            kind,
            ratio,
            amount,
        });
    }

    fn emit_rows(&mut self, t: usize, price: f64, prev_price: f64, zv: f64) {
        let ret = if prev_price > 0.0 && t > self.birth {
            (price / prev_price - 1.0).abs().min(0.5)
        } else {
            0.05
        };
        let activity = (0.5 * zv - 0.125).exp() * (1.0 + 10.0 * ret);
        let base_turn = self
            .turnover
            .unwrap_or_else(|| crate::volume::turnover_by_size(self.mu + self.y + SIZE_OFFSET));
        let (auction, index_trade) = self.recon_today.unwrap_or((1.0, 0.0));
        let age = (t - self.birth) as f64 / DPY;
        let mut lines = std::mem::take(&mut self.lines);
        for l in lines.iter_mut() {
            let noise: f64 = self.vrng.sample(StandardNormal);
            let (close, turn) = match l.role {
                LineRole::Primary => (price, base_turn),
                LineRole::SecondClass => {
                    l.ln_px += -0.05 * l.ln_px + 0.002 * noise;
                    (price * l.ln_px.exp(), base_turn * 0.8)
                }
                LineRole::Unlisted => (f64::NAN, f64::NAN),
                LineRole::Preferred => {
                    l.ln_px += -2.0 / DPY * (l.ln_px - l.px_level) + 0.08 / DPY.sqrt() * noise;
                    (l.ln_px.exp(), 0.002)
                }
                LineRole::SpacUnit => (price + 0.5 * self.warrant_px(), 0.001),
                LineRole::Warrant => {
                    let target = l.px_level + 0.2 * age;
                    l.ln_px += -1.0 / DPY * (l.ln_px - target) + 0.9 / DPY.sqrt() * noise;
                    (l.ln_px.exp(), 0.01)
                }
            };
            let close = if close.is_nan() {
                close
            } else {
                round_price(close)
            };
            let float = if l.role == LineRole::Unlisted {
                l.shares
            } else {
                (l.shares * l.float_factor).round().clamp(1.0, l.shares)
            };
            let index_line = matches!(l.role, LineRole::Primary | LineRole::SecondClass);
            let volume = if turn.is_nan() {
                f64::NAN
            } else if index_line {
                (float * (turn * activity * auction + index_trade))
                    .round()
                    .max(0.0)
            } else {
                (float * turn * activity).round().max(0.0)
            };
            l.last_close = close;
            self.out.push(RowOut {
                sec: l.sec,
                close,
                volume,
                shares: l.shares,
                float,
            });
        }
        self.lines = lines;
    }

    fn warrant_px(&self) -> f64 {
        self.lines
            .iter()
            .find(|l| l.role == LineRole::Warrant)
            .map_or(0.0, |l| l.ln_px.exp())
    }

    /// Rewrites today's primary price after a spin-off distributed `per_share`
    /// of value (the parent's price drops by it), keeping state consistent.
    pub fn apply_spin_drop(&mut self, per_share: f64, c: &DayCtx) {
        let new = self.price - per_share;
        debug_assert!(new > 0.0);
        let old = self.price;
        self.price = new;
        self.cap = new * self.common_shares();
        self.mu += (new / old).ln();
        let x_now = self.cap.ln() - c.ln_level - self.shift;
        self.y = x_now - self.mu;
        for r in self.out.iter_mut() {
            if let Some(l) = self.lines.iter().find(|l| l.sec == r.sec) {
                match l.role {
                    LineRole::Primary => r.close = round_price(new),
                    LineRole::SecondClass => r.close = round_price(new * l.ln_px.exp()),
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::birth::{create, Birth, Origin};

    /// Two copies of one company, the second without the market's dividend
    /// yield: a year apart, their sizes differ by the yield (their own
    /// dividends, noise and events are the same); a fund gets none.
    #[test]
    fn index_candidates_grow_by_the_market_yield() {
        let birth = |kind| Birth {
            seed: 7,
            id: 11,
            kind,
            day: 0,
            ln_level: 0.0,
            origin: Origin::Initial,
            spin: None,
            first_sec: 0,
        };
        let mut a = create(&birth(Kind::UsCommon));
        let mut b = create(&birth(Kind::UsCommon));
        assert_eq!(a.dividend_drift, DIVIDEND_DRIFT);
        b.dividend_drift = 0.0;
        for t in 0..252 {
            a.step(&DayCtx::quiet(t));
            b.step(&DayCtx::quiet(t));
        }
        assert_eq!((a.exit, b.exit), (Exit::None, Exit::None));
        let gap = (a.mu + a.y) - (b.mu + b.y);
        assert!((gap - DIVIDEND_DRIFT).abs() < 1e-3, "gap {gap}");
        assert_eq!(create(&birth(Kind::Etf)).dividend_drift, 0.0);
    }
}
