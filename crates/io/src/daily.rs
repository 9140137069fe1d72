//! The `daily` table: row checks shared by both formats, and the CSV reader.
//!
//! The CSV path streams `ByteRecord`s straight into the [`MarketBuilder`]:
//! no per-row `String`s, ids looked up by bytes in a fast hash map, and a
//! one-entry date cache (files are grouped by date, so nearly every row hits).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use rankday_core::{DailyRow, Date, Exchange, MarketBuilder, Sec, Security};

use crate::csv_read::{csv_error, find_columns, open, parse_f64};
use crate::error::Site;
use crate::IoError;

pub(crate) const COLUMNS: [&str; 6] = [
    "date",
    "security_id",
    "close",
    "volume",
    "shares_outstanding",
    "float_shares",
];

/// FxHash (rustc's hasher): ids are short and trusted-ish, and SipHash would
/// be a visible share of a 60-million-row load.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().unwrap());
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
        self.0 = h;
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Security ids → [`Sec`], plus what the row checks need per security.
pub(crate) struct Interner {
    map: HashMap<Box<[u8]>, u32, BuildHasherDefault<Fx>>,
    pub ids: Vec<String>,
    pub exchange: Vec<Exchange>,
}

impl Interner {
    pub fn new(securities: &[Security]) -> Interner {
        let mut map = HashMap::with_capacity_and_hasher(securities.len(), Default::default());
        for (i, s) in securities.iter().enumerate() {
            map.insert(s.security_id.as_bytes().into(), i as u32);
        }
        Interner {
            map,
            ids: securities.iter().map(|s| s.security_id.clone()).collect(),
            exchange: securities.iter().map(|s| s.exchange).collect(),
        }
    }
    #[inline]
    pub fn get(&self, id: &[u8]) -> Option<u32> {
        self.map.get(id).copied()
    }
}

/// Message for an id not in `securities`.
pub(crate) fn unknown_id(id: &[u8]) -> String {
    format!(
        "unknown security_id '{}' (not in securities)",
        String::from_utf8_lossy(id)
    )
}

/// Checks one row's values (`None` = empty field / null) and returns them
/// with empties as NaN, the store's convention.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_row(
    site: &Site,
    pos: u64,
    sec: u32,
    it: &Interner,
    close: Option<f64>,
    volume: Option<f64>,
    shares: Option<f64>,
    float: Option<f64>,
) -> Result<(f64, f64, f64, f64), IoError> {
    let unlisted = || it.exchange[sec as usize] == Exchange::Unlisted;
    let only_unlisted = |col: &str| {
        site.invalid(
            pos,
            col,
            format!(
                "empty, allowed only for UNLISTED securities ('{}' is on {})",
                it.ids[sec as usize], it.exchange[sec as usize]
            ),
        )
    };
    let close = match close {
        Some(c) if c > 0.0 && c.is_finite() => c,
        Some(c) if c.is_finite() => {
            return Err(site.invalid(pos, "close", format!("must be > 0, got {c}")))
        }
        Some(c) => {
            return Err(site.invalid(
                pos,
                "close",
                format!("must be a finite number > 0, got {c}"),
            ))
        }
        None if unlisted() => f64::NAN,
        None => return Err(only_unlisted("close")),
    };
    let volume = match volume {
        Some(v) if v >= 0.0 && v.is_finite() => v,
        Some(v) if v.is_finite() => {
            return Err(site.invalid(pos, "volume", format!("must be >= 0, got {v}")))
        }
        Some(v) => {
            return Err(site.invalid(
                pos,
                "volume",
                format!("must be a finite number >= 0, got {v}"),
            ))
        }
        None if unlisted() => f64::NAN,
        None => return Err(only_unlisted("volume")),
    };
    let positive = |v: Option<f64>, col: &str| match v {
        Some(x) if x > 0.0 && x.is_finite() => Ok(x),
        Some(x) if x.is_finite() => Err(site.invalid(pos, col, format!("must be > 0, got {x}"))),
        Some(x) => Err(site.invalid(pos, col, format!("must be a finite number > 0, got {x}"))),
        None => Err(site.invalid(pos, col, "required, got an empty field")),
    };
    let shares = positive(shares, "shares_outstanding")?;
    let float = positive(float, "float_shares")?;
    if float > shares {
        return Err(site.invalid(
            pos,
            "float_shares",
            format!("must be <= shares_outstanding ({shares}), got {float}"),
        ));
    }
    Ok((close, volume, shares, float))
}

/// Streams `daily.csv` into `b`. Push position k is the k-th data record.
pub(crate) fn read_csv(path: &Path, it: &Interner, b: &mut MarketBuilder) -> Result<(), IoError> {
    let site = Site::new(path, true);
    let mut r = open(path)?;
    let headers = r.byte_headers().map_err(|e| csv_error(&site, e))?.clone();
    let site = site.with_columns(headers.iter().map(|h| String::from_utf8_lossy(h)));
    let idx = find_columns(&headers, &COLUMNS);
    let mut c = [0usize; 6];
    for (k, name) in COLUMNS.iter().enumerate() {
        c[k] = idx[k].ok_or_else(|| site.missing_column(name))?;
    }
    // A reservation guess from the file size (~45 bytes a row) saves regrowth.
    if let Ok(m) = std::fs::metadata(path) {
        b.reserve((m.len() / 45) as usize);
    }
    let mut rec = csv::ByteRecord::new();
    let mut last_date: (Vec<u8>, Date) = (Vec::new(), Date(0));
    let mut last_sec: (Vec<u8>, u32) = (Vec::new(), u32::MAX);
    while r
        .read_byte_record(&mut rec)
        .map_err(|e| csv_error(&site, e))?
    {
        let pos = rec.position().map_or(0, |p| p.line());
        let num =
            |k: usize, name: &str| parse_f64(&rec[c[k]]).map_err(|m| site.invalid(pos, name, m));

        let db = &rec[c[0]];
        // An empty field never takes the previous row's value (the caches
        // start empty, so the first row's empty field would match them).
        let date = if !db.is_empty() && db == last_date.0.as_slice() {
            last_date.1
        } else {
            let s = std::str::from_utf8(db).unwrap_or("");
            let d = if db.is_empty() {
                return Err(site.invalid(pos, "date", "required, got an empty field"));
            } else {
                Date::parse(s).map_err(|_| {
                    site.invalid(
                        pos,
                        "date",
                        format!(
                            "'{}' is not a date in YYYY-MM-DD form",
                            String::from_utf8_lossy(db)
                        ),
                    )
                })?
            };
            last_date.0.clear();
            last_date.0.extend_from_slice(db);
            last_date.1 = d;
            d
        };
        let ib = &rec[c[1]];
        let sec = if !ib.is_empty() && ib == last_sec.0.as_slice() {
            last_sec.1
        } else {
            let s = it
                .get(ib)
                .ok_or_else(|| site.invalid(pos, "security_id", unknown_id(ib)))?;
            last_sec.0.clear();
            last_sec.0.extend_from_slice(ib);
            last_sec.1 = s;
            s
        };
        let (close, volume, shares, float) = check_row(
            &site,
            pos,
            sec,
            it,
            num(2, "close")?,
            num(3, "volume")?,
            num(4, "shares_outstanding")?,
            num(5, "float_shares")?,
        )?;
        b.push_daily(DailyRow {
            date,
            sec: Sec(sec),
            close,
            volume,
            shares_outstanding: shares,
            float_shares: float,
        });
    }
    Ok(())
}
