//! The page headers of a Parquet column chunk, read without decoding any
//! page, to refuse a page whose header claims more decompressed bytes than
//! its compressed bytes can hold.
//!
//! Why: the `parquet` crate sizes (and zero-fills) a page's decompression
//! buffer from the header's `uncompressed_page_size` before the codec reads
//! a byte, so a 2 kB file whose pages each claim a gigabyte made the reader
//! fill gigabytes, for seconds per page (found by fuzzing). A Snappy stream
//! expands at most about 21×: its longest element, a 3-byte copy, writes 64
//! bytes. A Zstandard page expands at most 32,768× (an RLE block: four
//! bytes for 128 KiB); the crate only reserves its claim there, but a
//! reservation of gigabytes is refused all the same. Uncompressed pages are
//! used as they are (no buffer is made from the header), and the other
//! codecs are not built into rankday's `parquet` ([`check_codec`] refuses
//! them from the footer); building one in means giving its bound here.
//!
//! The headers are Thrift compact-protocol structs (the Parquet format's
//! `PageHeader`); the `parquet` crate keeps its parser private, so the
//! protocol and the header's fields are read here. The `parquet` crate reads
//! a known field by its expected type whatever type the bytes declare, and
//! a varint of any length; so a header is accepted here only in the
//! canonical form every writer produces (each known field of its declared
//! type, varints of at most ten bytes and in range), where both parsers
//! read the same sizes, and any other header is refused as corrupt. A
//! lenient parser here would let a header through that the crate reads
//! differently (found by fuzzing: a twelve-byte varint).

use parquet::basic::Compression;

/// How far a page can expand under `codec`: (bytes a compressed byte, fixed
/// slack), or `None` where the header makes no buffer. Snappy's worst case
/// is 64/3 bytes a byte plus its length prefix; Zstandard's is an RLE block
/// (4 bytes for 128 KiB) plus a frame header.
fn expansion(codec: Compression) -> Option<(i64, i64)> {
    match codec {
        Compression::SNAPPY => Some((22, 64)),
        Compression::ZSTD(_) => Some((32_768, 128 * 1024)),
        _ => None,
    }
}

/// The codecs rankday's `parquet` is built with.
pub(crate) fn check_codec(codec: Compression) -> Result<(), Implausible> {
    match codec {
        Compression::UNCOMPRESSED | Compression::SNAPPY | Compression::ZSTD(_) => Ok(()),
        other => Err(Implausible(format!(
            "compressed with {}, which rankday does not read (it reads uncompressed, Snappy \
             and Zstandard Parquet: write the file again with one of them)",
            codec_name(other)
        ))),
    }
}

fn codec_name(codec: Compression) -> &'static str {
    match codec {
        Compression::UNCOMPRESSED => "no compression",
        Compression::SNAPPY => "Snappy",
        Compression::GZIP(_) => "gzip",
        Compression::LZO => "LZO",
        Compression::BROTLI(_) => "Brotli",
        Compression::LZ4 => "LZ4",
        Compression::ZSTD(_) => "Zstandard",
        Compression::LZ4_RAW => "LZ4 (raw)",
    }
}

/// Why a column chunk's page headers are refused.
#[derive(Debug, PartialEq)]
pub(crate) struct Implausible(pub String);

/// Walks the page headers of one column chunk (`data`, the chunk's bytes)
/// and refuses the first page whose header is not a canonical page header
/// or claims a decompressed size its compressed size cannot hold under
/// `codec` (uncompressed chunks are not walked: no buffer comes from their
/// headers).
pub(crate) fn check_page_sizes(data: &[u8], codec: Compression) -> Result<(), Implausible> {
    let Some((ratio, slack)) = expansion(codec) else {
        return Ok(());
    };
    let mut pos = 0usize;
    let mut page = 0usize;
    while pos < data.len() {
        let mut r = Reader {
            data,
            pos,
            sizes: (None, None),
        };
        let malformed = |why: &str| {
            Implausible(format!(
                "page {page} (byte {pos} of the column chunk): {why}"
            ))
        };
        r.read_struct(Struct::Page, 0)
            .ok_or_else(|| malformed("not a well-formed page header"))?;
        let (Some(uncompressed), Some(compressed)) = r.sizes else {
            return Err(malformed("a page header without its sizes"));
        };
        if compressed < 0 || uncompressed < 0 {
            return Err(malformed("a negative page size"));
        }
        let most = i64::from(compressed)
            .saturating_mul(ratio)
            .saturating_add(slack);
        if i64::from(uncompressed) > most {
            return Err(Implausible(format!(
                "page {page} claims {uncompressed} bytes once decompressed from {compressed} \
                 {} bytes (at most {most})",
                codec_name(codec)
            )));
        }
        // A page that runs past the chunk ends the walk: the reader fails
        // on its bytes before it decompresses, or stops before it.
        pos = match r.pos.checked_add(compressed as usize) {
            Some(end) if end <= data.len() => end,
            _ => return Ok(()),
        };
        page += 1;
    }
    Ok(())
}

