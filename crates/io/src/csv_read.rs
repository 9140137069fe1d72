//! Shared CSV plumbing: error mapping, header lookup, number parsing.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::error::Site;
use crate::IoError;

/// Opens a CSV file with the conventions of format 1 (header row, comma,
/// strict field count) and a large read buffer.
pub(crate) fn open(path: &Path) -> Result<csv::Reader<BufReader<File>>, IoError> {
    let f = File::open(path).map_err(|e| IoError::io(path, e))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(BufReader::with_capacity(1 << 20, f)))
}

/// Maps a `csv` error to one naming the file and line.
pub(crate) fn csv_error(site: &Site, e: csv::Error) -> IoError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => site.malformed(
            pos.map_or(line, |p| p.line()),
            format!("has {len} fields, the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { pos, err } => site.malformed(
            pos.map_or(line, |p| p.line()),
            format!("field {} is not valid UTF-8", err.field() + 1),
        ),
        csv::ErrorKind::Io(err) => site.malformed(line, format!("read failed: {err}")),
        csv::ErrorKind::Deserialize { err, .. } => site.malformed(line, err),
        csv::ErrorKind::Serialize(msg) => site.malformed(line, msg),
        _ => site.malformed(line, "the CSV cannot be parsed here"),
    }
}

/// Index of each wanted column in a header; `None` where absent.
pub(crate) fn find_columns(headers: &csv::ByteRecord, names: &[&str]) -> Vec<Option<usize>> {
    names
        .iter()
        .map(|n| headers.iter().position(|h| h == n.as_bytes()))
        .collect()
}

/// The line numbers of data records `ks` (0-based record numbers): one
/// rescan of the file. Used only on the error and warning paths, so the
/// happy path keeps no per-row line table; correct even with quoted
/// newlines.
pub(crate) fn lines_of_records(
    path: &Path,
    ks: &[usize],
) -> Result<std::collections::HashMap<usize, u64>, IoError> {
    let mut want: Vec<usize> = ks.to_vec();
    want.sort_unstable();
    want.dedup();
    let mut out = std::collections::HashMap::with_capacity(want.len());
    let Some(&last) = want.last() else {
        return Ok(out);
    };
    let site = Site::new(path, true);
    let mut r = open(path)?;
    let mut rec = csv::ByteRecord::new();
    let mut i = 0usize;
    let mut next = want.iter().peekable();
    while i <= last
        && r.read_byte_record(&mut rec)
            .map_err(|e| csv_error(&site, e))?
    {
        if next.peek() == Some(&&i) {
            next.next();
            out.insert(i, rec.position().map_or(0, |p| p.line()));
        }
        i += 1;
    }
    Ok(out)
}

/// Parses a number field; `Ok(None)` for an empty field.
#[inline]
pub(crate) fn parse_f64(b: &[u8]) -> Result<Option<f64>, String> {
    if b.is_empty() {
        return Ok(None);
    }
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map(Some)
        .ok_or_else(|| format!("'{}' is not a number", String::from_utf8_lossy(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_f64(b"").unwrap(), None);
        assert_eq!(parse_f64(b"1e3").unwrap(), Some(1000.0));
        assert_eq!(parse_f64(b"1,5").unwrap_err(), "'1,5' is not a number");
        assert_eq!(parse_f64(b" 1").unwrap_err(), "' 1' is not a number");
    }
}
