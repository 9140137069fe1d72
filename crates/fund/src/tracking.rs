//! Tracking statistics on plain daily return series.
//!
//! Names say exactly what is computed, because the literature does not
//! agree (field notes: okama #97, Lean PR #4248, empyrical's unannualised
//! `nanstd(ddof=1)`):
//!
//! * **tracking difference** — fund total return minus index total return
//!   over the period ([`tracking_difference`]), and the difference of the
//!   two annualised returns ([`tracking_difference_annualised`]);
//! * **`te_std`** — sample standard deviation (ddof = 1) of daily active
//!   returns × √252: the dispersion around the mean active return;
//! * **`te_rms`** — root mean square of daily active returns × √252: it
//!   also counts a steady drift (fees). The two are tied by
//!   `te_rms² = (N−1)/N · te_std² + mean²` (daily figures);
//! * **information ratio** — annualised mean active return (× 252) / `te_std`;
//! * **beta** — sample cov(fund, index) / var(index);
//! * **up / down capture** — Morningstar's geometric form: the geometric
//!   mean fund return over the days the index rose (fell), divided by the
//!   index's geometric mean over the same days.
//!
//! Active return is the arithmetic difference `r_fund − r_index` per day.
//! Annualisation assumes 252 trading days a year.

use crate::FundError;

/// Trading days per year used to annualise.
pub const TRADING_DAYS: f64 = 252.0;

/// Daily `fund − index`.
pub fn active_returns(fund: &[f64], index: &[f64]) -> Result<Vec<f64>, FundError> {
    same_len("active returns", fund, index)?;
    Ok(fund.iter().zip(index).map(|(f, i)| f - i).collect())
}

/// Compounded return of a daily series.
pub fn cumulative_return(r: &[f64]) -> f64 {
    r.iter().fold(1.0, |acc, x| acc * (1.0 + x)) - 1.0
}

/// Compound annual return, `(1 + cum)^(252/n) − 1`; NaN for an empty series.
pub fn annualised_return(r: &[f64]) -> f64 {
    if r.is_empty() {
        return f64::NAN;
    }
    (1.0 + cumulative_return(r)).powf(TRADING_DAYS / r.len() as f64) - 1.0
}

/// Cumulative fund return − cumulative index return.
pub fn tracking_difference(fund: &[f64], index: &[f64]) -> Result<f64, FundError> {
    same_len("tracking difference", fund, index)?;
    Ok(cumulative_return(fund) - cumulative_return(index))
}

/// Annualised fund return − annualised index return.
pub fn tracking_difference_annualised(fund: &[f64], index: &[f64]) -> Result<f64, FundError> {
    same_len("tracking difference", fund, index)?;
    Ok(annualised_return(fund) - annualised_return(index))
}

/// Arithmetic mean; NaN for an empty series.
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample standard deviation (ddof = 1) × √252; NaN below two values.
pub fn te_std(active: &[f64]) -> f64 {
    if active.len() < 2 {
        return f64::NAN;
    }
    let m = mean(active);
    let ss: f64 = active.iter().map(|a| (a - m) * (a - m)).sum();
    (ss / (active.len() - 1) as f64).sqrt() * TRADING_DAYS.sqrt()
}

/// Root mean square × √252; NaN for an empty series.
pub fn te_rms(active: &[f64]) -> f64 {
    if active.is_empty() {
        return f64::NAN;
    }
    let ss: f64 = active.iter().map(|a| a * a).sum();
    (ss / active.len() as f64).sqrt() * TRADING_DAYS.sqrt()
}

/// Annualised mean active return / `te_std` (NaN when `te_std` is 0 or NaN).
pub fn information_ratio(active: &[f64]) -> f64 {
    let te = te_std(active);
    if te.is_nan() || te <= 0.0 {
        return f64::NAN;
    }
    mean(active) * TRADING_DAYS / te
}

