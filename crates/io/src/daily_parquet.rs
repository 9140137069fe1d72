//! The `daily` table in Parquet: parallel row-group decoding, deterministic
//! assembly.
//!
//! Row groups are decoded and validated on the rayon pool in waves of two
//! per thread, then pushed into the builder in file order (overlapping the
//! next wave's decoding), so the store and the first error reported are
//! identical at any thread count, and at most two waves of decoded chunks
//! are alive beside the builder.

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray as _;
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use rankday_core::{DailyRow, Date, MarketBuilder, Sec};
use rayon::prelude::*;

use crate::arrow_util::{f64_col, DateCol, StrCol, MAX_DAY, MIN_DAY};
use crate::daily::{check_row, unknown_id, Interner, COLUMNS};
use crate::error::Site;
use crate::IoError;

/// Decoded, validated rows of one row group.
#[derive(Default)]
pub(crate) struct Chunk {
    date: Vec<Date>,
    sec: Vec<u32>,
    close: Vec<f64>,
    volume: Vec<f64>,
    shares: Vec<f64>,
    float: Vec<f64>,
}

/// Reads `daily.parquet` into `b`. Push position k is file row k+1.
pub(crate) fn read_parquet(
    path: &Path,
    it: &Interner,
    b: &mut MarketBuilder,
) -> Result<(), IoError> {
    let site = Site::new(path, false);
    let f = File::open(path).map_err(|e| IoError::io(path, e))?;
    let meta =
        ArrowReaderMetadata::load(&f, Default::default()).map_err(|e| IoError::file(path, e))?;
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
    let mask = ProjectionMask::roots(&pq_schema, roots);
    let groups = meta.metadata().row_groups();
    let mut first_row = Vec::with_capacity(groups.len());
    let mut total = 0u64;
    for g in groups {
        first_row.push(total);
        total += g.num_rows() as u64;
    }
    b.reserve(total as usize);

    let wave = rayon::current_num_threads().max(1) * 2;
    let ids: Vec<usize> = (0..groups.len()).collect();
    // Decode wave k+1 while wave k is pushed into the builder (the push is
    // sequential, so overlapping it keeps the pool busy).
    let decode = |w: &[usize]| -> Vec<Result<Chunk, IoError>> {
        w.par_iter()
            .map(|&g| read_group(path, &site, &meta, &mask, g, first_row[g], it))
            .collect()
    };
    let mut pending: Vec<Result<Chunk, IoError>> = Vec::new();
    for w in ids.chunks(wave) {
        let ready = std::mem::take(&mut pending);
        let (pushed, decoded) = rayon::join(|| push_all(b, ready), || decode(w));
        pushed?;
        pending = decoded;
    }
    push_all(b, pending)
}

/// Pushes decoded chunks in file order; the first error (in file order) wins.
pub(crate) fn push_all(
    b: &mut MarketBuilder,
    chunks: Vec<Result<Chunk, IoError>>,
) -> Result<(), IoError> {
    for c in chunks {
        let c = c?;
        for i in 0..c.date.len() {
            b.push_daily(DailyRow {
                date: c.date[i],
                sec: Sec(c.sec[i]),
                close: c.close[i],
                volume: c.volume[i],
                shares_outstanding: c.shares[i],
                float_shares: c.float[i],
            });
        }
    }
    Ok(())
}

fn read_group(
    path: &Path,
    site: &Site,
    meta: &ArrowReaderMetadata,
    mask: &ProjectionMask,
    g: usize,
    first_row: u64,
    it: &Interner,
) -> Result<Chunk, IoError> {
    // Each task opens its own descriptor: clones of one `File` share a seek
    // offset, which parallel readers would race on.
    let f = File::open(path).map_err(|e| IoError::io(path, e))?;
    let n = meta.metadata().row_group(g).num_rows() as usize;
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
        .with_row_groups(vec![g])
        .with_projection(mask.clone())
        .with_batch_size(n.clamp(1, crate::ROW_GROUP_ROWS))
        .build()
        .map_err(|e| IoError::file(path, e))?;
    let mut out = Chunk {
        date: Vec::with_capacity(n),
        sec: Vec::with_capacity(n),
        close: Vec::with_capacity(n),
        volume: Vec::with_capacity(n),
        shares: Vec::with_capacity(n),
        float: Vec::with_capacity(n),
    };
    let mut row0 = first_row;
    for batch in reader {
        let batch = batch.map_err(|e| IoError::file(path, format!("row group {g}: {e}")))?;
        decode_batch(site, &batch, row0, it, &mut out)?;
        row0 += batch.num_rows() as u64;
    }
    Ok(out)
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
/// 1-based row `row0 + 1` of its table, appending to `out`.
pub(crate) fn decode_batch(
    site: &Site,
    batch: &RecordBatch,
    row0: u64,
    it: &Interner,
    out: &mut Chunk,
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
    // Date32 without nulls and in range (what rankday writes) is a straight copy.
    let fast = match &dates {
        DateCol::D32(v, None) if v.iter().all(|d| (MIN_DAY..=MAX_DAY).contains(d)) => Some(*v),
        _ => None,
    };
    if let Some(v) = fast {
        out.date.extend(v.iter().map(|&d| Date(d)));
    } else {
        for i in 0..n {
            let pos = row0 + i as u64 + 1;
            match dates.get(i) {
                Ok(Some(d)) => out.date.push(d),
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
        out.close.push(c);
        out.volume.push(v);
        out.shares.push(s);
        out.float.push(f);
    }
    out.sec.extend_from_slice(&secs);
    Ok(())
}
