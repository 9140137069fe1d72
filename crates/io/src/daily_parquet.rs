//! The `daily` table in Parquet: row groups decoded in parallel straight
//! into the store's columns.
//!
//! The builder lends the columns of every row of the file at once
//! ([`MarketBuilder::append_daily`]); each row group owns its own run of
//! them, so the rayon pool decodes and checks row groups in any order and
//! the store is the same at any thread count. A row group in the layout
//! rankday writes (and most writers do: PLAIN or dictionary pages of a
//! date, a UTF-8 id and four doubles) is decoded page by page into the
//! columns ([`crate::parquet_pages`]), ids through the dictionary as
//! security indexes; its values are checked run by run as they land. Any
//! other layout, and any row group that fails a check, goes through the
//! Arrow reader, which names the first error exactly (the first in file
//! order is reported, whatever thread found it). Only the six columns of
//! the table are read.

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray as _;
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use rankday_core::{DailyColumnsMut, Exchange, MarketBuilder};
use rayon::prelude::*;

use crate::arrow_util::{f64_col, DateCol, StrCol, MAX_DAY, MIN_DAY};
use crate::daily::{check_row, unknown_id, Interner, COLUMNS};
use crate::error::Site;
use crate::parquet_pages::{
    decode_column, has_shape, pages, parquet_call, Codes, Fallback, Fixed, Shape,
};
use crate::IoError;

/// The fast path's shape of each of [`COLUMNS`].
const SHAPES: [Shape; 6] = [
    Shape::Date,
    Shape::Utf8,
    Shape::F64,
    Shape::F64,
    Shape::F64,
    Shape::F64,
];

/// Reads `daily.parquet` into `b`. Push position k is file row k+1.
pub(crate) fn read_parquet(
    path: &Path,
    it: &Interner,
    b: &mut MarketBuilder,
) -> Result<(), IoError> {
    read_parquet_with(path, it, b, true).map(|_| ())
}

/// [`read_parquet`], with the page decoder (`pages`) or through the Arrow
/// reader alone (the reference it is tested against). Returns how many row
/// groups the page decoder read.
fn read_parquet_with(
    path: &Path,
    it: &Interner,
    b: &mut MarketBuilder,
    pages: bool,
) -> Result<usize, IoError> {
    let site = Site::new(path, false);
    let f = File::open(path).map_err(|e| IoError::io(path, e))?;
    let file_len = f.metadata().map_err(|e| IoError::io(path, e))?.len();
    let meta = parquet_call(|| ArrowReaderMetadata::load(&f, Default::default()))
        .map_err(|msg| IoError::file(path, msg))?
        .map_err(|e| IoError::file(path, e))?;
    crate::parquet_pages::check_chunk_ranges(path, meta.metadata(), file_len)?;
    let schema = meta.schema().clone();
    let site = site.with_columns(schema.fields().iter().map(|f| f.name()));
    let mut roots = Vec::new();
    for name in COLUMNS {
        let i = schema
            .fields()
            .iter()
            .position(|f| f.name() == name)
            .ok_or_else(|| site.missing_column(name))?;
        roots.push(i);
    }
    let pq_schema = meta.metadata().file_metadata().schema_descr_ptr();
    if pq_schema.num_columns() != schema.fields().len() {
        return Err(IoError::file(
            path,
            "nested columns are not supported in daily",
        ));
    }
    // Flat schema: root i is leaf column i.
    let direct = roots
        .iter()
        .zip(SHAPES)
        .all(|(&i, shape)| pages && has_shape(&pq_schema.column(i), shape))
        .then(|| <[usize; 6]>::try_from(roots.as_slice()).expect("six columns"));
    let mask = ProjectionMask::roots(&pq_schema, roots);
    let groups = meta.metadata().row_groups();
    let mut first_row = Vec::with_capacity(groups.len());
    let mut total = 0usize;
    for g in groups {
        first_row.push(total as u64);
        total += g.num_rows() as usize;
    }

    let mut parts = Vec::with_capacity(groups.len());
    let mut rest = b.append_daily(total);
    for g in groups {
        let (part, tail) = rest.split_at(g.num_rows() as usize);
        parts.push(part);
        rest = tail;
    }
    let results: Vec<Result<bool, IoError>> = parts
        .into_par_iter()
        .enumerate()
        .map(|(g, mut part)| {
            if let Some(leaves) = &direct {
                if let Ok(true) = read_group_direct(&f, &meta, g, leaves, it, &mut part) {
                    return Ok(true);
                }
            }
            read_group(path, &site, &meta, &mask, g, first_row[g], it, &mut part).map(|()| false)
        })
        .collect();
    let mut by_pages = 0;
    for r in results {
        by_pages += usize::from(r?);
    }
    Ok(by_pages)
}

