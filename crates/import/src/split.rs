//! Linking two holdings files line by line ([`link_lines`]: renames and
//! ticker changes included, ambiguous lines never), and reading splits out
//! of them.
//!
//! Between two files of one fund, every line's share count moves by the
//! fund's creations and redemptions (one ratio for all lines, about 0.95 to
//! 1.04 between the shared files) and by the line's own index events: share
//! and float updates, and splits. A split of ratio r multiplies the fund's
//! shares by r and divides the price by r, so the two offset each other in
//! value. The test, per line, after dividing the share ratio by the
//! fund-wide median:
//!
//! 1. the share ratio is at least 1.4x away from 1 (float updates of 25-35%
//!    are common in small caps; true splits are 3-for-2 or larger),
//! 2. it lies within 5% (in log terms) of a split ratio companies actually
//!    use: n-for-1 and 1-for-n with n up to 100, plus 3:2, 5:2 and their
//!    inverses (4:3 and 5:4 are left out: they collide with float updates),
//! 3. the price moved the other way: |ln(price ratio x split ratio)| is at
//!    most half of |ln split ratio|, i.e. the implied return is small next
//!    to the split.
//!
//! On the shared files this finds LXP 1-for-5 (Nov 2025), REX 2-for-1 and
//! TRML 1-for-2 (Sep 2025), CRVL 3-for-1, NVEE 4-for-1, and no float update
//! over windows of up to 3 months. Over 4+ month windows a share increase
//! of about 1.45x met by a price fall can pass for a 3-for-2 (AUB and ALKT
//! between 2024-12-31 and 2025-05-02, AUB being a merger share issue): with
//! files that far apart, check the `split` actions against a corporate
//! action source.

use std::collections::HashMap;
#[cfg(test)]
use std::collections::HashSet;

use crate::holdings::HoldingsFile;

/// Median of the values (NaN-free input), or `None` if empty.
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

fn split_candidates() -> Vec<f64> {
    let mut c: Vec<f64> = (2..=100).flat_map(|n| [n as f64, 1.0 / n as f64]).collect();
    c.extend([1.5, 2.5, 2.0 / 3.0, 0.4]);
    c
}

/// The split ratio (new shares per old) implied by a line's price ratio
/// `p1 / p0` and its share ratio `(q1 / q0) / fund median`, or `None` when
/// the move does not look like a split (see the module notes).
pub fn infer_split(price_ratio: f64, share_ratio: f64) -> Option<f64> {
    if !(price_ratio > 0.0 && share_ratio > 0.0) || share_ratio.ln().abs() < 1.4f64.ln() {
        return None;
    }
    let best = split_candidates().into_iter().min_by(|a, b| {
        (share_ratio / a)
            .ln()
            .abs()
            .total_cmp(&(share_ratio / b).ln().abs())
    })?;
    let close = (share_ratio / best).ln().abs() <= 0.05;
    let offset = (price_ratio * best).ln().abs() <= 0.5 * best.ln().abs();
    (close && offset).then_some(best)
}

/// Share ratios within this factor of the fund median (after creations and
/// redemptions) count as "the same holding": the float updates the split
/// rule lets through (its 1.4x threshold, point 1 above).
const SAME_HOLDING: f64 = 1.4;

/// How a pair of [`Links`] was established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Same (ticker, name) ([`crate::Holding::key`]).
    Key,
    /// Same ticker, new name (a rename): NXT Nextracker -> Nextpower.
    Ticker,
    /// Same name, new ticker (a ticker change): KAR -> OPLN.
    Name,
}

/// The one-to-one linking of two files' valued lines (see [`link_lines`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Links {
    /// (line of `a`, line of `b`, how), each line at most once.
    pub pairs: Vec<(usize, usize, LinkKind)>,
    /// Median `shares_b / shares_a` over the [`LinkKind::Key`] pairs (the
    /// fund's creations and redemptions); `None` without such pairs.
    pub fund_share_ratio: Option<f64>,
}

impl Links {
    /// The (i, j) pairs without their kind.
    pub fn ij(&self) -> Vec<(usize, usize)> {
        self.pairs.iter().map(|&(i, j, _)| (i, j)).collect()
    }
    /// Pairs linked through a rename or ticker change (not [`LinkKind::Key`]).
    pub fn renamed(&self) -> impl Iterator<Item = &(usize, usize, LinkKind)> {
        self.pairs.iter().filter(|p| p.2 != LinkKind::Key)
    }
}

