//! The bodies of rankday's fuzz targets, and their seed corpora.
//!
//! Why a workspace crate: the coverage-guided fuzzers (`fuzz/`, cargo-fuzz
//! on a nightly toolchain) call these functions, and so does a normal test
//! on stable (`tests/smoke.rs`: every seed and a fixed number of mutations
//! of each), so CI exercises every target without a nightly toolchain.
//!
//! Each target feeds bytes to one reader through its public entry point and
//! asserts what must hold for *any* input: no panic, no hang, and an error
//! message with no Rust `Debug` text in it (`Some(`, `None`, `Os {`).
//!
//! | target | reader |
//! |---|---|
//! | `market_csv` | `rankday_io::load_market` on a CSV market (securities, daily, actions, split on the byte 0x1E), with every semantic check |
//! | `market_parquet` | the same with one table as Parquet (format-1 schema); the first byte picks the table |
//! | `tables_csv` | `read_membership` and `read_returns` (the first byte picks) |
//! | `ishares` | `rankday_import::parse_holdings`, then `holdings_to_market` |
//! | `policy_toml` | `Policy::from_toml`, `PassiveModel::from_toml`, `FlowConfig::from_toml` |
//! | `calendar_toml` | `TradingCalendar::from_toml`, `ReconCalendar::from_toml` |

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rankday_core::Market;

/// The byte between the tables of a `market_csv` input (ASCII record separator).
pub const TABLE_SEPARATOR: u8 = 0x1E;

/// A target's body: whether the reader accepted the input.
pub type Target = fn(&[u8]) -> bool;

/// Every target: its name and its body, which returns whether the reader
/// accepted the input (the fuzzers ignore it; the seed test checks that
/// every seed is accepted, so the seeds reach past the error paths).
pub const TARGETS: &[(&str, Target)] = &[
    ("market_csv", market_csv),
    ("market_parquet", market_parquet),
    ("tables_csv", tables_csv),
    ("ishares", ishares),
    ("policy_toml", policy_toml),
    ("calendar_toml", calendar_toml),
];

/// The corpus base market of the command-line tests (ten companies over
/// seven months of 2024, every action kind), the repo's own files.
const BASE_SECURITIES: &str = include_str!("../../cli/tests/corpus/base/securities.csv");
const BASE_DAILY: &str = include_str!("../../cli/tests/corpus/base/daily.csv");
const BASE_ACTIONS: &str = include_str!("../../cli/tests/corpus/base/actions.csv");
const BASE_POLICY: &str = include_str!("../../cli/tests/corpus/base/policy.toml");

/// A message shown to users must not carry Rust `Debug` text. Messages
/// quote the offending value, so a pattern that the input itself holds
/// (a mutated field reading `USome(`) proves nothing and is not checked.
pub fn check_message(msg: &str, input: &[u8]) {
    for bad in ["Some(", "None", "Os {"] {
        // The message first: scanning the input byte by byte for every
        // message would cost more than the reader under test.
        if !msg.contains(bad) {
            continue;
        }
        let echoed = input.windows(bad.len()).any(|w| w == bad.as_bytes());
        assert!(echoed, "a message carries Debug text ({bad}): {msg}");
    }
}

