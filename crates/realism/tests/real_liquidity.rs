//! The real-data figures the generator's liquidity model is built on
//! (`rankday_synth::volume`'s doc comments), computed here from the shared
//! real data so that each one can be rerun and checked:
//!
//! * the 2025 Russell 3000 additions traded a median 11× their 20-day
//!   volume on the effective date (2025-06-27);
//! * the additions held by IWM in November 2025 traded a median 0.49 of
//!   IWM's holding a day in the 20 days before it, so IWM alone was a median
//!   2.1 days of their volume; the deletions traded 0.45 of IWM's May 2025
//!   holding a day in the 20 days to 2025-05-13; with IWM holding about 2.3%
//!   of the Russell 2000's float, that is about 1.1% of float a day;
//! * ^RUT's volume on the June effective dates of 2000–2025 is a median
//!   1.42× its mean of the 20 days before;
//! * ^RUT's monthly volume rises with its monthly realised volatility with
//!   an elasticity of about 0.23.
//!
//! The shared folder is `RANKDAY_SHARED`, else `<repo>/../shared`. Without
//! it every test here is ignored with that reason, never passed:
//! `cargo test -p rankday-realism --test real_liquidity -- --include-ignored`
//! runs them where the data is (CI sets the variable or has the folder).

use std::collections::{BTreeMap, HashMap};

use rankday_calendar::{ReconCalendar, ReconKind};
use rankday_testkit::shared::read_real as read;

/// One CSV line's fields, with double-quoted fields (which may hold commas).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out
}

/// Rows of a CSV text as maps from header to field, from the line that
/// starts with `header_start` on (iShares files open with a preamble).
fn table(text: &str, header_start: &str) -> Vec<HashMap<String, String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().skip_while(|l| !l.starts_with(header_start));
    let head = fields(lines.next().expect("header line"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| head.iter().cloned().zip(fields(l)).collect())
        .collect()
}

/// The generator's own median (`rankday_synth::stats::median`), so the
/// real figures and the generated ones are summarised alike.
fn median(v: Vec<f64>) -> f64 {
    assert!(!v.is_empty(), "median of nothing");
    rankday_synth::stats::median(v)
}

/// The 2025 daily volumes of the Russell 3000 adds and deletes:
/// ticker -> date -> volume, and the sorted trading dates.
struct Daily {
    volume: HashMap<String, BTreeMap<String, f64>>,
    dates: Vec<String>,
}