/// The structs of a page header, for the types of their known fields.
#[derive(Clone, Copy)]
enum Struct {
    Page,
    Data,
    Index,
    Dictionary,
    DataV2,
    Statistics,
    Unknown,
}

/// A known field's type.
#[derive(Clone, Copy)]
enum Field {
    I32,
    I64,
    Binary,
    Bool,
    Struct(Struct),
}

/// The Parquet format's page header structs (parquet.thrift): the type of
/// each field the `parquet` crate reads. Other ids are skipped by their
/// declared type, by both parsers.
fn field(s: Struct, id: i64) -> Option<Field> {
    use Struct as S;
    Some(match (s, id) {
        (S::Page, 1..=4) => Field::I32,
        (S::Page, 5) => Field::Struct(S::Data),
        (S::Page, 6) => Field::Struct(S::Index),
        (S::Page, 7) => Field::Struct(S::Dictionary),
        (S::Page, 8) => Field::Struct(S::DataV2),
        (S::Data, 1..=4) => Field::I32,
        (S::Data, 5) | (S::DataV2, 8) => Field::Struct(S::Statistics),
        (S::Dictionary, 1 | 2) => Field::I32,
        (S::Dictionary, 3) | (S::DataV2, 7) => Field::Bool,
        (S::DataV2, 1..=6) => Field::I32,
        (S::Statistics, 1 | 2 | 5 | 6) => Field::Binary,
        (S::Statistics, 3 | 4 | 9) => Field::I64,
        (S::Statistics, 7 | 8) => Field::Bool,
        _ => return None,
    })
}

/// Compact-protocol type codes.
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const I32: u8 = 5;
const I64: u8 = 6;
const BINARY: u8 = 8;
const STRUCT: u8 = 12;

/// Nesting beyond this is not a page header (the real one nests 3 deep).
const MAX_DEPTH: u32 = 16;