/// Decodes row group `g` page by page into `out` and checks it. `Ok(false)`
/// when a value fails a check (the Arrow path then names the first error);
/// [`Fallback`] when the group is not in a layout this path reads.
fn read_group_direct(
    f: &File,
    meta: &ArrowReaderMetadata,
    g: usize,
    leaves: &[usize; 6],
    it: &Interner,
    out: &mut DailyColumnsMut,
) -> Result<bool, Fallback> {
    let rg = meta.metadata().row_group(g);
    let rows = out.len();
    let chunk = |k: usize| rg.column(leaves[k]);
    let pages = |k: usize| pages(f, chunk(k), rows);
    let max_def = |k: usize| chunk(k).column_descr().max_def_level();
    let DailyColumnsMut {
        date,
        sec,
        close,
        volume,
        shares,
        float,
    } = out;
    let mut nulls = Vec::new();
    let codes = Codes(|id: &[u8]| it.get(id).unwrap_or(u32::MAX));
    let known = |_: usize, v: &[u32]| v.iter().fold(true, |a, &s| a & (s != u32::MAX));
    if !decode_column(pages(1)?, max_def(1), &codes, sec, &mut nulls, known)? || !nulls.is_empty() {
        return Ok(false);
    }
    let sec: &[u32] = sec;
    let in_range = |_: usize, v: &[i32]| {
        v.iter()
            .fold(true, |a, d| a & (MIN_DAY..=MAX_DAY).contains(d))
    };
    let mut ok = decode_column(
        pages(0)?,
        max_def(0),
        &Fixed::<i32>::new(),
        date,
        &mut nulls,
        in_range,
    )?;
    ok &= nulls.is_empty();
    // Empty close and volume only on UNLISTED lines.
    let unlisted = |nulls: &[u32]| {
        nulls
            .iter()
            .all(|&r| it.exchange[sec[r as usize] as usize] == Exchange::Unlisted)
    };
    let f64s = Fixed::<f64>::new();
    let positive = |_: usize, v: &[f64]| v.iter().fold(true, |a, &x| a & (x > 0.0) & x.is_finite());
    let non_negative =
        |_: usize, v: &[f64]| v.iter().fold(true, |a, &x| a & (x >= 0.0) & x.is_finite());
    for (k, col, check) in [
        (2, &mut **close, &positive as &dyn Fn(usize, &[f64]) -> bool),
        (3, &mut **volume, &non_negative),
    ] {
        nulls.clear();
        ok &= decode_column(pages(k)?, max_def(k), &f64s, col, &mut nulls, check)?;
        ok &= unlisted(&nulls);
    }
    nulls.clear();
    ok &= decode_column(pages(4)?, max_def(4), &f64s, shares, &mut nulls, positive)?;
    let shares: &[f64] = shares;
    // 0 < float <= shares, checked against the shares just decoded.
    let within = |first: usize, v: &[f64]| {
        v.iter()
            .zip(&shares[first..])
            .fold(true, |a, (&x, &s)| a & (x > 0.0) & x.is_finite() & (x <= s))
    };
    ok &= decode_column(pages(5)?, max_def(5), &f64s, float, &mut nulls, within)?;
    Ok(ok && nulls.is_empty())
}

/// Decodes row group `g` through the Arrow reader into `out`, checking
/// every row: the path of layouts the page decoder does not read, and the
/// one that names the first error of a row group.
#[allow(clippy::too_many_arguments)]
fn read_group(
    path: &Path,
    site: &Site,
    meta: &ArrowReaderMetadata,
    mask: &ProjectionMask,
    g: usize,
    first_row: u64,
    it: &Interner,
    out: &mut DailyColumnsMut,
) -> Result<(), IoError> {
    // Each task opens its own descriptor: clones of one `File` share a seek
    // offset, which parallel readers would race on.
    let f = File::open(path).map_err(|e| IoError::io(path, e))?;
    crate::parquet_pages::check_dictionary_pages(path, &f, meta.metadata(), [g])?;
    let n = meta.metadata().row_group(g).num_rows() as usize;
    let mut reader = parquet_call(|| {
        ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
            .with_row_groups(vec![g])
            .with_projection(mask.clone())
            .with_batch_size(n.clamp(1, crate::ROW_GROUP_ROWS))
            .build()
    })
    .map_err(|msg| IoError::file(path, format!("row group {g}: {msg}")))?
    .map_err(|e| IoError::file(path, e))?;
    let mut at = 0usize;
    while let Some(batch) = parquet_call(|| reader.next())
        .map_err(|msg| IoError::file(path, format!("row group {g}: {msg}")))?
    {
        let batch = batch.map_err(|e| IoError::file(path, format!("row group {g}: {e}")))?;
        if at + batch.num_rows() > n {
            return Err(IoError::file(
                path,
                format!("row group {g}: more rows than its metadata says"),
            ));
        }
        decode_batch(site, &batch, first_row + at as u64, it, out, at)?;
        at += batch.num_rows();
    }
    if at != n {
        return Err(IoError::file(
            path,
            format!("row group {g}: {at} rows, its metadata says {n}"),
        ));
    }
    Ok(())
}