thread_local! {
    /// A scratch directory per thread (files are rewritten per input; the
    /// stable test runs targets on several threads at once).
    static SCRATCH: PathBuf = {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let d = base.join(format!("rankday-fuzz-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch directory");
        d
    };
}

fn scratch() -> PathBuf {
    SCRATCH.with(|d| d.clone())
}

/// Removes this thread's scratch directory (for tests; a fuzzer runs until
/// stopped).
pub fn remove_scratch() {
    let _ = std::fs::remove_dir_all(scratch());
}

/// A fresh market directory in the scratch space.
fn market_dir() -> PathBuf {
    let d = scratch().join("market");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("market directory");
    d
}

fn load(dir: &Path, input: &[u8]) -> bool {
    match rankday_io::load_market(dir, &rankday_io::Checks::default()) {
        Ok(l) => {
            touch(&l.market);
            for w in &l.warnings {
                check_message(&w.to_string(), input);
            }
            true
        }
        Err(e) => {
            check_message(&e.to_string(), input);
            false
        }
    }
}

/// Uses what a loaded market promises (every row reachable by day and by
/// line), so a reader that built an inconsistent store is caught here.
fn touch(m: &Market) {
    for day in 0..m.n_days() {
        let cs = m.cross_section(day);
        assert!(cs.sec.windows(2).all(|w| w[0] < w[1]));
    }
    for s in 0..m.n_securities() {
        let h = m.history(rankday_core::Sec(s as u32));
        for i in 0..h.len() {
            let _ = h.row(i);
        }
    }
}

/// Up to three CSV tables split on [`TABLE_SEPARATOR`]: securities, daily,
/// actions (a missing part is a missing table).
pub fn market_csv(data: &[u8]) -> bool {
    let dir = market_dir();
    for (part, name) in
        data.split(|b| *b == TABLE_SEPARATOR)
            .zip(["securities.csv", "daily.csv", "actions.csv"])
    {
        std::fs::write(dir.join(name), part).expect("scratch write");
    }
    load(&dir, data)
}

/// The seeds' small market (the base's first five days) with one table
/// replaced by the Parquet bytes that follow the first byte (0: securities,
/// 1: daily, 2: actions).
pub fn market_parquet(data: &[u8]) -> bool {
    let Some((&which, bytes)) = data.split_first() else {
        return false;
    };
    let table = ["securities", "daily", "actions"][which as usize % 3];
    let dir = market_dir();
    for (name, text) in [
        ("securities", BASE_SECURITIES),
        ("daily", small_daily().as_str()),
        ("actions", SMALL_ACTIONS),
    ] {
        if name == table {
            std::fs::write(dir.join(format!("{name}.parquet")), bytes).expect("scratch write");
        } else {
            std::fs::write(dir.join(format!("{name}.csv")), text).expect("scratch write");
        }
    }
    load(&dir, data)
}

/// The base market, loaded once (for tables that refer to its securities).
fn base_market() -> &'static Market {
    static M: OnceLock<Market> = OnceLock::new();
    M.get_or_init(|| {
        // Its own directory: other threads share this market.
        let dir = scratch().join(format!("base-{:?}", std::thread::current().id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        for (name, text) in [
            ("securities.csv", BASE_SECURITIES),
            ("daily.csv", BASE_DAILY),
            ("actions.csv", BASE_ACTIONS),
        ] {
            std::fs::write(dir.join(name), text).expect("scratch write");
        }
        rankday_io::read_market(&dir).expect("the corpus base market loads")
    })
}

/// A `membership` table (first byte even) or a portfolio's returns (odd),
/// as CSV.
pub fn tables_csv(data: &[u8]) -> bool {
    let Some((&which, bytes)) = data.split_first() else {
        return false;
    };
    let m = base_market();
    let p = scratch().join("table.csv");
    std::fs::write(&p, bytes).expect("scratch write");
    let msg = if which % 2 == 0 {
        rankday_io::read_membership(&p, m)
            .err()
            .map(|e| e.to_string())
    } else {
        rankday_io::read_returns(&p).err().map(|e| e.to_string())
    };
    match msg {
        Some(msg) => {
            check_message(&msg, data);
            false
        }
        None => true,
    }
}

/// An iShares holdings file (any of the three layouts), then the market
/// made of it.
pub fn ishares(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let opts = rankday_import::ReadOptions::default();
    match rankday_import::parse_holdings(text, Path::new("IWM_2025-05-13.csv"), &opts) {
        Ok(f) => match rankday_import::holdings_to_market(&[f]) {
            Ok((m, _)) => {
                touch(&m);
                true
            }
            Err(e) => {
                check_message(&e.to_string(), data);
                false
            }
        },
        Err(e) => {
            check_message(&e.to_string(), data);
            false
        }
    }
}

/// A construction policy, a passive-ownership model and a flow config.
pub fn policy_toml(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let results = [
        rankday_method::Policy::from_toml(text)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        rankday_flows::PassiveModel::from_toml(text)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        rankday_flows::FlowConfig::from_toml(text)
            .map(|_| ())
            .map_err(|e| e.to_string()),
    ];
    let mut accepted = false;
    for r in results {
        match r {
            Ok(()) => accepted = true,
            Err(e) => check_message(&e, data),
        }
    }
    accepted
}

/// A trading calendar and a reconstitution calendar.
pub fn calendar_toml(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let mut accepted = false;
    match rankday_calendar::TradingCalendar::from_toml(text) {
        Ok(c) => {
            let d = rankday_core::Date::ymd(2024, 1, 1);
            let _ = c.trading_days(d, d.add_days(40));
            accepted = true;
        }
        Err(e) => check_message(&e.to_string(), data),
    }
    match rankday_calendar::ReconCalendar::from_toml(
        text,
        rankday_calendar::TradingCalendar::nyse(),
    ) {
        Ok(c) => {
            let _ = c.schedule(2026);
            accepted = true;
        }
        Err(e) => check_message(&e.to_string(), data),
    }
    accepted
}

/// The seed corpus of a target, from the repo's own files: the corpus base
/// market (as CSV, and each table as Parquet), the shipped policies and
/// calendars, the importer's layout fixtures.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let join = |parts: &[&str]| -> Vec<u8> {
        let mut v = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                v.push(TABLE_SEPARATOR);
            }
            v.extend_from_slice(p.as_bytes());
        }
        v
    };
    let head = |t: &str| t.lines().next().unwrap_or_default().to_string() + "\n";
    let first_lines = |t: &str, n: usize| t.lines().take(n).collect::<Vec<_>>().join("\n") + "\n";
    match target {
        "market_csv" => vec![
            join(&[
                BASE_SECURITIES,
                &first_lines(BASE_DAILY, SMALL_DAILY_LINES),
                SMALL_ACTIONS,
            ]),
            join(&[BASE_SECURITIES, &first_lines(BASE_DAILY, 12)]),
            join(&[
                &head(BASE_SECURITIES),
                &head(BASE_DAILY),
                &head(BASE_ACTIONS),
            ]),
            join(&[BASE_SECURITIES, BASE_DAILY, BASE_ACTIONS]),
        ],
        "market_parquet" => parquet_seeds(),
        "tables_csv" => vec![
            [&[0u8][..], MEMBERSHIP_SEED.as_bytes()].concat(),
            [&[1u8][..], RETURNS_SEED.as_bytes()].concat(),
        ],
        "ishares" => vec![
            include_bytes!("../seeds/ishares/IWM_holdings_export.csv").to_vec(),
            include_bytes!("../seeds/ishares/IWV_2021-01-26_table_only.csv").to_vec(),
            include_bytes!("../seeds/ishares/IWB_2025-01-02_dbt.csv").to_vec(),
        ],
        "policy_toml" => vec![
            include_bytes!("../../method/policy/russell.toml").to_vec(),
            include_bytes!("../../flows/policy/passive.toml").to_vec(),
            BASE_POLICY.as_bytes().to_vec(),
        ],
        "calendar_toml" => vec![
            include_bytes!("../../calendar/policy/nyse.toml").to_vec(),
            include_bytes!("../../calendar/policy/russell.toml").to_vec(),
        ],
        _ => Vec::new(),
    }
}

