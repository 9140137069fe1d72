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
    /// The issuer's name as the file gives it.
    pub name: String,
    /// Sector, when the layout has it.
    pub sector: Option<String>,
    /// `Equity` for the lines kept (others are counted and left out).
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
    /// Security identifiers, where the layout has them (the 2021 table-only
    /// files carry `CUSIP, ISIN, SEDOL`).
    pub ids: Identifiers,
}

/// CUSIP, ISIN and SEDOL of a line, each when the file has it (placeholders
/// such as `-` read as absent). Two lines with one of them equal are the
/// same security, whatever their tickers and names
/// ([`crate::links::link_lines`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identifiers {
    /// Nine-character CUSIP.
    pub cusip: Option<String>,
    /// Twelve-character ISIN.
    pub isin: Option<String>,
    /// Seven-character SEDOL.
    pub sedol: Option<String>,
}

impl Identifiers {
    /// The identifiers present, each with its kind (`"CUSIP"`, ...).
    pub fn present(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("CUSIP", self.cusip.as_deref()),
            ("ISIN", self.isin.as_deref()),
            ("SEDOL", self.sedol.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }
}

impl Holding {
    /// The line's identity within a file, and the first test for "same
    /// line" between files: (ticker, name). Tickers alone are not enough:
    /// one ticker can carry a stock and its CVR (`ADRO`), and iShares
    /// tickers get recycled. Renames and ticker changes are linked beyond
    /// this key by [`crate::links::link_lines`].
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
    /// The iShares website's export: a preamble, then the table.
    Export,
    /// The table alone, with identifier columns (the 2021 files).
    TableOnly,
    /// A dbt seed: the table with snake_case headers.
    DbtSeed,
}

/// A parsed holdings file: equities only, placeholder tickers dropped,
/// repeated (ticker, name) lines merged.
#[derive(Clone, Debug, PartialEq)]
pub struct HoldingsFile {
    /// Fund ticker: `IWM`, `IWV`, `IWB`, `IWC`, ... (from the file name
    /// prefix, else from the preamble's fund name, else the override).
    pub fund: String,
    /// The holdings' date.
    pub as_of: Date,
    /// The equity lines.
    pub holdings: Vec<Holding>,
    /// The layout read.
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
    cusip: Option<usize>,
    isin: Option<usize>,
    sedol: Option<usize>,
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
            cusip: pos(&["cusip"]),
            isin: pos(&["isin"]),
            sedol: pos(&["sedol"]),
            names,
        })
    }

    /// The last column a data row must reach.
    fn last_required(&self) -> usize {
        [
            self.ticker,
            self.name,
            self.market_value,
            self.weight,
            self.shares,
            self.price,
        ]
        .into_iter()
        .chain(self.asset_class)
        .max()
        .unwrap_or(0)
    }
}

/// Parses holdings text; `source` names the file in errors and supplies the
/// fund and date when the text does not.
///
/// The phases, in order: find the table (`find_table`), read what the
/// preamble says (`read_preamble`), read the header and name the layout
/// (`read_header`), settle the fund and the as-of date (`fund_of`,
/// `as_of_date`), then read the rows (`read_rows`).
pub fn parse_holdings(
    text: &str,
    source: &Path,
    opts: &ReadOptions,
) -> Result<HoldingsFile, ImportError> {
    let lines: Vec<&str> = text.lines().collect();
    let table = find_table(&lines, source)?;
    let preamble = read_preamble(&lines[..table.header_at], source)?;
    let body = lines[table.header_at..table.end].join("\n");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut records = rdr.records();
    let (cols, layout) = read_header(&mut records, &table, &preamble, source)?;
    let mut out = HoldingsFile {
        fund: fund_of(source, opts, &preamble),
        as_of: as_of_date(source, opts, &preamble)?,
        holdings: Vec::new(),
        layout,
        non_equity_lines: 0,
        placeholder_tickers: 0,
        merged_duplicates: 0,
    };
    read_rows(records, &cols, table.header_at as u64, source, &mut out)?;
    Ok(out)
}

/// Where the table sits: its header line and the line after its last row
/// (0-based line indexes).
struct TableSpan {
    header_at: usize,
    end: usize,
}

/// The header is the first line whose first field is `Ticker`; the table
/// ends at the first blank line after it (what follows is the legal footer).
fn find_table(lines: &[&str], source: &Path) -> Result<TableSpan, ImportError> {
    let header_at = lines
        .iter()
        // A CSV reader per line is costly: only lines that say "ticker"
        // are parsed (a file without a header is scanned to its end).
        .position(|l| {
            l.to_ascii_lowercase().contains("ticker")
                && first_fields(l).0.eq_ignore_ascii_case("ticker")
        })
        .ok_or_else(|| ImportError::Layout {
            file: source.to_path_buf(),
            message: "no table header (a line starting with 'Ticker') found".into(),
        })?;
    let end = lines[header_at + 1..]
        .iter()
        .position(|l| is_blank_line(l))
        .map_or(lines.len(), |p| header_at + 1 + p);
    Ok(TableSpan { header_at, end })
}

/// What the export preamble says: the as-of date and the fund's title.
#[derive(Default)]
struct Preamble {
    date: Option<Date>,
    title: Option<String>,
}

