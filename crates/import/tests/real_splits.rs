//! Splits and renames on the shared iShares files, case by case: what the
//! importer infers, what it cannot tell apart, and what the two files show
//! (`tests/data/split_cases.csv`, `tests/data/rename_cases.csv`, one
//! harness). Each case prints its evidence (`-- --nocapture`). Skips when
//! the shared folder is absent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rankday_import::split::ratio_label;
use rankday_import::{link_lines, read_holdings, HoldingsFile, LinkKind, Links};

fn cases(name: &str) -> Vec<HashMap<String, String>> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let mut r = csv::Reader::from_path(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            head.iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Parsed files and their links, each window computed once.
struct Windows {
    dir: PathBuf,
    files: HashMap<String, HoldingsFile>,
    links: HashMap<(String, String), Links>,
}

impl Windows {
    fn new(real: &Path) -> Self {
        Windows {
            dir: real.join("ishares_holdings"),
            files: HashMap::new(),
            links: HashMap::new(),
        }
    }
    fn file(&mut self, name: &str) -> HoldingsFile {
        let dir = self.dir.clone();
        self.files
            .entry(name.to_string())
            .or_insert_with(|| read_holdings(&dir.join(name)).unwrap())
            .clone()
    }
    fn window(&mut self, from: &str, to: &str) -> (HoldingsFile, HoldingsFile, Links) {
        let (a, b) = (self.file(from), self.file(to));
        let l = self
            .links
            .entry((from.into(), to.into()))
            .or_insert_with(|| link_lines(&a, &b))
            .clone();
        (a, b, l)
    }
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn split_cases_give_the_ratio_the_files_support() {
    let real = rankday_testkit::shared::real_data();
    let mut w = Windows::new(&real);
    let mut failures = Vec::new();
    for c in cases("split_cases.csv") {
        let (a, _, links) = w.window(&c["from"], &c["to"]);
        let line = links
            .pairs
            .iter()
            .find(|l| a.holdings[l.a].ticker == c["ticker"])
            .unwrap_or_else(|| {
                panic!("{} not linked in {} -> {}", c["ticker"], c["from"], c["to"])
            });
        let (got, alts) = match &line.split {
            Some(s) => {
                let mut alts: Vec<String> =
                    s.alternatives.iter().map(|a| ratio_label(a.0)).collect();
                alts.sort();
                (s.ratio_label(), alts)
            }
            None => ("none".to_string(), Vec::new()),
        };
        let mut want_alts: Vec<String> = c["cannot_tell"]
            .split(';')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        want_alts.sort();
        let evidence = line.split.as_ref().map_or(String::new(), |s| {
            format!(
                " [shares x{:.4}, price x{:.4}, market x{:.4}, relative {:+.1}%, log-odds {:.1}]",
                s.share_ratio,
                s.price_ratio,
                s.market_move,
                100.0 * (s.relative_return - 1.0),
                s.log_odds
            )
        });
        println!(
            "{} -> {} {}: {got}{} (truth {}){evidence}: {}",
            c["from"],
            c["to"],
            c["ticker"],
            if alts.is_empty() {
                String::new()
            } else {
                format!(", cannot tell from {}", alts.join(", "))
            },
            c["truth"],
            c["what_the_files_show"]
        );
        if got != c["inferred"] || alts != want_alts {
            failures.push(format!(
                "{} {} -> {}: got {got} {alts:?}, pinned {} {want_alts:?}",
                c["ticker"], c["from"], c["to"], c["inferred"]
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn rename_cases_link_the_renamed_lines_and_only_them() {
    let real = rankday_testkit::shared::real_data();
    let mut w = Windows::new(&real);
    let mut failures = Vec::new();
    for c in cases("rename_cases.csv") {
        let (a, b, links) = w.window(&c["from"], &c["to"]);
        let found = links.pairs.iter().find(|l| {
            a.holdings[l.a].ticker == c["from_ticker"] && b.holdings[l.b].ticker == c["to_ticker"]
        });
        let got = found.map_or("none", |l| l.kind.label());
        let score = found
            .and_then(|l| l.score.as_ref())
            .map_or(String::new(), |s| {
                format!(
                    " [log-LR {:.1}, log-odds {:.1}, margin {:.1}: {}]",
                    s.log_lr,
                    s.log_odds,
                    s.margin,
                    s.features.join(", ")
                )
            });
        println!(
            "{} -> {} {} -> {}: {got}{score}: {}",
            c["from"], c["to"], c["from_ticker"], c["to_ticker"], c["what_the_files_show"]
        );
        if got != c["linked_by"] {
            failures.push(format!(
                "{} -> {} in {} -> {}: {got}, pinned {}",
                c["from_ticker"], c["to_ticker"], c["from"], c["to"], c["linked_by"]
            ));
        }
        // A scored link carries no split.
        if let Some(l) = found.filter(|l| l.kind == LinkKind::Scored) {
            assert!(l.split.is_none(), "{c:?}");
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
