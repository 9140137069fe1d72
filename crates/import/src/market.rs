//! Holdings files -> a market-format-1 [`Market`] plus one [`Membership`]
//! per file date.
//!
//! What the resulting market is, and is not:
//! - One security per line followed from file to file by
//!   [`crate::link_lines`], the importer's single "same security"
//!   rule: same (ticker, name), else a rename that kept the ticker or a
//!   ticker change that kept the name when unambiguous and the share counts
//!   agree. A renamed company therefore stays one security (a delisting
//!   plus a new listing would be a false index deletion and addition). A
//!   line absent from the previous file but present earlier under the same
//!   (ticker, name) resumes its old security. The `security_id` is
//!   `TICKER|NAME` of the line's first appearance (`#2`, `#3`, ... appended
//!   if a recycled key would collide); `ticker` and `name` are the latest;
//!   the `company_id` is the latest name without a share-class suffix
//!   (`ALPHABET INC CLASS A` -> `ALPHABET INC`), so share classes group into
//!   one company.
//! - `shares_outstanding = float_shares =` **the fund's shares**, not the
//!   issuer's: the files carry no issuer share counts. Index weights built
//!   from this market are proportional to the fund's holdings, which are
//!   proportional to float-adjusted cap (README test 1), so cap-weighted
//!   valuation is right; *total* cap ranks are not available.
//! - `close` = the file's price; `volume` = 0 (unknown: holdings files carry
//!   no volume; ADV-based analytics need another source).
//! - Countries are all `US` (assumption: Russell US indexes hold US-assigned
//!   companies; the files' Location column is "United States" for them).
//! - `security_type` is `common`, except names that say they are warrants,
//!   rights/CVRs or escrow lines, which get `warrant`, `right`, `other`, so
//!   the methodology's structure screens can drop them.
//! - Splits between consecutive appearances of a line are detected
//!   ([`crate::split`]) and emitted as `split` actions on the later date.
//! - Lines without a positive price and share count (unlisted rights priced
//!   0) are left out.
//! - The market is *sparse* (`format.toml`: `observations = "sparse"`): the
//!   files' dates are observation dates, and the days between them are
//!   unobserved, not closed. The trading calendar stays the policy's.

use std::collections::{HashMap, HashSet};

use rankday_core::{
    Action, ActionKind, Change, Country, DailyRow, Date, Exchange, IndexId, IndexSet, Market,
    MarketBuilder, MemberRow, Membership, Observations, Sec, Security, SecurityType,
};

use rankday_calendar::ReconCalendar;

use crate::error::ImportError;
use crate::holdings::HoldingsFile;
use crate::links::{link_lines_with, Links};
use crate::report::ImportReport;

/// The Russell index a fund tracks (IWM -> R2000, IWB -> R1000, IWV ->
/// R3000, IWC -> Microcap), or `None` for funds without a core index id.
pub fn fund_index(fund: &str) -> Option<IndexId> {
    match fund.to_ascii_uppercase().as_str() {
        "IWM" | "VTWO" => Some(IndexId::R2000),
        "IWB" | "VONE" => Some(IndexId::R1000),
        "IWV" | "VTHR" => Some(IndexId::R3000),
        "IWC" => Some(IndexId::RMicro),
        "IWR" => Some(IndexId::RMidcap),
        "IWL" => Some(IndexId::RTop200),
        _ => None,
    }
}

/// Format-1 exchange for the iShares Exchange column.
pub fn map_exchange(s: Option<&str>) -> Exchange {
    let t = s.unwrap_or("").to_ascii_lowercase();
    if t.contains("nasdaq") {
        Exchange::Nasdaq
    } else if t.contains("arca") {
        Exchange::NyseArca
    } else if t.contains("nyse mkt") || t.contains("american") || t.contains("amex") {
        Exchange::NyseAmerican
    } else if t.contains("new york stock exchange") || t == "nyse" {
        Exchange::Nyse
    } else if t.contains("cboe") || t.contains("bats") {
        Exchange::Cboe
    } else if t.contains("nnqs") || t.contains("otc") || t.contains("non-nms") {
        Exchange::Otc
    } else if t.contains("no market") || t.contains("unlisted") {
        Exchange::Unlisted
    } else {
        Exchange::Other
    }
}

