//! Daily volume: float turnover by size, the day's news, and the
//! reconstitution day's closing auction.
//!
//! Why volume matters: `flows` measures a reconstitution's demand in days of
//! average volume and prices it with the square-root law, so a market whose
//! volume is off by a factor of three misstates every figure a
//! reconstitution desk reads.
//!
//! The model of an operating company's line, each day:
//!
//! `volume = float × turnover(size) × news × auction`
//!
//! * **turnover(size)**: mean daily float turnover by the company's current
//!   size (2024 dollars), [`turnover_by_size`]. Its knots are measured on
//!   the real data where it exists and taken from public figures elsewhere
//!   (see the constant);
//! * **news**: `exp(0.5 z − 0.125) × (1 + 10 |r|)`, a log-normal day-to-day
//!   noise of mean one (the cross-section of daily volume is log-normal, with
//!   a standard deviation of log volume near 0.5) times the day's absolute
//!   return `r`: volume and volatility move together. That one term also gives
//!   the clustering of volume with the market's volatility: when the market
//!   factor's volatility doubles, typical |r| doubles and volume rises about
//!   20%, an elasticity of about 0.25, as on ^RUT (monthly mean volume on
//!   monthly realised volatility, each over its centred 3-year mean,
//!   2000–2026: 0.23, correlation 0.71; `index_prices/RUT_alitalbi.csv` of
//!   the shared real data). No separate volatility term is added, so this is
//!   not counted twice;
//! * **auction**: on a reconstitution's effective date (FTSE Russell, Russell
//!   US Equity Indexes Construction and Methodology v7.0, §8: index funds
//!   trade at that day's close), [`RECON_MEMBER_MULTIPLE`] for every member,
//!   plus, for a company that enters, leaves or changes index, the passive
//!   funds' trade: the change in their share of its float
//!   ([`passive_share`]). The generator does not run the index; it ranks
//!   eligible companies by total cap on rank day (methodology §5) with the
//!   band of §4 in rank terms ([`Band::after`]) to know who changes, which
//!   is close enough for volume:
//!   the engine decides membership, the market only has to trade like one
//!   whose index funds rebalance.
//!
//! Every real-data figure quoted here (11×, 1.42×, 0.45 and 0.49 of IWM's
//! holding, 2.1 days, 0.23) is recomputed from the shared real data by
//! `crates/realism/tests/real_liquidity.rs`, within a stated tolerance.

/// Mean daily float turnover of an operating company by size, before the
/// news term (whose mean is about 1.25): `(cap in 2024 dollars, turnover)`
/// knots, log-linear between them.
///
/// Sources, after the news term:
/// * small caps: the 2025 Russell 3000 deletions (the smallest Russell 2000
///   members, about $100–300M) traded a median 0.45 of IWM's holding a day
///   in the 20 days to 2025-05-13, and the additions (mostly $150M–$1B)
///   held by IWM in November 2025 traded a median 0.49 of it in the 20 days
///   before 2025-06-27 (`russell_recon_2025` daily volumes with the IWM
///   holdings of `ishares_holdings`). With IWM holding about 2.3% of the
///   Russell 2000's float ($64–69bn of about $2.8T \[approximate: the
///   index's float cap is not in the shared data\]), that is about 1.0% and
///   1.1% of float a day;
/// * large caps: about 0.3–0.5% of float a day for the $100B+ companies
///   (e.g. Apple and Microsoft trade about 50M of 15B and 20M of 7.4B
///   shares a day in 2024–25, public exchange data) \[approximate\].
pub const TURNOVER_KNOTS: [(f64, f64); 5] = [
    (1e8, 0.0080),
    (1e9, 0.0085),
    (1e10, 0.0065),
    (1e11, 0.0035),
    (1e12, 0.0025),
];

/// Mean daily float turnover (before the news term) of an operating
/// company whose ln size in 2024 dollars is `ln_size`.
pub fn turnover_by_size(ln_size: f64) -> f64 {
    crate::exit::interp(ln_size, &TURNOVER_KNOTS)
}

/// Volume of every member on a reconstitution's effective date over a
/// normal day, before the trades of the companies that change. ^RUT's
/// aggregate volume on the June effective dates of 2000–2025 is a median
/// 1.42× its mean of the 20 days before (1.1–2.1 in most years;
/// `index_prices/RUT_alitalbi.csv`), and that includes the additions',
/// deletions' and migrants' own trades (about 10× their volume): the rest of
/// the members trade about 1.2× a normal day, as index funds re-weight every
/// member at the close.
pub const RECON_MEMBER_MULTIPLE: f64 = 1.2;

/// The §4 band around rank 1,000 in rank terms: ±2.5 cumulative percentiles
/// of the 2024 total cap ($53T) are about $1.3T, some 250 companies of $5B
/// above the breakpoint and 300 of $4B below it.
const BAND_TOP: usize = 750;
const BAND_BOTTOM: usize = 1300;