impl Daily {
    fn load() -> Daily {
        let text = read("russell_recon_2025/R3000_2025-01-01_to_2025-09-05.csv");
        let mut volume: HashMap<String, BTreeMap<String, f64>> = HashMap::new();
        for r in table(&text, "Date,") {
            let v: f64 = r["Volume"].parse().expect("volume");
            volume
                .entry(r["Ticker"].clone())
                .or_default()
                .insert(r["Date"].clone(), v);
        }
        let mut dates: Vec<String> = volume
            .values()
            .flat_map(|m| m.keys().cloned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        dates.sort();
        Daily { volume, dates }
    }

    /// Mean volume of `t` over the 20 trading days ending before index
    /// `end` (exclusive); None unless all 20 are there.
    fn adv20(&self, t: &str, end: usize) -> Option<f64> {
        let m = self.volume.get(t)?;
        let w = self.dates.get(end.checked_sub(20)?..end)?;
        let v: Vec<f64> = w.iter().filter_map(|d| m.get(d).copied()).collect();
        (v.len() == 20).then(|| v.iter().sum::<f64>() / 20.0)
    }

    fn day(&self, d: &str) -> usize {
        self.dates.iter().position(|x| x == d).expect("trading day")
    }
}

/// Tickers of an official 2025 Russell 3000 additions or deletions list.
fn list(rel: &str) -> Vec<String> {
    table(&read(rel), "Company,")
        .into_iter()
        .map(|r| r["Symbol"].clone())
        .collect()
}

/// An iShares holdings file's equity quantities by ticker.
fn holdings(rel: &str) -> HashMap<String, f64> {
    table(&read(rel), "Ticker,")
        .into_iter()
        .filter_map(|r| {
            let q: f64 = r.get("Quantity")?.replace(',', "").parse().ok()?;
            (q > 0.0).then(|| (r["Ticker"].clone(), q))
        })
        .collect()
}

fn assert_near(name: &str, got: f64, doc: f64, tol: f64) {
    println!("{name}: {got:.4} (doc comment {doc}, tolerance ±{tol})");
    assert!((got - doc).abs() <= tol, "{name}: {got} vs {doc} ± {tol}");
}

const EFFECTIVE_2025: &str = "2025-06-27";

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn additions_trade_eleven_times_their_volume_on_the_effective_date() {
    let d = Daily::load();
    let e = d.day(EFFECTIVE_2025);
    let m: Vec<f64> = list("russell_recon_2025/ru3000_additions_20250627_parsed.csv")
        .iter()
        .filter_map(|t| Some(d.volume.get(t)?.get(EFFECTIVE_2025)? / d.adv20(t, e)?))
        .collect();
    assert!(m.len() >= 100, "{} additions with volume", m.len());
    assert_near("2025 additions' recon-day multiple", median(m), 11.0, 1.0);
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn additions_and_deletions_trade_about_half_of_iwm_holding_a_day() {
    let d = Daily::load();
    let e = d.day(EFFECTIVE_2025);
    let iwm = holdings("ishares_holdings/IWM_2025-11-05.csv");
    let (mut turn, mut dov) = (Vec::new(), Vec::new());
    for t in list("russell_recon_2025/ru3000_additions_20250627_parsed.csv") {
        if let (Some(&q), Some(a)) = (iwm.get(&t), d.adv20(&t, e)) {
            turn.push(a / q);
            dov.push(q / a);
        }
    }
    assert!(turn.len() >= 80, "{} additions held by IWM", turn.len());
    let adds = median(turn);
    assert_near("additions' ADV over IWM's holding", adds, 0.49, 0.03);
    assert_near(
        "IWM-alone days of volume of the additions",
        median(dov),
        2.1,
        0.15,
    );
    // About 2.3% of the Russell 2000's float is IWM's ($64-69bn of about
    // $2.8T, approximate: the index's float cap is not in the data).
    assert_near(
        "additions' daily float turnover, %",
        100.0 * adds * 0.023,
        1.1,
        0.1,
    );

    let iwm = holdings("ishares_holdings/IWM_2025-05-13.csv");
    let cut = d.day("2025-05-13") + 1;
    let dels: Vec<f64> = list("russell_recon_2025/ru3000_deletions_20250627_parsed.csv")
        .iter()
        .filter_map(|t| Some(d.adv20(t, cut)? / iwm.get(t)?))
        .collect();
    assert!(dels.len() >= 60, "{} deletions held by IWM", dels.len());
    assert_near(
        "deletions' ADV over IWM's holding",
        median(dels),
        0.45,
        0.03,
    );
}

/// ^RUT's dates, closes and volumes from 2000 on (the file's volume before
/// then is sparse).
fn rut() -> (Vec<String>, Vec<f64>, Vec<f64>) {
    let (mut d, mut c, mut v) = (Vec::new(), Vec::new(), Vec::new());
    for r in table(&read("index_prices/RUT_alitalbi.csv"), "Date,") {
        d.push(r["Date"].clone());
        c.push(r["Close"].parse().expect("close"));
        v.push(r["Volume"].parse().expect("volume"));
    }
    (d, c, v)
}

#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn rut_trades_1_42_times_its_volume_on_june_effective_dates() {
    let (dates, _, vol) = rut();
    let cal = ReconCalendar::russell();
    let mut m = Vec::new();
    for y in 2000..=2025 {
        for r in cal.recons(y) {
            if r.kind != ReconKind::June {
                continue;
            }
            let day = r.effective_date.to_string();
            let i = dates
                .iter()
                .position(|x| *x == day)
                .expect("a June effective date in ^RUT");
            m.push(vol[i] / (vol[i - 20..i].iter().sum::<f64>() / 20.0));
        }
    }
    assert_eq!(m.len(), 26);
    assert_near(
        "^RUT recon-day multiple, median 2000-2025",
        median(m),
        1.42,
        0.03,
    );
}

/// Monthly realised volatility (root mean square of the daily log returns)
/// and mean daily volume, each over its centred 36-month mean (months
/// 2000-01 on, a full window each side), and the least-squares slope of the
/// volume ratio on the volatility ratio.
#[test]
#[cfg_attr(
    not(rankday_shared),
    ignore = "reads the shared real data (RANKDAY_SHARED or ../shared)"
)]
fn rut_volume_rises_with_volatility_at_elasticity_0_23() {
    let (dates, close, vol) = rut();
    let mut months: BTreeMap<&str, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for i in 1..dates.len() {
        let m = months.entry(&dates[i][..7]).or_default();
        m.0.push((close[i] / close[i - 1]).ln());
        m.1.push(vol[i]);
    }
    let (rv, mv): (Vec<f64>, Vec<f64>) = months
        .iter()
        .filter(|(k, _)| **k >= "2000-01")
        .map(|(_, (r, v))| {
            (
                (r.iter().map(|x| x * x).sum::<f64>() / r.len() as f64).sqrt(),
                v.iter().sum::<f64>() / v.len() as f64,
            )
        })
        .unzip();
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for i in 18..rv.len().saturating_sub(18) {
        let mean = |s: &[f64]| s[i - 18..i + 18].iter().sum::<f64>() / 36.0;
        x.push(rv[i] / mean(&rv));
        y.push(mv[i] / mean(&mv));
    }
    assert!(x.len() > 250, "{} months", x.len());
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let syy: f64 = y.iter().map(|b| (b - my) * (b - my)).sum();
    assert_near("^RUT volume/volatility elasticity", sxy / sxx, 0.23, 0.02);
    let corr = sxy / (sxx * syy).sqrt();
    assert_near("its correlation", corr, 0.71, 0.03);
}
