//! Price impact from the square-root law.
//!
//! `impact = Y · σ_daily · √(|Q| / ADV)`, signed like the demand, in basis
//! points. The square-root law is the best-documented regularity of market
//! impact: the impact of a metaorder grows with the square root of its size
//! in units of daily volume, scaled by daily volatility, with a prefactor `Y`
//! of order one across markets and periods (Almgren, Thum, Hauptmann & Li,
//! "Direct estimation of equity market impact", Risk 2005; Tóth et al.,
//! "Anomalous price impact and the critical nature of liquidity", PRX 2011;
//! Bouchaud, Bonart, Donier & Gould, *Trades, Quotes and Prices*, 2018, ch. 12).
//!
//! Caveat, and why we still use it: recon demand is not a metaorder worked
//! over a day but a crossing at one closing auction, largely pre-positioned by
//! liquidity providers over the weeks before (§8: $219.6bn at the 2024 close).
//! The law gives the cost of absorbing that demand, an upper-bound-like scale
//! for the June effects measured around rank 1,000 (Chang, Hong & Liskovich
//! 2015: about +5.6% for stocks dropping into the R2000, −5.4% for stocks
//! moving up). Use it to rank names and to size pressure, not as a forecast of
//! the effective-date close-to-close return.

/// Signed square-root impact in basis points.
///
/// 0 for zero demand; NaN when σ or ADV is unknown, or ADV is not positive.
pub fn square_root_impact_bps(
    y: f64,
    daily_sigma: f64,
    demand_shares: f64,
    adv_shares: f64,
) -> f64 {
    if demand_shares == 0.0 {
        return 0.0;
    }
    if !adv_shares.is_finite() || adv_shares <= 0.0 || !daily_sigma.is_finite() {
        return f64::NAN;
    }
    demand_shares.signum() * y * daily_sigma * (demand_shares.abs() / adv_shares).sqrt() * 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_impact() {
        // 2% daily σ, a quarter of a day's volume, Y = 1: 0.02 × 0.5 = 1% = 100 bp.
        assert!((square_root_impact_bps(1.0, 0.02, 250.0, 1000.0) - 100.0).abs() < 1e-9);
        // Selling: same size, negative sign; Y scales linearly.
        assert!((square_root_impact_bps(0.5, 0.02, -250.0, 1000.0) + 50.0).abs() < 1e-9);
        // Four times the size, twice the impact.
        let a = square_root_impact_bps(1.0, 0.03, 100.0, 1000.0);
        let b = square_root_impact_bps(1.0, 0.03, 400.0, 1000.0);
        assert!((b / a - 2.0).abs() < 1e-12);
        assert_eq!(square_root_impact_bps(1.0, 0.02, 0.0, f64::NAN), 0.0);
        assert!(square_root_impact_bps(1.0, 0.02, 1.0, 0.0).is_nan());
        assert!(square_root_impact_bps(1.0, f64::NAN, 1.0, 10.0).is_nan());
    }
}
