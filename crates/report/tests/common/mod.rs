//! A synthetic report with every section filled, shared by the integration
//! tests. Deterministic (a small LCG, no `rand`), so failures reproduce.

#![allow(dead_code)]

use rankday_core::Date;
use rankday_report::{
    FlowName, FlowsSection, FundSection, LevelSeries, ReconSummary, RelativeSeries, ReportData,
};

struct Lcg(u64);
impl Lcg {
    /// Uniform in [-1, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

pub use rankday_testkit::weekdays;

fn walk(rng: &mut Lcg, n: usize, start: f64, drift: f64, vol: f64) -> Vec<f64> {
    let mut v = start;
    (0..n)
        .map(|_| {
            let out = v;
            v *= 1.0 + drift + vol * rng.next();
            out
        })
        .collect()
}

fn flow(ticker: &str, demand: f64) -> FlowName {
    FlowName {
        ticker: ticker.into(),
        demand_usd: demand,
        days_of_volume: demand.abs() / 40e6,
        impact_bps: demand.abs() / 4e6,
    }
}

pub fn full() -> ReportData {
    let mut rng = Lcg(42);
    let dates = weekdays(Date::ymd(2021, 1, 4), 780);
    let n = dates.len();
    let mut levels = Vec::new();
    for (name, base, drift, vol) in [
        ("R1000", 2100.0, 0.0004, 0.011),
        ("R2000", 1980.0, 0.0002, 0.016),
        ("R3000", 2300.0, 0.00035, 0.012),
    ] {
        let pr = walk(&mut rng, n, base, drift, vol);
        let tr: Vec<f64> = pr
            .iter()
            .enumerate()
            .map(|(i, p)| p * (1.0f64 + 0.015 / 252.0).powi(i as i32) * 1.6)
            .collect();
        levels.push(LevelSeries {
            index: name.into(),
            dates: dates.clone(),
            price_return: pr,
            total_return: tr,
        });
    }
    let ratio: Vec<f64> = levels[1]
        .price_return
        .iter()
        .zip(&levels[0].price_return)
        .map(|(a, b)| a / b)
        .collect();
    let recons = (2021..=2025)
        .map(|y| {
            let k = (y - 2020) as f64;
            ReconSummary {
                rank_date: Date::ymd(y, 4, 30),
                effective_date: Date::ymd(y, 6, 25),
                counts: vec![
                    ("R1000".into(), 1002 + y as u32 % 7),
                    ("R2000".into(), 2000),
                    ("R3000E".into(), 3900 + 13 * y as u32 % 90),
                ],
                cap_rank_1000: 4.0e9 + 0.6e9 * k,
                cap_rank_3000: 150e6 + 20e6 * k,
                band_lower_usd: 3.1e9 + 0.5e9 * k,
                band_upper_usd: 5.2e9 + 0.7e9 * k,
                adds: 210 + y as u32 % 40,
                deletes: 180 + y as u32 % 30,
                ups: 40 + y as u32 % 9,
                downs: 30 + y as u32 % 11,
            }
        })
        .collect();
    let flows = FlowsSection {
        effective_date: Date::ymd(2025, 6, 27),
        top_buys: (0..12)
            .map(|i| flow(&format!("BUY{i}"), 2.4e9 / (1.0 + i as f64)))
            .collect(),
        top_sells: (0..12)
            .map(|i| flow(&format!("SEL{i}"), -1.9e9 / (1.0 + i as f64)))
            .collect(),
        decile_net_usd: vec![
            3.1e9, 1.2e9, -0.4e9, -2.2e9, 0.8e9, 1.9e9, -1.1e9, 0.3e9, 0.6e9, -0.2e9,
        ],
        dov_histogram: vec![
            ("<0.5".into(), 1800),
            ("0.5–1".into(), 620),
            ("1–2".into(), 410),
            ("2–5".into(), 190),
            ("5–10".into(), 44),
            (">10".into(), 9),
        ],
        turnover: vec![
            ("R1000".into(), 0.042),
            ("R2000".into(), 0.231),
            ("R3000".into(), 0.055),
        ],
    };
    let fund_dates: Vec<Date> = dates[200..].to_vec();
    let m = fund_dates.len();
    let mut td = 0.0;
    let tracking_difference_bp = (0..m)
        .map(|_| {
            td += -0.02 + 0.3 * rng.next();
            td
        })
        .collect();
    let nav = walk(&mut rng, m, 100e6, 0.0003, 0.01);
    ReportData {
        title: "Russell US indexes — synthetic market <test>".into(),
        generated_by: "rankday 0.1.0".into(),
        market_summary: vec![
            ("Securities".into(), "4,512".into()),
            ("Trading days".into(), n.to_string()),
            ("First date".into(), dates[0].to_string()),
            ("Last date".into(), dates[n - 1].to_string()),
        ],
        levels,
        relative: Some(RelativeSeries {
            name: "Russell 2000 / Russell 1000".into(),
            dates: dates.clone(),
            ratio,
        }),
        recons,
        flows: Some(flows),
        fund: Some(FundSection {
            dates: fund_dates,
            tracking_difference_bp,
            nav,
            stats: vec![
                ("Tracking error (ann.)".into(), "18.4 bp".into()),
                ("Tracking difference".into(), "−6.1 bp".into()),
            ],
        }),
    }
}

/// The chart names the full report must draw.
pub const CHARTS: [&str; 8] = [
    "levels",
    "relative",
    "breakpoints",
    "flows_deciles",
    "flows_dov",
    "flows_turnover",
    "fund_td",
    "fund_nav",
];
