use rankday_core::{Date, IndexId};
use rankday_method::ReconSpec;

use crate::args::{InspectArgs, PolicyArgs};
use crate::output::{usd, Output};
use crate::pipeline;

/// The date of the published 2024 figures the generator is calibrated to
/// (methodology §9).
const CALIBRATION_DATE: (i32, u32, u32) = (2024, 4, 30);

pub fn run(a: InspectArgs, out: &Output) -> anyhow::Result<()> {
    let market = pipeline::load_market(&a.dir)?;
    let (first, last) = (
        market.first_date().unwrap_or_default(),
        market.last_date().unwrap_or_default(),
    );
    let cal_date = Date::ymd(CALIBRATION_DATE.0, CALIBRATION_DATE.1, CALIBRATION_DATE.2);
    let date = a.date.unwrap_or(if cal_date >= first && cal_date <= last {
        cal_date
    } else {
        last
    });
    let date = market.dates()[market
        .day_on_or_before(date)
        .ok_or_else(|| anyhow::anyhow!("{date} is before the history starts ({first})"))?];
    let summary = rankday_synth::stats::summarize(&market, date);
    let policy = pipeline::method_policy(&PolicyArgs {
        policy: None,
        calendar: None,
    })?;
    let spec = ReconSpec {
        rank_date: date,
        effective_date: date,
        december: false,
        banding: false,
        buffers: rankday_calendar::BufferThresholds::RUSSELL,
        lockdown_date: None,
    };
    let recon = rankday_method::reconstitute(&market, &spec, None, &policy)?;
    let mut caps: Vec<(u32, f64)> = recon
        .membership
        .members(IndexId::R3000)
        .map(|r| (r.company, r.total_market_cap))
        .collect();
    caps.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    caps.dedup_by_key(|c| c.0);
    let sorted: Vec<f64> = caps.iter().map(|c| c.1).collect();
    let cap = rankday_synth::cap_stats(&sorted);
    let eligible = recon.screens.iter().filter(|s| s.passed).count();
    out.say(summary.to_string());
    out.say(format!(
        "Russell 3000 on {date} (eligible lines: {eligible}):"
    ));
    out.say(format!("  companies        {:>10}", cap.n));
    out.say(format!(
        "  total cap        {:>10}   (published 2024-04-30: $53.0T)",
        usd(cap.total)
    ));
    out.say(format!(
        "  largest          {:>10}   (published: $2,893.6B)",
        usd(cap.largest)
    ));
    out.say(format!(
        "  cap at rank 1000 {:>10}   (published breakpoint: $4.6B)",
        cap.cap_at_1000.map_or("n/a".into(), usd)
    ));
    out.say(format!(
        "  cap at rank 3000 {:>10}   (published: $150.4M)",
        cap.cap_at_3000.map_or("n/a".into(), usd)
    ));
    out.say(format!(
        "  median           {:>10}   (published: $2.1B)",
        usd(cap.median)
    ));
    out.json_value(&serde_json::json!({ "date": date, "summary": summary, "r3000": cap, "eligible_lines": eligible }));
    Ok(())
}
