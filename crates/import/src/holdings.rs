//! iShares "Detailed Holdings" files in their three layouts, auto-detected.
//!
//! 1. **Export**: the file as BlackRock serves it: a preamble (`iShares
//!    Russell 2000 ETF`, `Fund Holdings as of,"May 13, 2025"`, ...), a blank
//!    line (sometimes a non-breaking space), the table, a blank line and a
//!    legal footer. UTF-8 with BOM; everything quoted, thousands separators.
//! 2. **Table only**: the same table with preamble (and sometimes footer)
//!    stripped; possibly unquoted, possibly with extra `CUSIP, ISIN, SEDOL`
//!    columns, possibly trailing `,,,,` rows.
//! 3. **dbt seed**: header with underscores (`Asset_Class`, `Market_Value`),
//!    equity rows only.
//!
//! The table is located by its header (the first line whose first field is
//! `Ticker`), not by position, so any preamble length works. Columns are
//! found by name, so column order and extra columns do not matter. The
//! table ends at the first blank line: what follows is the legal footer.

use std::collections::HashMap;
use std::path::Path;

use rankday_core::Date;

use crate::error::ImportError;
use crate::text::{clean, date_in_file_name, parse_loose_date, parse_number, NameDate};

/// One equity line of a fund.
#[derive(Clone, Debug, PartialEq)]
pub struct Holding {
    /// iShares ticker (`BRKB`, `MOGA`: not always the exchange symbol).
    pub ticker: String,
    pub name: String,
    pub sector: Option<String>,
    pub asset_class: String,
    /// USD; NaN where the file has a placeholder (`-`).
    pub market_value: f64,
    /// Percent of fund net assets (0.64 = 0.64%); NaN for a placeholder.
    pub weight_pct: f64,
    /// Shares the fund holds (column `Shares`, renamed `Quantity` in 2025).
    pub shares: f64,
    /// The fund's valuation price of the as-of date (normally the primary close).
    pub price: f64,
    /// The file's Exchange column verbatim (`NASDAQ`, `New York Stock Exchange Inc.`, ...).
    pub exchange: Option<String>,
}

impl Holding {
    /// The line's identity within a file, and the first test for "same
    /// line" between files: (ticker, name). Tickers alone are not enough:
    /// one ticker can carry a stock and its CVR (`ADRO`), and iShares
    /// tickers get recycled. Renames and ticker changes are linked beyond
    /// this key by [`crate::split::link_lines`].
    pub fn key(&self) -> (&str, &str) {
        (&self.ticker, &self.name)
    }
    /// True when price and shares are both positive numbers, i.e. the line
    /// can be valued.
    pub fn is_valued(&self) -> bool {
        self.price > 0.0 && self.shares > 0.0
    }
}

/// Which of the three layouts a file had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Export,
    TableOnly,
    DbtSeed,
}

/// A parsed holdings file: equities only, placeholder tickers dropped,
/// repeated (ticker, name) lines merged.
#[derive(Clone, Debug, PartialEq)]
pub struct HoldingsFile {
    /// Fund ticker: `IWM`, `IWV`, `IWB`, `IWC`, ... (from the file name
    /// prefix, else from the preamble's fund name, else the override).
    pub fund: String,
    pub as_of: Date,
    pub holdings: Vec<Holding>,
    pub layout: Layout,
    /// Non-equity lines left out (cash, money market, futures).
    pub non_equity_lines: usize,
    /// Equity lines left out for a placeholder ticker (`-`, `--`).
    pub placeholder_tickers: usize,
    /// Equity lines merged into an earlier line with the same (ticker, name).
    pub merged_duplicates: usize,
}

impl HoldingsFile {
    /// Sum of market values of the equity lines (the fund's equity assets).
    pub fn equity_value(&self) -> f64 {
        self.holdings
            .iter()
            .map(|h| h.market_value)
            .filter(|v| v.is_finite())
            .sum()
    }
}

/// Overrides for what the file itself says.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Use this as-of date instead of the preamble's or the file name's
    /// (for undated copies, e.g. `IWM_2025-11-11_inferred.csv`).
    pub as_of: Option<Date>,
    /// Use this fund ticker instead of the file name's prefix.
    pub fund: Option<String>,
}

/// Reads one holdings file, detecting its layout.
pub fn read_holdings(path: &Path) -> Result<HoldingsFile, ImportError> {
    read_holdings_with(path, &ReadOptions::default())
}

/// [`read_holdings`] with overrides.
pub fn read_holdings_with(path: &Path, opts: &ReadOptions) -> Result<HoldingsFile, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(path, e))?;
    // Excel re-saves may not be UTF-8; the numeric and ticker columns are ASCII,
    // so a lossy decode loses at most an accent in a name.
    let text = String::from_utf8_lossy(&bytes);
    parse_holdings(&text, path, opts)
}

