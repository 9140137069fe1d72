//! The semantic checks against real data: the tolerances must let real
//! markets through without a false error (real big moves, real calendars),
//! and `--strict` must turn a warning into the error. The bad-input cases
//! (every rule failing) are data in the command-line corpus.

mod common;

use std::fmt::Write as _;

use rankday_io::{load_market, Checks, WarningKind};

/// The 2025 daily closes of the 186 Russell 3000 adds and deletes of the
/// shared real data (yfinance, 30,972 rows), as a format-1 market: each
/// ticker a line of its own company, shares held constant. It must load
/// with no error (every date an NYSE trading day, no check tripped by a
/// real day) and no price-move warning at the default bound (the largest
/// real moves are ×4.1 and ×0.23).
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn real_daily_closes_pass_every_check() {
    let src = rankday_testkit::shared::real_data()
        .join("russell_recon_2025/R3000_2025-01-01_to_2025-09-05.csv");
    let text = std::fs::read_to_string(&src).unwrap();
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let (d, t, c, v) = (col("Date"), col("Ticker"), col("Close"), col("Volume"));
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        // A few rows of the file have no close: they are not trades.
        if f[c].is_empty() || f[c].parse::<f64>().map_or(true, |x| x.is_nan() || x <= 0.0) {
            continue;
        }
        rows.push((f[d].into(), f[t].into(), f[c].into(), f[v].into()));
    }
    assert!(rows.len() > 30_000, "{} rows", rows.len());
    let mut tickers: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    tickers.sort();
    tickers.dedup();
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("security_id,company_id,ticker,security_type,exchange,country_incorporation,country_headquarters,country_exchange\n");
    for t in &tickers {
        writeln!(s, "{t},C{t},{t},common,NASDAQ,US,US,US").unwrap();
    }
    std::fs::write(dir.path().join("securities.csv"), s).unwrap();
    let mut s = String::from("date,security_id,close,volume,shares_outstanding,float_shares\n");
    for (d, t, c, v) in &rows {
        let vol = v.parse::<f64>().unwrap_or(0.0).max(0.0);
        writeln!(s, "{d},{t},{c},{vol},10000000,9000000").unwrap();
    }
    std::fs::write(dir.path().join("daily.csv"), s).unwrap();
    let loaded = load_market(dir.path(), &Checks::default())
        .unwrap_or_else(|e| panic!("a real market is refused: {e}"));
    assert_eq!(loaded.market.n_securities(), tickers.len());
    let moves = loaded
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::PriceMove)
        .count();
    assert_eq!(
        moves,
        0,
        "{:?}",
        loaded.warnings.first().map(|w| w.to_string())
    );
    // At a tight bound the real big days are named, and --strict stops on them.
    let tight = Checks {
        max_daily_move: 3.0,
        ..Checks::default()
    };
    let named = load_market(dir.path(), &tight).unwrap().warnings;
    assert!(
        (2..=10).contains(&named.len()),
        "{} warnings at ×3",
        named.len()
    );
    let e = load_market(
        dir.path(),
        &Checks {
            strict: true,
            ..tight
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("[price_move; --strict makes warnings errors"),
        "{e}"
    );
}

/// The fixture of the round-trip tests (every column and action kind, awkward
/// floats) is semantically valid: it loads, and its deliberately huge moves
/// are the only warnings.
#[test]
fn the_fixture_loads_with_only_price_warnings() {
    let dir = tempfile::tempdir().unwrap();
    rankday_io::write_market(
        &common::sample_market(),
        dir.path(),
        rankday_io::FileFormat::Csv,
    )
    .unwrap();
    let loaded = load_market(dir.path(), &Checks::default()).unwrap();
    assert!(!loaded.warnings.is_empty());
    assert!(loaded
        .warnings
        .iter()
        .all(|w| w.kind == WarningKind::PriceMove));
}
