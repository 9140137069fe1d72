//! The construction policy: every threshold and switch of the rules, as TOML.
//!
//! The shipped default is `policy/russell.toml` (compiled in with
//! `include_str!`). A user file is merged over it key by key
//! ([`Policy::from_toml`]), so it names only what it changes; unknown keys and
//! wrong types are errors. docs/methodology.md documents every key.

use std::path::Path;

use rankday_core::{Country, Exchange, SecurityType};
use serde::Deserialize;

use crate::MethodError;

/// The shipped Russell policy file.
pub const RUSSELL_TOML: &str = include_str!("../policy/russell.toml");

/// All policy sections.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Eligibility screens (v7.0 §5).
    pub eligibility: EligibilityPolicy,
    /// Nationality (v7.0 §5, Appendix B).
    pub nationality: NationalityPolicy,
    /// Companies and share classes (v7.0 §5).
    pub company: CompanyPolicy,
    /// The family's cut-offs (v7.0 §4.2).
    pub ranking: RankingPolicy,
    /// Banding (v7.0 §6.10–§6.11).
    pub banding: BandingPolicy,
}

/// §2 screens.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityPolicy {
    /// Eligible exchanges (CBOE, NYSE, NYSE American, NYSE Arca, Nasdaq).
    #[serde(deserialize_with = "de_exchanges")]
    pub exchanges: Vec<Exchange>,
    /// Security types that may be index lines (common, non-UBTI REITs, tracking stocks).
    #[serde(deserialize_with = "de_types")]
    pub eligible_types: Vec<SecurityType>,
    /// Minimum rank-day close (USD 1).
    pub min_price: f64,
    /// Trading days of the average close that keeps an existing member below the minimum price (30).
    pub avg_price_days: usize,
    /// How old a member's last close may be on rank day, in trading days, when it did not trade then.
    pub stale_close_days: usize,
    /// Minimum company total cap (USD 30M).
    pub min_total_cap: f64,
    /// First rank-day year the `min_total_cap` floor applies (see the policy file).
    pub min_total_cap_from_year: i32,
    /// Minimum float, percent of shares outstanding (5).
    pub min_float_pct: f64,
    /// Minimum votes in public hands, percent of all votes (5).
    pub min_voting_pct: f64,
    /// First rank-day year of the voting-rights screen (2017).
    pub voting_rights_from_year: i32,
    /// Last rank-day year existing members are exempt from it (grandfathering).
    pub voting_grandfather_until_year: i32,
}

/// §2 nationality.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalityPolicy {
    /// Benefit-driven incorporation countries: incorporation there does not decide nationality.
    #[serde(deserialize_with = "de_countries")]
    pub bdi: Vec<Country>,
    /// US territories, counted as the United States.
    #[serde(deserialize_with = "de_countries")]
    pub us_territories: Vec<Country>,
}

/// Which volume picks the pricing vehicle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VolumeBasis {
    /// Share volume, as v7.0 says "volume".
    Shares,
    /// Dollar volume: fairer across classes with very different prices.
    Dollars,
}

/// The liquidity bar for extra listed classes.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum AddvThreshold {
    /// A fixed bar in USD.
    Usd(f64),
    /// A bar computed from the market on rank day.
    Named(NamedAddv),
}

/// A liquidity bar computed on rank day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamedAddv {
    /// The median ADDV of every line that traded on rank day on an eligible exchange.
    UniverseMedian,
}

/// §2 multiple share classes.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyPolicy {
    /// Trading days of the volume that picks the pricing vehicle (two years: 504).
    pub vehicle_volume_days: usize,
    /// Which volume picks it.
    pub vehicle_volume_basis: VolumeBasis,
    /// Classes within this percentage of the highest volume tie; the one with more float wins.
    pub vehicle_tie_pct: f64,
    /// Days of data an existing member's class needs to be the vehicle.
    pub vehicle_min_days_existing: u32,
    /// Minimum own cap of an extra listed class (USD 30M).
    pub extra_class_min_cap: f64,
    /// Minimum ADDV of an extra listed class.
    pub extra_class_min_addv: AddvThreshold,
    /// Trading days over which average daily dollar volume is measured.
    pub addv_days: usize,
}

/// §3 family cut-offs (company ranks).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankingPolicy {
    /// Rank of the Top 200 / Midcap cut.
    pub top200: u32,
    /// Rank of the Top 500 / R2500 cut.
    pub top500: u32,
    /// Rank of the R1000 / R2000 cut.
    pub r1000: u32,
    /// Rank of the Microcap's top.
    pub micro_top: u32,
    /// Rank of the Russell 3000's bottom.
    pub r3000: u32,
    /// Rank of the Russell 3000E's bottom.
    pub r3000e: u32,
}

/// §4 band half-widths (percentile points).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandingPolicy {
    /// Half-width at the 200 cut.
    pub top200: f64,
    /// Half-width at the 500 cut.
    pub top500: f64,
    /// Half-width at the 1,000 cut.
    pub r1000: f64,
    /// Half-width at the 2,000 cut (the Microcap's top).
    pub micro_top: f64,
    /// First rank-day year bands apply (2007).
    pub from_year: i32,
}

impl Policy {
    /// The shipped Russell policy.
    pub fn russell() -> Policy {
        Policy::parse_full(RUSSELL_TOML).expect("shipped policy/russell.toml is valid")
    }

