//! An imported market written in format 1 reads back identical: the
//! importer's output passes rankday-io's validation (close > 0, float ≤
//! shares, split ex-dates on trading days of the security, ...).

use rankday_import::{import_holdings, ReadOptions};
use rankday_io::{read_market, FileFormat};

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn imported_iwm_market_round_trips_through_format_1() {
    let real = rankday_testkit::shared::real_data();
    let dir = real.join("ishares_holdings");
    let paths: Vec<_> = [
        "IWM_2026-01-21.csv",
        "IWM_2025-05-13.csv",
        "IWM_2025-11-05.csv",
        "IWM_2025-11-11_inferred.csv",
    ]
    .iter()
    .map(|n| dir.join(n))
    .collect();
    for format in [FileFormat::Csv, FileFormat::Parquet] {
        let out = tempfile::tempdir().unwrap();
        let s = import_holdings(&paths, &ReadOptions::default(), out.path(), format)
            .unwrap_or_else(|e| panic!("{e}"));
        let m = &s.market;
        assert!(!m.actions().is_empty());
        assert_eq!(s.memberships.len(), 4);
        assert!(s.files.windows(2).all(|w| w[0].1.as_of < w[1].1.as_of));
        let back = read_market(out.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.securities(), m.securities(), "{format:?}");
        assert_eq!(back.dates(), m.dates());
        assert_eq!(back.columns(), m.columns());
        assert_eq!(back.actions(), m.actions());
    }
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn a_broken_file_stops_the_import_before_anything_is_written() {
    let real = rankday_testkit::shared::real_data();
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("IWM_2025-01-02.csv");
    std::fs::write(
        &bad,
        "Ticker,Name,Asset Class,Market Value,Weight (%),Shares,Price\nA,ALPHA,Equity,1,2,x,3\n",
    )
    .unwrap();
    let good = real.join("ishares_holdings/IWM_2025-05-13.csv");
    let out = tmp.path().join("market");
    let e = import_holdings(
        &[good, bad.clone()],
        &ReadOptions::default(),
        &out,
        FileFormat::Csv,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}:2:6 (Shares): 'x' is not a number", bad.display())
    );
    assert!(!out.exists());
}