/// Sample cov(fund, index) / sample var(index); NaN if the index never moves.
pub fn beta(fund: &[f64], index: &[f64]) -> Result<f64, FundError> {
    same_len("beta", fund, index)?;
    if fund.len() < 2 {
        return Ok(f64::NAN);
    }
    let (mf, mi) = (mean(fund), mean(index));
    let (mut cov, mut var) = (0.0, 0.0);
    for (f, i) in fund.iter().zip(index) {
        cov += (f - mf) * (i - mi);
        var += (i - mi) * (i - mi);
    }
    Ok(if var > 0.0 { cov / var } else { f64::NAN })
}

fn geo_mean(r: impl Iterator<Item = f64>) -> f64 {
    let (mut p, mut n) = (1.0, 0usize);
    for x in r {
        p *= 1.0 + x;
        n += 1;
    }
    if n == 0 {
        return f64::NAN;
    }
    p.powf(1.0 / n as f64) - 1.0
}

fn capture(fund: &[f64], index: &[f64], up: bool) -> Result<f64, FundError> {
    same_len("capture", fund, index)?;
    let keep = |i: f64| if up { i > 0.0 } else { i < 0.0 };
    let pairs = || fund.iter().zip(index).filter(|(_, &i)| keep(i));
    let gi = geo_mean(pairs().map(|(_, &i)| i));
    let gf = geo_mean(pairs().map(|(&f, _)| f));
    Ok(if gi.is_nan() || gi == 0.0 {
        f64::NAN
    } else {
        gf / gi
    })
}

/// Up-capture ratio (NaN without an up day).
pub fn up_capture(fund: &[f64], index: &[f64]) -> Result<f64, FundError> {
    capture(fund, index, true)
}

/// Down-capture ratio (NaN without a down day).
pub fn down_capture(fund: &[f64], index: &[f64]) -> Result<f64, FundError> {
    capture(fund, index, false)
}

/// Everything above for one pair of series.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct TrackingStats {
    /// Number of daily observations.
    pub days: usize,
    /// Cumulative return of the fund (compounded daily returns).
    pub fund_return: f64,
    /// Cumulative return of the index.
    pub index_return: f64,
    /// The fund's return per year of 252 trading days.
    pub fund_return_annualised: f64,
    /// The index's return per year.
    pub index_return_annualised: f64,
    /// `fund_return − index_return`.
    pub tracking_difference: f64,
    /// `fund_return_annualised − index_return_annualised`.
    pub tracking_difference_annualised: f64,
    /// Mean daily active return (not annualised).
    pub mean_active_daily: f64,
    /// Tracking error as the standard deviation of daily active returns × √252 (the usual definition, blind to a constant drag).
    pub te_std: f64,
    /// Tracking error as the root mean square of daily active returns × √252 (counts a constant drag too).
    pub te_rms: f64,
    /// Annualised mean active return ÷ `te_std`.
    pub information_ratio: f64,
    /// Slope of fund returns on index returns.
    pub beta: f64,
    /// Fund's mean return over index-up days ÷ the index's on those days.
    pub up_capture: f64,
    /// The same over index-down days.
    pub down_capture: f64,
}

/// All statistics of `fund` against `index` (same length, same days).
pub fn tracking_stats(fund: &[f64], index: &[f64]) -> Result<TrackingStats, FundError> {
    let active = active_returns(fund, index)?;
    Ok(TrackingStats {
        days: fund.len(),
        fund_return: cumulative_return(fund),
        index_return: cumulative_return(index),
        fund_return_annualised: annualised_return(fund),
        index_return_annualised: annualised_return(index),
        tracking_difference: tracking_difference(fund, index)?,
        tracking_difference_annualised: tracking_difference_annualised(fund, index)?,
        mean_active_daily: mean(&active),
        te_std: te_std(&active),
        te_rms: te_rms(&active),
        information_ratio: information_ratio(&active),
        beta: beta(fund, index)?,
        up_capture: up_capture(fund, index)?,
        down_capture: down_capture(fund, index)?,
    })
}