/// Security type from the fund's line name (see the module notes).
pub fn type_from_name(name: &str) -> SecurityType {
    let n = format!(" {} ", name.to_ascii_uppercase());
    if n.contains(" WARRANT") || n.contains(" WTS ") || n.contains(" WT ") {
        SecurityType::Warrant
    } else if n.contains(" CVR ")
        || n.contains(" - CVR")
        || n.contains(" RIGHT")
        || n.contains(" RTS ")
    {
        SecurityType::Right
    } else if n.contains(" ESCROW") || n.starts_with(" ESC ") {
        SecurityType::Other
    } else {
        SecurityType::Common
    }
}

/// Company key: the name without a trailing share-class marker.
pub fn company_key(name: &str) -> String {
    let n = name.trim().to_ascii_uppercase();
    let words: Vec<&str> = n.split_whitespace().collect();
    let k = words.len();
    if k >= 3
        && matches!(words[k - 2], "CLASS" | "CL" | "SHS" | "SERIES")
        && words[k - 1].len() <= 2
    {
        words[..k - 2].join(" ")
    } else {
        words.join(" ")
    }
}

struct Line {
    /// `TICKER|NAME` of the first appearance (made unique).
    id: String,
    ticker: String,
    name: String,
    sector: Option<String>,
    exchange: Exchange,
    /// Last appearance: file position, price, shares / fund scale there.
    last_file: usize,
    last_price: f64,
    last_scaled: f64,
}

/// A market built from holdings files, with what the import inferred.
#[derive(Debug)]
pub struct Imported {
    /// The market, one observation date per file.
    pub market: Market,
    /// One per file date, oldest first (see [`holdings_to_market`]).
    pub memberships: Vec<Membership>,
    /// Splits, renames and calendar events, window by window.
    pub report: ImportReport,
}

/// Builds a market and per-date memberships from holdings files of one fund
/// (any order; sorted by date here). See the module notes for what the
/// columns mean.
pub fn holdings_to_market(
    files: &[HoldingsFile],
) -> Result<(Market, Vec<Membership>), ImportError> {
    let i = import_files(files)?;
    Ok((i.market, i.memberships))
}

/// [`holdings_to_market`] with the import's report: per window between two
/// files, the calendar events it crosses, the splits inferred (with their
/// evidence) and the lines linked through a rename.
///
/// The phases: order and check the files (`check_files`), link each pair
/// of consecutive files ([`crate::link_lines`]), follow every line from
/// file to file (`Lines::follow`), then build the market and the
/// memberships.
pub fn import_files(files: &[HoldingsFile]) -> Result<Imported, ImportError> {
    let (order, index) = check_files(files)?;
    let cal = ReconCalendar::russell();
    let links: Vec<Links> = (1..order.len())
        .map(|k| link_lines_with(order[k - 1], order[k], &cal))
        .collect();
    // The fund scale: cumulative creations/redemptions, so shares / scale
    // is comparable across files.
    let mut scale = vec![1.0f64; order.len()];
    for k in 1..order.len() {
        scale[k] = scale[k - 1] * links[k - 1].fund_share_ratio().unwrap_or(1.0);
    }
    let mut lines = Lines::default();
    for k in 0..order.len() {
        lines.follow(&order, &links, &scale, k);
    }
    let report = ImportReport::new(&order, &links, &cal, index);
    let market = lines.build_market()?;
    let memberships = order
        .iter()
        .zip(&lines.per_file)
        .enumerate()
        .map(|(k, (f, held))| {
            membership_for(
                &market,
                index,
                f.as_of,
                held,
                k.checked_sub(1).map(|p| &lines.per_file[p]),
            )
        })
        .collect();
    Ok(Imported {
        market,
        memberships,
        report,
    })
}

