//! Parquet column chunks decoded page by page straight into a caller's
//! slice: the fast path of the `daily` reader.
//!
//! Why not the Arrow reader: it decodes every column into a fresh Arrow
//! buffer (and spreads the values of a nullable column a second time to
//! make room for the nulls), then the store copies the buffer again. Here a
//! PLAIN page is copied once, from the decompressed page into the store's
//! column; a dictionary page is turned into store values once per column
//! chunk (for `security_id`, its strings into security indexes: the ids stay
//! codes and no string is built or hashed per row); and a run of non-null
//! values is checked while it is still in cache.
//!
//! Only what rankday and the common writers produce is decoded here: flat
//! columns, PLAIN and dictionary (`RLE_DICTIONARY`, `PLAIN_DICTIONARY`)
//! values, RLE definition levels, data pages v1 and v2, any codec the
//! `parquet` crate is built with. Anything else (another encoding, a
//! corrupt page) is a [`Fallback`]: the caller decodes that row group
//! through the Arrow reader instead, which either reads it or reports the
//! error.

use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::{ConvertedType, Encoding, LogicalType, Type as PhysicalType};
use parquet::column::page::{Page, PageReader as _};
use parquet::file::metadata::ColumnChunkMetaData;
use parquet::file::reader::{ChunkReader, Length};
use parquet::file::serialized_reader::SerializedPageReader;
use parquet::schema::types::ColumnDescriptor;

/// Runs `f`, one call into the `parquet` crate on a file's bytes, and turns
/// a panic inside it into `Err` with the panic's message.
///
/// Why: the crate asserts on many shapes of corrupt file (fuzzing found an
/// over-long varint in an RLE run header, a dictionary-encoded page with no
/// dictionary, negative chunk lengths), and a user's corrupt file must be
/// an error naming it, never a crash. The checks in this module refuse the
/// shapes found so far with precise messages; this is the net under the
/// rest. Only the crate's own calls are wrapped, so a panic in rankday's
/// code stays a panic (and a fuzzer still finds it). While `f` runs, the
/// panic hook is told to stay quiet on this thread: the message goes into
/// the error instead of onto the terminal.
pub(crate) fn parquet_call<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    use std::cell::Cell;
    use std::panic::{self, AssertUnwindSafe};
    thread_local! {
        static QUIET: Cell<bool> = const { Cell::new(false) };
    }
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        format!("the Parquet reader failed on it ({msg}); the file is corrupt")
    })
}

/// This column chunk (or row group) is not for the fast path; the reason is
/// for debugging only, the Arrow reader gives the user's error.
#[derive(Debug)]
pub(crate) struct Fallback(#[allow(dead_code)] pub String);

fn fallback<T>(why: impl Into<String>) -> Result<T, Fallback> {
    Err(Fallback(why.into()))
}

impl From<parquet::errors::ParquetError> for Fallback {
    fn from(e: parquet::errors::ParquetError) -> Fallback {
        Fallback(e.to_string())
    }
}

/// The physical shape the fast path reads a column as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// INT32 annotated as a date.
    Date,
    /// BYTE_ARRAY annotated as UTF-8.
    Utf8,
    /// DOUBLE.
    F64,
}

/// Whether a column is stored as `shape` in a flat, at most optional field.
pub(crate) fn has_shape(d: &ColumnDescriptor, shape: Shape) -> bool {
    let flat = d.max_rep_level() == 0 && d.max_def_level() <= 1;
    let logical = d.logical_type_ref();
    flat && match shape {
        Shape::Date => {
            d.physical_type() == PhysicalType::INT32
                && (matches!(logical, Some(LogicalType::Date))
                    || d.converted_type() == ConvertedType::DATE)
        }
        Shape::Utf8 => {
            d.physical_type() == PhysicalType::BYTE_ARRAY
                && (matches!(logical, Some(LogicalType::String))
                    || d.converted_type() == ConvertedType::UTF8)
        }
        Shape::F64 => d.physical_type() == PhysicalType::DOUBLE && logical.is_none(),
    }
}

/// One column chunk's bytes, read with one positioned read (no shared file
/// offset, so row groups can be read from one `File` on every thread),
/// addressed by file offset as the page reader expects.
struct ChunkBytes {
    base: u64,
    data: Bytes,
}

impl Length for ChunkBytes {
    fn len(&self) -> u64 {
        self.base + self.data.len() as u64
    }
}