/// Decides which valued lines (`price > 0`, `shares > 0`) of `a` and `b`
/// are the same security: the one rule of the importer for "this line of
/// one file is that line of the other" ([`crate::basket_return`] and
/// [`crate::holdings_to_market`] both use it).
///
/// Why not simply join on (ticker, name), or on the name: iShares renames
/// a line when the company renames and usually keeps the ticker (8 lines
/// of IWM between 2025-11-05 and 2026-01-21, NXT Nextracker -> Nextpower
/// among them), and keeps the name when only the ticker changes (KAR ->
/// OPLN, ABL -> ABX); a (ticker, name) join turns each of those into a
/// deletion plus an addition. But names are not identifiers: different
/// companies share one (INDEPENDENT BANK CORP is INDB and IBCP, FIRST
/// BANCORP is FBP and FBNC), share classes can carry one name (BATRA and
/// BATRK), tickers get recycled and one ticker can carry a stock and its
/// CVR. A name-only join pairs every such line with every other.
///
/// The rule, in order, each line linked at most once:
/// 1. same (ticker, name) (keys are unique within a file: repeated lines
///    are merged on reading); the median share ratio of these pairs is the
///    fund's creation/redemption factor;
/// 2. same ticker, different name, when the ticker occurs on exactly one
///    line of each file;
/// 3. same name, different ticker, when the name occurs on exactly one line
///    of each file;
///
/// and for 2 and 3 the share counts must be consistent: after dividing by
/// the fund factor, the share ratio is within 1.4x of 1 (the float updates
/// the split rule lets through) or is a split by [`infer_split`] (so a
/// renamed company that also reverse-split stays linked). Uniqueness is
/// counted over all lines of each file, valued or not: an ambiguous
/// candidate is never linked, whatever its share count.
///
/// Lines whose ticker *and* name both changed (COMM -> VISN) are not linked:
/// only the share count would connect them, and unrelated lines match as
/// well (DRH -> VISN has a share ratio of 1.0001).
pub fn link_lines(a: &HoldingsFile, b: &HoldingsFile) -> Links {
    let valued = |f: &HoldingsFile| -> Vec<usize> {
        (0..f.holdings.len())
            .filter(|&i| f.holdings[i].is_valued())
            .collect()
    };
    let (va, vb) = (valued(a), valued(b));
    let mut used_a = vec![false; a.holdings.len()];
    let mut used_b = vec![false; b.holdings.len()];
    let mut pairs = Vec::new();

    let by_key: HashMap<(&str, &str), usize> =
        vb.iter().map(|&j| (b.holdings[j].key(), j)).collect();
    for &i in &va {
        if let Some(&j) = by_key.get(&a.holdings[i].key()) {
            if !used_b[j] {
                used_a[i] = true;
                used_b[j] = true;
                pairs.push((i, j, LinkKind::Key));
            }
        }
    }
    let med = median(
        pairs
            .iter()
            .map(|&(i, j, _)| b.holdings[j].shares / a.holdings[i].shares)
            .collect(),
    );
    let factor = med.unwrap_or(1.0);
    let consistent = |i: usize, j: usize| {
        let (x, y) = (&a.holdings[i], &b.holdings[j]);
        let sr = y.shares / x.shares / factor;
        sr.ln().abs() < SAME_HOLDING.ln() || infer_split(y.price / x.price, sr).is_some()
    };

    for kind in [LinkKind::Ticker, LinkKind::Name] {
        let field = |f: &HoldingsFile, i: usize| -> String {
            let h = &f.holdings[i];
            match kind {
                LinkKind::Ticker => h.ticker.clone(),
                _ => h.name.clone(),
            }
        };
        // Occurrences over all lines; the only line of `b` per value.
        let mut count_a: HashMap<String, usize> = HashMap::new();
        for i in 0..a.holdings.len() {
            *count_a.entry(field(a, i)).or_default() += 1;
        }
        let mut only_b: HashMap<String, Option<usize>> = HashMap::new();
        for j in 0..b.holdings.len() {
            only_b
                .entry(field(b, j))
                .and_modify(|e| *e = None)
                .or_insert(Some(j));
        }
        for &i in &va {
            if used_a[i] {
                continue;
            }
            let v = field(a, i);
            if count_a.get(&v) != Some(&1) {
                continue;
            }
            let Some(&Some(j)) = only_b.get(&v) else {
                continue;
            };
            if !used_b[j] && b.holdings[j].is_valued() && consistent(i, j) {
                used_a[i] = true;
                used_b[j] = true;
                pairs.push((i, j, kind));
            }
        }
    }
    Links {
        pairs,
        fund_share_ratio: med,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holdings::{Holding, Layout};
    use rankday_core::Date;

    fn h(ticker: &str, name: &str, shares: f64, price: f64) -> Holding {
        Holding {
            ticker: ticker.into(),
            name: name.into(),
            sector: None,
            asset_class: "Equity".into(),
            market_value: shares * price,
            weight_pct: f64::NAN,
            shares,
            price,
            exchange: None,
        }
    }

    /// Three unchanged lines (fund +1% in shares) plus `extra`.
    fn file(day: u32, fund_ratio: f64, extra: Vec<Holding>) -> HoldingsFile {
        let mut holdings = vec![
            h("AAA", "ALPHA CORP", 1000.0 * fund_ratio, 10.0),
            h("BBB", "BETA INC", 2000.0 * fund_ratio, 20.0),
            h("CCC", "GAMMA INC", 3000.0 * fund_ratio, 30.0),
        ];
        holdings.extend(extra);
        HoldingsFile {
            fund: "IWM".into(),
            as_of: Date::ymd(2025, 11, day),
            holdings,
            layout: Layout::Export,
            non_equity_lines: 0,
            placeholder_tickers: 0,
            merged_duplicates: 0,
        }
    }

    /// The non-key links as (ticker a, ticker b, kind).
    fn renames(a: &HoldingsFile, b: &HoldingsFile) -> Vec<(String, String, LinkKind)> {
        let l = link_lines(a, b);
        let (mut seen_a, mut seen_b) = (HashSet::new(), HashSet::new());
        for &(i, j, _) in &l.pairs {
            assert!(seen_a.insert(i) && seen_b.insert(j), "one-to-one");
        }
        l.renamed()
            .map(|&(i, j, k)| {
                (
                    a.holdings[i].ticker.clone(),
                    b.holdings[j].ticker.clone(),
                    k,
                )
            })
            .collect()
    }

    fn link(a: &str, b: &str, k: LinkKind) -> (String, String, LinkKind) {
        (a.into(), b.into(), k)
    }

    #[test]
    fn same_ticker_rename_is_linked() {
        let a = file(
            5,
            1.0,
            vec![h("NXT", "NEXTRACKER INC CLASS A", 500.0, 100.0)],
        );
        let b = file(
            6,
            1.01,
            vec![h("NXT", "NEXTPOWER INC CLASS A", 510.0, 90.0)],
        );
        let l = link_lines(&a, &b);
        assert_eq!(l.pairs.len(), 4);
        assert!((l.fund_share_ratio.unwrap() - 1.01).abs() < 1e-12);
        assert_eq!(renames(&a, &b), [link("NXT", "NXT", LinkKind::Ticker)]);
    }

    #[test]
    fn same_name_ticker_change_is_linked() {
        let a = file(5, 1.0, vec![h("KAR", "OPENLANE INC", 800.0, 25.0)]);
        let b = file(6, 1.01, vec![h("OPLN", "OPENLANE INC", 790.0, 27.0)]);
        assert_eq!(renames(&a, &b), [link("KAR", "OPLN", LinkKind::Name)]);
    }

    #[test]
    fn rename_with_a_reverse_split_is_linked() {
        // 1-for-10 with the rename: shares /10, price x10.5.
        let a = file(5, 1.0, vec![h("RSX", "RSX HOLDINGS", 10_000.0, 1.0)]);
        let b = file(6, 1.01, vec![h("RSX", "RSX GROUP INC", 1_010.0, 10.5)]);
        assert_eq!(renames(&a, &b), [link("RSX", "RSX", LinkKind::Ticker)]);
    }

    #[test]
    fn reused_ticker_with_inconsistent_shares_is_not_linked() {
        // The ticker now belongs to another company: 5x the shares, price flat.
        let a = file(5, 1.0, vec![h("ZZZ", "ZETA OLD CORP", 1000.0, 10.0)]);
        let b = file(6, 1.01, vec![h("ZZZ", "ZULU NEW INC", 5000.0, 10.0)]);
        assert_eq!(renames(&a, &b), []);
        // Same with the name kept and a new ticker (shares /3, price flat).
        let a = file(5, 1.0, vec![h("OLD", "SAME NAME INC", 3000.0, 10.0)]);
        let b = file(6, 1.01, vec![h("NEW", "SAME NAME INC", 1000.0, 10.0)]);
        assert_eq!(renames(&a, &b), []);
    }

    #[test]
    fn companies_sharing_a_name_are_not_linked() {
        // FIRST BANCORP is FBP (Puerto Rico) and FBNC (North Carolina). FBNC
        // changes ticker with consistent shares: still not linked, the name
        // identifies nothing. FBP keeps its (ticker, name) and links to
        // itself only, never to FBNX.
        let a = file(
            5,
            1.0,
            vec![
                h("FBP", "FIRST BANCORP", 1000.0, 20.0),
                h("FBNC", "FIRST BANCORP", 300.0, 40.0),
                h("INDB", "INDEPENDENT BANK CORP", 400.0, 70.0),
                h("IBCP", "INDEPENDENT BANK CORP", 600.0, 30.0),
            ],
        );
        let b = file(
            6,
            1.01,
            vec![
                h("FBP", "FIRST BANCORP", 1010.0, 21.0),
                h("FBNX", "FIRST BANCORP", 303.0, 41.0),
                // IBCP's name is unique here but not in `a`.
                h("IBCX", "INDEPENDENT BANK CORP", 606.0, 31.0),
            ],
        );
        let l = link_lines(&a, &b);
        assert_eq!(renames(&a, &b), []);
        let fbp = l
            .pairs
            .iter()
            .filter(|p| a.holdings[p.0].name == "FIRST BANCORP")
            .map(|&(i, j, k)| {
                (
                    a.holdings[i].ticker.as_str(),
                    b.holdings[j].ticker.as_str(),
                    k,
                )
            })
            .collect::<Vec<_>>();
        assert_eq!(fbp, [("FBP", "FBP", LinkKind::Key)]);
    }

    #[test]
    fn ambiguous_candidates_are_not_linked() {
        // The ticker carries the renamed stock and a CVR (priced 0) in `b`.
        let a = file(5, 1.0, vec![h("ADRO", "ADURO BIOTECH INC", 1000.0, 5.0)]);
        let b = file(
            6,
            1.01,
            vec![
                h("ADRO", "CHINOOK THERAPEUTICS INC", 1010.0, 5.5),
                h("ADRO", "CHINOOK THERAPEUTICS CVR", 1010.0, 0.0),
            ],
        );
        assert_eq!(renames(&a, &b), []);
        // A name that one line has in `a` and two lines have in `b`.
        let a = file(
            5,
            1.0,
            vec![h("BATRA", "ATLANTA BRAVES HOLDINGS", 400.0, 40.0)],
        );
        let b = file(
            6,
            1.01,
            vec![
                h("BATX", "ATLANTA BRAVES HOLDINGS", 404.0, 41.0),
                h("BATY", "ATLANTA BRAVES HOLDINGS", 404.0, 39.0),
            ],
        );
        assert_eq!(renames(&a, &b), []);
    }

    #[test]
    fn splits_are_found_and_float_updates_are_not() {
        // LXP 1-for-5 with a small price move.
        assert_eq!(infer_split(5.2 / 1.0, 0.199), Some(0.2));
        // 2-for-1 forward split, price roughly halves.
        assert_eq!(infer_split(0.52, 2.0), Some(2.0));
        // 3-for-2.
        assert_eq!(infer_split(0.70, 1.487), Some(1.5));
        // Float update +31% with the price flat: not a split.
        assert_eq!(infer_split(1.0, 1.31), None);
        // Share count doubled (index share increase) but price flat: not a split.
        assert_eq!(infer_split(1.02, 2.0), None);
        // Share ratio far from any split ratio.
        assert_eq!(infer_split(0.3, 3.4), None);
        // Nonsense inputs.
        assert_eq!(infer_split(f64::NAN, 2.0), None);
        assert_eq!(infer_split(0.5, 0.0), None);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
