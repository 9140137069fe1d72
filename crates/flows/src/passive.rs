//! The passive-ownership model: how many dollars track each index.
//!
//! Why a table of assets per index and nothing finer: an index fund that is
//! fully invested holds `AUM × weight` of every member, so the passive holding
//! of a security is `Σ_I AUM_I × w_I(s) / price(s)`. The only inputs are the
//! assets per index; their split is what makes a Russell 1000 → 2000 move a
//! net buy (Chang, Hong & Liskovich, RFS 2015: weights just inside the
//! R2000 are about 10–15× those just inside the R1000).
//!
//! Why a share of the index's float cap rather than dollars: a fixed dollar
//! figure is right for one date only. On a market whose index caps differ
//! from the figure's date (every generated market, every historical
//! reconstitution) fixed dollars own a wrong share of each member's float, and
//! days of volume and impact scale with that share. A fund tracking a
//! float-cap-weighted index (methodology §6, float adjustment §5) owns the
//! same fraction of every member's float whatever the index's size, so
//! `share_of_float_cap` is the quantity that carries across markets and
//! years. Dollars ([`PassiveSize::Usd`]) stay available for users who know
//! their fund's assets on the event's date.
//!
//! The defaults live in `policy/passive.toml` (compiled in with
//! `include_str!`), with their sources and the assumptions we had to make; a
//! user file with the same layout replaces them or, with
//! `extends = "russell_default"`, amends them.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use rankday_core::IndexId;
use serde::Deserialize;

use crate::FlowError;

/// The shipped policy text (see the file for sources).
pub const DEFAULT_POLICY: &str = include_str!("../policy/passive.toml");

/// How much money tracks one index: fixed dollars, or a share of the
/// index's float-adjusted cap resolved when flows are computed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PassiveSize {
    /// Fixed dollars (`aum_usd`), whatever the index's size.
    Usd(f64),
    /// A fraction of the index's float-adjusted cap (`share_of_float_cap`),
    /// e.g. 0.10 for "passive funds own about 10% of the R2000's float".
    ShareOfFloatCap(f64),
}

impl PassiveSize {
    /// The dollars this size means for an index whose float-adjusted cap is
    /// `float_cap_usd` (ignored for [`PassiveSize::Usd`]).
    pub fn resolve(self, float_cap_usd: f64) -> f64 {
        match self {
            PassiveSize::Usd(usd) => usd,
            PassiveSize::ShareOfFloatCap(share) => {
                if float_cap_usd.is_finite() && float_cap_usd > 0.0 {
                    share * float_cap_usd
                } else {
                    0.0
                }
            }
        }
    }

    fn is_zero(self) -> bool {
        match self {
            PassiveSize::Usd(x) | PassiveSize::ShareOfFloatCap(x) => x == 0.0,
        }
    }
}

/// One index's passive assets, with the note that justifies the figure.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexAum {
    /// The index.
    pub index: IndexId,
    /// Money managed passively against it, in dollars or as a share of the
    /// index's float cap.
    pub size: PassiveSize,
    /// Where the figure comes from.
    pub note: String,
}

/// Passive assets tracking each index of the Russell US family.
///
/// Indexes absent from the policy have no passive assets. Each index's assets
/// are given in dollars or as a share of its float cap; either way they are
/// resolved to dollars once per event, on the state the funds hold before it
/// ([`resolve`](Self::resolve)), and held fixed across the reconstitution:
/// recon flows are re-allocations inside each fund, not creations or
/// redemptions.
#[derive(Clone, Debug, PartialEq)]
pub struct PassiveModel {
    name: String,
    as_of: Option<String>,
    /// Indexed by `IndexId as usize`.
    aum: [PassiveSize; crate::N_INDEXES],
    notes: BTreeMap<IndexId, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    name: Option<String>,
    as_of: Option<String>,
    extends: Option<String>,
    #[allow(dead_code)]
    total_note: Option<String>,
    #[serde(default)]
    index: BTreeMap<String, IndexEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexEntry {
    aum_usd: Option<f64>,
    share_of_float_cap: Option<f64>,
    #[serde(default)]
    note: String,
}

impl PassiveModel {
    /// A model with no passive assets anywhere; start here to build one in code.
    pub fn empty(name: &str) -> Self {
        PassiveModel {
            name: name.to_string(),
            as_of: None,
            aum: [PassiveSize::Usd(0.0); crate::N_INDEXES],
            notes: BTreeMap::new(),
        }
    }

