//! CRSP exports (CSV with CRSP's column names, as WRDS serves them) to a
//! market-format-1 market, in both layouts researchers hold:
//!
//! - **legacy** (CRSP 1.0, "SIZ"): the daily stock file `DSF` (`PERMNO`,
//!   `DATE`, `PRC` negative when it is the bid/ask average, `VOL`, `SHROUT`
//!   in thousands), the name history `DSENAMES`/`MSENAMES` (`NAMEDT`,
//!   `NAMEENDT`, `SHRCD`, `EXCHCD`, `TICKER`, `COMNAM`, `PERMCO`), the
//!   distributions `DSEDIST` (`DISTCD`, `DIVAMT`, `FACPR`, `FACSHR`, `EXDT`,
//!   `ACPERM`), the delistings `DSEDELIST` (`DLSTDT`, `DLSTCD`, `NWPERM`,
//!   `DLPRC`) and the share history (`SHROUT`, `SHRSDT`, `SHRENDDT`);
//! - **CIZ** (CRSP 2.0, WRDS's current tables): `StkDlySecurityData`
//!   (`PERMNO`, `DlyCalDt`, `DlyPrc`, `DlyVol`, `ShrOut`),
//!   `StkSecurityInfoHist` (`SecInfoStartDt`, `SecInfoEndDt`, `PERMCO`,
//!   `Ticker`, `IssuerNm`, `PrimaryExch`, `ShareType`, `SecuritySubType`,
//!   `USIncFlg`, `IssuerType`), `StkDistributions` (`DisExDt`, `DisType`,
//!   `DisOrdinaryFlg`, `DisDivAmt`, `DisFacPr`, `DisFacShr`, `DisPERMNO`),
//!   `StkDelists` (`DelistingDt`, `DelPERMNO`, `DelNextPrc`) and
//!   `StkShares` (`ShrStartDt`, `ShrEndDt`, `ShrOut`).
//!
//! The layout of each file is read from its header. The mapping, column by
//! column and code by code, with the CRSP documents it follows, is
//! `docs/crsp.md`; in short:
//!
//! - `security_id` = PERMNO, `company_id` = PERMCO, ticker and name from the
//!   last name record; exchange and security type from `EXCHCD`/`SHRCD`
//!   (`PrimaryExch`/`SecuritySubType`...).
//! - `close` = |PRC| (a negative legacy price is the bid/ask average and is
//!   counted in the report); a day without a price is no row. `volume` =
//!   VOL; `shares_outstanding` = SHROUT × 1,000 (or the share history where
//!   given); `float_shares` = shares outstanding: CRSP carries no float.
//! - distributions: ordinary cash dividends (`DISTCD` 1xxx, `DisType` CD
//!   ordinary) → `cash_dividend`; extra or special ones and liquidating
//!   payments → `special_dividend`; splits and stock dividends (5xxx, FRS)
//!   → `split` with ratio 1 + FACSHR; a distribution of another security on
//!   file that does not retire the line (FACPR > −1) → `spin_off`, child
//!   shares per parent share = DIVAMT ÷ the child's close on the ex-date;
//!   notations of issuance (6xxx) → `share_change`.
//! - delistings: a merger or exchange (`DLSTCD` 2xx/3xx, or a CIZ delisting
//!   into `DelPERMNO`) → `acquisition`: the cash per share is the DIVAMT of
//!   the exchange distributions (FACPR = −1) paid in cash, the acquirer
//!   shares per share the value of those paid in the acquirer's stock ÷ its
//!   close on the ex-date; any other delisting → `delisting` at DLPRC
//!   (`DelNextPrc`) when known.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rankday_calendar::TradingCalendar;
use rankday_core::{
    Action, ActionKind, Country, DailyRow, Date, Exchange, Market, MarketBuilder, Sec, Security,
    SecurityType,
};
use rankday_io::{FileFormat, OutputDir};

use crate::error::ImportError;
use crate::sheet::{Rec, Sheet};

/// Which CRSP layout a file has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrspLayout {
    /// CRSP 1.0 / SIZ names (`PERMNO, DATE, PRC, ...`).
    Legacy,
    /// CRSP 2.0 / CIZ names (`PERMNO, DlyCalDt, DlyPrc, ...`).
    Ciz,
}

