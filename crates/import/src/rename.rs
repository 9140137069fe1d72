//! Lines whose ticker and name both changed (NYCB New York Community
//! Bancorp -> FLG Flagstar Financial, JBT John Bean Technologies -> JBTM
//! JBT Marel): a scored match of the lines one file has and the next lacks
//! (exits) against those the next has and the first lacks (entries).
//!
//! Nothing names such a pair for sure, so each feature weighs in as a log
//! likelihood ratio: how much likelier it is for a renamed line than for a
//! random (exit, entry) pair of *this* window. The "random" frequencies are
//! measured on every (exit, entry) pair of the window (renames are a
//! handful among thousands of pairs), so a window of look-alike biotech IPOs
//! needs more than a same-sector, same-size match. The "renamed"
//! frequencies are the assumptions below, stated where they are used:
//!
//! | feature | renamed line | measured against |
//! |---|---|---|
//! | ticker: shares a 3-letter prefix or one contains the other (JBT/JBTM) | 30% | all pairs |
//! | ticker: shares the first letter only | 30% | all pairs |
//! | name: the old name's initials start the new ticker (John Bean Technologies -> JBTM) | 10% | all pairs |
//! | name: a word in common that is on at most 6 lines of the two files (PRIMO, not THERAPEUTICS) | 30% | all pairs |
//! | sector: same | 90% | entries of that sector |
//! | exchange: same | 80% | all pairs |
//! | shares (fund-normalised): within 0.5% / 2% / 10% / beyond | 50 / 10 / 10 / 30% | all pairs |
//! | weight (value, market-normalised): within 10% / 30% / 70% / beyond | 35 / 30 / 20 / 15% | all pairs |
//!
//! The prior that a given exit is a given entry is `ρ / entries`, with
//! `ρ = 10%` of exits renamed in a window without a reconstitution and 2%
//! across one (most exits are then deletions). A pair is linked when, among
//! the lines still unlinked, it is each side's best candidate by a factor
//! of 10 and either its posterior odds favour it or, in a window without a
//! reconstitution, it is a same-sector match with a likelihood ratio of at
//! least e² (7.4): an exit and an entry of one sector that no other line
//! comes near (CEIX Consol Energy -> CNR Core Natural Resources, whose share
//! count grew 1.8x in the merger that made it). Lines of different kinds (a
//! stock and a warrant, right or CVR) are never linked, nor lines whose
//! holding moved by more than 2x beyond the fund. Pairs are taken best
//! first, and each pair's margins are measured against the lines left.
//! A scored link carries no split: a merger changes the share count for
//! reasons two files cannot tell from a split.

use std::collections::{HashMap, HashSet};

use crate::holdings::{Holding, HoldingsFile};
use crate::market::type_from_name;
use crate::split::SplitModel;

/// Why a scored pair was linked.
#[derive(Clone, Debug, PartialEq)]
pub struct RenameScore {
    /// ln likelihood ratio of the features (renamed vs random pair).
    pub log_lr: f64,
    /// ln posterior odds (with the prior of the window).
    pub log_odds: f64,
    /// ln of how much better this pair is than each side's next candidate
    /// (the smaller of the two).
    pub margin: f64,
    /// The features that matched, for the report.
    pub features: Vec<String>,
}

const RHO: f64 = 0.10;
const RHO_RECON: f64 = 0.02;
const MIN_MARGIN: f64 = std::f64::consts::LN_10;
const MIN_SECTOR_LR: f64 = 2.0;
/// A name word on more lines than this (of both files) links nothing.
const MAX_WORD_LINES: usize = 6;
/// A renamed line's holding moves by less than this factor beyond the fund
/// (a merger can issue shares; JBT's grew 1.45x, CONSOL's 1.8x).
const MAX_SHARE_MOVE: f64 = 2.0;

/// Words that say nothing about which company a name is.
const STOP: &[&str] = &[
    "INC",
    "CORP",
    "CORPORATION",
    "CO",
    "LTD",
    "PLC",
    "HOLDINGS",
    "HOLDING",
    "HLDGS",
    "GROUP",
    "CLASS",
    "CL",
    "A",
    "B",
    "C",
    "THE",
    "COMPANY",
    "TRUST",
    "SHS",
    "LP",
    "LLC",
    "NV",
    "SA",
    "AG",
    "REIT",
    "OF",
    "AND",
    "&",
];

fn words(name: &str) -> Vec<String> {
    name.to_ascii_uppercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(str::to_string)
        .collect()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// The categorical features of one (exit, entry) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Feature {
    Ticker(u8),
    Name(u8),
    Sector(u8),
    Exchange(u8),
    Shares(u8),
    Value(u8),
}