fn column<'a>(site: &Site, batch: &'a RecordBatch, name: &str) -> Result<&'a dyn Array, IoError> {
    batch
        .column_by_name(name)
        .map(|a| a.as_ref())
        .ok_or_else(|| site.missing_column(name))
}

/// Security index of every row: per dictionary value when the column is a
/// dictionary (u32::MAX marks ids not in `securities`), else per row.
fn sec_column(site: &Site, arr: &dyn Array, row0: u64, it: &Interner) -> Result<Vec<u32>, IoError> {
    let bad = |m: String| site.schema("security_id", m);
    let n = arr.len();
    let null_at = |i: usize| site.invalid(row0 + i as u64 + 1, "security_id", "required, got null");
    if let Some(d) = arr.as_any_dictionary_opt() {
        let values = StrCol::new(d.values().as_ref()).map_err(bad)?;
        let map: Vec<u32> = (0..values.len())
            .map(|v| {
                values
                    .get(v)
                    .and_then(|s| it.get(s.as_bytes()))
                    .unwrap_or(u32::MAX)
            })
            .collect();
        if map.is_empty() {
            return if n == 0 { Ok(vec![]) } else { Err(null_at(0)) };
        }
        let keys = d.normalized_keys();
        let mut out = Vec::with_capacity(n);
        for (i, &k) in keys.iter().enumerate() {
            let s = map[k];
            if s == u32::MAX || arr.is_null(i) {
                if arr.is_null(i) {
                    return Err(null_at(i));
                }
                let id = values.get(k).unwrap_or("");
                return Err(site.invalid(
                    row0 + i as u64 + 1,
                    "security_id",
                    unknown_id(id.as_bytes()),
                ));
            }
            out.push(s);
        }
        return Ok(out);
    }
    let s = StrCol::new(arr).map_err(bad)?;
    (0..n)
        .map(|i| {
            let id = s.get(i).ok_or_else(|| null_at(i))?;
            it.get(id.as_bytes()).ok_or_else(|| {
                site.invalid(
                    row0 + i as u64 + 1,
                    "security_id",
                    unknown_id(id.as_bytes()),
                )
            })
        })
        .collect()
}

