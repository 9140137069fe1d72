//! `rankday import table --map FILE.toml`: a vendor's export whose columns
//! differ from market-format 1 only by name, unit and code, described in a
//! short TOML file instead of code.
//!
//! ```toml
//! # prices.csv: one row per stock and day; master.csv: one per stock
//! [daily]
//! file = "prices.csv"
//! date = "TradeDate"
//! security_id = "FIGI"
//! close = "Close"
//! volume = "Volume"
//! shares_outstanding = { column = "SharesOut", scale = 1000 }
//!
//! [securities]
//! file = "master.csv"
//! security_id = "FIGI"
//! company_id = "IssuerId"
//! ticker = "Symbol"
//! exchange = { column = "Mic", values = { XNYS = "NYSE", XNAS = "NASDAQ" } }
//! ```
//!
//! Each `[table]` names its CSV `file` (relative to the map file) and maps
//! format-1 columns (`market-format.md`) to the export's: a string is a
//! column name; a table gives `column` with an optional `scale` (a number
//! times the cell), `values` (the export's codes to format-1 values) and
//! `default` (for an empty cell), or a constant `value` for every row. A
//! column left out takes its format-1 default: `float_shares` =
//! `shares_outstanding`, `volume` = 0; in `[securities]`, `company_id` =
//! `security_id`, `ticker` = `security_id`, `security_type` = `common`,
//! countries `US`. Without a `file`, `[securities]` reads the daily file
//! (each security's last row). `[actions]` is optional, and so is the
//! top-level `observations = "sparse"` of a market observed on a few dates.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rankday_core::{
    Action, ActionKind, Country, DailyRow, Exchange, Market, MarketBuilder, Observations, Sec,
    Security, SecurityType,
};
use rankday_io::{FileFormat, OutputDir};

use crate::error::ImportError;
use crate::sheet::{Rec, Sheet};

/// How one format-1 column is read.
#[derive(Clone, Debug, PartialEq)]
enum Field {
    Column {
        column: String,
        scale: Option<f64>,
        values: HashMap<String, String>,
        default: Option<String>,
    },
    Constant(String),
}

/// One `[table]` of the map.
#[derive(Clone, Debug, Default)]
struct TableMap {
    file: Option<PathBuf>,
    fields: HashMap<String, Field>,
}

/// A parsed map file.
#[derive(Clone, Debug)]
pub struct ColumnMap {
    daily: TableMap,
    securities: TableMap,
    actions: Option<TableMap>,
    observations: Observations,
}

const DAILY: &[&str] = &[
    "date",
    "security_id",
    "close",
    "volume",
    "shares_outstanding",
    "float_shares",
];
const SECURITIES: &[&str] = &[
    "security_id",
    "company_id",
    "ticker",
    "name",
    "security_type",
    "exchange",
    "country_incorporation",
    "country_headquarters",
    "country_exchange",
    "sector",
    "votes_per_share",
];
const ACTIONS: &[&str] = &[
    "ex_date",
    "security_id",
    "kind",
    "ratio",
    "amount",
    "other_id",
];