/// The files of one export.
#[derive(Clone, Debug)]
pub struct CrspFiles {
    /// Daily prices, volumes and shares.
    pub daily: PathBuf,
    /// Names and identifiers over time.
    pub names: PathBuf,
    /// Distributions (dividends, splits, spin-offs, acquisitions).
    pub dist: PathBuf,
    /// Shares outstanding observations, when separate from the daily file.
    pub shares: Option<PathBuf>,
    /// Delisting returns and prices, when given.
    pub delist: Option<PathBuf>,
}

/// What an import read, for the command's report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CrspReport {
    /// The layout detected from the headers.
    pub layout: Option<CrspLayout>,
    /// Daily records read.
    pub rows: usize,
    /// Legacy prices given as the bid/ask average (negative PRC).
    pub bid_ask_prices: usize,
    /// Daily records without a price (no trade that day): left out.
    pub no_price: usize,
    /// Distributions rankday has no action for (rights, announcements),
    /// by code.
    pub ignored: BTreeMap<String, usize>,
}

/// The market of a CRSP export, and what the import saw.
#[derive(Debug)]
pub struct CrspImport {
    /// The market.
    pub market: Market,
    /// What the import saw.
    pub report: CrspReport,
}

/// Reads an export (see the module notes) into a full market.
pub fn read_crsp(files: &CrspFiles) -> Result<CrspImport, ImportError> {
    let layout = detect(&files.daily)?;
    for p in [
        Some(&files.names),
        Some(&files.dist),
        files.shares.as_ref(),
        files.delist.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        let other = detect_any(p)?;
        if other != layout {
            return Err(ImportError::Layout {
                file: p.clone(),
                message: format!(
                    "{other:?} column names, but the daily file {} has {layout:?} ones: give one export's files",
                    files.daily.display()
                ),
            });
        }
    }
    let mut report = CrspReport {
        layout: Some(layout),
        ..CrspReport::default()
    };
    let names = read_names(&files.names, layout)?;
    let dists = read_dists(&files.dist, layout)?;
    let delists = match &files.delist {
        Some(p) => read_delists(p, layout)?,
        None => Vec::new(),
    };
    let shares = match &files.shares {
        Some(p) => Some(read_shares(p, layout)?),
        None => None,
    };
    let mut b = MarketBuilder::new();
    let mut sec_of: HashMap<i64, Sec> = HashMap::new();
    for (permno, n) in &names {
        let sec = b.add_security(n.security(*permno))?;
        sec_of.insert(*permno, sec);
    }
    // The closes the actions need (counterparties on ex-dates), kept while
    // the daily file streams by.
    let mut wanted: HashMap<(i64, Date), Option<f64>> = HashMap::new();
    for d in &dists {
        if let Some(other) = d.other.filter(|&o| o != d.permno) {
            wanted.insert((other, d.ex_date), None);
        }
    }
    read_daily(
        &files.daily,
        layout,
        &sec_of,
        shares.as_ref(),
        &mut wanted,
        &mut b,
        &mut report,
    )?;
    for a in actions(&dists, &delists, &sec_of, &wanted, &mut report)? {
        b.push_action(a);
    }
    let market = b.build().map_err(|e| ImportError::Core(e.into()))?;
    Ok(CrspImport { market, report })
}

/// [`read_crsp`], then the market written to `out`.
pub fn import_crsp(
    files: &CrspFiles,
    out: &Path,
    format: FileFormat,
) -> Result<CrspImport, ImportError> {
    let i = read_crsp(files)?;
    let mut o = OutputDir::stage(out)?;
    o.write_market(None, &i.market, format)?;
    o.publish()?;
    Ok(i)
}

fn detect(path: &Path) -> Result<CrspLayout, ImportError> {
    let s = Sheet::open(path)?;
    if s.col(&["dlycaldt"]).is_some() {
        Ok(CrspLayout::Ciz)
    } else if s.col(&["date"]).is_some() && s.col(&["prc"]).is_some() {
        Ok(CrspLayout::Legacy)
    } else {
        Err(ImportError::Layout {
            file: path.to_path_buf(),
            message: format!(
                "neither CRSP layout: a legacy daily file has PERMNO, DATE, PRC, VOL, SHROUT; a CIZ one PERMNO, DlyCalDt, DlyPrc, DlyVol, ShrOut (the header has {:?})",
                s.names
            ),
        })
    }
}

