//! [`read_returns`]: a portfolio's daily returns (`date`, `return`), the
//! input of `rankday benchmark --portfolio`.

use std::path::Path;

use rankday_core::Date;

use crate::raw::Raw;
use crate::{FileFormat, IoError};

/// Reads daily returns from a table with columns `date` and `return` (CSV
/// or Parquet, columns in any order, others ignored; dates `YYYY-MM-DD`,
/// returns as decimals, 0.01 = 1%), dates strictly increasing.
///
/// A return is a finite number above −1 and at most 1 in absolute value:
/// anything beyond ±100% in a day is refused with a message saying it looks
/// like a percentage, because a file in percent (1.5 for 1.5%) would
/// otherwise compound into nonsense (a "fund return" of 10^18 %). Errors
/// name the file, line and column.
pub fn read_returns(path: &Path) -> Result<Vec<(Date, f64)>, IoError> {
    let raw = Raw::read(path, FileFormat::of_path(path)? == FileFormat::Csv)?;
    let (dc, rc) = (raw.req("date")?, raw.req("return")?);
    let mut out: Vec<(Date, f64)> = Vec::with_capacity(raw.len());
    for r in raw.rows() {
        let d = r.req(dc, "date")?;
        let d = d.trim();
        let date = Date::parse(d).map_err(|e| r.err("date", e))?;
        let v = r.req(rc, "return")?;
        let v = v.trim();
        let x: f64 = v
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| r.err("return", format!("'{v}' is not a number")))?;
        if x.abs() > 1.0 {
            return Err(r.err(
                "return",
                format!(
                    "{v} looks like a percentage: returns are decimals (0.01 = 1%), and a daily return beyond ±100% is not one"
                ),
            ));
        }
        if x <= -1.0 {
            return Err(r.err(
                "return",
                format!("{v} would lose the whole portfolio in a day (a return must be above -1)"),
            ));
        }
        if let Some(&(prev, _)) = out.last() {
            if prev >= date {
                return Err(r.err(
                    "date",
                    format!("{date} does not follow {prev} (dates must be strictly increasing)"),
                ));
            }
        }
        out.push((date, x));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(k: i32) -> Date {
        Date::ymd(2024, 1, 1).add_days(k)
    }

    #[test]
    fn reads_decimals_and_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        std::fs::write(&p, "date,return\n2024-01-02,0.01\n2024-01-03, -0.005\n").unwrap();
        assert_eq!(
            read_returns(&p).unwrap(),
            vec![(d(1), 0.01), (d(2), -0.005)]
        );
        let cases = [
            (
                "date,return\n2024-01-02,0.01\n2024-01-03,abc\n",
                "p.csv:3:2 (return): 'abc' is not a number",
            ),
            ("date,return\n2024-13-02,0.01\n", "p.csv:2:1 (date):"),
            (
                "date,return\n2024-01-02,2.5\n",
                "p.csv:2:2 (return): 2.5 looks like a percentage",
            ),
            (
                "date,return\n2024-01-02,-1\n",
                "p.csv:2:2 (return): -1 would lose the whole portfolio",
            ),
            (
                "date,return\n2024-01-03,0\n2024-01-02,0\n",
                "p.csv:3:1 (date): 2024-01-02 does not follow 2024-01-03",
            ),
            ("day,return\n", "p.csv:1 (date): required column is missing"),
        ];
        for (text, want) in cases {
            std::fs::write(&p, text).unwrap();
            let e = read_returns(&p).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: got {e}, want {want}");
        }
        let e = read_returns(&dir.path().join("missing.csv")).unwrap_err();
        assert!(e.to_string().contains("missing.csv"), "{e}");
    }
}
