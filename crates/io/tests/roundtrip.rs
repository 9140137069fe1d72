//! CSV → Parquet → CSV preserves every value and every row order.

mod common;

use std::fs;

use arrow_schema::DataType;
use common::{assert_same, sample_market};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rankday_io::{read_market, write_market, FileFormat};

#[test]
fn csv_parquet_csv_round_trip_is_exact_and_ordered() {
    let m = sample_market();
    let tmp = tempfile::tempdir().unwrap();
    let (d1, d2, d3) = (
        tmp.path().join("csv1"),
        tmp.path().join("pq"),
        tmp.path().join("csv2"),
    );
    write_market(&m, &d1, FileFormat::Csv).unwrap();
    let m1 = read_market(&d1).unwrap();
    assert_same(&m, &m1);
    write_market(&m1, &d2, FileFormat::Parquet).unwrap();
    let m2 = read_market(&d2).unwrap();
    assert_same(&m, &m2);
    write_market(&m2, &d3, FileFormat::Csv).unwrap();
    for t in ["securities.csv", "daily.csv", "actions.csv", "format.toml"] {
        assert_eq!(
            fs::read_to_string(d1.join(t)).unwrap(),
            fs::read_to_string(d3.join(t)).unwrap(),
            "{t}"
        );
    }
    // The file order is the input order, not the store's sorted order.
    let daily = fs::read_to_string(d1.join("daily.csv")).unwrap();
    let lines: Vec<&str> = daily.lines().collect();
    assert_eq!(
        lines[0],
        "date,security_id,close,volume,shares_outstanding,float_shares"
    );
    assert_eq!(lines[1], "2024-01-03,C,20.25,10000000,500000000,450000000");
    assert_eq!(
        lines[2],
        "2024-01-02,\"A,1\",0.30000000000000004,123456,1000000000,987654321"
    );
    assert_eq!(lines[3], "2024-01-02,A-B,,,200000000,15000000");
    assert!(daily.contains(",1.7976931348623157e308,"), "{daily}");
    let actions = fs::read_to_string(d1.join("actions.csv")).unwrap();
    assert_eq!(actions.lines().nth(1), Some("2024-01-04,C,split,2,,"));
    assert_eq!(
        actions.lines().nth(3),
        Some("2024-01-04,\"A,1\",spin_off,0.25,,K")
    );
}

#[test]
fn parquet_daily_uses_date32_and_dictionary_ids_and_nulls() {
    let m = sample_market();
    let tmp = tempfile::tempdir().unwrap();
    write_market(&m, tmp.path(), FileFormat::Parquet).unwrap();
    let f = fs::File::open(tmp.path().join("daily.parquet")).unwrap();
    let r = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let s = r.schema().clone();
    assert_eq!(
        s.field_with_name("date").unwrap().data_type(),
        &DataType::Date32
    );
    assert_eq!(
        s.field_with_name("security_id").unwrap().data_type(),
        &DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
    );
    let batch = r.build().unwrap().next().unwrap().unwrap();
    assert_eq!(batch.column_by_name("close").unwrap().null_count(), 3);
    let codec = parquet::file::reader::FileReader::metadata(
        &parquet::file::reader::SerializedFileReader::new(
            fs::File::open(tmp.path().join("daily.parquet")).unwrap(),
        )
        .unwrap(),
    )
    .row_group(0)
    .column(0)
    .compression();
    assert_eq!(codec, parquet::basic::Compression::SNAPPY);
}

#[test]
fn writing_switches_format_without_leaving_stale_tables() {
    let m = sample_market();
    let tmp = tempfile::tempdir().unwrap();
    write_market(&m, tmp.path(), FileFormat::Csv).unwrap();
    write_market(&m, tmp.path(), FileFormat::Parquet).unwrap();
    let mut names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "actions.parquet",
            "daily.parquet",
            "format.toml",
            "securities.parquet"
        ]
    );
    assert_same(&m, &read_market(tmp.path()).unwrap());
}

#[test]
fn missing_format_toml_reads_as_version_1_and_actions_are_optional() {
    let m = sample_market();
    let tmp = tempfile::tempdir().unwrap();
    write_market(&m, tmp.path(), FileFormat::Csv).unwrap();
    fs::remove_file(tmp.path().join("format.toml")).unwrap();
    fs::remove_file(tmp.path().join("actions.csv")).unwrap();
    let back = read_market(tmp.path()).unwrap();
    assert_eq!(back.n_rows(), m.n_rows());
    assert!(back.actions().is_empty());
}