fn same_len(what: &'static str, a: &[f64], b: &[f64]) -> Result<(), FundError> {
    if a.len() != b.len() {
        return Err(FundError::LengthMismatch {
            what,
            left: a.len(),
            right: b.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_te_both_ways_and_ir() {
        // Active returns a = [0.001, −0.002, 0.0005, 0.0015]:
        //   Σa = 0.001, mean m = 0.00025.
        //   deviations 0.00075, −0.00225, 0.00025, 0.00125; squares
        //   5.625e−7 + 5.0625e−6 + 6.25e−8 + 1.5625e−6 = 7.25e−6;
        //   sample var = 7.25e−6 / 3 = 2.41667e−6, sd = 1.554563e−3;
        //   te_std = sd·√252 = 1.554563e−3 × 15.874508 = 0.0246779.
        //   Σa² = 1e−6 + 4e−6 + 2.5e−7 + 2.25e−6 = 7.5e−6; mean square
        //   1.875e−6; rms = 1.369306e−3; te_rms = 0.0217371.
        //   Check: (N−1)/N·var + m² = 0.75 × 2.41667e−6 + 6.25e−8 = 1.875e−6 ✓.
        //   IR = 0.00025 × 252 / 0.0246779 = 0.063 / 0.0246779 = 2.55289.
        let a = [0.001, -0.002, 0.0005, 0.0015];
        assert!((te_std(&a) - 0.0246779).abs() < 1e-7, "{}", te_std(&a));
        assert!((te_rms(&a) - 0.0217371).abs() < 1e-7, "{}", te_rms(&a));
        assert!((information_ratio(&a) - 2.55289).abs() < 1e-5);
        let n = a.len() as f64;
        let d = |x: f64| x * x / TRADING_DAYS;
        let identity = (n - 1.0) / n * d(te_std(&a)) + mean(&a).powi(2);
        assert!((identity - d(te_rms(&a))).abs() < 1e-18);
        // The same active returns from fund and index series.
        let index = [0.01, -0.005, 0.002, 0.0];
        let fund: Vec<f64> = index.iter().zip(a).map(|(i, x)| i + x).collect();
        let s = tracking_stats(&fund, &index).unwrap();
        assert!((s.te_std - te_std(&a)).abs() < 1e-15);
        assert!((s.mean_active_daily - 0.00025).abs() < 1e-15);
        // TD: (1.011)(0.993)(1.0025)(1.0015) − 1 vs (1.01)(0.995)(1.002)(1.0) − 1.
        let f = 1.011 * 0.993 * 1.0025 * 1.0015 - 1.0;
        let i = 1.01 * 0.995 * 1.002 - 1.0;
        assert!((s.tracking_difference - (f - i)).abs() < 1e-15);
        assert_eq!(s.days, 4);
    }

    #[test]
    fn beta_and_capture_by_hand() {
        // fund = 2 × index exactly: beta 2.
        let index = [0.01, -0.02, 0.005, -0.01, 0.0];
        let fund: Vec<f64> = index.iter().map(|x| 2.0 * x).collect();
        assert!((beta(&fund, &index).unwrap() - 2.0).abs() < 1e-12);
        // Up days: index 1%, 0.5%; fund 2%, 1%.
        // geo index = √(1.01·1.005) − 1, geo fund = √(1.02·1.01) − 1.
        let gi = (1.01f64 * 1.005).sqrt() - 1.0;
        let gf = (1.02f64 * 1.01).sqrt() - 1.0;
        assert!((up_capture(&fund, &index).unwrap() - gf / gi).abs() < 1e-12);
        let gi = (0.98f64 * 0.99).sqrt() - 1.0;
        let gf = (0.96f64 * 0.98).sqrt() - 1.0;
        assert!((down_capture(&fund, &index).unwrap() - gf / gi).abs() < 1e-12);
        // A perfect tracker: capture 1, beta 1, both TEs 0, IR undefined.
        let s = tracking_stats(&index, &index).unwrap();
        assert_eq!((s.te_std, s.te_rms), (0.0, 0.0));
        assert!((s.beta - 1.0).abs() < 1e-12 && s.information_ratio.is_nan());
        assert!((s.up_capture - 1.0).abs() < 1e-12);
        assert!(matches!(
            tracking_stats(&index[..2], &index),
            Err(FundError::LengthMismatch { .. })
        ));
    }
}