fn read_preamble(lines: &[&str], source: &Path) -> Result<Preamble, ImportError> {
    let mut p = Preamble::default();
    for (i, l) in lines.iter().enumerate() {
        // As in `find_table`: a CSV reader per line is costly, so only the
        // lines that can hold one of the two keys are parsed.
        let lower = l.to_ascii_lowercase();
        if !lower.contains("fund holdings as of") && !lower.contains("ishares") {
            continue;
        }
        let (k, v) = first_fields(l);
        if k.to_ascii_lowercase().starts_with("fund holdings as of") {
            let v = v.unwrap_or_default();
            p.date = Some(parse_loose_date(&v).ok_or_else(|| ImportError::Cell {
                file: source.to_path_buf(),
                line: i as u64 + 1,
                column: 2,
                column_name: "Fund Holdings as of".into(),
                message: format!("'{v}' is not a date"),
            })?);
        } else if p.title.is_none() && k.to_ascii_lowercase().starts_with("ishares") {
            p.title = Some(k);
        }
    }
    Ok(p)
}

/// The header row's columns and the layout they (with the preamble) show.
fn read_header(
    records: &mut csv::StringRecordsIter<'_, &[u8]>,
    table: &TableSpan,
    preamble: &Preamble,
    source: &Path,
) -> Result<(Columns, Layout), ImportError> {
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(ImportError::Row {
                file: source.to_path_buf(),
                line: table.header_at as u64 + 1,
                message: e.to_string(),
            })
        }
        None => unreachable!("the header line is in the table"),
    };
    let cols = Columns::find(&header, source)?;
    let layout = if cols.names.iter().any(|n| n.contains('_')) {
        Layout::DbtSeed
    } else if preamble.date.is_some() || table.header_at > 0 {
        Layout::Export
    } else {
        Layout::TableOnly
    };
    Ok((cols, layout))
}

/// The fund: the override, else the file name's prefix, else the
/// preamble's title, else `UNKNOWN`.
fn fund_of(source: &Path, opts: &ReadOptions, preamble: &Preamble) -> String {
    opts.fund
        .clone()
        .or_else(|| {
            source
                .file_name()
                .and_then(|n| fund_from_file_name(&n.to_string_lossy()))
        })
        .or_else(|| {
            preamble
                .title
                .as_deref()
                .and_then(fund_from_title)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "UNKNOWN".to_string())
}

/// The as-of date: the override, else the preamble's, else the file name's.
fn as_of_date(source: &Path, opts: &ReadOptions, preamble: &Preamble) -> Result<Date, ImportError> {
    opts.as_of
        .or(preamble.date)
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
        .ok_or_else(|| ImportError::NoDate {
            file: source.to_path_buf(),
        })
}

/// Reads the data rows into `out`: blank rows skipped, non-equity lines
/// and placeholder tickers counted and left out, repeated (ticker, name)
/// lines merged. `header_at` is the 0-based line of the header, so a
/// record's line in the table maps back to the file's.
fn read_rows(
    records: csv::StringRecordsIter<'_, &[u8]>,
    cols: &Columns,
    header_at: u64,
    source: &Path,
    out: &mut HoldingsFile,
) -> Result<(), ImportError> {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let needed = cols.last_required();
    for rec in records {
        let rec = rec.map_err(|e| ImportError::Row {
            file: source.to_path_buf(),
            line: header_at + e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let line = header_at + rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|f| clean(f).is_empty()) {
            continue;
        }
        if rec.len() <= needed {
            return Err(ImportError::Row {
                file: source.to_path_buf(),
                line,
                message: format!(
                    "{} fields, but the header has {} columns",
                    rec.len(),
                    cols.names.len()
                ),
            });
        }
        let get = |i: usize| clean(rec.get(i).unwrap_or(""));
        let asset_class = cols.asset_class.map_or("Equity", get);
        if !asset_class.eq_ignore_ascii_case("equity") {
            out.non_equity_lines += 1;
            continue;
        }
        if get(cols.ticker).chars().all(|c| c == '-') {
            out.placeholder_tickers += 1;
            continue;
        }
        let h = parse_row(&rec, cols, line, source)?;
        merge_or_push(out, &mut seen, h);
    }
    Ok(())
}

/// One equity row as a [`Holding`]; a cell that is not a number is an
/// error naming the file, line and column.
fn parse_row(
    rec: &csv::StringRecord,
    cols: &Columns,
    line: u64,
    source: &Path,
) -> Result<Holding, ImportError> {
    let get = |i: usize| clean(rec.get(i).unwrap_or(""));
    let num = |i: usize| -> Result<f64, ImportError> {
        parse_number(get(i))
            .map(|v| v.unwrap_or(f64::NAN))
            .map_err(|()| ImportError::Cell {
                file: source.to_path_buf(),
                line,
                column: i + 1,
                column_name: cols.names[i].clone(),
                message: format!("'{}' is not a number", get(i)),
            })
    };
    let opt_text = |i: Option<usize>| {
        i.map(get)
            .filter(|s| !s.is_empty() && s.chars().any(|c| c != '-'))
            .map(str::to_string)
    };
    Ok(Holding {
        ticker: get(cols.ticker).to_string(),
        name: get(cols.name).to_string(),
        sector: opt_text(cols.sector),
        asset_class: cols.asset_class.map_or("Equity", get).to_string(),
        market_value: num(cols.market_value)?,
        weight_pct: num(cols.weight)?,
        shares: num(cols.shares)?,
        price: num(cols.price)?,
        exchange: opt_text(cols.exchange),
        ids: Identifiers {
            cusip: opt_text(cols.cusip),
            isin: opt_text(cols.isin),
            sedol: opt_text(cols.sedol),
        },
    })
}

/// The same line split in two (lots held in different accounts) is one
/// position: quantities add up and the price stays.
fn merge_or_push(out: &mut HoldingsFile, seen: &mut HashMap<(String, String), usize>, h: Holding) {
    match seen.get(&(h.ticker.clone(), h.name.clone())) {
        Some(&k) => {
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
