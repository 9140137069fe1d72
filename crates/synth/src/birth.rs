//! Creating entities: size, risk, price level, share classes, float,
//! dividend policy and the date and manner of their exit.
//!
//! [`create`] runs four named phases, each drawing from the entity's own
//! seed stream in a fixed order, so an entity is the same in the
//! calibration pass and the output pass: [`draw_size_and_risk`] (how big,
//! how risky, which sector), [`draw_lines`] (price, shares, share classes,
//! float), [`draw_policies`] (dividends, IPO lock-up, split threshold) and
//! the exit clock (`exit`: when and how it leaves follows its size).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use crate::caps::{ln_cap_at_q, Q_DRAW, Q_NEW};
use crate::entity::{Dividend, Entity, Exit, Line};
use crate::sim::stream;
use crate::universe::KindSpec;
use crate::universe::{sector_for, spec_of, Kind, LineRole, PriceModel};

/// Why an entity is created.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Origin {
    /// Part of the population on the first day (seasoned).
    Initial,
    /// A new listing (IPO, fund launch).
    New,
    /// A spin-off child.
    Spin,
}

/// Inputs of a spin-off child taken from its parent.
#[derive(Clone, Copy, Debug)]
pub struct SpinFrom {
    /// Parent's birth size (static, keeps the exit plan path-independent).
    pub mu0: f64,
    pub y: f64,
    pub shift: f64,
    pub theta: f64,
    pub beta0: f64,
    pub size_k: f64,
    pub sector: u8,
    pub parent_shares: f64,
    pub parent_price: f64,
    pub fraction: f64,
}

pub struct Birth {
    pub seed: u64,
    pub id: u32,
    pub kind: Kind,
    pub day: usize,
    pub ln_level: f64,
    pub origin: Origin,
    pub spin: Option<SpinFrom>,
    pub first_sec: u32,
}

fn normal(r: &mut ChaCha8Rng) -> f64 {
    r.sample(StandardNormal)
}

/// Daily turnover as a fraction of float of the kinds whose volume does not
/// follow their size (funds, OTC and penny lines, SPACs); `None` for
/// operating companies, whose turnover follows their current size
/// ([`crate::volume::turnover_by_size`]).
pub fn base_turnover(kind: Kind) -> Option<f64> {
    match kind {
        Kind::Etf => Some(0.03),
        Kind::Cef => Some(0.003),
        Kind::Otc => Some(0.002),
        Kind::Penny => Some(0.02),
        Kind::Spac => Some(0.004),
        _ => None,
    }
}

/// Probability of paying a regular dividend, by size (-1 in the kind table).
fn payer_prob(spec_payer: f64, ln_cap: f64) -> f64 {
    if spec_payer >= 0.0 {
        return spec_payer;
    }
    let cap = ln_cap.exp();
    if cap >= 1e10 {
        0.75
    } else if cap >= 2e9 {
        0.6
    } else if cap >= 3e8 {
        0.4
    } else {
        0.15
    }
}

fn float_factor(r: &mut ChaCha8Rng, kind: Kind) -> f64 {
    if kind == Kind::LowFloat {
        return r.random_range(0.005..0.0499);
    }
    let u: f64 = r.random();
    if u < 0.85 {
        r.random_range(0.7..1.0)
    } else if u < 0.97 {
        r.random_range(0.3..0.7)
    } else {
        r.random_range(0.08..0.3)
    }
}

/// Initial ln price: higher for larger companies, clamped to realistic levels.
fn initial_price(r: &mut ChaCha8Rng, kind: Kind, ln_cap_now: f64) -> f64 {
    match kind {
        Kind::Penny => r.random_range(0.15..0.9),
        Kind::Spac => 10.0,
        Kind::Etf => r.random_range(15.0..150.0),
        Kind::Cef | Kind::Bdc => r.random_range(8.0..25.0),
        Kind::Otc => (0.8 * normal(r)).exp().clamp(0.05, 20.0),
        _ => {
            let cap_b = (ln_cap_now.exp() / 1e9).max(1e-4);
            let med = 25.0 * cap_b.powf(0.12);
            (med * (0.7 * normal(r)).exp()).clamp(2.0, 900.0)
        }
    }
}

/// Size and risk of a new entity: its long-run relative size `mu0` (2024
/// dollars), starting deviation `y`, mean reversion, beta, size loading,
/// sector and calibration shift (a spin-off child takes its parent's).
pub struct SizeRisk {
    pub mu0: f64,
    pub y: f64,
    pub theta: f64,
    pub sigma_fixed: Option<f64>,
    pub beta0: f64,
    pub size_k: f64,
    pub sector: u8,
    pub sector_load: f64,
    pub shift: f64,
}

