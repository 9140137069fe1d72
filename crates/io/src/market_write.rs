//! [`write_market`]: a [`Market`] into a format-1 directory.
//!
//! Tables are written in the order they were read (`rows_in_input_order`,
//! `actions_in_input_order`), so CSV → Parquet → CSV reproduces the input.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, Date32Array, DictionaryArray, Float64Array, Int32Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnChunk};
use parquet::arrow::ArrowWriter;
use rankday_core::{DailyRow, Market, OfferingTerms};
use rayon::prelude::*;

use crate::daily::COLUMNS;
use crate::format::write_format_toml;
use crate::table::push_f64;
use crate::table::{parquet_props, remove_other_format, table_path};
use crate::{atomic_write, Column, FileFormat, IoError, Table};

/// Writes `format.toml` and the three tables of `m` into `dir` (created if
/// missing). Each file is replaced atomically and a stale copy of a table in
/// the other format is removed, so the directory never holds both.
pub fn write_market(m: &Market, dir: &Path, format: FileFormat) -> Result<(), IoError> {
    std::fs::create_dir_all(dir).map_err(|e| IoError::io(dir, e))?;
    write_small(dir, "securities", &securities_table(m), format)?;
    let path = table_path(dir, "daily", format);
    match format {
        FileFormat::Csv => atomic_write(&path, |w| write_daily_csv(m, w, &path))?,
        FileFormat::Parquet => atomic_write(&path, |w| {
            write_daily_parquet(m, w, &path, crate::ROW_GROUP_ROWS)
        })?,
    }
    remove_other_format(dir, "daily", format)?;
    write_small(dir, "actions", &actions_table(m), format)?;
    write_format_toml(dir, m.observations())
}

fn write_small(dir: &Path, name: &str, t: &Table, format: FileFormat) -> Result<(), IoError> {
    crate::write_table(dir, name, t, format).map(|_| ())
}

fn securities_table(m: &Market) -> Table {
    let s = m.securities();
    let st = |f: &dyn Fn(&rankday_core::Security) -> String| Column::Str(s.iter().map(f).collect());
    let ot = |f: &dyn Fn(&rankday_core::Security) -> Option<String>| {
        Column::OptStr(s.iter().map(f).collect())
    };
    Table::new()
        .with("security_id", st(&|x| x.security_id.clone()))
        .with("company_id", st(&|x| x.company_id.clone()))
        .with("ticker", st(&|x| x.ticker.clone()))
        .with("name", ot(&|x| x.name.clone()))
        .with("security_type", st(&|x| x.security_type.to_string()))
        .with("exchange", st(&|x| x.exchange.to_string()))
        .with(
            "country_incorporation",
            st(&|x| x.country_incorporation.to_string()),
        )
        .with(
            "country_headquarters",
            st(&|x| x.country_headquarters.to_string()),
        )
        .with("country_exchange", st(&|x| x.country_exchange.to_string()))
        .with(
            "country_assets",
            ot(&|x| x.country_assets.map(|c| c.to_string())),
        )
        .with(
            "country_revenue",
            ot(&|x| x.country_revenue.map(|c| c.to_string())),
        )
        .with(
            "votes_per_share",
            Column::F64(s.iter().map(|x| x.votes_per_share).collect()),
        )
        .with("sector", ot(&|x| x.sector.clone()))
}

fn actions_table(m: &Market) -> Table {
    let a: Vec<_> = m.actions_in_input_order().collect();
    let id = |s: rankday_core::Sec| m.security(s).security_id.clone();
    let t = Table::new()
        .with(
            "ex_date",
            Column::Date(a.iter().map(|x| x.ex_date).collect()),
        )
        .with(
            "security_id",
            Column::Str(a.iter().map(|x| id(x.sec)).collect()),
        )
        .with(
            "kind",
            Column::Str(a.iter().map(|x| x.kind.to_string()).collect()),
        )
        .with("ratio", Column::OptF64(a.iter().map(|x| x.ratio).collect()))
        .with(
            "amount",
            Column::OptF64(a.iter().map(|x| x.amount).collect()),
        )
        .with(
            "other_id",
            Column::OptStr(a.iter().map(|x| x.other.map(id)).collect()),
        );
    // The offering columns only when the market has offerings, so a market
    // without them writes the same table as before they existed.
    if a.iter().all(|x| x.offering.is_none()) {
        return t;
    }
    let terms = |f: &dyn Fn(&OfferingTerms) -> Option<String>| -> Vec<Option<String>> {
        a.iter().map(|x| x.offering.as_ref().and_then(f)).collect()
    };
    t.with(
        "offer_type",
        Column::OptStr(terms(&|o| Some(o.offer_type.to_string()))),
    )
    .with(
        "shares",
        Column::OptF64(a.iter().map(|x| x.offering.map(|o| o.shares)).collect()),
    )
    .with(
        "pricing_date",
        Column::OptDate(
            a.iter()
                .map(|x| x.offering.map(|o| o.pricing_date))
                .collect(),
        ),
    )
}

