//! Which line of one holdings file is which line of the next: the one rule
//! of the importer for "the same security" ([`link_lines`]), used by
//! [`crate::holdings_to_market`] and [`crate::basket_return`] alike.
//!
//! Why not simply join on (ticker, name), or on the name: iShares renames a
//! line when the company renames and usually keeps the ticker (NXT
//! Nextracker -> Nextpower), keeps the name when only the ticker changes
//! (KAR -> OPLN), and changes both when a company rebrands or merges
//! (NYCB -> FLG, JBT -> JBTM); a (ticker, name) join turns each of those
//! into a deletion plus an addition. But names are not identifiers:
//! different companies share one (INDEPENDENT BANK CORP is INDB and IBCP),
//! share classes can carry one name (BATRA and BATRK), tickers get
//! recycled (CNR was Cornerstone Building Brands in 2021 and Core Natural
//! Resources in 2025), and one ticker can carry a stock and its CVR.
//!
//! The rule, in order, each line linked at most once:
//! 1. same (ticker, name) (unique within a file: repeated lines are merged
//!    on reading); these pairs fit the window's [`SplitModel`] (the fund's
//!    creations and redemptions, the market's move);
//! 2. same identifier (CUSIP, ISIN or SEDOL) where both files have one,
//!    when the value is on one line of each file: an identifier names one
//!    security whatever its ticker and name;
//! 3. same ticker, different name, when the ticker is on exactly one line of
//!    each file; 4. same name, different ticker, likewise; for 3 and 4 the
//!    share counts must agree (within 1.4x of the fund factor, the float
//!    updates a window sees) or the model must read a split;
//! 5. lines whose ticker and name both changed: a scored match of ticker,
//!    name, sector, exchange, share count and weight ([`crate::rename`]).
//!
//! Uniqueness in steps 2-4 is counted over all lines of each file, valued
//! or not: an ambiguous candidate is never linked.

use std::collections::HashMap;

use rankday_calendar::ReconCalendar;

use crate::holdings::{Holding, HoldingsFile};
use crate::rename::{scored_links, RenameScore};
use crate::split::{SplitEvidence, SplitModel};
use crate::window::{crosses_reconstitution, events_between};

/// Share ratios within this factor of the fund factor count as "the same
/// holding" (float updates of 25-35% are common in small caps).
const SAME_HOLDING: f64 = 1.4;

/// How a pair of [`Links`] was established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Same (ticker, name) ([`crate::Holding::key`]).
    Key,
    /// Same identifier (`"CUSIP"`, `"ISIN"` or `"SEDOL"`).
    Identifier(&'static str),
    /// Same ticker, new name (a rename): NXT Nextracker -> Nextpower.
    Ticker,
    /// Same name, new ticker (a ticker change): KAR -> OPLN.
    Name,
    /// Ticker and name both changed: a scored match (see [`Link::score`]).
    Scored,
}

impl LinkKind {
    /// How the link was made, for the import report.
    pub fn label(self) -> &'static str {
        match self {
            LinkKind::Key => "ticker and name",
            LinkKind::Identifier(k) => k,
            LinkKind::Ticker => "ticker",
            LinkKind::Name => "name",
            LinkKind::Scored => "scored match",
        }
    }
}

/// One line of the earlier file (`a`) linked to one of the later (`b`).
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Index of the line in the earlier file.
    pub a: usize,
    /// Index of the line in the later file.
    pub b: usize,
    /// How the link was made.
    pub kind: LinkKind,
    /// The split the line went through between the files, if any.
    pub split: Option<SplitEvidence>,
    /// The evidence of a [`LinkKind::Scored`] link.
    pub score: Option<RenameScore>,
}

/// The one-to-one linking of two files' valued lines (see [`link_lines`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Links {
    /// The linked pairs, in the earlier file's order.
    pub pairs: Vec<Link>,
    /// The window's model, fitted on the [`LinkKind::Key`] pairs; `None`
    /// without such pairs.
    pub model: Option<SplitModel>,
}

