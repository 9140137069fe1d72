//! The bad-input corpus: every case is a directory under `tests/corpus/`
//! holding a `case.toml` (what the defect is, the edits that make it from
//! the base market, the command line, the exit code and a substring of the
//! message) and any files it needs (a broken holdings file, a portfolio in
//! percent, a policy with a typo). This one harness runs them all.
//!
//! For every case it checks the exit code and the message, and that:
//! nothing panicked; no message carries Rust `Debug` text (`Some(`, `None`,
//! `Os {`); a command that failed left its `--out` exactly as it was (and
//! nothing beside it).
//!
//! The base market (`tests/corpus/base/`) is ten companies over seven
//! months of 2024 with every action kind; each case copies it (a few
//! hundred kilobytes) and applies its edits, so 150 cases take seconds.
//!
//! `case.toml`:
//!
//! ```toml
//! about = "a daily row dated on a Saturday"
//! args = ["calc", "--market", "{market}", "--out", "{out}"]
//! exit = 1
//! message = "daily.csv:74:1 (date): 2024-06-15 is a Saturday"
//! # stream = "stdout"            # where the message is (default stderr)
//! [[edit]]
//! file = "daily.csv"             # in the case's market copy; "{out}/x" and "{tmp}/x" also work
//! line = 74                      # 1-based physical line
//! set = "2024-06-15,AAA,1,1,1,1" # replace it
//! ```
//!
//! Edits (one action each): `set` (a whole line), `column` + `value` (one
//! cell of `line`), `delete = true` (the line), `insert` (a line before
//! `line`), `append` (a line at the end), `write` (the whole file),
//! `copy` (a file of the case directory), `remove = true`, `mkdir = true`,
//! `drop_column`, `to_parquet = true` (a CSV table rewritten as typed
//! Parquet, as a vendor would). Placeholders in `args`, `write` and `copy`:
//! `{market}` (the edited market), `{base}` (the pristine one), `{policy}`
//! (the base policy, scaled to ten companies), `{case}` (the case
//! directory), `{out}` (an output directory, absent at the start), `{tmp}`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    about: String,
    args: Vec<String>,
    exit: i32,
    message: String,
    #[serde(default)]
    stream: Option<String>,
    #[serde(default)]
    edit: Vec<Edit>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    line: Option<usize>,
    set: Option<String>,
    column: Option<String>,
    value: Option<String>,
    #[serde(default)]
    delete: bool,
    insert: Option<String>,
    append: Option<String>,
    write: Option<String>,
    copy: Option<String>,
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    mkdir: bool,
    drop_column: Option<String>,
    #[serde(default)]
    to_parquet: bool,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every case directory, by name.
fn case_dirs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    v.sort();
    v
}

struct Places {
    market: PathBuf,
    base: PathBuf,
    policy: PathBuf,
    case: PathBuf,
    out: PathBuf,
    tmp: PathBuf,
}