/// The files in date order, all of one fund that tracks a known index, no
/// two on one date.
fn check_files(files: &[HoldingsFile]) -> Result<(Vec<&HoldingsFile>, IndexId), ImportError> {
    if files.is_empty() {
        return Err(ImportError::Combine("no holdings files given".into()));
    }
    let mut order: Vec<&HoldingsFile> = files.iter().collect();
    order.sort_by_key(|f| f.as_of);
    let fund = &order[0].fund;
    if let Some(f) = order.iter().find(|f| !f.fund.eq_ignore_ascii_case(fund)) {
        return Err(ImportError::Combine(format!(
            "files of two funds ({fund} and {}): share columns would switch basket; import one fund at a time",
            f.fund
        )));
    }
    let index = fund_index(fund).ok_or_else(|| {
        ImportError::Combine(format!(
            "fund '{fund}' tracks no index rankday knows (IWM, IWB, IWV, IWC, ...)"
        ))
    })?;
    if let Some(w) = order.windows(2).find(|w| w[0].as_of == w[1].as_of) {
        return Err(ImportError::Combine(format!(
            "two {fund} files dated {}",
            w[0].as_of
        )));
    }
    Ok((order, index))
}

/// The securities found so far and their rows.
#[derive(Default)]
struct Lines {
    lines: Vec<Line>,
    by_key: HashMap<(String, String), usize>,
    ids: HashSet<String>,
    rows: Vec<DailyRow>,
    actions: Vec<Action>,
    /// (sec, shares, price) of each file's valued lines.
    per_file: Vec<Vec<(Sec, f64, f64)>>,
    /// Security of each line of the previous file (by line index).
    prev_sec: Vec<Option<usize>>,
}

impl Lines {
    /// File `k`: each valued line continues the security it is linked to
    /// in file `k - 1`, else resumes one last seen earlier under the same
    /// (ticker, name), else starts a new one; a split read between the two
    /// appearances becomes a `split` action on file `k`'s date.
    fn follow(&mut self, order: &[&HoldingsFile], links: &[Links], scale: &[f64], k: usize) {
        let f = order[k];
        let from_prev: HashMap<usize, (usize, Option<f64>)> = match k {
            0 => HashMap::new(),
            _ => links[k - 1]
                .pairs
                .iter()
                .filter_map(|l| {
                    let li = self.prev_sec[l.a]?;
                    Some((l.b, (li, l.split.as_ref().map(|s| s.ratio))))
                })
                .collect(),
        };
        let mut taken: HashSet<usize> = from_prev.values().map(|v| v.0).collect();
        let mut this_sec: Vec<Option<usize>> = vec![None; f.holdings.len()];
        let mut held = Vec::with_capacity(f.holdings.len());
        for (j, h) in f.holdings.iter().enumerate() {
            if !h.is_valued() {
                continue;
            }
            let key = (h.ticker.clone(), h.name.clone());
            let scaled = h.shares / scale[k];
            let known = match from_prev.get(&j) {
                Some(&(li, split)) => Some((li, split)),
                // Resuming after an absence: the window's model reads the
                // split over the longer gap.
                None => self
                    .by_key
                    .get(&key)
                    .copied()
                    .filter(|&li| {
                        k >= 1 && self.lines[li].last_file < k - 1 && !taken.contains(&li)
                    })
                    .map(|li| {
                        let l = &self.lines[li];
                        let split = links[k - 1].model.and_then(|m| {
                            m.infer(
                                l.last_price,
                                l.last_scaled * scale[k - 1],
                                h.price,
                                h.shares,
                            )
                            .map(|s| s.ratio)
                        });
                        (li, split)
                    }),
            };
            let li = match known {
                Some((li, split)) => {
                    taken.insert(li);
                    if let Some(ratio) = split {
                        self.actions.push(Action {
                            ex_date: f.as_of,
                            sec: Sec(li as u32),
                            kind: ActionKind::Split,
                            ratio: Some(ratio),
                            amount: None,
                            other: None,
                            offering: None,
                        });
                    }
                    let l = &mut self.lines[li];
                    l.ticker = h.ticker.clone();
                    l.name = h.name.clone();
                    li
                }
                None => self.new_line(h, k),
            };
            self.by_key.insert(key, li);
            this_sec[j] = Some(li);
            let l = &mut self.lines[li];
            l.last_file = k;
            l.last_price = h.price;
            l.last_scaled = scaled;
            if h.sector.is_some() {
                l.sector = h.sector.clone();
            }
            l.exchange = map_exchange(h.exchange.as_deref());
            let sec = Sec(li as u32);
            self.rows.push(DailyRow {
                date: f.as_of,
                sec,
                close: h.price,
                volume: 0.0,
                shares_outstanding: h.shares,
                float_shares: h.shares,
            });
            held.push((sec, h.shares, h.price));
        }
        self.prev_sec = this_sec;
        self.per_file.push(held);
    }

