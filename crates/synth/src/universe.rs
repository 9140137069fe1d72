//! Who exists: the kinds of listed lines the generator keeps alive, their
//! share in the population, structure (types, exchanges, countries, share
//! classes) and life-cycle hazards.
//!
//! Why a table of kinds: methodology §2 has one screen per structural
//! feature, and a market that "exercises every rule" needs a steady supply of
//! each case at every date. Each kind is a population with a target size
//! (lines per 5,500), a death hazard and a matching birth rate, so the mix is
//! stationary over any history length.
//!
//! `designed_eligible` is a generator label (what the case was built to
//! test), used only to decide which companies the size calibration ranks. It
//! is not a re-implementation of the screens: the method crate decides.

use rankday_core::{Country, Exchange, SecurityType};

/// The eleven GICS-like sectors written to `sector`.
pub const SECTORS: [&str; 11] = [
    "Information Technology",
    "Health Care",
    "Financials",
    "Consumer Discretionary",
    "Industrials",
    "Communication Services",
    "Consumer Staples",
    "Energy",
    "Materials",
    "Utilities",
    "Real Estate",
];
/// Sector mix of ordinary operating companies (by count, US listings).
pub const SECTOR_WEIGHTS: [f64; 11] = [
    0.15, 0.19, 0.16, 0.11, 0.14, 0.04, 0.04, 0.05, 0.05, 0.02, 0.05,
];
pub const SECTOR_FIN: u8 = 2;
pub const SECTOR_ENERGY: u8 = 7;
pub const SECTOR_RE: u8 = 10;

/// One population of lines the generator maintains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    // Built eligible.
    UsCommon,
    UsReit,
    /// Listed class A plus an unlisted high-vote class B; enough votes in public hands.
    MultiUnlisted,
    /// Two listed classes (voting A, non-voting C), one company.
    MultiListed,
    /// Incorporated in a BDI country, headquartered in the US (rule 4: HQ).
    BdiUsHq,
    /// Incorporated and headquartered in a BDI country, US exchange (rule 4: exchange).
    BdiHqExchange,
    /// HCIs disagree; primary assets in the US decide.
    AssetsUs,
    /// HCIs disagree, no primary assets; primary revenue in the US decides.
    RevenueUs,
    /// Puerto Rico: a US territory counts as US.
    Territory,
    // Built ineligible.
    ForeignCommon,
    /// China "N share": Cayman holding, Chinese HQ and assets.
    NShare,
    AssetsForeign,
    RevenueForeign,
    /// Marshall Islands shipping company headquartered in Greece.
    BdiForeignHq,
    Adr,
    Etf,
    Cef,
    Bdc,
    Lp,
    Llc,
    RoyaltyTrust,
    /// SPAC: unit, class A share (`spac`) and warrant.
    Spac,
    ReitUbti,
    /// US common stock quoted only over the counter.
    Otc,
    /// Persistently under $1.
    Penny,
    /// Float ≤ 5% of shares.
    LowFloat,
    /// Listed class with ≤ 5% of the votes in public hands.
    LowVote,
    Tracking,
}

/// How a kind's price moves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PriceModel {
    /// Company cap follows the market level times a mean-reverting relative
    /// level; price = cap / shares.
    Cap,
    /// Price follows the market level (an index fund); shares move by creations.
    MarketTracker,
    /// Log price mean-reverts to a fixed level (SPAC trust value).
    Level(f64),
}

/// Static description of a kind.
#[derive(Clone, Copy, Debug)]
pub struct KindSpec {
    pub kind: Kind,
    /// Companies of this kind alive at a time, per 5,500 target lines.
    pub per_5500: f64,
    pub designed_eligible: bool,
    /// Counts as an operating-company IPO when born.
    pub ipo: bool,
    pub price: PriceModel,
    /// Median and log-sd of cap (2024 dollars) for kinds not drawn from the
    /// calibrated US curve (`None` = the US curve).
    pub cap: Option<(f64, f64)>,
    /// Yearly hazards: acquisition, bankruptcy, plain delisting.
    pub hazards: (f64, f64, f64),
    /// Probability of paying regular dividends (before the size adjustment).
    pub payer: f64,
    pub idio_vol: Option<f64>,
}