impl ChunkReader for ChunkBytes {
    type T = bytes::buf::Reader<Bytes>;
    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        self.get_bytes(start, 0)?; // in range
        let off = (start - self.base) as usize;
        Ok(bytes::Buf::reader(self.data.slice(off..)))
    }
    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let off = start
            .checked_sub(self.base)
            .map(|o| o as usize)
            .filter(|&o| o.checked_add(length).is_some_and(|e| e <= self.data.len()))
            .ok_or_else(|| {
                parquet::errors::ParquetError::General(format!(
                    "page at {start} (+{length}) outside its column chunk"
                ))
            })?;
        Ok(self.data.slice(off..off + length))
    }
}

/// One column chunk's bytes, read with one positioned read.
fn chunk_bytes(file: &File, meta: &ColumnChunkMetaData) -> Result<Arc<ChunkBytes>, Fallback> {
    let (start, len) = meta.byte_range();
    let len = usize::try_from(len).or_else(|_| fallback("column chunk too large"))?;
    let mut data = vec![0u8; len];
    file.read_exact_at(&mut data, start)
        .map_err(|e| Fallback(e.to_string()))?;
    Ok(Arc::new(ChunkBytes {
        base: start,
        data: Bytes::from(data),
    }))
}

/// The decompressed pages of one column chunk of `rows` rows. A page whose
/// header claims more than its bytes can decompress to is a [`Fallback`]
/// here; the caller's fallback path refuses the file with
/// [`check_dictionary_pages`].
pub(crate) fn pages(
    file: &File,
    meta: &ColumnChunkMetaData,
    rows: usize,
) -> Result<impl Iterator<Item = Result<Page, Fallback>>, Fallback> {
    let chunk = chunk_bytes(file, meta)?;
    crate::page_headers::check_page_sizes(&chunk.data, meta.compression())
        .map_err(|e| Fallback(e.0))?;
    page_reader(chunk, meta, rows)
}

/// The `parquet` crate's page reader over a chunk already read (and, for
/// the callers, its page headers already walked).
fn page_reader(
    chunk: Arc<ChunkBytes>,
    meta: &ColumnChunkMetaData,
    rows: usize,
) -> Result<impl Iterator<Item = Result<Page, Fallback>>, Fallback> {
    let mut reader =
        parquet_call(|| SerializedPageReader::new(chunk, meta, rows, None)).map_err(Fallback)??;
    Ok(parquet_iter(
        move || reader.get_next_page().map_err(Fallback::from).transpose(),
        Fallback,
    ))
}

/// The items of `next`, one call into the `parquet` crate each, through
/// [`parquet_call`]: a panic becomes one last `Err(on_panic(message))`.
pub(crate) fn parquet_iter<T, E>(
    mut next: impl FnMut() -> Option<Result<T, E>>,
    on_panic: impl Fn(String) -> E,
) -> impl Iterator<Item = Result<T, E>> {
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        parquet_call(&mut next).unwrap_or_else(|msg| {
            failed = true;
            Some(Err(on_panic(msg)))
        })
    })
}

/// Reader of Parquet's RLE / bit-packing hybrid encoding (definition levels
/// and dictionary indexes), run by run, so a run of equal values costs one
/// step however long it is.
struct Hybrid<'a> {
    data: &'a [u8],
    pos: usize,
    width: usize,
    mask: u64,
    /// Values left in the current run.
    left: usize,
    /// The current run repeats `value` (else it is bit-packed from `bit`).
    rle: bool,
    value: u32,
    bit: usize,
}