    /// A new security for `h`, id `TICKER|NAME` made unique.
    fn new_line(&mut self, h: &crate::Holding, k: usize) -> usize {
        let base = format!("{}|{}", h.ticker, h.name);
        let mut id = base.clone();
        let mut n = 1;
        while self.ids.contains(&id) {
            n += 1;
            id = format!("{base}#{n}");
        }
        self.ids.insert(id.clone());
        self.lines.push(Line {
            id,
            ticker: h.ticker.clone(),
            name: h.name.clone(),
            sector: None,
            exchange: Exchange::Other,
            last_file: k,
            last_price: 0.0,
            last_scaled: 0.0,
        });
        self.lines.len() - 1
    }

    /// The sparse market of the rows and actions found.
    fn build_market(&mut self) -> Result<Market, ImportError> {
        let mut b = MarketBuilder::with_capacity(self.rows.len());
        for l in &self.lines {
            let mut s = Security::us_common(&l.id, &company_key(&l.name), &l.ticker);
            s.name = Some(l.name.clone());
            s.sector = l.sector.clone();
            s.exchange = l.exchange;
            s.country_incorporation = Country::US;
            s.country_headquarters = Country::US;
            s.country_exchange = Country::US;
            s.security_type = type_from_name(&l.name);
            b.add_security(s)?;
        }
        for r in self.rows.drain(..) {
            b.push_daily(r);
        }
        for a in self.actions.drain(..) {
            b.push_action(a);
        }
        // The files' dates are observation dates, not every trading day
        // (market-format.md, calendar paragraph).
        b.set_observations(Observations::Sparse);
        b.build().map_err(|e| ImportError::Core(e.into()))
    }
}

/// One file's basket as a membership of `index`: ranked by fund market
/// value, `index_shares` = fund shares; lines of the previous file that are
/// gone appear as `delete` rows. The first file has no reference, so its
/// rows are `stay`.
fn membership_for(
    market: &Market,
    index: IndexId,
    date: Date,
    held: &[(Sec, f64, f64)],
    prev: Option<&Vec<(Sec, f64, f64)>>,
) -> Membership {
    let mut sorted: Vec<&(Sec, f64, f64)> = held.iter().collect();
    sorted.sort_by(|a, b| (b.1 * b.2).total_cmp(&(a.1 * a.2)).then(a.0.cmp(&b.0)));
    let total: f64 = sorted.iter().map(|h| h.1 * h.2).sum();
    let before: std::collections::HashSet<Sec> = prev
        .map(|p| p.iter().map(|h| h.0).collect())
        .unwrap_or_default();
    let mut cum = 0.0;
    let mut rows: Vec<MemberRow> = sorted
        .iter()
        .enumerate()
        .map(|(i, &&(sec, shares, price))| {
            let cap = shares * price;
            cum += cap;
            MemberRow {
                sec,
                company: market.company_of(sec) as u32,
                rank: i as u32 + 1,
                total_market_cap: cap,
                float_market_cap: cap,
                cumulative_percentile: 100.0 * cum / total,
                indexes: IndexSet::from_iter([index]),
                change: if prev.is_none() || before.contains(&sec) {
                    Change::Stay
                } else {
                    Change::Add
                },
                index_shares: shares,
            }
        })
        .collect();
    if let Some(p) = prev {
        let now: std::collections::HashSet<Sec> = held.iter().map(|h| h.0).collect();
        for &(sec, _, _) in p.iter().filter(|h| !now.contains(&h.0)) {
            rows.push(MemberRow {
                sec,
                company: market.company_of(sec) as u32,
                rank: 0,
                total_market_cap: 0.0,
                float_market_cap: 0.0,
                cumulative_percentile: 0.0,
                indexes: IndexSet::EMPTY,
                change: Change::Delete,
                index_shares: 0.0,
            });
        }
    }
    Membership {
        kind: rankday_core::StateKind::Reconstitution,
        rank_date: date,
        effective_date: date,
        rows,
    }
}
