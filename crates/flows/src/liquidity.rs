//! Liquidity of a name before a reconstitution: prices, average daily volume,
//! daily volatility, all in the share units of the pricing date.
//!
//! Why split-adjust: `daily` is as traded (market-format 1: closes are never
//! back-adjusted). Demand is counted in pricing-date shares, so a volume or a
//! close from before a split is scaled by the ratios of the splits that went
//! ex after it (format: "price ÷ ratio, shares × ratio"). Without that, a
//! 2-for-1 split inside the window would halve the ADV and put a −69%
//! "return" into the volatility.
//!
//! Windows end at the last trading day *before* the effective date (the recon
//! day's own closing volume is the event being forecast, not liquidity
//! evidence) and never after the pricing date (a forecast sees no future).

use rankday_core::{Date, Market, Sec};

/// Last finite, positive close of `sec` on or before `day`, with its day index.
pub fn close_on_or_before(market: &Market, sec: Sec, day: usize) -> Option<(usize, f64)> {
    let h = market.history(sec);
    let mut i = h.last_on_or_before(day)?;
    loop {
        let c = h.row(i).close;
        if c.is_finite() && c > 0.0 {
            return Some((h.day(i), c));
        }
        i = i.checked_sub(1)?;
    }
}

/// Day index of the last row of `sec` in the whole history (None if it never traded).
pub fn last_trading_day(market: &Market, sec: Sec) -> Option<usize> {
    market.history(sec).last_day()
}

/// Last day of the liquidity windows: the last trading day strictly before
/// `effective_date`, capped at `pricing_day`.
pub fn window_end(market: &Market, effective_date: Date, pricing_day: usize) -> Option<usize> {
    let before_eff = market.day_on_or_before(effective_date.add_days(-1))?;
    Some(before_eff.min(pricing_day))
}

/// A name's liquidity going into the event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Liquidity {
    /// Mean split-adjusted daily volume over the days the name traded among
    /// the last `adv_days` market trading days up to the window end; NaN if none.
    pub adv_shares: f64,
    /// How many days went into `adv_shares` (fewer than asked for new listings).
    pub adv_days_used: usize,
    /// Sample standard deviation of split-adjusted close-to-close log returns
    /// over the last `vol_days` market trading days; NaN with fewer than 2 returns.
    pub daily_sigma: f64,
    /// How many returns went into `daily_sigma`.
    pub returns_used: usize,
}

impl Liquidity {
    /// Nothing known (no trading day before the event in the window).
    pub const NONE: Liquidity = Liquidity {
        adv_shares: f64::NAN,
        adv_days_used: 0,
        daily_sigma: f64::NAN,
        returns_used: 0,
    };
}

/// ADV and daily σ of `sec` over windows ending at day `end` (inclusive),
/// expressed in shares of `pricing_date`.
pub fn liquidity(
    market: &Market,
    sec: Sec,
    end: usize,
    pricing_date: Date,
    adv_days: usize,
    vol_days: usize,
) -> Liquidity {
    let h = market.history(sec);
    let Some(hi) = h.last_on_or_before(end) else {
        return Liquidity::NONE;
    };
    // ADV: walk back over the name's rows inside the last `adv_days` days.
    let adv_start = (end + 1).saturating_sub(adv_days);
    let (mut sum, mut n) = (0.0, 0usize);
    let mut i = hi as isize;
    while i >= 0 && adv_days > 0 {
        let k = i as usize;
        if h.day(k) < adv_start {
            break;
        }
        let r = h.row(k);
        if r.volume.is_finite() && r.volume >= 0.0 {
            sum += r.volume * market.split_factor(sec, r.date, pricing_date);
            n += 1;
        }
        i -= 1;
    }
    let adv_shares = if n > 0 { sum / n as f64 } else { f64::NAN };

    // σ: consecutive rows of the name whose days lie in [end - vol_days, end].
    let vol_start = end.saturating_sub(vol_days);
    let mut rets = Vec::with_capacity(vol_days);
    let mut k = hi;
    while k > 0 && h.day(k - 1) >= vol_start {
        let (cur, prev) = (h.row(k), h.row(k - 1));
        if cur.close > 0.0 && prev.close > 0.0 && cur.close.is_finite() && prev.close.is_finite() {
            let f = market.split_factor(sec, prev.date, cur.date);
            rets.push((cur.close * f / prev.close).ln());
        }
        k -= 1;
    }
    rets.reverse(); // oldest first: a fixed summation order
    let daily_sigma = sample_sd(&rets);
    Liquidity {
        adv_shares,
        adv_days_used: n,
        daily_sigma,
        returns_used: rets.len(),
    }
}

/// Sample standard deviation (n − 1); NaN for fewer than two values.
pub fn sample_sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return f64::NAN;
    }
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    (ss / (x.len() - 1) as f64).sqrt()
}

