//! Price impact from the square-root law.
//!
//! `impact = Y · σ_daily · √(|Q| / V)`, signed like the demand, in basis
//! points, where `V` is the volume traded over the order's window: the
//! effective date's close for a reconstitution ([`close_impact_bps`]), a
//! day's ADV for an order worked through the day ([`square_root_impact_bps`]).
//! The square-root law is the best-documented regularity of market
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

/// Signed square-root impact of a trade at one closing auction, in basis
/// points: `Y · σ_daily · √(|Q| / V_close)`, where `V_close` is the volume the
/// close is expected to trade, `|Q| + closing_auction_share × ADV`.
///
/// Why this volume and not the ADV: the square-root law's `V` is the volume
/// traded over the order's execution window (Bouchaud, Bonart, Donier & Gould
/// 2018, ch. 12; Almgren et al. 2005 in participation terms), and index funds
/// trade a reconstitution at the effective date's close (methodology §8).
/// That close is expected to trade its ordinary volume (the closing-auction
/// share of a normal day) plus the index order itself, which it crosses
/// against liquidity pre-positioned for it: the real 2025 Russell additions
/// traded a median 11× their 20-day volume on the effective date, about their
/// whole passive demand (about ten days of volume) plus a normal day
/// (`russell_recon_2025` of the shared real data, see `rankday-synth`'s
/// volume model). So a desk's expected participation of the order in the
/// close is `|Q| / V_close`, at most one: an order that dominates the
/// auction moves the close by about one day's volatility (Y σ), the scale of
/// the June effects measured around rank 1,000 (a few percent over the month:
/// Chang, Hong & Liskovich 2015), and not the 10–150% a day's-volume
/// denominator gives a migration of ten or fifty days of volume.
///
/// 0 for zero demand; NaN when σ or ADV is unknown, or ADV is not positive.
pub fn close_impact_bps(
    y: f64,
    daily_sigma: f64,
    demand_shares: f64,
    adv_shares: f64,
    closing_auction_share: f64,
) -> f64 {
    if demand_shares != 0.0 && !(adv_shares.is_finite() && adv_shares > 0.0) {
        return f64::NAN;
    }
    // The same law, with the close's expected volume in place of the ADV.
    let v_close = demand_shares.abs() + closing_auction_share * adv_shares;
    square_root_impact_bps(y, daily_sigma, demand_shares, v_close)
}

/// Signed square-root impact in basis points of an order worked through a
/// normal day, in units of its ADV (a fund's daily trades; a reconstitution's
/// trade at the close is [`close_impact_bps`]).
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

    #[test]
    fn close_impact_is_participation_in_the_close() {
        // 2% σ; the close trades 10% of a 1,000-share ADV = 100 shares
        // besides the order: an order of 100 is half the close, √0.5 σ.
        let v = close_impact_bps(1.0, 0.02, 100.0, 1000.0, 0.1);
        assert!((v - 200.0 * 0.5f64.sqrt()).abs() < 1e-9, "{v}");
        assert!((close_impact_bps(1.0, 0.02, -100.0, 1000.0, 0.1) + v).abs() < 1e-9);
        // An order of fifty days of volume moves the close by about one σ,
        // never more: the ADV law would say 0.02 × √50 = 14%.
        let big = close_impact_bps(1.0, 0.02, 50_000.0, 1000.0, 0.1);
        assert!(big < 200.0 && big > 199.0, "{big}");
        assert!(square_root_impact_bps(1.0, 0.02, 50_000.0, 1000.0) > 1400.0);
        assert_eq!(close_impact_bps(1.0, 0.02, 0.0, f64::NAN, 0.1), 0.0);
        assert!(close_impact_bps(1.0, 0.02, 1.0, 0.0, 0.1).is_nan());
        assert!(close_impact_bps(1.0, f64::NAN, 1.0, 10.0, 0.1).is_nan());
    }
}