#[test]
fn mixed_formats_and_extra_columns_are_read() {
    let m = sample_market();
    let tmp = tempfile::tempdir().unwrap();
    write_market(&m, tmp.path(), FileFormat::Parquet).unwrap();
    // Replace securities by a CSV with an extra column in front.
    fs::remove_file(tmp.path().join("securities.parquet")).unwrap();
    let other = tempfile::tempdir().unwrap();
    write_market(&m, other.path(), FileFormat::Csv).unwrap();
    let text = fs::read_to_string(other.path().join("securities.csv")).unwrap();
    let with_extra: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("vendor_code,{l}\n")
            } else {
                format!("X{i},{l}\n")
            }
        })
        .collect();
    fs::write(tmp.path().join("securities.csv"), with_extra).unwrap();
    assert_same(&m, &read_market(tmp.path()).unwrap());
}

/// A hand-made directory as a user would write it: BOM, CRLF, columns in
/// another order, a quoted newline inside a name, no format.toml, no actions.
#[test]
fn hand_written_csv_with_bom_crlf_and_quoted_newlines() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    fs::write(
        p.join("securities.csv"),
        "\u{feff}ticker,security_id,company_id,security_type,exchange,country_incorporation,country_headquarters,country_exchange,name\r\n\
         AAA,A,CA,common,NYSE,US,US,US,\"Two\r\nLines Inc\"\r\n\
         BBB,B,CB,adr,NASDAQ,GB,GB,US,\r\n",
    )
    .unwrap();
    fs::write(
        p.join("daily.csv"),
        "security_id,date,float_shares,shares_outstanding,volume,close\r\n\
         A,2024-01-02,90,100,5,10.5\r\n\
         B,2024-01-02,50,50,0,3\r\n",
    )
    .unwrap();
    let m = read_market(p).unwrap();
    assert_eq!(m.securities()[0].name.as_deref(), Some("Two\r\nLines Inc"));
    assert_eq!(m.cross_section(0).close, &[10.5, 3.0]);
    // Positions are physical lines: the record after a two-line record.
    fs::write(
        p.join("securities.csv"),
        "ticker,security_id,company_id,security_type,exchange,country_incorporation,country_headquarters,country_exchange,name\n\
         AAA,A,CA,common,NYSE,US,US,US,\"Two\nLines Inc\"\n\
         BBB,B,CB,adr,NASDAQ,gb,GB,US,\n",
    )
    .unwrap();
    let e = read_market(p).unwrap_err().to_string();
    assert!(
        e.contains("securities.csv:4:6 (country_incorporation): 'gb' is not an ISO 3166"),
        "{e}"
    );
}

/// Writes `daily` as Parquet in row groups of 3 rows, as another producer
/// might, with plain (non-dictionary) Utf8 ids and Int64 volumes.
fn write_small_groups(dir: &std::path::Path, close_override: Option<(usize, f64)>) {
    write_small_groups_with(dir, close_override, parquet::basic::Compression::SNAPPY);
}

fn write_small_groups_with(
    dir: &std::path::Path,
    close_override: Option<(usize, f64)>,
    codec: parquet::basic::Compression,
) {
    use arrow_array::{ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let m = sample_market();
    let rows: Vec<_> = m.rows_in_input_order().collect();
    let mut close: Vec<Option<f64>> = rows
        .iter()
        .map(|r| (!r.close.is_nan()).then_some(r.close))
        .collect();
    if let Some((i, v)) = close_override {
        close[i] = Some(v);
    }
    let cols: Vec<(&str, ArrayRef)> = vec![
        (
            "security_id",
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| m.security(r.sec).security_id.clone()),
            )),
        ),
        (
            "date",
            Arc::new(Date32Array::from_iter_values(rows.iter().map(|r| r.date.0))),
        ),
        ("close", Arc::new(Float64Array::from(close))),
        (
            "volume",
            Arc::new(
                rows.iter()
                    .map(|r| (!r.volume.is_nan()).then_some(r.volume as i64))
                    .collect::<Int64Array>(),
            ),
        ),
        (
            "shares_outstanding",
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|r| r.shares_outstanding),
            )),
        ),
        (
            "float_shares",
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|r| r.float_shares),
            )),
        ),
        (
            "vendor_flag",
            Arc::new(StringArray::from_iter_values(rows.iter().map(|_| "x"))),
        ),
    ];
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(3))
        .set_compression(codec)
        .build();
    let f = fs::File::create(dir.join("daily.parquet")).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// Polars writes Zstandard by default, pandas and Spark Snappy; both read,