/// Lines of the base `daily` in the small market of the seeds (its first
/// five trading days): fuzzers run fastest on inputs of a few kilobytes.
const SMALL_DAILY_LINES: usize = 51;

/// The small market's `daily` (the base's first five days).
fn small_daily() -> &'static String {
    static D: OnceLock<String> = OnceLock::new();
    D.get_or_init(|| {
        BASE_DAILY
            .lines()
            .take(SMALL_DAILY_LINES)
            .map(|l| format!("{l}\n"))
            .collect()
    })
}

/// Actions dated within the small market's five days.
const SMALL_ACTIONS: &str = "ex_date,security_id,kind,ratio,amount,other_id
2024-03-05,AAA,cash_dividend,,0.55,
2024-03-06,FFF,share_change,,,
2024-03-07,CCC,special_dividend,,0.42,
";

/// A membership table of the base market, as `rankday reconstitute` writes it.
const MEMBERSHIP_SEED: &str = "rank_date,effective_date,state_kind,security_id,company_id,ticker,rank,total_market_cap,float_market_cap,cumulative_percentile,index_shares,r3000e,r3000,r1000,r2000,change
2024-04-30,2024-06-28,reconstitution,AAA,C_AAA,AAA,1,224140000000,212933000000,78.5,1900000000,true,true,true,false,add
2024-04-30,2024-06-28,reconstitution,BBB,C_BBB,BBB,2,13910000000,12519000000,83.4,270000000,true,true,true,false,add
2024-04-30,2024-06-28,reconstitution,DDD,C_DDD,DDD,7,909000000,636300000,99.7,63000000,true,true,false,true,add
";

/// A portfolio's daily returns.
const RETURNS_SEED: &str = "date,return
2024-07-01,0.0042
2024-07-02,-0.0113
2024-07-03,0.0007
";

/// Each table of the small market of the seeds as Parquet (the writer's
/// own output), behind its selector byte.
fn parquet_seeds() -> Vec<Vec<u8>> {
    let csv = scratch().join("seed-csv");
    let _ = std::fs::remove_dir_all(&csv);
    std::fs::create_dir_all(&csv).expect("scratch directory");
    for (name, text) in [
        ("securities.csv", BASE_SECURITIES),
        ("daily.csv", small_daily().as_str()),
        ("actions.csv", SMALL_ACTIONS),
    ] {
        std::fs::write(csv.join(name), text).expect("scratch write");
    }
    let m = rankday_io::read_market(&csv).expect("the small market loads");
    let dir = scratch().join("seed-parquet");
    let _ = std::fs::remove_dir_all(&dir);
    rankday_io::write_market(&m, &dir, rankday_io::FileFormat::Parquet)
        .expect("the small market writes as Parquet");
    ["securities", "daily", "actions"]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let bytes = std::fs::read(dir.join(format!("{t}.parquet"))).expect("seed read");
            [&[i as u8][..], &bytes].concat()
        })
        .collect()
}
