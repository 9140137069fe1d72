//! The arithmetic of the real-data validations (`shared/data/real/README.md`,
//! tests 1, 2, 4-6), as library functions so the flows crate and the CLI
//! reuse them instead of re-deriving them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rankday_core::Date;

use crate::error::ImportError;
use crate::holdings::HoldingsFile;
use crate::links::link_lines;
use crate::text::{clean, lower_header, parse_number};

/// A split found between two files.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectedSplit {
    /// The line's ticker.
    pub ticker: String,
    /// The line's name.
    pub name: String,
    /// New shares per old (0.2 = 1-for-5).
    pub ratio: f64,
    /// The line's share ratio divided by the fund median, as measured.
    pub share_ratio: f64,
    /// The line's price ratio between the files, as measured.
    pub price_ratio: f64,
}

/// Result of [`basket_return`].
#[derive(Clone, Debug, PartialEq)]
pub struct BasketReturn {
    /// Σ Q0·P1' / Σ Q0·P0 − 1, a fraction (0.01 = 1%); NaN when `n == 0`.
    pub ret: f64,
    /// Lines valued (present and priced in both files, inside the universe).
    pub n: usize,
    /// Splits found between the files and adjusted for.
    pub splits_detected: Vec<DetectedSplit>,
    /// Median share ratio between the files (fund creations/redemptions),
    /// over lines with the same (ticker, name).
    pub fund_share_ratio: f64,
}

/// Price return of the first file's basket between the two files' dates:
/// hold `q0`'s shares fixed, value them at `q0`'s and `p1`'s prices.
///
/// This is a Russell price index between reconstitutions (fixed float
/// shares, unchanged divisor), so over a window without a reconstitution it
/// should track ^RUT to about 0.1 percentage point. Lines are linked by
/// [`crate::link_lines`] (same ticker and name; else a rename that
/// kept the ticker or a ticker change that kept the name, when unambiguous
/// and the share counts agree); a line that split in
/// between is valued at `P1 × ratio` (see [`crate::split`]). `universe`
/// restricts the basket to these iShares tickers (e.g. "IWV names in IWM":
/// the IWM lists of late 2025 carry tickers only, so the universe is a set
/// of tickers).
pub fn basket_return(
    q0: &HoldingsFile,
    p1: &HoldingsFile,
    universe: Option<&HashSet<String>>,
) -> BasketReturn {
    let links = link_lines(q0, p1);
    let (mut v0, mut v1, mut n) = (0.0, 0.0, 0usize);
    let mut splits = Vec::new();
    for l in &links.pairs {
        let (a, b) = (&q0.holdings[l.a], &p1.holdings[l.b]);
        if universe.is_some_and(|u| !u.contains(&a.ticker)) {
            continue;
        }
        let mut p = b.price;
        if let Some(s) = &l.split {
            p *= s.ratio;
            splits.push(DetectedSplit {
                ticker: a.ticker.clone(),
                name: a.name.clone(),
                ratio: s.ratio,
                share_ratio: s.share_ratio,
                price_ratio: s.price_ratio,
            });
        }
        v0 += a.shares * a.price;
        v1 += a.shares * p;
        n += 1;
    }
    BasketReturn {
        ret: if n == 0 { f64::NAN } else { v1 / v0 - 1.0 },
        n,
        splits_detected: splits,
        fund_share_ratio: links.fund_share_ratio().unwrap_or(1.0),
    }
}

/// One-way turnover between two weight vectors: ½ Σ |w_post − w_pre| over
/// the union of tickers (a ticker missing on one side weighs 0 there;
/// repeated tickers are summed). Same unit as the input (percent in,
/// percent out). Times the fund's assets, it is the value traded one way.
pub fn one_way_turnover(pre: &[(String, f64)], post: &[(String, f64)]) -> f64 {
    let mut diff: HashMap<&str, f64> = HashMap::new();
    for (t, w) in pre {
        *diff.entry(t.as_str()).or_default() -= w;
    }
    for (t, w) in post {
        *diff.entry(t.as_str()).or_default() += w;
    }
    0.5 * diff.values().map(|d| d.abs()).sum::<f64>()
}

/// Names in `post` but not in `pre` (added) and in `pre` but not in `post`
/// (removed), each sorted and de-duplicated.
pub fn membership_changes<S: AsRef<str>>(pre: &[S], post: &[S]) -> (Vec<String>, Vec<String>) {
    let a: BTreeSet<&str> = pre.iter().map(AsRef::as_ref).collect();
    let b: BTreeSet<&str> = post.iter().map(AsRef::as_ref).collect();
    (
        b.difference(&a).map(|s| s.to_string()).collect(),
        a.difference(&b).map(|s| s.to_string()).collect(),
    )
}