#[allow(clippy::too_many_arguments)]
const fn spec(
    kind: Kind,
    per_5500: f64,
    designed_eligible: bool,
    ipo: bool,
    price: PriceModel,
    cap: Option<(f64, f64)>,
    hazards: (f64, f64, f64),
    payer: f64,
    idio_vol: Option<f64>,
) -> KindSpec {
    KindSpec {
        kind,
        per_5500,
        designed_eligible,
        ipo,
        price,
        cap,
        hazards,
        payer,
        idio_vol,
    }
}

use PriceModel as P;
/// Yearly hazards of an ordinary US company (size-scaled later).
const OPCO: (f64, f64, f64) = (0.040, 0.005, 0.006);

/// The population table. Eligible kinds sum to 4,250 companies per 5,500
/// lines (the size curve's reference count); the rest, with SPAC units and
/// warrants, preferreds and second classes, fill the ~5,500 listed lines.
#[rustfmt::skip]
pub const KINDS: &[KindSpec] = &[
    // kind, per 5,500 lines, eligible, IPO, price model, cap (median, log-sd; None = US curve),
    // hazards (acquisition, bankruptcy, delisting), dividend payer (-1 = by size), idio vol
    spec(Kind::UsCommon, 3849.0, true, true, P::Cap, None, OPCO, -1.0, None),
    spec(Kind::UsReit, 165.0, true, true, P::Cap, None, (0.03, 0.004, 0.004), 0.92, Some(0.22)),
    spec(Kind::MultiUnlisted, 110.0, true, true, P::Cap, None, OPCO, -1.0, None),
    spec(Kind::MultiListed, 30.0, true, true, P::Cap, None, (0.02, 0.002, 0.002), -1.0, None),
    spec(Kind::BdiUsHq, 60.0, true, true, P::Cap, None, OPCO, -1.0, None),
    spec(Kind::BdiHqExchange, 8.0, true, true, P::Cap, None, OPCO, -1.0, None),
    spec(Kind::AssetsUs, 12.0, true, true, P::Cap, None, OPCO, -1.0, None),
    spec(Kind::RevenueUs, 10.0, true, true, P::Cap, None, OPCO, -1.0, None),
    spec(Kind::Territory, 6.0, true, true, P::Cap, None, OPCO, -1.0, None),
    spec(Kind::ForeignCommon, 70.0, false, true, P::Cap, Some((1.5e9, 1.6)), OPCO, 0.3, None),
    spec(Kind::NShare, 25.0, false, true, P::Cap, Some((2.0e9, 1.8)), OPCO, 0.1, Some(0.55)),
    spec(Kind::AssetsForeign, 8.0, false, false, P::Cap, Some((5e9, 1.5)), OPCO, 0.6, None),
    spec(Kind::RevenueForeign, 8.0, false, false, P::Cap, Some((1e9, 1.5)), OPCO, 0.3, None),
    spec(Kind::BdiForeignHq, 12.0, false, false, P::Cap, Some((8e8, 1.0)), OPCO, 0.7, Some(0.45)),
    spec(Kind::Adr, 300.0, false, false, P::Cap, Some((6e9, 1.5)), (0.01, 0.002, 0.02), 0.6, Some(0.3)),
    spec(Kind::Etf, 260.0, false, false, P::MarketTracker, Some((1.5e9, 1.6)), (0.0, 0.0, 0.04), 0.9, Some(0.02)),
    spec(Kind::Cef, 110.0, false, false, P::Cap, Some((4e8, 0.9)), (0.01, 0.0, 0.02), 0.95, Some(0.12)),
    spec(Kind::Bdc, 45.0, false, false, P::Cap, Some((8e8, 1.1)), (0.02, 0.005, 0.01), 0.95, Some(0.25)),
    spec(Kind::Lp, 55.0, false, false, P::Cap, Some((3e9, 1.4)), (0.04, 0.005, 0.005), 0.9, Some(0.3)),
    spec(Kind::Llc, 8.0, false, false, P::Cap, Some((1e9, 1.0)), (0.03, 0.005, 0.01), 0.5, None),
    spec(Kind::RoyaltyTrust, 15.0, false, false, P::Cap, Some((2.5e8, 1.0)), (0.0, 0.0, 0.03), 1.0, Some(0.4)),
    spec(Kind::Spac, 35.0, false, false, P::Level(10.2), Some((2.5e8, 0.5)), (0.0, 0.0, 0.5), 0.0, Some(0.02)),
    spec(Kind::ReitUbti, 12.0, false, false, P::Cap, Some((1.2e9, 1.0)), (0.03, 0.005, 0.005), 0.95, Some(0.25)),
    spec(Kind::Otc, 100.0, false, false, P::Cap, Some((4e7, 1.3)), (0.01, 0.03, 0.06), 0.05, Some(0.8)),
    spec(Kind::Penny, 25.0, false, true, P::Cap, Some((2.5e7, 0.7)), (0.01, 0.08, 0.15), 0.0, Some(0.9)),
    spec(Kind::LowFloat, 12.0, false, true, P::Cap, None, OPCO, 0.3, None),
    spec(Kind::LowVote, 10.0, false, true, P::Cap, None, OPCO, 0.3, None),
    spec(Kind::Tracking, 3.0, false, false, P::Cap, Some((2e9, 1.0)), (0.03, 0.0, 0.01), 0.0, None),
];

