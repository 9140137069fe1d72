//! Lenient typed views of Arrow columns read from Parquet.
//!
//! rankday writes exact types (Date32, Float64, Utf8 or Dictionary(Int32,
//! Utf8)), but files also come from pandas, Polars, DuckDB and vendors, which
//! pick Int64 volumes, LargeUtf8 or StringView ids, Date64 or string dates.
//! These views accept those spellings so the readers can stay on one code
//! path, and report anything else as a typed schema error.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;
use rankday_core::Date;

/// A string-valued column: Utf8, LargeUtf8, Utf8View, or a dictionary of those.
pub(crate) enum StrCol<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Dict {
        arr: &'a dyn Array,
        keys: Vec<usize>,
        values: Box<StrCol<'a>>,
    },
}

impl<'a> StrCol<'a> {
    pub fn new(arr: &'a dyn Array) -> Result<StrCol<'a>, String> {
        if let Some(a) = arr.as_string_opt::<i32>() {
            return Ok(StrCol::Utf8(a));
        }
        if let Some(a) = arr.as_string_opt::<i64>() {
            return Ok(StrCol::Large(a));
        }
        if let Some(a) = arr.as_string_view_opt() {
            return Ok(StrCol::View(a));
        }
        if let Some(d) = arr.as_any_dictionary_opt() {
            let values: &'a ArrayRef = d.values();
            let inner = StrCol::new(values.as_ref())?;
            if matches!(inner, StrCol::Dict { .. }) {
                return Err("nested dictionaries are not supported".into());
            }
            let keys = if values.is_empty() {
                vec![0; arr.len()]
            } else {
                d.normalized_keys()
            };
            return Ok(StrCol::Dict {
                arr,
                keys,
                values: Box::new(inner),
            });
        }
        Err(format!(
            "expected a string column (Utf8), got {}",
            arr.data_type()
        ))
    }

    pub fn len(&self) -> usize {
        match self {
            StrCol::Utf8(a) => a.len(),
            StrCol::Large(a) => a.len(),
            StrCol::View(a) => a.len(),
            StrCol::Dict { arr, .. } => arr.len(),
        }
    }

    /// The value of row `i`, `None` if null.
    pub fn get(&self, i: usize) -> Option<&str> {
        match self {
            StrCol::Utf8(a) => (!a.is_null(i)).then(|| a.value(i)),
            StrCol::Large(a) => (!a.is_null(i)).then(|| a.value(i)),
            StrCol::View(a) => (!a.is_null(i)).then(|| a.value(i)),
            StrCol::Dict { arr, keys, values } => {
                if arr.is_null(i) {
                    None
                } else {
                    values.get(keys[i])
                }
            }
        }
    }
}

/// A numeric column as f64 (borrowed when it already is Float64), with its
/// null mask. Integers convert exactly up to 2^53, as any f64 would.
pub(crate) fn f64_col(arr: &dyn Array) -> Result<(Cow<'_, [f64]>, Option<NullBuffer>), String> {
    let nulls = arr.logical_nulls();
    macro_rules! conv {
        ($t:ty) => {
            if let Some(a) = arr.as_primitive_opt::<$t>() {
                let v: Vec<f64> = a.values().iter().map(|&x| x as f64).collect();
                return Ok((Cow::Owned(v), nulls));
            }
        };
    }
    if let Some(a) = arr.as_primitive_opt::<Float64Type>() {
        return Ok((Cow::Borrowed(a.values().as_ref()), nulls));
    }
    conv!(Float32Type);
    conv!(Int64Type);
    conv!(Int32Type);
    conv!(Int16Type);
    conv!(Int8Type);
    conv!(UInt64Type);
    conv!(UInt32Type);
    conv!(UInt16Type);
    conv!(UInt8Type);
    if arr.data_type() == &DataType::Null {
        return Ok((Cow::Owned(vec![f64::NAN; arr.len()]), nulls));
    }
    Err(format!(
        "expected a numeric column (Float64), got {}",
        arr.data_type()
    ))
}

/// A date column: Date32 (borrowed), Date64, a timestamp at midnight (what
/// pandas writes for a date column: `timestamp[ns]`), or ISO strings.
/// Values that are not dates are reported by row through [`DateCol::get`].
pub(crate) enum DateCol<'a> {
    D32(&'a [i32], Option<NullBuffer>),
    D64(&'a [i64], Option<NullBuffer>),
    /// Ticks since the epoch and ticks per day.
    Ts(&'a [i64], i64, Option<NullBuffer>),
    Str(StrCol<'a>),
}

impl<'a> DateCol<'a> {
    pub fn new(arr: &'a dyn Array) -> Result<DateCol<'a>, String> {
        if let Some(a) = arr.as_primitive_opt::<Date32Type>() {
            return Ok(DateCol::D32(a.values().as_ref(), arr.logical_nulls()));
        }
        if let Some(a) = arr.as_primitive_opt::<Date64Type>() {
            return Ok(DateCol::D64(a.values().as_ref(), arr.logical_nulls()));
        }
        if let DataType::Timestamp(unit, tz) = arr.data_type() {
            if let Some(tz) = tz
                .as_deref()
                .filter(|z| !matches!(*z, "UTC" | "+00:00" | "Z"))
            {
                return Err(format!(
                    "a timestamp column in time zone {tz} is not a date (write Date32, or timestamps at midnight without a time zone)"
                ));
            }
            use arrow_schema::TimeUnit;
            let (values, per_day): (&[i64], i64) = match unit {
                TimeUnit::Second => (arr.as_primitive::<TimestampSecondType>().values(), 86_400),
                TimeUnit::Millisecond => (
                    arr.as_primitive::<TimestampMillisecondType>().values(),
                    86_400_000,
                ),
                TimeUnit::Microsecond => (
                    arr.as_primitive::<TimestampMicrosecondType>().values(),
                    86_400_000_000,
                ),
                TimeUnit::Nanosecond => (
                    arr.as_primitive::<TimestampNanosecondType>().values(),
                    86_400_000_000_000,
                ),
            };
            return Ok(DateCol::Ts(values, per_day, arr.logical_nulls()));
        }
        StrCol::new(arr)
            .map(DateCol::Str)
            .map_err(|_| format!("expected a date column (Date32), got {}", arr.data_type()))
    }

    /// `Ok(None)` for null; `Err(message)` for a string that is not
    /// YYYY-MM-DD or a day number outside years 0001-9999 (which no
    /// `Date` consumer could print or take a year of).
    pub fn get(&self, i: usize) -> Result<Option<Date>, String> {
        let null = |n: &Option<NullBuffer>| n.as_ref().is_some_and(|n| n.is_null(i));
        match self {
            DateCol::D32(v, n) => {
                if null(n) {
                    Ok(None)
                } else {
                    in_range(v[i] as i64).map(Some)
                }
            }
            DateCol::D64(v, n) => {
                if null(n) {
                    Ok(None)
                } else {
                    in_range(v[i].div_euclid(86_400_000)).map(Some)
                }
            }
            DateCol::Ts(v, per_day, n) => {
                if null(n) {
                    Ok(None)
                } else if v[i].rem_euclid(*per_day) != 0 {
                    Err(format!(
                        "timestamp {} is not at midnight: a date has no time of day",
                        v[i]
                    ))
                } else {
                    in_range(v[i].div_euclid(*per_day)).map(Some)
                }
            }
            DateCol::Str(s) => match s.get(i) {
                None => Ok(None),
                Some("") => Ok(None),
                Some(t) => Date::parse(t)
                    .map(Some)
                    .map_err(|_| format!("'{t}' is not a date in YYYY-MM-DD form")),
            },
        }
    }
}

/// Day numbers of 0001-01-01 and 9999-12-31 (the YYYY-MM-DD range).
pub(crate) const MIN_DAY: i32 = -719_162;
pub(crate) const MAX_DAY: i32 = 2_932_896;

fn in_range(days: i64) -> Result<Date, String> {
    if (MIN_DAY as i64..=MAX_DAY as i64).contains(&days) {
        Ok(Date(days as i32))
    } else {
        Err(format!("day number {days} is outside years 0001-9999"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{DictionaryArray, Int64Array, StringArray};
    use std::sync::Arc;

    #[test]
    fn dictionary_strings_and_int_numbers_are_accepted() {
        let d: DictionaryArray<Int32Type> = vec![Some("a"), None, Some("b"), Some("a")]
            .into_iter()
            .collect();
        let s = StrCol::new(&d).unwrap();
        assert_eq!(
            (0..4).map(|i| s.get(i)).collect::<Vec<_>>(),
            vec![Some("a"), None, Some("b"), Some("a")]
        );
        let ints: ArrayRef = Arc::new(Int64Array::from(vec![Some(3), None]));
        let (v, n) = f64_col(ints.as_ref()).unwrap();
        assert_eq!(v[0], 3.0);
        assert!(n.unwrap().is_null(1));
        let strs = StringArray::from(vec!["2024-01-02", "x"]);
        let dc = DateCol::new(&strs).unwrap();
        assert_eq!(dc.get(0).unwrap(), Some(Date::ymd(2024, 1, 2)));
        assert_eq!(
            dc.get(1).unwrap_err(),
            "'x' is not a date in YYYY-MM-DD form"
        );
        assert_eq!(Date(MIN_DAY), Date::ymd(1, 1, 1));
        assert_eq!(Date(MAX_DAY), Date::ymd(9999, 12, 31));
        let big = arrow_array::Date32Array::from(vec![i32::MAX]);
        assert!(DateCol::new(&big)
            .unwrap()
            .get(0)
            .unwrap_err()
            .contains("outside years 0001-9999"));
        assert!(f64_col(&strs)
            .unwrap_err()
            .contains("expected a numeric column"));
        // pandas writes a date column as timestamp[ns] at midnight.
        let ns = arrow_array::TimestampNanosecondArray::from(vec![
            Some(19_724 * 86_400_000_000_000),
            None,
            Some(19_724 * 86_400_000_000_000 + 1),
        ]);
        let dc = DateCol::new(&ns).unwrap();
        assert_eq!(dc.get(0).unwrap(), Some(Date::ymd(2024, 1, 2)));
        assert_eq!(dc.get(1).unwrap(), None);
        assert!(dc.get(2).unwrap_err().contains("not at midnight"));
        let zoned =
            arrow_array::TimestampSecondArray::from(vec![0]).with_timezone("America/New_York");
        assert!(DateCol::new(&zoned)
            .err()
            .unwrap()
            .contains("time zone America/New_York"));
    }
}