/// (probability for a renamed line, label) of each feature value.
fn renamed(f: Feature) -> (f64, &'static str) {
    use Feature::*;
    match f {
        Ticker(0) => (0.3, "ticker prefix"),
        Ticker(1) => (0.3, "ticker first letter"),
        Ticker(_) => (0.4, ""),
        Name(0) => (0.1, "old name's initials start the new ticker"),
        Name(1) => (0.3, "a word of the name"),
        Name(_) => (0.6, ""),
        Sector(0) => (0.9, "same sector"),
        Sector(_) => (0.1, ""),
        Exchange(0) => (0.8, "same exchange"),
        Exchange(_) => (0.2, ""),
        Shares(0) => (0.5, "shares within 0.5%"),
        Shares(1) => (0.1, "shares within 2%"),
        Shares(2) => (0.1, "shares within 10%"),
        Shares(_) => (0.3, ""),
        Value(0) => (0.35, "weight within 10%"),
        Value(1) => (0.3, "weight within 30%"),
        Value(2) => (0.2, "weight within 70%"),
        Value(_) => (0.15, ""),
    }
}

/// A line's name words and their initials, computed once per line.
struct NameWords {
    words: Vec<String>,
    initials: String,
}

impl NameWords {
    /// `rare`: the words that may link two names (see [`rare_words`]).
    fn of(h: &Holding, rare: &HashSet<String>) -> NameWords {
        let all = words(&h.name);
        let initials = all.iter().filter_map(|w| w.chars().next()).collect();
        let words = all.into_iter().filter(|w| rare.contains(w)).collect();
        NameWords { words, initials }
    }
}

/// Words on at most [`MAX_WORD_LINES`] lines of the two files: a word
/// common to many names (THERAPEUTICS, BANCORP, ENERGY) says nothing about
/// which company a line is.
fn rare_words(a: &HoldingsFile, b: &HoldingsFile) -> HashSet<String> {
    let mut n: HashMap<String, usize> = HashMap::new();
    for h in a.holdings.iter().chain(&b.holdings) {
        let mut w = words(&h.name);
        w.sort();
        w.dedup();
        for x in w {
            *n.entry(x).or_default() += 1;
        }
    }
    n.into_iter()
        .filter(|&(_, c)| c <= MAX_WORD_LINES)
        .map(|(w, _)| w)
        .collect()
}

fn features(
    (x, nx): (&Holding, &NameWords),
    (y, ny): (&Holding, &NameWords),
    m: &SplitModel,
) -> Vec<Feature> {
    let mut f = Vec::with_capacity(6);
    let p = common_prefix(&x.ticker, &y.ticker);
    let contains = p >= 2 && (x.ticker.starts_with(&y.ticker) || y.ticker.starts_with(&x.ticker));
    f.push(Feature::Ticker(if p >= 3 || contains {
        0
    } else if p >= 1 {
        1
    } else {
        2
    }));
    let k = nx.initials.len().min(3).min(y.ticker.len());
    f.push(Feature::Name(
        if k >= 2 && y.ticker.starts_with(&nx.initials[..k]) {
            0
        } else if nx.words.iter().any(|w| ny.words.contains(w)) {
            1
        } else {
            2
        },
    ));
    if let (Some(a), Some(b)) = (&x.sector, &y.sector) {
        f.push(Feature::Sector(u8::from(a != b)));
    }
    if let (Some(a), Some(b)) = (&x.exchange, &y.exchange) {
        f.push(Feature::Exchange(u8::from(a != b)));
    }
    let sr = y.shares / x.shares / m.fund_factor;
    let l = sr.ln().abs();
    f.push(Feature::Shares(if l < 0.005 {
        0
    } else if l < 0.02 {
        1
    } else if l < 0.1 {
        2
    } else {
        3
    }));
    let v = (sr * y.price / x.price / m.market_move).ln().abs();
    f.push(Feature::Value(if v < 0.1 {
        0
    } else if v < 0.3 {
        1
    } else if v < 0.7 {
        2
    } else {
        3
    }));
    f
}

