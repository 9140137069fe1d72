//! The page headers of a Parquet column chunk, read without decoding any
//! page, to refuse a page whose header claims more decompressed bytes than
//! its compressed bytes can hold.
//!
//! Why: the `parquet` crate sizes (and zero-fills) a page's decompression
//! buffer from the header's `uncompressed_page_size` before the codec reads
//! a byte, so a 2 kB file whose pages each claim a gigabyte made the reader
//! fill gigabytes, for seconds per page (found by fuzzing). A Snappy stream
//! expands at most about 21×: its longest element, a 3-byte copy, writes 64
//! bytes. Uncompressed pages are used as they are (no buffer is made from
//! the header), and the other codecs are not built into rankday's `parquet`
//! (the reader refuses them before reading a page); building one in means
//! giving its bound here.
//!
//! The headers are Thrift compact-protocol structs (the Parquet format's
//! `PageHeader`); the `parquet` crate keeps its parser private, so the few
//! lines of the protocol needed to skip a struct are here.

use parquet::basic::Compression;

/// Decompressed bytes a Snappy page may claim per compressed byte (the
/// format's worst case is 64/3), plus a little for the length prefix.
const SNAPPY_MAX_RATIO: i64 = 22;
const SNAPPY_SLACK: i64 = 64;

/// Why a column chunk's page headers are refused.
#[derive(Debug, PartialEq)]
pub(crate) struct Implausible(pub String);

/// Walks the page headers of one column chunk (`data`, the chunk's bytes)
/// and refuses the first page whose claimed decompressed size its
/// compressed size cannot hold under `codec`. A header that cannot be
/// parsed, or a page that runs past the chunk, ends the walk without a
/// verdict: the reader reports that error itself, without allocating from
/// the header.
pub(crate) fn check_page_sizes(data: &[u8], codec: Compression) -> Result<(), Implausible> {
    if !matches!(codec, Compression::SNAPPY) {
        return Ok(());
    }
    let mut pos = 0usize;
    let mut page = 0usize;
    while pos < data.len() {
        let mut r = Reader { data, pos };
        let Some((uncompressed, compressed)) = r.page_sizes() else {
            return Ok(());
        };
        let (Some(uncompressed), Some(compressed)) = (uncompressed, compressed) else {
            return Ok(());
        };
        if compressed < 0 || uncompressed < 0 {
            return Ok(());
        }
        let most = compressed
            .saturating_mul(SNAPPY_MAX_RATIO)
            .saturating_add(SNAPPY_SLACK);
        if uncompressed > most {
            return Err(Implausible(format!(
                "page {page} claims {uncompressed} bytes once decompressed from {compressed} \
                 Snappy bytes (at most {most})"
            )));
        }
        pos = match r.pos.checked_add(compressed as usize) {
            Some(end) if end <= data.len() => end,
            _ => return Ok(()),
        };
        page += 1;
    }
    Ok(())
}

/// A cursor over Thrift compact-protocol bytes.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Nesting beyond this is not a page header (the real one nests 3 deep).
const MAX_DEPTH: u32 = 16;

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

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift < 64 {
                v |= u64::from(b & 0x7f) << shift;
            }
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

    /// The top-level `PageHeader` struct: its fields 2
    /// (`uncompressed_page_size`) and 3 (`compressed_page_size`), leaving the
    /// cursor after the struct.
    fn page_sizes(&mut self) -> Option<(Option<i64>, Option<i64>)> {
        let (mut uncompressed, mut compressed) = (None, None);
        let mut last = 0i64;
        loop {
            let head = self.byte()?;
            let kind = head & 0x0f;
            if kind == 0 {
                return Some((uncompressed, compressed));
            }
            let delta = i64::from(head >> 4);
            let id = if delta == 0 {
                self.zigzag()?
            } else {
                last + delta
            };
            last = id;
            match (id, kind) {
                (2, 5) => uncompressed = Some(self.zigzag()?),
                (3, 5) => compressed = Some(self.zigzag()?),
                _ => self.value(kind, 0)?,
            }
        }
    }

    /// Skips one value of compact type `kind`.
    fn value(&mut self, kind: u8, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match kind {
            1 | 2 => Some(()), // a boolean field's value is in its type
            3 => self.skip(1),
            4..=6 => self.varint().map(drop),
            7 => self.skip(8),
            8 => {
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
                    // A list's booleans take a byte each.
                    if matches!(elem, 1 | 2) {
                        self.skip(1)?;
                    } else {
                        self.value(elem, depth + 1)?;
                    }
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
                    for k in [kinds >> 4, kinds & 0x0f] {
                        if matches!(k, 1 | 2) {
                            self.skip(1)?;
                        } else {
                            self.value(k, depth + 1)?;
                        }
                    }
                }
                Some(())
            }
            12 => loop {
                let head = self.byte()?;
                let k = head & 0x0f;
                if k == 0 {
                    return Some(());
                }
                if head >> 4 == 0 {
                    self.zigzag()?;
                }
                self.value(k, depth + 1)?;
            },
            13 => self.skip(16), // UUID
            _ => None,
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
        assert!(e.0.starts_with("page 2 claims 1073741824 bytes"), "{e:?}");
        // Uncompressed pages make no buffer from the header.
        assert_eq!(check_page_sizes(&chunk, Compression::UNCOMPRESSED), Ok(()));
    }

    #[test]
    fn headers_that_do_not_parse_leave_the_verdict_to_the_reader() {
        let chunk = page(1 << 30, 100);
        for cut in 0..chunk.len() - 100 {
            // A header cut short: no verdict (and no panic).
            assert_eq!(check_page_sizes(&chunk[..cut], Compression::SNAPPY), Ok(()));
        }
        // Deep nesting and unknown types end the walk.
        let deep = [vec![0x1c; 40], vec![0; 40]].concat();
        assert_eq!(check_page_sizes(&deep, Compression::SNAPPY), Ok(()));
        assert_eq!(check_page_sizes(&[0x1e, 1, 2], Compression::SNAPPY), Ok(()));
    }
}
