//! End-to-end tests of the `rankday` binary: every command run as a user
//! would, on small generated markets (2 years, seconds to make).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn rankday() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rankday"))
}

/// Runs `rankday args...`, returning the output (whatever the exit code).
fn run(args: &[&str]) -> Output {
    rankday()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("spawning rankday {args:?}: {e}"))
}

/// Runs `rankday args...` and asserts it exits 0.
fn ok(args: &[&str]) -> Output {
    let o = run(args);
    assert!(
        o.status.success(),
        "rankday {args:?} exited {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The shared 2-year seed-3 market (parquet), generated once per test binary
/// under cargo's per-target scratch directory.
fn market() -> &'static Path {
    static M: OnceLock<PathBuf> = OnceLock::new();
    M.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-market-y2-s3");
        let _ = std::fs::remove_dir_all(&dir);
        ok(&[
            "generate",
            "--years",
            "2",
            "--seed",
            "3",
            "--out",
            s(&dir),
            "-q",
        ]);
        dir
    })
}

const SUBCOMMANDS: &[&str] = &[
    "demo",
    "generate",
    "inspect",
    "calendar",
    "reconstitute",
    "explain",
    "calc",
    "flows",
    "fund",
    "benchmark",
    "report",
    "import",
];

#[test]
fn help_of_the_binary_and_every_subcommand_exits_0() {
    let o = ok(&["--help"]);
    let top = stdout(&o);
    for sub in SUBCOMMANDS {
        assert!(top.contains(sub), "`rankday --help` lists {sub}");
        let o = ok(&[sub, "--help"]);
        assert!(
            stdout(&o).contains("Usage"),
            "`rankday {sub} --help` prints a usage line"
        );
    }
    ok(&["import", "ishares", "--help"]);
    ok(&["--version"]);
    // No subcommand is a usage error, not a success.
    assert!(!run(&[]).status.success());
}

#[test]
fn calendar_2026_has_the_rank_and_effective_days() {
    let o = ok(&["calendar", "2026"]);
    let out = stdout(&o);
    // June rank day and effective day, December rank day and effective day.
    for d in ["2026-04-30", "2026-06-26", "2026-10-30", "2026-12-11"] {
        assert!(out.contains(d), "calendar 2026 mentions {d}:\n{out}");
    }
}

#[test]
fn inspect_json_parses() {
    let o = ok(&["inspect", s(market()), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("inspect --json is not JSON ({e}):\n{}", stdout(&o)));
    assert!(v.is_object(), "inspect --json is an object");
    assert_eq!(v["date"], "2026-11-20", "last day of the default history");
    // The generated market passes every semantic check without a warning.
    assert_eq!(v["warnings"], serde_json::json!([]), "{}", stdout(&o));
}

#[test]
fn reconstitute_writes_membership_csv_with_the_format_spec_columns() {
    let out = tempfile::tempdir().unwrap();
    ok(&[
        "reconstitute",
        "--market",
        s(market()),
        "--out",
        s(out.path()),
        "--format",
        "csv",
        "-q",
    ]);
    let text = std::fs::read_to_string(out.path().join("membership.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    // Format spec (market-format.md, `membership`).
    for col in [
        "rank_date",
        "effective_date",
        "security_id",
        "company_id",
        "ticker",
        "rank",
        "total_market_cap",
        "float_market_cap",
        "cumulative_percentile",
        "r3000e",
        "r3000",
        "r1000",
        "r2000",
        "rtop200",
        "rmidcap",
        "rmicro",
        "change",
    ] {
        assert!(
            header.contains(&col),
            "membership.csv has column {col}: {header:?}"
        );
    }
    let at = |c: &str| header.iter().position(|h| *h == c).unwrap();
    let (rd, r2000, change) = (at("rank_date"), at("r2000"), at("change"));
    let mut r2000_2026 = 0;
    let mut n = 0;
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), header.len(), "row width: {l}");
        assert!(
            ["add", "delete", "up", "down", "stay"].contains(&f[change]),
            "change value {:?}",
            f[change]
        );
        if f[rd] == "2026-04-30" && f[r2000] == "true" {
            r2000_2026 += 1;
        }
        n += 1;
    }
    assert!(n > 5000, "rows for every state: {n}");
    assert!(
        (1900..=2100).contains(&r2000_2026),
        "R2000 lines at the 2026 recon: {r2000_2026}"
    );
}

