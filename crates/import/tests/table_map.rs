//! `rankday import table --map FILE.toml`: a vendor's export read through a
//! ten-line column map, and the errors a wrong map gets.

use std::path::Path;

use rankday_core::{ActionKind, Date, Exchange, SecurityType};
use rankday_import::{import_table, ColumnMap, ImportError};
use rankday_io::{read_market, FileFormat};

const PRICES: &str = "\
TradeDate,FIGI,Close,Vol,SharesOut
01/02/2024,BBG1,10.5,1000,2500
01/02/2024,BBG2,20,,100
01/03/2024,BBG1,11,1200,2500
01/03/2024,BBG2,10.2,300,200
";
const MASTER: &str = "\
FIGI,Issuer,Symbol,Mic,Kind
BBG1,ISS1,ALP,XNYS,CS
BBG2,ISS2,BET,XNAS,REIT
";
const ACTIONS: &str = "\
ExDate,FIGI,Type,Ratio,Amount
2024-01-03,BBG2,SPLIT,2,
2024-01-03,BBG1,DIV,,0.25
";
const MAP: &str = r#"
[daily]
file = "prices.csv"
date = "TradeDate"
security_id = "FIGI"
close = "Close"
volume = { column = "Vol", default = 0 }
shares_outstanding = { column = "SharesOut", scale = 1000 }

[securities]
file = "master.csv"
security_id = "FIGI"
company_id = "Issuer"
ticker = "Symbol"
exchange = { column = "Mic", values = { XNYS = "NYSE", XNAS = "NASDAQ" } }
security_type = { column = "Kind", values = { CS = "common", REIT = "reit" } }

[actions]
file = "actions.csv"
ex_date = "ExDate"
security_id = "FIGI"
kind = { column = "Type", values = { SPLIT = "split", DIV = "cash_dividend" } }
ratio = "Ratio"
amount = "Amount"
"#;

fn export(dir: &Path, map: &str, prices: &str) -> std::path::PathBuf {
    for (n, t) in [
        ("prices.csv", prices),
        ("master.csv", MASTER),
        ("actions.csv", ACTIONS),
        ("map.toml", map),
    ] {
        std::fs::write(dir.join(n), t).unwrap();
    }
    dir.join("map.toml")
}

#[test]
fn a_vendor_export_reads_through_its_map() {
    let tmp = tempfile::tempdir().unwrap();
    let map = export(tmp.path(), MAP, PRICES);
    let out = tmp.path().join("market");
    import_table(&map, &out, FileFormat::Csv).unwrap_or_else(|e| panic!("{e}"));
    let m = read_market(&out).unwrap();
    assert_eq!(m.n_securities(), 2);
    let s = m.security(m.sec_by_id("BBG2").unwrap());
    assert_eq!((s.ticker.as_str(), s.company_id.as_str()), ("BET", "ISS2"));
    assert_eq!(
        (s.exchange, s.security_type),
        (Exchange::Nasdaq, SecurityType::Reit)
    );
    let day1 = m.cross_section(0);
    assert_eq!(m.dates(), [Date::ymd(2024, 1, 2), Date::ymd(2024, 1, 3)]);
    assert_eq!(day1.shares, [2_500_000.0, 100_000.0]);
    assert_eq!(
        day1.float, day1.shares,
        "float defaults to shares outstanding"
    );
    assert_eq!(
        day1.volume,
        [1000.0, 0.0],
        "an empty volume takes its default"
    );
    let kinds: Vec<ActionKind> = m.actions().iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [ActionKind::Split, ActionKind::CashDividend]);
    assert_eq!(m.actions()[0].ratio, Some(2.0));
    assert!(
        !out.with_extension("importing").exists(),
        "no staging left behind"
    );
}

#[test]
fn securities_can_come_from_the_daily_file_and_constants() {
    let tmp = tempfile::tempdir().unwrap();
    let map = r#"
observations = "sparse"
[daily]
file = "prices.csv"
date = "TradeDate"
security_id = "FIGI"
close = "Close"
shares_outstanding = "SharesOut"
[securities]
exchange = { value = "NASDAQ" }
"#;
    let path = export(tmp.path(), map, PRICES);
    let out = tmp.path().join("m");
    import_table(&path, &out, FileFormat::Parquet).unwrap_or_else(|e| panic!("{e}"));
    let m = read_market(&out).unwrap();
    assert!(m.is_sparse());
    let s = m.security(m.sec_by_id("BBG1").unwrap());
    assert_eq!((s.ticker.as_str(), s.exchange), ("BBG1", Exchange::Nasdaq));
    assert_eq!(s.security_type, SecurityType::Common);
}

#[test]
fn a_wrong_map_says_what_and_where() {
    let tmp = tempfile::tempdir().unwrap();
    let err = |map: &str, prices: &str| -> String {
        let p = export(tmp.path(), map, prices);
        let out = tmp.path().join("bad");
        let e: ImportError = import_table(&p, &out, FileFormat::Csv).unwrap_err();
        assert!(!out.exists(), "nothing written for a failed import");
        e.to_string()
    };
    let e = err(
        &MAP.replace("close = \"Close\"", "closing = \"Close\""),
        PRICES,
    );
    assert!(
        e.contains("[daily] has no format-1 column 'closing'"),
        "{e}"
    );
    let e = err(&MAP.replace("\"Close\"", "\"Last\""), PRICES);
    assert!(
        e.contains("no [daily] close column") && e.contains("\"Last\""),
        "{e}"
    );
    let e = err(MAP, &PRICES.replace("BBG2,20,", "BBG2,twenty,"));
    assert!(
        e.contains("prices.csv:3:3 (Close): 'twenty' is not a number"),
        "{e}"
    );
    let e = err(
        &MAP.replace("XNAS = \"NASDAQ\"", "XNAQ = \"NASDAQ\""),
        PRICES,
    );
    assert!(
        e.contains("master.csv:3") && e.contains("'XNAS' has no entry"),
        "{e}"
    );
    // An offering has terms the map has no column for: refused, not
    // read and then never applied.
    let e = err(
        &MAP.replace("DIV = \"cash_dividend\"", "DIV = \"offering\""),
        PRICES,
    );
    assert!(
        e.contains("actions.csv:3") && e.contains("offering action needs its offer_type"),
        "{e}"
    );
    // A negative close passes the map but breaks format 1: the row is named.
    let e = err(MAP, &PRICES.replace("BBG2,10.2,", "BBG2,-10.2,"));
    assert!(
        e.contains("breaks market format 1") && e.contains("close"),
        "{e}"
    );
    assert!(
        ColumnMap::parse("[daily]\nfile = \"x.csv\"\n", Path::new("m.toml"))
            .unwrap_err()
            .to_string()
            .contains("which column is 'date'")
    );
}
