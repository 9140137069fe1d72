//! The worked cases of `tests/cases/` (at the repository root), run by one
//! harness.
//!
//! Each case is a directory: `case.toml` (what it is, where it comes from,
//! which `kind` of computation it exercises and its inputs, or a format-1
//! `market/` directory and a `membership.csv` beside it) and its expected
//! outputs as CSV files of `key,value,tolerance` rows:
//!
//! * `published.csv`: figures printed in the source (a provider's
//!   methodology, a published example). **Never rewritten by the harness.**
//! * `derived.csv`: figures of our own arithmetic (the golden notes mark
//!   them *derived*; rankday's own constructed cases have only these).
//!
//! A tolerance is half a unit of the last digit the source prints; an empty
//! tolerance compares text exactly. A key names what the harness computes
//! (see each kind's module: [`calc`], [`history`], [`construction`],
//! [`arithmetic`]). Every expected row must be computed and match; a case
//! whose files are missing or unreadable fails, it never passes silently.
//!
//! After a reviewed change of the engine, `BLESS=1 cargo test -p
//! rankday-cases` rewrites the values of every `derived.csv` from the
//! engine's output (keys and tolerances stay). Published figures are never
//! blessed: a change that moves one is a failure to fix, not to accept.

pub mod arithmetic;
pub mod calc;
pub mod construction;
pub mod history;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// A computed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number, compared within the row's tolerance.
    Num(f64),
    /// A text, compared exactly.
    Text(String),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Num(x) => rankday_io::fmt_f64(*x),
            Value::Text(s) => s.clone(),
        }
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Num(x)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

/// One expected row.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    /// What the row is about (the computed value's name).
    pub key: String,
    /// The expected value as written in the file.
    pub value: String,
    /// Tolerance of a number (half a unit of the last digit published); `None` compares the text exactly.
    pub tolerance: Option<f64>,
    /// Other columns (a note), kept when blessing.
    pub rest: Vec<String>,
}

/// A case directory and its `case.toml`.
pub struct Case {
    /// The directory's name (`GC-05`).
    pub id: String,
    /// The case directory.
    pub dir: PathBuf,
    /// Its `case.toml`.
    pub spec: toml::Table,
}

impl Case {
    /// A string field of `case.toml`.
    pub fn str(&self, key: &str) -> anyhow::Result<&str> {
        self.spec
            .get(key)
            .and_then(|v| v.as_str())
            .with_context(|| format!("{}: case.toml needs a string `{key}`", self.id))
    }
    /// A table of `case.toml`.
    pub fn table(&self, key: &str) -> anyhow::Result<&toml::Table> {
        self.spec
            .get(key)
            .and_then(|v| v.as_table())
            .with_context(|| format!("{}: case.toml needs a table [{key}]", self.id))
    }
}

/// The outcome of one case.
#[derive(Debug)]
pub struct Outcome {
    /// The case.
    pub id: String,
    /// Expected rows checked (published and derived).
    pub checked: usize,
    /// One line per expected row that did not match (empty when it passed).
    pub failures: Vec<String>,
}

/// The expected files of a case, read (`published.csv` and `derived.csv`;
/// at least one must exist).
fn read_expected(dir: &Path, name: &str) -> anyhow::Result<Option<Vec<Expected>>> {
    let path = dir.join(name);
    if !path.exists() {
        return Ok(None);
    }
    let mut r =
        csv::Reader::from_path(&path).with_context(|| format!("reading {}", path.display()))?;
    let headers = r.headers()?.clone();
    if headers.get(0) != Some("key") || headers.get(1) != Some("value") {
        bail!("{}: the header must start key,value", path.display());
    }
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{} row {}", path.display(), i + 2))?;
        let tol = match rec.get(2).map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(t.parse::<f64>().with_context(|| {
                format!(
                    "{} row {}: tolerance '{t}' is not a number",
                    path.display(),
                    i + 2
                )
            })?),
        };
        rows.push(Expected {
            key: rec[0].trim().to_string(),
            value: rec[1].trim().to_string(),
            tolerance: tol,
            rest: rec.iter().skip(3).map(str::to_string).collect(),
        });
    }
    Ok(Some(rows))
}

