//! Prints the shape of a generated market (`cargo run --release -p
//! rankday-synth --example probe -- YEARS SEED`): sizes, the cap curve
//! against the published 2024 figures, and the market's path, for tuning
//! the generator by eye.

use rankday_synth::{anchor_date, cap_stats, generate, GenConfig};
use std::time::Instant;
#[path = "../tests/common/mod.rs"]
mod common;
fn main() {
    let years: u32 = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(3);
    let seed: u64 = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(7);
    let t0 = Instant::now();
    let m = generate(
        &GenConfig {
            seed,
            years,
            ..GenConfig::default()
        },
        &|_, _| {},
    )
    .unwrap();
    println!(
        "rows {} days {} secs {} in {:.2}s",
        m.n_rows(),
        m.n_days(),
        m.n_securities(),
        t0.elapsed().as_secs_f64()
    );
    let caps: Vec<f64> = common::approx_eligible_caps(&m, anchor_date())
        .into_iter()
        .map(|x| x.1)
        .collect();
    let s = cap_stats(&caps);
    println!(
        "{s:?}\nworst dev {:.3}",
        s.worst_deviation(&rankday_synth::TARGET_2024)
    );
    if std::env::var("SUMMARY").is_ok() {
        println!(
            "{}",
            rankday_synth::stats::summarize(&m, m.last_date().unwrap())
        );
    }
    if let Ok(c) = std::env::var("TRACE") {
        trace(&m, &c);
    }
    let last = m.n_days() - 1;
    let cs = m.cross_section(last);
    let mut px: Vec<f64> = cs.close.iter().copied().filter(|x| !x.is_nan()).collect();
    px.sort_by(f64::total_cmp);
    let q = |f: f64| px[((px.len() as f64 * f) as usize).min(px.len() - 1)];
    println!(
        "price q01 {:.2} q10 {:.2} q50 {:.2} q90 {:.2} q99 {:.2} max {:.2}; <1: {} >1000: {}",
        q(0.01),
        q(0.1),
        q(0.5),
        q(0.9),
        q(0.99),
        px[px.len() - 1],
        px.iter().filter(|&&x| x < 1.0).count(),
        px.iter().filter(|&&x| x > 1000.0).count()
    );
    // Market level path: equal... use total cap of all listed lines.
    let mut prev = 0.0;
    let mut peak: f64 = 0.0;
    let mut maxdd: f64 = 0.0;
    for d in (0..m.n_days()).step_by(21) {
        let c = m.cross_section(d);
        let tot: f64 = (0..c.len())
            .filter(|&i| !c.close[i].is_nan())
            .map(|i| c.close[i] * c.shares[i])
            .sum();
        peak = peak.max(tot);
        maxdd = maxdd.max(1.0 - tot / peak);
        if d % (252 * 5) < 21 {
            println!(
                "  {} total listed cap {:.2e} {}",
                m.dates()[d],
                tot,
                if prev > 0.0 {
                    format!("{:+.1}%", 100.0 * (tot / prev - 1.0))
                } else {
                    String::new()
                }
            );
            prev = tot;
        }
    }
    for d in [0, m.n_days() / 2, m.day_index(anchor_date()).unwrap_or(0)] {
        let c = m.cross_section(d);
        let mut by: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
        for i in 0..c.len() {
            if c.close[i].is_nan() {
                continue;
            }
            let s = m.security(rankday_core::Sec(c.sec[i]));
            let e = by.entry(s.security_type.to_string()).or_default();
            let cap = c.close[i] * c.shares[i];
            e.0 += cap;
            e.1 = e.1.max(cap);
        }
        println!(
            "{} {:?}",
            m.dates()[d],
            by.iter()
                .map(|(k, v)| format!("{k}:{:.2e}/max {:.2e}", v.0, v.1))
                .collect::<Vec<_>>()
        );
    }
    println!("max drawdown of total cap (monthly): {:.1}%", 100.0 * maxdd);
    println!(
        "lines last day {} first day {}",
        m.cross_section(last).len(),
        m.cross_section(0).len()
    );
}
/// Prints every line of `company`, for following one company's path.
#[allow(dead_code)]
pub fn trace(m: &rankday_core::Market, company: &str) {
    for (i, s) in m.securities().iter().enumerate() {
        if s.company_id != company {
            continue;
        }
        let sec = rankday_core::Sec(i as u32);
        println!(
            "{} {} {:?} {:?}",
            s.security_id, s.ticker, s.security_type, s.exchange
        );
        let h = m.history(sec);
        println!(
            " first {} last {} n {}",
            m.dates()[h.day(0)],
            m.dates()[h.day(h.len() - 1)],
            h.len()
        );
        for a in m.actions_of(sec) {
            println!("  {:?}", a);
        }
        let step = (h.len() / 30).max(1);
        for k in (0..h.len()).step_by(step) {
            let r = h.row(k);
            println!(
                "   {} {:.2} sh {:.0} cap {:.3e}",
                r.date,
                r.close,
                r.shares_outstanding,
                r.close * r.shares_outstanding
            );
        }
    }
}
