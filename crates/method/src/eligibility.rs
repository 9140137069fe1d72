//! Security-level eligibility screens (methodology §2) and the reasons a line
//! is not an index line ([`Exclusion`]).
//!
//! Company-level screens (total cap, voting rights, extra classes) live in
//! [`crate::company`]; nationality in [`crate::nationality`].

use std::fmt;

use rankday_core::{Country, Exchange, Security, SecurityType};

use crate::nationality::NationalityStep;
use crate::snapshot::LineSnap;
use crate::Policy;

/// Why a line is not an index line after the rank-day screens.
#[derive(Clone, Debug, PartialEq)]
pub enum Exclusion {
    /// §2 Deadline: no row within the stale-close window before rank day.
    NotListedOnRankDay,
    /// §2 Price: a non-member must trade on rank day (members may use a recent last close).
    NotTradingOnRankDay,
    /// An unlisted class: counts toward the company's total shares only (§2 Multiple share classes).
    UnlistedClass,
    /// §2 Excluded structures and share types.
    SecurityType(SecurityType),
    /// §2 Exchanges.
    Exchange(Exchange),
    /// §2 Nationality: the company is not US.
    NonUs {
        /// The decided country.
        country: Country,
        /// The step that decided it.
        step: NationalityStep,
    },
    /// §2 Price: close (and, for existing members, the average close) below the minimum.
    Price {
        /// The close used.
        close: f64,
        /// The 30-day average close, for an existing member.
        avg_close: Option<f64>,
        /// The minimum.
        min: f64,
    },
    /// §2 Size: company total cap below the minimum.
    CapUnder30M {
        /// The company's total cap (USD).
        total_cap: f64,
        /// The minimum.
        min: f64,
    },
    /// §2 Float: float below the minimum percentage of shares outstanding.
    FloatUnder5 {
        /// Float, percent of shares outstanding.
        float_pct: f64,
        /// The minimum.
        min: f64,
    },
    /// §2 Voting rights: votes in public hands below the minimum.
    VotingRights {
        /// Votes in public hands, percent of all votes.
        pct: f64,
        /// The minimum.
        min: f64,
    },
    /// §2 Multiple share classes: an extra listed class whose own cap is too small.
    ExtraClassCap {
        /// The class's own cap (USD).
        cap: f64,
        /// The minimum.
        min: f64,
    },
    /// §2 Multiple share classes: an extra listed class whose ADDV is too small.
    ExtraClassLiquidity {
        /// The class's average daily dollar volume.
        addv: f64,
        /// The minimum.
        min: f64,
    },
    /// The company's pricing vehicle failed a screen, so none of its lines is eligible.
    CompanyIneligible,
    /// No line of the company can act as pricing vehicle.
    NoPricingVehicle,
    /// Merged into another ranked company (`into`, its line) on `ex_date`,
    /// between rank day and lock-down: its cap counts toward the survivor
    /// (FTSE Russell v7.0 §6.4.1; module `events`).
    Merged {
        /// The survivor's line.
        into: rankday_core::Sec,
        /// The merger's ex-date.
        ex_date: rankday_core::Date,
    },
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Exclusion::*;
        match self {
            NotListedOnRankDay => write!(f, "not listed on rank day (no recent row)"),
            NotTradingOnRankDay => {
                write!(f, "did not trade on rank day and is not an existing member")
            }
            UnlistedClass => write!(f, "unlisted class (counts toward total shares only)"),
            SecurityType(t) => write!(f, "security type '{t}' is excluded"),
            Exchange(e) => write!(f, "exchange '{e}' is not eligible"),
            NonUs { country, step } => write!(f, "nationality {country} (by {step}), not US"),
            Price {
                close,
                avg_close,
                min,
            } => {
                write!(f, "price {close:.4} < {min:.2}")?;
                if let Some(a) = avg_close {
                    write!(f, " and 30-day average {a:.4} < {min:.2}")?;
                }
                Ok(())
            }
            CapUnder30M { total_cap, min } => {
                write!(f, "total cap ${:.2}M < ${:.2}M", total_cap / 1e6, min / 1e6)
            }
            FloatUnder5 { float_pct, min } => write!(f, "float {float_pct:.4}% < {min}%"),
            VotingRights { pct, min } => write!(f, "votes in public hands {pct:.4}% < {min}%"),
            ExtraClassCap { cap, min } => {
                write!(
                    f,
                    "extra class cap ${:.2}M <= ${:.2}M",
                    cap / 1e6,
                    min / 1e6
                )
            }
            ExtraClassLiquidity { addv, min } => {
                write!(f, "extra class ADDV ${addv:.0} <= ${min:.0}")
            }
            CompanyIneligible => write!(f, "the company's pricing vehicle is ineligible"),
            NoPricingVehicle => write!(f, "no line can serve as pricing vehicle"),
            Merged { into, ex_date } => write!(
                f,
                "merged into security #{} on {ex_date}, before the lock-down: ranked within the survivor",
                into.0
            ),
        }
    }
}