/// Phase 1: how big, how risky, which sector.
///
/// Index candidates (kinds drawn from the US size curve) walk at random
/// (`theta` 0) from a size drawn on the curve; kinds with their own size
/// distribution (funds, ADRs, foreign and OTC lines) revert to it.
pub fn draw_size_and_risk(r: &mut ChaCha8Rng, b: &Birth, spec: &KindSpec) -> SizeRisk {
    let mu0 = if let Some(s) = b.spin {
        s.mu0 + s.fraction.ln()
    } else if let Some((med, sd)) = spec.cap {
        med.ln() + sd * normal(r).clamp(-2.5, 2.5)
    } else {
        let (lo, hi) = if b.origin == Origin::New {
            Q_NEW
        } else {
            Q_DRAW
        };
        ln_cap_at_q(r.random_range(lo..hi))
    };
    let (theta, beta0, size_k) = match spec.price {
        PriceModel::MarketTracker => (0.0f64, 1.0, 0.0),
        PriceModel::Level(_) => (20.0, 0.0, 0.0),
        PriceModel::Cap => {
            let theta = if spec.cap.is_none() { 0.0 } else { 0.25 };
            (theta, r.random_range(0.75..1.15), r.random_range(0.7..1.3))
        }
    };
    let sigma_fixed = spec.idio_vol;
    let stat_sd = if theta > 0.0 {
        sigma_fixed.unwrap_or(0.4) / (2.0 * theta).sqrt()
    } else {
        0.0
    };
    let zy = normal(r);
    let y = match (spec.price, b.origin) {
        (PriceModel::Level(l), _) => l.ln(),
        _ if theta == 0.0 => 0.0,
        (_, Origin::Initial) => stat_sd * zy,
        (_, _) => -0.2 + 0.3 * zy,
    };
    let sector = sector_for(b.kind, r.random());
    let sector_load = if b.kind == Kind::Etf { 0.0 } else { 1.0 };
    let mut s = SizeRisk {
        mu0,
        y,
        theta,
        sigma_fixed,
        beta0,
        size_k,
        sector,
        sector_load,
        shift: 0.0,
    };
    if let Some(p) = b.spin {
        s.y = p.y;
        s.theta = p.theta;
        s.beta0 = p.beta0;
        s.size_k = p.size_k;
        s.sector = p.sector;
        s.shift = p.shift;
    }
    s
}

/// Phase 2: the first price, the share count and the lines (a second
/// class, an unlisted high-vote class, a SPAC's unit and warrant, a
/// preferred), with the float factor. Returns (price, lines, lock-up float
/// before expiry if an IPO).
pub fn draw_lines(
    r: &mut ChaCha8Rng,
    b: &Birth,
    spec: &KindSpec,
    size: &SizeRisk,
) -> (f64, Vec<Line>, f64) {
    let ln_cap_now = b.ln_level + size.mu0 + size.y + size.shift;
    let mut price = initial_price(r, b.kind, ln_cap_now);
    let mut shares = match spec.price {
        PriceModel::Level(_) => r.random_range(1.0e7..4.0e7f64).round(),
        _ => (ln_cap_now.exp() / price).round().max(1000.0),
    };
    if let Some(s) = b.spin {
        // Child shares per parent share: a round ratio giving a $15-60 price.
        let want = s.fraction * s.parent_price / r.random_range(15.0..60.0);
        let nice = [0.05, 0.1, 0.125, 0.2, 0.25, 1.0 / 3.0, 0.5, 1.0, 2.0];
        let ratio = nice
            .iter()
            .copied()
            .min_by(|a, b| ((a / want).ln().abs()).total_cmp(&(b / want).ln().abs()))
            .unwrap();
        shares = (s.parent_shares * ratio).round().max(1.0);
        price = s.fraction * s.parent_price / ratio;
    }
    let ff = float_factor(r, b.kind);
    let mut lines = vec![Line {
        role: LineRole::Primary,
        sec: b.first_sec,
        shares,
        float_factor: ff,
        ln_px: 0.0,
        px_level: 0.0,
        last_close: price,
    }];
    let add = |lines: &mut Vec<Line>, role: LineRole, shares: f64, ff: f64, ln_px: f64| {
        let sec = b.first_sec + lines.len() as u32;
        lines.push(Line {
            role,
            sec,
            shares: shares.round().max(1.0),
            float_factor: ff,
            ln_px,
            px_level: ln_px,
            last_close: ln_px.exp(),
        });
    };
    let w: f64 = r.random();
    match b.kind {
        Kind::MultiUnlisted | Kind::LowVote => {
            // Class B: unlisted, 10 votes a share.
            let wb = if b.kind == Kind::LowVote {
                0.7 + 0.15 * w
            } else {
                0.05 + 0.2 * w
            };
            let total = shares;
            lines[0].shares = (total * (1.0 - wb)).round();
            // LowVote: ≤ 4.1% of votes in public hands even at full float.
            // MultiUnlisted: ≥ 11% even at the float floor of 0.5.
            lines[0].float_factor = if b.kind == Kind::LowVote {
                ff.min(0.9)
            } else {
                ff.max(0.5)
            };
            add(&mut lines, LineRole::Unlisted, total * wb, 1.0, 0.0);
        }
        Kind::MultiListed => {
            let total = shares;
            lines[0].shares = (total * 0.45).round();
            add(&mut lines, LineRole::SecondClass, total * 0.55, ff, 0.0);
        }
        Kind::Spac => {
            add(&mut lines, LineRole::SpacUnit, shares * 0.1, 1.0, 0.0);
            add(
                &mut lines,
                LineRole::Warrant,
                shares * 0.5,
                1.0,
                (0.3 + 0.5 * w).ln(),
            );
        }
        Kind::UsCommon if b.origin != Origin::Spin && w < 0.02 => {
            add(
                &mut lines,
                LineRole::Preferred,
                r.random_range(2.0e6..2.0e7),
                1.0,
                (25.0 * r.random_range(0.9..1.05f64)).ln(),
            );
        }
        _ => {}
    }
    // An IPO floats 15-35% until its lock-up expires.
    (price, lines, (0.15 + 0.2 * w).min(ff))
}

