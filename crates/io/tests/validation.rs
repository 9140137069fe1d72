//! Writing never leaves a partial file, and the readers' edges that need a
//! hand-made file. The bad-input cases themselves (every CSV and Parquet
//! defect, with its file, position, column and message) are data in the
//! command-line corpus (`crates/cli/tests/corpus/`), run by one harness.

mod common;

use std::fs;
use std::path::Path;

use rankday_io::{read_market, read_table, write_market, write_table, Column, FileFormat, Table};

fn base(dir: &Path) {
    write_market(&common::sample_market(), dir, FileFormat::Csv).unwrap();
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