    /// The shipped defaults (`policy/passive.toml`): each index's 2026 passive
    /// dollars ($2.0T across the family; R2000 $300bn, IWM $75.4bn within it)
    /// over its 2026 float cap, e.g. R2000 0.10, R1000 0.014.
    pub fn russell_default() -> Self {
        Self::from_toml(DEFAULT_POLICY).expect("the shipped passive policy parses")
    }

    /// Parses a policy. Unknown keys and index names are errors (a typo must
    /// not silently zero an index), as are negative or non-finite assets, an
    /// index giving both `aum_usd` and `share_of_float_cap` (which one would
    /// win is not obvious) or neither.
    pub fn from_toml(s: &str) -> Result<Self, FlowError> {
        let file: PolicyFile = toml::from_str(s).map_err(|e| FlowError::Policy(e.to_string()))?;
        let mut model = match file.extends.as_deref() {
            None => PassiveModel::empty("custom"),
            Some("russell_default") => Self::russell_default(),
            Some(other) => {
                return Err(FlowError::Policy(format!(
                    "extends = '{other}': only 'russell_default' can be extended"
                )))
            }
        };
        if let Some(n) = file.name {
            model.name = n;
        }
        if file.as_of.is_some() {
            model.as_of = file.as_of;
        }
        for (key, entry) in file.index {
            let id = IndexId::from_str(&key.to_ascii_uppercase())
                .map_err(|e| FlowError::Policy(format!("[index.{key}]: {e}")))?;
            match (entry.aum_usd, entry.share_of_float_cap) {
                (Some(usd), None) => model.set_aum(id, usd)?,
                (None, Some(share)) => model.set_share_of_float_cap(id, share)?,
                (Some(_), Some(_)) => {
                    return Err(FlowError::Policy(format!(
                        "[index.{key}]: give either aum_usd (dollars) or share_of_float_cap \
                         (fraction of the index's float cap), not both"
                    )))
                }
                (None, None) => {
                    return Err(FlowError::Policy(format!(
                        "[index.{key}]: missing aum_usd (dollars) or share_of_float_cap \
                         (fraction of the index's float cap)"
                    )))
                }
            }
            model.notes.insert(id, entry.note);
        }
        Ok(model)
    }