/// and so does an uncompressed file.
#[test]
fn zstandard_and_uncompressed_files_read_as_snappy_does() {
    use parquet::basic::{Compression, ZstdLevel};
    let tmp = tempfile::tempdir().unwrap();
    write_market(&sample_market(), tmp.path(), FileFormat::Csv).unwrap();
    fs::remove_file(tmp.path().join("daily.csv")).unwrap();
    let read = |codec| {
        write_small_groups_with(tmp.path(), None, codec);
        let m = read_market(tmp.path()).unwrap_or_else(|e| panic!("{codec:?}: {e}"));
        let rows: Vec<_> = m
            .rows_in_input_order()
            .map(|r| (r.date, r.sec, r.close.to_bits(), r.volume.to_bits()))
            .collect();
        rows
    };
    let snappy = read(Compression::SNAPPY);
    assert_eq!(read(Compression::ZSTD(ZstdLevel::default())), snappy);
    assert_eq!(read(Compression::UNCOMPRESSED), snappy);
}

#[test]
fn many_row_groups_assemble_in_file_order_and_number_rows_globally() {
    let tmp = tempfile::tempdir().unwrap();
    let m = sample_market();
    write_market(&m, tmp.path(), FileFormat::Csv).unwrap();
    fs::remove_file(tmp.path().join("daily.csv")).unwrap();
    // Volumes go out as Int64 (the one 1.5 becomes 1), so compare keys and closes.
    write_small_groups(tmp.path(), None);
    let back = read_market(tmp.path()).unwrap();
    let a: Vec<_> = m
        .rows_in_input_order()
        .map(|r| (r.date, r.sec, r.close.to_bits()))
        .collect();
    let b: Vec<_> = back
        .rows_in_input_order()
        .map(|r| (r.date, r.sec, r.close.to_bits()))
        .collect();
    assert_eq!(a, b);
    // Row 14 lives in the fifth row group of three rows.
    write_small_groups(tmp.path(), Some((13, -3.0)));
    let e = read_market(tmp.path()).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}:row 14:3 (close): must be > 0, got -3",
            tmp.path().join("daily.parquet").display()
        )
    );
}

#[test]
fn a_sparse_market_says_so_in_format_toml_and_reads_back_sparse() {
    let m = sample_market().with_observations(rankday_core::Observations::Sparse);
    let tmp = tempfile::tempdir().unwrap();
    for format in [FileFormat::Csv, FileFormat::Parquet] {
        write_market(&m, tmp.path(), format).unwrap();
        let toml = fs::read_to_string(tmp.path().join("format.toml")).unwrap();
        assert!(toml.contains("observations = \"sparse\""), "{toml}");
        let back = read_market(tmp.path()).unwrap();
        assert!(back.is_sparse());
        assert_same(&m, &back);
    }
    // A full market keeps the one-line file.
    write_market(&sample_market(), tmp.path(), FileFormat::Csv).unwrap();
    let toml = fs::read_to_string(tmp.path().join("format.toml")).unwrap();
    assert!(!toml.contains("observations"), "{toml}");
    assert!(!read_market(tmp.path()).unwrap().is_sparse());
}

/// A sparse market's consecutive rows are observations apart: the per-day
/// checks (a split against the closes around it, the daily-move and
/// shares-jump bounds) do not apply to it; the same closes a trading day
/// apart in a full market fail the split check.
#[test]
fn sparse_markets_skip_the_per_day_checks() {
    use rankday_core::{Action, ActionKind, DailyRow, Date, MarketBuilder, Observations, Security};
    let build = |o: Observations, before: Date| {
        let mut b = MarketBuilder::new();
        let s = b
            .add_security(Security::us_common("X", "CX", "XX"))
            .unwrap();
        // A 1-for-30 reverse split after which the close only rose 5.1x:
        // over four months between observations the stock may well have
        // fallen 83%; over one trading day the prices contradict it.
        for (d, close, shares) in [(before, 0.73, 3e7), (Date::ymd(2025, 5, 2), 3.73, 1e6)] {
            b.push_daily(DailyRow {
                date: d,
                sec: s,
                close,
                volume: 0.0,
                shares_outstanding: shares,
                float_shares: shares,
            });
        }
        b.push_action(Action {
            ex_date: Date::ymd(2025, 5, 2),
            sec: s,
            kind: ActionKind::Split,
            ratio: Some(1.0 / 30.0),
            amount: None,
            other: None,
            offering: None,
        });
        b.set_observations(o);
        b.build().unwrap()
    };
    let tmp = tempfile::tempdir().unwrap();
    write_market(
        &build(Observations::Sparse, Date::ymd(2024, 12, 31)),
        tmp.path(),
        FileFormat::Csv,
    )
    .unwrap();
    let loaded = rankday_io::load_market(tmp.path(), &rankday_io::Checks::default()).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    write_market(
        &build(Observations::Full, Date::ymd(2025, 5, 1)),
        tmp.path(),
        FileFormat::Csv,
    )
    .unwrap();
    let e = read_market(tmp.path()).unwrap_err().to_string();
    assert!(e.contains("contradicted by daily"), "{e}");
}