fn write_expected(path: &Path, rows: &[Expected], headers: &[String]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(headers)?;
    for r in rows {
        let mut rec = vec![
            r.key.clone(),
            r.value.clone(),
            r.tolerance.map(rankday_io::fmt_f64).unwrap_or_default(),
        ];
        rec.extend(r.rest.iter().cloned());
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

fn headers_of(path: &Path) -> anyhow::Result<Vec<String>> {
    let mut r = csv::Reader::from_path(path)?;
    Ok(r.headers()?.iter().map(str::to_string).collect())
}

/// Whether `got` matches `want`.
fn matches(want: &Expected, got: &Value) -> Result<(), String> {
    match want.tolerance {
        Some(tol) => {
            let w: f64 = want
                .value
                .parse()
                .map_err(|_| format!("expected value '{}' is not a number", want.value))?;
            match got {
                Value::Num(g) if (g - w).abs() <= tol + 1e-12 * w.abs().max(1.0) => Ok(()),
                Value::Num(g) => Err(format!("{g} vs {w} ± {tol} (off by {:e})", g - w)),
                Value::Text(t) => Err(format!("'{t}' is not a number (expected {w})")),
            }
        }
        None if got.text() == want.value => Ok(()),
        None => Err(format!("'{}' vs '{}'", got.text(), want.value)),
    }
}

/// Computes the values of `keys` for a case, by its kind.
fn compute(case: &Case, keys: &[String]) -> anyhow::Result<BTreeMap<String, Value>> {
    match case.str("kind")? {
        "calc" => calc::compute(case, keys),
        "history" => history::compute(case, keys),
        "banding" => construction::banding(case),
        "voting" => construction::voting(case),
        "breakpoint" => arithmetic::breakpoint(case),
        "buffer" => arithmetic::buffer(case, keys),
        "tr_identity" => arithmetic::tr_identity(case),
        "nse_total_return" => arithmetic::nse_total_return(case),
        "solactive" => arithmetic::solactive(case),
        k => bail!("{}: unknown kind '{k}'", case.id),
    }
}

impl Case {
    /// Reads the case of a directory (its `case.toml`).
    pub fn read(dir: &Path) -> anyhow::Result<Case> {
        let id = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let text = std::fs::read_to_string(dir.join("case.toml"))
            .with_context(|| format!("{id}: reading case.toml"))?;
        let spec: toml::Table = text
            .parse()
            .with_context(|| format!("{id}: case.toml is not valid TOML"))?;
        Ok(Case {
            id,
            dir: dir.to_path_buf(),
            spec,
        })
    }
}

/// Runs one case directory; with `bless`, rewrites its `derived.csv` values.
pub fn run_case(dir: &Path, bless: bool) -> anyhow::Result<Outcome> {
    let case = Case::read(dir)?;
    let id = case.id.clone();
    let mut published = read_expected(dir, "published.csv")?.unwrap_or_default();
    published.extend(arithmetic::published_levels(&case)?);
    let derived = read_expected(dir, "derived.csv")?;
    if published.is_empty() && derived.as_ref().is_none_or(|d| d.is_empty()) {
        bail!("{id}: no expected values (published.csv or derived.csv)");
    }
    let keys: Vec<String> = published
        .iter()
        .chain(derived.iter().flatten())
        .map(|e| e.key.clone())
        .collect();
    let got = compute(&case, &keys)?;
    let mut failures = Vec::new();
    let mut check = |e: &Expected, file: &str| match got.get(&e.key) {
        None => failures.push(format!("{id} {file} {}: not computed", e.key)),
        Some(v) => {
            if let Err(why) = matches(e, v) {
                failures.push(format!("{id} {file} {}: {why}", e.key));
            }
        }
    };
    for e in &published {
        check(e, "published");
    }
    let mut checked = published.len();
    if let Some(mut derived) = derived {
        if bless {
            for e in derived.iter_mut() {
                if let Some(v) = got.get(&e.key) {
                    e.value = v.text();
                }
            }
            let path = dir.join("derived.csv");
            write_expected(&path, &derived, &headers_of(&path)?)?;
        }
        for e in &derived {
            check(e, "derived");
        }
        checked += derived.len();
    }
    Ok(Outcome {
        id,
        checked,
        failures,
    })
}

/// Every case directory under `root`, in name order (each with a `case.toml`).
pub fn case_dirs(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .with_context(|| format!("reading the cases directory {}", root.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in &dirs {
        if !d.join("case.toml").is_file() {
            bail!("{}: a case directory without case.toml", d.display());
        }
    }
    Ok(dirs)
}

/// The repository's cases directory (`tests/cases` at the repository root).
pub fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases")
}

/// Parses a date key part.
pub(crate) fn date(s: &str) -> anyhow::Result<rankday_core::Date> {
    s.parse()
        .map_err(|e| anyhow::anyhow!("'{s}' is not a date (YYYY-MM-DD): {e}"))
}

/// A number of a TOML table.
pub(crate) fn num(t: &toml::Table, key: &str) -> anyhow::Result<f64> {
    match t.get(key) {
        Some(toml::Value::Float(x)) => Ok(*x),
        Some(toml::Value::Integer(x)) => Ok(*x as f64),
        _ => bail!("needs a number `{key}`"),
    }
}
