//! The three holdings layouts and the snapshot layouts, from small inline
//! fixtures, plus malformed files and the errors they must produce.

use std::path::Path;

use rankday_core::Date;
use rankday_import::{
    parse_holdings, parse_weight_snapshot, read_holdings, ImportError, Layout, ReadOptions,
};

const EXPORT: &str = "\u{feff}iShares Russell 2000 ETF
Fund Holdings as of,\"May 13, 2025\"
Inception Date,\"May 22, 2000\"
Shares Outstanding,\"303,600,000.00\"
Stock,\"-\"
Bond,\"-\"
Cash,\"-\"
Other,\"-\"
\u{a0}
Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date
\"SFM\",\"SPROUTS FARMERS MARKET INC\",\"Consumer Staples\",\"Equity\",\"409,233,878.82\",\"0.64\",\"409,233,878.82\",\"2,582,406.00\",\"158.47\",\"United States\",\"NASDAQ\",\"USD\",\"1.00\",\"USD\",\"-\"
\"HIMS\",\"HIMS HERS HEALTH INC CLASS A\",\"Health Care\",\"Equity\",\"316,953,344.00\",\"0.50\",\"316,953,344.00\",\"4,952,396.00\",\"64.00\",\"United States\",\"New York Stock Exchange Inc.\",\"USD\",\"1.00\",\"USD\",\"-\"
\"XTSLA\",\"BLK CSH FND TREASURY SL AGENCY\",\"Cash and/or Derivatives\",\"Money Market\",\"269,805,617.75\",\"0.39\",\"269,805,617.75\",\"269,805,618.00\",\"1.00\",\"United States\",\"-\",\"USD\",\"1.00\",\"USD\",\"-\"
\"-\",\"OMNIAB INC $15.00 VESTING Prvt\",\"Health Care\",\"Equity\",\"1.31\",\"0.00\",\"1.31\",\"130,676.00\",\"0.00\",\"United States\",\"NO MARKET (E.G. UNLISTED)\",\"USD\",\"1.00\",\"USD\",\"-\"
\"ADRO\",\"CHINOOK THERAPEUTICS INC\",\"Health Care\",\"Equity\",\"223,817.75\",\"0.00\",\"223,817.75\",\"1,316,575.00\",\"0.17\",\"United States\",\"NO MARKET (E.G. UNLISTED)\",\"USD\",\"1.00\",\"USD\",\"-\"
\"ADRO\",\"CHINOOK THERAPEUTICS INC CVR\",\"Health Care\",\"Equity\",\"136,169.50\",\"0.00\",\"136,169.50\",\"272,339.00\",\"0.50\",\"United States\",\"NO MARKET (E.G. UNLISTED)\",\"USD\",\"1.00\",\"USD\",\"-\"
\"SFM\",\"SPROUTS FARMERS MARKET INC\",\"Consumer Staples\",\"Equity\",\"1,584.70\",\"0.00\",\"1,584.70\",\"10.00\",\"158.47\",\"United States\",\"NASDAQ\",\"USD\",\"1.00\",\"USD\",\"-\"
 
\"The content contained herein is owned or licensed by BlackRock, \"\"quoted\"\"
and spans lines.\"
©2023 BlackRock, Inc or its affiliates.
";

const TABLE_ONLY_UNQUOTED: &str = "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Shares,CUSIP,ISIN,SEDOL,Price,Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date\r
AAPL,APPLE INC,Information Technology,Equity,\"574,895,021.21\",4.83,\"574,895,021.21\",\"4,216,937.00\",037833100,US0378331005,2046251,136.33,United States,NASDAQ,USD,1.00,USD,--\r
--,SOME ESCROW,Financials,Equity,0.00,0.00,0.00,\"1,000.00\",-,-,-,0.00,United States,NASDAQ,USD,1.00,USD,--\r
TELL,TELLURIAN INC,Energy,Equity,\"3,394,058.04\",0.37,\"3,394,058.04\",\"863,628.00\",x,x,x,3.93,United States,Nyse Mkt Llc,USD,1,USD,-\r
,,,,,,,,,,,,,,,,,\r
,,,,,,,,,,,,,,,,,\r
";

const DBT: &str = "Ticker,Name,Sector,Asset_Class,Market_Value,Weight,Notional_Value,Quantity,Price,Location,Exchange,Currency,FX_Rate,Market_Currency,Accrual_Date
\"AAPL\",\"APPLE INC\",\"Information Technology\",\"Equity\",\"988,555,988.64\",\"6.32\",\"988,555,988.64\",\"3,947,592.00\",\"250.42\",\"United States\",\"NASDAQ\",\"USD\",\"1.00\",\"USD\",\"-\"
\"BRKB\",\"BERKSHIRE HATHAWAY INC CLASS B\",\"Financials\",\"Equity\",\"228,824,809.60\",\"1.46\",\"228,824,809.60\",\"504,820.00\",\"453.28\",\"United States\",\"New York Stock Exchange Inc.\",\"USD\",\"1.00\",\"USD\",\"-\"
";