/// The scored links among the unlinked valued lines `ea` of `a` (exits)
/// and `nb` of `b` (entries), best first, as (line of a, line of b, score).
pub(crate) fn scored_links(
    a: &HoldingsFile,
    b: &HoldingsFile,
    ea: &[usize],
    nb: &[usize],
    m: &SplitModel,
    crosses_recon: bool,
) -> Vec<(usize, usize, RenameScore)> {
    if ea.is_empty() || nb.is_empty() {
        return Vec::new();
    }
    // Features of every pair (of the same kind of line), and how often
    // each value occurs among them.
    let kind_a: Vec<_> = ea
        .iter()
        .map(|&i| type_from_name(&a.holdings[i].name))
        .collect();
    let kind_b: Vec<_> = nb
        .iter()
        .map(|&j| type_from_name(&b.holdings[j].name))
        .collect();
    let rare = rare_words(a, b);
    let words_a: Vec<NameWords> = ea
        .iter()
        .map(|&i| NameWords::of(&a.holdings[i], &rare))
        .collect();
    let words_b: Vec<NameWords> = nb
        .iter()
        .map(|&j| NameWords::of(&b.holdings[j], &rare))
        .collect();
    let mut feats: Vec<Vec<Option<Vec<Feature>>>> = vec![vec![None; nb.len()]; ea.len()];
    let mut freq: HashMap<Feature, f64> = HashMap::new();
    let mut n_pairs = 0.0;
    for (p, &i) in ea.iter().enumerate() {
        for (q, &j) in nb.iter().enumerate() {
            let (x, y) = (&a.holdings[i], &b.holdings[j]);
            let f = features((x, &words_a[p]), (y, &words_b[q]), m);
            for &v in &f {
                *freq.entry(v).or_default() += 1.0;
            }
            n_pairs += 1.0;
            // A stock is not its warrant, right or CVR; and no rename
            // more than doubles or halves a holding beyond the fund.
            let shares = (y.shares / x.shares / m.fund_factor).ln().abs();
            if kind_a[p] == kind_b[q] && shares < MAX_SHARE_MOVE.ln() {
                feats[p][q] = Some(f);
            }
        }
    }
    let mut sector_entries: HashMap<&str, f64> = HashMap::new();
    for &j in nb {
        if let Some(s) = &b.holdings[j].sector {
            *sector_entries.entry(s).or_default() += 1.0;
        }
    }
    let n_entries = nb.len() as f64;
    let lr = |f: &[Feature], j: usize| -> (f64, Vec<String>) {
        let mut s = 0.0;
        let mut why = Vec::new();
        for &x in f {
            let (p, label) = renamed(x);
            let random = match x {
                Feature::Sector(0) => {
                    let sec = b.holdings[j].sector.as_deref().unwrap_or("");
                    (sector_entries.get(sec).copied().unwrap_or(0.0) + 1.0) / (n_entries + 1.0)
                }
                _ => (freq.get(&x).copied().unwrap_or(0.0) + 1.0) / (n_pairs + 4.0),
            };
            s += (p / random).ln();
            if !label.is_empty() {
                why.push(label.to_string());
            }
        }
        (s, why)
    };
    let mut score: Vec<Vec<f64>> = vec![vec![f64::NEG_INFINITY; nb.len()]; ea.len()];
    let mut why: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for p in 0..ea.len() {
        for q in 0..nb.len() {
            if let Some(f) = &feats[p][q] {
                let (s, w) = lr(f, nb[q]);
                score[p][q] = s;
                why.insert((p, q), w);
            }
        }
    }
    let rho = if crosses_recon { RHO_RECON } else { RHO };
    let prior = (rho / n_entries).ln();
    let (mut left_a, mut left_b) = (vec![true; ea.len()], vec![true; nb.len()]);
    let mut out = Vec::new();
    loop {
        // Each open line's two best open candidates, then the best open
        // pair that passes the rule.
        let top2 = |vals: &mut dyn Iterator<Item = (usize, f64)>| {
            let mut t = [(usize::MAX, f64::NEG_INFINITY); 2];
            for (k, v) in vals {
                if v > t[0].1 {
                    t[1] = t[0];
                    t[0] = (k, v);
                } else if v > t[1].1 {
                    t[1] = (k, v);
                }
            }
            t
        };
        let rows: Vec<[(usize, f64); 2]> = (0..ea.len())
            .map(|p| {
                top2(
                    &mut (0..nb.len())
                        .filter(|&q| left_b[q])
                        .map(|q| (q, score[p][q])),
                )
            })
            .collect();
        let cols: Vec<[(usize, f64); 2]> = (0..nb.len())
            .map(|q| {
                top2(
                    &mut (0..ea.len())
                        .filter(|&p| left_a[p])
                        .map(|p| (p, score[p][q])),
                )
            })
            .collect();
        let next = |t: &[(usize, f64); 2], k: usize| if t[0].0 == k { t[1].1 } else { t[0].1 };
        let mut best: Option<(f64, usize, usize, f64)> = None;
        for p in (0..ea.len()).filter(|&p| left_a[p]) {
            for q in (0..nb.len()).filter(|&q| left_b[q]) {
                let s = score[p][q];
                if !s.is_finite() || best.is_some_and(|b| s <= b.0) {
                    continue;
                }
                let margin = (s - next(&rows[p], q)).min(s - next(&cols[q], p));
                let same_sector = feats[p][q]
                    .as_ref()
                    .is_some_and(|f| f.contains(&Feature::Sector(0)));
                let sector_rule = !crosses_recon && same_sector && s >= MIN_SECTOR_LR;
                if margin >= MIN_MARGIN && (s + prior > 0.0 || sector_rule) {
                    best = Some((s, p, q, margin));
                }
            }
        }
        let Some((s, p, q, margin)) = best else {
            break;
        };
        left_a[p] = false;
        left_b[q] = false;
        out.push((
            ea[p],
            nb[q],
            RenameScore {
                log_lr: s,
                log_odds: s + prior,
                margin,
                features: why.remove(&(p, q)).unwrap_or_default(),
            },
        ));
    }
    out
}
