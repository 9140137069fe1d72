//! The passive-ownership model: how many dollars track each index.
//!
//! Why a table of assets per index and nothing finer: an index fund that is
//! fully invested holds `AUM × weight` of every member, so the passive holding
//! of a security is `Σ_I AUM_I × w_I(s) / price(s)`. The only inputs are the
//! assets per index; their split is what makes a Russell 1000 → 2000 move a
//! net buy (Chang, Hong & Liskovich, RFS 2015: weights just inside the
//! R2000 are about 10–15× those just inside the R1000).
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

/// One index's passive assets, with the note that justifies the figure.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexAum {
    /// The index.
    pub index: IndexId,
    /// Dollars managed passively against it.
    pub aum_usd: f64,
    /// Where the figure comes from.
    pub note: String,
}

/// Passive assets tracking each index of the Russell US family.
///
/// Indexes absent from the policy have no passive assets. Assets are in
/// dollars and held fixed across a reconstitution: recon flows are
/// re-allocations inside each fund, not creations or redemptions.
#[derive(Clone, Debug, PartialEq)]
pub struct PassiveModel {
    name: String,
    as_of: Option<String>,
    /// Indexed by `IndexId as usize`.
    aum: [f64; crate::N_INDEXES],
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
    aum_usd: f64,
    #[serde(default)]
    note: String,
}

impl PassiveModel {
    /// A model with no passive assets anywhere; start here to build one in code.
    pub fn empty(name: &str) -> Self {
        PassiveModel {
            name: name.to_string(),
            as_of: None,
            aum: [0.0; crate::N_INDEXES],
            notes: BTreeMap::new(),
        }
    }

    /// The shipped defaults (`policy/passive.toml`): $2.0T across the family,
    /// R1000 $800bn, R3000 $700bn, R2000 $300bn (IWM $75.4bn within it), ...
    pub fn russell_default() -> Self {
        Self::from_toml(DEFAULT_POLICY).expect("the shipped passive policy parses")
    }

    /// Parses a policy. Unknown keys and index names are errors (a typo must
    /// not silently zero an index), as are negative or non-finite assets.
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
            model.set_aum(id, entry.aum_usd)?;
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
        self.aum[index as usize] = aum_usd;
        Ok(())
    }

    /// Builder form of [`set_aum`](Self::set_aum).
    pub fn with_aum(mut self, index: IndexId, aum_usd: f64) -> Result<Self, FlowError> {
        self.set_aum(index, aum_usd)?;
        Ok(self)
    }

    /// Passive dollars tracking `i` (0 when the policy does not mention it).
    pub fn aum(&self, i: IndexId) -> f64 {
        self.aum[i as usize]
    }

    /// Total passive dollars across the family.
    pub fn total_aum(&self) -> f64 {
        IndexId::ALL.iter().map(|&i| self.aum(i)).sum()
    }

    /// Indexes with passive assets, in [`IndexId::ALL`] order.
    pub fn indexes(&self) -> Vec<IndexAum> {
        IndexId::ALL
            .iter()
            .filter(|&&i| self.aum(i) > 0.0)
            .map(|&i| IndexAum {
                index: i,
                aum_usd: self.aum(i),
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

    #[test]
    fn default_policy_matches_its_documentation() {
        let m = PassiveModel::russell_default();
        assert_eq!(m.name(), "russell_default");
        assert_eq!(m.aum(IndexId::R2000), 300e9);
        assert_eq!(m.aum(IndexId::R1000), 800e9);
        // IWM alone ($75.4bn, §8) must fit inside the R2000 figure.
        assert!(m.aum(IndexId::R2000) > 75.4e9);
        // ">$2T indexed" / "~$2T passive" (§8).
        assert!((m.total_aum() - 2.0e12).abs() < 1.0);
        assert_eq!(m.indexes().len(), IndexId::ALL.len());
        assert!(m.indexes().iter().all(|e| !e.note.is_empty()));
    }

    #[test]
    fn user_policy_replaces_or_extends() {
        let m = PassiveModel::from_toml("[index.R2000]\naum_usd = 100\n").unwrap();
        assert_eq!(m.aum(IndexId::R2000), 100.0);
        assert_eq!(m.aum(IndexId::R1000), 0.0);
        let m = PassiveModel::from_toml(
            "extends = \"russell_default\"\nname = \"mine\"\n[index.r2000]\naum_usd = 4.0e11\n",
        )
        .unwrap();
        assert_eq!(m.name(), "mine");
        assert_eq!(m.aum(IndexId::R2000), 400e9);
        assert_eq!(m.aum(IndexId::R1000), 800e9);
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
        let e = PassiveModel::from_toml("extends = \"other\"\n").unwrap_err();
        assert!(e.to_string().contains("extends"), "{e}");
        let e = PassiveModel::from_file("/nonexistent/passive.toml").unwrap_err();
        assert!(matches!(e, FlowError::PolicyFile { .. }), "{e}");
    }
}
