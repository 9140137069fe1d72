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
    println!(
        "lines last day {} first day {}",
        m.cross_section(last).len(),
        m.cross_section(0).len()
    );
}
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