#[test]
fn calc_writes_levels_of_the_requested_indexes() {
    let out = tempfile::tempdir().unwrap();
    ok(&[
        "calc",
        "--market",
        s(market()),
        "--out",
        s(out.path()),
        "--index",
        "R2000,R1000",
        "-q",
    ]);
    assert!(out.path().join("levels.parquet").is_file());
    // The same as CSV, to look inside.
    ok(&[
        "calc",
        "--market",
        s(market()),
        "--out",
        s(out.path()),
        "--index",
        "R2000,R1000",
        "--format",
        "csv",
        "-q",
    ]);
    let text = std::fs::read_to_string(out.path().join("levels.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let idx = header
        .iter()
        .position(|h| *h == "index")
        .expect("index column");
    let pr = header
        .iter()
        .position(|h| *h == "price_return")
        .expect("price_return column");
    let mut seen = std::collections::BTreeSet::new();
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        seen.insert(f[idx].to_string());
        let v: f64 = f[pr].parse().unwrap();
        assert!(v.is_finite() && v > 0.0, "level {v} in {l}");
    }
    let want: std::collections::BTreeSet<String> =
        ["R1000", "R2000"].iter().map(|x| x.to_string()).collect();
    assert_eq!(seen, want, "levels of exactly the requested indexes");
    // Every carried price is listed, with its span in trading days.
    let halts = std::fs::read_to_string(out.path().join("halts.csv")).unwrap();
    let mut rows = halts.lines();
    assert_eq!(rows.next(), Some("security_id,ticker,from,to,trading_days"));
    for l in rows {
        let f: Vec<&str> = l.split(',').collect();
        let days: i64 = f[4].parse().unwrap();
        assert!(f[2] <= f[3] && days >= 1, "{l}");
        assert!(days > 1 || f[2] == f[3], "{l}");
        // The generator halts lines for 1-8 days; anything longer is a line
        // a state kept after it stopped trading, carried at a stale close.
        assert!(days <= 8, "{l}");
    }
}

#[test]
fn flows_forecast_as_of_a_date() {
    let out = tempfile::tempdir().unwrap();
    let o = ok(&[
        "--json",
        "flows",
        "--market",
        s(market()),
        "--as-of",
        "2026-05-15",
        "--out",
        s(out.path()),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("flows --json is not JSON ({e}):\n{}", stdout(&o)));
    assert_eq!(v["effective_date"], "2026-06-26", "the next June recon");
    assert!(out.path().join("flows.parquet").is_file());
}

#[test]
fn demo_prints_the_report_path_and_writes_it() {
    let out = tempfile::tempdir().unwrap();
    let d = out.path().join("D");
    let o = ok(&["demo", "--out", s(&d), "--years", "2"]);
    let text = stdout(&o) + &stderr(&o);
    let report = d.join("report.html");
    assert!(
        text.contains(s(&report)),
        "demo names the report {}:\n{text}",
        report.display()
    );
    let html = std::fs::read_to_string(&report).expect("report written");
    assert!(
        html.len() > 1000 && html.contains("<html"),
        "an HTML report"
    );
}

#[test]
fn corrupted_market_fails_naming_file_line_and_column_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("bad");
    ok(&[
        "generate",
        "--years",
        "2",
        "--seed",
        "3",
        "--out",
        s(&m),
        "--format",
        "csv",
        "-q",
    ]);
    // Row 10 of the data (line 11 of the file, counting the header) gets close = -1.
    let p = m.join("daily.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let close = lines[0].split(',').position(|h| h == "close").unwrap();
    let mut f: Vec<String> = lines[10].split(',').map(str::to_string).collect();
    f[close] = "-1".into();
    lines[10] = f.join(",");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();

    let out = tmp.path().join("O");
    let o = run(&[
        "reconstitute",
        "--market",
        s(&m),
        "--out",
        s(&out),
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(1), "exit 1:\n{}", stderr(&o));
    let err = stderr(&o);
    // The cause leads: file, line, column, what was wrong.
    assert!(
        err.starts_with("error: ") && err.contains("daily.csv:11:3 (close): must be > 0, got -1"),
        "names the file, line and column first: {err}"
    );
    assert!(
        !out.join("membership.csv").exists() && !out.join("membership.parquet").exists(),
        "no membership table left behind"
    );
}

#[test]
fn explain_unknown_ticker_exits_1_with_a_helpful_message() {
    let o = run(&[
        "explain",
        "--market",
        s(market()),
        "--rank-date",
        "2026-04-30",
        "--ticker",
        "NOSUCHTICKER",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("NOSUCHTICKER"), "names the ticker: {err}");
    assert!(err.contains("ticker"), "says what was looked up: {err}");
    assert!(!err.contains("panicked"), "an error, not a panic: {err}");
}

#[test]
fn explain_a_known_ticker_exits_0() {
    // First data row of the first membership is a ticker that exists.
    let out = tempfile::tempdir().unwrap();
    ok(&[
        "reconstitute",
        "--market",
        s(market()),
        "--rank-date",
        "2026-04-30",
        "--out",
        s(out.path()),
        "--format",
        "csv",
        "-q",
    ]);
    let text = std::fs::read_to_string(out.path().join("membership.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let t = header.iter().position(|h| *h == "ticker").unwrap();
    let row = text.lines().nth(1).unwrap();
    let ticker = row.split(',').nth(t).unwrap();
    let o = ok(&[
        "explain",
        "--market",
        s(market()),
        "--rank-date",
        "2026-04-30",
        "--ticker",
        ticker,
    ]);
    assert!(stdout(&o).contains(ticker));

    // A near miss (last letter changed, or one added, to a ticker no line of
    // the market has) is an error that suggests the real one.
    let listed: std::collections::HashSet<String> = rankday_pipeline::load_market(market())
        .unwrap()
        .securities()
        .iter()
        .map(|x| x.ticker.clone())
        .collect();
    let stem = &ticker[..ticker.len() - 1];
    let typo = ('A'..='Z')
        .rev()
        .map(|c| format!("{stem}{c}"))
        .chain(('A'..='Z').map(|c| format!("{ticker}{c}")))
        .find(|t| t != ticker && !listed.contains(t))
        .expect("a ticker one letter off that no line has");
    let o = run(&[
        "explain",
        "--market",
        s(market()),
        "--rank-date",
        "2026-04-30",
        "--ticker",
        &typo,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("look like it"), "suggests tickers: {err}");
    assert!(err.contains(ticker), "suggests {ticker} for {typo}: {err}");

    // A date that is not a rank day names the nearest ones.
    let o = run(&[
        "explain",
        "--market",
        s(market()),
        "--rank-date",
        "2026-05-06",
        "--ticker",
        ticker,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("nearest rank days: 2026-04-30"), "{err}");
}

#[test]
fn generate_is_deterministic_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for d in [&a, &b] {
        ok(&[
            "generate",
            "--years",
            "2",
            "--seed",
            "11",
            "--out",
            s(d),
            "-q",
        ]);
    }
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 4, "market files: {names:?}");
    for n in &names {
        let (x, y) = (
            std::fs::read(a.join(n)).unwrap(),
            std::fs::read(b.join(n)).unwrap(),
        );
        assert!(x == y, "{n:?} differs between two runs with the same seed");
    }
}

/// `calc --membership` values the states of a file instead of
/// reconstituting: the same file as CSV or Parquet gives byte-identical
/// levels, and `reconstitute` writes every state of the history (the
/// reconstitutions, the IPO rounds, the quarterly updates), so the file's
/// levels and divisors are the engine path's, byte for byte: one history,
/// one answer. `fund` and `benchmark` run on the same file.
#[test]
fn calc_from_a_membership_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = |name: &str| tmp.path().join(name);
    let calc_from = |membership: Option<&Path>, out: &str| -> (String, String) {
        let out_dir = dir(out);
        let mut args = vec!["calc", "--market", s(market())];
        if let Some(m) = membership {
            args.extend(["--membership", s(m)]);
        }
        args.extend([
            "--index",
            "R2000",
            "--format",
            "csv",
            "--out",
            s(&out_dir),
            "-q",
        ]);
        ok(&args);
        let read = |f: &str| std::fs::read_to_string(dir(out).join(f)).unwrap();
        (read("levels.csv"), read("divisors.csv"))
    };
    for format in ["csv", "parquet"] {
        ok(&[
            "reconstitute",
            "--market",
            s(market()),
            "--format",
            format,
            "--out",
            s(&dir(format)),
            "-q",
        ]);
    }
    let from_csv = calc_from(Some(&dir("csv").join("membership.csv")), "calc_csv");
    let from_parquet = calc_from(
        Some(&dir("parquet").join("membership.parquet")),
        "calc_parquet",
    );
    assert_eq!(from_csv, from_parquet);
    let engine = calc_from(None, "engine");
    assert!(
        engine.1.contains("ipo_addition") && engine.1.contains("share_update"),
        "the market exercises IPO rounds and quarterly updates"
    );
    let table = std::fs::read_to_string(dir("csv").join("membership.csv")).unwrap();
    for kind in [",reconstitution,", ",additions,", ",update,"] {
        assert!(table.contains(kind), "membership.csv has {kind} states");
    }
    assert!(
        from_csv.0 == engine.0,
        "levels from the table equal the engine's"
    );
    assert!(
        from_csv.1 == engine.1,
        "divisors from the table equal the engine's"
    );

    // fund and benchmark take the same states.
    let csv = dir("csv").join("membership.csv");
    ok(&[
        "fund",
        "--market",
        s(market()),
        "--membership",
        s(&csv),
        "--index",
        "R2000",
        "--out",
        s(&dir("fund")),
        "-q",
    ]);
    assert!(dir("fund").join("fund_nav.parquet").is_file());
    ok(&[
        "benchmark",
        "--market",
        s(market()),
        "--membership",
        s(&csv),
        "--index",
        "R2000",
        "--against-index",
        "R1000",
        "--out",
        s(&dir("bench")),
        "-q",
    ]);

    let err = run(&[
        "calc",
        "--market",
        s(market()),
        "--membership",
        s(&dir("nope.csv")),
        "--out",
        s(&dir("x")),
    ]);
    assert!(!err.status.success());
    assert!(stderr(&err).contains("nope.csv"), "{}", stderr(&err));

    // The states carry the construction: a policy beside them is refused,
    // not silently ignored.
    let policy = dir("policy.toml");
    std::fs::write(&policy, "").unwrap();
    let err = run(&[
        "calc",
        "--market",
        s(market()),
        "--membership",
        s(&csv),
        "--policy",
        s(&policy),
        "--out",
        s(&dir("y")),
    ]);
    assert_eq!(err.status.code(), Some(2), "{}", stderr(&err));
    assert!(stderr(&err).contains("--policy"), "{}", stderr(&err));
    assert!(!dir("y").exists());
}