impl Links {
    /// Median `shares_b / shares_a` over the [`LinkKind::Key`] pairs (the
    /// fund's creations and redemptions); `None` without such pairs.
    pub fn fund_share_ratio(&self) -> Option<f64> {
        self.model.map(|m| m.fund_factor)
    }
    /// The (i, j) pairs without their kind.
    pub fn ij(&self) -> Vec<(usize, usize)> {
        self.pairs.iter().map(|l| (l.a, l.b)).collect()
    }
    /// Links through a rename or ticker change (not [`LinkKind::Key`]).
    pub fn renamed(&self) -> impl Iterator<Item = &Link> {
        self.pairs.iter().filter(|p| p.kind != LinkKind::Key)
    }
    /// Links with an inferred split.
    pub fn splits(&self) -> impl Iterator<Item = &Link> {
        self.pairs.iter().filter(|p| p.split.is_some())
    }
}

/// Decides which valued lines (`price > 0`, `shares > 0`) of `a` and `b`
/// are the same security (see the module notes), and reads each linked
/// line's split. The window's calendar events come from the shipped
/// Russell calendar.
pub fn link_lines(a: &HoldingsFile, b: &HoldingsFile) -> Links {
    link_lines_with(a, b, &ReconCalendar::russell())
}

/// [`link_lines`] with another reconstitution calendar.
pub fn link_lines_with(a: &HoldingsFile, b: &HoldingsFile, cal: &ReconCalendar) -> Links {
    let mut st = State::new(a, b);
    st.by_key();
    let model = SplitModel::fit(
        st.pairs
            .iter()
            .map(|l| (&a.holdings[l.a], &b.holdings[l.b])),
    );
    st.by_identifier();
    st.by_unique_field(LinkKind::Ticker, model.as_ref());
    st.by_unique_field(LinkKind::Name, model.as_ref());
    if let Some(m) = &model {
        let recon = crosses_reconstitution(&events_between(cal, a.as_of, b.as_of));
        let left_a: Vec<usize> = st.free(a, &st.used_a);
        let left_b: Vec<usize> = st.free(b, &st.used_b);
        for (i, j, score) in scored_links(a, b, &left_a, &left_b, m, recon) {
            st.link(i, j, LinkKind::Scored);
            st.pairs.last_mut().expect("just linked").score = Some(score);
        }
    }
    let mut pairs = st.pairs;
    if let Some(m) = &model {
        for l in pairs.iter_mut().filter(|l| l.kind != LinkKind::Scored) {
            let (x, y): (&Holding, &Holding) = (&a.holdings[l.a], &b.holdings[l.b]);
            l.split = m.infer(x.price, x.shares, y.price, y.shares);
        }
    }
    Links { pairs, model }
}

/// The linking in progress.
struct State<'f> {
    a: &'f HoldingsFile,
    b: &'f HoldingsFile,
    used_a: Vec<bool>,
    used_b: Vec<bool>,
    pairs: Vec<Link>,
}

impl<'f> State<'f> {
    fn new(a: &'f HoldingsFile, b: &'f HoldingsFile) -> Self {
        State {
            a,
            b,
            used_a: vec![false; a.holdings.len()],
            used_b: vec![false; b.holdings.len()],
            pairs: Vec::new(),
        }
    }

    fn link(&mut self, i: usize, j: usize, kind: LinkKind) {
        self.used_a[i] = true;
        self.used_b[j] = true;
        self.pairs.push(Link {
            a: i,
            b: j,
            kind,
            split: None,
            score: None,
        });
    }

    /// Valued lines of `f` not linked yet.
    fn free(&self, f: &HoldingsFile, used: &[bool]) -> Vec<usize> {
        (0..f.holdings.len())
            .filter(|&i| !used[i] && f.holdings[i].is_valued())
            .collect()
    }

    /// Step 1: same (ticker, name).
    fn by_key(&mut self) {
        let (a, b) = (self.a, self.b);
        let by_key: HashMap<(&str, &str), usize> = (0..b.holdings.len())
            .filter(|&j| b.holdings[j].is_valued())
            .map(|j| (b.holdings[j].key(), j))
            .collect();
        for i in 0..a.holdings.len() {
            if !a.holdings[i].is_valued() {
                continue;
            }
            if let Some(&j) = by_key.get(&a.holdings[i].key()) {
                if !self.used_b[j] {
                    self.link(i, j, LinkKind::Key);
                }
            }
        }
    }