/// The layout of a non-daily file: CIZ names are the mixed-case ones with
/// a table prefix (`SecInfoStartDt`, `DisExDt`, `DelistingDt`, `ShrStartDt`).
fn detect_any(path: &Path) -> Result<CrspLayout, ImportError> {
    let s = Sheet::open(path)?;
    let ciz = [
        "secinfostartdt",
        "disexdt",
        "delistingdt",
        "shrstartdt",
        "dlycaldt",
    ];
    Ok(if ciz.iter().any(|c| s.col(&[c]).is_some()) {
        CrspLayout::Ciz
    } else {
        CrspLayout::Legacy
    })
}

/// The last name record of a security.
#[derive(Clone, Debug)]
struct Name {
    permco: String,
    ticker: String,
    name: Option<String>,
    exchange: Exchange,
    security_type: SecurityType,
    us_incorporated: bool,
    end: Option<Date>,
}

impl Name {
    fn security(&self, permno: i64) -> Security {
        let mut s = Security::us_common(&permno.to_string(), &self.permco, &self.ticker);
        s.name = self.name.clone();
        s.exchange = self.exchange;
        s.security_type = self.security_type;
        if !self.us_incorporated {
            // Only "not US" is known: ISO 3166's user-assigned XX.
            s.country_incorporation = Country(*b"XX");
        }
        s
    }
}

fn permno(r: &Rec<'_>, c: usize) -> Result<i64, ImportError> {
    let v = r.need_num(c)?;
    if v.fract() != 0.0 || v <= 0.0 {
        return Err(r.err(c, format!("'{}' is not a PERMNO", r.text(c))));
    }
    Ok(v as i64)
}

/// Legacy `EXCHCD` (1 NYSE, 2 NYSE American, 3 Nasdaq, 4 Arca; 31-34 the
/// same exchanges when issued).
fn exchange_of_exchcd(code: i64) -> Exchange {
    match code {
        1 | 31 => Exchange::Nyse,
        2 | 32 => Exchange::NyseAmerican,
        3 | 33 => Exchange::Nasdaq,
        4 | 34 => Exchange::NyseArca,
        _ => Exchange::Other,
    }
}

/// CIZ `PrimaryExch` (N NYSE, A NYSE American, Q Nasdaq, R Arca, B Cboe BZX).
fn exchange_of_primaryexch(code: &str) -> Exchange {
    match code {
        "N" => Exchange::Nyse,
        "A" => Exchange::NyseAmerican,
        "Q" => Exchange::Nasdaq,
        "R" => Exchange::NyseArca,
        "B" => Exchange::Cboe,
        _ => Exchange::Other,
    }
}

/// Legacy `SHRCD`: first digit 1 ordinary common shares (second digit 2
/// incorporated outside the US, 4 and 5 closed-end funds, 8 REITs), 3
/// ADRs, 7 units (73: exchange-traded funds). Returns (type, US incorporated).
fn type_of_shrcd(code: i64) -> (SecurityType, bool) {
    match (code / 10, code % 10) {
        (1, 2) => (SecurityType::Common, false),
        (1, 4) | (1, 5) => (SecurityType::Cef, code % 10 == 4),
        (1, 8) => (SecurityType::Reit, true),
        (1, _) => (SecurityType::Common, true),
        (3, _) => (SecurityType::Adr, false),
        (7, 3) => (SecurityType::Etf, true),
        (7, _) => (SecurityType::Unit, true),
        _ => (SecurityType::Other, true),
    }
}

/// CIZ security classification (`ShareType` AD = ADR; `SecuritySubType`
/// COM, ETF, CEF; `IssuerType` REIT).
fn type_of_ciz(share_type: &str, sub_type: &str, issuer_type: &str) -> SecurityType {
    if share_type == "AD" {
        SecurityType::Adr
    } else {
        match sub_type {
            "ETF" => SecurityType::Etf,
            "CEF" => SecurityType::Cef,
            "COM" if issuer_type == "REIT" => SecurityType::Reit,
            "COM" | "" => SecurityType::Common,
            _ => SecurityType::Other,
        }
    }
}