impl<'a> Hybrid<'a> {
    fn new(data: &'a [u8], width: usize) -> Result<Hybrid<'a>, Fallback> {
        if width > 32 {
            return fallback(format!("bit width {width}"));
        }
        Ok(Hybrid {
            data,
            pos: 0,
            width,
            mask: (1u64 << width) - 1,
            left: 0,
            rle: true,
            value: 0,
            bit: 0,
        })
    }

    fn uleb(&mut self) -> Result<u64, Fallback> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&b) = self.data.get(self.pos) else {
                return fallback("truncated run header");
            };
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        fallback("run header too long")
    }

    /// Loads the next run; an error at the end of the data (the caller
    /// always knows how many values it needs).
    fn next_run(&mut self) -> Result<(), Fallback> {
        if self.pos >= self.data.len() {
            return fallback("runs end before the values");
        }
        let h = self.uleb()?;
        let n = usize::try_from(h >> 1).or_else(|_| fallback("run too long"))?;
        if h & 1 == 1 {
            // n groups of 8 values, n * width bytes; a last run cut short
            // holds as many whole values as its bytes do.
            let bytes = n.saturating_mul(self.width);
            let have = bytes.min(self.data.len() - self.pos);
            self.rle = false;
            self.bit = self.pos * 8;
            let whole = (have * 8).checked_div(self.width).unwrap_or(usize::MAX);
            self.left = whole.min(n.saturating_mul(8));
            self.pos += have;
        } else {
            let bytes = self.width.div_ceil(8);
            let Some(b) = self.data.get(self.pos..self.pos + bytes) else {
                return fallback("truncated run value");
            };
            let mut v = [0u8; 4];
            v[..bytes].copy_from_slice(b);
            self.pos += bytes;
            self.rle = true;
            self.value = u32::from_le_bytes(v);
            self.left = n;
        }
        Ok(())
    }

    /// The bit-packed value at bit offset `bit`.
    #[inline]
    fn unpack(&self, bit: usize) -> u32 {
        let byte = bit / 8;
        let word = match self.data.get(byte..byte + 8) {
            Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
            None => {
                let mut w = [0u8; 8];
                let tail = &self.data[byte.min(self.data.len())..];
                w[..tail.len()].copy_from_slice(tail);
                u64::from_le_bytes(w)
            }
        };
        ((word >> (bit % 8)) & self.mask) as u32
    }

    /// Fills `out` with the next values looked up in `dict`.
    fn read_mapped<T: Copy>(&mut self, out: &mut [T], dict: &[T]) -> Result<(), Fallback> {
        let mut i = 0;
        while i < out.len() {
            if self.left == 0 {
                self.next_run()?;
                continue;
            }
            let k = self.left.min(out.len() - i);
            if self.rle {
                let Some(&v) = dict.get(self.value as usize) else {
                    return fallback("dictionary index out of range");
                };
                out[i..i + k].fill(v);
            } else {
                for o in &mut out[i..i + k] {
                    let Some(&v) = dict.get(self.unpack(self.bit) as usize) else {
                        return fallback("dictionary index out of range");
                    };
                    *o = v;
                    self.bit += self.width;
                }
            }
            self.left -= k;
            i += k;
        }
        Ok(())
    }

    /// The next run of equal levels, at most `max` long: (level, length).
    fn next_levels(&mut self, max: usize) -> Result<(u32, usize), Fallback> {
        while self.left == 0 {
            self.next_run()?;
        }
        if self.rle {
            let k = self.left.min(max);
            self.left -= k;
            return Ok((self.value, k));
        }
        let v = self.unpack(self.bit);
        let mut k = 0;
        while k < self.left.min(max) && self.unpack(self.bit) == v {
            self.bit += self.width;
            k += 1;
        }
        self.left -= k;
        Ok((v, k))
    }
}

/// How one column's values are stored and turned into the store's values.
pub(crate) trait Values {
    type T: Copy;
    /// Decodes `out.len()` PLAIN values from `data` at `*pos`.
    fn plain(&self, data: &[u8], pos: &mut usize, out: &mut [Self::T]) -> Result<(), Fallback>;
    /// The values of a PLAIN dictionary page of `n` entries. `n` is the
    /// page header's claim: it is held to the page's bytes before anything
    /// is sized from it (every value read here, an INT32, a DOUBLE or a
    /// BYTE_ARRAY's length prefix, takes at least four bytes).
    fn dictionary(&self, data: &[u8], n: usize) -> Result<Vec<Self::T>, Fallback> {
        if n > data.len() / 4 {
            return fallback("a dictionary page claims more values than its bytes hold");
        }
        let mut out = Vec::with_capacity(n);
        out.resize_with(n, || self.null());
        let mut pos = 0;
        self.plain(data, &mut pos, &mut out)?;
        Ok(out)
    }
    /// What a null is stored as.
    fn null(&self) -> Self::T;
}

/// Fixed-width little-endian values (INT32 day numbers, DOUBLE).
pub(crate) struct Fixed<T>(std::marker::PhantomData<T>);

impl<T> Fixed<T> {
    pub fn new() -> Self {
        Fixed(std::marker::PhantomData)
    }
}

