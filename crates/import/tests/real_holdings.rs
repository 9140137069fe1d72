//! Every shared iShares holdings file parses, with the row counts of its
//! PROVENANCE.md, the dates it documents, and the layout it describes.
//! Skips (with a message) when the shared folder (`<repo>/../shared`) is absent.

use rankday_core::Date;
use rankday_import::{read_holdings, read_holdings_with, Layout, ReadOptions};

/// (file, as-of date, layout, Equity rows per PROVENANCE.md).
const FILES: &[(&str, &str, Layout, usize)] = &[
    ("IWV_2021-01-26.csv", "2021-01-26", Layout::TableOnly, 2854),
    ("IWV_2021-06-29.csv", "2021-06-29", Layout::TableOnly, 2686),
    ("IWV_2024-08-15.csv", "2024-08-15", Layout::TableOnly, 2672),
    ("IWV_2024-12-31.csv", "2024-12-31", Layout::DbtSeed, 2684),
    ("IWV_2025-05-02.csv", "2025-05-02", Layout::Export, 2656),
    ("IWV_2025-05-21.csv", "2025-05-21", Layout::Export, 2653),
    ("IWV_2025-06-30.csv", "2025-06-30", Layout::DbtSeed, 2669),
    ("IWV_2025-08-29.csv", "2025-08-29", Layout::DbtSeed, 2599),
    ("IWV_2025-09-16.csv", "2025-09-16", Layout::DbtSeed, 2586),
    ("IWM_2024-09-27.csv", "2024-09-27", Layout::TableOnly, 1982),
    ("IWM_2025-05-13.csv", "2025-05-13", Layout::Export, 1939),
    ("IWM_2025-11-05.csv", "2025-11-05", Layout::Export, 1962),
    (
        "IWM_2025-11-11_inferred.csv",
        "2025-11-11",
        Layout::TableOnly,
        1962,
    ),
    ("IWM_2026-01-21.csv", "2026-01-21", Layout::Export, 1952),
    ("IWM_2026-04-10.csv", "2026-04-10", Layout::Export, 1936),
    ("IWM_2026-04-23.csv", "2026-04-23", Layout::Export, 1931),
    ("IWM_2026-05-05.csv", "2026-05-05", Layout::Export, 1924),
    ("IWB_2026-04-13.csv", "2026-04-13", Layout::Export, 1004),
    ("IWB_2026-07-17.csv", "2026-07-17", Layout::Export, 1024),
    ("IWC_2022-05-09.csv", "2022-05-09", Layout::TableOnly, 1771),
    ("IWC_2026-01-20.csv", "2026-01-20", Layout::Export, 1314),
];

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn all_shared_holdings_files_parse_with_documented_counts() {
    let real = rankday_testkit::shared::real_data();
    let dir = real.join("ishares_holdings");
    for &(name, date, layout, equity_rows) in FILES {
        let f = read_holdings(&dir.join(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.as_of, Date::parse(date).unwrap(), "{name}");
        assert_eq!(f.fund, &name[..3], "{name}");
        assert_eq!(f.layout, layout, "{name}");
        let accounted = f.holdings.len() + f.placeholder_tickers + f.merged_duplicates;
        assert_eq!(
            accounted, equity_rows,
            "{name}: every Equity row kept, dropped or merged"
        );
        assert!(
            f.holdings
                .iter()
                .all(|h| h.ticker.chars().any(|c| c != '-')),
            "{name}"
        );
        let valued = f.holdings.iter().filter(|h| h.is_valued()).count();
        assert!(
            valued as f64 > 0.98 * f.holdings.len() as f64,
            "{name}: {valued} valued"
        );
        // Weights of the equity lines add up to the fund's equity share (~99-100%).
        let w: f64 = f
            .holdings
            .iter()
            .map(|h| h.weight_pct)
            .filter(|w| w.is_finite())
            .sum();
        assert!((97.0..=101.0).contains(&w), "{name}: equity weight {w}");
        // MV = shares x price on the big lines (to the cent, bar rounding of price).
        let top = f
            .holdings
            .iter()
            .max_by(|a, b| a.market_value.total_cmp(&b.market_value))
            .unwrap();
        assert!(
            (top.shares * top.price / top.market_value - 1.0).abs() < 1e-3,
            "{name}: {top:?}"
        );
    }
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn header_date_agrees_with_file_name_and_override_works() {
    let real = rankday_testkit::shared::real_data();
    let p = real.join("ishares_holdings/IWM_2025-11-11_inferred.csv");
    let o = ReadOptions {
        as_of: Some(Date::ymd(2025, 11, 10)),
        fund: None,
    };
    assert_eq!(
        read_holdings_with(&p, &o).unwrap().as_of,
        Date::ymd(2025, 11, 10)
    );
    // The IWM total the flow estimate of test 5 uses: about $64bn.
    let f = read_holdings(&real.join("ishares_holdings/IWM_2025-05-13.csv")).unwrap();
    let bn = f.equity_value() / 1e9;
    assert!((63.0..65.0).contains(&bn), "IWM equity value {bn} bn");
}