/// One field as the csv crate would write it (quoted only when needed).
fn csv_field(s: &str) -> Result<String, csv::Error> {
    let mut cw = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    cw.write_record([s])?;
    let mut v = cw
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    v.pop();
    Ok(String::from_utf8(v).expect("utf-8 in, utf-8 out"))
}

/// NaN (the store's "empty") is written as an empty field / null.
fn push_num(buf: &mut String, x: f64) {
    if !x.is_nan() {
        push_f64(buf, x);
    }
}

fn write_daily_csv(m: &Market, w: &mut BufWriter<File>, path: &Path) -> Result<(), IoError> {
    let ioe = |e: std::io::Error| IoError::io(path, e);
    let cerr = |e: csv::Error| IoError::file(path, e);
    writeln!(w, "{}", COLUMNS.join(",")).map_err(ioe)?;
    // Ids that need quoting go through the csv crate; the rest are copied.
    let ids: Vec<String> = m
        .securities()
        .iter()
        .map(|s| csv_field(&s.security_id).map_err(cerr))
        .collect::<Result<_, IoError>>()?;
    let mut line = String::with_capacity(128);
    let mut last_date = (rankday_core::Date(i32::MIN), String::new());
    for r in m.rows_in_input_order() {
        if r.date != last_date.0 {
            last_date = (r.date, r.date.to_string());
        }
        line.clear();
        line.push_str(&last_date.1);
        line.push(',');
        line.push_str(&ids[r.sec.idx()]);
        line.push(',');
        push_num(&mut line, r.close);
        line.push(',');
        push_num(&mut line, r.volume);
        line.push(',');
        push_f64(&mut line, r.shares_outstanding);
        line.push(',');
        push_f64(&mut line, r.float_shares);
        line.push('\n');
        w.write_all(line.as_bytes()).map_err(ioe)?;
    }
    Ok(())
}

fn daily_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("date", DataType::Date32, false),
        Field::new(
            "security_id",
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            false,
        ),
        Field::new("close", DataType::Float64, true),
        Field::new("volume", DataType::Float64, true),
        Field::new("shares_outstanding", DataType::Float64, false),
        Field::new("float_shares", DataType::Float64, false),
    ]))
}

/// The daily columns of input rows `a..b`.
struct Cols {
    date: Vec<i32>,
    sec: Vec<i32>,
    close: Vec<f64>,
    volume: Vec<f64>,
    shares: Vec<f64>,
    float: Vec<f64>,
}

/// Gathers input rows `a..b`. When the input was already in store order
/// (the common case: generators and sorted files) this is a slice copy plus
/// a walk over day boundaries; otherwise a gather through the permutation.
fn gather(m: &Market, a: usize, b: usize) -> Cols {
    match m.input_order() {
        None => {
            let (sec, close, volume, shares, float) = m.columns();
            let starts = m.day_starts();
            let dates = m.dates();
            let mut d = if a < b { m.day_of_row(a) } else { 0 };
            let mut date = Vec::with_capacity(b - a);
            for k in a..b {
                while starts[d + 1] <= k {
                    d += 1;
                }
                date.push(dates[d].0);
            }
            Cols {
                date,
                sec: sec[a..b].iter().map(|&x| x as i32).collect(),
                close: close[a..b].to_vec(),
                volume: volume[a..b].to_vec(),
                shares: shares[a..b].to_vec(),
                float: float[a..b].to_vec(),
            }
        }
        Some(p) => {
            let rows: Vec<DailyRow> = (a..b).map(|k| m.row(p[k] as usize)).collect();
            let f = |g: fn(&DailyRow) -> f64| -> Vec<f64> { rows.iter().map(g).collect() };
            Cols {
                date: rows.iter().map(|r| r.date.0).collect(),
                sec: rows.iter().map(|r| r.sec.0 as i32).collect(),
                close: f(|r| r.close),
                volume: f(|r| r.volume),
                shares: f(|r| r.shares_outstanding),
                float: f(|r| r.float_shares),
            }
        }
    }
}

/// One record batch (= one row group) of daily rows; NaN becomes null.
fn daily_batch(schema: &SchemaRef, ids: &ArrayRef, c: Cols) -> Result<RecordBatch, IoError> {
    let opt = |v: Vec<f64>| -> ArrayRef {
        if v.iter().any(|x| x.is_nan()) {
            Arc::new(
                v.into_iter()
                    .map(|x| (!x.is_nan()).then_some(x))
                    .collect::<Float64Array>(),
            )
        } else {
            Arc::new(Float64Array::from(v))
        }
    };
    let dict = DictionaryArray::<Int32Type>::try_new(Int32Array::from(c.sec), ids.clone())
        .map_err(|e| IoError::Usage(e.to_string()))?;
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Date32Array::from(c.date)),
        Arc::new(dict),
        opt(c.close),
        opt(c.volume),
        Arc::new(Float64Array::from(c.shares)),
        Arc::new(Float64Array::from(c.float)),
    ];
    RecordBatch::try_new(schema.clone(), cols).map_err(|e| IoError::Usage(e.to_string()))
}