/// Result of [`float_weight_gap`].
#[derive(Clone, Debug, PartialEq)]
pub struct WeightGap {
    /// Names in both.
    pub n: usize,
    /// Mean |w_wide − w_published| in percentage points.
    pub mean_abs_gap_pp: f64,
    /// Largest |w_wide − w_published| in percentage points.
    pub max_abs_gap_pp: f64,
}

/// Test 1 of the README: restrict a wider fund (`wide`, e.g. IWV) to the
/// tickers of a published weight list (e.g. IWM's of the same day), rescale
/// their market values to 100%, and compare with the published weights.
/// Small gaps show the weights are proportional to float-adjusted cap.
pub fn float_weight_gap(wide: &HoldingsFile, published: &[(String, f64)]) -> WeightGap {
    let mut pubw: HashMap<&str, f64> = HashMap::new();
    for (t, w) in published {
        *pubw.entry(t.as_str()).or_default() += w;
    }
    let mut mv: HashMap<&str, f64> = HashMap::new();
    for h in &wide.holdings {
        if pubw.contains_key(h.ticker.as_str()) && h.market_value > 0.0 {
            *mv.entry(h.ticker.as_str()).or_default() += h.market_value;
        }
    }
    let total: f64 = mv.values().sum();
    let gaps: Vec<f64> = mv
        .iter()
        .map(|(t, v)| (100.0 * v / total - pubw[t]).abs())
        .collect();
    let n = gaps.len();
    WeightGap {
        n,
        mean_abs_gap_pp: if n == 0 {
            f64::NAN
        } else {
            gaps.iter().sum::<f64>() / n as f64
        },
        max_abs_gap_pp: gaps.iter().copied().fold(0.0, f64::max),
    }
}

/// Reads a Yahoo-style daily price file (`Date` and `Close` columns, any
/// order, e.g. `index_prices/RUT_alitalbi.csv`) into date-sorted closes.
pub fn read_close_series(path: &Path) -> Result<Vec<(Date, f64)>, ImportError> {
    let file = path.to_path_buf();
    let mut rdr = csv::Reader::from_path(path).map_err(|e| {
        let message = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => ImportError::io(path, io),
            _ => ImportError::Row {
                file: file.clone(),
                line: 1,
                message,
            },
        }
    })?;
    let header: Vec<String> = lower_header(&mut rdr, &file)?;
    let col = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .ok_or_else(|| ImportError::Layout {
                file: file.clone(),
                message: format!("no '{n}' column in {}", header.join(",")),
            })
    };
    let (di, ci) = (col("date")?, col("close")?);
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ImportError::Row {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |i: usize, message: String| ImportError::Cell {
            file: file.clone(),
            line,
            column: i + 1,
            column_name: header[i].clone(),
            message,
        };
        let ds = clean(rec.get(di).unwrap_or(""));
        // Some downloads carry a time part: keep the date.
        let d = Date::parse(ds.get(..10).unwrap_or(ds)).map_err(|e| cell(di, e.to_string()))?;
        let cs = clean(rec.get(ci).unwrap_or(""));
        match parse_number(cs) {
            Ok(Some(c)) => out.push((d, c)),
            Ok(None) => {} // no close that day (Yahoo writes empty cells)
            Err(()) => return Err(cell(ci, format!("'{cs}' is not a number"))),
        }
    }
    out.sort_by_key(|&(d, _)| d);
    Ok(out)
}

/// The close on exactly `date`, if the series has one.
pub fn close_on(series: &[(Date, f64)], date: Date) -> Option<f64> {
    series
        .binary_search_by_key(&date, |&(d, _)| d)
        .ok()
        .map(|i| series[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(v: &[(&str, f64)]) -> Vec<(String, f64)> {
        v.iter().map(|(t, x)| (t.to_string(), *x)).collect()
    }

    #[test]
    fn turnover_counts_adds_deletes_and_reweights_once() {
        let pre = w(&[("A", 50.0), ("B", 30.0), ("C", 20.0)]);
        let post = w(&[("A", 40.0), ("B", 30.0), ("D", 30.0)]);
        // |−10| + 0 + |−20| + |+30| = 60, one way 30.
        assert!((one_way_turnover(&pre, &post) - 30.0).abs() < 1e-12);
        assert_eq!(one_way_turnover(&pre, &pre), 0.0);
        // Repeated tickers are one name.
        let split = w(&[("A", 25.0), ("A", 25.0), ("B", 30.0), ("C", 20.0)]);
        assert!(one_way_turnover(&pre, &split).abs() < 1e-12);
    }

    #[test]
    fn membership_changes_are_set_differences() {
        let (added, removed) = membership_changes(&["A", "B", "B", "C"], &["B", "C", "D", "E"]);
        assert_eq!(added, vec!["D", "E"]);
        assert_eq!(removed, vec!["A"]);
    }
}
