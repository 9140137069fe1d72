//! Bad input: every case asserts the file, the position and the column.
//!
//! Each case starts from a valid market (written as CSV from the common
//! fixture), applies one edit, and checks `read_market`'s message.

mod common;

use std::fs;
use std::path::Path;

use rankday_io::{read_market, read_table, write_market, write_table, Column, FileFormat, Table};

/// One edit to a valid market directory.
enum Edit {
    /// Set the cell of (file, physical line, column) to a value.
    Set(&'static str, usize, &'static str, &'static str),
    /// Remove a column from a file.
    DropCol(&'static str, &'static str),
    /// Append a raw line to a file.
    Append(&'static str, &'static str),
    /// Replace a whole file.
    Write(&'static str, &'static str),
    /// Remove a file.
    Remove(&'static str),
    /// Convert a CSV table to Parquet (after the edits before it).
    ToParquet(&'static str),
}
use Edit::*;

fn base(dir: &Path) {
    write_market(&common::sample_market(), dir, FileFormat::Csv).unwrap();
}

fn records(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (h, rows)
}

fn save(path: &Path, h: &[String], rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(h).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// Reads a CSV table and writes it as Parquet with typed columns where the
/// text allows (dates → Date32, numbers → Float64), like a vendor would.
fn to_parquet(dir: &Path, name: &str) {
    let p = dir.join(format!("{name}.csv"));
    let t = read_table(&p).unwrap();
    let mut out = Table::new();
    for (n, c) in t.columns {
        let Column::Str(v) = c else { unreachable!() };
        let col = if n.contains("date") {
            Column::Date(v.iter().map(|s| s.parse().unwrap()).collect())
        } else if [
            "close",
            "volume",
            "shares_outstanding",
            "float_shares",
            "ratio",
            "amount",
        ]
        .contains(&n.as_str())
            && v.iter().all(|s| s.is_empty() || s.parse::<f64>().is_ok())
        {
            Column::OptF64(v.iter().map(|s| s.parse().ok()).collect())
        } else {
            Column::OptStr(
                v.into_iter()
                    .map(|s| (!s.is_empty()).then_some(s))
                    .collect(),
            )
        };
        out.push(&n, col);
    }
    write_table(dir, name, &out, FileFormat::Parquet).unwrap();
    assert!(!p.exists());
}

fn apply(dir: &Path, e: &Edit) {
    match *e {
        Set(f, line, col, val) => {
            let p = dir.join(f);
            let (h, mut rows) = records(&p);
            let c = h.iter().position(|x| x == col).unwrap();
            rows[line - 2][c] = val.to_string();
            save(&p, &h, &rows);
        }
        DropCol(f, col) => {
            let p = dir.join(f);
            let (mut h, mut rows) = records(&p);
            let c = h.iter().position(|x| x == col).unwrap();
            h.remove(c);
            for r in &mut rows {
                r.remove(c);
            }
            save(&p, &h, &rows);
        }
        Append(f, line) => {
            let p = dir.join(f);
            let mut t = fs::read_to_string(&p).unwrap();
            t.push_str(line);
            t.push('\n');
            fs::write(p, t).unwrap();
        }
        Write(f, text) => fs::write(dir.join(f), text).unwrap(),
        Remove(f) => fs::remove_file(dir.join(f)).unwrap(),
        ToParquet(name) => to_parquet(dir, name),
    }
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().len(),
            )
        })
        .collect();
    v.sort();
    v
}

/// (what, edits, expected message fragment)
fn cases() -> Vec<(&'static str, Vec<Edit>, &'static str)> {
    vec![
        ("daily unknown id", vec![Set("daily.csv", 5, "security_id", "ZZZ")],
         "daily.csv:5:2 (security_id): unknown security_id 'ZZZ' (not in securities)"),
        ("actions unknown id", vec![Set("actions.csv", 6, "security_id", "Q")],
         "actions.csv:6:2 (security_id): unknown security_id 'Q' (not in securities)"),
        ("actions unknown other_id", vec![Set("actions.csv", 4, "other_id", "KK")],
         "actions.csv:4:6 (other_id): unknown security_id 'KK' (not in securities)"),
        ("duplicate daily row", vec![Set("daily.csv", 6, "security_id", "C")],
         "daily.csv:6:2 (security_id): duplicate row for (2024-01-02, C), first at line 5"),
        ("close negative", vec![Set("daily.csv", 17, "close", "-1.5")],
         "daily.csv:17:3 (close): must be > 0, got -1.5"),
        ("close zero", vec![Set("daily.csv", 2, "close", "0")],
         "daily.csv:2:3 (close): must be > 0, got 0"),
        ("close NaN", vec![Set("daily.csv", 9, "close", "NaN")],
         "daily.csv:9:3 (close): must be a finite number > 0, got NaN"),
        ("close empty on a listed line", vec![Set("daily.csv", 6, "close", "")],
         "daily.csv:6:3 (close): empty, allowed only for UNLISTED securities ('T' is on NYSE)"),
        ("volume empty on a listed line", vec![Set("daily.csv", 12, "volume", "")],
         "daily.csv:12:4 (volume): empty, allowed only for UNLISTED securities ('C' is on NASDAQ)"),
        ("volume negative", vec![Set("daily.csv", 3, "volume", "-10")],
         "daily.csv:3:4 (volume): must be >= 0, got -10"),
        ("float above shares", vec![Set("daily.csv", 13, "float_shares", "100000001")],
         "daily.csv:13:6 (float_shares): must be <= shares_outstanding (100000000), got 100000001"),
        ("float zero", vec![Set("daily.csv", 4, "float_shares", "0")],
         "daily.csv:4:6 (float_shares): must be > 0, got 0"),
        ("shares zero", vec![Set("daily.csv", 4, "shares_outstanding", "0")],
         "daily.csv:4:5 (shares_outstanding): must be > 0, got 0"),
        ("shares empty", vec![Set("daily.csv", 8, "shares_outstanding", "")],
         "daily.csv:8:5 (shares_outstanding): required, got an empty field"),
        ("malformed number", vec![Set("daily.csv", 9, "volume", "1,000")],
         "daily.csv:9:4 (volume): '1,000' is not a number"),
        ("malformed daily date", vec![Set("daily.csv", 10, "date", "2024-13-01")],
         "daily.csv:10:1 (date): '2024-13-01' is not a date in YYYY-MM-DD form"),
        ("malformed ex_date", vec![Set("actions.csv", 3, "ex_date", "03/01/2024")],
         "actions.csv:3:1 (ex_date): '03/01/2024' is not a date in YYYY-MM-DD form"),
        ("split ratio zero", vec![Set("actions.csv", 2, "ratio", "0")],
         "actions.csv:2:4 (ratio): split needs ratio > 0, got 0"),
        ("split ratio missing", vec![Set("actions.csv", 8, "ratio", "")],
         "actions.csv:8:4 (ratio): required for split, got an empty field"),
        ("spin_off ratio negative", vec![Set("actions.csv", 4, "ratio", "-0.25")],
         "actions.csv:4:4 (ratio): spin_off needs ratio > 0, got -0.25"),
        ("spin_off without child", vec![Set("actions.csv", 4, "other_id", "")],
         "actions.csv:4:6 (other_id): spin_off needs the child security_id, got an empty field"),
        ("spin_off child is parent", vec![Set("actions.csv", 4, "other_id", "A,1")],
         "actions.csv:4:6 (other_id): spin_off child 'A,1' is the parent itself"),
        ("acquisition with neither", vec![Set("actions.csv", 5, "ratio", ""), Set("actions.csv", 5, "amount", "")],
         "actions.csv:5:4 (ratio): acquisition needs ratio (acquirer shares) or amount (cash), both are empty"),
        ("dividend negative", vec![Set("actions.csv", 6, "amount", "-1")],
         "actions.csv:6:5 (amount): special_dividend needs amount >= 0, got -1"),
        ("dividend on a non-trading day", vec![Set("actions.csv", 3, "ex_date", "2024-01-06")],
         "actions.csv:3:1 (ex_date): cash_dividend on 2024-01-06 but 'A,1' has no daily row that day"),
        ("split on a day the security did not trade", vec![Set("actions.csv", 2, "security_id", "K"), Set("actions.csv", 2, "ex_date", "2024-01-03")],
         "actions.csv:2:1 (ex_date): split on 2024-01-03 but 'K' has no daily row that day (the ex_date must be a trading day of the security)"),
        ("acquisition target still trading", vec![Set("actions.csv", 5, "ex_date", "2024-01-03")],
         "actions.csv:5:1 (ex_date): acquisition target 'T' still trades on 2024-01-03, on or after the ex_date 2024-01-03"),
        ("spin-off child not trading on ex_date", vec![Set("actions.csv", 4, "ex_date", "2024-01-03")],
         "actions.csv:4:6 (other_id): spin_off child 'K' has no daily row on the ex_date 2024-01-03"),
        ("delisting before last row", vec![Append("actions.csv", "2024-01-04,C,delisting,,,")],
         "actions.csv:9:1 (ex_date): delisted security 'C' still trades on 2024-01-05, after the ex_date 2024-01-04"),
        ("unknown security_type", vec![Set("securities.csv", 4, "security_type", "REIT")],
         "securities.csv:4:5 (security_type): unknown security_type 'REIT' (expected one of: common, reit,"),
        ("unknown exchange", vec![Set("securities.csv", 5, "exchange", "NYC")],
         "securities.csv:5:6 (exchange): unknown exchange 'NYC' (expected one of: NYSE, NASDAQ, NYSE_AMERICAN, NYSE_ARCA, CBOE, OTC, OTHER, UNLISTED)"),
        ("unknown kind", vec![Set("actions.csv", 7, "kind", "merger")],
         "actions.csv:7:3 (kind): unknown action kind 'merger' (expected one of: split, cash_dividend,"),
        ("bad country code", vec![Set("securities.csv", 2, "country_headquarters", "usa")],
         "securities.csv:2:8 (country_headquarters): 'usa' is not an ISO 3166 alpha-2 country code"),
        ("bad optional country code", vec![Set("securities.csv", 4, "country_revenue", "C")],
         "securities.csv:4:11 (country_revenue): 'C' is not an ISO 3166 alpha-2"),
        ("duplicate security_id", vec![Set("securities.csv", 6, "security_id", "C")],
         "securities.csv:6:1 (security_id): duplicate security_id 'C' (first at line 4)"),
        ("empty ticker", vec![Set("securities.csv", 3, "ticker", "")],
         "securities.csv:3:3 (ticker): required, got an empty field"),
        ("negative votes", vec![Set("securities.csv", 3, "votes_per_share", "-1")],
         "securities.csv:3:12 (votes_per_share): must be >= 0, got -1"),
        ("missing daily column", vec![DropCol("daily.csv", "float_shares")],
         "daily.csv:1 (float_shares): required column is missing"),
        ("missing securities column", vec![DropCol("securities.csv", "company_id")],
         "securities.csv:1 (company_id): required column is missing"),
        ("missing actions column", vec![DropCol("actions.csv", "kind")],
         "actions.csv:1 (kind): required column is missing"),
        ("row with too few fields", vec![Append("daily.csv", "2024-01-05,T,1,2,3")],
         "daily.csv:18: has 5 fields, the header has 6"),
        ("row with too many fields", vec![Append("securities.csv", "Z,CZ,ZZ,,common,NYSE,US,US,US,,,1,,extra")],
         "securities.csv:7: has 14 fields, the header has 13"),
        ("unsupported format version", vec![Write("format.toml", "version = 2\n")],
         "format.toml: unsupported market format version 2 (this rankday reads version 1)"),
        ("format.toml not TOML", vec![Write("format.toml", "version = \n")],
         "format.toml: not valid TOML"),
        ("missing daily table", vec![Remove("daily.csv")],
         "missing table 'daily' (expected daily.csv or daily.parquet)"),
        ("daily in both formats", vec![Write("daily.parquet", "")],
         "both daily.csv and daily.parquet exist; remove the stale one"),
        // The same rules through the Parquet readers: positions are 1-based rows.
        ("parquet close negative", vec![Set("daily.csv", 4, "close", "-2"), ToParquet("daily")],
         "daily.parquet:row 3:3 (close): must be > 0, got -2"),
        ("parquet unknown id", vec![Set("daily.csv", 16, "security_id", "NOPE"), ToParquet("daily")],
         "daily.parquet:row 15:2 (security_id): unknown security_id 'NOPE' (not in securities)"),
        ("parquet duplicate", vec![Set("daily.csv", 6, "security_id", "C"), ToParquet("daily")],
         "daily.parquet:row 5:2 (security_id): duplicate row for (2024-01-02, C), first at row 4"),
        ("parquet missing column", vec![DropCol("daily.csv", "volume"), ToParquet("daily")],
         "daily.parquet:schema (volume): required column is missing"),
        ("parquet wrong type", vec![Set("daily.csv", 3, "close", "abc"), ToParquet("daily")],
         "daily.parquet:schema:3 (close): expected a numeric column (Float64), got Utf8"),
        ("parquet empty close on listed line", vec![Set("daily.csv", 7, "close", ""), ToParquet("daily")],
         "daily.parquet:row 6:3 (close): empty, allowed only for UNLISTED securities ('A,1' is on NYSE)"),
        ("parquet securities bad exchange", vec![Set("securities.csv", 3, "exchange", "NYC"), ToParquet("securities")],
         "securities.parquet:row 2:6 (exchange): unknown exchange 'NYC'"),
        ("parquet actions split ratio", vec![Set("actions.csv", 8, "ratio", "-2"), ToParquet("actions")],
         "actions.parquet:row 7:4 (ratio): split needs ratio > 0, got -2"),
    ]
}

#[test]
fn every_bad_input_names_file_position_and_column() {
    let all = cases();
    assert!(all.len() >= 25);
    let mut failures = Vec::new();
    for (what, edits, want) in all {
        let tmp = tempfile::tempdir().unwrap();
        base(tmp.path());
        for e in &edits {
            apply(tmp.path(), e);
        }
        let before = listing(tmp.path());
        match read_market(tmp.path()) {
            Ok(_) => failures.push(format!("{what}: loaded without error")),
            Err(e) if e.to_string().contains(want) => {}
            Err(e) => failures.push(format!("{what}:\n   got  {e}\n   want {want}")),
        }
        // A failed load writes nothing.
        assert_eq!(before, listing(tmp.path()), "{what}: directory changed");
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_valid_base_loads() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path());
    let m = read_market(tmp.path()).unwrap();
    assert_eq!(m.n_rows(), 16);
    assert_eq!(m.actions().len(), 7);
}

#[test]
fn failed_write_leaves_no_partial_file() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path());
    let daily_before = fs::read(tmp.path().join("daily.csv")).unwrap();
    // A directory where the Parquet daily table must go: the final rename fails.
    fs::create_dir(tmp.path().join("daily.parquet")).unwrap();
    let e = write_market(&common::sample_market(), tmp.path(), FileFormat::Parquet).unwrap_err();
    assert!(e.to_string().contains("daily.parquet"), "{e}");
    let names: Vec<String> = listing(tmp.path()).into_iter().map(|x| x.0).collect();
    assert!(
        names.iter().all(|n| !n.contains(".tmp-")),
        "temp left: {names:?}"
    );
    // The old daily table is untouched: a stale copy is removed only after
    // its replacement is in place.
    assert_eq!(
        fs::read(tmp.path().join("daily.csv")).unwrap(),
        daily_before
    );
    // What was written before the failure is complete.
    let sec = read_table(&tmp.path().join("securities.parquet")).unwrap();
    assert_eq!(sec.n_rows(), 5);
    assert!(fs::read_dir(tmp.path().join("daily.parquet"))
        .unwrap()
        .next()
        .is_none());
}