/// Writes `daily` as Parquet, encoding row groups and their columns on the
/// rayon pool (a wave of a few row groups per thread at a time) and
/// appending them in order: the bytes do not depend on the thread count.
fn write_daily_parquet(
    m: &Market,
    w: &mut BufWriter<File>,
    path: &Path,
    rg: usize,
) -> Result<(), IoError> {
    let perr = |e: parquet::errors::ParquetError| IoError::file(path, e);
    let schema = daily_schema();
    let ids: ArrayRef = Arc::new(StringArray::from_iter_values(
        m.securities().iter().map(|s| s.security_id.as_str()),
    ));
    // ArrowWriter embeds the Arrow schema (the Dictionary type of
    // security_id) in the footer; its low-level halves do the encoding.
    let aw = ArrowWriter::try_new(w, schema.clone(), Some(parquet_props())).map_err(perr)?;
    let (mut fw, factory) = aw.into_serialized_writer().map_err(perr)?;
    let n = m.n_rows();
    let n_groups = n.div_ceil(rg);
    let wave = rayon::current_num_threads().max(1) * 2;
    for first in (0..n_groups).step_by(wave) {
        let groups: Vec<usize> = (first..(first + wave).min(n_groups)).collect();
        let encoded: Vec<Result<Vec<ArrowColumnChunk>, IoError>> = groups
            .par_iter()
            .map(|&g| {
                let batch = daily_batch(&schema, &ids, gather(m, g * rg, ((g + 1) * rg).min(n)))?;
                let writers = factory.create_column_writers(g).map_err(perr)?;
                writers
                    .into_par_iter()
                    .zip(schema.fields().par_iter().zip(batch.columns().par_iter()))
                    .map(|(mut cw, (field, col))| {
                        for leaf in compute_leaves(field, col).map_err(perr)? {
                            cw.write(&leaf).map_err(perr)?;
                        }
                        cw.close().map_err(perr)
                    })
                    .collect()
            })
            .collect();
        for chunks in encoded {
            let mut rgw = fw.next_row_group().map_err(perr)?;
            for c in chunks? {
                c.append_to_row_group(&mut rgw).map_err(perr)?;
            }
            rgw.close().map_err(perr)?;
        }
    }
    fw.close().map_err(perr)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rankday_core::{Date, MarketBuilder, Sec, Security};

    /// 11 rows over days of 3, 3, 3 and 2 rows, pushed `descending` (input
    /// order differs from the store's) or sorted; row groups of 3 rows.
    fn check_groups(descending: bool) {
        let mut b = MarketBuilder::new();
        for i in 0..3 {
            let mut s = Security::us_common(&format!("S{i}"), "C", "T");
            if i == 1 {
                s.exchange = rankday_core::Exchange::Unlisted;
            }
            b.add_security(s).unwrap();
        }
        for k in 0..11u32 {
            // Monday 2024-10-07 to Thursday: trading days either way.
            let day = if descending {
                3 - (k / 3) as i32
            } else {
                (k / 3) as i32
            };
            b.push_daily(DailyRow {
                date: Date(20_003 + day),
                sec: Sec(k % 3),
                close: if k == 4 {
                    f64::NAN
                } else {
                    1.0 + k as f64 / 7.0
                },
                volume: k as f64,
                shares_outstanding: 10.0,
                float_shares: 5.0,
            });
        }
        let m = b.build().unwrap();
        assert_eq!(m.input_order().is_some(), descending);
        let d = tempfile::tempdir().unwrap();
        crate::write_market(&m, d.path(), FileFormat::Parquet).unwrap();
        let p = d.path().join("daily.parquet");
        // Groups of 2 and 3 rows: boundaries inside and at day edges.
        for rg in [2, 3] {
            atomic_write(&p, |w| write_daily_parquet(&m, w, &p, rg)).unwrap();
            let meta = parquet::file::reader::FileReader::metadata(
                &parquet::file::reader::SerializedFileReader::new(File::open(&p).unwrap()).unwrap(),
            )
            .clone();
            assert_eq!(meta.num_row_groups(), 11usize.div_ceil(rg));
            let back = crate::read_market(d.path()).unwrap();
            let key = |r: DailyRow| (r.date, r.sec, r.close.to_bits(), r.volume.to_bits());
            let a: Vec<_> = m.rows_in_input_order().map(key).collect();
            let b: Vec<_> = back.rows_in_input_order().map(key).collect();
            assert_eq!(a, b, "descending={descending} rg={rg}");
        }
    }

    #[test]
    fn row_groups_follow_input_order_for_permuted_and_sorted_markets() {
        check_groups(true);
        check_groups(false);
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("A,B").unwrap(), "\"A,B\"");
        assert_eq!(csv_field("q\"x").unwrap(), "\"q\"\"x\"");
        assert_eq!(csv_field("PERMNO10001").unwrap(), "PERMNO10001");
    }
}