/// Structural screens that decide whether a line may be priced and indexed at
/// all: listing, type, exchange (§2 Deadline, Excluded structures/share
/// types, Exchanges). `member` = an existing member line (may use a stale close).
pub fn structural(
    s: &Security,
    snap: &LineSnap,
    rank_day: usize,
    member: bool,
    p: &Policy,
) -> Option<Exclusion> {
    if s.exchange == Exchange::Unlisted {
        return Some(Exclusion::UnlistedClass);
    }
    if !snap.has_row() || snap.last_day + p.eligibility.stale_close_days < rank_day {
        return Some(Exclusion::NotListedOnRankDay);
    }
    if !snap.on_rank_day && !member {
        return Some(Exclusion::NotTradingOnRankDay);
    }
    if !p.eligibility.eligible_types.contains(&s.security_type) {
        return Some(Exclusion::SecurityType(s.security_type));
    }
    if !p.eligibility.exchanges.contains(&s.exchange) {
        return Some(Exclusion::Exchange(s.exchange));
    }
    if !(snap.close.is_finite() && snap.close > 0.0) {
        return Some(Exclusion::NotTradingOnRankDay);
    }
    None
}

/// §2 Price: close >= min; an existing member below it stays eligible if its
/// average close over the days before rank day is >= min.
pub fn price(snap: &LineSnap, member: bool, p: &Policy) -> Option<Exclusion> {
    let min = p.eligibility.min_price;
    if snap.close >= min {
        return None;
    }
    if member {
        if snap.avg_close >= min {
            return None;
        }
        return Some(Exclusion::Price {
            close: snap.close,
            avg_close: snap.avg_close.is_finite().then_some(snap.avg_close),
            min,
        });
    }
    Some(Exclusion::Price {
        close: snap.close,
        avg_close: None,
        min,
    })
}

/// §2 Float: float below `min_float_pct` of shares outstanding is out (4.9999% fails).
pub fn float(snap: &LineSnap, p: &Policy) -> Option<Exclusion> {
    let pct = snap.float_pct();
    let min = p.eligibility.min_float_pct;
    if pct.is_finite() && pct >= min {
        None
    } else {
        Some(Exclusion::FloatUnder5 {
            float_pct: if pct.is_finite() { pct } else { 0.0 },
            min,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rankday_core::Sec;

    fn snap(close: f64, avg: f64, shares: f64, float: f64) -> LineSnap {
        LineSnap {
            sec: Sec(0),
            on_rank_day: true,
            last_day: 10,
            close,
            shares,
            float,
            avg_close: avg,
            dollar_volume: 0.0,
            days: 0,
        }
    }

    #[test]
    fn float_boundary_4_9999_fails_5_passes() {
        let p = Policy::russell();
        assert!(matches!(
            float(&snap(10.0, 10.0, 1e6, 49_999.0), &p),
            Some(Exclusion::FloatUnder5 { .. })
        ));
        assert_eq!(float(&snap(10.0, 10.0, 1e6, 50_000.0), &p), None);
    }

    #[test]
    fn price_rule_and_member_average() {
        let p = Policy::russell();
        assert_eq!(price(&snap(1.0, 0.5, 1.0, 1.0), false, &p), None);
        assert!(price(&snap(0.99, 1.5, 1.0, 1.0), false, &p).is_some());
        assert_eq!(price(&snap(0.99, 1.5, 1.0, 1.0), true, &p), None);
        let e = price(&snap(0.99, 0.9, 1.0, 1.0), true, &p).unwrap();
        assert!(e.to_string().contains("30-day average 0.9000"), "{e}");
    }

    #[test]
    fn structural_reasons() {
        let p = Policy::russell();
        let mut s = Security::us_common("A", "C", "A");
        let ok = snap(5.0, 5.0, 1.0, 1.0);
        assert_eq!(structural(&s, &ok, 10, false, &p), None);
        let mut stale = ok;
        stale.on_rank_day = false;
        stale.last_day = 8;
        assert_eq!(
            structural(&s, &stale, 10, false, &p),
            Some(Exclusion::NotTradingOnRankDay)
        );
        assert_eq!(structural(&s, &stale, 10, true, &p), None);
        assert_eq!(
            structural(&s, &stale, 20, true, &p),
            Some(Exclusion::NotListedOnRankDay)
        );
        s.security_type = SecurityType::Bdc;
        assert_eq!(
            structural(&s, &ok, 10, false, &p),
            Some(Exclusion::SecurityType(SecurityType::Bdc))
        );
        s.security_type = SecurityType::Common;
        s.exchange = Exchange::Otc;
        assert_eq!(
            structural(&s, &ok, 10, false, &p),
            Some(Exclusion::Exchange(Exchange::Otc))
        );
        s.exchange = Exchange::Unlisted;
        assert_eq!(
            structural(&s, &ok, 10, false, &p),
            Some(Exclusion::UnlistedClass)
        );
    }
}