/// Demand as days of average volume: |Q| / ADV (NaN without an ADV; +∞ for a
/// name with demand but zero volume, which is what it is).
pub fn days_of_volume(demand_shares: f64, adv_shares: f64) -> f64 {
    if !adv_shares.is_finite() {
        return f64::NAN;
    }
    if demand_shares == 0.0 {
        return 0.0;
    }
    demand_shares.abs() / adv_shares
}

/// Demand as a multiple of a normal closing auction: |Q| / (share × ADV).
/// Recon demand is executed at the effective-date close (§8: $219.6bn at the
/// close on Nasdaq and NYSE in 2024), so this is the measure desks watch.
pub fn auction_multiple(demand_shares: f64, adv_shares: f64, closing_auction_share: f64) -> f64 {
    days_of_volume(demand_shares, adv_shares * closing_auction_share)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rankday_core::{Action, ActionKind, DailyRow, MarketBuilder, Security};

    /// One name, 10 trading days from 2024-01-01 (Mon..Fri, two weeks), a
    /// 2-for-1 split going ex on day 6.
    fn market() -> Market {
        let mut b = MarketBuilder::new();
        let s = b
            .add_security(Security::us_common("A", "CA", "AAA"))
            .unwrap();
        let mut d = Date::ymd(2024, 1, 1);
        let closes = [10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 5.0, 5.5, 5.0, 5.5];
        let vols = [
            100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 1400.0, 1600.0, 1800.0, 2000.0,
        ];
        for k in 0..10 {
            while d.is_weekend() {
                d = d.add_days(1);
            }
            b.push_daily(DailyRow {
                date: d,
                sec: s,
                close: closes[k],
                volume: vols[k],
                shares_outstanding: 1e6,
                float_shares: 1e6,
            });
            if k == 6 {
                b.push_action(Action {
                    ex_date: d,
                    sec: s,
                    kind: ActionKind::Split,
                    ratio: Some(2.0),
                    amount: None,
                    other: None,
                    offering: None,
                });
            }
            d = d.add_days(1);
        }
        b.build().unwrap()
    }

    #[test]
    fn split_factor_counts_only_splits_in_the_half_open_range() {
        let m = market();
        let ex = m.dates()[6];
        assert_eq!(m.split_factor(Sec(0), m.dates()[5], ex), 2.0);
        assert_eq!(m.split_factor(Sec(0), ex, m.dates()[9]), 1.0);
        assert_eq!(m.split_factor(Sec(0), m.dates()[9], m.dates()[0]), 1.0);
    }

    #[test]
    fn adv_is_split_adjusted_and_windowed() {
        let m = market();
        let pricing = m.dates()[9];
        // Window of 4 days ending on day 7: days 4..=7, pre-split days doubled.
        let l = liquidity(&m, Sec(0), 7, pricing, 4, 3);
        let want = (500.0 * 2.0 + 600.0 * 2.0 + 1400.0 + 1600.0) / 4.0;
        assert_eq!(l.adv_shares, want);
        assert_eq!(l.adv_days_used, 4);
        // σ over days 4..=7: returns 5->6, 6->7 (split-adjusted), 7->8? no: end is 7.
        // days 5,6,7 paired with their predecessors: ln(11/10), ln(5*2/11), ln(5.5/5).
        let r = [(1.1f64).ln(), (10.0f64 / 11.0).ln(), (1.1f64).ln()];
        assert_eq!(l.returns_used, 3);
        assert!((l.daily_sigma - sample_sd(&r)).abs() < 1e-15);
        let m_ = (r[0] + r[1] + r[2]) / 3.0;
        let sd = (r.iter().map(|x| (x - m_).powi(2)).sum::<f64>() / 2.0).sqrt();
        assert!((l.daily_sigma - sd).abs() < 1e-15);
    }

    #[test]
    fn window_excludes_the_effective_date_and_respects_pricing() {
        let m = market();
        let eff = m.dates()[9];
        assert_eq!(window_end(&m, eff, 9), Some(8));
        assert_eq!(window_end(&m, eff, 3), Some(3));
        assert_eq!(close_on_or_before(&m, Sec(0), 9), Some((9, 5.5)));
        assert_eq!(last_trading_day(&m, Sec(0)), Some(9));
    }

    #[test]
    fn days_of_volume_and_auction_multiple() {
        assert_eq!(days_of_volume(-500.0, 1000.0), 0.5);
        assert_eq!(auction_multiple(500.0, 1000.0, 0.1), 5.0);
        assert!(days_of_volume(1.0, f64::NAN).is_nan());
        assert_eq!(days_of_volume(0.0, 0.0), 0.0);
        assert_eq!(days_of_volume(1.0, 0.0), f64::INFINITY);
        assert!(sample_sd(&[1.0]).is_nan());
    }
}