impl ColumnMap {
    /// Reads and checks a map file; errors name the file and the key.
    pub fn from_file(path: &Path) -> Result<ColumnMap, ImportError> {
        let text = std::fs::read_to_string(path).map_err(|e| ImportError::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses map text; `path` names it in errors and anchors relative files.
    pub fn parse(text: &str, path: &Path) -> Result<ColumnMap, ImportError> {
        let bad = |message: String| ImportError::Layout {
            file: path.to_path_buf(),
            message,
        };
        let root: toml::Table = text
            .parse()
            .map_err(|e| bad(format!("not valid TOML: {e}")))?;
        let base = path.parent().unwrap_or(Path::new("."));
        for k in root.keys() {
            if !["daily", "securities", "actions", "observations"].contains(&k.as_str()) {
                return Err(bad(format!(
                    "unknown key '{k}' (expected [daily], [securities], [actions], observations)"
                )));
            }
        }
        let table = |name: &str, allowed: &[&str]| -> Result<Option<TableMap>, ImportError> {
            let Some(v) = root.get(name) else {
                return Ok(None);
            };
            let t = v
                .as_table()
                .ok_or_else(|| bad(format!("'{name}' must be a table ([{name}])")))?;
            let mut out = TableMap::default();
            for (k, v) in t {
                if k == "file" {
                    let f = v
                        .as_str()
                        .ok_or_else(|| bad(format!("[{name}] file must be a string")))?;
                    out.file = Some(base.join(f));
                    continue;
                }
                if !allowed.contains(&k.as_str()) {
                    return Err(bad(format!(
                        "[{name}] has no format-1 column '{k}' (columns: {allowed:?})"
                    )));
                }
                out.fields.insert(
                    k.clone(),
                    field(v).map_err(|m| bad(format!("[{name}] {k}: {m}")))?,
                );
            }
            Ok(Some(out))
        };
        let daily = table("daily", DAILY)?.ok_or_else(|| bad("no [daily] table".into()))?;
        if daily.file.is_none() {
            return Err(bad("[daily] needs a file".into()));
        }
        for need in ["date", "security_id", "close", "shares_outstanding"] {
            if !daily.fields.contains_key(need) {
                return Err(bad(format!(
                    "[daily] does not say which column is '{need}'"
                )));
            }
        }
        let securities = table("securities", SECURITIES)?.unwrap_or_default();
        let actions = table("actions", ACTIONS)?;
        if let Some(a) = &actions {
            if a.file.is_none() {
                return Err(bad("[actions] needs a file".into()));
            }
        }
        let observations = match root.get("observations") {
            None => Observations::Full,
            Some(v) => v.as_str().and_then(Observations::parse).ok_or_else(|| {
                bad(format!(
                    "observations must be \"full\" or \"sparse\", got {v}"
                ))
            })?,
        };
        Ok(ColumnMap {
            daily,
            securities,
            actions,
            observations,
        })
    }
}

fn field(v: &toml::Value) -> Result<Field, String> {
    match v {
        toml::Value::String(c) => Ok(Field::Column {
            column: c.clone(),
            scale: None,
            values: HashMap::new(),
            default: None,
        }),
        toml::Value::Table(t) => {
            if let Some(c) = t.get("value") {
                let s = match c {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                return Ok(Field::Constant(s));
            }
            let column = t
                .get("column")
                .and_then(|c| c.as_str())
                .ok_or("needs 'column' (or a constant 'value')")?
                .to_string();
            let scale = match t.get("scale") {
                None => None,
                Some(s) => Some(
                    s.as_float()
                        .or_else(|| s.as_integer().map(|i| i as f64))
                        .ok_or("scale must be a number")?,
                ),
            };
            let mut values = HashMap::new();
            if let Some(m) = t.get("values") {
                for (k, v) in m.as_table().ok_or("values must be a table")? {
                    values.insert(
                        k.clone(),
                        v.as_str().ok_or("values must map to strings")?.to_string(),
                    );
                }
            }
            let default = t.get("default").map(|d| match d {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            for k in t.keys() {
                if !["column", "scale", "values", "default"].contains(&k.as_str()) {
                    return Err(format!(
                        "unknown key '{k}' (column, scale, values, default, value)"
                    ));
                }
            }
            Ok(Field::Column {
                column,
                scale,
                values,
                default,
            })
        }
        _ => Err("must be a column name or a table".into()),
    }
}

/// A table's fields resolved to column positions of one sheet.
struct Bound<'m> {
    fields: HashMap<&'m str, (&'m Field, Option<usize>)>,
}

impl<'m> Bound<'m> {
    fn new(t: &'m TableMap, sheet: &Sheet, table: &str) -> Result<Bound<'m>, ImportError> {
        let mut fields = HashMap::new();
        for (k, f) in &t.fields {
            let pos = match f {
                Field::Column { column, .. } => {
                    Some(sheet.need(&format!("[{table}] {k}"), &[column])?)
                }
                Field::Constant(_) => None,
            };
            fields.insert(k.as_str(), (f, pos));
        }
        Ok(Bound { fields })
    }

    /// The cell of format-1 column `k` as text after `values`/`default`.
    fn text(&self, r: &Rec<'_>, k: &str) -> Result<Option<String>, ImportError> {
        let Some(&(f, pos)) = self.fields.get(k) else {
            return Ok(None);
        };
        match (f, pos) {
            (Field::Constant(v), _) => Ok(Some(v.clone())),
            (
                Field::Column {
                    values, default, ..
                },
                Some(c),
            ) => {
                let t = r.text(c);
                if t.is_empty() {
                    return Ok(default.clone());
                }
                if values.is_empty() {
                    return Ok(Some(t.to_string()));
                }
                values
                    .get(t)
                    .cloned()
                    .or_else(|| default.clone())
                    .map(Some)
                    .ok_or_else(|| {
                        r.err(c, format!("'{t}' has no entry in the map's values for {k}"))
                    })
            }
            _ => Ok(None),
        }
    }

    fn num(&self, r: &Rec<'_>, k: &str) -> Result<Option<f64>, ImportError> {
        let Some(&(f, pos)) = self.fields.get(k) else {
            return Ok(None);
        };
        let (scale, c) = match (f, pos) {
            (Field::Column { scale, .. }, Some(c)) => (scale.unwrap_or(1.0), c),
            _ => {
                let t = self.text(r, k)?.unwrap_or_default();
                return t.parse::<f64>().map(Some).map_err(|_| ImportError::Layout {
                    file: r.sheet.file.clone(),
                    message: format!("the map's constant {k} = '{t}' is not a number"),
                });
            }
        };
        Ok(match r.num(c)? {
            Some(v) => Some(v * scale),
            None => match &f {
                Field::Column {
                    default: Some(d), ..
                } => Some(
                    d.parse::<f64>()
                        .map_err(|_| r.err(c, format!("default '{d}' is not a number")))?,
                ),
                _ => None,
            },
        })
    }

    fn date(&self, r: &Rec<'_>, k: &str) -> Result<rankday_core::Date, ImportError> {
        match self.fields.get(k) {
            Some(&(_, Some(c))) => r.need_date(c),
            _ => {
                let t = self.text(r, k)?.unwrap_or_default();
                crate::sheet::parse_any_date(&t).ok_or_else(|| ImportError::Layout {
                    file: r.sheet.file.clone(),
                    message: format!("the map's constant {k} = '{t}' is not a date"),
                })
            }
        }
    }

    /// Parses a format-1 enum cell, naming the column on error.
    fn parsed<T: std::str::FromStr<Err = String>>(
        &self,
        r: &Rec<'_>,
        k: &str,
    ) -> Result<Option<T>, ImportError> {
        let Some(t) = self.text(r, k)? else {
            return Ok(None);
        };
        t.parse::<T>()
            .map(Some)
            .map_err(|e| match self.fields.get(k) {
                Some(&(_, Some(c))) => r.err(c, e),
                _ => ImportError::Layout {
                    file: r.sheet.file.clone(),
                    message: format!("{k}: {e}"),
                },
            })
    }
}

/// Reads the export a map describes into a market.
pub fn read_table(map: &ColumnMap) -> Result<Market, ImportError> {
    let mut b = MarketBuilder::new();
    b.set_observations(map.observations);
    let daily_file = map.daily.file.clone().expect("checked on parsing");
    // Securities: their own file, else the daily file's last row of each.
    let sec_file = map
        .securities
        .file
        .clone()
        .unwrap_or_else(|| daily_file.clone());
    let s = Sheet::open(&sec_file)?;
    let mut sec_fields = map.securities.clone();
    if !sec_fields.fields.contains_key("security_id") {
        sec_fields.fields.insert(
            "security_id".into(),
            map.daily.fields["security_id"].clone(),
        );
    }
    let bound = Bound::new(&sec_fields, &s, "securities")?;
    let mut secs: Vec<Security> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    s.for_each(|r| {
        let id = bound
            .text(r, "security_id")?
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ImportError::Row {
                file: r.sheet.file.clone(),
                line: r.line,
                message: "empty security_id".into(),
            })?;
        let text = |k: &str, d: &str| -> Result<String, ImportError> {
            Ok(bound
                .text(r, k)?
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| d.to_string()))
        };
        let mut sec = Security::us_common(&id, &text("company_id", &id)?, &text("ticker", &id)?);
        sec.name = bound.text(r, "name")?.filter(|t| !t.is_empty());
        sec.sector = bound.text(r, "sector")?.filter(|t| !t.is_empty());
        sec.security_type = bound
            .parsed::<SecurityType>(r, "security_type")?
            .unwrap_or(SecurityType::Common);
        sec.exchange = bound
            .parsed::<Exchange>(r, "exchange")?
            .unwrap_or(Exchange::Other);
        for (k, slot) in [
            ("country_incorporation", &mut sec.country_incorporation),
            ("country_headquarters", &mut sec.country_headquarters),
            ("country_exchange", &mut sec.country_exchange),
        ] {
            if let Some(c) = bound.parsed::<Country>(r, k)? {
                *slot = c;
            }
        }
        if let Some(v) = bound.num(r, "votes_per_share")? {
            sec.votes_per_share = v;
        }
        match by_id.get(&id) {
            Some(&k) => secs[k] = sec,
            None => {
                by_id.insert(id, secs.len());
                secs.push(sec);
            }
        }
        Ok(())
    })?;
    let mut sec_of: HashMap<String, Sec> = HashMap::new();
    for s in secs {
        let id = s.security_id.clone();
        sec_of.insert(id, b.add_security(s)?);
    }
    let lookup = |r: &Rec<'_>, bound: &Bound<'_>, k: &str| -> Result<Option<Sec>, ImportError> {
        let Some(id) = bound.text(r, k)?.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        sec_of
            .get(&id)
            .copied()
            .map(Some)
            .ok_or_else(|| ImportError::Row {
                file: r.sheet.file.clone(),
                line: r.line,
                message: format!("{k} '{id}' is not in the securities"),
            })
    };
    let d = Sheet::open(&daily_file)?;
    let bound = Bound::new(&map.daily, &d, "daily")?;
    d.for_each(|r| {
        let sec = lookup(r, &bound, "security_id")?.expect("required column");
        let close = bound.num(r, "close")?.unwrap_or(f64::NAN);
        let shares = bound.num(r, "shares_outstanding")?.unwrap_or(f64::NAN);
        b.push_daily(DailyRow {
            date: bound.date(r, "date")?,
            sec,
            close,
            volume: bound.num(r, "volume")?.unwrap_or(0.0),
            shares_outstanding: shares,
            float_shares: bound.num(r, "float_shares")?.unwrap_or(shares),
        });
        Ok(())
    })?;
    if let Some(a) = &map.actions {
        let sheet = Sheet::open(a.file.as_ref().expect("checked on parsing"))?;
        let bound = Bound::new(a, &sheet, "actions")?;
        sheet.for_each(|r| {
            let kind = bound
                .parsed::<ActionKind>(r, "kind")?
                .ok_or_else(|| ImportError::Row {
                    file: r.sheet.file.clone(),
                    line: r.line,
                    message: "no action kind".into(),
                })?;
            // An offering's terms (offer type, shares, pricing date) have no
            // column in the map: an `offering` without them would be read and
            // then never applied.
            if kind == ActionKind::Offering {
                return Err(ImportError::Row {
                    file: r.sheet.file.clone(),
                    line: r.line,
                    message: "an offering action needs its offer_type, shares and pricing_date, which `import table` does not map: write offerings in format 1's actions table (docs/market-format.md)".into(),
                });
            }
            b.push_action(Action {
                ex_date: bound.date(r, "ex_date")?,
                sec: lookup(r, &bound, "security_id")?.ok_or_else(|| ImportError::Row {
                    file: r.sheet.file.clone(),
                    line: r.line,
                    message: "empty security_id".into(),
                })?,
                kind,
                ratio: bound.num(r, "ratio")?,
                amount: bound.num(r, "amount")?,
                other: lookup(r, &bound, "other_id")?,
                offering: None,
            });
            Ok(())
        })?;
    }
    b.build().map_err(|e| ImportError::Core(e.into()))
}

/// [`read_table`], then written to `out`; the written directory is read
/// back with rankday-io's checks (format 1's row rules: positive closes,
/// float within shares, ex-dates on trading days of the line), so a map that
/// reads the wrong columns fails here with the row, not later.
pub fn import_table(
    map_path: &Path,
    out: &Path,
    format: FileFormat,
) -> Result<Market, ImportError> {
    let map = ColumnMap::from_file(map_path)?;
    let market = read_table(&map)?;
    let mut o = OutputDir::stage(out)?;
    o.write_market(None, &market, format)?;
    if let Err(e) = rankday_io::read_market(o.staged()) {
        return Err(ImportError::Combine(format!(
            "the table read through {} breaks market format 1: {e}",
            map_path.display()
        )));
    }
    o.publish()?;
    Ok(market)
}
