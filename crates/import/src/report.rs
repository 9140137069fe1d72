//! What an import inferred and what the user should know about it: per
//! window between two files, the calendar events it crosses, the splits
//! read (with their evidence) and the lines linked through a rename.

use rankday_calendar::ReconCalendar;
use rankday_core::{Date, IndexId};

use crate::holdings::HoldingsFile;
use crate::links::{LinkKind, Links};
use crate::rename::RenameScore;
use crate::split::{ratio_label, SplitEvidence};
use crate::window::{events_between, WindowEvent};

/// A split inferred on one line.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitLine {
    /// The line's ticker.
    pub ticker: String,
    /// The line's name.
    pub name: String,
    /// What the split was inferred from.
    pub evidence: SplitEvidence,
}

/// A line linked across a ticker or name change.
#[derive(Clone, Debug, PartialEq)]
pub struct RenameLine {
    /// Ticker in the earlier file.
    pub from_ticker: String,
    /// Name in the earlier file.
    pub from_name: String,
    /// Ticker in the later file.
    pub to_ticker: String,
    /// Name in the later file.
    pub to_name: String,
    /// How the two were linked.
    pub kind: LinkKind,
    /// The evidence of a scored link.
    pub score: Option<RenameScore>,
}

/// One window between two consecutive files.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowReport {
    /// The earlier file's date.
    pub from: Date,
    /// The later file's date.
    pub to: Date,
    /// Calendar events between the two dates.
    pub events: Vec<WindowEvent>,
    /// The fund's creations and redemptions (median share ratio).
    pub fund_factor: Option<f64>,
    /// The market's move (median price ratio of unchanged lines).
    pub market_move: Option<f64>,
    /// Splits inferred in the window.
    pub splits: Vec<SplitLine>,
    /// Lines linked across a ticker or name change.
    pub renames: Vec<RenameLine>,
    /// Valued lines of the earlier file not found in the later one.
    pub exits: usize,
    /// Valued lines of the later file not found in the earlier one.
    pub entries: usize,
}

/// The report of one import.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportReport {
    /// The fund's ticker.
    pub fund: String,
    /// The index it tracks.
    pub index: IndexId,
    /// One report per window between consecutive files.
    pub windows: Vec<WindowReport>,
}

impl ImportReport {
    pub(crate) fn new(
        order: &[&HoldingsFile],
        links: &[Links],
        cal: &ReconCalendar,
        index: IndexId,
    ) -> ImportReport {
        let windows = links
            .iter()
            .enumerate()
            .map(|(k, l)| {
                let (a, b) = (order[k], order[k + 1]);
                let splits = l
                    .splits()
                    .map(|p| SplitLine {
                        ticker: a.holdings[p.a].ticker.clone(),
                        name: a.holdings[p.a].name.clone(),
                        evidence: p.split.clone().expect("filtered on split"),
                    })
                    .collect();
                let renames = l
                    .renamed()
                    .map(|p| RenameLine {
                        from_ticker: a.holdings[p.a].ticker.clone(),
                        from_name: a.holdings[p.a].name.clone(),
                        to_ticker: b.holdings[p.b].ticker.clone(),
                        to_name: b.holdings[p.b].name.clone(),
                        kind: p.kind,
                        score: p.score.clone(),
                    })
                    .collect();
                let valued = |f: &HoldingsFile| f.holdings.iter().filter(|h| h.is_valued()).count();
                WindowReport {
                    from: a.as_of,
                    to: b.as_of,
                    events: events_between(cal, a.as_of, b.as_of),
                    fund_factor: l.fund_share_ratio(),
                    market_move: l.model.map(|m| m.market_move),
                    splits,
                    renames,
                    exits: valued(a) - l.pairs.len(),
                    entries: valued(b) - l.pairs.len(),
                }
            })
            .collect();
        ImportReport {
            fund: order[0].fund.clone(),
            index,
            windows,
        }
    }

    /// Warnings for the user: windows that cross a reconstitution, a rank
    /// day or an IPO round, which the files' baskets do not follow.
    pub fn warnings(&self) -> Vec<String> {
        self.windows
            .iter()
            .filter(|w| !w.events.is_empty())
            .map(|w| {
                let what: Vec<String> = w.events.iter().map(|e| e.to_string()).collect();
                format!(
                    "{} {} -> {} crosses {}: no file shows the index in between, so the levels hold the {} basket until {}",
                    self.fund,
                    w.from,
                    w.to,
                    what.join(", "),
                    w.from,
                    w.to
                )
            })
            .collect()
    }

    /// The report as text, one window after the other: its events, splits
    /// (ratio, share and price ratios, the market's move, the line's
    /// return relative to it, log-odds, what the files cannot tell apart)
    /// and renames (how linked, and the score of a scored match).
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "# Import of {} holdings ({})\n",
            self.fund,
            self.index.as_str()
        );
        for w in &self.windows {
            s.push_str(&format!(
                "\n## {} -> {}\n\nfund factor {}, market move {}, {} lines left, {} joined\n",
                w.from,
                w.to,
                w.fund_factor.map_or("-".into(), |f| format!("{f:.4}")),
                w.market_move.map_or("-".into(), |m| format!("{m:.4}")),
                w.exits,
                w.entries
            ));
            for e in &w.events {
                s.push_str(&format!("- crosses {e}\n"));
            }
            for x in &w.splits {
                let e = &x.evidence;
                let alt: Vec<String> = e
                    .alternatives
                    .iter()
                    .map(|(r, lo)| format!("{} ({lo:.1})", ratio_label(*r)))
                    .collect();
                s.push_str(&format!(
                    "- split {} {} ({}): shares x{:.4} beyond the fund, price x{:.4} at {:.2} before, market x{:.4}, relative return {:+.1}%, log-odds {:.1}{}\n",
                    x.ticker,
                    e.ratio_label(),
                    x.name,
                    e.share_ratio,
                    e.price_ratio,
                    e.price_before,
                    e.market_move,
                    100.0 * (e.relative_return - 1.0),
                    e.log_odds,
                    if alt.is_empty() {
                        String::new()
                    } else {
                        format!("; cannot tell from {}", alt.join(", "))
                    }
                ));
            }
            for r in &w.renames {
                s.push_str(&format!(
                    "- linked {} '{}' -> {} '{}' by {}",
                    r.from_ticker,
                    r.from_name,
                    r.to_ticker,
                    r.to_name,
                    r.kind.label()
                ));
                if let Some(sc) = &r.score {
                    s.push_str(&format!(
                        " (log-LR {:.1}, log-odds {:.1}, margin {:.1}: {})",
                        sc.log_lr,
                        sc.log_odds,
                        sc.margin,
                        sc.features.join(", ")
                    ));
                }
                s.push('\n');
            }
        }
        s
    }
}
