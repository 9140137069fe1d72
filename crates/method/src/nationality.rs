//! Nationality from the home-country indicators (methodology §2 "Nationality").
//!
//! Order: (1) the three HCIs (incorporation, headquarters, most liquid
//! exchange) agree; (2) primary location of assets matches an HCI; (3)
//! primary location of revenue matches an HCI; (4) headquarters, unless it is a
//! benefit-driven incorporation (BDI) country, in which case the exchange
//! country. US territories count as the US before any comparison. Whether an
//! assets/revenue location is "primary" (20-point lead or 40%) is decided by
//! the data provider: format 1 carries only the resulting country.

use std::fmt;

use rankday_core::{Country, Security};

use crate::policy::NationalityPolicy;

/// Which step of §2 decided the country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NationalityStep {
    /// Step 1: all three HCIs agree.
    AllIndicatorsAgree,
    /// Step 2: primary location of assets matches an HCI.
    Assets,
    /// Step 3: primary location of revenue matches an HCI.
    Revenue,
    /// Step 4: headquarters country (not a BDI country).
    Headquarters,
    /// Step 4: headquarters is a BDI country, so the most liquid exchange's country.
    ExchangeBecauseBdi,
}

impl fmt::Display for NationalityStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NationalityStep::AllIndicatorsAgree => "all three home-country indicators agree",
            NationalityStep::Assets => "primary location of assets matches an indicator",
            NationalityStep::Revenue => "primary location of revenue matches an indicator",
            NationalityStep::Headquarters => "headquarters country",
            NationalityStep::ExchangeBecauseBdi => {
                "headquarters is a benefit-driven incorporation country: exchange country"
            }
        })
    }
}

/// The decided country and the step that decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NationalityDecision {
    /// The decided country.
    pub country: Country,
    /// The step that decided it.
    pub step: NationalityStep,
}

impl NationalityDecision {
    /// The company is American.
    pub fn is_us(&self) -> bool {
        self.country == Country::US
    }
}

impl fmt::Display for NationalityDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.country, self.step)
    }
}

/// Decides a security's country by the §2 order.
pub fn decide(s: &Security, p: &NationalityPolicy) -> NationalityDecision {
    let norm = |c: Country| {
        if p.us_territories.contains(&c) {
            Country::US
        } else {
            c
        }
    };
    let inc = norm(s.country_incorporation);
    let hq = norm(s.country_headquarters);
    let ex = norm(s.country_exchange);
    let hcis = [inc, hq, ex];
    if inc == hq && hq == ex {
        return NationalityDecision {
            country: inc,
            step: NationalityStep::AllIndicatorsAgree,
        };
    }
    if let Some(a) = s.country_assets.map(norm) {
        if hcis.contains(&a) {
            return NationalityDecision {
                country: a,
                step: NationalityStep::Assets,
            };
        }
    }
    if let Some(r) = s.country_revenue.map(norm) {
        if hcis.contains(&r) {
            return NationalityDecision {
                country: r,
                step: NationalityStep::Revenue,
            };
        }
    }
    // The BDI test looks at the raw headquarters code (a territory is not BDI).
    if p.bdi.contains(&s.country_headquarters) {
        NationalityDecision {
            country: ex,
            step: NationalityStep::ExchangeBecauseBdi,
        }
    } else {
        NationalityDecision {
            country: hq,
            step: NationalityStep::Headquarters,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn sec(inc: &str, hq: &str, ex: &str, assets: Option<&str>, rev: Option<&str>) -> Security {
        let mut s = Security::us_common("X", "CX", "X");
        s.country_incorporation = inc.parse().unwrap();
        s.country_headquarters = hq.parse().unwrap();
        s.country_exchange = ex.parse().unwrap();
        s.country_assets = assets.map(|a| a.parse().unwrap());
        s.country_revenue = rev.map(|a| a.parse().unwrap());
        s
    }

    #[test]
    fn each_step_decides() {
        let p = Policy::russell().nationality;
        let d = |s: Security| decide(&s, &p);
        assert_eq!(
            d(sec("US", "US", "US", None, None)).step,
            NationalityStep::AllIndicatorsAgree
        );
        // Puerto Rico headquarters counts as US.
        let x = d(sec("US", "PR", "US", None, None));
        assert_eq!(
            (x.country, x.step),
            (Country::US, NationalityStep::AllIndicatorsAgree)
        );
        let x = d(sec("NL", "GB", "US", Some("US"), Some("GB")));
        assert_eq!(
            (x.country.as_str(), x.step),
            ("US", NationalityStep::Assets)
        );
        // Assets in a country that is not an HCI: fall through to revenue.
        let x = d(sec("NL", "GB", "US", Some("DE"), Some("GB")));
        assert_eq!(
            (x.country.as_str(), x.step),
            ("GB", NationalityStep::Revenue)
        );
        let x = d(sec("IE", "GB", "US", None, None));
        assert_eq!(
            (x.country.as_str(), x.step),
            ("GB", NationalityStep::Headquarters)
        );
        // Bermuda HQ (BDI): the exchange country decides.
        let x = d(sec("KY", "BM", "US", Some("CN"), None));
        assert_eq!(
            (x.country, x.step),
            (Country::US, NationalityStep::ExchangeBecauseBdi)
        );
        assert!(x.is_us());
    }
}