    /// The shipped policy with `s` merged over it key by key.
    pub fn from_toml(s: &str) -> Result<Policy, MethodError> {
        let mut base: toml::Table = RUSSELL_TOML
            .parse()
            .map_err(|e| MethodError::Policy(format!("shipped policy: {e}")))?;
        let user: toml::Table = s
            .parse()
            .map_err(|e: toml::de::Error| MethodError::Policy(e.to_string()))?;
        merge(&mut base, user);
        let p: Policy = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| MethodError::Policy(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    /// Reads a user policy file and merges it over the shipped one.
    pub fn from_file(p: &Path) -> Result<Policy, MethodError> {
        let s = std::fs::read_to_string(p).map_err(|source| MethodError::PolicyFile {
            path: p.display().to_string(),
            source,
        })?;
        Policy::from_toml(&s).map_err(|e| match e {
            MethodError::Policy(m) => MethodError::Policy(format!("{}: {m}", p.display())),
            other => other,
        })
    }

    fn parse_full(s: &str) -> Result<Policy, MethodError> {
        let p: Policy = toml::from_str(s).map_err(|e| MethodError::Policy(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    fn validate(&self) -> Result<(), MethodError> {
        let r = &self.ranking;
        let ok = 0 < r.top200
            && r.top200 <= r.top500
            && r.top500 <= r.r1000
            && r.r1000 <= r.micro_top
            && r.micro_top <= r.r3000
            && r.r3000 <= r.r3000e;
        if !ok {
            return Err(MethodError::Policy(format!(
                "ranking cut-offs must satisfy 0 < top200 <= top500 <= r1000 <= micro_top <= r3000 <= r3000e, got {}, {}, {}, {}, {}, {}",
                r.top200, r.top500, r.r1000, r.micro_top, r.r3000, r.r3000e
            )));
        }
        let b = &self.banding;
        for (k, v) in [
            ("top200", b.top200),
            ("top500", b.top500),
            ("r1000", b.r1000),
            ("micro_top", b.micro_top),
        ] {
            if !(0.0..=50.0).contains(&v) {
                return Err(MethodError::Policy(format!(
                    "banding.{k} = {v}: a half-width must lie in [0, 50] percentile points"
                )));
            }
        }
        let e = &self.eligibility;
        if e.avg_price_days == 0
            || self.company.vehicle_volume_days == 0
            || self.company.addv_days == 0
        {
            return Err(MethodError::Policy(
                "eligibility.avg_price_days, company.vehicle_volume_days and company.addv_days must be > 0".into(),
            ));
        }
        if !(0.0..=100.0).contains(&e.min_float_pct) || !(0.0..=100.0).contains(&e.min_voting_pct) {
            return Err(MethodError::Policy(
                "min_float_pct and min_voting_pct are percentages in [0, 100]".into(),
            ));
        }
        Ok(())
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::russell()
    }
}

fn merge(base: &mut toml::Table, user: toml::Table) {
    for (k, v) in user {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(u)) => merge(b, u),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn de_parsed<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr<Err = String>,
{
    let v: Vec<String> = Vec::deserialize(d)?;
    v.iter()
        .map(|s| s.parse().map_err(serde::de::Error::custom))
        .collect()
}
fn de_exchanges<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Exchange>, D::Error> {
    de_parsed(d)
}
fn de_types<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<SecurityType>, D::Error> {
    de_parsed(d)
}
fn de_countries<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Country>, D::Error> {
    de_parsed(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_policy_parses_with_spec_values() {
        let p = Policy::russell();
        assert_eq!(p.ranking.r1000, 1000);
        assert_eq!(p.banding.r1000, 2.5);
        assert_eq!(p.banding.micro_top, 0.5);
        assert_eq!(p.eligibility.min_total_cap, 30e6);
        assert!(p.nationality.bdi.contains(&"KY".parse().unwrap()));
        // v7.0 §6.5.1: the global median ADDTV, USD 175,000 at the 2026 rank date.
        assert_eq!(
            p.company.extra_class_min_addv,
            AddvThreshold::Usd(175_000.0)
        );
    }

    #[test]
    fn user_file_overrides_only_its_keys() {
        let p = Policy::from_toml(
            "[banding]\nr1000 = 5.0\n[company]\nextra_class_min_addv = \"universe_median\"\n",
        )
        .unwrap();
        assert_eq!(p.banding.r1000, 5.0);
        assert_eq!(p.banding.top200, 2.5);
        assert_eq!(
            p.company.extra_class_min_addv,
            AddvThreshold::Named(NamedAddv::UniverseMedian)
        );
    }

    #[test]
    fn unknown_keys_bad_values_and_bad_order_are_errors() {
        assert!(Policy::from_toml("[banding]\nr1001 = 1.0\n").is_err());
        assert!(Policy::from_toml("[eligibility]\nexchanges = [\"LSE\"]\n").is_err());
        assert!(Policy::from_toml("[ranking]\nr1000 = 5000\n").is_err());
        assert!(Policy::from_toml("[banding]\nr1000 = -1.0\n").is_err());
        let e = Policy::from_file(Path::new("/nonexistent/policy.toml")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/policy.toml"));
    }
}