macro_rules! fixed {
    ($t:ty, $null:expr) => {
        impl Values for Fixed<$t> {
            type T = $t;
            #[inline]
            fn plain(&self, data: &[u8], pos: &mut usize, out: &mut [$t]) -> Result<(), Fallback> {
                const W: usize = std::mem::size_of::<$t>();
                let end = *pos + out.len() * W;
                let Some(bytes) = data.get(*pos..end) else {
                    return fallback("PLAIN values end early");
                };
                for (o, b) in out.iter_mut().zip(bytes.chunks_exact(W)) {
                    *o = <$t>::from_le_bytes(b.try_into().expect("W bytes"));
                }
                *pos = end;
                Ok(())
            }
            fn null(&self) -> $t {
                $null
            }
        }
    };
}
fixed!(i32, 0);
fixed!(f64, f64::NAN);

/// UTF-8 byte arrays turned into codes by `code` (`u32::MAX` for a value it
/// does not know), once per dictionary entry.
pub(crate) struct Codes<F>(pub F);

impl<F: Fn(&[u8]) -> u32> Values for Codes<F> {
    type T = u32;
    fn plain(&self, data: &[u8], pos: &mut usize, out: &mut [u32]) -> Result<(), Fallback> {
        for o in out {
            let Some(len) = data.get(*pos..*pos + 4) else {
                return fallback("PLAIN byte array ends early");
            };
            let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
            let Some(s) = data.get(*pos + 4..*pos + 4 + len) else {
                return fallback("PLAIN byte array ends early");
            };
            *o = (self.0)(s);
            *pos += 4 + len;
        }
        Ok(())
    }
    fn null(&self) -> u32 {
        u32::MAX
    }
}