/// Which size index the rank-day ranking puts a company in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Band {
    /// Not ranked (not eligible, not alive on rank day, or below rank 3,000).
    #[default]
    Out,
    /// Ranks 1–1,000: the Russell 1000.
    Large,
    /// Ranks 1,001–3,000: the Russell 2000.
    Small,
}

impl Band {
    /// The band of total-cap rank `rank` (1-based), methodology §5.
    pub fn of_rank(rank: usize) -> Band {
        match rank {
            1..=1000 => Band::Large,
            1001..=3000 => Band::Small,
            _ => Band::Out,
        }
    }

    /// The band after a ranking for a company in band `self` ranked `rank`:
    /// a member moves across the 1,000 line only beyond the band
    /// (methodology §4; ranks `BAND_TOP` and `BAND_BOTTOM`); a newcomer
    /// takes the band of its rank.
    pub fn after(self, rank: usize) -> Band {
        match (self, Band::of_rank(rank)) {
            (Band::Large, Band::Small) if rank <= BAND_BOTTOM => Band::Large,
            (Band::Small, Band::Large) if rank > BAND_TOP => Band::Small,
            (_, b) => b,
        }
    }
}

/// Share of a member's float that index funds trade at the close when it
/// joins or leaves its index. Measured on the real 2025 reconstitution: the
/// Russell 3000 additions traded a median 11× their 20-day volume on the
/// effective date (`russell_recon_2025`), about ten days of index trade at
/// their 1.1% daily float turnover (see [`TURNOVER_KNOTS`]): 11% of float,
/// some 4.7 times IWM's 2.3% (IWM is about a fifth of the passive money on
/// the Russell 2000). A Russell 1000 member's index funds hold about 3% of
/// its float (the Russell 1000's and Russell 3000's passive money, about
/// $1.5T of the shipped passive policy of rankday-flows, over some $50T of
/// float). The flows crate's shipped policy gives the Russell 2000's passive
/// assets as 10% of its float cap, which puts 12–15% of a generated
/// addition's float on it (the 50-year market's 2015–2026 Junes), a little
/// above this share: its days of volume of every passive dollar (about 13)
/// run above the real additions' (about ten) for that reason, not this
/// volume's.
pub fn passive_share(b: Band) -> f64 {
    match b {
        Band::Out => 0.0,
        Band::Large => 0.03,
        Band::Small => 0.11,
    }
}

/// Volume multiple of a line on a reconstitution's effective date, and the
/// extra share of float traded: `(multiple, extra)` for a company in band
/// `before` and `after`; `None` for a company in neither.
pub fn recon_day(before: Band, after: Band) -> Option<(f64, f64)> {
    if before == Band::Out && after == Band::Out {
        return None;
    }
    Some((
        RECON_MEMBER_MULTIPLE,
        (passive_share(after) - passive_share(before)).abs(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turnover_falls_with_size_and_stays_in_its_range() {
        let t = |cap: f64| turnover_by_size(cap.ln());
        assert!(t(5e8) > t(2e10) && t(2e10) > t(5e11));
        assert!((t(1e9) - 0.0085).abs() < 1e-12);
        // Flat beyond the ends.
        assert_eq!(t(1e6), t(1e8));
        assert_eq!(t(1e14), t(1e12));
    }

    #[test]
    fn the_auction_trades_the_change_of_passive_ownership() {
        assert_eq!(recon_day(Band::Out, Band::Out), None);
        let (m, add) = recon_day(Band::Out, Band::Small).unwrap();
        assert_eq!(m, RECON_MEMBER_MULTIPLE);
        assert_eq!(add, passive_share(Band::Small));
        // A Russell 2000 addition trades about ten days of volume at the
        // close, as the real 2025 additions did (median 11x their 20-day
        // volume): passive share over the news-adjusted turnover.
        let days = add / (turnover_by_size(5e8f64.ln()) * 1.25);
        assert!((8.0..16.0).contains(&days), "{days}");
        let (_, down) = recon_day(Band::Large, Band::Small).unwrap();
        assert!((down - 0.08).abs() < 1e-12);
        let (_, stay) = recon_day(Band::Small, Band::Small).unwrap();
        assert_eq!(stay, 0.0);
        assert_eq!(Band::of_rank(1000), Band::Large);
        assert_eq!(Band::of_rank(1001), Band::Small);
        assert_eq!(Band::of_rank(3001), Band::Out);
        // The band: members keep their index near the line, newcomers do not.
        assert_eq!(Band::Large.after(1200), Band::Large);
        assert_eq!(Band::Large.after(1400), Band::Small);
        assert_eq!(Band::Small.after(900), Band::Small);
        assert_eq!(Band::Small.after(700), Band::Large);
        assert_eq!(Band::Out.after(900), Band::Large);
        assert_eq!(Band::Large.after(3500), Band::Out);
    }
}
