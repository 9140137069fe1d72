//! Linking two holdings files line by line, and reading splits out of them.
//!
//! Between two files of one fund, every line's share count moves by the
//! fund's creations and redemptions (one ratio for all lines, about 0.95 to
//! 1.04 between the shared files) and by the line's own index events: share
//! and float updates, and splits. A split of ratio r multiplies the fund's
//! shares by r and divides the price by r, so the two offset each other in
//! value. The test, per line, after dividing the share ratio by the
//! fund-wide median:
//!
//! 1. the share ratio is at least 1.4x away from 1 (float updates of 25-35%
//!    are common in small caps; true splits are 3-for-2 or larger),
//! 2. it lies within 5% (in log terms) of a split ratio companies actually
//!    use: n-for-1 and 1-for-n with n up to 100, plus 3:2, 5:2 and their
//!    inverses (4:3 and 5:4 are left out: they collide with float updates),
//! 3. the price moved the other way: |ln(price ratio x split ratio)| is at
//!    most half of |ln split ratio|, i.e. the implied return is small next
//!    to the split.
//!
//! On the shared files this finds LXP 1-for-5 (Nov 2025), REX 2-for-1 and
//! TRML 1-for-2 (Sep 2025), CRVL 3-for-1, NVEE 4-for-1, and no float update
//! over windows of up to 3 months. Over 4+ month windows a share increase
//! of about 1.45x met by a price fall can pass for a 3-for-2 (AUB and ALKT
//! between 2024-12-31 and 2025-05-02, AUB being a merger share issue): with
//! files that far apart, check the `split` actions against a corporate
//! action source.

use std::collections::HashMap;

use crate::holdings::HoldingsFile;

/// Median of the values (NaN-free input), or `None` if empty.
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

fn split_candidates() -> Vec<f64> {
    let mut c: Vec<f64> = (2..=100).flat_map(|n| [n as f64, 1.0 / n as f64]).collect();
    c.extend([1.5, 2.5, 2.0 / 3.0, 0.4]);
    c
}

/// The split ratio (new shares per old) implied by a line's price ratio
/// `p1 / p0` and its share ratio `(q1 / q0) / fund median`, or `None` when
/// the move does not look like a split (see the module notes).
pub fn infer_split(price_ratio: f64, share_ratio: f64) -> Option<f64> {
    if !(price_ratio > 0.0 && share_ratio > 0.0) || share_ratio.ln().abs() < 1.4f64.ln() {
        return None;
    }
    let best = split_candidates().into_iter().min_by(|a, b| {
        (share_ratio / a)
            .ln()
            .abs()
            .total_cmp(&(share_ratio / b).ln().abs())
    })?;
    let close = (share_ratio / best).ln().abs() <= 0.05;
    let offset = (price_ratio * best).ln().abs() <= 0.5 * best.ln().abs();
    (close && offset).then_some(best)
}

/// Pairs (i, j) of valued lines (`price > 0`, `shares > 0`) of `a` and `b`
/// with the same (ticker, name).
pub fn matched_lines(a: &HoldingsFile, b: &HoldingsFile) -> Vec<(usize, usize)> {
    let index: HashMap<(&str, &str), usize> = b
        .holdings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.is_valued())
        .map(|(j, h)| (h.key(), j))
        .collect();
    a.holdings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.is_valued())
        .filter_map(|(i, h)| index.get(&h.key()).map(|&j| (i, j)))
        .collect()
}

/// Median over matched lines of `shares_b / shares_a`: the fund's creation
/// and redemption factor between the two files.
pub fn fund_share_ratio(
    a: &HoldingsFile,
    b: &HoldingsFile,
    pairs: &[(usize, usize)],
) -> Option<f64> {
    median(
        pairs
            .iter()
            .map(|&(i, j)| b.holdings[j].shares / a.holdings[i].shares)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_found_and_float_updates_are_not() {
        // LXP 1-for-5 with a small price move.
        assert_eq!(infer_split(5.2 / 1.0, 0.199), Some(0.2));
        // 2-for-1 forward split, price roughly halves.
        assert_eq!(infer_split(0.52, 2.0), Some(2.0));
        // 3-for-2.
        assert_eq!(infer_split(0.70, 1.487), Some(1.5));
        // Float update +31% with the price flat: not a split.
        assert_eq!(infer_split(1.0, 1.31), None);
        // Share count doubled (index share increase) but price flat: not a split.
        assert_eq!(infer_split(1.02, 2.0), None);
        // Share ratio far from any split ratio.
        assert_eq!(infer_split(0.3, 3.4), None);
        // Nonsense inputs.
        assert_eq!(infer_split(f64::NAN, 2.0), None);
        assert_eq!(infer_split(0.5, 0.0), None);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