/// Decodes and checks one record batch of `daily` whose first row is
/// 1-based row `row0 + 1` of its table, writing it into `out` from row `at`.
pub(crate) fn decode_batch(
    site: &Site,
    batch: &RecordBatch,
    row0: u64,
    it: &Interner,
    out: &mut DailyColumnsMut,
    at: usize,
) -> Result<(), IoError> {
    let n = batch.num_rows();
    let dates = DateCol::new(column(site, batch, "date")?).map_err(|m| site.schema("date", m))?;
    let secs = sec_column(site, column(site, batch, "security_id")?, row0, it)?;
    let num = |name: &str| -> Result<_, IoError> {
        f64_col(column(site, batch, name)?).map_err(|m| site.schema(name, m))
    };
    let (close, close_n) = num("close")?;
    let (volume, volume_n) = num("volume")?;
    let (shares, shares_n) = num("shares_outstanding")?;
    let (float, float_n) = num("float_shares")?;
    let get = |v: &[f64], nb: &Option<arrow_buffer::NullBuffer>, i: usize| {
        if nb.as_ref().is_some_and(|nb| nb.is_null(i)) {
            None
        } else {
            Some(v[i])
        }
    };
    let date_out = &mut out.date[at..at + n];
    // Date32 without nulls and in range (what rankday writes) is a straight copy.
    let fast = match &dates {
        DateCol::D32(v, None) if v.iter().all(|d| (MIN_DAY..=MAX_DAY).contains(d)) => Some(*v),
        _ => None,
    };
    if let Some(v) = fast {
        date_out.copy_from_slice(v);
    } else {
        for (i, o) in date_out.iter_mut().enumerate() {
            let pos = row0 + i as u64 + 1;
            match dates.get(i) {
                Ok(Some(d)) => *o = d.0,
                Ok(None) => return Err(site.invalid(pos, "date", "required, got null")),
                Err(m) => return Err(site.invalid(pos, "date", m)),
            }
        }
    }
    for (i, &sec) in secs.iter().enumerate() {
        let pos = row0 + i as u64 + 1;
        let (c, v, s, f) = check_row(
            site,
            pos,
            sec,
            it,
            get(&close, &close_n, i),
            get(&volume, &volume_n, i),
            get(&shares, &shares_n, i),
            get(&float, &float_n, i),
        )?;
        let r = at + i;
        (out.close[r], out.volume[r], out.shares[r], out.float[r]) = (c, v, s, f);
    }
    out.sec[at..at + n].copy_from_slice(&secs);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::types::Int32Type;
    use arrow_array::{ArrayRef, Date32Array, DictionaryArray, Float64Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Encoding;
    use parquet::file::properties::{WriterProperties, WriterVersion};
    use parquet::schema::types::ColumnPath;
    use proptest::prelude::*;
    use rankday_core::{DailyRow, Security};

    use super::*;

    /// How a test file is written: the knobs that change pages and encodings.
    #[derive(Debug, Clone)]
    struct Layout {
        dict_ids: bool,
        dictionary: bool,
        v2: bool,
        page_rows: usize,
        dict_page_bytes: usize,
        group_rows: usize,
        /// BYTE_STREAM_SPLIT doubles and DELTA dates: not for the page
        /// decoder, so those row groups go through the Arrow reader.
        exotic: bool,
    }

    fn layout() -> impl Strategy<Value = Layout> {
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            1usize..40,
            prop_oneof![Just(64usize), Just(1 << 20)],
            1usize..300,
            prop::bool::weighted(0.2),
        )
            .prop_map(
                |(dict_ids, dictionary, v2, page_rows, dict_page_bytes, group_rows, exotic)| {
                    Layout {
                        dict_ids,
                        dictionary,
                        v2,
                        page_rows,
                        dict_page_bytes,
                        group_rows,
                        exotic,
                    }
                },
            )
    }

    /// (security index, close, volume, shares, float) per row, days of
    /// `per_day` rows; securities 0 and 3 are unlisted (empty prices).
    fn rows() -> impl Strategy<Value = Vec<(u32, f64, f64, f64, f64)>> {
        let price = prop_oneof![Just(1.5f64), Just(20.25), 0.01f64..1e4];
        prop::collection::vec(
            (
                0u32..8,
                price.clone(),
                prop_oneof![Just(0.0f64), 0.0f64..1e9],
                1e3f64..1e9,
                0.1f64..1.0,
            ),
            0..600,
        )
        .prop_map(|v| {
            v.into_iter()
                .map(|(s, c, vol, sh, fr)| {
                    let unlisted = s == 0 || s == 3;
                    let (c, vol) = if unlisted && c > 5e3 {
                        (f64::NAN, f64::NAN)
                    } else {
                        (c, vol)
                    };
                    (s, c, vol, sh, sh * fr)
                })
                .collect()
        })
    }

    fn securities() -> Vec<Security> {
        (0..8)
            .map(|k| {
                let mut s = Security::us_common(&format!("ID{k}"), "C", "T");
                if k == 0 || k == 3 {
                    s.exchange = Exchange::Unlisted;
                }
                s
            })
            .collect()
    }

    fn write(path: &Path, rows: &[(u32, f64, f64, f64, f64)], l: &Layout) {
        let id_type = if l.dict_ids {
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        } else {
            DataType::Utf8
        };
        let schema = Arc::new(Schema::new(vec![
            Field::new("date", DataType::Date32, false),
            Field::new("security_id", id_type, false),
            Field::new("close", DataType::Float64, true),
            Field::new("volume", DataType::Float64, true),
            Field::new("shares_outstanding", DataType::Float64, false),
            Field::new("float_shares", DataType::Float64, false),
        ]));
        let mut props = WriterProperties::builder()
            .set_dictionary_enabled(l.dictionary)
            .set_writer_version(if l.v2 {
                WriterVersion::PARQUET_2_0
            } else {
                WriterVersion::PARQUET_1_0
            })
            .set_data_page_row_count_limit(l.page_rows)
            .set_write_batch_size(l.page_rows)
            .set_dictionary_page_size_limit(l.dict_page_bytes)
            .set_max_row_group_row_count(Some(l.group_rows));
        if l.exotic {
            props = props
                .set_dictionary_enabled(false)
                .set_column_encoding(ColumnPath::from("close"), Encoding::BYTE_STREAM_SPLIT)
                .set_column_encoding(ColumnPath::from("date"), Encoding::DELTA_BINARY_PACKED);
        }
        let ids: Vec<String> = rows.iter().map(|r| format!("ID{}", r.0)).collect();
        let id_col: ArrayRef = if l.dict_ids {
            let keys: Vec<i32> = rows.iter().map(|r| r.0 as i32).collect();
            let values: ArrayRef = Arc::new(StringArray::from_iter_values(
                (0..8).map(|k| format!("ID{k}")),
            ));
            Arc::new(DictionaryArray::<Int32Type>::try_new(keys.into(), values).unwrap())
        } else {
            Arc::new(StringArray::from(ids))
        };
        let opt = |f: fn(&(u32, f64, f64, f64, f64)) -> f64| -> ArrayRef {
            Arc::new(
                rows.iter()
                    .map(|r| Some(f(r)).filter(|x| !x.is_nan()))
                    .collect::<Float64Array>(),
            )
        };
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Date32Array::from(
                    (0..rows.len())
                        .map(|i| 19_000 + (i / 8) as i32)
                        .collect::<Vec<_>>(),
                )),
                id_col,
                opt(|r| r.1),
                opt(|r| r.2),
                opt(|r| r.3),
                opt(|r| r.4),
            ],
        )
        .unwrap();
        let mut w =
            ArrowWriter::try_new(File::create(path).unwrap(), schema, Some(props.build())).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    type Read = Result<(Vec<(i32, u32, u64, u64, u64, u64)>, usize), String>;

    /// The rows read, and how many row groups the page decoder read.
    fn read(path: &Path, pages: bool) -> Read {
        let secs = securities();
        let it = Interner::new(&secs);
        let mut b = MarketBuilder::new();
        for s in secs {
            b.add_security(s).unwrap();
        }
        let by_pages = read_parquet_with(path, &it, &mut b, pages).map_err(|e| e.to_string())?;
        let m = b.build().map_err(|e| e.to_string())?;
        let rows = m
            .rows_in_input_order()
            .map(|r: DailyRow| {
                (
                    r.date.0,
                    r.sec.0,
                    r.close.to_bits(),
                    r.volume.to_bits(),
                    r.shares_outstanding.to_bits(),
                    r.float_shares.to_bits(),
                )
            })
            .collect();
        Ok((rows, by_pages))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The page decoder reads every layout the writers make (dictionary
        /// or PLAIN pages, a dictionary given up mid-chunk, data pages v1 and
        /// v2, short pages and row groups, nulls in runs and bit-packed
        /// among values, encodings it leaves to Arrow) into the same store,
        /// bit for bit, as the Arrow reader; bad rows (a listed line without
        /// a close) give the same error.
        #[test]
        fn page_decoder_agrees_with_arrow(
            rows in rows(),
            l in layout(),
            bad in prop::option::weighted(0.2, any::<prop::sample::Index>()),
        ) {
            let mut rows = rows;
            // Distinct (date, security): one row per security a day.
            for (i, r) in rows.iter_mut().enumerate() {
                r.0 = (i % 8) as u32;
                if r.0 != 0 && r.0 != 3 && r.1.is_nan() {
                    r.1 = 2.5;
                    r.2 = 1.0;
                }
            }
            if let (Some(at), false) = (bad, rows.is_empty()) {
                let k = at.index(rows.len());
                if rows[k].0 != 0 && rows[k].0 != 3 {
                    rows[k].1 = f64::NAN;
                } else {
                    rows[k].4 = rows[k].3 * 2.0;
                }
            }
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("daily.parquet");
            write(&p, &rows, &l);
            let (fast, arrow) = (read(&p, true), read(&p, false));
            prop_assert_eq!(
                fast.as_ref().map(|r| &r.0),
                arrow.as_ref().map(|r| &r.0)
            );
            prop_assert_eq!(fast.is_err(), bad.is_some() && !rows.is_empty());
            // Every row group of the common layouts is the page decoder's
            // (format v2 writes DELTA integers and strings where it has no
            // dictionary, or gives it up: those may go to Arrow).
            if let Ok((_, by_pages)) = fast {
                let groups = rows.len().div_ceil(l.group_rows);
                let dictionary = l.dictionary && l.dict_page_bytes > 64;
                if l.exotic {
                    prop_assert_eq!(by_pages, 0);
                } else if !l.v2 || dictionary {
                    prop_assert_eq!(by_pages, groups);
                }
            }
        }
    }
}
