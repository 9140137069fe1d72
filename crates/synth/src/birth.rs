//! Creating entities: size, volatility, price level, share classes, float,
//! dividend policy and the date and manner of their exit.
//!
//! Everything here is drawn from the entity's own seed stream, so an entity
//! is the same in the calibration pass and the output pass.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use crate::caps::{ln_cap_at_q, Q_DRAW};
use crate::entity::{Dividend, Entity, Exit, Line, DPY};
use crate::sim::stream;
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
    pub beta: f64,
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
    pub n_days: usize,
    pub anchor: usize,
    pub ln_level: f64,
    pub origin: Origin,
    pub spin: Option<SpinFrom>,
    pub first_sec: u32,
}

fn normal(r: &mut ChaCha8Rng) -> f64 {
    r.sample(StandardNormal)
}

/// Idiosyncratic vol by size: ~25%/yr for $100B+, ~60% for micro caps.
pub fn idio_vol(ln_cap: f64) -> f64 {
    let (lo, hi) = (1e8f64.ln(), 1e11f64.ln());
    let f = ((ln_cap - lo) / (hi - lo)).clamp(0.0, 1.0);
    0.60 - 0.35 * f
}

/// Daily turnover as a fraction of float: ~0.8% for small caps, ~0.4% large.
pub fn base_turnover(kind: Kind, ln_cap: f64) -> f64 {
    match kind {
        Kind::Etf => 0.03,
        Kind::Cef => 0.003,
        Kind::Otc => 0.002,
        Kind::Penny => 0.02,
        Kind::Spac => 0.004,
        _ => {
            let (lo, hi) = (2e8f64.ln(), 5e10f64.ln());
            let f = ((ln_cap - lo) / (hi - lo)).clamp(0.0, 1.0);
            0.008 - 0.004 * f
        }
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

/// Exit plan from yearly hazards scaled by size.
fn plan_exit(r: &mut ChaCha8Rng, b: &Birth, mu0: f64) -> (usize, Exit) {
    let (acq, bk, dl) = spec_of(b.kind).hazards;
    let cap = mu0.exp();
    let acq_s = if cap < 5e9 {
        1.2
    } else if cap < 5e10 {
        0.6
    } else {
        0.2
    };
    let fail_s = if cap < 1e8 {
        3.0
    } else if cap < 3e8 {
        1.5
    } else if cap < 2e9 {
        0.6
    } else {
        0.1
    };
    let (ha, hb, hd) = (acq * acq_s, bk * fail_s, dl * fail_s);
    let h = ha + hb + hd;
    let e: f64 = r.sample(rand_distr::Exp1);
    let u: f64 = r.random();
    let (u2, u3): (f64, f64) = (r.random(), r.random());
    if h <= 0.0 {
        return (usize::MAX, Exit::None);
    }
    let days = ((e / h) * DPY) as usize;
    let end = b.day + days.max(40);
    if end >= b.n_days {
        return (usize::MAX, Exit::None);
    }
    let exit = if u * h < ha {
        let lead = 30 + (u2 * 80.0) as usize;
        Exit::Acquired {
            ann: end.saturating_sub(lead).max(b.day + 5),
        }
    } else if u * h < ha + hb {
        let lead = 20 + (u2 * 40.0) as usize;
        Exit::Bankrupt {
            distress: end.saturating_sub(lead).max(b.day + 5),
            drop: (0.03 + 0.17 * u3).ln(),
        }
    } else {
        Exit::Delisted
    };
    (end, exit)
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

pub fn create(b: &Birth) -> Entity {
    let spec = spec_of(b.kind);
    let mut r = stream(b.seed ^ 0xb1b1, b.id as u64);
    // Long-run relative size (2024 dollars).
    let mu0 = if let Some(s) = b.spin {
        s.mu0 + s.fraction.ln()
    } else if let Some((med, sd)) = spec.cap {
        med.ln() + sd * normal(&mut r).clamp(-2.5, 2.5)
    } else {
        let lo = if b.origin == Origin::New {
            0.01
        } else {
            Q_DRAW.0
        };
        ln_cap_at_q(r.random_range(lo..Q_DRAW.1))
    };
    let sigma = spec.idio_vol.unwrap_or_else(|| idio_vol(mu0));
    let (theta, beta) = match spec.price {
        PriceModel::MarketTracker => (0.0f64, 1.0),
        PriceModel::Level(_) => (20.0, 0.0),
        PriceModel::Cap => (0.25, r.random_range(0.6..1.4)),
    };
    let stat_sd = if theta > 0.0 {
        sigma / (2.0 * theta).sqrt()
    } else {
        0.0
    };
    let zy = normal(&mut r);
    let mut y = match (spec.price, b.origin) {
        (PriceModel::Level(l), _) => l.ln(),
        (_, Origin::Initial) => stat_sd * zy,
        (_, _) => -0.2 + 0.3 * zy,
    };
    let (mut theta, mut beta, mut sector, mut shift) =
        (theta, beta, sector_for(b.kind, r.random()), 0.0);
    if let Some(s) = b.spin {
        y = s.y;
        theta = s.theta;
        beta = s.beta;
        sector = s.sector;
        shift = s.shift;
    }
    let sector_load = if b.kind == Kind::Etf { 0.0 } else { 1.0 };
    let ln_cap_now = b.ln_level + mu0 + y;
    let mut price = initial_price(&mut r, b.kind, ln_cap_now);
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
    let ff = float_factor(&mut r, b.kind);
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
        let after = ff;
        for l in lines.iter_mut() {
            if matches!(l.role, LineRole::Primary | LineRole::SecondClass) {
                l.float_factor = (0.15 + 0.2 * w).min(after);
            }
        }
        (b.day + 126 + (w * 10.0) as usize, after)
    });
    // A few companies never split (BRK.A, NVR, AZO style): $1,000s prices.
    let split_at = if r.random::<f64>() < 0.03 {
        f64::INFINITY
    } else {
        r.random_range(250.0..1000.0)
    };
    let (end, exit) = plan_exit(&mut r, b, mu0);
    let turnover = base_turnover(b.kind, mu0);
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
        mu0
    } else {
        (price * shares_total).ln() - b.ln_level - y - shift * kernel(theta, b.day, b.anchor)
    };
    Entity {
        id: b.id,
        kind: b.kind,
        model: spec.price,
        sector,
        designed_eligible: spec.designed_eligible,
        birth: b.day,
        end,
        exit,
        mu,
        y,
        theta,
        sigma,
        beta,
        sector_load,
        shift,
        bridges: Vec::new(),
        anchor: b.anchor,
        lines,
        div,
        split_at,
        lockup,
        halt: (0, 0),
        deal: None,
        mu0,
        busy_until: 0,
        turnover,
        blocked: false,
        rng: stream(b.seed ^ 0x7a7a, b.id as u64),
        vrng: stream(b.seed ^ 0x5e5e, b.id as u64),
        price,
        cap: price * shares_total,
        out: Vec::new(),
        acts: Vec::new(),
    }
}

pub fn kernel(theta: f64, t: usize, anchor: usize) -> f64 {
    let d = (t as f64 - anchor as f64).abs() / DPY;
    (-theta.max(0.05) * d).exp()
}
