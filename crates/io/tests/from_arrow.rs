//! `market_from_arrow`: tables handed over in memory give the same market,
//! and the same first error, as the same rows in Parquet files.

mod common;

use std::fs::File;
use std::path::Path;

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rankday_core::Observations;
use rankday_io::{
    market_from_arrow, read_market, read_table, write_market, write_table, ArrowTable, Checks,
    Column, FileFormat,
};

/// A Parquet file as an in-memory Arrow table, in small batches so that
/// row positions must carry across batches.
fn arrow(path: &Path) -> ArrowTable {
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = b.schema().clone();
    let batches = b
        .with_batch_size(3)
        .build()
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    ArrowTable { schema, batches }
}

fn from_dir(dir: &Path) -> Result<rankday_core::Market, rankday_io::IoError> {
    let actions = dir.join("actions.parquet");
    market_from_arrow(
        &arrow(&dir.join("securities.parquet")),
        &arrow(&dir.join("daily.parquet")),
        actions.exists().then(|| arrow(&actions)).as_ref(),
        Observations::Full,
        &Checks::default(),
    )
    .map(|loaded| loaded.market)
}

#[test]
fn same_market_as_the_files() {
    let tmp = tempfile::tempdir().unwrap();
    write_market(&common::sample_market(), tmp.path(), FileFormat::Parquet).unwrap();
    let files = read_market(tmp.path()).unwrap();
    let memory = from_dir(tmp.path()).unwrap();
    common::assert_same(&files, &memory);
    common::assert_same(&common::sample_market(), &memory);
}

/// Sets one cell (1-based row) of a Parquet table, keeping its column types.
fn set(dir: &Path, table: &str, row: usize, column: &str, value: Option<&str>) {
    let p = dir.join(format!("{table}.parquet"));
    let mut t = read_table(&p).unwrap();
    let c = t
        .columns
        .iter_mut()
        .find(|(n, _)| n == column)
        .map(|(_, c)| c)
        .unwrap();
    let i = row - 1;
    match c {
        Column::Str(v) => v[i] = value.unwrap().to_string(),
        Column::OptStr(v) => v[i] = value.map(str::to_string),
        Column::F64(v) => {
            let mut o: Vec<Option<f64>> = v.iter().copied().map(Some).collect();
            o[i] = value.map(|s| s.parse().unwrap());
            *c = Column::OptF64(o);
        }
        Column::OptF64(v) => v[i] = value.map(|s| s.parse().unwrap()),
        Column::Date(v) => v[i] = rankday_core::Date::parse(value.unwrap()).unwrap(),
        other => panic!("unexpected column {other:?}"),
    }
    write_table(dir, table, &t, FileFormat::Parquet).unwrap();
}

#[test]
fn every_error_is_the_files_error_named_by_table() {
    type Case = (&'static str, usize, &'static str, Option<&'static str>);
    let cases: &[Case] = &[
        ("daily", 3, "close", Some("-2")),
        ("daily", 15, "security_id", Some("NOPE")),
        ("daily", 5, "security_id", Some("C")),
        ("daily", 6, "close", None),
        ("daily", 12, "float_shares", Some("1e12")),
        ("daily", 2, "shares_outstanding", None),
        ("securities", 2, "exchange", Some("NYC")),
        ("securities", 5, "security_id", Some("C")),
        ("securities", 3, "country_headquarters", Some("usa")),
        ("actions", 7, "ratio", Some("-2")),
        ("actions", 2, "ex_date", Some("2024-01-06")),
        ("actions", 1, "kind", Some("merger")),
    ];
    for &(table, row, column, value) in cases {
        let tmp = tempfile::tempdir().unwrap();
        write_market(&common::sample_market(), tmp.path(), FileFormat::Parquet).unwrap();
        set(tmp.path(), table, row, column, value);
        let case = format!("{table} row {row} {column} = {value:?}");
        let Err(files) = read_market(tmp.path()) else {
            panic!("{case}: the files loaded")
        };
        let memory = from_dir(tmp.path()).expect_err(&case);
        let want = files
            .to_string()
            .replace(&format!("{}/", tmp.path().display()), "")
            .replace(".parquet", "");
        assert!(want.starts_with(&format!("{table}:")), "{want}");
        assert_eq!(memory.to_string(), want, "{table} row {row} {column}");
    }
}

#[test]
fn missing_columns_are_named_even_without_rows() {
    let tmp = tempfile::tempdir().unwrap();
    write_market(&common::sample_market(), tmp.path(), FileFormat::Parquet).unwrap();
    let sec = arrow(&tmp.path().join("securities.parquet"));
    let mut daily = arrow(&tmp.path().join("daily.parquet"));
    let keep: Vec<usize> = (0..daily.schema.fields().len())
        .filter(|&i| daily.schema.field(i).name() != "volume")
        .collect();
    daily.schema = std::sync::Arc::new(daily.schema.project(&keep).unwrap());
    daily.batches.clear();
    let e =
        market_from_arrow(&sec, &daily, None, Observations::Full, &Checks::default()).unwrap_err();
    // As the Parquet file says it ("daily.parquet:schema (volume): ..."),
    // named by the table.
    assert_eq!(
        e.to_string(),
        "daily:schema (volume): required column is missing"
    );
}