/// A cursor over Thrift compact-protocol bytes.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// The top-level header's `uncompressed_page_size` and
    /// `compressed_page_size`, once read.
    sizes: (Option<i32>, Option<i32>),
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len())?;
        self.pos = end;
        Some(())
    }

    /// A ULEB128 varint of at most ten bytes whose value fits in 64 bits.
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return None;
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn zigzag(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn i32(&mut self) -> Option<i32> {
        i32::try_from(self.zigzag()?).ok()
    }

    /// One struct of kind `s`, up to and including its stop byte.
    fn read_struct(&mut self, s: Struct, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut last = 0i64;
        loop {
            let head = self.byte()?;
            let kind = head & 0x0f;
            if kind == 0 {
                return Some(());
            }
            let id = match head >> 4 {
                0 => self.zigzag()?,
                delta => last + i64::from(delta),
            };
            last = id;
            match field(s, id) {
                Some(Field::I32) if kind == I32 => {
                    let v = self.i32()?;
                    match (s, id) {
                        (Struct::Page, 2) => self.sizes.0 = Some(v),
                        (Struct::Page, 3) => self.sizes.1 = Some(v),
                        _ => {}
                    }
                }
                Some(Field::I64) if kind == I64 => self.value(kind, depth)?,
                Some(Field::Binary) if kind == BINARY => self.value(kind, depth)?,
                Some(Field::Bool) if matches!(kind, BOOL_TRUE | BOOL_FALSE) => {}
                Some(Field::Struct(inner)) if kind == STRUCT => {
                    self.read_struct(inner, depth + 1)?
                }
                Some(_) => return None, // a known field of another type
                None => self.value(kind, depth)?,
            }
        }
    }

    /// Skips one value of compact type `kind`.
    fn value(&mut self, kind: u8, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match kind {
            BOOL_TRUE | BOOL_FALSE => Some(()), // a boolean field's value is in its type
            3 => self.skip(1),
            4..=6 => self.varint().map(drop),
            7 => self.skip(8),
            BINARY => {
                let n = usize::try_from(self.varint()?).ok()?;
                self.skip(n)
            }
            9 | 10 => {
                let head = self.byte()?;
                let elem = head & 0x0f;
                let n = match head >> 4 {
                    15 => usize::try_from(self.varint()?).ok()?,
                    n => usize::from(n),
                };
                for _ in 0..n {
                    self.element(elem, depth + 1)?;
                }
                Some(())
            }
            11 => {
                let n = usize::try_from(self.varint()?).ok()?;
                if n == 0 {
                    return Some(());
                }
                let kinds = self.byte()?;
                for _ in 0..n {
                    self.element(kinds >> 4, depth + 1)?;
                    self.element(kinds & 0x0f, depth + 1)?;
                }
                Some(())
            }
            STRUCT => self.read_struct(Struct::Unknown, depth + 1),
            13 => self.skip(16), // UUID
            _ => None,
        }
    }

    /// A collection's element: a boolean takes a byte there.
    fn element(&mut self, kind: u8, depth: u32) -> Option<()> {
        if matches!(kind, BOOL_TRUE | BOOL_FALSE) {
            self.skip(1)
        } else {
            self.value(kind, depth)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact-protocol page header with fields 1–3 and a nested
    /// `data_page_header` (num_values, encodings, and a statistics struct
    /// with a binary and a list), then `compressed` payload bytes.
    fn page(uncompressed: i32, compressed: i32) -> Vec<u8> {
        fn zz(v: i64) -> Vec<u8> {
            let mut u = ((v << 1) ^ (v >> 63)) as u64;
            let mut out = Vec::new();
            loop {
                let b = (u & 0x7f) as u8;
                u >>= 7;
                if u == 0 {
                    out.push(b);
                    return out;
                }
                out.push(b | 0x80);
            }
        }
        let mut h = vec![0x15]; // field 1, i32
        h.extend(zz(0)); // DATA_PAGE
        h.push(0x15); // field 2, i32
        h.extend(zz(uncompressed.into()));
        h.push(0x15); // field 3, i32
        h.extend(zz(compressed.into()));
        h.push(0x2c); // field 5, struct
        h.push(0x15); // num_values
        h.extend(zz(10));
        h.push(0x15); // encoding
        h.extend(zz(0));
        h.push(0x5c); // field 5 of the data page header: statistics
        h.extend([0x18, 3, b'a', b'b', b'c']); // a binary
        h.extend([0x19, 0x25, 2, 4]); // a list of two i32
        h.extend([0x11]); // a boolean true
        h.push(0); // end of statistics
        h.push(0); // end of data page header
        h.push(0); // end of page header
        h.extend(std::iter::repeat_n(7u8, compressed.max(0) as usize));
        h
    }

    #[test]
    fn honest_pages_pass_and_an_inflated_one_is_named() {
        let mut chunk = page(2_000, 100);
        chunk.extend(page(64, 0));
        assert_eq!(check_page_sizes(&chunk, Compression::SNAPPY), Ok(()));
        chunk.extend(page(1 << 30, 100));
        let e = check_page_sizes(&chunk, Compression::SNAPPY).unwrap_err();
        assert!(
            e.0.starts_with("page 2 claims 1073741824 bytes once decompressed from 100 Snappy"),
            "{e:?}"
        );
        // Uncompressed pages make no buffer from the header.
        assert_eq!(check_page_sizes(&chunk, Compression::UNCOMPRESSED), Ok(()));
        // Zstandard's bound is wider (an RLE block), not absent.
        let zstd = Compression::ZSTD(Default::default());
        let mut z = page(3_000_000, 100);
        assert_eq!(check_page_sizes(&z, zstd), Ok(()));
        z.extend(page(5_000_000, 100));
        let e = check_page_sizes(&z, zstd).unwrap_err();
        assert!(
            e.0.contains("from 100 Zstandard bytes (at most 3407872)"),
            "{e:?}"
        );
        assert!(check_codec(zstd).is_ok());
        let e = check_codec(Compression::BROTLI(Default::default())).unwrap_err();
        assert!(
            e.0.starts_with("compressed with Brotli, which rankday does not read"),
            "{e:?}"
        );
    }

    #[test]
    fn a_header_in_any_other_form_is_refused() {
        let refused = |chunk: &[u8]| {
            let e = check_page_sizes(chunk, Compression::SNAPPY).unwrap_err();
            assert!(
                e.0.starts_with("page 0 (byte 0 of the column chunk): "),
                "{e:?}"
            );
        };
        let chunk = page(2_000, 100);
        let header = chunk.len() - 100;
        for cut in 1..header {
            // A header cut short.
            refused(&chunk[..cut]);
        }
        for cut in header..chunk.len() {
            // A page cut short: the reader's error, before it decompresses.
            assert_eq!(check_page_sizes(&chunk[..cut], Compression::SNAPPY), Ok(()));
        }
        // The uncompressed size as a twelve-byte varint (the `parquet`
        // crate wraps its bits into an i32 of its own).
        let mut long = vec![0x15, 0x00, 0x15];
        long.extend([0x8c; 11]);
        long.push(0x01);
        long.extend(&chunk[4..]);
        refused(&long);
        // The uncompressed size declared as an i64 (the crate reads it as
        // an i32 all the same), and as a binary.
        for kind in [0x16, 0x18] {
            let mut c = chunk.clone();
            c[2] = kind;
            refused(&c);
        }
        // Deep nesting and unknown types.
        refused(&[vec![0x1c; 40], vec![0; 40]].concat());
        refused(&[0x1e, 1, 2]);
        assert_eq!(
            check_page_sizes(&chunk[..header + 100], Compression::SNAPPY),
            Ok(())
        );
    }
}