fn read_names(path: &Path, layout: CrspLayout) -> Result<BTreeMap<i64, Name>, ImportError> {
    let s = Sheet::open(path)?;
    let c_perm = s.need("PERMNO", &["permno"])?;
    let mut out: BTreeMap<i64, Name> = BTreeMap::new();
    match layout {
        CrspLayout::Legacy => {
            let (c_end, c_permco) = (s.col(&["nameendt"]), s.need("PERMCO", &["permco"])?);
            let c_tic = s.need("TICKER", &["ticker"])?;
            let c_nam = s.col(&["comnam"]);
            let (c_shr, c_exch) = (s.col(&["shrcd"]), s.col(&["exchcd"]));
            s.for_each(|r| {
                let p = permno(r, c_perm)?;
                let end = match c_end {
                    Some(c) => r.date(c)?,
                    None => None,
                };
                let (security_type, us) = match c_shr {
                    Some(c) => r
                        .num(c)?
                        .map_or((SecurityType::Common, true), |v| type_of_shrcd(v as i64)),
                    None => (SecurityType::Common, true),
                };
                let n = Name {
                    permco: permno(r, c_permco)?.to_string(),
                    ticker: r.text(c_tic).to_string(),
                    name: c_nam
                        .map(|c| r.text(c).to_string())
                        .filter(|t| !t.is_empty()),
                    exchange: match c_exch {
                        Some(c) => r
                            .num(c)?
                            .map_or(Exchange::Other, |v| exchange_of_exchcd(v as i64)),
                        None => Exchange::Other,
                    },
                    security_type,
                    us_incorporated: us,
                    end,
                };
                keep_latest(&mut out, p, n);
                Ok(())
            })?;
        }
        CrspLayout::Ciz => {
            let c_end = s.col(&["secinfoenddt"]);
            let c_permco = s.need("PERMCO", &["permco"])?;
            let c_tic = s.need("Ticker", &["ticker"])?;
            let c_nam = s.col(&["issuernm", "securitynm"]);
            let c_exch = s.col(&["primaryexch"]);
            let (c_st, c_sub, c_iss) = (
                s.col(&["sharetype"]),
                s.col(&["securitysubtype"]),
                s.col(&["issuertype"]),
            );
            let c_us = s.col(&["usincflg"]);
            s.for_each(|r| {
                let p = permno(r, c_perm)?;
                let text = |c: Option<usize>| c.map_or("", |c| r.text(c));
                let n = Name {
                    permco: permno(r, c_permco)?.to_string(),
                    ticker: r.text(c_tic).to_string(),
                    name: c_nam
                        .map(|c| r.text(c).to_string())
                        .filter(|t| !t.is_empty()),
                    exchange: exchange_of_primaryexch(text(c_exch)),
                    security_type: type_of_ciz(text(c_st), text(c_sub), text(c_iss)),
                    us_incorporated: text(c_us) != "N",
                    end: match c_end {
                        Some(c) => r.date(c)?,
                        None => None,
                    },
                };
                keep_latest(&mut out, p, n);
                Ok(())
            })?;
        }
    }
    Ok(out)
}

/// The name record with the latest end date wins (records may come in any
/// order).
fn keep_latest(out: &mut BTreeMap<i64, Name>, permno: i64, n: Name) {
    match out.get(&permno) {
        Some(old) if old.end.is_some() && (n.end.is_none() || n.end < old.end) => {}
        _ => {
            out.insert(permno, n);
        }
    }
}