    /// Reads a policy file (see [`from_toml`](Self::from_toml)).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, FlowError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| FlowError::PolicyFile {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text).map_err(|e| match e {
            FlowError::Policy(m) => FlowError::Policy(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Sets one index's assets (dollars).
    pub fn set_aum(&mut self, index: IndexId, aum_usd: f64) -> Result<(), FlowError> {
        if !aum_usd.is_finite() || aum_usd < 0.0 {
            return Err(FlowError::Policy(format!(
                "{index}: aum_usd must be a finite, non-negative number of dollars, got {aum_usd}"
            )));
        }
        self.aum[index as usize] = PassiveSize::Usd(aum_usd);
        Ok(())
    }

    /// Sets one index's assets as a fraction of its float-adjusted cap
    /// (0.10 = passive funds own 10% of every member's float).
    pub fn set_share_of_float_cap(&mut self, index: IndexId, share: f64) -> Result<(), FlowError> {
        if !share.is_finite() || !(0.0..=1.0).contains(&share) {
            return Err(FlowError::Policy(format!(
                "{index}: share_of_float_cap must be a fraction between 0 and 1, got {share}"
            )));
        }
        self.aum[index as usize] = PassiveSize::ShareOfFloatCap(share);
        Ok(())
    }

    /// Builder form of [`set_aum`](Self::set_aum).
    pub fn with_aum(mut self, index: IndexId, aum_usd: f64) -> Result<Self, FlowError> {
        self.set_aum(index, aum_usd)?;
        Ok(self)
    }

    /// How much tracks `i` as the policy gives it (`Usd(0.0)` when the
    /// policy does not mention it).
    pub fn size(&self, i: IndexId) -> PassiveSize {
        self.aum[i as usize]
    }

    /// Passive dollars per index (indexed by `IndexId as usize`) for indexes
    /// whose float-adjusted caps are `float_cap_usd` (same indexing): fixed
    /// dollars as given, shares times the cap. Flows resolve this on the
    /// state the funds hold before the event, priced at the event's close.
    pub fn resolve(&self, float_cap_usd: &[f64; IndexId::COUNT]) -> [f64; IndexId::COUNT] {
        std::array::from_fn(|k| self.aum[k].resolve(float_cap_usd[k]))
    }

    /// Indexes with passive assets, in [`IndexId::ALL`] order.
    pub fn indexes(&self) -> Vec<IndexAum> {
        IndexId::ALL
            .iter()
            .filter(|&&i| !self.size(i).is_zero())
            .map(|&i| IndexAum {
                index: i,
                size: self.size(i),
                note: self.notes.get(&i).cloned().unwrap_or_default(),
            })
            .collect()
    }

    /// The model's name (`russell_default` for the shipped one).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The date the figures describe, when the model says.
    pub fn as_of(&self) -> Option<&str> {
        self.as_of.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 2026 float caps the shipped shares were derived from (see the
    /// policy file's header), in `IndexId::ALL` order of the entries below.
    fn caps_2026() -> [f64; IndexId::COUNT] {
        let mut c = [0.0; IndexId::COUNT];
        for (i, cap) in [
            (IndexId::R3000, 60e12),
            (IndexId::R1000, 57e12),
            (IndexId::R2000, 3.0e12),
            (IndexId::RMidcap, 15e12),
            (IndexId::R2500, 8e12),
            (IndexId::RTop200, 42e12),
            (IndexId::R3000E, 60.3e12),
            (IndexId::RMicro, 0.7e12),
            (IndexId::RTop500, 49e12),
        ] {
            c[i as usize] = cap;
        }
        c
    }

    #[test]
    fn default_policy_matches_its_documentation() {
        let m = PassiveModel::russell_default();
        assert_eq!(m.name(), "russell_default");
        assert_eq!(m.size(IndexId::R2000), PassiveSize::ShareOfFloatCap(0.10));
        // Against the 2026 caps the shares give back the 2026 dollars the
        // file starts from: R2000 $300bn (IWM's $75.4bn inside it, §8),
        // R1000 $800bn, $2.0T in all (">$2T indexed", "~$2T passive").
        let usd = m.resolve(&caps_2026());
        let near = |got: f64, want: f64| (got / want - 1.0).abs() < 0.02;
        assert!(near(usd[IndexId::R2000 as usize], 300e9), "{usd:?}");
        assert!(usd[IndexId::R2000 as usize] > 75.4e9);
        assert!(near(usd[IndexId::R1000 as usize], 800e9), "{usd:?}");
        assert!(near(usd[IndexId::R3000 as usize], 700e9), "{usd:?}");
        assert!(near(usd.iter().sum(), 2.0e12), "{usd:?}");
        assert_eq!(m.indexes().len(), IndexId::ALL.len());
        assert!(m.indexes().iter().all(|e| !e.note.is_empty()));
    }

    #[test]
    fn shares_resolve_against_the_float_cap_and_dollars_do_not() {
        let m = PassiveModel::from_toml(
            "[index.R2000]\nshare_of_float_cap = 0.1\n[index.R1000]\naum_usd = 5e9\n",
        )
        .unwrap();
        let mut caps = [0.0; IndexId::COUNT];
        caps[IndexId::R2000 as usize] = 400e9;
        caps[IndexId::R1000 as usize] = 10e12;
        let usd = m.resolve(&caps);
        assert_eq!(usd[IndexId::R2000 as usize], 40e9);
        assert_eq!(usd[IndexId::R1000 as usize], 5e9);
        assert_eq!(usd[IndexId::R3000 as usize], 0.0);
        // Ten times the cap, ten times the money; fixed dollars stay fixed.
        caps[IndexId::R2000 as usize] = 4e12;
        caps[IndexId::R1000 as usize] = 1e12;
        let usd = m.resolve(&caps);
        assert_eq!(usd[IndexId::R2000 as usize], 400e9);
        assert_eq!(usd[IndexId::R1000 as usize], 5e9);
        // An empty or unpriced index has no money to resolve.
        assert_eq!(PassiveSize::ShareOfFloatCap(0.1).resolve(0.0), 0.0);
        assert_eq!(PassiveSize::ShareOfFloatCap(0.1).resolve(f64::NAN), 0.0);
    }

    #[test]
    fn user_policy_replaces_or_extends() {
        let m = PassiveModel::from_toml("[index.R2000]\naum_usd = 100\n").unwrap();
        assert_eq!(m.size(IndexId::R2000), PassiveSize::Usd(100.0));
        assert_eq!(m.size(IndexId::R1000), PassiveSize::Usd(0.0));
        let m = PassiveModel::from_toml(
            "extends = \"russell_default\"\nname = \"mine\"\n[index.r2000]\naum_usd = 4.0e11\n",
        )
        .unwrap();
        assert_eq!(m.name(), "mine");
        assert_eq!(m.size(IndexId::R2000), PassiveSize::Usd(400e9));
        assert_eq!(m.size(IndexId::R1000), PassiveSize::ShareOfFloatCap(0.014));
    }

    #[test]
    fn flow_config_reads_partial_toml() {
        let c = crate::FlowConfig::from_toml("adv_days = 10\nimpact_y = 0.7\n").unwrap();
        assert_eq!((c.adv_days, c.impact_y, c.vol_days), (10, 0.7, 60));
        assert!(crate::FlowConfig::from_toml("adv_dayz = 10\n").is_err());
        let e = crate::FlowConfig::from_toml("closing_auction_share = 2.0\n").unwrap_err();
        assert!(e.to_string().contains("closing_auction_share"), "{e}");
    }

    #[test]
    fn bad_policies_are_rejected_with_the_reason() {
        let e = PassiveModel::from_toml("[index.R2001]\naum_usd = 1\n").unwrap_err();
        assert!(e.to_string().contains("R2001"), "{e}");
        let e = PassiveModel::from_toml("[index.R2000]\naum_usd = -1\n").unwrap_err();
        assert!(e.to_string().contains("non-negative"), "{e}");
        let e = PassiveModel::from_toml("[index.R2000]\naum = 1\n").unwrap_err();
        assert!(e.to_string().contains("aum"), "{e}");
        let e = PassiveModel::from_toml("[index.R2000]\naum_usd = 1e9\nshare_of_float_cap = 0.1\n")
            .unwrap_err();
        assert!(e.to_string().contains("not both"), "{e}");
        assert!(e.to_string().contains("R2000"), "{e}");
        let e = PassiveModel::from_toml("[index.R2000]\nnote = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("missing"), "{e}");
        let e = PassiveModel::from_toml("[index.R2000]\nshare_of_float_cap = 1.5\n").unwrap_err();
        assert!(e.to_string().contains("between 0 and 1"), "{e}");
        let e = PassiveModel::from_toml("extends = \"other\"\n").unwrap_err();
        assert!(e.to_string().contains("extends"), "{e}");
        let e = PassiveModel::from_file("/nonexistent/passive.toml").unwrap_err();
        assert!(matches!(e, FlowError::PolicyFile { .. }), "{e}");
    }
}