    /// Step 2: same CUSIP, ISIN or SEDOL, unique on each side.
    fn by_identifier(&mut self) {
        let (a, b) = (self.a, self.b);
        for kind in ["CUSIP", "ISIN", "SEDOL"] {
            let id = |h: &'f Holding| h.ids.present().find(|p| p.0 == kind).map(|p| p.1);
            let only = |f: &'f HoldingsFile| {
                let mut m: HashMap<&'f str, Option<usize>> = HashMap::new();
                for (i, h) in f.holdings.iter().enumerate() {
                    if let Some(v) = id(h) {
                        m.entry(v).and_modify(|e| *e = None).or_insert(Some(i));
                    }
                }
                m
            };
            let (in_a, in_b) = (only(a), only(b));
            let mut found: Vec<(usize, usize)> = in_a
                .iter()
                .filter_map(|(v, i)| Some(((*i)?, in_b.get(v).copied().flatten()?)))
                .collect();
            found.sort_unstable();
            for (i, j) in found {
                if !self.used_a[i]
                    && !self.used_b[j]
                    && a.holdings[i].is_valued()
                    && b.holdings[j].is_valued()
                {
                    let kind = match kind {
                        "CUSIP" => "CUSIP",
                        "ISIN" => "ISIN",
                        _ => "SEDOL",
                    };
                    self.link(i, j, LinkKind::Identifier(kind));
                }
            }
        }
    }

    /// Steps 3 and 4: same ticker (or name) on exactly one line of each
    /// file, with consistent share counts.
    fn by_unique_field(&mut self, kind: LinkKind, model: Option<&SplitModel>) {
        let (a, b) = (self.a, self.b);
        let field = |h: &'f Holding| -> &'f str {
            match kind {
                LinkKind::Ticker => &h.ticker,
                _ => &h.name,
            }
        };
        let mut count_a: HashMap<&str, usize> = HashMap::new();
        for h in &a.holdings {
            *count_a.entry(field(h)).or_default() += 1;
        }
        let mut only_b: HashMap<&str, Option<usize>> = HashMap::new();
        for (j, h) in b.holdings.iter().enumerate() {
            only_b
                .entry(field(h))
                .and_modify(|e| *e = None)
                .or_insert(Some(j));
        }
        let factor = model.map_or(1.0, |m| m.fund_factor);
        for i in 0..a.holdings.len() {
            let x = &a.holdings[i];
            if self.used_a[i] || !x.is_valued() || count_a.get(field(x)) != Some(&1) {
                continue;
            }
            let Some(&Some(j)) = only_b.get(field(x)) else {
                continue;
            };
            let y = &b.holdings[j];
            if self.used_b[j] || !y.is_valued() {
                continue;
            }
            let sr = y.shares / x.shares / factor;
            let consistent = sr.ln().abs() < SAME_HOLDING.ln()
                || model.is_some_and(|m| m.infer(x.price, x.shares, y.price, y.shares).is_some());
            if consistent {
                self.link(i, j, kind);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holdings::{Holding, Layout};
    use rankday_core::Date;
    use std::collections::HashSet;

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
            ids: Default::default(),
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
        for p in &l.pairs {
            assert!(seen_a.insert(p.a) && seen_b.insert(p.b), "one-to-one");
        }
        l.renamed()
            .map(|p| {
                (
                    a.holdings[p.a].ticker.clone(),
                    b.holdings[p.b].ticker.clone(),
                    p.kind,
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
        assert!((l.fund_share_ratio().unwrap() - 1.01).abs() < 1e-12);
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
            .filter(|p| a.holdings[p.a].name == "FIRST BANCORP")
            .map(|p| {
                (
                    a.holdings[p.a].ticker.as_str(),
                    b.holdings[p.b].ticker.as_str(),
                    p.kind,
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
    fn a_shared_identifier_links_whatever_the_ticker_and_name() {
        let with_id = |mut x: Holding, cusip: &str| {
            x.ids.cusip = Some(cusip.into());
            x
        };
        let a = file(
            5,
            1.0,
            vec![with_id(
                h("PLT", "PLANTRONICS INC", 500.0, 30.0),
                "727493108",
            )],
        );
        let b = file(
            6,
            1.01,
            vec![with_id(h("POLY", "POLY INC", 505.0, 31.0), "727493108")],
        );
        assert_eq!(
            renames(&a, &b),
            [link("PLT", "POLY", LinkKind::Identifier("CUSIP"))]
        );
        // An identifier on two lines of a file links neither.
        let b2 = file(
            6,
            1.01,
            vec![
                with_id(h("POLY", "POLY INC", 505.0, 31.0), "727493108"),
                with_id(h("POLYW", "POLY WARRANTS", 50.0, 1.0), "727493108"),
            ],
        );
        assert_eq!(renames(&a, &b2), []);
    }
}