/// Fund ticker from an iShares fund name in the preamble.
pub fn fund_from_title(title: &str) -> Option<&'static str> {
    let t = title.to_ascii_lowercase();
    let style = |base: &'static str, value: &'static str, growth: &'static str| {
        if t.contains("value") {
            value
        } else if t.contains("growth") {
            growth
        } else {
            base
        }
    };
    if t.contains("russell 2000") {
        Some(style("IWM", "IWN", "IWO"))
    } else if t.contains("russell 1000") {
        Some(style("IWB", "IWD", "IWF"))
    } else if t.contains("russell 3000") {
        Some("IWV")
    } else if t.contains("micro-cap") || t.contains("microcap") {
        Some("IWC")
    } else if t.contains("mid-cap") || t.contains("midcap") {
        Some(style("IWR", "IWS", "IWP"))
    } else if t.contains("top 200") {
        Some(style("IWL", "IWX", "IWY"))
    } else {
        None
    }
}

/// Fund ticker from a file name: the leading letters before `_` or `-`
/// (`IWM_2025-11-05.csv` -> `IWM`), when 2 to 5 letters long.
fn fund_from_file_name(name: &str) -> Option<String> {
    let prefix: String = name
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let next = name[prefix.len()..].chars().next();
    ((2..=5).contains(&prefix.len()) && matches!(next, Some('_') | Some('-')))
        .then(|| prefix.to_ascii_uppercase())
}

/// First field of a CSV line, unquoted and cleaned, and the second if any.
fn first_fields(line: &str) -> (String, Option<String>) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => (
            clean(rec.get(0).unwrap_or("")).to_string(),
            rec.get(1).map(|s| clean(s).to_string()),
        ),
        _ => (clean(line).to_string(), None),
    }
}

/// A line with nothing but separators, quotes and blanks (incl. NBSP).
fn is_blank_line(line: &str) -> bool {
    line.chars()
        .all(|c| c.is_whitespace() || matches!(c, ',' | '"' | '\u{feff}' | '\u{a0}'))
}

/// Column positions, found by normalised header name.
struct Columns {
    ticker: usize,
    name: usize,
    sector: Option<usize>,
    asset_class: Option<usize>,
    market_value: usize,
    weight: usize,
    shares: usize,
    price: usize,
    exchange: Option<usize>,
    names: Vec<String>,
}

fn normalise(h: &str) -> String {
    clean(h).replace('_', " ").to_ascii_lowercase()
}

impl Columns {
    fn find(header: &csv::StringRecord, file: &Path) -> Result<Columns, ImportError> {
        let names: Vec<String> = header.iter().map(|h| clean(h).to_string()).collect();
        let norm: Vec<String> = header.iter().map(normalise).collect();
        let pos = |cands: &[&str]| norm.iter().position(|n| cands.iter().any(|c| n == c));
        let need = |what: &str, cands: &[&str]| {
            pos(cands).ok_or_else(|| ImportError::Layout {
                file: file.to_path_buf(),
                message: format!(
                    "header has no {what} column (looked for {}; found {})",
                    cands.join(", "),
                    names.join(", ")
                ),
            })
        };
        Ok(Columns {
            ticker: need("ticker", &["ticker"])?,
            name: need("name", &["name"])?,
            sector: pos(&["sector"]),
            asset_class: pos(&["asset class"]),
            market_value: need("market value", &["market value", "market value (usd)"])?,
            weight: need("weight", &["weight (%)", "weight"])?,
            shares: need("shares/quantity", &["shares", "quantity"])?,
            price: need("price", &["price"])?,
            exchange: pos(&["exchange"]),
            names,
        })
    }
}