/// A data page's values: PLAIN bytes or dictionary indexes.
enum PageValues<'a, 'd, T> {
    Plain(&'a [u8], usize),
    Dict(Hybrid<'a>, &'d [T]),
}

impl<T: Copy> PageValues<'_, '_, T> {
    #[inline]
    fn take<V: Values<T = T>>(&mut self, v: &V, out: &mut [T]) -> Result<(), Fallback> {
        match self {
            PageValues::Plain(data, pos) => v.plain(data, pos, out),
            PageValues::Dict(h, dict) => h.read_mapped(out, dict),
        }
    }
}

/// Decodes one column chunk into `out` (one slot per row), page by page.
/// Nulls are stored as `values.null()` and their positions in `out` pushed
/// to `nulls`; `check(first, run)` sees each run of non-null values right
/// after it is decoded and returns whether all of them are valid. Returns
/// whether every check passed.
pub(crate) fn decode_column<V: Values>(
    pages: impl Iterator<Item = Result<Page, Fallback>>,
    max_def: i16,
    values: &V,
    out: &mut [V::T],
    nulls: &mut Vec<u32>,
    mut check: impl FnMut(usize, &[V::T]) -> bool,
) -> Result<bool, Fallback> {
    let mut dict: Option<Vec<V::T>> = None;
    let mut row = 0usize;
    let mut ok = true;
    for page in pages {
        let (buf, n, encoding, defs, data) = match page? {
            Page::DictionaryPage {
                buf,
                num_values,
                encoding,
                ..
            } => {
                if !matches!(encoding, Encoding::PLAIN | Encoding::PLAIN_DICTIONARY) {
                    return fallback(format!("dictionary page encoded {encoding}"));
                }
                dict = Some(values.dictionary(&buf, num_values as usize)?);
                continue;
            }
            Page::DataPage {
                buf,
                num_values,
                encoding,
                def_level_encoding,
                ..
            } => {
                let (defs, data) = if max_def > 0 {
                    if def_level_encoding != Encoding::RLE {
                        return fallback(format!("levels encoded {def_level_encoding}"));
                    }
                    let Some(len) = buf.get(..4) else {
                        return fallback("truncated levels");
                    };
                    let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
                    if buf.len() < 4 + len {
                        return fallback("truncated levels");
                    }
                    (Some(4..4 + len), 4 + len..buf.len())
                } else {
                    (None, 0..buf.len())
                };
                (buf, num_values as usize, encoding, defs, data)
            }
            Page::DataPageV2 {
                buf,
                num_values,
                encoding,
                def_levels_byte_len,
                rep_levels_byte_len,
                ..
            } => {
                let (r, d) = (rep_levels_byte_len as usize, def_levels_byte_len as usize);
                if r != 0 || buf.len() < d {
                    return fallback("repetition levels in a flat column");
                }
                let defs = (max_def > 0).then_some(0..d);
                let data = d..buf.len();
                (buf, num_values as usize, encoding, defs, data)
            }
        };
        let Some(out) = out.get_mut(row..row + n) else {
            return fallback("more values than rows");
        };
        let data = &buf[data];
        let mut vals = match encoding {
            Encoding::PLAIN => PageValues::Plain(data, 0),
            Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY => {
                let Some(d) = dict.as_deref() else {
                    return fallback("dictionary indexes without a dictionary");
                };
                let Some((&w, idx)) = data.split_first() else {
                    return fallback("empty dictionary page");
                };
                PageValues::Dict(Hybrid::new(idx, w as usize)?, d)
            }
            e => return fallback(format!("values encoded {e}")),
        };
        match defs {
            None => {
                vals.take(values, out)?;
                ok &= check(row, out);
            }
            Some(defs) => {
                let mut levels = Hybrid::new(&buf[defs], 1)?;
                let mut i = 0;
                while i < n {
                    let (level, k) = levels.next_levels(n - i)?;
                    let run = &mut out[i..i + k];
                    match level {
                        1 => {
                            vals.take(values, run)?;
                            ok &= check(row + i, run);
                        }
                        0 => {
                            run.fill(values.null());
                            nulls.extend((row + i) as u32..(row + i + k) as u32);
                        }
                        l => return fallback(format!("definition level {l}")),
                    }
                    i += k;
                }
            }
        }
        row += n;
    }
    if row != out.len() {
        return fallback("fewer values than rows");
    }
    Ok(ok)
}

/// Every column chunk of a file is compressed with a codec rankday reads and
/// lies inside the file (a non-negative start and length ending at or
/// before the file's end), and every row group's row count, and the
/// file's, is one their bytes can hold.
///
/// Why here and not left to the `parquet` crate: its readers compute a
/// chunk's byte range with an assertion, so a file whose footer gives a
/// negative offset or size (a corrupt or hand-made file; found by fuzzing)
/// would panic instead of being refused. And the daily reader sizes the
/// store's columns from the footer's row counts before decoding, so a
/// footer claiming 2^60 rows in a 2 kB file (also found by fuzzing) would
/// overflow or exhaust memory. The bound is at least one bit of column
/// data per row: real daily tables spend several bytes a row (closes and
/// volumes vary row by row), so only a corrupt footer is refused. Checked
/// once, on the footer, before any reader touches the chunks.
pub(crate) fn check_chunk_ranges(
    path: &std::path::Path,
    meta: &parquet::file::metadata::ParquetMetaData,
    file_len: u64,
) -> Result<(), crate::IoError> {
    for (g, rg) in meta.row_groups().iter().enumerate() {
        let bytes = rg.columns().iter().fold(0i64, |sum, c| {
            sum.saturating_add(c.compressed_size().max(0))
        });
        let rows = rg.num_rows();
        let wrong = if rows < 0 {
            Some("a negative row count".to_string())
        } else if rows > bytes.saturating_mul(8) {
            Some(format!(
                "more rows than its {bytes} bytes of column data can hold (at least one bit a row)"
            ))
        } else {
            None
        };
        if let Some(wrong) = wrong {
            return Err(crate::IoError::file(
                path,
                format!(
                    "row group {g}: its metadata says {rows} rows, {wrong}; the file is corrupt"
                ),
            ));
        }
        for c in rg.columns() {
            if let Err(why) = crate::page_headers::check_codec(c.compression()) {
                return Err(crate::IoError::file(
                    path,
                    format!("column {}: {}", c.column_path(), why.0),
                ));
            }
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            let len = c.compressed_size();
            let inside = start >= 0
                && len >= 0
                && (start as u64)
                    .checked_add(len as u64)
                    .is_some_and(|end| end <= file_len);
            if !inside {
                return Err(crate::IoError::file(
                    path,
                    format!(
                        "row group {g}, column {}: its metadata places the column chunk at \
                         offset {start}, length {len}, outside the file ({file_len} bytes); \
                         the file is corrupt",
                        c.column_path()
                    ),
                ));
            }
        }
    }
    // The same bound over the whole file: row groups whose chunks overlap
    // could otherwise each claim the same bytes.
    let rows = meta
        .row_groups()
        .iter()
        .fold(0i64, |sum, rg| sum.saturating_add(rg.num_rows().max(0)));
    if rows
        > i64::try_from(file_len)
            .unwrap_or(i64::MAX)
            .saturating_mul(8)
    {
        return Err(crate::IoError::file(
            path,
            format!(
                "its metadata says {rows} rows in all, more than its {file_len} bytes can \
                 hold (at least one bit a row); the file is corrupt"
            ),
        ));
    }
    Ok(())
}

/// The fewest bytes `n` PLAIN dictionary values of column `c` take: its
/// physical type's width, a BYTE_ARRAY's four-byte length prefix, a bit a
/// BOOLEAN.
fn dictionary_bytes(c: &ColumnChunkMetaData, n: u32) -> u64 {
    let n = u64::from(n);
    match c.column_type() {
        PhysicalType::BOOLEAN => n.div_ceil(8),
        PhysicalType::INT32 | PhysicalType::FLOAT | PhysicalType::BYTE_ARRAY => n * 4,
        PhysicalType::INT64 | PhysicalType::DOUBLE => n * 8,
        PhysicalType::INT96 => n * 12,
        PhysicalType::FIXED_LEN_BYTE_ARRAY => n * c.column_descr().type_length().max(0) as u64,
    }
}

/// No page of the row groups `groups` claims more decompressed bytes than
/// its compressed bytes hold ([`crate::page_headers`], checked before the
/// `parquet` crate decompresses any), no data page is dictionary-encoded
/// before its column chunk's dictionary page, and no dictionary page claims
/// more values than its bytes hold.
///
/// Why the second: the `parquet` crate sizes (and zero-fills) a dictionary
/// from the page header's count before reading its bytes, so a 2 kB file
/// claiming a billion entries made it fill gigabytes (found by fuzzing).
///
/// Why: the `parquet` crate's column reader expects such a page to follow a
/// dictionary and panics when a corrupt file breaks that. The pages are read
/// here (the decompression costs what the reader's own pass does) and the
/// file refused with the row group and column instead. A chunk whose pages
/// cannot be read at all is left to the reader, which reports that error.
pub(crate) fn check_dictionary_pages(
    path: &std::path::Path,
    file: &File,
    meta: &parquet::file::metadata::ParquetMetaData,
    groups: impl IntoIterator<Item = usize>,
) -> Result<(), crate::IoError> {
    for g in groups {
        let rg = meta.row_group(g);
        let rows = usize::try_from(rg.num_rows()).unwrap_or(0);
        for c in rg.columns() {
            let Ok(chunk) = chunk_bytes(file, c) else {
                continue;
            };
            if let Err(why) = crate::page_headers::check_page_sizes(&chunk.data, c.compression()) {
                return Err(crate::IoError::file(
                    path,
                    format!(
                        "row group {g}, column {}: {}; the file is corrupt",
                        c.column_path(),
                        why.0
                    ),
                ));
            }
            let Ok(pages) = page_reader(chunk, c, rows) else {
                continue;
            };
            let mut dictionary = false;
            for page in pages {
                let Ok(page) = page else { break };
                match page {
                    Page::DictionaryPage {
                        buf, num_values, ..
                    } => {
                        let need = dictionary_bytes(c, num_values);
                        if need > buf.len() as u64 {
                            return Err(crate::IoError::file(
                                path,
                                format!(
                                    "row group {g}, column {}: a dictionary page claims \
                                     {num_values} values, which need {need} bytes, in {} bytes; \
                                     the file is corrupt",
                                    c.column_path(),
                                    buf.len()
                                ),
                            ));
                        }
                        dictionary = true;
                    }
                    Page::DataPage { encoding, .. } | Page::DataPageV2 { encoding, .. }
                        if !dictionary
                            && matches!(
                                encoding,
                                Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY
                            ) =>
                    {
                        return Err(crate::IoError::file(
                            path,
                            format!(
                                "row group {g}, column {}: a dictionary-encoded page with no \
                                 dictionary page before it; the file is corrupt",
                                c.column_path()
                            ),
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs written by hand: an RLE run, a bit-packed run (width 3), and a
    /// last bit-packed run cut short.
    #[test]
    fn hybrid_runs_decode() {
        // RLE: 5 x value 4 (header 5<<1 = 10, one value byte).
        // Packed: 1 group (header 0b11) of 8 values 0..7 at width 3:
        //   bits: 000 001 010 011 100 101 110 111 -> bytes 0x88 0xC6 0xFA.
        let data = [10u8, 4, 0b11, 0x88, 0xC6, 0xFA];
        let dict: Vec<u32> = (0..8).map(|k| k * 10).collect();
        let mut h = Hybrid::new(&data, 3).unwrap();
        let mut out = vec![0u32; 13];
        h.read_mapped(&mut out, &dict).unwrap();
        assert_eq!(out, [40, 40, 40, 40, 40, 0, 10, 20, 30, 40, 50, 60, 70]);
        let mut more = [0u32; 1];
        assert!(h.read_mapped(&mut more, &dict).is_err());
        // An index beyond the dictionary is not decoded.
        let mut h = Hybrid::new(&data, 3).unwrap();
        assert!(h.read_mapped(&mut out, &dict[..5]).is_err());
        // Levels of width 1: packed 1,1,0,1,0,0,0,0 then RLE 9 x 1.
        let lv = [0b11u8, 0b0000_1011, 18, 1];
        let mut h = Hybrid::new(&lv, 1).unwrap();
        let mut runs = Vec::new();
        let mut left = 17;
        while left > 0 {
            let r = h.next_levels(left).unwrap();
            left -= r.1;
            runs.push(r);
        }
        assert_eq!(runs, [(1, 2), (0, 1), (1, 1), (0, 4), (1, 9)]);
    }

    /// A footer whose row group claims more rows than its bytes can hold,
    /// or a negative count, is refused before any reader sizes columns
    /// from it; the writer's own count passes.
    #[test]
    fn row_counts_beyond_the_bytes_are_refused() {
        use arrow_array::{Float64Array, RecordBatch};
        use parquet::arrow::ArrowWriter;
        use parquet::file::metadata::ParquetMetaDataReader;
        use std::sync::Arc;

        let col: Arc<dyn arrow_array::Array> =
            Arc::new(Float64Array::from_iter_values((0..100).map(f64::from)));
        let batch = RecordBatch::try_from_iter([("close", col)]).unwrap();
        let mut buf = Vec::new();
        let mut w = ArrowWriter::try_new(&mut buf, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let len = buf.len() as u64;
        let meta = ParquetMetaDataReader::new()
            .parse_and_finish(&bytes::Bytes::from(buf))
            .unwrap();
        let path = std::path::Path::new("daily.parquet");
        check_chunk_ranges(path, &meta, len).unwrap();

        let with_rows = |rows: i64| {
            let mut b = meta.clone().into_builder();
            let groups = b
                .take_row_groups()
                .into_iter()
                .map(|g| g.into_builder().set_num_rows(rows).build().unwrap())
                .collect();
            b.set_row_groups(groups).build()
        };
        let err = check_chunk_ranges(path, &with_rows(1 << 40), len)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("row group 0: its metadata says 1099511627776 rows, more rows than its"),
            "{err}"
        );
        let err = check_chunk_ranges(path, &with_rows(-1), len)
            .unwrap_err()
            .to_string();
        assert!(err.contains("a negative row count"), "{err}");
        // Many row groups claiming the same bytes, each within its own bound.
        let mut b = meta.clone().into_builder();
        let g = b.take_row_groups().remove(0);
        let bytes: i64 = g.columns().iter().map(|c| c.compressed_size()).sum();
        let g = g.into_builder().set_num_rows(bytes * 8).build().unwrap();
        let many = b.set_row_groups(vec![g; 100]).build();
        let err = check_chunk_ranges(path, &many, len)
            .unwrap_err()
            .to_string();
        assert!(err.contains("rows in all, more than its"), "{err}");
    }

    /// A panic inside the wrapped call becomes an error carrying its
    /// message, quietly; the hook is back to normal afterwards.
    #[test]
    fn a_panic_in_a_parquet_call_is_an_error() {
        assert_eq!(parquet_call(|| 7), Ok(7));
        let err = parquet_call(|| -> u8 { panic!("bad varint") }).unwrap_err();
        assert!(err.contains("(bad varint); the file is corrupt"), "{err}");
        let n = 3;
        let err = parquet_call(|| -> u8 { panic!("{n} bytes") }).unwrap_err();
        assert!(err.contains("(3 bytes)"), "{err}");
        // Outside the wrapper a panic still unwinds as a panic.
        assert!(std::panic::catch_unwind(|| -> u8 { panic!("ours") }).is_err());
    }
}
