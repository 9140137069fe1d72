//! Common price factors: the aggregate market level and eleven sector
//! factors, one value per trading day.
//!
//! The market's daily log return has a 7.5%/yr drift and GARCH(1,1)
//! volatility (long-run 16%/yr) with rare crash days, which gives volatility
//! clustering and realistic drawdowns (several 20–50% bear markets in 50
//! years). The path is then pinned so that ln(level) = 0 on the calibration
//! anchor (2024-04-30) when it lies in the history (company caps are
//! `level × relative cap`, relative caps are in 2024 dollars), and bridged so
//! the first day sits on the expected growth line. Histories that miss the
//! anchor are placed on that line at their end nearest to it, so a 1990–2000
//! market is about 2.3× smaller than 2024's.
//! Sector factors are mean-reverting (OU) relative levels: sectors rotate but
//! do not drift apart for ever.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use rankday_core::Date;

/// Expected log growth of the market level per year.
pub const LOG_GROWTH: f64 = 0.075;
const DAYS_PER_YEAR: f64 = 252.0;

/// The calibration anchor: rank day 2024 (methodology §9).
pub fn anchor_date() -> Date {
    Date::ymd(2024, 4, 30)
}

pub struct Factors {
    /// ln(market level) per day; 0 on the anchor.
    pub ln_level: Vec<f64>,
    /// Market log return of day t (0 on day 0).
    pub r_mkt: Vec<f64>,
    /// Change of each sector's relative ln level on day t: `[day][sector]`.
    pub d_sector: Vec<[f64; 11]>,
    /// Trailing one-year market log return (IPO window).
    pub trailing_1y: Vec<f64>,
}

impl Factors {
    pub fn generate(seed: u64, dates: &[Date]) -> Factors {
        let n = dates.len();
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6d61_726b_6574_0001);
        let long_var = (0.16f64 / DAYS_PER_YEAR.sqrt()).powi(2);
        let (a, b) = (0.08, 0.90);
        let omega = long_var * (1.0 - a - b);
        let mut var = long_var;
        let mut r_mkt = vec![0.0; n];
        let mut d_sector = vec![[0.0; 11]; n];
        let mut sect = [0.0f64; 11];
        let sect_sd = 0.10 / DAYS_PER_YEAR.sqrt();
        let sect_theta = 0.5 / DAYS_PER_YEAR;
        for t in 1..n {
            let z: f64 = rng.sample(StandardNormal);
            let u: f64 = rng.random();
            let mut e = var.sqrt() * z;
            if u < 1.0 / 2500.0 {
                // Crash day: a -5% to -12% shock on top.
                e -= 0.05 + 0.07 * rng.random::<f64>();
            }
            // Drift keeps the expected log growth at LOG_GROWTH net of the
            // crash days (~0.85%/yr lost on average).
            r_mkt[t] = (LOG_GROWTH + 0.0085) / DAYS_PER_YEAR + e;
            var = omega + a * e * e + b * var;
            var = var.min(long_var * 25.0);
            for (s, level) in sect.iter_mut().enumerate() {
                let z: f64 = rng.sample(StandardNormal);
                let d = -sect_theta * *level + sect_sd * z;
                *level += d;
                d_sector[t][s] = d;
            }
        }
        let mut ln_level = vec![0.0; n];
        for t in 1..n {
            ln_level[t] = ln_level[t - 1] + r_mkt[t];
        }
        // Pin the level.
        let anchor = anchor_date();
        let anchor_idx = (n > 0 && anchor >= dates[0] && anchor <= dates[n - 1])
            .then(|| dates.partition_point(|&d| d <= anchor) - 1);
        let shift = if n == 0 {
            0.0
        } else if let Some(i) = anchor_idx {
            -ln_level[i]
        } else if dates[n - 1] < anchor {
            let years = anchor.days_since(dates[n - 1]) as f64 / 365.2425;
            -LOG_GROWTH * years - ln_level[n - 1]
        } else if dates[0] > anchor {
            let years = dates[0].days_since(anchor) as f64 / 365.2425;
            LOG_GROWTH * years - ln_level[0]
        } else {
            unreachable!("anchor inside the span has an index")
        };
        for v in &mut ln_level {
            *v += shift;
        }
        // Bridge: when the anchor is inside, also pin the first day on the
        // expected growth line, spreading the correction evenly over the
        // days in between, so a long history grows at the expected rate
        // (1976 is ~e^-3.6 of 2024) instead of a ±1-sd random total.
        if let Some(ai) = anchor_idx.filter(|&i| i > 0) {
            let years = anchor.days_since(dates[0]) as f64 / 365.2425;
            let gap = -LOG_GROWTH * years - ln_level[0];
            for (t, v) in ln_level.iter_mut().enumerate().take(ai + 1) {
                *v += gap * (1.0 - t as f64 / ai as f64);
            }
            for t in 1..n {
                r_mkt[t] = ln_level[t] - ln_level[t - 1];
            }
        }
        let mut trailing_1y = vec![0.0; n];
        for t in 0..n {
            let back = t.saturating_sub(252);
            trailing_1y[t] = if t >= 60 {
                (ln_level[t] - ln_level[back]) * 252.0 / (t - back) as f64
            } else {
                LOG_GROWTH
            };
        }
        Factors {
            ln_level,
            r_mkt,
            d_sector,
            trailing_1y,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays(from: Date, to: Date) -> Vec<Date> {
        (from.0..=to.0)
            .map(Date)
            .filter(|d| !d.is_weekend())
            .collect()
    }

    #[test]
    fn level_is_pinned_on_the_anchor_and_grows() {
        let dates = weekdays(Date::ymd(1980, 1, 1), Date::ymd(2026, 11, 20));
        for seed in [1, 2, 3] {
            let f = Factors::generate(seed, &dates);
            let i = dates.binary_search(&anchor_date()).unwrap();
            assert!(f.ln_level[i].abs() < 1e-12);
            // 44.3 years of growth at 7.5%: 1980 is e^-3.3 of 2024.
            let expect = -LOG_GROWTH * anchor_date().days_since(dates[0]) as f64 / 365.2425;
            assert!(
                (f.ln_level[0] - expect).abs() < 1e-9,
                "seed {seed}: {}",
                f.ln_level[0]
            );
            // Returns and levels agree.
            assert!((f.ln_level[100] - f.ln_level[99] - f.r_mkt[100]).abs() < 1e-12);
            // Realistic drawdowns: at least one bear market (-20%) in 44 years.
            let mut peak = f64::MIN;
            let mut dd: f64 = 0.0;
            for &l in &f.ln_level {
                peak = peak.max(l);
                dd = dd.max(1.0 - (l - peak).exp());
            }
            assert!((0.2..0.8).contains(&dd), "seed {seed}: max drawdown {dd}");
        }
    }

    #[test]
    fn history_before_the_anchor_sits_on_the_growth_line() {
        let dates = weekdays(Date::ymd(1990, 1, 1), Date::ymd(2000, 1, 1));
        let f = Factors::generate(9, &dates);
        let expect = -LOG_GROWTH * (24.33);
        assert!((f.ln_level.last().unwrap() - expect).abs() < 0.01);
    }
}