/// Parses holdings text; `source` names the file in errors and supplies the
/// fund and date when the text does not.
pub fn parse_holdings(
    text: &str,
    source: &Path,
    opts: &ReadOptions,
) -> Result<HoldingsFile, ImportError> {
    let file = source.to_path_buf();
    let lines: Vec<&str> = text.lines().collect();
    let header_at = lines
        .iter()
        .position(|l| first_fields(l).0.eq_ignore_ascii_case("ticker"))
        .ok_or_else(|| ImportError::Layout {
            file: file.clone(),
            message: "no table header (a line starting with 'Ticker') found".into(),
        })?;

    // Preamble: the as-of line and the fund title.
    let mut preamble_date = None;
    let mut title = None;
    for (i, l) in lines[..header_at].iter().enumerate() {
        let (k, v) = first_fields(l);
        if k.to_ascii_lowercase().starts_with("fund holdings as of") {
            let v = v.unwrap_or_default();
            preamble_date = Some(parse_loose_date(&v).ok_or_else(|| ImportError::Cell {
                file: file.clone(),
                line: i as u64 + 1,
                column: 2,
                column_name: "Fund Holdings as of".into(),
                message: format!("'{v}' is not a date"),
            })?);
        } else if title.is_none() && k.to_ascii_lowercase().starts_with("ishares") {
            title = Some(k);
        }
    }

    let end = lines[header_at + 1..]
        .iter()
        .position(|l| is_blank_line(l))
        .map_or(lines.len(), |p| header_at + 1 + p);
    let table = lines[header_at..end].join("\n");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(table.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(ImportError::Row {
                file,
                line: header_at as u64 + 1,
                message: e.to_string(),
            })
        }
        None => unreachable!("the header line is in the table"),
    };
    let cols = Columns::find(&header, source)?;
    let layout = if cols.names.iter().any(|n| n.contains('_')) {
        Layout::DbtSeed
    } else if preamble_date.is_some() || header_at > 0 {
        Layout::Export
    } else {
        Layout::TableOnly
    };

    let fund = opts
        .fund
        .clone()
        .or_else(|| {
            source
                .file_name()
                .and_then(|n| fund_from_file_name(&n.to_string_lossy()))
        })
        .or_else(|| {
            title
                .as_deref()
                .and_then(fund_from_title)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "UNKNOWN".to_string());
    let as_of = opts
        .as_of
        .or(preamble_date)
        .or_else(|| {
            source
                .file_name()
                // A timestamped name is a scraper's download time: same
                // rule as the daily snapshots (`crate::snapshot_date`).
                .and_then(|n| match date_in_file_name(&n.to_string_lossy())? {
                    NameDate::Day(d) => Some(d),
                    NameDate::Timestamp { date, hour, .. } => {
                        Some(crate::snapshot::snapshot_date(date, hour))
                    }
                })
        })
        .ok_or_else(|| ImportError::NoDate { file: file.clone() })?;

    let mut out = HoldingsFile {
        fund,
        as_of,
        holdings: Vec::new(),
        layout,
        non_equity_lines: 0,
        placeholder_tickers: 0,
        merged_duplicates: 0,
    };
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let needed = [
        cols.ticker,
        cols.name,
        cols.market_value,
        cols.weight,
        cols.shares,
        cols.price,
    ]
    .into_iter()
    .chain(cols.asset_class)
    .max()
    .unwrap_or(0);
    for rec in records {
        let rec = rec.map_err(|e| ImportError::Row {
            file: file.clone(),
            line: header_at as u64 + e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let line = header_at as u64 + rec.position().map_or(0, |p| p.line());
        let get = |i: usize| clean(rec.get(i).unwrap_or(""));
        let ticker = get(cols.ticker);
        if ticker.is_empty() && rec.iter().all(|f| clean(f).is_empty()) {
            continue;
        }
        if rec.len() <= needed {
            return Err(ImportError::Row {
                file,
                line,
                message: format!(
                    "{} fields, but the header has {} columns",
                    rec.len(),
                    cols.names.len()
                ),
            });
        }
        let asset_class = cols.asset_class.map_or("Equity", get);
        if !asset_class.eq_ignore_ascii_case("equity") {
            out.non_equity_lines += 1;
            continue;
        }
        if ticker.chars().all(|c| c == '-') {
            out.placeholder_tickers += 1;
            continue;
        }
        let num = |i: usize| -> Result<f64, ImportError> {
            parse_number(get(i))
                .map(|v| v.unwrap_or(f64::NAN))
                .map_err(|()| ImportError::Cell {
                    file: file.clone(),
                    line,
                    column: i + 1,
                    column_name: cols.names[i].clone(),
                    message: format!("'{}' is not a number", get(i)),
                })
        };
        let opt_text = |i: Option<usize>| {
            i.map(get)
                .filter(|s| !s.is_empty() && *s != "-")
                .map(str::to_string)
        };
        let h = Holding {
            ticker: ticker.to_string(),
            name: get(cols.name).to_string(),
            sector: opt_text(cols.sector),
            asset_class: asset_class.to_string(),
            market_value: num(cols.market_value)?,
            weight_pct: num(cols.weight)?,
            shares: num(cols.shares)?,
            price: num(cols.price)?,
            exchange: opt_text(cols.exchange),
        };
        match seen.get(&(h.ticker.clone(), h.name.clone())) {
            Some(&k) => {
                // The same line split in two (lots held in different accounts):
                // one position, so quantities add up and the price stays.
                let first = &mut out.holdings[k];
                first.shares += h.shares;
                first.market_value += h.market_value;
                first.weight_pct += h.weight_pct;
                out.merged_duplicates += 1;
            }
            None => {
                seen.insert((h.ticker.clone(), h.name.clone()), out.holdings.len());
                out.holdings.push(h);
            }
        }
    }
    Ok(out)
}