/// One distribution, in either layout's terms.
#[derive(Clone, Debug)]
struct Dist {
    permno: i64,
    ex_date: Date,
    kind: DistKind,
    amount: Option<f64>,
    /// FACPR / DisFacPr.
    facpr: Option<f64>,
    /// FACSHR / DisFacShr.
    facshr: Option<f64>,
    /// ACPERM / DisPERMNO: the other security involved.
    other: Option<i64>,
    line: (PathBuf, u64),
    code: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DistKind {
    Ordinary,
    Special,
    Split,
    /// An exchange or reorganization: a spin-off when the line survives it
    /// (FACPR > −1), the terms of a merger when FACPR = −1.
    Exchange,
    Issuance,
    Ignored,
}

/// Legacy `DISTCD`: first digit 1 ordinary dividend (third digit 7 extra or
/// special, 9 non-recurring), 2 liquidating dividend, 3 exchanges and
/// reorganizations, 4 rights, 5 splits and stock dividends, 6 notation of
/// issuance, 7 announcements for dropped issues.
fn kind_of_distcd(code: i64) -> DistKind {
    match code / 1000 {
        1 if matches!((code / 10) % 10, 7 | 9) => DistKind::Special,
        1 => DistKind::Ordinary,
        2 => DistKind::Special,
        3 => DistKind::Exchange,
        5 => DistKind::Split,
        6 => DistKind::Issuance,
        _ => DistKind::Ignored,
    }
}

/// CIZ `DisType` with `DisOrdinaryFlg` and the factors: CD cash dividend
/// (ordinary or not), FRS forward and reverse splits and SD stock
/// dividends; otherwise an exchange when it names another security or
/// retires the line (`DisFacPr` = −1), a return of capital when it pays
/// cash.
fn kind_of_ciz(
    dis_type: &str,
    ordinary: &str,
    facpr: Option<f64>,
    other: bool,
    amount: Option<f64>,
) -> DistKind {
    match dis_type {
        "CD" if ordinary == "Y" => DistKind::Ordinary,
        "CD" => DistKind::Special,
        "FRS" | "SD" => DistKind::Split,
        _ if other || facpr == Some(-1.0) => DistKind::Exchange,
        _ if amount.is_some_and(|a| a > 0.0) => DistKind::Special,
        _ => DistKind::Ignored,
    }
}

fn read_dists(path: &Path, layout: CrspLayout) -> Result<Vec<Dist>, ImportError> {
    let s = Sheet::open(path)?;
    let c_perm = s.need("PERMNO", &["permno"])?;
    let mut out = Vec::new();
    match layout {
        CrspLayout::Legacy => {
            let c_cd = s.need("DISTCD", &["distcd"])?;
            let c_ex = s.need("EXDT", &["exdt"])?;
            let (c_amt, c_fp, c_fs, c_ac) = (
                s.col(&["divamt"]),
                s.col(&["facpr"]),
                s.col(&["facshr"]),
                s.col(&["acperm"]),
            );
            s.for_each(|r| {
                let code = r.need_num(c_cd)? as i64;
                let opt = |c: Option<usize>| c.map_or(Ok(None), |c| r.num(c));
                let other = opt(c_ac)?.filter(|&v| v > 0.0).map(|v| v as i64);
                out.push(Dist {
                    permno: permno(r, c_perm)?,
                    ex_date: r.need_date(c_ex)?,
                    kind: kind_of_distcd(code),
                    amount: opt(c_amt)?,
                    facpr: opt(c_fp)?,
                    facshr: opt(c_fs)?,
                    other,
                    line: (r.sheet.file.clone(), r.line),
                    code: code.to_string(),
                });
                Ok(())
            })?;
        }
        CrspLayout::Ciz => {
            let c_ex = s.need("DisExDt", &["disexdt"])?;
            let c_ty = s.need("DisType", &["distype"])?;
            let (c_ord, c_amt, c_fp, c_fs, c_other) = (
                s.col(&["disordinaryflg"]),
                s.col(&["disdivamt"]),
                s.col(&["disfacpr"]),
                s.col(&["disfacshr"]),
                s.col(&["dispermno"]),
            );
            s.for_each(|r| {
                let opt = |c: Option<usize>| c.map_or(Ok(None), |c| r.num(c));
                let p = permno(r, c_perm)?;
                let other = opt(c_other)?
                    .filter(|&v| v > 0.0)
                    .map(|v| v as i64)
                    .filter(|&o| o != p);
                let (facpr, amount) = (opt(c_fp)?, opt(c_amt)?);
                let ty = r.text(c_ty).to_ascii_uppercase();
                let ord = c_ord.map_or("", |c| r.text(c)).to_ascii_uppercase();
                out.push(Dist {
                    permno: p,
                    ex_date: r.need_date(c_ex)?,
                    kind: kind_of_ciz(&ty, &ord, facpr, other.is_some(), amount),
                    amount,
                    facpr,
                    facshr: opt(c_fs)?,
                    other,
                    line: (r.sheet.file.clone(), r.line),
                    code: ty,
                });
                Ok(())
            })?;
        }
    }
    Ok(out)
}

/// One delisting.
#[derive(Clone, Debug)]
struct Delist {
    permno: i64,
    /// The last trading date.
    date: Date,
    merger: bool,
    acquirer: Option<i64>,
    final_price: Option<f64>,
}

fn read_delists(path: &Path, layout: CrspLayout) -> Result<Vec<Delist>, ImportError> {
    let s = Sheet::open(path)?;
    let c_perm = s.need("PERMNO", &["permno"])?;
    let mut out = Vec::new();
    let (c_dt, c_code, c_new, c_prc) = match layout {
        CrspLayout::Legacy => (
            s.need("DLSTDT", &["dlstdt"])?,
            Some(s.need("DLSTCD", &["dlstcd"])?),
            s.col(&["nwperm"]),
            s.col(&["dlprc"]),
        ),
        CrspLayout::Ciz => (
            s.need("DelistingDt", &["delistingdt"])?,
            None,
            s.col(&["delpermno"]),
            s.col(&["delnextprc"]),
        ),
    };
    s.for_each(|r| {
        let opt = |c: Option<usize>| c.map_or(Ok(None), |c| r.num(c));
        let code = opt(c_code)?.map(|v| v as i64);
        // Legacy files carry a row for active securities (code 100).
        if code.is_some_and(|c| c / 100 == 1) {
            return Ok(());
        }
        let p = permno(r, c_perm)?;
        let acquirer = opt(c_new)?
            .filter(|&v| v > 0.0)
            .map(|v| v as i64)
            .filter(|&a| a != p);
        out.push(Delist {
            permno: p,
            date: r.need_date(c_dt)?,
            merger: match code {
                Some(c) => matches!(c / 100, 2 | 3),
                None => acquirer.is_some(),
            },
            acquirer,
            final_price: opt(c_prc)?.map(f64::abs),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Shares outstanding per PERMNO: (start, end, shares) intervals sorted by start.
type SharesHistory = HashMap<i64, Vec<(Date, Date, f64)>>;

fn read_shares(path: &Path, layout: CrspLayout) -> Result<SharesHistory, ImportError> {
    let s = Sheet::open(path)?;
    let c_perm = s.need("PERMNO", &["permno"])?;
    let (c_start, c_end) = match layout {
        CrspLayout::Legacy => (
            s.need("SHRSDT", &["shrsdt"])?,
            s.need("SHRENDDT", &["shrenddt"])?,
        ),
        CrspLayout::Ciz => (
            s.need("ShrStartDt", &["shrstartdt"])?,
            s.need("ShrEndDt", &["shrenddt"])?,
        ),
    };
    let c_out = s.need("SHROUT", &["shrout"])?;
    let mut out: SharesHistory = HashMap::new();
    s.for_each(|r| {
        out.entry(permno(r, c_perm)?).or_default().push((
            r.need_date(c_start)?,
            r.need_date(c_end)?,
            r.need_num(c_out)? * 1000.0,
        ));
        Ok(())
    })?;
    for v in out.values_mut() {
        v.sort_by_key(|x| x.0);
    }
    Ok(out)
}

fn shares_on(h: &[(Date, Date, f64)], d: Date) -> Option<f64> {
    let i = h.partition_point(|x| x.0 <= d);
    i.checked_sub(1)
        .map(|i| h[i])
        .filter(|x| d <= x.1)
        .map(|x| x.2)
}

#[allow(clippy::too_many_arguments)]
fn read_daily(
    path: &Path,
    layout: CrspLayout,
    sec_of: &HashMap<i64, Sec>,
    shares: Option<&SharesHistory>,
    wanted: &mut HashMap<(i64, Date), Option<f64>>,
    b: &mut MarketBuilder,
    report: &mut CrspReport,
) -> Result<(), ImportError> {
    let s = Sheet::open(path)?;
    let c_perm = s.need("PERMNO", &["permno"])?;
    let (c_date, c_prc, c_vol, c_shr) = match layout {
        CrspLayout::Legacy => (
            s.need("DATE", &["date"])?,
            s.need("PRC", &["prc"])?,
            s.need("VOL", &["vol"])?,
            s.col(&["shrout"]),
        ),
        CrspLayout::Ciz => (
            s.need("DlyCalDt", &["dlycaldt"])?,
            s.need("DlyPrc", &["dlyprc"])?,
            s.need("DlyVol", &["dlyvol"])?,
            s.col(&["shrout"]),
        ),
    };
    if c_shr.is_none() && shares.is_none() {
        return Err(ImportError::Layout {
            file: path.to_path_buf(),
            message: "no SHROUT column and no share history file (--shares): shares outstanding are unknown".into(),
        });
    }
    let mut last_shares: HashMap<i64, f64> = HashMap::new();
    s.for_each(|r| {
        let p = permno(r, c_perm)?;
        let sec = *sec_of.get(&p).ok_or_else(|| {
            r.err(
                c_perm,
                format!("PERMNO {p} has no record in the name history"),
            )
        })?;
        let date = r.need_date(c_date)?;
        let Some(prc) = r.num(c_prc)?.filter(|&v| v != 0.0) else {
            report.no_price += 1;
            return Ok(());
        };
        if prc < 0.0 {
            report.bid_ask_prices += 1;
        }
        let close = prc.abs();
        let from_history = shares
            .and_then(|h| h.get(&p))
            .and_then(|h| shares_on(h, date));
        let from_row = match c_shr {
            Some(c) => r.num(c)?.map(|v| v * 1000.0),
            None => None,
        };
        let so = from_history
            .or(from_row)
            .or_else(|| last_shares.get(&p).copied())
            .ok_or_else(|| {
                r.err(
                    c_shr.unwrap_or(c_perm),
                    format!(
                        "PERMNO {p} on {date}: no shares outstanding (empty, and none earlier)"
                    ),
                )
            })?;
        last_shares.insert(p, so);
        if let Some(w) = wanted.get_mut(&(p, date)) {
            *w = Some(close);
        }
        b.push_daily(DailyRow {
            date,
            sec,
            close,
            volume: r.num(c_vol)?.unwrap_or(0.0),
            shares_outstanding: so,
            float_shares: so,
        });
        report.rows += 1;
        Ok(())
    })
}

/// Format-1 actions of the distributions and delistings (module notes).
fn actions(
    dists: &[Dist],
    delists: &[Delist],
    sec_of: &HashMap<i64, Sec>,
    closes: &HashMap<(i64, Date), Option<f64>>,
    report: &mut CrspReport,
) -> Result<Vec<Action>, ImportError> {
    let sec = |p: i64, d: &Dist| {
        sec_of.get(&p).copied().ok_or_else(|| ImportError::Row {
            file: d.line.0.clone(),
            line: d.line.1,
            message: format!("PERMNO {p} has no record in the name history"),
        })
    };
    let close_of = |p: i64, d: &Dist| {
        closes.get(&(p, d.ex_date)).copied().flatten().ok_or_else(|| ImportError::Row {
            file: d.line.0.clone(),
            line: d.line.1,
            message: format!(
                "PERMNO {p} has no price on the ex-date {}: the number of its shares distributed cannot be read from DIVAMT",
                d.ex_date
            ),
        })
    };
    let merged: HashMap<i64, &Delist> = delists
        .iter()
        .filter(|d| d.merger)
        .map(|d| (d.permno, d))
        .collect();
    let mut out = Vec::new();
    // The terms of each merger: (ex-date, cash, acquirer shares).
    let mut terms: HashMap<i64, (Date, f64, f64)> = HashMap::new();
    for d in dists {
        let action = |kind, ratio, amount, other| Action {
            ex_date: d.ex_date,
            sec: Sec(0),
            kind,
            ratio,
            amount,
            other,
            offering: None,
        };
        let a = match d.kind {
            DistKind::Ordinary => action(ActionKind::CashDividend, None, d.amount, None),
            DistKind::Special => action(ActionKind::SpecialDividend, None, d.amount, None),
            DistKind::Split => {
                let f = d.facshr.or(d.facpr).unwrap_or(0.0);
                if f == 0.0 {
                    continue;
                }
                action(ActionKind::Split, Some(1.0 + f), None, None)
            }
            DistKind::Issuance => action(ActionKind::ShareChange, None, None, None),
            DistKind::Exchange
                if d.facpr == Some(-1.0)
                    || merged.get(&d.permno).is_some_and(|m| d.ex_date > m.date) =>
            {
                let t = terms.entry(d.permno).or_insert((d.ex_date, 0.0, 0.0));
                let amount = d.amount.unwrap_or(0.0);
                match d.other.filter(|o| sec_of.contains_key(o)) {
                    Some(acq) => t.2 += amount / close_of(acq, d)?,
                    None => t.1 += amount,
                }
                continue;
            }
            DistKind::Exchange => match d.other {
                Some(child) => {
                    let child_sec = sec(child, d)?;
                    let ratio = d.amount.unwrap_or(0.0) / close_of(child, d)?;
                    action(ActionKind::SpinOff, Some(ratio), None, Some(child_sec))
                }
                None => {
                    *report.ignored.entry(d.code.clone()).or_default() += 1;
                    continue;
                }
            },
            DistKind::Ignored => {
                *report.ignored.entry(d.code.clone()).or_default() += 1;
                continue;
            }
        };
        out.push(Action {
            sec: sec(d.permno, d)?,
            ..a
        });
    }
    let cal = TradingCalendar::nyse();
    for d in delists {
        let Some(&s) = sec_of.get(&d.permno) else {
            continue;
        };
        // A CIZ cash merger names no acquirer: its exchange distribution
        // (DisFacPr = -1) marks it.
        if d.merger || terms.contains_key(&d.permno) {
            let (ex, cash, shares) =
                terms
                    .get(&d.permno)
                    .copied()
                    .unwrap_or((cal.next_trading_day(d.date), 0.0, 0.0));
            out.push(Action {
                ex_date: ex,
                sec: s,
                kind: ActionKind::Acquisition,
                ratio: Some(shares),
                amount: Some(cash),
                other: d.acquirer.and_then(|a| sec_of.get(&a).copied()),
                offering: None,
            });
        } else {
            out.push(Action {
                ex_date: d.date,
                sec: s,
                kind: ActionKind::Delisting,
                ratio: None,
                amount: d.final_price,
                other: None,
                offering: None,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(kind_of_distcd(1232), DistKind::Ordinary);
        assert_eq!(kind_of_distcd(1272), DistKind::Special);
        assert_eq!(kind_of_distcd(1292), DistKind::Special);
        assert_eq!(kind_of_distcd(2215), DistKind::Special);
        assert_eq!(kind_of_distcd(3763), DistKind::Exchange);
        assert_eq!(kind_of_distcd(5523), DistKind::Split);
        assert_eq!(kind_of_distcd(6001), DistKind::Issuance);
        assert_eq!(kind_of_distcd(4000), DistKind::Ignored);
        assert_eq!(type_of_shrcd(11), (SecurityType::Common, true));
        assert_eq!(type_of_shrcd(12), (SecurityType::Common, false));
        assert_eq!(type_of_shrcd(18), (SecurityType::Reit, true));
        assert_eq!(type_of_shrcd(31), (SecurityType::Adr, false));
        assert_eq!(type_of_shrcd(73), (SecurityType::Etf, true));
        assert_eq!(exchange_of_exchcd(3), Exchange::Nasdaq);
        assert_eq!(exchange_of_primaryexch("R"), Exchange::NyseArca);
        assert_eq!(type_of_ciz("NS", "COM", "REIT"), SecurityType::Reit);
        assert_eq!(
            kind_of_ciz("CD", "N", None, false, Some(1.0)),
            DistKind::Special
        );
        assert_eq!(
            kind_of_ciz("FRS", "", Some(1.0), false, None),
            DistKind::Split
        );
        assert_eq!(
            kind_of_ciz("XX", "", Some(-1.0), false, Some(3.0)),
            DistKind::Exchange
        );
    }

    #[test]
    fn share_history_lookup() {
        let d = |m, day| Date::ymd(2024, m, day);
        let h = vec![(d(1, 1), d(1, 31), 10.0), (d(2, 1), d(12, 31), 20.0)];
        assert_eq!(shares_on(&h, d(1, 15)), Some(10.0));
        assert_eq!(shares_on(&h, d(3, 1)), Some(20.0));
        assert_eq!(shares_on(&h, Date::ymd(2023, 12, 31)), None);
    }
}