impl Places {
    fn fill(&self, s: &str) -> String {
        let p = |x: &Path| x.to_str().expect("utf-8 path").to_string();
        s.replace("{market}", &p(&self.market))
            .replace("{base}", &p(&self.base))
            .replace("{policy}", &p(&self.policy))
            .replace("{case}", &p(&self.case))
            .replace("{out}", &p(&self.out))
            .replace("{tmp}", &p(&self.tmp))
    }
    fn path(&self, file: &str) -> PathBuf {
        if file.contains('{') {
            PathBuf::from(self.fill(file))
        } else {
            self.market.join(file)
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Splits a CSV line of the base market (no quoted fields) into cells.
fn cells(line: &str) -> Vec<String> {
    line.split(',').map(str::to_string).collect()
}

fn apply(p: &Places, e: &Edit) -> Result<(), String> {
    let path = p.path(&e.file);
    let read = || std::fs::read_to_string(&path).map_err(|x| format!("{}: {x}", path.display()));
    let lines = |t: &str| -> Vec<String> { t.lines().map(str::to_string).collect() };
    let save =
        |ls: Vec<String>| std::fs::write(&path, ls.join("\n") + "\n").map_err(|x| x.to_string());
    let at = |n: Option<usize>, len: usize| -> Result<usize, String> {
        let n = n.ok_or("this edit needs `line`")?;
        (1..=len)
            .contains(&n)
            .then_some(n - 1)
            .ok_or(format!("line {n} is not in {} ({len} lines)", e.file))
    };
    if let Some(s) = &e.set {
        let mut ls = lines(&read()?);
        let i = at(e.line, ls.len())?;
        ls[i] = s.clone();
        save(ls)
    } else if let (Some(col), Some(v)) = (&e.column, &e.value) {
        let mut ls = lines(&read()?);
        let i = at(e.line, ls.len())?;
        let head = cells(&ls[0]);
        let c = head
            .iter()
            .position(|h| h == col)
            .ok_or(format!("no column {col} in {}", e.file))?;
        let mut row = cells(&ls[i]);
        row[c] = v.clone();
        ls[i] = row.join(",");
        save(ls)
    } else if e.delete {
        let mut ls = lines(&read()?);
        let i = at(e.line, ls.len())?;
        ls.remove(i);
        save(ls)
    } else if let Some(s) = &e.insert {
        let mut ls = lines(&read()?);
        let i = at(e.line, ls.len())?;
        ls.insert(i, s.clone());
        save(ls)
    } else if let Some(s) = &e.append {
        let mut ls = lines(&read()?);
        ls.push(s.clone());
        save(ls)
    } else if let Some(s) = &e.write {
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(|x| x.to_string())?;
        }
        std::fs::write(&path, p.fill(s)).map_err(|x| x.to_string())
    } else if let Some(s) = &e.copy {
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(|x| x.to_string())?;
        }
        std::fs::copy(p.case.join(s), &path)
            .map(|_| ())
            .map_err(|x| format!("copying {s}: {x}"))
    } else if e.remove {
        std::fs::remove_file(&path).map_err(|x| x.to_string())
    } else if e.mkdir {
        std::fs::create_dir_all(&path).map_err(|x| x.to_string())
    } else if let Some(col) = &e.drop_column {
        let ls = lines(&read()?);
        let c = cells(&ls[0])
            .iter()
            .position(|h| h == col)
            .ok_or(format!("no column {col} in {}", e.file))?;
        let out = ls
            .iter()
            .map(|l| {
                let mut r = cells(l);
                if c < r.len() {
                    r.remove(c);
                }
                r.join(",")
            })
            .collect();
        save(out)
    } else if e.to_parquet {
        to_parquet(&path)
    } else {
        Err(format!("an edit of {} does nothing", e.file))
    }
}

/// Rewrites a CSV table as Parquet with typed columns where the text allows
/// (dates as Date32, numbers as Float64), as a vendor would.
fn to_parquet(path: &Path) -> Result<(), String> {
    use rankday_io::{Column, FileFormat, Table};
    let t = rankday_io::read_table(path).map_err(|e| e.to_string())?;
    let mut out = Table::new();
    for (name, c) in t.columns {
        let Column::Str(v) = c else {
            return Err("CSV columns are text".into());
        };
        let dates: Option<Vec<rankday_core::Date>> = v
            .iter()
            .map(|s| rankday_core::Date::parse(s).ok())
            .collect();
        let numeric = [
            "close",
            "volume",
            "shares_outstanding",
            "float_shares",
            "ratio",
            "amount",
            "votes_per_share",
            "return",
            "index_shares",
        ]
        .contains(&name.as_str());
        let col = match dates {
            Some(d) if name.contains("date") && !d.is_empty() => Column::Date(d),
            _ if numeric && v.iter().all(|s| s.is_empty() || s.parse::<f64>().is_ok()) => {
                Column::OptF64(v.iter().map(|s| s.parse().ok()).collect())
            }
            _ => Column::OptStr(
                v.into_iter()
                    .map(|s| (!s.is_empty()).then_some(s))
                    .collect(),
            ),
        };
        out.push(&name, col);
    }
    let dir = path.parent().unwrap();
    let stem = path.file_stem().unwrap().to_str().unwrap();
    rankday_io::write_table(dir, stem, &out, FileFormat::Parquet).map_err(|e| e.to_string())?;
    Ok(())
}

/// Every file under `dir` with its bytes (empty if `dir` is absent).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut m = BTreeMap::new();
    fn walk(root: &Path, d: &Path, m: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            if p.is_dir() {
                m.insert(rel.join("."), Vec::new());
                walk(root, &p, m);
            } else {
                m.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    walk(dir, dir, &mut m);
    m
}

/// Runs one case; `Err` says what went wrong.
fn run_case(dir: &Path) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(dir.join("case.toml")).unwrap();
    let case: Case = toml::from_str(&text).map_err(|e| format!("{name}/case.toml: {e}"))?;
    assert!(!case.about.is_empty(), "{name}: say what the defect is");
    let tmp = tempfile::tempdir().unwrap();
    let p = Places {
        market: tmp.path().join("market"),
        base: corpus_dir().join("base"),
        policy: corpus_dir().join("base/policy.toml"),
        case: dir.to_path_buf(),
        out: tmp.path().join("out"),
        tmp: tmp.path().to_path_buf(),
    };
    copy_dir(&p.base, &p.market);
    std::fs::remove_file(p.market.join("policy.toml")).unwrap();
    for e in &case.edit {
        apply(&p, e).map_err(|m| format!("{name}: edit: {m}"))?;
    }
    let out_before = snapshot(&p.out);
    let args: Vec<String> = case.args.iter().map(|a| p.fill(a)).collect();
    let o = Command::new(env!("CARGO_BIN_EXE_rankday"))
        .args(&args)
        .env("CI", "1")
        .output()
        .map_err(|e| format!("{name}: spawning rankday: {e}"))?;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    let shown = || {
        format!(
            "\n  args: {args:?}\n  stderr: {stderr}\n  stdout: {}",
            stdout.chars().take(600).collect::<String>()
        )
    };
    let mut problems = Vec::new();
    if o.status.code() != Some(case.exit) {
        problems.push(format!("exit {:?}, want {}", o.status.code(), case.exit));
    }
    let hay = match case.stream.as_deref() {
        Some("stdout") => &stdout,
        None | Some("stderr") => &stderr,
        Some(s) => return Err(format!("{name}: unknown stream {s}")),
    };
    if !hay.contains(&case.message) {
        problems.push(format!("message missing: {}", case.message));
    }
    for bad in ["panicked", "Some(", "None", "Os {", "RUST_BACKTRACE"] {
        if stdout.contains(bad) || stderr.contains(bad) {
            problems.push(format!("output carries {bad:?}"));
        }
    }
    if o.status.code() != Some(0) && args.iter().any(|a| a == p.out.to_str().unwrap()) {
        if snapshot(&p.out) != out_before {
            problems.push("a failed run changed --out".into());
        }
        let litter: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|f| f.contains(".rankday-"))
            .collect();
        if !litter.is_empty() {
            problems.push(format!("a failed run left {litter:?} beside --out"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name} ({}): {}{}",
            case.about,
            problems.join("; "),
            shown()
        ))
    }
}

#[test]
fn every_corpus_case_exits_with_its_code_and_message() {
    let dirs = case_dirs();
    let queue = Mutex::new(dirs.iter());
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let next = queue.lock().unwrap().next();
                let Some(d) = next else { break };
                if let Err(e) = run_case(d) {
                    failures.lock().unwrap().push(e);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

/// The README counts the corpus; the count stays true.
#[test]
fn the_readme_counts_the_corpus() {
    let n = case_dirs().len();
    assert!(n >= 150, "the corpus has {n} cases, fewer than 150");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let want = format!("{n} bad-input cases");
    assert!(
        readme.contains(&want),
        "README.md must say \"{want}\" (the corpus under crates/cli/tests/corpus/)"
    );
}
