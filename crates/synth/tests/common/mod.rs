//! Test helpers. `approx_eligible_caps` is an APPROXIMATE Russell screen
//! written for the tests only (the real rules live in `rankday-method`): it
//! checks structure, exchange, nationality by the HCI rules, price ≥ $1,
//! total cap ≥ $30M, float ≥ 5% and votes in public hands ≥ 5%.
#![allow(dead_code)]

use std::collections::HashMap;

use rankday_core::{Country, Date, Exchange, Market, Sec, SecurityType};
use rankday_synth::{generate, GenConfig};

pub fn small(seed: u64, years: u32, lines: usize) -> Market {
    generate(
        &GenConfig {
            seed,
            years,
            target_lines: lines,
            ..GenConfig::default()
        },
        &|_, _| {},
    )
    .unwrap()
}

const BDI: [&str; 12] = [
    "BM", "KY", "VG", "PA", "MH", "JE", "GG", "LR", "BS", "BB", "AW", "IM",
];

fn is_us(c: Country) -> bool {
    matches!(c.as_str(), "US" | "PR" | "GU" | "VI")
}

/// Approximate home country per methodology §2 (test-only re-statement).
pub fn home_is_us(s: &rankday_core::Security) -> bool {
    let norm = |c: Country| if is_us(c) { Country::US } else { c };
    let (i, h, e) = (
        norm(s.country_incorporation),
        norm(s.country_headquarters),
        norm(s.country_exchange),
    );
    if i == h && h == e {
        return i == Country::US;
    }
    let hci = [i, h, e];
    if let Some(a) = s.country_assets.map(norm) {
        if hci.contains(&a) {
            return a == Country::US;
        }
    }
    if let Some(r) = s.country_revenue.map(norm) {
        if hci.contains(&r) {
            return r == Country::US;
        }
    }
    if BDI.contains(&h.as_str()) {
        e == Country::US
    } else {
        h == Country::US
    }
}

/// (company index, total cap) of companies passing the approximate screen on `date`.
pub fn approx_eligible_caps(m: &Market, date: Date) -> Vec<(usize, f64)> {
    let day = m.day_index(date).expect("a trading day");
    let cs = m.cross_section(day);
    let mut by_co: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..cs.len() {
        by_co
            .entry(m.company_of(Sec(cs.sec[i])))
            .or_default()
            .push(i);
    }
    let mut out = Vec::new();
    for (co, rows) in by_co {
        let common: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| {
                let s = m.security(Sec(cs.sec[i]));
                matches!(s.security_type, SecurityType::Common | SecurityType::Reit)
            })
            .collect();
        // Pricing vehicle: listed common line with the highest volume.
        let Some(pv) = common
            .iter()
            .copied()
            .filter(|&i| !cs.close[i].is_nan())
            .max_by(|&a, &b| cs.volume[a].total_cmp(&cs.volume[b]))
        else {
            continue;
        };
        let s = m.security(Sec(cs.sec[pv]));
        let eligible_exchange = matches!(
            s.exchange,
            Exchange::Nyse
                | Exchange::Nasdaq
                | Exchange::NyseAmerican
                | Exchange::NyseArca
                | Exchange::Cboe
        );
        if !eligible_exchange || !home_is_us(s) || cs.close[pv] < 1.0 {
            continue;
        }
        let shares: f64 = common.iter().map(|&i| cs.shares[i]).sum();
        let cap = shares * cs.close[pv];
        let total_votes: f64 = common
            .iter()
            .map(|&i| cs.shares[i] * m.security(Sec(cs.sec[i])).votes_per_share)
            .sum();
        let public_votes = cs.float[pv] * s.votes_per_share;
        if cap < 30e6 || cs.float[pv] / cs.shares[pv] < 0.05 || public_votes / total_votes < 0.05 {
            continue;
        }
        out.push((co, cap));
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}