#[test]
fn failed_table_write_keeps_the_previous_table() {
    let tmp = tempfile::tempdir().unwrap();
    let good = Table::new().with("a", Column::I64(vec![1, 2]));
    let p = write_table(tmp.path(), "levels", &good, FileFormat::Parquet).unwrap();
    let before = fs::read(&p).unwrap();
    let ragged = Table::new()
        .with("a", Column::I64(vec![1]))
        .with("b", Column::F64(vec![]));
    assert!(write_table(tmp.path(), "levels", &ragged, FileFormat::Parquet).is_err());
    assert!(write_table(tmp.path(), "levels", &ragged, FileFormat::Csv).is_err());
    assert_eq!(fs::read(&p).unwrap(), before);
    assert_eq!(listing(tmp.path()).len(), 1);
}

/// A Date32 no calendar can print (a corrupt or foreign file) is a located
/// error, not a panic later in some consumer.
#[test]
fn parquet_day_number_out_of_range_is_rejected() {
    use arrow_array::{ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path());
    fs::remove_file(tmp.path().join("daily.csv")).unwrap();
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("date", Arc::new(Date32Array::from(vec![19_724, i32::MAX]))),
        ("security_id", Arc::new(StringArray::from(vec!["C", "C"]))),
        ("close", Arc::new(Float64Array::from(vec![1.0, 1.0]))),
        ("volume", Arc::new(Float64Array::from(vec![1.0, 1.0]))),
        (
            "shares_outstanding",
            Arc::new(Float64Array::from(vec![1.0, 1.0])),
        ),
        ("float_shares", Arc::new(Float64Array::from(vec![1.0, 1.0]))),
    ];
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let f = fs::File::create(tmp.path().join("daily.parquet")).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let e = read_market(tmp.path()).unwrap_err().to_string();
    assert!(
        e.ends_with(
            "daily.parquet:row 2:1 (date): day number 2147483647 is outside years 0001-9999"
        ),
        "{e}"
    );
}