pub fn spec_of(kind: Kind) -> &'static KindSpec {
    KINDS
        .iter()
        .find(|s| s.kind == kind)
        .expect("every kind has a spec")
}

/// One line of a company, as created at birth.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LineRole {
    /// The pricing vehicle: its price is the company price.
    Primary,
    /// A second listed common class (trades at a small spread to the primary).
    SecondClass,
    /// Unlisted common class: shares only.
    Unlisted,
    /// Listed preferred: its own ~$25 price.
    Preferred,
    /// SPAC unit and warrant: own price levels.
    SpacUnit,
    Warrant,
}

/// Security type, primary exchange and countries of a kind's primary line.
/// `r` is a uniform draw for the choices that vary within a kind.
pub struct Structure {
    pub sec_type: SecurityType,
    pub exchange: Exchange,
    pub inc: Country,
    pub hq: Country,
    pub exch_country: Country,
    pub assets: Option<Country>,
    pub revenue: Option<Country>,
}

fn c(s: &str) -> Country {
    let b = s.as_bytes();
    Country([b[0], b[1]])
}

/// BDI countries used for incorporation (ISO alpha-2).
const BDI: [&str; 8] = ["BM", "KY", "VG", "PA", "MH", "JE", "GG", "LR"];

pub fn structure(kind: Kind, r: f64, r2: f64) -> Structure {
    use Exchange as E;
    use SecurityType as T;
    let us = Country::US;
    let listed = if r < 0.38 {
        E::Nyse
    } else if r < 0.93 {
        E::Nasdaq
    } else if r < 0.985 {
        E::NyseAmerican
    } else if r < 0.993 {
        E::Cboe
    } else {
        E::NyseArca
    };
    let pick = |list: &[&str]| c(list[((r2 * list.len() as f64) as usize).min(list.len() - 1)]);
    let base = |t: T| Structure {
        sec_type: t,
        exchange: listed,
        inc: us,
        hq: us,
        exch_country: us,
        assets: None,
        revenue: None,
    };
    match kind {
        Kind::UsCommon
        | Kind::MultiUnlisted
        | Kind::MultiListed
        | Kind::LowFloat
        | Kind::LowVote
        | Kind::Penny => {
            let mut s = base(T::Common);
            if kind == Kind::Penny {
                s.exchange = if r < 0.7 { E::Nasdaq } else { E::NyseAmerican };
            }
            s
        }
        Kind::UsReit => {
            let mut s = base(T::Reit);
            s.exchange = if r < 0.75 { E::Nyse } else { E::Nasdaq };
            s
        }
        Kind::ReitUbti => {
            let mut s = base(T::ReitUbti);
            s.exchange = E::Nyse;
            s
        }
        Kind::BdiUsHq => Structure {
            inc: pick(&BDI),
            ..base(T::Common)
        },
        Kind::BdiHqExchange => {
            let b = pick(&["BM", "KY", "BS"]);
            Structure {
                inc: b,
                hq: b,
                ..base(T::Common)
            }
        }
        Kind::AssetsUs => Structure {
            inc: pick(&["IE", "NL", "GB", "LU"]),
            hq: c("GB"),
            assets: Some(us),
            ..base(T::Common)
        },
        Kind::RevenueUs => Structure {
            inc: c("CA"),
            exch_country: c("CA"),
            revenue: Some(us),
            ..base(T::Common)
        },
        Kind::Territory => Structure {
            inc: c("PR"),
            hq: c("PR"),
            ..base(T::Common)
        },
        Kind::ForeignCommon => {
            let k = pick(&["IL", "CA", "GB", "NL", "CH", "IE", "SG", "AR", "BR", "DE"]);
            let ex = if k == c("CA") || k == c("GB") { k } else { us };
            Structure {
                inc: k,
                hq: k,
                exch_country: ex,
                assets: Some(k),
                ..base(T::Common)
            }
        }
        Kind::NShare => Structure {
            inc: c("KY"),
            hq: c("CN"),
            assets: Some(c("CN")),
            revenue: Some(c("CN")),
            ..base(T::Common)
        },
        Kind::AssetsForeign => Structure {
            hq: c("IE"),
            assets: Some(c("IE")),
            ..base(T::Common)
        },
        Kind::RevenueForeign => Structure {
            hq: c("CA"),
            exch_country: c("CA"),
            revenue: Some(c("CA")),
            ..base(T::Common)
        },
        Kind::BdiForeignHq => Structure {
            inc: c("MH"),
            hq: c("GR"),
            ..base(T::Common)
        },
        Kind::Adr => {
            let k = pick(&[
                "GB", "JP", "CN", "DE", "FR", "IN", "BR", "TW", "NL", "CH", "KR", "MX",
            ]);
            Structure {
                sec_type: T::Adr,
                exchange: if r < 0.6 { E::Nyse } else { E::Nasdaq },
                inc: k,
                hq: k,
                exch_country: k,
                assets: None,
                revenue: None,
            }
        }
        Kind::Etf => Structure {
            exchange: if r < 0.8 {
                E::NyseArca
            } else if r < 0.9 {
                E::Nasdaq
            } else {
                E::Cboe
            },
            ..base(T::Etf)
        },
        Kind::Cef => Structure {
            exchange: E::Nyse,
            ..base(T::Cef)
        },
        Kind::Bdc => Structure {
            exchange: if r < 0.5 { E::Nyse } else { E::Nasdaq },
            ..base(T::Bdc)
        },
        Kind::Lp => Structure {
            exchange: E::Nyse,
            ..base(T::Lp)
        },
        Kind::Llc => Structure { ..base(T::Llc) },
        Kind::RoyaltyTrust => Structure {
            exchange: E::Nyse,
            ..base(T::RoyaltyTrust)
        },
        Kind::Spac => Structure {
            exchange: if r < 0.6 { E::Nasdaq } else { E::Nyse },
            ..base(T::Spac)
        },
        Kind::Otc => Structure {
            exchange: E::Otc,
            ..base(T::Common)
        },
        Kind::Tracking => Structure {
            exchange: E::Nasdaq,
            ..base(T::Tracking)
        },
    }
}

/// Sector of a new company of `kind`, from a uniform draw.
pub fn sector_for(kind: Kind, u: f64) -> u8 {
    match kind {
        Kind::UsReit | Kind::ReitUbti => SECTOR_RE,
        Kind::Bdc | Kind::Cef | Kind::Spac => SECTOR_FIN,
        Kind::RoyaltyTrust | Kind::Lp => SECTOR_ENERGY,
        Kind::BdiForeignHq => 4,
        _ => {
            let mut acc = 0.0;
            for (i, w) in SECTOR_WEIGHTS.iter().enumerate() {
                acc += w;
                if u < acc {
                    return i as u8;
                }
            }
            0
        }
    }
}