#[test]
fn export_layout_with_preamble_footer_duplicates_and_non_equity() {
    let f = parse_holdings(
        EXPORT,
        Path::new("IWM_holdings.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(f.layout, Layout::Export);
    assert_eq!(f.fund, "IWM");
    assert_eq!(f.as_of, Date::ymd(2025, 5, 13), "date from the preamble");
    assert_eq!(f.non_equity_lines, 1);
    assert_eq!(f.placeholder_tickers, 1);
    assert_eq!(f.merged_duplicates, 1);
    let t: Vec<&str> = f.holdings.iter().map(|h| h.ticker.as_str()).collect();
    assert_eq!(
        t,
        ["SFM", "HIMS", "ADRO", "ADRO"],
        "both ADRO lines kept: different names"
    );
    let sfm = &f.holdings[0];
    assert_eq!(sfm.shares, 2_582_416.0, "duplicate line's quantity added");
    assert_eq!(sfm.price, 158.47);
    assert_eq!(sfm.sector.as_deref(), Some("Consumer Staples"));
    assert_eq!(sfm.exchange.as_deref(), Some("NASDAQ"));
    assert!((f.holdings[1].market_value - 316_953_344.0).abs() < 1e-6);
    assert_eq!(f.holdings[1].weight_pct, 0.50);
}

#[test]
fn export_layout_fund_from_title_when_file_name_says_nothing() {
    let f = parse_holdings(EXPORT, Path::new("holdings.csv"), &ReadOptions::default()).unwrap();
    assert_eq!(f.fund, "IWM");
    let o = ReadOptions {
        as_of: Some(Date::ymd(2025, 5, 14)),
        fund: Some("XYZ".into()),
    };
    let f = parse_holdings(EXPORT, Path::new("IWB_2020-01-01.csv"), &o).unwrap();
    assert_eq!(
        (f.fund.as_str(), f.as_of),
        ("XYZ", Date::ymd(2025, 5, 14)),
        "overrides win"
    );
}

#[test]
fn table_only_unquoted_crlf_with_extra_columns_and_trailing_empty_rows() {
    let f = parse_holdings(
        TABLE_ONLY_UNQUOTED,
        Path::new("IWV_2021-06-29.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(f.layout, Layout::TableOnly);
    assert_eq!(
        (f.fund.as_str(), f.as_of),
        ("IWV", Date::ymd(2021, 6, 29)),
        "from the file name"
    );
    assert_eq!(f.holdings.len(), 2);
    assert_eq!(f.placeholder_tickers, 1, "'--' ticker dropped");
    assert_eq!(f.holdings[0].shares, 4_216_937.0);
    assert_eq!(
        f.holdings[0].price, 136.33,
        "Price found by name after CUSIP/ISIN/SEDOL"
    );
    assert_eq!(f.holdings[1].exchange.as_deref(), Some("Nyse Mkt Llc"));
}

#[test]
fn dbt_seed_layout_with_underscore_headers() {
    let f = parse_holdings(
        DBT,
        Path::new("russell3000_2024_1231.csv"),
        &ReadOptions {
            fund: Some("IWV".into()),
            as_of: None,
        },
    )
    .unwrap();
    assert_eq!(f.layout, Layout::DbtSeed);
    assert_eq!(f.as_of, Date::ymd(2024, 12, 31), "YYYY_MMDD in the name");
    assert_eq!(f.holdings.len(), 2);
    assert_eq!(f.holdings[1].ticker, "BRKB");
    assert_eq!(f.holdings[1].weight_pct, 1.46);
    assert!((f.holdings[0].market_value - 988_555_988.64).abs() < 1e-6);
}

#[test]
fn excel_resaved_preamble_date() {
    let text = "iShares Russell 1000 ETF,,,\nFund Holdings as of,13-Apr-26,,\n\u{a0},,,\nTicker,Name,Asset Class,Market Value,Weight (%),Quantity,Price\nNVDA,NVIDIA CORP,Equity,\"3,143,200,066.05\",7.02,\"16,603,455.00\",189.31\n";
    let f = parse_holdings(text, Path::new("x.csv"), &ReadOptions::default()).unwrap();
    assert_eq!((f.fund.as_str(), f.as_of), ("IWB", Date::ymd(2026, 4, 13)));
    assert_eq!(f.holdings[0].sector, None, "no Sector column is fine");
}

fn err_text(text: &str, name: &str) -> String {
    let e = parse_holdings(text, Path::new(name), &ReadOptions::default()).unwrap_err();
    e.to_string()
}

#[test]
fn malformed_number_names_file_line_and_column() {
    let bad = EXPORT.replace("\"64.00\"", "\"64.0O\"");
    let e = parse_holdings(
        &bad,
        Path::new("IWM_2025-05-13.csv"),
        &ReadOptions::default(),
    )
    .unwrap_err();
    match &e {
        ImportError::Cell {
            line,
            column,
            column_name,
            ..
        } => {
            assert_eq!((*line, *column, column_name.as_str()), (12, 9, "Price"));
        }
        other => panic!("wrong error {other:?}"),
    }
    assert_eq!(
        e.to_string(),
        "IWM_2025-05-13.csv:12:9 (Price): '64.0O' is not a number"
    );
}

#[test]
fn short_row_missing_column_no_header_and_no_date_are_errors() {
    let short =
        "Ticker,Name,Asset Class,Market Value,Weight (%),Shares,Price\nA,ALPHA,Equity,1,2\n";
    assert_eq!(
        err_text(short, "IWM_2025-01-02.csv"),
        "IWM_2025-01-02.csv:2: 5 fields, but the header has 7 columns"
    );
    let no_price = "Ticker,Name,Asset Class,Market Value,Weight (%),Shares\n";
    assert!(err_text(no_price, "IWM_2025-01-02.csv").contains("no price column"));
    assert!(err_text("hello\nworld\n", "IWM_2025-01-02.csv").contains("no table header"));
    let ok_table = "Ticker,Name,Asset Class,Market Value,Weight (%),Shares,Price\n";
    assert!(err_text(ok_table, "holdings.csv").contains("no as-of date"));
    let bad_date = EXPORT.replace("\"May 13, 2025\"", "\"Mayday\"");
    assert_eq!(
        err_text(&bad_date, "a.csv"),
        "a.csv:2:2 (Fund Holdings as of): 'Mayday' is not a date"
    );
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let e = read_holdings(Path::new("/nonexistent/IWM_2025-01-02.csv")).unwrap_err();
    assert!(matches!(e, ImportError::Io { .. }));
    assert!(e
        .to_string()
        .starts_with("/nonexistent/IWM_2025-01-02.csv: cannot read"));
}

#[test]
fn snapshot_layouts_and_dates() {
    let p = Path::new("iwm_2025-06-27T132210Z.csv");
    let s = parse_weight_snapshot(
        ",Ticker,Name,Weight (%)\n0,INSM,INSMED INC,0.71\n1,ADRO,X,0.0\n",
        p,
        None,
    )
    .unwrap();
    assert_eq!(
        s.as_of,
        Date::ymd(2025, 6, 26),
        "morning download of Fri = Thu's holdings"
    );
    assert_eq!(
        s.weights,
        vec![
            ("INSM".to_string(), Some(0.71)),
            ("ADRO".to_string(), Some(0.0))
        ]
    );
    let s = parse_weight_snapshot(
        "Rank,Ticker,Name,Weight\n0,CRDO,CREDO,0.67\n",
        Path::new("iwm_2025-06-28T191713Z.csv"),
        None,
    )
    .unwrap();
    assert_eq!(
        s.as_of,
        Date::ymd(2025, 6, 27),
        "Saturday download = Friday"
    );
    let s = parse_weight_snapshot(
        "Ticker,Name,Weight (%),Market Value\nAAMI,ACADIAN,0.03,20371290.0\n",
        Path::new("iwm_2025-06-16T014737Z.csv"),
        None,
    )
    .unwrap();
    assert_eq!(
        s.as_of,
        Date::ymd(2025, 6, 13),
        "01:47 UTC Monday is Sunday evening in New York"
    );
    let s = parse_weight_snapshot(
        "AAMI\nBBBY WS\nZYME\n",
        Path::new("iwm_2026-06-29T093938Z.txt"),
        None,
    )
    .unwrap();
    assert_eq!(s.as_of, Date::ymd(2026, 6, 26));
    assert_eq!(
        s.tickers(),
        ["AAMI", "BBBY WS", "ZYME"],
        "lines, not whitespace-split words"
    );
    assert_eq!(s.weight_pairs(), None);
    let s = parse_weight_snapshot(
        "A\n",
        Path::new("iwm_2026-06-29T093938Z.txt"),
        Some(Date::ymd(2026, 6, 29)),
    )
    .unwrap();
    assert_eq!(s.as_of, Date::ymd(2026, 6, 29), "override");
    let e = parse_weight_snapshot("Ticker,Name,Weight\nA,ALPHA,x.1\n", p, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "iwm_2025-06-27T132210Z.csv:2:3 (weight): 'x.1' is not a number"
    );
    assert!(matches!(
        parse_weight_snapshot("A\n", Path::new("iwm.txt"), None),
        Err(ImportError::NoDate { .. })
    ));
}

#[test]
fn timestamped_holdings_name_means_previous_trading_day() {
    let f = parse_holdings(
        DBT,
        Path::new("iwv_2025-07-01T132329Z.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!((f.fund.as_str(), f.as_of), ("IWV", Date::ymd(2025, 6, 30)));
}