/// Regular dividend, IPO lock-up and split threshold of a new entity.
pub struct Policies {
    pub div: Option<Dividend>,
    pub lockup: Option<(usize, f64)>,
    pub split_at: f64,
}

/// Phase 3: dividend policy (payers by size and kind), the IPO lock-up
/// (the float before expiry is in `lines`; the full float after it is
/// returned here), and the price above which the company splits.
pub fn draw_policies(
    r: &mut ChaCha8Rng,
    b: &Birth,
    spec: &KindSpec,
    mu0: f64,
    lines: &mut [Line],
    lockup_float: f64,
) -> Policies {
    let div = (r.random::<f64>() < payer_prob(spec.payer, mu0)).then(|| Dividend {
        yield_a: match b.kind {
            Kind::UsReit | Kind::ReitUbti => r.random_range(0.03..0.07),
            Kind::Cef | Kind::Bdc => r.random_range(0.05..0.10),
            Kind::Lp => r.random_range(0.06..0.09),
            Kind::RoyaltyTrust => r.random_range(0.08..0.12),
            Kind::Etf => r.random_range(0.01..0.025),
            _ => r.random_range(0.008..0.04),
        },
        phase: r.random_range(0..63),
        amount: 0.0,
        paid: 0,
    });
    let lockup = (spec.ipo && b.origin == Origin::New && b.kind != Kind::LowFloat).then(|| {
        let after = lines[0].float_factor;
        for l in lines.iter_mut() {
            if matches!(l.role, LineRole::Primary | LineRole::SecondClass) {
                l.float_factor = lockup_float;
            }
        }
        (b.day + r.random_range(126..137), after)
    });
    // A few companies never split (BRK.A, NVR, AZO style): $1,000s prices.
    let split_at = if r.random::<f64>() < 0.03 {
        f64::INFINITY
    } else {
        r.random_range(250.0..1000.0)
    };
    Policies {
        div,
        lockup,
        split_at,
    }
}

/// Creates an entity: the phases, then the state that ties them
/// together (`mu` consistent with the first price and share count).
pub fn create(b: &Birth) -> Entity {
    let spec = spec_of(b.kind);
    let mut r = stream(b.seed ^ 0xb1b1, b.id as u64);
    let size = draw_size_and_risk(&mut r, b, spec);
    let (price, mut lines, lockup_float) = draw_lines(&mut r, b, spec, &size);
    let pol = draw_policies(&mut r, b, spec, size.mu0, &mut lines, lockup_float);
    // Phase 4: the exit clock (see `exit`).
    let exit_clock: f64 = r.sample(rand_distr::Exp1);
    let shares_total: f64 = lines
        .iter()
        .filter(|l| {
            matches!(
                l.role,
                LineRole::Primary | LineRole::SecondClass | LineRole::Unlisted
            )
        })
        .map(|l| l.shares)
        .sum();
    // Keep mu consistent with the realised first price: the initial cap is
    // price × shares (rounding and the spin ratio move it a little).
    let mu = if matches!(spec.price, PriceModel::Level(_)) {
        size.mu0
    } else {
        (price * shares_total).ln() - b.ln_level - size.y - size.shift
    };
    Entity {
        id: b.id,
        kind: b.kind,
        model: spec.price,
        sector: size.sector,
        designed_eligible: spec.designed_eligible,
        birth: b.day,
        end: usize::MAX,
        exit: Exit::None,
        base_hazards: spec.hazards,
        exit_clock,
        mu,
        y: size.y,
        theta: size.theta,
        sigma_fixed: size.sigma_fixed,
        beta0: size.beta0,
        size_k: size.size_k,
        sector_load: size.sector_load,
        shift: size.shift,
        dividend_drift: if size.theta == 0.0 && spec.price == PriceModel::Cap {
            crate::entity::DIVIDEND_DRIFT
        } else {
            0.0
        },
        lines,
        div: pol.div,
        split_at: pol.split_at,
        lockup: pol.lockup,
        halt: (0, 0),
        deal: None,
        mu0: size.mu0,
        busy_until: 0,
        turnover: base_turnover(b.kind),
        band: crate::volume::Band::Out,
        band_next: crate::volume::Band::Out,
        recon_today: None,
        blocked: false,
        rng: stream(b.seed ^ 0x7a7a, b.id as u64),
        vrng: stream(b.seed ^ 0x5e5e, b.id as u64),
        price,
        cap: price * shares_total,
        out: Vec::new(),
        acts: Vec::new(),
    }
}
